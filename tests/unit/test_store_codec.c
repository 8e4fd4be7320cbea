/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "check.h"

#include <jansson.h>

#include "base/xalloc.h"
#include "core/model.h"
#include "core/region.h"
#include "limits.h"
#include "store/codec.h"

void test_store_codec(void);

typedef void cmp_fn(const struct res *a, const struct res *b);

static struct cidr4 cidr(const char *s)
{
	struct cidr4 c = { 0 };

	if (cidr4_parse(str_c(s), &c) < 0)
		check_fail(__FILE__, __LINE__, "bad test CIDR %s", s);
	return c;
}

static uint32_t ip(const char *s)
{
	uint32_t a = 0;

	if (ip4_parse(str_c(s), &a) < 0)
		check_fail(__FILE__, __LINE__, "bad test address %s", s);
	return a;
}

/* Required owned strings come back as "" when they were NULL. */
static bool ostr_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Optional owned strings keep NULL. */
static bool opt_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool ids_eq(char (*a)[ID_SIZE], size_t na, char (*b)[ID_SIZE], size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static void fill_common(struct res *r)
{
	str_lcpy(r->owner, "123456789012", sizeof(r->owner));
	r->created_ms = 1700000000123;
	res_tag_set(r, "Name", "main \"one\"");
	res_tag_set(r, "empty", "");
	res_tag_set(r, "k\xc3\xbc" "y", "\xe5\x80\xa4\n\t");
}

static void cmp_common(const struct res *a, const struct res *b)
{
	CHECK_EQ(a->kind, b->kind);
	CHECK_STREQ(a->id, b->id);
	CHECK_STREQ(a->owner, b->owner);
	CHECK_EQ(a->created_ms, b->created_ms);
	CHECK_EQ(a->n_tags, b->n_tags);
	for (size_t i = 0; i < a->n_tags && i < b->n_tags; i++) {
		CHECK(ostr_eq(a->tags[i].key, b->tags[i].key));
		CHECK(ostr_eq(a->tags[i].value, b->tags[i].value));
	}
}

static struct res *make_vpc(void)
{
	struct res *r = res_new(RES_VPC, "vpc-0123456789abcdef0");
	struct vpc *v = AS_VPC(r);

	fill_common(r);
	v->cidr = cidr("10.1.0.0/16");
	str_lcpy(v->cidr_assoc_id, "vpc-cidr-assoc-0123456789abcdef0", ID_SIZE);
	str_lcpy(v->dhcp_options_id, "dopt-1a2b3c4d", ID_SIZE);
	v->dns_support = false;
	v->dns_hostnames = true;
	v->is_default = true;
	str_lcpy(v->instance_tenancy, "dedicated", sizeof(v->instance_tenancy));
	str_lcpy(v->main_rtb_id, "rtb-0a", ID_SIZE);
	str_lcpy(v->default_sg_id, "sg-0a", ID_SIZE);
	return r;
}

static void cmp_vpc(const struct res *ra, const struct res *rb)
{
	const struct vpc *a = (const struct vpc *)ra, *b = (const struct vpc *)rb;

	cmp_common(ra, rb);
	CHECK(cidr4_eq(&a->cidr, &b->cidr));
	CHECK_STREQ(a->cidr_assoc_id, b->cidr_assoc_id);
	CHECK_STREQ(a->dhcp_options_id, b->dhcp_options_id);
	CHECK_EQ(a->dns_support, b->dns_support);
	CHECK_EQ(a->dns_hostnames, b->dns_hostnames);
	CHECK_EQ(a->is_default, b->is_default);
	CHECK_STREQ(a->instance_tenancy, b->instance_tenancy);
	CHECK_STREQ(a->main_rtb_id, b->main_rtb_id);
	CHECK_STREQ(a->default_sg_id, b->default_sg_id);
}

static struct res *make_subnet(void)
{
	struct res *r = res_new(RES_SUBNET, "subnet-0a");
	struct subnet *s = AS_SUBNET(r);

	fill_common(r);
	str_lcpy(s->vpc_id, "vpc-0a", ID_SIZE);
	s->cidr = cidr("10.1.2.0/24");
	s->az = 5;
	s->map_public_ip = true;
	s->default_for_az = true;
	return r;
}

static void cmp_subnet(const struct res *ra, const struct res *rb)
{
	const struct subnet *a = (const struct subnet *)ra, *b = (const struct subnet *)rb;

	cmp_common(ra, rb);
	CHECK_STREQ(a->vpc_id, b->vpc_id);
	CHECK(cidr4_eq(&a->cidr, &b->cidr));
	CHECK_EQ(a->az, b->az);
	CHECK_EQ(a->map_public_ip, b->map_public_ip);
	CHECK_EQ(a->default_for_az, b->default_for_az);
}

static void add_route(struct rtb *t, const char *dest, enum route_target target,
		      const char *target_id, enum route_origin origin)
{
	struct route *rt;

	ALLOC_GROW(t->routes, t->n_routes + 1, t->alloc_routes);
	rt = &t->routes[t->n_routes++];
	*rt = (struct route){ .target = target, .origin = origin };
	if (strncmp(dest, "pl-", 3) == 0) {
		rt->to_prefix_list = true;
		str_lcpy(rt->pl_id, dest, ID_SIZE);
	} else {
		rt->dest = cidr(dest);
	}
	str_lcpy(rt->target_id, target_id, ID_SIZE);
}

static void add_assoc(struct rtb *t, const char *id, bool main, const char *subnet_id)
{
	struct rtb_assoc *a;

	ALLOC_GROW(t->assocs, t->n_assocs + 1, t->alloc_assocs);
	a = &t->assocs[t->n_assocs++];
	*a = (struct rtb_assoc){ .main = main };
	str_lcpy(a->id, id, ID_SIZE);
	str_lcpy(a->subnet_id, subnet_id, ID_SIZE);
}

static struct res *make_rtb(void)
{
	struct res *r = res_new(RES_RTB, "rtb-0a");
	struct rtb *t = AS_RTB(r);

	fill_common(r);
	str_lcpy(t->vpc_id, "vpc-0a", ID_SIZE);
	add_route(t, "10.1.0.0/16", TARGET_LOCAL, "local", ORIGIN_CREATE_ROUTE_TABLE);
	add_route(t, "0.0.0.0/0", TARGET_IGW, "igw-1", ORIGIN_CREATE_ROUTE);
	add_route(t, "10.9.0.0/16", TARGET_NAT, "nat-1", ORIGIN_CREATE_ROUTE);
	add_route(t, "172.16.0.0/12", TARGET_VGW, "vgw-1", ORIGIN_ENABLE_VGW_PROPAGATION);
	add_route(t, "192.168.1.0/24", TARGET_ENI, "eni-1", ORIGIN_CREATE_ROUTE);
	add_route(t, "192.168.2.7/32", TARGET_INSTANCE, "i-1", ORIGIN_CREATE_ROUTE);
	add_route(t, "pl-63a5400a", TARGET_VPCE, "vpce-1", ORIGIN_CREATE_ROUTE);
	add_assoc(t, "rtbassoc-1", true, "");
	add_assoc(t, "rtbassoc-2", false, "subnet-2");
	return r;
}

static void cmp_rtb(const struct res *ra, const struct res *rb)
{
	const struct rtb *a = (const struct rtb *)ra, *b = (const struct rtb *)rb;

	cmp_common(ra, rb);
	CHECK_STREQ(a->vpc_id, b->vpc_id);
	CHECK_EQ(a->n_routes, b->n_routes);
	for (size_t i = 0; i < a->n_routes && i < b->n_routes; i++) {
		const struct route *x = &a->routes[i], *y = &b->routes[i];

		CHECK_EQ(x->to_prefix_list, y->to_prefix_list);
		if (x->to_prefix_list)
			CHECK_STREQ(x->pl_id, y->pl_id);
		else
			CHECK(cidr4_eq(&x->dest, &y->dest));
		CHECK_EQ(x->target, y->target);
		CHECK_STREQ(x->target_id, y->target_id);
		CHECK_EQ(x->origin, y->origin);
	}
	CHECK_EQ(a->n_assocs, b->n_assocs);
	for (size_t i = 0; i < a->n_assocs && i < b->n_assocs; i++) {
		CHECK_STREQ(a->assocs[i].id, b->assocs[i].id);
		CHECK_EQ(a->assocs[i].main, b->assocs[i].main);
		CHECK_STREQ(a->assocs[i].subnet_id, b->assocs[i].subnet_id);
	}
}

static void add_rule(struct sg *g, bool egress, int proto, int from, int to,
		     enum sg_peer peer, const char *what, const char *desc)
{
	struct sg_rule *u;

	ALLOC_GROW(g->rules, g->n_rules + 1, g->alloc_rules);
	u = &g->rules[g->n_rules];
	*u = (struct sg_rule){ .egress = egress, .proto = proto, .from_port = from,
			       .to_port = to, .peer = peer };
	snprintf(u->id, ID_SIZE, "sgr-%zu", g->n_rules++);
	if (peer == PEER_CIDR)
		u->cidr = cidr(what);
	else
		str_lcpy(u->peer_id, what, ID_SIZE);
	if (peer == PEER_GROUP)
		str_lcpy(u->peer_owner, "210987654321", ACCOUNT_SIZE);
	u->description = desc ? xstrdup(desc) : NULL;
}

static struct res *make_sg(void)
{
	struct res *r = res_new(RES_SG, "sg-0a");
	struct sg *g = AS_SG(r);

	fill_common(r);
	str_lcpy(g->vpc_id, "vpc-0a", ID_SIZE);
	g->name = xstrdup("web");
	g->description = xstrdup("web servers");
	g->is_default = true;
	add_rule(g, false, 6, 443, 443, PEER_CIDR, "10.0.0.0/8", "https");
	add_rule(g, false, -1, -1, -1, PEER_GROUP, "sg-0b", NULL);
	add_rule(g, true, 17, 53, 53, PEER_PREFIX_LIST, "pl-02cd2c6b", "dns");
	add_rule(g, true, 1, 8, 0, PEER_CIDR, "0.0.0.0/0", NULL);
	add_rule(g, false, 58, 0, 65535, PEER_GROUP, "sg-0c", "");
	return r;
}

static void cmp_sg(const struct res *ra, const struct res *rb)
{
	const struct sg *a = (const struct sg *)ra, *b = (const struct sg *)rb;

	cmp_common(ra, rb);
	CHECK_STREQ(a->vpc_id, b->vpc_id);
	CHECK(ostr_eq(a->name, b->name));
	CHECK(ostr_eq(a->description, b->description));
	CHECK_EQ(a->is_default, b->is_default);
	CHECK_EQ(a->n_rules, b->n_rules);
	for (size_t i = 0; i < a->n_rules && i < b->n_rules; i++) {
		const struct sg_rule *x = &a->rules[i], *y = &b->rules[i];

		CHECK_STREQ(x->id, y->id);
		CHECK_EQ(x->egress, y->egress);
		CHECK_EQ(x->proto, y->proto);
		CHECK_EQ(x->from_port, y->from_port);
		CHECK_EQ(x->to_port, y->to_port);
		CHECK_EQ(x->peer, y->peer);
		if (x->peer == PEER_CIDR)
			CHECK(cidr4_eq(&x->cidr, &y->cidr));
		else
			CHECK_STREQ(x->peer_id, y->peer_id);
		if (x->peer == PEER_GROUP)
			CHECK_STREQ(x->peer_owner, y->peer_owner);
		CHECK(opt_eq(x->description, y->description));
	}
}

static struct res *make_igw(void)
{
	struct res *r = res_new(RES_IGW, "igw-0a");

	fill_common(r);
	str_lcpy(AS_IGW(r)->vpc_id, "vpc-0a", ID_SIZE);
	return r;
}

static void cmp_igw(const struct res *ra, const struct res *rb)
{
	cmp_common(ra, rb);
	CHECK_STREQ(((const struct igw *)ra)->vpc_id, ((const struct igw *)rb)->vpc_id);
}

static struct res *make_nat(void)
{
	struct res *r = res_new(RES_NAT, "nat-0a");
	struct nat *n = AS_NAT(r);

	fill_common(r);
	str_lcpy(n->vpc_id, "vpc-0a", ID_SIZE);
	str_lcpy(n->subnet_id, "subnet-0a", ID_SIZE);
	n->private_ = true;
	str_lcpy(n->eip_id, "eipalloc-0a", ID_SIZE);
	str_lcpy(n->eni_id, "eni-0a", ID_SIZE);
	n->private_ip = ip("10.1.2.13");
	n->deleted = true;
	n->deleted_ms = 1700000003600;
	return r;
}

static void cmp_nat(const struct res *ra, const struct res *rb)
{
	const struct nat *a = (const struct nat *)ra, *b = (const struct nat *)rb;

	cmp_common(ra, rb);
	CHECK_STREQ(a->vpc_id, b->vpc_id);
	CHECK_STREQ(a->subnet_id, b->subnet_id);
	CHECK_EQ(a->private_, b->private_);
	CHECK_STREQ(a->eip_id, b->eip_id);
	CHECK_STREQ(a->eni_id, b->eni_id);
	CHECK_EQ(a->private_ip, b->private_ip);
	CHECK_EQ(a->deleted, b->deleted);
	CHECK_EQ(a->deleted_ms, b->deleted_ms);
}

static struct res *make_vgw(void)
{
	struct res *r = res_new(RES_VGW, "vgw-0a");
	struct vgw *g = AS_VGW(r);

	fill_common(r);
	str_lcpy(g->vpc_id, "vpc-0a", ID_SIZE);
	str_lcpy(g->detached_vpc_id, "vpc-0b", ID_SIZE);
	g->asn = 4294967294u;
	g->az = 2;
	g->deleted = true;
	g->deleted_ms = 1700000007200;
	return r;
}

static void cmp_vgw(const struct res *ra, const struct res *rb)
{
	const struct vgw *a = (const struct vgw *)ra, *b = (const struct vgw *)rb;

	cmp_common(ra, rb);
	CHECK_STREQ(a->vpc_id, b->vpc_id);
	CHECK_STREQ(a->detached_vpc_id, b->detached_vpc_id);
	CHECK_EQ(a->asn, b->asn);
	CHECK_EQ(a->az, b->az);
	CHECK_EQ(a->deleted, b->deleted);
	CHECK_EQ(a->deleted_ms, b->deleted_ms);
}

static struct res *make_eip(void)
{
	struct res *r = res_new(RES_EIP, "eipalloc-0a");
	struct eip *p = AS_EIP(r);

	fill_common(r);
	p->public_ip = ip("198.19.0.5");
	str_lcpy(p->assoc_id, "eipassoc-0a", ID_SIZE);
	str_lcpy(p->eni_id, "eni-0a", ID_SIZE);
	str_lcpy(p->instance_id, "i-0a", ID_SIZE);
	p->private_ip = ip("10.1.2.10");
	return r;
}

static void cmp_eip(const struct res *ra, const struct res *rb)
{
	const struct eip *a = (const struct eip *)ra, *b = (const struct eip *)rb;

	cmp_common(ra, rb);
	CHECK_EQ(a->public_ip, b->public_ip);
	CHECK_STREQ(a->assoc_id, b->assoc_id);
	CHECK_STREQ(a->eni_id, b->eni_id);
	CHECK_STREQ(a->instance_id, b->instance_id);
	CHECK_EQ(a->private_ip, b->private_ip);
}

static struct res *make_eni(void)
{
	struct res *r = res_new(RES_ENI, "eni-0a");
	struct eni *n = AS_ENI(r);

	fill_common(r);
	str_lcpy(n->vpc_id, "vpc-0a", ID_SIZE);
	str_lcpy(n->subnet_id, "subnet-0a", ID_SIZE);
	n->type = ENI_VPC_ENDPOINT;
	n->private_ip = ip("10.1.2.11");
	n->public_ip = ip("198.19.0.6");
	str_lcpy(n->mac, "02:00:00:ab:cd:ef", sizeof(n->mac));
	n->description = xstrdup("VPC Endpoint Interface vpce-0a");
	id_array_push(&n->groups, &n->n_groups, "sg-0a");
	id_array_push(&n->groups, &n->n_groups, "sg-0b");
	n->requester_managed = true;
	str_lcpy(n->requester_id, "amazon-aws", sizeof(n->requester_id));
	str_lcpy(n->owner_res_id, "vpce-0a", ID_SIZE);
	str_lcpy(n->attach_id, "eni-attach-0a", ID_SIZE);
	n->source_dest_check = true;
	return r;
}

static void cmp_eni(const struct res *ra, const struct res *rb)
{
	const struct eni *a = (const struct eni *)ra, *b = (const struct eni *)rb;

	cmp_common(ra, rb);
	CHECK_STREQ(a->vpc_id, b->vpc_id);
	CHECK_STREQ(a->subnet_id, b->subnet_id);
	CHECK_EQ(a->type, b->type);
	CHECK_EQ(a->private_ip, b->private_ip);
	CHECK_EQ(a->public_ip, b->public_ip);
	CHECK_STREQ(a->mac, b->mac);
	CHECK(ostr_eq(a->description, b->description));
	CHECK(ids_eq(a->groups, a->n_groups, b->groups, b->n_groups));
	CHECK_EQ(a->requester_managed, b->requester_managed);
	CHECK_STREQ(a->requester_id, b->requester_id);
	CHECK_STREQ(a->owner_res_id, b->owner_res_id);
	CHECK_STREQ(a->attach_id, b->attach_id);
	CHECK_EQ(a->source_dest_check, b->source_dest_check);
}

static struct res *make_instance(void)
{
	struct res *r = res_new(RES_INSTANCE, "i-0123456789abcdef0");
	struct instance *in = AS_INSTANCE(r);

	fill_common(r);
	str_lcpy(in->vpc_id, "vpc-0a", ID_SIZE);
	str_lcpy(in->subnet_id, "subnet-0a", ID_SIZE);
	str_lcpy(in->eni_id, "eni-0a", ID_SIZE);
	str_lcpy(in->image_id, "ami-0123456789abcdef0", ID_SIZE);
	str_lcpy(in->instance_type, "t3.micro", sizeof(in->instance_type));
	in->key_name = xstrdup("my-key");
	in->state = INSTANCE_RUNNING;
	in->private_ip = ip("10.1.2.12");
	in->state_ms = 1700000000999;
	str_lcpy(in->reservation_id, "r-0123456789abcdef0", ID_SIZE);
	in->launch_index = 3;
	/* The longest token AWS takes, in every byte. */
	memset(in->client_token, 'c', LIMIT_CLIENT_TOKEN_CHARS);
	in->client_token[LIMIT_CLIENT_TOKEN_CHARS] = '\0';
	return r;
}

static void cmp_instance(const struct res *ra, const struct res *rb)
{
	const struct instance *a = (const struct instance *)ra;
	const struct instance *b = (const struct instance *)rb;

	cmp_common(ra, rb);
	CHECK_STREQ(a->vpc_id, b->vpc_id);
	CHECK_STREQ(a->subnet_id, b->subnet_id);
	CHECK_STREQ(a->eni_id, b->eni_id);
	CHECK_STREQ(a->image_id, b->image_id);
	CHECK_STREQ(a->instance_type, b->instance_type);
	CHECK(opt_eq(a->key_name, b->key_name));
	CHECK_EQ(a->state, b->state);
	CHECK_EQ(a->private_ip, b->private_ip);
	CHECK_EQ(a->state_ms, b->state_ms);
	CHECK_STREQ(a->reservation_id, b->reservation_id);
	CHECK_EQ(a->launch_index, b->launch_index);
	CHECK_STREQ(a->client_token, b->client_token);
}

static struct res *make_vpce(void)
{
	struct res *r = res_new(RES_VPCE, "vpce-0123456789abcdef0");
	struct vpce *v = AS_VPCE(r);

	fill_common(r);
	v->type = VPCE_GATEWAY;
	str_lcpy(v->vpc_id, "vpc-0a", ID_SIZE);
	str_lcpy(v->service, "com.amazonaws.us-east-1.s3", sizeof(v->service));
	str_lcpy(v->dns_suffix, "abcd1234", sizeof(v->dns_suffix));
	v->state = VPCE_AVAILABLE;
	v->state_ms = 1700000000555;
	v->policy = xstrdup("{\n  \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\","
			    " \"Action\": \"*\", \"Resource\": \"*\"}]\n}");
	v->private_dns = true;
	id_array_push(&v->rtbs, &v->n_rtbs, "rtb-0a");
	id_array_push(&v->rtbs, &v->n_rtbs, "rtb-0b");
	v->nets = xcalloc(2, sizeof(*v->nets));
	v->n_nets = 2;
	str_lcpy(v->nets[0].subnet_id, "subnet-0a", ID_SIZE);
	str_lcpy(v->nets[0].eni_id, "eni-0a", ID_SIZE);
	str_lcpy(v->nets[1].subnet_id, "subnet-0b", ID_SIZE);
	str_lcpy(v->nets[1].eni_id, "eni-0b", ID_SIZE);
	id_array_push(&v->groups, &v->n_groups, "sg-0a");
	id_array_push(&v->groups, &v->n_groups, "sg-0b");
	id_array_push(&v->groups, &v->n_groups, "sg-0c");
	return r;
}

static void cmp_vpce(const struct res *ra, const struct res *rb)
{
	const struct vpce *a = (const struct vpce *)ra, *b = (const struct vpce *)rb;

	cmp_common(ra, rb);
	CHECK_EQ(a->type, b->type);
	CHECK_STREQ(a->vpc_id, b->vpc_id);
	CHECK_STREQ(a->service, b->service);
	CHECK_STREQ(a->dns_suffix, b->dns_suffix);
	CHECK_EQ(a->state, b->state);
	CHECK_EQ(a->state_ms, b->state_ms);
	CHECK(ostr_eq(a->policy, b->policy));
	CHECK_EQ(a->private_dns, b->private_dns);
	CHECK(ids_eq(a->rtbs, a->n_rtbs, b->rtbs, b->n_rtbs));
	CHECK_EQ(a->n_nets, b->n_nets);
	for (size_t i = 0; i < a->n_nets && i < b->n_nets; i++) {
		CHECK_STREQ(a->nets[i].subnet_id, b->nets[i].subnet_id);
		CHECK_STREQ(a->nets[i].eni_id, b->nets[i].eni_id);
	}
	CHECK(ids_eq(a->groups, a->n_groups, b->groups, b->n_groups));
}

static const struct {
	enum res_kind kind;
	struct res *(*make)(void);
	cmp_fn *cmp;
} kinds[] = {
	{ RES_VPC, make_vpc, cmp_vpc },
	{ RES_SUBNET, make_subnet, cmp_subnet },
	{ RES_RTB, make_rtb, cmp_rtb },
	{ RES_SG, make_sg, cmp_sg },
	{ RES_IGW, make_igw, cmp_igw },
	{ RES_NAT, make_nat, cmp_nat },
	{ RES_VGW, make_vgw, cmp_vgw },
	{ RES_EIP, make_eip, cmp_eip },
	{ RES_ENI, make_eni, cmp_eni },
	{ RES_INSTANCE, make_instance, cmp_instance },
	{ RES_VPCE, make_vpce, cmp_vpce },
};

/*
 * Encodes 'r', decodes that, compares the copy with 'cmp', and checks that
 * the copy encodes to the same bytes. Frees 'r'.
 */
static void roundtrip(struct res *r, cmp_fn *cmp)
{
	struct err e = { 0 };
	struct res *back = NULL;
	char *s1, *s2 = NULL;

	s1 = codec_encode(r);
	CHECK(s1 != NULL);
	if (s1)
		back = codec_decode(r->kind, r->id, s1, strlen(s1), &e);
	if (s1 && !back)
		check_fail(__FILE__, __LINE__, "decode %s: %s", res_kind_name(r->kind), e.msg);
	if (back) {
		cmp(r, back);
		s2 = codec_encode(back);
		CHECK(s2 != NULL);
		if (s2)
			CHECK_STREQ(s1, s2);
	}
	free(s1);
	free(s2);
	res_free(back);
	res_free(r);
}

/* The encoding of 'r' as a jansson tree. */
static json_t *tree_of(const struct res *r)
{
	char *s = codec_encode(r);
	json_t *t = s ? json_loads(s, JSON_REJECT_DUPLICATES, NULL) : NULL;

	free(s);
	if (!t)
		check_fail(__FILE__, __LINE__, "cannot encode %s", r->id);
	return t;
}

/*
 * Sets the value at 'path' ("routes.1.target") in 'root' to 'v', or removes
 * it when 'v' is NULL. Takes 'v'.
 */
static void edit(json_t *root, const char *path, json_t *v)
{
	char buf[128], *part = buf, *dot;
	json_t *cur = root;
	size_t idx;

	str_lcpy(buf, path, sizeof(buf));
	while ((dot = strchr(part, '.'))) {
		*dot = '\0';
		cur = json_is_array(cur) ? json_array_get(cur, strtoul(part, NULL, 10))
					 : json_object_get(cur, part);
		part = dot + 1;
	}
	if (json_is_array(cur)) {
		idx = strtoul(part, NULL, 10);
		if (v)
			json_array_set_new(cur, idx, v);
		else
			json_array_remove(cur, idx);
	} else if (json_is_object(cur)) {
		if (v)
			json_object_set_new(cur, part, v);
		else
			json_object_del(cur, part);
	} else {
		check_fail(__FILE__, __LINE__, "no path %s", path);
		json_decref(v);
	}
}

/* Decodes 'doc' and checks the outcome: success when 'want' is NULL. */
static void expect_doc(int line, enum res_kind kind, const char *id, const char *doc,
		       size_t len, const char *want)
{
	struct err e = { 0 };
	struct res *r = codec_decode(kind, id, doc, len, &e);

	if (!want && !r)
		check_fail(__FILE__, line, "decode failed: %s", e.msg);
	if (want && r)
		check_fail(__FILE__, line, "decode accepted what should fail with '%s'", want);
	if (want && !r && (!e.code || strcmp(e.code, CODEC_ERR_CORRUPT) != 0 ||
			   !strstr(e.msg, want)))
		check_fail(__FILE__, line, "message '%s' lacks '%s'", e.msg, want);
	res_free(r);
}

/* Edits the encoding of 'r' at 'path' and decodes it, as expect_doc(). */
static void expect_edit(int line, const struct res *r, const char *path, json_t *v,
			const char *want)
{
	json_t *t = tree_of(r);
	char *s;

	if (!t) {
		json_decref(v);
		return;
	}
	edit(t, path, v);
	s = json_dumps(t, JSON_COMPACT);
	expect_doc(line, r->kind, r->id, s, strlen(s), want);
	free(s);
	json_decref(t);
}

#define BAD(r, path, v, want) expect_edit(__LINE__, (r), (path), (v), (want))
#define OK(r, path, v) expect_edit(__LINE__, (r), (path), (v), NULL)

static json_t *str_of(size_t n, const char *unit)
{
	char *s = xcalloc(n, strlen(unit) + 1);
	json_t *v;

	for (size_t i = 0; i < n; i++)
		memcpy(s + i * strlen(unit), unit, strlen(unit));
	v = json_string(s);
	free(s);
	return v;
}

/* An array of 'n' copies of 'elem'; takes 'elem'. */
static json_t *copies(size_t n, json_t *elem)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_deep_copy(elem));
	json_decref(elem);
	return a;
}

static json_t *tag(const char *k, const char *v)
{
	return json_pack("{s:s,s:s}", "key", k, "value", v);
}

static void test_roundtrips(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		roundtrip(kinds[i].make(), kinds[i].cmp);
		/* Zeroed resources check false, 0, absent and empty values. */
		roundtrip(res_new(kinds[i].kind, "x-0"), kinds[i].cmp);
	}
}

static void test_format(void)
{
	struct res *r = make_igw();
	struct res *z = res_new(RES_EIP, "eipalloc-1");
	char *s = codec_encode(r);

	CHECK_STREQ(s, "{\"created_ms\":1700000000123,\"owner\":\"123456789012\","
		       "\"tags\":[{\"key\":\"Name\",\"value\":\"main \\\"one\\\"\"},"
		       "{\"key\":\"empty\",\"value\":\"\"},"
		       "{\"key\":\"k\xc3\xbcy\",\"value\":\"\xe5\x80\xa4\\n\\t\"}],"
		       "\"v\":1,\"vpc_id\":\"vpc-0a\"}");
	free(s);
	/* Zero addresses and empty arrays are left out. */
	s = codec_encode(z);
	CHECK_STREQ(s, "{\"assoc_id\":\"\",\"created_ms\":0,\"eni_id\":\"\","
		       "\"instance_id\":\"\",\"owner\":\"\",\"v\":1}");
	free(s);
	res_free(z);
	res_free(r);
}

#define BAD_DOC(kind, id, doc, want) expect_doc(__LINE__, (kind), (id), (doc), strlen(doc), (want))

static void test_bad_documents(void)
{
	struct res *r = make_vpc();
	char *s = codec_encode(r), *big;
	const char *igw = "{\"v\":1,\"owner\":\"1\",\"created_ms\":0,\"vpc_id\":\"\"}";
	char long_id[ID_SIZE + 1];

	BAD_DOC(RES_IGW, "igw-1", igw, NULL);
	expect_doc(__LINE__, RES_VPC, r->id, s, strlen(s) / 2, "not JSON");
	expect_doc(__LINE__, RES_VPC, r->id, s, 0, "not JSON");
	expect_doc(__LINE__, RES_VPC, r->id, NULL, 0, "not JSON");
	BAD_DOC(RES_VPC, r->id, "[1]", "not an object");
	BAD_DOC(RES_VPC, r->id, "null", "not JSON");
	BAD_DOC(RES_IGW, "igw-1", "{\"v\":1,\"v\":1}", "duplicate");
	BAD_DOC(RES_IGW, "igw-1", "{} x", "not JSON");
	BAD_DOC(RES_IGW, "igw-1", "{\"v\":1,\"owner\":\"\\u0000\"}", "not JSON");
	BAD_DOC(RES_IGW, "igw-1", "{\"v\":1,\"owner\":\"\xff\"}", "not JSON");
	BAD_DOC(RES_IGW, "igw-1", "{\"v\":0,\"owner\":\"1\"}", "field 'v': unknown format version 0");
	BAD_DOC(RES_IGW, "igw-1", "{\"v\":1,\"owner\":\"1\",\"created_ms\":0}",
		"internet-gateway 'igw-1': field 'vpc_id': missing");
	BAD_DOC(RES_KIND_COUNT, "x", igw, "unknown kind");
	memset(long_id, 'a', ID_SIZE);
	long_id[ID_SIZE] = '\0';
	BAD_DOC(RES_IGW, long_id, igw, "field 'id'");
	BAD_DOC(RES_IGW, NULL, igw, "field 'id'");
	big = xcalloc(8 * 1024 * 1024 + 2, 1);
	memset(big, ' ', 8 * 1024 * 1024 + 1);
	big[0] = '{';
	big[8 * 1024 * 1024] = '}';
	expect_doc(__LINE__, RES_IGW, "igw-1", big, 8 * 1024 * 1024 + 1, "more than");
	free(big);
	free(s);
	res_free(r);
}

static void test_bad_fields(void)
{
	struct res *vpc = make_vpc(), *rtb = make_rtb(), *sg = make_sg();
	struct res *eni = make_eni(), *vpce = make_vpce(), *vgw = make_vgw();
	struct res *sub = make_subnet(), *eip = make_eip(), *in = make_instance();
	struct res *nat = make_nat();

	BAD(vpc, "v", json_integer(2), "field 'v': unknown format version 2");
	BAD(vpc, "v", json_string("1"), "field 'v': not an integer");
	BAD(vpc, "v", NULL, "field 'v': missing");
	BAD(vpc, "owner", NULL, "field 'owner': missing");
	BAD(vpc, "owner", json_string("1234567890123"), "field 'owner': longer than 12");
	BAD(vpc, "cidr", NULL, "field 'cidr': missing");
	BAD(vpc, "cidr", json_string("10.1.0.1/16"), "field 'cidr': '10.1.0.1/16' is not");
	BAD(vpc, "cidr", json_string("10.1.0.0/33"), "field 'cidr'");
	BAD(vpc, "cidr", json_string("10.1.0.0"), "field 'cidr'");
	BAD(vpc, "cidr", json_integer(10), "field 'cidr': not a string");
	BAD(vpc, "dns_support", json_string("true"), "field 'dns_support': not a boolean");
	BAD(vpc, "dns_hostnames", json_integer(1), "field 'dns_hostnames': not a boolean");
	BAD(vpc, "main_rtb_id", str_of(ID_SIZE, "r"), "field 'main_rtb_id': longer than 39");
	OK(vpc, "main_rtb_id", str_of(ID_SIZE - 1, "r"));
	BAD(vpc, "instance_tenancy", str_of(16, "d"), "field 'instance_tenancy'");
	BAD(vpc, "created_ms", json_real(1.5), "field 'created_ms': not an integer");
	BAD(vpc, "created_ms", json_integer(-1), "field 'created_ms': -1 is outside");
	BAD(vpc, "created_ms", json_null(), "field 'created_ms': not an integer");
	BAD(vpc, "tags", json_object(), "field 'tags': not an array");
	BAD(vpc, "tags.1", json_string("k"), "field 'tags': element 1 is not an object");
	BAD(vpc, "tags.1.key", NULL, "field 'tags[1].key': missing");
	BAD(vpc, "tags.2.value", json_false(), "field 'tags[2].value': not a string");
	BAD(vpc, "tags.2.key", json_string("Name"), "field 'tags[2].key': repeats tags[0]");
	BAD(vpc, "tags", copies(LIMIT_QUERY_TAGS + 1, tag("a", "b")),
	    "field 'tags': 51 elements, more than 50");
	BAD(vpc, "tags.0.key", str_of(LIMIT_TAG_KEY_CHARS + 1, "k"),
	    "field 'tags[0].key': longer than 128 characters");
	/* Limits count characters, not bytes. */
	OK(vpc, "tags.0.key", str_of(LIMIT_TAG_KEY_CHARS, "\xc3\xa9"));
	OK(vpc, "tags.0.value", str_of(LIMIT_TAG_VALUE_CHARS, "\xe2\x82\xac"));
	BAD(vpc, "tags.0.value", str_of(LIMIT_TAG_VALUE_CHARS + 1, "\xe2\x82\xac"),
	    "field 'tags[0].value'");
	OK(vpc, "tags", NULL);
	OK(vpc, "tags", json_array());
	OK(vpc, "future_field", json_pack("{s:[i,i]}", "x", 1, 2));

	BAD(sub, "az", json_integer(REGION_AZS), "field 'az': 6 is outside [0, 5]");
	BAD(sub, "az", json_integer(-1), "field 'az'");
	BAD(sub, "az", json_string("1"), "field 'az': not an integer");
	BAD(vgw, "az", json_integer(-2), "field 'az'");
	OK(vgw, "az", json_integer(-1));
	BAD(vgw, "asn", json_integer(4294967296LL), "field 'asn'");
	BAD(vgw, "asn", json_integer(-1), "field 'asn'");
	OK(vgw, "asn", json_integer(0));

	BAD(rtb, "routes.1.target", json_string("pcx"),
	    "field 'routes[1].target': unknown value 'pcx'");
	BAD(rtb, "routes.1.origin", json_string("CreateRoute"), "field 'routes[1].origin'");
	BAD(rtb, "routes.2.dest", json_string("10.9.0.0/8"), "field 'routes[2].dest'");
	BAD(rtb, "routes.2.dest", NULL, "field 'routes[2].dest': missing");
	BAD(rtb, "routes.2.prefix_list_id", json_string("pl-1"),
	    "field 'routes[2].dest': given with prefix_list_id");
	BAD(rtb, "routes.6.prefix_list_id", json_null(), "field 'routes[6].prefix_list_id'");
	BAD(rtb, "routes.3", json_string("x"), "field 'routes': element 3 is not an object");
	BAD(rtb, "routes.0.target_id", str_of(40, "t"), "field 'routes[0].target_id'");
	BAD(rtb, "routes", copies(LIMIT_ROUTES_PER_TABLE + 1,
				   json_pack("{s:s,s:s,s:s,s:s}", "dest", "10.0.0.0/8",
					     "target", "igw", "target_id", "igw-1",
					     "origin", "create_route")),
	    "field 'routes': 1001 elements, more than 1000");
	BAD(rtb, "assocs", copies(10001, json_pack("{s:s,s:b,s:s}", "id", "a", "main", 0,
						   "subnet_id", "s")),
	    "field 'assocs': 10001 elements, more than 10000");
	BAD(rtb, "assocs.1.main", json_string("no"), "field 'assocs[1].main'");
	OK(rtb, "routes.0.later", json_true());

	BAD(sg, "rules.0.peer", json_string("sg"), "field 'rules[0].peer': unknown value");
	BAD(sg, "rules.0.cidr", NULL, "field 'rules[0].cidr': missing");
	BAD(sg, "rules.1.peer_owner", NULL, "field 'rules[1].peer_owner': missing");
	BAD(sg, "rules.2.peer_id", json_integer(3), "field 'rules[2].peer_id': not a string");
	BAD(sg, "rules.0.proto", json_integer(256), "field 'rules[0].proto'");
	BAD(sg, "rules.0.from_port", json_integer(65536), "field 'rules[0].from_port'");
	BAD(sg, "rules.0.to_port", json_integer(-2), "field 'rules[0].to_port'");
	BAD(sg, "rules.0.description", json_integer(1), "field 'rules[0].description'");
	BAD(sg, "rules.0.description", str_of(LIMIT_NAME_CHARS + 1, "d"),
	    "field 'rules[0].description': longer than 255");
	OK(sg, "rules.0.description", json_null());
	BAD(sg, "name", NULL, "field 'name': missing");
	BAD(sg, "description", json_null(), "field 'description': not a string");
	BAD(sg, "rules", copies(2 * LIMIT_RULES_PER_GROUP + 1,
				json_pack("{s:s,s:b,s:i,s:i,s:i,s:s,s:s}", "id", "sgr-1",
					  "egress", 0, "proto", 6, "from_port", 1,
					  "to_port", 2, "peer", "cidr", "cidr", "0.0.0.0/0")),
	    "field 'rules': 241 elements");

	BAD(eni, "type", json_string("Interface"), "field 'type': unknown value 'Interface'");
	BAD(eni, "private_ip", json_string("10.1.2.256"), "field 'private_ip'");
	BAD(eni, "private_ip", json_string("010.1.2.3"), "field 'private_ip'");
	BAD(eni, "private_ip", NULL, "field 'private_ip': missing");
	BAD(eni, "public_ip", json_string("1.2.3"), "field 'public_ip'");
	OK(eni, "public_ip", json_null());
	BAD(eni, "mac", str_of(18, "m"), "field 'mac': longer than 17 bytes");
	BAD(eni, "requester_id", str_of(32, "r"), "field 'requester_id'");
	BAD(eni, "groups.1", json_integer(1), "field 'groups[1]': not a string");
	BAD(eni, "groups.1", str_of(40, "g"), "field 'groups[1]': longer than 39");
	BAD(eni, "groups", copies(LIMIT_GROUPS_PER_ENI + 1, json_string("sg-1")),
	    "field 'groups': 17 elements, more than 16");
	BAD(eni, "groups", json_string("sg-1"), "field 'groups': not an array");
	BAD(eni, "description", str_of(LIMIT_NAME_CHARS + 1, "d"), "field 'description'");

	BAD(eip, "private_ip", json_string("x"), "field 'private_ip'");
	OK(eip, "public_ip", NULL);
	BAD(in, "state", json_string("stopped"), "field 'state': unknown value 'stopped'");
	BAD(in, "state_ms", json_integer(-5), "field 'state_ms'");
	BAD(in, "key_name", json_true(), "field 'key_name': not a string");
	BAD(in, "instance_type", str_of(32, "t"), "field 'instance_type'");
	OK(in, "key_name", NULL);
	BAD(in, "reservation_id", json_integer(1), "field 'reservation_id': not a string");
	BAD(in, "reservation_id", str_of(ID_SIZE, "r"), "field 'reservation_id': longer than 39");
	BAD(in, "launch_index", json_integer(-1), "field 'launch_index': -1 is outside");
	BAD(in, "launch_index", json_string("0"), "field 'launch_index': not an integer");
	BAD(in, "client_token", str_of(LIMIT_CLIENT_TOKEN_CHARS + 1, "c"),
	    "field 'client_token': longer than 64 bytes");
	BAD(in, "client_token", json_false(), "field 'client_token': not a string");
	OK(in, "client_token", json_null());
	BAD(nat, "private_ip", json_string("10.1.2"), "field 'private_ip'");
	BAD(nat, "deleted_ms", json_integer(-1), "field 'deleted_ms'");
	BAD(nat, "deleted_ms", json_real(1.0), "field 'deleted_ms': not an integer");
	BAD(vgw, "detached_vpc_id", str_of(ID_SIZE, "v"), "field 'detached_vpc_id'");
	BAD(vgw, "deleted_ms", json_string("1"), "field 'deleted_ms': not an integer");

	BAD(vpce, "type", json_string("gatewayloadbalancer"), "field 'type': unknown value");
	BAD(vpce, "state", json_string("Available"), "field 'state'");
	BAD(vpce, "policy", NULL, "field 'policy': missing");
	BAD(vpce, "policy", str_of(LIMIT_ENDPOINT_POLICY_CHARS + 1, " "),
	    "field 'policy': longer than 20480 characters");
	OK(vpce, "policy", str_of(LIMIT_ENDPOINT_POLICY_CHARS, "\xe2\x82\xac"));
	BAD(vpce, "service", str_of(128, "s"), "field 'service': longer than 127");
	BAD(vpce, "dns_suffix", str_of(9, "x"), "field 'dns_suffix': longer than 8");
	BAD(vpce, "nets.0.eni_id", NULL, "field 'nets[0].eni_id': missing");
	BAD(vpce, "nets", copies(LIMIT_SUBNETS_PER_ENDPOINT + 1,
				 json_pack("{s:s,s:s}", "subnet_id", "s", "eni_id", "e")),
	    "field 'nets': 17 elements, more than 16");
	BAD(vpce, "groups", copies(LIMIT_GROUPS_PER_ENI + 1, json_string("sg-1")),
	    "field 'groups': 17 elements");
	BAD(vpce, "rtbs", copies(10001, json_string("rtb-1")), "field 'rtbs': 10001 elements");
	OK(vpce, "rtbs", NULL);
	OK(vpce, "nets", json_null());

	res_free(vpc);
	res_free(rtb);
	res_free(sg);
	res_free(eni);
	res_free(vpce);
	res_free(vgw);
	res_free(sub);
	res_free(eip);
	res_free(in);
	res_free(nat);
}

/*
 * Documents written before the fields that came later in format 1 (store
 * format, "Changing the format") read back with those fields zero, and
 * encode to the same bytes again.
 */
static void test_older_documents(void)
{
	static const char *const docs[][3] = {
		{ "instance", "i-0a",
		  "{\"created_ms\":1700000000123,\"eni_id\":\"eni-0a\",\"image_id\":\"ami-0a\","
		  "\"instance_type\":\"t3.micro\",\"owner\":\"123456789012\","
		  "\"private_ip\":\"10.1.2.12\",\"state\":\"terminated\","
		  "\"state_ms\":1700000000999,\"subnet_id\":\"subnet-0a\",\"v\":1,"
		  "\"vpc_id\":\"vpc-0a\"}" },
		{ "natgateway", "nat-0a",
		  "{\"created_ms\":1700000000123,\"deleted\":true,\"eip_id\":\"\","
		  "\"eni_id\":\"eni-0a\",\"owner\":\"123456789012\",\"private\":true,"
		  "\"subnet_id\":\"subnet-0a\",\"v\":1,\"vpc_id\":\"vpc-0a\"}" },
		{ "vpn-gateway", "vgw-0a",
		  "{\"asn\":64512,\"az\":-1,\"created_ms\":1700000000123,\"deleted\":false,"
		  "\"owner\":\"123456789012\",\"v\":1,\"vpc_id\":\"\"}" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(docs); i++) {
		struct err e = { 0 };
		struct res *r = codec_decode(res_kind_from_name(docs[i][0]), docs[i][1], docs[i][2],
					     strlen(docs[i][2]), &e);
		char *s;

		if (!r) {
			check_fail(__FILE__, __LINE__, "decode %s: %s", docs[i][1], e.msg);
			continue;
		}
		switch (r->kind) {
		case RES_INSTANCE:
			CHECK_STREQ(AS_INSTANCE(r)->reservation_id, "");
			CHECK_EQ(AS_INSTANCE(r)->launch_index, 0);
			CHECK_STREQ(AS_INSTANCE(r)->client_token, "");
			break;
		case RES_NAT:
			CHECK_EQ(AS_NAT(r)->private_ip, 0);
			CHECK_EQ(AS_NAT(r)->deleted_ms, 0);
			CHECK(AS_NAT(r)->deleted);
			break;
		default:
			CHECK_STREQ(AS_VGW(r)->detached_vpc_id, "");
			CHECK_EQ(AS_VGW(r)->deleted_ms, 0);
			break;
		}
		s = codec_encode(r);
		CHECK_STREQ(s, docs[i][2]);
		free(s);
		res_free(r);
	}
}

/* Expects codec_encode() to refuse 'r', which it frees. */
static void refuse(int line, struct res *r)
{
	char *s = codec_encode(r);

	if (s)
		check_fail(__FILE__, line, "encoded %s: %.100s", r->id, s);
	free(s);
	res_free(r);
}

static void test_encode_refuses(void)
{
	struct res *r;

	r = make_vpc();
	for (int i = 0; i < LIMIT_QUERY_TAGS; i++) {
		char k[16];

		snprintf(k, sizeof(k), "k%d", i);
		res_tag_set(r, k, "v");
	}
	refuse(__LINE__, r);
	r = make_vpc();
	res_tag_set(r, "bad", "\xff\xfe");
	refuse(__LINE__, r);
	r = make_vpc();
	AS_VPC(r)->cidr.addr |= 1;
	refuse(__LINE__, r);
	r = make_vpc();
	AS_VPC(r)->cidr.len = 33;
	refuse(__LINE__, r);
	r = make_eni();
	memset(AS_ENI(r)->mac, 'm', sizeof(AS_ENI(r)->mac));
	refuse(__LINE__, r);
	r = make_eni();
	AS_ENI(r)->type = (enum eni_type)7;
	refuse(__LINE__, r);
	r = make_sg();
	free(AS_SG(r)->description);
	AS_SG(r)->description = xcalloc(LIMIT_NAME_CHARS + 2, 1);
	memset(AS_SG(r)->description, 'd', LIMIT_NAME_CHARS + 1);
	refuse(__LINE__, r);
	r = make_sg();
	AS_SG(r)->rules[0].to_port = 70000;
	refuse(__LINE__, r);
	r = make_subnet();
	AS_SUBNET(r)->az = REGION_AZS;
	refuse(__LINE__, r);
	r = make_instance();
	AS_INSTANCE(r)->state_ms = -1;
	refuse(__LINE__, r);
	r = make_instance();
	AS_INSTANCE(r)->launch_index = -1;
	refuse(__LINE__, r);
	r = make_instance();
	memset(AS_INSTANCE(r)->client_token, 'c', LIMIT_CLIENT_TOKEN_CHARS + 1);
	refuse(__LINE__, r);
	r = make_nat();
	AS_NAT(r)->deleted_ms = -1;
	refuse(__LINE__, r);
	r = make_rtb();
	AS_RTB(r)->routes[1].origin = (enum route_origin)-1;
	refuse(__LINE__, r);
	CHECK(codec_encode(NULL) == NULL);
}

/* A route table at every bound, with IDs that escape to six bytes a byte. */
static void test_largest(void)
{
	struct res *r = res_new(RES_RTB, "rtb-big");
	struct rtb *t = AS_RTB(r);
	struct err e = { 0 };
	struct res *back;
	char id[ID_SIZE];
	char *s;

	memset(id, '\x01', ID_SIZE - 1);
	id[ID_SIZE - 1] = '\0';
	for (int i = 0; i < LIMIT_ROUTES_PER_TABLE; i++)
		add_route(t, "10.0.0.0/8", TARGET_INSTANCE, id, ORIGIN_ENABLE_VGW_PROPAGATION);
	for (int i = 0; i < 10000; i++)
		add_assoc(t, id, false, id);
	for (int i = 0; i < LIMIT_QUERY_TAGS; i++) {
		char k[LIMIT_TAG_KEY_CHARS + 1], v[LIMIT_TAG_VALUE_CHARS + 1];

		memset(k, '\x02', sizeof(k) - 1);
		k[sizeof(k) - 1] = '\0';
		k[0] = (char)('0' + i / 10);
		k[1] = (char)('0' + i % 10);
		memset(v, '\x03', sizeof(v) - 1);
		v[sizeof(v) - 1] = '\0';
		res_tag_set(r, k, v);
	}
	CHECK_EQ(r->n_tags, LIMIT_QUERY_TAGS);
	/* Every other route goes to a prefix list, whose ID escapes too. */
	for (size_t i = 1; i < t->n_routes; i += 2) {
		t->routes[i].to_prefix_list = true;
		str_lcpy(t->routes[i].pl_id, id, ID_SIZE);
	}
	s = codec_encode(r);
	CHECK(s != NULL);
	if (s) {
		CHECK(strlen(s) > 5 * 1000 * 1000);
		CHECK(strlen(s) <= 8 * 1024 * 1024);
		back = codec_decode(RES_RTB, r->id, s, strlen(s), &e);
		if (!back)
			check_fail(__FILE__, __LINE__, "decode: %s", e.msg);
		else
			cmp_rtb(r, back);
		res_free(back);
	}
	free(s);
	res_free(r);
}

void test_store_codec(void)
{
	test_roundtrips();
	test_format();
	test_bad_documents();
	test_bad_fields();
	test_older_documents();
	test_encode_refuses();
	test_largest();
}
