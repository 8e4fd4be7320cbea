/* SPDX-License-Identifier: MIT */
/*
 * The daemon's answer to "where did this connection to the region come
 * from" (svc/origin.h). Traffic through a VPC's endpoints enters the region
 * from the VPC's address in NP_PL_BLOCK; the VPC namespace's conntrack
 * holds who sent it and to which address: an interface endpoint's (then
 * that endpoint) or a service's (then the gateway endpoint the source's
 * route table holds for it).
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
	uint32_t pl_ip;			/* of its VPC */
	uint32_t ip;			/* the ENI's address */
	char vpce_id[ID_SIZE];
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
/* An svc_origin_fn; 'arg' is the struct origins. */
void origins_resolve(void *arg, const struct http_request *req, struct svc_origin *out);
void origins_release(struct origins *o);

#endif
