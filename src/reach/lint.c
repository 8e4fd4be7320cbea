/* SPDX-License-Identifier: MIT */
/*
 * The design mistakes the VPC endpoint documentation warns about, found in a
 * world: each check walks the same plan and indexes as explain does, and a
 * finding names the resource to change and the AWS behaviour behind it.
 * Findings come check by check, resources in creation order: stable output.
 */
#include "compat.h"
#include "reach/internal.h"

#include <stdarg.h>
#include <strings.h>

#include "base/xalloc.h"
#include "core/net_ops.h"
#include "core/ops.h"
#include "core/svcnet.h"

ATTR_PRINTF(5, 6)
static void add(struct lint_findings *f, const char *id, enum lint_severity sev,
		const char *resource, const char *fmt, ...)
{
	static const struct {
		const char *id;
		const char *behaviour;
	} why[] = {
		{ "endpoint-single-az", "An interface endpoint has a network interface only in the zones of the subnets you choose; clients elsewhere cross zones, and lose the endpoint with its zone." },
		{ "gateway-endpoint-missing", "A gateway endpoint carries S3 and DynamoDB traffic over the AWS network at no charge, with no NAT or internet gateway and no application change." },
		{ "gateway-endpoint-unassociated", "A gateway endpoint works only for subnets whose route table holds its prefix-list route; other subnets follow their own routes." },
		{ "private-dns-disabled", "Without private DNS, the service's default name resolves to its public addresses, so unmodified clients bypass the interface endpoint." },
		{ "dns-attributes-block-private-dns", "Private DNS needs enableDnsSupport and enableDnsHostnames set to true on the VPC; otherwise its private hosted zone does not answer." },
		{ "endpoint-policy-full-access", "The default endpoint policy allows full access to the service; an endpoint policy is where you restrict which principals, actions and resources can pass." },
		{ "bucket-not-restricted-to-endpoint", "A bucket policy that denies requests whose aws:SourceVpce is not your endpoint stops access from anywhere else: no leaky bucket." },
		{ "endpoint-sg-open-to-world", "An interface endpoint's security groups decide who reaches its network interfaces; 0.0.0.0/0 admits any address with a route to them, on-premises ones included." },
		{ "endpoint-sg-blocks-https", "Interface endpoints take TCP on 443; without an inbound rule allowing it from the VPC's clients, every connection is refused." },
		{ "route-bypasses-gateway-endpoint", "Routing picks the longest prefix: a more specific route to part of a service's prefix list takes that traffic away from the gateway endpoint." },
		{ "sourceip-condition-breaks-endpoint", "Through a VPC endpoint, requests carry aws:VpcSourceIp and aws:SourceVpce, not aws:SourceIp; a condition on aws:SourceIp never matches them." },
		{ "gateway-endpoint-from-onprem", "Gateway endpoints carry traffic from inside their VPC only; on-premises networks over VPN or Direct Connect need an interface endpoint." },
	};
	struct lint_finding *x;
	va_list ap;

	ALLOC_GROW(f->v, f->n + 1, f->alloc);
	x = &f->v[f->n++];
	*x = (struct lint_finding){ .id = id, .severity = sev, .behaviour = "" };
	for (size_t i = 0; i < ARRAY_SIZE(why); i++)
		if (!strcmp(why[i].id, id))
			x->id = why[i].id, x->behaviour = why[i].behaviour;
	str_lcpy(x->resource, resource, sizeof(x->resource));
	va_start(ap, fmt);
	vsnprintf(x->message, sizeof(x->message), fmt, ap);
	va_end(ap);
}

static const struct service *service_of(const struct vpce *v, const struct region *r)
{
	const struct region *rg;
	const struct service *s = catalog_parse_name(v->service, &rg);

	return rg == r ? s : NULL;
}

/* Zones as a bit set, and as text. */
static unsigned subnet_zones(const struct vpc_members *m)
{
	unsigned z = 0;
	struct res *r;

	VPC_FOR_EACH(m, RES_SUBNET, r)
		z |= 1u << AS_SUBNET(r)->az;
	return z;
}

static void zones_text(const struct region *rg, unsigned z, char *dst, size_t size)
{
	char az[AZ_NAME_SIZE];
	size_t len = 0;

	dst[0] = '\0';
	for (int i = 0; i < REGION_AZS && len < size; i++) {
		if (!(z & (1u << i)))
			continue;
		region_az_name(rg, i, az);
		len += (size_t)snprintf(dst + len, size - len, "%s%s", len ? ", " : "", az);
	}
}

static void check_endpoints(struct reach *rx, const struct vpc_members *m, const struct vpce *v,
			    struct lint_findings *f)
{
	const struct world *w = rx->w;
	const struct service *svc = service_of(v, rx->region);
	unsigned used = subnet_zones(m), have = 0;
	char a[80], b[80], name[DNS_NAME_SIZE];

	if (v->type != VPCE_INTERFACE || !svc)
		return;
	for (size_t i = 0; i < v->n_nets; i++) {
		struct res *s = world_get(w, v->nets[i].subnet_id, RES_SUBNET);

		if (s)
			have |= 1u << AS_SUBNET(s)->az;
	}
	if (used & ~have) {
		zones_text(rx->region, have, a, sizeof(a));
		zones_text(rx->region, used & ~have, b, sizeof(b));
		add(f, "endpoint-single-az", LINT_WARNING, v->res.id,
		    "%s (%s) has network interfaces in %s only, but %s has subnets in %s too",
		    v->res.id, svc->short_name, have ? a : "no zone", m->vpc->res.id, b);
	}
	if (catalog_private_dns_name(svc, rx->region, name)) {
		if (!v->private_dns)
			add(f, "private-dns-disabled", LINT_WARNING, v->res.id,
			    "%s has private DNS off: inside %s, %s still resolves to the public service",
			    v->res.id, m->vpc->res.id, name);
		else if (!m->vpc->dns_support || !m->vpc->dns_hostnames)
			add(f, "dns-attributes-block-private-dns", LINT_ERROR, m->vpc->res.id,
			    "%s has private DNS on, but %s has %s false: %s does not resolve to the endpoint",
			    v->res.id, m->vpc->res.id,
			    !m->vpc->dns_support ? "enableDnsSupport" : "enableDnsHostnames", name);
	}
}

/* Whether 'g''s ingress admits 'proto'/'port' from some address inside 'block', and from anywhere. */
static void ingress_from(const struct np_port *pt, const struct cidr4 *block, bool *inside,
			 bool *world, const struct sg **open_sg)
{
	for (size_t i = 0; i < pt->n_in; i++) {
		const struct np_sg_rule *r = &pt->in[i];
		bool port_ok = r->proto < 0 || (r->proto == 6 && (r->from_port < 0 ||
					       (r->from_port <= 443 && 443 <= r->to_port)));

		for (size_t k = 0; k < r->n_peers; k++) {
			if (r->peers[k].len == 0 && !*world) {
				*world = true;
				*open_sg = r->sg;
			}
			if (port_ok && cidr4_overlaps(&r->peers[k], block))
				*inside = true;
		}
	}
}

static void check_endpoint_groups(const struct hmap *ports, const struct vpc_members *m,
				  const struct vpce *v, struct lint_findings *f)
{
	bool inside = false, world = false;
	const struct sg *open_sg = NULL;

	if (v->type != VPCE_INTERFACE || !v->n_nets)
		return;
	for (size_t i = 0; i < v->n_nets; i++) {
		const struct np_port *pt = hmap_get(ports, v->nets[i].eni_id);

		if (pt)
			ingress_from(pt, &m->vpc->cidr, &inside, &world, &open_sg);
	}
	if (world)
		add(f, "endpoint-sg-open-to-world", LINT_WARNING, open_sg->res.id,
		    "%s, on %s, admits 0.0.0.0/0", open_sg->res.id, v->res.id);
	if (!inside)
		add(f, "endpoint-sg-blocks-https", LINT_ERROR, v->n_groups ? v->groups[0] : v->res.id,
		    "no security group of %s allows TCP 443 from %s: clients in the VPC cannot connect",
		    v->res.id, m->vpc->res.id);
}

/* A probe from another account: what a policy allows to anyone, for anything. */
static bool allows_anything(struct reach *rx, const struct policy *p, enum pol_layer layer,
			    const struct service *svc)
{
	char action[64], resource[128];
	const struct policy *set_p = p;
	struct pol_set set = { 0 };
	struct pol_request req;
	struct pol_result res;

	snprintf(action, sizeof(action), "%s:VpceLintProbe", svc ? svc->short_name : "s3");
	snprintf(resource, sizeof(resource), "arn:aws:%s:%s:999999999999:vpce-lint-probe",
		 svc ? svc->short_name : "s3", rx->region->name);
	set.p[layer] = &set_p;
	set.n[layer] = 1;
	set.p[POL_LAYER_IDENTITY] = (const struct policy *const *)&rx->allow_all;
	set.n[POL_LAYER_IDENTITY] = 1;
	req = (struct pol_request){ .principal = "arn:aws:iam::999999999999:user/vpce-lint-probe",
				    .action = action, .resource = resource };
	arena_reset(&rx->scratch);
	return policy_decide(&set, &req, &rx->scratch, &res) == 0 && res.decision == POL_ALLOW;
}

static void check_policy(struct reach *rx, const struct vpce *v, struct lint_findings *f)
{
	const struct policy *p = reach_vpce_policy(rx, v);
	const struct service *svc = service_of(v, rx->region);

	if (p && allows_anything(rx, p, POL_LAYER_ENDPOINT, svc))
		add(f, "endpoint-policy-full-access", LINT_INFO, v->res.id,
		    "the policy of %s allows any principal every action on every resource of %s",
		    v->res.id, svc ? svc->short_name : v->service);
	if (strcasestr(v->policy, "aws:SourceIp"))
		add(f, "sourceip-condition-breaks-endpoint", LINT_WARNING, v->res.id,
		    "the policy of %s has a condition on aws:SourceIp, which requests through the endpoint never carry",
		    v->res.id);
}

/* The AWS route a table gives an address, as the walk finds it; NULL: none. */
static const struct route *table_route(struct reach *rx, const struct rtb *t, uint32_t ip)
{
	const struct np_route *k = reach_lookup_rtb(rx, t, ip);

	return k && k->rtb ? &k->rtb->routes[k->route] : NULL;
}

static bool table_used(const struct reach *rx, const struct vpc_members *m, const struct rtb *t)
{
	struct res *r;

	VPC_FOR_EACH(m, RES_SUBNET, r)
		if (netindex_rtb_for_subnet(&rx->ix, AS_SUBNET(r)) == t)
			return true;
	return false;
}

static const struct vpce *gateway_of(const struct reach *rx, const struct vpc_members *m,
				     const struct service *svc)
{
	struct res *r;

	VPC_FOR_EACH(m, RES_VPCE, r)
		if (AS_VPCE(r)->type == VPCE_GATEWAY && service_of(AS_VPCE(r), rx->region) == svc)
			return AS_VPCE(r);
	return NULL;
}

static bool has_interface(const struct reach *rx, const struct vpc_members *m,
			  const struct service *svc)
{
	struct res *r;

	VPC_FOR_EACH(m, RES_VPCE, r)
		if (AS_VPCE(r)->type == VPCE_INTERFACE && service_of(AS_VPCE(r), rx->region) == svc)
			return true;
	return false;
}

static void check_gateway_routes(struct reach *rx, const struct vpc_members *m,
				 struct lint_findings *f)
{
	static const char *const gateway_services[] = { "s3", "dynamodb" };
	struct res *r;

	for (size_t g = 0; g < ARRAY_SIZE(gateway_services); g++) {
		const struct service *svc = catalog_find(gateway_services[g]);
		const struct vpce *gw = gateway_of(rx, m, svc);
		const struct cidr4 *blocks;
		struct cidr4 one;
		size_t n = svcnet_service_blocks(rx->w, rx->region, svc, &one, &blocks);

		VPC_FOR_EACH(m, RES_RTB, r) {
			const struct rtb *t = AS_RTB(r);
			const struct route *rt = table_route(rx, t, blocks[0].addr + 1);
			bool via_gw = rt && rt->target == TARGET_VPCE;
			bool public = rt && (rt->target == TARGET_NAT || rt->target == TARGET_IGW) &&
				      route_active(rx->w, t, rt);

			if (!table_used(rx, m, t))
				continue;
			if (!gw && public)
				add(f, "gateway-endpoint-missing", LINT_WARNING, t->res.id,
				    "the subnets of %s reach %s through %s; %s has no gateway endpoint for %s",
				    t->res.id, svc->short_name, rt->target_id, m->vpc->res.id,
				    svc->short_name);
			if (gw && !via_gw && id_array_find(gw->rtbs, gw->n_rtbs, t->res.id) < 0)
				add(f, "gateway-endpoint-unassociated", LINT_WARNING, t->res.id,
				    "%s has no route to %s (%s) although its subnets are in %s: they reach %s %s",
				    t->res.id, gw->res.id, svc->short_name, m->vpc->res.id, svc->short_name,
				    public ? "over the public network" : "not at all");
			/* A more specific route inside the prefix list's blocks. */
			for (size_t i = 0; gw && i < t->n_routes; i++) {
				const struct route *o = &t->routes[i];

				if (o->to_prefix_list || o->target == TARGET_VPCE)
					continue;
				for (size_t k = 0; k < n; k++) {
					char c[CIDR4_STRLEN];

					if (!cidr4_overlaps(&o->dest, &blocks[k]) || o->dest.len <= blocks[k].len)
						continue;
					add(f, "route-bypasses-gateway-endpoint", LINT_WARNING, t->res.id,
					    "in %s, %s → %s is more specific than the prefix list of %s: that part of %s goes around the endpoint",
					    t->res.id, cidr4_fmt(&o->dest, c), o->target_id, gw->res.id,
					    svc->short_name);
					break;
				}
			}
		}
		if (gw && m->vgw && !has_interface(rx, m, svc))
			add(f, "gateway-endpoint-from-onprem", LINT_INFO, gw->res.id,
			    "%s has on-premises networks behind %s, which cannot use %s for %s; only an interface endpoint serves them",
			    m->vpc->res.id, m->vgw->res.id, gw->res.id, svc->short_name);
	}
}

/* A bucket policy keeps out requests from outside the endpoints if it explicitly denies one. */
static void check_buckets(struct reach *rx, struct lint_findings *f)
{
	const struct service *s3 = catalog_find("s3");
	bool s3_endpoint = false;
	struct res *r;

	WORLD_FOR_EACH(rx->w, RES_VPCE, r)
		s3_endpoint |= service_of(AS_VPCE(r), rx->region) == s3;
	for (size_t i = 0; i < rx->n_buckets; i++) {
		const struct reach_bucket *b = &rx->buckets[i];
		const char *ip = "198.51.100.7";
		struct pol_key key = { .name = "aws:SourceIp", .values = &ip, .n = 1 };
		char resource[128];
		const struct policy *p = b->policy;
		struct pol_set set = { 0 };
		struct pol_request req;
		struct pol_result res;

		if (b->text && strcasestr(b->text, "aws:SourceIp"))
			add(f, "sourceip-condition-breaks-endpoint", LINT_WARNING, b->name,
			    "the bucket policy of %s has a condition on aws:SourceIp, which requests through a VPC endpoint never carry",
			    b->name);
		if (!s3_endpoint)
			continue;
		snprintf(resource, sizeof(resource), "arn:aws:s3:::%s/vpce-lint-probe", b->name);
		set.p[POL_LAYER_RESOURCE] = &p;
		set.n[POL_LAYER_RESOURCE] = 1;
		set.p[POL_LAYER_IDENTITY] = (const struct policy *const *)&rx->allow_all;
		set.n[POL_LAYER_IDENTITY] = 1;
		req = (struct pol_request){ .principal = "arn:aws:iam::999999999999:user/vpce-lint-probe",
					    .action = "s3:GetObject", .resource = resource,
					    .resource_account = "999999999999", .context = &key,
					    .n_context = 1 };
		arena_reset(&rx->scratch);
		if (policy_decide(&set, &req, &rx->scratch, &res) == 0 &&
		    res.decision != POL_EXPLICIT_DENY)
			add(f, "bucket-not-restricted-to-endpoint", LINT_WARNING, b->name,
			    "the bucket policy of %s does not deny requests that come from outside your VPC endpoints (no Deny on aws:SourceVpce or aws:SourceVpc)",
			    b->name);
	}
}

void reach_lint(struct reach *rx, struct lint_findings *out)
{
	struct hmap ports;		/* endpoint ENI id -> its port */
	struct res *r;

	hmap_init(&ports);
	for (size_t i = 0; i < rx->plan.n_ports; i++)
		if (rx->plan.ports[i].eni->type == ENI_VPC_ENDPOINT)
			hmap_put(&ports, rx->plan.ports[i].eni->res.id, &rx->plan.ports[i]);

	WORLD_FOR_EACH(rx->w, RES_VPCE, r) {
		const struct vpc_members *m = netindex_vpc(&rx->ix, AS_VPCE(r)->vpc_id);

		if (!m)
			continue;
		check_endpoints(rx, m, AS_VPCE(r), out);
		check_endpoint_groups(&ports, m, AS_VPCE(r), out);
		check_policy(rx, AS_VPCE(r), out);
	}
	WORLD_FOR_EACH(rx->w, RES_VPC, r)
		check_gateway_routes(rx, netindex_vpc(&rx->ix, r->id), out);
	check_buckets(rx, out);
	hmap_release(&ports);
}

void lint_findings_release(struct lint_findings *f)
{
	free(f->v);
	*f = (struct lint_findings){ 0 };
}
