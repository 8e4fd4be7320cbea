/* SPDX-License-Identifier: MIT */
/*
 * The region's responders: on port 443 of every catalogue service's
 * addresses, in every region, an HTTP answer saying which service answered,
 * at which address, to whom. They hold the places where the S3 and DynamoDB
 * fronts (and other services' backends) will answer. One listening socket
 * in the region's namespace serves them all: the service is the one whose
 * block holds the address the connection came to (core/svcnet.h).
 */
#ifndef SVC_RESPONDER_H
#define SVC_RESPONDER_H

#include "compat.h"
#include "core/model.h"
#include "io/http.h"
#include "io/loop.h"
#include "svc/origin.h"

#define RESPONDER_PORT 443

struct responder {
	const struct world *w;		/* borrowed */
	svc_origin_fn *origin;		/* NULL: every client is public */
	void *origin_arg;
};

/*
 * Serves the responders in 'l' on the listening socket 'fd' (non-blocking,
 * owned from now on) as 'r' says (borrowed: it outlives the server). NULL
 * on failure.
 */
struct http_server *responder_serve(struct loop *l, const struct responder *r, int fd);

/*
 * Answers 'req', which came to req->local_ip from req->peer_ip, as
 * responder 'arg' (a const struct responder *): 200 and a JSON object
 * {"service", "region", "address", "client", "host", "method", "path"},
 * with "endpoint", "vpc" and "source" when the connection came through a
 * VPC endpoint; or 404 and {"error"} when no service answers at that
 * address.
 */
void responder_answer(void *arg, const struct http_request *req, struct http_response *resp);

#endif
