/* SPDX-License-Identifier: MIT */
/*
 * The bytes of a forwarded exchange (proxy/forward.h), without sockets: the
 * request as it goes to a backend, and the backend's response as it comes
 * back. Hop-by-hop headers (RFC 9110 7.6.1) stay on their own hop both ways:
 * Connection, Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding(*) and
 * Upgrade, and the framing is redone each way. Headers a Connection header
 * names are dropped from responses only: in a request they may be what the
 * front authenticated and classified (Authorization, Content-Type,
 * X-Amz-*), and the backend must see the request that was checked.
 */
#ifndef PROXY_MESSAGE_H
#define PROXY_MESSAGE_H

#include "compat.h"
#include "base/buf.h"
#include "base/str.h"
#include "io/http.h"

/*
 * Appends to 'out' the request 'req' for a backend: its method, path and
 * query, its headers but the hop-by-hop ones, Content-Length and Expect
 * (Host as the client sent it), then 'extra' (header lines, "Name:
 * value\r\n" each), a Content-Length of its own and the body. Returns 0, or
 * -EMSGSIZE when 'out' passed its max.
 */
int proxy_request_write(struct buf *out, const struct http_request *req, struct str extra);

/* A backend's response, read whatever its framing (length, chunked, or the connection's end). */
struct proxy_response {
	struct http_reader reader;
	int status;		/* of the final response, once complete */
	/*
	 * Its end-to-end header lines, "Name: value\r\n" each, once complete:
	 * neither hop-by-hop headers nor Content-Length, and no CR or LF within;
	 * but an answer to HEAD keeps its Content-Length, which frames no body
	 * there and says how long the GET's would be.
	 */
	struct buf headers;
	struct str body;	/* once complete; a view into 'reader' */
	bool keep_alive;	/* the connection may carry another request */
	bool started;		/* a byte of a response came */
	bool head;		/* the answer to a HEAD */
};

/*
 * Sets up 'r' for the response to a request, of up to
 * LIMIT_HTTP_RESPONSE_BYTES of body; 'head' when the request was a HEAD
 * (the response has no body whatever it says).
 */
void proxy_response_init(struct proxy_response *r, bool head);
void proxy_response_release(struct proxy_response *r);
/*
 * Feeds up to 'len' bytes and sets '*used' to how many were taken. Returns 1
 * when the final response is complete (informational ones, 1xx, are
 * skipped), 0 when more bytes are needed, -EMSGSIZE past a limit, -EBADMSG on
 * bad HTTP.
 */
int proxy_response_feed(struct proxy_response *r, const char *data, size_t len, size_t *used);
/*
 * The backend closed the connection. Returns 1 when that completes the
 * response (its body ended with it), 0 when no byte of one had come,
 * -EBADMSG when it was cut short.
 */
int proxy_response_end(struct proxy_response *r);

/* True for a header that must not cross a hop (any case). */
bool proxy_header_hop(struct str name);

#endif
