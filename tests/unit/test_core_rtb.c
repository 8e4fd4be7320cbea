/* SPDX-License-Identifier: MIT */
/*
 * Route tables, gateways, Elastic IPs and NAT gateways (core/rtb_ops.c,
 * core/gw_ops.c) against a world built with the VPC ops: every error path
 * with AWS's code and message, and that a failed op journals nothing.
 */
#include "compat.h"
#include "check.h"

#include "core/net_ops.h"
#include "limits.h"

void test_core_rtb(void);

struct fx {
	struct world w;
	struct ctx cx;
	uint64_t seed;
	struct vpc *vpc, *other;
	struct subnet *s1, *s2, *s_other;
	struct err e;
};

static uint64_t next_rand(void *arg)
{
	uint64_t *s = arg, z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static struct subnet *mk_subnet(struct fx *f, const struct vpc *v, const char *cidr)
{
	struct subnet *s = NULL;

	CHECK_EQ(subnet_create(&f->w, &f->cx,
			       &(struct subnet_create_req){ .vpc_id = v->res.id, .cidr = cidr },
			       &s, &f->e), 0);
	return s;
}

static void fx_init(struct fx *f)
{
	*f = (struct fx){ .seed = 42 };
	world_init(&f->w);
	f->cx = (struct ctx){
		.now_ms = 1700000000000, .rand = next_rand, .rand_arg = &f->seed,
		.account = "111122223333", .region = region_find("us-east-1"),
	};
	CHECK_EQ(vpc_create(&f->w, &f->cx, &(struct vpc_create_req){ .cidr = "10.0.0.0/16" },
			    &f->vpc, &f->e), 0);
	CHECK_EQ(vpc_create(&f->w, &f->cx, &(struct vpc_create_req){ .cidr = "10.1.0.0/16" },
			    &f->other, &f->e), 0);
	f->s1 = mk_subnet(f, f->vpc, "10.0.1.0/24");
	f->s2 = mk_subnet(f, f->vpc, "10.0.2.0/24");
	f->s_other = mk_subnet(f, f->other, "10.1.1.0/24");
	world_journal_clear(&f->w);
}

static void fx_release(struct fx *f)
{
	world_release(&f->w);
}

/*
 * Runs 'call', which must fail with AWS error code 'want' and leave the journal
 * as it was (the op changed nothing).
 */
#define CHECK_FAIL(f, call, want)                                              \
	do {                                                                   \
		size_t j_ = (f)->w.n_journal;                                  \
		(f)->e = (struct err){ 0 };                                    \
		CHECK((call) < 0);                                             \
		CHECK_STREQ((f)->e.code, (want));                              \
		CHECK_EQ((f)->w.n_journal, j_);                                \
	} while (0)

static struct rtb *main_rtb(struct fx *f, const struct vpc *v)
{
	return AS_RTB(world_get(&f->w, v->main_rtb_id, RES_RTB));
}

static struct igw *mk_igw(struct fx *f, const struct vpc *v)
{
	struct igw *g = NULL;

	CHECK_EQ(igw_create(&f->w, &f->cx, &g, &f->e), 0);
	if (g && v)
		CHECK_EQ(igw_attach(&f->w, &f->cx, g->res.id, v->res.id, &f->e), 0);
	return g;
}

static struct eni *mk_eni(struct fx *f, const struct subnet *s)
{
	struct eni *n = NULL;

	CHECK_EQ(eni_create(&f->w, &f->cx, &(struct eni_spec){ .subnet = s }, &n, &f->e), 0);
	return n;
}

static struct eip *mk_eip(struct fx *f)
{
	struct eip *p = NULL;

	CHECK_EQ(eip_allocate(&f->w, &f->cx, &(struct eip_alloc_req){ 0 }, &p, &f->e), 0);
	return p;
}

static void test_tables(void)
{
	struct fx f;
	struct rtb *t = NULL, *t2 = NULL;
	char a1[ID_SIZE], a2[ID_SIZE], a3[ID_SIZE];

	fx_init(&f);
	CHECK_FAIL(&f, rtb_create(&f.w, &f.cx, NULL, &t, &f.e), "MissingParameter");
	CHECK_FAIL(&f, rtb_create(&f.w, &f.cx, "vpc-0123456789abcdef0", &t, &f.e),
		   "InvalidVpcID.NotFound");
	CHECK_EQ(rtb_create(&f.w, &f.cx, f.vpc->res.id, &t, &f.e), 0);
	CHECK_EQ(t->n_routes, 1);
	CHECK_EQ(t->routes[0].target, TARGET_LOCAL);
	CHECK_STREQ(t->routes[0].target_id, "local");
	CHECK_EQ(t->routes[0].origin, ORIGIN_CREATE_ROUTE_TABLE);
	CHECK_EQ(t->n_assocs, 0);
	CHECK_EQ(rtb_create(&f.w, &f.cx, f.vpc->res.id, &t2, &f.e), 0);

	/* Associations: one per subnet, same VPC only. */
	CHECK_FAIL(&f, rtb_associate(&f.w, &f.cx, t->res.id, NULL, a1, &f.e), "MissingParameter");
	CHECK_FAIL(&f, rtb_associate(&f.w, &f.cx, "rtb-nope", f.s1->res.id, a1, &f.e),
		   "InvalidRouteTableId.Malformed");
	CHECK_FAIL(&f, rtb_associate(&f.w, &f.cx, t->res.id, f.s_other->res.id, a1, &f.e),
		   "InvalidParameterValue");
	CHECK(strstr(f.e.msg, "belong to different networks") != NULL);
	CHECK_EQ(rtb_associate(&f.w, &f.cx, t->res.id, f.s1->res.id, a1, &f.e), 0);
	CHECK(rtb_for_subnet(&f.w, f.s1) == t);
	CHECK(rtb_for_subnet(&f.w, f.s2) == main_rtb(&f, f.vpc));
	CHECK_FAIL(&f, rtb_associate(&f.w, &f.cx, t2->res.id, f.s1->res.id, a2, &f.e),
		   "Resource.AlreadyAssociated");
	{
		char want[160];

		snprintf(want, sizeof(want), "the specified association for route table %s "
			 "conflicts with an existing association", t2->res.id);
		CHECK_STREQ(f.e.msg, want);
	}
	CHECK_FAIL(&f, rtb_associate(&f.w, &f.cx, t->res.id, f.s1->res.id, a2, &f.e),
		   "Resource.AlreadyAssociated");

	/* A table with associations, and the main table, cannot go. */
	CHECK_FAIL(&f, rtb_delete(&f.w, &f.cx, t->res.id, &f.e), "DependencyViolation");
	{
		char want[160];

		snprintf(want, sizeof(want),
			 "The routeTable '%s' has dependencies and cannot be deleted.", t->res.id);
		CHECK_STREQ(f.e.msg, want);
	}
	CHECK_FAIL(&f, rtb_delete(&f.w, &f.cx, f.vpc->main_rtb_id, &f.e), "DependencyViolation");

	/* The main association cannot be removed, only moved. */
	CHECK_FAIL(&f, rtb_disassociate(&f.w, &f.cx, main_rtb(&f, f.vpc)->assocs[0].id, &f.e),
		   "InvalidParameterValue");
	CHECK(strncmp(f.e.msg, "cannot disassociate the main route table association", 52) == 0);
	CHECK_FAIL(&f, rtb_disassociate(&f.w, &f.cx, "rtbassoc-0123456789abcdef0", &f.e),
		   "InvalidAssociationID.NotFound");
	CHECK_FAIL(&f, rtb_disassociate(&f.w, &f.cx, "bogus", &f.e),
		   "InvalidAssociationID.Malformed");

	/* Replacing: the subnet moves; the main association makes a new main table. */
	CHECK_EQ(rtb_replace_association(&f.w, &f.cx, a1, t2->res.id, a2, &f.e), 0);
	CHECK(strcmp(a1, a2) != 0);
	CHECK(rtb_for_subnet(&f.w, f.s1) == t2);
	CHECK_EQ(t->n_assocs, 0);
	CHECK_FAIL(&f, rtb_replace_association(&f.w, &f.cx, a2, f.other->main_rtb_id, a3, &f.e),
		   "InvalidParameterValue");
	CHECK_EQ(rtb_replace_association(&f.w, &f.cx, main_rtb(&f, f.vpc)->assocs[0].id,
					 t->res.id, a3, &f.e), 0);
	CHECK_STREQ(f.vpc->main_rtb_id, t->res.id);
	CHECK(t->n_assocs == 1 && t->assocs[0].main);
	CHECK(rtb_for_subnet(&f.w, f.s2) == t);

	/* Disassociating leaves the subnet on the (new) main table. */
	CHECK_EQ(rtb_disassociate(&f.w, &f.cx, a2, &f.e), 0);
	CHECK(rtb_for_subnet(&f.w, f.s1) == t);
	snprintf(a3, sizeof(a3), "%s", t2->res.id);
	CHECK_EQ(rtb_delete(&f.w, &f.cx, a3, &f.e), 0);
	CHECK(world_get(&f.w, a3, RES_RTB) == NULL);
	CHECK_FAIL(&f, rtb_delete(&f.w, &f.cx, "rtb-0123456789abcdef0", &f.e),
		   "InvalidRouteTableID.NotFound");
	fx_release(&f);
}

static struct route_req rq(const struct rtb *t, const char *dest)
{
	return (struct route_req){ .rtb_id = t->res.id, .dest_cidr = dest };
}

static void test_route_errors(void)
{
	struct fx f;
	struct rtb *t = NULL;
	struct igw *g;
	struct route_req r;

	fx_init(&f);
	CHECK_EQ(rtb_create(&f.w, &f.cx, f.vpc->res.id, &t, &f.e), 0);
	g = mk_igw(&f, NULL);
	world_journal_clear(&f.w);

	r = (struct route_req){ .dest_cidr = "0.0.0.0/0", .gateway_id = g->res.id };
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "MissingParameter");
	r = rq(t, NULL);
	r.gateway_id = g->res.id;
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "MissingParameter");
	CHECK_STREQ(f.e.msg, "The request must contain exactly one of: destinationCidrBlock, "
		    "destinationIpv6CidrBlock, destinationPrefixListId");
	r = rq(t, "0.0.0.0/0");
	r.dest_pl = "pl-63a5400a";
	r.gateway_id = g->res.id;
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidParameterCombination");
	r = rq(t, "banana");
	r.gateway_id = g->res.id;
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidParameterValue");
	CHECK_STREQ(f.e.msg, "Value (banana) for parameter destinationCidrBlock is invalid. "
		    "This is not a valid CIDR block.");
	r = rq(t, "10.9.0.0/33");
	r.gateway_id = g->res.id;
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidParameterValue");
	r = rq(t, "0.0.0.0/0");
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "MissingParameter");
	r.gateway_id = g->res.id;
	r.nat_id = "nat-0123456789abcdef0";
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidParameterCombination");

	/* Targets must exist, and an internet gateway must be attached to the VPC. */
	r = rq(t, "0.0.0.0/0");
	r.gateway_id = g->res.id;
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidParameterValue");
	{
		char want[160];

		snprintf(want, sizeof(want),
			 "route table %s and network gateway %s belong to different networks",
			 t->res.id, g->res.id);
		CHECK_STREQ(f.e.msg, want);
	}
	r.gateway_id = "igw-0123456789abcdef0";
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidGatewayID.NotFound");
	CHECK_STREQ(f.e.msg, "The gateway ID 'igw-0123456789abcdef0' does not exist");
	r.gateway_id = "nat-0123456789abcdef0";
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidGatewayID.NotFound");
	r = rq(t, "0.0.0.0/0");
	r.nat_id = "nat-0123456789abcdef0";
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidNatGatewayID.NotFound");
	r = rq(t, "0.0.0.0/0");
	r.eni_id = "eni-0123456789abcdef0";
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidNetworkInterfaceID.NotFound");
	r = rq(t, "0.0.0.0/0");
	r.instance_id = "i-0123456789abcdef0";
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidInstanceID.NotFound");
	r = rq(t, "0.0.0.0/0");
	r.vpce_id = "vpce-0123456789abcdef0";
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidVpcEndpointId.NotFound");
	r = rq(t, "0.0.0.0/0");
	r.gateway_id = "local";
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidParameterValue");
	r = rq(t, "10.0.0.0/16");
	r.gateway_id = "local";
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "RouteAlreadyExists");
	CHECK_STREQ(f.e.msg, "The route identified by 10.0.0.0/16 already exists.");
	r = rq(t, "0.0.0.0/0");
	r.dest_cidr = NULL;
	r.dest_pl = "pl-00000000";
	r.gateway_id = g->res.id;
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidPrefixListID.NotFound");

	/* Missing routes, and the local route, for replace and delete. */
	r = rq(t, "10.87.0.0/24");
	CHECK_FAIL(&f, route_delete(&f.w, &f.cx, &r, &f.e), "InvalidRoute.NotFound");
	{
		char want[160];

		snprintf(want, sizeof(want),
			 "no route with destination-cidr-block 10.87.0.0/24 in route table %s",
			 t->res.id);
		CHECK_STREQ(f.e.msg, want);
	}
	r = rq(t, "10.0.0.0/16");
	CHECK_FAIL(&f, route_delete(&f.w, &f.cx, &r, &f.e), "InvalidParameterValue");
	CHECK(strncmp(f.e.msg, "cannot remove local route 10.0.0.0/16 in route table", 52) == 0);
	CHECK_EQ(igw_attach(&f.w, &f.cx, g->res.id, f.vpc->res.id, &f.e), 0);
	world_journal_clear(&f.w);
	r = rq(t, "10.87.0.0/24");
	r.gateway_id = g->res.id;
	CHECK_FAIL(&f, route_replace(&f.w, &f.cx, &r, &f.e), "InvalidParameterValue");
	CHECK_STREQ(f.e.msg, "There is no route defined for '10.87.0.0/24' in the route table. "
		    "Use CreateRoute instead.");
	r = rq(t, "10.0.0.0/16");
	r.gateway_id = g->res.id;
	CHECK_FAIL(&f, route_replace(&f.w, &f.cx, &r, &f.e), "InvalidParameterValue");
	r.gateway_id = NULL;
	r.local_target = true;
	CHECK_EQ(route_replace(&f.w, &f.cx, &r, &f.e), 0);

	/* A destination inside the VPC block may only lead to an interface or instance. */
	r = rq(t, "10.0.5.0/24");
	r.gateway_id = g->res.id;
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidParameterValue");
	fx_release(&f);
}

static void test_routes(void)
{
	struct fx f;
	struct rtb *t = NULL;
	struct igw *g;
	struct eni *n;
	struct vgw *vg = NULL;
	struct route_req r;
	char cidr[CIDR4_STRLEN];

	fx_init(&f);
	CHECK_EQ(rtb_create(&f.w, &f.cx, f.vpc->res.id, &t, &f.e), 0);
	g = mk_igw(&f, f.vpc);
	n = mk_eni(&f, f.s1);

	/* Host bits are cleared, as EC2 does. */
	r = rq(t, "0.0.0.9/0");
	r.gateway_id = g->res.id;
	CHECK_EQ(route_create(&f.w, &f.cx, &r, &f.e), 0);
	CHECK_EQ(t->n_routes, 2);
	CHECK_STREQ(cidr4_fmt(&t->routes[1].dest, cidr), "0.0.0.0/0");
	CHECK_EQ(t->routes[1].target, TARGET_IGW);
	CHECK_EQ(t->routes[1].origin, ORIGIN_CREATE_ROUTE);
	CHECK(route_active(&f.w, t, &t->routes[1]));
	r = rq(t, "0.0.0.0/0");
	r.gateway_id = g->res.id;
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "RouteAlreadyExists");
	CHECK_STREQ(f.e.msg, "The route identified by 0.0.0.0/0 already exists.");

	/* Interfaces may take more specific routes inside the VPC. */
	r = rq(t, "10.0.2.0/24");
	r.eni_id = n->res.id;
	CHECK_EQ(route_create(&f.w, &f.cx, &r, &f.e), 0);
	CHECK_EQ(t->routes[2].target, TARGET_ENI);

	/* Virtual private gateways: attached to the VPC, then blackholed on detach. */
	CHECK_EQ(vgw_create(&f.w, &f.cx, &(struct vgw_create_req){ .type = "ipsec.1", .asn = -1 },
			    &vg, &f.e), 0);
	r = rq(t, "172.16.0.0/12");
	r.gateway_id = vg->res.id;
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidParameterValue");
	CHECK_EQ(vgw_attach(&f.w, &f.cx, vg->res.id, f.vpc->res.id, &f.e), 0);
	CHECK_EQ(route_create(&f.w, &f.cx, &r, &f.e), 0);
	CHECK(route_active(&f.w, t, &t->routes[3]));
	CHECK_EQ(vgw_detach(&f.w, &f.cx, vg->res.id, f.vpc->res.id, &f.e), 0);
	CHECK(!route_active(&f.w, t, &t->routes[3]));

	/* Replace points an existing route elsewhere. */
	r = rq(t, "172.16.0.0/12");
	r.gateway_id = g->res.id;
	CHECK_EQ(route_replace(&f.w, &f.cx, &r, &f.e), 0);
	CHECK_EQ(t->routes[3].target, TARGET_IGW);
	CHECK(route_active(&f.w, t, &t->routes[3]));
	r = rq(t, "172.16.0.0/12");
	CHECK_EQ(route_delete(&f.w, &f.cx, &r, &f.e), 0);
	CHECK_EQ(t->n_routes, 3);

	/* Detaching the internet gateway turns its routes into blackholes. */
	CHECK_EQ(igw_detach(&f.w, &f.cx, g->res.id, f.vpc->res.id, &f.e), 0);
	CHECK(!route_active(&f.w, t, &t->routes[1]));
	CHECK_EQ(igw_attach(&f.w, &f.cx, g->res.id, f.vpc->res.id, &f.e), 0);
	CHECK(route_active(&f.w, t, &t->routes[1]));

	/* The route limit. */
	while (t->n_routes < LIMIT_ROUTES_PER_TABLE) {
		char d[40];

		snprintf(d, sizeof(d), "192.168.%u.%u/32", (unsigned)(t->n_routes / 256 % 256),
			 (unsigned)(t->n_routes % 256));
		r = rq(t, d);
		r.gateway_id = g->res.id;
		if (route_create(&f.w, &f.cx, &r, &f.e) < 0)
			break;
	}
	CHECK_EQ(t->n_routes, LIMIT_ROUTES_PER_TABLE);
	world_journal_clear(&f.w);
	r = rq(t, "203.0.113.0/24");
	r.gateway_id = g->res.id;
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "RouteLimitExceeded");
	fx_release(&f);
}

static void test_endpoint_routes(void)
{
	struct fx f;
	struct rtb *t = NULL;
	struct igw *g;
	struct vpce *v = NULL;
	struct route_req r;
	const char *rtbs[1];

	fx_init(&f);
	CHECK_EQ(rtb_create(&f.w, &f.cx, f.vpc->res.id, &t, &f.e), 0);
	g = mk_igw(&f, f.vpc);
	rtbs[0] = t->res.id;
	CHECK_EQ(vpce_create(&f.w, &f.cx, &(struct vpce_create_req){
			.vpc_id = f.vpc->res.id, .service_name = "com.amazonaws.us-east-1.s3",
			.rtbs = rtbs, .n_rtbs = 1, .private_dns = -1,
		}, &v, &f.e), 0);
	CHECK_EQ(t->n_routes, 2);
	CHECK(t->routes[1].to_prefix_list && t->routes[1].target == TARGET_VPCE);
	CHECK(route_active(&f.w, t, &t->routes[1]));
	world_journal_clear(&f.w);

	/* The endpoint's route belongs to the endpoint. */
	r = (struct route_req){ .rtb_id = t->res.id, .dest_pl = "pl-63a5400a",
				.gateway_id = g->res.id };
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "RouteAlreadyExists");
	CHECK_STREQ(f.e.msg, "The route identified by pl-63a5400a already exists.");
	CHECK_FAIL(&f, route_replace(&f.w, &f.cx, &r, &f.e), "InvalidParameterValue");
	r.gateway_id = NULL;
	CHECK_FAIL(&f, route_delete(&f.w, &f.cx, &r, &f.e), "InvalidParameterValue");
	r.gateway_id = v->res.id;
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "RouteNotSupported");
	r = rq(t, "198.51.100.0/24");
	r.vpce_id = v->res.id;
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "RouteNotSupported");

	/* Another region's prefix list is unknown here (IDs repeat across regions). */
	r = (struct route_req){ .rtb_id = t->res.id, .dest_pl = "pl-6da54004",
				.gateway_id = g->res.id };
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidPrefixListID.NotFound");
	/* DynamoDB's list, not held by an endpoint, may be routed. */
	r.dest_pl = "pl-02cd2c6b";
	CHECK_EQ(route_create(&f.w, &f.cx, &r, &f.e), 0);
	CHECK_EQ(route_delete(&f.w, &f.cx, &(struct route_req){ .rtb_id = t->res.id,
			.dest_pl = "pl-02cd2c6b" }, &f.e), 0);

	/* Deleting the table drops it from the endpoint (after its associations go). */
	CHECK_EQ(rtb_delete(&f.w, &f.cx, t->res.id, &f.e), 0);
	CHECK_EQ(v->n_rtbs, 0);
	fx_release(&f);
}

static void test_igw(void)
{
	struct fx f;
	struct igw *g, *g2;
	struct eip *p;
	struct eni *n;
	char id[ID_SIZE];

	fx_init(&f);
	g = mk_igw(&f, NULL);
	g2 = mk_igw(&f, NULL);
	world_journal_clear(&f.w);
	CHECK_FAIL(&f, igw_attach(&f.w, &f.cx, NULL, f.vpc->res.id, &f.e), "MissingParameter");
	CHECK_FAIL(&f, igw_attach(&f.w, &f.cx, "igw-x", f.vpc->res.id, &f.e),
		   "InvalidInternetGatewayId.Malformed");
	CHECK_FAIL(&f, igw_attach(&f.w, &f.cx, "igw-0123456789abcdef0", f.vpc->res.id, &f.e),
		   "InvalidInternetGatewayID.NotFound");
	CHECK_STREQ(f.e.msg, "The internetGateway ID 'igw-0123456789abcdef0' does not exist");
	CHECK_FAIL(&f, igw_detach(&f.w, &f.cx, g->res.id, f.vpc->res.id, &f.e),
		   "Gateway.NotAttached");
	CHECK_EQ(igw_attach(&f.w, &f.cx, g->res.id, f.vpc->res.id, &f.e), 0);
	world_journal_clear(&f.w);
	CHECK_FAIL(&f, igw_attach(&f.w, &f.cx, g->res.id, f.other->res.id, &f.e),
		   "Resource.AlreadyAssociated");
	{
		char want[160];

		snprintf(want, sizeof(want), "resource %s is already attached to network %s",
			 g->res.id, f.vpc->res.id);
		CHECK_STREQ(f.e.msg, want);
	}
	CHECK_FAIL(&f, igw_attach(&f.w, &f.cx, g2->res.id, f.vpc->res.id, &f.e),
		   "InvalidParameterValue");
	{
		char want[160];

		snprintf(want, sizeof(want), "Network %s already has an internet gateway attached",
			 f.vpc->res.id);
		CHECK_STREQ(f.e.msg, want);
	}
	CHECK_FAIL(&f, igw_delete(&f.w, &f.cx, g->res.id, &f.e), "DependencyViolation");
	CHECK_FAIL(&f, igw_detach(&f.w, &f.cx, g->res.id, f.other->res.id, &f.e),
		   "Gateway.NotAttached");

	/* An attached gateway holds the VPC; a detached one does not. */
	CHECK_FAIL(&f, vpc_delete(&f.w, &f.cx, f.other->res.id, &f.e), "DependencyViolation");
	CHECK_EQ(subnet_delete(&f.w, &f.cx, f.s_other->res.id, &f.e), 0);
	CHECK_EQ(igw_attach(&f.w, &f.cx, g2->res.id, f.other->res.id, &f.e), 0);
	world_journal_clear(&f.w);
	CHECK_FAIL(&f, vpc_delete(&f.w, &f.cx, f.other->res.id, &f.e), "DependencyViolation");
	CHECK_EQ(igw_detach(&f.w, &f.cx, g2->res.id, f.other->res.id, &f.e), 0);
	CHECK_EQ(vpc_delete(&f.w, &f.cx, f.other->res.id, &f.e), 0);

	/* Mapped public addresses keep the gateway attached. */
	n = mk_eni(&f, f.s1);
	p = mk_eip(&f);
	CHECK_EQ(eip_associate(&f.w, &f.cx, &(struct eip_assoc_req){
			.alloc_id = p->res.id, .eni_id = n->res.id }, &p, &f.e), 0);
	world_journal_clear(&f.w);
	CHECK_FAIL(&f, igw_detach(&f.w, &f.cx, g->res.id, f.vpc->res.id, &f.e),
		   "DependencyViolation");
	CHECK(strstr(f.e.msg, "has some mapped public address(es)") != NULL);
	CHECK_EQ(eip_disassociate(&f.w, &f.cx, p->assoc_id, NULL, &f.e), 0);
	CHECK_EQ(igw_detach(&f.w, &f.cx, g->res.id, f.vpc->res.id, &f.e), 0);
	snprintf(id, sizeof(id), "%s", g->res.id);
	CHECK_EQ(igw_delete(&f.w, &f.cx, id, &f.e), 0);
	CHECK(world_get(&f.w, id, RES_IGW) == NULL);
	fx_release(&f);
}

static void test_vgw(void)
{
	struct fx f;
	struct vgw *g = NULL, *g2 = NULL;
	char id[ID_SIZE];

	fx_init(&f);
	CHECK_FAIL(&f, vgw_create(&f.w, &f.cx, &(struct vgw_create_req){ .asn = -1 }, &g, &f.e),
		   "MissingParameter");
	CHECK_FAIL(&f, vgw_create(&f.w, &f.cx, &(struct vgw_create_req){ .type = "ipsec.2",
			.asn = -1 }, &g, &f.e), "InvalidParameterValue");
	CHECK_FAIL(&f, vgw_create(&f.w, &f.cx, &(struct vgw_create_req){ .type = "ipsec.1",
			.asn = 65535 }, &g, &f.e), "InvalidParameterValue");
	CHECK_FAIL(&f, vgw_create(&f.w, &f.cx, &(struct vgw_create_req){ .type = "ipsec.1",
			.asn = -1, .az = "us-east-1z" }, &g, &f.e), "InvalidParameterValue");
	CHECK_EQ(vgw_create(&f.w, &f.cx, &(struct vgw_create_req){ .type = "ipsec.1", .asn = -1 },
			    &g, &f.e), 0);
	CHECK_EQ(g->asn, VGW_DEFAULT_ASN);
	CHECK_EQ(g->az, -1);
	CHECK_EQ(vgw_create(&f.w, &f.cx, &(struct vgw_create_req){ .type = "ipsec.1",
			.asn = 4200000000LL, .az = "us-east-1b" }, &g2, &f.e), 0);
	CHECK_EQ(g2->asn, 4200000000u);
	CHECK_EQ(g2->az, 1);
	CHECK_EQ(vgw_attach(&f.w, &f.cx, g->res.id, f.vpc->res.id, &f.e), 0);
	world_journal_clear(&f.w);
	CHECK_FAIL(&f, vgw_attach(&f.w, &f.cx, g2->res.id, f.vpc->res.id, &f.e), "InvalidVpcState");
	CHECK_FAIL(&f, vgw_attach(&f.w, &f.cx, g->res.id, f.other->res.id, &f.e),
		   "VpnGatewayAttachmentLimitExceeded");
	CHECK_FAIL(&f, vgw_detach(&f.w, &f.cx, g->res.id, f.other->res.id, &f.e),
		   "InvalidVpnGatewayAttachment.NotFound");
	CHECK_FAIL(&f, vgw_delete(&f.w, &f.cx, g->res.id, &f.e), "IncorrectState");
	CHECK_STREQ(f.e.msg, "The VPN gateway is in use.");
	CHECK_FAIL(&f, vpc_delete(&f.w, &f.cx, f.vpc->res.id, &f.e), "DependencyViolation");
	CHECK(g->detached_vpc_id[0] == '\0');

	/* A detached gateway remembers the VPC it left, until it is attached again. */
	CHECK_EQ(vgw_detach(&f.w, &f.cx, g->res.id, f.vpc->res.id, &f.e), 0);
	CHECK(g->vpc_id[0] == '\0');
	CHECK_STREQ(g->detached_vpc_id, f.vpc->res.id);
	world_journal_clear(&f.w);
	CHECK_FAIL(&f, vgw_detach(&f.w, &f.cx, g->res.id, f.vpc->res.id, &f.e),
		   "InvalidVpnGatewayAttachment.NotFound");
	CHECK_EQ(vgw_attach(&f.w, &f.cx, g->res.id, f.other->res.id, &f.e), 0);
	CHECK_STREQ(g->vpc_id, f.other->res.id);
	CHECK(g->detached_vpc_id[0] == '\0');
	CHECK_EQ(vgw_detach(&f.w, &f.cx, g->res.id, f.other->res.id, &f.e), 0);
	CHECK_STREQ(g->detached_vpc_id, f.other->res.id);
	CHECK_EQ(vgw_delete(&f.w, &f.cx, g->res.id, &f.e), 0);
	CHECK(g->deleted);
	CHECK_EQ(g->deleted_ms, f.cx.now_ms);
	CHECK_STREQ(g->detached_vpc_id, f.other->res.id);
	world_journal_clear(&f.w);
	CHECK_FAIL(&f, vgw_delete(&f.w, &f.cx, g->res.id, &f.e), "InvalidVpnGatewayID.NotFound");
	CHECK_FAIL(&f, vgw_attach(&f.w, &f.cx, g->res.id, f.vpc->res.id, &f.e),
		   "InvalidVpnGatewayID.NotFound");

	/* Visible for an hour after deletion, then swept; a live one never. */
	CHECK(!vgw_expired(g, f.cx.now_ms + VGW_GONE_MS - 1));
	CHECK(vgw_expired(g, f.cx.now_ms + VGW_GONE_MS));
	CHECK(!vgw_expired(g2, f.cx.now_ms + 100 * (int64_t)VGW_GONE_MS));
	CHECK_EQ(world_sweep(&f.w, f.cx.now_ms + VGW_GONE_MS - 1), 0);
	str_lcpy(id, g->res.id, sizeof(id));
	CHECK_EQ(world_sweep(&f.w, f.cx.now_ms + VGW_GONE_MS), 1);
	CHECK(world_get(&f.w, id, RES_VGW) == NULL);
	CHECK(world_get(&f.w, g2->res.id, RES_VGW) == &g2->res);
	/* Deleted before vpce kept the time: long gone. */
	g2->deleted = true;
	CHECK(vgw_expired(g2, f.cx.now_ms));
	fx_release(&f);
}

static void test_eip(void)
{
	struct fx f;
	struct eip *p1, *p2, *p3 = NULL, *out = NULL;
	struct eni *n1, *n2;
	char ip[IP4_STRLEN];

	fx_init(&f);
	p1 = mk_eip(&f);
	p2 = mk_eip(&f);
	CHECK_STREQ(ip4_fmt(p1->public_ip, ip), "198.19.0.1");
	CHECK_STREQ(ip4_fmt(p2->public_ip, ip), "198.19.0.2");
	CHECK_FAIL(&f, eip_allocate(&f.w, &f.cx, &(struct eip_alloc_req){ .domain = "standard" },
				    &p3, &f.e), "InvalidParameterValue");
	CHECK_FAIL(&f, eip_allocate(&f.w, &f.cx, &(struct eip_alloc_req){
			.address = "198.19.0.255" }, &p3, &f.e), "InvalidAddress.NotFound");
	CHECK_FAIL(&f, eip_allocate(&f.w, &f.cx, &(struct eip_alloc_req){
			.address = "198.19.0.2" }, &p3, &f.e), "InvalidAddress.NotFound");
	CHECK_FAIL(&f, eip_allocate(&f.w, &f.cx, &(struct eip_alloc_req){ .pool = "ipv4pool-x" },
				    &p3, &f.e), "InvalidPublicIpv4PoolID.NotFound");
	CHECK_EQ(eip_release(&f.w, &f.cx, p1->res.id, NULL, &f.e), 0);
	p1 = mk_eip(&f);
	CHECK_STREQ(ip4_fmt(p1->public_ip, ip), "198.19.0.1");

	/* Every /24 keeps its first and last address. */
	for (int i = 0; i < 252; i++)
		p3 = mk_eip(&f);
	CHECK_STREQ(ip4_fmt(p3->public_ip, ip), "198.19.0.254");
	p3 = mk_eip(&f);
	CHECK_STREQ(ip4_fmt(p3->public_ip, ip), "198.19.1.1");

	n1 = mk_eni(&f, f.s1);
	n2 = mk_eni(&f, f.s2);
	world_journal_clear(&f.w);
	CHECK_FAIL(&f, eip_associate(&f.w, &f.cx, &(struct eip_assoc_req){
			.alloc_id = p1->res.id, .eni_id = n1->res.id }, &out, &f.e),
		   "Gateway.NotAttached");
	mk_igw(&f, f.vpc);
	world_journal_clear(&f.w);
	CHECK_FAIL(&f, eip_associate(&f.w, &f.cx, &(struct eip_assoc_req){
			.alloc_id = "eipalloc-0123456789abcdef0", .eni_id = n1->res.id }, &out,
				     &f.e), "InvalidAllocationID.NotFound");
	CHECK_FAIL(&f, eip_associate(&f.w, &f.cx, &(struct eip_assoc_req){
			.alloc_id = p1->res.id }, &out, &f.e), "MissingParameter");
	CHECK_FAIL(&f, eip_associate(&f.w, &f.cx, &(struct eip_assoc_req){
			.alloc_id = p1->res.id, .eni_id = n1->res.id, .private_ip = "10.0.1.99" },
				     &out, &f.e), "InvalidParameterValue");
	CHECK_EQ(eip_associate(&f.w, &f.cx, &(struct eip_assoc_req){
			.alloc_id = p1->res.id, .eni_id = n1->res.id }, &out, &f.e), 0);
	CHECK(out == p1);
	CHECK(strncmp(p1->assoc_id, "eipassoc-", 9) == 0);
	CHECK_EQ(n1->public_ip, p1->public_ip);
	CHECK_EQ(p1->private_ip, n1->private_ip);
	world_journal_clear(&f.w);

	/* A mapped address moves only with AllowReassociation. */
	CHECK_FAIL(&f, eip_associate(&f.w, &f.cx, &(struct eip_assoc_req){
			.alloc_id = p1->res.id, .eni_id = n2->res.id }, &out, &f.e),
		   "Resource.AlreadyAssociated");
	{
		char want[160];

		snprintf(want, sizeof(want),
			 "resource %s is already associated with associate-id %s", p1->res.id,
			 p1->assoc_id);
		CHECK_STREQ(f.e.msg, want);
	}
	CHECK_FAIL(&f, eip_release(&f.w, &f.cx, p1->res.id, NULL, &f.e), "InvalidIPAddress.InUse");
	CHECK_STREQ(f.e.msg, "Address 198.19.0.1 is in use.");
	CHECK_FAIL(&f, eip_release(&f.w, &f.cx, NULL, "198.19.0.1", &f.e),
		   "InvalidParameterValue");
	CHECK_EQ(eip_associate(&f.w, &f.cx, &(struct eip_assoc_req){
			.alloc_id = p1->res.id, .eni_id = n2->res.id, .allow_reassoc = true },
			       &out, &f.e), 0);
	CHECK_EQ(n1->public_ip, 0);
	CHECK_EQ(n2->public_ip, p1->public_ip);

	/* A second address for the same interface replaces the first. */
	CHECK_EQ(eip_associate(&f.w, &f.cx, &(struct eip_assoc_req){
			.alloc_id = p2->res.id, .eni_id = n2->res.id }, &out, &f.e), 0);
	CHECK(p1->assoc_id[0] == '\0');
	CHECK_EQ(n2->public_ip, p2->public_ip);
	world_journal_clear(&f.w);
	CHECK_FAIL(&f, eip_disassociate(&f.w, &f.cx, "eipassoc-0123456789abcdef0", NULL, &f.e),
		   "InvalidAssociationID.NotFound");
	CHECK_FAIL(&f, eip_disassociate(&f.w, &f.cx, NULL, NULL, &f.e), "MissingParameter");
	CHECK_EQ(eip_disassociate(&f.w, &f.cx, NULL, "198.19.0.2", &f.e), 0);
	CHECK_EQ(n2->public_ip, 0);
	CHECK_EQ(eip_release(&f.w, &f.cx, p2->res.id, NULL, &f.e), 0);
	world_journal_clear(&f.w);
	CHECK_FAIL(&f, eip_release(&f.w, &f.cx, "eipalloc-0123456789abcdef0", NULL, &f.e),
		   "InvalidAllocationID.NotFound");
	fx_release(&f);
}

static void test_nat(void)
{
	struct fx f;
	struct nat *nat = NULL, *priv = NULL;
	struct eip *p, *q;
	struct rtb *t = NULL;
	struct eni *n;
	struct route_req r;
	char want[96];

	fx_init(&f);
	p = mk_eip(&f);
	q = mk_eip(&f);
	CHECK_EQ(rtb_create(&f.w, &f.cx, f.vpc->res.id, &t, &f.e), 0);
	world_journal_clear(&f.w);
	CHECK_FAIL(&f, nat_create(&f.w, &f.cx, &(struct nat_create_req){ .alloc_id = p->res.id },
				  &nat, &f.e), "MissingParameter");
	CHECK_FAIL(&f, nat_create(&f.w, &f.cx, &(struct nat_create_req){
			.subnet_id = f.s1->res.id }, &nat, &f.e), "MissingParameter");
	CHECK_FAIL(&f, nat_create(&f.w, &f.cx, &(struct nat_create_req){
			.subnet_id = f.s1->res.id, .alloc_id = p->res.id }, &nat, &f.e),
		   "Gateway.NotAttached");
	CHECK_FAIL(&f, nat_create(&f.w, &f.cx, &(struct nat_create_req){
			.subnet_id = f.s1->res.id, .connectivity = "private",
			.alloc_id = p->res.id }, &nat, &f.e), "InvalidParameterCombination");
	CHECK_FAIL(&f, nat_create(&f.w, &f.cx, &(struct nat_create_req){
			.subnet_id = f.s1->res.id, .connectivity = "internal" }, &nat, &f.e),
		   "InvalidParameterValue");
	mk_igw(&f, f.vpc);
	world_journal_clear(&f.w);
	CHECK_FAIL(&f, nat_create(&f.w, &f.cx, &(struct nat_create_req){
			.subnet_id = f.s1->res.id, .alloc_id = p->res.id,
			.private_ip = "10.0.2.10" }, &nat, &f.e), "InvalidParameterValue");
	CHECK_EQ(nat_create(&f.w, &f.cx, &(struct nat_create_req){
			.subnet_id = f.s1->res.id, .alloc_id = p->res.id,
			.private_ip = "10.0.1.10" }, &nat, &f.e), 0);
	CHECK_STREQ(nat->vpc_id, f.vpc->res.id);
	CHECK(!nat->private_);
	CHECK_STREQ(nat->eip_id, p->res.id);
	n = AS_ENI(world_get(&f.w, nat->eni_id, RES_ENI));
	CHECK_EQ(n->type, ENI_NAT_GATEWAY);
	snprintf(want, sizeof(want), "Interface for NAT Gateway %s", nat->res.id);
	CHECK_STREQ(n->description, want);
	CHECK(n->requester_managed);
	CHECK(!n->source_dest_check);
	CHECK_STREQ(n->owner_res_id, nat->res.id);
	CHECK_EQ(n->public_ip, p->public_ip);
	CHECK_STREQ(p->eni_id, n->res.id);
	CHECK_EQ(nat_state_at(nat, f.cx.now_ms), NAT_PENDING);
	CHECK_EQ(nat_state_at(nat, f.cx.now_ms + NAT_PENDING_MS), NAT_AVAILABLE);
	world_journal_clear(&f.w);

	/* The address is the gateway's now. */
	CHECK_FAIL(&f, nat_create(&f.w, &f.cx, &(struct nat_create_req){
			.subnet_id = f.s2->res.id, .alloc_id = p->res.id }, &priv, &f.e),
		   "Resource.AlreadyAssociated");
	CHECK_FAIL(&f, nat_create(&f.w, &f.cx, &(struct nat_create_req){
			.subnet_id = f.s2->res.id, .alloc_id = q->res.id,
			.private_ip = "10.0.1.10" }, &priv, &f.e), "InvalidParameterValue");
	CHECK_FAIL(&f, eip_release(&f.w, &f.cx, p->res.id, NULL, &f.e), "InvalidIPAddress.InUse");
	CHECK_FAIL(&f, eip_disassociate(&f.w, &f.cx, p->assoc_id, NULL, &f.e), "AuthFailure");
	CHECK_FAIL(&f, eip_associate(&f.w, &f.cx, &(struct eip_assoc_req){
			.alloc_id = q->res.id, .eni_id = nat->eni_id }, &p, &f.e), "AuthFailure");
	CHECK_FAIL(&f, subnet_delete(&f.w, &f.cx, f.s1->res.id, &f.e), "DependencyViolation");
	CHECK_FAIL(&f, nat_delete(&f.w, &f.cx, "nat-0123456789abcdef0", &f.e),
		   "NatGatewayNotFound");
	CHECK_STREQ(f.e.msg, "NAT gateway nat-0123456789abcdef0 was not found");

	CHECK_EQ(nat_create(&f.w, &f.cx, &(struct nat_create_req){
			.subnet_id = f.s2->res.id, .connectivity = "private" }, &priv, &f.e), 0);
	CHECK(priv->private_);
	CHECK(priv->eip_id[0] == '\0');

	r = rq(t, "0.0.0.0/0");
	r.nat_id = nat->res.id;
	CHECK_EQ(route_create(&f.w, &f.cx, &r, &f.e), 0);
	CHECK(route_active(&f.w, t, &t->routes[1]));

	CHECK_EQ(nat->private_ip, 0x0a00010a);

	/* Deleting frees the ENI and the address; the gateway stays, deleted. */
	CHECK_EQ(nat_delete(&f.w, &f.cx, nat->res.id, &f.e), 0);
	CHECK(nat->deleted);
	CHECK_EQ(nat->deleted_ms, f.cx.now_ms);
	CHECK_EQ(nat->private_ip, 0x0a00010a);
	CHECK_EQ(nat_state_at(nat, f.cx.now_ms), NAT_DELETING);
	CHECK_EQ(nat_state_at(nat, f.cx.now_ms + NAT_DELETING_MS - 1), NAT_DELETING);
	CHECK_EQ(nat_state_at(nat, f.cx.now_ms + NAT_DELETING_MS), NAT_DELETED);
	CHECK_EQ(nat_state_at(nat, f.cx.now_ms + NAT_PENDING_MS), NAT_DELETED);
	CHECK(!nat_expired(nat, f.cx.now_ms + NAT_GONE_MS - 1));
	CHECK(nat_expired(nat, f.cx.now_ms + NAT_GONE_MS));
	CHECK(!nat_expired(priv, f.cx.now_ms + NAT_GONE_MS));
	CHECK(world_get(&f.w, nat->eni_id, RES_ENI) == NULL);
	CHECK(p->assoc_id[0] == '\0');
	CHECK(!route_active(&f.w, t, &t->routes[1]));
	CHECK(nat_lookup(&f.w, &f.cx, nat->res.id, &f.e) == nat);
	world_journal_clear(&f.w);
	r = rq(t, "192.0.2.0/24");
	r.nat_id = nat->res.id;
	CHECK_FAIL(&f, route_create(&f.w, &f.cx, &r, &f.e), "InvalidNatGatewayID.NotFound");
	CHECK_EQ(subnet_delete(&f.w, &f.cx, f.s1->res.id, &f.e), 0);
	CHECK_EQ(eip_release(&f.w, &f.cx, p->res.id, NULL, &f.e), 0);

	/* An hour on, the sweep takes the deleted gateway and leaves the live one. */
	world_journal_clear(&f.w);
	str_lcpy(want, nat->res.id, sizeof(want));
	CHECK_EQ(world_sweep(&f.w, f.cx.now_ms + NAT_GONE_MS), 1);
	CHECK(world_get(&f.w, want, RES_NAT) == NULL);
	CHECK(world_get(&f.w, priv->res.id, RES_NAT) == &priv->res);
	CHECK_EQ(f.w.n_journal, 1);
	/* Deleted before vpce kept the time: deleted at once, and long gone. */
	priv->deleted = true;
	CHECK_EQ(nat_state_at(priv, f.cx.now_ms), NAT_DELETED);
	CHECK(nat_expired(priv, f.cx.now_ms));
	fx_release(&f);
}

void test_core_rtb(void)
{
	test_tables();
	test_route_errors();
	test_routes();
	test_endpoint_routes();
	test_igw();
	test_vgw();
	test_eip();
	test_nat();
}
