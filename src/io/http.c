/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "io/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "io/tls.h"

/* What the parser called last; CB_TRAILER: a response's headers are complete. */
enum { CB_NONE, CB_NAME, CB_VALUE, CB_TRAILER };

/* Bodies larger than this are handed over to the connection, not copied. */
#define HTTP_BODY_SWAP_BYTES 4096
/* The plaintext of one full TLS record: the most one SSL_write() is given. */
#define TLS_RECORD_BYTES 16384
/* Records read from one TLS connection before others get a turn. */
#define TLS_READS_PER_EVENT 16
/* Bytes taken from a connection at once: the most a deferred request can leave unparsed. */
#define READ_BYTES 65536

static struct http_reader *reader_of(http_parser *p)
{
	return p->data;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
	buf_add(&reader_of(p)->url, at, len);
	return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
	struct http_reader *r = reader_of(p);

	if (r->last_cb == CB_TRAILER)
		return 0;
	if (r->last_cb != CB_NAME) {
		if (r->n_headers == LIMIT_HTTP_HEADERS) {
			r->too_big = true;
			return 1;
		}
		r->idx[r->n_headers].name_off = r->hdrs.len;
		r->idx[r->n_headers].name_len = 0;
		r->idx[r->n_headers].value_off = 0;
		r->idx[r->n_headers].value_len = 0;
		r->n_headers++;
		r->last_cb = CB_NAME;
	}
	buf_add(&r->hdrs, at, len);
	r->idx[r->n_headers - 1].name_len += len;
	return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
	struct http_reader *r = reader_of(p);

	if (r->last_cb == CB_TRAILER)
		return 0;
	if (!r->n_headers)
		return 1;
	if (r->last_cb != CB_VALUE) {
		r->idx[r->n_headers - 1].value_off = r->hdrs.len;
		r->last_cb = CB_VALUE;
	}
	buf_add(&r->hdrs, at, len);
	r->idx[r->n_headers - 1].value_len += len;
	return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
	buf_add(&reader_of(p)->body, at, len);
	return 0;
}

static int on_message_complete(http_parser *p)
{
	reader_of(p)->complete = true;
	http_parser_pause(p, 1);
	return 0;
}

/*
 * A client that sent "Expect: 100-continue" waits for "100 Continue"
 * before its body (botocore does for every S3 upload); a body that could
 * not be taken is refused before it is sent.
 */
static int on_headers_complete(http_parser *p)
{
	struct http_reader *r = reader_of(p);

	for (size_t i = 0; i < r->n_headers; i++) {
		struct str name = str_from(r->hdrs.p + r->idx[i].name_off, r->idx[i].name_len);
		struct str value = str_trim(str_from(r->hdrs.p + r->idx[i].value_off,
						     r->idx[i].value_len));

		/*
		 * RFC 9112 5.1: white space before the colon must be refused:
		 * http-parser takes "Content-Length :" for the length, a peer
		 * we forward to may not (request smuggling).
		 */
		if (!name.len || name.p[name.len - 1] == ' ' || name.p[name.len - 1] == '\t')
			return -1;
		if (str_eq_nocase(name, STR_LIT("expect")) &&
		    str_eq_nocase(value, STR_LIT("100-continue")) && p->type == HTTP_REQUEST)
			r->expect_continue = true;
	}
	/*
	 * A response's trailer fields are dropped (RFC 9110 6.5.2): they would
	 * otherwise join its headers. http_parser.h: 1 says that no body
	 * follows (a response to HEAD).
	 */
	if (p->type == HTTP_RESPONSE)
		r->last_cb = CB_TRAILER;
	if (r->no_body)
		return 1;
	if (p->content_length != ULLONG_MAX && p->content_length > r->body.max) {
		r->too_big = true;
		return -1;
	}
	return 0;
}

static const http_parser_settings settings = {
	.on_url = on_url,
	.on_headers_complete = on_headers_complete,
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

void http_reader_init_max(struct http_reader *r, size_t max_body)
{
	memset(r, 0, sizeof(*r));
	http_parser_init(&r->parser, HTTP_REQUEST);
	r->parser.data = r;
	buf_init(&r->url, LIMIT_HTTP_HEADER_BYTES);
	buf_init(&r->hdrs, LIMIT_HTTP_HEADER_BYTES);
	buf_init(&r->body, max_body);
}

void http_reader_init_response(struct http_reader *r, size_t max_body, bool no_body)
{
	http_reader_init_max(r, max_body);
	http_parser_init(&r->parser, HTTP_RESPONSE);
	r->parser.data = r;
	r->no_body = no_body;
}

void http_reader_init(struct http_reader *r)
{
	http_reader_init_max(r, LIMIT_HTTP_BODY_BYTES);
}

void http_reader_release(struct http_reader *r)
{
	buf_release(&r->url);
	buf_release(&r->hdrs);
	buf_release(&r->body);
}

void http_reader_next(struct http_reader *r)
{
	buf_reset(&r->url);
	buf_reset(&r->hdrs);
	buf_reset(&r->body);
	r->n_headers = 0;
	r->last_cb = CB_NONE;
	r->complete = false;
	r->expect_continue = false;
	r->continued = false;
	http_parser_pause(&r->parser, 0);
}

int http_reader_feed(struct http_reader *r, const char *data, size_t len, size_t *used)
{
	size_t n;
	enum http_errno err;

	*used = 0;
	if (r->complete)
		return 1;
	n = http_parser_execute(&r->parser, &settings, data, len);
	*used = n;
	err = HTTP_PARSER_ERRNO(&r->parser);
	if (r->too_big || r->url.err || r->hdrs.err || r->body.err ||
	    err == HPE_HEADER_OVERFLOW)
		return -EMSGSIZE;
	if (r->complete)
		return 1;
	if (err != HPE_OK)
		return -EBADMSG;
	return 0;
}

int http_reader_end(struct http_reader *r)
{
	if (r->complete)
		return 1;
	http_parser_execute(&r->parser, &settings, NULL, 0);
	if (r->complete)
		return 1;
	return HTTP_PARSER_ERRNO(&r->parser) == HPE_OK ? 0 : -EBADMSG;
}

void http_reader_request(struct http_reader *r, struct http_request *req)
{
	struct str url = buf_str(&r->url), path;

	req->method = r->parser.type == HTTP_REQUEST ?
		      str_c(http_method_str((enum http_method)r->parser.method)) : STR_EMPTY;
	if (str_cut(&url, '?', &path)) {
		req->path = path;
		req->query = url;
	} else {
		req->path = url;
		req->query = STR_EMPTY;
	}
	req->n_headers = r->n_headers;
	for (size_t i = 0; i < r->n_headers; i++) {
		req->headers[i].name = str_from(r->hdrs.p + r->idx[i].name_off,
						r->idx[i].name_len);
		req->headers[i].value = str_trim(str_from(r->hdrs.p + r->idx[i].value_off,
							  r->idx[i].value_len));
	}
	req->body = buf_str(&r->body);
	req->keep_alive = http_should_keep_alive(&r->parser);
}

const struct str *http_header_get(const struct http_request *req, const char *name)
{
	struct str n = str_c(name);

	for (size_t i = 0; i < req->n_headers; i++)
		if (str_eq_nocase(req->headers[i].name, n))
			return &req->headers[i].value;
	return NULL;
}

void http_response_header(struct http_response *resp, const char *name, const char *fmt, ...)
{
	va_list ap;

	buf_addf(&resp->headers, "%s: ", name);
	va_start(ap, fmt);
	buf_vaddf(&resp->headers, fmt, ap);
	va_end(ap);
	buf_adds(&resp->headers, "\r\n");
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 412: return "Precondition Failed";
	case 413: return "Payload Too Large";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Unknown";
	}
}

struct conn {
	struct http_server *srv;
	struct conn *prev, *next;
	int fd;
	struct http_reader reader;
	struct buf out;		/* response bytes not yet sent */
	size_t out_off;		/* bytes of 'out' already sent */
	/*
	 * The body of the last response, sent after 'out' without being
	 * copied into it: taken over from the handler's buffer.
	 */
	struct buf body;
	size_t body_off;	/* bytes of 'body' already sent */
	uint32_t events;	/* what the loop watches 'fd' for */
	int64_t active_ms;
	struct sockaddr_in local, peer;	/* zero unless IPv4; 'local' through the alias */
	uint32_t reached_ip;		/* 'local' as the client addressed it, host order */
	bool closing;		/* close once 'out' is sent */
	bool held;		/* 'out' waits for http_server_release() */
	/* TLS only: */
	SSL *ssl;		/* NULL: plain TCP */
	int64_t accepted_ms;	/* the handshake must end LIMIT_TLS_HANDSHAKE_MS later */
	uint32_t want;		/* what the last SSL call waits for: EPOLLIN or EPOLLOUT */
	bool handshaken;
	bool broken;		/* a fatal TLS error: close without close_notify */
	uint64_t id;		/* the server's count of connections when it came */
	/* Deferred answers (http_response_defer()): */
	struct http_deferred *deferred;	/* the answer every later byte waits for */
	struct buf stash;	/* read after the deferred request, not yet parsed */
	bool dispatching;	/* in the handler: answers are queued, not sent */
	bool was_deferred;	/* the request in the handler was deferred */
	bool keep;		/* the request in the handler keeps the connection */
	bool head;		/* the request in the handler is a HEAD */
};

struct http_deferred {
	struct conn *conn;	/* NULL once the client is gone or was answered 504 */
	int64_t deadline_ms;	/* the sweep answers 504 after it */
	bool keep_alive;	/* the request keeps the connection */
	bool head;		/* the request is a HEAD: no body goes with the answer */
};

struct http_server {
	struct loop *loop;
	int fd;
	uint64_t accepted;	/* connections so far */
	size_t body_limit;	/* of a request */
	http_handler_fn *fn;
	void *arg;
	struct conn *conns;
	size_t n_conns;
	size_t n_deferred;	/* connections whose answer is deferred */
	bool holding;		/* responses wait for a release */
	struct http_response resp;	/* reused for every request */
	SSL_CTX *tls;		/* NULL: plain HTTP */
	http_alias_fn *alias;	/* NULL: none */
	void *alias_arg;
};

static void conn_close(struct conn *c)
{
	struct http_server *s = c->srv;

	loop_del(s->loop, c->fd);
	if (c->ssl) {
		/* Best effort: close_notify goes if the socket takes it now. */
		if (c->handshaken && !c->broken)
			SSL_shutdown(c->ssl);
		ERR_clear_error();
		SSL_free(c->ssl);
	}
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->n_conns--;
	if (c->deferred) {
		c->deferred->conn = NULL;
		s->n_deferred--;
	}
	http_reader_release(&c->reader);
	buf_release(&c->out);
	buf_release(&c->body);
	buf_release(&c->stash);
	free(c);
}

static bool pending(const struct conn *c)
{
	return c->out.len > c->out_off || c->body.len > c->body_off;
}

/* Queues the status line and the headers of an answer whose body has 'length' bytes. */
static void queue_head(struct conn *c, int status, const char *content_type, size_t length,
		       struct str headers, bool keep)
{
	struct buf *o = &c->out;

	/* Keep the byte order: a body still waiting goes before new bytes. */
	if (c->body.len > c->body_off) {
		buf_add(o, c->body.p + c->body_off, c->body.len - c->body_off);
		buf_reset(&c->body);
		c->body_off = 0;
	}
	buf_addf(o, "HTTP/1.1 %d %s\r\n", status, http_reason(status));
	if (content_type)
		buf_addf(o, "Content-Type: %s\r\n", content_type);
	buf_addf(o, "Content-Length: %zu\r\nServer: vpced\r\n%s",
		 length, keep ? "" : "Connection: close\r\n");
	buf_addstr(o, headers);
	buf_adds(o, "\r\n");
	if (!keep)
		c->closing = true;
}

/*
 * Queues the answer 'resp'. A large body is not copied: the connection takes
 * the handler's buffer and gives it its own empty one back.
 */
static void queue_response(struct conn *c, struct http_response *resp, bool keep)
{
	struct buf *o = &c->out;

	queue_head(c, resp->status, resp->content_type, resp->head ? resp->length : resp->body.len,
		   buf_str(&resp->headers), keep);
	if (resp->head) {
		/* Nothing after the headers. */
	} else if (resp->body.len > HTTP_BODY_SWAP_BYTES) {
		struct buf t = c->body;

		buf_reset(&t);
		c->body = resp->body;
		c->body_off = 0;
		resp->body = t;
	} else {
		buf_add(o, resp->body.p, resp->body.len);
	}
}

/* Queues bytes of the protocol's own ("100 Continue"), after what is queued. */
static void queue_raw(struct conn *c, struct str bytes)
{
	if (c->body.len > c->body_off) {
		buf_add(&c->out, c->body.p + c->body_off, c->body.len - c->body_off);
		buf_reset(&c->body);
		c->body_off = 0;
	}
	buf_addstr(&c->out, bytes);
}

static void queue_error(struct conn *c, int status)
{
	struct http_response r = { .status = status, .content_type = "text/plain" };

	buf_init(&r.body, 256);
	buf_init(&r.headers, 0);
	buf_addf(&r.body, "%s\n", http_reason(status));
	queue_response(c, &r, false);
	buf_release(&r.body);
}

/* Counts 'n' bytes as sent: those of 'out' first, then those of 'body'. */
static void sent(struct conn *c, size_t n)
{
	size_t head = MIN(n, c->out.len - c->out_off);

	c->out_off += head;
	c->body_off += n - head;
}

/* Sends until the socket is full. Returns 0, or -1 when the connection failed. */
static int send_plain(struct conn *c)
{
	while (pending(c)) {
		struct iovec iov[2] = {
			{ c->out.p + c->out_off, c->out.len - c->out_off },
			{ c->body.p + c->body_off, c->body.len - c->body_off },
		};
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
		ssize_t n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			return -1;
		}
		sent(c, (size_t)n);
	}
	return 0;
}

/*
 * The next bytes to give SSL_write(): min(TLS_RECORD_BYTES, what is queued),
 * gathered into 'scratch' when they straddle 'out' and 'body'. A retry after
 * WANT_WRITE thus gets the same bytes again, and at least as many, as
 * OpenSSL requires.
 */
static const char *tls_chunk(const struct conn *c, char scratch[static TLS_RECORD_BYTES],
			     size_t *len)
{
	size_t head = c->out.len - c->out_off, tail = c->body.len - c->body_off;

	if (head >= TLS_RECORD_BYTES || !tail) {
		*len = MIN(head, TLS_RECORD_BYTES);
		return c->out.p + c->out_off;
	}
	if (!head) {
		*len = MIN(tail, TLS_RECORD_BYTES);
		return c->body.p + c->body_off;
	}
	*len = MIN(head + tail, TLS_RECORD_BYTES);
	memcpy(scratch, c->out.p + c->out_off, head);
	memcpy(scratch + head, c->body.p + c->body_off, *len - head);
	return scratch;
}

/* Why OpenSSL gave up on a handshake: a client that does not trust the CA says so. */
static void log_handshake_failure(const struct conn *c)
{
	char peer[INET_ADDRSTRLEN] = "?";
	const char *why = ERR_reason_error_string(ERR_peek_last_error());

	inet_ntop(AF_INET, &c->peer.sin_addr, peer, sizeof(peer));
	log_warn_rl("tls handshake from %s failed: %s", peer, why ? why : "unknown error");
}

/* What SSL said after 'ret': sets c->want and returns 0, or -1 when the connection failed. */
static int tls_status(struct conn *c, int ret)
{
	switch (SSL_get_error(c->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		c->want = EPOLLIN;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		c->want = EPOLLOUT;
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		/* The peer's close_notify: ours goes back in conn_close(). */
		return -1;
	default:
		c->broken = true;
		if (!c->handshaken && ERR_peek_error())
			log_handshake_failure(c);
		ERR_clear_error();
		return -1;
	}
}

static int send_tls(struct conn *c)
{
	char scratch[TLS_RECORD_BYTES];

	while (pending(c)) {
		size_t len;
		const char *p = tls_chunk(c, scratch, &len);
		int n;

		ERR_clear_error();
		n = SSL_write(c->ssl, p, (int)len);
		if (n <= 0)
			return tls_status(c, n);
		sent(c, (size_t)n);
	}
	return 0;
}

/* Sends what is queued; false when the connection is gone. */
static bool flush(struct conn *c)
{
	if (c->out.err) {
		/* More answers were queued than one connection may hold. */
		log_warn_rl("closing a connection whose queued answers passed %d bytes",
			    LIMIT_HTTP_RESPONSE_BYTES);
		conn_close(c);
		return false;
	}
	if (c->srv->holding && pending(c)) {
		c->held = true;
		return true;
	}
	if ((c->ssl ? send_tls(c) : send_plain(c)) < 0) {
		conn_close(c);
		return false;
	}
	if (!pending(c)) {
		buf_reset(&c->out);
		buf_reset(&c->body);
		c->out_off = 0;
		c->body_off = 0;
		if (c->closing) {
			conn_close(c);
			return false;
		}
	}
	return true;
}

static void conn_event(struct loop *l, int fd, uint32_t events, void *arg);

static void watch(struct conn *c, uint32_t ev)
{
	if (ev != c->events && loop_mod(c->srv->loop, c->fd, ev, conn_event, c) == 0)
		c->events = ev;
}

/*
 * While an answer is deferred nothing is read (pipelined requests wait in
 * the socket), but the client's FIN or reset must still be seen.
 */
static uint32_t gone_events(const struct conn *c)
{
	return c->deferred ? EPOLLRDHUP : 0;
}

/* A stash to parse wants a turn as soon as possible: the socket is writable. */
static void watch_plain(struct conn *c)
{
	if (c->deferred)
		watch(c, (pending(c) ? EPOLLOUT : 0) | EPOLLRDHUP);
	else if (pending(c) || c->stash.len)
		watch(c, EPOLLOUT);
	else
		watch(c, EPOLLIN);
}

/*
 * Runs the handler on 'req' and queues its answer, unless it deferred it.
 * Returns false when the connection must read no further request.
 */
static bool dispatch(struct conn *c, const struct http_request *req)
{
	struct http_server *s = c->srv;

	s->resp.status = 200;
	s->resp.content_type = "text/xml;charset=UTF-8";
	s->resp.head = false;
	s->resp.length = 0;
	s->resp.conn = c;
	buf_reset(&s->resp.headers);
	buf_reset(&s->resp.body);
	c->keep = req->keep_alive;
	c->head = c->reader.parser.method == HTTP_HEAD;
	c->dispatching = true;
	c->was_deferred = false;
	s->fn(s->arg, req, &s->resp);
	c->dispatching = false;
	s->resp.conn = NULL;
	if (c->was_deferred)
		return true;
	if (s->resp.body.err || s->resp.headers.err) {
		queue_error(c, 500);
		return false;
	}
	queue_response(c, &s->resp, req->keep_alive);
	return true;
}

/*
 * Parses and answers every complete request in 'data'. After a deferred one,
 * what is left waits in c->stash for its answer.
 */
static void consume(struct conn *c, const char *data, size_t len)
{
	while (len && !c->closing && !c->deferred) {
		struct http_request req;
		size_t used;
		int ret = http_reader_feed(&c->reader, data, len, &used);

		data += used;
		len -= used;
		if (ret == -EMSGSIZE) {
			queue_error(c, 413);
			return;
		}
		if (ret < 0) {
			queue_error(c, 400);
			return;
		}
		if (ret == 0) {
			if (c->reader.expect_continue && !c->reader.continued) {
				queue_raw(c, STR_LIT("HTTP/1.1 100 Continue\r\n\r\n"));
				c->reader.continued = true;
			}
			continue;
		}
		http_reader_request(&c->reader, &req);
		req.local_ip = ntohl(c->local.sin_addr.s_addr);
		req.reached_ip = c->reached_ip;
		req.local_port = ntohs(c->local.sin_port);
		req.peer_ip = ntohl(c->peer.sin_addr.s_addr);
		req.peer_port = ntohs(c->peer.sin_port);
		req.secure = c->ssl != NULL;
		req.conn_id = c->id;
		if (!dispatch(c, &req))
			return;
		http_reader_next(&c->reader);
	}
	if (len && c->deferred && !c->closing)
		buf_add(&c->stash, data, len);
}

/* Parses what was read after a deferred request, once its answer is queued. */
static void consume_stash(struct conn *c)
{
	struct buf rest = c->stash;

	buf_init(&c->stash, READ_BYTES);
	consume(c, rest.p, rest.len);
	buf_release(&rest);
}

static void run_plain(struct conn *c)
{
	char in[READ_BYTES];
	ssize_t n;

	if (c->held)
		return;
	if (pending(c) || c->deferred) {
		if (flush(c))
			watch_plain(c);
		return;
	}
	if (c->stash.len) {
		consume_stash(c);
	} else {
		n = recv(c->fd, in, sizeof(in), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			conn_close(c);
			return;
		}
		if (n < 0)
			return;
		consume(c, in, (size_t)n);
	}
	if (flush(c))
		watch_plain(c);
}

/* After an SSL call returned 'ret': waits for what it wants, or closes. */
static void tls_wait(struct conn *c, int ret)
{
	if (tls_status(c, ret) < 0)
		conn_close(c);
	else
		watch(c, c->want);
}

/*
 * Takes a TLS connection as far as it goes: the handshake, queued answers,
 * then requests. Bytes OpenSSL already holds raise no event, so reading
 * goes on until it needs the socket (after TLS_READS_PER_EVENT records, only
 * while it holds some).
 */
static void run_tls(struct conn *c)
{
	char in[READ_BYTES];

	for (int reads = 0;; reads++) {
		int n;

		if (!c->handshaken) {
			ERR_clear_error();
			n = SSL_do_handshake(c->ssl);
			if (n != 1) {
				tls_wait(c, n);
				return;
			}
			c->handshaken = true;
		}
		if (c->held)
			return;
		if (pending(c) && (!flush(c) || c->held))
			return;
		if (pending(c)) {
			watch(c, c->want | gone_events(c));
			return;
		}
		if (c->deferred) {
			watch(c, EPOLLRDHUP);
			return;
		}
		if (c->stash.len) {
			consume_stash(c);
			continue;
		}
		if (reads >= TLS_READS_PER_EVENT && !SSL_has_pending(c->ssl)) {
			watch(c, EPOLLIN);
			return;
		}
		ERR_clear_error();
		n = SSL_read(c->ssl, in, sizeof(in));
		if (n <= 0) {
			tls_wait(c, n);
			return;
		}
		consume(c, in, (size_t)n);
	}
}

static void conn_event(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct conn *c = arg;

	(void)l;
	(void)fd;
	c->active_ms = loop_now_ms();
	if (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLIN)) {
		conn_close(c);
		return;
	}
	/* A client that stops sending while its answer is deferred has gone (nginx's 499). */
	if (events & EPOLLRDHUP && c->deferred) {
		conn_close(c);
		return;
	}
	if (c->ssl)
		run_tls(c);
	else
		run_plain(c);
}

/*
 * True within a handler of the server of 'c' for another connection: the
 * server's response is taken, and the caller may be walking the connections,
 * so 'c' must be neither answered nor closed now. A writable socket brings
 * its next turn at once.
 */
static bool nested(const struct conn *c)
{
	return c->srv->resp.conn && c->srv->resp.conn != c;
}

/* Sends the deferred answer just queued, then goes on with the requests after it. */
static void resume(struct conn *c)
{
	c->active_ms = loop_now_ms();
	if (nested(c))
		watch(c, EPOLLOUT);
	else if (c->ssl)
		run_tls(c);
	else
		run_plain(c);
}

/* Sends what is queued when it can, with no new request read: the connection is closing. */
static void finish(struct conn *c)
{
	if (c->dispatching)
		return;
	if (nested(c))
		watch(c, EPOLLOUT);
	else if (flush(c) && !c->held)
		watch(c, c->ssl ? c->want : EPOLLOUT);
}

/* Forgets the deferred answer of 'c'; its handle no longer reaches 'c'. */
static struct http_deferred *undefer(struct conn *c)
{
	struct http_deferred *d = c->deferred;

	d->conn = NULL;
	c->deferred = NULL;
	c->srv->n_deferred--;
	return d;
}

struct http_deferred *http_response_defer(struct http_response *resp)
{
	struct conn *c = resp->conn;
	struct http_deferred *d;

	if (!c || c->was_deferred || c->srv->n_deferred >= LIMIT_HTTP_DEFERRED)
		return NULL;
	d = xmalloc(sizeof(*d));
	*d = (struct http_deferred){
		.conn = c,
		.deadline_ms = loop_now_ms() + LIMIT_HTTP_DEFER_MS,
		.keep_alive = c->keep,
		.head = c->head,
	};
	c->deferred = d;
	c->was_deferred = true;
	c->srv->n_deferred++;
	return d;
}

/*
 * Frees 'd' (keeping what 'copy' needs of it) and returns its connection,
 * which waits for it no more; NULL when there is none to answer.
 */
static struct conn *deferred_end(struct http_deferred *d, struct http_deferred *copy)
{
	struct conn *c = d ? d->conn : NULL;

	if (d)
		*copy = *d;
	if (c)
		undefer(c);
	free(d);
	return c;
}

/*
 * For a HEAD answered with a Content-Length line among 'headers': that
 * length into '*length', and the other lines into 'rest'. False when there
 * is none (or it is not a length).
 */
static bool head_length(struct str headers, size_t *length, struct buf *rest)
{
	static const struct str name = STR_LIT("content-length:");
	bool found = false;
	struct str line;

	while (headers.len) {
		const char *nl = memchr(headers.p, '\n', headers.len);
		size_t n = nl ? (size_t)(nl - headers.p) + 1 : headers.len;
		uint64_t v;

		line = str_from(headers.p, n);
		headers = str_from(headers.p + n, headers.len - n);
		if (!found && line.len >= name.len + 2 &&
		    str_eq_nocase(str_from(line.p, name.len), name) &&
		    str_to_u64(str_trim(str_from(line.p + name.len, line.len - name.len - 2)),
			       SIZE_MAX, &v) == 0) {
			*length = (size_t)v;
			found = true;
		} else {
			buf_addstr(rest, line);
		}
	}
	return found;
}

void http_deferred_answer(struct http_deferred *d, int status, const char *content_type,
			  struct str headers, struct str body)
{
	struct http_deferred was;
	struct conn *c = deferred_end(d, &was);
	size_t length = body.len;
	struct buf rest;

	if (!c)
		return;
	buf_init(&rest, headers.len + 1);
	if (was.head && head_length(headers, &length, &rest))
		headers = buf_str(&rest);
	queue_head(c, status, content_type, length, headers, was.keep_alive);
	buf_release(&rest);
	if (!was.head)
		buf_addstr(&c->out, body);
	/* In the handler, consume() goes on with the next request itself. */
	if (!c->dispatching)
		resume(c);
}

void http_deferred_cancel(struct http_deferred *d)
{
	struct http_deferred was;
	struct conn *c = deferred_end(d, &was);

	if (!c)
		return;
	c->closing = true;
	finish(c);
}

bool http_deferred_waiting(const struct http_deferred *d)
{
	return d && d->conn;
}

/* Starts TLS on 'c'; the handshake waits for the ClientHello. */
static bool tls_start(struct conn *c, SSL_CTX *ctx)
{
	c->ssl = SSL_new(ctx);
	if (!c->ssl || !SSL_set_fd(c->ssl, c->fd)) {
		ERR_clear_error();
		return false;
	}
	SSL_set_accept_state(c->ssl);
	c->accepted_ms = c->active_ms;
	return true;
}

static void accept_event(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct http_server *s = arg;
	int one = 1;

	(void)events;
	for (;;) {
		struct sockaddr_in peer = { 0 }, local = { 0 };
		socklen_t peer_len = sizeof(peer), local_len = sizeof(local);
		int cfd = accept4(fd, (struct sockaddr *)&peer, &peer_len,
				  SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;

		if (cfd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn_rl("accept: %s", strerror(errno));
			return;
		}
		if (s->n_conns >= LIMIT_HTTP_CONNS) {
			log_warn_rl("refusing a connection: %d open", LIMIT_HTTP_CONNS);
			close(cfd);
			continue;
		}
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = xcalloc(1, sizeof(*c));
		c->id = ++s->accepted;
		c->srv = s;
		c->fd = cfd;
		c->active_ms = loop_now_ms();
		if (peer.sin_family == AF_INET &&
		    getsockname(cfd, (struct sockaddr *)&local, &local_len) == 0 &&
		    local.sin_family == AF_INET) {
			c->peer = peer;
			c->local = local;
			c->reached_ip = ntohl(local.sin_addr.s_addr);
			if (s->alias)
				c->local.sin_addr.s_addr = htonl(s->alias(s->alias_arg, c->reached_ip));
		}
		http_reader_init_max(&c->reader, s->body_limit);
		buf_init(&c->out, LIMIT_HTTP_RESPONSE_BYTES + 4096);
		buf_init(&c->body, LIMIT_HTTP_RESPONSE_BYTES);
		buf_init(&c->stash, READ_BYTES);
		c->events = EPOLLIN;
		if ((s->tls && !tls_start(c, s->tls)) ||
		    loop_add(l, cfd, EPOLLIN, conn_event, c) < 0) {
			SSL_free(c->ssl);
			http_reader_release(&c->reader);
			close(cfd);
			free(c);
			continue;
		}
		c->next = s->conns;
		if (s->conns)
			s->conns->prev = c;
		s->conns = c;
		s->n_conns++;
	}
}

struct http_server *http_server_new(struct loop *l, int fd, http_handler_fn *fn, void *arg)
{
	struct http_server *s = xcalloc(1, sizeof(*s));

	s->loop = l;
	s->fd = fd;
	s->fn = fn;
	s->body_limit = LIMIT_HTTP_BODY_BYTES;
	s->arg = arg;
	buf_init(&s->resp.body, LIMIT_HTTP_RESPONSE_BYTES);
	buf_init(&s->resp.headers, LIMIT_HTTP_HEADER_BYTES);
	http_parser_set_max_header_size(LIMIT_HTTP_HEADER_BYTES);
	if (loop_add(l, fd, EPOLLIN, accept_event, s) < 0) {
		buf_release(&s->resp.headers);
		buf_release(&s->resp.body);
		free(s);
		return NULL;
	}
	return s;
}

struct http_server *http_server_new_tls(struct loop *l, int fd, http_handler_fn *fn, void *arg,
					struct tls_server *t)
{
	struct http_server *s = http_server_new(l, fd, fn, arg);

	if (s)
		s->tls = tls_server_ctx(t);
	return s;
}

void http_server_free(struct http_server *s)
{
	if (!s)
		return;
	while (s->conns)
		conn_close(s->conns);
	loop_del(s->loop, s->fd);
	close(s->fd);
	buf_release(&s->resp.headers);
	buf_release(&s->resp.body);
	free(s);
}

void http_server_set_alias(struct http_server *s, http_alias_fn *fn, void *arg)
{
	s->alias = fn;
	s->alias_arg = arg;
}

void http_server_set_body_limit(struct http_server *s, size_t bytes)
{
	s->body_limit = bytes;
}

void http_server_hold(struct http_server *s)
{
	s->holding = true;
}

void http_server_release(struct http_server *s, bool ok)
{
	struct conn *c = s->conns;

	if (!s->holding)
		return;
	s->holding = false;
	while (c) {
		struct conn *next = c->next;

		if (c->held) {
			c->held = false;
			if (!ok)
				conn_close(c);
			else if (c->ssl)
				run_tls(c);
			else if (flush(c))
				watch_plain(c);
		}
		c = next;
	}
}

void http_server_sweep_at(struct http_server *s, int64_t now_ms)
{
	struct conn *c = s->conns;

	while (c) {
		struct conn *next = c->next;

		if (c->deferred) {
			if (now_ms > c->deferred->deadline_ms) {
				/* Its handle stays the caller's; its answer, if any, goes nowhere. */
				undefer(c);
				queue_error(c, 504);
				finish(c);
			}
		} else if (now_ms - c->active_ms > LIMIT_HTTP_IDLE_MS ||
			   (c->ssl && !c->handshaken &&
			    now_ms - c->accepted_ms > LIMIT_TLS_HANDSHAKE_MS)) {
			conn_close(c);
		}
		c = next;
	}
}

void http_server_sweep(struct http_server *s)
{
	http_server_sweep_at(s, loop_now_ms());
}
