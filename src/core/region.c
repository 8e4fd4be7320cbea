/* SPDX-License-Identifier: MIT */
/*
 * The region table. Each entry's position is its index and fixes its
 * addresses (docs/addressing.md), so entries are only ever appended.
 * Sources for every value are in docs/aws-reference.md.
 */
#include "compat.h"
#include "core/region.h"

/*
 * Zone prefixes: AWS's AZ IDs. Hosted zones: the Route 53 zone of
 * <region>.vpce.amazonaws.com, which DescribeVpcEndpoints reports in
 * DnsEntries[].HostedZoneId for the endpoint-specific names.
 */
static const struct region regions[] = {
	{ "us-east-1", "use1", "Z7HUB22UULQXV", "opt-in-not-required", 0 },
	{ "us-east-2", "use2", "ZC8PG0KIFKBRI", "opt-in-not-required", 1 },
	{ "us-west-1", "usw1", "Z12I86A8N7VCZO", "opt-in-not-required", 2 },
	{ "us-west-2", "usw2", "Z1YSA3EXCYUU9Z", "opt-in-not-required", 3 },
	{ "ca-central-1", "cac1", "ZRCXCF510Y6P9", "opt-in-not-required", 4 },
	{ "eu-west-1", "euw1", "Z38GZ743OKFT7T", "opt-in-not-required", 5 },
	{ "eu-west-2", "euw2", "Z7K1066E3PUKB", "opt-in-not-required", 6 },
	{ "eu-west-3", "euw3", "Z1DWHTMFP0WECP", "opt-in-not-required", 7 },
	{ "eu-central-1", "euc1", "Z273ZU8SZ5RJPC", "opt-in-not-required", 8 },
	{ "eu-north-1", "eun1", "Z3OWWK6JFDEDGC", "opt-in-not-required", 9 },
	{ "ap-southeast-1", "apse1", "Z18LLCSTV4NVNL", "opt-in-not-required", 10 },
	{ "ap-southeast-2", "apse2", "ZDK2GCRPAFKGO", "opt-in-not-required", 11 },
	{ "ap-northeast-1", "apne1", "Z2E726K9Y6RL4W", "opt-in-not-required", 12 },
	{ "ap-northeast-2", "apne2", "Z27UANNT0PRK1T", "opt-in-not-required", 13 },
	{ "ap-south-1", "aps1", "Z2KVTB3ZLFM7JR", "opt-in-not-required", 14 },
	{ "sa-east-1", "sae1", "Z2LXUWEVLCVZIB", "opt-in-not-required", 15 },
};

_Static_assert(ARRAY_SIZE(regions) <= REGION_MAX, "region plan holds 127 regions");

#define SERVICE_NET 0xc6120000u	/* 198.18.0.0: service blocks, a /23 each */
#define PUBLIC_POOL 0xc6130000u	/* 198.19.0.0/16 */

const struct region *region_find_str(struct str name)
{
	for (size_t i = 0; i < ARRAY_SIZE(regions); i++)
		if (str_eq_c(name, regions[i].name))
			return &regions[i];
	return NULL;
}

const struct region *region_find(const char *name)
{
	return name ? region_find_str(str_c(name)) : NULL;
}

const struct region *region_at(size_t i)
{
	return i < ARRAY_SIZE(regions) ? &regions[i] : NULL;
}

size_t region_count(void)
{
	return ARRAY_SIZE(regions);
}

void region_az_name(const struct region *r, int az, char dst[static AZ_NAME_SIZE])
{
	if (az < 0 || az >= REGION_AZS) {
		dst[0] = '\0';
		return;
	}
	char letter[2] = { (char)('a' + az), '\0' };

	str_concat(dst, AZ_NAME_SIZE, r->name, letter, (const char *)NULL);
}

void region_az_id(const struct region *r, int az, char dst[static AZ_NAME_SIZE])
{
	if (az < 0 || az >= REGION_AZS) {
		dst[0] = '\0';
		return;
	}
	snprintf(dst, AZ_NAME_SIZE, "%s-az%d", r->az_id_prefix, az + 1);
}

int region_az_find(const struct region *r, const char *name, bool by_id)
{
	char want[AZ_NAME_SIZE];

	if (!r || !name)
		return -1;
	for (int az = 0; az < REGION_AZS; az++) {
		if (by_id)
			region_az_id(r, az, want);
		else
			region_az_name(r, az, want);
		if (strcmp(name, want) == 0)
			return az;
	}
	return -1;
}

struct cidr4 region_service_block(const struct region *r)
{
	return (struct cidr4){ SERVICE_NET + ((uint32_t)r->index << 9), 23 };
}

struct cidr4 region_public_pool(void)
{
	return (struct cidr4){ PUBLIC_POOL, 16 };
}
