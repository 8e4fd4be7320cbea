/* SPDX-License-Identifier: MIT */
/* Regions, zones and tags. */
#include "compat.h"
#include "api/api.h"

#include "api/xml.h"
#include "core/region.h"
#include "limits.h"

static bool in_list(const char **list, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], v) == 0)
			return true;
	return false;
}

static int describe_availability_zones(struct call *c)
{
	static const char *const names[] = {
		"zone-name", "zone-id", "region-name", "state", "zone-type", "group-name",
		"opt-in-status",
	};
	const struct region *rg = c->cx.region;
	struct query_filter *f;
	const char **zn, **zi;
	size_t n_zn, n_zi, n_f;
	int ret;

	if ((ret = param_list(c, "ZoneName", &zn, &n_zn)) < 0 ||
	    (ret = param_list(c, "ZoneId", &zi, &n_zi)) < 0 ||
	    (ret = query_filters(&c->q, c->arena, &f, &n_f, &c->err)) < 0 ||
	    (ret = filter_names_check(c, f, n_f, names, ARRAY_SIZE(names))) < 0)
		return ret;
	for (size_t i = 0; i < n_zn; i++)
		if (region_az_find(rg, zn[i], false) < 0)
			return err_fail(&c->err, "InvalidParameterValue",
					"The zone '%s' does not exist.", zn[i]);
	for (size_t i = 0; i < n_zi; i++)
		if (region_az_find(rg, zi[i], true) < 0)
			return err_fail(&c->err, "InvalidParameterValue",
					"The zone id '%s' does not exist.", zi[i]);
	resp_begin(c);
	xml_open(c->out, "availabilityZoneInfo");
	for (int az = 0; az < REGION_AZS; az++) {
		char name[AZ_NAME_SIZE], id[AZ_NAME_SIZE];
		const char *values[ARRAY_SIZE(names)];

		region_az_name(rg, az, name);
		region_az_id(rg, az, id);
		values[0] = name;
		values[1] = id;
		values[2] = rg->name;
		values[3] = "available";
		values[4] = "availability-zone";
		values[5] = rg->name;
		values[6] = "opt-in-not-required";
		if ((n_zn || n_zi) && !in_list(zn, n_zn, name) && !in_list(zi, n_zi, id))
			continue;
		if (!filter_fields_match(f, n_f, names, values, ARRAY_SIZE(names)))
			continue;
		xml_open(c->out, "item");
		xml_text(c->out, "optInStatus", "opt-in-not-required");
		xml_text(c->out, "zoneName", name);
		xml_text(c->out, "zoneId", id);
		xml_text(c->out, "groupName", rg->name);
		xml_text(c->out, "networkBorderGroup", rg->name);
		xml_text(c->out, "zoneType", "availability-zone");
		xml_text(c->out, "zoneState", "available");
		xml_open(c->out, "messageSet");
		xml_close(c->out, "messageSet");
		xml_text(c->out, "regionName", rg->name);
		xml_close(c->out, "item");
	}
	xml_close(c->out, "availabilityZoneInfo");
	resp_end(c);
	return 0;
}

static int describe_regions(struct call *c)
{
	static const char *const names[] = { "region-name", "endpoint", "opt-in-status" };
	struct query_filter *f;
	const char **rn;
	size_t n_rn, n_f;
	int ret;

	if ((ret = param_list(c, "RegionName", &rn, &n_rn)) < 0 ||
	    (ret = query_filters(&c->q, c->arena, &f, &n_f, &c->err)) < 0 ||
	    (ret = filter_names_check(c, f, n_f, names, ARRAY_SIZE(names))) < 0)
		return ret;
	for (size_t i = 0; i < n_rn; i++)
		if (!region_find(rn[i]))
			return err_fail(&c->err, "InvalidParameterValue",
					"Invalid region: %s", rn[i]);
	resp_begin(c);
	xml_open(c->out, "regionInfo");
	for (size_t i = 0; i < region_count(); i++) {
		const struct region *rg = region_at(i);
		char endpoint[96];
		const char *values[3];

		snprintf(endpoint, sizeof(endpoint), "ec2.%s.amazonaws.com", rg->name);
		values[0] = rg->name;
		values[1] = endpoint;
		values[2] = rg->opt_in_status;
		if (n_rn && !in_list(rn, n_rn, rg->name))
			continue;
		if (!filter_fields_match(f, n_f, names, values, 3))
			continue;
		xml_open(c->out, "item");
		xml_text(c->out, "regionName", rg->name);
		xml_text(c->out, "regionEndpoint", endpoint);
		xml_text(c->out, "optInStatus", rg->opt_in_status);
		xml_close(c->out, "item");
	}
	xml_close(c->out, "regionInfo");
	resp_end(c);
	return 0;
}

/* Resolves every ID of ResourceId.N to a resource of the caller's. */
static int tag_targets(struct call *c, struct res ***out, size_t *n)
{
	const char **ids;
	struct res **rs;
	int ret = param_list(c, "ResourceId", &ids, n);

	if (ret < 0)
		return ret;
	if (!*n)
		return err_fail(&c->err, "MissingParameter",
				"The request must contain the parameter resourceIdSet");
	rs = arena_alloc(c->arena, *n * sizeof(*rs));
	if (!rs)
		return err_fail(&c->err, "InvalidRequest", "The request is too large.");
	for (size_t i = 0; i < *n; i++) {
		int kind = res_kind_from_id(ids[i]);

		if (kind < 0)
			return err_fail(&c->err, "InvalidID", "The ID '%s' is not valid", ids[i]);
		rs[i] = world_get(c->w, ids[i], (enum res_kind)kind);
		if (!rs[i] || strcmp(rs[i]->owner, c->cx.account))
			return fail_not_found(c, (enum res_kind)kind, ids[i]);
	}
	*out = rs;
	return 0;
}

static int create_tags(struct call *c)
{
	struct query_tag *tags;
	struct res **rs;
	size_t n_rs, n_tags;
	int ret;

	if ((ret = tag_targets(c, &rs, &n_rs)) < 0 ||
	    (ret = query_tags(&c->q, "Tag", c->arena, &tags, &n_tags, &c->err)) < 0)
		return ret;
	if (!n_tags)
		return err_fail(&c->err, "MissingParameter",
				"The request must contain the parameter tagSet");
	for (size_t i = 0; i < n_rs; i++) {
		size_t total = rs[i]->n_tags;

		for (size_t j = 0; j < n_tags; j++)
			total += res_tag_get(rs[i], tags[j].key.p) ? 0 : 1;
		if (total > LIMIT_QUERY_TAGS)
			return err_fail(&c->err, "TagLimitExceeded",
					"The maximum number of Tags for a resource has "
					"been reached.");
	}
	for (size_t i = 0; i < n_rs; i++) {
		for (size_t j = 0; j < n_tags; j++)
			res_tag_set(rs[i], tags[j].key.p, tags[j].value.p);
		world_touch(c->w, rs[i]);
	}
	resp_return_true(c);
	return 0;
}

static int delete_tags(struct call *c)
{
	struct query_tag *tags;
	struct res **rs;
	size_t n_rs, n_tags;
	int ret;

	if ((ret = tag_targets(c, &rs, &n_rs)) < 0 ||
	    (ret = query_tags(&c->q, "Tag", c->arena, &tags, &n_tags, &c->err)) < 0)
		return ret;
	for (size_t i = 0; i < n_rs; i++) {
		if (!n_tags) {
			while (rs[i]->n_tags)
				res_tag_del(rs[i], rs[i]->tags[0].key, NULL);
		}
		for (size_t j = 0; j < n_tags; j++)
			res_tag_del(rs[i], tags[j].key.p,
				    tags[j].has_value ? tags[j].value.p : NULL);
		world_touch(c->w, rs[i]);
	}
	resp_return_true(c);
	return 0;
}

/* EC2's resource-type names for DescribeTags, by kind. */
static const char *const tag_types[RES_KIND_COUNT] = {
	[RES_VPC] = "vpc", [RES_SUBNET] = "subnet", [RES_RTB] = "route-table",
	[RES_SG] = "security-group", [RES_IGW] = "internet-gateway",
	[RES_NAT] = "natgateway", [RES_VGW] = "vpn-gateway", [RES_EIP] = "elastic-ip",
	[RES_ENI] = "network-interface", [RES_INSTANCE] = "instance",
	[RES_VPCE] = "vpc-endpoint",
};

static int describe_tags(struct call *c)
{
	static const char *const names[] = { "key", "value", "resource-id", "resource-type" };
	struct query_filter *f;
	size_t n_f;
	int ret;

	if ((ret = query_filters(&c->q, c->arena, &f, &n_f, &c->err)) < 0 ||
	    (ret = filter_names_check(c, f, n_f, names, ARRAY_SIZE(names))) < 0)
		return ret;
	resp_begin(c);
	xml_open(c->out, "tagSet");
	for (int k = 0; k < RES_KIND_COUNT; k++) {
		struct res *r;

		WORLD_FOR_EACH(c->w, k, r) {
			if (strcmp(r->owner, c->cx.account))
				continue;
			for (size_t i = 0; i < r->n_tags; i++) {
				const char *values[] = { r->tags[i].key, r->tags[i].value, r->id,
							 tag_types[k] };

				if (!filter_fields_match(f, n_f, names, values, ARRAY_SIZE(names)))
					continue;
				xml_open(c->out, "item");
				xml_text(c->out, "resourceId", r->id);
				xml_text(c->out, "resourceType", tag_types[k]);
				xml_text(c->out, "key", r->tags[i].key);
				xml_text(c->out, "value", r->tags[i].value);
				xml_close(c->out, "item");
			}
		}
	}
	xml_close(c->out, "tagSet");
	resp_end(c);
	return 0;
}

const struct api_action misc_actions[] = {
	{ "DescribeAvailabilityZones", describe_availability_zones, false, false },
	{ "DescribeRegions", describe_regions, false, false },
	{ "CreateTags", create_tags, true, false },
	{ "DeleteTags", delete_tags, true, false },
	{ "DescribeTags", describe_tags, false, false },
	{ NULL, NULL, false, false },
};
