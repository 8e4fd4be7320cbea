/* SPDX-License-Identifier: MIT */
/*
 * The analyzer (reach/) against a reference written here from AWS's
 * documented behaviour, over random worlds built with the core ops and random
 * queries; the verdict classes must agree. Deterministic: a disagreement
 * prints its world's seed, and REACH_RANDOM_SEED=<seed> replays that world.
 */
#include "compat.h"
#include "check.h"

#include <stdlib.h>

#include "base/buf.h"
#include "core/host_ops.h"
#include "core/net_ops.h"
#include "core/svcnet.h"
#include "reach/reach.h"
#include "world_fixture.h"

void test_reach_random(void);

#define N_WORLDS 300
#define N_QUERIES 50
#define BASE_SEED 0x7265616368ull	/* "reach" */
#define MAX_VPCS 3
#define MAX_SUBNETS 4
#define MAX_RTBS 4			/* the main table and three more */
#define MAX_NATS 2
#define MAX_GROUPS 4			/* the default group and three more */
#define MAX_INSTANCES 6
#define MAX_NAT_HOPS 4			/* a NAT behind a NAT …, then a loop */
#define MAX_DUMPS 3			/* disagreements printed with their world */
#define MIN_PER_CLASS 100		/* single-problem cases each class must have */

/* --- randomness: splitmix64 --- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); 0 when 'n' is 0. */
static uint32_t rnd(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rng_next(r) % n) : 0;
}

static bool chance(struct rng *r, uint32_t pct)
{
	return rnd(r, 100) < pct;
}

static int pick_port(struct rng *r)
{
	static const int liked[] = { 22, 80, 443, 53, 8080, 3306 };
	uint32_t i = rnd(r, ARRAY_SIZE(liked) + 2);

	return i < ARRAY_SIZE(liked) ? liked[i] : 1 + (int)rnd(r, 65535);
}

/* --- the generator: a world made through the ops, as the API makes it --- */

struct gvpc {
	char id[ID_SIZE];
	struct cidr4 cidr;
	char subnets[MAX_SUBNETS][ID_SIZE];
	size_t n_subnets;
	char rtbs[MAX_RTBS][ID_SIZE];	/* [0]: the table made with the VPC */
	size_t n_rtbs;
	char igw[ID_SIZE];		/* "" when none */
	char vgw[ID_SIZE];		/* "" when none */
	char nats[MAX_NATS][ID_SIZE];
	size_t n_nats;
	char groups[MAX_GROUPS][ID_SIZE];	/* [0]: the default group */
	size_t n_groups;
};

struct gen {
	struct fixture f;
	struct rng r;
	struct gvpc v[MAX_VPCS];
	size_t n_vpcs;
	const struct region *rg;
	char s3_pl[PREFIX_LIST_ID_SIZE], ddb_pl[PREFIX_LIST_ID_SIZE];
	uint32_t s3_ip, ddb_ip;
};

static bool is_private(uint32_t ip)
{
	return (ip >> 24) == 10 || (ip >> 20) == 0xac1 || (ip >> 16) == 0xc0a8;
}

/* An address a route or a rule may well be about. */
static uint32_t anchor(struct gen *g)
{
	const struct gvpc *v = &g->v[rnd(&g->r, (uint32_t)g->n_vpcs)];

	switch (rnd(&g->r, 6)) {
	case 0:
		return v->cidr.addr | rnd(&g->r, 1u << 16);
	case 1:
		return chance(&g->r, 70) ? g->s3_ip : g->ddb_ip;
	case 2:
		return 0xc6130000u | rnd(&g->r, 256);	/* 198.19.0.x: the public pool */
	case 3:
		return (11u + rnd(&g->r, 80)) << 24 | rnd(&g->r, 1u << 24);
	case 4:
		return 0x0a000000u | rnd(&g->r, 1u << 24);
	default:
		return chance(&g->r, 50) ? 0xac100000u | rnd(&g->r, 1u << 20)
					 : 0xc0a80000u | rnd(&g->r, 1u << 16);
	}
}

static struct cidr4 random_cidr(struct gen *g)
{
	uint8_t len = (uint8_t)(8 + rnd(&g->r, 21));

	return (struct cidr4){ .addr = anchor(g) & cidr4_mask(len), .len = len };
}

static void gen_vpc(struct gen *g, struct gvpc *v, uint32_t octet)
{
	char cidr[CIDR4_STRLEN];
	struct vpc *vpc = NULL;
	struct igw *igw;
	struct vgw *vgw;

	v->cidr = (struct cidr4){ .addr = 0x0a000000u | octet << 16, .len = 16 };
	cidr4_fmt(&v->cidr, cidr);
	if (vpc_create(&g->f.w, &g->f.cx, &(struct vpc_create_req){ .cidr = cidr }, &vpc,
		       &g->f.e) < 0) {
		CHECK(!"vpc_create");
		return;
	}
	str_lcpy(v->id, vpc->res.id, ID_SIZE);
	str_lcpy(v->rtbs[v->n_rtbs++], vpc->main_rtb_id, ID_SIZE);
	str_lcpy(v->groups[v->n_groups++], vpc->default_sg_id, ID_SIZE);
	if (chance(&g->r, 85) && igw_create(&g->f.w, &g->f.cx, &igw, &g->f.e) == 0 &&
	    igw_attach(&g->f.w, &g->f.cx, igw->res.id, v->id, &g->f.e) == 0)
		str_lcpy(v->igw, igw->res.id, ID_SIZE);
	if (chance(&g->r, 40) &&
	    vgw_create(&g->f.w, &g->f.cx,
		       &(struct vgw_create_req){ .type = "ipsec.1", .asn = -1 }, &vgw,
		       &g->f.e) == 0 &&
	    vgw_attach(&g->f.w, &g->f.cx, vgw->res.id, v->id, &g->f.e) == 0)
		str_lcpy(v->vgw, vgw->res.id, ID_SIZE);
}

static void gen_subnets(struct gen *g, struct gvpc *v)
{
	size_t n = 1 + rnd(&g->r, MAX_SUBNETS);
	bool used[256] = { false };

	for (size_t i = 0; i < n; i++) {
		uint32_t third = rnd(&g->r, 256);
		char cidr[CIDR4_STRLEN], az[AZ_NAME_SIZE];
		struct cidr4 c;
		struct subnet *s = NULL;

		if (used[third])
			continue;
		used[third] = true;
		c = (struct cidr4){ .addr = v->cidr.addr | third << 8, .len = 24 };
		cidr4_fmt(&c, cidr);
		region_az_name(g->rg, (int)rnd(&g->r, 3), az);
		if (subnet_create(&g->f.w, &g->f.cx,
				  &(struct subnet_create_req){ .vpc_id = v->id, .cidr = cidr,
							       .az = az },
				  &s, &g->f.e) < 0)
			continue;
		str_lcpy(v->subnets[v->n_subnets++], s->res.id, ID_SIZE);
		if (chance(&g->r, 50))
			subnet_set_map_public_ip(&g->f.w, &g->f.cx, s->res.id, true, &g->f.e);
	}
}

/* One of the tables made after the VPC's own; 'v' must have some. */
static const char *extra_table(struct gen *g, const struct gvpc *v)
{
	return v->rtbs[1 + rnd(&g->r, (uint32_t)v->n_rtbs - 1)];
}

/* Extra tables, random associations, and now and then a new main table. */
static void gen_tables(struct gen *g, struct gvpc *v)
{
	size_t n = rnd(&g->r, MAX_RTBS);
	char assoc[ID_SIZE], main_assoc[ID_SIZE] = "";
	struct rtb *t;

	for (size_t i = 0; i < n; i++)
		if (rtb_create(&g->f.w, &g->f.cx, v->id, &t, &g->f.e) == 0)
			str_lcpy(v->rtbs[v->n_rtbs++], t->res.id, ID_SIZE);
	if (v->n_rtbs == 1)
		return;
	for (size_t i = 0; i < v->n_subnets; i++)
		if (chance(&g->r, 60))
			rtb_associate(&g->f.w, &g->f.cx, extra_table(g, v), v->subnets[i], assoc,
				      &g->f.e);
	t = AS_RTB(world_get(&g->f.w, v->rtbs[0], RES_RTB));
	for (size_t i = 0; i < t->n_assocs; i++)
		if (t->assocs[i].main)
			str_lcpy(main_assoc, t->assocs[i].id, ID_SIZE);
	if (main_assoc[0] && chance(&g->r, 15))
		rtb_replace_association(&g->f.w, &g->f.cx, main_assoc, extra_table(g, v), assoc,
					&g->f.e);
}

static void gen_nats(struct gen *g, struct gvpc *v)
{
	size_t n = rnd(&g->r, MAX_NATS + 1);

	for (size_t i = 0; i < n; i++) {
		const char *subnet = v->subnets[rnd(&g->r, (uint32_t)v->n_subnets)];
		bool private_ = chance(&g->r, 25);
		struct eip *eip = NULL;
		struct nat *nat;

		if (!private_ && eip_allocate(&g->f.w, &g->f.cx, &(struct eip_alloc_req){ 0 },
					      &eip, &g->f.e) < 0)
			continue;
		if (nat_create(&g->f.w, &g->f.cx,
			       &(struct nat_create_req){
				       .subnet_id = subnet, .alloc_id = eip ? eip->res.id : NULL,
				       .connectivity = private_ ? "private" : NULL },
			       &nat, &g->f.e) == 0)
			str_lcpy(v->nats[v->n_nats++], nat->res.id, ID_SIZE);
	}
}

/* True when a NAT gateway of 'v' sits in a subnet whose table is 'rtb_id'. */
static bool nat_home(struct gen *g, const struct gvpc *v, const char *rtb_id)
{
	for (size_t i = 0; i < v->n_nats; i++) {
		const struct nat *n = AS_NAT(world_get(&g->f.w, v->nats[i], RES_NAT));
		struct res *s = world_get(&g->f.w, n->subnet_id, RES_SUBNET);
		const struct rtb *t = rtb_for_subnet(&g->f.w, AS_SUBNET(s));

		if (t && !strcmp(t->res.id, rtb_id))
			return true;
	}
	return false;
}

/* Sets the target of 'q' to a gateway of 'v', 'k' choosing; false if it has none. */
static bool pick_target(struct gen *g, const struct gvpc *v, uint32_t k, struct route_req *q)
{
	if (k == 0 && v->igw[0])
		q->gateway_id = v->igw;
	else if (k == 1 && v->n_nats)
		q->nat_id = v->nats[rnd(&g->r, (uint32_t)v->n_nats)];
	else if (v->vgw[0])
		q->gateway_id = v->vgw;
	else if (v->igw[0])
		q->gateway_id = v->igw;
	else
		return false;
	return true;
}

/*
 * A default route in most tables (to the internet gateway, mostly, where a
 * NAT gateway lives), then routes with random destinations, nested or not;
 * the ops refuse some (a gateway target inside the VPC's block).
 */
static void gen_routes(struct gen *g, struct gvpc *v)
{
	for (size_t t = 0; t < v->n_rtbs; t++) {
		size_t n = rnd(&g->r, 5);
		struct route_req q = { .rtb_id = v->rtbs[t], .dest_cidr = "0.0.0.0/0" };
		bool to_igw = nat_home(g, v, v->rtbs[t]) && chance(&g->r, 80);
		uint32_t k = to_igw ? 0 : rnd(&g->r, 3);

		if (chance(&g->r, 70) && pick_target(g, v, k, &q))
			route_create(&g->f.w, &g->f.cx, &q, &g->f.e);
		for (size_t i = 0; i < n; i++) {
			char dest[CIDR4_STRLEN];
			struct cidr4 c = random_cidr(g);

			q = (struct route_req){ .rtb_id = v->rtbs[t] };
			if (!pick_target(g, v, rnd(&g->r, 3), &q))
				break;
			if (chance(&g->r, 12))
				q.dest_pl = chance(&g->r, 60) ? g->s3_pl : g->ddb_pl;
			else
				q.dest_cidr = cidr4_fmt(&c, dest);
			route_create(&g->f.w, &g->f.cx, &q, &g->f.e);
		}
	}
}

static void gen_gateway_endpoint(struct gen *g, struct gvpc *v, const char *short_name)
{
	const char *rtbs[MAX_RTBS];
	size_t n = 0;
	char service[SERVICE_NAME_SIZE];
	struct vpce *ep;

	for (size_t i = 0; i < v->n_rtbs; i++)
		if (chance(&g->r, 55))
			rtbs[n++] = v->rtbs[i];
	catalog_full_name(catalog_find(short_name), g->rg, service);
	vpce_create(&g->f.w, &g->f.cx,
		    &(struct vpce_create_req){ .vpc_id = v->id, .service_name = service,
					       .type = "Gateway", .rtbs = rtbs, .n_rtbs = n,
					       .private_dns = -1 },
		    &ep, &g->f.e);
}

/* Targets that go away after routes name them: the routes turn blackhole. */
static void gen_breakage(struct gen *g, struct gvpc *v)
{
	if (v->n_nats && chance(&g->r, 12))
		nat_delete(&g->f.w, &g->f.cx, v->nats[rnd(&g->r, (uint32_t)v->n_nats)], &g->f.e);
	if (v->vgw[0] && chance(&g->r, 12))
		vgw_detach(&g->f.w, &g->f.cx, v->vgw, v->id, &g->f.e);
	if (v->igw[0] && chance(&g->r, 15))
		igw_detach(&g->f.w, &g->f.cx, v->igw, v->id, &g->f.e);
}

/* A random address of the world: an interface's private or public one. */
static uint32_t some_address(struct gen *g)
{
	const struct world *w = &g->f.w;
	const struct eni *e;

	if (!w->n[RES_ENI])
		return anchor(g);
	e = AS_ENI(w->items[RES_ENI][rnd(&g->r, (uint32_t)w->n[RES_ENI])]);
	return chance(&g->r, 70) || !e->public_ip ? e->private_ip : e->public_ip;
}

static struct sg_peer_spec random_peer(struct gen *g, const struct gvpc *v,
				       char cidr[static CIDR4_STRLEN])
{
	uint32_t k = rnd(&g->r, 100);
	struct res *s = world_get(&g->f.w, v->subnets[rnd(&g->r, (uint32_t)v->n_subnets)],
				  RES_SUBNET);
	struct cidr4 c;

	if (k < 15)
		return (struct sg_peer_spec){ .kind = PEER_PREFIX_LIST,
					      .value = chance(&g->r, 70) ? g->s3_pl : g->ddb_pl };
	if (k < 40)
		return (struct sg_peer_spec){
			.kind = PEER_GROUP, .value = v->groups[rnd(&g->r, (uint32_t)v->n_groups)] };
	switch (rnd(&g->r, 5)) {
	case 0:
		c = (struct cidr4){ 0, 0 };
		break;
	case 1:
		c = g->v[rnd(&g->r, (uint32_t)g->n_vpcs)].cidr;
		break;
	case 2:
		c = AS_SUBNET(s)->cidr;
		break;
	case 3:
		c = (struct cidr4){ some_address(g), 32 };
		break;
	default:
		c = random_cidr(g);
		break;
	}
	cidr4_fmt(&c, cidr);
	return (struct sg_peer_spec){ .kind = PEER_CIDR, .value = cidr };
}

static void add_rule(struct gen *g, const struct gvpc *v, const char *sg_id, bool egress)
{
	static const char *const protos[] = {
		"tcp", "tcp", "tcp", "udp", "udp", "-1", "icmp", "50",
	};
	const char *proto = protos[rnd(&g->r, ARRAY_SIZE(protos))];
	char cidr[CIDR4_STRLEN];
	struct sg_peer_spec peer = random_peer(g, v, cidr);
	struct sg_perm_spec p = { .protocol = proto, .peers = &peer, .n_peers = 1 };
	struct sg *out;
	size_t first;

	if (!strcmp(proto, "tcp") || !strcmp(proto, "udp")) {
		p.has_from = p.has_to = true;
		p.from = pick_port(&g->r);
		p.to = chance(&g->r, 30) ? p.from + rnd(&g->r, 2000) : p.from;
		if (p.to > 65535)
			p.to = 65535;
		if (chance(&g->r, 5)) {
			p.from = 0;
			p.to = 65535;
		}
	} else if (!strcmp(proto, "icmp")) {
		p.has_from = p.has_to = true;
		p.from = p.to = -1;
	}
	sg_authorize(&g->f.w, &g->f.cx, sg_id, egress, &p, 1, &out, &first, &g->f.e);
}

static void gen_groups(struct gen *g, struct gvpc *v)
{
	size_t n = rnd(&g->r, MAX_GROUPS);
	char name[16];
	struct sg *sg;

	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "g%zu", i);
		if (sg_create(&g->f.w, &g->f.cx,
			      &(struct sg_create_req){ .vpc_id = v->id, .name = name,
						       .description = "d" },
			      &sg, &g->f.e) == 0)
			str_lcpy(v->groups[v->n_groups++], sg->res.id, ID_SIZE);
	}
}

/*
 * Rules for every group of 'v', made once the interfaces exist so that /32
 * peers can name them; a third of the groups lose AWS's default egress rule.
 */
static void gen_rules(struct gen *g, struct gvpc *v)
{
	struct sg_peer_spec all = { .kind = PEER_CIDR, .value = "0.0.0.0/0" };
	struct sg_perm_spec every = { .protocol = "-1", .peers = &all, .n_peers = 1 };

	for (size_t i = 0; i < v->n_groups; i++) {
		size_t n_in = rnd(&g->r, 5), n_out = rnd(&g->r, 4);

		if (chance(&g->r, 35)) {
			struct sg_rule *gone = NULL;
			size_t n_gone = 0;

			sg_revoke(&g->f.w, &g->f.cx, v->groups[i], true, &every, 1, NULL, 0, &gone,
				  &n_gone, &g->f.e);
			sg_rules_free(gone, n_gone);
		}
		for (size_t k = 0; k < n_in; k++)
			add_rule(g, v, v->groups[i], false);
		for (size_t k = 0; k < n_out; k++)
			add_rule(g, v, v->groups[i], true);
	}
}

/* 0 to 3 distinct groups of 'v' into 'out'; none means the default group. */
static size_t pick_groups(struct gen *g, const struct gvpc *v, const char *out[MAX_GROUPS])
{
	size_t want = rnd(&g->r, 4), n = 0;

	for (size_t tries = 0; n < want && tries < 8; tries++) {
		const char *id = v->groups[rnd(&g->r, (uint32_t)v->n_groups)];
		bool dup = false;

		for (size_t i = 0; i < n; i++)
			dup |= out[i] == id;
		if (!dup)
			out[n++] = id;
	}
	return n;
}

static void gen_instance(struct gen *g)
{
	struct gvpc *v = &g->v[rnd(&g->r, (uint32_t)g->n_vpcs)];
	const char *groups[MAX_GROUPS];
	struct instance_launch_req q = {
		.image_id = "ami-0123456789abcdef0", .min_count = 1, .max_count = 1,
		.subnet_id = v->subnets[rnd(&g->r, (uint32_t)v->n_subnets)], .groups = groups,
	};
	uint32_t k = rnd(&g->r, 100);
	size_t first;
	struct eip *eip = NULL, *out;

	q.n_groups = pick_groups(g, v, groups);
	q.public_ip = k < 60 ? -1 : k < 80 ? 1 : 0;
	if (instance_launch(&g->f.w, &g->f.cx, &q, &first, &g->f.e) < 0) {
		q.public_ip = 0;
		if (instance_launch(&g->f.w, &g->f.cx, &q, &first, &g->f.e) < 0)
			return;
	}
	if (chance(&g->r, 15) &&
	    eip_allocate(&g->f.w, &g->f.cx, &(struct eip_alloc_req){ 0 }, &eip, &g->f.e) == 0)
		eip_associate(&g->f.w, &g->f.cx,
			      &(struct eip_assoc_req){
				      .alloc_id = eip->res.id,
				      .instance_id = g->f.w.items[RES_INSTANCE][first]->id },
			      &out, &g->f.e);
}

static void gen_interface_endpoint(struct gen *g, struct gvpc *v)
{
	const char *subnets[MAX_SUBNETS], *groups[MAX_GROUPS];
	bool zone_used[REGION_AZS] = { false };
	size_t n = 0;
	char service[SERVICE_NAME_SIZE];
	struct vpce *ep;

	for (size_t i = 0; i < v->n_subnets; i++) {
		const struct subnet *s = AS_SUBNET(world_get(&g->f.w, v->subnets[i], RES_SUBNET));

		if (!zone_used[s->az] && (n == 0 || chance(&g->r, 60))) {
			zone_used[s->az] = true;
			subnets[n++] = v->subnets[i];
		}
	}
	catalog_full_name(catalog_find("sqs"), g->rg, service);
	vpce_create(&g->f.w, &g->f.cx,
		    &(struct vpce_create_req){ .vpc_id = v->id, .service_name = service,
					       .type = "Interface", .subnets = subnets,
					       .n_subnets = n, .groups = groups,
					       .n_groups = pick_groups(g, v, groups),
					       .private_dns = 0 },
		    &ep, &g->f.e);
}

static void gen_world(struct gen *g, uint64_t seed)
{
	bool used[256] = { false };
	size_t n_vpcs, n_inst;

	memset(g, 0, sizeof(*g));
	fixture_init(&g->f);
	g->r.s = seed;
	g->rg = g->f.cx.region;
	catalog_prefix_list_id(catalog_find("s3"), g->rg, g->s3_pl, sizeof(g->s3_pl));
	catalog_prefix_list_id(catalog_find("dynamodb"), g->rg, g->ddb_pl, sizeof(g->ddb_pl));
	g->s3_ip = svcnet_service_ip(&g->f.w, g->rg, catalog_find("s3"));
	g->ddb_ip = svcnet_service_ip(&g->f.w, g->rg, catalog_find("dynamodb"));
	n_vpcs = 1 + rnd(&g->r, MAX_VPCS);
	for (size_t i = 0; i < n_vpcs; i++) {
		uint32_t octet = rnd(&g->r, 256);

		if (used[octet])
			continue;
		used[octet] = true;
		gen_vpc(g, &g->v[g->n_vpcs], octet);
		gen_subnets(g, &g->v[g->n_vpcs]);
		if (g->v[g->n_vpcs].n_subnets)
			g->n_vpcs++;
	}
	for (size_t i = 0; i < g->n_vpcs; i++) {
		struct gvpc *v = &g->v[i];

		gen_tables(g, v);
		gen_nats(g, v);
		if (chance(&g->r, 45))
			gen_gateway_endpoint(g, v, "s3");
		if (chance(&g->r, 30))
			gen_gateway_endpoint(g, v, "dynamodb");
		gen_routes(g, v);
		gen_breakage(g, v);
		gen_groups(g, v);
	}
	n_inst = 1 + rnd(&g->r, MAX_INSTANCES);
	for (size_t i = 0; i < n_inst && g->n_vpcs; i++)
		gen_instance(g);
	for (size_t i = 0; i < g->n_vpcs; i++) {
		if (chance(&g->r, 50))
			gen_interface_endpoint(g, &g->v[i]);
		gen_rules(g, &g->v[i]);
	}
}

/*
 * --- the reference: AWS's rules, applied to the world directly ---
 *
 * The source subnet's table (its association, else the main one), longest
 * prefix match over every route, prefix lists expanded; the local route needs
 * an interface at the address, an internet gateway a public sender address
 * and a public destination, a NAT gateway sends again from its own subnet, a
 * virtual private gateway leaves for on-premises. Security groups are
 * stateful allow lists: egress at the source, ingress where the packet lands.
 * Endpoints and service addresses take TCP 443 and 80 (the fronts' HTTPS and HTTP).
 */

/* What a verdict can be; CLS_OTHER is any layer this test never provokes. */
enum cls { CLS_OK, CLS_ROUTE, CLS_EGRESS, CLS_INGRESS, CLS_PROTOCOL, CLS_OTHER, CLS_N };

static const char *const cls_names[CLS_N] = {
	"reachable", "route", "security-group-egress", "security-group-ingress", "protocol",
	"other",
};

/*
 * The checks in the order a verdict names them: the source's route table,
 * its egress rules, the tables after a NAT gateway, the destination's
 * ingress rules, the route its answers take, the protocol (for an endpoint
 * the protocol first). The first that fails is the verdict.
 */
enum stage { ST_ROUTE, ST_EGRESS, ST_ROUTE_LATER, ST_INGRESS, ST_ANSWER, ST_PROTOCOL, ST_N };

static const enum cls stage_cls[ST_N] = {
	CLS_ROUTE, CLS_EGRESS, CLS_ROUTE, CLS_INGRESS, CLS_ROUTE, CLS_PROTOCOL,
};

static const enum stage order[2][ST_N] = {
	{ ST_ROUTE, ST_EGRESS, ST_ROUTE_LATER, ST_INGRESS, ST_ANSWER, ST_PROTOCOL },
	{ ST_ROUTE, ST_EGRESS, ST_ROUTE_LATER, ST_PROTOCOL, ST_INGRESS, ST_ANSWER },	/* endpoint */
};

struct probe {
	const struct instance *src;
	uint32_t dst;
	int proto;			/* 6 or 17 */
	int port;
};

struct sender {
	const struct subnet *subnet;
	uint32_t private_ip, public_ip;	/* public_ip 0: none */
};

enum path_end { END_BLOCKED, END_LOCAL, END_INTERNET, END_ONPREM, END_GATEWAY_EP, END_N };

static const char *const end_names[END_N] = {
	"blocked", "local", "internet", "on-premises", "gateway-endpoint",
};

/* Why a path stops on the way. */
enum stop {
	STOP_NONE, STOP_NO_ROUTE, STOP_BLACKHOLE, STOP_NO_ENI, STOP_NO_PUBLIC_IP,
	STOP_PRIVATE_VIA_IGW, STOP_NAT_LOOP, STOP_OTHER, STOP_NO_IGW_AT_DST, STOP_N
};

static const char *const stop_names[STOP_N] = {
	"none", "no route", "blackhole", "no interface at the local address",
	"no public address for the internet gateway", "private address via the internet",
	"NAT gateway loop", "unexpected target",
	"no internet gateway in front of the destination",
};

struct path {
	enum path_end end;
	int blocked_hop;		/* -1; 0: the source's table; n: the n'th NAT's */
	uint32_t peer;			/* the source address the destination sees */
	const struct subnet *from;	/* the last sender's subnet */
	const struct eni *eni;		/* END_LOCAL: the interface holding the address */
	int nat_hops;			/* NAT gateways passed */
	enum stop stop;
	char why[192];
};

struct ref {
	enum cls verdict;
	enum path_end end;
	enum stop stop;
	int nat_hops;
	bool failed[ST_N];
	size_t n_problems;
	char why[224];
};

/* The subnet's table: its explicit association, else its VPC's main table. */
static const struct rtb *table_of(const struct world *w, const struct subnet *s)
{
	const struct rtb *main_t = NULL;
	struct res *r;

	WORLD_FOR_EACH(w, RES_RTB, r) {
		const struct rtb *t = AS_RTB(r);

		if (strcmp(t->vpc_id, s->vpc_id))
			continue;
		for (size_t i = 0; i < t->n_assocs; i++) {
			if (t->assocs[i].main)
				main_t = t;
			else if (!strcmp(t->assocs[i].subnet_id, s->res.id))
				return t;
		}
	}
	return main_t;
}

/* The block of an AWS-managed prefix list: its service's addresses in the region. */
static bool pl_block(const struct region *rg, const char *pl_id, struct cidr4 *out)
{
	const struct service *s = catalog_find_prefix_list_in(rg, pl_id);

	if (!s)
		return false;
	*out = catalog_service_cidr(s, rg);
	return true;
}

/*
 * Longest prefix match over every route of 't'; on equal lengths a CIDR
 * route beats a prefix-list route (VPC user guide, "How route priority works").
 */
static const struct route *lpm(const struct region *rg, const struct rtb *t, uint32_t dst)
{
	const struct route *best = NULL;
	int best_len = -1;
	bool best_pl = false;

	for (size_t i = 0; i < t->n_routes; i++) {
		const struct route *rt = &t->routes[i];
		struct cidr4 c = rt->dest;

		if (rt->to_prefix_list && !pl_block(rg, rt->pl_id, &c))
			continue;
		if (!cidr4_contains_ip(&c, dst))
			continue;
		if (c.len > best_len || (c.len == best_len && best_pl && !rt->to_prefix_list)) {
			best = rt;
			best_len = c.len;
			best_pl = rt->to_prefix_list;
		}
	}
	return best;
}

/* A route is a blackhole once its target is gone or has left the table's VPC. */
static bool target_alive(const struct world *w, const struct rtb *t, const struct route *rt)
{
	struct res *x = world_find(w, rt->target_id);

	switch (rt->target) {
	case TARGET_LOCAL:
		return true;
	case TARGET_IGW:
		return x && x->kind == RES_IGW && !strcmp(AS_IGW(x)->vpc_id, t->vpc_id);
	case TARGET_VGW:
		return x && x->kind == RES_VGW && !AS_VGW(x)->deleted &&
		       !strcmp(AS_VGW(x)->vpc_id, t->vpc_id);
	case TARGET_NAT:
		return x && x->kind == RES_NAT && !AS_NAT(x)->deleted;
	case TARGET_VPCE:
		return x && x->kind == RES_VPCE;
	default:
		return false;	/* never generated */
	}
}

/* The interface at 'ip' (its private address, or its 'public' one); never a NAT gateway's. */
static const struct eni *eni_at(const struct world *w, const char *vpc_id, uint32_t ip, bool public)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_ENI, r) {
		const struct eni *e = AS_ENI(r);

		if ((public ? e->public_ip : e->private_ip) != ip || e->type == ENI_NAT_GATEWAY)
			continue;
		if (!vpc_id || !strcmp(e->vpc_id, vpc_id))
			return e;
	}
	return NULL;
}

static bool vpc_has_igw(const struct world *w, const char *vpc_id)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_IGW, r)
		if (!strcmp(AS_IGW(r)->vpc_id, vpc_id))
			return true;
	return false;
}

static const struct service *service_at(const struct region *rg, uint32_t ip)
{
	for (size_t i = 0; i < catalog_count(); i++) {
		const struct service *s = catalog_at(i);
		struct cidr4 c = catalog_service_cidr(s, rg);

		if (cidr4_contains_ip(&c, ip))
			return s;
	}
	return NULL;
}

/* Marks 'p' stopped at table 'hop' by route 'rt' (or none); returns false. */
static bool path_block(struct path *p, int hop, enum stop why, const struct route *rt)
{
	char c[CIDR4_STRLEN];

	p->end = END_BLOCKED;
	p->blocked_hop = hop;
	p->stop = why;
	snprintf(p->why, sizeof(p->why), "%s (hop %d, route %s -> %s)", stop_names[why], hop,
		 rt ? (rt->to_prefix_list ? rt->pl_id : cidr4_fmt(&rt->dest, c)) : "-",
		 rt ? rt->target_id : "-");
	return false;
}

/* The NAT gateway 'id' as the next sender, from its own subnet. */
static bool nat_sender(const struct world *w, const char *id, struct sender *s)
{
	const struct nat *n = AS_NAT(world_get(w, id, RES_NAT));
	struct res *e = world_get(w, n->eni_id, RES_ENI);
	struct res *sub = world_get(w, n->subnet_id, RES_SUBNET);

	if (!e || !sub)
		return false;
	*s = (struct sender){ AS_SUBNET(sub), AS_ENI(e)->private_ip, AS_ENI(e)->public_ip };
	return true;
}

/*
 * Follows the route tables from 's' to 'dst', through NAT gateways, to where
 * the packet leaves. Returns false when it stops on the way.
 */
static bool walk(const struct world *w, const struct region *rg, struct sender s, uint32_t dst,
		 struct path *p)
{
	memset(p, 0, sizeof(*p));
	p->blocked_hop = -1;
	for (int hop = 0; hop <= MAX_NAT_HOPS; hop++) {
		const struct rtb *t = table_of(w, s.subnet);
		const struct route *rt = t ? lpm(rg, t, dst) : NULL;

		if (!rt)
			return path_block(p, hop, STOP_NO_ROUTE, NULL);
		if (!target_alive(w, t, rt))
			return path_block(p, hop, STOP_BLACKHOLE, rt);
		p->peer = s.private_ip;
		p->from = s.subnet;
		switch (rt->target) {
		case TARGET_LOCAL:
			p->eni = eni_at(w, t->vpc_id, dst, false);
			if (!p->eni)
				return path_block(p, hop, STOP_NO_ENI, rt);
			p->end = END_LOCAL;
			return true;
		case TARGET_IGW:
			if (!s.public_ip)
				return path_block(p, hop, STOP_NO_PUBLIC_IP, rt);
			if (is_private(dst))
				return path_block(p, hop, STOP_PRIVATE_VIA_IGW, rt);
			p->peer = s.public_ip;
			p->end = END_INTERNET;
			return true;
		case TARGET_VGW:
			p->end = END_ONPREM;
			return true;
		case TARGET_VPCE:
			p->end = END_GATEWAY_EP;
			return true;
		case TARGET_NAT:
			if (!nat_sender(w, rt->target_id, &s))
				return path_block(p, hop, STOP_OTHER, rt);
			p->nat_hops++;
			break;
		default:
			return path_block(p, hop, STOP_OTHER, rt);
		}
	}
	return path_block(p, MAX_NAT_HOPS, STOP_NAT_LOOP, NULL);
}

/* True when 'ip' is the private address of an interface in group 'sg_id'. */
static bool member_at(const struct world *w, const char *sg_id, uint32_t ip)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_ENI, r) {
		const struct eni *e = AS_ENI(r);

		if (e->private_ip != ip)
			continue;
		for (size_t i = 0; i < e->n_groups; i++)
			if (!strcmp(e->groups[i], sg_id))
				return true;
	}
	return false;
}

static bool rule_matches(const struct world *w, const struct region *rg, const struct sg_rule *rl,
			 const struct probe *q, uint32_t other)
{
	struct cidr4 c;

	if (rl->proto != -1 && rl->proto != q->proto)
		return false;
	if ((rl->proto == 6 || rl->proto == 17) &&
	    (q->port < rl->from_port || q->port > rl->to_port))
		return false;
	switch (rl->peer) {
	case PEER_CIDR:
		return cidr4_contains_ip(&rl->cidr, other);
	case PEER_PREFIX_LIST:
		return pl_block(rg, rl->peer_id, &c) && cidr4_contains_ip(&c, other);
	case PEER_GROUP:
		return member_at(w, rl->peer_id, other);
	}
	return false;
}

/* Security groups are stateful and allow-only: some rule of some group must match. */
static bool sg_allows(const struct world *w, const struct region *rg, const struct eni *e,
		      bool egress, const struct probe *q, uint32_t other)
{
	for (size_t i = 0; i < e->n_groups; i++) {
		struct res *r = world_get(w, e->groups[i], RES_SG);

		for (size_t k = 0; r && k < AS_SG(r)->n_rules; k++) {
			const struct sg_rule *rl = &AS_SG(r)->rules[k];

			if (rl->egress == egress && rule_matches(w, rg, rl, q, other))
				return true;
		}
	}
	return false;
}

/*
 * The interface that receives the packet at the end of 'p' and the source
 * address it sees; NULL when the path stops before one or leaves the region.
 */
static const struct eni *receiver(const struct world *w, const struct path *p, uint32_t dst,
				  uint32_t *peer)
{
	*peer = p->peer;
	if (p->end == END_LOCAL)
		return p->eni;
	if (p->end == END_INTERNET)
		return eni_at(w, NULL, dst, true);
	return NULL;
}

/*
 * The answers leave the receiver by its subnet's route table, which must
 * send them back the way the request came: to the internet gateway, or over
 * the local route (within a subnet nothing is routed, but an endpoint's
 * answers come from PrivateLink and are).
 */
static bool answer_lost(const struct world *w, const struct region *rg, const struct path *p,
			const struct eni *de, uint32_t peer)
{
	struct res *sub = world_get(w, de->subnet_id, RES_SUBNET);
	const struct rtb *t = sub ? table_of(w, AS_SUBNET(sub)) : NULL;
	const struct route *rt = t ? lpm(rg, t, peer) : NULL;
	enum route_target back = p->end == END_INTERNET ? TARGET_IGW : TARGET_LOCAL;

	if (back == TARGET_LOCAL && de->type != ENI_VPC_ENDPOINT && sub &&
	    AS_SUBNET(sub) == p->from)
		return false;
	return !rt || rt->target != back || !target_alive(w, t, rt);
}

/* Services take HTTPS, and S3 and DynamoDB HTTP too, whether by an endpoint or their addresses. */
static bool protocol_refused(const struct world *w, const struct region *rg, const struct eni *e,
			     const struct probe *q)
{
	const struct service *s = service_at(rg, q->dst);

	if (e && e->type == ENI_VPC_ENDPOINT) {
		struct res *v = world_get(w, e->owner_res_id, RES_VPCE);
		const struct region *vr;

		s = v ? catalog_parse_name(AS_VPCE(v)->service, &vr) : NULL;
	} else if (!s) {
		return false;
	}
	return q->proto != 6 || (q->port != 443 && !(s && s->gateway && q->port == 80));
}

/* Fills 'out' with every problem of 'q' and the verdict they make. */
static void reference(const struct world *w, const struct region *rg, const struct probe *q,
		      struct ref *out)
{
	const struct eni *se = AS_ENI(world_get(w, q->src->eni_id, RES_ENI)), *de;
	struct sender s = { AS_SUBNET(world_get(w, q->src->subnet_id, RES_SUBNET)), se->private_ip,
			    se->public_ip };
	struct cidr4 pool = region_public_pool();
	bool endpoint = false;
	struct path p;
	uint32_t peer;

	memset(out, 0, sizeof(*out));
	walk(w, rg, s, q->dst, &p);
	out->end = p.end;
	out->stop = p.stop;
	out->nat_hops = p.nat_hops;
	out->failed[ST_ROUTE] = p.blocked_hop == 0;
	out->failed[ST_EGRESS] = !sg_allows(w, rg, se, true, q, q->dst);
	out->failed[ST_ROUTE_LATER] = p.blocked_hop > 0;
	snprintf(out->why, sizeof(out->why), "%s", p.end == END_BLOCKED ? p.why : "");
	if (p.end != END_ONPREM) {
		de = receiver(w, &p, q->dst, &peer);
		if (p.end == END_INTERNET && de && !vpc_has_igw(w, de->vpc_id)) {
			out->failed[ST_ROUTE_LATER] = true;
			out->stop = STOP_NO_IGW_AT_DST;
			snprintf(out->why, sizeof(out->why), "no internet gateway before %s",
				 de->res.id);
		}
		if (p.end == END_INTERNET && !de && !service_at(rg, q->dst) &&
		    cidr4_contains_ip(&pool, q->dst)) {
			out->failed[ST_ROUTE_LATER] = true;
			out->stop = STOP_NO_ENI;
			snprintf(out->why, sizeof(out->why), "nobody holds public address %08x", q->dst);
		}
		out->failed[ST_INGRESS] = de && !sg_allows(w, rg, de, false, q, peer);
		out->failed[ST_ANSWER] = de && answer_lost(w, rg, &p, de, peer);
		out->failed[ST_PROTOCOL] = protocol_refused(w, rg, de, q);
		/* An endpoint takes TCP only whatever its groups admit: that is named first. */
		endpoint = de && de->type == ENI_VPC_ENDPOINT;
	}
	out->verdict = CLS_OK;
	for (int i = ST_N - 1; i >= 0; i--) {
		enum stage st = order[endpoint][i];

		if (out->failed[st]) {
			out->verdict = stage_cls[st];
			out->n_problems++;
		}
	}
}

/* --- queries --- */

struct targets {
	const struct instance *insts[MAX_INSTANCES * 2];
	size_t n_insts;
	uint32_t endpoints[MAX_VPCS * REGION_AZS];
	size_t n_endpoints;
	uint32_t publics[MAX_INSTANCES * 2];
	size_t n_publics;
	uint32_t avoid[MAX_VPCS * MAX_NATS * 2];	/* NAT gateways' addresses */
	size_t n_avoid;
};

static void targets_collect(const struct world *w, struct targets *t)
{
	struct res *r;

	memset(t, 0, sizeof(*t));
	WORLD_FOR_EACH(w, RES_INSTANCE, r)
		if (world_get(w, AS_INSTANCE(r)->eni_id, RES_ENI) &&
		    t->n_insts < ARRAY_SIZE(t->insts))
			t->insts[t->n_insts++] = AS_INSTANCE(r);
	WORLD_FOR_EACH(w, RES_ENI, r) {
		const struct eni *e = AS_ENI(r);

		if (e->type == ENI_VPC_ENDPOINT && t->n_endpoints < ARRAY_SIZE(t->endpoints))
			t->endpoints[t->n_endpoints++] = e->private_ip;
		if (e->type == ENI_INTERFACE && e->public_ip &&
		    t->n_publics < ARRAY_SIZE(t->publics))
			t->publics[t->n_publics++] = e->public_ip;
		if (e->type == ENI_NAT_GATEWAY && t->n_avoid + 2 <= ARRAY_SIZE(t->avoid)) {
			t->avoid[t->n_avoid++] = e->private_ip;
			t->avoid[t->n_avoid++] = e->public_ip;
		}
	}
}

static uint32_t random_dst(struct gen *g)
{
	const struct gvpc *v = &g->v[rnd(&g->r, (uint32_t)g->n_vpcs)];
	const char *id = v->subnets[rnd(&g->r, (uint32_t)v->n_subnets)];
	const struct subnet *s = AS_SUBNET(world_get(&g->f.w, id, RES_SUBNET));
	uint32_t k = rnd(&g->r, 100);

	if (k < 20)
		return s->cidr.addr | (4 + rnd(&g->r, 251));	/* never AWS's reserved five */
	if (k < 30)
		return v->cidr.addr | rnd(&g->r, 256) << 8 | (4 + rnd(&g->r, 251));
	if (k < 45)
		return 0xc6130000u | (1 + rnd(&g->r, 254));
	return anchor(g);
}

static bool avoided(const struct targets *t, const struct eni *src, uint32_t ip)
{
	if (ip == src->private_ip || ip == src->public_ip || ip == 0)
		return true;
	for (size_t i = 0; i < t->n_avoid; i++)
		if (t->avoid[i] == ip)
			return true;
	return false;
}

/* A destination of each kind the brief names: an instance, an endpoint, a service, anything. */
static uint32_t pick_dst(struct gen *g, const struct targets *t, const struct eni *src)
{
	for (int tries = 0; tries < 16; tries++) {
		uint32_t k = rnd(&g->r, 100), ip;

		if (k < 35 && t->n_insts > 1)
			ip = t->insts[rnd(&g->r, (uint32_t)t->n_insts)]->private_ip;
		else if (k < 50 && t->n_endpoints)
			ip = t->endpoints[rnd(&g->r, (uint32_t)t->n_endpoints)];
		else if (k < 70)
			ip = chance(&g->r, 75) ? g->s3_ip : g->ddb_ip;
		else if (k < 77 && t->n_publics)
			ip = t->publics[rnd(&g->r, (uint32_t)t->n_publics)];
		else
			ip = random_dst(g);
		if (!avoided(t, src, ip))
			return ip;
	}
	return 0x08080808u;
}

static void pick_probe(struct gen *g, const struct targets *t, struct probe *q)
{
	const struct eni *src;
	bool svc;

	q->src = t->insts[rnd(&g->r, (uint32_t)t->n_insts)];
	src = AS_ENI(world_get(&g->f.w, q->src->eni_id, RES_ENI));
	q->dst = pick_dst(g, t, src);
	svc = service_at(g->rg, q->dst) || eni_at(&g->f.w, NULL, q->dst, false);
	q->proto = chance(&g->r, 75) ? 6 : 17;
	q->port = pick_port(&g->r);
	if (svc && chance(&g->r, 60))
		q->port = chance(&g->r, 80) ? 443 : 80;
}

/* --- comparing --- */

struct tally {
	size_t single[CLS_N];		/* cases with at most one problem, by verdict */
	size_t multi;			/* cases with several problems */
	size_t multi_exact;		/* ... where the analyzer named the reference's first */
	size_t order_diff;		/* ... where it named another of them */
	size_t wrong;			/* real disagreements */
	size_t dumps;
	/* Mismatches by (analyzer, reference, why the path stopped, several problems). */
	size_t kinds[CLS_N][CLS_N][STOP_N][2];
	size_t ends[END_N];		/* every case, by where its path ends */
	size_t stops[STOP_N];		/* blocked paths, by why */
	size_t via_nat;			/* paths through a NAT gateway */
};

static enum cls cls_of(enum reach_block b)
{
	switch (b) {
	case REACH_NONE:
		return CLS_OK;
	case REACH_ROUTE:
		return CLS_ROUTE;
	case REACH_SG_EGRESS:
		return CLS_EGRESS;
	case REACH_SG_INGRESS:
		return CLS_INGRESS;
	case REACH_PROTOCOL:
		return CLS_PROTOCOL;
	default:
		return CLS_OTHER;
	}
}

static void dump_rules(const struct sg *g)
{
	char c[CIDR4_STRLEN];

	for (size_t i = 0; i < g->n_rules; i++) {
		const struct sg_rule *rl = &g->rules[i];

		fprintf(stderr, "      %s proto %d ports %d-%d %s\n", rl->egress ? "out" : "in ",
			rl->proto, rl->from_port, rl->to_port,
			rl->peer == PEER_CIDR ? cidr4_fmt(&rl->cidr, c) : rl->peer_id);
	}
}

static void dump_world(const struct world *w)
{
	char a[CIDR4_STRLEN], b[IP4_STRLEN];
	struct res *r;

	WORLD_FOR_EACH(w, RES_SUBNET, r)
		fprintf(stderr, "    %s %s %s\n", r->id, AS_SUBNET(r)->vpc_id,
			cidr4_fmt(&AS_SUBNET(r)->cidr, a));
	WORLD_FOR_EACH(w, RES_RTB, r) {
		const struct rtb *t = AS_RTB(r);

		fprintf(stderr, "    %s %s\n", r->id, t->vpc_id);
		for (size_t i = 0; i < t->n_assocs; i++)
			fprintf(stderr, "      assoc %s\n",
				t->assocs[i].main ? "main" : t->assocs[i].subnet_id);
		for (size_t i = 0; i < t->n_routes; i++)
			fprintf(stderr, "      %s -> %s%s\n",
				t->routes[i].to_prefix_list ? t->routes[i].pl_id
							    : cidr4_fmt(&t->routes[i].dest, a),
				t->routes[i].target_id,
				target_alive(w, t, &t->routes[i]) ? "" : " (blackhole)");
	}
	WORLD_FOR_EACH(w, RES_SG, r) {
		fprintf(stderr, "    %s %s\n", r->id, AS_SG(r)->vpc_id);
		dump_rules(AS_SG(r));
	}
	WORLD_FOR_EACH(w, RES_ENI, r) {
		const struct eni *e = AS_ENI(r);

		fprintf(stderr, "    %s %s %s public %s type %d owner %s groups", r->id,
			e->subnet_id, ip4_fmt(e->private_ip, a), ip4_fmt(e->public_ip, b),
			(int)e->type, e->owner_res_id);
		for (size_t i = 0; i < e->n_groups; i++)
			fprintf(stderr, " %s", e->groups[i]);
		fputc('\n', stderr);
	}
	WORLD_FOR_EACH(w, RES_NAT, r)
		fprintf(stderr, "    %s subnet %s%s%s\n", r->id, AS_NAT(r)->subnet_id,
			AS_NAT(r)->private_ ? " private" : "",
			AS_NAT(r)->deleted ? " deleted" : "");
	WORLD_FOR_EACH(w, RES_IGW, r)
		fprintf(stderr, "    %s vpc '%s'\n", r->id, AS_IGW(r)->vpc_id);
	WORLD_FOR_EACH(w, RES_VGW, r)
		fprintf(stderr, "    %s vpc '%s'\n", r->id, AS_VGW(r)->vpc_id);
}

static void print_case(const char *what, uint64_t seed, size_t qi, const struct probe *q,
		       const struct ref *ref, const struct reach_result *res)
{
	char ip[IP4_STRLEN];
	struct buf text;

	fprintf(stderr, "reach_random: %s: world seed 0x%llx query %zu: %s -> %s %s/%d: "
		"analyzer %s, reference %s [", what, (unsigned long long)seed, qi, q->src->res.id,
		ip4_fmt(q->dst, ip), q->proto == 6 ? "tcp" : "udp", q->port,
		reach_block_name(res->blocked_at) ? reach_block_name(res->blocked_at) : "reachable",
		cls_names[ref->verdict]);
	for (int i = 0; i < ST_N; i++)
		if (ref->failed[i])
			fprintf(stderr, " %s%s", cls_names[stage_cls[i]],
				i == ST_ROUTE_LATER ? "(later)" : "");
	fprintf(stderr, " ] %s\n", ref->why);
	buf_init(&text, 1 << 16);
	reach_result_text(res, &text);
	fprintf(stderr, "%s", text.p);
	buf_release(&text);
}

/* Counts a mismatch by its kind; true the first time the kind comes up. */
static bool first_of_kind(struct tally *t, enum cls got, const struct ref *ref)
{
	return t->kinds[got][ref->verdict][ref->stop][ref->n_problems > 1]++ == 0;
}

/*
 * A case with at most one problem must get the reference's verdict. With
 * several, the analyzer may name another of them (its order of checks);
 * reachable against blocked is still a disagreement. Each kind of case is
 * printed once.
 */
static void compare(struct tally *t, const struct world *w, uint64_t seed, size_t qi,
		    const struct probe *q, const struct ref *ref, const struct reach_result *res)
{
	enum cls got = cls_of(res->blocked_at);
	bool exact = got == ref->verdict;
	bool same_side = (got == CLS_OK) == (ref->verdict == CLS_OK) && got != CLS_OTHER;

	t->ends[ref->end]++;
	t->stops[ref->stop]++;
	t->via_nat += ref->nat_hops > 0;
	if (ref->n_problems <= 1) {
		t->single[ref->verdict]++;
	} else {
		t->multi++;
		t->multi_exact += exact;
		if (!exact && same_side) {
			t->order_diff++;
			if (first_of_kind(t, got, ref))
				print_case("order (several problems)", seed, qi, q, ref, res);
		}
	}
	if (exact || (ref->n_problems > 1 && same_side))
		return;
	t->wrong++;
	if (!first_of_kind(t, got, ref))
		return;
	print_case("disagreement", seed, qi, q, ref, res);
	if (t->dumps++ < MAX_DUMPS)
		dump_world(w);
}

static void run_world(struct tally *t, uint64_t seed)
{
	struct gen g;
	struct targets tg;
	struct reach *rx = NULL;
	struct err e = { 0 };

	gen_world(&g, seed);
	targets_collect(&g.f.w, &tg);
	if (tg.n_insts &&
	    reach_new(&(struct reach_input){ .w = &g.f.w, .region = g.rg }, &rx, &e) < 0)
		check_fail(__FILE__, __LINE__, "reach_new: %s (seed 0x%llx)", e.msg,
			   (unsigned long long)seed);
	for (size_t i = 0; rx && i < N_QUERIES; i++) {
		struct probe q;
		struct ref ref;
		struct reach_result res;
		char to[IP4_STRLEN];

		pick_probe(&g, &tg, &q);
		reference(&g.f.w, g.rg, &q, &ref);
		if (reach_explain(rx, &(struct reach_query){ .from = q.src->res.id,
							      .to = ip4_fmt(q.dst, to),
							      .port = q.port, .proto = q.proto },
				  &res, &e) < 0) {
			check_fail(__FILE__, __LINE__, "reach_explain %s -> %s: %s (seed 0x%llx)",
				   q.src->res.id, to, e.msg, (unsigned long long)seed);
			continue;
		}
		compare(t, &g.f.w, seed, i, &q, &ref, &res);
	}
	reach_free(rx);
	fixture_release(&g.f);
}

static void print_kind(const struct tally *t, int got, int want, int stop, int several)
{
	size_t n = t->kinds[got][want][stop][several];

	if (n)
		fprintf(stderr, "reach_random: %zu x analyzer %s, reference %s (%s%s)\n", n,
			cls_names[got], cls_names[want], stop_names[stop],
			several ? ", several problems" : "");
}

static void print_tally(const struct tally *t)
{
	fprintf(stderr, "reach_random: single-problem cases:");
	for (int c = 0; c < CLS_OTHER; c++)
		fprintf(stderr, " %s %zu", cls_names[c], t->single[c]);
	fprintf(stderr, "; several problems %zu (first named %zu, another named %zu); "
		"disagreements %zu\n", t->multi, t->multi_exact, t->order_diff, t->wrong);
	fprintf(stderr, "reach_random: paths:");
	for (int i = 0; i < END_N; i++)
		fprintf(stderr, " %s %zu", end_names[i], t->ends[i]);
	fprintf(stderr, ", through a NAT gateway %zu; stopped by:", t->via_nat);
	for (int i = 1; i < STOP_N; i++)
		fprintf(stderr, " %s %zu%s", stop_names[i], t->stops[i],
			i + 1 < STOP_N ? "," : "\n");
	for (int a = 0; a < CLS_N; a++)
		for (int b = 0; b < CLS_N; b++)
			for (int k = 0; k < STOP_N; k++)
				for (int m = 0; m < 2; m++)
					print_kind(t, a, b, k, m);
}

void test_reach_random(void)
{
	const char *one = getenv("REACH_RANDOM_SEED");
	struct tally t = { 0 };
	struct rng seeds = { BASE_SEED };

	if (one) {
		run_world(&t, strtoull(one, NULL, 0));
	} else {
		for (size_t i = 0; i < N_WORLDS; i++)
			run_world(&t, rng_next(&seeds));
		for (int c = 0; c < CLS_OTHER; c++)
			CHECK(t.single[c] >= MIN_PER_CLASS);
	}
	CHECK_EQ(t.wrong, 0);
	if (one || t.wrong || t.order_diff || getenv("REACH_RANDOM_STATS"))
		print_tally(&t);
}
