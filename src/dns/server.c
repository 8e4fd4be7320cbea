/* SPDX-License-Identifier: MIT */
/*
 * The VPC resolver's sockets: UDP datagrams answered as they come (a burst
 * at most per wakeup), TCP connections reading length-prefixed queries
 * (RFC 1035 4.2.2), several per connection, answered in order, closed when
 * idle, malformed, or past the connection limit. The answer is computed from
 * the world as it is at that moment.
 */
#include "compat.h"
#include "dns/server.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "core/dnsview.h"
#include "core/netindex.h"
#include "dns/wire.h"
#include "limits.h"

#define TCP_MSG_MAX (2 + 65535)
#define UDP_BATCH 32			/* datagrams per recvmmsg() */
#define UDP_QUERY_MAX 4096		/* a longer datagram is no query of ours: dropped */
#define UDP_RCVBUF (1 << 20)		/* bursts wait in the socket, not on the floor */

struct listener;

/* One socket of a VPC's listener, as the loop's callback argument. */
struct sock {
	struct listener *l;
	int fd;
	bool tcp;
};

struct conn {
	struct listener *l;
	int fd;
	uint8_t *in;			/* TCP_MSG_MAX bytes */
	size_t in_len;
	struct buf out;			/* replies not yet written */
	int64_t last_ms;
	struct conn *next;
};

struct listener {
	struct dns_server *s;
	char key[ID_SIZE];
	struct sock socks[DNS_SERVER_FDS];
	size_t n_socks;
	struct conn *conns;
};

struct dns_server {
	struct loop *loop;
	const struct world *w;
	const struct region *region;
	struct netindex ix;
	bool ix_built;
	uint64_t ix_generation;
	struct listener **v;
	size_t n, alloc;
	size_t n_conns;			/* across listeners */
	/* UDP: a batch of datagrams in, their replies out (one syscall each way). */
	struct mmsghdr in[UDP_BATCH], out[UDP_BATCH];
	struct iovec in_iov[UDP_BATCH], out_iov[UDP_BATCH];
	struct sockaddr_storage from[UDP_BATCH];
	uint8_t query[UDP_BATCH][UDP_QUERY_MAX];
	uint8_t answer[UDP_BATCH][DNS_UDP_MAX];
	uint8_t reply[TCP_MSG_MAX];	/* one TCP answer */
};

struct dns_server *dns_server_new(struct loop *l, const struct world *w, const struct region *r)
{
	struct dns_server *s = xcalloc(1, sizeof(*s));

	s->loop = l;
	s->w = w;
	s->region = r;
	return s;
}

/* The index of the world as it is now. */
static const struct netindex *index_now(struct dns_server *s)
{
	if (s->ix_built && s->ix_generation == s->w->generation)
		return &s->ix;
	if (s->ix_built)
		netindex_release(&s->ix);
	netindex_build(&s->ix, s->w);
	netindex_build_addresses(&s->ix, s->w);
	s->ix_built = true;
	s->ix_generation = s->w->generation;
	return &s->ix;
}

int dns_server_answer(struct dns_server *s, const char *key, const uint8_t *q, size_t len,
		      bool tcp, uint8_t *out, size_t size)
{
	struct dns_question qn;
	struct dns_answer a;
	struct dns_reply r;
	struct res *vpc;
	int ret = dns_question_parse(q, len, &qn);

	if (ret == -EPROTO)
		return 0;	/* nothing to answer */
	if (ret < 0) {
		qn.qname_len = 0;	/* a header-only reply */
		r = (struct dns_reply){ .rcode = ret == -EOPNOTSUPP ? DNS_RCODE_NOTIMP :
						 DNS_RCODE_FORMERR };
		return dns_reply_write(&qn, &r, tcp, out, size);
	}
	vpc = world_get(s->w, key, RES_VPC);
	if (!qn.name[0] || dnsview_resolve(s->w, index_now(s), s->region,
					    vpc ? AS_VPC(vpc) : NULL, qn.name, &a) < 0)
		a = (struct dns_answer){ .how = qn.name[0] ? DNS_NXDOMAIN : DNS_PUBLIC };
	dns_reply_for(&qn, &a, &r);
	return dns_reply_write(&qn, &r, tcp, out, size);
}

/* --- UDP --- */

static void udp_ready(struct sock *k)
{
	struct dns_server *s = k->l->s;

	for (int done = 0; done < LIMIT_DNS_UDP_BURST;) {
		int n, m = 0;

		for (int i = 0; i < UDP_BATCH; i++) {
			s->in_iov[i] = (struct iovec){ s->query[i], UDP_QUERY_MAX };
			s->in[i].msg_hdr = (struct msghdr){ .msg_name = &s->from[i],
							    .msg_namelen = sizeof(s->from[i]),
							    .msg_iov = &s->in_iov[i], .msg_iovlen = 1 };
		}
		n = recvmmsg(k->fd, s->in, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;	/* EAGAIN, or an ICMP error of an earlier send */
		for (int i = 0; i < n; i++) {
			int len;

			if (s->in[i].msg_hdr.msg_flags & MSG_TRUNC)
				continue;
			len = dns_server_answer(s, k->l->key, s->query[i], s->in[i].msg_len, false,
						s->answer[m], sizeof(s->answer[m]));
			if (len <= 0)
				continue;
			s->out_iov[m] = (struct iovec){ s->answer[m], (size_t)len };
			s->out[m].msg_hdr = (struct msghdr){ .msg_name = &s->from[i],
							     .msg_namelen = s->in[i].msg_hdr.msg_namelen,
							     .msg_iov = &s->out_iov[m], .msg_iovlen = 1 };
			m++;
		}
		/* A reply the socket cannot take now is dropped, as a lost datagram is. */
		for (int sent = 0; sent < m;) {
			int r = sendmmsg(k->fd, s->out + sent, (unsigned)(m - sent), MSG_DONTWAIT);

			if (r <= 0) {
				if (r < 0 && errno == EINTR)
					continue;
				sent++;	/* skip the one that failed (e.g. an unreachable client) */
				continue;
			}
			sent += r;
		}
		done += n;
		if (n < UDP_BATCH)
			return;
	}
}

/* --- TCP --- */

static void conn_close(struct conn *c)
{
	struct listener *l = c->l;
	struct conn **pp;

	for (pp = &l->conns; *pp && *pp != c; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = c->next;
	loop_del(l->s->loop, c->fd);
	close(c->fd);
	buf_release(&c->out);
	free(c->in);
	free(c);
	l->s->n_conns--;
}

static void conn_event(struct loop *lp, int fd, uint32_t events, void *arg);

/* Writes what it can; returns false when the connection failed. */
static bool conn_flush(struct conn *c)
{
	size_t off = 0;

	while (off < c->out.len) {
		ssize_t n = write(c->fd, c->out.p + off, c->out.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0)
			return false;
		off += (size_t)n;
	}
	memmove(c->out.p, c->out.p + off, c->out.len - off);
	buf_truncate(&c->out, c->out.len - off);
	loop_mod(c->l->s->loop, c->fd, EPOLLIN | (c->out.len ? EPOLLOUT : 0), conn_event, c);
	return true;
}

/* Answers every whole query in the input; false when the client broke the framing. */
static bool conn_answer(struct conn *c)
{
	struct dns_server *s = c->l->s;

	while (c->in_len >= 2) {
		size_t msg = (size_t)(c->in[0] << 8 | c->in[1]);
		int len;

		if (msg < 12)
			return false;
		if (c->in_len < 2 + msg)
			break;
		len = dns_server_answer(s, c->l->key, c->in + 2, msg, true, s->reply,
					sizeof(s->reply));
		if (len > 0) {
			buf_addc(&c->out, (char)(len >> 8));
			buf_addc(&c->out, (char)len);
			buf_add(&c->out, s->reply, (size_t)len);
		}
		memmove(c->in, c->in + 2 + msg, c->in_len - 2 - msg);
		c->in_len -= 2 + msg;
		if (c->out.err)
			return false;	/* a client that does not read its answers */
	}
	return true;
}

static void conn_event(struct loop *lp, int fd, uint32_t events, void *arg)
{
	struct conn *c = arg;

	(void)lp;
	(void)fd;
	c->last_ms = loop_now_ms();
	if (events & EPOLLIN) {
		ssize_t n = read(c->fd, c->in + c->in_len, TCP_MSG_MAX - c->in_len);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			conn_close(c);
			return;
		}
		if (n > 0)
			c->in_len += (size_t)n;
		if (!conn_answer(c)) {
			conn_close(c);
			return;
		}
	}
	if (!conn_flush(c) || (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLIN)))
		conn_close(c);
}

static void tcp_accept(struct sock *k)
{
	struct dns_server *s = k->l->s;

	for (int i = 0; i < LIMIT_DNS_UDP_BURST; i++) {
		int fd = accept4(k->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;

		if (fd < 0)
			return;
		if (s->n_conns >= LIMIT_DNS_TCP_CONNS) {
			close(fd);	/* RFC 7766 6.2.2: a server may refuse when busy */
			continue;
		}
		c = xcalloc(1, sizeof(*c));
		c->l = k->l;
		c->fd = fd;
		c->in = xmalloc(TCP_MSG_MAX);
		buf_init(&c->out, 4 * TCP_MSG_MAX);
		c->last_ms = loop_now_ms();
		if (loop_add(s->loop, fd, EPOLLIN, conn_event, c) < 0) {
			close(fd);
			buf_release(&c->out);
			free(c->in);
			free(c);
			continue;
		}
		c->next = k->l->conns;
		k->l->conns = c;
		s->n_conns++;
	}
}

static void sock_event(struct loop *lp, int fd, uint32_t events, void *arg)
{
	struct sock *k = arg;

	(void)lp;
	(void)fd;
	(void)events;
	if (k->tcp)
		tcp_accept(k);
	else
		udp_ready(k);
}

/* --- listeners --- */

static long find(const struct dns_server *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i]->key, key))
			return (long)i;
	return -1;
}

int dns_server_listen(struct dns_server *s, const char *key, const int *fds, size_t n)
{
	struct listener *l;

	if (find(s, key) >= 0 || n > DNS_SERVER_FDS) {
		for (size_t i = 0; i < n; i++)
			close(fds[i]);
		return n > DNS_SERVER_FDS ? -EINVAL : -EEXIST;
	}
	l = xcalloc(1, sizeof(*l));
	l->s = s;
	str_lcpy(l->key, key, sizeof(l->key));
	for (size_t i = 0; i < n; i++) {
		int type = 0;
		socklen_t tl = sizeof(type);
		struct sock *k = &l->socks[l->n_socks];

		getsockopt(fds[i], SOL_SOCKET, SO_TYPE, &type, &tl);
		*k = (struct sock){ .l = l, .fd = fds[i], .tcp = type == SOCK_STREAM };
		if (!k->tcp) {
			int size = UDP_RCVBUF;

			/* Past net.core.rmem_max when the daemon may (CAP_NET_ADMIN). */
			if (setsockopt(fds[i], SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
				setsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
		}
		if (loop_add(s->loop, fds[i], EPOLLIN, sock_event, k) < 0) {
			close(fds[i]);
			continue;
		}
		l->n_socks++;
	}
	ALLOC_GROW(s->v, s->n + 1, s->alloc);
	s->v[s->n++] = l;
	return 0;
}

static void listener_free(struct listener *l)
{
	while (l->conns)
		conn_close(l->conns);
	for (size_t i = 0; i < l->n_socks; i++) {
		loop_del(l->s->loop, l->socks[i].fd);
		close(l->socks[i].fd);
	}
	free(l);
}

void dns_server_forget(struct dns_server *s, const char *key)
{
	long i = find(s, key);

	if (i < 0)
		return;
	listener_free(s->v[i]);
	s->v[i] = s->v[--s->n];
}

bool dns_server_serves(const struct dns_server *s, const char *key)
{
	return find(s, key) >= 0;
}

void dns_server_each(struct dns_server *s, void (*fn)(void *arg, const char *key), void *arg)
{
	/* Backwards, so 'fn' may forget the one it is given. */
	for (size_t i = s->n; i-- > 0;) {
		char id[ID_SIZE];

		str_lcpy(id, s->v[i]->key, sizeof(id));
		fn(arg, id);
	}
}

void dns_server_sweep(struct dns_server *s, int64_t now_ms)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct conn *c = s->v[i]->conns, *next;

		for (; c; c = next) {
			next = c->next;
			if (now_ms - c->last_ms > LIMIT_DNS_TCP_IDLE_MS)
				conn_close(c);
		}
	}
}

void dns_server_free(struct dns_server *s)
{
	if (!s)
		return;
	while (s->n)
		dns_server_forget(s, s->v[s->n - 1]->key);
	free(s->v);
	if (s->ix_built)
		netindex_release(&s->ix);
	free(s);
}
