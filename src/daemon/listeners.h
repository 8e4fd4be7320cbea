/* SPDX-License-Identifier: MIT */
/*
 * The daemon's sockets inside the data plane's namespaces, kept in step
 * with each applied plan: the VPC resolver (UDP and TCP on port 53 of base+2
 * and 169.254.169.253 in each VPC with enableDnsSupport), the region's
 * public resolver (198.18.255.53), each on-premises network's own resolver
 * (127.0.0.53, answering the public view), and the region's fronts on ports
 * 443 and 80, with the forwarder that takes their requests to the services'
 * backends. A socket made inside a namespace stays there; namespaces that
 * go, or VPCs that lose DNS support, lose theirs.
 */
#ifndef DAEMON_LISTENERS_H
#define DAEMON_LISTENERS_H

#include "compat.h"
#include "core/model.h"
#include "core/netplan.h"
#include "dns/server.h"
#include "io/http.h"
#include "io/loop.h"
#include "daemon/origin.h"
#include "io/tls.h"
#include "proxy/forward.h"
#include "svc/front.h"
#include "svc/responder.h"

/* What the region's fronts need from the daemon. */
struct listeners_config {
	struct kv *kv;			/* the built-in services' data */
	struct tls_server *tls;		/* certificates for port 443 */
	const struct svc_backends *backends;	/* services served elsewhere; NULL: none */
	svc_auth_fn *auth;		/* who signed a request */
	void *auth_arg;
	int64_t (*clock_ms)(void);
};

struct listeners {
	struct loop *loop;
	const struct world *w;
	struct dns_server *dns;
	/* The region's fronts: HTTPS on 443, HTTP on 80; NULL until its namespace exists. */
	struct http_server *https, *http;
	struct svc_front front;		/* what they answer with */
	struct tls_server *tls;
	struct origins origins;		/* where their clients came from */
	struct proxy *proxy;		/* to the services' backends */
};

/* 'cfg' is copied; what it points to is borrowed and must outlive 'ls'. */
int listeners_init(struct listeners *ls, struct loop *l, const struct world *w,
		   const struct region *r, const struct listeners_config *cfg);
/* Opens and closes sockets so that they match plan 'p'. Returns 0 or -errno (logged). */
int listeners_sync(struct listeners *ls, const struct np_plan *p);
/* Closes idle connections (on the daemon's tick). */
void listeners_sweep(struct listeners *ls);
/* Closes every socket. */
void listeners_release(struct listeners *ls);

#endif
