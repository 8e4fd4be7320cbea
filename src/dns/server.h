/* SPDX-License-Identifier: MIT */
/*
 * The resolvers the daemon plays: the VPC resolver (Route 53 Resolver at
 * VPC base+2 and 169.254.169.253), answering from the VPC's view, and the
 * public resolvers (the region's, on-premises networks'), answering from
 * the public view (core/dnsview.h). UDP and TCP (RFC 7766) on sockets the
 * caller opened inside each namespace, answered from the live world through
 * dns/wire.h. One thread, in the daemon's loop; every connection and buffer
 * is bounded (include/limits.h).
 */
#ifndef DNS_SERVER_H
#define DNS_SERVER_H

#include "compat.h"
#include "core/model.h"
#include "core/region.h"
#include "io/loop.h"

#define DNS_SERVER_FDS 4	/* per listener: UDP and TCP on each of two addresses */

struct dns_server;

/* A resolver over 'w' (borrowed; read on each query) in region 'r', in loop 'l'. */
struct dns_server *dns_server_new(struct loop *l, const struct world *w, const struct region *r);
/* Closes every socket and connection; NULL is a no-op. */
void dns_server_free(struct dns_server *s);

/*
 * Serves listener 'key' on 'fds' ('n' of them, UDP sockets and listening
 * TCP sockets, bound and non-blocking), which the server now owns. A key
 * that is a VPC's ID answers that VPC's view; any other key (the region's
 * "", a vgw's ID) the public view. Returns 0, or -EEXIST (fds closed) when
 * it serves 'key' already.
 */
int dns_server_listen(struct dns_server *s, const char *key, const int *fds, size_t n);
/* Stops serving 'key', closing its sockets and connections. */
void dns_server_forget(struct dns_server *s, const char *key);
/* True when it serves 'key'. */
bool dns_server_serves(const struct dns_server *s, const char *key);
/*
 * Calls 'fn' for each key served, so the caller can forget those that are
 * gone (forgetting inside 'fn' is allowed).
 */
void dns_server_each(struct dns_server *s, void (*fn)(void *arg, const char *key), void *arg);

/* Closes TCP connections idle for LIMIT_DNS_TCP_IDLE_MS at 'now_ms' (loop_now_ms()). */
void dns_server_sweep(struct dns_server *s, int64_t now_ms);

/* Answers one query 'q' ('len' bytes) of a client of listener 'key' into 'out'; for tests and tools. */
int dns_server_answer(struct dns_server *s, const char *key, const uint8_t *q, size_t len,
		      bool tcp, uint8_t *out, size_t size);

#endif
