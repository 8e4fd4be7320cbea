/* SPDX-License-Identifier: MIT */
/*
 * Instances and the network interfaces users may change. An instance owns
 * exactly one ENI (type "interface", device index 0), which holds its
 * addresses and security groups; terminating the instance deletes the ENI.
 */
#include "compat.h"
#include "core/host_ops.h"

#include "base/xalloc.h"
#include "core/idfmt.h"
#include "limits.h"

struct eni *eni_lookup(const struct world *w, const struct ctx *cx, const char *id,
		       struct err *e)
{
	struct res *r;

	if (!id_valid(id, "eni-")) {
		err_fail(e, "InvalidNetworkInterfaceId.Malformed", "Invalid id: \"%s\"", id);
		return NULL;
	}
	r = world_get(w, id, RES_ENI);
	if (!r || strcmp(r->owner, cx->account)) {
		err_fail(e, "InvalidNetworkInterfaceID.NotFound",
			 "The networkInterface ID '%s' does not exist", id);
		return NULL;
	}
	return AS_ENI(r);
}

/* Replaces the groups of 'n' by the distinct IDs of 'groups', in order. */
static void eni_set_groups(struct eni *n, const char **groups, size_t n_groups)
{
	n->n_groups = 0;
	for (size_t i = 0; i < n_groups; i++)
		if (id_array_find(n->groups, n->n_groups, groups[i]) < 0)
			id_array_push(&n->groups, &n->n_groups, groups[i]);
}

static int check_eni_description(const char *desc, struct err *e)
{
	if (desc && strlen(desc) > LIMIT_NAME_CHARS)
		return err_fail(e, "InvalidParameterValue",
				"Value for parameter description is invalid. Length exceeds "
				"maximum of %d.", LIMIT_NAME_CHARS);
	return 0;
}

/* Requester-managed ENIs (endpoints', NAT gateways') belong to AWS. */
static int check_user_managed(const struct eni *n, struct err *e)
{
	if (n->requester_managed)
		return err_fail(e, "AuthFailure",
				"You do not have permission to access the specified resource.");
	return 0;
}

int eni_modify(struct world *w, struct ctx *cx, const struct eni_modify_req *req,
	       struct err *e)
{
	struct eni *n = eni_lookup(w, cx, req->id, e);
	int ret;

	if (!n)
		return -EINVAL;
	if ((ret = check_user_managed(n, e)) < 0 ||
	    (ret = sg_check_for_vpc(w, cx, n->vpc_id, req->groups, req->n_groups, e)) < 0 ||
	    (ret = check_eni_description(req->description, e)) < 0)
		return ret;
	if (req->n_groups)
		eni_set_groups(n, req->groups, req->n_groups);
	if (req->source_dest_check != -1)
		n->source_dest_check = req->source_dest_check;
	if (req->description) {
		free(n->description);
		n->description = xstrdup(req->description);
	}
	world_touch(w, &n->res);
	return 0;
}

int eni_delete(struct world *w, struct ctx *cx, const char *id, struct err *e)
{
	struct eni *n = eni_lookup(w, cx, id, e);
	int ret;

	if (!n)
		return -EINVAL;
	ret = check_user_managed(n, e);
	if (ret < 0)
		return ret;
	if (n->owner_res_id[0] || n->attach_id[0])
		return err_fail(e, "InvalidParameterValue",
				"Network interface '%s' is currently in use.", id);
	world_remove(w, &n->res);
	return 0;
}

static const struct {
	int code;
	const char *name;
} views[] = {
	[VIEW_PENDING] = { 0, "pending" },
	[VIEW_RUNNING] = { 16, "running" },
	[VIEW_SHUTTING_DOWN] = { 32, "shutting-down" },
	[VIEW_TERMINATED] = { 48, "terminated" },
};

enum instance_view instance_state_at(const struct instance *in, int64_t now_ms)
{
	switch (in->state) {
	case INSTANCE_PENDING:
		return now_ms - in->state_ms >= INSTANCE_PENDING_MS ? VIEW_RUNNING : VIEW_PENDING;
	case INSTANCE_RUNNING:
		return VIEW_RUNNING;
	case INSTANCE_TERMINATED:
		break;
	}
	return now_ms - in->state_ms >= INSTANCE_SHUTDOWN_MS ? VIEW_TERMINATED
							     : VIEW_SHUTTING_DOWN;
}

bool instance_visible(const struct instance *in, int64_t now_ms)
{
	return in->state != INSTANCE_TERMINATED || now_ms - in->state_ms < INSTANCE_GONE_MS;
}

int instance_view_code(enum instance_view v)
{
	return views[v].code;
}

const char *instance_view_name(enum instance_view v)
{
	return views[v].name;
}

struct instance *instance_lookup(const struct world *w, const struct ctx *cx, const char *id,
				 struct err *e)
{
	struct res *r;

	if (!id_valid(id, "i-")) {
		err_fail(e, "InvalidInstanceID.Malformed", "Invalid id: \"%s\"", id);
		return NULL;
	}
	r = world_get(w, id, RES_INSTANCE);
	if (!r || strcmp(r->owner, cx->account) || !instance_visible(AS_INSTANCE(r), cx->now_ms)) {
		err_fail(e, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id);
		return NULL;
	}
	return AS_INSTANCE(r);
}

/* "t3.micro", "m1.small": a family and a size of [a-z0-9-]. */
static bool type_valid(const char *t)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789-";
	size_t family = strspn(t, set);

	return family > 0 && t[family] == '.' && t[family + 1] &&
	       strspn(t + family + 1, set) == strlen(t + family + 1) && strlen(t) < 32;
}

/*
 * Picks 'n' free addresses of the public pool, lowest first, skipping the
 * first and last address of every /24 as Elastic IPs do.
 */
static int public_alloc(const struct world *w, uint32_t *ips, size_t n, struct err *e)
{
	struct cidr4 pool = region_public_pool();
	uint64_t size = cidr4_size(&pool);
	uint8_t *used = xcalloc(size / 8 + 1, 1);
	size_t found = 0;
	struct res *r;

	WORLD_FOR_EACH(w, RES_ENI, r) {
		uint32_t ip = AS_ENI(r)->public_ip;

		if (ip && cidr4_contains_ip(&pool, ip))
			used[(ip - pool.addr) / 8] |= (uint8_t)(1u << ((ip - pool.addr) % 8));
	}
	WORLD_FOR_EACH(w, RES_EIP, r) {
		uint32_t ip = AS_EIP(r)->public_ip;

		if (ip && cidr4_contains_ip(&pool, ip))
			used[(ip - pool.addr) / 8] |= (uint8_t)(1u << ((ip - pool.addr) % 8));
	}
	for (uint64_t off = 0; off < size && found < n; off++) {
		if ((off & 255) == 0 || (off & 255) == 255 || used[off / 8] & (1u << (off % 8)))
			continue;
		ips[found++] = pool.addr + (uint32_t)off;
	}
	free(used);
	if (found < n)
		return err_fail(e, "InsufficientAddressCapacity",
				"There are not enough public IPv4 addresses available.");
	return 0;
}

static int check_private_ip(const struct world *w, const struct subnet *s, const char *addr,
			    uint32_t *ip, struct err *e)
{
	if (ip4_parse(str_c(addr), ip) < 0)
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter privateIpAddress is invalid. This is not "
				"a valid IP address.", addr);
	if (!cidr4_contains_ip(&s->cidr, *ip))
		return err_fail(e, "InvalidParameterValue",
				"Address %s does not fall within the subnet's address range", addr);
	if (*ip - s->cidr.addr < 4 || *ip == cidr4_last(&s->cidr))
		return err_fail(e, "InvalidParameterValue",
				"Address %s is in subnet's reserved address range", addr);
	if (!subnet_ip_free(w, s, *ip))
		return err_fail(e, "InvalidIPAddress.InUse", "Address %s is in use.", addr);
	return 0;
}

static int check_counts(const struct instance_launch_req *req, struct err *e)
{
	if (req->min_count < 1)
		return err_fail(e, "InvalidParameterValue",
				"Value (%ld) for parameter minCount is invalid. Expected a "
				"positive integer.", req->min_count);
	if (req->max_count < 1)
		return err_fail(e, "InvalidParameterValue",
				"Value (%ld) for parameter maxCount is invalid. Expected a "
				"positive integer.", req->max_count);
	if (req->min_count > req->max_count)
		return err_fail(e, "InvalidParameterValue",
				"Value (%ld) for parameter maxCount is invalid. Expected a value "
				"greater than or equal to minCount.", req->max_count);
	if (req->private_ip && req->min_count > 1)
		return err_fail(e, "InvalidParameterCombination",
				"Cannot specify a private IP address when launching more than "
				"one instance.");
	return 0;
}

/* Everything RunInstances checks before it makes anything. */
static int check_launch(const struct world *w, const struct ctx *cx,
			const struct instance_launch_req *req, const struct subnet **sp,
			uint32_t *ip, struct err *e)
{
	const char *type = req->instance_type ? req->instance_type : INSTANCE_DEFAULT_TYPE;
	const struct subnet *s;
	int ret;

	if (!req->image_id)
		return err_fail(e, "MissingParameter",
				"The request must contain the parameter ImageId");
	if (!id_valid(req->image_id, "ami-"))
		return err_fail(e, "InvalidAMIID.Malformed",
				"Invalid id: \"%s\" (expecting \"ami-...\")", req->image_id);
	if (!type_valid(type))
		return err_fail(e, "InvalidParameterValue",
				"Invalid value '%s' for InstanceType.", type);
	if ((ret = check_counts(req, e)) < 0)
		return ret;
	if (req->client_token && strlen(req->client_token) > LIMIT_CLIENT_TOKEN_CHARS)
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter clientToken is invalid. The client token "
				"must be at most %d characters.", req->client_token,
				LIMIT_CLIENT_TOKEN_CHARS);
	if (req->key_name && (!req->key_name[0] || strlen(req->key_name) > LIMIT_NAME_CHARS))
		return err_fail(e, "InvalidKeyPair.NotFound",
				"The key pair '%s' does not exist", req->key_name);
	if (!req->subnet_id)
		return err_fail(e, "VPCIdNotSpecified", "No default VPC for this user");
	s = subnet_lookup(w, cx, req->subnet_id, e);
	if (!s)
		return -EINVAL;
	if ((ret = sg_check_for_subnet(w, cx, s, req->groups, req->n_groups, e)) < 0 ||
	    (ret = check_eni_description(req->description, e)) < 0)
		return ret;
	*ip = 0;
	if (req->private_ip && (ret = check_private_ip(w, s, req->private_ip, ip, e)) < 0)
		return ret;
	*sp = s;
	return 0;
}

/* The place of an instance in its launch: its reservation and its index there. */
struct launch_slot {
	const char *reservation_id;
	int index;
};

static void launch_one(struct world *w, struct ctx *cx, const struct instance_launch_req *req,
		       const struct subnet *s, const struct eni_spec *base, uint32_t ip,
		       uint32_t public_ip, struct launch_slot slot)
{
	struct eni_spec spec = *base;
	char id[ID_SIZE];
	struct instance *in;
	struct eni *n;

	ctx_new_id(cx, "i-", id);
	in = AS_INSTANCE(world_add(w, RES_INSTANCE, id));
	str_lcpy(in->res.owner, cx->account, sizeof(in->res.owner));
	in->res.created_ms = cx->now_ms;
	spec.ip = ip;
	spec.owner_res_id = id;
	/* Cannot fail: check_launch() and the caller counted the free addresses. */
	if (eni_create(w, cx, &spec, &n, NULL) < 0)
		return;
	n->public_ip = public_ip;
	ctx_new_id(cx, "eni-attach-", n->attach_id);
	str_lcpy(in->vpc_id, s->vpc_id, ID_SIZE);
	str_lcpy(in->subnet_id, s->res.id, ID_SIZE);
	str_lcpy(in->eni_id, n->res.id, ID_SIZE);
	str_lcpy(in->image_id, req->image_id, ID_SIZE);
	str_lcpy(in->instance_type,
		 req->instance_type ? req->instance_type : INSTANCE_DEFAULT_TYPE,
		 sizeof(in->instance_type));
	in->key_name = req->key_name ? xstrdup(req->key_name) : NULL;
	in->state = INSTANCE_PENDING;
	in->state_ms = cx->now_ms;
	in->private_ip = n->private_ip;
	str_lcpy(in->reservation_id, slot.reservation_id, sizeof(in->reservation_id));
	in->launch_index = slot.index;
	str_lcpy(in->client_token, req->client_token ? req->client_token : "",
		 sizeof(in->client_token));
}

int instance_launch(struct world *w, struct ctx *cx, const struct instance_launch_req *req,
		    size_t *first, struct err *e)
{
	const struct subnet *s = NULL;
	struct eni_spec spec = { .type = ENI_INTERFACE };
	uint32_t *public_ips = NULL, ip = 0;
	char rid[ID_SIZE];
	uint64_t avail;
	size_t count;
	bool public;
	int ret;

	ret = check_launch(w, cx, req, &s, &ip, e);
	if (ret < 0)
		return ret;
	avail = req->private_ip ? 1 : subnet_available_ips(w, s);
	if (avail < (uint64_t)req->min_count)
		return err_fail(e, "InsufficientFreeAddressesInSubnet",
				"There are not enough free addresses in subnet '%s' to "
				"satisfy the requested number of instances.", s->res.id);
	count = avail < (uint64_t)req->max_count ? (size_t)avail : (size_t)req->max_count;
	public = req->public_ip == -1 ? s->map_public_ip : req->public_ip != 0;
	if (public) {
		public_ips = xcalloc(count, sizeof(*public_ips));
		ret = public_alloc(w, public_ips, count, e);
		if (ret < 0) {
			free(public_ips);
			return ret;
		}
	}

	spec.subnet = s;
	spec.description = req->description;
	if (req->n_groups) {
		spec.groups = xcalloc(req->n_groups, ID_SIZE);
		for (size_t i = 0; i < req->n_groups; i++)
			if (id_array_find(spec.groups, spec.n_groups, req->groups[i]) < 0)
				str_lcpy(spec.groups[spec.n_groups++], req->groups[i], ID_SIZE);
	} else {
		const struct vpc *v = AS_VPC(world_get(w, s->vpc_id, RES_VPC));

		spec.groups = xcalloc(1, ID_SIZE);
		str_lcpy(spec.groups[0], v->default_sg_id, ID_SIZE);
		spec.n_groups = 1;
	}
	ctx_new_id(cx, "r-", rid);
	*first = w->n[RES_INSTANCE];
	for (size_t i = 0; i < count; i++)
		launch_one(w, cx, req, s, &spec, i == 0 ? ip : 0, public ? public_ips[i] : 0,
			   (struct launch_slot){ rid, (int)i });
	free(spec.groups);
	free(public_ips);
	return 0;
}

/* An address that maps to a deleted ENI goes back to being unassociated. */
static void eips_release_eni(struct world *w, const char *eni_id)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_EIP, r) {
		struct eip *p = AS_EIP(r);

		if (strcmp(p->eni_id, eni_id))
			continue;
		p->assoc_id[0] = p->eni_id[0] = p->instance_id[0] = '\0';
		p->private_ip = 0;
		world_touch(w, r);
	}
}

int instance_check_ids(const struct world *w, const struct ctx *cx, const char **ids,
			   size_t n, struct err *e)
{
	char missing[200] = "";
	size_t n_missing = 0, len = 0;

	for (size_t i = 0; i < n; i++) {
		struct err one = { 0 };

		if (instance_lookup(w, cx, ids[i], &one))
			continue;
		if (strcmp(one.code, "InvalidInstanceID.NotFound"))
			return err_fail(e, one.code, "%s", one.msg);
		if (len < sizeof(missing))
			len += (size_t)snprintf(missing + len, sizeof(missing) - len, "%s%s",
						n_missing ? ", " : "", ids[i]);
		n_missing++;
	}
	if (n_missing == 1)
		return err_fail(e, "InvalidInstanceID.NotFound",
				"The instance ID '%s' does not exist", missing);
	if (n_missing > 1)
		return err_fail(e, "InvalidInstanceID.NotFound",
				"The instance IDs '%s' do not exist", missing);
	return 0;
}

int instance_terminate(struct world *w, struct ctx *cx, const char **ids, size_t n,
		       enum instance_view *prev, struct err *e)
{
	int ret = instance_check_ids(w, cx, ids, n, e);

	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n; i++) {
		struct instance *in = AS_INSTANCE(world_get(w, ids[i], RES_INSTANCE));
		struct res *n_res;

		prev[i] = instance_state_at(in, cx->now_ms);
		if (in->state == INSTANCE_TERMINATED)
			continue;
		n_res = world_get(w, in->eni_id, RES_ENI);
		if (n_res) {
			eips_release_eni(w, in->eni_id);
			world_remove(w, n_res);
		}
		in->state = INSTANCE_TERMINATED;
		in->state_ms = cx->now_ms;
		world_touch(w, &in->res);
	}
	return 0;
}

int instance_modify(struct world *w, struct ctx *cx, const char *id, const char **groups,
		    size_t n_groups, int source_dest_check, struct err *e)
{
	struct instance *in = instance_lookup(w, cx, id, e);
	struct res *r;
	struct eni *n;
	int ret;

	if (!in)
		return -EINVAL;
	r = world_get(w, in->eni_id, RES_ENI);
	if (in->state == INSTANCE_TERMINATED || !r)
		return err_fail(e, "IncorrectInstanceState",
				"The instance '%s' is not in a state from which it can be "
				"modified.", id);
	ret = sg_check_for_vpc(w, cx, in->vpc_id, groups, n_groups, e);
	if (ret < 0)
		return ret;
	n = AS_ENI(r);
	if (n_groups)
		eni_set_groups(n, groups, n_groups);
	if (source_dest_check != -1)
		n->source_dest_check = source_dest_check;
	world_touch(w, r);
	return 0;
}

static uint64_t fnv1a(const char *s, uint64_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

const char *instance_reservation_id(const struct instance *in, char buf[static ID_SIZE])
{
	uint64_t a, b;

	if (in->reservation_id[0])
		return in->reservation_id;
	a = fnv1a(in->res.id, 0xcbf29ce484222325ull);
	b = fnv1a(in->res.id, 0x84222325cbf29ce4ull);
	snprintf(buf, ID_SIZE, "r-%01x%016llx", (unsigned)(b & 15), (unsigned long long)a);
	return buf;
}

/* Instances of one launch are adjacent: world_add() appends, the store keeps the order. */
size_t instance_reservation_start(const struct world *w, size_t i)
{
	const struct instance *in = AS_INSTANCE(w->items[RES_INSTANCE][i]);

	if (!in->reservation_id[0])
		return i;
	while (i > 0 && !strcmp(AS_INSTANCE(w->items[RES_INSTANCE][i - 1])->reservation_id,
				in->reservation_id))
		i--;
	return i;
}

static void dashed(uint32_t ip, char dst[static 16])
{
	snprintf(dst, 16, "%u-%u-%u-%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

void host_private_dns(const struct region *rg, uint32_t ip, char dst[static 96])
{
	char d[16];

	dashed(ip, d);
	if (strcmp(rg->name, "us-east-1") == 0)
		snprintf(dst, 96, "ip-%s.ec2.internal", d);
	else
		snprintf(dst, 96, "ip-%s.%s.compute.internal", d, rg->name);
}

void host_public_dns(const struct region *rg, uint32_t ip, char dst[static 96])
{
	char d[16];

	dashed(ip, d);
	if (strcmp(rg->name, "us-east-1") == 0)
		snprintf(dst, 96, "ec2-%s.compute-1.amazonaws.com", d);
	else
		snprintf(dst, 96, "ec2-%s.%s.compute.amazonaws.com", d, rg->name);
}
