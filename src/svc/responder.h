/* SPDX-License-Identifier: MIT */
/*
 * The region's responders: for the catalogue services that have no
 * built-in engine, the fronts (svc/front.h) answer with a JSON line saying
 * which service answered, at which address, to whom, and through which
 * endpoint: the place where other services' backends will answer. The
 * service is the one whose block holds the address the connection came to
 * (core/svcnet.h).
 */
#ifndef SVC_RESPONDER_H
#define SVC_RESPONDER_H

#include "compat.h"
#include "core/model.h"
#include "io/http.h"
#include "io/loop.h"
#include "svc/origin.h"

struct responder {
	const struct world *w;		/* borrowed */
	svc_origin_fn *origin;		/* NULL: every client is public */
	void *origin_arg;
};

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
