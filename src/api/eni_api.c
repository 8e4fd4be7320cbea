/* SPDX-License-Identifier: MIT */
/* Network interfaces: every ENI (instances', endpoints', NAT gateways'), and host_api.h. */
#include "compat.h"
#include "api/host_api.h"

#include <stdarg.h>

#include "api/xml.h"
#include "core/idfmt.h"
#include "core/region.h"

void filter_add(const struct call *c, struct filter_vals *vals, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	char *dst;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < vals->n; i++)
		if (strcmp(vals->v[i], tmp) == 0)
			return;
	if (vals->n == ARRAY_SIZE(vals->v))
		return;
	dst = arena_strdup(c->arena, str_c(tmp));
	if (dst)
		vals->v[vals->n++] = dst;
}

bool filter_probe(const struct res *r)
{
	return r->id[0] == '\0';
}

void render_group_set(struct call *c, const char *tag, char (*groups)[ID_SIZE], size_t n)
{
	xml_open(c->out, tag);
	for (size_t i = 0; i < n; i++) {
		struct res *g = world_get(c->w, groups[i], RES_SG);

		xml_open(c->out, "item");
		xml_text(c->out, "groupId", groups[i]);
		if (g)
			xml_text(c->out, "groupName", AS_SG(g)->name);
		xml_close(c->out, "item");
	}
	xml_close(c->out, tag);
}

int fail_no_attribute(struct call *c, const char *id_key)
{
	for (size_t i = 0; i < c->q.n; i++) {
		struct str k = c->q.params[i].key;

		if (!str_eq_c(k, "Action") && !str_eq_c(k, "Version") && !str_eq_c(k, "DryRun") &&
		    !str_eq_c(k, id_key))
			return err_fail(&c->err, "UnsupportedOperation",
					"vpce does not support the attribute of parameter %.*s.",
					STR_FMT(k));
	}
	return err_fail(&c->err, "MissingParameter",
			"The request must contain the parameter attribute");
}

const struct eip *eip_of_eni(const struct world *w, const char *eni_id)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_EIP, r)
		if (strcmp(AS_EIP(r)->eni_id, eni_id) == 0)
			return AS_EIP(r);
	return NULL;
}

static bool dns_hostnames(const struct call *c, const char *vpc_id)
{
	struct res *v = world_get(c->w, vpc_id, RES_VPC);

	return v && AS_VPC(v)->dns_hostnames;
}

static void render_association(struct call *c, const struct eni *n)
{
	const struct eip *p = eip_of_eni(c->w, n->res.id);
	char ip[IP4_STRLEN], dns[96];

	if (!n->public_ip)
		return;
	xml_open(c->out, "association");
	if (p) {
		xml_text(c->out, "allocationId", p->res.id);
		xml_text(c->out, "associationId", p->assoc_id);
	}
	xml_text(c->out, "ipOwnerId", p ? p->res.owner : "amazon");
	if (dns_hostnames(c, n->vpc_id)) {
		host_public_dns(c->cx.region, n->public_ip, dns);
		xml_text(c->out, "publicDnsName", dns);
	}
	xml_text(c->out, "publicIp", ip4_fmt(n->public_ip, ip));
	xml_close(c->out, "association");
}

/*
 * An instance's ENI is its device 0, deleted with it; an endpoint's or a NAT
 * gateway's is AWS's device 1 (docs/aws-reference.md, section 4).
 */
static void render_attachment(struct call *c, const struct eni *n, const struct instance *in,
			      bool for_instance)
{
	char when[32];

	if (!in && !n->requester_managed)
		return;
	xml_open(c->out, "attachment");
	if (n->attach_id[0])
		xml_text(c->out, "attachmentId", n->attach_id);
	if (!for_instance) {
		xml_text(c->out, "instanceId", in ? in->res.id : NULL);
		xml_text(c->out, "instanceOwnerId", in ? in->res.owner : "amazon-aws");
	}
	xml_int(c->out, "deviceIndex", in ? 0 : 1);
	xml_int(c->out, "networkCardIndex", 0);
	xml_text(c->out, "status",
		 in && instance_state_at(in, c->cx.now_ms) == VIEW_PENDING ? "attaching"
									  : "attached");
	fmt_time(in ? in->res.created_ms : n->res.created_ms, when);
	xml_text(c->out, "attachTime", when);
	xml_bool(c->out, "deleteOnTermination", in != NULL);
	xml_close(c->out, "attachment");
}

static const char *const eni_types[] = {
	[ENI_INTERFACE] = "interface",
	[ENI_VPC_ENDPOINT] = "vpc_endpoint",
	[ENI_NAT_GATEWAY] = "nat_gateway",
};

void render_eni(struct call *c, const struct eni *n, const struct instance *in)
{
	const struct region *rg = c->cx.region;
	struct res *s = world_get(c->w, n->subnet_id, RES_SUBNET);
	char ip[IP4_STRLEN], dns[96], az[AZ_NAME_SIZE];
	struct buf *b = c->out;
	bool for_instance = in != NULL;

	if (!in && n->type == ENI_INTERFACE) {
		struct res *r = world_get(c->w, n->owner_res_id, RES_INSTANCE);

		in = r ? AS_INSTANCE(r) : NULL;
	}
	ip4_fmt(n->private_ip, ip);
	host_private_dns(rg, n->private_ip, dns);
	xml_text(b, "networkInterfaceId", n->res.id);
	xml_text(b, "subnetId", n->subnet_id);
	xml_text(b, "vpcId", n->vpc_id);
	if (!for_instance && s) {
		region_az_name(rg, AS_SUBNET(s)->az, az);
		xml_text(b, "availabilityZone", az);
		region_az_id(rg, AS_SUBNET(s)->az, az);
		xml_text(b, "availabilityZoneId", az);
	}
	xml_text(b, "description", n->description);
	xml_text(b, "ownerId", n->res.owner);
	if (!for_instance) {
		if (n->requester_id[0])
			xml_text(b, "requesterId", n->requester_id);
		xml_bool(b, "requesterManaged", n->requester_managed);
	}
	xml_text(b, "status", "in-use");
	xml_text(b, "macAddress", n->mac);
	xml_text(b, "privateIpAddress", ip);
	xml_text(b, "privateDnsName", dns);
	xml_bool(b, "sourceDestCheck", n->source_dest_check);
	render_group_set(c, "groupSet", n->groups, n->n_groups);
	render_attachment(c, n, in, for_instance);
	render_association(c, n);
	if (!for_instance)
		render_tags(c, &n->res);
	xml_open(b, "privateIpAddressesSet");
	xml_open(b, "item");
	xml_text(b, "privateIpAddress", ip);
	xml_text(b, "privateDnsName", dns);
	xml_bool(b, "primary", true);
	render_association(c, n);
	xml_close(b, "item");
	xml_close(b, "privateIpAddressesSet");
	xml_open(b, "ipv6AddressesSet");
	xml_close(b, "ipv6AddressesSet");
	xml_text(b, "interfaceType", eni_types[n->type]);
}

static void render_eni_item(struct call *c, const struct res *r)
{
	render_eni(c, AS_ENI((struct res *)r), NULL);
}

/* The filters of an ENI's attachment and association. */
static int filter_eni_links(const struct call *c, const struct eni *n, const char *name,
			    struct filter_vals *vals)
{
	struct res *r = n->type == ENI_INTERFACE ? world_get(c->w, n->owner_res_id, RES_INSTANCE)
						 : NULL;
	const struct eip *p = eip_of_eni(c->w, n->res.id);
	char ip[IP4_STRLEN];

	if (!strcmp(name, "attachment.instance-id")) {
		if (r)
			filter_add(c, vals, "%s", r->id);
	} else if (!strcmp(name, "attachment.instance-owner-id")) {
		if (r || n->requester_managed)
			filter_add(c, vals, "%s", r ? r->owner : "amazon-aws");
	} else if (!strcmp(name, "attachment.attachment-id")) {
		if (n->attach_id[0])
			filter_add(c, vals, "%s", n->attach_id);
	} else if (!strcmp(name, "attachment.status")) {
		if (r || n->requester_managed)
			filter_add(c, vals, "attached");
	} else if (!strcmp(name, "attachment.device-index")) {
		if (r || n->requester_managed)
			filter_add(c, vals, "%d", r ? 0 : 1);
	} else if (!strcmp(name, "attachment.delete-on-termination")) {
		if (r || n->requester_managed)
			filter_add(c, vals, "%s", r ? "true" : "false");
	} else if (!strcmp(name, "association.public-ip") ||
		   !strcmp(name, "addresses.association.public-ip")) {
		if (n->public_ip)
			filter_add(c, vals, "%s", ip4_fmt(n->public_ip, ip));
	} else if (!strcmp(name, "association.ip-owner-id") ||
		   !strcmp(name, "addresses.association.owner-id")) {
		if (n->public_ip)
			filter_add(c, vals, "%s", p ? p->res.owner : "amazon");
	} else if (!strcmp(name, "association.allocation-id")) {
		if (p)
			filter_add(c, vals, "%s", p->res.id);
	} else if (!strcmp(name, "association.association-id")) {
		if (p)
			filter_add(c, vals, "%s", p->assoc_id);
	} else {
		return -1;
	}
	return 0;
}

static const char *const eni_filters[] = {
	"network-interface-id", "subnet-id", "vpc-id", "interface-type", "requester-managed",
	"requester-id", "private-ip-address", "addresses.private-ip-address",
	"addresses.primary", "group-id", "group-name", "description", "status",
	"availability-zone", "mac-address", "source-dest-check", "private-dns-name",
	"ipv6-addresses.ipv6-address", "attachment.instance-id", "attachment.instance-owner-id",
	"attachment.attachment-id", "attachment.status", "attachment.device-index",
	"attachment.delete-on-termination", "association.public-ip",
	"addresses.association.public-ip", "association.ip-owner-id",
	"addresses.association.owner-id", "association.allocation-id",
	"association.association-id",
};

/* The filters over an ENI's own fields. */
static void filter_eni_fields(const struct call *c, const struct eni *n, const char *name,
			      struct filter_vals *vals)
{
	char buf[96];

	if (!strcmp(name, "network-interface-id")) {
		filter_add(c, vals, "%s", n->res.id);
	} else if (!strcmp(name, "subnet-id")) {
		filter_add(c, vals, "%s", n->subnet_id);
	} else if (!strcmp(name, "vpc-id")) {
		filter_add(c, vals, "%s", n->vpc_id);
	} else if (!strcmp(name, "interface-type")) {
		filter_add(c, vals, "%s", eni_types[n->type]);
	} else if (!strcmp(name, "requester-managed")) {
		filter_add(c, vals, "%s", n->requester_managed ? "true" : "false");
	} else if (!strcmp(name, "requester-id")) {
		if (n->requester_id[0])
			filter_add(c, vals, "%s", n->requester_id);
	} else if (!strcmp(name, "private-ip-address") ||
		   !strcmp(name, "addresses.private-ip-address")) {
		filter_add(c, vals, "%s", ip4_fmt(n->private_ip, buf));
	} else if (!strcmp(name, "addresses.primary")) {
		filter_add(c, vals, "true");
	} else if (!strcmp(name, "group-id") || !strcmp(name, "group-name")) {
		for (size_t i = 0; i < n->n_groups; i++) {
			struct res *g = world_get(c->w, n->groups[i], RES_SG);

			if (!strcmp(name, "group-id"))
				filter_add(c, vals, "%s", n->groups[i]);
			else if (g)
				filter_add(c, vals, "%s", AS_SG(g)->name);
		}
	} else if (!strcmp(name, "description")) {
		filter_add(c, vals, "%s", n->description);
	} else if (!strcmp(name, "status")) {
		filter_add(c, vals, "in-use");
	} else if (!strcmp(name, "availability-zone")) {
		struct res *s = world_get(c->w, n->subnet_id, RES_SUBNET);

		if (s) {
			region_az_name(c->cx.region, AS_SUBNET(s)->az, buf);
			filter_add(c, vals, "%s", buf);
		}
	} else if (!strcmp(name, "mac-address")) {
		filter_add(c, vals, "%s", n->mac);
	} else if (!strcmp(name, "source-dest-check")) {
		filter_add(c, vals, "%s", n->source_dest_check ? "true" : "false");
	} else if (!strcmp(name, "private-dns-name")) {
		host_private_dns(c->cx.region, n->private_ip, buf);
		filter_add(c, vals, "%s", buf);
	}
}

static int filter_eni(const struct call *c, const struct res *r, const char *name,
		      struct filter_vals *vals)
{
	bool known = false;

	for (size_t i = 0; i < ARRAY_SIZE(eni_filters) && !known; i++)
		known = strcmp(eni_filters[i], name) == 0;
	if (!known)
		return filter_tags(r, name, vals);
	if (filter_probe(r))
		return 0;
	if (filter_eni_links(c, AS_ENI((struct res *)r), name, vals) < 0)
		filter_eni_fields(c, AS_ENI((struct res *)r), name, vals);
	return 0;
}

static int describe_network_interfaces(struct call *c)
{
	static const struct describe d = {
		.kind = RES_ENI, .id_list = "NetworkInterfaceId", .set_tag = "networkInterfaceSet",
		.not_found = "InvalidNetworkInterfaceID.NotFound",
		.not_found_fmt = "The networkInterface ID '%s' does not exist",
		.filter = filter_eni, .render = render_eni_item, .paginated = true,
	};
	const char **ids;
	size_t n;
	int ret = param_list(c, "NetworkInterfaceId", &ids, &n);

	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n; i++)
		if (!id_valid(ids[i], "eni-"))
			return err_fail(&c->err, "InvalidNetworkInterfaceId.Malformed",
					"Invalid id: \"%s\"", ids[i]);
	return describe_run(c, &d);
}

static void resp_true(struct call *c)
{
	resp_return_true(c);
}

/* Reads 'key'.Value as a boolean into '*out' (-1 when absent). */
static int attr_bool(struct call *c, const char *key, int *out)
{
	bool v;
	int ret;

	*out = -1;
	if (!param(c, key))
		return 0;
	ret = query_bool(&c->q, key, false, &v, &c->err);
	if (ret == 0)
		*out = v;
	return ret;
}

static int modify_network_interface_attribute(struct call *c)
{
	struct eni_modify_req req = { .source_dest_check = -1 };
	int ret, given;

	if ((ret = param_required(c, "NetworkInterfaceId", "NetworkInterfaceId", &req.id)) < 0 ||
	    (ret = param_list(c, "SecurityGroupId", &req.groups, &req.n_groups)) < 0 ||
	    (ret = attr_bool(c, "SourceDestCheck.Value", &req.source_dest_check)) < 0)
		return ret;
	req.description = param(c, "Description.Value");
	given = (req.n_groups > 0) + (req.source_dest_check != -1) + (req.description != NULL);
	/* "You can specify only one attribute at a time" (EC2 API reference). */
	if (given > 1)
		return err_fail(&c->err, "InvalidParameterCombination",
				"Fields for multiple attribute types specified: %s",
				req.description ? (req.n_groups ? "groupSet, description"
								: "sourceDestCheck, description")
						: "groupSet, sourceDestCheck");
	if (!given)
		return fail_no_attribute(c, "NetworkInterfaceId");
	ret = eni_modify(c->w, &c->cx, &req, &c->err);
	if (ret < 0)
		return ret;
	resp_true(c);
	return 0;
}

static int delete_network_interface(struct call *c)
{
	const char *id;
	int ret = param_required(c, "NetworkInterfaceId", "NetworkInterfaceId", &id);

	if (ret < 0 || (ret = eni_delete(c->w, &c->cx, id, &c->err)) < 0)
		return ret;
	resp_true(c);
	return 0;
}

const struct api_action eni_actions[] = {
	{ "DescribeNetworkInterfaces", describe_network_interfaces, false, false },
	{ "ModifyNetworkInterfaceAttribute", modify_network_interface_attribute, true, false },
	{ "DeleteNetworkInterface", delete_network_interface, true, false },
	{ NULL, NULL, false, false },
};
