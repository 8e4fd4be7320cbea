/* SPDX-License-Identifier: MIT */
/*
 * The aws CLI's describe-* output read into a world. What AWS never prints
 * (broken JSON, a value of the wrong type, a malformed address or CIDR, a
 * number out of range) fails the import, naming the file and JSON path; what
 * AWS prints but vpce cannot hold (IPv6, edge associations, EC2-Classic, a
 * reference to something not exported) leaves the item out with a note.
 */
#include "compat.h"
#include "reach/awsjson.h"

#include <stdarg.h>

#include "base/hmap.h"
#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/ops.h"
#include "limits.h"
#include "reach/awsjson_read.h"

/* --- VPCs and their attributes --- */

static void vpc_block_item(struct imp *im, const json_t *o, void *arg)
{
	struct vpc *v = arg;
	const char *s = imp_str(im, o, "CidrBlock", true), *state;
	const json_t *st;
	struct cidr4 c = { 0 };
	char id[ID_SIZE];
	size_t mark;

	imp_id(im, o, "AssociationId", "vpc-cidr-assoc-", false, id);
	imp_cidr(im, "CidrBlock", s, &c);
	st = imp_enter(im, o, "CidrBlockState", &mark);
	state = st ? imp_str(im, st, "State", false) : NULL;
	imp_path_pop(im, mark);
	if (im->ret)
		return;
	if (cidr4_eq(&c, &v->cidr))
		memcpy(v->cidr_assoc_id, id, ID_SIZE);
	else if (!state || !strcmp(state, "associated") || !strcmp(state, "associating"))
		imp_note(im, "secondary CIDR block %s is not modelled", s);
}

static void vpc_item(struct imp *im, const json_t *o, void *arg)
{
	char id[ID_SIZE];
	struct vpc *v;

	(void)arg;
	if (!imp_item_id(im, o, "VpcId", "vpc-", id))
		return;
	v = AS_VPC(res_new(RES_VPC, id));
	imp_cidr(im, "CidrBlock", imp_str(im, o, "CidrBlock", true), &v->cidr);
	imp_owner(im, o, "OwnerId", v->res.owner);
	v->is_default = imp_bool(im, o, "IsDefault", false);
	imp_id(im, o, "DhcpOptionsId", NULL, false, v->dhcp_options_id);
	imp_text(im, o, "InstanceTenancy", v->instance_tenancy, sizeof(v->instance_tenancy));
	imp_each(im, o, "CidrBlockAssociationSet", vpc_block_item, v);
	if (json_array_size(imp_array(im, o, "Ipv6CidrBlockAssociationSet")))
		imp_note(im, "IPv6 blocks are not modelled");
	imp_tags(im, o, "Tags", &v->res);
	imp_cidr_sized(im, "CidrBlock", &v->cidr);
	if (!v->instance_tenancy[0])
		str_lcpy(v->instance_tenancy, "default", sizeof(v->instance_tenancy));
	v->dns_support = true;
	v->dns_hostnames = v->is_default;
	imp_admit(im, &v->res);
}

/* vpc-attributes/<vpc id>-<attribute>.json: describe-vpc-attribute's output. */
static void attr_file(struct imp *im, const struct aws_file *f, const json_t *root)
{
	static const char *const attrs[][2] = {
		{ "-enableDnsSupport.json", "EnableDnsSupport" },
		{ "-enableDnsHostnames.json", "EnableDnsHostnames" },
	};
	struct str stem = str_c(strchr(f->name, '/') + 1);
	const json_t *val;
	char id[ID_SIZE];
	struct res *r;
	size_t k, mark;
	bool on;

	for (k = 0; k < ARRAY_SIZE(attrs); k++)
		if (str_ends_with(stem, str_c(attrs[k][0])))
			break;
	if (k == ARRAY_SIZE(attrs)) {
		imp_note(im, "an attribute vpce does not read; ignored");
		return;
	}
	imp_id(im, root, "VpcId", "vpc-", false, id);
	if (!im->ret && !id[0] &&
	    str_copy(str_from(stem.p, stem.len - strlen(attrs[k][0])), id, sizeof(id)) < 0)
		imp_fail(im, NULL, "the file name holds no VPC ID");
	val = imp_enter(im, root, attrs[k][1], &mark);
	if (!im->ret && !val)
		imp_fail(im, NULL, "missing");
	on = imp_bool(im, val, "Value", true);
	imp_path_pop(im, mark);
	r = imp_refer(im, "VpcId", id, RES_VPC);
	if (r && k == 0)
		AS_VPC(r)->dns_support = on;
	else if (r)
		AS_VPC(r)->dns_hostnames = on;
}

/* --- subnets --- */

static void subnet_item(struct imp *im, const json_t *o, void *arg)
{
	char id[ID_SIZE], owner[ACCOUNT_SIZE] = "";
	const char *cidr, *zone;
	struct subnet *s;
	struct res *v;

	(void)arg;
	if (!imp_item_id(im, o, "SubnetId", "subnet-", id))
		return;
	s = AS_SUBNET(res_new(RES_SUBNET, id));
	imp_id(im, o, "VpcId", "vpc-", true, s->vpc_id);
	cidr = imp_str(im, o, "CidrBlock", false);
	imp_cidr(im, "CidrBlock", cidr, &s->cidr);
	zone = imp_str(im, o, "AvailabilityZone", true);
	s->map_public_ip = imp_bool(im, o, "MapPublicIpOnLaunch", false);
	s->default_for_az = imp_bool(im, o, "DefaultForAz", false);
	imp_owner(im, o, "OwnerId", owner);
	imp_tags(im, o, "Tags", &s->res);
	v = imp_refer(im, "VpcId", s->vpc_id, RES_VPC);
	if (!im->ret && !cidr)
		imp_skip(im, "an IPv6-only subnet; skipped");
	imp_cidr_sized(im, "CidrBlock", &s->cidr);
	if (!im->ret) {
		s->az = region_az_find(im->region, zone, false);
		if (s->az < 0)
			imp_skip(im, "zone '%.40s' is not one of %s's zones a to f; skipped", zone,
			     im->region->name);
	}
	if (!im->ret) {
		if (!cidr4_contains(&AS_VPC(v)->cidr, &s->cidr))
			imp_note(im, "%s lies outside the VPC's primary block (the only one modelled)",
			     cidr);
		memcpy(s->res.owner, owner[0] ? owner : v->owner, ACCOUNT_SIZE);
	}
	imp_admit(im, &s->res);
}

/* --- security groups --- */

/* One IpPermissions entry, whose peers each become a rule. */
struct perm {
	struct sg *g;
	bool egress;
	int proto, from, to;
	enum sg_peer peer;		/* of the peer list being read */
	size_t n;			/* the group's rules this way, so far */
};

static const struct {
	const char *name;
	int proto;
} protos[] = {
	{ "-1", -1 }, { "all", -1 }, { "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "icmpv6", 58 },
};

static int proto_of(struct imp *im, const char *s)
{
	uint64_t n = 0;

	if (!s)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(protos); i++)
		if (!strcmp(s, protos[i].name))
			return protos[i].proto;
	if (str_to_u64(str_c(s), 255, &n) < 0)
		imp_fail(im, "IpProtocol", "'%.20s' is not a protocol", s);
	return (int)n;
}

/* An entry of IpRanges, PrefixListIds or UserIdGroupPairs: one rule. */
static void peer_item(struct imp *im, const json_t *o, void *arg)
{
	struct perm *p = arg;
	struct sg_rule r = { .egress = p->egress, .proto = p->proto, .from_port = p->from,
			     .to_port = p->to, .peer = p->peer };

	if (p->peer == PEER_CIDR)
		imp_cidr(im, "CidrIp", imp_str(im, o, "CidrIp", true), &r.cidr);
	else if (p->peer == PEER_PREFIX_LIST)
		imp_id(im, o, "PrefixListId", "pl-", true, r.peer_id);
	else
		imp_id(im, o, "GroupId", "sg-", true, r.peer_id);
	if (p->peer == PEER_GROUP)
		imp_owner(im, o, "UserId", r.peer_owner);
	r.description = imp_dup(im, o, "Description");
	if (!im->ret && p->n >= LIMIT_RULES_PER_GROUP)
		imp_skip(im, "past %d %s rules; ignored", LIMIT_RULES_PER_GROUP,
		     p->egress ? "egress" : "ingress");
	if (im->ret) {
		free(r.description);
		return;
	}
	ALLOC_GROW(p->g->rules, p->g->n_rules + 1, p->g->alloc_rules);
	p->g->rules[p->g->n_rules++] = r;
	p->n++;
}

static void perm_item(struct imp *im, const json_t *o, void *arg)
{
	struct perm *p = arg;
	long long from, to;

	p->proto = proto_of(im, imp_str(im, o, "IpProtocol", true));
	from = imp_int(im, o, "FromPort", -1, 65535, -1);
	to = imp_int(im, o, "ToPort", -1, 65535, -1);
	if (json_array_size(imp_array(im, o, "Ipv6Ranges")))
		imp_note(im, "IPv6 ranges are not modelled");
	/* AWS keeps ports only for TCP, UDP and ICMP (type and code). */
	p->from = p->to = -1;
	if (p->proto == 6 || p->proto == 17 || p->proto == 1) {
		p->from = (int)from;
		p->to = (int)to;
	}
	if (p->proto == 58)
		return;
	p->peer = PEER_CIDR;
	imp_each(im, o, "IpRanges", peer_item, p);
	p->peer = PEER_PREFIX_LIST;
	imp_each(im, o, "PrefixListIds", peer_item, p);
	p->peer = PEER_GROUP;
	imp_each(im, o, "UserIdGroupPairs", peer_item, p);
}

static void sg_item(struct imp *im, const json_t *o, void *arg)
{
	char id[ID_SIZE], owner[ACCOUNT_SIZE] = "";
	struct perm in, out;
	struct res *v;
	struct sg *g;

	(void)arg;
	if (!imp_item_id(im, o, "GroupId", "sg-", id))
		return;
	g = AS_SG(res_new(RES_SG, id));
	in = (struct perm){ .g = g, .egress = false };
	out = (struct perm){ .g = g, .egress = true };
	imp_id(im, o, "VpcId", "vpc-", false, g->vpc_id);
	g->name = imp_dup(im, o, "GroupName");
	g->description = imp_dup(im, o, "Description");
	imp_owner(im, o, "OwnerId", owner);
	imp_each(im, o, "IpPermissions", perm_item, &in);
	imp_each(im, o, "IpPermissionsEgress", perm_item, &out);
	imp_tags(im, o, "Tags", &g->res);
	if (!im->ret && !g->vpc_id[0])
		imp_skip(im, "an EC2-Classic group; skipped");
	v = imp_refer(im, "VpcId", g->vpc_id, RES_VPC);
	if (!g->name)
		g->name = xstrdup("");
	if (!g->description)
		g->description = xstrdup("");
	g->is_default = !strcmp(g->name, "default");
	if (v)
		memcpy(g->res.owner, owner[0] ? owner : v->owner, ACCOUNT_SIZE);
	if (imp_admit(im, &g->res) && g->is_default && !AS_VPC(v)->default_sg_id[0])
		memcpy(AS_VPC(v)->default_sg_id, g->res.id, ID_SIZE);
}

/* --- prefix lists --- */

/* Takes list 'id' into the world with 'blocks' (owned from here on, freed on failure). */
static void pl_add(struct imp *im, const char *id, const char *name, struct cidr4 *blocks,
		   size_t n)
{
	struct prefix_list *pl;
	char *key;

	if (!im->ret && hmap_get(&im->pl_ids, id))
		imp_skip(im, "%s appears twice; the second skipped", id);
	if (!im->ret && im->n_res >= LIMIT_RESOURCES)
		imp_fail(im, NULL, "more than %d resources", LIMIT_RESOURCES);
	if (im->ret) {
		free(blocks);
		return;
	}
	im->n_res++;
	key = xstrdup(id);
	hmap_put(&im->pl_ids, key, key);
	ALLOC_GROW(im->w->pls, im->w->n_pls + 1, im->pls_alloc);
	pl = &im->w->pls[im->w->n_pls++];
	*pl = (struct prefix_list){ .blocks = blocks, .n = n };
	str_lcpy(pl->id, id, sizeof(pl->id));
	str_lcpy(pl->name, name, sizeof(pl->name));
}

/* A list's ID and name, or NULL when it is to be left out. */
static const char *pl_head(struct imp *im, const json_t *o, char id[static ID_SIZE])
{
	const char *name;

	if (!imp_item_id(im, o, "PrefixListId", "pl-", id))
		return NULL;
	name = imp_str(im, o, "PrefixListName", true);
	if (name && strlen(name) >= sizeof(((struct prefix_list *)NULL)->name))
		imp_skip(im, "name '%.40s…' is too long; skipped", name);
	return im->ret ? NULL : name;
}

static void pl_item(struct imp *im, const json_t *o, void *arg)
{
	const char *name, *s;
	const json_t *cidrs;
	struct cidr4 *blocks;
	char id[ID_SIZE];
	size_t total, n = 0;

	(void)arg;
	name = pl_head(im, o, id);
	cidrs = imp_array(im, o, "Cidrs");
	total = json_array_size(cidrs);
	if (im->ret)
		return;
	blocks = total ? xcalloc(total, sizeof(*blocks)) : NULL;
	for (size_t i = 0; i < total && !im->ret; i++) {
		s = imp_str_at(im, cidrs, "Cidrs", i);
		if (s && !strchr(s, ':')) {
			size_t mark = imp_path_push(im, "Cidrs", i);

			imp_cidr(im, NULL, s, &blocks[n++]);
			imp_path_pop(im, mark);
		}
	}
	if (!im->ret && !n && total)
		imp_skip(im, "an IPv6 list; skipped");
	pl_add(im, id, name, blocks, n);
}

/*
 * describe-managed-prefix-lists shows no entries. An AWS list of a gateway
 * service vpce knows keeps the service's emulated block, so that routes to it
 * still lead somewhere; any other list is known by name only.
 */
static void mpl_item(struct imp *im, const json_t *o, void *arg)
{
	const struct region *rg = NULL;
	const struct service *svc;
	const char *name, *family, *owner;
	struct cidr4 *block;
	char id[ID_SIZE];

	(void)arg;
	name = pl_head(im, o, id);
	family = imp_str(im, o, "AddressFamily", false);
	owner = imp_str(im, o, "OwnerId", false);
	if (im->ret || (family && strcmp(family, "IPv4")) || hmap_get(&im->pl_ids, id))
		return;
	svc = catalog_parse_name(name, &rg);
	if (owner && !strcmp(owner, "AWS") && svc && svc->gateway && rg == im->region) {
		imp_note(im, "entries are in describe-prefix-lists, not exported: the service's "
			 "emulated block stands in");
		block = xmalloc(sizeof(*block));
		*block = catalog_service_cidr(svc, rg);
		pl_add(im, id, name, block, 1);
		return;
	}
	imp_note(im, "entries unknown (describe-managed-prefix-lists has none): rules and routes "
		 "naming it match nothing");
	pl_add(im, id, name, NULL, 0);
}

/* --- network interfaces --- */

/* The security groups of an interface or an endpoint. */
struct groups {
	char (**v)[ID_SIZE];
	size_t *n;
};

static void group_item(struct imp *im, const json_t *o, void *arg)
{
	struct groups *g = arg;
	char id[ID_SIZE];

	imp_id(im, o, "GroupId", "sg-", true, id);
	if (!im->ret && *g->n >= LIMIT_GROUPS_PER_ENI)
		imp_skip(im, "past %d groups; ignored", LIMIT_GROUPS_PER_ENI);
	if (im->ret)
		return;
	if (!world_get(im->w, id, RES_SG))
		imp_note(im, "group %s is not in the export: it admits nothing", id);
	id_array_push(g->v, g->n, id);
}

/* The ID that starts with 'prefix' in a description ("VPC Endpoint Interface vpce-…"), or "". */
static void id_after(const char *desc, const char *prefix, char dst[static ID_SIZE])
{
	const char *p = strstr(desc, prefix);
	size_t n = p ? strcspn(p, " ") : 0;

	dst[0] = '\0';
	if (n && n < ID_SIZE) {
		memcpy(dst, p, n);
		dst[n] = '\0';
	}
	if (!imp_id_fits(dst, prefix))
		dst[0] = '\0';
}

/* Its subnet (else the instance's), the subnet's VPC, an address inside the subnet. */
static void eni_place(struct imp *im, struct eni *e, const struct instance *in,
		      const char *owner)
{
	struct res *r;

	if (!im->ret && !e->subnet_id[0] && in)
		memcpy(e->subnet_id, in->subnet_id, ID_SIZE);
	if (!im->ret && !e->subnet_id[0])
		imp_skip(im, "in no subnet; skipped");
	r = imp_refer(im, "SubnetId", e->subnet_id, RES_SUBNET);
	if (!im->ret && e->vpc_id[0] && strcmp(e->vpc_id, AS_SUBNET(r)->vpc_id))
		imp_skip(im, "VpcId %s is not its subnet's; skipped", e->vpc_id);
	if (!im->ret && !e->private_ip)
		imp_skip(im, "no IPv4 address; skipped");
	if (!im->ret && !cidr4_contains_ip(&AS_SUBNET(r)->cidr, e->private_ip))
		imp_skip(im, "its address lies outside its subnet; skipped");
	if (im->ret)
		return;
	memcpy(e->vpc_id, AS_SUBNET(r)->vpc_id, ID_SIZE);
	memcpy(e->res.owner, owner[0] ? owner : r->owner, ACCOUNT_SIZE);
}

/* Reads a NetworkInterfaces item of either file into the world; NULL when left out. */
static struct eni *eni_read(struct imp *im, const json_t *o, const struct instance *in)
{
	char id[ID_SIZE], owner[ACCOUNT_SIZE] = "";
	const json_t *sub;
	const char *type;
	struct eni *e;
	size_t mark;

	imp_id(im, o, "NetworkInterfaceId", "eni-", true, id);
	if (im->ret)
		return NULL;
	e = AS_ENI(res_new(RES_ENI, id));
	imp_id(im, o, "SubnetId", "subnet-", false, e->subnet_id);
	imp_id(im, o, "VpcId", "vpc-", false, e->vpc_id);
	e->private_ip = imp_ip(im, o, "PrivateIpAddress");
	type = imp_str(im, o, "InterfaceType", false);
	e->description = imp_dup(im, o, "Description");
	sub = imp_enter(im, o, "Association", &mark);
	e->public_ip = sub ? imp_ip(im, sub, "PublicIp") : 0;
	imp_path_pop(im, mark);
	imp_text(im, o, "MacAddress", e->mac, sizeof(e->mac));
	e->requester_managed = imp_bool(im, o, "RequesterManaged", false);
	imp_text(im, o, "RequesterId", e->requester_id, sizeof(e->requester_id));
	e->source_dest_check = imp_bool(im, o, "SourceDestCheck", true);
	imp_owner(im, o, "OwnerId", owner);
	sub = imp_enter(im, o, "Attachment", &mark);
	if (sub)
		imp_id(im, sub, "AttachmentId", NULL, false, e->attach_id);
	if (sub)
		imp_id(im, sub, "InstanceId", "i-", false, e->owner_res_id);
	imp_path_pop(im, mark);
	imp_each(im, o, "Groups", group_item, &(struct groups){ &e->groups, &e->n_groups });
	imp_tags(im, o, imp_member(o, "TagSet") ? "TagSet" : "Tags", &e->res);
	eni_place(im, e, in, owner);
	if (!e->description)
		e->description = xstrdup("");
	if (type && !strcmp(type, "vpc_endpoint")) {
		e->type = ENI_VPC_ENDPOINT;
		id_after(e->description, "vpce-", e->owner_res_id);
	} else if (type && !strcmp(type, "nat_gateway")) {
		e->type = ENI_NAT_GATEWAY;
		id_after(e->description, "nat-", e->owner_res_id);
	} else if (in) {
		memcpy(e->owner_res_id, in->res.id, ID_SIZE);
	}
	return imp_admit(im, &e->res) ? e : NULL;
}

static void eni_item(struct imp *im, const json_t *o, void *arg)
{
	char id[ID_SIZE];

	(void)arg;
	if (imp_item_id(im, o, "NetworkInterfaceId", "eni-", id))
		eni_read(im, o, NULL);
}

/* --- instances --- */

struct reservation {
	char id[ID_SIZE];
	char owner[ACCOUNT_SIZE];
	size_t n;			/* instances taken */
};

static const struct {
	const char *name;
	enum instance_state state;
} instance_states[] = {
	{ "pending", INSTANCE_PENDING },
	{ "running", INSTANCE_RUNNING },
	{ "stopping", INSTANCE_RUNNING },
	{ "stopped", INSTANCE_RUNNING },
	{ "shutting-down", INSTANCE_TERMINATED },
	{ "terminated", INSTANCE_TERMINATED },
};

/* One of an instance's interfaces: the export's, or one made from this entry. */
static void instance_nic_item(struct imp *im, const json_t *o, void *arg)
{
	struct instance *in = arg;
	const json_t *att;
	long long dev = -1;
	char id[ID_SIZE];
	struct res *r;
	struct eni *e;
	size_t mark;

	imp_id(im, o, "NetworkInterfaceId", "eni-", true, id);
	att = imp_enter(im, o, "Attachment", &mark);
	if (att)
		dev = imp_int(im, att, "DeviceIndex", 0, 65535, -1);
	imp_path_pop(im, mark);
	r = im->ret ? NULL : world_find(im->w, id);
	if (r && r->kind != RES_ENI)
		imp_skip(im, "%s is not a network interface; skipped", id);
	if (im->ret)
		return;
	e = r ? AS_ENI(r) : eni_read(im, o, in);
	if (!e)
		return;
	if (e->type == ENI_INTERFACE)
		memcpy(e->owner_res_id, in->res.id, ID_SIZE);
	if (dev == 0) {
		memcpy(in->eni_id, id, ID_SIZE);
		if (!in->private_ip)
			in->private_ip = e->private_ip;
	}
}

static void instance_item(struct imp *im, const json_t *o, void *arg)
{
	struct reservation *rv = arg;
	const char *state = NULL;
	struct instance *in;
	const json_t *st;
	char id[ID_SIZE];
	struct res *s;
	size_t mark;

	if (!imp_item_id(im, o, "InstanceId", "i-", id))
		return;
	in = AS_INSTANCE(res_new(RES_INSTANCE, id));
	st = imp_enter(im, o, "State", &mark);
	state = st ? imp_str(im, st, "Name", false) : NULL;
	imp_path_pop(im, mark);
	imp_id(im, o, "VpcId", "vpc-", false, in->vpc_id);
	imp_id(im, o, "SubnetId", "subnet-", false, in->subnet_id);
	in->private_ip = imp_ip(im, o, "PrivateIpAddress");
	imp_text(im, o, "InstanceType", in->instance_type, sizeof(in->instance_type));
	imp_id(im, o, "ImageId", NULL, false, in->image_id);
	in->key_name = imp_dup(im, o, "KeyName");
	in->launch_index = (int)imp_int(im, o, "AmiLaunchIndex", 0, INT32_MAX, (long long)rv->n);
	imp_tags(im, o, "Tags", &in->res);
	in->state = INSTANCE_RUNNING;
	for (size_t i = 0; state && i < ARRAY_SIZE(instance_states); i++)
		if (!strcmp(state, instance_states[i].name))
			in->state = instance_states[i].state;
	if (!im->ret && (!in->vpc_id[0] || !in->subnet_id[0]))
		imp_skip(im, in->state == INSTANCE_TERMINATED ? "terminated, in no subnet; skipped" :
			 "not in a VPC (EC2-Classic); skipped");
	s = imp_refer(im, "SubnetId", in->subnet_id, RES_SUBNET);
	if (!im->ret && strcmp(AS_SUBNET(s)->vpc_id, in->vpc_id))
		imp_skip(im, "VpcId %s is not its subnet's; skipped", in->vpc_id);
	if (!im->ret && state && (!strcmp(state, "stopped") || !strcmp(state, "stopping")))
		imp_note(im, "%s: analysed as running", state);
	if (s)
		memcpy(in->res.owner, rv->owner[0] ? rv->owner : s->owner, ACCOUNT_SIZE);
	memcpy(in->reservation_id, rv->id, ID_SIZE);
	if (!imp_admit(im, &in->res))
		return;
	rv->n++;
	imp_each(im, o, "NetworkInterfaces", instance_nic_item, in);
	if (!im->ret && !in->eni_id[0] && in->state != INSTANCE_TERMINATED)
		imp_note(im, "no primary network interface: it has no place in the network");
}

static void reservation_item(struct imp *im, const json_t *o, void *arg)
{
	struct reservation rv = { 0 };

	(void)arg;
	imp_id(im, o, "ReservationId", "r-", false, rv.id);
	imp_owner(im, o, "OwnerId", rv.owner);
	imp_each(im, o, "Instances", instance_item, &rv);
}

/* --- gateways --- */

/* Finds the VPC of the first attachment in one of 'states' (NULL-terminated). */
struct attach {
	const char *const *states;
	char *vpc_id;
};

static void attach_item(struct imp *im, const json_t *o, void *arg)
{
	struct attach *a = arg;
	const char *state = imp_str(im, o, "State", false);
	char id[ID_SIZE];

	imp_id(im, o, "VpcId", "vpc-", false, id);
	for (size_t i = 0; !im->ret && state && !a->vpc_id[0] && a->states[i]; i++)
		if (!strcmp(state, a->states[i]) && imp_refer(im, "VpcId", id, RES_VPC))
			memcpy(a->vpc_id, id, ID_SIZE);
}

static void attached_vpc(struct imp *im, const json_t *o, const char *key,
			 const char *const *states, char vpc_id[static ID_SIZE])
{
	vpc_id[0] = '\0';
	imp_each(im, o, key, attach_item, &(struct attach){ states, vpc_id });
}

static void igw_item(struct imp *im, const json_t *o, void *arg)
{
	static const char *const up[] = { "available", "attached", NULL };
	char id[ID_SIZE];
	struct igw *g;

	(void)arg;
	if (!imp_item_id(im, o, "InternetGatewayId", "igw-", id))
		return;
	g = AS_IGW(res_new(RES_IGW, id));
	attached_vpc(im, o, "Attachments", up, g->vpc_id);
	imp_owner(im, o, "OwnerId", g->res.owner);
	imp_tags(im, o, "Tags", &g->res);
	imp_admit(im, &g->res);
}

static void vgw_item(struct imp *im, const json_t *o, void *arg)
{
	static const char *const up[] = { "attached", NULL };
	static const char *const left[] = { "detached", "detaching", NULL };
	const char *state;
	char id[ID_SIZE];
	struct vgw *g;

	(void)arg;
	if (!imp_item_id(im, o, "VpnGatewayId", "vgw-", id))
		return;
	g = AS_VGW(res_new(RES_VGW, id));
	state = imp_str(im, o, "State", false);
	attached_vpc(im, o, "VpcAttachments", up, g->vpc_id);
	if (!g->vpc_id[0])
		attached_vpc(im, o, "VpcAttachments", left, g->detached_vpc_id);
	g->asn = (uint32_t)imp_int(im, o, "AmazonSideAsn", 0, UINT32_MAX, 0);
	imp_tags(im, o, "Tags", &g->res);
	g->az = -1;
	g->deleted = state && !strcmp(state, "deleted");
	if (!im->ret && g->vpc_id[0])
		memcpy(g->res.owner, world_find(im->w, g->vpc_id)->owner, ACCOUNT_SIZE);
	imp_admit(im, &g->res);
}

/* NatGatewayAddresses: the primary entry, else the first. */
struct nat_addr {
	const json_t *o;
	size_t i, n;			/* its index; entries seen */
};

static void nat_addr_item(struct imp *im, const json_t *o, void *arg)
{
	struct nat_addr *a = arg;

	if (imp_bool(im, o, "IsPrimary", false) || !a->o)
		*a = (struct nat_addr){ o, a->n, a->n };
	a->n++;
}

/* The NAT gateway's interface: the export's, or one made from its address. */
static void nat_eni(struct imp *im, const struct nat *n, uint32_t public_ip)
{
	struct res *r = world_find(im->w, n->eni_id), *s;
	char desc[64 + ID_SIZE];
	struct eni *e;

	if (r && r->kind != RES_ENI) {
		imp_note(im, "%s is not a network interface; ignored", n->eni_id);
	} else if (r) {
		e = AS_ENI(r);
		e->type = ENI_NAT_GATEWAY;
		memcpy(e->owner_res_id, n->res.id, ID_SIZE);
		if (!e->public_ip)
			e->public_ip = public_ip;
	} else {
		s = world_get(im->w, n->subnet_id, RES_SUBNET);
		if (!cidr4_contains_ip(&AS_SUBNET(s)->cidr, n->private_ip)) {
			imp_note(im, "its address lies outside its subnet: it forwards nothing");
			return;
		}
		e = AS_ENI(res_new(RES_ENI, n->eni_id));
		memcpy(e->res.owner, n->res.owner, ACCOUNT_SIZE);
		memcpy(e->vpc_id, n->vpc_id, ID_SIZE);
		memcpy(e->subnet_id, n->subnet_id, ID_SIZE);
		memcpy(e->owner_res_id, n->res.id, ID_SIZE);
		e->type = ENI_NAT_GATEWAY;
		e->private_ip = n->private_ip;
		e->public_ip = public_ip;
		e->requester_managed = true;
		snprintf(desc, sizeof(desc), "Interface for NAT Gateway %s", n->res.id);
		e->description = xstrdup(desc);
		imp_admit(im, &e->res);
	}
}

static void nat_item(struct imp *im, const json_t *o, void *arg)
{
	struct nat_addr addr = { 0 };
	const char *state, *conn;
	uint32_t public_ip = 0;
	char id[ID_SIZE];
	struct nat *n;
	struct res *s;

	(void)arg;
	if (!imp_item_id(im, o, "NatGatewayId", "nat-", id))
		return;
	n = AS_NAT(res_new(RES_NAT, id));
	imp_id(im, o, "SubnetId", "subnet-", true, n->subnet_id);
	imp_id(im, o, "VpcId", "vpc-", false, n->vpc_id);
	state = imp_str(im, o, "State", false);
	conn = imp_str(im, o, "ConnectivityType", false);
	imp_each(im, o, "NatGatewayAddresses", nat_addr_item, &addr);
	if (addr.o) {
		size_t mark = imp_path_push(im, "NatGatewayAddresses", addr.i);

		imp_id(im, addr.o, "NetworkInterfaceId", "eni-", false, n->eni_id);
		imp_id(im, addr.o, "AllocationId", "eipalloc-", false, n->eip_id);
		n->private_ip = imp_ip(im, addr.o, "PrivateIp");
		public_ip = imp_ip(im, addr.o, "PublicIp");
		imp_path_pop(im, mark);
	}
	imp_tags(im, o, "Tags", &n->res);
	s = imp_refer(im, "SubnetId", n->subnet_id, RES_SUBNET);
	if (!im->ret && n->vpc_id[0] && strcmp(n->vpc_id, AS_SUBNET(s)->vpc_id))
		imp_skip(im, "VpcId %s is not its subnet's; skipped", n->vpc_id);
	if (!im->ret) {
		memcpy(n->vpc_id, AS_SUBNET(s)->vpc_id, ID_SIZE);
		memcpy(n->res.owner, s->owner, ACCOUNT_SIZE);
	}
	n->private_ = conn && !strcmp(conn, "private");
	n->deleted = state && (!strcmp(state, "deleted") || !strcmp(state, "deleting") ||
			       !strcmp(state, "failed"));
	if (n->private_)
		n->eip_id[0] = '\0';
	if (!imp_admit(im, &n->res) || n->deleted)
		return;
	if (n->eni_id[0] && n->private_ip)
		nat_eni(im, n, public_ip);
	else
		imp_note(im, "no interface or address: it forwards nothing");
}

/* --- route tables --- */

static const struct {
	const char *key;
	enum route_target target;
} target_keys[] = {
	/* Before NetworkInterfaceId: a route to an instance names its interface too. */
	{ "InstanceId", TARGET_INSTANCE },
	{ "NatGatewayId", TARGET_NAT },
	{ "NetworkInterfaceId", TARGET_ENI },
	{ "GatewayId", TARGET_LOCAL },		/* refined by the ID's prefix */
	{ "TransitGatewayId", TARGET_OTHER },
	{ "VpcPeeringConnectionId", TARGET_OTHER },
	{ "LocalGatewayId", TARGET_OTHER },
	{ "CarrierGatewayId", TARGET_OTHER },
	{ "EgressOnlyInternetGatewayId", TARGET_OTHER },
};

static const struct {
	const char *prefix;
	enum route_target target;
} gateway_prefixes[] = {
	{ "igw-", TARGET_IGW },
	{ "vgw-", TARGET_VGW },
	{ "vpce-", TARGET_VPCE },
	{ "nat-", TARGET_NAT },
};

/* The kind a target must have in the world; -1 for targets that are not resources. */
static const int target_kinds[] = {
	[TARGET_LOCAL] = -1, [TARGET_IGW] = RES_IGW, [TARGET_NAT] = RES_NAT,
	[TARGET_VGW] = RES_VGW, [TARGET_ENI] = RES_ENI, [TARGET_INSTANCE] = RES_INSTANCE,
	[TARGET_VPCE] = RES_VPCE, [TARGET_OTHER] = -1,
};

static const struct {
	const char *name;
	enum route_origin origin;
} origins[] = {
	{ "CreateRouteTable", ORIGIN_CREATE_ROUTE_TABLE },
	{ "CreateRoute", ORIGIN_CREATE_ROUTE },
	{ "EnableVgwRoutePropagation", ORIGIN_ENABLE_VGW_PROPAGATION },
};

static void route_target(struct imp *im, const json_t *o, struct route *rt)
{
	const char *arn, *tail;

	for (size_t i = 0; i < ARRAY_SIZE(target_keys) && !rt->target_id[0]; i++) {
		imp_id(im, o, target_keys[i].key, NULL, false, rt->target_id);
		rt->target = target_keys[i].target;
	}
	if (!im->ret && rt->target == TARGET_LOCAL && strcmp(rt->target_id, "local")) {
		rt->target = TARGET_OTHER;
		for (size_t k = 0; k < ARRAY_SIZE(gateway_prefixes); k++)
			if (!strncmp(rt->target_id, gateway_prefixes[k].prefix,
				     strlen(gateway_prefixes[k].prefix)))
				rt->target = gateway_prefixes[k].target;
	}
	/* "arn:aws:networkmanager::<account>:core-network/core-network-<hex>" */
	arn = rt->target_id[0] ? NULL : imp_str(im, o, "CoreNetworkArn", false);
	tail = arn && strrchr(arn, '/') ? strrchr(arn, '/') + 1 : "";
	if (imp_id_fits(tail, NULL)) {
		str_lcpy(rt->target_id, tail, ID_SIZE);
		rt->target = TARGET_OTHER;
	}
	if (!im->ret && !rt->target_id[0])
		imp_skip(im, "a route without a target vpce knows; skipped");
}

static void route_item(struct imp *im, const json_t *o, void *arg)
{
	struct rtb *t = arg;
	struct route rt = { .origin = ORIGIN_CREATE_ROUTE };
	const char *dest, *v6, *origin;

	dest = imp_str(im, o, "DestinationCidrBlock", false);
	imp_cidr(im, "DestinationCidrBlock", dest, &rt.dest);
	imp_id(im, o, "DestinationPrefixListId", "pl-", false, rt.pl_id);
	v6 = imp_str(im, o, "DestinationIpv6CidrBlock", false);
	origin = imp_str(im, o, "Origin", false);
	if (!im->ret && !dest && !rt.pl_id[0])
		imp_skip(im, v6 ? "an IPv6 route; skipped" : "a route without a destination; skipped");
	rt.to_prefix_list = !dest;
	route_target(im, o, &rt);
	for (size_t i = 0; origin && i < ARRAY_SIZE(origins); i++)
		if (!strcmp(origin, origins[i].name))
			rt.origin = origins[i].origin;
	if (!im->ret && t->n_routes >= LIMIT_ROUTES_PER_TABLE)
		imp_skip(im, "past %d routes; skipped", LIMIT_ROUTES_PER_TABLE);
	if (im->ret)
		return;
	ALLOC_GROW(t->routes, t->n_routes + 1, t->alloc_routes);
	t->routes[t->n_routes++] = rt;
}

static void assoc_item(struct imp *im, const json_t *o, void *arg)
{
	struct rtb *t = arg;
	struct vpc *v = AS_VPC(world_get(im->w, t->vpc_id, RES_VPC));
	struct rtb_assoc a = { 0 };
	const char *state, *gw;
	const json_t *st;
	struct res *s;
	size_t mark;

	imp_id(im, o, "RouteTableAssociationId", "rtbassoc-", true, a.id);
	a.main = imp_bool(im, o, "Main", false);
	imp_id(im, o, "SubnetId", "subnet-", false, a.subnet_id);
	gw = imp_str(im, o, "GatewayId", false);
	st = imp_enter(im, o, "AssociationState", &mark);
	state = st ? imp_str(im, st, "State", false) : NULL;
	imp_path_pop(im, mark);
	if (!im->ret && state && strcmp(state, "associated") && strcmp(state, "associating"))
		im->ret = SKIP;
	if (!im->ret && a.main && v->main_rtb_id[0])
		imp_skip(im, "a second main association for %s; skipped", t->vpc_id);
	if (!im->ret && !a.main && !a.subnet_id[0])
		imp_skip(im, "an edge association (gateway '%.40s') is not modelled; skipped",
		     gw ? gw : "");
	s = !im->ret && !a.main ? imp_refer(im, "SubnetId", a.subnet_id, RES_SUBNET) : NULL;
	if (!im->ret && s && strcmp(AS_SUBNET(s)->vpc_id, t->vpc_id))
		imp_skip(im, "subnet %s is in another VPC; skipped", a.subnet_id);
	if (!im->ret && s && hmap_get(&im->subnet_rtb, s->id))
		imp_skip(im, "subnet %s is associated twice; skipped", a.subnet_id);
	if (!im->ret && t->n_assocs >= LIMIT_ASSOCS_PER_TABLE)
		imp_skip(im, "past %d associations; skipped", LIMIT_ASSOCS_PER_TABLE);
	if (im->ret)
		return;
	if (s)
		hmap_put(&im->subnet_rtb, s->id, t);
	if (a.main) {
		a.subnet_id[0] = '\0';
		memcpy(v->main_rtb_id, t->res.id, ID_SIZE);
	}
	ALLOC_GROW(t->assocs, t->n_assocs + 1, t->alloc_assocs);
	t->assocs[t->n_assocs++] = a;
}

static void rtb_item(struct imp *im, const json_t *o, void *arg)
{
	char id[ID_SIZE], owner[ACCOUNT_SIZE] = "";
	struct rtb *t;
	struct res *v;

	(void)arg;
	if (!imp_item_id(im, o, "RouteTableId", "rtb-", id))
		return;
	t = AS_RTB(res_new(RES_RTB, id));
	imp_id(im, o, "VpcId", "vpc-", true, t->vpc_id);
	imp_owner(im, o, "OwnerId", owner);
	v = imp_refer(im, "VpcId", t->vpc_id, RES_VPC);
	if (v)
		memcpy(t->res.owner, owner[0] ? owner : v->owner, ACCOUNT_SIZE);
	imp_each(im, o, "Routes", route_item, t);
	imp_tags(im, o, "Tags", &t->res);
	/* Associations once the table is in: a skipped duplicate must not claim subnets. */
	if (imp_admit(im, &t->res))
		imp_each(im, o, "Associations", assoc_item, t);
}

/* --- VPC endpoints --- */

/* The 8 characters after "<id>-" in an endpoint's DNS name, or "". */
static void dns_suffix(const char *name, const char *id, char dst[static 9])
{
	const char *p = strstr(name, id);
	size_t n = strlen(id);

	dst[0] = '\0';
	if (!p || p[n] != '-')
		return;
	p += n + 1;
	if (strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789") < 8 || (p[8] != '.' && p[8] != '-'))
		return;
	memcpy(dst, p, 8);
	dst[8] = '\0';
}

static void vpce_net_add(struct imp *im, struct vpce *v, const char *subnet_id, const char *eni_id)
{
	for (size_t i = 0; i < v->n_nets; i++)
		if (!strcmp(v->nets[i].subnet_id, subnet_id))
			return;
	if (v->n_nets >= LIMIT_SUBNETS_PER_ENDPOINT) {
		imp_note(im, "past %d subnets: %s ignored", LIMIT_SUBNETS_PER_ENDPOINT, subnet_id);
		return;
	}
	v->nets = xreallocarray(v->nets, v->n_nets + 1, sizeof(*v->nets));
	str_lcpy(v->nets[v->n_nets].subnet_id, subnet_id, ID_SIZE);
	str_lcpy(v->nets[v->n_nets++].eni_id, eni_id, ID_SIZE);
}

/* The subnet 'id' when it is in the endpoint's VPC, else NULL with a note. */
static struct res *vpce_subnet(struct imp *im, const struct vpce *v, const char *id)
{
	struct res *s = world_get(im->w, id, RES_SUBNET);

	if (!s || strcmp(AS_SUBNET(s)->vpc_id, v->vpc_id)) {
		imp_note(im, "subnet %s is not in the export's %s; ignored", id, v->vpc_id);
		return NULL;
	}
	return s;
}

/*
 * The IDs of one list member, each checked against 'prefix': RouteTableIds,
 * NetworkInterfaceIds (each with its subnet, from the world, else the subnet
 * at its position in SubnetIds), SubnetIds, Groups.
 */
static void vpce_ids(struct imp *im, const json_t *o, const char *key, const char *prefix,
		     struct vpce *v)
{
	const json_t *arr = imp_array(im, o, key), *subnets = imp_member(o, "SubnetIds");
	const char *s, *sub;
	struct res *r;

	for (size_t i = 0; i < json_array_size(arr) && !im->ret; i++) {
		s = imp_str_at(im, arr, key, i);
		if (!s || !imp_id_fits(s, prefix)) {
			if (s)
				imp_note(im, "%s[%zu] '%.40s' is not an ID vpce can hold; ignored",
				     key, i, s);
			continue;
		}
		if (!strcmp(key, "RouteTableIds") && v->n_rtbs < LIMIT_RTBS_PER_ENDPOINT) {
			id_array_push(&v->rtbs, &v->n_rtbs, s);
		} else if (!strcmp(key, "SubnetIds")) {
			if (vpce_subnet(im, v, s))
				vpce_net_add(im, v, s, "");
		} else if (!strcmp(key, "NetworkInterfaceIds")) {
			r = world_get(im->w, s, RES_ENI);
			if (r && !strcmp(AS_ENI(r)->vpc_id, v->vpc_id)) {
				if (!AS_ENI(r)->owner_res_id[0])
					memcpy(AS_ENI(r)->owner_res_id, v->res.id, ID_SIZE);
				vpce_net_add(im, v, AS_ENI(r)->subnet_id, s);
				continue;
			}
			imp_note(im, "interface %s is not in the export's %s", s, v->vpc_id);
			sub = json_string_value(json_array_get(subnets, i));
			if (sub && vpce_subnet(im, v, sub))
				vpce_net_add(im, v, sub, s);
		}
	}
}

/* The suffix of the first DnsEntries name. */
static void vpce_dns(struct imp *im, const json_t *o, struct vpce *v)
{
	const json_t *entries = imp_array(im, o, "DnsEntries"), *first;
	const char *name = NULL;
	size_t mark;

	first = json_array_get(entries, 0);
	if (!first)
		return;
	mark = imp_path_push(im, "DnsEntries", 0);
	if (!json_is_object(first))
		imp_fail(im, NULL, "not an object");
	else
		name = imp_str(im, first, "DnsName", false);
	imp_path_pop(im, mark);
	if (name)
		dns_suffix(name, v->res.id, v->dns_suffix);
	if (!im->ret && !v->dns_suffix[0])
		imp_note(im, "no endpoint DNS name to read its suffix from");
}

static const char *const vpce_gone[] = { "deleted", "failed", "rejected", "expired" };

static void vpce_item(struct imp *im, const json_t *o, void *arg)
{
	char id[ID_SIZE], owner[ACCOUNT_SIZE] = "";
	const char *type, *state, *policy;
	struct vpce *v;
	struct res *vpc;

	(void)arg;
	if (!imp_item_id(im, o, "VpcEndpointId", "vpce-", id))
		return;
	v = AS_VPCE(res_new(RES_VPCE, id));
	type = imp_str(im, o, "VpcEndpointType", true);
	imp_id(im, o, "VpcId", "vpc-", true, v->vpc_id);
	imp_text(im, o, "ServiceName", v->service, sizeof(v->service));
	state = imp_str(im, o, "State", false);
	policy = imp_str(im, o, "PolicyDocument", false);
	v->private_dns = imp_bool(im, o, "PrivateDnsEnabled", false);
	imp_owner(im, o, "OwnerId", owner);
	imp_tags(im, o, "Tags", &v->res);
	if (!im->ret && strcmp(type, "Interface") && strcmp(type, "Gateway"))
		imp_skip(im, "a %.40s endpoint is not modelled; skipped", type);
	for (size_t i = 0; state && i < ARRAY_SIZE(vpce_gone); i++)
		if (!strcasecmp(state, vpce_gone[i]))
			imp_skip(im, "%s; skipped", vpce_gone[i]);
	if (!im->ret && !v->service[0])
		imp_skip(im, "no service name; skipped");
	vpc = imp_refer(im, "VpcId", v->vpc_id, RES_VPC);
	if (im->ret) {
		res_free(&v->res);
		return;
	}
	memcpy(v->res.owner, owner[0] ? owner : vpc->owner, ACCOUNT_SIZE);
	v->type = strcmp(type, "Gateway") ? VPCE_INTERFACE : VPCE_GATEWAY;
	v->state = VPCE_AVAILABLE;
	v->policy = xstrdup(policy ? policy : vpce_default_policy(v->type));
	vpce_ids(im, o, "RouteTableIds", "rtb-", v);
	vpce_ids(im, o, "NetworkInterfaceIds", "eni-", v);
	vpce_ids(im, o, "SubnetIds", "subnet-", v);
	if (v->type == VPCE_INTERFACE) {
		imp_each(im, o, "Groups", group_item, &(struct groups){ &v->groups, &v->n_groups });
		vpce_dns(im, o, v);
	} else {
		v->private_dns = false;
	}
	imp_admit(im, &v->res);
}

/* --- bucket policies --- */

/* bucket-policies/<bucket>.json: get-bucket-policy's output. */
static void bucket_file(struct imp *im, const struct aws_file *f, const json_t *root)
{
	const char *stem = strchr(f->name, '/') + 1;
	const char *policy = imp_str(im, root, "Policy", true);
	size_t len = strlen(stem) - strlen(".json");
	struct aws_import *out = im->out;
	struct reach_doc *d;

	if (im->ret)
		return;
	if (len < 3 || len > 63 || strspn(stem, "abcdefghijklmnopqrstuvwxyz0123456789.-") < len) {
		imp_note(im, "not a bucket name; ignored");
		return;
	}
	for (size_t i = 0; i < out->n_buckets; i++) {
		const char *had = out->buckets[i].name;

		if (strlen(had) == len && !strncmp(had, stem, len)) {
			imp_note(im, "a second policy for the bucket; ignored");
			return;
		}
	}
	if (im->n_res++ >= LIMIT_RESOURCES) {
		imp_fail(im, NULL, "more than %d resources", LIMIT_RESOURCES);
		return;
	}
	out->buckets = xreallocarray(out->buckets, out->n_buckets + 1, sizeof(*out->buckets));
	d = &out->buckets[out->n_buckets++];
	d->name = xstrndup(stem, len);
	d->len = strlen(policy);
	d->text = xstrdup(policy);
}

/* Route tables and gateway endpoints name each other: checked once both are read. */
static void check_refs(struct imp *im)
{
	char dest[CIDR4_STRLEN];
	struct res *r;

	WORLD_FOR_EACH(im->w, RES_RTB, r) {
		const struct rtb *t = AS_RTB(r);

		for (size_t i = 0; i < t->n_routes; i++) {
			const struct route *rt = &t->routes[i];
			int kind = target_kinds[rt->target];

			if (kind < 0 || world_get(im->w, rt->target_id, (enum res_kind)kind))
				continue;
			imp_note(im, "%s: the target %s of the route to %s is not in the export: "
				 "the route leads nowhere", t->res.id, rt->target_id,
			     rt->to_prefix_list ? rt->pl_id : cidr4_fmt(&rt->dest, dest));
		}
	}
	WORLD_FOR_EACH(im->w, RES_VPCE, r) {
		const struct vpce *v = AS_VPCE(r);

		for (size_t i = 0; i < v->n_rtbs; i++)
			if (!world_get(im->w, v->rtbs[i], RES_RTB))
				imp_note(im, "%s: route table %s is not in the export", v->res.id,
				     v->rtbs[i]);
	}
}

/* --- files --- */

typedef void file_fn(struct imp *im, const struct aws_file *f, const json_t *root);

/* The files in the order they are read: each after those it refers to. */
static const struct stage {
	const char *name;		/* the file, or its directory ending in '/' */
	const char *array;		/* the member listing the items */
	item_fn *item;
	file_fn *file;			/* for one-object files */
} stages[] = {
	{ "describe-vpcs.json", "Vpcs", vpc_item, NULL },
	{ "vpc-attributes/", NULL, NULL, attr_file },
	{ "describe-subnets.json", "Subnets", subnet_item, NULL },
	{ "describe-security-groups.json", "SecurityGroups", sg_item, NULL },
	{ "describe-prefix-lists.json", "PrefixLists", pl_item, NULL },
	{ "describe-managed-prefix-lists.json", "PrefixLists", mpl_item, NULL },
	{ "describe-network-interfaces.json", "NetworkInterfaces", eni_item, NULL },
	{ "describe-instances.json", "Reservations", reservation_item, NULL },
	{ "describe-internet-gateways.json", "InternetGateways", igw_item, NULL },
	{ "describe-vpn-gateways.json", "VpnGateways", vgw_item, NULL },
	{ "describe-nat-gateways.json", "NatGateways", nat_item, NULL },
	{ "describe-route-tables.json", "RouteTables", rtb_item, NULL },
	{ "describe-vpc-endpoints.json", "VpcEndpoints", vpce_item, NULL },
	{ "bucket-policies/", NULL, NULL, bucket_file },
};

static const struct stage *stage_of(const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < ARRAY_SIZE(stages); i++) {
		const char *s = stages[i].name;
		size_t n = strlen(s);

		if (s[n - 1] != '/' && !strcmp(name, s))
			return &stages[i];
		if (s[n - 1] == '/' && len > n + 5 && !strncmp(name, s, n) &&
		    !strchr(name + n, '/') && !strcmp(name + len - 5, ".json"))
			return &stages[i];
	}
	return NULL;
}

/* Parses 'f'; returns its top-level object, or NULL with 'im' failed. */
static json_t *load(struct imp *im, const struct aws_file *f)
{
	json_error_t jerr;
	json_t *root;

	im->file = f->name;
	im->path[0] = '\0';
	im->id[0] = '\0';
	root = json_loadb(f->text ? f->text : "", f->text ? f->len : 0, JSON_REJECT_DUPLICATES,
			  &jerr);
	if (!root)
		imp_fail(im, NULL, "line %d: %s", jerr.line, jerr.text);
	else if (!json_is_object(root))
		imp_fail(im, NULL, "not a JSON object");
	if (im->ret < 0) {
		json_decref(root);
		return NULL;
	}
	return root;
}

static void read_file(struct imp *im, const struct stage *st, const struct aws_file *f)
{
	json_t *root = load(im, f);

	if (!root)
		return;
	if (st->file)
		st->file(im, f, root);
	else if (!json_is_array(json_object_get(root, st->array)))
		imp_fail(im, st->array, "missing or not an array");
	else
		imp_each(im, root, st->array, st->item, NULL);
	json_decref(root);
	if (im->ret > 0)
		im->ret = 0;
	im->file = NULL;
	im->id[0] = '\0';
}

static const struct region *region_of_zone(const char *zone)
{
	size_t len = strlen(zone);

	return len > 1 ? region_find_str(str_from(zone, len - 1)) : NULL;
}

/* "com.amazonaws.<region>.<service>", or "com.amazonaws.vpce.<region>.vpce-svc-…". */
static const struct region *region_of_service(const char *name)
{
	struct str s = str_c(name), head;

	if (!str_starts_with(s, STR_LIT("com.amazonaws.")))
		return NULL;
	s.p += 14;
	s.len -= 14;
	if (!str_cut(&s, '.', &head))
		return NULL;
	if (str_eq_c(head, "vpce") && !str_cut(&s, '.', &head))
		return NULL;
	return region_find_str(head);
}

/* The region of the first subnet's zone, else of the first endpoint's service. */
static void guess_region(struct imp *im, const struct aws_file *files, size_t n)
{
	static const struct {
		const char *file, *array, *key;
		const struct region *(*fn)(const char *);
	} hints[] = {
		{ "describe-subnets.json", "Subnets", "AvailabilityZone", region_of_zone },
		{ "describe-vpc-endpoints.json", "VpcEndpoints", "ServiceName", region_of_service },
	};

	for (size_t h = 0; h < ARRAY_SIZE(hints); h++) {
		for (size_t i = 0; i < n && !im->region && !im->ret; i++) {
			const json_t *arr;
			json_t *root;

			if (strcmp(files[i].name, hints[h].file) || !(root = load(im, &files[i])))
				continue;
			arr = json_object_get(root, hints[h].array);
			for (size_t k = 0; k < json_array_size(arr) && !im->region; k++) {
				const char *s = json_string_value(
					json_object_get(json_array_get(arr, k), hints[h].key));

				if (s)
					im->region = hints[h].fn(s);
			}
			json_decref(root);
		}
	}
	im->file = NULL;
	if (!im->region)
		imp_fail(im, NULL, "cannot tell the region: give --region");
}

int aws_import(const struct aws_file *files, size_t n, const struct region *region,
	       struct world *w, struct aws_import *out, struct err *e)
{
	struct imp im = { .w = w, .out = out, .e = e, .region = region, .pls_alloc = w->n_pls };

	*out = (struct aws_import){ 0 };
	buf_init(&out->notes, LIMIT_IMPORT_NOTES_BYTES + 1024);
	hmap_init(&im.subnet_rtb);
	hmap_init(&im.pl_ids);
	for (size_t i = 0; i < n; i++)
		if (!stage_of(files[i].name))
			imp_note(&im, "unknown file '%.200s' ignored", files[i].name);
	if (!im.region)
		guess_region(&im, files, n);
	for (size_t s = 0; s < ARRAY_SIZE(stages) && !im.ret; s++)
		for (size_t i = 0; i < n && !im.ret; i++)
			if (stage_of(files[i].name) == &stages[s])
				read_file(&im, &stages[s], &files[i]);
	if (!im.ret)
		check_refs(&im);
	out->region = im.region;
	hmap_release(&im.subnet_rtb);
	hmap_release_values(&im.pl_ids, free);
	if (im.ret < 0)
		aws_import_release(out);
	return im.ret;
}

void aws_import_release(struct aws_import *imp)
{
	for (size_t i = 0; i < imp->n_buckets; i++) {
		free((char *)imp->buckets[i].name);
		free((char *)imp->buckets[i].text);
	}
	free(imp->buckets);
	buf_release(&imp->notes);
	imp->buckets = NULL;
	imp->n_buckets = 0;
	imp->region = NULL;
}
