/* SPDX-License-Identifier: MIT */
/*
 * Exchanges and backend connections. A connection carries one exchange at a
 * time (no pipelining to backends) and is idle between them; 'done' is
 * called only once the exchange has let go of its connection, so that it may
 * forward again at once, over that very connection.
 */
#include "compat.h"
#include "proxy/forward.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "proxy/message.h"

/* Reads from one backend before others get a turn. */
#define READS_PER_EVENT 16

struct exchange;

/* A connection to a backend. */
struct bconn {
	struct proxy *p;
	struct bconn *prev, *next;	/* in p->idle, while idle */
	int fd;
	uint32_t ip;			/* the backend, host order */
	uint16_t port;
	uint32_t events;		/* what the loop watches 'fd' for */
	bool connected;
	bool pooled;			/* in p->idle */
	bool reused;			/* it carried an exchange before */
	int early_err;			/* connect() failed at once: -errno */
	int64_t opened_ms;
	int64_t idle_ms;		/* since when it is idle */
	struct exchange *x;		/* NULL while idle */
};

struct exchange {
	struct proxy *p;
	struct exchange *prev, *next;	/* in p->active */
	uint64_t seq;			/* the order exchanges began in */
	struct bconn *c;		/* NULL between connections */
	uint32_t ip;
	uint16_t port;
	struct buf out;			/* the request as it goes */
	size_t out_off;			/* bytes of 'out' sent */
	bool head;			/* a HEAD: the answer has no body */
	bool replayable;		/* idempotent (RFC 9110 9.2.2): may be sent again */
	bool retried;
	struct proxy_response resp;
	int64_t deadline_ms;
	proxy_done_fn *done;
	void *arg;
};

struct proxy {
	struct loop *loop;
	struct exchange *active;
	size_t n_active;
	uint64_t seq;
	struct bconn *idle;		/* most recently used first */
	size_t n_idle;
	uint64_t opened;
	bool closing;			/* in proxy_free() */
};

static void bconn_event(struct loop *l, int fd, uint32_t events, void *arg);

static void idle_unlink(struct bconn *c)
{
	struct proxy *p = c->p;

	if (c->prev)
		c->prev->next = c->next;
	else
		p->idle = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	c->pooled = false;
	p->n_idle--;
}

static void bconn_close(struct bconn *c)
{
	if (c->pooled)
		idle_unlink(c);
	loop_del(c->p->loop, c->fd);
	close(c->fd);
	free(c);
}

static void bconn_watch(struct bconn *c, uint32_t ev)
{
	if (ev != c->events && loop_mod(c->p->loop, c->fd, ev, bconn_event, c) == 0)
		c->events = ev;
}

/* A new connection to 'ip':'port', under way; NULL with errno set when no socket could be made. */
static struct bconn *bconn_open(struct proxy *p, uint32_t ip, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(ip) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1, ret;
	struct bconn *c;

	if (fd < 0)
		return NULL;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c = xcalloc(1, sizeof(*c));
	*c = (struct bconn){ .p = p, .fd = fd, .ip = ip, .port = port, .events = EPOLLOUT,
			     .opened_ms = loop_now_ms() };
	/*
	 * A failure at once is kept for the first event: a closed socket
	 * reports EPOLLHUP, so 'done' never runs within proxy_forward().
	 */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS)
		c->early_err = -errno;
	ret = loop_add(p->loop, fd, EPOLLOUT, bconn_event, c);
	if (ret < 0) {
		close(fd);
		free(c);
		errno = -ret;
		return NULL;
	}
	p->opened++;
	return c;
}

/* True when the idle connection 'c' is still open and silent. */
static bool bconn_alive(const struct bconn *c)
{
	char byte;

	return recv(c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) < 0 &&
	       (errno == EAGAIN || errno == EWOULDBLOCK);
}

/* An idle connection to 'ip':'port' that is still open, taken out of the pool; or NULL. */
static struct bconn *idle_take(struct proxy *p, uint32_t ip, uint16_t port)
{
	struct bconn *c = p->idle;

	while (c) {
		struct bconn *next = c->next;

		if (c->ip == ip && c->port == port) {
			if (bconn_alive(c)) {
				idle_unlink(c);
				return c;
			}
			bconn_close(c);
		}
		c = next;
	}
	return NULL;
}

/* Keeps 'c', done with its exchange, for the next one to its backend, or closes it. */
static void idle_put(struct bconn *c)
{
	struct proxy *p = c->p;
	size_t same = 0;

	for (const struct bconn *o = p->idle; o; o = o->next)
		same += o->ip == c->ip && o->port == c->port;
	if (p->closing || p->n_idle >= LIMIT_PROXY_IDLE_CONNS ||
	    same >= LIMIT_PROXY_IDLE_PER_BACKEND) {
		bconn_close(c);
		return;
	}
	c->reused = true;
	c->pooled = true;
	c->idle_ms = loop_now_ms();
	c->next = p->idle;
	if (p->idle)
		p->idle->prev = c;
	p->idle = c;
	p->n_idle++;
	/* Idle, it is watched only for the backend closing it. */
	bconn_watch(c, EPOLLIN);
}

/* Gives 'x' a connection: an idle one unless 'fresh'. Returns 0 or -errno. */
static int attach(struct exchange *x, bool fresh)
{
	struct bconn *c = fresh ? NULL : idle_take(x->p, x->ip, x->port);

	if (!c) {
		c = bconn_open(x->p, x->ip, x->port);
		if (!c)
			return -errno;
	} else {
		/* Writable at once: the first event sends. */
		bconn_watch(c, EPOLLIN | EPOLLOUT);
	}
	c->x = x;
	x->c = c;
	x->out_off = 0;
	return 0;
}

static void exchange_free(struct exchange *x)
{
	buf_release(&x->out);
	proxy_response_release(&x->resp);
	free(x);
}

/* Ends 'x', already off its connection: takes it out, calls 'done' and frees it. */
static void finish(struct exchange *x, int status, struct str headers, struct str body)
{
	struct proxy *p = x->p;

	if (x->prev)
		x->prev->next = x->next;
	else
		p->active = x->next;
	if (x->next)
		x->next->prev = x->prev;
	p->n_active--;
	x->done(x->arg, status, headers, body);
	exchange_free(x);
}

/* Takes 'x' off its connection, which is kept when 'keep', closed otherwise. */
static void detach(struct exchange *x, bool keep)
{
	struct bconn *c = x->c;

	if (!c)
		return;
	x->c = NULL;
	c->x = NULL;
	if (keep)
		idle_put(c);
	else
		bconn_close(c);
}

/*
 * A kept-alive connection may have been closed by the backend just as it
 * was taken: the request goes again once, on a new connection, when no
 * answer began and resending cannot do a thing twice (Go's net/http and
 * curl do the same).
 */
static bool retryable(const struct exchange *x, int err)
{
	return (err == -ECONNRESET || err == -EPIPE) && x->c && x->c->reused && !x->retried &&
	       !x->resp.started && (x->replayable || x->out_off == 0);
}

static void fail(struct exchange *x, int err)
{
	if (retryable(x, err)) {
		detach(x, false);
		x->retried = true;
		proxy_response_release(&x->resp);
		proxy_response_init(&x->resp, x->head);
		err = attach(x, true);
		if (err == 0)
			return;
	}
	detach(x, false);
	if (err == -EBADMSG || err == -EMSGSIZE) {
		char ip[INET_ADDRSTRLEN];
		struct in_addr a = { htonl(x->ip) };

		inet_ntop(AF_INET, &a, ip, sizeof(ip));
		log_warn_rl("backend %s:%u sent %s", ip, x->port,
			    err == -EBADMSG ? "a malformed answer" : "an answer past the limits");
	}
	finish(x, err, STR_EMPTY, STR_EMPTY);
}

/* The answer is whole; 'spare' when the connection holds nothing after it. */
static void complete(struct exchange *x, bool spare)
{
	detach(x, spare && x->resp.keep_alive && x->out_off == x->out.len);
	finish(x, x->resp.status, buf_str(&x->resp.headers), x->resp.body);
}

/* Sends what the backend takes. Returns 0, or -errno when the connection failed. */
static int send_some(struct exchange *x)
{
	while (x->out_off < x->out.len) {
		ssize_t n = send(x->c->fd, x->out.p + x->out_off, x->out.len - x->out_off,
				 MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			return errno == EPIPE ? -ECONNRESET : -errno;
		}
		x->out_off += (size_t)n;
	}
	return 0;
}

/*
 * Reads what the backend sent. Returns 1 when 'x' has ended (and is freed),
 * 0 when it waits for more.
 */
static int receive(struct exchange *x)
{
	char in[65536];

	for (int reads = 0; reads < READS_PER_EVENT; reads++) {
		ssize_t n = recv(x->c->fd, in, sizeof(in), 0);
		size_t used;
		int ret;

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail(x, -errno);
			return 1;
		}
		if (n == 0) {
			ret = proxy_response_end(&x->resp);
			if (ret == 1)
				complete(x, false);
			else
				fail(x, ret == 0 ? -ECONNRESET : ret);
			return 1;
		}
		ret = proxy_response_feed(&x->resp, in, (size_t)n, &used);
		if (ret == 1) {
			complete(x, used == (size_t)n);
			return 1;
		}
		if (ret < 0) {
			fail(x, ret);
			return 1;
		}
	}
	return 0;
}

/*
 * After an event on a connection being made: returns 1 when it is up, 0
 * while it is not yet (an event meant for an fd of the same number, closed
 * in this batch), or -errno when it failed.
 */
static int connected(struct bconn *c)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof(int);
	int err = 0;

	if (c->early_err)
		return c->early_err;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -errno;
	if (err)
		return -err;
	len = sizeof(peer);
	if (getpeername(c->fd, (struct sockaddr *)&peer, &len) < 0)
		return errno == ENOTCONN ? 0 : -errno;
	c->connected = true;
	return 1;
}

static void bconn_event(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct bconn *c = arg;
	struct exchange *x = c->x;
	int ret;

	(void)l;
	(void)fd;
	if (!x) {
		/* Idle: the backend closed it, or sent what nobody asked for. */
		bconn_close(c);
		return;
	}
	if (!c->connected) {
		ret = connected(c);
		if (ret < 0)
			fail(x, ret);
		if (ret <= 0)
			return;
	}
	ret = send_some(x);
	if (ret < 0) {
		fail(x, ret);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR) && receive(x))
		return;
	bconn_watch(c, x->out_off < x->out.len ? EPOLLIN | EPOLLOUT : EPOLLIN);
}

struct proxy *proxy_new(struct loop *l)
{
	struct proxy *p = xcalloc(1, sizeof(*p));

	p->loop = l;
	return p;
}

void proxy_free(struct proxy *p)
{
	if (!p)
		return;
	p->closing = true;
	while (p->active) {
		detach(p->active, false);
		finish(p->active, -ECANCELED, STR_EMPTY, STR_EMPTY);
	}
	while (p->idle)
		bconn_close(p->idle);
	free(p);
}

static bool idempotent(struct str method)
{
	static const char *const methods[] = { "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" };

	for (size_t i = 0; i < ARRAY_SIZE(methods); i++)
		if (str_eq_c(method, methods[i]))
			return true;
	return false;
}

int proxy_forward(struct proxy *p, uint32_t ip, uint16_t port, const struct http_request *req,
		  struct str extra_headers, proxy_done_fn *done, void *arg)
{
	struct exchange *x;
	int ret;

	if (p->closing)
		return -ECANCELED;
	if (p->n_active >= LIMIT_PROXY_EXCHANGES)
		return -EAGAIN;
	x = xcalloc(1, sizeof(*x));
	x->p = p;
	x->ip = ip;
	x->port = port;
	x->head = str_eq_c(req->method, "HEAD");
	x->replayable = idempotent(req->method);
	x->deadline_ms = loop_now_ms() + LIMIT_PROXY_EXCHANGE_MS;
	x->done = done;
	x->arg = arg;
	/*
	 * What the server took, bounded by its limits: the URL and the header
	 * bytes, their punctuation, our own lines and the body.
	 */
	buf_init(&x->out, 2 * LIMIT_HTTP_HEADER_BYTES + 4 * LIMIT_HTTP_HEADERS + 256 +
		 extra_headers.len + req->body.len);
	proxy_response_init(&x->resp, x->head);
	ret = proxy_request_write(&x->out, req, extra_headers);
	if (ret == 0)
		ret = attach(x, false);
	if (ret < 0) {
		exchange_free(x);
		return ret;
	}
	x->seq = p->seq++;
	x->next = p->active;
	if (p->active)
		p->active->prev = x;
	p->active = x;
	p->n_active++;
	return 0;
}

static bool expired(const struct exchange *x, int64_t now_ms)
{
	return now_ms >= x->deadline_ms ||
	       (x->c && !x->c->connected && now_ms - x->c->opened_ms >= LIMIT_PROXY_CONNECT_MS);
}

void proxy_sweep_at(struct proxy *p, int64_t now_ms)
{
	uint64_t before = p->seq;
	struct bconn *c;

	/*
	 * 'done' may forward again, and so change the list: look again from
	 * the start after each one ended, at exchanges older than the sweep.
	 */
	for (;;) {
		struct exchange *x = p->active;

		while (x && (x->seq >= before || !expired(x, now_ms)))
			x = x->next;
		if (!x)
			break;
		fail(x, -ETIMEDOUT);
	}
	c = p->idle;
	while (c) {
		struct bconn *next = c->next;

		if (now_ms - c->idle_ms >= LIMIT_PROXY_IDLE_MS)
			bconn_close(c);
		c = next;
	}
}

void proxy_sweep(struct proxy *p)
{
	proxy_sweep_at(p, loop_now_ms());
}

int proxy_error_status(int err)
{
	return err == -ETIMEDOUT ? 504 : 502;
}

void proxy_stats(const struct proxy *p, struct proxy_stats *out)
{
	*out = (struct proxy_stats){ p->n_active, p->n_idle, p->opened };
}
