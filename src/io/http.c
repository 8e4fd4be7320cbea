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

enum { CB_NONE, CB_NAME, CB_VALUE };

/* Bodies larger than this are handed over to the connection, not copied. */
#define HTTP_BODY_SWAP_BYTES 4096
/* The plaintext of one full TLS record: the most one SSL_write() is given. */
#define TLS_RECORD_BYTES 16384
/* Records read from one TLS connection before others get a turn. */
#define TLS_READS_PER_EVENT 16

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

		if (str_eq_nocase(name, STR_LIT("expect")) &&
		    str_eq_nocase(value, STR_LIT("100-continue")))
			r->expect_continue = true;
	}
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

void http_reader_request(struct http_reader *r, struct http_request *req)
{
	struct str url = buf_str(&r->url), path;

	req->method = str_c(http_method_str((enum http_method)r->parser.method));
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
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
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
	struct sockaddr_in local, peer;	/* zero unless IPv4 */
	bool closing;		/* close once 'out' is sent */
	bool held;		/* 'out' waits for http_server_release() */
	/* TLS only: */
	SSL *ssl;		/* NULL: plain TCP */
	int64_t accepted_ms;	/* the handshake must end LIMIT_TLS_HANDSHAKE_MS later */
	uint32_t want;		/* what the last SSL call waits for: EPOLLIN or EPOLLOUT */
	bool handshaken;
	bool broken;		/* a fatal TLS error: close without close_notify */
	uint64_t id;		/* the server's count of connections when it came */
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
	bool holding;		/* responses wait for a release */
	struct http_response resp;	/* reused for every request */
	SSL_CTX *tls;		/* NULL: plain HTTP */
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
	http_reader_release(&c->reader);
	buf_release(&c->out);
	buf_release(&c->body);
	free(c);
}

static bool pending(const struct conn *c)
{
	return c->out.len > c->out_off || c->body.len > c->body_off;
}

/*
 * Queues the answer 'resp'. A large body is not copied: the connection takes
 * the handler's buffer and gives it its own empty one back.
 */
static void queue_response(struct conn *c, struct http_response *resp, bool keep)
{
	struct buf *o = &c->out;

	/* Keep the byte order: a body still waiting goes before new bytes. */
	if (c->body.len > c->body_off) {
		buf_add(o, c->body.p + c->body_off, c->body.len - c->body_off);
		buf_reset(&c->body);
		c->body_off = 0;
	}
	buf_addf(o, "HTTP/1.1 %d %s\r\n", resp->status, http_reason(resp->status));
	if (resp->content_type)
		buf_addf(o, "Content-Type: %s\r\n", resp->content_type);
	buf_addf(o, "Content-Length: %zu\r\nServer: vpced\r\n%s",
		 resp->head ? resp->length : resp->body.len, keep ? "" : "Connection: close\r\n");
	buf_add(o, resp->headers.p, resp->headers.len);
	buf_adds(o, "\r\n");
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
	if (!keep)
		c->closing = true;
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

static void watch_plain(struct conn *c)
{
	watch(c, pending(c) ? EPOLLOUT : EPOLLIN);
}

/* Parses and answers every complete request in 'data'. */
static void consume(struct conn *c, const char *data, size_t len)
{
	struct http_server *s = c->srv;

	while (len && !c->closing) {
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
		req.local_port = ntohs(c->local.sin_port);
		req.peer_ip = ntohl(c->peer.sin_addr.s_addr);
		req.peer_port = ntohs(c->peer.sin_port);
		req.secure = c->ssl != NULL;
		req.conn_id = c->id;
		s->resp.status = 200;
		s->resp.content_type = "text/xml;charset=UTF-8";
		s->resp.head = false;
		s->resp.length = 0;
		buf_reset(&s->resp.headers);
		buf_reset(&s->resp.body);
		s->fn(s->arg, &req, &s->resp);
		if (s->resp.body.err || s->resp.headers.err) {
			queue_error(c, 500);
			return;
		}
		queue_response(c, &s->resp, req.keep_alive);
		http_reader_next(&c->reader);
	}
}

static void run_plain(struct conn *c)
{
	char in[65536];
	ssize_t n;

	if (c->held)
		return;
	if (pending(c)) {
		if (flush(c))
			watch_plain(c);
		return;
	}
	n = recv(c->fd, in, sizeof(in), 0);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		conn_close(c);
		return;
	}
	if (n < 0)
		return;
	consume(c, in, (size_t)n);
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
	char in[65536];

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
			watch(c, c->want);
			return;
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
	if (c->ssl)
		run_tls(c);
	else
		run_plain(c);
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
		}
		http_reader_init_max(&c->reader, s->body_limit);
		buf_init(&c->out, LIMIT_HTTP_RESPONSE_BYTES + 4096);
		buf_init(&c->body, LIMIT_HTTP_RESPONSE_BYTES);
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

		if (now_ms - c->active_ms > LIMIT_HTTP_IDLE_MS ||
		    (c->ssl && !c->handshaken && now_ms - c->accepted_ms > LIMIT_TLS_HANDSHAKE_MS))
			conn_close(c);
		c = next;
	}
}

void http_server_sweep(struct http_server *s)
{
	http_server_sweep_at(s, loop_now_ms());
}
