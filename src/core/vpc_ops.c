/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "core/ops.h"

#include "base/xalloc.h"
#include "core/idfmt.h"

/* A VPC's CIDR block must be /16 to /28 (AWS VPC quotas). */
#define VPC_MIN_LEN 16
#define VPC_MAX_LEN 28
/* AWS reserves the first four addresses of a subnet and the last one. */
#define SUBNET_RESERVED_LOW 4

static bool owned(const struct ctx *cx, const struct res *r)
{
	return strcmp(r->owner, cx->account) == 0;
}

struct vpc *vpc_lookup(const struct world *w, const struct ctx *cx, const char *id, struct err *e)
{
	struct res *r;

	if (!id_valid(id, "vpc-")) {
		err_fail(e, "InvalidVpcID.Malformed", "Invalid id: \"%s\"", id);
		return NULL;
	}
	r = world_get(w, id, RES_VPC);
	if (!r || !owned(cx, r)) {
		err_fail(e, "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id);
		return NULL;
	}
	return AS_VPC(r);
}

struct subnet *subnet_lookup(const struct world *w, const struct ctx *cx, const char *id,
			     struct err *e)
{
	struct res *r;

	if (!id_valid(id, "subnet-")) {
		err_fail(e, "InvalidSubnetID.Malformed", "Invalid id: \"%s\"", id);
		return NULL;
	}
	r = world_get(w, id, RES_SUBNET);
	if (!r || !owned(cx, r)) {
		err_fail(e, "InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id);
		return NULL;
	}
	return AS_SUBNET(r);
}

static void res_start(struct res *r, const struct ctx *cx)
{
	str_lcpy(r->owner, cx->account, sizeof(r->owner));
	r->created_ms = cx->now_ms;
}

int vpc_create(struct world *w, struct ctx *cx, const struct vpc_create_req *req,
	       struct vpc **out, struct err *e)
{
	const char *tenancy = req->tenancy ? req->tenancy : "default";
	char id[ID_SIZE];
	struct cidr4 c;
	struct vpc *v;
	struct rtb *t;
	struct sg *g;
	int ret;

	if (!req->cidr)
		return err_fail(e, "MissingParameter",
				"Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.");
	ret = cidr4_parse(str_c(req->cidr), &c);
	if (ret < 0)
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter cidrBlock is invalid. "
				"This is not a valid CIDR block.", req->cidr);
	if (c.len < VPC_MIN_LEN || c.len > VPC_MAX_LEN)
		return err_fail(e, "InvalidVpc.Range", "The CIDR '%s' is invalid.", req->cidr);
	if (strcmp(tenancy, "default") && strcmp(tenancy, "dedicated"))
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter instanceTenancy is invalid.", tenancy);

	ctx_new_id(cx, "vpc-", id);
	v = AS_VPC(world_add(w, RES_VPC, id));
	res_start(&v->res, cx);
	v->cidr = c;
	ctx_new_id(cx, "vpc-cidr-assoc-", v->cidr_assoc_id);
	ctx_new_id(cx, "dopt-", v->dhcp_options_id);
	v->dns_support = true;
	str_lcpy(v->instance_tenancy, tenancy, sizeof(v->instance_tenancy));

	/* Every VPC comes with its main route table, holding the local route. */
	ctx_new_id(cx, "rtb-", id);
	t = AS_RTB(world_add(w, RES_RTB, id));
	res_start(&t->res, cx);
	str_lcpy(t->vpc_id, v->res.id, sizeof(t->vpc_id));
	ALLOC_GROW(t->routes, 1, t->alloc_routes);
	t->routes[t->n_routes++] = (struct route){
		.dest = c, .target = TARGET_LOCAL, .target_id = "local",
		.origin = ORIGIN_CREATE_ROUTE_TABLE,
	};
	ALLOC_GROW(t->assocs, 1, t->alloc_assocs);
	t->assocs[t->n_assocs] = (struct rtb_assoc){ .main = true };
	ctx_new_id(cx, "rtbassoc-", t->assocs[t->n_assocs].id);
	t->n_assocs++;
	str_lcpy(v->main_rtb_id, t->res.id, sizeof(v->main_rtb_id));

	/*
	 * ... and its default security group: members may talk to each other,
	 * and everything may leave.
	 */
	ctx_new_id(cx, "sg-", id);
	g = AS_SG(world_add(w, RES_SG, id));
	res_start(&g->res, cx);
	str_lcpy(g->vpc_id, v->res.id, sizeof(g->vpc_id));
	g->name = xstrdup("default");
	g->description = xstrdup("default VPC security group");
	g->is_default = true;
	g->rules = xcalloc(2, sizeof(*g->rules));
	g->alloc_rules = 2;
	g->rules[0] = (struct sg_rule){ .proto = -1, .from_port = -1, .to_port = -1,
					.peer = PEER_GROUP };
	ctx_new_id(cx, "sgr-", g->rules[0].id);
	str_lcpy(g->rules[0].peer_id, g->res.id, ID_SIZE);
	str_lcpy(g->rules[0].peer_owner, cx->account, ACCOUNT_SIZE);
	g->rules[1] = (struct sg_rule){ .egress = true, .proto = -1, .from_port = -1,
					.to_port = -1, .peer = PEER_CIDR };
	ctx_new_id(cx, "sgr-", g->rules[1].id);
	g->n_rules = 2;
	str_lcpy(v->default_sg_id, g->res.id, sizeof(v->default_sg_id));

	*out = v;
	return 0;
}

/* True when some resource other than the main table and default group uses 'vpc'. */
static bool vpc_in_use(const struct world *w, const struct vpc *v)
{
	static const enum res_kind dependents[] = {
		RES_SUBNET, RES_RTB, RES_SG, RES_IGW, RES_VGW, RES_VPCE, RES_NAT,
	};
	struct res *r;

	for (size_t i = 0; i < ARRAY_SIZE(dependents); i++) {
		WORLD_FOR_EACH(w, dependents[i], r) {
			const char *vpc_id = NULL;

			switch (r->kind) {
			case RES_SUBNET: vpc_id = AS_SUBNET(r)->vpc_id; break;
			case RES_RTB: vpc_id = AS_RTB(r)->vpc_id; break;
			case RES_SG: vpc_id = AS_SG(r)->vpc_id; break;
			case RES_IGW: vpc_id = AS_IGW(r)->vpc_id; break;
			case RES_VGW: vpc_id = AS_VGW(r)->vpc_id; break;
			case RES_VPCE: vpc_id = AS_VPCE(r)->vpc_id; break;
			case RES_NAT: vpc_id = AS_NAT(r)->deleted ? "" : AS_NAT(r)->vpc_id; break;
			default: break;
			}
			if (!vpc_id || strcmp(vpc_id, v->res.id))
				continue;
			if (strcmp(r->id, v->main_rtb_id) == 0 || strcmp(r->id, v->default_sg_id) == 0)
				continue;
			return true;
		}
	}
	return false;
}

int vpc_delete(struct world *w, struct ctx *cx, const char *vpc_id, struct err *e)
{
	struct vpc *v = vpc_lookup(w, cx, vpc_id, e);
	struct res *r;

	if (!v)
		return -EINVAL;
	if (vpc_in_use(w, v))
		return err_fail(e, "DependencyViolation",
				"The vpc '%s' has dependencies and cannot be deleted.", vpc_id);
	r = world_find(w, v->main_rtb_id);
	if (r)
		world_remove(w, r);
	r = world_find(w, v->default_sg_id);
	if (r)
		world_remove(w, r);
	world_remove(w, &v->res);
	return 0;
}

int vpc_set_attribute(struct world *w, struct ctx *cx, const char *vpc_id, const char *attr,
		      bool value, struct err *e)
{
	struct vpc *v = vpc_lookup(w, cx, vpc_id, e);

	if (!v)
		return -EINVAL;
	if (strcmp(attr, "enableDnsSupport") == 0) {
		v->dns_support = value;
	} else if (strcmp(attr, "enableDnsHostnames") == 0) {
		/* AWS: hostnames need DNS support (VPC DNS attributes doc). */
		if (value && !v->dns_support)
			return err_fail(e, "InvalidParameterValue",
					"Cannot enable DNS hostnames if DNS support is "
					"disabled.");
		v->dns_hostnames = value;
	} else {
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter attribute is invalid.", attr);
	}
	world_touch(w, &v->res);
	return 0;
}

static bool subnet_overlaps(const struct world *w, const char *vpc_id, const struct cidr4 *c)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_SUBNET, r) {
		struct subnet *s = AS_SUBNET(r);

		if (strcmp(s->vpc_id, vpc_id) == 0 && cidr4_overlaps(&s->cidr, c))
			return true;
	}
	return false;
}

int subnet_create(struct world *w, struct ctx *cx, const struct subnet_create_req *req,
		  struct subnet **out, struct err *e)
{
	const struct region *rg = cx->region;
	char id[ID_SIZE];
	struct subnet *s;
	struct cidr4 c;
	struct vpc *v;
	int az;

	if (!req->vpc_id)
		return err_fail(e, "MissingParameter",
				"The request must contain the parameter vpcId");
	if (!req->cidr)
		return err_fail(e, "MissingParameter",
				"Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.");
	v = vpc_lookup(w, cx, req->vpc_id, e);
	if (!v)
		return -EINVAL;
	if (cidr4_parse(str_c(req->cidr), &c) < 0)
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter cidrBlock is invalid. "
				"This is not a valid CIDR block.", req->cidr);
	if (c.len < VPC_MIN_LEN || c.len > VPC_MAX_LEN || !cidr4_contains(&v->cidr, &c))
		return err_fail(e, "InvalidSubnet.Range", "The CIDR '%s' is invalid.", req->cidr);
	if (req->az && req->az_id)
		return err_fail(e, "InvalidParameterCombination",
				"Only one of availabilityZone or availabilityZoneId can be specified");
	if (req->az || req->az_id) {
		az = region_az_find(rg, req->az ? req->az : req->az_id, req->az_id != NULL);
		if (az < 0)
			return err_fail(e, "InvalidParameterValue",
					"Value (%s) for parameter %s is invalid. Subnets can "
					"currently only be created in the following "
					"availability zones: %s.",
					req->az ? req->az : req->az_id,
					req->az ? "availabilityZone" : "availabilityZoneId",
					rg->name);
	} else {
		/* AWS picks a zone; vpce picks the least used one. */
		size_t used[REGION_AZS] = { 0 };
		struct res *r;

		WORLD_FOR_EACH(w, RES_SUBNET, r)
			if (strcmp(AS_SUBNET(r)->vpc_id, v->res.id) == 0)
				used[AS_SUBNET(r)->az]++;
		az = 0;
		for (int i = 1; i < REGION_AZS; i++)
			if (used[i] < used[az])
				az = i;
	}
	if (subnet_overlaps(w, v->res.id, &c))
		return err_fail(e, "InvalidSubnet.Conflict",
				"The CIDR '%s' conflicts with another subnet", req->cidr);

	ctx_new_id(cx, "subnet-", id);
	s = AS_SUBNET(world_add(w, RES_SUBNET, id));
	res_start(&s->res, cx);
	str_lcpy(s->vpc_id, v->res.id, sizeof(s->vpc_id));
	s->cidr = c;
	s->az = az;
	*out = s;
	return 0;
}

int subnet_delete(struct world *w, struct ctx *cx, const char *subnet_id, struct err *e)
{
	struct subnet *s = subnet_lookup(w, cx, subnet_id, e);
	struct res *r;

	if (!s)
		return -EINVAL;
	if (world_subnet_enis(w, subnet_id))
		return err_fail(e, "DependencyViolation",
				"The subnet '%s' has dependencies and cannot be deleted.",
				subnet_id);
	/* Its route table association goes with it. */
	WORLD_FOR_EACH(w, RES_RTB, r) {
		struct rtb *t = AS_RTB(r);

		for (size_t i = 0; i < t->n_assocs; i++) {
			if (strcmp(t->assocs[i].subnet_id, subnet_id))
				continue;
			memmove(&t->assocs[i], &t->assocs[i + 1],
				(t->n_assocs - i - 1) * sizeof(t->assocs[0]));
			t->n_assocs--;
			world_touch(w, r);
			break;
		}
	}
	world_remove(w, &s->res);
	return 0;
}

int subnet_set_map_public_ip(struct world *w, struct ctx *cx, const char *subnet_id,
			     bool value, struct err *e)
{
	struct subnet *s = subnet_lookup(w, cx, subnet_id, e);

	if (!s)
		return -EINVAL;
	s->map_public_ip = value;
	world_touch(w, &s->res);
	return 0;
}

static bool reserved(const struct subnet *s, uint32_t ip)
{
	return ip - s->cidr.addr < SUBNET_RESERVED_LOW || ip == cidr4_last(&s->cidr);
}

uint64_t subnet_available_ips(const struct world *w, const struct subnet *s)
{
	uint64_t n = cidr4_size(&s->cidr) - (SUBNET_RESERVED_LOW + 1);
	const struct subnet_enis *l = world_subnet_enis(w, s->res.id);

	return !l ? n : l->n < n ? n - l->n : 0;
}

bool subnet_ip_free(const struct world *w, const struct subnet *s, uint32_t ip)
{
	const struct subnet_enis *l = world_subnet_enis(w, s->res.id);

	if (!cidr4_contains_ip(&s->cidr, ip) || reserved(s, ip))
		return false;
	for (size_t i = 0; l && i < l->n; i++)
		if (l->v[i]->private_ip == ip)
			return false;
	return true;
}

int subnet_alloc_ip(const struct world *w, const struct subnet *s, uint32_t *ip, struct err *e)
{
	uint64_t size = cidr4_size(&s->cidr);
	const struct subnet_enis *l = world_subnet_enis(w, s->res.id);
	uint8_t *used = xcalloc(size / 8 + 1, 1);
	uint64_t off;

	for (size_t i = 0; l && i < l->n; i++) {
		if (cidr4_contains_ip(&s->cidr, l->v[i]->private_ip)) {
			off = l->v[i]->private_ip - s->cidr.addr;
			used[off / 8] |= (uint8_t)(1u << (off % 8));
		}
	}
	for (off = SUBNET_RESERVED_LOW; off < size - 1; off++)
		if (!(used[off / 8] & (1u << (off % 8))))
			break;
	free(used);
	if (off >= size - 1)
		return err_fail(e, "InsufficientFreeAddressesInSubnet",
				"There are not enough free addresses in subnet '%s' to "
				"satisfy the requested number of instances.", s->res.id);
	*ip = s->cidr.addr + (uint32_t)off;
	return 0;
}
