/* SPDX-License-Identifier: MIT */
/*
 * HTTP/1.1 for the API and the region's services: a reader that turns a
 * byte stream into complete, bounded requests (over the http-parser
 * library), and a server that runs readers on accepted connections in the
 * event loop and writes each response in one send with TCP_NODELAY,
 * keep-alive and pipelining intact, over plain TCP or TLS (io/tls.h).
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
	/* The connection's IPv4 ends, host order (0 for other families). */
	uint32_t local_ip, peer_ip;
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
};

void http_reader_init(struct http_reader *r);
/* The same, taking bodies of up to 'max_body' bytes (LIMIT_HTTP_BODY_BYTES by default). */
void http_reader_init_max(struct http_reader *r, size_t max_body);
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
};

/* Adds the header line "name: value" to 'resp'. */
void http_response_header(struct http_response *resp, const char *name, const char *fmt, ...)
	ATTR_PRINTF(3, 4);

/* Answers 'req' into 'resp' (status, type and body); 'arg' as given. */
typedef void http_handler_fn(void *arg, const struct http_request *req,
			     struct http_response *resp);

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
 * TLS handshakes older than LIMIT_TLS_HANDSHAKE_MS.
 */
void http_server_sweep(struct http_server *s);
/* The same at 'now_ms', on loop_now_ms()'s clock. */
void http_server_sweep_at(struct http_server *s, int64_t now_ms);

/* The reason phrase of 'status' ("Bad Request"). */
const char *http_reason(int status);

#endif
