/* SPDX-License-Identifier: MIT */
/* Route tables: tables, associations and routes. */
#include "compat.h"
#include "api/api.h"

#include "api/xml.h"
#include "core/net_ops.h"

static const char *const origin_names[] = {
	[ORIGIN_CREATE_ROUTE_TABLE] = "CreateRouteTable",
	[ORIGIN_CREATE_ROUTE] = "CreateRoute",
	[ORIGIN_ENABLE_VGW_PROPAGATION] = "EnableVgwRoutePropagation",
};

/* The instance a route leads to: its own, or the one its ENI is attached to. */
static const struct instance *route_instance(const struct call *c, const struct route *r)
{
	const char *id = r->target_id;
	struct res *x;

	if (r->target == TARGET_ENI) {
		x = world_get(c->w, r->target_id, RES_ENI);
		if (!x || !AS_ENI(x)->attach_id[0])
			return NULL;
		id = AS_ENI(x)->owner_res_id;
	} else if (r->target != TARGET_INSTANCE) {
		return NULL;
	}
	x = world_get(c->w, id, RES_INSTANCE);
	return x ? AS_INSTANCE(x) : NULL;
}

static bool gateway_target(enum route_target t)
{
	return t == TARGET_LOCAL || t == TARGET_IGW || t == TARGET_VGW || t == TARGET_VPCE;
}

static void render_route(struct call *c, const struct rtb *t, const struct route *r)
{
	const struct instance *in = route_instance(c, r);
	char cidr[CIDR4_STRLEN];
	struct buf *b = c->out;

	xml_open(b, "item");
	if (r->to_prefix_list)
		xml_text(b, "destinationPrefixListId", r->pl_id);
	else
		xml_text(b, "destinationCidrBlock", cidr4_fmt(&r->dest, cidr));
	if (gateway_target(r->target))
		xml_text(b, "gatewayId", r->target_id);
	if (in) {
		xml_text(b, "instanceId", in->res.id);
		xml_text(b, "instanceOwnerId", in->res.owner);
	}
	if (r->target == TARGET_NAT)
		xml_text(b, "natGatewayId", r->target_id);
	if (r->target == TARGET_ENI)
		xml_text(b, "networkInterfaceId", r->target_id);
	else if (r->target == TARGET_INSTANCE && in)
		xml_text(b, "networkInterfaceId", in->eni_id);
	xml_text(b, "origin", origin_names[r->origin]);
	xml_text(b, "state", route_active(c->w, t, r) ? "active" : "blackhole");
	xml_close(b, "item");
}

static void render_assoc(struct call *c, const struct rtb *t, const struct rtb_assoc *a)
{
	struct buf *b = c->out;

	xml_open(b, "item");
	xml_bool(b, "main", a->main);
	xml_text(b, "routeTableAssociationId", a->id);
	xml_text(b, "routeTableId", t->res.id);
	if (!a->main)
		xml_text(b, "subnetId", a->subnet_id);
	xml_open(b, "associationState");
	xml_text(b, "state", "associated");
	xml_close(b, "associationState");
	xml_close(b, "item");
}

static void render_rtb(struct call *c, const struct res *r)
{
	const struct rtb *t = AS_RTB((struct res *)r);
	struct buf *b = c->out;

	xml_open(b, "associationSet");
	for (size_t i = 0; i < t->n_assocs; i++)
		render_assoc(c, t, &t->assocs[i]);
	xml_close(b, "associationSet");
	xml_open(b, "propagatingVgwSet");
	xml_close(b, "propagatingVgwSet");
	xml_text(b, "routeTableId", r->id);
	xml_open(b, "routeSet");
	for (size_t i = 0; i < t->n_routes; i++)
		render_route(c, t, &t->routes[i]);
	xml_close(b, "routeSet");
	xml_open(b, "tagSet");
	for (size_t i = 0; i < r->n_tags; i++) {
		xml_open(b, "item");
		xml_text(b, "key", r->tags[i].key);
		xml_text(b, "value", r->tags[i].value);
		xml_close(b, "item");
	}
	xml_close(b, "tagSet");
	xml_text(b, "vpcId", t->vpc_id);
	xml_text(b, "ownerId", r->owner);
}

/* The filters DescribeRouteTables documents, for every value a table may have. */
static const char *const rtb_filters[] = {
	"route-table-id", "vpc-id",
	"association.route-table-association-id", "association.route-table-id",
	"association.subnet-id", "association.main", "association.gateway-id",
	"route.destination-cidr-block", "route.destination-prefix-list-id",
	"route.gateway-id", "route.nat-gateway-id", "route.instance-id", "route.state",
	"route.origin", "route.destination-ipv6-cidr-block",
	"route.egress-only-internet-gateway-id", "route.transit-gateway-id",
	"route.vpc-peering-connection-id",
};

static void add_val(struct filter_vals *vals, const char *v)
{
	if (v && vals->n < ARRAY_SIZE(vals->v))
		vals->v[vals->n++] = v;
}

static void filter_assocs(const struct rtb *t, const char *what, struct filter_vals *vals)
{
	for (size_t i = 0; i < t->n_assocs; i++) {
		const struct rtb_assoc *a = &t->assocs[i];

		if (!strcmp(what, "route-table-association-id"))
			add_val(vals, a->id);
		else if (!strcmp(what, "route-table-id"))
			add_val(vals, t->res.id);
		else if (!strcmp(what, "subnet-id") && !a->main)
			add_val(vals, a->subnet_id);
		else if (!strcmp(what, "main"))
			add_val(vals, a->main ? "true" : "false");
	}
}

/* The value of route field 'what' of 'r', or NULL; CIDRs go into the arena. */
static const char *route_field(const struct call *c, const struct rtb *t,
			       const struct route *r, const char *what)
{
	char cidr[CIDR4_STRLEN];

	if (!strcmp(what, "destination-cidr-block") && !r->to_prefix_list)
		return arena_strdup(c->arena, str_c(cidr4_fmt(&r->dest, cidr)));
	if (!strcmp(what, "destination-prefix-list-id") && r->to_prefix_list)
		return r->pl_id;
	if (!strcmp(what, "gateway-id") && gateway_target(r->target))
		return r->target_id;
	if (!strcmp(what, "nat-gateway-id") && r->target == TARGET_NAT)
		return r->target_id;
	if (!strcmp(what, "instance-id")) {
		const struct instance *in = route_instance(c, r);

		return in ? in->res.id : NULL;
	}
	if (!strcmp(what, "state"))
		return route_active(c->w, t, r) ? "active" : "blackhole";
	if (!strcmp(what, "origin"))
		return origin_names[r->origin];
	return NULL;
}

static int filter_rtb(const struct call *c, const struct res *r, const char *name,
		      struct filter_vals *vals)
{
	const struct rtb *t = AS_RTB((struct res *)r);
	bool known = false;

	for (size_t i = 0; i < ARRAY_SIZE(rtb_filters) && !known; i++)
		known = !strcmp(name, rtb_filters[i]);
	if (!known)
		return filter_tags(r, name, vals);
	/* describe_run() checks names on a bare 'struct res' with no ID. */
	if (!r->id[0])
		return 0;
	if (!strcmp(name, "route-table-id"))
		add_val(vals, r->id);
	else if (!strcmp(name, "vpc-id"))
		add_val(vals, t->vpc_id);
	else if (!strncmp(name, "association.", 12))
		filter_assocs(t, name + 12, vals);
	else
		for (size_t i = 0; i < t->n_routes; i++)
			add_val(vals, route_field(c, t, &t->routes[i], name + 6));
	return 0;
}

static void respond_rtb(struct call *c, const struct rtb *t)
{
	const char *token = param(c, "ClientToken");

	resp_begin(c);
	xml_open(c->out, "routeTable");
	render_rtb(c, &t->res);
	xml_close(c->out, "routeTable");
	if (token)
		xml_text(c->out, "clientToken", token);
	resp_end(c);
}

static int create_route_table(struct call *c)
{
	struct rtb *t;
	int ret;

	if (c->replay_id) {
		respond_rtb(c, AS_RTB(world_get(c->w, c->replay_id, RES_RTB)));
		return 0;
	}
	if ((ret = param_tag_specs_check(c, "route-table")) < 0 ||
	    (ret = rtb_create(c->w, &c->cx, param(c, "VpcId"), &t, &c->err)) < 0)
		return ret;
	param_tag_specs_apply(c, "route-table", &t->res);
	str_lcpy(c->token_resource_id, t->res.id, ID_SIZE);
	respond_rtb(c, t);
	return 0;
}

static int delete_route_table(struct call *c)
{
	int ret = rtb_delete(c->w, &c->cx, param(c, "RouteTableId"), &c->err);

	if (ret < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

static void respond_assoc(struct call *c, const char *tag, const char *id)
{
	resp_begin(c);
	xml_text(c->out, tag, id);
	xml_open(c->out, "associationState");
	xml_text(c->out, "state", "associated");
	xml_close(c->out, "associationState");
	resp_end(c);
}

static int associate_route_table(struct call *c)
{
	char id[ID_SIZE];
	int ret;

	/* Edge associations (an internet or virtual private gateway) are not emulated. */
	if (param(c, "GatewayId") || param(c, "PublicIpv4Pool"))
		return err_fail(&c->err, "UnsupportedOperation",
				"The specified request includes an unsupported operation.");
	ret = rtb_associate(c->w, &c->cx, param(c, "RouteTableId"), param(c, "SubnetId"), id,
			    &c->err);
	if (ret < 0)
		return ret;
	respond_assoc(c, "associationId", id);
	return 0;
}

static int disassociate_route_table(struct call *c)
{
	int ret = rtb_disassociate(c->w, &c->cx, param(c, "AssociationId"), &c->err);

	if (ret < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

static int replace_route_table_association(struct call *c)
{
	char id[ID_SIZE];
	int ret = rtb_replace_association(c->w, &c->cx, param(c, "AssociationId"),
					  param(c, "RouteTableId"), id, &c->err);

	if (ret < 0)
		return ret;
	respond_assoc(c, "newAssociationId", id);
	return 0;
}

/*
 * Route targets vpce does not emulate: none can exist, so naming one is a
 * NotFound, with the code EC2 uses for each.
 */
static const struct {
	const char *param;
	const char *code;
	const char *fmt;
} absent_targets[] = {
	{ "VpcPeeringConnectionId", "InvalidVpcPeeringConnectionID.NotFound",
	  "The vpcPeeringConnection ID '%s' does not exist" },
	{ "TransitGatewayId", "InvalidTransitGatewayID.NotFound",
	  "Transit Gateway %s was deleted or does not exist." },
	{ "EgressOnlyInternetGatewayId", "InvalidGatewayID.NotFound",
	  "The gateway ID '%s' does not exist" },
	{ "LocalGatewayId", "InvalidLocalGatewayID.NotFound",
	  "The localGateway ID '%s' does not exist" },
	{ "CarrierGatewayId", "InvalidCarrierGatewayID.NotFound",
	  "The CarrierGateway ID '%s' does not exist" },
	{ "CoreNetworkArn", "InvalidParameterValue",
	  "Value (%s) for parameter coreNetworkArn is invalid." },
	{ "OdbNetworkArn", "InvalidParameterValue",
	  "Value (%s) for parameter odbNetworkArn is invalid." },
};

static int route_params(struct call *c, bool with_target, struct route_req *req)
{
	*req = (struct route_req){
		.rtb_id = param(c, "RouteTableId"),
		.dest_cidr = param(c, "DestinationCidrBlock"),
		.dest_ipv6 = param(c, "DestinationIpv6CidrBlock"),
		.dest_pl = param(c, "DestinationPrefixListId"),
	};
	if (!with_target)
		return 0;
	req->gateway_id = param(c, "GatewayId");
	req->nat_id = param(c, "NatGatewayId");
	req->eni_id = param(c, "NetworkInterfaceId");
	req->instance_id = param(c, "InstanceId");
	req->vpce_id = param(c, "VpcEndpointId");
	for (size_t i = 0; i < ARRAY_SIZE(absent_targets); i++) {
		const char *v = param(c, absent_targets[i].param);

		if (v)
			return err_fail(&c->err, absent_targets[i].code, absent_targets[i].fmt, v);
	}
	return query_bool(&c->q, "LocalTarget", false, &req->local_target, &c->err);
}

static int create_route(struct call *c)
{
	struct route_req req;
	int ret;

	if ((ret = route_params(c, true, &req)) < 0 ||
	    (ret = route_create(c->w, &c->cx, &req, &c->err)) < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

static int replace_route(struct call *c)
{
	struct route_req req;
	int ret;

	if ((ret = route_params(c, true, &req)) < 0 ||
	    (ret = route_replace(c->w, &c->cx, &req, &c->err)) < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

static int delete_route(struct call *c)
{
	struct route_req req;
	int ret;

	if ((ret = route_params(c, false, &req)) < 0 ||
	    (ret = route_delete(c->w, &c->cx, &req, &c->err)) < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

static int describe_route_tables(struct call *c)
{
	static const struct describe d = {
		.kind = RES_RTB, .id_list = "RouteTableId", .set_tag = "routeTableSet",
		.not_found = "InvalidRouteTableID.NotFound",
		.not_found_fmt = "The routeTable ID '%s' does not exist",
		.filter = filter_rtb, .render = render_rtb, .paginated = true,
	};

	return describe_run(c, &d);
}

const struct api_action rtb_actions[] = {
	{ "CreateRouteTable", create_route_table, true, true },
	{ "DeleteRouteTable", delete_route_table, true, false },
	{ "DescribeRouteTables", describe_route_tables, false, false },
	{ "AssociateRouteTable", associate_route_table, true, false },
	{ "DisassociateRouteTable", disassociate_route_table, true, false },
	{ "ReplaceRouteTableAssociation", replace_route_table_association, true, false },
	{ "CreateRoute", create_route, true, false },
	{ "ReplaceRoute", replace_route, true, false },
	{ "DeleteRoute", delete_route, true, false },
	{ NULL, NULL, false, false },
};
