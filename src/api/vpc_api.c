/* SPDX-License-Identifier: MIT */
/* VPCs and subnets: Create/Delete/Describe and their attributes. */
#include "compat.h"
#include "api/api.h"

#include "api/xml.h"
#include "core/region.h"

static void render_vpc(struct call *c, const struct res *r)
{
	const struct vpc *v = AS_VPC((struct res *)r);
	char cidr[CIDR4_STRLEN];
	struct buf *b = c->out;

	cidr4_fmt(&v->cidr, cidr);
	xml_text(b, "vpcId", r->id);
	xml_text(b, "ownerId", r->owner);
	xml_text(b, "state", "available");
	xml_text(b, "cidrBlock", cidr);
	xml_open(b, "cidrBlockAssociationSet");
	xml_open(b, "item");
	xml_text(b, "cidrBlock", cidr);
	xml_text(b, "associationId", v->cidr_assoc_id);
	xml_open(b, "cidrBlockState");
	xml_text(b, "state", "associated");
	xml_close(b, "cidrBlockState");
	xml_close(b, "item");
	xml_close(b, "cidrBlockAssociationSet");
	xml_text(b, "dhcpOptionsId", v->dhcp_options_id);
	render_tags(c, r);
	xml_text(b, "instanceTenancy", v->instance_tenancy);
	xml_bool(b, "isDefault", v->is_default);
}

static int filter_vpc(const struct call *c, const struct res *r, const char *name,
		      struct filter_vals *vals)
{
	const struct vpc *v = AS_VPC((struct res *)r);
	char cidr[CIDR4_STRLEN];

	(void)c;
	if (!strcmp(name, "vpc-id")) {
		vals->v[vals->n++] = r->id;
	} else if (!strcmp(name, "cidr") || !strcmp(name, "cidr-block-association.cidr-block")) {
		filter_val_fmt(vals, "%s", cidr4_fmt(&v->cidr, cidr));
	} else if (!strcmp(name, "cidr-block-association.association-id")) {
		vals->v[vals->n++] = v->cidr_assoc_id;
	} else if (!strcmp(name, "cidr-block-association.state") || !strcmp(name, "state")) {
		vals->v[vals->n++] = !strcmp(name, "state") ? "available" : "associated";
	} else if (!strcmp(name, "dhcp-options-id")) {
		vals->v[vals->n++] = v->dhcp_options_id;
	} else if (!strcmp(name, "is-default")) {
		vals->v[vals->n++] = v->is_default ? "true" : "false";
	} else if (!strcmp(name, "instance-tenancy")) {
		vals->v[vals->n++] = v->instance_tenancy;
	} else {
		return filter_tags(r, name, vals);
	}
	return 0;
}

static int create_vpc(struct call *c)
{
	struct vpc_create_req req = {
		.cidr = param(c, "CidrBlock"),
		.tenancy = param(c, "InstanceTenancy"),
	};
	struct vpc *v;
	int ret;

	ret = param_tag_specs_check(c, "vpc");
	if (ret < 0)
		return ret;
	ret = vpc_create(c->w, &c->cx, &req, &v, &c->err);
	if (ret < 0)
		return ret;
	param_tag_specs_apply(c, "vpc", &v->res);
	resp_begin(c);
	xml_open(c->out, "vpc");
	render_vpc(c, &v->res);
	xml_close(c->out, "vpc");
	resp_end(c);
	return 0;
}

static int delete_vpc(struct call *c)
{
	const char *id;
	int ret = param_required(c, "VpcId", "VpcId", &id);

	if (ret < 0 || (ret = vpc_delete(c->w, &c->cx, id, &c->err)) < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

static int describe_vpcs(struct call *c)
{
	static const struct describe d = {
		.kind = RES_VPC, .id_list = "VpcId", .set_tag = "vpcSet",
		.not_found = "InvalidVpcID.NotFound",
		.not_found_fmt = "The vpc ID '%s' does not exist",
		.filter = filter_vpc, .render = render_vpc, .paginated = true,
	};

	return describe_run(c, &d);
}

static const char *const vpc_attrs[] = { "enableDnsSupport", "enableDnsHostnames" };

static int modify_vpc_attribute(struct call *c)
{
	const char *id;
	int ret = param_required(c, "VpcId", "VpcId", &id);
	int given = 0;

	if (ret < 0)
		return ret;
	for (size_t i = 0; i < ARRAY_SIZE(vpc_attrs); i++) {
		char key[64];
		bool value;

		/* EnableDnsSupport.Value=true, as the SDKs send it. */
		snprintf(key, sizeof(key), "%c%s.Value", 'E', vpc_attrs[i] + 1);
		if (!param(c, key))
			continue;
		if (given++)
			return err_fail(&c->err, "InvalidParameterCombination",
					"Fields for multiple attribute types specified: "
					"enableDnsSupport, enableDnsHostnames");
		ret = query_bool(&c->q, key, false, &value, &c->err);
		if (ret < 0)
			return ret;
		ret = vpc_set_attribute(c->w, &c->cx, id, vpc_attrs[i], value, &c->err);
		if (ret < 0)
			return ret;
	}
	if (!given)
		return err_fail(&c->err, "MissingParameter",
				"The request must contain the parameter attribute");
	resp_return_true(c);
	return 0;
}

static int describe_vpc_attribute(struct call *c)
{
	const char *id, *attr;
	struct vpc *v;
	int ret;

	if ((ret = param_required(c, "VpcId", "VpcId", &id)) < 0 ||
	    (ret = param_required(c, "Attribute", "Attribute", &attr)) < 0)
		return ret;
	v = vpc_lookup(c->w, &c->cx, id, &c->err);
	if (!v)
		return -EINVAL;
	if (strcmp(attr, "enableDnsSupport") && strcmp(attr, "enableDnsHostnames"))
		return err_fail(&c->err, "InvalidParameterValue",
				"Value (%s) for parameter attribute is invalid. "
				"Unknown attribute.", attr);
	resp_begin(c);
	xml_text(c->out, "vpcId", id);
	xml_open(c->out, attr);
	xml_bool(c->out, "value",
		 strcmp(attr, "enableDnsSupport") == 0 ? v->dns_support : v->dns_hostnames);
	xml_close(c->out, attr);
	resp_end(c);
	return 0;
}

static void render_subnet(struct call *c, const struct res *r)
{
	const struct subnet *s = AS_SUBNET((struct res *)r);
	const struct region *rg = c->cx.region;
	char cidr[CIDR4_STRLEN], az[AZ_NAME_SIZE], az_id[AZ_NAME_SIZE], arn[160];
	struct buf *b = c->out;

	region_az_name(rg, s->az, az);
	region_az_id(rg, s->az, az_id);
	snprintf(arn, sizeof(arn), "arn:aws:ec2:%s:%s:subnet/%s", rg->name, r->owner, r->id);
	xml_text(b, "subnetId", r->id);
	xml_text(b, "subnetArn", arn);
	xml_text(b, "state", "available");
	xml_text(b, "ownerId", r->owner);
	xml_text(b, "vpcId", s->vpc_id);
	xml_text(b, "cidrBlock", cidr4_fmt(&s->cidr, cidr));
	xml_open(b, "ipv6CidrBlockAssociationSet");
	xml_close(b, "ipv6CidrBlockAssociationSet");
	xml_int(b, "availableIpAddressCount", (long long)subnet_available_ips(c->w, s));
	xml_text(b, "availabilityZone", az);
	xml_text(b, "availabilityZoneId", az_id);
	xml_bool(b, "defaultForAz", s->default_for_az);
	xml_bool(b, "mapPublicIpOnLaunch", s->map_public_ip);
	xml_bool(b, "assignIpv6AddressOnCreation", false);
	xml_bool(b, "mapCustomerOwnedIpOnLaunch", false);
	xml_bool(b, "enableDns64", false);
	xml_bool(b, "ipv6Native", false);
	xml_open(b, "privateDnsNameOptionsOnLaunch");
	xml_text(b, "hostnameType", "ip-name");
	xml_bool(b, "enableResourceNameDnsARecord", false);
	xml_bool(b, "enableResourceNameDnsAAAARecord", false);
	xml_close(b, "privateDnsNameOptionsOnLaunch");
	render_tags(c, r);
}

static int filter_subnet(const struct call *c, const struct res *r, const char *name,
			 struct filter_vals *vals)
{
	const struct subnet *s = AS_SUBNET((struct res *)r);
	char cidr[CIDR4_STRLEN];

	if (!strcmp(name, "subnet-id")) {
		vals->v[vals->n++] = r->id;
	} else if (!strcmp(name, "vpc-id")) {
		vals->v[vals->n++] = s->vpc_id;
	} else if (!strcmp(name, "cidr-block") || !strcmp(name, "cidr") ||
		   !strcmp(name, "cidrBlock")) {
		filter_val_fmt(vals, "%s", cidr4_fmt(&s->cidr, cidr));
	} else if (!strcmp(name, "availability-zone") || !strcmp(name, "availabilityZone")) {
		char az[AZ_NAME_SIZE];

		region_az_name(c->cx.region, s->az, az);
		filter_val_fmt(vals, "%s", az);
	} else if (!strcmp(name, "availability-zone-id")) {
		char az[AZ_NAME_SIZE];

		region_az_id(c->cx.region, s->az, az);
		filter_val_fmt(vals, "%s", az);
	} else if (!strcmp(name, "state")) {
		vals->v[vals->n++] = "available";
	} else if (!strcmp(name, "default-for-az") || !strcmp(name, "defaultForAz")) {
		vals->v[vals->n++] = s->default_for_az ? "true" : "false";
	} else if (!strcmp(name, "map-public-ip-on-launch")) {
		vals->v[vals->n++] = s->map_public_ip ? "true" : "false";
	} else if (!strcmp(name, "available-ip-address-count")) {
		filter_val_fmt(vals, "%llu", (unsigned long long)subnet_available_ips(c->w, s));
	} else {
		return filter_tags(r, name, vals);
	}
	return 0;
}

static int create_subnet(struct call *c)
{
	struct subnet_create_req req = {
		.vpc_id = param(c, "VpcId"),
		.cidr = param(c, "CidrBlock"),
		.az = param(c, "AvailabilityZone"),
		.az_id = param(c, "AvailabilityZoneId"),
	};
	struct subnet *s;
	int ret;

	ret = param_tag_specs_check(c, "subnet");
	if (ret < 0)
		return ret;
	ret = subnet_create(c->w, &c->cx, &req, &s, &c->err);
	if (ret < 0)
		return ret;
	param_tag_specs_apply(c, "subnet", &s->res);
	resp_begin(c);
	xml_open(c->out, "subnet");
	render_subnet(c, &s->res);
	xml_close(c->out, "subnet");
	resp_end(c);
	return 0;
}

static int delete_subnet(struct call *c)
{
	const char *id;
	int ret = param_required(c, "SubnetId", "SubnetId", &id);

	if (ret < 0 || (ret = subnet_delete(c->w, &c->cx, id, &c->err)) < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

static int describe_subnets(struct call *c)
{
	static const struct describe d = {
		.kind = RES_SUBNET, .id_list = "SubnetId", .set_tag = "subnetSet",
		.not_found = "InvalidSubnetID.NotFound",
		.not_found_fmt = "The subnet ID '%s' does not exist",
		.filter = filter_subnet, .render = render_subnet, .paginated = true,
	};

	return describe_run(c, &d);
}

static int modify_subnet_attribute(struct call *c)
{
	const char *id;
	bool value;
	int ret = param_required(c, "SubnetId", "SubnetId", &id);

	if (ret < 0)
		return ret;
	if (!param(c, "MapPublicIpOnLaunch.Value"))
		return err_fail(&c->err, "MissingParameter",
				"The request must contain the parameter attribute");
	ret = query_bool(&c->q, "MapPublicIpOnLaunch.Value", false, &value, &c->err);
	if (ret < 0)
		return ret;
	ret = subnet_set_map_public_ip(c->w, &c->cx, id, value, &c->err);
	if (ret < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

const struct api_action vpc_actions[] = {
	{ "CreateVpc", create_vpc, true, false },
	{ "DeleteVpc", delete_vpc, true, false },
	{ "DescribeVpcs", describe_vpcs, false, false },
	{ "ModifyVpcAttribute", modify_vpc_attribute, true, false },
	{ "DescribeVpcAttribute", describe_vpc_attribute, false, false },
	{ "CreateSubnet", create_subnet, true, false },
	{ "DeleteSubnet", delete_subnet, true, false },
	{ "DescribeSubnets", describe_subnets, false, false },
	{ "ModifySubnetAttribute", modify_subnet_attribute, true, false },
	{ NULL, NULL, false, false },
};
