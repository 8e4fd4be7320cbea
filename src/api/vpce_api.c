/* SPDX-License-Identifier: MIT */
/* VPC endpoints and the endpoint services they reach. */
#include "compat.h"
#include "api/api.h"

#include "api/xml.h"
#include "core/catalog.h"
#include "core/region.h"
#include "policy/policy.h"

static const char *const vpce_state_names[] = {
	[VPCE_PENDING] = "pending",
	[VPCE_AVAILABLE] = "available",
	[VPCE_DELETING] = "deleting",
};

static void id_set(struct buf *b, const char *tag, char (*ids)[ID_SIZE], size_t n)
{
	xml_open(b, tag);
	for (size_t i = 0; i < n; i++)
		xml_text(b, "item", ids[i]);
	xml_close(b, tag);
}

static void render_vpce(struct call *c, const struct res *r)
{
	const struct vpce *v = AS_VPCE((struct res *)r);
	struct dns_entry dns[2 + REGION_AZS + LIMIT_SUBNETS_PER_ENDPOINT];
	size_t n_dns = vpce_dns_entries(c->w, v, c->cx.region, c->cx.now_ms, dns,
					ARRAY_SIZE(dns));
	struct buf *b = c->out;
	char when[32];

	xml_text(b, "vpcEndpointId", r->id);
	xml_text(b, "vpcEndpointType", v->type == VPCE_INTERFACE ? "Interface" : "Gateway");
	xml_text(b, "vpcId", v->vpc_id);
	xml_text(b, "serviceName", v->service);
	xml_text(b, "state", vpce_state_names[vpce_state_at(v, c->cx.now_ms)]);
	xml_text(b, "policyDocument", v->policy);
	id_set(b, "routeTableIdSet", v->rtbs, v->n_rtbs);
	xml_open(b, "subnetIdSet");
	for (size_t i = 0; i < v->n_nets; i++)
		xml_text(b, "item", v->nets[i].subnet_id);
	xml_close(b, "subnetIdSet");
	xml_open(b, "groupSet");
	for (size_t i = 0; i < v->n_groups; i++) {
		struct res *g = world_get(c->w, v->groups[i], RES_SG);

		xml_open(b, "item");
		xml_text(b, "groupId", v->groups[i]);
		if (g)
			xml_text(b, "groupName", AS_SG(g)->name);
		xml_close(b, "item");
	}
	xml_close(b, "groupSet");
	xml_text(b, "ipAddressType", "ipv4");
	if (v->type == VPCE_INTERFACE) {
		xml_open(b, "dnsOptions");
		xml_text(b, "dnsRecordIpType", "ipv4");
		xml_close(b, "dnsOptions");
	}
	xml_bool(b, "privateDnsEnabled", v->private_dns);
	xml_bool(b, "requesterManaged", false);
	xml_open(b, "networkInterfaceIdSet");
	for (size_t i = 0; i < v->n_nets; i++)
		xml_text(b, "item", v->nets[i].eni_id);
	xml_close(b, "networkInterfaceIdSet");
	xml_open(b, "dnsEntrySet");
	for (size_t i = 0; i < n_dns; i++) {
		xml_open(b, "item");
		xml_text(b, "dnsName", dns[i].name);
		xml_text(b, "hostedZoneId", dns[i].zone_id);
		xml_close(b, "item");
	}
	xml_close(b, "dnsEntrySet");
	fmt_time(r->created_ms, when);
	xml_text(b, "creationTimestamp", when);
	render_tags(c, r);
	xml_text(b, "ownerId", r->owner);
}

static int64_t vpce_stable_until(const struct call *c, const struct res *r)
{
	const struct vpce *v = AS_VPCE((struct res *)r);

	/* Its state and private zone ID move when pending ends. */
	return vpce_state_at(v, c->cx.now_ms) == VPCE_PENDING ? v->state_ms + VPCE_PENDING_MS :
								  INT64_MAX;
}

static int filter_vpce(const struct call *c, const struct res *r, const char *name,
		       struct filter_vals *vals)
{
	const struct vpce *v = AS_VPCE((struct res *)r);

	if (!strcmp(name, "vpc-endpoint-id")) {
		vals->v[vals->n++] = r->id;
	} else if (!strcmp(name, "vpc-id")) {
		vals->v[vals->n++] = v->vpc_id;
	} else if (!strcmp(name, "service-name")) {
		vals->v[vals->n++] = v->service;
	} else if (!strcmp(name, "vpc-endpoint-state")) {
		vals->v[vals->n++] = vpce_state_names[vpce_state_at(v, c->cx.now_ms)];
	} else if (!strcmp(name, "vpc-endpoint-type")) {
		vals->v[vals->n++] = v->type == VPCE_INTERFACE ? "Interface" : "Gateway";
	} else if (!strcmp(name, "ip-address-type")) {
		vals->v[vals->n++] = "ipv4";
	} else {
		return filter_tags(r, name, vals);
	}
	return 0;
}

static int policy_param(struct call *c, bool gateway, const char **out)
{
	*out = param(c, "PolicyDocument");
	if (!*out)
		return 0;
	return policy_check(*out, strlen(*out),
			    gateway ? POL_TYPE_GATEWAY_ENDPOINT : POL_TYPE_ENDPOINT, &c->err);
}

static void respond_vpce(struct call *c, const struct vpce *v)
{
	const char *token = param(c, "ClientToken");

	resp_begin(c);
	xml_open(c->out, "vpcEndpoint");
	render_vpce(c, &v->res);
	xml_close(c->out, "vpcEndpoint");
	if (token)
		xml_text(c->out, "clientToken", token);
	resp_end(c);
}

static int create_vpc_endpoint(struct call *c)
{
	struct vpce_create_req req = {
		.vpc_id = param(c, "VpcId"),
		.service_name = param(c, "ServiceName"),
		.type = param(c, "VpcEndpointType"),
		.private_dns = -1,
	};
	struct vpce *v;
	int ret;

	if (c->replay_id) {
		respond_vpce(c, AS_VPCE(world_get(c->w, c->replay_id, RES_VPCE)));
		return 0;
	}
	if (param(c, "PrivateDnsEnabled")) {
		bool on;

		ret = query_bool(&c->q, "PrivateDnsEnabled", false, &on, &c->err);
		if (ret < 0)
			return ret;
		req.private_dns = on;
	}
	if ((ret = param_list(c, "SubnetId", &req.subnets, &req.n_subnets)) < 0 ||
	    (ret = param_list(c, "SecurityGroupId", &req.groups, &req.n_groups)) < 0 ||
	    (ret = param_list(c, "RouteTableId", &req.rtbs, &req.n_rtbs)) < 0 ||
	    (ret = policy_param(c, !req.type || !strcmp(req.type, "Gateway"), &req.policy)) < 0 ||
	    (ret = param_tag_specs_check(c, "vpc-endpoint")) < 0)
		return ret;
	ret = vpce_create(c->w, &c->cx, &req, &v, &c->err);
	if (ret < 0)
		return ret;
	param_tag_specs_apply(c, "vpc-endpoint", &v->res);
	str_lcpy(c->token_resource_id, v->res.id, ID_SIZE);
	respond_vpce(c, v);
	return 0;
}

static int modify_vpc_endpoint(struct call *c)
{
	struct vpce_modify_req req = { .private_dns = -1 };
	struct vpce *v;
	int ret;

	if ((ret = param_required(c, "VpcEndpointId", "VpcEndpointId", &req.id)) < 0)
		return ret;
	v = vpce_lookup(c->w, &c->cx, req.id, &c->err);
	if (!v)
		return -EINVAL;
	if ((ret = query_bool(&c->q, "ResetPolicy", false, &req.reset_policy, &c->err)) < 0 ||
	    (ret = policy_param(c, v->type == VPCE_GATEWAY, &req.policy)) < 0 ||
	    (ret = param_list(c, "AddSubnetId", &req.add_subnets, &req.n_add_subnets)) < 0 ||
	    (ret = param_list(c, "RemoveSubnetId", &req.remove_subnets, &req.n_remove_subnets)) < 0 ||
	    (ret = param_list(c, "AddSecurityGroupId", &req.add_groups, &req.n_add_groups)) < 0 ||
	    (ret = param_list(c, "RemoveSecurityGroupId", &req.remove_groups,
			      &req.n_remove_groups)) < 0 ||
	    (ret = param_list(c, "AddRouteTableId", &req.add_rtbs, &req.n_add_rtbs)) < 0 ||
	    (ret = param_list(c, "RemoveRouteTableId", &req.remove_rtbs, &req.n_remove_rtbs)) < 0)
		return ret;
	if (req.reset_policy && req.policy)
		return err_fail(&c->err, "InvalidParameterCombination",
				"ResetPolicy and PolicyDocument cannot both be given.");
	if (param(c, "PrivateDnsEnabled")) {
		bool on;

		ret = query_bool(&c->q, "PrivateDnsEnabled", false, &on, &c->err);
		if (ret < 0)
			return ret;
		req.private_dns = on;
	}
	ret = vpce_modify(c->w, &c->cx, &req, &c->err);
	if (ret < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

/*
 * DeleteVpcEndpoints deletes what it can and lists the rest as
 * unsuccessful, each with its own error, as EC2 does.
 */
static int delete_vpc_endpoints(struct call *c)
{
	const char **ids;
	size_t n;
	struct err *errs;
	int ret = param_list(c, "VpcEndpointId", &ids, &n);

	if (ret < 0)
		return ret;
	if (!n)
		return err_fail(&c->err, "MissingParameter",
				"The request must contain the parameter VpcEndpointId");
	errs = arena_alloc(c->arena, n * sizeof(*errs));
	if (!errs)
		return err_fail(&c->err, "InvalidRequest", "The request is too large.");
	for (size_t i = 0; i < n; i++)
		vpce_delete(c->w, &c->cx, ids[i], &errs[i]);
	resp_begin(c);
	xml_open(c->out, "unsuccessful");
	for (size_t i = 0; i < n; i++) {
		if (!errs[i].code)
			continue;
		xml_open(c->out, "item");
		xml_open(c->out, "error");
		xml_text(c->out, "code", errs[i].code);
		xml_text(c->out, "message", errs[i].msg);
		xml_close(c->out, "error");
		xml_text(c->out, "resourceId", ids[i]);
		xml_close(c->out, "item");
	}
	xml_close(c->out, "unsuccessful");
	resp_end(c);
	return 0;
}

static int describe_vpc_endpoints(struct call *c)
{
	static const struct describe d = {
		.kind = RES_VPCE, .id_list = "VpcEndpointId", .set_tag = "vpcEndpointSet",
		.not_found = "InvalidVpcEndpointId.NotFound",
		.not_found_fmt = "The Vpc Endpoint Id '%s' does not exist",
		.filter = filter_vpce, .render = render_vpce, .paginated = true,
		.stable_until = vpce_stable_until,
	};

	return describe_run(c, &d);
}

/* One ServiceDetail: 's' as a Gateway or an Interface service. */
static void render_service(struct call *c, const struct service *s, bool gateway)
{
	const struct region *rg = c->cx.region;
	char name[SERVICE_NAME_SIZE], dns[DNS_NAME_SIZE], az[AZ_NAME_SIZE];
	char sid[SERVICE_ID_SIZE];
	struct buf *b = c->out;

	catalog_full_name(s, rg, name);
	xml_open(b, "item");
	xml_text(b, "serviceName", name);
	catalog_service_id(s, rg, gateway, sid);
	xml_text(b, "serviceId", sid);
	xml_open(b, "serviceType");
	xml_open(b, "item");
	xml_text(b, "serviceType", gateway ? "Gateway" : "Interface");
	xml_close(b, "item");
	xml_close(b, "serviceType");
	xml_text(b, "serviceRegion", rg->name);
	xml_open(b, "availabilityZoneSet");
	for (int i = 0; i < REGION_AZS; i++) {
		region_az_name(rg, i, az);
		xml_text(b, "item", az);
	}
	xml_close(b, "availabilityZoneSet");
	xml_text(b, "owner", CATALOG_OWNER);
	xml_open(b, "baseEndpointDnsNameSet");
	catalog_base_dns_name(s, rg, gateway, dns);
	xml_text(b, "item", dns);
	xml_close(b, "baseEndpointDnsNameSet");
	if (!gateway && catalog_private_dns_name(s, rg, dns)) {
		xml_text(b, "privateDnsName", dns);
		xml_open(b, "privateDnsNameSet");
		xml_open(b, "item");
		xml_text(b, "privateDnsName", dns);
		xml_close(b, "item");
		xml_close(b, "privateDnsNameSet");
	}
	xml_bool(b, "vpcEndpointPolicySupported", s->policy_supported);
	xml_bool(b, "acceptanceRequired", false);
	xml_bool(b, "managesVpcEndpoints", false);
	if (!gateway && s->private_dns_fmt)
		xml_text(b, "privateDnsNameVerificationState", "verified");
	xml_open(b, "supportedIpAddressTypeSet");
	xml_text(b, "item", "ipv4");
	if (s->ipv6)
		xml_text(b, "item", "ipv6");
	xml_close(b, "supportedIpAddressTypeSet");
	xml_close(b, "item");
}

static bool service_wanted(struct call *c, const char *name, const char **names, size_t n,
			   const char *type, const struct query_filter *f, size_t n_filters)
{
	bool listed = !n;

	for (size_t i = 0; i < n && !listed; i++)
		listed = strcmp(names[i], name) == 0;
	if (!listed)
		return false;
	for (size_t i = 0; i < n_filters; i++) {
		bool hit = false;
		const char *v = NULL;

		if (str_eq_c(f[i].name, "service-name"))
			v = name;
		else if (str_eq_c(f[i].name, "service-type"))
			v = type;
		else if (str_eq_c(f[i].name, "owner"))
			v = "amazon";
		else if (str_eq_c(f[i].name, "service-region"))
			v = c->cx.region->name;
		for (size_t j = 0; v && j < f[i].n_values && !hit; j++)
			hit = strcmp(f[i].values[j].p, v) == 0;
		if (!hit)
			return false;
	}
	return true;
}

static int describe_vpc_endpoint_services(struct call *c)
{
	static const char *const filter_names[] = {
		"service-name", "service-type", "owner", "service-region",
	};
	struct query_filter *filters;
	const char **names;
	size_t n_names, n_filters;
	int ret;

	if ((ret = param_list(c, "ServiceName", &names, &n_names)) < 0 ||
	    (ret = query_filters(&c->q, c->arena, &filters, &n_filters, &c->err)) < 0)
		return ret;
	for (size_t i = 0; i < n_filters; i++) {
		bool known = false;

		for (size_t k = 0; k < ARRAY_SIZE(filter_names); k++)
			known |= str_eq_c(filters[i].name, filter_names[k]);
		if (!known)
			return err_fail(&c->err, "InvalidParameterValue",
					"The filter '%s' is invalid", filters[i].name.p);
	}
	for (size_t i = 0; i < n_names; i++) {
		const struct region *rg;

		if (!catalog_parse_name(names[i], &rg) || rg != c->cx.region)
			return err_fail(&c->err, "InvalidServiceName",
					"The Vpc Endpoint Service '%s' does not exist", names[i]);
	}
	resp_begin(c);
	xml_open(c->out, "serviceNameSet");
	for (size_t i = 0; i < catalog_count(); i++) {
		const struct service *s = catalog_at(i);
		char name[SERVICE_NAME_SIZE];

		catalog_full_name(s, c->cx.region, name);
		if (service_wanted(c, name, names, n_names, s->interface ? "Interface" : "Gateway",
				   filters, n_filters) ||
		    (s->gateway && s->interface &&
		     service_wanted(c, name, names, n_names, "Gateway", filters, n_filters)))
			xml_text(c->out, "item", name);
	}
	xml_close(c->out, "serviceNameSet");
	xml_open(c->out, "serviceDetailSet");
	for (size_t i = 0; i < catalog_count(); i++) {
		const struct service *s = catalog_at(i);
		char name[SERVICE_NAME_SIZE];

		catalog_full_name(s, c->cx.region, name);
		/* A service with both types is listed once for each, as AWS does. */
		if (s->gateway && service_wanted(c, name, names, n_names, "Gateway",
						 filters, n_filters))
			render_service(c, s, true);
		if (s->interface && service_wanted(c, name, names, n_names, "Interface",
						   filters, n_filters))
			render_service(c, s, false);
	}
	xml_close(c->out, "serviceDetailSet");
	resp_end(c);
	return 0;
}

const struct api_action vpce_actions[] = {
	{ "CreateVpcEndpoint", create_vpc_endpoint, true, true },
	{ "ModifyVpcEndpoint", modify_vpc_endpoint, true, false },
	{ "DeleteVpcEndpoints", delete_vpc_endpoints, true, false },
	{ "DescribeVpcEndpoints", describe_vpc_endpoints, false, false },
	{ "DescribeVpcEndpointServices", describe_vpc_endpoint_services, false, false },
	{ NULL, NULL, false, false },
};
