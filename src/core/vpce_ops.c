/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "core/ops.h"

#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/idfmt.h"
#include "core/svcnet.h"
#include "limits.h"

/*
 * What AWS shows for an endpoint created without a policy, byte for byte:
 * gateway and interface endpoints print it differently
 * (docs/aws-reference.md, section 3).
 */
static const char default_policy_gateway[] =
	"{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	"\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
static const char default_policy_interface[] =
	"{\n  \"Statement\": [\n    {\n      \"Action\": \"*\", \n      \"Effect\": \"Allow\", \n"
	"      \"Principal\": \"*\", \n      \"Resource\": \"*\"\n    }\n  ]\n}";

const char *vpce_default_policy(enum vpce_type type)
{
	return type == VPCE_GATEWAY ? default_policy_gateway : default_policy_interface;
}

struct vpce *vpce_lookup(const struct world *w, const struct ctx *cx, const char *id,
			 struct err *e)
{
	struct res *r;

	if (!id_valid(id, "vpce-")) {
		err_fail(e, "InvalidVpcEndpointId.Malformed", "Invalid Id: '%s'", id);
		return NULL;
	}
	r = world_get(w, id, RES_VPCE);
	if (!r || strcmp(r->owner, cx->account)) {
		err_fail(e, "InvalidVpcEndpointId.NotFound",
			 "The Vpc Endpoint Id '%s' does not exist", id);
		return NULL;
	}
	return AS_VPCE(r);
}

enum vpce_state vpce_state_at(const struct vpce *v, int64_t now_ms)
{
	if (v->state == VPCE_PENDING && now_ms - v->state_ms >= VPCE_PENDING_MS)
		return VPCE_AVAILABLE;
	return v->state;
}

static const struct service *service_of(const struct vpce *v, const struct region **rg)
{
	return catalog_parse_name(v->service, rg);
}

/* The private DNS name 'v' overrides in its VPC, or false when it has none. */
static bool private_name(const struct vpce *v, char *dst, size_t size)
{
	const struct region *rg;
	const struct service *s = service_of(v, &rg);

	if (!s || !s->private_dns_fmt || v->type != VPCE_INTERFACE)
		return false;
	snprintf(dst, size, s->private_dns_fmt, rg->name);
	return true;
}

/*
 * AWS allows one endpoint per VPC to claim a service's private DNS name
 * ("conflicting DNS domain").
 */
static const struct vpce *private_dns_owner(const struct world *w, const char *vpc_id,
					    const char *name, const struct vpce *except)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_VPCE, r) {
		const struct vpce *o = AS_VPCE(r);
		char other[DNS_NAME_SIZE];

		if (o == except || !o->private_dns || strcmp(o->vpc_id, vpc_id))
			continue;
		if (private_name(o, other, sizeof(other)) && strcmp(other, name) == 0)
			return o;
	}
	return NULL;
}

static int check_private_dns(const struct world *w, const struct vpce *v,
			     const struct vpc *vpc, struct err *e)
{
	char name[DNS_NAME_SIZE];

	if (!v->private_dns)
		return 0;
	if (!private_name(v, name, sizeof(name)))
		return err_fail(e, "InvalidParameter",
				"Private DNS can't be enabled because the service %s "
				"does not provide a private DNS name.", v->service);
	if (!vpc->dns_support || !vpc->dns_hostnames)
		return err_fail(e, "InvalidParameter",
				"Enabling private DNS requires both enableDnsSupport and "
				"enableDnsHostnames VPC attributes set to true for %s",
				vpc->res.id);
	if (private_dns_owner(w, vpc->res.id, name, v))
		return err_fail(e, "InvalidParameter",
				"private-dns-enabled cannot be set because there is "
				"already a conflicting DNS domain for %s in the VPC %s",
				name, vpc->res.id);
	return 0;
}

/* Checks that 'ids' are distinct subnets of 'vpc', at most one per zone. */
static int check_subnets(const struct world *w, const struct ctx *cx, const struct vpce *v,
			 const char **ids, size_t n, struct err *e)
{
	int zone_of[REGION_AZS];

	for (int i = 0; i < REGION_AZS; i++)
		zone_of[i] = -1;
	for (size_t i = 0; i < v->n_nets; i++) {
		struct res *r = world_get(w, v->nets[i].subnet_id, RES_SUBNET);

		if (r)
			zone_of[AS_SUBNET(r)->az] = (int)i;
	}
	if (v->n_nets + n > LIMIT_SUBNETS_PER_ENDPOINT)
		return err_fail(e, "InvalidParameter",
				"An endpoint can be in at most %d subnets.",
				LIMIT_SUBNETS_PER_ENDPOINT);
	for (size_t i = 0; i < n; i++) {
		struct subnet *s = subnet_lookup(w, cx, ids[i], e);

		if (!s)
			return -EINVAL;
		if (strcmp(s->vpc_id, v->vpc_id))
			return err_fail(e, "InvalidParameter",
					"The subnet ID '%s' does not belong to the VPC '%s'.",
					ids[i], v->vpc_id);
		if (zone_of[s->az] != -1)
			return err_fail(e, "DuplicateSubnetsInSameZone",
					"Found another VPC endpoint subnet in the availability "
					"zone of %s. VPC endpoint subnets should be in different "
					"availability zones supported by the VPC endpoint "
					"service.", ids[i]);
		zone_of[s->az] = (int)(v->n_nets + i);
	}
	for (size_t i = 0; i < n; i++) {
		struct subnet *s = AS_SUBNET(world_get(w, ids[i], RES_SUBNET));

		for (size_t j = 0; j < i; j++)
			if (strcmp(ids[i], ids[j]) == 0)
				return err_fail(e, "InvalidParameter",
						"Duplicate subnet ID '%s'.", ids[i]);
		if (!subnet_available_ips(w, s))
			return err_fail(e, "InsufficientFreeAddressesInSubnet",
					"There are not enough free addresses in subnet "
					"'%s'.", ids[i]);
	}
	return 0;
}

/* Checks that route tables 'ids' belong to the VPC and hold no route to the prefix list. */
static int check_rtbs(const struct world *w, const struct ctx *cx, const struct vpce *v,
		      const char *pl_id, const char **ids, size_t n, struct err *e)
{
	if (v->n_rtbs + n > LIMIT_RTBS_PER_ENDPOINT)
		return err_fail(e, "InvalidParameter",
				"A gateway endpoint can be in at most %d route tables.",
				LIMIT_RTBS_PER_ENDPOINT);
	for (size_t i = 0; i < n; i++) {
		struct rtb *t = rtb_lookup(w, cx, ids[i], e);

		if (!t)
			return -EINVAL;
		if (strcmp(t->vpc_id, v->vpc_id))
			return err_fail(e, "InvalidParameter",
					"The route table '%s' does not belong to the VPC '%s'.",
					ids[i], v->vpc_id);
		if (id_array_find(v->rtbs, v->n_rtbs, ids[i]) >= 0)
			continue;
		if (t->n_routes >= LIMIT_ROUTES_PER_TABLE)
			return err_fail(e, "RouteLimitExceeded",
					"The maximum number of routes has been reached for "
					"route table %s.", ids[i]);
		for (size_t j = 0; j < t->n_routes; j++)
			if (t->routes[j].to_prefix_list && strcmp(t->routes[j].pl_id, pl_id) == 0)
				return err_fail(e, "RouteAlreadyExists",
						"route table %s already has a route with "
						"destination-prefix-list-id %s", ids[i], pl_id);
	}
	return 0;
}

static int check_groups(const struct world *w, const struct ctx *cx, const struct vpce *v,
			const char **ids, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		struct sg *g = sg_lookup(w, cx, ids[i], e);

		if (!g)
			return -EINVAL;
		if (strcmp(g->vpc_id, v->vpc_id))
			return err_fail(e, "InvalidParameter",
					"The security group '%s' does not belong to the VPC '%s'.",
					ids[i], v->vpc_id);
	}
	if (v->n_groups + n > LIMIT_GROUPS_PER_ENI)
		return err_fail(e, "SecurityGroupsPerInterfaceLimitExceeded",
				"The maximum number of security groups per interface "
				"has been reached.");
	return 0;
}

static void add_net(struct world *w, struct ctx *cx, struct vpce *v, const char *subnet_id)
{
	struct subnet *s = AS_SUBNET(world_get(w, subnet_id, RES_SUBNET));
	char desc[64];
	struct eni_spec spec = {
		.subnet = s, .type = ENI_VPC_ENDPOINT, .description = desc,
		.groups = v->groups, .n_groups = v->n_groups,
		.owner_res_id = v->res.id, .requester_managed = true,
		.requester_id = CATALOG_ENI_REQUESTER_ID,
	};
	struct eni *n;

	snprintf(desc, sizeof(desc), CATALOG_ENI_DESCRIPTION "%s", v->res.id);
	/* Cannot fail: check_subnets() saw a free address. */
	if (eni_create(w, cx, &spec, &n, NULL) < 0)
		return;
	v->nets = xreallocarray(v->nets, v->n_nets + 1, sizeof(*v->nets));
	str_lcpy(v->nets[v->n_nets].subnet_id, subnet_id, ID_SIZE);
	str_lcpy(v->nets[v->n_nets].eni_id, n->res.id, ID_SIZE);
	v->n_nets++;
}

static void remove_net(struct world *w, struct vpce *v, size_t i)
{
	struct res *n = world_get(w, v->nets[i].eni_id, RES_ENI);

	if (n)
		world_remove(w, n);
	memmove(&v->nets[i], &v->nets[i + 1], (v->n_nets - i - 1) * sizeof(v->nets[0]));
	v->n_nets--;
}

static void add_route(struct world *w, struct vpce *v, const char *rtb_id, const char *pl_id)
{
	struct rtb *t = AS_RTB(world_get(w, rtb_id, RES_RTB));

	ALLOC_GROW(t->routes, t->n_routes + 1, t->alloc_routes);
	t->routes[t->n_routes++] = (struct route){
		.to_prefix_list = true, .target = TARGET_VPCE,
		.origin = ORIGIN_CREATE_ROUTE,
	};
	str_lcpy(t->routes[t->n_routes - 1].pl_id, pl_id, ID_SIZE);
	str_lcpy(t->routes[t->n_routes - 1].target_id, v->res.id, ID_SIZE);
	world_touch(w, &t->res);
	id_array_push(&v->rtbs, &v->n_rtbs, rtb_id);
}

static void remove_route(struct world *w, struct vpce *v, size_t i)
{
	struct res *r = world_get(w, v->rtbs[i], RES_RTB);

	if (r) {
		struct rtb *t = AS_RTB(r);

		for (size_t j = 0; j < t->n_routes; j++) {
			if (t->routes[j].target == TARGET_VPCE &&
			    strcmp(t->routes[j].target_id, v->res.id) == 0) {
				memmove(&t->routes[j], &t->routes[j + 1],
					(t->n_routes - j - 1) * sizeof(t->routes[0]));
				t->n_routes--;
				break;
			}
		}
		world_touch(w, r);
	}
	id_array_remove(v->rtbs, &v->n_rtbs, i);
}

static void set_eni_groups(struct world *w, struct vpce *v)
{
	for (size_t i = 0; i < v->n_nets; i++) {
		struct res *r = world_get(w, v->nets[i].eni_id, RES_ENI);
		struct eni *n;

		if (!r)
			continue;
		n = AS_ENI(r);
		free(n->groups);
		n->groups = xcalloc(v->n_groups ? v->n_groups : 1, ID_SIZE);
		if (v->n_groups)
			memcpy(n->groups, v->groups, v->n_groups * ID_SIZE);
		n->n_groups = v->n_groups;
		world_touch(w, r);
	}
}

int vpce_create(struct world *w, struct ctx *cx, const struct vpce_create_req *req,
		struct vpce **out, struct err *e)
{
	const char *type = req->type ? req->type : "Gateway";
	const struct region *rg;
	const struct service *svc;
	struct vpce probe = { 0 };
	char pl_id[16] = "";
	char id[ID_SIZE];
	struct vpce *v;
	struct vpc *vpc;
	int ret;

	if (!req->vpc_id)
		return err_fail(e, "MissingParameter",
				"The request must contain the parameter VpcId");
	if (!req->service_name)
		return err_fail(e, "MissingParameter",
				"The request must contain the parameter ServiceName");
	vpc = vpc_lookup(w, cx, req->vpc_id, e);
	if (!vpc)
		return -EINVAL;
	svc = catalog_parse_name(req->service_name, &rg);
	if (!svc || rg != cx->region)
		return err_fail(e, "InvalidServiceName",
				"The Vpc Endpoint Service '%s' does not exist",
				req->service_name);
	if (strcmp(type, "Interface") == 0) {
		probe.type = VPCE_INTERFACE;
	} else if (strcmp(type, "Gateway") == 0) {
		probe.type = VPCE_GATEWAY;
	} else {
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter VpcEndpointType is invalid.", type);
	}
	if ((probe.type == VPCE_INTERFACE && !svc->interface) ||
	    (probe.type == VPCE_GATEWAY && !svc->gateway))
		return err_fail(e, "InvalidParameter",
				"Endpoint type (%s) does not match available service types "
				"([%s]).", type, svc->gateway ? "Gateway" : "Interface");

	str_lcpy(probe.vpc_id, vpc->res.id, ID_SIZE);
	str_lcpy(probe.service, req->service_name, sizeof(probe.service));
	if (probe.type == VPCE_GATEWAY) {
		if (req->n_subnets || req->n_groups)
			return err_fail(e, "InvalidParameter",
					"Subnet IDs are only supported for Interface and "
					"GatewayLoadBalancer type VPC Endpoints.");
		if (req->private_dns == 1)
			return err_fail(e, "InvalidParameter",
					"Private DNS is not supported for gateway endpoints.");
		catalog_prefix_list_id(svc, rg, pl_id, sizeof(pl_id));
		ret = check_rtbs(w, cx, &probe, pl_id, req->rtbs, req->n_rtbs, e);
		if (ret < 0)
			return ret;
		for (size_t i = 0; i < req->n_rtbs; i++)
			for (size_t j = 0; j < i; j++)
				if (strcmp(req->rtbs[i], req->rtbs[j]) == 0)
					return err_fail(e, "InvalidParameter",
							"Duplicate route table ID '%s'.",
							req->rtbs[i]);
	} else {
		if (req->n_rtbs)
			return err_fail(e, "InvalidParameter",
					"Route table IDs are only supported for Gateway type "
					"VPC Endpoint.");
		probe.private_dns = req->private_dns != 0 && svc->private_dns_fmt;
		if (req->private_dns == 1)
			probe.private_dns = true;
		ret = check_subnets(w, cx, &probe, req->subnets, req->n_subnets, e);
		if (ret < 0)
			return ret;
		ret = check_groups(w, cx, &probe, req->groups, req->n_groups, e);
		if (ret < 0)
			return ret;
		ret = check_private_dns(w, &probe, vpc, e);
		if (ret < 0)
			return ret;
	}

	ctx_new_id(cx, "vpce-", id);
	v = AS_VPCE(world_add(w, RES_VPCE, id));
	str_lcpy(v->res.owner, cx->account, sizeof(v->res.owner));
	v->res.created_ms = cx->now_ms;
	v->type = probe.type;
	str_lcpy(v->vpc_id, probe.vpc_id, ID_SIZE);
	str_lcpy(v->service, probe.service, sizeof(v->service));
	ctx_random_chars(cx, v->dns_suffix, 8);
	v->state = probe.type == VPCE_INTERFACE ? VPCE_PENDING : VPCE_AVAILABLE;
	v->state_ms = cx->now_ms;
	v->policy = xstrdup(req->policy ? req->policy : vpce_default_policy(v->type));
	v->private_dns = probe.private_dns;
	if (v->type == VPCE_GATEWAY) {
		for (size_t i = 0; i < req->n_rtbs; i++)
			add_route(w, v, req->rtbs[i], pl_id);
	} else {
		for (size_t i = 0; i < req->n_groups; i++)
			if (id_array_find(v->groups, v->n_groups, req->groups[i]) < 0)
				id_array_push(&v->groups, &v->n_groups, req->groups[i]);
		if (!v->n_groups)
			id_array_push(&v->groups, &v->n_groups, vpc->default_sg_id);
		for (size_t i = 0; i < req->n_subnets; i++)
			add_net(w, cx, v, req->subnets[i]);
	}
	*out = v;
	return 0;
}

static long net_index(const struct vpce *v, const char *subnet_id)
{
	for (size_t i = 0; i < v->n_nets; i++)
		if (strcmp(v->nets[i].subnet_id, subnet_id) == 0)
			return (long)i;
	return -1;
}

int vpce_modify(struct world *w, struct ctx *cx, const struct vpce_modify_req *req,
		struct err *e)
{
	struct vpce *v = vpce_lookup(w, cx, req->id, e);
	const struct region *rg;
	const struct service *svc;
	char pl_id[16] = "";
	struct vpce probe;
	int ret;

	if (!v)
		return -EINVAL;
	svc = service_of(v, &rg);
	if (v->type == VPCE_GATEWAY) {
		if (req->n_add_subnets || req->n_remove_subnets || req->n_add_groups ||
		    req->n_remove_groups || req->private_dns != -1)
			return err_fail(e, "InvalidParameter",
					"Subnets, security groups and private DNS are not "
					"supported for gateway endpoints.");
		if (svc)
			catalog_prefix_list_id(svc, rg, pl_id, sizeof(pl_id));
		ret = check_rtbs(w, cx, v, pl_id, req->add_rtbs, req->n_add_rtbs, e);
		if (ret < 0)
			return ret;
		for (size_t i = 0; i < req->n_remove_rtbs; i++)
			if (!rtb_lookup(w, cx, req->remove_rtbs[i], e))
				return -EINVAL;
	} else {
		if (req->n_add_rtbs || req->n_remove_rtbs)
			return err_fail(e, "InvalidParameter",
					"Route table IDs are only supported for Gateway type "
					"VPC Endpoint.");
		for (size_t i = 0; i < req->n_remove_subnets; i++) {
			if (!subnet_lookup(w, cx, req->remove_subnets[i], e))
				return -EINVAL;
		}
		/* Check additions against the endpoint as it will be after removals. */
		probe = *v;
		probe.nets = xcalloc(v->n_nets + 1, sizeof(*probe.nets));
		probe.n_nets = 0;
		for (size_t i = 0; i < v->n_nets; i++) {
			bool removed = false;

			for (size_t j = 0; j < req->n_remove_subnets; j++)
				removed |= strcmp(v->nets[i].subnet_id, req->remove_subnets[j]) == 0;
			if (!removed)
				probe.nets[probe.n_nets++] = v->nets[i];
		}
		ret = 0;
		for (size_t i = 0; i < req->n_add_subnets && !ret; i++)
			if (net_index(&probe, req->add_subnets[i]) >= 0)
				ret = err_fail(e, "InvalidParameter",
					       "The subnet '%s' is already in the endpoint.",
					       req->add_subnets[i]);
		if (!ret)
			ret = check_subnets(w, cx, &probe, req->add_subnets, req->n_add_subnets, e);
		free(probe.nets);
		if (ret < 0)
			return ret;
		ret = check_groups(w, cx, v, req->add_groups, req->n_add_groups, e);
		if (ret < 0)
			return ret;
		for (size_t i = 0; i < req->n_remove_groups; i++)
			if (!sg_lookup(w, cx, req->remove_groups[i], e))
				return -EINVAL;
		if (req->private_dns != -1) {
			struct vpc *vpc = vpc_lookup(w, cx, v->vpc_id, e);

			probe = *v;
			probe.private_dns = req->private_dns;
			if (!vpc || check_private_dns(w, &probe, vpc, e) < 0)
				return -EINVAL;
		}
	}

	if (req->reset_policy) {
		free(v->policy);
		v->policy = xstrdup(vpce_default_policy(v->type));
	} else if (req->policy) {
		free(v->policy);
		v->policy = xstrdup(req->policy);
	}
	if (req->private_dns != -1)
		v->private_dns = req->private_dns;
	for (size_t i = 0; i < req->n_remove_rtbs; i++) {
		long k = id_array_find(v->rtbs, v->n_rtbs, req->remove_rtbs[i]);

		if (k >= 0)
			remove_route(w, v, (size_t)k);
	}
	for (size_t i = 0; i < req->n_add_rtbs; i++)
		if (id_array_find(v->rtbs, v->n_rtbs, req->add_rtbs[i]) < 0)
			add_route(w, v, req->add_rtbs[i], pl_id);
	for (size_t i = 0; i < req->n_remove_subnets; i++) {
		long k = net_index(v, req->remove_subnets[i]);

		if (k >= 0)
			remove_net(w, v, (size_t)k);
	}
	for (size_t i = 0; i < req->n_add_subnets; i++)
		add_net(w, cx, v, req->add_subnets[i]);
	if (req->n_add_groups || req->n_remove_groups) {
		for (size_t i = 0; i < req->n_remove_groups; i++) {
			long k = id_array_find(v->groups, v->n_groups, req->remove_groups[i]);

			if (k >= 0)
				id_array_remove(v->groups, &v->n_groups, (size_t)k);
		}
		for (size_t i = 0; i < req->n_add_groups; i++)
			if (id_array_find(v->groups, v->n_groups, req->add_groups[i]) < 0)
				id_array_push(&v->groups, &v->n_groups, req->add_groups[i]);
		set_eni_groups(w, v);
	}
	world_touch(w, &v->res);
	return 0;
}

int vpce_delete(struct world *w, struct ctx *cx, const char *id, struct err *e)
{
	struct vpce *v = vpce_lookup(w, cx, id, e);

	if (!v)
		return -EINVAL;
	while (v->n_rtbs)
		remove_route(w, v, v->n_rtbs - 1);
	while (v->n_nets)
		remove_net(w, v, v->n_nets - 1);
	world_remove(w, &v->res);
	return 0;
}

size_t vpce_dns_entries(const struct world *w, const struct vpce *v, const struct region *rg,
			int64_t now_ms, struct dns_entry *out, size_t max)
{
	const struct region *srg;
	const struct service *svc = service_of(v, &srg);
	size_t n = 0;

	if (v->type != VPCE_INTERFACE || !svc)
		return 0;
	if (n < max && catalog_endpoint_dns_name(svc, rg, v->res.id, v->dns_suffix, -1,
						 out[n].name) == 0)
		str_lcpy(out[n++].zone_id, rg->vpce_zone_id, sizeof(out[0].zone_id));
	for (size_t i = 0; i < v->n_nets && n < max; i++) {
		struct res *r = world_get(w, v->nets[i].subnet_id, RES_SUBNET);

		if (r && catalog_endpoint_dns_name(svc, rg, v->res.id, v->dns_suffix,
						   AS_SUBNET(r)->az, out[n].name) == 0)
			str_lcpy(out[n++].zone_id, rg->vpce_zone_id, sizeof(out[0].zone_id));
	}
	if (!v->private_dns)
		return n;
	for (size_t i = 0; n < max && catalog_private_zone_name(svc, rg, i, out[n].name); i++) {
		/*
		 * The private hosted zone AWS makes in the VPC: "ZONEIDPENDING"
		 * until the endpoint is available, then an ID stable per endpoint.
		 */
		if (vpce_state_at(v, now_ms) == VPCE_PENDING) {
			str_lcpy(out[n++].zone_id, "ZONEIDPENDING", sizeof(out[0].zone_id));
			continue;
		}
		snprintf(out[n].zone_id, sizeof(out[n].zone_id), "Z%.13s", v->res.id + 5);
		for (char *p = out[n].zone_id; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		n++;
	}
	return n;
}

const struct vpce *vpce_gateway_for(const struct world *w, const struct region *rg,
				    const char *vpc_id, uint32_t src, uint32_t dst)
{
	const struct region *svc_rg = NULL;
	const struct service *svc = svcnet_service_at(w, dst, &svc_rg);
	const struct subnet *s = NULL;
	char name[SERVICE_NAME_SIZE];
	const struct rtb *t;
	struct res *r;

	if (!svc || svc_rg != rg)
		return NULL;
	WORLD_FOR_EACH(w, RES_SUBNET, r) {
		if (!strcmp(AS_SUBNET(r)->vpc_id, vpc_id) && cidr4_contains_ip(&AS_SUBNET(r)->cidr, src)) {
			s = AS_SUBNET(r);
			break;
		}
	}
	t = s ? rtb_for_subnet(w, s) : NULL;
	if (!t)
		return NULL;
	catalog_full_name(svc, rg, name);
	WORLD_FOR_EACH(w, RES_VPCE, r) {
		const struct vpce *e = AS_VPCE(r);

		if (e->type != VPCE_GATEWAY || strcmp(e->vpc_id, vpc_id) || strcmp(e->service, name))
			continue;
		for (size_t i = 0; i < e->n_rtbs; i++)
			if (!strcmp(e->rtbs[i], t->res.id))
				return e;
	}
	return NULL;
}
