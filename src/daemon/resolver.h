/* SPDX-License-Identifier: MIT */
/*
 * The VPC resolver's sockets kept in step with the data plane: after each
 * apply, every VPC namespace whose VPC has enableDnsSupport gets UDP and TCP
 * sockets on port 53 of base+2 and 169.254.169.253, opened inside it; VPCs
 * gone, or without DNS support, lose theirs.
 */
#ifndef DAEMON_RESOLVER_H
#define DAEMON_RESOLVER_H

#include "compat.h"
#include "core/model.h"
#include "dns/server.h"

/* Syncs 's' with 'w', whose namespaces are named '<prefix><vpc-id>'. Returns 0 or -errno (logged). */
int resolver_sync(struct dns_server *s, const struct world *w, const char *prefix);

#endif
