/* SPDX-License-Identifier: MIT */
/*
 * Deferred answers (io/http.h) on loopback, over plain TCP and TLS, with the
 * server in this thread's event loop and blocking clients in another: an
 * answer after a timer, pipelined requests kept in order behind it, a large
 * answer still being sent, an answer given inside the handler, a cancel, an
 * answer held for a group commit, a client gone before the answer, the
 * sweep's 504 and the bound on deferred answers.
 */
#include "compat.h"
#include "check.h"

#include <linux/limits.h>
#include <pthread.h>
#include <stdatomic.h>

#include "base/buf.h"
#include "base/log.h"
#include "io/http.h"
#include "io/tls.h"
#include "http_client.h"
#include "net_fixture.h"

void test_io_deferred(void);

#define CLIENT_TIMEOUT_S HTTP_CLIENT_TIMEOUT_S
#define LATER_MS 20		/* a deferred answer comes this long after its request */
#define SLOW_MS 10000		/* or this long for "/slow/...", unless "/wake" comes */
#define BIG_BYTES (1536 * 1024)
#define MAX_PENDING 32

_Static_assert(LIMIT_HTTP_DEFER_MS < LIMIT_HTTP_IDLE_MS,
	       "the 504 sweep must not close idle connections too");

enum action { ANSWER, CANCEL, HOLD_ANSWER };

/* What the client thread asks the loop to do (struct fx 'cmd'). */
enum cmd { CMD_NONE, CMD_SWEEP, CMD_ANSWER_NEVER, CMD_RELEASE, CMD_UNPARK };

struct fx;

/* One server and what its handler saw, in order. */
struct side {
	struct fx *f;
	struct http_server *srv;
	uint16_t port;
	struct buf log;		/* "h PATH;" per request handled, "a PATH;" per deferred answer */
};

struct pending {
	struct http_deferred *d;
	struct side *side;
	int64_t due_ms;
	enum action action;
	char path[64];
};

struct fx {
	struct loop *loop;
	struct tls_server *tls;
	struct side plain, secure;
	struct pending pend[MAX_PENDING];
	size_t n_pend;
	struct http_deferred *never;	/* "/never": answered only on CMD_ANSWER_NEVER */
	struct http_deferred *parked[LIMIT_HTTP_DEFERRED];
	atomic_int n_parked;
	atomic_int refused;		/* "/park" requests that could not be deferred */
	atomic_int never_waiting;	/* http_deferred_waiting(never) */
	atomic_int held_answered;	/* a HOLD_ANSWER was given while the server held */
	atomic_int cmd, cmd_done;
	atomic_bool done;
};

static void later(struct side *sd, struct http_deferred *d, enum action action, struct str path)
{
	struct fx *f = sd->f;
	struct pending *p;

	if (f->n_pend == MAX_PENDING) {
		check_fail(__FILE__, __LINE__, "too many pending answers");
		http_deferred_cancel(d);
		return;
	}
	p = &f->pend[f->n_pend++];
	*p = (struct pending){ d, sd, loop_now_ms() + LATER_MS, action, "" };
	if (str_starts_with(path, STR_LIT("/slow/")))
		p->due_ms += SLOW_MS - LATER_MS;
	str_copy(path, p->path, sizeof(p->path));
}

static void park(struct side *sd, struct http_response *resp)
{
	struct fx *f = sd->f;
	struct http_deferred *d = http_response_defer(resp);
	int n = atomic_load(&f->n_parked);

	if (!d) {
		atomic_fetch_add(&f->refused, 1);
		resp->status = 503;
		return;
	}
	if (n == (int)ARRAY_SIZE(f->parked)) {
		check_fail(__FILE__, __LINE__, "deferred past LIMIT_HTTP_DEFERRED");
		http_deferred_cancel(d);
		return;
	}
	f->parked[n] = d;
	atomic_store(&f->n_parked, n + 1);
}

static void act_due(struct fx *f, int64_t now, const struct side *only);

static void handle(void *arg, const struct http_request *req, struct http_response *resp)
{
	struct side *sd = arg;
	struct str path = req->path;
	struct http_deferred *d;

	buf_addf(&sd->log, "h %.*s;", STR_FMT(path));
	resp->content_type = "text/plain";
	if (str_eq_c(path, "/big")) {
		for (size_t i = 0; i < BIG_BYTES; i++)
			buf_addc(&resp->body, (char)('a' + i % 26));
		return;
	}
	if (str_eq_c(path, "/park")) {
		park(sd, resp);
		return;
	}
	if (str_starts_with(path, STR_LIT("/now/"))) {
		buf_addf(&resp->body, "now %.*s", STR_FMT(path));
		return;
	}
	/* Answers, from this handler, what other connections of this server wait for. */
	if (str_eq_c(path, "/wake")) {
		act_due(sd->f, INT64_MAX, sd);
		buf_adds(&resp->body, "woke");
		return;
	}
	d = http_response_defer(resp);
	if (!d) {
		check_fail(__FILE__, __LINE__, "could not defer %.*s", STR_FMT(path));
		resp->status = 500;
		return;
	}
	/* Whatever the handler leaves in 'resp' is not sent. */
	resp->status = 418;
	buf_adds(&resp->body, "ignored");
	if (str_eq_c(path, "/sync/sized")) {
		/* As a backend answers a HEAD: the GET's length in a header, no body. */
		buf_addf(&sd->log, "a %.*s;", STR_FMT(path));
		http_deferred_answer(d, 200, "text/plain",
				     STR_LIT("X-Before: 1\r\ncontent-length: 77\r\nX-After: 2\r\n"),
				     STR_EMPTY);
	} else if (str_starts_with(path, STR_LIT("/sync/"))) {
		buf_addf(&sd->log, "a %.*s;", STR_FMT(path));
		http_deferred_answer(d, 201, "text/plain", STR_LIT("X-Sync: yes\r\n"), path);
	} else if (str_eq_c(path, "/never")) {
		sd->f->never = d;
		atomic_store(&sd->f->never_waiting, 1);
	} else {
		later(sd, d, str_eq_c(path, "/cancel") ? CANCEL :
			     str_starts_with(path, STR_LIT("/held/")) ? HOLD_ANSWER : ANSWER, path);
	}
}

static void act(struct pending *p)
{
	struct fx *f = p->side->f;
	char body[96];
	int n = snprintf(body, sizeof(body), "later %s", p->path);

	buf_addf(&p->side->log, "a %s;", p->path);
	switch (p->action) {
	case CANCEL:
		http_deferred_cancel(p->d);
		break;
	case HOLD_ANSWER:
		http_server_hold(p->side->srv);
		http_deferred_answer(p->d, 200, "text/plain", STR_LIT("X-Later: held\r\n"),
				     str_from(body, (size_t)n));
		atomic_store(&f->held_answered, 1);
		break;
	case ANSWER:
		http_deferred_answer(p->d, 200, "text/plain", STR_LIT("X-Later: yes\r\n"),
				     str_from(body, (size_t)n));
		break;
	}
}

/* Answers what is due at 'now' (of the side 'only' when not NULL), in the order the requests came. */
static void act_due(struct fx *f, int64_t now, const struct side *only)
{
	size_t i = 0;

	while (i < f->n_pend) {
		struct pending p = f->pend[i];

		if (p.due_ms > now || (only && p.side != only)) {
			i++;
			continue;
		}
		/* act() may defer again (pipelined requests): the entry goes first. */
		memmove(&f->pend[i], &f->pend[i + 1], (f->n_pend - i - 1) * sizeof(f->pend[0]));
		f->n_pend--;
		act(&p);
	}
}

static void run_cmd(struct fx *f, enum cmd cmd)
{
	switch (cmd) {
	case CMD_SWEEP:
		http_server_sweep_at(f->plain.srv, loop_now_ms() + LIMIT_HTTP_DEFER_MS + 1);
		http_server_sweep_at(f->secure.srv, loop_now_ms() + LIMIT_HTTP_DEFER_MS + 1);
		break;
	case CMD_ANSWER_NEVER:
		/* The client is gone: this must send nothing and touch nothing freed. */
		http_deferred_answer(f->never, 200, "text/plain", STR_EMPTY, STR_LIT("too late"));
		f->never = NULL;
		break;
	case CMD_RELEASE:
		atomic_store(&f->held_answered, 0);
		http_server_release(f->plain.srv, true);
		http_server_release(f->secure.srv, true);
		break;
	case CMD_UNPARK:
		for (int i = 0; i < atomic_load(&f->n_parked); i++)
			http_deferred_answer(f->parked[i], 200, "text/plain", STR_EMPTY,
					     STR_LIT("unparked"));
		atomic_store(&f->n_parked, 0);
		break;
	case CMD_NONE:
		break;
	}
}

static void tick(void *arg)
{
	struct fx *f = arg;
	int cmd = atomic_load(&f->cmd);

	act_due(f, loop_now_ms(), NULL);
	if (f->never)
		atomic_store(&f->never_waiting, http_deferred_waiting(f->never) ? 1 : 0);
	if (cmd != CMD_NONE) {
		atomic_store(&f->cmd, CMD_NONE);
		run_cmd(f, (enum cmd)cmd);
		atomic_store(&f->cmd_done, cmd);
	}
	if (atomic_load(&f->done))
		loop_stop(f->loop);
}

/* Asks the loop to run 'cmd' and waits until it has. */
static void command(struct fx *f, enum cmd cmd)
{
	atomic_store(&f->cmd_done, CMD_NONE);
	atomic_store(&f->cmd, cmd);
	while (atomic_load(&f->cmd_done) != (int)cmd)
		usleep(1000);
}

/* Waits up to CLIENT_TIMEOUT_S for '*n' to reach 'want'. */
static bool wait_count(atomic_int *n, int want)
{
	for (int i = 0; i < CLIENT_TIMEOUT_S * 1000; i++) {
		if (atomic_load(n) == want)
			return true;
		usleep(1000);
	}
	return false;
}

static bool client_open(struct client *c, uint16_t port, SSL_CTX *ctx)
{
	client_init(c, net_dial(port, CLIENT_TIMEOUT_S));
	if (c->fd < 0)
		return false;
	if (!ctx)
		return true;
	c->ssl = SSL_new(ctx);
	if (!c->ssl || !SSL_set_fd(c->ssl, c->fd) || SSL_connect(c->ssl) != 1) {
		ERR_clear_error();
		return false;
	}
	return true;
}

/* Expects the next response to be 'status' with 'body' and, when given, the header line 'line'. */
static void expect(struct client *c, int status, const char *body, const char *line, int where)
{
	struct buf head, got;
	int st;

	buf_init(&head, 1 << 16);
	buf_init(&got, 4 << 20);
	st = client_response(c, false, &head, &got);
	if (st != status || (body && strcmp(got.p, body)) || (line && !strstr(head.p, line)))
		check_fail(__FILE__, where, "got %d \"%.60s\" (%.200s), wanted %d \"%s\" with \"%s\"",
			   st, got.p, head.p, status, body ? body : "*", line ? line : "");
	buf_release(&head);
	buf_release(&got);
}

static bool big_whole(struct client *c)
{
	struct buf head, body;
	bool ok;

	buf_init(&head, 1 << 16);
	buf_init(&body, 4 << 20);
	ok = client_response(c, false, &head, &body) == 200 && body.len == BIG_BYTES;
	for (size_t i = 0; ok && i < body.len; i++)
		ok = body.p[i] == (char)('a' + i % 26);
	buf_release(&head);
	buf_release(&body);
	return ok;
}

#define GET(path) "GET " path " HTTP/1.1\r\nHost: h\r\n\r\n"

/* A deferred answer, then keep-alive; pipelined requests behind deferred ones. */
static void order(uint16_t port, SSL_CTX *ctx)
{
	struct buf head, body;
	struct client c;

	buf_init(&head, 1 << 16);
	buf_init(&body, 1 << 16);
	CHECK(client_open(&c, port, ctx));
	CHECK(client_sends(&c, GET("/later/1")));
	expect(&c, 200, "later /later/1", "X-Later: yes\r\n", __LINE__);
	CHECK(client_sends(&c, GET("/now/2")));
	expect(&c, 200, "now /now/2", NULL, __LINE__);

	CHECK(client_sends(&c, GET("/later/a") GET("/now/b") GET("/later/c") GET("/sync/d")
			  GET("/now/e")));
	expect(&c, 200, "later /later/a", NULL, __LINE__);
	expect(&c, 200, "now /now/b", NULL, __LINE__);
	expect(&c, 200, "later /later/c", NULL, __LINE__);
	expect(&c, 201, "/sync/d", "X-Sync: yes\r\n", __LINE__);
	expect(&c, 200, "now /now/e", NULL, __LINE__);

	/* A HEAD answered with a Content-Length line: that length, once, and no body. */
	CHECK(client_sends(&c, "HEAD /sync/sized HTTP/1.1\r\nHost: h\r\n\r\n" GET("/now/hd")));
	buf_reset(&head);
	CHECK_EQ(client_response(&c, true, &head, &body), 200);
	CHECK(strstr(head.p, "Content-Length: 77\r\n") != NULL);
	CHECK(strstr(head.p, "X-Before: 1\r\nX-After: 2\r\n") != NULL);
	CHECK(strstr(head.p, "content-length") == NULL);
	CHECK_EQ(body.len, 0);
	expect(&c, 200, "now /now/hd", NULL, __LINE__);

	/* The deferred answer waits behind a large one the client has not read yet. */
	CHECK(client_sends(&c, GET("/big") GET("/later/f") GET("/now/g")));
	usleep(100 * 1000);
	CHECK(big_whole(&c));
	expect(&c, 200, "later /later/f", NULL, __LINE__);
	expect(&c, 200, "now /now/g", NULL, __LINE__);

	/* An answer to HEAD says the length of the body given, and sends none. */
	CHECK(client_sends(&c, "HEAD /later/j HTTP/1.1\r\nHost: h\r\n\r\n" GET("/now/k")));
	CHECK(client_response(&c, true, &head, &body) == 200 &&
	      strstr(head.p, "Content-Length: 14\r\n"));
	expect(&c, 200, "now /now/k", NULL, __LINE__);

	/* A cancel closes the connection after the answers before it. */
	CHECK(client_sends(&c, GET("/now/h") GET("/cancel") GET("/now/i")));
	expect(&c, 200, "now /now/h", NULL, __LINE__);
	CHECK(client_ended(&c));
	client_close(&c);
	buf_release(&head);
	buf_release(&body);
}

/*
 * A deferred answer given by the handler of another connection: sent, and
 * the request pipelined behind it answered, on the next turn.
 */
static void nested(uint16_t port, SSL_CTX *ctx)
{
	struct client a, b;

	CHECK(client_open(&a, port, ctx));
	CHECK(client_open(&b, port, ctx));
	CHECK(client_sends(&a, GET("/slow/1") GET("/now/after-slow")));
	CHECK(client_quiet(&a, 50));
	CHECK(client_sends(&b, GET("/wake")));
	expect(&b, 200, "woke", NULL, __LINE__);
	expect(&a, 200, "later /slow/1", NULL, __LINE__);
	expect(&a, 200, "now /now/after-slow", NULL, __LINE__);
	client_close(&a);
	client_close(&b);
}

/* An answer given while the server holds waits for the release. */
static void held(struct fx *f, uint16_t port, SSL_CTX *ctx)
{
	struct client c;

	CHECK(client_open(&c, port, ctx));
	CHECK(client_sends(&c, GET("/held/1")));
	CHECK(wait_count(&f->held_answered, 1));
	CHECK(client_quiet(&c, 100));
	command(f, CMD_RELEASE);
	expect(&c, 200, "later /held/1", "X-Later: held\r\n", __LINE__);
	client_close(&c);
}

/* The client leaves (FIN, or a reset) before the answer: the answer is dropped. */
static void gone(struct fx *f, uint16_t port, SSL_CTX *ctx, bool reset)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct client c;

	CHECK(client_open(&c, port, ctx));
	CHECK(client_sends(&c, GET("/never") GET("/now/after-never")));
	CHECK(wait_count(&f->never_waiting, 1));
	if (reset) {
		setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		client_close(&c);
	} else {
		shutdown(c.fd, SHUT_WR);
	}
	CHECK(wait_count(&f->never_waiting, 0));
	client_close(&c);
	command(f, CMD_ANSWER_NEVER);
}

/* Past LIMIT_HTTP_DEFER_MS the sweep answers 504 and closes; the late answer goes nowhere. */
static void timed_out(struct fx *f, uint16_t port, SSL_CTX *ctx)
{
	struct client c;

	CHECK(client_open(&c, port, ctx));
	CHECK(client_sends(&c, GET("/never") GET("/now/after-504")));
	CHECK(wait_count(&f->never_waiting, 1));
	command(f, CMD_SWEEP);
	expect(&c, 504, "Gateway Timeout\n", "Connection: close\r\n", __LINE__);
	CHECK(client_ended(&c));
	CHECK(wait_count(&f->never_waiting, 0));
	command(f, CMD_ANSWER_NEVER);
	client_close(&c);

	/* The server goes on. */
	CHECK(client_open(&c, port, ctx));
	CHECK(client_sends(&c, GET("/now/next")));
	expect(&c, 200, "now /now/next", NULL, __LINE__);
	client_close(&c);
}

/* LIMIT_HTTP_DEFERRED answers wait at most; the next request is answered at once. */
static void bounded(struct fx *f, uint16_t port)
{
	static struct client cs[LIMIT_HTTP_DEFERRED + 1];

	for (size_t i = 0; i < ARRAY_SIZE(cs); i++) {
		CHECK(client_open(&cs[i], port, NULL));
		if (i + 1 == ARRAY_SIZE(cs))
			CHECK(wait_count(&f->n_parked, LIMIT_HTTP_DEFERRED));
		CHECK(client_sends(&cs[i], GET("/park")));
	}
	expect(&cs[LIMIT_HTTP_DEFERRED], 503, NULL, NULL, __LINE__);
	CHECK_EQ(atomic_load(&f->refused), 1);
	command(f, CMD_UNPARK);
	for (size_t i = 0; i < ARRAY_SIZE(cs); i++) {
		if (i + 1 < ARRAY_SIZE(cs))
			expect(&cs[i], 200, "unparked", NULL, __LINE__);
		client_close(&cs[i]);
	}
}

static void *client_main(void *arg)
{
	struct fx *f = arg;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	CHECK(ctx);
	order(f->plain.port, NULL);
	order(f->secure.port, ctx);
	nested(f->plain.port, NULL);
	nested(f->secure.port, ctx);
	held(f, f->plain.port, NULL);
	held(f, f->secure.port, ctx);
	gone(f, f->plain.port, NULL, false);
	gone(f, f->plain.port, NULL, true);
	gone(f, f->secure.port, ctx, false);
	timed_out(f, f->plain.port, NULL);
	timed_out(f, f->secure.port, ctx);
	bounded(f, f->plain.port);
	SSL_CTX_free(ctx);
	atomic_store(&f->done, true);
	return NULL;
}

/*
 * What the handler of each server saw: never a request read while one was
 * deferred, nor one pipelined behind a cancel or a client that left.
 */
static void check_logs(const struct fx *f)
{
	static const char *const common =
		"h /later/1;a /later/1;h /now/2;"
		"h /later/a;a /later/a;h /now/b;h /later/c;a /later/c;h /sync/d;a /sync/d;h /now/e;"
		"h /sync/sized;a /sync/sized;h /now/hd;"
		"h /big;h /later/f;a /later/f;h /now/g;h /later/j;a /later/j;h /now/k;"
		"h /now/h;h /cancel;a /cancel;"
		"h /slow/1;h /wake;a /slow/1;h /now/after-slow;"
		"h /held/1;a /held/1;";
	struct buf plain, secure;

	buf_init(&plain, 1 << 20);
	buf_init(&secure, 1 << 20);
	buf_addf(&plain, "%sh /never;h /never;h /never;h /now/next;", common);
	for (int i = 0; i <= LIMIT_HTTP_DEFERRED; i++)
		buf_adds(&plain, "h /park;");
	buf_addf(&secure, "%sh /never;h /never;h /now/next;", common);
	CHECK_STREQ(f->plain.log.p, plain.p);
	CHECK_STREQ(f->secure.log.p, secure.p);
	buf_release(&plain);
	buf_release(&secure);
}

static bool serve(struct fx *f, const char *stem)
{
	struct err e = { 0 };
	int fd = net_listen(&f->plain.port), fd_tls = net_listen(&f->secure.port);

	f->tls = tls_server_new(stem, NULL, NULL, &e);
	if (!f->tls || fd < 0 || fd_tls < 0) {
		check_fail(__FILE__, __LINE__, "cannot serve: %s", e.msg);
		return false;
	}
	f->plain.srv = http_server_new(f->loop, fd, handle, &f->plain);
	f->secure.srv = http_server_new_tls(f->loop, fd_tls, handle, &f->secure, f->tls);
	return f->plain.srv && f->secure.srv;
}

static void remove_ca(const char *dir, const char *stem)
{
	static const char *const suffixes[] = {
		TLS_CA_CERT_SUFFIX, TLS_CA_KEY_SUFFIX, TLS_BUNDLE_SUFFIX,
	};
	char path[PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		snprintf(path, sizeof(path), "%s%s", stem, suffixes[i]);
		unlink(path);
	}
	rmdir(dir);
}

void test_io_deferred(void)
{
	char dir[] = "/tmp/vpce-deferred-XXXXXX", stem[64];
	struct fx f = { .plain.f = &f, .secure.f = &f };
	pthread_t th;

	if (!mkdtemp(dir)) {
		check_fail(__FILE__, __LINE__, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(stem, sizeof(stem), "%s/vpce.db", dir);
	buf_init(&f.plain.log, 1 << 20);
	buf_init(&f.secure.log, 1 << 20);
	log_set_level(LOG_ERR);
	f.loop = loop_new();
	CHECK(f.loop);
	if (f.loop && serve(&f, stem)) {
		loop_set_tick(f.loop, 2, tick, &f);
		CHECK_EQ(pthread_create(&th, NULL, client_main, &f), 0);
		CHECK_EQ(loop_run(f.loop), 0);
		pthread_join(th, NULL);
		check_logs(&f);
	}
	/* Handles still out when the server goes are the caller's to free. */
	for (size_t i = 0; i < f.n_pend; i++)
		http_deferred_cancel(f.pend[i].d);
	http_server_free(f.plain.srv);
	http_server_free(f.secure.srv);
	tls_server_free(f.tls);
	loop_free(f.loop);
	log_set_level(LOG_INFO);
	buf_release(&f.plain.log);
	buf_release(&f.secure.log);
	remove_ca(dir, stem);
}
