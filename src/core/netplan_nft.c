/* SPDX-License-Identifier: MIT */
/*
 * The nftables ruleset of one namespace of a plan, as text for libnftables
 * (docs/dataplane.md): in a VPC namespace the security groups, the bridge
 * ports' source check and the internet gateway's one-to-one translation; in
 * a NAT gateway's, its masquerade. Pure: text in, nothing applied.
 */
#include "compat.h"
#include "core/netplan.h"

/* Chain names of a port: its ENI ID, which nft takes as an identifier. */
static void chain(struct buf *b, const char *dir, const struct np_port *pt)
{
	buf_addf(b, "%s_%s", dir, pt->eni->res.id + 4);	/* "eni-" dropped: ids are [0-9a-f] */
}

static void add_ip(struct buf *b, uint32_t ip)
{
	char s[IP4_STRLEN];

	buf_adds(b, ip4_fmt(ip, s));
}

static void add_block(struct buf *b, const struct cidr4 *c)
{
	char s[CIDR4_STRLEN];

	buf_adds(b, c->len == 32 ? ip4_fmt(c->addr, s) : cidr4_fmt(c, s));
}

/* "{ a, b/n }": a rule's peers; false when it has none (then it matches nothing). */
static bool add_peers(struct buf *b, const char *field, const struct np_sg_rule *r)
{
	if (!r->n_peers)
		return false;
	if (r->n_peers == 1 && r->peers[0].len == 0)
		return true;	/* 0.0.0.0/0: any address, no match needed */
	buf_addf(b, "ip %s { ", field);
	for (size_t i = 0; i < r->n_peers; i++) {
		if (i)
			buf_adds(b, ", ");
		add_block(b, &r->peers[i]);
	}
	buf_adds(b, " } ");
	return true;
}

/* The protocol and ports of a rule ("tcp dport 80-443 "), as AWS reads them. */
static void add_proto(struct buf *b, const struct np_sg_rule *r)
{
	const char *name = r->proto == 6 ? "tcp" : r->proto == 17 ? "udp" : NULL;

	if (r->proto < 0)
		return;
	if (name) {
		buf_addf(b, "meta l4proto %s ", name);
		if (r->from_port >= 0 && !(r->from_port == 0 && r->to_port == 65535))
			buf_addf(b, r->from_port == r->to_port ? "%s dport %d " : "%s dport %d-%d ",
				 name, r->from_port, r->to_port);
	} else if (r->proto == 1) {
		buf_adds(b, "meta l4proto icmp ");
		if (r->from_port >= 0)
			buf_addf(b, "icmp type %d ", r->from_port);
		if (r->from_port >= 0 && r->to_port >= 0)
			buf_addf(b, "icmp code %d ", r->to_port);
	} else {
		buf_addf(b, "meta l4proto %d ", r->proto);
	}
}

/* A port's chain in one direction: each rule that matches ends in 'verdict'; else drop. */
static void port_chain(struct buf *b, const struct np_port *pt, bool egress)
{
	const struct np_sg_rule *rules = egress ? pt->out : pt->in;
	size_t n = egress ? pt->n_out : pt->n_in;

	buf_adds(b, "\tchain ");
	chain(b, egress ? "out" : "in", pt);
	buf_adds(b, " {\n");
	for (size_t i = 0; i < n; i++) {
		size_t mark = b->len;

		buf_adds(b, "\t\t");
		if (!add_peers(b, egress ? "daddr" : "saddr", &rules[i])) {
			buf_truncate(b, mark);
			continue;
		}
		add_proto(b, &rules[i]);
		/* An egress rule lets the packet on to the receiver's ingress check. */
		buf_addf(b, "%s comment \"%s %s\"\n", egress ? "return" : "accept",
			 rules[i].sg->res.id, rules[i].rule->id);
	}
	buf_adds(b, "\t\tdrop\n\t}\n");
}

/*
 * Starts table 'name' afresh: declared (so the delete cannot fail), deleted,
 * defined. Loaded as one transaction, the text replaces what was there whole.
 */
static void table_start(struct buf *b, const char *name)
{
	buf_addf(b, "table %s {}\ndelete table %s\ntable %s {\n", name, name, name);
}

/* A table the namespace no longer needs: gone, with its hooks (a NAT hook costs every new flow). */
static void table_drop(struct buf *b, const char *name)
{
	buf_addf(b, "table %s {}\ndelete table %s\n", name, name);
}

/*
 * The internet gateway's translations: public to private coming in, back
 * going out, each one map lookup whatever the number of addresses.
 */
static void nat_rules(const struct np_plan *p, size_t ns, struct buf *b, bool in)
{
	bool first = true;

	for (size_t i = 0; i < p->n_nats; i++) {
		const struct np_nat1to1 *t = &p->nats[i];

		if (t->ns != ns)
			continue;
		if (first)
			buf_addf(b, "\t\t%s \"igw0\" %s to ip %s map { ", in ? "iifname" : "oifname",
				 in ? "dnat" : "snat", in ? "daddr" : "saddr");
		else
			buf_adds(b, ", ");
		add_ip(b, in ? t->public_ip : t->private_ip);
		buf_adds(b, " : ");
		add_ip(b, in ? t->private_ip : t->public_ip);
		first = false;
	}
	if (!first)
		buf_adds(b, " }\n");
}

static bool any_nat(const struct np_plan *p, size_t ns)
{
	for (size_t i = 0; i < p->n_nats; i++)
		if (p->nats[i].ns == ns)
			return true;
	return false;
}

static bool any_endpoint(const struct np_plan *p, size_t ns)
{
	for (size_t i = 0; i < p->n_endpoints; i++)
		if (p->endpoints[i].ns == ns)
			return true;
	return false;
}

/* "{ a, b }" of the interface endpoints' addresses in 'ns' (or in the region). */
static void endpoint_addrs(const struct np_plan *p, size_t ns, struct buf *b, bool region)
{
	bool first = true;

	buf_adds(b, "{ ");
	for (size_t i = 0; i < p->n_endpoints; i++) {
		if (p->endpoints[i].ns != ns)
			continue;
		buf_adds(b, first ? "" : ", ");
		add_ip(b, region ? p->endpoints[i].region_ip : p->endpoints[i].ip);
		first = false;
	}
	buf_adds(b, " }");
}

static void endpoint_set(const struct np_plan *p, size_t ns, struct buf *b)
{
	endpoint_addrs(p, ns, b, false);
}

static void endpoint_region_set(const struct np_plan *p, size_t ns, struct buf *b)
{
	endpoint_addrs(p, ns, b, true);
}

/*
 * "ip saddr vmap { <address> : jump out_<eni>, … }" of the ports of 'ns'
 * ('to': "ip daddr" and their in_ chains), or of its endpoints' ports only.
 */
static void port_vmap(const struct np_plan *p, size_t ns, struct buf *b, bool to, bool endpoints)
{
	bool first = true;

	for (size_t i = 0; i < p->n_ports; i++) {
		const struct np_port *pt = &p->ports[i];

		if (pt->ns != ns || (endpoints && pt->eni->type != ENI_VPC_ENDPOINT))
			continue;
		buf_adds(b, first ? (to ? "\t\tip daddr vmap { " : "\t\tip saddr vmap { ") : ", ");
		add_ip(b, pt->ip);
		buf_adds(b, " : jump ");
		chain(b, to ? "in" : "out", pt);
		first = false;
	}
	if (!first)
		buf_adds(b, " }\n");
}

/*
 * "{ a : b, … }" of the interface endpoints of 'ns' with a value: 'key' to
 * 'val' (0s left out); false when none has one ('b' NULL: only that).
 */
typedef uint32_t endpoint_field(const struct np_endpoint *e);

static bool endpoint_map(const struct np_plan *p, size_t ns, struct buf *b, endpoint_field *key,
			 endpoint_field *val, bool ip_val)
{
	bool first = true;

	for (size_t i = 0; i < p->n_endpoints; i++) {
		const struct np_endpoint *e = &p->endpoints[i];

		if (e->ns != ns || !val(e))
			continue;
		if (!b)
			return true;
		buf_adds(b, first ? "{ " : ", ");
		add_ip(b, key(e));
		buf_adds(b, " : ");
		if (ip_val)
			add_ip(b, val(e));
		else
			buf_addf(b, "%u", val(e));
		first = false;
	}
	if (!first)
		buf_adds(b, " }");
	return !first;
}

static uint32_t ep_ip(const struct np_endpoint *e) { return e->ip; }
static uint32_t ep_region_ip(const struct np_endpoint *e) { return e->region_ip; }
static uint32_t ep_table(const struct np_endpoint *e) { return e->table; }

/*
 * Connections to interface endpoints, without conntrack (an ENI's address
 * is its own address in the region, one to one: nothing to remember): only
 * TCP; the sender's egress and the endpoint's ingress decided on the
 * endpoint's own address, as AWS decides them, on every packet; marked, so
 * that the endpoint rule routes them to the region, and translated. What
 * comes back from an ENI's region address is an answer (an endpoint opens
 * no connection: a lone SYN is dropped), routed by the table of the ENI's
 * subnet, as AWS routes an ENI's traffic, and translated back once routed
 * (before, its source would be the router's own address).
 */
static void endpoint_chains(const struct np_plan *p, size_t ns, struct buf *b)
{
	buf_adds(b, "\tchain endpoints {\n"
		    "\t\ttype filter hook prerouting priority raw; policy accept;\n"
		    "\t\tip daddr ");
	endpoint_set(p, ns, b);
	buf_adds(b, " jump to_endpoint\n"
		    "\t\tiifname \"pl0\" ip saddr ");
	endpoint_region_set(p, ns, b);
	buf_adds(b, " jump from_endpoint\n\t}\n"
		    "\tchain to_endpoint {\n"
		    "\t\tmeta l4proto != tcp drop\n");
	/*
	 * Their subnets' tables send these senders' packets to a middlebox,
	 * which forwards nothing here (its port checks sources): they never
	 * arrive, as AWS would not deliver them to the endpoint either.
	 */
	for (size_t i = 0; i < p->n_endpoints; i++) {
		const struct np_endpoint *e = &p->endpoints[i];

		for (size_t k = 0; e->ns == ns && k < e->n_detours; k++) {
			buf_adds(b, "\t\tip saddr ");
			add_block(b, &e->detours[k]);
			buf_adds(b, " ip daddr ");
			add_ip(b, e->ip);
			buf_adds(b, " drop\n");
		}
	}
	buf_addf(b, "\t\tnotrack meta mark set 0x%x\n", NP_MARK_ENDPOINT);
	port_vmap(p, ns, b, false, false);
	port_vmap(p, ns, b, true, true);
	buf_adds(b, "\t\tdrop\n\t}\n"
		    "\tchain from_endpoint {\n"
		    "\t\tnotrack tcp flags & (syn | ack) == syn drop\n");
	if (endpoint_map(p, ns, NULL, ep_region_ip, ep_table, false)) {
		buf_adds(b, "\t\tmeta mark set ip saddr map ");
		endpoint_map(p, ns, b, ep_region_ip, ep_table, false);
		buf_adds(b, "\n");
	}
	buf_adds(b, "\t}\n"
		    "\tchain endpoint_to_region {\n"
		    "\t\ttype filter hook prerouting priority mangle; policy accept;\n");
	buf_addf(b, "\t\tmeta mark 0x%x ip daddr set ip daddr map ", NP_MARK_ENDPOINT);
	endpoint_map(p, ns, b, ep_ip, ep_region_ip, true);
	buf_adds(b, "\n\t}\n"
		    "\tchain endpoint_answers {\n"
		    "\t\ttype filter hook postrouting priority srcnat; policy accept;\n"
		    "\t\tiifname \"pl0\" ct state untracked ip saddr set ip saddr map ");
	endpoint_map(p, ns, b, ep_region_ip, ep_ip, true);
	buf_adds(b, "\n\t}\n");
}

static void vpc_ruleset(const struct np_plan *p, size_t ns, struct buf *b)
{
	bool any = false, first;

	table_start(b, "inet vpce");
	for (size_t i = 0; i < p->n_ports; i++) {
		if (p->ports[i].ns != ns)
			continue;
		port_chain(b, &p->ports[i], true);
		port_chain(b, &p->ports[i], false);
		any = true;
	}
	if (any_endpoint(p, ns))
		endpoint_chains(p, ns, b);
	buf_adds(b, "\tchain forward {\n"
		    "\t\ttype filter hook forward priority filter; policy accept;\n"
		    "\t\tct state established,related accept\n"
		    "\t\tct state invalid drop\n");
	/* Connections to interface endpoints were decided before translation; their answers are answers. */
	if (any_endpoint(p, ns))
		buf_addf(b, "\t\tmeta mark 0x%x accept\n"
			    "\t\tiifname \"pl0\" ct state untracked accept\n", NP_MARK_ENDPOINT);
	/* Only addresses translated at the internet gateway leave through it. */
	first = true;
	for (size_t i = 0; i < p->n_nats; i++) {
		if (p->nats[i].ns != ns)
			continue;
		buf_adds(b, first ? "\t\toifname \"igw0\" ip saddr != { " : ", ");
		add_ip(b, p->nats[i].private_ip);
		first = false;
	}
	buf_adds(b, first ? "\t\toifname \"igw0\" drop\n" : " } drop\n");
	port_vmap(p, ns, b, false, false);
	port_vmap(p, ns, b, true, false);
	buf_adds(b, "\t}\n}\n");

	/*
	 * A port sends only from its ENI's address: two set lookups per frame
	 * (is it a port; is the source its own), whatever the number of ports.
	 * Other bridge ports (NAT gateways', which forward) are not checked.
	 */
	table_start(b, "bridge vpce");
	buf_adds(b, "\tchain prerouting {\n"
		    "\t\ttype filter hook prerouting priority filter; policy accept;\n");
	for (int pass = 0; any && pass < 2; pass++) {
		size_t n = 0;

		buf_adds(b, pass ? " } iifname . ip saddr != { " : "\t\tether type ip iifname { ");
		for (size_t i = 0; i < p->n_ports; i++) {
			if (p->ports[i].ns != ns)
				continue;
			buf_addf(b, "%s\"%s\"", n++ ? ", " : "", p->ports[i].dev);
			if (pass) {
				buf_adds(b, " . ");
				add_ip(b, p->ports[i].ip);
			}
		}
	}
	buf_adds(b, any ? " } drop\n\t}\n}\n" : "\t}\n}\n");

	if (!any_nat(p, ns) && !p->ns[ns].pl_ip) {
		table_drop(b, "ip vpce-nat");
		return;
	}
	table_start(b, "ip vpce-nat");
	buf_adds(b, "\tchain prerouting {\n"
		    "\t\ttype nat hook prerouting priority dstnat; policy accept;\n");
	nat_rules(p, ns, b, true);
	buf_adds(b, "\t}\n\tchain postrouting {\n"
		    "\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
	nat_rules(p, ns, b, false);
	if (p->ns[ns].pl_ip) {
		buf_adds(b, "\t\toifname \"pl0\" snat to ");
		add_ip(b, p->ns[ns].pl_ip);
		buf_adds(b, "\n");
	}
	buf_adds(b, "\t}\n}\n");
}

static bool speaks_http(const struct np_plan *p, uint32_t service_ip)
{
	for (size_t i = 0; i < p->n_http_blocks; i++)
		if (cidr4_contains_ip(&p->http_blocks[i], service_ip))
			return true;
	return false;
}

/*
 * A VPC's block of the region takes connections over the VPC's own link
 * only: an ENI's region address is no public address, and nothing but the
 * VPC's router may reach it (nor make its answers go to that VPC).
 */
static void pl_blocks_guard(const struct np_plan *p, size_t ns, struct buf *b)
{
	bool first = true;

	for (size_t i = 0; i < p->n_links; i++) {
		const struct np_link *l = &p->links[i];

		if (l->kind != NP_LINK_VETH || l->peer_ns != ns || !p->ns[l->ns].pl_block.len ||
		    strcmp(l->name, "pl0") != 0)
			continue;
		if (first) {
			buf_adds(b, "\t\tip daddr ");
			add_block(b, &(struct cidr4){ NP_PL_BLOCK, NP_PL_BLOCK_LEN });
			buf_adds(b, " ip daddr & ");
			add_ip(b, 0xFFFFFFFFu << (32 - NP_PL_VPC_LEN));
			buf_adds(b, " . iifname != { ");
		} else {
			buf_adds(b, ", ");
		}
		add_ip(b, p->ns[l->ns].pl_block.addr);
		buf_addf(b, " . \"%s\"", l->peer);
		first = false;
	}
	if (!first)
		buf_adds(b, " } drop\n");
}

/*
 * The region: its VPCs' blocks guarded; plain HTTP only where S3 and
 * DynamoDB answer; at every other service's addresses port 80 is refused,
 * as a closed port is. (Other addresses of the namespace, its links', are
 * left alone.)
 */
static void region_ruleset(const struct np_plan *p, size_t ns, struct buf *b)
{
	bool first = true;

	table_start(b, "inet vpce-region");
	buf_adds(b, "\tchain input {\n"
		    "\t\ttype filter hook input priority filter; policy accept;\n");
	pl_blocks_guard(p, ns, b);
	for (size_t i = 0; i < p->n_routes; i++) {
		const struct np_route *r = &p->routes[i];

		if (r->ns != ns || r->table != NP_TABLE_LOCAL || r->hop != NP_HOP_LOCAL)
			continue;
		buf_adds(b, first ? "\t\ttcp dport 80 ip daddr { " : ", ");
		add_block(b, &r->dst);
		first = false;
	}
	if (!first) {
		size_t n = 0;

		buf_adds(b, " }");
		for (size_t i = 0; i < p->n_http_blocks; i++) {
			buf_adds(b, n++ ? ", " : " ip daddr != { ");
			add_block(b, &p->http_blocks[i]);
		}
		/* Interface endpoints of those services take plain HTTP too. */
		for (size_t i = 0; i < p->n_endpoints; i++) {
			if (!speaks_http(p, p->endpoints[i].service_ip))
				continue;
			buf_adds(b, n++ ? ", " : " ip daddr != { ");
			add_ip(b, p->endpoints[i].region_ip);
		}
		buf_adds(b, n ? " } reject with tcp reset\n" : " reject with tcp reset\n");
	}
	buf_adds(b, "\t}\n}\n");
}

int netplan_nft(const struct np_plan *p, size_t ns, struct buf *out)
{
	if (ns >= p->n_ns)
		return -EINVAL;
	switch (p->ns[ns].kind) {
	case NP_NS_VPC:
		vpc_ruleset(p, ns, out);
		break;
	case NP_NS_REGION:
		region_ruleset(p, ns, out);
		break;
	case NP_NS_NAT:
		/* Everything it forwards leaves with its own address. */
		table_start(out, "ip vpce-nat");
		buf_adds(out, "\tchain postrouting {\n"
			      "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
			      "\t\toifname \"eth0\" fib saddr type != local masquerade\n"
			      "\t}\n}\n");
		break;
	default:
		break;
	}
	return out->err ? -ENOMEM : 0;
}
