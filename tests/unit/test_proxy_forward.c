/* SPDX-License-Identifier: MIT */
/*
 * The forwarder (proxy/forward.h) against a scripted backend in the same
 * event loop, one step after another: what a backend sees of a GET and a
 * POST, answers framed by length, chunks or the connection's end, a HEAD,
 * informational answers, refusals, timeouts (the answer's and the
 * connect's), malformed and oversized answers, kept-alive connections and
 * their loss, concurrency, forwarding again from 'done', the bound on
 * exchanges and proxy_free() with exchanges under way.
 */
#include "compat.h"
#include "check.h"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "io/http.h"
#include "io/loop.h"
#include "proxy/forward.h"
#include "proxy/message.h"
#include "net_fixture.h"

void test_proxy_forward(void);

#define STEP_TIMEOUT_MS 3000
#define MAX_PEERS (LIMIT_PROXY_EXCHANGES + 16)
#define MAX_RESULTS 8
#define LOCALHOST INADDR_LOOPBACK

/* How the backend answers the requests it reads. */
enum mode {
	ECHO,		/* 200, the request line, headers and body in the body; kept alive */
	ECHO_CLOSE,	/* the same, then it closes the connection at once */
	CHUNKED,	/* chunks and a trailer */
	UNTIL_CLOSE,	/* a body that ends with the connection */
	HEAD_ANSWER,	/* Content-Length: 1234 and no body; then ECHO */
	CONTINUE,	/* 100 Continue, then 204 */
	SILENT,		/* nothing */
	GARBAGE,	/* no HTTP */
	CUT,		/* a body shorter than said, then the end */
	HUGE,		/* a Content-Length past LIMIT_HTTP_RESPONSE_BYTES */
	DROP_REUSED,	/* closes a connection on its second request, without an answer */
};

struct peer {
	struct be *be;
	int fd;
	int id;			/* the backend's count of connections when it came */
	int n_req;
	struct http_reader r;
};

/* The backend: a listener and its connections. */
struct be {
	struct loop *loop;
	int fd;
	uint16_t port;
	enum mode mode;
	int accepted;
	int requests;
	struct peer *peers[MAX_PEERS];
	struct buf last;	/* the last request, as the backend rebuilt it */
};

struct result {
	int status;
	struct buf headers, body;
};

struct fx {
	struct loop *loop;
	struct proxy *p;
	struct be be;
	struct result res[MAX_RESULTS];
	int n_done;
	int want;		/* the step ends at this many results */
	int64_t deadline_ms;
	size_t step;
	int cancelled;		/* results with -ECANCELED, past MAX_RESULTS */
	int refill;		/* forwards left to start from 'done' */
	int filler[2];		/* connections that fill a listener's queue */
	int full;		/* that listener */
	bool (*until)(struct fx *f);	/* when the step may be checked; NULL: 'want' results */
	int64_t since_ms;	/* when the step began */
	int requests;		/* be.requests when it began */
	struct proxy_stats before;	/* the proxy when it began */
};

static void peer_close(struct peer *pe)
{
	struct be *be = pe->be;

	for (size_t i = 0; i < MAX_PEERS; i++)
		if (be->peers[i] == pe)
			be->peers[i] = NULL;
	loop_del(be->loop, pe->fd);
	close(pe->fd);
	http_reader_release(&pe->r);
	free(pe);
}

static void say(struct peer *pe, const char *s, size_t len)
{
	CHECK(send(pe->fd, s, len, MSG_NOSIGNAL) == (ssize_t)len);
}

#define SAY(pe, lit) say(pe, lit, sizeof(lit) - 1)

/* Rebuilds the request the backend read, header by header, into be->last. */
static void record(struct peer *pe, const struct http_request *req)
{
	struct buf *b = &pe->be->last;

	buf_reset(b);
	buf_addf(b, "%.*s %.*s", STR_FMT(req->method), STR_FMT(req->path));
	if (req->query.len)
		buf_addf(b, "?%.*s", STR_FMT(req->query));
	buf_adds(b, "\n");
	for (size_t i = 0; i < req->n_headers; i++)
		buf_addf(b, "%.*s: %.*s\n", STR_FMT(req->headers[i].name),
			 STR_FMT(req->headers[i].value));
	buf_addf(b, "\n%.*s", STR_FMT(req->body));
}

/* Answers one request as be->mode says; false when the connection was closed. */
static bool answer(struct peer *pe)
{
	enum mode mode = pe->be->mode;
	struct buf out;

	if (mode == DROP_REUSED && pe->n_req < 2)
		mode = ECHO;
	switch (mode) {
	case ECHO:
	case ECHO_CLOSE:
		buf_init(&out, 1 << 20);
		buf_addf(&out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Conn: %d\r\n"
			 "Connection: keep-alive, X-Drop\r\nKeep-Alive: timeout=5\r\nX-Drop: 1\r\n"
			 "Proxy-Thing: 1\r\nX-Keep: 1\r\nContent-Length: %zu\r\n\r\n%s",
			 pe->id, pe->be->last.len, pe->be->last.p);
		say(pe, out.p, out.len);
		buf_release(&out);
		if (mode == ECHO)
			return true;
		peer_close(pe);
		return false;
	case CHUNKED:
		SAY(pe, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
			"Content-Type: application/x-amz-json-1.0\r\nTrailer: X-Sum\r\n\r\n"
			"5\r\nhello\r\n7\r\n, world\r\n0\r\nX-Sum: 1\r\n\r\n");
		return true;
	case UNTIL_CLOSE:
		SAY(pe, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
		peer_close(pe);
		return false;
	case HEAD_ANSWER:
		SAY(pe, "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nETag: \"e\"\r\n\r\n");
		pe->be->mode = ECHO;
		return true;
	case CONTINUE:
		SAY(pe, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
			"HTTP/1.1 204 No Content\r\nX-A: b\r\n\r\n");
		return true;
	case SILENT:
		return true;
	case GARBAGE:
		SAY(pe, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
		return true;
	case CUT:
		SAY(pe, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort");
		peer_close(pe);
		return false;
	case HUGE:
		SAY(pe, "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n");
		return true;
	case DROP_REUSED:
		pe->be->mode = ECHO;
		peer_close(pe);
		return false;
	}
	return true;
}

static void peer_event(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct peer *pe = arg;
	char in[65536];
	ssize_t n = recv(fd, in, sizeof(in), 0);
	size_t off = 0;

	(void)l;
	(void)events;
	if (n <= 0) {
		if (n == 0 || errno != EAGAIN)
			peer_close(pe);
		return;
	}
	while (off < (size_t)n) {
		struct http_request req;
		size_t used;
		int ret = http_reader_feed(&pe->r, in + off, (size_t)n - off, &used);

		off += used;
		if (ret < 0) {
			check_fail(__FILE__, __LINE__, "the backend could not read a request");
			peer_close(pe);
			return;
		}
		if (ret == 0)
			continue;
		http_reader_request(&pe->r, &req);
		pe->n_req++;
		pe->be->requests++;
		record(pe, &req);
		if (!answer(pe))
			return;
		http_reader_next(&pe->r);
	}
}

static void be_accept(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct be *be = arg;
	int cfd;

	(void)events;
	while ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct peer *pe = xcalloc(1, sizeof(*pe));
		size_t i = 0;

		*pe = (struct peer){ .be = be, .fd = cfd, .id = ++be->accepted };
		http_reader_init(&pe->r);
		while (i < MAX_PEERS && be->peers[i])
			i++;
		if (i == MAX_PEERS || loop_add(l, cfd, EPOLLIN, peer_event, pe) < 0) {
			check_fail(__FILE__, __LINE__, "the backend cannot take a connection");
			http_reader_release(&pe->r);
			close(cfd);
			free(pe);
			continue;
		}
		be->peers[i] = pe;
	}
}

static proxy_done_fn done;

/*
 * Forwards 'method' 'target' ("/path?query") with 'body' to 127.0.0.1:'port',
 * as a client of the region would send it, with an extra header.
 */
static int forward(struct fx *f, uint16_t port, const char *method, const char *target,
		   const char *body)
{
	struct http_request req = { .method = str_c(method), .body = str_c(body),
				    .query = STR_EMPTY };
	struct str t = str_c(target);

	req.path = t;
	if (str_cut(&t, '?', &req.path))
		req.query = t;
	req.headers[req.n_headers++] = (struct http_header){
		STR_LIT("Host"), STR_LIT("sqs.us-east-1.amazonaws.com") };
	if (*body) {
		req.headers[req.n_headers++] = (struct http_header){
			STR_LIT("Content-Type"), STR_LIT("application/x-www-form-urlencoded") };
		req.headers[req.n_headers++] = (struct http_header){
			STR_LIT("Content-Length"), STR_LIT("999") };
	}
	return proxy_forward(f->p, LOCALHOST, port, &req, STR_LIT("X-Forwarded-For: 10.0.1.5\r\n"),
			     done, f);
}

static void done(void *arg, int status, struct str headers, struct str body)
{
	struct fx *f = arg;
	struct result *r = &f->res[f->n_done];

	if (status == -ECANCELED) {
		f->cancelled++;
		return;
	}
	if (f->n_done == MAX_RESULTS) {
		check_fail(__FILE__, __LINE__, "more answers than expected");
		return;
	}
	r->status = status;
	buf_reset(&r->headers);
	buf_reset(&r->body);
	buf_addstr(&r->headers, headers);
	buf_addstr(&r->body, body);
	f->n_done++;
	if (f->refill > 0) {
		f->refill--;
		CHECK_EQ(forward(f, f->be.port, "POST", "/again", "Action=Again"), 0);
	}
}

/* The result of 'i' has the header line 'line' ("Name: value\r\n"). */
static bool has_line(const struct fx *f, int i, const char *line)
{
	return strstr(f->res[i].headers.p, line) != NULL;
}

static void expect_status(const struct fx *f, int i, int status, int where)
{
	if (f->res[i].status != status)
		check_fail(__FILE__, where, "answer %d: %d, wanted %d (%s)", i, f->res[i].status,
			   status, f->res[i].body.p);
}

static struct proxy_stats stats(const struct fx *f)
{
	struct proxy_stats st;

	proxy_stats(f->p, &st);
	return st;
}

/*
 * A GET with every kind of hop-by-hop header: none reaches the backend, nor
 * comes back; what a Connection header names goes on only in a request.
 */
static void get_start(struct fx *f)
{
	struct http_request req = {
		.method = STR_LIT("GET"), .path = STR_LIT("/path"), .query = STR_LIT("x=1&y=%20"),
		.body = STR_EMPTY,
		.headers = {
			{ STR_LIT("Host"), STR_LIT("sqs.us-east-1.amazonaws.com") },
			{ STR_LIT("Connection"), STR_LIT("keep-alive, X-Hop") },
			{ STR_LIT("X-Hop"), STR_LIT("1") },
			{ STR_LIT("Keep-Alive"), STR_LIT("300") },
			{ STR_LIT("Proxy-Authorization"), STR_LIT("Basic c2VjcmV0") },
			{ STR_LIT("TE"), STR_LIT("trailers") },
			{ STR_LIT("Upgrade"), STR_LIT("h2c") },
			{ STR_LIT("Expect"), STR_LIT("100-continue") },
			{ STR_LIT("X-Amz-Date"), STR_LIT("20240101T000000Z") },
			{ STR_LIT("connection"), STR_LIT("X-Hop-Too") },
			{ STR_LIT("x-hop-too"), STR_LIT("2") },
			{ STR_LIT("Transfer-Encodingx"), STR_LIT("chunked") },
		},
		.n_headers = 12,
	};

	CHECK_EQ(proxy_forward(f->p, LOCALHOST, f->be.port, &req,
			       STR_LIT("X-Forwarded-For: 10.0.1.5\r\n"), done, f), 0);
}

static void get_check(struct fx *f)
{
	expect_status(f, 0, 200, __LINE__);
	CHECK_STREQ(f->be.last.p, "GET /path?x=1&y=%20\nHost: sqs.us-east-1.amazonaws.com\n"
		    "X-Hop: 1\nX-Amz-Date: 20240101T000000Z\nx-hop-too: 2\n"
		    "X-Forwarded-For: 10.0.1.5\n\n");
	CHECK_STREQ(f->res[0].body.p, f->be.last.p);
	CHECK_STREQ(f->res[0].headers.p, "Content-Type: text/plain\r\nX-Conn: 1\r\nX-Keep: 1\r\n");
	CHECK_EQ(stats(f).opened, 1);
	CHECK_EQ(stats(f).idle, 1);
}

static void post_start(struct fx *f)
{
	CHECK_EQ(forward(f, f->be.port, "POST", "/?Action=x", "Action=CreateQueue&QueueName=q1"), 0);
}

/* One Content-Length, ours; the same connection as the GET's. */
static void post_check(struct fx *f)
{
	expect_status(f, 0, 200, __LINE__);
	CHECK_STREQ(f->be.last.p, "POST /?Action=x\nHost: sqs.us-east-1.amazonaws.com\n"
		    "Content-Type: application/x-www-form-urlencoded\nX-Forwarded-For: 10.0.1.5\n"
		    "Content-Length: 31\n\nAction=CreateQueue&QueueName=q1");
	CHECK(has_line(f, 0, "X-Conn: 1\r\n"));
	CHECK_EQ(stats(f).opened, 1);
}

static void get_echo_start(struct fx *f)
{
	CHECK_EQ(forward(f, f->be.port, "GET", "/", ""), 0);
}

static void mode_get_start(struct fx *f, enum mode mode)
{
	f->be.mode = mode;
	get_echo_start(f);
}

static void chunked_start(struct fx *f)
{
	mode_get_start(f, CHUNKED);
}

/* De-chunked, without Transfer-Encoding, Trailer or the trailer field; kept alive. */
static void chunked_check(struct fx *f)
{
	expect_status(f, 0, 200, __LINE__);
	CHECK_STREQ(f->res[0].body.p, "hello, world");
	CHECK_STREQ(f->res[0].headers.p, "Content-Type: application/x-amz-json-1.0\r\n");
	CHECK_EQ(stats(f).idle, 1);
}

static void until_close_start(struct fx *f)
{
	mode_get_start(f, UNTIL_CLOSE);
}

static void until_close_check(struct fx *f)
{
	expect_status(f, 0, 200, __LINE__);
	CHECK_STREQ(f->res[0].body.p, "until the end");
	CHECK_EQ(stats(f).idle, 0);
}

static void head_start(struct fx *f)
{
	f->be.mode = HEAD_ANSWER;
	CHECK_EQ(forward(f, f->be.port, "HEAD", "/", ""), 0);
	f->refill = 1;
	f->want = 2;
}

/* No body awaited after a HEAD's headers: the connection carries the next request at once. */
static void head_check(struct fx *f)
{
	expect_status(f, 0, 200, __LINE__);
	CHECK_EQ(f->res[0].body.len, 0);
	/* Its Content-Length describes the GET's body: it stays. */
	CHECK_STREQ(f->res[0].headers.p, "Content-Length: 1234\r\nETag: \"e\"\r\n");
	expect_status(f, 1, 200, __LINE__);
	CHECK_EQ(stats(f).opened, f->before.opened + 1);
}

static void continue_start(struct fx *f)
{
	mode_get_start(f, CONTINUE);
}

static void continue_check(struct fx *f)
{
	expect_status(f, 0, 204, __LINE__);
	CHECK_STREQ(f->res[0].headers.p, "X-A: b\r\n");
	CHECK_EQ(f->res[0].body.len, 0);
}

static void refused_start(struct fx *f)
{
	CHECK_EQ(forward(f, net_closed_port(), "GET", "/", ""), 0);
}

static void refused_check(struct fx *f)
{
	expect_status(f, 0, -ECONNREFUSED, __LINE__);
	CHECK_EQ(proxy_error_status(f->res[0].status), 502);
	CHECK_EQ(f->res[0].headers.len + f->res[0].body.len, 0);
}

static void garbage_start(struct fx *f)
{
	mode_get_start(f, GARBAGE);
}

static void bad_check(struct fx *f)
{
	expect_status(f, 0, -EBADMSG, __LINE__);
	CHECK_EQ(proxy_error_status(f->res[0].status), 502);
}

static void cut_start(struct fx *f)
{
	mode_get_start(f, CUT);
}

static void huge_start(struct fx *f)
{
	mode_get_start(f, HUGE);
}

static void huge_check(struct fx *f)
{
	expect_status(f, 0, -EMSGSIZE, __LINE__);
}

static bool backend_saw_it(struct fx *f)
{
	return f->be.requests > f->requests;
}

static void silent_start(struct fx *f)
{
	mode_get_start(f, SILENT);
	f->until = backend_saw_it;
}

/* The backend has the request and says nothing: the sweep ends it with -ETIMEDOUT. */
static void silent_check(struct fx *f)
{
	proxy_sweep_at(f->p, loop_now_ms() + LIMIT_PROXY_EXCHANGE_MS - 1000);
	CHECK_EQ(f->n_done, 0);
	proxy_sweep_at(f->p, loop_now_ms() + LIMIT_PROXY_EXCHANGE_MS + 1);
	CHECK_EQ(f->n_done, 1);
	expect_status(f, 0, -ETIMEDOUT, __LINE__);
	CHECK_EQ(proxy_error_status(f->res[0].status), 504);
	CHECK_EQ(stats(f).exchanges, 0);
	CHECK_EQ(stats(f).idle, f->before.idle - 1);
}

static bool a_while(struct fx *f)
{
	return loop_now_ms() - f->since_ms > 50;
}

/*
 * A listener whose accept queue is full drops further SYNs: a connect
 * to it hangs until the sweep gives up on it.
 */
static void connect_timeout_start(struct fx *f)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(LOCALHOST) };
	socklen_t len = sizeof(sa);

	f->full = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(f->full >= 0 && bind(f->full, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	      listen(f->full, 0) == 0 &&
	      getsockname(f->full, (struct sockaddr *)&sa, &len) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(f->filler); i++) {
		f->filler[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		connect(f->filler[i], (struct sockaddr *)&sa, sizeof(sa));
	}
	usleep(20 * 1000);
	CHECK_EQ(forward(f, ntohs(sa.sin_port), "GET", "/", ""), 0);
	f->until = a_while;
}

static void connect_timeout_check(struct fx *f)
{
	CHECK_EQ(f->n_done, 0);
	proxy_sweep_at(f->p, loop_now_ms() + LIMIT_PROXY_CONNECT_MS + 1);
	CHECK_EQ(f->n_done, 1);
	expect_status(f, 0, -ETIMEDOUT, __LINE__);
	for (size_t i = 0; i < ARRAY_SIZE(f->filler); i++)
		close(f->filler[i]);
	close(f->full);
}

static void echo_check(struct fx *f)
{
	expect_status(f, 0, 200, __LINE__);
}

static void echo_start(struct fx *f)
{
	mode_get_start(f, ECHO);
}

/* The backend drops the kept connection as the GET comes: it goes again on a new one. */
static void retry_start(struct fx *f)
{
	mode_get_start(f, DROP_REUSED);
}

static void retry_check(struct fx *f)
{
	expect_status(f, 0, 200, __LINE__);
	CHECK_EQ(stats(f).opened, f->before.opened + 1);
}

static void no_retry_start(struct fx *f)
{
	f->be.mode = DROP_REUSED;
	CHECK_EQ(forward(f, f->be.port, "POST", "/", "Action=SendMessage"), 0);
}

/* A POST may have been done: it is not sent twice. */
static void no_retry_check(struct fx *f)
{
	expect_status(f, 0, -ECONNRESET, __LINE__);
	CHECK_EQ(stats(f).opened, f->before.opened);
}

static bool idle_none(struct fx *f)
{
	return f->n_done == 2 && stats(f).idle == 0;
}

/*
 * A kept connection that the backend closes leaves the pool: at once when
 * the next request comes before the loop saw the close (a POST, which
 * would not be sent again), or when the loop sees it.
 */
static void backend_closes_start(struct fx *f)
{
	mode_get_start(f, ECHO_CLOSE);
	f->refill = 1;
	f->until = idle_none;
}

static void backend_closes_check(struct fx *f)
{
	expect_status(f, 0, 200, __LINE__);
	expect_status(f, 1, 200, __LINE__);
	CHECK_EQ(stats(f).opened, f->before.opened + 2);
}

static void concurrent_start(struct fx *f)
{
	static const char *const paths[] = { "/c0", "/c1", "/c2", "/c3", "/c4" };

	f->be.mode = ECHO;
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		CHECK_EQ(forward(f, f->be.port, "GET", paths[i], ""), 0);
	f->want = ARRAY_SIZE(paths);
}

/* One connection each, all kept afterwards. */
static void concurrent_check(struct fx *f)
{
	bool seen[5] = { false };

	for (int i = 0; i < f->n_done; i++) {
		const char *p = strstr(f->res[i].body.p, "GET /c");

		expect_status(f, i, 200, __LINE__);
		if (p && p[6] >= '0' && p[6] <= '4')
			seen[p[6] - '0'] = true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(seen); i++)
		CHECK(seen[i]);
	CHECK_EQ(stats(f).opened, f->before.opened + 5);
	CHECK_EQ(stats(f).idle, 5);
}

static void idle_sweep_start(struct fx *f)
{
	f->want = 0;
}

static void idle_sweep_check(struct fx *f)
{
	proxy_sweep_at(f->p, loop_now_ms() + LIMIT_PROXY_IDLE_MS - 1000);
	CHECK_EQ(stats(f).idle, 5);
	proxy_sweep_at(f->p, loop_now_ms() + LIMIT_PROXY_IDLE_MS);
	CHECK_EQ(stats(f).idle, 0);
}

static void refill_start(struct fx *f)
{
	mode_get_start(f, ECHO);
	f->refill = 2;
	f->want = 3;
}

/* POSTs forwarded from 'done', over the connection the last exchange let go of. */
static void refill_check(struct fx *f)
{
	for (int i = 0; i < 3; i++) {
		expect_status(f, i, 200, __LINE__);
		CHECK(has_line(f, i, "X-Conn: ") &&
		      !strcmp(strstr(f->res[i].headers.p, "X-Conn: "),
			      strstr(f->res[0].headers.p, "X-Conn: ")));
	}
	CHECK_EQ(stats(f).opened, f->before.opened + 1);
}

static bool all_arrived(struct fx *f)
{
	return f->be.requests - f->requests == LIMIT_PROXY_EXCHANGES;
}

/* LIMIT_PROXY_EXCHANGES under way at most; proxy_free() cancels them (test_proxy_forward()). */
static void bound_start(struct fx *f)
{
	f->be.mode = SILENT;
	for (int i = 0; i < LIMIT_PROXY_EXCHANGES; i++)
		CHECK_EQ(forward(f, f->be.port, "GET", "/wait", ""), 0);
	CHECK_EQ(forward(f, f->be.port, "GET", "/one-too-many", ""), -EAGAIN);
	f->until = all_arrived;
}

static void bound_check(struct fx *f)
{
	CHECK_EQ(stats(f).exchanges, LIMIT_PROXY_EXCHANGES);
	CHECK_EQ(f->n_done, 0);
}

static const struct step {
	const char *name;
	void (*start)(struct fx *f);
	void (*check)(struct fx *f);
} steps[] = {
	{ "get", get_start, get_check },
	{ "post", post_start, post_check },
	{ "chunked", chunked_start, chunked_check },
	{ "until-close", until_close_start, until_close_check },
	{ "head", head_start, head_check },
	{ "continue", continue_start, continue_check },
	{ "refused", refused_start, refused_check },
	{ "garbage", garbage_start, bad_check },
	{ "cut", cut_start, bad_check },
	{ "huge", huge_start, huge_check },
	{ "echo", echo_start, echo_check },
	{ "silent", silent_start, silent_check },
	{ "connect-timeout", connect_timeout_start, connect_timeout_check },
	{ "echo", echo_start, echo_check },
	{ "retry", retry_start, retry_check },
	{ "echo", echo_start, echo_check },
	{ "no-retry", no_retry_start, no_retry_check },
	{ "backend-closes", backend_closes_start, backend_closes_check },
	{ "concurrent", concurrent_start, concurrent_check },
	{ "idle-sweep", idle_sweep_start, idle_sweep_check },
	{ "refill", refill_start, refill_check },
	{ "bound", bound_start, bound_check },
};

static void step_begin(struct fx *f)
{
	f->n_done = 0;
	f->want = 1;
	f->until = NULL;
	f->refill = 0;
	f->since_ms = loop_now_ms();
	f->deadline_ms = f->since_ms + STEP_TIMEOUT_MS;
	f->requests = f->be.requests;
	f->before = stats(f);
	steps[f->step].start(f);
}

static void tick(void *arg)
{
	struct fx *f = arg;
	const struct step *st = &steps[f->step];
	bool ready = f->until ? f->until(f) : f->n_done >= f->want;

	if (!ready && loop_now_ms() < f->deadline_ms)
		return;
	if (ready)
		st->check(f);
	else
		check_fail(__FILE__, __LINE__, "step '%s': not over after %d ms (%d answers)",
			   st->name, STEP_TIMEOUT_MS, f->n_done);
	if (++f->step == ARRAY_SIZE(steps))
		loop_stop(f->loop);
	else
		step_begin(f);
}

static void be_release(struct be *be)
{
	for (size_t i = 0; i < MAX_PEERS; i++)
		if (be->peers[i])
			peer_close(be->peers[i]);
	if (be->fd >= 0) {
		loop_del(be->loop, be->fd);
		close(be->fd);
	}
	buf_release(&be->last);
}

void test_proxy_forward(void)
{
	struct fx f = { .be.fd = -1 };

	log_set_level(LOG_ERR);
	for (size_t i = 0; i < MAX_RESULTS; i++) {
		buf_init(&f.res[i].headers, 1 << 20);
		buf_init(&f.res[i].body, 1 << 20);
	}
	buf_init(&f.be.last, 1 << 20);
	f.loop = loop_new();
	CHECK(f.loop);
	f.be.loop = f.loop;
	f.be.fd = f.loop ? net_listen(&f.be.port) : -1;
	if (f.be.fd >= 0 && loop_add(f.loop, f.be.fd, EPOLLIN, be_accept, &f.be) == 0) {
		f.p = proxy_new(f.loop);
		loop_set_tick(f.loop, 1, tick, &f);
		step_begin(&f);
		CHECK_EQ(loop_run(f.loop), 0);
		proxy_free(f.p);
		CHECK_EQ(f.cancelled, LIMIT_PROXY_EXCHANGES);
	} else {
		check_fail(__FILE__, __LINE__, "no backend");
	}
	be_release(&f.be);
	loop_free(f.loop);
	for (size_t i = 0; i < MAX_RESULTS; i++) {
		buf_release(&f.res[i].headers);
		buf_release(&f.res[i].body);
	}
	log_set_level(LOG_INFO);
}
