/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "api/api.h"

#include <stdarg.h>

#include "api/xml.h"
#include "limits.h"

const char *param(struct call *c, const char *key)
{
	const struct str *v = query_get(&c->q, key);

	/* query_parse() terminates every value in the arena. */
	return v ? v->p : NULL;
}

int param_required(struct call *c, const char *key, const char *aws_name, const char **out)
{
	*out = param(c, key);
	if (!*out)
		return err_fail(&c->err, "MissingParameter",
				"The request must contain the parameter %s", aws_name);
	return 0;
}

int param_list(struct call *c, const char *prefix, const char ***out, size_t *n)
{
	struct str *vals = arena_alloc(c->arena, LIMIT_QUERY_LIST * sizeof(*vals));
	const char **strs;
	int ret;

	*out = NULL;
	*n = 0;
	if (!vals)
		return err_fail(&c->err, "InvalidRequest", "The request is too large.");
	ret = query_list(&c->q, prefix, vals, LIMIT_QUERY_LIST, n, &c->err);
	if (ret < 0)
		return ret;
	strs = arena_alloc(c->arena, (*n + 1) * sizeof(*strs));
	if (!strs)
		return err_fail(&c->err, "InvalidRequest", "The request is too large.");
	for (size_t i = 0; i < *n; i++)
		strs[i] = vals[i].p;
	*out = strs;
	return 0;
}

int param_tag_specs_check(struct call *c, const char *resource_type)
{
	struct query_tagspec *specs;
	size_t n;
	int ret = query_tag_specs(&c->q, c->arena, &specs, &n, &c->err);

	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n; i++) {
		if (!str_eq_c(specs[i].resource_type, resource_type))
			return err_fail(&c->err, "InvalidParameterValue",
					"'%.*s' is not a valid taggable resource type for "
					"this operation.", STR_FMT(specs[i].resource_type));
	}
	return 0;
}

void param_tag_specs_apply(struct call *c, const char *resource_type, struct res *r)
{
	struct query_tagspec *specs;
	size_t n;

	if (query_tag_specs(&c->q, c->arena, &specs, &n, NULL) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!str_eq_c(specs[i].resource_type, resource_type))
			continue;
		for (size_t j = 0; j < specs[i].n_tags; j++)
			res_tag_set(r, specs[i].tags[j].key.p, specs[i].tags[j].value.p);
	}
}

int fail_not_found(struct call *c, enum res_kind kind, const char *id)
{
	static const struct {
		const char *code;
		const char *fmt;
	} not_found[RES_KIND_COUNT] = {
		[RES_VPC] = { "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist" },
		[RES_SUBNET] = { "InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist" },
		[RES_RTB] = { "InvalidRouteTableID.NotFound",
			      "The routeTable ID '%s' does not exist" },
		[RES_SG] = { "InvalidGroup.NotFound", "The security group '%s' does not exist" },
		[RES_IGW] = { "InvalidInternetGatewayID.NotFound",
			      "The internetGateway ID '%s' does not exist" },
		[RES_NAT] = { "NatGatewayNotFound", "The Nat Gateway %s was not found" },
		[RES_VGW] = { "InvalidVpnGatewayID.NotFound",
			      "The vpnGateway ID '%s' does not exist" },
		[RES_EIP] = { "InvalidAllocationID.NotFound",
			      "The allocation ID '%s' does not exist" },
		[RES_ENI] = { "InvalidNetworkInterfaceID.NotFound",
			      "The networkInterface ID '%s' does not exist" },
		[RES_INSTANCE] = { "InvalidInstanceID.NotFound",
				   "The instance ID '%s' does not exist" },
		[RES_VPCE] = { "InvalidVpcEndpointId.NotFound",
			       "The Vpc Endpoint Id '%s' does not exist" },
	};

	return err_fail(&c->err, not_found[kind].code, not_found[kind].fmt, id);
}
