/* SPDX-License-Identifier: MIT */
/*
 * core/sg_ops.c and core/instance_ops.c: every error path leaves the world
 * (and its journal) exactly as it was; the happy paths make what AWS makes.
 */
#include "compat.h"
#include "check.h"

#include "core/host_ops.h"
#include "limits.h"

void test_core_sg(void);

static uint64_t seq_rand(void *arg)
{
	uint64_t *s = arg;
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	return z ^ (z >> 27);
}

struct fixture {
	struct world w;
	struct ctx cx;
	uint64_t seed;
	struct vpc *vpc, *vpc2;
	struct subnet *subnet, *subnet2;
};

static void setup(struct fixture *f)
{
	struct vpc_create_req v = { .cidr = "10.0.0.0/16" }, v2 = { .cidr = "10.1.0.0/16" };
	struct subnet_create_req s = { .cidr = "10.0.1.0/28" }, s2 = { .cidr = "10.1.1.0/24" };

	world_init(&f->w);
	f->seed = 1;
	f->cx = (struct ctx){ .now_ms = 1700000000000, .rand = seq_rand, .rand_arg = &f->seed,
			      .account = "111122223333", .region = region_find("us-east-1") };
	CHECK_EQ(vpc_create(&f->w, &f->cx, &v, &f->vpc, NULL), 0);
	CHECK_EQ(vpc_create(&f->w, &f->cx, &v2, &f->vpc2, NULL), 0);
	s.vpc_id = f->vpc->res.id;
	s2.vpc_id = f->vpc2->res.id;
	CHECK_EQ(subnet_create(&f->w, &f->cx, &s, &f->subnet, NULL), 0);
	CHECK_EQ(subnet_create(&f->w, &f->cx, &s2, &f->subnet2, NULL), 0);
	world_journal_clear(&f->w);
}

/* Runs a call that must fail with 'code' and must leave the journal alone. */
#define CHECK_FAILS(f, want, call)                                               \
	do {                                                                     \
		size_t j_ = (f)->w.n_journal;                                    \
		struct err e_ = { 0 };                                           \
		int r_ = (call);                                                 \
		CHECK(r_ < 0);                                                   \
		CHECK_STREQ(e_.code, (want));                                    \
		CHECK_EQ((f)->w.n_journal, j_);                                  \
	} while (0)

static struct sg *make_group(struct fixture *f, const char *vpc_id, const char *name)
{
	struct sg_create_req req = { .vpc_id = vpc_id, .name = name, .description = "d" };
	struct sg *g = NULL;

	CHECK_EQ(sg_create(&f->w, &f->cx, &req, &g, NULL), 0);
	return g;
}

static void test_create(void)
{
	struct fixture f;
	struct sg_create_req req = { .name = "web", .description = "web servers" };
	struct sg *g;
	char long_name[300];

	setup(&f);
	req.vpc_id = f.vpc->res.id;
	CHECK_EQ(sg_create(&f.w, &f.cx, &req, &g, NULL), 0);
	CHECK_STREQ(g->name, "web");
	CHECK(!g->is_default);
	CHECK_EQ(g->n_rules, 1);
	CHECK(g->rules[0].egress);
	CHECK_EQ(g->rules[0].proto, -1);
	CHECK_EQ(g->rules[0].peer, PEER_CIDR);
	CHECK_EQ(g->rules[0].cidr.len, 0);
	CHECK_EQ(f.w.n_journal, 1);

	CHECK_FAILS(&f, "InvalidGroup.Duplicate", sg_create(&f.w, &f.cx, &req, &g, &e_));
	req.vpc_id = f.vpc2->res.id;
	CHECK_EQ(sg_create(&f.w, &f.cx, &req, &g, NULL), 0);	/* another VPC: fine */
	req.vpc_id = f.vpc->res.id;

	req.name = "default";
	CHECK_FAILS(&f, "InvalidParameterValue", sg_create(&f.w, &f.cx, &req, &g, &e_));
	req.name = "sg-web";
	CHECK_FAILS(&f, "InvalidParameterValue", sg_create(&f.w, &f.cx, &req, &g, &e_));
	req.name = "caf\xc3\xa9";
	CHECK_FAILS(&f, "InvalidParameterValue", sg_create(&f.w, &f.cx, &req, &g, &e_));
	req.name = "it's";
	CHECK_FAILS(&f, "InvalidParameterValue", sg_create(&f.w, &f.cx, &req, &g, &e_));
	req.name = "";
	CHECK_FAILS(&f, "InvalidParameterValue", sg_create(&f.w, &f.cx, &req, &g, &e_));
	memset(long_name, 'a', 256);
	long_name[256] = '\0';
	req.name = long_name;
	CHECK_FAILS(&f, "InvalidParameterValue", sg_create(&f.w, &f.cx, &req, &g, &e_));
	long_name[255] = '\0';
	CHECK_EQ(sg_create(&f.w, &f.cx, &req, &g, NULL), 0);

	req.name = "ok";
	req.description = "50% off";
	CHECK_FAILS(&f, "InvalidParameterValue", sg_create(&f.w, &f.cx, &req, &g, &e_));
	req.description = NULL;
	CHECK_FAILS(&f, "MissingParameter", sg_create(&f.w, &f.cx, &req, &g, &e_));
	req.description = "fine (really) #1";
	req.vpc_id = NULL;
	CHECK_FAILS(&f, "VPCIdNotSpecified", sg_create(&f.w, &f.cx, &req, &g, &e_));
	req.vpc_id = "vpc-0123456789abcdef0";
	CHECK_FAILS(&f, "InvalidVpcID.NotFound", sg_create(&f.w, &f.cx, &req, &g, &e_));
	req.name = NULL;
	CHECK_FAILS(&f, "MissingParameter", sg_create(&f.w, &f.cx, &req, &g, &e_));
	world_release(&f.w);
}

static int authorize1(struct fixture *f, struct sg *g, bool egress, const char *proto,
		      long from, long to, struct sg_peer_spec peer, struct err *e)
{
	struct sg_perm_spec p = { .protocol = proto, .has_from = from != -99,
				  .has_to = to != -99, .from = from, .to = to,
				  .peers = &peer, .n_peers = 1 };
	struct sg *out;
	size_t first;

	return sg_authorize(&f->w, &f->cx, g->res.id, egress, &p, 1, &out, &first, e);
}

#define CIDR(s) ((struct sg_peer_spec){ .kind = PEER_CIDR, .value = (s) })
#define GROUP(s) ((struct sg_peer_spec){ .kind = PEER_GROUP, .value = (s) })
#define PLIST(s) ((struct sg_peer_spec){ .kind = PEER_PREFIX_LIST, .value = (s) })

static void test_authorize(void)
{
	struct fixture f;
	struct sg *g, *other, *far;
	struct sg_peer_spec named = { .kind = PEER_GROUP, .group_name = "other" };
	struct sg_peer_spec foreign = { .kind = PEER_GROUP, .value = "sg-0123456789abcdef0",
					.user_id = "999988887777" };
	struct sg_peer_spec described = { .kind = PEER_CIDR, .value = "10.9.0.0/16",
					  .description = "office [main]" };
	struct err e = { 0 };

	setup(&f);
	g = make_group(&f, f.vpc->res.id, "g");
	other = make_group(&f, f.vpc->res.id, "other");
	far = make_group(&f, f.vpc2->res.id, "far");
	world_journal_clear(&f.w);

	CHECK_EQ(authorize1(&f, g, false, "tcp", 22, 22, CIDR("10.0.0.0/8"), NULL), 0);
	CHECK_EQ(g->n_rules, 2);
	CHECK_EQ(g->rules[1].proto, 6);
	CHECK_EQ(g->rules[1].from_port, 22);
	CHECK(!g->rules[1].egress);
	CHECK(strncmp(g->rules[1].id, "sgr-", 4) == 0);
	CHECK_EQ(f.w.n_journal, 1);
	/* A number names the same protocol, so the rule is a duplicate. */
	CHECK_FAILS(&f, "InvalidPermission.Duplicate",
		    authorize1(&f, g, false, "6", 22, 22, CIDR("10.0.0.0/8"), &e_));
	CHECK_EQ(authorize1(&f, g, false, "TCP", 22, 22, CIDR("10.0.0.0/8"), &e), -EINVAL);
	CHECK_STREQ(e.msg, "the specified rule \"peer: 10.0.0.0/8, TCP, from port: 22, "
			   "to port: 22, ALLOW\" already exists");
	/* The same rule the other way is not a duplicate. */
	CHECK_EQ(authorize1(&f, g, true, "tcp", 22, 22, CIDR("10.0.0.0/8"), NULL), 0);

	/* -1 and unnamed protocols cover every port, whatever was sent. */
	CHECK_EQ(authorize1(&f, g, false, "-1", 5, 7, GROUP(other->res.id), NULL), 0);
	CHECK_EQ(g->rules[g->n_rules - 1].from_port, -1);
	CHECK_STREQ(g->rules[g->n_rules - 1].peer_owner, "111122223333");
	CHECK_FAILS(&f, "InvalidPermission.Duplicate",
		    authorize1(&f, g, false, "-1", -99, -99, GROUP(other->res.id), &e_));
	CHECK_EQ(authorize1(&f, g, false, "-1", -99, -99, CIDR("0.0.0.0/0"), NULL), 0);
	CHECK_EQ(authorize1(&f, g, true, "-1", -99, -99, CIDR("0.0.0.0/0"), &e), -EINVAL);
	CHECK_STREQ(e.msg, "the specified rule \"peer: 0.0.0.0/0, ALL, ALLOW\" already exists");
	CHECK_EQ(authorize1(&f, g, false, "50", 1, 2, CIDR("0.0.0.0/0"), NULL), 0);
	CHECK_EQ(g->rules[g->n_rules - 1].proto, 50);
	CHECK_EQ(g->rules[g->n_rules - 1].to_port, -1);
	CHECK_EQ(authorize1(&f, g, false, "50", 1, 2, CIDR("0.0.0.0/0"), &e), -EINVAL);
	CHECK_STREQ(e.msg, "the specified rule \"peer: 0.0.0.0/0, protocol: 50, ALLOW\" "
			   "already exists");

	/* ICMP: type and code in -1..255, all types means all codes. */
	CHECK_EQ(authorize1(&f, g, false, "icmp", -1, -1, CIDR("10.0.0.0/8"), NULL), 0);
	CHECK_EQ(authorize1(&f, g, false, "1", -1, -1, CIDR("10.0.0.0/8"), &e), -EINVAL);
	CHECK_STREQ(e.msg, "the specified rule \"peer: 10.0.0.0/8, ICMP, type: ALL, code: "
			   "ALL, ALLOW\" already exists");
	CHECK_EQ(authorize1(&f, g, false, "icmp", 8, -1, CIDR("10.0.0.0/8"), NULL), 0);
	CHECK_FAILS(&f, "InvalidParameterValue",
		    authorize1(&f, g, false, "icmp", 256, 0, CIDR("10.0.0.0/8"), &e_));
	CHECK_FAILS(&f, "InvalidParameterValue",
		    authorize1(&f, g, false, "icmp", 3, 300, CIDR("10.0.0.0/8"), &e_));
	CHECK_FAILS(&f, "InvalidParameterValue",
		    authorize1(&f, g, false, "icmp", -1, 4, CIDR("10.0.0.0/8"), &e_));

	/* Protocols and ports AWS refuses. */
	CHECK_EQ(authorize1(&f, g, false, "all", -99, -99, CIDR("10.0.0.0/8"), &e), -EINVAL);
	CHECK_STREQ(e.msg, "Invalid value 'all' for IP protocol. Unknown protocol.");
	CHECK_FAILS(&f, "InvalidParameterValue",
		    authorize1(&f, g, false, "256", -99, -99, CIDR("10.0.0.0/8"), &e_));
	CHECK_FAILS(&f, "MissingParameter",
		    authorize1(&f, g, false, NULL, -99, -99, CIDR("10.0.0.0/8"), &e_));
	CHECK_EQ(authorize1(&f, g, false, "udp", 53, -99, CIDR("10.0.0.0/8"), &e), -EINVAL);
	CHECK_STREQ(e.msg, "Invalid value for portRange. Must specify both from and to ports "
			   "with TCP/UDP.");
	CHECK_EQ(authorize1(&f, g, false, "tcp", -1, -1, CIDR("10.0.0.0/8"), &e), -EINVAL);
	CHECK_STREQ(e.msg, "TCP/UDP (from) port (-1) out of range");
	CHECK_FAILS(&f, "InvalidParameterValue",
		    authorize1(&f, g, false, "tcp", 1, 65536, CIDR("10.0.0.0/8"), &e_));
	CHECK_FAILS(&f, "InvalidParameterValue",
		    authorize1(&f, g, false, "tcp", 90, 80, CIDR("10.0.0.0/8"), &e_));

	/* Peers. */
	CHECK_EQ(authorize1(&f, g, false, "tcp", 1, 2, CIDR("10.0.0.1/8"), &e), -EINVAL);
	CHECK_STREQ(e.msg, "CIDR block 10.0.0.1/8 is malformed");
	CHECK_FAILS(&f, "InvalidParameterValue",
		    authorize1(&f, g, false, "tcp", 1, 2, CIDR("banana"), &e_));
	CHECK_FAILS(&f, "InvalidGroup.NotFound",
		    authorize1(&f, g, false, "tcp", 1, 2, GROUP("sg-0123456789abcdef0"), &e_));
	CHECK_FAILS(&f, "InvalidGroupId.Malformed",
		    authorize1(&f, g, false, "tcp", 1, 2, GROUP("sg-nope"), &e_));
	CHECK_EQ(authorize1(&f, g, false, "tcp", 1, 2, GROUP(far->res.id), &e), -EINVAL);
	CHECK_STREQ(e.code, "InvalidGroup.NotFound");
	CHECK_STREQ(e.msg, "You have specified two resources that belong to different "
			   "networks.");
	CHECK_EQ(authorize1(&f, g, false, "tcp", 1, 2, foreign, NULL), 0);
	CHECK_STREQ(g->rules[g->n_rules - 1].peer_owner, "999988887777");
	CHECK_EQ(authorize1(&f, g, false, "tcp", 1, 2, named, NULL), 0);
	CHECK_STREQ(g->rules[g->n_rules - 1].peer_id, other->res.id);
	named.group_name = "far";
	CHECK_FAILS(&f, "InvalidGroup.NotFound", authorize1(&f, g, false, "tcp", 1, 2, named, &e_));
	CHECK_EQ(authorize1(&f, g, true, "tcp", 443, 443, PLIST("pl-63a5400a"), NULL), 0);
	CHECK_FAILS(&f, "InvalidPrefixListID.NotFound",
		    authorize1(&f, g, true, "tcp", 443, 443, PLIST("pl-7ba54012"), &e_));
	CHECK_EQ(authorize1(&f, g, false, "tcp", 3, 3, described, NULL), 0);
	CHECK_STREQ(g->rules[g->n_rules - 1].description, "office [main]");
	described.description = "Bob's";
	described.value = "10.8.0.0/16";
	CHECK_FAILS(&f, "InvalidParameterValue",
		    authorize1(&f, g, false, "tcp", 3, 3, described, &e_));
	CHECK_FAILS(&f, "InvalidGroup.NotFound",
		    authorize1(&f, &(struct sg){ .res.id = "sg-0123456789abcdef1" }, false,
			       "tcp", 3, 3, CIDR("1.0.0.0/8"), &e_));
	world_release(&f.w);
}

static void test_authorize_batch(void)
{
	struct fixture f;
	struct sg *g, *out;
	struct sg_peer_spec peers[2] = { CIDR("10.1.0.0/16"), CIDR("10.1.0.0/16") };
	struct sg_perm_spec p = { .protocol = "tcp", .has_from = true, .has_to = true,
				  .from = 80, .to = 80, .peers = peers, .n_peers = 2 };
	struct sg_peer_spec *many = calloc(LIMIT_RULES_PER_GROUP + 1, sizeof(*many));
	char (*cidrs)[20] = calloc(LIMIT_RULES_PER_GROUP + 1, 20);
	size_t first = 0;

	setup(&f);
	g = make_group(&f, f.vpc->res.id, "g");
	world_journal_clear(&f.w);
	/* A request repeating a rule is refused whole. */
	CHECK_FAILS(&f, "InvalidPermission.Duplicate",
		    sg_authorize(&f.w, &f.cx, g->res.id, false, &p, 1, &out, &first, &e_));
	CHECK_EQ(g->n_rules, 1);
	peers[1] = CIDR("10.2.0.0/16");
	CHECK_EQ(sg_authorize(&f.w, &f.cx, g->res.id, false, &p, 1, &out, &first, NULL), 0);
	CHECK_EQ(first, 1);
	CHECK_EQ(g->n_rules, 3);

	/* LIMIT_RULES_PER_GROUP each way, counting what is there. */
	for (size_t i = 0; i < LIMIT_RULES_PER_GROUP + 1; i++) {
		snprintf(cidrs[i], 20, "10.%zu.%zu.0/24", 100 + i / 200, i % 200);
		many[i] = CIDR(cidrs[i]);
	}
	p.peers = many;
	p.n_peers = LIMIT_RULES_PER_GROUP - 1;
	CHECK_FAILS(&f, "RulesPerSecurityGroupLimitExceeded",
		    sg_authorize(&f.w, &f.cx, g->res.id, false, &p, 1, &out, &first, &e_));
	p.n_peers = LIMIT_RULES_PER_GROUP - 2;
	CHECK_EQ(sg_authorize(&f.w, &f.cx, g->res.id, false, &p, 1, &out, &first, NULL), 0);
	/* Egress has its own budget (the default rule uses one). */
	p.n_peers = LIMIT_RULES_PER_GROUP - 1;
	CHECK_EQ(sg_authorize(&f.w, &f.cx, g->res.id, true, &p, 1, &out, &first, NULL), 0);
	free(many);
	free(cidrs);
	world_release(&f.w);
}

static void test_revoke(void)
{
	struct fixture f;
	struct sg *g, *out;
	struct sg_peer_spec peers[2] = { CIDR("10.1.0.0/16"), CIDR("10.2.0.0/16") };
	struct sg_perm_spec p = { .protocol = "tcp", .has_from = true, .has_to = true,
				  .from = 80, .to = 80, .peers = peers, .n_peers = 2 };
	struct sg_rule *gone = NULL;
	size_t first, n_gone = 0;
	char rule_id[ID_SIZE];
	const char *ids[1] = { rule_id };
	const char *bad_ids[1] = { "sgr-0123456789abcdef0" };

	setup(&f);
	g = make_group(&f, f.vpc->res.id, "g");
	peers[0].description = "described";
	CHECK_EQ(sg_authorize(&f.w, &f.cx, g->res.id, false, &p, 1, &out, &first, NULL), 0);
	peers[0].description = NULL;	/* descriptions do not matter */
	world_journal_clear(&f.w);

	/* One missing rule: nothing is revoked. */
	peers[0] = CIDR("10.3.0.0/16");
	CHECK_FAILS(&f, "InvalidPermission.NotFound",
		    sg_revoke(&f.w, &f.cx, g->res.id, false, &p, 1, NULL, 0, &gone, &n_gone, &e_));
	CHECK_EQ(g->n_rules, 3);
	CHECK(gone == NULL);
	/* The same rule in the other direction does not count. */
	peers[0] = CIDR("10.1.0.0/16");
	CHECK_FAILS(&f, "InvalidPermission.NotFound",
		    sg_revoke(&f.w, &f.cx, g->res.id, true, &p, 1, NULL, 0, &gone, &n_gone, &e_));
	CHECK_FAILS(&f, "InvalidSecurityGroupRuleId.NotFound",
		    sg_revoke(&f.w, &f.cx, g->res.id, false, NULL, 0, bad_ids, 1, &gone, &n_gone,
			      &e_));

	p.n_peers = 1;
	CHECK_EQ(sg_revoke(&f.w, &f.cx, g->res.id, false, &p, 1, NULL, 0, &gone, &n_gone, NULL), 0);
	CHECK_EQ(n_gone, 1);
	CHECK_EQ(gone[0].cidr.addr, 0x0a010000);
	CHECK_STREQ(gone[0].description, "described");
	CHECK_EQ(g->n_rules, 2);
	CHECK_EQ(f.w.n_journal, 1);
	sg_rules_free(gone, n_gone);

	str_lcpy(rule_id, g->rules[1].id, sizeof(rule_id));
	CHECK_FAILS(&f, "InvalidSecurityGroupRuleId.NotFound",
		    sg_revoke(&f.w, &f.cx, g->res.id, true, NULL, 0, ids, 1, &gone, &n_gone, &e_));
	CHECK_EQ(sg_revoke(&f.w, &f.cx, g->res.id, false, NULL, 0, ids, 1, &gone, &n_gone, NULL), 0);
	CHECK_EQ(n_gone, 1);
	CHECK_EQ(gone[0].cidr.addr, 0x0a020000);
	sg_rules_free(gone, n_gone);
	CHECK_EQ(g->n_rules, 1);
	world_release(&f.w);
}

static void test_delete(void)
{
	struct fixture f;
	struct sg *a, *b, *self;
	struct err e = { 0 };
	size_t n_gone;
	struct sg_rule *gone;
	struct sg_perm_spec all = { .protocol = "-1", .n_peers = 1 };
	struct sg_peer_spec peer;
	struct sg *out;
	size_t first;
	char a_id[ID_SIZE];

	setup(&f);
	a = make_group(&f, f.vpc->res.id, "a");
	b = make_group(&f, f.vpc->res.id, "b");
	self = make_group(&f, f.vpc->res.id, "self");
	peer = GROUP(a->res.id);
	all.peers = &peer;
	CHECK_EQ(sg_authorize(&f.w, &f.cx, b->res.id, false, &all, 1, &out, &first, NULL), 0);
	peer = GROUP(self->res.id);
	CHECK_EQ(sg_authorize(&f.w, &f.cx, self->res.id, true, &all, 1, &out, &first, NULL), 0);
	world_journal_clear(&f.w);

	CHECK_EQ(sg_delete(&f.w, &f.cx, f.vpc->default_sg_id, &e), -EINVAL);
	CHECK_STREQ(e.code, "CannotDelete");
	CHECK(strstr(e.msg, "name: \"default\" cannot be deleted by a user") != NULL);
	CHECK_EQ(f.w.n_journal, 0);
	CHECK_FAILS(&f, "DependencyViolation", sg_delete(&f.w, &f.cx, a->res.id, &e_));
	CHECK_FAILS(&f, "DependencyViolation", sg_delete(&f.w, &f.cx, self->res.id, &e_));
	CHECK_FAILS(&f, "InvalidGroup.NotFound",
		    sg_delete(&f.w, &f.cx, "sg-0123456789abcdef0", &e_));
	CHECK_FAILS(&f, "InvalidGroupId.Malformed", sg_delete(&f.w, &f.cx, "web", &e_));
	/* Another account sees nothing. */
	f.cx.account = "444455556666";
	CHECK_FAILS(&f, "InvalidGroup.NotFound", sg_delete(&f.w, &f.cx, b->res.id, &e_));
	f.cx.account = "111122223333";

	CHECK_EQ(sg_delete(&f.w, &f.cx, b->res.id, NULL), 0);
	str_lcpy(a_id, a->res.id, sizeof(a_id));
	CHECK_EQ(sg_delete(&f.w, &f.cx, a_id, NULL), 0);
	CHECK_EQ(sg_revoke(&f.w, &f.cx, self->res.id, true, &all, 1, NULL, 0, &gone, &n_gone,
			   NULL), 0);
	sg_rules_free(gone, n_gone);
	CHECK_EQ(sg_delete(&f.w, &f.cx, self->res.id, NULL), 0);
	CHECK(world_get(&f.w, a_id, RES_SG) == NULL);
	world_release(&f.w);
}

static struct instance *instance_at(struct fixture *f, size_t i)
{
	return AS_INSTANCE(f->w.items[RES_INSTANCE][i]);
}

static struct eni *eni_of(struct fixture *f, const struct instance *in)
{
	return AS_ENI(world_get(&f->w, in->eni_id, RES_ENI));
}

static void test_launch(void)
{
	struct fixture f;
	struct sg *g = NULL, *far = NULL;
	const char *groups[2], *far_groups[1];
	struct instance_launch_req req = { .image_id = "ami-0123456789abcdef0",
					   .min_count = 1, .max_count = 1, .public_ip = -1 };
	struct instance *in;
	size_t first = 99;
	struct err e = { 0 };
	char dns[96];

	setup(&f);
	g = make_group(&f, f.vpc->res.id, "web");
	far = make_group(&f, f.vpc2->res.id, "far");
	groups[0] = groups[1] = g->res.id;
	far_groups[0] = far->res.id;
	world_journal_clear(&f.w);

	CHECK_FAILS(&f, "VPCIdNotSpecified", instance_launch(&f.w, &f.cx, &req, &first, &e_));
	req.subnet_id = f.subnet->res.id;
	req.image_id = NULL;
	CHECK_FAILS(&f, "MissingParameter", instance_launch(&f.w, &f.cx, &req, &first, &e_));
	req.image_id = "ami-zz";
	CHECK_FAILS(&f, "InvalidAMIID.Malformed", instance_launch(&f.w, &f.cx, &req, &first, &e_));
	req.image_id = "ami-12345678";
	req.instance_type = "huge";
	CHECK_FAILS(&f, "InvalidParameterValue", instance_launch(&f.w, &f.cx, &req, &first, &e_));
	req.instance_type = "t3.micro";
	req.min_count = 0;
	CHECK_FAILS(&f, "InvalidParameterValue", instance_launch(&f.w, &f.cx, &req, &first, &e_));
	req.min_count = 3;
	req.max_count = 2;
	CHECK_FAILS(&f, "InvalidParameterValue", instance_launch(&f.w, &f.cx, &req, &first, &e_));
	req.min_count = 12;	/* a /28 has eleven usable addresses */
	req.max_count = 20;
	CHECK_FAILS(&f, "InsufficientFreeAddressesInSubnet",
		    instance_launch(&f.w, &f.cx, &req, &first, &e_));
	req.min_count = req.max_count = 1;
	req.groups = far_groups;
	req.n_groups = 1;
	CHECK_EQ(instance_launch(&f.w, &f.cx, &req, &first, &e), -EINVAL);
	CHECK_STREQ(e.code, "InvalidParameter");
	req.groups = (const char *[]){ "sg-0123456789abcdef0" };
	CHECK_FAILS(&f, "InvalidGroup.NotFound", instance_launch(&f.w, &f.cx, &req, &first, &e_));
	req.n_groups = 0;
	req.private_ip = "10.0.2.9";
	CHECK_FAILS(&f, "InvalidParameterValue", instance_launch(&f.w, &f.cx, &req, &first, &e_));
	req.private_ip = "10.0.1.1";
	CHECK_FAILS(&f, "InvalidParameterValue", instance_launch(&f.w, &f.cx, &req, &first, &e_));
	req.private_ip = "10.0.1.300";
	CHECK_FAILS(&f, "InvalidParameterValue", instance_launch(&f.w, &f.cx, &req, &first, &e_));
	req.private_ip = "10.0.1.9";
	req.min_count = 2;
	req.max_count = 2;
	CHECK_FAILS(&f, "InvalidParameterCombination",
		    instance_launch(&f.w, &f.cx, &req, &first, &e_));
	CHECK_EQ(f.w.n[RES_INSTANCE], 0);
	CHECK_EQ(f.w.n[RES_ENI], 0);

	/* One instance at a chosen address, with the VPC's default group. */
	req.min_count = req.max_count = 1;
	CHECK_EQ(instance_launch(&f.w, &f.cx, &req, &first, NULL), 0);
	CHECK_EQ(first, 0);
	in = instance_at(&f, 0);
	CHECK_EQ(in->private_ip, 0x0a000109);
	CHECK_EQ(in->state, INSTANCE_PENDING);
	CHECK_EQ(instance_state_at(in, f.cx.now_ms), VIEW_PENDING);
	CHECK_EQ(instance_state_at(in, f.cx.now_ms + INSTANCE_PENDING_MS), VIEW_RUNNING);
	CHECK_STREQ(eni_of(&f, in)->groups[0], f.vpc->default_sg_id);
	CHECK_EQ(eni_of(&f, in)->n_groups, 1);
	CHECK_STREQ(eni_of(&f, in)->owner_res_id, in->res.id);
	CHECK(strncmp(eni_of(&f, in)->attach_id, "eni-attach-", 11) == 0);
	CHECK_EQ(eni_of(&f, in)->public_ip, 0);
	CHECK_FAILS(&f, "InvalidIPAddress.InUse", instance_launch(&f.w, &f.cx, &req, &first, &e_));

	/* As many as fit, up to MaxCount, all public, one reservation. */
	req.private_ip = NULL;
	req.groups = groups;
	req.n_groups = 2;
	req.public_ip = 1;
	req.min_count = 2;
	req.max_count = 100;
	f.cx.now_ms += 10;
	CHECK_EQ(instance_launch(&f.w, &f.cx, &req, &first, NULL), 0);
	CHECK_EQ(first, 1);
	CHECK_EQ(f.w.n[RES_INSTANCE], 11);
	CHECK_EQ(eni_of(&f, instance_at(&f, 1))->n_groups, 1);	/* duplicates dropped */
	CHECK_EQ(eni_of(&f, instance_at(&f, 1))->public_ip, 0xc6130001);
	CHECK_EQ(eni_of(&f, instance_at(&f, 2))->public_ip, 0xc6130002);
	CHECK_EQ(instance_reservation_start(&f.w, 10), 1);
	CHECK_EQ(instance_reservation_start(&f.w, 0), 0);
	CHECK(strcmp(instance_at(&f, 0)->reservation_id, instance_at(&f, 1)->reservation_id));
	CHECK_STREQ(instance_at(&f, 10)->reservation_id, instance_at(&f, 1)->reservation_id);
	CHECK_EQ(instance_at(&f, 1)->launch_index, 0);
	CHECK_EQ(instance_at(&f, 10)->launch_index, 9);
	CHECK_EQ(subnet_available_ips(&f.w, f.subnet), 0);

	host_private_dns(f.cx.region, 0x0a000105, dns);
	CHECK_STREQ(dns, "ip-10-0-1-5.ec2.internal");
	host_public_dns(region_find("eu-west-1"), 0xc6130001, dns);
	CHECK_STREQ(dns, "ec2-198-19-0-1.eu-west-1.compute.amazonaws.com");
	host_private_dns(region_find("eu-west-1"), 0x0a000105, dns);
	CHECK_STREQ(dns, "ip-10-0-1-5.eu-west-1.compute.internal");
	world_release(&f.w);
}

static void test_terminate_modify(void)
{
	struct fixture f;
	struct sg *g, *far;
	struct instance_launch_req req = { .image_id = "ami-0123456789abcdef0", .min_count = 2,
					   .max_count = 2, .public_ip = -1 };
	struct eni_modify_req mod = { .source_dest_check = -1 };
	const char *ids[2], *missing[2] = { "i-0123456789abcdef0", "i-0123456789abcdef1" };
	const char *groups[1], *far_groups[1];
	enum instance_view prev[2];
	struct instance *a, *b;
	struct err e = { 0 };
	char eni_id[ID_SIZE], msg[128];
	size_t first;

	setup(&f);
	g = make_group(&f, f.vpc->res.id, "web");
	far = make_group(&f, f.vpc2->res.id, "far");
	groups[0] = g->res.id;
	far_groups[0] = far->res.id;
	req.subnet_id = f.subnet->res.id;
	CHECK_EQ(instance_launch(&f.w, &f.cx, &req, &first, NULL), 0);
	a = instance_at(&f, 0);
	b = instance_at(&f, 1);
	ids[0] = a->res.id;
	ids[1] = missing[0];
	str_lcpy(eni_id, a->eni_id, sizeof(eni_id));
	world_journal_clear(&f.w);

	/* The group in use by an instance cannot go. */
	CHECK_EQ(instance_modify(&f.w, &f.cx, a->res.id, groups, 1, -1, NULL), 0);
	CHECK_FAILS(&f, "DependencyViolation", sg_delete(&f.w, &f.cx, g->res.id, &e_));
	CHECK_FAILS(&f, "InvalidGroup.NotFound",
		    instance_modify(&f.w, &f.cx, a->res.id, far_groups, 1, -1, &e_));
	CHECK_FAILS(&f, "InvalidInstanceID.NotFound",
		    instance_modify(&f.w, &f.cx, missing[0], groups, 1, -1, &e_));

	/* ENIs: users may change their own, not AWS's, and cannot delete an attached one. */
	mod.id = eni_id;
	mod.groups = far_groups;
	mod.n_groups = 1;
	CHECK_FAILS(&f, "InvalidGroup.NotFound", eni_modify(&f.w, &f.cx, &mod, &e_));
	mod.n_groups = 0;
	mod.source_dest_check = 0;
	CHECK_EQ(eni_modify(&f.w, &f.cx, &mod, NULL), 0);
	CHECK(!eni_of(&f, a)->source_dest_check);
	eni_of(&f, b)->requester_managed = true;
	mod.id = b->eni_id;
	CHECK_FAILS(&f, "AuthFailure", eni_modify(&f.w, &f.cx, &mod, &e_));
	CHECK_FAILS(&f, "AuthFailure", eni_delete(&f.w, &f.cx, b->eni_id, &e_));
	eni_of(&f, b)->requester_managed = false;
	CHECK_EQ(eni_delete(&f.w, &f.cx, eni_id, &e), -EINVAL);
	snprintf(msg, sizeof(msg), "Network interface '%s' is currently in use.", eni_id);
	CHECK_STREQ(e.msg, msg);
	CHECK_FAILS(&f, "InvalidNetworkInterfaceID.NotFound",
		    eni_delete(&f.w, &f.cx, "eni-0123456789abcdef0", &e_));

	/* Terminating checks every ID first, and names every missing one. */
	CHECK_EQ(instance_terminate(&f.w, &f.cx, missing, 2, prev, &e), -EINVAL);
	CHECK_STREQ(e.msg, "The instance IDs 'i-0123456789abcdef0, i-0123456789abcdef1' do "
			   "not exist");
	CHECK_FAILS(&f, "InvalidInstanceID.NotFound",
		    instance_terminate(&f.w, &f.cx, ids, 2, prev, &e_));
	CHECK(world_get(&f.w, eni_id, RES_ENI) != NULL);

	f.cx.now_ms += INSTANCE_PENDING_MS;
	CHECK_EQ(instance_terminate(&f.w, &f.cx, ids, 1, prev, NULL), 0);
	CHECK_EQ(prev[0], VIEW_RUNNING);
	CHECK_EQ(instance_state_at(a, f.cx.now_ms), VIEW_SHUTTING_DOWN);
	CHECK_EQ(instance_state_at(a, f.cx.now_ms + INSTANCE_SHUTDOWN_MS), VIEW_TERMINATED);
	CHECK(world_get(&f.w, eni_id, RES_ENI) == NULL);
	CHECK_EQ(a->private_ip, 0x0a000104);
	CHECK(subnet_ip_free(&f.w, f.subnet, 0x0a000104));
	CHECK_EQ(instance_terminate(&f.w, &f.cx, ids, 1, prev, NULL), 0);
	CHECK_EQ(prev[0], VIEW_SHUTTING_DOWN);
	CHECK_FAILS(&f, "IncorrectInstanceState",
		    instance_modify(&f.w, &f.cx, a->res.id, groups, 1, -1, &e_));
	CHECK_EQ(instance_view_code(VIEW_SHUTTING_DOWN), 32);
	CHECK_STREQ(instance_view_name(VIEW_TERMINATED), "terminated");
	world_release(&f.w);
}

/*
 * Reservations are what RunInstances made, whatever the instances look like;
 * the ClientToken stays on each; terminated instances go after an hour.
 */
static void test_reservations(void)
{
	struct fixture f;
	struct instance_launch_req req = { .image_id = "ami-0123456789abcdef0", .min_count = 2,
					   .max_count = 2, .public_ip = -1, .client_token = "tok" };
	struct instance *a, *b, *c;
	enum instance_view prev[1];
	const char *ids[1];
	char buf[ID_SIZE], token[LIMIT_CLIENT_TOKEN_CHARS + 2];
	size_t first;

	setup(&f);
	req.subnet_id = f.subnet->res.id;
	memset(token, 't', sizeof(token) - 1);
	token[sizeof(token) - 1] = '\0';
	req.client_token = token;
	CHECK_FAILS(&f, "InvalidParameterValue", instance_launch(&f.w, &f.cx, &req, &first, &e_));
	token[LIMIT_CLIENT_TOKEN_CHARS] = '\0';
	CHECK_EQ(instance_launch(&f.w, &f.cx, &req, &first, NULL), 0);
	CHECK_STREQ(instance_at(&f, 0)->client_token, token);
	/* The same request again, the same instant: still a reservation of its own. */
	req.client_token = NULL;
	req.min_count = req.max_count = 1;
	CHECK_EQ(instance_launch(&f.w, &f.cx, &req, &first, NULL), 0);
	CHECK_EQ(first, 2);
	a = instance_at(&f, 0);
	b = instance_at(&f, 1);
	c = instance_at(&f, 2);
	CHECK(!strncmp(a->reservation_id, "r-", 2) && strlen(a->reservation_id) == 19);
	CHECK_STREQ(a->reservation_id, b->reservation_id);
	CHECK(strcmp(b->reservation_id, c->reservation_id));
	CHECK_EQ(b->launch_index, 1);
	CHECK_EQ(c->launch_index, 0);
	CHECK_STREQ(c->client_token, "");
	CHECK_EQ(instance_reservation_start(&f.w, 1), 0);
	CHECK_EQ(instance_reservation_start(&f.w, 2), 2);
	CHECK(instance_reservation_id(a, buf) == a->reservation_id);

	/* One stored before vpce kept reservations is a reservation of its own. */
	c->reservation_id[0] = '\0';
	CHECK_EQ(instance_reservation_start(&f.w, 2), 2);
	CHECK(instance_reservation_id(c, buf) == buf);
	CHECK(!strncmp(buf, "r-", 2) && strlen(buf) == 19);
	CHECK(strcmp(buf, a->reservation_id) && strcmp(buf, b->reservation_id));

	/* Terminated: visible for an hour, then NotFound, and swept. */
	ids[0] = a->res.id;
	CHECK_EQ(instance_terminate(&f.w, &f.cx, ids, 1, prev, NULL), 0);
	CHECK(instance_visible(a, f.cx.now_ms + INSTANCE_GONE_MS - 1));
	CHECK(!instance_visible(a, f.cx.now_ms + INSTANCE_GONE_MS));
	CHECK(instance_visible(b, f.cx.now_ms + 10 * INSTANCE_GONE_MS));
	CHECK_EQ(world_sweep(&f.w, f.cx.now_ms + INSTANCE_GONE_MS - 1), 0);
	f.cx.now_ms += INSTANCE_GONE_MS;
	CHECK(instance_lookup(&f.w, &f.cx, ids[0], NULL) == NULL);
	CHECK_FAILS(&f, "InvalidInstanceID.NotFound",
		    instance_terminate(&f.w, &f.cx, ids, 1, prev, &e_));
	world_journal_clear(&f.w);
	CHECK_EQ(world_sweep(&f.w, f.cx.now_ms), 1);
	CHECK_EQ(f.w.n_journal, 1);
	CHECK(f.w.journal[0].removed);
	CHECK_EQ(f.w.n[RES_INSTANCE], 2);
	/* The rest of the reservation keeps its indices. */
	CHECK_EQ(instance_at(&f, 0)->launch_index, 1);
	CHECK_EQ(instance_reservation_start(&f.w, 0), 0);
	world_release(&f.w);
}

void test_core_sg(void)
{
	test_create();
	test_authorize();
	test_authorize_batch();
	test_revoke();
	test_delete();
	test_launch();
	test_terminate_modify();
	test_reservations();
}
