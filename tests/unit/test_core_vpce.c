/* SPDX-License-Identifier: MIT */
/* VPC endpoints (core/vpce_ops.c): every rule the control plane enforces. */
#include "compat.h"
#include "check.h"
#include "world_fixture.h"

void test_core_vpce(void);

struct net {
	struct fixture f;
	struct vpc *vpc;
	const char *sub[4];	/* zones a, a, b, c */
};

static void net_init(struct net *n)
{
	static const char *const cidrs[] = { "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24",
					     "10.0.4.0/28" };
	static const char *const azs[] = { "us-east-1a", "us-east-1a", "us-east-1b",
					   "us-east-1c" };
	struct vpc_create_req vr = { .cidr = "10.0.0.0/16" };

	fixture_init(&n->f);
	CHECK_EQ(vpc_create(&n->f.w, &n->f.cx, &vr, &n->vpc, &n->f.e), 0);
	for (int i = 0; i < 4; i++) {
		struct subnet_create_req sr = { .vpc_id = n->vpc->res.id, .cidr = cidrs[i],
						.az = azs[i] };
		struct subnet *s;

		CHECK_EQ(subnet_create(&n->f.w, &n->f.cx, &sr, &s, &n->f.e), 0);
		n->sub[i] = s->res.id;
	}
	world_journal_clear(&n->f.w);
}

static int create(struct net *n, struct vpce_create_req *req, struct vpce **out)
{
	memset(&n->f.e, 0, sizeof(n->f.e));
	if (!req->vpc_id)
		req->vpc_id = n->vpc->res.id;
	return vpce_create(&n->f.w, &n->f.cx, req, out, &n->f.e);
}

static void refused(struct net *n, int ret, const char *code)
{
	CHECK(ret < 0);
	CHECK_STREQ(n->f.e.code, code);
	CHECK_EQ(n->f.w.n_journal, 0);
}

static void interface_rules(void)
{
	struct net n;
	struct vpce *v = NULL;
	struct vpce_create_req req;
	const char *two_a[] = { NULL, NULL }, *ab[] = { NULL, NULL };

	net_init(&n);
	two_a[0] = n.sub[0];
	two_a[1] = n.sub[1];
	ab[0] = n.sub[0];
	ab[1] = n.sub[2];

	req = (struct vpce_create_req){ .service_name = "com.amazonaws.us-east-1.sqs",
					.type = "Interface", .subnets = ab, .n_subnets = 2,
					.private_dns = -1 };
	/* Private DNS (on by default) needs DNS hostnames. */
	refused(&n, create(&n, &req, &v), "InvalidParameter");
	n.vpc->dns_hostnames = true;

	req.subnets = two_a;
	refused(&n, create(&n, &req, &v), "DuplicateSubnetsInSameZone");
	req.subnets = ab;
	req.service_name = "com.amazonaws.us-east-1.nope";
	refused(&n, create(&n, &req, &v), "InvalidServiceName");
	req.service_name = "com.amazonaws.eu-west-1.sqs";
	refused(&n, create(&n, &req, &v), "InvalidServiceName");
	req.service_name = "com.amazonaws.us-east-1.sqs";
	req.type = "Gateway";
	refused(&n, create(&n, &req, &v), "InvalidParameter");
	req.type = "GatewayLoadBalancer";
	refused(&n, create(&n, &req, &v), "InvalidParameterValue");
	req.type = "Interface";
	{
		const char *rt[] = { n.vpc->main_rtb_id };

		req.rtbs = rt;
		req.n_rtbs = 1;
		refused(&n, create(&n, &req, &v), "InvalidParameter");
		req.rtbs = NULL;
		req.n_rtbs = 0;
	}
	{
		const char *bad[] = { n.sub[0], "subnet-0123456789abcdef0" };
		const char *dup[] = { n.sub[0], n.sub[0] };
		const char *sg[] = { "sg-0123456789abcdef0" };

		req.subnets = bad;
		refused(&n, create(&n, &req, &v), "InvalidSubnetID.NotFound");
		req.subnets = dup;
		refused(&n, create(&n, &req, &v), "DuplicateSubnetsInSameZone");
		req.subnets = ab;
		req.groups = sg;
		req.n_groups = 1;
		refused(&n, create(&n, &req, &v), "InvalidGroup.NotFound");
		req.groups = NULL;
		req.n_groups = 0;
	}
	req.vpc_id = "vpc-0123456789abcdef0";
	refused(&n, create(&n, &req, &v), "InvalidVpcID.NotFound");
	req.vpc_id = NULL;

	CHECK_EQ(create(&n, &req, &v), 0);
	CHECK(v->private_dns);
	CHECK_EQ(v->state, VPCE_PENDING);
	CHECK_EQ(vpce_state_at(v, n.f.cx.now_ms + VPCE_PENDING_MS - 1), VPCE_PENDING);
	CHECK_EQ(vpce_state_at(v, n.f.cx.now_ms + VPCE_PENDING_MS), VPCE_AVAILABLE);
	CHECK_EQ(v->n_nets, 2);
	CHECK_EQ(v->n_groups, 1);
	CHECK_STREQ(v->groups[0], n.vpc->default_sg_id);
	for (size_t i = 0; i < v->n_nets; i++) {
		struct eni *e = AS_ENI(world_get(&n.f.w, v->nets[i].eni_id, RES_ENI));
		struct subnet *s = AS_SUBNET(world_get(&n.f.w, v->nets[i].subnet_id, RES_SUBNET));

		CHECK(cidr4_contains_ip(&s->cidr, e->private_ip));
		CHECK_EQ(e->type, ENI_VPC_ENDPOINT);
		CHECK(e->requester_managed);
		CHECK_STREQ(e->owner_res_id, v->res.id);
		CHECK(strstr(e->description, v->res.id) != NULL);
	}
	CHECK(strstr(v->policy, "\"Statement\"") != NULL);
	CHECK(strspn(v->dns_suffix, "abcdefghijklmnopqrstuvwxyz0123456789") == 8);

	/* DNS: regional, two zonal, then the private name, pending then real. */
	{
		struct dns_entry d[8];
		size_t nd = vpce_dns_entries(&n.f.w, v, n.f.cx.region, n.f.cx.now_ms, d, 8);
		char want[DNS_NAME_SIZE];

		CHECK_EQ(nd, 4);
		snprintf(want, sizeof(want), "%s-%s.sqs.us-east-1.vpce.amazonaws.com",
			 v->res.id, v->dns_suffix);
		CHECK_STREQ(d[0].name, want);
		CHECK_STREQ(d[0].zone_id, "Z7HUB22UULQXV");
		snprintf(want, sizeof(want), "%s-%s-us-east-1b.sqs.us-east-1.vpce.amazonaws.com",
			 v->res.id, v->dns_suffix);
		CHECK_STREQ(d[2].name, want);
		CHECK_STREQ(d[3].name, "sqs.us-east-1.amazonaws.com");
		CHECK_STREQ(d[3].zone_id, "ZONEIDPENDING");
		nd = vpce_dns_entries(&n.f.w, v, n.f.cx.region, n.f.cx.now_ms + 60000, d, 8);
		CHECK(strcmp(d[3].zone_id, "ZONEIDPENDING") != 0);
		CHECK_EQ(vpce_dns_entries(&n.f.w, v, n.f.cx.region, 0, d, 2), 2);
	}

	/* A second endpoint may not claim the same private name... */
	world_journal_clear(&n.f.w);
	refused(&n, create(&n, &req, &v), "InvalidParameter");
	CHECK(strstr(n.f.e.msg, "conflicting DNS domain") != NULL);
	/* ...but may exist without private DNS. */
	req.private_dns = 0;
	CHECK_EQ(create(&n, &req, &v), 0);
	CHECK(!v->private_dns);
	fixture_release(&n.f);
}

static void interface_modify_delete(void)
{
	struct net n;
	struct vpce *v = NULL;
	const char *a[] = { NULL }, *b[] = { NULL }, *a2[] = { NULL }, *c[] = { NULL };
	struct vpce_create_req req;
	struct vpce_modify_req mod;
	struct subnet *sb;
	uint64_t free_b;
	char eni[ID_SIZE];

	net_init(&n);
	n.vpc->dns_hostnames = true;
	a[0] = n.sub[0];
	a2[0] = n.sub[1];
	b[0] = n.sub[2];
	c[0] = n.sub[3];
	sb = AS_SUBNET(world_get(&n.f.w, n.sub[2], RES_SUBNET));
	free_b = subnet_available_ips(&n.f.w, sb);
	req = (struct vpce_create_req){ .service_name = "com.amazonaws.us-east-1.ssm",
					.type = "Interface", .subnets = a, .n_subnets = 1,
					.private_dns = -1 };
	CHECK_EQ(create(&n, &req, &v), 0);
	world_journal_clear(&n.f.w);

	mod = (struct vpce_modify_req){ .id = v->res.id, .private_dns = -1,
					.add_subnets = a2, .n_add_subnets = 1 };
	refused(&n, vpce_modify(&n.f.w, &n.f.cx, &mod, &n.f.e), "DuplicateSubnetsInSameZone");
	/* Swapping zone a's subnet for another in zone a, in one call, is fine. */
	mod.remove_subnets = a;
	mod.n_remove_subnets = 1;
	CHECK_EQ(vpce_modify(&n.f.w, &n.f.cx, &mod, &n.f.e), 0);
	CHECK_EQ(v->n_nets, 1);
	CHECK_STREQ(v->nets[0].subnet_id, n.sub[1]);
	mod = (struct vpce_modify_req){ .id = v->res.id, .private_dns = -1,
					.add_subnets = b, .n_add_subnets = 1 };
	CHECK_EQ(vpce_modify(&n.f.w, &n.f.cx, &mod, &n.f.e), 0);
	CHECK_EQ(subnet_available_ips(&n.f.w, sb), free_b - 1);
	str_lcpy(eni, v->nets[1].eni_id, sizeof(eni));
	mod = (struct vpce_modify_req){ .id = v->res.id, .private_dns = -1,
					.remove_subnets = b, .n_remove_subnets = 1 };
	CHECK_EQ(vpce_modify(&n.f.w, &n.f.cx, &mod, &n.f.e), 0);
	CHECK(world_find(&n.f.w, eni) == NULL);
	CHECK_EQ(subnet_available_ips(&n.f.w, sb), free_b);

	/* A full /28 has no room for another ENI. */
	{
		struct subnet *sc = AS_SUBNET(world_get(&n.f.w, n.sub[3], RES_SUBNET));

		for (int i = 0; i < 11; i++) {
			struct eni_spec spec = { .subnet = sc, .type = ENI_INTERFACE };
			struct eni *e;

			CHECK_EQ(eni_create(&n.f.w, &n.f.cx, &spec, &e, &n.f.e), 0);
		}
		world_journal_clear(&n.f.w);
		mod = (struct vpce_modify_req){ .id = v->res.id, .private_dns = -1,
						.add_subnets = c, .n_add_subnets = 1 };
		refused(&n, vpce_modify(&n.f.w, &n.f.cx, &mod, &n.f.e),
			"InsufficientFreeAddressesInSubnet");
	}

	/* Policy set and reset. */
	mod = (struct vpce_modify_req){ .id = v->res.id, .private_dns = -1, .policy = "{}" };
	CHECK_EQ(vpce_modify(&n.f.w, &n.f.cx, &mod, &n.f.e), 0);
	CHECK_STREQ(v->policy, "{}");
	mod = (struct vpce_modify_req){ .id = v->res.id, .private_dns = -1, .reset_policy = true };
	CHECK_EQ(vpce_modify(&n.f.w, &n.f.cx, &mod, &n.f.e), 0);
	CHECK_STREQ(v->policy, vpce_default_policy(VPCE_INTERFACE));

	/* Turning private DNS off, then on again when the VPC lost hostnames. */
	mod = (struct vpce_modify_req){ .id = v->res.id, .private_dns = 0 };
	CHECK_EQ(vpce_modify(&n.f.w, &n.f.cx, &mod, &n.f.e), 0);
	n.vpc->dns_hostnames = false;
	world_journal_clear(&n.f.w);
	mod.private_dns = 1;
	refused(&n, vpce_modify(&n.f.w, &n.f.cx, &mod, &n.f.e), "InvalidParameter");

	/* Delete takes the ENIs with it. */
	{
		char id[ID_SIZE];

		str_lcpy(id, v->res.id, sizeof(id));
		str_lcpy(eni, v->nets[0].eni_id, sizeof(eni));
		CHECK_EQ(vpce_delete(&n.f.w, &n.f.cx, id, &n.f.e), 0);
		CHECK(world_find(&n.f.w, eni) == NULL);
		CHECK(vpce_delete(&n.f.w, &n.f.cx, id, &n.f.e) < 0);
	}
	CHECK_STREQ(n.f.e.code, "InvalidVpcEndpointId.NotFound");
	CHECK(vpce_delete(&n.f.w, &n.f.cx, "vpce-1", &n.f.e) < 0);
	CHECK_STREQ(n.f.e.code, "InvalidVpcEndpointId.Malformed");
	fixture_release(&n.f);
}

static bool has_pl_route(const struct rtb *t, const char *vpce_id)
{
	for (size_t i = 0; i < t->n_routes; i++)
		if (t->routes[i].to_prefix_list && t->routes[i].target == TARGET_VPCE &&
		    strcmp(t->routes[i].target_id, vpce_id) == 0 &&
		    strcmp(t->routes[i].pl_id, "pl-63a5400a") == 0)
			return true;
	return false;
}

static void gateway_rules(void)
{
	struct net n;
	struct vpce *v = NULL, *v2 = NULL;
	struct vpce_create_req req;
	struct vpce_modify_req mod;
	struct rtb *main_rtb;
	const char *rt[1], *sub[1];

	net_init(&n);
	main_rtb = AS_RTB(world_get(&n.f.w, n.vpc->main_rtb_id, RES_RTB));
	rt[0] = main_rtb->res.id;
	sub[0] = n.sub[0];
	req = (struct vpce_create_req){ .service_name = "com.amazonaws.us-east-1.s3",
					.rtbs = rt, .n_rtbs = 1, .private_dns = -1 };
	req.subnets = sub;
	req.n_subnets = 1;
	refused(&n, create(&n, &req, &v), "InvalidParameter");
	req.subnets = NULL;
	req.n_subnets = 0;
	req.private_dns = 1;
	refused(&n, create(&n, &req, &v), "InvalidParameter");
	req.private_dns = -1;
	req.service_name = "com.amazonaws.us-west-2.s3";
	refused(&n, create(&n, &req, &v), "InvalidServiceName");
	req.service_name = "com.amazonaws.us-east-1.s3";
	{
		const char *bad[] = { "rtb-0123456789abcdef0" };

		req.rtbs = bad;
		refused(&n, create(&n, &req, &v), "InvalidRouteTableID.NotFound");
		req.rtbs = rt;
	}

	/* The default type is Gateway; it is available at once. */
	CHECK_EQ(create(&n, &req, &v), 0);
	CHECK_EQ(v->type, VPCE_GATEWAY);
	CHECK_EQ(v->state, VPCE_AVAILABLE);
	CHECK_STREQ(v->policy, vpce_default_policy(VPCE_GATEWAY));
	CHECK(has_pl_route(main_rtb, v->res.id));
	CHECK_EQ(v->n_groups, 0);
	{
		struct dns_entry d[2];

		CHECK_EQ(vpce_dns_entries(&n.f.w, v, n.f.cx.region, 0, d, 2), 0);
	}

	/* One route per prefix list per table. */
	world_journal_clear(&n.f.w);
	refused(&n, create(&n, &req, &v2), "RouteAlreadyExists");
	req.service_name = "com.amazonaws.us-east-1.dynamodb";
	CHECK_EQ(create(&n, &req, &v2), 0);

	/* Removing the table removes the route; adding puts it back. */
	mod = (struct vpce_modify_req){ .id = v->res.id, .private_dns = -1,
					.remove_rtbs = rt, .n_remove_rtbs = 1 };
	CHECK_EQ(vpce_modify(&n.f.w, &n.f.cx, &mod, &n.f.e), 0);
	CHECK(!has_pl_route(main_rtb, v->res.id));
	CHECK_EQ(v->n_rtbs, 0);
	mod = (struct vpce_modify_req){ .id = v->res.id, .private_dns = -1,
					.add_rtbs = rt, .n_add_rtbs = 1 };
	CHECK_EQ(vpce_modify(&n.f.w, &n.f.cx, &mod, &n.f.e), 0);
	CHECK(has_pl_route(main_rtb, v->res.id));
	mod = (struct vpce_modify_req){ .id = v->res.id, .private_dns = -1,
					.add_subnets = sub, .n_add_subnets = 1 };
	world_journal_clear(&n.f.w);
	refused(&n, vpce_modify(&n.f.w, &n.f.cx, &mod, &n.f.e), "InvalidParameter");

	/* Deleting the endpoint deletes its routes. */
	{
		char id[ID_SIZE];

		str_lcpy(id, v->res.id, sizeof(id));
		CHECK_EQ(vpce_delete(&n.f.w, &n.f.cx, id, &n.f.e), 0);
		CHECK(!has_pl_route(main_rtb, id));
	}
	CHECK(vpc_delete(&n.f.w, &n.f.cx, n.vpc->res.id, &n.f.e) < 0);
	CHECK_STREQ(n.f.e.code, "DependencyViolation");
	fixture_release(&n.f);
}

void test_core_vpce(void)
{
	interface_rules();
	interface_modify_delete();
	gateway_rules();
}
