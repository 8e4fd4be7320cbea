/* SPDX-License-Identifier: MIT */
/*
 * An asynchronous HTTP/1.1 forwarder in the event loop: a request goes to a
 * backend (moto_server, LocalStack) over a kept-alive connection or a new
 * one, and the answer comes back to a callback. Nothing blocks: connects are
 * non-blocking and each wait has a deadline that proxy_sweep() keeps. Every
 * proxy_forward() that returns 0 ends in exactly one call of its 'done'.
 */
#ifndef PROXY_FORWARD_H
#define PROXY_FORWARD_H

#include "compat.h"
#include "base/str.h"
#include "io/http.h"
#include "io/loop.h"

struct proxy;

/*
 * The end of an exchange. 'status' is the backend's HTTP status, with its
 * end-to-end header lines 'headers' ("Name: value\r\n" each; neither
 * hop-by-hop ones nor Content-Length) and 'body'. Or it is a negative errno,
 * with both empty: a connect error (-ECONNREFUSED, ...), -ETIMEDOUT,
 * -ECONNRESET (closed without an answer), -EBADMSG (a malformed answer),
 * -EMSGSIZE (an answer past limits.h) or -ECANCELED (proxy_free()). The
 * views live until it returns. It may forward again, but not free 'p'.
 */
typedef void proxy_done_fn(void *arg, int status, struct str headers, struct str body);

/* A forwarder in 'l', with no connection yet; proxy_free() frees it. */
struct proxy *proxy_new(struct loop *l);
/* Ends every exchange with -ECANCELED, closes every connection and frees 'p'. */
void proxy_free(struct proxy *p);

/*
 * Sends 'req' to the backend at 'ip':'port' (IPv4, host order), as
 * proxy_request_write() writes it with the header lines 'extra_headers'
 * ("Name: value\r\n" each), over an idle connection to that backend or a new
 * one. Everything is copied: the views of 'req' may end when it returns.
 * Returns 0, and 'done' gets 'arg' later (never from within this call); or
 * -EAGAIN when LIMIT_PROXY_EXCHANGES are under way, -EMSGSIZE for a request
 * too big, -ECANCELED while 'p' is being freed, or the -errno of socket(),
 * and 'done' is never called.
 */
int proxy_forward(struct proxy *p, uint32_t ip, uint16_t port, const struct http_request *req,
		  struct str extra_headers, proxy_done_fn *done, void *arg);

/*
 * Ends with -ETIMEDOUT the exchanges whose connection is not up
 * LIMIT_PROXY_CONNECT_MS after it began, or that began
 * LIMIT_PROXY_EXCHANGE_MS ago, and closes connections idle for
 * LIMIT_PROXY_IDLE_MS. Call it every second or so.
 */
void proxy_sweep(struct proxy *p);
/* The same at 'now_ms', on loop_now_ms()'s clock. */
void proxy_sweep_at(struct proxy *p, int64_t now_ms);

/* The status a front answers for the error 'err' given to 'done': 504 for a timeout, else 502. */
int proxy_error_status(int err);

struct proxy_stats {
	size_t exchanges;	/* under way */
	size_t idle;		/* connections kept for another exchange */
	uint64_t opened;	/* connections opened so far */
};

/* What 'p' is doing, into 'out'. */
void proxy_stats(const struct proxy *p, struct proxy_stats *out);

#endif
