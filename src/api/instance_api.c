/* SPDX-License-Identifier: MIT */
/* Instances: RunInstances, DescribeInstances, TerminateInstances, ModifyInstanceAttribute. */
#include "compat.h"
#include "api/host_api.h"

#include <time.h>

#include "api/xml.h"
#include "core/region.h"
#include "limits.h"

/* The TagSpecification resource types RunInstances takes; vpce makes no volumes. */
static const char *const launch_tag_types[] = { "instance", "network-interface", "volume" };

static struct instance *instance_at(const struct world *w, size_t i)
{
	return AS_INSTANCE(w->items[RES_INSTANCE][i]);
}

static void render_state(struct call *c, const char *tag, enum instance_view v)
{
	xml_open(c->out, tag);
	xml_int(c->out, "code", instance_view_code(v));
	xml_text(c->out, "name", instance_view_name(v));
	xml_close(c->out, tag);
}

/* "User initiated (2024-05-01 12:00:00 GMT)", as AWS explains a termination. */
static void termination_reason(const struct instance *in, char dst[static 64])
{
	time_t s = (time_t)(in->state_ms / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(dst, 64, "User initiated (%04d-%02d-%02d %02d:%02d:%02d GMT)",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void render_placement(struct call *c, const struct instance *in)
{
	struct res *s = world_get(c->w, in->subnet_id, RES_SUBNET);
	struct res *v = world_get(c->w, in->vpc_id, RES_VPC);
	char az[AZ_NAME_SIZE] = "";

	if (s)
		region_az_name(c->cx.region, AS_SUBNET(s)->az, az);
	xml_open(c->out, "placement");
	xml_text(c->out, "availabilityZone", az);
	xml_text(c->out, "groupName", "");
	xml_text(c->out, "tenancy", v ? AS_VPC(v)->instance_tenancy : "default");
	xml_close(c->out, "placement");
}

/*
 * One Instance. A terminated instance has lost its ENI, so it shows no
 * addresses, groups or interfaces, as AWS's do.
 */
static void render_instance(struct call *c, const struct instance *in)
{
	enum instance_view view = instance_state_at(in, c->cx.now_ms);
	struct res *r = world_get(c->w, in->eni_id, RES_ENI);
	const struct eni *n = r ? AS_ENI(r) : NULL;
	bool gone = view == VIEW_TERMINATED;
	char ip[IP4_STRLEN], dns[96] = "", pub[96] = "", when[32], reason[64] = "";
	struct res *v = world_get(c->w, in->vpc_id, RES_VPC);
	struct buf *b = c->out;

	if (!gone)
		host_private_dns(c->cx.region, in->private_ip, dns);
	if (n && n->public_ip && v && AS_VPC(v)->dns_hostnames)
		host_public_dns(c->cx.region, n->public_ip, pub);
	if (in->state == INSTANCE_TERMINATED)
		termination_reason(in, reason);
	fmt_time(in->res.created_ms, when);
	xml_text(b, "instanceId", in->res.id);
	xml_text(b, "imageId", in->image_id);
	render_state(c, "instanceState", view);
	xml_text(b, "privateDnsName", dns);
	xml_text(b, "dnsName", pub);
	xml_text(b, "reason", reason);
	xml_text(b, "keyName", in->key_name);
	xml_int(b, "amiLaunchIndex", in->launch_index);
	xml_open(b, "productCodes");
	xml_close(b, "productCodes");
	xml_text(b, "instanceType", in->instance_type);
	xml_text(b, "launchTime", when);
	render_placement(c, in);
	xml_open(b, "monitoring");
	xml_text(b, "state", "disabled");
	xml_close(b, "monitoring");
	if (!gone) {
		xml_text(b, "subnetId", in->subnet_id);
		xml_text(b, "vpcId", in->vpc_id);
		xml_text(b, "privateIpAddress", ip4_fmt(in->private_ip, ip));
	}
	if (n && n->public_ip)
		xml_text(b, "ipAddress", ip4_fmt(n->public_ip, ip));
	if (n)
		xml_bool(b, "sourceDestCheck", n->source_dest_check);
	render_group_set(c, "groupSet", n ? n->groups : NULL, n ? n->n_groups : 0);
	if (in->state == INSTANCE_TERMINATED) {
		xml_open(b, "stateReason");
		xml_text(b, "code", "Client.UserInitiatedShutdown");
		xml_text(b, "message", "Client.UserInitiatedShutdown: User initiated shutdown");
		xml_close(b, "stateReason");
	}
	xml_text(b, "architecture", "x86_64");
	xml_text(b, "rootDeviceType", "ebs");
	xml_text(b, "rootDeviceName", "/dev/xvda");
	xml_open(b, "blockDeviceMapping");
	xml_close(b, "blockDeviceMapping");
	xml_text(b, "virtualizationType", "hvm");
	/* Empty when none was given, as <clientToken/> in EC2's examples. */
	xml_text(b, "clientToken", in->client_token);
	render_tags(c, &in->res);
	xml_text(b, "hypervisor", "xen");
	xml_open(b, "networkInterfaceSet");
	if (n) {
		xml_open(b, "item");
		render_eni(c, n, in);
		xml_close(b, "item");
	}
	xml_close(b, "networkInterfaceSet");
	xml_bool(b, "ebsOptimized", false);
	xml_bool(b, "enaSupport", true);
	xml_text(b, "platformDetails", "Linux/UNIX");
	xml_text(b, "usageOperation", "RunInstances");
	xml_text(b, "usageOperationUpdateTime", when);
	xml_open(b, "privateDnsNameOptions");
	xml_text(b, "hostnameType", "ip-name");
	xml_bool(b, "enableResourceNameDnsARecord", false);
	xml_bool(b, "enableResourceNameDnsAAAARecord", false);
	xml_close(b, "privateDnsNameOptions");
}

/* Opens the reservation item of instance 'first', up to its instancesSet. */
static void reservation_open(struct call *c, const struct instance *first)
{
	char buf[ID_SIZE];

	xml_text(c->out, "reservationId", instance_reservation_id(first, buf));
	xml_text(c->out, "ownerId", first->res.owner);
	/* Instances in a VPC have their groups on the instance, not the reservation. */
	xml_open(c->out, "groupSet");
	xml_close(c->out, "groupSet");
	xml_open(c->out, "instancesSet");
}

/* The RunInstances answer: the whole reservation of the instance at index 'i'. */
static void respond_launch(struct call *c, size_t i)
{
	size_t start = instance_reservation_start(c->w, i);
	const struct instance *first = instance_at(c->w, start);

	resp_begin(c);
	reservation_open(c, first);
	for (i = start; i < c->w->n[RES_INSTANCE]; i++) {
		const struct instance *in = instance_at(c->w, i);

		if (i > start && (!first->reservation_id[0] ||
				  strcmp(in->reservation_id, first->reservation_id)))
			break;
		xml_open(c->out, "item");
		render_instance(c, in);
		xml_close(c->out, "item");
	}
	xml_close(c->out, "instancesSet");
	resp_end(c);
}

static long instance_index(const struct world *w, const char *id)
{
	for (size_t i = 0; i < w->n[RES_INSTANCE]; i++)
		if (strcmp(w->items[RES_INSTANCE][i]->id, id) == 0)
			return (long)i;
	return -1;
}

static int launch_tag_specs_check(struct call *c)
{
	struct query_tagspec *specs;
	size_t n;
	int ret = query_tag_specs(&c->q, c->arena, &specs, &n, &c->err);

	for (size_t i = 0; ret == 0 && i < n; i++) {
		bool known = false;

		for (size_t k = 0; k < ARRAY_SIZE(launch_tag_types); k++)
			known |= str_eq_c(specs[i].resource_type, launch_tag_types[k]);
		if (!known)
			ret = err_fail(&c->err, "InvalidParameterValue",
				       "'%.*s' is not a valid taggable resource type for this "
				       "operation.", STR_FMT(specs[i].resource_type));
	}
	return ret;
}

static int count_param(struct call *c, const char *key, long *out)
{
	if (!param(c, key))
		return err_fail(&c->err, "MissingParameter",
				"The request must contain the parameter %s", key);
	return query_int(&c->q, key, -2147483648L, 2147483647L, 1, out, &c->err);
}

static const char *ni_key(char key[static 64], unsigned n, const char *field)
{
	snprintf(key, 64, "NetworkInterface.%u.%s", n, field);
	return key;
}

/*
 * NetworkInterface.1.PrivateIpAddresses.M: where the aws CLI puts
 * --private-ip-address, as the primary address, when --associate-public-ip-
 * address makes it describe the interface. vpce gives an interface one
 * address, its primary one.
 */
static int read_private_addresses(struct call *c, unsigned ni, struct instance_launch_req *req)
{
	char list[64], key[96];
	unsigned idx[2];
	bool primary;
	size_t n;
	int ret = query_indices(&c->q, ni_key(list, ni, "PrivateIpAddresses"), idx, ARRAY_SIZE(idx),
				&n, &c->err);

	if (ret < 0 || n == 0)
		return ret;
	snprintf(key, sizeof(key), "%s.%u.Primary", list, idx[0]);
	if ((ret = query_bool(&c->q, key, true, &primary, &c->err)) < 0)
		return ret;
	if (n > 1 || !primary || req->private_ip)
		return err_fail(&c->err, "UnsupportedOperation",
				"vpce gives a network interface one private address, its primary one.");
	snprintf(key, sizeof(key), "%s.%u.PrivateIpAddress", list, idx[0]);
	req->private_ip = param(c, key);
	return 0;
}

/* NetworkInterface.1, the one interface vpce launches an instance with. */
static int read_interface(struct call *c, struct instance_launch_req *req)
{
	unsigned idx[2];
	size_t n;
	char key[64];
	const char *device;
	bool public;
	int ret = query_indices(&c->q, "NetworkInterface", idx, ARRAY_SIZE(idx), &n, &c->err);

	if (ret < 0 || n == 0)
		return ret;
	if (req->subnet_id)
		return err_fail(&c->err, "InvalidParameterCombination",
				"Network interfaces and an instance-level subnet ID may not be "
				"specified on the same request");
	if (req->n_groups)
		return err_fail(&c->err, "InvalidParameterCombination",
				"Network interfaces and an instance-level security groups may not "
				"be specified on the same request");
	if (req->private_ip)
		return err_fail(&c->err, "InvalidParameterCombination",
				"Network interfaces and an instance-level private IP address "
				"should not be specified on the same request");
	device = param(c, ni_key(key, idx[0], "DeviceIndex"));
	if (n > 1 || param(c, ni_key(key, idx[0], "NetworkInterfaceId")) ||
	    (device && strcmp(device, "0")))
		return err_fail(&c->err, "UnsupportedOperation",
				"vpce launches instances with exactly one network interface, "
				"device index 0, created with the instance.");
	req->subnet_id = param(c, ni_key(key, idx[0], "SubnetId"));
	req->private_ip = param(c, ni_key(key, idx[0], "PrivateIpAddress"));
	if ((ret = read_private_addresses(c, idx[0], req)) < 0)
		return ret;
	req->description = param(c, ni_key(key, idx[0], "Description"));
	if (param(c, ni_key(key, idx[0], "AssociatePublicIpAddress"))) {
		ret = query_bool(&c->q, key, false, &public, &c->err);
		if (ret < 0)
			return ret;
		req->public_ip = public;
	}
	return param_list(c, ni_key(key, idx[0], "SecurityGroupId"), &req->groups,
			  &req->n_groups);
}

static int read_launch(struct call *c, struct instance_launch_req *req)
{
	const char **names;
	size_t n_names;
	int ret;

	*req = (struct instance_launch_req){
		.image_id = param(c, "ImageId"),
		.instance_type = param(c, "InstanceType"),
		.key_name = param(c, "KeyName"),
		.subnet_id = param(c, "SubnetId"),
		.private_ip = param(c, "PrivateIpAddress"),
		.public_ip = -1,
		.client_token = param(c, "ClientToken"),
	};
	if ((ret = count_param(c, "MinCount", &req->min_count)) < 0 ||
	    (ret = count_param(c, "MaxCount", &req->max_count)) < 0 ||
	    (ret = param_list(c, "SecurityGroupId", &req->groups, &req->n_groups)) < 0 ||
	    (ret = param_list(c, "SecurityGroup", &names, &n_names)) < 0 ||
	    (ret = launch_tag_specs_check(c)) < 0)
		return ret;
	if (n_names)
		return err_fail(&c->err, "VPCIdNotSpecified",
				"No default VPC for this user. GroupName is only supported for "
				"EC2-Classic and default VPC.");
	return read_interface(c, req);
}

static int run_instances(struct call *c)
{
	struct instance_launch_req req;
	size_t first;
	int ret;

	if (c->replay_id) {
		respond_launch(c, (size_t)instance_index(c->w, c->replay_id));
		return 0;
	}
	if ((ret = read_launch(c, &req)) < 0 ||
	    (ret = instance_launch(c->w, &c->cx, &req, &first, &c->err)) < 0)
		return ret;
	for (size_t i = first; i < c->w->n[RES_INSTANCE]; i++) {
		struct instance *in = instance_at(c->w, i);
		struct res *n = world_get(c->w, in->eni_id, RES_ENI);

		param_tag_specs_apply(c, "instance", &in->res);
		if (n)
			param_tag_specs_apply(c, "network-interface", n);
	}
	str_lcpy(c->token_resource_id, instance_at(c->w, first)->res.id, ID_SIZE);
	respond_launch(c, first);
	return 0;
}

/* --- DescribeInstances --- */

static const char *const instance_filters[] = {
	"instance-id", "instance-state-name", "instance-state-code", "subnet-id", "vpc-id",
	"private-ip-address", "ip-address", "instance.group-id", "instance.group-name",
	"instance-type", "image-id", "key-name", "availability-zone", "reservation-id",
	"network-interface.network-interface-id", "private-dns-name", "dns-name",
	"owner-id", "architecture", "root-device-type", "tenancy", "client-token",
};

static bool instance_filter_known(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(instance_filters); i++)
		if (strcmp(instance_filters[i], name) == 0)
			return true;
	return !strncmp(name, "tag:", 4) || !strcmp(name, "tag-key") || !strcmp(name, "tag-value");
}

/* The values filter 'name' sees on instance 'in' of the reservation 'rid'. */
static void filter_instance(const struct call *c, const struct instance *in, const char *rid,
			    const char *name, struct filter_vals *vals)
{
	struct res *r = world_get(c->w, in->eni_id, RES_ENI);
	const struct eni *n = r ? AS_ENI(r) : NULL;
	enum instance_view view = instance_state_at(in, c->cx.now_ms);
	char buf[96];

	if (!strcmp(name, "instance-id")) {
		filter_add(c, vals, "%s", in->res.id);
	} else if (!strcmp(name, "instance-state-name")) {
		filter_add(c, vals, "%s", instance_view_name(view));
	} else if (!strcmp(name, "instance-state-code")) {
		filter_add(c, vals, "%d", instance_view_code(view));
	} else if (!strcmp(name, "subnet-id") || !strcmp(name, "vpc-id")) {
		if (view != VIEW_TERMINATED)
			filter_add(c, vals, "%s", name[0] == 's' ? in->subnet_id : in->vpc_id);
	} else if (!strcmp(name, "private-ip-address")) {
		if (view != VIEW_TERMINATED)
			filter_add(c, vals, "%s", ip4_fmt(in->private_ip, buf));
	} else if (!strcmp(name, "private-dns-name")) {
		if (view != VIEW_TERMINATED) {
			host_private_dns(c->cx.region, in->private_ip, buf);
			filter_add(c, vals, "%s", buf);
		}
	} else if (!strcmp(name, "ip-address") || !strcmp(name, "dns-name")) {
		struct res *v = world_get(c->w, in->vpc_id, RES_VPC);

		if (n && n->public_ip && name[0] == 'i')
			filter_add(c, vals, "%s", ip4_fmt(n->public_ip, buf));
		if (n && n->public_ip && name[0] == 'd' && v && AS_VPC(v)->dns_hostnames) {
			host_public_dns(c->cx.region, n->public_ip, buf);
			filter_add(c, vals, "%s", buf);
		}
	} else if (!strcmp(name, "instance.group-id") || !strcmp(name, "instance.group-name")) {
		for (size_t i = 0; n && i < n->n_groups; i++) {
			struct res *g = world_get(c->w, n->groups[i], RES_SG);

			if (!strcmp(name, "instance.group-id"))
				filter_add(c, vals, "%s", n->groups[i]);
			else if (g)
				filter_add(c, vals, "%s", AS_SG(g)->name);
		}
	} else if (!strcmp(name, "instance-type")) {
		filter_add(c, vals, "%s", in->instance_type);
	} else if (!strcmp(name, "image-id")) {
		filter_add(c, vals, "%s", in->image_id);
	} else if (!strcmp(name, "key-name")) {
		if (in->key_name)
			filter_add(c, vals, "%s", in->key_name);
	} else if (!strcmp(name, "availability-zone")) {
		struct res *s = world_get(c->w, in->subnet_id, RES_SUBNET);

		if (s) {
			region_az_name(c->cx.region, AS_SUBNET(s)->az, buf);
			filter_add(c, vals, "%s", buf);
		}
	} else if (!strcmp(name, "reservation-id")) {
		filter_add(c, vals, "%s", rid);
	} else if (!strcmp(name, "client-token")) {
		if (in->client_token[0])
			filter_add(c, vals, "%s", in->client_token);
	} else if (!strcmp(name, "network-interface.network-interface-id")) {
		if (n)
			filter_add(c, vals, "%s", n->res.id);
	} else if (!strcmp(name, "architecture")) {
		filter_add(c, vals, "x86_64");
	} else if (!strcmp(name, "root-device-type")) {
		filter_add(c, vals, "ebs");
	} else if (!strcmp(name, "tenancy")) {
		struct res *v = world_get(c->w, in->vpc_id, RES_VPC);

		filter_add(c, vals, "%s", v ? AS_VPC(v)->instance_tenancy : "default");
	} else {
		filter_tags(&in->res, name, vals);
	}
}

static bool instance_matches(const struct call *c, const struct instance *in, const char *rid,
			     const struct query_filter *f, size_t n_f)
{
	for (size_t i = 0; i < n_f; i++) {
		struct filter_vals vals;

		filter_vals_reset(&vals);
		filter_instance(c, in, rid, f[i].name.p, &vals);
		if (!filter_vals_match(&f[i], &vals))
			return false;
	}
	return true;
}

static bool id_listed(const char **ids, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	return n == 0;
}

struct describe_page {
	const char **ids;
	size_t n_ids;
	struct query_filter *f;
	size_t n_f;
	long max;			/* 0: all */
	const char *next;		/* the instance to start at, or NULL */
};

static int read_page(struct call *c, struct describe_page *p)
{
	int ret;

	if ((ret = param_list(c, "InstanceId", &p->ids, &p->n_ids)) < 0 ||
	    (ret = query_filters(&c->q, c->arena, &p->f, &p->n_f, &c->err)) < 0 ||
	    (ret = query_int(&c->q, "MaxResults", 5, LIMIT_DESCRIBE_PAGE, 0, &p->max,
			     &c->err)) < 0)
		return ret;
	for (size_t i = 0; i < p->n_f; i++)
		if (!instance_filter_known(p->f[i].name.p))
			return err_fail(&c->err, "InvalidParameterValue",
					"The filter '%s' is invalid", p->f[i].name.p);
	if (p->max && p->n_ids)
		return err_fail(&c->err, "InvalidParameterCombination",
				"The parameter instancesSet cannot be used with the parameter "
				"maxResults");
	p->next = param(c, "NextToken");
	if (p->next && instance_index(c->w, p->next) < 0)
		return err_fail(&c->err, "InvalidNextToken", "The token '%s' is invalid.", p->next);
	return instance_check_ids(c->w, &c->cx, p->ids, p->n_ids, &c->err);
}

/* Closes the reservation item of ID 'open', if any ("": none). */
static void reservation_close(struct call *c, const char *open)
{
	if (!open[0])
		return;
	xml_close(c->out, "instancesSet");
	xml_close(c->out, "item");
}

/*
 * Instances of one reservation are adjacent in the world (model.h), so a
 * reservation item stays open while the instances listed share its ID.
 */
static int describe_instances(struct call *c)
{
	struct describe_page p;
	size_t count = 0;
	char open[ID_SIZE] = "", buf[ID_SIZE];
	bool started;
	int ret = read_page(c, &p);

	if (ret < 0)
		return ret;
	started = !p.next;
	resp_begin(c);
	xml_open(c->out, "reservationSet");
	for (size_t i = 0; i < c->w->n[RES_INSTANCE]; i++) {
		const struct instance *in = instance_at(c->w, i);
		const char *rid;

		if (!started && strcmp(in->res.id, p.next))
			continue;
		started = true;
		if (strcmp(in->res.owner, c->cx.account) || !instance_visible(in, c->cx.now_ms) ||
		    !id_listed(p.ids, p.n_ids, in->res.id))
			continue;
		rid = instance_reservation_id(in, buf);
		if (!instance_matches(c, in, rid, p.f, p.n_f))
			continue;
		if (p.max && count == (size_t)p.max) {
			reservation_close(c, open);
			xml_close(c->out, "reservationSet");
			xml_text(c->out, "nextToken", in->res.id);
			resp_end(c);
			return 0;
		}
		if (strcmp(open, rid)) {
			reservation_close(c, open);
			xml_open(c->out, "item");
			reservation_open(c, in);
			str_lcpy(open, rid, sizeof(open));
		}
		xml_open(c->out, "item");
		render_instance(c, in);
		xml_close(c->out, "item");
		count++;
	}
	reservation_close(c, open);
	xml_close(c->out, "reservationSet");
	resp_end(c);
	return 0;
}

static int terminate_instances(struct call *c)
{
	enum instance_view *prev;
	const char **ids;
	size_t n;
	int ret = param_list(c, "InstanceId", &ids, &n);

	if (ret < 0)
		return ret;
	if (!n)
		return err_fail(&c->err, "MissingParameter",
				"The request must contain the parameter InstanceId");
	prev = arena_alloc(c->arena, n * sizeof(*prev));
	if (!prev)
		return err_fail(&c->err, "InvalidRequest", "The request is too large.");
	ret = instance_terminate(c->w, &c->cx, ids, n, prev, &c->err);
	if (ret < 0)
		return ret;
	resp_begin(c);
	xml_open(c->out, "instancesSet");
	for (size_t i = 0; i < n; i++) {
		const struct instance *in = AS_INSTANCE(world_get(c->w, ids[i], RES_INSTANCE));

		xml_open(c->out, "item");
		xml_text(c->out, "instanceId", ids[i]);
		render_state(c, "currentState", instance_state_at(in, c->cx.now_ms));
		render_state(c, "previousState", prev[i]);
		xml_close(c->out, "item");
	}
	xml_close(c->out, "instancesSet");
	resp_end(c);
	return 0;
}

static int modify_instance_attribute(struct call *c)
{
	const char **groups;
	const char *id, *attr = param(c, "Attribute");
	size_t n_groups;
	int sdc = -1;
	bool v;
	int ret;

	if ((ret = param_required(c, "InstanceId", "InstanceId", &id)) < 0 ||
	    (ret = param_list(c, "GroupId", &groups, &n_groups)) < 0)
		return ret;
	if (param(c, "SourceDestCheck.Value")) {
		ret = query_bool(&c->q, "SourceDestCheck.Value", true, &v, &c->err);
		if (ret < 0)
			return ret;
		sdc = v;
	}
	if (attr && strcmp(attr, "sourceDestCheck"))
		return err_fail(&c->err, "UnsupportedOperation",
				"vpce supports only the groupSet and sourceDestCheck "
				"attributes.");
	if (attr && sdc == -1) {
		ret = query_bool(&c->q, "Value", true, &v, &c->err);
		if (ret < 0)
			return ret;
		sdc = v;
	}
	if ((n_groups > 0) + (sdc != -1) > 1)
		return err_fail(&c->err, "InvalidParameterCombination",
				"Fields for multiple attribute types specified: groupSet, "
				"sourceDestCheck");
	if (!n_groups && sdc == -1)
		return fail_no_attribute(c, "InstanceId");
	ret = instance_modify(c->w, &c->cx, id, groups, n_groups, sdc, &c->err);
	if (ret < 0)
		return ret;
	resp_return_true(c);
	return 0;
}

const struct api_action instance_actions[] = {
	{ "RunInstances", run_instances, true, true },
	{ "DescribeInstances", describe_instances, false, false },
	{ "TerminateInstances", terminate_instances, true, false },
	{ "ModifyInstanceAttribute", modify_instance_attribute, true, false },
	{ NULL, NULL, false, false },
};
