/* SPDX-License-Identifier: MIT */
/* Internet, virtual private and NAT gateways, and Elastic IPs. */
#include "compat.h"
#include "api/api.h"

#include "api/xml.h"
#include "core/net_ops.h"
#include "core/region.h"

static void add_val(struct filter_vals *vals, const char *v)
{
	if (v && vals->n < ARRAY_SIZE(vals->v))
		vals->v[vals->n++] = v;
}

/*
 * describe_run() checks filter names on a bare 'struct res' without an ID,
 * whose kind's fields must not be read: true when 'r' is that probe and
 * 'name' is one of 'names' (so the caller returns 0 at once).
 */
static bool probe_known(const struct res *r, const char *name, const char *const *names,
			size_t n)
{
	if (r->id[0])
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* --- internet gateways --- */

static void render_igw(struct call *c, const struct res *r)
{
	const struct igw *g = AS_IGW((struct res *)r);
	struct buf *b = c->out;

	xml_open(b, "attachmentSet");
	if (g->vpc_id[0]) {
		xml_open(b, "item");
		/* EC2 shows an attached internet gateway's attachment as "available". */
		xml_text(b, "state", "available");
		xml_text(b, "vpcId", g->vpc_id);
		xml_close(b, "item");
	}
	xml_close(b, "attachmentSet");
	xml_text(b, "internetGatewayId", r->id);
	xml_text(b, "ownerId", r->owner);
	render_tag_set(c, r);
}

static int filter_igw(const struct call *c, const struct res *r, const char *name,
		      struct filter_vals *vals)
{
	static const char *const names[] = {
		"internet-gateway-id", "attachment.vpc-id", "attachment.state",
	};
	const struct igw *g = AS_IGW((struct res *)r);

	(void)c;
	if (probe_known(r, name, names, ARRAY_SIZE(names)))
		return 0;
	if (!strcmp(name, "internet-gateway-id"))
		add_val(vals, r->id);
	else if (!strcmp(name, "attachment.vpc-id"))
		add_val(vals, g->vpc_id[0] ? g->vpc_id : NULL);
	else if (!strcmp(name, "attachment.state"))
		add_val(vals, g->vpc_id[0] ? "available" : NULL);
	else
		return filter_tags(r, name, vals);
	return 0;
}

static int create_internet_gateway(struct call *c)
{
	struct igw *g;
	int ret;

	if ((ret = param_tag_specs_check(c, "internet-gateway")) < 0 ||
	    (ret = igw_create(c->w, &c->cx, &g, &c->err)) < 0)
		return ret;
	param_tag_specs_apply(c, "internet-gateway", &g->res);
	resp_begin(c);
	xml_open(c->out, "internetGateway");
	render_igw(c, &g->res);
	xml_close(c->out, "internetGateway");
	resp_end(c);
	return 0;
}

static int attach_internet_gateway(struct call *c)
{
	int ret = igw_attach(c->w, &c->cx, param(c, "InternetGatewayId"), param(c, "VpcId"),
			     &c->err);

	if (ret < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

static int detach_internet_gateway(struct call *c)
{
	int ret = igw_detach(c->w, &c->cx, param(c, "InternetGatewayId"), param(c, "VpcId"),
			     &c->err);

	if (ret < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

static int delete_internet_gateway(struct call *c)
{
	int ret = igw_delete(c->w, &c->cx, param(c, "InternetGatewayId"), &c->err);

	if (ret < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

static int describe_internet_gateways(struct call *c)
{
	static const struct describe d = {
		.kind = RES_IGW, .id_list = "InternetGatewayId", .set_tag = "internetGatewaySet",
		.not_found = "InvalidInternetGatewayID.NotFound",
		.not_found_fmt = "The internetGateway ID '%s' does not exist",
		.filter = filter_igw, .render = render_igw, .paginated = true,
	};

	return describe_run(c, &d);
}

/* --- virtual private gateways --- */

/*
 * The one attachment vpce keeps: the VPC the gateway is attached to or, once
 * detached, the one it left, which EC2 goes on listing as "detached".
 */
static const char *vgw_attach_vpc(const struct vgw *g, const char **state)
{
	*state = g->vpc_id[0] ? "attached" : "detached";
	if (g->vpc_id[0])
		return g->vpc_id;
	return g->detached_vpc_id[0] ? g->detached_vpc_id : NULL;
}

static void render_vgw(struct call *c, const struct res *r)
{
	const struct vgw *g = AS_VGW((struct res *)r);
	const char *state, *vpc = vgw_attach_vpc(g, &state);
	char az[AZ_NAME_SIZE];
	struct buf *b = c->out;

	xml_u64(b, "amazonSideAsn", g->asn);
	render_tags(c, &g->res);
	xml_text(b, "vpnGatewayId", g->res.id);
	xml_text(b, "state", g->deleted ? "deleted" : "available");
	xml_text(b, "type", "ipsec.1");
	if (g->az >= 0) {
		region_az_name(c->cx.region, g->az, az);
		xml_text(b, "availabilityZone", az);
	}
	xml_open(b, "attachments");
	if (vpc) {
		xml_open(b, "item");
		xml_text(b, "vpcId", vpc);
		xml_text(b, "state", state);
		xml_close(b, "item");
	}
	xml_close(b, "attachments");
}

static int filter_vgw(const struct call *c, const struct res *r, const char *name,
		      struct filter_vals *vals)
{
	static const char *const names[] = {
		"vpn-gateway-id", "state", "type", "attachment.vpc-id", "attachment.state",
		"amazon-side-asn", "availability-zone",
	};
	const struct vgw *g = AS_VGW((struct res *)r);
	const char *state, *vpc;

	if (probe_known(r, name, names, ARRAY_SIZE(names)))
		return 0;
	vpc = vgw_attach_vpc(g, &state);
	if (!strcmp(name, "vpn-gateway-id")) {
		add_val(vals, r->id);
	} else if (!strcmp(name, "state")) {
		add_val(vals, g->deleted ? "deleted" : "available");
	} else if (!strcmp(name, "type")) {
		add_val(vals, "ipsec.1");
	} else if (!strcmp(name, "attachment.vpc-id")) {
		add_val(vals, vpc);
	} else if (!strcmp(name, "attachment.state")) {
		add_val(vals, vpc ? state : NULL);
	} else if (!strcmp(name, "amazon-side-asn")) {
		filter_val_fmt(vals, "%u", (unsigned)g->asn);
	} else if (!strcmp(name, "availability-zone")) {
		char az[AZ_NAME_SIZE];

		if (g->az >= 0) {
			region_az_name(c->cx.region, g->az, az);
			filter_val_fmt(vals, "%s", az);
		}
	} else {
		return filter_tags(r, name, vals);
	}
	return 0;
}

static int create_vpn_gateway(struct call *c)
{
	struct vgw_create_req req = {
		.type = param(c, "Type"),
		.az = param(c, "AvailabilityZone"),
	};
	struct vgw *g;
	long asn;
	int ret;

	if ((ret = query_int(&c->q, "AmazonSideAsn", 0, 4294967295L, -1, &asn, &c->err)) < 0 ||
	    (ret = param_tag_specs_check(c, "vpn-gateway")) < 0)
		return ret;
	req.asn = asn;
	if ((ret = vgw_create(c->w, &c->cx, &req, &g, &c->err)) < 0)
		return ret;
	param_tag_specs_apply(c, "vpn-gateway", &g->res);
	resp_begin(c);
	xml_open(c->out, "vpnGateway");
	render_vgw(c, &g->res);
	xml_close(c->out, "vpnGateway");
	resp_end(c);
	return 0;
}

static int attach_vpn_gateway(struct call *c)
{
	const char *vpc_id = param(c, "VpcId");
	int ret = vgw_attach(c->w, &c->cx, param(c, "VpnGatewayId"), vpc_id, &c->err);

	if (ret < 0)
		return ret;
	resp_begin(c);
	xml_open(c->out, "attachment");
	xml_text(c->out, "vpcId", vpc_id);
	xml_text(c->out, "state", "attaching");
	xml_close(c->out, "attachment");
	resp_end(c);
	return 0;
}

static int detach_vpn_gateway(struct call *c)
{
	int ret = vgw_detach(c->w, &c->cx, param(c, "VpnGatewayId"), param(c, "VpcId"), &c->err);

	if (ret < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

static int delete_vpn_gateway(struct call *c)
{
	int ret = vgw_delete(c->w, &c->cx, param(c, "VpnGatewayId"), &c->err);

	if (ret < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

static int describe_vpn_gateways(struct call *c)
{
	static const struct describe d = {
		.kind = RES_VGW, .id_list = "VpnGatewayId", .set_tag = "vpnGatewaySet",
		.not_found = "InvalidVpnGatewayID.NotFound",
		.not_found_fmt = "The vpnGateway ID '%s' does not exist",
		.filter = filter_vgw, .render = render_vgw, .paginated = false,
	};

	return describe_run(c, &d);
}

/* --- Elastic IPs --- */

static void render_eip(struct call *c, const struct eip *p)
{
	char ip[IP4_STRLEN];
	struct buf *b = c->out;

	xml_text(b, "allocationId", p->res.id);
	if (p->assoc_id[0]) {
		xml_text(b, "associationId", p->assoc_id);
	}
	xml_text(b, "domain", "vpc");
	if (p->assoc_id[0]) {
		xml_text(b, "networkInterfaceId", p->eni_id);
		xml_text(b, "networkInterfaceOwnerId", p->res.owner);
		xml_text(b, "privateIpAddress", ip4_fmt(p->private_ip, ip));
	}
	render_tags(c, &p->res);
	xml_text(b, "publicIpv4Pool", EIP_POOL_NAME);
	xml_text(b, "networkBorderGroup", c->cx.region->name);
	if (p->instance_id[0])
		xml_text(b, "instanceId", p->instance_id);
	xml_text(b, "publicIp", ip4_fmt(p->public_ip, ip));
}

static int filter_eip(const struct call *c, const struct eip *p, const char *name,
		      struct filter_vals *vals)
{
	char ip[IP4_STRLEN];
	bool assoc = p->assoc_id[0];

	if (!strcmp(name, "allocation-id"))
		add_val(vals, p->res.id);
	else if (!strcmp(name, "association-id"))
		add_val(vals, assoc ? p->assoc_id : NULL);
	else if (!strcmp(name, "domain"))
		add_val(vals, "vpc");
	else if (!strcmp(name, "instance-id"))
		add_val(vals, p->instance_id[0] ? p->instance_id : NULL);
	else if (!strcmp(name, "network-interface-id"))
		add_val(vals, assoc ? p->eni_id : NULL);
	else if (!strcmp(name, "network-interface-owner-id"))
		add_val(vals, assoc ? p->res.owner : NULL);
	else if (!strcmp(name, "network-border-group"))
		add_val(vals, c->cx.region->name);
	else if (!strcmp(name, "public-ip"))
		filter_val_fmt(vals, "%s", ip4_fmt(p->public_ip, ip));
	else if (!strcmp(name, "private-ip-address")) {
		if (assoc)
			filter_val_fmt(vals, "%s", ip4_fmt(p->private_ip, ip));
	} else
		return filter_tags(&p->res, name, vals);
	return 0;
}

static int allocate_address(struct call *c)
{
	struct eip_alloc_req req = {
		.domain = param(c, "Domain"),
		.address = param(c, "Address"),
		.border_group = param(c, "NetworkBorderGroup"),
		.pool = param(c, "PublicIpv4Pool"),
	};
	char ip[IP4_STRLEN];
	struct eip *p;
	int ret;

	if (param(c, "CustomerOwnedIpv4Pool") || param(c, "IpamPoolId"))
		return err_fail(&c->err, "UnsupportedOperation",
				"The specified request includes an unsupported operation.");
	if ((ret = param_tag_specs_check(c, "elastic-ip")) < 0 ||
	    (ret = eip_allocate(c->w, &c->cx, &req, &p, &c->err)) < 0)
		return ret;
	param_tag_specs_apply(c, "elastic-ip", &p->res);
	resp_begin(c);
	xml_text(c->out, "allocationId", p->res.id);
	xml_text(c->out, "publicIpv4Pool", EIP_POOL_NAME);
	xml_text(c->out, "networkBorderGroup", c->cx.region->name);
	xml_text(c->out, "domain", "vpc");
	xml_text(c->out, "publicIp", ip4_fmt(p->public_ip, ip));
	resp_end(c);
	return 0;
}

static int associate_address(struct call *c)
{
	struct eip_assoc_req req = {
		.alloc_id = param(c, "AllocationId"),
		.public_ip = param(c, "PublicIp"),
		.eni_id = param(c, "NetworkInterfaceId"),
		.instance_id = param(c, "InstanceId"),
		.private_ip = param(c, "PrivateIpAddress"),
	};
	struct eip *p;
	int ret;

	if ((ret = query_bool(&c->q, "AllowReassociation", false, &req.allow_reassoc,
			      &c->err)) < 0 ||
	    (ret = eip_associate(c->w, &c->cx, &req, &p, &c->err)) < 0)
		return ret;
	resp_begin(c);
	xml_text(c->out, "associationId", p->assoc_id);
	resp_end(c);
	return 0;
}

static int disassociate_address(struct call *c)
{
	int ret = eip_disassociate(c->w, &c->cx, param(c, "AssociationId"), param(c, "PublicIp"),
				   &c->err);

	if (ret < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

static int release_address(struct call *c)
{
	const char *group = param(c, "NetworkBorderGroup");
	int ret;

	if (group && strcmp(group, c->cx.region->name))
		return err_fail(&c->err, "InvalidParameterValue",
				"Value (%s) for parameter networkBorderGroup is invalid.", group);
	ret = eip_release(c->w, &c->cx, param(c, "AllocationId"), param(c, "PublicIp"), &c->err);
	if (ret < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

static bool eip_matches(struct call *c, const struct eip *p, const struct query_filter *f,
			size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct filter_vals vals;

		filter_vals_reset(&vals);
		filter_eip(c, p, f[i].name.p, &vals);
		if (!filter_vals_match(&f[i], &vals))
			return false;
	}
	return true;
}

static bool eip_listed(const struct eip *p, const char **ids, size_t n_ids, const char **ips,
		       size_t n_ips)
{
	char ip[IP4_STRLEN];

	if (!n_ids && !n_ips)
		return true;
	ip4_fmt(p->public_ip, ip);
	for (size_t i = 0; i < n_ids; i++)
		if (!strcmp(ids[i], p->res.id))
			return true;
	for (size_t i = 0; i < n_ips; i++)
		if (!strcmp(ips[i], ip))
			return true;
	return false;
}

/*
 * DescribeAddresses takes two ID lists (AllocationId.N and PublicIp.N), which
 * describe_run() cannot express, so it is written out here.
 */
static int describe_addresses(struct call *c)
{
	struct query_filter *f;
	const char **ids, **ips;
	size_t n_ids, n_ips, n_f;
	struct eip probe = { .res.kind = RES_EIP };
	struct res *r;
	int ret;

	if ((ret = param_list(c, "AllocationId", &ids, &n_ids)) < 0 ||
	    (ret = param_list(c, "PublicIp", &ips, &n_ips)) < 0 ||
	    (ret = query_filters(&c->q, c->arena, &f, &n_f, &c->err)) < 0)
		return ret;
	for (size_t i = 0; i < n_f; i++) {
		struct filter_vals vals;

		filter_vals_reset(&vals);
		if (filter_eip(c, &probe, f[i].name.p, &vals) < 0)
			return err_fail(&c->err, "InvalidParameterValue",
					"The filter '%s' is invalid", f[i].name.p);
	}
	for (size_t i = 0; i < n_ids; i++)
		if (!eip_lookup(c->w, &c->cx, ids[i], &c->err))
			return -EINVAL;
	for (size_t i = 0; i < n_ips; i++) {
		bool found = false;

		WORLD_FOR_EACH(c->w, RES_EIP, r)
			found |= !strcmp(r->owner, c->cx.account) &&
				 eip_listed(AS_EIP(r), NULL, 0, &ips[i], 1);
		if (!found)
			return err_fail(&c->err, "InvalidAddress.NotFound",
					"The address '%s' does not belong to you.", ips[i]);
	}
	resp_begin(c);
	xml_open(c->out, "addressesSet");
	WORLD_FOR_EACH(c->w, RES_EIP, r) {
		const struct eip *p = AS_EIP(r);

		if (strcmp(r->owner, c->cx.account) || !eip_listed(p, ids, n_ids, ips, n_ips) ||
		    !eip_matches(c, p, f, n_f))
			continue;
		xml_open(c->out, "item");
		render_eip(c, p);
		xml_close(c->out, "item");
	}
	xml_close(c->out, "addressesSet");
	resp_end(c);
	return 0;
}

/* --- NAT gateways --- */

static const char *const nat_state_names[] = {
	[NAT_PENDING] = "pending",
	[NAT_AVAILABLE] = "available",
	[NAT_DELETING] = "deleting",
	[NAT_DELETED] = "deleted",
};

static void render_nat_address(struct call *c, const struct nat *n)
{
	struct res *eni = world_get(c->w, n->eni_id, RES_ENI);
	struct res *eip = n->eip_id[0] ? world_get(c->w, n->eip_id, RES_EIP) : NULL;
	char ip[IP4_STRLEN];
	struct buf *b = c->out;

	xml_open(b, "item");
	if (n->eip_id[0])
		xml_text(b, "allocationId", n->eip_id);
	xml_text(b, "networkInterfaceId", n->eni_id);
	/* The gateway keeps its address once its ENI is gone; older state only had the ENI's. */
	if (n->private_ip)
		xml_text(b, "privateIp", ip4_fmt(n->private_ip, ip));
	else if (eni)
		xml_text(b, "privateIp", ip4_fmt(AS_ENI(eni)->private_ip, ip));
	if (eip)
		xml_text(b, "publicIp", ip4_fmt(AS_EIP(eip)->public_ip, ip));
	if (eip && AS_EIP(eip)->assoc_id[0] && !n->deleted)
		xml_text(b, "associationId", AS_EIP(eip)->assoc_id);
	xml_bool(b, "isPrimary", true);
	xml_text(b, "status", "succeeded");
	xml_close(b, "item");
}

static void render_nat(struct call *c, const struct res *r)
{
	const struct nat *n = AS_NAT((struct res *)r);
	struct buf *b = c->out;
	char when[32];

	fmt_time(r->created_ms, when);
	xml_text(b, "createTime", when);
	if (n->deleted_ms) {
		fmt_time(n->deleted_ms, when);
		xml_text(b, "deleteTime", when);
	}
	xml_open(b, "natGatewayAddressSet");
	render_nat_address(c, n);
	xml_close(b, "natGatewayAddressSet");
	xml_text(b, "natGatewayId", r->id);
	xml_text(b, "state", nat_state_names[nat_state_at(n, c->cx.now_ms)]);
	xml_text(b, "subnetId", n->subnet_id);
	xml_text(b, "vpcId", n->vpc_id);
	render_tags(c, r);
	xml_text(b, "connectivityType", n->private_ ? "private" : "public");
}

static int filter_nat(const struct call *c, const struct res *r, const char *name,
		      struct filter_vals *vals)
{
	static const char *const names[] = { "nat-gateway-id", "state", "subnet-id", "vpc-id" };
	const struct nat *n = AS_NAT((struct res *)r);

	if (probe_known(r, name, names, ARRAY_SIZE(names)))
		return 0;
	if (!strcmp(name, "nat-gateway-id"))
		add_val(vals, r->id);
	else if (!strcmp(name, "state"))
		add_val(vals, nat_state_names[nat_state_at(n, c->cx.now_ms)]);
	else if (!strcmp(name, "subnet-id"))
		add_val(vals, n->subnet_id);
	else if (!strcmp(name, "vpc-id"))
		add_val(vals, n->vpc_id);
	else
		return filter_tags(r, name, vals);
	return 0;
}

static void respond_nat(struct call *c, const struct nat *n)
{
	const char *token = param(c, "ClientToken");

	resp_begin(c);
	if (token)
		xml_text(c->out, "clientToken", token);
	xml_open(c->out, "natGateway");
	render_nat(c, &n->res);
	xml_close(c->out, "natGateway");
	resp_end(c);
}

static int create_nat_gateway(struct call *c)
{
	static const char *const unsupported[] = {
		"VpcId", "AvailabilityMode", "SecondaryAllocationId.1",
		"SecondaryPrivateIpAddress.1", "SecondaryPrivateIpAddressCount",
		"AvailabilityZoneAddress.1.AvailabilityZone",
	};
	struct nat_create_req req = {
		.subnet_id = param(c, "SubnetId"),
		.alloc_id = param(c, "AllocationId"),
		.connectivity = param(c, "ConnectivityType"),
		.private_ip = param(c, "PrivateIpAddress"),
	};
	struct nat *n;
	int ret;

	if (c->replay_id) {
		respond_nat(c, AS_NAT(world_get(c->w, c->replay_id, RES_NAT)));
		return 0;
	}
	/* Regional NAT gateways and secondary addresses are not emulated. */
	for (size_t i = 0; i < ARRAY_SIZE(unsupported); i++)
		if (param(c, unsupported[i]))
			return err_fail(&c->err, "UnsupportedOperation",
					"The specified request includes an unsupported "
					"operation.");
	if ((ret = param_tag_specs_check(c, "natgateway")) < 0 ||
	    (ret = nat_create(c->w, &c->cx, &req, &n, &c->err)) < 0)
		return ret;
	param_tag_specs_apply(c, "natgateway", &n->res);
	str_lcpy(c->token_resource_id, n->res.id, ID_SIZE);
	respond_nat(c, n);
	return 0;
}

static int delete_nat_gateway(struct call *c)
{
	const char *id = param(c, "NatGatewayId");
	int ret = nat_delete(c->w, &c->cx, id, &c->err);

	if (ret < 0)
		return ret;
	resp_begin(c);
	xml_text(c->out, "natGatewayId", id);
	resp_end(c);
	return 0;
}

static int describe_nat_gateways(struct call *c)
{
	static const struct describe d = {
		.kind = RES_NAT, .id_list = "NatGatewayId", .set_tag = "natGatewaySet",
		.not_found = "NatGatewayNotFound",
		.not_found_fmt = "NAT gateway %s was not found",
		.filter = filter_nat, .render = render_nat, .paginated = true,
	};

	return describe_run(c, &d);
}

const struct api_action gw_actions[] = {
	{ "CreateInternetGateway", create_internet_gateway, true, false },
	{ "AttachInternetGateway", attach_internet_gateway, true, false },
	{ "DetachInternetGateway", detach_internet_gateway, true, false },
	{ "DeleteInternetGateway", delete_internet_gateway, true, false },
	{ "DescribeInternetGateways", describe_internet_gateways, false, false },
	{ "CreateVpnGateway", create_vpn_gateway, true, false },
	{ "AttachVpnGateway", attach_vpn_gateway, true, false },
	{ "DetachVpnGateway", detach_vpn_gateway, true, false },
	{ "DeleteVpnGateway", delete_vpn_gateway, true, false },
	{ "DescribeVpnGateways", describe_vpn_gateways, false, false },
	{ "AllocateAddress", allocate_address, true, false },
	{ "AssociateAddress", associate_address, true, false },
	{ "DisassociateAddress", disassociate_address, true, false },
	{ "ReleaseAddress", release_address, true, false },
	{ "DescribeAddresses", describe_addresses, false, false },
	{ "CreateNatGateway", create_nat_gateway, true, true },
	{ "DeleteNatGateway", delete_nat_gateway, true, false },
	{ "DescribeNatGateways", describe_nat_gateways, false, false },
	{ NULL, NULL, false, false },
};
