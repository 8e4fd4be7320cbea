/* SPDX-License-Identifier: MIT */
/*
 * The path of one request, hop by hop as AWS carries it (docs/reach.md): the
 * source, the name, the route table and route, the security groups, the
 * endpoint's rules, then the policies. The first hop that stops the request
 * is marked and the walk ends there.
 */
#include "compat.h"
#include "reach/internal.h"

#include <stdarg.h>

#include "core/host_ops.h"
#include "core/net_ops.h"
#include "core/svcnet.h"

/* Services answer HTTPS, and S3 and DynamoDB plain HTTP too. */
#define HTTPS_PORT 443
#define HTTP_PORT 80
#define NAT_DEPTH 2		/* a NAT gateway's own route, and no further */

struct walk {
	struct reach *rx;
	const struct reach_query *q;
	struct reach_result *out;
	int port, proto;
	/* The source. */
	const struct vpc *vpc;
	const struct subnet *subnet;
	const struct eni *eni;
	uint32_t src_ip;
	const struct vgw *vgw;		/* an on-premises source's gateway */
	/* The destination. */
	char name[DNS_NAME_SIZE];
	char resource[512];		/* derived from 'to' ("" when none) */
	char bucket[64];		/* s3://bucket/…; "" otherwise */
	uint32_t dst_ip;
	/* What the path supplies to the policies. */
	const struct vpce *via;		/* the endpoint carrying the request */
	uint32_t vpc_source_ip;		/* aws:VpcSourceIp through an endpoint */
	uint32_t public_ip;		/* aws:SourceIp on a public path; 0: unknown */
	/* The sender at the current hop: the source, or a NAT gateway it passed. */
	uint32_t cur_src, cur_public;
};

const char *reach_block_name(enum reach_block b)
{
	static const char *const names[] = {
		[REACH_NONE] = NULL,
		[REACH_DNS] = "dns",
		[REACH_ROUTE] = "route",
		[REACH_SG_EGRESS] = "security-group-egress",
		[REACH_SG_INGRESS] = "security-group-ingress",
		[REACH_PROTOCOL] = "protocol",
		[REACH_REGION] = "region",
		[REACH_ENDPOINT_POLICY] = "endpoint-policy",
		[REACH_RESOURCE_POLICY] = "resource-policy",
		[REACH_IDENTITY_POLICY] = "identity-policy",
	};
	return names[b];
}

static const char *ipstr(uint32_t ip, char buf[static IP4_STRLEN])
{
	return ip4_fmt(ip, buf);
}

ATTR_PRINTF(4, 5)
static struct reach_hop *hop(struct walk *wk, const char *component, const char *id,
			     const char *fmt, ...)
{
	struct reach_result *out = wk->out;
	struct reach_hop *h;
	va_list ap;

	if (out->n_hops == REACH_MAX_HOPS)
		out->n_hops--;	/* the last hop is kept: it is the one that decides */
	h = &out->hops[out->n_hops++];
	*h = (struct reach_hop){ 0 };
	str_lcpy(h->component, component, sizeof(h->component));
	str_lcpy(h->id, id ? id : "", sizeof(h->id));
	va_start(ap, fmt);
	vsnprintf(h->detail, sizeof(h->detail), fmt, ap);
	va_end(ap);
	return h;
}

/* Marks the last hop as the one that stops the request; returns false for 'return block(…)'. */
ATTR_PRINTF(3, 4)
static bool block(struct walk *wk, enum reach_block at, const char *fix_fmt, ...)
{
	va_list ap;

	wk->out->blocked_at = at;
	if (wk->out->n_hops)
		wk->out->hops[wk->out->n_hops - 1].blocking = true;
	if (fix_fmt) {
		va_start(ap, fix_fmt);
		vsnprintf(wk->out->fix, sizeof(wk->out->fix), fix_fmt, ap);
		va_end(ap);
	}
	return false;
}

static void ctx_add(struct walk *wk, const char *key, const char *value)
{
	struct reach_result *out = wk->out;

	if (out->n_ctx == REACH_MAX_CONTEXT)
		return;
	str_lcpy(out->ctx_key[out->n_ctx], key, sizeof(out->ctx_key[0]));
	str_lcpy(out->ctx_value[out->n_ctx++], value, sizeof(out->ctx_value[0]));
}

static const char *proto_name(int proto)
{
	return proto == 6 ? "tcp" : proto == 17 ? "udp" : "ip";
}

/* --- the source --- */

static bool source_eni(struct walk *wk, const struct eni *e, struct err *e_out)
{
	struct res *s = world_get(wk->rx->w, e->subnet_id, RES_SUBNET);
	struct res *v = world_get(wk->rx->w, e->vpc_id, RES_VPC);

	if (!s || !v)
		return err_fail(e_out, NULL, "'%s' is in no subnet this state holds", e->res.id), false;
	wk->eni = e;
	wk->subnet = AS_SUBNET(s);
	wk->vpc = AS_VPC(v);
	wk->src_ip = e->private_ip;
	return true;
}

/* A VPC whose attached virtual private gateway has a route back to 'ip'. */
static bool source_onprem(struct walk *wk, uint32_t ip)
{
	const struct world *w = wk->rx->w;
	struct res *r;

	WORLD_FOR_EACH(w, RES_RTB, r) {
		const struct rtb *t = AS_RTB(r);
		const struct vpc_members *m = netindex_vpc(&wk->rx->ix, t->vpc_id);

		if (!m || !m->vgw || cidr4_contains_ip(&m->vpc->cidr, ip))
			continue;
		for (size_t i = 0; i < t->n_routes; i++) {
			const struct route *rt = &t->routes[i];

			if (rt->target == TARGET_VGW && !rt->to_prefix_list &&
			    !strcmp(rt->target_id, m->vgw->res.id) &&
			    cidr4_contains_ip(&rt->dest, ip)) {
				wk->vpc = m->vpc;
				wk->vgw = m->vgw;
				wk->src_ip = ip;
				return true;
			}
		}
	}
	return false;
}

static bool find_source(struct walk *wk, struct err *e)
{
	const struct world *w = wk->rx->w;
	const char *from = wk->q->from;
	char a[IP4_STRLEN], az[AZ_NAME_SIZE];
	const struct ip_owner *o;
	struct res *r;
	uint32_t ip;

	if (!from || !from[0])
		return err_fail(e, NULL, "--from is missing: give an instance ID, an ENI ID or an address"), false;
	if (!strncmp(from, "i-", 2)) {
		r = world_get(w, from, RES_INSTANCE);
		if (!r)
			return err_fail(e, NULL, "there is no instance '%s'", from), false;
		if (AS_INSTANCE(r)->state == INSTANCE_TERMINATED)
			return err_fail(e, NULL, "instance '%s' is terminated", from), false;
		r = world_get(w, AS_INSTANCE(r)->eni_id, RES_ENI);
		if (!r)
			return err_fail(e, NULL, "instance '%s' has no network interface", from), false;
		if (!source_eni(wk, AS_ENI(r), e))
			return false;
	} else if (!strncmp(from, "eni-", 4)) {
		r = world_get(w, from, RES_ENI);
		if (!r)
			return err_fail(e, NULL, "there is no network interface '%s'", from), false;
		if (!source_eni(wk, AS_ENI(r), e))
			return false;
	} else if (ip4_parse(str_c(from), &ip) == 0) {
		o = reach_ip_owner(wk->rx, ip);
		if (o && o->count > 1)
			return err_fail(e, NULL, "%s is an address of %zu network interfaces in different VPCs: give the instance or ENI ID",
					from, o->count), false;
		if (o) {
			if (!source_eni(wk, o->eni, e))
				return false;
		} else if (!source_onprem(wk, ip)) {
			return err_fail(e, NULL, "%s is no network interface's address, and no VPC routes it to an attached virtual private gateway (an on-premises source)",
					from), false;
		}
	} else {
		return err_fail(e, NULL, "--from '%s' is not an instance ID, an ENI ID or an IPv4 address", from), false;
	}
	if (wk->vgw) {
		hop(wk, "source", wk->vgw->res.id,
		    "%s is on the on-premises network behind %s, attached to %s (a route to it covers %s)",
		    ipstr(wk->src_ip, a), wk->vgw->res.id, wk->vpc->res.id, a);
		return true;
	}
	region_az_name(wk->rx->region, wk->subnet->az, az);
	hop(wk, "source", wk->eni->owner_res_id[0] ? wk->eni->owner_res_id : wk->eni->res.id,
	    "%s %s in %s (%s) of %s", wk->eni->res.id, ipstr(wk->src_ip, a), wk->subnet->res.id,
	    az, wk->vpc->res.id);
	return true;
}

/* --- the destination --- */

/* s3://bucket/key and DynamoDB table ARNs become the name an SDK would use. */
static bool parse_destination(struct walk *wk, struct err *e)
{
	const char *to = wk->q->to;
	const char *region = wk->rx->region->name;

	if (!to || !to[0])
		return err_fail(e, NULL, "--to is missing: give a DNS name, an address, s3://bucket/key or a table ARN"), false;
	if (!strncmp(to, "s3://", 5)) {
		const char *b = to + 5, *slash = strchr(b, '/');
		size_t len = slash ? (size_t)(slash - b) : strlen(b);

		if (len < 3 || len > 63 || strspn(b, "abcdefghijklmnopqrstuvwxyz0123456789.-") < len)
			return err_fail(e, NULL, "'%s' does not name an S3 bucket (3 to 63 of a-z 0-9 . -)", to), false;
		memcpy(wk->bucket, b, len);
		wk->bucket[len] = '\0';
		snprintf(wk->name, sizeof(wk->name), "%s.s3.%s.amazonaws.com", wk->bucket, region);
		snprintf(wk->resource, sizeof(wk->resource), "arn:aws:s3:::%s%s", wk->bucket,
			 slash && slash[1] ? slash : "");
		return true;
	}
	if (!strncmp(to, "arn:aws:dynamodb:", 17)) {
		char rg[64];
		const char *p = to + 17, *colon = strchr(p, ':');

		if (!colon || (size_t)(colon - p) >= sizeof(rg) || !strstr(colon, ":table/"))
			return err_fail(e, NULL, "'%s' is not a DynamoDB table ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME)", to), false;
		memcpy(rg, p, (size_t)(colon - p));
		rg[colon - p] = '\0';
		snprintf(wk->name, sizeof(wk->name), "dynamodb.%s.amazonaws.com", rg);
		str_lcpy(wk->resource, to, sizeof(wk->resource));
		return true;
	}
	if (ip4_parse(str_c(to), &wk->dst_ip) == 0)
		return true;
	if (strlen(to) >= sizeof(wk->name))
		return err_fail(e, NULL, "--to '%.40s…' is longer than a DNS name can be", to), false;
	str_lcpy(wk->name, to, sizeof(wk->name));
	return true;
}

/* Which of an answer's addresses a client in the source's zone uses: its own zone's first. */
static size_t pick_addr(const struct walk *wk, const struct dns_answer *a)
{
	for (size_t i = 0; wk->subnet && i < a->n; i++) {
		struct res *s = a->enis[i] ? world_get(wk->rx->w, a->enis[i]->subnet_id, RES_SUBNET) : NULL;

		if (s && AS_SUBNET(s)->az == wk->subnet->az)
			return i;
	}
	return 0;
}

static void list_addrs(const struct dns_answer *a, char *dst, size_t size)
{
	char ip[IP4_STRLEN];
	size_t len = 0;

	dst[0] = '\0';
	for (size_t i = 0; i < a->n && len < size; i++)
		len += (size_t)snprintf(dst + len, size - len, "%s%s", i ? ", " : "",
					ipstr(a->addrs[i], ip));
}

static bool resolve(struct walk *wk, struct err *e)
{
	struct reach_result *out = wk->out;
	const struct vpc *view = wk->vgw ? NULL : wk->vpc;
	char addrs[160], ip[IP4_STRLEN], az[AZ_NAME_SIZE];
	struct dns_answer a;

	if (!wk->name[0]) {
		out->addr = wk->dst_ip;
		out->resolved = true;
		return true;
	}
	str_lcpy(out->name, wk->name, sizeof(out->name));
	str_lcpy(out->view, view ? view->res.id : "public", sizeof(out->view));
	if (dnsview_resolve(wk->rx->w, &wk->rx->ix, wk->rx->region, view, wk->name, &a) < 0)
		return err_fail(e, NULL, "'%s' is not a DNS name", wk->name), false;
	out->how = a.how;
	if (a.vpce)
		str_lcpy(out->endpoint, a.vpce->res.id, sizeof(out->endpoint));
	memcpy(out->addrs, a.addrs, a.n * sizeof(a.addrs[0]));
	out->n_addrs = a.n;
	list_addrs(&a, addrs, sizeof(addrs));
	switch (a.how) {
	case DNS_NO_RESOLVER:
		hop(wk, "dns", wk->vpc->res.id, "%s has enableDnsSupport false: its resolver (%s) answers nothing",
		    wk->vpc->res.id, ipstr(wk->vpc->cidr.addr + 2, ip));
		return block(wk, REACH_DNS, "aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-support",
			     wk->vpc->res.id);
	case DNS_NXDOMAIN:
		hop(wk, "dns", view ? view->res.id : "", "%s: NXDOMAIN in the %s view", wk->name,
		    view ? "VPC resolver's" : "public");
		return block(wk, REACH_DNS, NULL);
	case DNS_PRIVATE_ZONE:
		hop(wk, "dns", a.vpce->res.id,
		    "%s → %s: the private DNS of %s overrides the public name inside %s (enableDnsSupport and enableDnsHostnames are true)",
		    wk->name, addrs, a.vpce->res.id, wk->vpc->res.id);
		break;
	case DNS_ENDPOINT_NAME:
		if (a.az >= 0)
			region_az_name(wk->rx->region, a.az, az);
		hop(wk, "dns", a.vpce->res.id, "%s → %s: the %s name of %s%s%s (public DNS, private addresses)",
		    wk->name, a.n ? addrs : "no address", a.az >= 0 ? "zonal" : "regional",
		    a.vpce->res.id, a.az >= 0 ? " in " : "", a.az >= 0 ? az : "");
		if (!a.n) {
			hop(wk, "dns", a.vpce->res.id, "%s has no network interface %s", a.vpce->res.id,
			    a.az >= 0 ? "in that zone" : "at all");
			return block(wk, REACH_DNS, "add a subnet of %s to %s", a.az >= 0 ? az : "some zone",
				     a.vpce->res.id);
		}
		break;
	case DNS_INSTANCE_NAME:
		hop(wk, "dns", wk->vpc->res.id, "%s → %s: an instance name (enableDnsHostnames is true)",
		    wk->name, addrs);
		break;
	case DNS_PUBLIC:
		if (a.bypassed && a.attrs_block)
			hop(wk, "dns", a.bypassed->res.id,
			    "%s → %s: the public name; %s has private DNS on, but %s has enableDnsSupport or enableDnsHostnames false, so its private zone does not answer",
			    wk->name, addrs, a.bypassed->res.id, wk->vpc->res.id);
		else if (a.bypassed)
			hop(wk, "dns", a.bypassed->res.id,
			    "%s → %s: the public name; %s serves this name but has private DNS off",
			    wk->name, addrs, a.bypassed->res.id);
		else
			hop(wk, "dns", view ? view->res.id : "", "%s → %s: the public name%s", wk->name,
			    addrs, view ? " (no private zone of this VPC holds it)" :
			    ": on-premises resolvers see public DNS only");
		break;
	}
	out->addr = a.addrs[pick_addr(wk, &a)];
	out->resolved = true;
	wk->dst_ip = out->addr;
	return true;
}

/* --- security groups --- */

static bool rule_matches(const struct np_sg_rule *r, uint32_t peer, int proto, int port)
{
	if (r->proto >= 0 && r->proto != proto)
		return false;
	if (r->proto >= 0 && r->from_port >= 0 && (port < r->from_port || port > r->to_port))
		return false;
	for (size_t i = 0; i < r->n_peers; i++)
		if (cidr4_contains_ip(&r->peers[i], peer))
			return true;
	return false;
}

static void rule_text(const struct np_sg_rule *r, char *dst, size_t size)
{
	const struct sg_rule *s = r->rule;
	char c[CIDR4_STRLEN], ports[24] = "";

	if (r->proto >= 0 && r->from_port >= 0)
		snprintf(ports, sizeof(ports), r->from_port == r->to_port ? " %d" : " %d-%d",
			 r->from_port, r->to_port);
	snprintf(dst, size, "%s %s%s %s %s", s->id[0] ? s->id : "rule",
		 r->proto < 0 ? "all traffic" : proto_name(r->proto), ports,
		 s->egress ? "to" : "from",
		 s->peer == PEER_CIDR ? cidr4_fmt(&s->cidr, c) : s->peer_id);
}

static void groups_text(const struct eni *e, char *dst, size_t size)
{
	size_t len = 0;

	dst[0] = '\0';
	for (size_t i = 0; i < e->n_groups && len < size; i++)
		len += (size_t)snprintf(dst + len, size - len, "%s%s", i ? ", " : "", e->groups[i]);
}

/* The egress rules of the source's ENI, for a packet to 'ip'. */
static bool sg_egress(struct walk *wk, uint32_t ip, const char *what)
{
	const struct np_port *pt = hmap_get(&wk->rx->ports, wk->eni->res.id);
	char groups[200], rule[160], a[IP4_STRLEN];

	groups_text(wk->eni, groups, sizeof(groups));
	for (size_t i = 0; pt && i < pt->n_out; i++) {
		if (!rule_matches(&pt->out[i], ip, wk->proto, wk->port))
			continue;
		rule_text(&pt->out[i], rule, sizeof(rule));
		hop(wk, "security-group-egress", pt->out[i].sg->res.id,
		    "%s allows %s %d to %s: %s", pt->out[i].sg->res.id, proto_name(wk->proto),
		    wk->port, ipstr(ip, a), rule);
		return true;
	}
	hop(wk, "security-group-egress", wk->eni->n_groups ? wk->eni->groups[0] : wk->eni->res.id,
	    "no egress rule of %s (on %s) allows %s %d to %s", groups[0] ? groups : "its groups",
	    wk->eni->res.id, proto_name(wk->proto), wk->port, ipstr(ip, a));
	return block(wk, REACH_SG_EGRESS, "add an egress rule for %s %d to %s to %s",
		     proto_name(wk->proto), wk->port, what,
		     wk->eni->n_groups ? wk->eni->groups[0] : "a group of the source");
}

/* The ingress rules of 'dst''s groups, for a packet from 'src'. */
static bool sg_ingress(struct walk *wk, const struct eni *dst, uint32_t src)
{
	const struct np_port *pt = hmap_get(&wk->rx->ports, dst->res.id);
	char groups[200], rule[160], a[IP4_STRLEN];

	groups_text(dst, groups, sizeof(groups));
	for (size_t i = 0; pt && i < pt->n_in; i++) {
		if (!rule_matches(&pt->in[i], src, wk->proto, wk->port))
			continue;
		rule_text(&pt->in[i], rule, sizeof(rule));
		hop(wk, "security-group-ingress", pt->in[i].sg->res.id,
		    "%s (on %s) allows %s %d from %s: %s", pt->in[i].sg->res.id, dst->res.id,
		    proto_name(wk->proto), wk->port, ipstr(src, a), rule);
		return true;
	}
	hop(wk, "security-group-ingress", dst->n_groups ? dst->groups[0] : dst->res.id,
	    "no ingress rule of %s (on %s) allows %s %d from %s", groups[0] ? groups : "its groups",
	    dst->res.id, proto_name(wk->proto), wk->port, ipstr(src, a));
	return block(wk, REACH_SG_INGRESS, "add an ingress rule for %s %d from %s to %s",
		     proto_name(wk->proto), wk->port, ipstr(src, a),
		     dst->n_groups ? dst->groups[0] : "a group of the destination");
}

/* --- routes --- */

static const char *target_kind(enum route_target t)
{
	static const char *const names[] = {
		[TARGET_LOCAL] = "local", [TARGET_IGW] = "internet gateway",
		[TARGET_NAT] = "NAT gateway", [TARGET_VGW] = "virtual private gateway",
		[TARGET_ENI] = "network interface", [TARGET_INSTANCE] = "instance",
		[TARGET_VPCE] = "gateway endpoint", [TARGET_OTHER] = "target",
	};
	return names[t];
}

static void route_dest(const struct route *rt, char *dst, size_t size)
{
	char c[CIDR4_STRLEN];

	if (rt->to_prefix_list)
		snprintf(dst, size, "%s", rt->pl_id);
	else
		snprintf(dst, size, "%s", cidr4_fmt(&rt->dest, c));
}

/* The route table hop: which table applies to the subnet, and why. */
static const struct np_rule *table_hop(struct walk *wk, const struct subnet *s)
{
	const struct np_rule *rule = reach_rule(wk->rx, s);
	bool explicit_assoc = false;

	if (!rule || !rule->rtb) {
		hop(wk, "route-table", s->res.id, "%s has no route table (its VPC has no main table)",
		    s->res.id);
		block(wk, REACH_ROUTE, NULL);
		return NULL;
	}
	for (size_t i = 0; i < rule->rtb->n_assocs; i++)
		explicit_assoc |= !strcmp(rule->rtb->assocs[i].subnet_id, s->res.id);
	hop(wk, "route-table", rule->rtb->res.id, explicit_assoc ?
	    "%s: associated with %s" : "%s: the main route table (%s has no association of its own)",
	    rule->rtb->res.id, s->res.id);
	return rule;
}

/*
 * The answers of a connection that reached 'dst' from 'peer' leave by the
 * route table of dst's subnet, as every packet an ENI sends does (an
 * interface endpoint's too): that table must send 'peer' back the way the
 * request came, over the local route ('back' TARGET_LOCAL), or to the
 * internet or virtual private gateway 'back_id'. Otherwise the request
 * arrives and its answer goes elsewhere, and no connection is made.
 */
static bool answer_route(struct walk *wk, const struct eni *dst, uint32_t peer,
			 enum route_target back, const char *back_id)
{
	struct res *s = world_get(wk->rx->w, dst->subnet_id, RES_SUBNET);
	const struct np_rule *rule = s ? reach_rule(wk->rx, AS_SUBNET(s)) : NULL;
	const struct np_route *k = rule && rule->rtb ? reach_lookup(wk->rx, rule, peer) : NULL;
	const struct route *rt = k ? &k->rtb->routes[k->route] : NULL;
	const char *id = rule && rule->rtb ? rule->rtb->res.id : dst->subnet_id;
	char a[IP4_STRLEN], d[80], c[CIDR4_STRLEN];

	if (rt && k->hop != NP_HOP_BLACKHOLE && rt->target == back &&
	    (back == TARGET_LOCAL || !strcmp(rt->target_id, back_id)))
		return true;
	/* A route to the peer itself (its instance or ENI as the target) takes them there too. */
	if (rt && back == TARGET_LOCAL && k->hop == NP_HOP_VIA && k->via == peer &&
	    (rt->target == TARGET_ENI || rt->target == TARGET_INSTANCE))
		return true;
	if (rt) {
		route_dest(rt, d, sizeof(d));
		hop(wk, "route", id, "the answers from %s to %s leave by %s (the table of %s): %s (%s) → %s%s, not back %s%s",
		    dst->res.id, ipstr(peer, a), id, dst->subnet_id, d, cidr4_fmt(&k->dst, c),
		    rt->target_id, k->hop == NP_HOP_BLACKHOLE ? " (blackhole)" : "",
		    back == TARGET_LOCAL ? "over the local route" : "through ",
		    back == TARGET_LOCAL ? "" : back_id);
	} else {
		hop(wk, "route", id, "the answers from %s to %s leave by %s (the table of %s), which has no route to %s",
		    dst->res.id, ipstr(peer, a), id, dst->subnet_id, a);
	}
	if (back == TARGET_LOCAL)
		return block(wk, REACH_ROUTE, NULL);
	return block(wk, REACH_ROUTE, "aws ec2 create-route --route-table-id %s --destination-cidr-block %s/32 --gateway-id %s",
		     id, a, back_id);
}

/* Whether a route table holds a gateway endpoint's route for 'svc'. */
static const struct vpce *gateway_endpoint_in(const struct walk *wk, const struct rtb *t,
					      const struct service *svc)
{
	for (size_t i = 0; i < t->n_routes; i++) {
		const struct route *rt = &t->routes[i];
		const struct region *rg;
		struct res *v;

		if (rt->target != TARGET_VPCE)
			continue;
		v = world_get(wk->rx->w, rt->target_id, RES_VPCE);
		if (v && catalog_parse_name(AS_VPCE(v)->service, &rg) == svc)
			return AS_VPCE(v);
	}
	return NULL;
}

static bool policies(struct walk *wk);
static bool through_interface_endpoint(struct walk *wk, const struct eni *ep_eni);
static bool through_gateway_endpoint(struct walk *wk, const struct vpce *v);
static bool over_internet(struct walk *wk, uint32_t public_ip, const char *via);
static bool service_port(struct walk *wk, const struct service *svc, const char *id,
			 const char *where);

/* RFC 1918, shared (RFC 6598), link-local and loopback: never carried by the internet. */
static bool private_address(uint32_t ip)
{
	static const struct cidr4 blocks[] = {
		{ 0x0A000000u, 8 }, { 0xAC100000u, 12 }, { 0xC0A80000u, 16 },
		{ 0x64400000u, 10 }, { 0xA9FE0000u, 16 }, { 0x7F000000u, 8 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(blocks); i++)
		if (cidr4_contains_ip(&blocks[i], ip))
			return true;
	return false;
}

/* The internet gateway translates senders with a public address, to public destinations. */
static bool igw_usable(struct walk *wk, const char *igw_id, int depth)
{
	char a[IP4_STRLEN];

	if (!wk->cur_public) {
		hop(wk, "internet-gateway", igw_id,
		    "%s has no public IPv4 address: the internet gateway translates only addresses that have one",
		    depth ? "the NAT gateway" : wk->eni->res.id);
		return block(wk, REACH_ROUTE, "give %s a public address (an Elastic IP), or route through a NAT gateway; for S3 and DynamoDB a gateway endpoint needs neither",
			     depth ? "it" : wk->eni->res.id);
	}
	if (private_address(wk->dst_ip)) {
		hop(wk, "internet-gateway", igw_id,
		    "%s is a private address: the internet does not carry it (no peering or transit path either)",
		    ipstr(wk->dst_ip, a));
		return block(wk, REACH_ROUTE, NULL);
	}
	return true;
}

/* The local route's end: the ENI at the destination, from 'src' in 'subnet'. */
static bool to_local(struct walk *wk, const struct subnet *subnet, uint32_t src)
{
	const struct eni *dst = netindex_eni_at(&wk->rx->ix, wk->vpc->res.id, wk->dst_ip);
	char a[IP4_STRLEN];

	if (dst->type == ENI_VPC_ENDPOINT)
		return through_interface_endpoint(wk, dst);
	if (dst->type != ENI_NAT_GATEWAY && !sg_ingress(wk, dst, src))
		return false;
	/* Within a subnet the answers are not routed. */
	if (strcmp(dst->subnet_id, subnet->res.id) &&
	    !answer_route(wk, dst, src, TARGET_LOCAL, NULL))
		return false;
	hop(wk, "destination", dst->owner_res_id[0] ? dst->owner_res_id : dst->res.id,
	    "%s %s in %s", dst->res.id, ipstr(dst->private_ip, a), dst->subnet_id);
	return true;
}

/*
 * An address of the sender's own subnet: nothing is routed within a subnet,
 * so the route table does not apply (a more specific route of it, to a
 * middlebox, takes traffic from other subnets only).
 */
static bool within_subnet(struct walk *wk, const struct subnet *s)
{
	char a[IP4_STRLEN], c[CIDR4_STRLEN];

	hop(wk, "route", s->res.id, "%s is in %s (%s): delivered within the subnet, whatever its route table says",
	    ipstr(wk->dst_ip, a), s->res.id, cidr4_fmt(&s->cidr, c));
	if (!netindex_eni_at(&wk->rx->ix, wk->vpc->res.id, wk->dst_ip)) {
		hop(wk, "route", wk->vpc->res.id, "no network interface of %s has %s",
		    wk->vpc->res.id, a);
		return block(wk, REACH_ROUTE, NULL);
	}
	if (!sg_egress(wk, wk->dst_ip, a))
		return false;
	return to_local(wk, s, wk->cur_src);
}

/* A packet from 'subnet' (the sender at wk->cur_src), at 'depth' NAT gateways along. */
static bool route_from(struct walk *wk, const struct subnet *subnet, int depth)
{
	uint32_t src = wk->cur_src;
	const struct np_rule *rule;
	const struct np_route *k;
	const struct route *rt;
	const struct region *drg = NULL;
	const struct service *dsvc = svcnet_service_at(wk->rx->w, wk->dst_ip, &drg);
	char d[80], a[IP4_STRLEN], c[CIDR4_STRLEN];
	struct res *x;

	if (depth == 0 && wk->eni && cidr4_contains_ip(&subnet->cidr, wk->dst_ip))
		return within_subnet(wk, subnet);
	rule = table_hop(wk, subnet);
	if (!rule)
		return false;
	k = reach_lookup(wk->rx, rule, wk->dst_ip);
	if (!k) {
		const struct vpce *gw = dsvc ? gateway_endpoint_in(wk, rule->rtb, dsvc) : NULL;

		if (gw && drg != wk->rx->region) {
			hop(wk, "region", gw->res.id,
			    "%s serves %s in %s only: %s is %s in %s, and %s has no other route to it",
			    gw->res.id, dsvc->short_name, wk->rx->region->name, ipstr(wk->dst_ip, a),
			    dsvc->short_name, drg->name, rule->rtb->res.id);
			return block(wk, REACH_REGION, "reach %s in %s through a NAT gateway, or from a VPC in that region",
				     dsvc->short_name, drg->name);
		}
		hop(wk, "route", rule->rtb->res.id, "no route in %s matches %s", rule->rtb->res.id,
		    ipstr(wk->dst_ip, a));
		return block(wk, REACH_ROUTE, NULL);
	}
	rt = &k->rtb->routes[k->route];
	route_dest(rt, d, sizeof(d));
	if (rt->to_prefix_list)
		snprintf(d + strlen(d), sizeof(d) - strlen(d), " (%s)", cidr4_fmt(&k->dst, c));
	if (k->hop == NP_HOP_BLACKHOLE && rt->target == TARGET_LOCAL) {
		hop(wk, "route", k->rtb->res.id, "%s → local: %s is in the VPC but in none of its subnets",
		    d, ipstr(wk->dst_ip, a));
		return block(wk, REACH_ROUTE, NULL);
	}
	if (rt->target == TARGET_OTHER) {
		hop(wk, "route", rt->target_id, "%s → %s: the path leaves through %s, which vpce does not model",
		    d, rt->target_id, rt->target_id);
		return block(wk, REACH_ROUTE, NULL);
	}
	if (k->hop == NP_HOP_BLACKHOLE) {
		hop(wk, "route", rt->target_id, "%s → %s: blackhole (the %s is gone or detached)", d,
		    rt->target_id, target_kind(rt->target));
		return block(wk, REACH_ROUTE, "replace the route in %s", k->rtb->res.id);
	}
	hop(wk, "route", rt->target_id, "%s → %s (longest prefix match for %s)", d, rt->target_id,
	    ipstr(wk->dst_ip, a));
	/* What the route itself rules out comes before the source's groups. */
	if (rt->target == TARGET_LOCAL &&
	    !netindex_eni_at(&wk->rx->ix, wk->vpc->res.id, wk->dst_ip)) {
		hop(wk, "route", wk->vpc->res.id, "no network interface of %s has %s",
		    wk->vpc->res.id, ipstr(wk->dst_ip, a));
		return block(wk, REACH_ROUTE, NULL);
	}
	if (rt->target == TARGET_IGW && !igw_usable(wk, rt->target_id, depth))
		return false;
	if (depth == 0 && wk->eni) {
		const char *what = ipstr(wk->dst_ip, a);

		if (rt->to_prefix_list)
			what = rt->pl_id;
		if (!sg_egress(wk, wk->dst_ip, what))
			return false;
	}
	switch (rt->target) {
	case TARGET_LOCAL:
		return to_local(wk, subnet, src);
	case TARGET_VPCE:
		x = world_get(wk->rx->w, rt->target_id, RES_VPCE);
		return through_gateway_endpoint(wk, AS_VPCE(x));
	case TARGET_IGW:
		return over_internet(wk, wk->cur_public, rt->target_id);
	case TARGET_NAT: {
		const struct nat *n;
		struct res *ns, *ne;

		x = world_get(wk->rx->w, rt->target_id, RES_NAT);
		n = AS_NAT(x);
		ns = world_get(wk->rx->w, n->subnet_id, RES_SUBNET);
		ne = world_get(wk->rx->w, n->eni_id, RES_ENI);
		if (depth + 1 >= NAT_DEPTH || !ns || !ne) {
			hop(wk, "nat-gateway", n->res.id, "%s leads to another NAT gateway: no path", n->res.id);
			return block(wk, REACH_ROUTE, NULL);
		}
		hop(wk, "nat-gateway", n->res.id, "%s (%s) in %s translates the source to %s%s",
		    n->res.id, n->private_ ? "private" : "public", n->subnet_id,
		    ipstr(n->private_ip, a), n->private_ ? "" : ", then to its Elastic IP at the internet gateway");
		if (n->private_) {
			const struct np_rule *nr = reach_rule(wk->rx, AS_SUBNET(ns));
			const struct np_route *nk = nr ? reach_lookup(wk->rx, nr, wk->dst_ip) : NULL;

			if (nk && nk->rtb->routes[nk->route].target == TARGET_IGW) {
				table_hop(wk, AS_SUBNET(ns));
				hop(wk, "route", nk->rtb->routes[nk->route].target_id,
				    "a private NAT gateway cannot reach the internet: its traffic through an internet gateway is dropped");
				return block(wk, REACH_ROUTE, NULL);
			}
		}
		wk->cur_src = n->private_ip;
		wk->cur_public = n->private_ ? 0 : AS_ENI(ne)->public_ip;
		return route_from(wk, AS_SUBNET(ns), depth + 1);
	}
	case TARGET_VGW:
		hop(wk, "virtual-private-gateway", rt->target_id,
		    "the packet leaves to the on-premises network behind %s; vpce follows it no further",
		    rt->target_id);
		return true;
	case TARGET_ENI:
	case TARGET_INSTANCE:
		/* A route to the destination itself delivers the packet there. */
		if (k->via == wk->dst_ip && netindex_eni_at(&wk->rx->ix, wk->vpc->res.id, wk->dst_ip))
			return to_local(wk, subnet, src);
		hop(wk, "route", rt->target_id,
		    "the packet goes to %s, a middlebox; vpce does not follow traffic through instances",
		    rt->target_id);
		return block(wk, REACH_ROUTE, NULL);
	default:
		return block(wk, REACH_ROUTE, NULL);
	}
}

/* --- the service side --- */

/* Services answer TCP only, on 443 (and 80 for S3 and DynamoDB). */
static bool service_port(struct walk *wk, const struct service *svc, const char *id,
			 const char *where)
{
	if (wk->proto != 6) {
		hop(wk, "protocol", id, "%s carries TCP only: %s is dropped", where,
		    proto_name(wk->proto));
		return block(wk, REACH_PROTOCOL, "use TCP");
	}
	if (wk->port != HTTPS_PORT && !(svc && svc->gateway && wk->port == HTTP_PORT)) {
		hop(wk, "protocol", id, "%s answers on TCP 443%s only, not %d", svc ? svc->short_name : where,
		    svc && svc->gateway ? " and 80" : "", wk->port);
		return block(wk, REACH_PROTOCOL, "connect to port 443");
	}
	return true;
}

static bool through_interface_endpoint(struct walk *wk, const struct eni *ep_eni)
{
	struct res *x = world_get(wk->rx->w, ep_eni->owner_res_id, RES_VPCE);
	const struct region *rg;
	const struct service *svc;
	const struct vpce *v;
	char a[IP4_STRLEN];

	if (!x) {
		hop(wk, "endpoint", ep_eni->res.id, "%s belongs to no endpoint this state holds",
		    ep_eni->res.id);
		return block(wk, REACH_ROUTE, NULL);
	}
	v = AS_VPCE(x);
	svc = catalog_parse_name(v->service, &rg);
	/* The endpoint takes TCP only, whatever its groups admit. */
	if (!service_port(wk, svc, v->res.id, "an interface endpoint"))
		return false;
	if (!sg_ingress(wk, ep_eni, wk->public_ip ? wk->public_ip : wk->src_ip))
		return false;
	if (!answer_route(wk, ep_eni, wk->src_ip, wk->vgw ? TARGET_VGW : TARGET_LOCAL,
			  wk->vgw ? wk->vgw->res.id : NULL))
		return false;
	hop(wk, "endpoint", v->res.id, "%s (Interface) at %s carries the connection to %s through PrivateLink",
	    v->res.id, ipstr(ep_eni->private_ip, a), v->service);
	wk->via = v;
	wk->vpc_source_ip = wk->src_ip;
	wk->public_ip = 0;
	return policies(wk);
}

static bool through_gateway_endpoint(struct walk *wk, const struct vpce *v)
{
	const struct region *rg;
	const struct service *svc = catalog_parse_name(v->service, &rg);

	if (wk->vgw) {
		hop(wk, "endpoint", v->res.id,
		    "%s is a gateway endpoint: it carries traffic from inside %s only, never from on-premises networks",
		    v->res.id, v->vpc_id);
		return block(wk, REACH_ROUTE, "use an interface endpoint for %s and its regional DNS name",
			     svc ? svc->short_name : v->service);
	}
	if (!service_port(wk, svc, v->res.id, "a gateway endpoint"))
		return false;
	hop(wk, "endpoint", v->res.id, "%s (Gateway) carries the request to %s, keeping the private source address",
	    v->res.id, v->service);
	wk->via = v;
	wk->vpc_source_ip = wk->cur_src;
	return policies(wk);
}

/* Back in from the internet to the public address of an ENI (its VPC's gateway translates it). */
static bool to_public_address(struct walk *wk, const struct eni *e, uint32_t public_ip)
{
	const struct vpc_members *m = netindex_vpc(&wk->rx->ix, e->vpc_id);
	char a[IP4_STRLEN], b[IP4_STRLEN];

	if (!m || !m->igw) {
		hop(wk, "internet-gateway", e->vpc_id,
		    "%s is the public address of %s, but %s has no internet gateway to deliver it",
		    ipstr(wk->dst_ip, a), e->res.id, e->vpc_id);
		return block(wk, REACH_ROUTE, "attach an internet gateway to %s", e->vpc_id);
	}
	if (e->type == ENI_NAT_GATEWAY) {
		hop(wk, "internet-gateway", m->igw->res.id,
		    "%s is the address of a NAT gateway, which accepts no connections from the internet",
		    ipstr(wk->dst_ip, a));
		return block(wk, REACH_ROUTE, NULL);
	}
	hop(wk, "internet-gateway", m->igw->res.id, "%s translates %s back to %s (%s)",
	    m->igw->res.id, ipstr(wk->dst_ip, a), ipstr(e->private_ip, b), e->res.id);
	if (e->type == ENI_VPC_ENDPOINT)
		return through_interface_endpoint(wk, e);
	if (!sg_ingress(wk, e, public_ip) || !answer_route(wk, e, public_ip, TARGET_IGW, m->igw->res.id))
		return false;
	hop(wk, "destination", e->owner_res_id[0] ? e->owner_res_id : e->res.id, "%s %s in %s",
	    e->res.id, ipstr(e->private_ip, a), e->subnet_id);
	return true;
}

static bool over_internet(struct walk *wk, uint32_t public_ip, const char *via)
{
	const struct region *rg;
	const struct service *svc = svcnet_service_at(wk->rx->w, wk->dst_ip, &rg);
	const struct eni *owner = reach_public_owner(wk->rx, wk->dst_ip);
	struct cidr4 pool = region_public_pool();
	char a[IP4_STRLEN], b[IP4_STRLEN];

	wk->public_ip = public_ip;
	if (owner) {
		hop(wk, "internet-gateway", via, "the packet leaves through %s as %s", via,
		    ipstr(public_ip, a));
		return to_public_address(wk, owner, public_ip);
	}
	if (!svc && cidr4_contains_ip(&pool, wk->dst_ip)) {
		hop(wk, "internet-gateway", via, "no network interface holds the public address %s",
		    ipstr(wk->dst_ip, a));
		return block(wk, REACH_ROUTE, NULL);
	}
	if (!svc) {
		hop(wk, "internet-gateway", via, "%s leaves as %s to %s, on the internet beyond the emulated network",
		    via, ipstr(public_ip, a), ipstr(wk->dst_ip, b));
		return true;
	}
	hop(wk, "internet-gateway", via, "the request leaves through %s as %s to %s in %s, over the public network",
	    via, ipstr(public_ip, a), svc->short_name, rg->name);
	if (!service_port(wk, svc, via, svc->short_name))
		return false;
	return policies(wk);
}

/* An on-premises source: over the virtual private gateway into the VPC, local routes only. */
static bool from_onprem(struct walk *wk)
{
	const struct region *rg;
	const struct service *svc = svcnet_service_at(wk->rx->w, wk->dst_ip, &rg);
	const struct vpc_members *m = netindex_vpc(&wk->rx->ix, wk->vpc->res.id);
	char a[IP4_STRLEN], c[CIDR4_STRLEN];
	const struct eni *dst;
	struct res *x;

	if (!cidr4_contains_ip(&wk->vpc->cidr, wk->dst_ip)) {
		VPC_FOR_EACH(m, RES_VPCE, x) {
			const struct region *vr;

			if (AS_VPCE(x)->type == VPCE_GATEWAY && svc &&
			    catalog_parse_name(AS_VPCE(x)->service, &vr) == svc && vr == rg)
				return through_gateway_endpoint(wk, AS_VPCE(x));
		}
		if (svc) {
			hop(wk, "route", wk->vgw->res.id,
			    "%s is %s in %s: the on-premises network reaches it over its own internet connection, not through %s",
			    ipstr(wk->dst_ip, a), svc->short_name, rg->name, wk->vpc->res.id);
			if (!service_port(wk, svc, "", svc->short_name))
				return false;
			return policies(wk);
		}
		hop(wk, "route", wk->vgw->res.id, "%s is outside %s (%s): no transitive routing through a VPC",
		    ipstr(wk->dst_ip, a), wk->vpc->res.id, cidr4_fmt(&wk->vpc->cidr, c));
		return block(wk, REACH_ROUTE, NULL);
	}
	hop(wk, "route", wk->vgw->res.id, "into %s through %s; %s matches the local route %s",
	    wk->vpc->res.id, wk->vgw->res.id, ipstr(wk->dst_ip, a), cidr4_fmt(&wk->vpc->cidr, c));
	dst = netindex_eni_at(&wk->rx->ix, wk->vpc->res.id, wk->dst_ip);
	if (!dst) {
		hop(wk, "route", wk->vpc->res.id, "no network interface of %s has %s", wk->vpc->res.id,
		    ipstr(wk->dst_ip, a));
		return block(wk, REACH_ROUTE, NULL);
	}
	if (dst->type == ENI_VPC_ENDPOINT)
		return through_interface_endpoint(wk, dst);
	if (dst->type != ENI_NAT_GATEWAY &&
	    (!sg_ingress(wk, dst, wk->src_ip) ||
	     !answer_route(wk, dst, wk->src_ip, TARGET_VGW, wk->vgw->res.id)))
		return false;
	hop(wk, "destination", dst->owner_res_id[0] ? dst->owner_res_id : dst->res.id, "%s %s",
	    dst->res.id, ipstr(dst->private_ip, a));
	return true;
}

/* --- policies --- */

static const struct reach_bucket *bucket_policy(const struct walk *wk, const char *resource)
{
	const char *b = !strncmp(resource, "arn:aws:s3:::", 13) ? resource + 13 : NULL;
	size_t len = b ? strcspn(b, "/") : 0;

	for (size_t i = 0; b && i < wk->rx->n_buckets; i++)
		if (strlen(wk->rx->buckets[i].name) == len && !strncmp(b, wk->rx->buckets[i].name, len))
			return &wk->rx->buckets[i];
	return NULL;
}

static void matched_text(const struct pol_set *set, const struct pol_result *res,
			 enum pol_layer layer, char *dst, size_t size)
{
	size_t len = 0;

	dst[0] = '\0';
	for (size_t i = 0; i < res->n_matched && len < size; i++) {
		const struct pol_match *m = &res->matched[i];
		const char *sid;

		if (m->layer != layer)
			continue;
		sid = policy_sid(set->p[layer][m->index], m->statement);
		len += (size_t)snprintf(dst + len, size - len, "%sStatement[%u]%s%s%s",
					len ? ", " : "", m->statement, sid ? " \"" : "",
					sid ? sid : "", sid ? "\"" : "");
	}
}

static void layer_hop(struct walk *wk, const struct pol_set *set, const struct pol_result *res,
		      enum pol_layer layer, const char *component, const char *id, const char *what)
{
	char stmts[240];
	bool missing = res->decision == POL_IMPLICIT_DENY && (res->missing & (1u << layer));

	matched_text(set, res, layer, stmts, sizeof(stmts));
	if (res->decision == POL_EXPLICIT_DENY)
		hop(wk, component, id, stmts[0] ? "%s denies explicitly: %s" :
		    "%s denies nothing%s (an explicit Deny elsewhere decides)", what, stmts);
	else if (missing)
		hop(wk, component, id, "%s has no statement that allows %s on %s", what,
		    wk->q->action, wk->out->resource);
	else if (stmts[0])
		hop(wk, component, id, "%s allows: %s", what, stmts);
	else
		hop(wk, component, id, "%s grants nothing here and need not: %s", what,
		    layer == POL_LAYER_RESOURCE ?
		    "the caller's account owns the resource and its identity policies allow" :
		    "the resource policy grants");
}

/* The context as decided: derived keys, overridden or added to by the question's. */
static void context_out(struct walk *wk)
{
	const struct reach_query *q = wk->q;
	struct reach_result *out = wk->out;

	for (size_t k = 0; k < q->n_context; k++) {
		const char *v = q->context[k].n ? q->context[k].values[0] : "";
		size_t i;

		for (i = 0; i < out->n_ctx; i++)
			if (!strcasecmp(out->ctx_key[i], q->context[k].name))
				break;
		if (i == out->n_ctx)
			ctx_add(wk, q->context[k].name, v);
		else
			str_lcpy(out->ctx_value[i], v, sizeof(out->ctx_value[i]));
	}
}

/*
 * True when the request goes to a service that vpce hands to a backend
 * (neither S3 nor DynamoDB): its resources and their policies are the
 * backend's, so the front decides as if the resource were the caller's.
 */
static bool backend_service(const struct walk *wk)
{
	const struct region *rg;
	/* Through an interface endpoint the destination is its ENI: the service is the endpoint's. */
	const struct service *svc = wk->via ? catalog_parse_name(wk->via->service, &rg) :
					      svcnet_service_at(wk->rx->w, wk->dst_ip, &rg);

	return svc && strcmp(svc->short_name, "s3") && strcmp(svc->short_name, "dynamodb");
}

/* The account of a principal's ARN ("arn:aws:iam::ACCOUNT:…", "arn:aws:sts::ACCOUNT:…"). */
static bool principal_account(const char *arn, char out[static ACCOUNT_SIZE])
{
	const char *p = arn;

	for (int colons = 0; p && colons < 4; colons++)
		p = (p = strchr(p, ':')) ? p + 1 : NULL;
	if (!p || strspn(p, "0123456789") != 12 || p[12] != ':')
		return false;
	memcpy(out, p, 12);
	out[12] = '\0';
	return true;
}

static bool policies(struct walk *wk)
{
	struct reach *rx = wk->rx;
	const struct reach_query *q = wk->q;
	const struct policy *ep = NULL, *bp = NULL;
	const struct reach_bucket *b;
	const struct policy *const *identity = (const struct policy *const *)rx->identity;
	struct pol_key keys[REACH_MAX_CONTEXT + 64];
	const char *vals[REACH_MAX_CONTEXT];
	struct pol_set set = { 0 };
	struct pol_request req;
	struct pol_result res;
	char a[IP4_STRLEN], what[96], account[ACCOUNT_SIZE];
	size_t nk = 0;
	enum reach_block at;
	bool backend;

	if (wk->via) {
		ctx_add(wk, "aws:SourceVpce", wk->via->res.id);
		ctx_add(wk, "aws:SourceVpc", wk->via->vpc_id);
		ctx_add(wk, "aws:VpcSourceIp", ipstr(wk->vpc_source_ip, a));
	} else if (wk->public_ip) {
		ctx_add(wk, "aws:SourceIp", ipstr(wk->public_ip, a));
	}
	str_lcpy(wk->out->resource, q->resource ? q->resource :
		 wk->resource[0] ? wk->resource : "*", sizeof(wk->out->resource));
	if (!q->action) {
		hop(wk, "service", "", "the connection reaches the service; give --principal and --action to decide a request");
		return true;
	}
	for (size_t i = 0; i < wk->out->n_ctx; i++) {
		bool overridden = false;

		for (size_t k = 0; k < q->n_context; k++)
			overridden |= !strcasecmp(q->context[k].name, wk->out->ctx_key[i]);
		if (overridden)
			continue;
		vals[i] = wk->out->ctx_value[i];
		keys[nk++] = (struct pol_key){ .name = wk->out->ctx_key[i], .values = &vals[i], .n = 1 };
	}
	for (size_t k = 0; k < q->n_context && nk < ARRAY_SIZE(keys); k++)
		keys[nk++] = q->context[k];
	context_out(wk);
	if (wk->via) {
		ep = reach_vpce_policy(rx, wk->via);
		if (!ep) {
			hop(wk, "endpoint-policy", wk->via->res.id, "the policy of %s does not compile",
			    wk->via->res.id);
			return block(wk, REACH_ENDPOINT_POLICY, NULL);
		}
		set.p[POL_LAYER_ENDPOINT] = &ep;
		set.n[POL_LAYER_ENDPOINT] = 1;
	}
	b = bucket_policy(wk, wk->out->resource);
	if (b) {
		bp = b->policy;
		set.p[POL_LAYER_RESOURCE] = &bp;
		set.n[POL_LAYER_RESOURCE] = 1;
	}
	if (rx->n_identity) {
		set.p[POL_LAYER_IDENTITY] = identity;
		set.n[POL_LAYER_IDENTITY] = rx->n_identity;
	} else {
		set.p[POL_LAYER_IDENTITY] = (const struct policy *const *)&rx->allow_all;
		set.n[POL_LAYER_IDENTITY] = 1;
	}
	req = (struct pol_request){ .principal = q->principal, .action = q->action,
				    .resource = wk->out->resource, .context = keys,
				    .n_context = nk };
	backend = backend_service(wk);
	if (backend && principal_account(q->principal, account))
		req.resource_account = account;
	arena_reset(&rx->scratch);
	if (policy_decide(&set, &req, &rx->scratch, &res) < 0) {
		hop(wk, "identity-policy", "", "the decision needs more memory than a request may use");
		return block(wk, REACH_IDENTITY_POLICY, NULL);
	}
	if (wk->via) {
		snprintf(what, sizeof(what), "the policy of %s", wk->via->res.id);
		layer_hop(wk, &set, &res, POL_LAYER_ENDPOINT, "endpoint-policy", wk->via->res.id, what);
	}
	if (b) {
		snprintf(what, sizeof(what), "the bucket policy of %s", b->name);
		layer_hop(wk, &set, &res, POL_LAYER_RESOURCE, "resource-policy", b->name, what);
	} else if (backend) {
		hop(wk, "resource-policy", "", "%s is the backend's, as its policy is: decided as the "
		    "caller's own, on the endpoint and identity policies", wk->out->resource);
	} else {
		hop(wk, "resource-policy", "", "no resource policy is known for %s",
		    wk->out->resource);
	}
	if (rx->n_identity)
		layer_hop(wk, &set, &res, POL_LAYER_IDENTITY, "identity-policy", q->principal ? q->principal : "",
			  rx->n_identity == 1 ? "the identity policy" : "the set of identity policies");
	else
		hop(wk, "identity-policy", q->principal ? q->principal : "",
		    "not given (--identity-policy FILE): taken to allow, so the endpoint and resource policies decide");
	if (res.decision == POL_ALLOW) {
		hop(wk, "service", wk->via ? wk->via->res.id : "", "%s %s on %s: allowed", q->principal ? q->principal : "anonymous",
		    q->action, wk->out->resource);
		return true;
	}
	at = REACH_IDENTITY_POLICY;
	if (res.decision == POL_EXPLICIT_DENY) {
		enum pol_layer l = res.n_matched ? res.matched[0].layer : POL_LAYER_IDENTITY;

		at = l == POL_LAYER_ENDPOINT ? REACH_ENDPOINT_POLICY :
		     l == POL_LAYER_RESOURCE ? REACH_RESOURCE_POLICY : REACH_IDENTITY_POLICY;
	} else if (res.missing & (1u << POL_LAYER_ENDPOINT)) {
		at = REACH_ENDPOINT_POLICY;
	} else if (res.missing & (1u << POL_LAYER_RESOURCE)) {
		at = REACH_RESOURCE_POLICY;
	}
	/* Mark the layer's hop, which may not be the last one written. */
	for (size_t i = wk->out->n_hops; i-- > 0;) {
		if (!strcmp(wk->out->hops[i].component, reach_block_name(at))) {
			wk->out->hops[i].blocking = true;
			break;
		}
	}
	wk->out->blocked_at = at;
	if (at == REACH_ENDPOINT_POLICY)
		snprintf(wk->out->fix, sizeof(wk->out->fix),
			 "allow %s in the policy of %s (aws ec2 modify-vpc-endpoint --policy-document)",
			 q->action, wk->via ? wk->via->res.id : "the endpoint");
	return false;
}

int reach_explain(struct reach *rx, const struct reach_query *q, struct reach_result *out,
		  struct err *e)
{
	struct walk wk = { .rx = rx, .q = q, .out = out };

	reach_prepare(rx);
	*out = (struct reach_result){ .how = DNS_NXDOMAIN };
	wk.port = q->port ? q->port : HTTPS_PORT;
	wk.proto = q->proto ? q->proto : 6;
	if (wk.port < 1 || wk.port > 65535)
		return err_fail(e, NULL, "--port %d is not a port (1-65535)", q->port);
	if (wk.proto != 6 && wk.proto != 17)
		return err_fail(e, NULL, "--protocol must be tcp or udp");
	if (q->principal && !q->action)
		return err_fail(e, NULL, "--principal needs --action");
	if (!parse_destination(&wk, e) || !find_source(&wk, e))
		return -EINVAL;
	if (!resolve(&wk, e)) {
		if (out->blocked_at == REACH_NONE)
			return -EINVAL;
		return 0;
	}
	wk.cur_src = wk.src_ip;
	wk.cur_public = wk.eni ? wk.eni->public_ip : 0;
	if (wk.vgw)
		from_onprem(&wk);
	else
		route_from(&wk, wk.subnet, 0);
	return 0;
}
