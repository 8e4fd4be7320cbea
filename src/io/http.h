/* SPDX-License-Identifier: MIT */
/*
 * HTTP/1.1 for the API and the region's services: a reader that turns a
 * byte stream into complete, bounded requests (over the http-parser
 * library), and a server that runs readers on accepted connections in the
 * event loop and writes each response in one send with TCP_NODELAY,
 * keep-alive and pipelining intact, over plain TCP or TLS (io/tls.h). A
 * handler may also answer later (http_response_defer()): answers still go
 * out in the order of the requests.
 */
#ifndef IO_HTTP_H
#define IO_HTTP_H

#include <http_parser.h>

#include "compat.h"
#include "limits.h"
#include "base/buf.h"
#include "base/str.h"
#include "io/loop.h"

#ifndef IO_HTTP_HEADER_DEFINED
#define IO_HTTP_HEADER_DEFINED
struct http_header {
	struct str name;	/* as sent */
	struct str value;	/* as sent; surrounding blanks removed */
};
#endif

/* One complete request; every view points into the reader that made it. */
struct http_request {
	struct str method;
	struct str path;	/* before '?', undecoded */
	struct str query;	/* after '?', undecoded; may be empty */
	struct http_header headers[LIMIT_HTTP_HEADERS];
	size_t n_headers;
	struct str body;
	bool keep_alive;
	/*
	 * The connection's IPv4 ends, host order (0 for other families); the
	 * local one as the server's alias function gave it, 'reached_ip' as
	 * the client addressed it.
	 */
	uint32_t local_ip, peer_ip, reached_ip;
	uint16_t local_port, peer_port;
	bool secure;		/* it came over TLS (aws:SecureTransport) */
	uint64_t conn_id;	/* the connection's number, unique to its server */
};

struct http_reader {
	http_parser parser;
	struct buf url, hdrs, body;	/* copies of what the callbacks saw */
	struct {
		size_t name_off, name_len, value_off, value_len;
	} idx[LIMIT_HTTP_HEADERS];
	size_t n_headers;
	int last_cb;			/* 1: header name, 2: header value */
	bool complete;			/* a whole request is ready */
	bool too_big;			/* a limit was passed */
	bool expect_continue;		/* the headers asked for "100 Continue" */
	bool continued;			/* and it was sent */
	bool no_body;			/* responses to HEAD: none, whatever the headers say */
};

void http_reader_init(struct http_reader *r);
/* The same, taking bodies of up to 'max_body' bytes (LIMIT_HTTP_BODY_BYTES by default). */
void http_reader_init_max(struct http_reader *r, size_t max_body);
/*
 * Sets up 'r' to read responses (a backend's) instead, with bodies of up to
 * 'max_body' bytes; 'no_body' when they answer HEAD. Their 'method', 'path'
 * and 'query' are empty; http_reader_status() gives the status.
 */
void http_reader_init_response(struct http_reader *r, size_t max_body, bool no_body);
void http_reader_release(struct http_reader *r);

/*
 * Feeds up to 'len' bytes and sets '*used' to how many were taken. Returns 1
 * when a request is complete (get it with http_reader_request(), then call
 * http_reader_next() before feeding more), 0 when more bytes are needed,
 * -EMSGSIZE when a limit of limits.h was passed, -EBADMSG on bad HTTP.
 */
int http_reader_feed(struct http_reader *r, const char *data, size_t len, size_t *used);
/* Fills 'req' with views into 'r', valid until the next feed or next. */
void http_reader_request(struct http_reader *r, struct http_request *req);
/* Forgets the current request and gets ready for the next one. */
void http_reader_next(struct http_reader *r);
/*
 * Tells 'r' that the stream ended. Returns 1 when that completes a message
 * (a response whose body ends with the connection), 0 when no message had
 * begun, -EBADMSG when one is cut short.
 */
int http_reader_end(struct http_reader *r);

/* The status of the response read (a response reader's), once it is complete. */
static inline int http_reader_status(const struct http_reader *r)
{
	return (int)r->parser.status_code;
}

/* The value of the first header called 'name' (any case), or NULL. */
const struct str *http_header_get(const struct http_request *req, const char *name);

struct http_response {
	int status;
	const char *content_type;	/* static; NULL: no Content-Type header */
	/* Further header lines, each "Name: value\r\n" (http_response_header()). */
	struct buf headers;
	struct buf body;
	/*
	 * An answer to HEAD: the headers of the answer a GET would have had,
	 * with Content-Length 'length', and no body.
	 */
	bool head;
	size_t length;
	/* Private to the server: the connection being answered, or NULL. */
	void *conn;
};

/* Adds the header line "name: value" to 'resp'. */
void http_response_header(struct http_response *resp, const char *name, const char *fmt, ...)
	ATTR_PRINTF(3, 4);

/*
 * Answers 'req' into 'resp' (status, type and body), or defers the answer
 * (http_response_defer()); 'arg' as given. The views of 'req' end when it
 * returns, deferred or not.
 */
typedef void http_handler_fn(void *arg, const struct http_request *req,
			     struct http_response *resp);

/*
 * A request whose answer comes later: until it is answered the server sends
 * nothing more on its connection and reads no further request there, so
 * pipelined requests wait and answers keep their order. A client that closes
 * its end (even half) while it waits is taken to have gone: its connection is
 * closed, as nginx does, and the answer is dropped.
 */
struct http_deferred;

/*
 * Called by a handler: the server ignores 'resp' and answers the request
 * being handled only when the returned handle is given to
 * http_deferred_answer() or http_deferred_cancel(); one of them must be
 * called on it exactly once, from any loop callback, from the handler itself
 * or from that of another request (then its bytes go on the loop's next
 * turn), and frees it. Returns NULL, and the handler must answer in 'resp'
 * (503), when LIMIT_HTTP_DEFERRED requests of this server already wait, or
 * when 'resp' is not the server's own.
 */
struct http_deferred *http_response_defer(struct http_response *resp);
/*
 * Answers the request of 'd' with 'status', the Content-Type 'content_type'
 * (NULL: none), the header lines 'headers' ("Name: value\r\n" each, copied)
 * and 'body' (copied; only its length for a HEAD, unless 'headers' has a
 * Content-Length line, as a backend's answer to a HEAD does: that one is
 * the length), then frees 'd'. Nothing is sent when the client is gone or
 * the sweep has answered 504 already.
 */
void http_deferred_answer(struct http_deferred *d, int status, const char *content_type,
			  struct str headers, struct str body);
/*
 * Frees 'd' without an answer: its connection is closed once the answers
 * before it are sent.
 */
void http_deferred_cancel(struct http_deferred *d);
/* True while the client of 'd' still waits for the answer. */
bool http_deferred_waiting(const struct http_deferred *d);

struct http_server;
struct tls_server;

/*
 * Serves HTTP on the listening socket 'fd' (non-blocking, owned by the
 * server from now on) in 'l', answering each request with 'fn'.
 */
struct http_server *http_server_new(struct loop *l, int fd, http_handler_fn *fn, void *arg);
/*
 * Serves what http_server_new() serves, over TLS with the certificates of
 * 't' (io/tls.h; borrowed: it must outlive the server). A handshake that
 * has not ended LIMIT_TLS_HANDSHAKE_MS after the connection was accepted
 * is closed by the sweep.
 */
struct http_server *http_server_new_tls(struct loop *l, int fd, http_handler_fn *fn, void *arg,
					struct tls_server *t);
/* What the address a client reached stands for (the address itself, mostly). */
typedef uint32_t http_alias_fn(void *arg, uint32_t ip);
/* Sets 'fn' as the alias function of connections accepted from now on. */
void http_server_set_alias(struct http_server *s, http_alias_fn *fn, void *arg);
/* Closes the listener and every connection. */
void http_server_free(struct http_server *s);
/* Takes request bodies of up to 'bytes' on connections accepted from now on. */
void http_server_set_body_limit(struct http_server *s, size_t bytes);
/*
 * Holds back every response queued from now on, until http_server_release():
 * answers to writes are sent only once the writes are durable.
 */
void http_server_hold(struct http_server *s);
/*
 * Sends what was held, or, when '!ok', closes the connections that had held
 * answers, so that none of them is acknowledged.
 */
void http_server_release(struct http_server *s, bool ok);
/*
 * Closes connections that have been idle longer than LIMIT_HTTP_IDLE_MS, and
 * TLS handshakes older than LIMIT_TLS_HANDSHAKE_MS; answers 504 to requests
 * deferred LIMIT_HTTP_DEFER_MS ago, and closes their connections.
 */
void http_server_sweep(struct http_server *s);
/* The same at 'now_ms', on loop_now_ms()'s clock. */
void http_server_sweep_at(struct http_server *s, int64_t now_ms);

/* The reason phrase of 'status' ("Bad Request"). */
const char *http_reason(int status);

#endif
