/* SPDX-License-Identifier: MIT */
/*
 * A blocking HTTP/1.1 client for the unit tests that run a server in the
 * event loop of the test's thread: over plain TCP or an OpenSSL connection
 * the test sets up, reading answers framed by Content-Length.
 */
#ifndef TESTS_HTTP_CLIENT_H
#define TESTS_HTTP_CLIENT_H

#include "compat.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/buf.h"

/* Reads and writes give up after this long. */
#define HTTP_CLIENT_TIMEOUT_S 5

struct client {
	int fd;
	SSL *ssl;		/* NULL: plain TCP */
	struct buf in;		/* read, not yet taken as an answer */
};

/* A client on 'fd' (or none yet, -1), without TLS yet. */
static inline void client_init(struct client *c, int fd)
{
	*c = (struct client){ .fd = fd };
	buf_init(&c->in, 4 << 20);
}

static inline void client_close(struct client *c)
{
	SSL_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	buf_release(&c->in);
	c->ssl = NULL;
	c->fd = -1;
}

static inline bool client_send(struct client *c, const char *p, size_t len)
{
	size_t done = 0;

	if (c->ssl)
		return SSL_write_ex(c->ssl, p, len, &done) == 1 && done == len;
	return send(c->fd, p, len, MSG_NOSIGNAL) == (ssize_t)len;
}

static inline bool client_sends(struct client *c, const char *s)
{
	return client_send(c, s, strlen(s));
}

/* Reads what comes next: bytes, 0 at the end of the stream, -1 on error or timeout. */
static inline ssize_t client_read(struct client *c, char *p, size_t size)
{
	size_t n = 0;
	int err;

	if (!c->ssl)
		return recv(c->fd, p, size, 0);
	if (SSL_read_ex(c->ssl, p, size, &n) == 1)
		return (ssize_t)n;
	err = SSL_get_error(c->ssl, 0);
	ERR_clear_error();
	return err == SSL_ERROR_ZERO_RETURN || err == SSL_ERROR_SYSCALL ? 0 : -1;
}

/*
 * Reads one answer and returns its status, with its header block (status
 * line included) in 'head' (when not NULL) and its body in 'body', none when
 * 'to_head' (an answer to HEAD); -1 if none came.
 */
static inline int client_response(struct client *c, bool to_head, struct buf *head,
				  struct buf *body)
{
	char chunk[16384];

	for (;;) {
		const char *end = memmem(c->in.p, c->in.len, "\r\n\r\n", 4), *cl;
		ssize_t n;

		cl = end ? memmem(c->in.p, (size_t)(end - c->in.p), "Content-Length: ", 16) : NULL;
		if (cl) {
			size_t hlen = (size_t)(end + 4 - c->in.p);
			size_t len = to_head ? 0 : strtoul(cl + 16, NULL, 10);

			if (c->in.len >= hlen + len) {
				int status = (int)strtol(c->in.p + 9, NULL, 10);

				if (head) {
					buf_reset(head);
					buf_add(head, c->in.p, hlen);
				}
				buf_reset(body);
				buf_add(body, c->in.p + hlen, len);
				memmove(c->in.p, c->in.p + hlen + len, c->in.len - hlen - len);
				buf_truncate(&c->in, c->in.len - hlen - len);
				return status;
			}
		}
		n = client_read(c, chunk, sizeof(chunk));
		if (n <= 0)
			return -1;
		buf_add(&c->in, chunk, (size_t)n);
	}
}

/* True when the server ends the stream (EOF or reset) before the timeout, with nothing more. */
static inline bool client_ended(struct client *c)
{
	char junk[256];
	ssize_t n;

	if (c->in.len)
		return false;
	n = client_read(c, junk, sizeof(junk));
	return n == 0 || (n < 0 && errno == ECONNRESET);
}

/*
 * True when no answer byte arrives for 'ms' (a TLS 1.3 server's session
 * tickets may: they are no answer).
 */
static inline bool client_quiet(struct client *c, int ms)
{
	struct timeval brief = { .tv_usec = ms * 1000 };
	struct timeval normal = { .tv_sec = HTTP_CLIENT_TIMEOUT_S };
	char byte;
	bool quiet;

	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &brief, sizeof(brief));
	quiet = c->in.len == 0 && client_read(c, &byte, 1) < 0 &&
		(errno == EAGAIN || errno == EWOULDBLOCK);
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &normal, sizeof(normal));
	return quiet;
}

#endif
