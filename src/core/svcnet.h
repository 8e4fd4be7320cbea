/* SPDX-License-Identifier: MIT */
/*
 * Where the region's services answer on the network: the blocks of their
 * prefix lists and the address their public names resolve to. An account
 * export's prefix lists (world.pls) give real blocks; otherwise each service
 * answers in its catalogue /28 (docs/addressing.md). The data plane, the
 * resolver views and the analyzer all ask here, so they cannot disagree.
 */
#ifndef CORE_SVCNET_H
#define CORE_SVCNET_H

#include "compat.h"
#include "core/catalog.h"
#include "core/model.h"

/*
 * The blocks of prefix list 'pl_id' in 'r': an exported list's, else the
 * catalogue service's /28 (written into 'one'). Sets '*svc' to the gateway
 * service it stands for (NULL for a list that is no service's) and returns
 * how many blocks '*out' points at (borrowed from the world or 'one').
 */
size_t svcnet_pl_blocks(const struct world *w, const struct region *r, const char *pl_id,
			struct cidr4 *one, const struct cidr4 **out, const struct service **svc);
/* The blocks at which 's' answers in 'r', as svcnet_pl_blocks() gives them. */
size_t svcnet_service_blocks(const struct world *w, const struct region *r,
			     const struct service *s, struct cidr4 *one, const struct cidr4 **out);
/* The address the public names of 's' in 'r' resolve to: its first block's base plus one. */
uint32_t svcnet_service_ip(const struct world *w, const struct region *r, const struct service *s);
/*
 * The service answering at 'ip' in any region, or NULL; sets '*rg' to its
 * region.
 */
const struct service *svcnet_service_at(const struct world *w, uint32_t ip,
					const struct region **rg);
/*
 * The service and region a public name stands for ("sqs.us-east-1.amazonaws.com",
 * "bucket.s3.eu-west-1.amazonaws.com", "s3.amazonaws.com"), or NULL. 'name'
 * may end in a dot; case does not matter. '*in_private_zone' tells whether
 * the private hosted zone of an interface endpoint for the service (in that
 * region) holds the name too (catalog_private_zone_matches()).
 */
const struct service *svcnet_public_name(const char *name, const struct region **rg,
					 bool *in_private_zone);

#endif
