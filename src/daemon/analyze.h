/* SPDX-License-Identifier: MIT */
/*
 * `vpce explain` and `vpce lint` against the running daemon: POST
 * /vpce/explain and /vpce/lint with the question form-encoded, answered from
 * the daemon's live world (docs/reach.md lists the fields). What the question
 * does not give is read live too: the identity policies of an IAM user or
 * role named by the principal, and the policy of an S3 bucket named by the
 * destination or the resource. Every other request goes on to the EC2 API.
 */
#ifndef DAEMON_ANALYZE_H
#define DAEMON_ANALYZE_H

#include "compat.h"
#include "api/api.h"
#include "base/kv.h"
#include "core/model.h"
#include "core/region.h"
#include "io/http.h"

struct analyze {
	struct api *api;		/* everything else */
	const struct world *w;
	const struct region *region;
	struct kv *kv;			/* the region's S3 data (bucket policies); NULL: none */
};

/* An http_handler_fn: 'arg' is a struct analyze. */
void analyze_serve(void *arg, const struct http_request *req, struct http_response *resp);

#endif
