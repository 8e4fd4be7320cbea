/* SPDX-License-Identifier: MIT */
/*
 * The network plan (core/netplan.c) of a world built with the ops: a VPC with
 * a public subnet (internet gateway, NAT gateway, an instance with a public
 * address) and a private one (an instance behind the NAT), a security group
 * that admits its own members, a virtual private gateway.
 */
#include "compat.h"
#include "check.h"

#include "core/host_ops.h"
#include "core/net_ops.h"
#include "core/catalog.h"
#include "core/netplan.h"
#include "world_fixture.h"

void test_core_netplan(void);

struct net {
	struct fixture f;
	struct vpc *vpc;
	struct subnet *pub, *priv;
	struct rtb *pub_rtb;
	struct igw *igw;
	struct nat *nat;
	struct sg *web;
	struct instance *a, *b;
	struct vgw *vgw;
};

static struct subnet *mk_subnet(struct net *n, const char *cidr, const char *az)
{
	struct subnet *s = fixture_subnet(&n->f, n->vpc->res.id, cidr, az);

	CHECK(s != NULL);
	return s;
}

static struct instance *launch(struct net *n, struct subnet *s, int public_ip)
{
	const char *groups[] = { n->web->res.id };
	size_t first = 0;

	CHECK_EQ(instance_launch(&n->f.w, &n->f.cx,
				 &(struct instance_launch_req){ .image_id = "ami-0123456789abcdef0", .min_count = 1,
								.max_count = 1, .subnet_id = s->res.id,
								.groups = groups, .n_groups = 1,
								.public_ip = public_ip },
				 &first, &n->f.e), 0);
	return AS_INSTANCE(n->f.w.items[RES_INSTANCE][first]);
}

static void route(struct net *n, const char *rtb, const char *dest, const char *gw,
		  const char *nat)
{
	CHECK_EQ(route_create(&n->f.w, &n->f.cx,
			      &(struct route_req){ .rtb_id = rtb, .dest_cidr = dest, .gateway_id = gw,
						   .nat_id = nat },
			      &n->f.e), 0);
}

/* Adds (or deletes) the route to 'dest' through instance 'id' (a middlebox) in table 'rtb'. */
static void route_mb(struct net *n, const char *rtb, const char *dest, const char *id, bool add)
{
	struct route_req req = { .rtb_id = rtb, .dest_cidr = dest, .instance_id = id };

	CHECK_EQ((add ? route_create : route_delete)(&n->f.w, &n->f.cx, &req, &n->f.e), 0);
}

static void build(struct net *n)
{
	struct world *w = &n->f.w;
	struct ctx *cx = &n->f.cx;
	struct eip *eip = NULL;
	char assoc[ID_SIZE];
	struct sg_perm_spec perm;
	struct sg_peer_spec peer;
	struct sg *out;
	size_t first;

	fixture_init(&n->f);
	CHECK_EQ(vpc_create(w, cx, &(struct vpc_create_req){ .cidr = "10.0.0.0/16" }, &n->vpc,
			    &n->f.e), 0);
	n->pub = mk_subnet(n, "10.0.1.0/24", "us-east-1a");
	n->priv = mk_subnet(n, "10.0.2.0/24", "us-east-1b");
	CHECK_EQ(igw_create(w, cx, &n->igw, &n->f.e), 0);
	CHECK_EQ(igw_attach(w, cx, n->igw->res.id, n->vpc->res.id, &n->f.e), 0);
	CHECK_EQ(rtb_create(w, cx, n->vpc->res.id, &n->pub_rtb, &n->f.e), 0);
	CHECK_EQ(rtb_associate(w, cx, n->pub_rtb->res.id, n->pub->res.id, assoc, &n->f.e), 0);
	route(n, n->pub_rtb->res.id, "0.0.0.0/0", n->igw->res.id, NULL);
	CHECK_EQ(eip_allocate(w, cx, &(struct eip_alloc_req){ 0 }, &eip, &n->f.e), 0);
	CHECK_EQ(nat_create(w, cx,
			    &(struct nat_create_req){ .subnet_id = n->pub->res.id,
						      .alloc_id = eip->res.id },
			    &n->nat, &n->f.e), 0);
	route(n, n->vpc->main_rtb_id, "0.0.0.0/0", NULL, n->nat->res.id);
	CHECK_EQ(sg_create(w, cx,
			   &(struct sg_create_req){ .vpc_id = n->vpc->res.id, .name = "web",
						    .description = "web" },
			   &n->web, &n->f.e), 0);
	peer = (struct sg_peer_spec){ .kind = PEER_GROUP, .value = n->web->res.id };
	perm = (struct sg_perm_spec){ .protocol = "tcp", .has_from = true, .has_to = true,
				      .from = 80, .to = 80, .peers = &peer, .n_peers = 1 };
	CHECK_EQ(sg_authorize(w, cx, n->web->res.id, false, &perm, 1, &out, &first, &n->f.e), 0);
	n->a = launch(n, n->pub, 1);
	n->b = launch(n, n->priv, 0);
	CHECK_EQ(vgw_create(w, cx, &(struct vgw_create_req){ .type = "ipsec.1", .asn = -1 }, &n->vgw,
			    &n->f.e), 0);
	CHECK_EQ(vgw_attach(w, cx, n->vgw->res.id, n->vpc->res.id, &n->f.e), 0);
}

static const struct np_route *find_route(const struct np_plan *p, uint32_t table,
					 const char *dst)
{
	struct cidr4 want;

	CHECK_EQ(cidr4_parse(str_c(dst), &want), 0);
	for (size_t i = 0; i < p->n_routes; i++)
		if (p->routes[i].table == table && cidr4_eq(&p->routes[i].dst, &want))
			return &p->routes[i];
	return NULL;
}

static const struct np_rule *rule_for(const struct np_plan *p, const struct subnet *s,
				      uint32_t prio)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].subnet == s && p->rules[i].prio == prio)
			return &p->rules[i];
	return NULL;
}

static const struct np_port *port_of(const struct np_plan *p, const struct instance *in)
{
	for (size_t i = 0; i < p->n_ports; i++)
		if (!strcmp(p->ports[i].eni->res.id, in->eni_id))
			return &p->ports[i];
	return NULL;
}

static void test_layout(struct net *n, const struct np_plan *p)
{
	long vpc = netplan_ns_find(p, n->vpc->res.id), a = netplan_ns_find(p, n->a->res.id);
	char br[NP_IFNAME_SIZE];
	size_t routers = 0, ports = 0;

	CHECK_EQ(p->n_ns, 6);	/* region, VPC, on-premises, two instances, the NAT */
	CHECK_EQ(p->ns[0].kind, NP_NS_REGION);
	CHECK_STREQ(p->ns[0].name, "t1-region");
	CHECK(vpc > 0 && p->ns[vpc].forwarding);
	CHECK(a > 0 && !p->ns[a].forwarding);
	/* The NAT gateway took 10.0.1.4, the first free address. */
	CHECK_STREQ(p->ns[a].hostname, "ip-10-0-1-5.ec2.internal");
	CHECK_EQ(p->ns[a].nameserver, 0x0A000002);	/* 10.0.0.2 */
	CHECK(netplan_ns_find(p, n->vgw->res.id) > 0);
	CHECK(netplan_ns_find(p, n->nat->res.id) > 0);
	/* The subnet's bridge carries the router at base+1; an ENI is a port of it. */
	snprintf(br, sizeof(br), "br%s", n->pub->res.id + strlen(n->pub->res.id) - 13);
	for (size_t i = 0; i < p->n_addrs; i++)
		if (p->addrs[i].ns == (size_t)vpc && !strcmp(p->addrs[i].dev, br)) {
			CHECK_EQ(p->addrs[i].ip, 0x0A000101);
			routers++;
		}
	CHECK_EQ(routers, 1);
	for (size_t i = 0; i < p->n_links; i++) {
		CHECK(strlen(p->links[i].name) < NP_IFNAME_SIZE);
		if (!strcmp(p->links[i].res_id, n->a->eni_id)) {
			CHECK_STREQ(p->links[i].master, br);
			CHECK_STREQ(p->links[i].peer, "eth0");
			CHECK_EQ(p->links[i].peer_ns, (size_t)a);
			ports++;
		}
	}
	CHECK_EQ(ports, 1);
}

static void test_routing(struct net *n, const struct np_plan *p)
{
	const struct np_rule *rp = rule_for(p, n->pub, NP_RULE_LOOKUP_PRIO);
	const struct np_rule *rq = rule_for(p, n->priv, NP_RULE_LOOKUP_PRIO);
	const struct np_route *r;

	CHECK(rp && rq && rule_for(p, n->priv, NP_RULE_DROP_PRIO));
	if (!rp || !rq)
		return;
	CHECK(rp->rtb == n->pub_rtb);			/* its association */
	CHECK(!strcmp(rq->rtb->res.id, n->vpc->main_rtb_id));	/* the main table */
	CHECK(rp->table != rq->table && rp->table >= NP_TABLE_BASE);
	r = find_route(p, rp->table, "0.0.0.0/0");
	CHECK(r && r->hop == NP_HOP_VIA && r->via == NP_IGW_REGION_IP &&
	      !strcmp(r->dev, "igw0") && r->rtb == n->pub_rtb);
	r = find_route(p, rq->table, "0.0.0.0/0");
	CHECK(r && r->hop == NP_HOP_VIA && r->via == n->nat->private_ip);
	/* The local route: each subnet on its bridge, the rest of the block dropped. */
	r = find_route(p, rq->table, "10.0.2.0/24");
	CHECK(r && r->hop == NP_HOP_DEV);
	r = find_route(p, rq->table, "10.0.0.0/16");
	CHECK(r && r->hop == NP_HOP_BLACKHOLE);
	/* The on-premises side routes the VPC's block back through the gateway. */
	r = find_route(p, 0, "10.0.0.0/16");
	CHECK(r && r->ns == (size_t)netplan_ns_find(p, n->vgw->res.id) && r->via == NP_VGW_ROUTER_IP);
}

static void test_filters(struct net *n, const struct np_plan *p)
{
	const struct np_port *pa = port_of(p, n->a), *pb = port_of(p, n->b);
	size_t found = 0;

	CHECK(pa && pb);
	if (!pa || !pb)
		return;
	CHECK_EQ(pa->ip, n->a->private_ip);
	/* AWS's default egress rule, and ingress on 80 from the group's members. */
	CHECK_EQ(pa->n_out, 1);
	CHECK_EQ(pa->out[0].n_peers, 1);
	CHECK_EQ(pa->out[0].peers[0].len, 0);
	CHECK_EQ(pa->n_in, 1);
	CHECK_EQ(pa->in[0].proto, 6);
	CHECK_EQ(pa->in[0].n_peers, 2);
	for (size_t i = 0; i < pa->in[0].n_peers; i++)
		found += pa->in[0].peers[i].len == 32 &&
			 (pa->in[0].peers[i].addr == n->a->private_ip ||
			  pa->in[0].peers[i].addr == n->b->private_ip);
	CHECK_EQ(found, 2);
	/* One-to-one translation for the instance with a public address and for the NAT. */
	CHECK_EQ(p->n_nats, 2);
}

/* A NAT gateway deleted: the routes to it show as blackholes, its namespace goes. */
static void test_deleted_target(struct net *n)
{
	struct np_plan p;
	const struct np_rule *rq;
	const struct np_route *r;

	CHECK_EQ(nat_delete(&n->f.w, &n->f.cx, n->nat->res.id, &n->f.e), 0);
	CHECK_EQ(netplan_compile(&n->f.w, n->f.cx.region, "t1-", &p), 0);
	rq = rule_for(&p, n->priv, NP_RULE_LOOKUP_PRIO);
	r = rq ? find_route(&p, rq->table, "0.0.0.0/0") : NULL;
	CHECK(r && r->hop == NP_HOP_BLACKHOLE);
	CHECK_EQ(netplan_ns_find(&p, n->nat->res.id), -1);
	CHECK_EQ(p.n_nats, 1);	/* the instance's; the NAT's address went with it */
	netplan_release(&p);
}

/* True when no two routes of one kernel table have the same prefix: the kernel holds one. */
static bool one_route_per_prefix(const struct np_plan *p)
{
	for (size_t i = 0; i < p->n_routes; i++)
		for (size_t k = i + 1; k < p->n_routes; k++)
			if (p->routes[i].ns == p->routes[k].ns &&
			    p->routes[i].table == p->routes[k].table &&
			    cidr4_eq(&p->routes[i].dst, &p->routes[k].dst))
				return false;
	return true;
}

/*
 * A static route to exactly a subnet's block (AWS's more specific routes,
 * to a middlebox) takes it from the local route, and a subnet may be its
 * VPC's whole block: either way one kernel route per prefix (tests/netns/118
 * found the data plane retrying "File exists" each second).
 */
static void test_more_specific(struct net *n)
{
	struct vpc *small;
	struct np_plan p;
	const struct np_rule *rq;
	const struct np_route *r;

	route_mb(n, n->vpc->main_rtb_id, "10.0.1.0/24", n->b->res.id, true);
	CHECK_EQ(vpc_create(&n->f.w, &n->f.cx, &(struct vpc_create_req){ .cidr = "10.9.0.0/24" },
			    &small, &n->f.e), 0);
	CHECK(fixture_subnet(&n->f, small->res.id, "10.9.0.0/24", "us-east-1a") != NULL);
	CHECK_EQ(netplan_compile(&n->f.w, n->f.cx.region, "t1-", &p), 0);
	CHECK(one_route_per_prefix(&p));
	rq = rule_for(&p, n->priv, NP_RULE_LOOKUP_PRIO);
	r = rq ? find_route(&p, rq->table, "10.0.1.0/24") : NULL;
	CHECK(r && r->hop == NP_HOP_VIA && r->via == n->b->private_ip);
	r = rq ? find_route(&p, rq->table, "10.0.2.0/24") : NULL;
	CHECK(r && r->hop == NP_HOP_DEV);
	r = NULL;
	for (size_t i = 0; i < p.n_routes; i++)
		if (p.routes[i].ns == (size_t)netplan_ns_find(&p, small->res.id) &&
		    p.routes[i].dst.addr == 0x0A090000u)
			r = &p.routes[i];
	CHECK(r && r->hop == NP_HOP_DEV && r->dst.len == 24);
	netplan_release(&p);
	route_mb(n, n->vpc->main_rtb_id, "10.0.1.0/24", NULL, false);
}

/* The same world gives the same plan. */
static void test_deterministic(struct net *n, const struct np_plan *p)
{
	struct np_plan q;

	CHECK_EQ(netplan_compile(&n->f.w, n->f.cx.region, "t1-", &q), 0);
	CHECK_EQ(q.n_routes, p->n_routes);
	CHECK_EQ(q.n_links, p->n_links);
	for (size_t i = 0; i < p->n_routes && i < q.n_routes; i++)
		CHECK(q.routes[i].table == p->routes[i].table &&
		      cidr4_eq(&q.routes[i].dst, &p->routes[i].dst) &&
		      q.routes[i].hop == p->routes[i].hop && q.routes[i].via == p->routes[i].via);
	netplan_release(&q);
	CHECK_EQ(netplan_compile(&n->f.w, n->f.cx.region, "Bad_Prefix", &q), -EINVAL);
}

/* The rulesets: each port's chains, the source check, the translations. */
static void test_nft(struct net *n, const struct np_plan *p)
{
	long vpc = netplan_ns_find(p, n->vpc->res.id), nat = netplan_ns_find(p, n->nat->res.id);
	char want[160], ip[IP4_STRLEN];
	struct buf b;

	buf_init(&b, 1 << 20);
	CHECK_EQ(netplan_nft(p, (size_t)vpc, &b), 0);
	snprintf(want, sizeof(want), "chain in_%s {", n->a->eni_id + 4);
	CHECK(strstr(b.p, want) != NULL);
	snprintf(want, sizeof(want), "ip saddr { %s, ", ip4_fmt(n->a->private_ip, ip));
	CHECK(strstr(b.p, want) != NULL);
	CHECK(strstr(b.p, "meta l4proto tcp tcp dport 80 accept comment \"sg-") != NULL);
	/* Each port's source check: its name and address in the one set. */
	CHECK(strstr(b.p, "ether type ip iifname { \"en") != NULL);
	CHECK(strstr(b.p, " } iifname . ip saddr != { \"en") != NULL);
	snprintf(want, sizeof(want), "\" . %s", ip4_fmt(n->b->private_ip, ip));
	CHECK(strstr(b.p, want) != NULL);
	snprintf(want, sizeof(want), "%s : 198.19.", ip4_fmt(n->a->private_ip, ip));
	CHECK(strstr(b.p, want) != NULL);
	if (getenv("VPCE_TEST_NFT_OUT")) {	/* tests/netns loads it into a namespace */
		FILE *f = fopen(getenv("VPCE_TEST_NFT_OUT"), "w");

		if (f) {
			fputs(b.p, f);
			fclose(f);
		}
	}
	buf_reset(&b);
	CHECK_EQ(netplan_nft(p, (size_t)nat, &b), 0);
	CHECK(strstr(b.p, "masquerade") != NULL);
	buf_reset(&b);
	/* The region: plain HTTP only at S3's and DynamoDB's blocks, of every region. */
	CHECK_EQ(netplan_nft(p, 0, &b), 0);
	CHECK(strstr(b.p, "tcp dport 80 ip daddr { 198.18.0.0/28, 198.18.0.16/28, ") != NULL);
	CHECK(strstr(b.p, " } ip daddr != { 198.18.0.0/28, 198.18.0.16/28, 198.18.2.0/28") != NULL);
	CHECK(strstr(b.p, "198.18.0.64/28") != NULL);	/* SQS's: in the first set only */
	CHECK(strstr(strstr(b.p, " } ip daddr != {"), "198.18.0.64/28") == NULL);
	CHECK_EQ(p->n_http_blocks, 2 * region_count());
	CHECK_EQ(netplan_nft(p, p->n_ns, &b), -EINVAL);
	buf_release(&b);
}

/* The region's public network, and the on-premises network behind the vgw. */
static void test_region_onprem(struct net *n)
{
	long onprem;
	size_t local = 0, blocks = 0;
	const struct np_route *r;
	struct np_plan p;
	bool dns = false;

	CHECK_EQ(netplan_compile(&n->f.w, n->f.cx.region, "t1-", &p), 0);
	/* Every service's /28 in every region is local in the region's namespace. */
	for (size_t i = 0; i < p.n_routes; i++)
		local += p.routes[i].ns == 0 && p.routes[i].hop == NP_HOP_LOCAL &&
			 p.routes[i].table == NP_TABLE_LOCAL && p.routes[i].dst.len == 28;
	CHECK_EQ(local, region_count() * catalog_count());
	r = find_route(&p, NP_TABLE_LOCAL, "198.18.10.16/28");	/* eu-west-1's DynamoDB */
	CHECK(r && r->ns == 0 && r->hop == NP_HOP_LOCAL && !strcmp(r->dev, "lo"));
	for (size_t i = 0; i < p.n_addrs; i++)
		dns |= p.addrs[i].ns == 0 && p.addrs[i].ip == NP_PUBLIC_DNS_IP;
	CHECK(dns);
	/*
	 * It carries public addresses to each other, through the VPCs' internet
	 * gateways (tests/netns/118 found an instance's public address
	 * unreachable from another's).
	 */
	CHECK(p.ns[0].kind == NP_NS_REGION && p.ns[0].forwarding);
	/* No route to the vgw yet: on premises sends from its link's address. */
	onprem = netplan_ns_find(&p, n->vgw->res.id);
	CHECK(onprem > 0);
	if (onprem > 0) {
		CHECK_EQ(p.ns[onprem].kind, NP_NS_ONPREM);
		CHECK_EQ(p.ns[onprem].host_ip, NP_VGW_ONPREM_IP);
		CHECK_EQ(p.ns[onprem].nameserver, NP_ONPREM_DNS_IP);
		CHECK_STREQ(p.ns[onprem].hostname, "on-premises");
	}
	r = find_route(&p, 0, "10.0.0.0/16");
	CHECK(r && r->src == 0);
	netplan_release(&p);

	/* Blocks routed to it, one twice: each local once; hosts send from the first's base+1. */
	route(n, n->vpc->main_rtb_id, "192.168.0.0/16", n->vgw->res.id, NULL);
	route(n, n->vpc->main_rtb_id, "172.16.0.0/12", n->vgw->res.id, NULL);
	route(n, n->pub_rtb->res.id, "172.16.0.0/12", n->vgw->res.id, NULL);
	CHECK_EQ(netplan_compile(&n->f.w, n->f.cx.region, "t1-", &p), 0);
	onprem = netplan_ns_find(&p, n->vgw->res.id);
	for (size_t i = 0; i < p.n_routes; i++)
		blocks += p.routes[i].ns == (size_t)onprem && p.routes[i].hop == NP_HOP_LOCAL;
	CHECK_EQ(blocks, 2);
	r = find_route(&p, 0, "172.16.0.0/12");
	CHECK(r && r->ns == (size_t)onprem && r->hop == NP_HOP_LOCAL);
	r = find_route(&p, 0, "10.0.0.0/16");
	CHECK(r && r->ns == (size_t)onprem && r->src == 0xAC100001u);	/* 172.16.0.1 */
	CHECK(onprem > 0 && p.ns[onprem].host_ip == 0xAC100001u);
	netplan_release(&p);
}

static const struct np_rule *mark_rule(const struct np_plan *p, size_t ns, uint32_t fwmark)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].ns == ns && p->rules[i].fwmark == fwmark)
			return &p->rules[i];
	return NULL;
}

/*
 * Endpoints: the VPC's link to the region and its address there, interface
 * ENIs on their bridges translated to the service, answers by their
 * subnet's table, the gateway endpoint's route over the link.
 */
static void test_endpoints(struct net *n)
{
	const char *subnets[] = { n->pub->res.id, n->priv->res.id }, *rtbs[] = { n->pub_rtb->res.id };
	struct vpce *ie, *ge;
	const struct np_route *r;
	const struct np_rule *rule;
	struct np_plan p, q;
	long vpc, again;
	uint32_t pl_ip, t_pub, t_main;
	char want[200], ip[IP4_STRLEN];
	struct buf b;

	CHECK_EQ(vpce_create(&n->f.w, &n->f.cx, &(struct vpce_create_req){
		.vpc_id = n->vpc->res.id, .service_name = "com.amazonaws.us-east-1.sqs",
		.type = "Interface", .subnets = subnets, .n_subnets = 2, .private_dns = 0 },
		&ie, &n->f.e), 0);
	CHECK_EQ(vpce_create(&n->f.w, &n->f.cx, &(struct vpce_create_req){
		.vpc_id = n->vpc->res.id, .service_name = "com.amazonaws.us-east-1.s3",
		.rtbs = rtbs, .n_rtbs = 1, .private_dns = -1 }, &ge, &n->f.e), 0);
	CHECK_EQ(netplan_compile(&n->f.w, n->f.cx.region, "t1-", &p), 0);
	vpc = netplan_ns_find(&p, n->vpc->res.id);
	pl_ip = p.ns[vpc].pl_ip;
	CHECK((pl_ip & 0xFFC00000u) == NP_PL_BLOCK && pl_ip != NP_PL_BLOCK);
	CHECK(p.ns[vpc].pl_block.len == NP_PL_VPC_LEN && pl_ip == p.ns[vpc].pl_block.addr + 1);
	CHECK_EQ(netplan_ns_of_pl_ip(&p, pl_ip), vpc);
	CHECK_EQ(netplan_ns_of_pl_ip(&p, 0), -1);
	snprintf(want, sizeof(want), "%s/32", ip4_fmt(pl_ip, ip));
	r = find_route(&p, 0, want);
	CHECK(r && r->ns == 0 && r->hop == NP_HOP_VIA && r->via == NP_PL_ROUTER_IP);
	r = find_route(&p, NP_TABLE_ENDPOINT, "0.0.0.0/0");
	CHECK(r && r->ns == (size_t)vpc && r->via == NP_PL_REGION_IP && !strcmp(r->dev, "pl0"));
	rule = mark_rule(&p, (size_t)vpc, NP_MARK_ENDPOINT);
	CHECK(rule && rule->table == NP_TABLE_ENDPOINT && rule->prio == NP_RULE_ENDPOINT_PRIO &&
	      !rule->iif[0]);
	/* The region sends what it answers from the VPC's block back over the VPC's link. */
	rule = NULL;
	for (size_t i = 0; i < p.n_rules; i++)
		if (p.rules[i].ns == 0 && cidr4_eq(&p.rules[i].from, &p.ns[vpc].pl_block))
			rule = &p.rules[i];
	CHECK(rule && !strcmp(rule->iif, "lo") && rule->prio == NP_RULE_ENDPOINT_PRIO);
	if (rule) {
		r = find_route(&p, rule->table, "0.0.0.0/0");
		CHECK(r && r->ns == 0 && r->via == NP_PL_ROUTER_IP && !strncmp(r->dev, "pl", 2));
	}
	/* One ENI per subnet, each answering by its own subnet's table. */
	CHECK_EQ(p.n_endpoints, 2);
	t_pub = rule_for(&p, n->pub, NP_RULE_LOOKUP_PRIO)->table;
	t_main = rule_for(&p, n->priv, NP_RULE_LOOKUP_PRIO)->table;
	CHECK(t_pub != t_main);
	for (size_t i = 0; i < p.n_endpoints && p.n_endpoints == 2; i++) {
		CHECK(p.endpoints[i].vpce == ie);
		CHECK_EQ(p.endpoints[i].service_ip, 0xC6120041u);	/* 198.18.0.65 */
		CHECK_EQ(p.endpoints[i].table, i ? t_main : t_pub);
		/* Its own address in the block, local to the region. */
		CHECK(cidr4_contains_ip(&p.ns[vpc].pl_block, p.endpoints[i].region_ip) &&
		      p.endpoints[i].region_ip > pl_ip);
		snprintf(want, sizeof(want), "%s/32", ip4_fmt(p.endpoints[i].region_ip, ip));
		r = find_route(&p, NP_TABLE_LOCAL, want);
		CHECK(r && r->ns == 0 && r->hop == NP_HOP_LOCAL);
		rule = mark_rule(&p, (size_t)vpc, p.endpoints[i].table);
		CHECK(rule && !strcmp(rule->iif, "pl0") && rule->table == p.endpoints[i].table);
	}
	CHECK(p.n_endpoints == 2 && p.endpoints[0].region_ip != p.endpoints[1].region_ip);
	/* The gateway endpoint's prefix list, over the link, in its table only. */
	r = find_route(&p, t_pub, "198.18.0.0/28");
	CHECK(r && r->hop == NP_HOP_ENDPOINT && r->via == NP_PL_REGION_IP && !strcmp(r->dev, "pl0"));
	CHECK(find_route(&p, t_main, "198.18.0.0/28") == NULL);

	buf_init(&b, 1 << 20);
	CHECK_EQ(netplan_nft(&p, (size_t)vpc, &b), 0);
	/* Interface endpoints: one to one, without conntrack, both ways. */
	CHECK(strstr(b.p, "meta l4proto tcp dnat") == NULL);
	snprintf(want, sizeof(want), "meta mark 0x1 ip daddr set ip daddr map { %s : ",
		 ip4_fmt(p.endpoints[0].ip, ip));
	CHECK(strstr(b.p, want) != NULL);
	snprintf(want, sizeof(want), " : %s", ip4_fmt(p.endpoints[0].ip, ip));
	CHECK(strstr(strstr(b.p, "ip saddr set ip saddr map {") ?: "", want) != NULL);
	snprintf(want, sizeof(want), "meta mark set ip saddr map { %s : %u",
		 ip4_fmt(p.endpoints[0].region_ip, ip), t_pub);
	CHECK(strstr(b.p, want) != NULL);
	buf_release(&b);
	/* The region takes the VPC's block over the VPC's link only. */
	buf_init(&b, 1 << 20);
	CHECK_EQ(netplan_nft(&p, 0, &b), 0);
	snprintf(want, sizeof(want), "ip daddr 100.64.0.0/10 ip daddr & 255.255.254.0 . iifname != { %s . \"pl",
		 ip4_fmt(p.ns[vpc].pl_block.addr, ip));
	CHECK(strstr(b.p, want) != NULL);
	buf_release(&b);
	buf_init(&b, 1 << 20);
	CHECK_EQ(netplan_nft(&p, (size_t)vpc, &b), 0);
	/* Gateway endpoints: the VPC's one address, with conntrack. */
	snprintf(want, sizeof(want), "oifname \"pl0\" snat to %s\n", ip4_fmt(pl_ip, ip));
	CHECK(strstr(b.p, want) != NULL);
	CHECK(strstr(b.p, "meta l4proto != tcp drop\n\t\tnotrack meta mark set 0x1\n") != NULL);
	CHECK(strstr(b.p, "notrack tcp flags & (syn | ack) == syn drop\n") != NULL);
	CHECK(strstr(b.p, "\t\tmeta mark 0x1 accept\n") != NULL);
	CHECK(strstr(b.p, "iifname \"pl0\" ct state untracked accept\n") != NULL);
	buf_release(&b);

	/*
	 * A more specific route in the private subnet's table sends the public
	 * subnet's block, and so its ENI, to a middlebox: connections from the
	 * private subnet do not reach that ENI (tests/netns/118 found them
	 * marked for the endpoint whatever the table said).
	 */
	CHECK_EQ(p.endpoints[0].n_detours + p.endpoints[1].n_detours, 0);
	route_mb(n, n->vpc->main_rtb_id, "10.0.1.0/24", n->b->res.id, true);
	CHECK_EQ(netplan_compile(&n->f.w, n->f.cx.region, "t1-", &q), 0);
	CHECK(q.n_endpoints == 2 && q.endpoints[0].n_detours == 1 && q.endpoints[1].n_detours == 0);
	if (q.n_endpoints == 2 && q.endpoints[0].n_detours == 1)
		CHECK(cidr4_eq(&q.endpoints[0].detours[0], &n->priv->cidr));
	buf_init(&b, 1 << 20);
	CHECK_EQ(netplan_nft(&q, (size_t)vpc, &b), 0);
	snprintf(want, sizeof(want), "\t\tip saddr 10.0.2.0/24 ip daddr %s drop\n",
		 ip4_fmt(q.endpoints[0].ip, ip));
	CHECK(strstr(b.p, want) != NULL);
	buf_release(&b);
	netplan_release(&q);
	route_mb(n, n->vpc->main_rtb_id, "10.0.1.0/24", NULL, false);

	/* The same world, the same address; gone with the last endpoint. */
	CHECK_EQ(netplan_compile(&n->f.w, n->f.cx.region, "t1-", &q), 0);
	again = netplan_ns_find(&q, n->vpc->res.id);
	CHECK_EQ(q.ns[again].pl_ip, pl_ip);
	CHECK(q.n_endpoints == 2 && q.endpoints[0].region_ip == p.endpoints[0].region_ip);
	netplan_release(&q);
	netplan_release(&p);
	CHECK_EQ(vpce_delete(&n->f.w, &n->f.cx, ie->res.id, &n->f.e), 0);
	CHECK_EQ(vpce_delete(&n->f.w, &n->f.cx, ge->res.id, &n->f.e), 0);
	CHECK_EQ(netplan_compile(&n->f.w, n->f.cx.region, "t1-", &p), 0);
	vpc = netplan_ns_find(&p, n->vpc->res.id);
	CHECK_EQ(p.ns[vpc].pl_ip, 0);
	CHECK_EQ(p.n_endpoints, 0);
	for (size_t i = 0; i < p.n_links; i++)
		CHECK(strcmp(p.links[i].name, "pl0") != 0);
	netplan_release(&p);
}

void test_core_netplan(void)
{
	struct net n;
	struct np_plan p;

	build(&n);
	CHECK_EQ(netplan_compile(&n.f.w, n.f.cx.region, "t1-", &p), 0);
	test_layout(&n, &p);
	test_routing(&n, &p);
	test_filters(&n, &p);
	test_nft(&n, &p);
	test_deterministic(&n, &p);
	CHECK(one_route_per_prefix(&p));
	netplan_release(&p);
	test_more_specific(&n);
	test_region_onprem(&n);
	test_endpoints(&n);
	test_deleted_target(&n);
	fixture_release(&n.f);
}
