/* SPDX-License-Identifier: MIT */
/*
 * The network plan compiler: the world, read in creation order, into the
 * namespaces, links, addresses, routes, rules, filters and translations of
 * netplan.h. Pure: the same world always gives the same plan.
 */
#include "compat.h"
#include "core/netplan.h"

#include "base/hmap.h"
#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/host_ops.h"
#include "core/net_ops.h"
#include "core/netindex.h"
#include "core/svcnet.h"

/* Allocation counts of the plan's arrays, while compiling. */
struct npc {
	struct np_plan *p;
	const struct world *w;
	const struct region *region;
	const char *prefix;
	size_t a_ns, a_links, a_addrs, a_routes, a_rules, a_ports, a_nats, a_endpoints, a_http_blocks;
	struct hmap pl_blocks;	/* "<hex>" -> a VPC namespace's pl_block taken (keys in the arena) */
	struct hmap members;	/* sg id -> struct members: addresses of its ENIs */
	struct hmap groups;	/* sg id -> struct sg_rules: its rules expanded, shared by ports */
	const char *last_gr_id;	/* the group group_rules() gave last, and its rules */
	struct sg_rules *last_gr;
	const struct netindex *ix;
};

struct peers {
	struct cidr4 *v;	/* in the plan's arena */
	size_t n;
};

struct members {
	uint32_t *ips;
	size_t n, alloc;
};

/* The last 'n' characters of an ID: its random part, for interface names. */
static const char *id_tail(const char *id, size_t n)
{
	size_t len = strlen(id);

	return len > n ? id + len - n : id;
}

static size_t add_ns(struct npc *c, enum np_ns_kind kind, const char *res_id)
{
	struct np_plan *p = c->p;
	struct np_ns *ns;

	ALLOC_GROW(p->ns, p->n_ns + 1, c->a_ns);
	ns = &p->ns[p->n_ns];
	*ns = (struct np_ns){ .kind = kind };
	snprintf(ns->name, sizeof(ns->name), "%s%s", c->prefix, res_id[0] ? res_id : "region");
	str_lcpy(ns->res_id, res_id, sizeof(ns->res_id));
	return p->n_ns++;
}

static struct np_link *add_link(struct npc *c, size_t ns, enum np_link_kind kind,
				const char *name, const char *res_id)
{
	struct np_plan *p = c->p;
	struct np_link *l;

	ALLOC_GROW(p->links, p->n_links + 1, c->a_links);
	l = &p->links[p->n_links++];
	*l = (struct np_link){ .ns = ns, .kind = kind };
	str_lcpy(l->name, name, sizeof(l->name));
	str_lcpy(l->res_id, res_id, sizeof(l->res_id));
	return l;
}

static struct np_link *add_veth(struct npc *c, size_t ns, const char *name, size_t peer_ns,
				const char *peer, const char *res_id)
{
	struct np_link *l = add_link(c, ns, NP_LINK_VETH, name, res_id);

	l->peer_ns = peer_ns;
	str_lcpy(l->peer, peer, sizeof(l->peer));
	return l;
}

static void add_addr(struct npc *c, size_t ns, const char *dev, uint32_t ip, uint8_t len)
{
	struct np_plan *p = c->p;

	ALLOC_GROW(p->addrs, p->n_addrs + 1, c->a_addrs);
	p->addrs[p->n_addrs] = (struct np_addr){ .ns = ns, .ip = ip, .len = len };
	str_lcpy(p->addrs[p->n_addrs++].dev, dev, NP_IFNAME_SIZE);
}

static struct np_route *add_route(struct npc *c, size_t ns, uint32_t table, struct cidr4 dst,
				  enum np_hop hop, uint32_t via, const char *dev)
{
	struct np_plan *p = c->p;
	struct np_route *rt;

	ALLOC_GROW(p->routes, p->n_routes + 1, c->a_routes);
	rt = &p->routes[p->n_routes++];
	*rt = (struct np_route){ .ns = ns, .table = table, .dst = dst, .hop = hop, .via = via };
	str_lcpy(rt->dev, dev ? dev : "", sizeof(rt->dev));
	return rt;
}

/* "<kind><the ID's last characters>": an interface name of at most 15 characters. */
static void ifname(char dst[static NP_IFNAME_SIZE], const char *kind, const char *id)
{
	size_t k = str_lcpy(dst, kind, NP_IFNAME_SIZE);

	str_lcpy(dst + k, id_tail(id, NP_IFNAME_SIZE - 1 - k), NP_IFNAME_SIZE - k);
}

/* The interface names a VPC namespace gives subnets and ENI ports. */
static void bridge_name(const char *subnet_id, char dst[static NP_IFNAME_SIZE])
{
	ifname(dst, "br", subnet_id);
}

static void port_name(const char *eni_id, char dst[static NP_IFNAME_SIZE])
{
	ifname(dst, "en", eni_id);
}

/* --- security groups --- */

/* Indexes every ENI's address by each of its groups, for rules naming a group. */
/* Indexes the addresses of the members of every group that some rule names as its peer. */
static void index_members(struct npc *c)
{
	const char *last_id = NULL;
	struct members *last = NULL;
	struct res *r;

	hmap_init(&c->members);
	WORLD_FOR_EACH(c->w, RES_SG, r) {
		const struct sg *g = AS_SG(r);

		for (size_t i = 0; i < g->n_rules; i++)
			if (g->rules[i].peer == PEER_GROUP &&
			    !hmap_get(&c->members, g->rules[i].peer_id))
				hmap_put(&c->members, g->rules[i].peer_id,
					 xcalloc(1, sizeof(struct members)));
	}
	if (!c->members.count)
		return;
	WORLD_FOR_EACH(c->w, RES_ENI, r) {
		const struct eni *e = AS_ENI(r);

		for (size_t i = 0; i < e->n_groups; i++) {
			/* ENIs come a VPC at a time, mostly in the same groups. */
			struct members *m = last_id && !strcmp(last_id, e->groups[i]) ? last :
					    hmap_get(&c->members, e->groups[i]);

			last_id = e->groups[i];
			last = m;
			if (!m)
				continue;
			ALLOC_GROW(m->ips, m->n + 1, m->alloc);
			m->ips[m->n++] = e->private_ip;
		}
	}
}

static void members_free(void *v)
{
	struct members *m = v;

	free(m->ips);
	free(m);
}

/* The blocks a rule's peer stands for, in the plan's arena. */
static int expand_peers(struct npc *c, const struct sg_rule *rule, struct peers *out)
{
	const struct cidr4 *blocks = &rule->cidr;
	const struct members *m;
	const struct service *svc;
	struct cidr4 one;
	size_t n = 1;

	switch (rule->peer) {
	case PEER_CIDR:
		break;
	case PEER_PREFIX_LIST:
		/* A list this region does not have: no block. */
		n = svcnet_pl_blocks(c->w, c->region, rule->peer_id, &one, &blocks, &svc);
		break;
	case PEER_GROUP:
		m = hmap_get(&c->members, rule->peer_id);
		n = m ? m->n : 0;
		out->v = n ? arena_alloc(&c->p->arena, n * sizeof(*out->v)) : NULL;
		if (n && !out->v)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			out->v[i] = (struct cidr4){ m->ips[i], 32 };
		out->n = n;
		return 0;
	}
	out->v = n ? arena_alloc(&c->p->arena, n * sizeof(*out->v)) : NULL;
	if (n && !out->v)
		return -ENOMEM;
	if (n)
		memcpy(out->v, blocks, n * sizeof(*out->v));
	out->n = n;
	return 0;
}

/* A group's rules as packets see them, made once per plan and shared by its ports. */
struct sg_rules {
	struct np_sg_rule *v[2];	/* ingress, egress */
	size_t n[2];
};

static int group_rules(struct npc *c, const char *sg_id, const struct sg_rules **out)
{
	struct sg_rules *gr = c->last_gr && !strcmp(c->last_gr_id, sg_id) ? c->last_gr :
			      hmap_get(&c->groups, sg_id);
	struct res *r;

	*out = gr;
	if (gr) {
		c->last_gr_id = sg_id;
		c->last_gr = gr;
		return 0;
	}
	r = world_get(c->w, sg_id, RES_SG);
	gr = arena_alloc(&c->p->arena, sizeof(*gr));
	if (!gr)
		return -ENOMEM;
	*gr = (struct sg_rules){ 0 };
	for (size_t i = 0; r && i < AS_SG(r)->n_rules; i++)
		gr->n[AS_SG(r)->rules[i].egress]++;
	for (int d = 0; d < 2; d++) {
		gr->v[d] = gr->n[d] ? arena_alloc(&c->p->arena, gr->n[d] * sizeof(*gr->v[d])) : NULL;
		if (gr->n[d] && !gr->v[d])
			return -ENOMEM;
		gr->n[d] = 0;
	}
	for (size_t i = 0; r && i < AS_SG(r)->n_rules; i++) {
		const struct sg_rule *rule = &AS_SG(r)->rules[i];
		struct np_sg_rule *o = &gr->v[rule->egress][gr->n[rule->egress]++];
		struct peers pe;

		*o = (struct np_sg_rule){ .proto = rule->proto, .from_port = rule->from_port,
					  .to_port = rule->to_port, .sg = AS_SG(r), .rule = rule };
		if (expand_peers(c, rule, &pe) < 0)
			return -ENOMEM;
		o->peers = pe.v;
		o->n_peers = pe.n;
	}
	/* The key is the group's own ID, which outlives the plan's compilation. */
	hmap_put(&c->groups, r ? r->id : sg_id, gr);
	*out = gr;
	return 0;
}

/*
 * The rules of the ENI's groups in one direction, in group then rule order:
 * a one-group ENI's are its group's own array.
 */
static int port_rules(struct npc *c, const struct eni *e, int egress, struct np_sg_rule **out,
		      size_t *n)
{
	const struct sg_rules *gr[LIMIT_GROUPS_PER_ENI];
	size_t groups = MIN(e->n_groups, (size_t)LIMIT_GROUPS_PER_ENI), count = 0, k = 0;

	*out = NULL;
	*n = 0;
	for (size_t g = 0; g < groups; g++) {
		if (group_rules(c, e->groups[g], &gr[g]) < 0)
			return -ENOMEM;
		count += gr[g]->n[egress];
	}
	if (groups == 1) {
		*out = gr[0]->v[egress];
		*n = count;
		return 0;
	}
	*out = count ? arena_alloc(&c->p->arena, count * sizeof(**out)) : NULL;
	if (count && !*out)
		return -ENOMEM;
	for (size_t g = 0; g < groups; g++) {
		if (!gr[g]->n[egress])
			continue;	/* memcpy() may not be given NULL, even for nothing */
		memcpy(*out + k, gr[g]->v[egress], gr[g]->n[egress] * sizeof(**out));
		k += gr[g]->n[egress];
	}
	*n = k;
	return 0;
}

static int add_port(struct npc *c, size_t vpc_ns, const struct eni *e)
{
	struct np_plan *p = c->p;
	struct np_port *pt;

	ALLOC_GROW(p->ports, p->n_ports + 1, c->a_ports);
	pt = &p->ports[p->n_ports++];
	*pt = (struct np_port){ .ns = vpc_ns, .eni = e, .ip = e->private_ip };
	port_name(e->res.id, pt->dev);
	if (port_rules(c, e, 0, &pt->in, &pt->n_in) < 0 ||
	    port_rules(c, e, 1, &pt->out, &pt->n_out) < 0)
		return -ENOMEM;
	return 0;
}

/* --- hosts: instances and NAT gateways --- */

/* A namespace for 'res_id' whose eth0 is ENI 'e', plugged into its subnet's bridge. */
static size_t add_host(struct npc *c, enum np_ns_kind kind, const char *res_id, size_t vpc_ns,
		       const struct eni *e, const struct subnet *s)
{
	char port[NP_IFNAME_SIZE], br[NP_IFNAME_SIZE];
	size_t ns = add_ns(c, kind, res_id);
	struct np_link *l;

	port_name(e->res.id, port);
	bridge_name(s->res.id, br);
	l = add_veth(c, vpc_ns, port, ns, "eth0", e->res.id);
	str_lcpy(l->master, br, sizeof(l->master));
	str_lcpy(l->peer_mac, e->mac, sizeof(l->peer_mac));
	add_addr(c, ns, "eth0", e->private_ip, s->cidr.len);
	add_route(c, ns, 0, (struct cidr4){ 0, 0 }, NP_HOP_VIA, s->cidr.addr + 1, "eth0");
	return ns;
}

/* --- route tables --- */

/* The kernel tables of a VPC's route tables: hashed IDs, probed on a collision. */
struct tables {
	const struct rtb **rtb;
	uint32_t *id;
	size_t n, alloc, alloc_id;
};

static uint32_t table_of(const struct tables *ts, const struct rtb *t)
{
	for (size_t i = 0; i < ts->n; i++)
		if (ts->rtb[i] == t)
			return ts->id[i];
	return 0;
}

static bool table_taken(const struct tables *ts, uint32_t id)
{
	for (size_t i = 0; i < ts->n; i++)
		if (ts->id[i] == id)
			return true;
	return false;
}

static void assign_tables(const struct vpc_members *m, struct tables *ts)
{
	struct res *r;

	VPC_FOR_EACH(m, RES_RTB, r) {
		const struct rtb *t = AS_RTB(r);
		uint32_t id = (uint32_t)(hmap_hash(t->res.id) & 0x3FFFFFFF);

		while (table_taken(ts, NP_TABLE_BASE + id))
			id = (id + 1) & 0x3FFFFFFF;
		ALLOC_GROW(ts->rtb, ts->n + 1, ts->alloc);
		ALLOC_GROW(ts->id, ts->n + 1, ts->alloc_id);
		ts->rtb[ts->n] = t;
		ts->id[ts->n++] = NP_TABLE_BASE + id;
	}
}

/* A subnet's bridge by its address: the one whose block holds 'ip', or "". */
static void bridge_for_ip(const struct vpc_members *m, uint32_t ip,
			  char dst[static NP_IFNAME_SIZE])
{
	struct res *r;

	dst[0] = '\0';
	VPC_FOR_EACH(m, RES_SUBNET, r) {
		if (cidr4_contains_ip(&AS_SUBNET(r)->cidr, ip)) {
			bridge_name(r->id, dst);
			return;
		}
	}
}

/* The private address of a route's NAT, ENI or instance target; 0 when none. */
static uint32_t target_ip(const struct world *w, const struct route *rt)
{
	struct res *x;

	switch (rt->target) {
	case TARGET_NAT:
		x = world_get(w, rt->target_id, RES_NAT);
		return x ? AS_NAT(x)->private_ip : 0;
	case TARGET_ENI:
		x = world_get(w, rt->target_id, RES_ENI);
		return x ? AS_ENI(x)->private_ip : 0;
	case TARGET_INSTANCE:
		x = world_get(w, rt->target_id, RES_INSTANCE);
		return x ? AS_INSTANCE(x)->private_ip : 0;
	default:
		return 0;
	}
}

/*
 * Whether 't' has a static route other than route 'except' to exactly
 * 'block': AWS prefers it to a prefix list's route to the same prefix, and
 * to the local route's for a subnet's block (a "more specific route", to a
 * middlebox), and a kernel table holds one route per prefix.
 */
static bool static_route_to(const struct rtb *t, const struct cidr4 *block, size_t except)
{
	for (size_t i = 0; i < t->n_routes; i++)
		if (i != except && !t->routes[i].to_prefix_list &&
		    cidr4_eq(&t->routes[i].dest, block))
			return true;
	return false;
}

/* Whether some subnet of the VPC is exactly 'block'. */
static bool subnet_is(const struct vpc_members *m, const struct cidr4 *block)
{
	struct res *r;

	VPC_FOR_EACH(m, RES_SUBNET, r)
		if (cidr4_eq(&AS_SUBNET(r)->cidr, block))
			return true;
	return false;
}

/* One kernel route of AWS route 'i' of table 't'. */
static void table_route(struct npc *c, size_t ns, const struct vpc_members *m,
			const struct rtb *t, uint32_t table, size_t i, struct cidr4 dst)
{
	const struct route *rt = &t->routes[i];
	char dev[NP_IFNAME_SIZE];
	struct np_route *k;
	struct res *r;

	if (!route_active(c->w, t, rt)) {
		k = add_route(c, ns, table, dst, NP_HOP_BLACKHOLE, 0, NULL);
		k->rtb = t;
		k->route = i;
		return;
	}
	switch (rt->target) {
	case TARGET_LOCAL:
		/*
		 * The VPC's block: each subnet on its bridge, the rest nowhere
		 * (a subnet may be the whole block), unless a static route to
		 * exactly a subnet's block takes it.
		 */
		if (!subnet_is(m, &dst)) {
			k = add_route(c, ns, table, dst, NP_HOP_BLACKHOLE, 0, NULL);
			k->rtb = t;
			k->route = i;
		}
		VPC_FOR_EACH(m, RES_SUBNET, r) {
			if (static_route_to(t, &AS_SUBNET(r)->cidr, i))
				continue;
			bridge_name(r->id, dev);
			k = add_route(c, ns, table, AS_SUBNET(r)->cidr, NP_HOP_DEV, 0, dev);
			k->rtb = t;
			k->route = i;
		}
		return;
	case TARGET_IGW:
		k = add_route(c, ns, table, dst, NP_HOP_VIA, NP_IGW_REGION_IP, "igw0");
		break;
	case TARGET_VGW:
		k = add_route(c, ns, table, dst, NP_HOP_VIA, NP_VGW_ONPREM_IP, "vgw0");
		break;
	case TARGET_VPCE:
		/* The endpoint is the VPC's, so its namespace has the link. */
		k = add_route(c, ns, table, dst, NP_HOP_ENDPOINT, NP_PL_REGION_IP, "pl0");
		break;
	case TARGET_OTHER:
		k = add_route(c, ns, table, dst, NP_HOP_BLACKHOLE, 0, NULL);
		break;
	default: {
		uint32_t ip = target_ip(c->w, rt);

		bridge_for_ip(m, ip, dev);
		k = add_route(c, ns, table, dst, dev[0] ? NP_HOP_VIA : NP_HOP_BLACKHOLE, ip, dev);
		break;
	}
	}
	k->rtb = t;
	k->route = i;
}

/* The kernel routes of AWS route 'i': one per block of a prefix list. */
static void add_table_route(struct npc *c, size_t ns, const struct vpc_members *m,
			    const struct rtb *t, uint32_t table, size_t i)
{
	const struct route *rt = &t->routes[i];
	const struct cidr4 *blocks = &rt->dest;
	const struct service *svc;
	struct cidr4 one;
	size_t n = 1;

	if (rt->to_prefix_list)
		n = svcnet_pl_blocks(c->w, c->region, rt->pl_id, &one, &blocks, &svc);
	for (size_t k = 0; k < n; k++)
		if (!rt->to_prefix_list || !static_route_to(t, &blocks[k], i))
			table_route(c, ns, m, t, table, i, blocks[k]);
}

static struct np_rule *add_rule(struct npc *c, size_t ns, uint32_t prio, const char *iif,
				uint32_t table, const struct subnet *s, const struct rtb *t)
{
	struct np_plan *p = c->p;
	struct np_rule *r;

	ALLOC_GROW(p->rules, p->n_rules + 1, c->a_rules);
	r = &p->rules[p->n_rules++];
	*r = (struct np_rule){ .ns = ns, .prio = prio, .table = table, .subnet = s, .rtb = t };
	str_lcpy(r->iif, iif, NP_IFNAME_SIZE);
	return r;
}

/* --- VPCs --- */

static int cidr_cmp(const void *x, const void *y)
{
	const struct cidr4 *a = x, *b = y;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return (int)a->len - (int)b->len;
}

/*
 * The network behind a virtual private gateway: every block a route table
 * of the VPC sends to the gateway is local there (any address in it
 * answers), and its hosts send from the first such block (by address) that
 * does not hold the VPC's own block, at its base plus one; with none, from
 * the link's address.
 */
static void add_onprem(struct npc *c, size_t ns, const struct vpc_members *m)
{
	size_t onprem = add_ns(c, NP_NS_ONPREM, m->vgw->res.id);
	struct cidr4 *blocks = NULL;
	size_t n = 0, alloc = 0;
	uint32_t host = 0;
	struct np_route *k;
	struct res *r;

	add_veth(c, ns, "vgw0", onprem, "vgw0", m->vgw->res.id);
	add_addr(c, ns, "vgw0", NP_VGW_ROUTER_IP, NP_LINK_PREFIX);
	add_addr(c, onprem, "vgw0", NP_VGW_ONPREM_IP, NP_LINK_PREFIX);
	VPC_FOR_EACH(m, RES_RTB, r) {
		const struct rtb *t = AS_RTB(r);

		for (size_t i = 0; i < t->n_routes; i++) {
			const struct route *rt = &t->routes[i];

			if (rt->target != TARGET_VGW || rt->to_prefix_list ||
			    strcmp(rt->target_id, m->vgw->res.id) != 0)
				continue;
			ALLOC_GROW(blocks, n + 1, alloc);
			blocks[n++] = rt->dest;
		}
	}
	if (n)
		qsort(blocks, n, sizeof(*blocks), cidr_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i && cidr4_eq(&blocks[i], &blocks[i - 1]))
			continue;
		add_route(c, onprem, 0, blocks[i], NP_HOP_LOCAL, 0, "lo");
		if (!host && !cidr4_contains(&blocks[i], &m->vpc->cidr))
			host = blocks[i].len < 32 ? blocks[i].addr + 1 : blocks[i].addr;
	}
	free(blocks);
	if (host)
		add_addr(c, onprem, "lo", host, 32);
	/* The VPC's block is behind the gateway, as BGP would announce it. */
	k = add_route(c, onprem, 0, m->vpc->cidr, NP_HOP_VIA, NP_VGW_ROUTER_IP, "vgw0");
	k->src = host;
	c->p->ns[onprem].host_ip = host ? host : NP_VGW_ONPREM_IP;
	c->p->ns[onprem].nameserver = NP_ONPREM_DNS_IP;
	str_lcpy(c->p->ns[onprem].hostname, "on-premises", NP_HOSTNAME_SIZE);
}


static void add_gateways(struct npc *c, size_t ns, size_t region_ns, const struct vpc_members *m)
{
	char name[NP_IFNAME_SIZE];

	if (m->igw) {
		ifname(name, "vp", m->vpc->res.id);
		add_veth(c, ns, "igw0", region_ns, name, m->igw->res.id);
		add_addr(c, ns, "igw0", NP_IGW_ROUTER_IP, NP_LINK_PREFIX);
		add_addr(c, region_ns, name, NP_IGW_REGION_IP, NP_LINK_PREFIX);
	}
	if (m->vgw)
		add_onprem(c, ns, m);
}

/* Public addresses of the VPC's ENIs: 1:1 at the internet gateway, routed back from the region. */
static void add_public(struct npc *c, size_t ns, size_t region_ns, const struct vpc_members *m)
{
	char name[NP_IFNAME_SIZE];
	struct res *r;

	if (!m->igw)
		return;
	ifname(name, "vp", m->vpc->res.id);
	VPC_FOR_EACH(m, RES_ENI, r) {
		const struct eni *e = AS_ENI(r);
		struct np_plan *p = c->p;

		if (!e->public_ip)
			continue;
		ALLOC_GROW(p->nats, p->n_nats + 1, c->a_nats);
		p->nats[p->n_nats++] = (struct np_nat1to1){ .ns = ns, .eni = e,
							    .private_ip = e->private_ip,
							    .public_ip = e->public_ip };
		add_route(c, region_ns, 0, (struct cidr4){ e->public_ip, 32 }, NP_HOP_VIA,
			  NP_IGW_ROUTER_IP, name);
	}
}

/* --- endpoints --- */

#define PL_VPC_SIZE (1u << (32 - NP_PL_VPC_LEN))

/*
 * The VPC's block in NP_PL_BLOCK: a hash of its ID, so that it stays the
 * same while VPCs come and go, probed past the blocks VPCs made earlier
 * took. Returns 0 when the plan's arena is full.
 */
static uint32_t pl_block_of(struct npc *c, const char *vpc_id)
{
	const uint32_t span = 1u << (NP_PL_VPC_LEN - NP_PL_BLOCK_LEN);
	uint32_t n = (uint32_t)(hmap_hash(vpc_id) % span);
	char *key;

	for (;;) {
		char hex[9];

		snprintf(hex, sizeof(hex), "%08x", NP_PL_BLOCK + n * PL_VPC_SIZE);
		if (!hmap_get(&c->pl_blocks, hex))
			break;
		n = (n + 1) % span;
	}
	key = arena_alloc(&c->p->arena, 9);
	if (!key)
		return 0;
	snprintf(key, 9, "%08x", NP_PL_BLOCK + n * PL_VPC_SIZE);
	hmap_put(&c->pl_blocks, key, key);
	return NP_PL_BLOCK + n * PL_VPC_SIZE;
}

/*
 * An ENI's address in its VPC's block: a hash of its ID, probed past the
 * ones the VPC's ENIs listed before it took ('taken', a bit per address).
 * Neither the block's first two (its own, pl_ip) nor its last; 0 when all
 * are taken.
 */
static uint32_t pl_eni_ip(uint32_t block, const char *eni_id, uint8_t taken[PL_VPC_SIZE / 8])
{
	const uint32_t span = PL_VPC_SIZE - 3;
	uint32_t off = (uint32_t)(hmap_hash(eni_id) % span);

	for (uint32_t tries = 0; tries < span; tries++, off = (off + 1) % span) {
		uint32_t host = 2 + off;

		if (taken[host / 8] & (1u << (host % 8)))
			continue;
		taken[host / 8] |= (uint8_t)(1u << (host % 8));
		return block + host;
	}
	return 0;
}

/* The region's address of the service an endpoint is for; 0 when it names no catalogue service. */
static uint32_t endpoint_service_ip(const struct npc *c, const struct vpce *e)
{
	const struct region *rg;
	const struct service *svc = catalog_parse_name(e->service, &rg);

	return svc ? svcnet_service_ip(c->w, rg, svc) : 0;
}

/*
 * The rule that sends the answers of connections to an endpoint ENI (the
 * ruleset marks them with the table) by the route table of its subnet, as
 * AWS sends an ENI's traffic.
 */
static void add_answer_rule(struct npc *c, size_t ns, uint32_t table)
{
	struct np_rule *r;

	for (size_t i = 0; i < c->p->n_rules; i++)
		if (c->p->rules[i].ns == ns && c->p->rules[i].fwmark == table)
			return;
	r = add_rule(c, ns, NP_RULE_ENDPOINT_PRIO + 1, "pl0", table, NULL, NULL);
	r->fwmark = table;
}

/*
 * Whether table 't' sends 'ip', an address of subnet block 'home', away from
 * the subnet: a static route inside the VPC as specific as the subnet's
 * block or more (AWS's more specific routes, to a middlebox) wins there over
 * the local route.
 */
static bool detoured(const struct rtb *t, uint32_t ip, const struct cidr4 *home)
{
	for (size_t i = 0; i < t->n_routes; i++) {
		const struct route *rt = &t->routes[i];

		if (!rt->to_prefix_list && rt->target != TARGET_LOCAL && rt->dest.len >= home->len &&
		    cidr4_contains_ip(&rt->dest, ip))
			return true;
	}
	return false;
}

/*
 * The other subnets of 'm' whose tables send connections to endpoint ENI
 * 'ep' away from its subnet 'home': their blocks, in the plan's arena.
 */
static int endpoint_detours(struct npc *c, const struct vpc_members *m, struct np_endpoint *ep,
			    const struct subnet *home)
{
	size_t n = 0;
	struct res *r;

	for (int pass = 0; pass < 2; pass++) {
		VPC_FOR_EACH(m, RES_SUBNET, r) {
			const struct rtb *t = netindex_rtb_for_subnet(c->ix, AS_SUBNET(r));

			if (AS_SUBNET(r) == home || !t || !detoured(t, ep->ip, &home->cidr))
				continue;
			if (pass)
				ep->detours[ep->n_detours++] = AS_SUBNET(r)->cidr;
			else
				n++;
		}
		if (pass || !n)
			break;
		ep->detours = arena_alloc(&c->p->arena, n * sizeof(*ep->detours));
		if (!ep->detours)
			return -ENOMEM;
	}
	return 0;
}

static int add_endpoint_eni(struct npc *c, size_t ns, size_t region_ns,
			    const struct vpc_members *m, const struct vpce *e,
			    const struct vpce_net *net, const struct tables *tables,
			    uint8_t taken[PL_VPC_SIZE / 8])
{
	struct res *eni = world_get(c->w, net->eni_id, RES_ENI);
	struct res *sub = world_get(c->w, net->subnet_id, RES_SUBNET);
	uint32_t svc_ip = endpoint_service_ip(c, e);
	const struct rtb *t = sub ? netindex_rtb_for_subnet(c->ix, AS_SUBNET(sub)) : NULL;
	struct np_plan *p = c->p;
	char br[NP_IFNAME_SIZE];
	uint32_t region_ip;

	if (!eni || !svc_ip)
		return 0;
	region_ip = pl_eni_ip(p->ns[ns].pl_block.addr, eni->id, taken);
	if (!region_ip)
		return -ENOMEM;
	bridge_name(net->subnet_id, br);
	add_addr(c, ns, br, AS_ENI(eni)->private_ip, 32);
	add_route(c, region_ns, NP_TABLE_LOCAL, (struct cidr4){ region_ip, 32 }, NP_HOP_LOCAL, 0,
		  "lo");
	ALLOC_GROW(p->endpoints, p->n_endpoints + 1, c->a_endpoints);
	p->endpoints[p->n_endpoints++] = (struct np_endpoint){
		.ns = ns, .vpce = e, .eni = AS_ENI(eni), .ip = AS_ENI(eni)->private_ip,
		.service_ip = svc_ip, .region_ip = region_ip,
		.table = t ? table_of(tables, t) : 0 };
	if (t)
		add_answer_rule(c, ns, table_of(tables, t));
	return sub ? endpoint_detours(c, m, &p->endpoints[p->n_endpoints - 1], AS_SUBNET(sub)) : 0;
}

/*
 * A VPC with endpoints has a link to the region (pl0) that carries them,
 * and a block of NP_PL_BLOCK. Gateway endpoints' routes point at the link;
 * what they send leaves with the block's first address (pl_ip), which the
 * region routes back over the link. Connections to an interface endpoint's
 * ENI are marked, sent to the region by a rule ahead of every subnet's and
 * translated, without conntrack, to the ENI's own address in the block,
 * where the region takes them; the region sends what it answers from the
 * block back over the link by a rule of its own.
 */
static int add_endpoints(struct npc *c, size_t ns, size_t region_ns, const struct vpc_members *m,
			 const struct tables *tables)
{
	uint8_t taken[PL_VPC_SIZE / 8] = { 0 };
	char name[NP_IFNAME_SIZE];
	struct np_rule *rule;
	uint32_t block, table;
	struct res *r;

	if (!m->n[RES_VPCE])
		return 0;
	block = pl_block_of(c, m->vpc->res.id);
	if (!block)
		return -ENOMEM;
	c->p->ns[ns].pl_block = (struct cidr4){ block, NP_PL_VPC_LEN };
	c->p->ns[ns].pl_ip = block + 1;
	ifname(name, "pl", m->vpc->res.id);
	add_veth(c, ns, "pl0", region_ns, name, m->vpc->res.id);
	add_addr(c, ns, "pl0", NP_PL_ROUTER_IP, NP_LINK_PREFIX);
	add_addr(c, region_ns, name, NP_PL_REGION_IP, NP_LINK_PREFIX);
	add_route(c, region_ns, 0, (struct cidr4){ block + 1, 32 }, NP_HOP_VIA, NP_PL_ROUTER_IP,
		  name);
	table = NP_TABLE_BASE + ((block - NP_PL_BLOCK) >> (32 - NP_PL_VPC_LEN));
	add_route(c, region_ns, table, (struct cidr4){ 0, 0 }, NP_HOP_VIA, NP_PL_ROUTER_IP, name);
	rule = add_rule(c, region_ns, NP_RULE_ENDPOINT_PRIO, "lo", table, NULL, NULL);
	rule->from = c->p->ns[ns].pl_block;
	add_route(c, ns, NP_TABLE_ENDPOINT, (struct cidr4){ 0, 0 }, NP_HOP_VIA, NP_PL_REGION_IP,
		  "pl0");
	rule = add_rule(c, ns, NP_RULE_ENDPOINT_PRIO, "", NP_TABLE_ENDPOINT, NULL, NULL);
	rule->fwmark = NP_MARK_ENDPOINT;
	taken[0] = 0x3;		/* the block's own address and pl_ip */
	VPC_FOR_EACH(m, RES_VPCE, r) {
		const struct vpce *e = AS_VPCE(r);

		if (e->type != VPCE_INTERFACE)
			continue;
		for (size_t i = 0; i < e->n_nets; i++)
			if (add_endpoint_eni(c, ns, region_ns, m, e, &e->nets[i], tables, taken) < 0)
				return -ENOMEM;
	}
	return 0;
}

static void add_routing(struct npc *c, size_t ns, const struct vpc_members *m,
			const struct tables *tables)
{
	char br[NP_IFNAME_SIZE];
	struct res *r;

	for (size_t k = 0; k < tables->n; k++)
		for (size_t i = 0; i < tables->rtb[k]->n_routes; i++)
			add_table_route(c, ns, m, tables->rtb[k], tables->id[k], i);
	VPC_FOR_EACH(m, RES_SUBNET, r) {
		const struct subnet *s = AS_SUBNET(r);
		const struct rtb *t = netindex_rtb_for_subnet(c->ix, s);

		bridge_name(s->res.id, br);
		if (t)
			add_rule(c, ns, NP_RULE_LOOKUP_PRIO, br, table_of(tables, t), s, t);
		add_rule(c, ns, NP_RULE_DROP_PRIO, br, 0, s, t);
	}
}

static int add_vpc(struct npc *c, size_t region_ns, const struct vpc_members *m)
{
	const struct vpc *v = m->vpc;
	size_t ns = add_ns(c, NP_NS_VPC, v->res.id);
	struct tables tables = { 0 };
	char br[NP_IFNAME_SIZE];
	char host[96];
	struct res *r;
	int ret = 0;

	c->p->ns[ns].forwarding = true;
	/* The resolver: the VPC's base plus two, and the link-local address. */
	add_addr(c, ns, "lo", v->cidr.addr + 2, 32);
	add_addr(c, ns, "lo", NP_DNS_LINK_LOCAL, 32);
	VPC_FOR_EACH(m, RES_SUBNET, r) {
		const struct subnet *s = AS_SUBNET(r);

		bridge_name(s->res.id, br);
		add_link(c, ns, NP_LINK_BRIDGE, br, s->res.id);
		add_addr(c, ns, br, s->cidr.addr + 1, s->cidr.len);
	}
	add_gateways(c, ns, region_ns, m);
	add_public(c, ns, region_ns, m);
	assign_tables(m, &tables);
	ret = add_endpoints(c, ns, region_ns, m, &tables);
	if (ret == 0)
		add_routing(c, ns, m, &tables);
	free(tables.rtb);
	free(tables.id);
	if (ret < 0)
		return ret;

	/* Hosts: instances and NAT gateways, each in a namespace of its own. */
	VPC_FOR_EACH(m, RES_INSTANCE, r) {
		const struct instance *in = AS_INSTANCE(r);
		struct res *e = world_get(c->w, in->eni_id, RES_ENI);
		struct res *s = world_get(c->w, in->subnet_id, RES_SUBNET);
		size_t hns;

		if (in->state == INSTANCE_TERMINATED || !e || !s)
			continue;
		hns = add_host(c, NP_NS_INSTANCE, in->res.id, ns, AS_ENI(e), AS_SUBNET(s));
		host_private_dns(c->region, in->private_ip, host);
		str_lcpy(c->p->ns[hns].hostname, host, NP_HOSTNAME_SIZE);
		c->p->ns[hns].nameserver = v->dns_support ? v->cidr.addr + 2 : 0;
	}
	VPC_FOR_EACH(m, RES_NAT, r) {
		const struct nat *n = AS_NAT(r);
		struct res *e = world_get(c->w, n->eni_id, RES_ENI);
		struct res *s = world_get(c->w, n->subnet_id, RES_SUBNET);
		size_t hns;

		if (n->deleted || !e || !s)
			continue;
		hns = add_host(c, NP_NS_NAT, n->res.id, ns, AS_ENI(e), AS_SUBNET(s));
		c->p->ns[hns].forwarding = true;
	}
	/* Security groups guard instances' and interface endpoints' ENIs (NAT gateways have none). */
	VPC_FOR_EACH(m, RES_ENI, r) {
		if (AS_ENI(r)->type == ENI_NAT_GATEWAY)
			continue;
		ret = add_port(c, ns, AS_ENI(r));
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * The region's public network: the public resolver's address, and every
 * catalogue service's block in every region, local (any address in it
 * answers), where the service fronts listen; the blocks of the services
 * that also speak plain HTTP noted for the ruleset. It forwards, as the
 * internet does: one public address reaches another through their VPCs'
 * internet gateways (its own VPC's too, out and back in).
 */
static void add_region(struct npc *c, size_t ns)
{
	c->p->ns[ns].forwarding = true;
	add_addr(c, ns, "lo", NP_PUBLIC_DNS_IP, 32);
	for (size_t i = 0; i < region_count(); i++) {
		for (size_t k = 0; k < catalog_count(); k++) {
			const struct cidr4 *blocks;
			struct cidr4 one;
			size_t n = svcnet_service_blocks(c->w, region_at(i), catalog_at(k), &one,
							 &blocks);

			for (size_t b = 0; b < n; b++) {
				add_route(c, ns, NP_TABLE_LOCAL, blocks[b], NP_HOP_LOCAL, 0, "lo");
				if (catalog_at(k)->gateway) {
					ALLOC_GROW(c->p->http_blocks, c->p->n_http_blocks + 1,
						   c->a_http_blocks);
					c->p->http_blocks[c->p->n_http_blocks++] = blocks[b];
				}
			}
		}
	}
}

int netplan_compile(const struct world *w, const struct region *r, const char *prefix,
		    struct np_plan *out)
{
	struct netindex ix;
	int ret;

	netindex_build(&ix, w);
	ret = netplan_compile_indexed(w, r, &ix, prefix, out);
	netindex_release(&ix);
	return ret;
}

int netplan_compile_indexed(const struct world *w, const struct region *r,
			    const struct netindex *ix, const char *prefix, struct np_plan *out)
{
	struct npc c = { .p = out, .w = w, .region = r, .prefix = prefix, .ix = ix };
	size_t region_ns;
	struct res *x;
	int ret = 0;

	*out = (struct np_plan){ 0 };
	if (!prefix[0] || strlen(prefix) > NP_PREFIX_MAX ||
	    strspn(prefix, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(prefix))
		return -EINVAL;
	/* Bounded by the world, itself bounded by LIMIT_RESOURCES. */
	arena_init(&out->arena, SIZE_MAX / 2);
	index_members(&c);
	hmap_init(&c.groups);
	hmap_init(&c.pl_blocks);
	/* Sized once: a port per ENI at most; two rules per subnet, two per VPC. */
	c.a_ports = w->n[RES_ENI];
	out->ports = xcalloc(c.a_ports + 1, sizeof(*out->ports));
	c.a_rules = 2 * w->n[RES_SUBNET] + 2 * w->n[RES_VPC];
	out->rules = xcalloc(c.a_rules + 1, sizeof(*out->rules));
	region_ns = add_ns(&c, NP_NS_REGION, "");
	add_region(&c, region_ns);
	WORLD_FOR_EACH(w, RES_VPC, x) {
		ret = add_vpc(&c, region_ns, netindex_vpc(ix, x->id));
		if (ret < 0)
			break;
	}
	hmap_release(&c.groups);
	hmap_release(&c.pl_blocks);
	hmap_release_values(&c.members, members_free);
	if (ret < 0)
		netplan_release(out);
	return ret;
}

void netplan_release(struct np_plan *p)
{
	arena_release(&p->arena);
	free(p->ns);
	free(p->links);
	free(p->addrs);
	free(p->routes);
	free(p->rules);
	free(p->ports);
	free(p->nats);
	free(p->endpoints);
	free(p->http_blocks);
	*p = (struct np_plan){ 0 };
}

void netplan_prefix(const char *state_path, char dst[static NP_PREFIX_MAX + 1])
{
	snprintf(dst, NP_PREFIX_MAX + 1, "vpce%04x-", (unsigned)(hmap_hash(state_path) & 0xFFFF));
}

long netplan_ns_of_pl_ip(const struct np_plan *p, uint32_t ip)
{
	for (size_t i = 0; ip && i < p->n_ns; i++)
		if (p->ns[i].pl_ip == ip)
			return (long)i;
	return -1;
}

long netplan_ns_find(const struct np_plan *p, const char *res_id)
{
	for (size_t i = 0; i < p->n_ns; i++)
		if (!strcmp(p->ns[i].res_id, res_id))
			return (long)i;
	return -1;
}
