/* SPDX-License-Identifier: MIT */
/*
 * What a resolver answers for a name, and why: the view of a VPC (its
 * resolver at base+2: instance names, the private zones of its interface
 * endpoints, then the public names) or the public view (the region's public
 * resolver, which on-premises networks and the internet use). Pure; the VPC
 * resolver and the analyzer share it, so what `vpce explain` says a name
 * resolves to is what an instance's resolver answers.
 */
#ifndef CORE_DNSVIEW_H
#define CORE_DNSVIEW_H

#include "compat.h"
#include "core/catalog.h"
#include "core/netindex.h"

#define DNSVIEW_MAX_ADDRS 16

/* Which record answered. */
enum dns_how {
	DNS_NXDOMAIN,		/* no view holds the name */
	DNS_NO_RESOLVER,	/* the VPC's resolver is off: enableDnsSupport false */
	DNS_PRIVATE_ZONE,	/* an interface endpoint's private DNS, in the asking VPC */
	DNS_ENDPOINT_NAME,	/* an endpoint's own regional or zonal name */
	DNS_INSTANCE_NAME,	/* ip-a-b-c-d.ec2.internal */
	DNS_PUBLIC,		/* a service's public name */
};

struct dns_answer {
	enum dns_how how;
	const struct vpce *vpce;	/* the endpoint of a private zone or endpoint name */
	int az;				/* an endpoint name's zone; -1: the regional name */
	const struct service *svc;	/* the service the name is for, if any */
	const struct region *svc_region;
	uint32_t addrs[DNSVIEW_MAX_ADDRS];
	const struct eni *enis[DNSVIEW_MAX_ADDRS];	/* the ENI of each address, or NULL */
	size_t n;
	/*
	 * For a public answer in a VPC: an interface endpoint of the VPC for
	 * this service whose private DNS is off, or whose private DNS the
	 * VPC's attributes keep from answering ('attrs_block'); else NULL.
	 */
	const struct vpce *bypassed;
	bool attrs_block;
};

/* "private-zone", "endpoint-name", …: the JSON name of 'how'. */
const char *dns_how_name(enum dns_how how);

/*
 * Resolves 'name' (any case, optional final dot) for a client of 'vpc', or
 * of the public network when 'vpc' is NULL, in region 'r' of 'w' indexed by
 * 'ix'. Fills 'out' and returns 0; -EINVAL for a name that is not a domain
 * name. NXDOMAIN is an answer, not an error.
 */
int dnsview_resolve(const struct world *w, const struct netindex *ix, const struct region *r,
		    const struct vpc *vpc, const char *name, struct dns_answer *out);

/* True when the private zone of interface endpoint 'v' answers in its VPC. */
bool dnsview_private_zone_active(const struct world *w, const struct vpce *v);

#endif
