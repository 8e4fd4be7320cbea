/* SPDX-License-Identifier: MIT */
/*
 * Where the region's fronts send requests that vpce does not serve itself:
 * one backend per service and region (moto_server, LocalStack, or an S3- or
 * DynamoDB-compatible server), given to vpced as
 *
 *   --service-backend com.amazonaws.us-east-1.sqs=127.0.0.1:4566
 *   --service-backend com.amazonaws.us-east-1.s3=http://localhost:9000
 *
 * The front authenticates and decides every request first (svc/front.h);
 * only what the policies allow goes on, over plain HTTP/1.1.
 */
#ifndef SVC_BACKEND_H
#define SVC_BACKEND_H

#include "compat.h"
#include "limits.h"
#include "base/err.h"
#include "core/catalog.h"

struct svc_backend {
	const struct service *svc;
	const struct region *region;
	uint32_t ip;			/* IPv4, host order */
	uint16_t port;
};

struct svc_backends {
	struct svc_backend v[LIMIT_SVC_BACKENDS];
	size_t n;
};

/*
 * Parses "SERVICE-NAME=ADDRESS" into 'out': SERVICE-NAME a catalogue
 * service's full name, ADDRESS "IP:PORT", "localhost:PORT" or
 * "http://HOST[:PORT][/]" (port 80 by default). Returns 0, or -EINVAL with
 * 'e' saying what is wrong.
 */
int svc_backend_parse(const char *spec, struct svc_backend *out, struct err *e);

/* Adds 'x' to 'b', in place of an earlier one for its service. 0, or -ENOSPC past the limit. */
int svc_backends_add(struct svc_backends *b, const struct svc_backend *x);

/* The backend of 's' in 'r', or NULL. 'b' may be NULL (none). */
const struct svc_backend *svc_backends_find(const struct svc_backends *b, const struct service *s,
					    const struct region *r);

#endif
