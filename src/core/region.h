/* SPDX-License-Identifier: MIT */
/*
 * The regions vpce can emulate, their availability zones and the address
 * plan of the emulated AWS network (docs/addressing.md). Every region has
 * REGION_AZS zones, "<region>a" … "<region>f", whose zone IDs are fixed:
 * us-east-1a is use1-az1, us-east-1b is use1-az2, and so on. A region's
 * index never changes once shipped: the address plan is derived from it.
 */
#ifndef CORE_REGION_H
#define CORE_REGION_H

#include "compat.h"
#include "core/cidr.h"

#define REGION_AZS 6
#define AZ_NAME_SIZE 32		/* "ap-southeast-2a" plus NUL, rounded */
/*
 * Indexes 0..126 fit the 198.18.0.0/16 plan; the last /23 (198.18.254.0/23,
 * index 127's) belongs to the emulated internet itself: its public resolver.
 */
#define REGION_MAX 127

struct region {
	const char *name;		/* "us-east-1" */
	const char *az_id_prefix;	/* "use1", for zone IDs "use1-az1" */
	const char *vpce_zone_id;	/* Route 53 zone of *.vpce.amazonaws.com */
	const char *opt_in_status;	/* "opt-in-not-required" or "opted-in" */
	int index;			/* position in the table; fixes its addresses */
};

/* The region called 'name', or NULL. */
const struct region *region_find(const char *name);
/* The region called by the 'name' view, or NULL; 'name' need not be terminated. */
const struct region *region_find_str(struct str name);
/* The 'i'th region, 0 <= i < region_count(), or NULL past the end. */
const struct region *region_at(size_t i);
size_t region_count(void);

/* Writes the name of zone 'az' (0-based) of 'r' into 'dst'. */
void region_az_name(const struct region *r, int az, char dst[static AZ_NAME_SIZE]);
/* Writes the zone ID of zone 'az' of 'r' ("use1-az1") into 'dst'. */
void region_az_id(const struct region *r, int az, char dst[static AZ_NAME_SIZE]);
/*
 * Returns the zone index that 'name' (a zone name, or a zone ID when 'by_id')
 * names in 'r', or -1.
 */
int region_az_find(const struct region *r, const char *name, bool by_id);

/*
 * The block that holds the public addresses of the services of 'r' in the
 * emulated network: 198.18.(2 * index).0/23, one /28 per catalogue service.
 */
struct cidr4 region_service_block(const struct region *r);
/*
 * The pool that public IPv4 addresses (Elastic IPs, instances' public
 * addresses, NAT gateways) come from: 198.19.0.0/16.
 */
struct cidr4 region_public_pool(void);

#endif
