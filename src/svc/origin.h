/* SPDX-License-Identifier: MIT */
/*
 * Where a connection to the region's services came from, as PrivateLink
 * tells a service: through which VPC endpoint of which VPC, and from which
 * private address; or from the public network, and from which public
 * address. The daemon knows it (the VPC namespaces' conntrack, the
 * world's endpoints); the fronts ask through an svc_origin_fn.
 */
#ifndef SVC_ORIGIN_H
#define SVC_ORIGIN_H

#include "compat.h"
#include "core/model.h"
#include "io/http.h"

struct svc_origin {
	char vpce_id[ID_SIZE];		/* "" when not through an endpoint */
	char vpc_id[ID_SIZE];		/* the endpoint's VPC; "" */
	/*
	 * Through an endpoint, the private source (aws:VpcSourceIp); else
	 * the public address the region saw (aws:SourceIp).
	 */
	uint32_t source_ip;
};

/* Fills 'out' for the connection that carried 'req'. */
typedef void svc_origin_fn(void *arg, const struct http_request *req, struct svc_origin *out);

#endif
