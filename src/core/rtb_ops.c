/* SPDX-License-Identifier: MIT */
/*
 * Route tables, their associations and routes. A gateway endpoint's route
 * (a prefix list to vpce-…) belongs to the endpoint: only vpce_ops.c adds or
 * removes it, and the route ops here refuse to touch it.
 */
#include "compat.h"
#include "core/net_ops.h"

#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/host_ops.h"
#include "core/idfmt.h"
#include "limits.h"

static bool owned(const struct ctx *cx, const struct res *r)
{
	return strcmp(r->owner, cx->account) == 0;
}

struct rtb *rtb_lookup(const struct world *w, const struct ctx *cx, const char *id,
		       struct err *e)
{
	struct res *r;

	if (!id_valid(id, "rtb-")) {
		err_fail(e, "InvalidRouteTableId.Malformed", "Invalid id: \"%s\"", id);
		return NULL;
	}
	r = world_get(w, id, RES_RTB);
	if (!r || !owned(cx, r)) {
		err_fail(e, "InvalidRouteTableID.NotFound",
			 "The routeTable ID '%s' does not exist", id);
		return NULL;
	}
	return AS_RTB(r);
}

struct rtb *rtb_for_subnet(const struct world *w, const struct subnet *s)
{
	struct rtb *main_rtb = NULL;
	struct res *r;

	WORLD_FOR_EACH(w, RES_RTB, r) {
		struct rtb *t = AS_RTB(r);

		if (strcmp(t->vpc_id, s->vpc_id))
			continue;
		for (size_t i = 0; i < t->n_assocs; i++) {
			if (strcmp(t->assocs[i].subnet_id, s->res.id) == 0)
				return t;
			if (t->assocs[i].main)
				main_rtb = t;
		}
	}
	return main_rtb;
}

int rtb_create(struct world *w, struct ctx *cx, const char *vpc_id, struct rtb **out,
	       struct err *e)
{
	char id[ID_SIZE];
	struct vpc *v;
	struct rtb *t;

	if (!vpc_id)
		return err_fail(e, "MissingParameter",
				"The request must contain the parameter vpcId");
	v = vpc_lookup(w, cx, vpc_id, e);
	if (!v)
		return -EINVAL;
	ctx_new_id(cx, "rtb-", id);
	t = AS_RTB(world_add(w, RES_RTB, id));
	str_lcpy(t->res.owner, cx->account, sizeof(t->res.owner));
	t->res.created_ms = cx->now_ms;
	str_lcpy(t->vpc_id, v->res.id, sizeof(t->vpc_id));
	ALLOC_GROW(t->routes, 1, t->alloc_routes);
	t->routes[t->n_routes++] = (struct route){
		.dest = v->cidr, .target = TARGET_LOCAL, .target_id = "local",
		.origin = ORIGIN_CREATE_ROUTE_TABLE,
	};
	*out = t;
	return 0;
}

int rtb_delete(struct world *w, struct ctx *cx, const char *rtb_id, struct err *e)
{
	struct rtb *t;
	struct res *r;

	if (!rtb_id)
		return err_fail(e, "MissingParameter",
				"The request must contain the parameter routeTableId");
	t = rtb_lookup(w, cx, rtb_id, e);
	if (!t)
		return -EINVAL;
	if (t->n_assocs)
		return err_fail(e, "DependencyViolation",
				"The routeTable '%s' has dependencies and cannot be deleted.",
				rtb_id);
	/* A gateway endpoint forgets the table along with its route there. */
	WORLD_FOR_EACH(w, RES_VPCE, r) {
		struct vpce *v = AS_VPCE(r);
		long k = id_array_find(v->rtbs, v->n_rtbs, rtb_id);

		if (k >= 0) {
			id_array_remove(v->rtbs, &v->n_rtbs, (size_t)k);
			world_touch(w, r);
		}
	}
	world_remove(w, &t->res);
	return 0;
}

/* The table holding an explicit association of 'subnet_id', or NULL. */
static struct rtb *subnet_assoc_owner(const struct world *w, const char *subnet_id)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_RTB, r) {
		struct rtb *t = AS_RTB(r);

		for (size_t i = 0; i < t->n_assocs; i++)
			if (strcmp(t->assocs[i].subnet_id, subnet_id) == 0)
				return t;
	}
	return NULL;
}

static int assocs_check_room(const struct rtb *t, struct err *e)
{
	if (t->n_assocs >= LIMIT_ASSOCS_PER_TABLE)
		return err_fail(e, "ResourceLimitExceeded",
				"The route table '%s' has reached its limit of %d associations.",
				t->res.id, LIMIT_ASSOCS_PER_TABLE);
	return 0;
}

static void assoc_add(struct world *w, struct ctx *cx, struct rtb *t, bool main,
		      const char *subnet_id, char id[static ID_SIZE])
{
	struct rtb_assoc *a;

	ALLOC_GROW(t->assocs, t->n_assocs + 1, t->alloc_assocs);
	a = &t->assocs[t->n_assocs++];
	*a = (struct rtb_assoc){ .main = main };
	ctx_new_id(cx, "rtbassoc-", a->id);
	str_lcpy(a->subnet_id, subnet_id, ID_SIZE);
	str_lcpy(id, a->id, ID_SIZE);
	world_touch(w, &t->res);
}

static void assoc_remove(struct world *w, struct rtb *t, size_t i)
{
	memmove(&t->assocs[i], &t->assocs[i + 1], (t->n_assocs - i - 1) * sizeof(t->assocs[0]));
	t->n_assocs--;
	world_touch(w, &t->res);
}

int rtb_associate(struct world *w, struct ctx *cx, const char *rtb_id, const char *subnet_id,
		  char assoc_id[static ID_SIZE], struct err *e)
{
	struct subnet *s;
	struct rtb *t;

	if (!rtb_id)
		return err_fail(e, "MissingParameter",
				"The request must contain the parameter routeTableId");
	if (!subnet_id)
		return err_fail(e, "MissingParameter",
				"The request must contain the parameter subnetId or gatewayId");
	t = rtb_lookup(w, cx, rtb_id, e);
	if (!t)
		return -EINVAL;
	s = subnet_lookup(w, cx, subnet_id, e);
	if (!s)
		return -EINVAL;
	if (strcmp(s->vpc_id, t->vpc_id))
		return err_fail(e, "InvalidParameterValue",
				"route table %s and subnet %s belong to different networks",
				rtb_id, subnet_id);
	if (subnet_assoc_owner(w, subnet_id))
		return err_fail(e, "Resource.AlreadyAssociated",
				"the specified association for route table %s conflicts "
				"with an existing association", rtb_id);
	if (assocs_check_room(t, e) < 0)
		return -EINVAL;
	assoc_add(w, cx, t, false, subnet_id, assoc_id);
	return 0;
}

struct rtb *rtb_assoc_find(const struct world *w, const struct ctx *cx, const char *assoc_id,
			   size_t *index)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_RTB, r) {
		struct rtb *t = AS_RTB(r);

		if (!owned(cx, r))
			continue;
		for (size_t i = 0; i < t->n_assocs; i++) {
			if (strcmp(t->assocs[i].id, assoc_id) == 0) {
				*index = i;
				return t;
			}
		}
	}
	return NULL;
}

static struct rtb *assoc_lookup(const struct world *w, const struct ctx *cx,
				const char *assoc_id, size_t *index, struct err *e)
{
	struct rtb *t;

	if (!assoc_id) {
		err_fail(e, "MissingParameter",
			 "The request must contain the parameter associationId");
		return NULL;
	}
	if (!id_valid(assoc_id, "rtbassoc-")) {
		err_fail(e, "InvalidAssociationID.Malformed", "Invalid id: \"%s\"", assoc_id);
		return NULL;
	}
	t = rtb_assoc_find(w, cx, assoc_id, index);
	if (!t)
		err_fail(e, "InvalidAssociationID.NotFound",
			 "The association ID '%s' does not exist", assoc_id);
	return t;
}

int rtb_disassociate(struct world *w, struct ctx *cx, const char *assoc_id, struct err *e)
{
	size_t i;
	struct rtb *t = assoc_lookup(w, cx, assoc_id, &i, e);

	if (!t)
		return -EINVAL;
	if (t->assocs[i].main)
		return err_fail(e, "InvalidParameterValue",
				"cannot disassociate the main route table association %s",
				assoc_id);
	assoc_remove(w, t, i);
	return 0;
}

int rtb_replace_association(struct world *w, struct ctx *cx, const char *assoc_id,
			    const char *rtb_id, char new_id[static ID_SIZE], struct err *e)
{
	struct rtb *from, *to;
	struct rtb_assoc old;
	size_t i;

	if (!rtb_id)
		return err_fail(e, "MissingParameter",
				"The request must contain the parameter routeTableId");
	from = assoc_lookup(w, cx, assoc_id, &i, e);
	if (!from)
		return -EINVAL;
	to = rtb_lookup(w, cx, rtb_id, e);
	if (!to)
		return -EINVAL;
	old = from->assocs[i];
	if (strcmp(from->vpc_id, to->vpc_id))
		return err_fail(e, "InvalidParameterValue",
				"route table %s and %s %s belong to different networks", rtb_id,
				old.main ? "network" : "subnet",
				old.main ? from->vpc_id : old.subnet_id);
	if (to != from && assocs_check_room(to, e) < 0)
		return -EINVAL;
	assoc_remove(w, from, i);
	assoc_add(w, cx, to, old.main, old.subnet_id, new_id);
	if (old.main) {
		struct res *v = world_get(w, to->vpc_id, RES_VPC);

		if (v) {
			str_lcpy(AS_VPC(v)->main_rtb_id, to->res.id, ID_SIZE);
			world_touch(w, v);
		}
	}
	return 0;
}

/* --- routes --- */

/* A route request resolved against the world. */
struct route_plan {
	struct rtb *t;
	struct route r;			/* destination and target, as stored */
	char dest_s[CIDR4_STRLEN + ID_SIZE];	/* the destination as AWS names it */
	long index;			/* of the route with that destination, or -1 */
};

/*
 * Parses a destination CIDR the way EC2 does: host bits are cleared
 * ("100.68.0.18/18" becomes "100.68.0.0/18", CreateRoute API reference).
 */
static int dest_parse(const char *s, struct cidr4 *out)
{
	struct str v = str_c(s), addr;
	uint64_t len;
	uint32_t ip;

	if (!str_cut(&v, '/', &addr) || ip4_parse(addr, &ip) < 0)
		return -EINVAL;
	if (v.len > 2 || (v.len > 1 && v.p[0] == '0') || str_to_u64(v, 32, &len) < 0)
		return -EINVAL;
	*out = (struct cidr4){ ip & cidr4_mask((uint8_t)len), (uint8_t)len };
	return 0;
}

static long route_find(const struct rtb *t, const struct route *want)
{
	for (size_t i = 0; i < t->n_routes; i++) {
		const struct route *r = &t->routes[i];

		if (r->to_prefix_list != want->to_prefix_list)
			continue;
		if (r->to_prefix_list ? strcmp(r->pl_id, want->pl_id) == 0
				      : cidr4_eq(&r->dest, &want->dest))
			return (long)i;
	}
	return -1;
}

/* Resolves the table and the destination; every route op starts here. */
static int plan_destination(const struct world *w, const struct ctx *cx,
			    const struct route_req *req, struct route_plan *p, struct err *e)
{
	int n = !!req->dest_cidr + !!req->dest_ipv6 + !!req->dest_pl;

	if (!req->rtb_id)
		return err_fail(e, "MissingParameter",
				"The request must contain the parameter routeTableId");
	if (n != 1)
		return err_fail(e, n ? "InvalidParameterCombination" : "MissingParameter",
				"The request must contain exactly one of: destinationCidrBlock, "
				"destinationIpv6CidrBlock, destinationPrefixListId");
	p->t = rtb_lookup(w, cx, req->rtb_id, e);
	if (!p->t)
		return -EINVAL;
	if (req->dest_ipv6)
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter destinationIpv6CidrBlock is invalid. "
				"This is not a valid IPv6 CIDR block.", req->dest_ipv6);
	if (req->dest_cidr) {
		if (dest_parse(req->dest_cidr, &p->r.dest) < 0)
			return err_fail(e, "InvalidParameterValue",
					"Value (%s) for parameter destinationCidrBlock is invalid. "
					"This is not a valid CIDR block.", req->dest_cidr);
		cidr4_fmt(&p->r.dest, p->dest_s);
	} else {
		if (!catalog_find_prefix_list_in(cx->region, req->dest_pl))
			return err_fail(e, "InvalidPrefixListID.NotFound",
					"The prefix list (%s) does not exist.", req->dest_pl);
		p->r.to_prefix_list = true;
		str_lcpy(p->r.pl_id, req->dest_pl, ID_SIZE);
		str_lcpy(p->dest_s, req->dest_pl, sizeof(p->dest_s));
	}
	p->index = route_find(p->t, &p->r);
	return 0;
}

static struct res *owned_get(const struct world *w, const struct ctx *cx, const char *id,
			     enum res_kind kind)
{
	struct res *r = world_get(w, id, kind);

	return r && owned(cx, r) ? r : NULL;
}

static int different_networks(const struct rtb *t, const char *what, const char *id,
			      struct err *e)
{
	return err_fail(e, "InvalidParameterValue",
			"route table %s and %s %s belong to different networks", t->res.id,
			what, id);
}

static int plan_gateway(const struct world *w, const struct ctx *cx, const char *id,
			struct route_plan *p, struct err *e)
{
	struct res *r;

	if (strcmp(id, "local") == 0) {
		p->r.target = TARGET_LOCAL;
		str_lcpy(p->r.target_id, "local", ID_SIZE);
		return 0;
	}
	if (strncmp(id, "vpce-", 5) == 0 && owned_get(w, cx, id, RES_VPCE))
		return err_fail(e, "RouteNotSupported",
				"Route table contains unsupported route target: %s. VPC "
				"Endpoints of this type cannot be used as route targets.", id);
	if ((r = owned_get(w, cx, id, RES_IGW))) {
		if (strcmp(AS_IGW(r)->vpc_id, p->t->vpc_id))
			return different_networks(p->t, "network gateway", id, e);
		p->r.target = TARGET_IGW;
	} else if ((r = owned_get(w, cx, id, RES_VGW)) && !AS_VGW(r)->deleted) {
		if (strcmp(AS_VGW(r)->vpc_id, p->t->vpc_id))
			return different_networks(p->t, "network gateway", id, e);
		p->r.target = TARGET_VGW;
	} else {
		/* EC2 answers this for any ID given as GatewayId, nat- and i- included. */
		return err_fail(e, "InvalidGatewayID.NotFound",
				"The gateway ID '%s' does not exist", id);
	}
	str_lcpy(p->r.target_id, id, ID_SIZE);
	return 0;
}

static int plan_nat(const struct world *w, const struct ctx *cx, const char *id,
		    struct route_plan *p, struct err *e)
{
	struct res *r = owned_get(w, cx, id, RES_NAT);

	if (!r || AS_NAT(r)->deleted)
		return err_fail(e, "InvalidNatGatewayID.NotFound",
				"The natGateway ID '%s' does not exist", id);
	if (strcmp(AS_NAT(r)->vpc_id, p->t->vpc_id))
		return different_networks(p->t, "network gateway", id, e);
	p->r.target = TARGET_NAT;
	str_lcpy(p->r.target_id, id, ID_SIZE);
	return 0;
}

static int plan_eni(const struct world *w, const struct ctx *cx, const char *id,
		    struct route_plan *p, struct err *e)
{
	struct eni *n = eni_lookup(w, cx, id, e);

	if (!n)
		return -EINVAL;
	if (strcmp(n->vpc_id, p->t->vpc_id))
		return different_networks(p->t, "interface", id, e);
	p->r.target = TARGET_ENI;
	str_lcpy(p->r.target_id, id, ID_SIZE);
	return 0;
}

static int plan_instance(const struct world *w, const struct ctx *cx, const char *id,
			 struct route_plan *p, struct err *e)
{
	struct instance *in = instance_lookup(w, cx, id, e);

	if (!in)
		return -EINVAL;
	if (in->state == INSTANCE_TERMINATED)
		return err_fail(e, "IncorrectInstanceState",
				"The instance '%s' is not in a valid state for this operation.",
				id);
	if (strcmp(in->vpc_id, p->t->vpc_id))
		return different_networks(p->t, "instance", id, e);
	p->r.target = TARGET_INSTANCE;
	str_lcpy(p->r.target_id, id, ID_SIZE);
	return 0;
}

/* Resolves the one target of 'req' into 'p->r'. */
static int plan_target(const struct world *w, const struct ctx *cx,
		       const struct route_req *req, struct route_plan *p, struct err *e)
{
	static const char *const names[] = {
		"gatewayId", "natGatewayId", "networkInterfaceId", "instanceId",
		"vpcEndpointId", "localTarget",
	};
	const char *given[ARRAY_SIZE(names)] = {
		req->gateway_id, req->nat_id, req->eni_id, req->instance_id, req->vpce_id,
		req->local_target ? "true" : NULL,
	};
	int first = -1;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!given[i])
			continue;
		if (first >= 0)
			return err_fail(e, "InvalidParameterCombination",
					"The parameter %s cannot be used with the parameter %s",
					names[i], names[first]);
		first = (int)i;
	}
	switch (first) {
	case 0:
		return plan_gateway(w, cx, req->gateway_id, p, e);
	case 1:
		return plan_nat(w, cx, req->nat_id, p, e);
	case 2:
		return plan_eni(w, cx, req->eni_id, p, e);
	case 3:
		return plan_instance(w, cx, req->instance_id, p, e);
	case 4:
		if (!vpce_lookup(w, cx, req->vpce_id, e))
			return -EINVAL;
		return err_fail(e, "RouteNotSupported",
				"Route table contains unsupported route target: %s. VPC "
				"Endpoints of this type cannot be used as route targets.",
				req->vpce_id);
	case 5:
		return plan_gateway(w, cx, "local", p, e);
	default:
		return err_fail(e, "MissingParameter",
				"The request must contain exactly one of: gatewayId, natGatewayId, "
				"networkInterfaceId, instanceId, vpcPeeringConnectionId, "
				"transitGatewayId, egressOnlyInternetGatewayId, localGatewayId, "
				"carrierGatewayId, coreNetworkArn, vpcEndpointId");
	}
}

static const struct route *local_route(const struct rtb *t)
{
	for (size_t i = 0; i < t->n_routes; i++)
		if (t->routes[i].origin == ORIGIN_CREATE_ROUTE_TABLE)
			return &t->routes[i];
	return NULL;
}

/*
 * Rules on where a planned target may go: "local" names the local route
 * only, and a destination inside the VPC's block may only lead to an
 * interface or an instance (AWS: "more specific routes").
 */
static int check_target_fits(const struct route_plan *p, struct err *e)
{
	const struct route *local = local_route(p->t);
	bool inside = !p->r.to_prefix_list && local && cidr4_contains(&local->dest, &p->r.dest);

	if (p->r.target == TARGET_LOCAL) {
		if (!local || p->r.to_prefix_list || !cidr4_eq(&local->dest, &p->r.dest))
			return err_fail(e, "InvalidParameterValue",
					"Value (local) for parameter gatewayId is invalid. The "
					"local target can only be used with the VPC's own CIDR "
					"block %s.", p->dest_s);
		return 0;
	}
	if (inside && p->r.target != TARGET_ENI && p->r.target != TARGET_INSTANCE)
		return err_fail(e, "InvalidParameterValue",
				"Route target is not supported. This route only supports "
				"interface and instance targets.");
	return 0;
}

int route_create(struct world *w, struct ctx *cx, const struct route_req *req, struct err *e)
{
	struct route_plan p = { 0 };
	int ret;

	if ((ret = plan_destination(w, cx, req, &p, e)) < 0 ||
	    (ret = plan_target(w, cx, req, &p, e)) < 0)
		return ret;
	if (p.index >= 0)
		return err_fail(e, "RouteAlreadyExists",
				"The route identified by %s already exists.", p.dest_s);
	if ((ret = check_target_fits(&p, e)) < 0)
		return ret;
	if (p.t->n_routes >= LIMIT_ROUTES_PER_TABLE)
		return err_fail(e, "RouteLimitExceeded",
				"The maximum number of routes has been reached.");
	p.r.origin = ORIGIN_CREATE_ROUTE;
	ALLOC_GROW(p.t->routes, p.t->n_routes + 1, p.t->alloc_routes);
	p.t->routes[p.t->n_routes++] = p.r;
	world_touch(w, &p.t->res);
	return 0;
}

/* Refuses to change the routes that belong to the table or to an endpoint. */
static int check_changeable(const struct route_plan *p, const char *verb, struct err *e)
{
	const struct route *r = &p->t->routes[p->index];

	if (r->target == TARGET_VPCE)
		return err_fail(e, "InvalidParameterValue",
				"cannot %s VPC endpoint route %s in route table %s; modify "
				"VPC endpoint %s instead", verb, p->dest_s, p->t->res.id,
				r->target_id);
	if (r->origin == ORIGIN_CREATE_ROUTE_TABLE)
		return err_fail(e, "InvalidParameterValue",
				"cannot %s local route %s in route table %s", verb, p->dest_s,
				p->t->res.id);
	return 0;
}

int route_replace(struct world *w, struct ctx *cx, const struct route_req *req, struct err *e)
{
	struct route_plan p = { 0 };
	struct route *r;
	int ret;

	if ((ret = plan_destination(w, cx, req, &p, e)) < 0 ||
	    (ret = plan_target(w, cx, req, &p, e)) < 0)
		return ret;
	if (p.index < 0)
		return err_fail(e, "InvalidParameterValue",
				"There is no route defined for '%s' in the route table. Use "
				"CreateRoute instead.", p.dest_s);
	r = &p.t->routes[p.index];
	/* Pointing the local route at "local" again changes nothing. */
	if (r->origin == ORIGIN_CREATE_ROUTE_TABLE && p.r.target == TARGET_LOCAL)
		return 0;
	if ((ret = check_changeable(&p, "replace", e)) < 0 ||
	    (ret = check_target_fits(&p, e)) < 0)
		return ret;
	r->target = p.r.target;
	str_lcpy(r->target_id, p.r.target_id, ID_SIZE);
	r->origin = ORIGIN_CREATE_ROUTE;
	world_touch(w, &p.t->res);
	return 0;
}

int route_delete(struct world *w, struct ctx *cx, const struct route_req *req, struct err *e)
{
	struct route_plan p = { 0 };
	int ret;

	if ((ret = plan_destination(w, cx, req, &p, e)) < 0)
		return ret;
	if (p.index < 0)
		return err_fail(e, "InvalidRoute.NotFound",
				"no route with destination-%s %s in route table %s",
				p.r.to_prefix_list ? "prefix-list-id" : "cidr-block", p.dest_s,
				p.t->res.id);
	if ((ret = check_changeable(&p, "remove", e)) < 0)
		return ret;
	memmove(&p.t->routes[p.index], &p.t->routes[p.index + 1],
		(p.t->n_routes - (size_t)p.index - 1) * sizeof(p.t->routes[0]));
	p.t->n_routes--;
	world_touch(w, &p.t->res);
	return 0;
}

bool route_active(const struct world *w, const struct rtb *t, const struct route *r)
{
	struct res *x;

	switch (r->target) {
	case TARGET_LOCAL:
		return true;
	case TARGET_IGW:
		x = world_get(w, r->target_id, RES_IGW);
		return x && strcmp(AS_IGW(x)->vpc_id, t->vpc_id) == 0;
	case TARGET_VGW:
		x = world_get(w, r->target_id, RES_VGW);
		return x && !AS_VGW(x)->deleted && strcmp(AS_VGW(x)->vpc_id, t->vpc_id) == 0;
	case TARGET_NAT:
		x = world_get(w, r->target_id, RES_NAT);
		return x && !AS_NAT(x)->deleted;
	case TARGET_ENI:
		return world_get(w, r->target_id, RES_ENI) != NULL;
	case TARGET_INSTANCE:
		x = world_get(w, r->target_id, RES_INSTANCE);
		return x && AS_INSTANCE(x)->state != INSTANCE_TERMINATED;
	case TARGET_VPCE:
		return world_get(w, r->target_id, RES_VPCE) != NULL;
	case TARGET_OTHER:
		return true;	/* AWS's state of what vpce does not model */
	}
	return false;
}
