/* SPDX-License-Identifier: MIT */
/*
 * The daemon's answer to "where did this connection to the region come
 * from" (svc/origin.h). A connection through an interface endpoint
 * reaches the ENI's own address in the region (np_endpoint.region_ip),
 * from the private address that sent it: the addresses say it all, and the
 * fronts take it as a connection to the endpoint's service. One through a
 * gateway endpoint comes from its VPC's pl_ip; the VPC namespace's
 * conntrack holds who sent it and to which service address, and the route
 * table of the sender's subnet which gateway endpoint took it.
 */
#ifndef DAEMON_ORIGIN_H
#define DAEMON_ORIGIN_H

#include "compat.h"
#include "core/model.h"
#include "core/netplan.h"
#include "core/region.h"
#include "svc/origin.h"

struct nl;

/* A VPC with endpoints, as the last applied plan made it. */
struct origin_vpc {
	uint32_t pl_ip;
	char vpc_id[ID_SIZE];
	char ns[NP_NS_NAME_SIZE];
	struct nl *ct;			/* a conntrack socket in 'ns'; NULL until first asked */
};

struct origin_endpoint {
	uint32_t region_ip;		/* the ENI's address in the region */
	uint32_t service_ip;		/* its service's */
	char vpce_id[ID_SIZE];
	char vpc_id[ID_SIZE];
};

/* What a connection's first request learnt, for its next ones. */
struct origin_seen {
	uint64_t conn_id;
	uint32_t peer_ip;
	uint16_t peer_port, local_port;
	struct svc_origin o;
};

#define ORIGINS_SEEN 256	/* connections remembered, the oldest forgotten first */

struct origins {
	const struct world *w;
	const struct region *region;
	struct origin_vpc *vpcs;
	size_t n_vpcs, a_vpcs;
	struct origin_endpoint *eps;
	size_t n_eps, a_eps;
	struct origin_seen seen[ORIGINS_SEEN];
	size_t n_seen, next_seen;
};

void origins_init(struct origins *o, const struct world *w, const struct region *r);
/* Follows plan 'p': its VPCs' addresses and endpoints (sockets of VPCs that stay are kept). */
void origins_sync(struct origins *o, const struct np_plan *p);
/*
 * The address of the service whose endpoint's ENI has 'ip' as its address
 * in the region; else 'ip' itself. An http_alias_fn; 'arg' is the struct
 * origins.
 */
uint32_t origins_service_ip(void *arg, uint32_t ip);
/* An svc_origin_fn; 'arg' is the struct origins. */
void origins_resolve(void *arg, const struct http_request *req, struct svc_origin *out);
void origins_release(struct origins *o);

#endif
