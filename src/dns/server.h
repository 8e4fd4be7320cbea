/* SPDX-License-Identifier: MIT */
/*
 * The VPC resolver (Route 53 Resolver at VPC base+2 and 169.254.169.253):
 * UDP and TCP (RFC 7766) on sockets the caller opened inside each VPC's
 * namespace, answered from the live world through the VPC's resolver view
 * (core/dnsview.h) and dns/wire.h. One thread, in the daemon's loop; every
 * connection and buffer is bounded (include/limits.h).
 */
#ifndef DNS_SERVER_H
#define DNS_SERVER_H

#include "compat.h"
#include "core/model.h"
#include "core/region.h"
#include "io/loop.h"

#define DNS_SERVER_FDS 4	/* per VPC: UDP and TCP on each of two addresses */

struct dns_server;

/* A resolver over 'w' (borrowed; read on each query) in region 'r', in loop 'l'. */
struct dns_server *dns_server_new(struct loop *l, const struct world *w, const struct region *r);
/* Closes every socket and connection; NULL is a no-op. */
void dns_server_free(struct dns_server *s);

/*
 * Serves VPC 'vpc_id' on 'fds' ('n' of them, UDP sockets and listening TCP
 * sockets, bound and non-blocking), which the server now owns. Returns 0, or
 * -EEXIST (fds closed) when it serves the VPC already.
 */
int dns_server_listen(struct dns_server *s, const char *vpc_id, const int *fds, size_t n);
/* Stops serving VPC 'vpc_id', closing its sockets and connections. */
void dns_server_forget(struct dns_server *s, const char *vpc_id);
/* True when it serves VPC 'vpc_id'. */
bool dns_server_serves(const struct dns_server *s, const char *vpc_id);
/*
 * Calls 'fn' for each VPC served, so the caller can forget those that are
 * gone (forgetting inside 'fn' is allowed).
 */
void dns_server_each(struct dns_server *s, void (*fn)(void *arg, const char *vpc_id), void *arg);

/* Closes TCP connections idle for LIMIT_DNS_TCP_IDLE_MS at 'now_ms' (loop_now_ms()). */
void dns_server_sweep(struct dns_server *s, int64_t now_ms);

/* Answers one query 'q' ('len' bytes) of a client of 'vpc_id' into 'out'; for tests and tools. */
int dns_server_answer(struct dns_server *s, const char *vpc_id, const uint8_t *q, size_t len,
		      bool tcp, uint8_t *out, size_t size);

#endif
