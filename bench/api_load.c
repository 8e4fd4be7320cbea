/* SPDX-License-Identifier: MIT */
/*
 * api_load: a load client for the EC2 Query API (vpced, moto_server) and for
 * S3's GetObject and PutObject (the region's front). One thread drives CONNS
 * keep-alive connections through epoll and signs with SigV4. An EC2 request
 * counts only when its answer is HTTP 200 with the root element its Action
 * names ("<DescribeVpcEndpointsResponse"), an S3 one when it is HTTP 200 (and
 * for a GET, the object's exact bytes); the rest are errors, never throughput.
 */
#include "compat.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/str.h"
#include "base/xalloc.h"

#define CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"
#define MAX_CONNS 1024
#define MAX_HEADER_BYTES (64 * 1024)
#define MAX_RESPONSE_BYTES ((size_t)256 * 1024 * 1024)
#define RESIGN_SECONDS 120	/* SigV4 allows 300 s of skew */
#define STALL_MS 60000		/* batch and call give up after this much silence */
#define ERRORS_SHOWN 3

enum mode { MODE_CALL, MODE_BATCH, MODE_FIXED, MODE_PAIRS, MODE_S3GET, MODE_S3PUT };
enum kind { K_FIXED, K_CREATE, K_DELETE, K_BATCH };
enum cstate { C_IDLE, C_CONNECTING, C_WRITING, C_READING };

struct signer {
	const char *access_key, *secret, *region;
	const char *service;	/* the credential scope's: "ec2", "s3" */
	char host[64];		/* the Host header, "127.0.0.1:PORT" */
	time_t at;		/* the second 'amz_date' names */
	char amz_date[17];	/* YYYYMMDDTHHMMSSZ */
	char day[9];		/* the day 'key' is for */
	unsigned char key[32];	/* kSigning for 'day' */
};

struct conn {
	int fd;			/* -1 when closed */
	enum cstate state;
	enum kind kind;
	char *req;		/* request bytes; owned when 'req_owned' */
	size_t req_len, req_off;
	bool req_owned;
	char *in;		/* response bytes read so far */
	size_t in_len, in_size;
	size_t hdr_len;		/* 0 until the header block is complete */
	size_t body_len;	/* from Content-Length */
	bool until_eof;		/* no Content-Length: the body ends at EOF */
	bool server_closes;	/* Connection: close (moto sends it every time) */
	int status;
	int64_t t0_us;		/* when this request was started */
	char root[96];		/* expected root element */
	char id[64];		/* pairs: the endpoint to delete */
	size_t line;		/* batch: index of the body being sent */
};

struct run {
	enum mode mode;
	struct sockaddr_in addr;
	struct signer sg;
	unsigned n_conns;
	double duration, warmup;	/* seconds */
	const char *count_tag;		/* fixed: each answer holds 'count_want' <tag> */
	size_t count_want;
	const char *body;		/* fixed, pairs (the create body), call */
	const char *object;		/* s3get, s3put: "BUCKET/KEY" */
	char *data;			/* s3get, s3put: the object's bytes */
	size_t data_len;
	char **lines;			/* batch */
	size_t n_lines, next_line, lines_done;
	char *fixed_req;		/* fixed: presigned once (again each RESIGN_SECONDS) */
	size_t fixed_len;
	time_t fixed_at;
	char **retired;			/* earlier 'fixed_req's, still referenced */
	size_t n_retired, alloc_retired;
	int ep;
	struct conn *conns;
	int64_t start_us, end_us;	/* the measured window */
	bool stopping;
	uint32_t *lat;			/* microseconds, one per counted request */
	size_t n_lat, alloc_lat;
	uint64_t ok, ops, errors, reconnects, bytes_in;
	uint64_t errors_all;		/* also outside the window */
	bool print_body;		/* call */
};

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static ATTR_NORETURN ATTR_PRINTF(1, 2) void die(const char *fmt, ...)
{
	va_list ap;

	fputs("api_load: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static ATTR_PRINTF(2, 3) char *xasprintf(size_t *len, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("formatting failed");
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (len)
		*len = (size_t)n;
	return p;
}

/* ---- SigV4 (the signing side of AWS's "Signature Version 4" document) ---- */

static void sha256_hex(const void *p, size_t len, char out[static 65])
{
	unsigned char md[32];
	unsigned n = 0;

	if (!EVP_Digest(p, len, md, &n, EVP_sha256(), NULL) || n != 32)
		die("sha256 failed");
	str_hex_encode(md, 32, out);
}

static void hmac(const void *key, size_t key_len, const char *msg, unsigned char out[static 32])
{
	unsigned n = 0;

	if (!HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)msg, strlen(msg),
		  out, &n) || n != 32)
		die("hmac failed");
}

/* Brings the date, and the signing key when the day changed, up to 'now'. */
static void signer_refresh(struct signer *s, time_t now)
{
	struct tm tm;
	char secret[300];

	if (now == s->at)
		return;
	s->at = now;
	gmtime_r(&now, &tm);
	strftime(s->amz_date, sizeof(s->amz_date), "%Y%m%dT%H%M%SZ", &tm);
	if (!memcmp(s->day, s->amz_date, 8))
		return;
	memcpy(s->day, s->amz_date, 8);
	s->day[8] = '\0';
	if ((size_t)snprintf(secret, sizeof(secret), "AWS4%s", s->secret) >= sizeof(secret))
		die("secret key too long");
	hmac(secret, strlen(secret), s->day, s->key);
	hmac(s->key, 32, s->region, s->key);
	hmac(s->key, 32, s->service, s->key);
	hmac(s->key, 32, "aws4_request", s->key);
}

/*
 * Signs the canonical request 'creq' (made at the signer's date), whose
 * signed headers are 'signed': fills the X-Amz-Date and Authorization values.
 */
static void finish_sig(struct signer *s, const char *creq, const char *signed_headers,
		       char date[static 17], char auth[static 512])
{
	char creq_hash[65], sig[65];
	unsigned char mac[32];
	char *sts;

	sha256_hex(creq, strlen(creq), creq_hash);
	sts = xasprintf(NULL, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s",
			s->amz_date, s->day, s->region, s->service, creq_hash);
	hmac(s->key, 32, sts, mac);
	str_hex_encode(mac, 32, sig);
	memcpy(date, s->amz_date, 17);
	if ((size_t)snprintf(auth, 512, "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, "
			     "SignedHeaders=%s, Signature=%s", s->access_key, s->day, s->region,
			     s->service, signed_headers, sig) >= 512)
		die("access key too long");
	free(sts);
}

/*
 * Signs a POST of 'body' to "/" now, with the header form of SigV4 over
 * content-type, host and x-amz-date: fills the X-Amz-Date and Authorization
 * header values.
 */
static void sign(struct signer *s, const char *body, char date[static 17],
		 char auth[static 512])
{
	char payload[65];
	char *creq;

	signer_refresh(s, time(NULL));
	sha256_hex(body, strlen(body), payload);
	creq = xasprintf(NULL, "POST\n/\n\ncontent-type:%s\nhost:%s\nx-amz-date:%s\n\n"
			 "content-type;host;x-amz-date\n%s",
			 CONTENT_TYPE, s->host, s->amz_date, payload);
	finish_sig(s, creq, "content-type;host;x-amz-date", date, auth);
	free(creq);
}

/* Returns a whole HTTP request (heap, caller frees) that POSTs 'body', signed now. */
static char *request_new(struct signer *s, const char *body, size_t *len)
{
	char date[17], auth[512];

	sign(s, body, date, auth);
	return xasprintf(len, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\n"
			 "X-Amz-Date: %s\r\nAuthorization: %s\r\nContent-Length: %zu\r\n\r\n%s",
			 s->host, CONTENT_TYPE, date, auth, strlen(body), body);
}

/*
 * Returns a whole S3 request (heap, caller frees), signed now over host,
 * x-amz-content-sha256 and x-amz-date with the payload's own hash, as SDKs
 * sign over plain HTTP: a GET of 'object' ("BUCKET/KEY", path style) when
 * 'data' is NULL, else a PUT of its 'len' bytes.
 */
static char *s3_request_new(struct signer *s, const char *object, const char *data, size_t len,
			    size_t *out_len)
{
	const char *method = data ? "PUT" : "GET";
	char payload[65], date[17], auth[512];
	char *creq, *head, *req;
	size_t head_len;

	signer_refresh(s, time(NULL));
	sha256_hex(data ? data : "", data ? len : 0, payload);
	creq = xasprintf(NULL, "%s\n/%s\n\nhost:%s\nx-amz-content-sha256:%s\nx-amz-date:%s\n\n"
			 "host;x-amz-content-sha256;x-amz-date\n%s",
			 method, object, s->host, payload, s->amz_date, payload);
	finish_sig(s, creq, "host;x-amz-content-sha256;x-amz-date", date, auth);
	free(creq);
	head = xasprintf(&head_len, "%s /%s HTTP/1.1\r\nHost: %s\r\nX-Amz-Content-Sha256: %s\r\n"
			 "X-Amz-Date: %s\r\nAuthorization: %s\r\nContent-Length: %zu\r\n\r\n",
			 method, object, s->host, payload, date, auth, data ? len : 0);
	if (!data) {
		*out_len = head_len;
		return head;
	}
	req = xmalloc(head_len + len + 1);
	memcpy(req, head, head_len);
	memcpy(req + head_len, data, len);
	req[head_len + len] = '\0';
	*out_len = head_len + len;
	free(head);
	return req;
}

/* The request a fixed run repeats: its EC2 body, or its S3 object's GET or PUT. */
static char *fixed_new(struct run *r, size_t *len)
{
	switch (r->mode) {
	case MODE_S3GET:
		return s3_request_new(&r->sg, r->object, NULL, 0, len);
	case MODE_S3PUT:
		return s3_request_new(&r->sg, r->object, r->data, r->data_len, len);
	default:
		return request_new(&r->sg, r->body, len);
	}
}

/*
 * Prints a wrk(1) script that POSTs 'body' with headers signed now; valid
 * for the 300 s of skew SigV4 allows.
 */
static void print_wrk_script(struct signer *s, const char *body)
{
	char date[17], auth[512];

	sign(s, body, date, auth);
	printf("-- generated by api_load sign; SigV4 accepts it for 5 minutes\n"
	       "wrk.method = \"POST\"\nwrk.body = \"%s\"\n"
	       "wrk.headers[\"Content-Type\"] = \"%s\"\n"
	       "wrk.headers[\"X-Amz-Date\"] = \"%s\"\n"
	       "wrk.headers[\"Authorization\"] = \"%s\"\n",
	       body, CONTENT_TYPE, date, auth);
}

/* ---- checking answers ---- */

/* Writes "<Action>Response", from the body's Action parameter, to 'dst'. */
static void root_of(const char *body, char dst[static 96])
{
	struct str s = str_c(body), kv, k;

	dst[0] = '\0';
	while (s.len) {
		if (!str_cut(&s, '&', &kv)) {
			kv = s;
			s = STR_EMPTY;
		}
		if (str_cut(&kv, '=', &k) && str_eq_c(k, "Action") && kv.len < 80) {
			snprintf(dst, 96, "%.*sResponse", STR_FMT(kv));
			return;
		}
	}
	die("no Action in body '%s'", body);
}

/* True when the document element of the XML in 'p' is named 'root'. */
static bool root_is(const char *p, size_t len, const char *root)
{
	size_t i = 0, n = strlen(root);

	for (;;) {
		while (i < len && strchr(" \t\r\n", p[i]))
			i++;
		if (i + 1 < len && p[i] == '<' && p[i + 1] == '?') {
			const char *end = memmem(p + i, len - i, "?>", 2);

			if (!end)
				return false;
			i = (size_t)(end - p) + 2;
			continue;
		}
		break;
	}
	return len - i > n + 1 && p[i] == '<' && !memcmp(p + i + 1, root, n) &&
	       (p[i + 1 + n] == '>' || p[i + 1 + n] == ' ');
}

static size_t count_tag(const char *p, size_t len, const char *tag)
{
	char open[128];
	size_t n, count = 0;
	const char *q;

	n = (size_t)snprintf(open, sizeof(open), "<%s>", tag);
	while ((q = memmem(p, len, open, n))) {
		count++;
		len -= (size_t)(q - p) + n;
		p = q + n;
	}
	return count;
}

/* Copies the text of the first <tag> in 'p' to 'dst'; false if there is none. */
static bool text_of(const char *p, size_t len, const char *tag, char *dst, size_t size)
{
	char open[128];
	size_t n = (size_t)snprintf(open, sizeof(open), "<%s>", tag);
	const char *q = memmem(p, len, open, n), *end;

	if (!q)
		return false;
	q += n;
	end = memchr(q, '<', len - (size_t)(q - p));
	if (!end || (size_t)(end - q) >= size || end == q)
		return false;
	memcpy(dst, q, (size_t)(end - q));
	dst[end - q] = '\0';
	return true;
}

/* ---- connections ---- */

static void watch(struct run *r, struct conn *c, uint32_t events, int op)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	if (epoll_ctl(r->ep, op, c->fd, &ev) < 0)
		die("epoll_ctl: %s", strerror(errno));
}

static void conn_close(struct run *r, struct conn *c)
{
	if (c->fd < 0)
		return;
	epoll_ctl(r->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
}

static void conn_open(struct run *r, struct conn *c)
{
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (const struct sockaddr *)&r->addr, sizeof(r->addr)) < 0 &&
	    errno != EINPROGRESS)
		die("connect: %s", strerror(errno));
	c->state = C_CONNECTING;
	watch(r, c, EPOLLOUT, EPOLL_CTL_ADD);
}

static void request_free(struct conn *c)
{
	if (c->req_owned)
		free(c->req);
	c->req = NULL;
	c->req_owned = false;
}

static bool in_window(const struct run *r, int64_t t)
{
	return t >= r->start_us && t < r->end_us;
}

/* Puts the next request of the run on 'c'; false when there is none. */
static bool request_pick(struct run *r, struct conn *c)
{
	char *body;

	switch (r->mode) {
	case MODE_FIXED:
	case MODE_S3GET:
	case MODE_S3PUT:
		if (time(NULL) - r->fixed_at >= RESIGN_SECONDS) {
			ALLOC_GROW(r->retired, r->n_retired + 1, r->alloc_retired);
			r->retired[r->n_retired++] = r->fixed_req;
			r->fixed_req = fixed_new(r, &r->fixed_len);
			r->fixed_at = time(NULL);
		}
		c->kind = K_FIXED;
		c->req = r->fixed_req;
		c->req_len = r->fixed_len;
		return true;
	case MODE_PAIRS:
		if (c->kind == K_CREATE && c->id[0]) {
			body = xasprintf(NULL, "Action=DeleteVpcEndpoints&Version=2016-11-15"
					 "&VpcEndpointId.1=%s", c->id);
			c->kind = K_DELETE;
			snprintf(c->root, sizeof(c->root), "DeleteVpcEndpointsResponse");
			c->req = request_new(&r->sg, body, &c->req_len);
			free(body);
		} else {
			c->kind = K_CREATE;
			c->id[0] = '\0';
			root_of(r->body, c->root);
			c->req = request_new(&r->sg, r->body, &c->req_len);
		}
		c->req_owned = true;
		return true;
	case MODE_CALL:
	case MODE_BATCH:
		if (r->next_line == r->n_lines)
			return false;
		c->kind = K_BATCH;
		c->line = r->next_line++;
		root_of(r->lines[c->line], c->root);
		c->req = request_new(&r->sg, r->lines[c->line], &c->req_len);
		c->req_owned = true;
		return true;
	}
	return false;
}

static void conn_broken(struct run *r, struct conn *c, const char *why);

static void conn_write(struct run *r, struct conn *c)
{
	while (c->req_off < c->req_len) {
		ssize_t n = send(c->fd, c->req + c->req_off, c->req_len - c->req_off,
				 MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			conn_broken(r, c, strerror(errno));
			return;
		}
		c->req_off += (size_t)n;
	}
	request_free(c);
	c->state = C_READING;
	watch(r, c, EPOLLIN, EPOLL_CTL_MOD);
}

/* Starts the next request on 'c', opening a connection if it has none. */
static void conn_next(struct run *r, struct conn *c)
{
	c->in_len = 0;
	c->hdr_len = 0;
	c->body_len = 0;
	c->until_eof = false;
	c->server_closes = false;
	c->status = 0;
	if (r->stopping || !request_pick(r, c)) {
		c->state = C_IDLE;
		conn_close(r, c);
		return;
	}
	c->req_off = 0;
	c->t0_us = now_us();
	if (c->fd < 0) {
		conn_open(r, c);
		return;
	}
	c->state = C_WRITING;
	watch(r, c, EPOLLOUT, EPOLL_CTL_MOD);
	conn_write(r, c);
}

static void show_error(struct run *r, const struct conn *c, const char *why)
{
	const char *body = c->hdr_len ? c->in + c->hdr_len : "";
	size_t len = c->hdr_len ? c->in_len - c->hdr_len : 0;

	if (r->errors_all++ >= ERRORS_SHOWN)
		return;
	if (r->data)
		fprintf(stderr, "api_load: %s: HTTP %d (%zu bytes), expected 200: %.*s\n", why,
			c->status, len, (int)MIN(len, 400), body);
	else
		fprintf(stderr, "api_load: %s: HTTP %d, expected <%s>: %.*s\n", why, c->status,
			c->root, (int)MIN(len, 400), body);
}

static bool answer_ok(struct run *r, struct conn *c, const char *body, size_t len)
{
	if (r->data) {
		if (c->status != 200 || (r->mode == MODE_S3GET &&
					 (len != r->data_len || memcmp(body, r->data, len)))) {
			show_error(r, c, "bad answer");
			return false;
		}
		return true;
	}
	if (c->status != 200 || !root_is(body, len, c->root)) {
		show_error(r, c, "bad answer");
		return false;
	}
	switch (c->kind) {
	case K_FIXED:
		if (r->count_tag && count_tag(body, len, r->count_tag) != r->count_want) {
			show_error(r, c, "wrong element count");
			return false;
		}
		return true;
	case K_CREATE:
		if (!text_of(body, len, "vpcEndpointId", c->id, sizeof(c->id))) {
			show_error(r, c, "no vpcEndpointId");
			return false;
		}
		return true;
	case K_DELETE:
		/* A refused ID comes back 200 with an <unsuccessful> item. */
		if (memmem(body, len, "<error>", 7)) {
			show_error(r, c, "delete unsuccessful");
			return false;
		}
		return true;
	case K_BATCH:
		if (r->print_body)
			fwrite(body, 1, len, stdout);
		return true;
	}
	return false;
}

static void conn_done(struct run *r, struct conn *c)
{
	int64_t t = now_us();
	const char *body = c->in + c->hdr_len;
	bool ok = answer_ok(r, c, body, c->body_len);

	if (in_window(r, t)) {
		r->bytes_in += c->hdr_len + c->body_len;
		if (ok) {
			r->ok++;
			if (c->kind != K_CREATE)
				r->ops++;
			ALLOC_GROW(r->lat, r->n_lat + 1, r->alloc_lat);
			r->lat[r->n_lat++] = (uint32_t)MIN(t - c->t0_us, (int64_t)UINT32_MAX);
		} else {
			r->errors++;
		}
	}
	if (c->kind == K_BATCH)
		r->lines_done++;
	if (c->kind == K_CREATE && !ok)
		c->id[0] = '\0';
	if (c->server_closes || c->until_eof) {
		conn_close(r, c);
		r->reconnects += in_window(r, t);
	}
	conn_next(r, c);
}

/* A request failed below HTTP (reset, early EOF): count it and start over. */
static void conn_broken(struct run *r, struct conn *c, const char *why)
{
	if (in_window(r, now_us())) {
		r->errors++;
		r->reconnects++;
	}
	show_error(r, c, why);
	if (c->kind == K_BATCH)
		r->lines_done++;
	request_free(c);
	c->id[0] = '\0';
	conn_close(r, c);
	conn_next(r, c);
}

static bool header_is(struct str line, const char *name, struct str *value)
{
	struct str n;

	if (!str_cut(&line, ':', &n) || !str_eq_nocase(str_trim(n), str_c(name)))
		return false;
	*value = str_trim(line);
	return true;
}

/* Parses the status line and headers once the block is complete; false on garbage. */
static bool parse_head(struct conn *c)
{
	const char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
	struct str head, line, v;
	uint64_t n;
	bool http10, keep = false, have_len = false;

	if (!end)
		return c->in_len < MAX_HEADER_BYTES;
	c->hdr_len = (size_t)(end - c->in) + 4;
	head = str_from(c->in, (size_t)(end - c->in) + 2);
	if (!str_cut(&head, '\n', &line) || line.len < 13 ||
	    !str_starts_with(line, STR_LIT("HTTP/1.")) || line.p[8] != ' ' ||
	    str_to_u64(str_from(line.p + 9, 3), 999, &n) < 0)
		return false;
	c->status = (int)n;
	http10 = line.p[7] == '0';
	while (str_cut(&head, '\n', &line)) {
		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		if (header_is(line, "Content-Length", &v)) {
			if (str_to_u64(v, MAX_RESPONSE_BYTES, &n) < 0)
				return false;
			c->body_len = (size_t)n;
			have_len = true;
		} else if (header_is(line, "Connection", &v)) {
			c->server_closes = str_eq_nocase(v, STR_LIT("close"));
			keep = str_eq_nocase(v, STR_LIT("keep-alive"));
		} else if (header_is(line, "Transfer-Encoding", &v)) {
			return false;	/* neither peer sends chunked answers */
		}
	}
	if (http10 && !keep)
		c->server_closes = true;
	c->until_eof = !have_len;
	if (have_len && c->in_size < c->hdr_len + c->body_len + 1) {
		c->in_size = c->hdr_len + c->body_len + 1;
		c->in = xrealloc(c->in, c->in_size);
	}
	return true;
}

static void conn_read(struct run *r, struct conn *c)
{
	for (;;) {
		ssize_t n;

		if (c->in_len + 1 >= c->in_size) {
			if (c->in_size >= MAX_RESPONSE_BYTES) {
				conn_broken(r, c, "answer too large");
				return;
			}
			c->in_size = c->in_size ? 2 * c->in_size : 65536;
			c->in = xrealloc(c->in, c->in_size);
		}
		n = recv(c->fd, c->in + c->in_len, c->in_size - c->in_len - 1, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			conn_broken(r, c, strerror(errno));
			return;
		}
		if (n == 0) {
			if (c->hdr_len && c->until_eof) {
				c->body_len = c->in_len - c->hdr_len;
				conn_done(r, c);
			} else {
				conn_broken(r, c, "connection closed before the answer ended");
			}
			return;
		}
		c->in_len += (size_t)n;
		if (!c->hdr_len && !parse_head(c)) {
			conn_broken(r, c, "malformed or chunked answer");
			return;
		}
		if (c->hdr_len && !c->until_eof && c->in_len >= c->hdr_len + c->body_len) {
			c->in[c->in_len] = '\0';
			conn_done(r, c);
			return;
		}
	}
}

static void conn_event(struct run *r, struct conn *c, uint32_t events)
{
	int err = 0;
	socklen_t len = sizeof(err);

	switch (c->state) {
	case C_CONNECTING:
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err)
			die("connect to %s:%u: %s", inet_ntoa(r->addr.sin_addr),
			    ntohs(r->addr.sin_port), strerror(err));
		c->state = C_WRITING;
		conn_write(r, c);
		break;
	case C_WRITING:
		conn_write(r, c);
		break;
	case C_READING:
		if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			conn_read(r, c);
		break;
	case C_IDLE:
		break;
	}
}

/* ---- the run ---- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t percentile(const uint32_t *v, size_t n, double p)
{
	size_t i;

	if (!n)
		return 0;
	i = (size_t)(p / 100.0 * (double)n + 0.999999);
	return v[i ? MIN(i, n) - 1 : 0];
}

static bool all_idle(const struct run *r)
{
	for (unsigned i = 0; i < r->n_conns; i++)
		if (r->conns[i].state != C_IDLE)
			return false;
	return true;
}

/* Runs for a duration, not through a list. */
static bool timed_mode(enum mode m)
{
	return m == MODE_FIXED || m == MODE_PAIRS || m == MODE_S3GET || m == MODE_S3PUT;
}

static void loop(struct run *r)
{
	struct epoll_event evs[64];
	bool timed = timed_mode(r->mode);

	for (;;) {
		int64_t t = now_us();
		int timeout = STALL_MS, n;

		if (timed) {
			if (t >= r->end_us)
				return;
			timeout = (int)((r->end_us - t) / 1000) + 1;
		} else if (all_idle(r)) {
			return;
		}
		n = epoll_wait(r->ep, evs, (int)ARRAY_SIZE(evs), timeout);
		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		if (n == 0 && !timed)
			die("no answer for %d s (%zu of %zu requests done)", STALL_MS / 1000,
			    r->lines_done, r->n_lines);
		for (int i = 0; i < n; i++)
			conn_event(r, evs[i].data.ptr, evs[i].events);
	}
}

static void report(struct run *r, double secs, int64_t cpu)
{
	static const char *const names[] = { [MODE_CALL] = "call", [MODE_BATCH] = "batch",
					     [MODE_FIXED] = "fixed", [MODE_PAIRS] = "pairs",
					     [MODE_S3GET] = "s3get", [MODE_S3PUT] = "s3put" };

	qsort(r->lat, r->n_lat, sizeof(*r->lat), cmp_u32);
	printf("mode=%s conns=%u secs=%.3f requests=%" PRIu64 " req_per_s=%.1f ops=%" PRIu64
	       " ops_per_s=%.1f p50_us=%u p99_us=%u max_us=%u errors=%" PRIu64
	       " reconnects=%" PRIu64 " client_cpu_pct=%.0f bytes_per_answer=%.0f\n",
	       names[r->mode],
	       r->n_conns, secs, r->ok, (double)r->ok / secs, r->ops,
	       (double)r->ops / secs, percentile(r->lat, r->n_lat, 50),
	       percentile(r->lat, r->n_lat, 99), r->n_lat ? r->lat[r->n_lat - 1] : 0,
	       r->errors, r->reconnects, 100.0 * (double)cpu / (secs * 1e6),
	       r->ok + r->errors ? (double)r->bytes_in / (double)(r->ok + r->errors) : 0);
}

static void read_lines(struct run *r, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL;
	size_t size = 0, alloc = 0;
	ssize_t n;

	if (!f)
		die("%s: %s", path, strerror(errno));
	while ((n = getline(&line, &size, f)) >= 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n)
			continue;
		ALLOC_GROW(r->lines, r->n_lines + 1, alloc);
		r->lines[r->n_lines++] = xstrdup(line);
	}
	free(line);
	if (f != stdin)
		fclose(f);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: api_load [options] call BODY       one request; prints the answer\n"
		"       api_load [options] batch FILE      each line of FILE once (- is stdin)\n"
		"       api_load [options] fixed BODY      BODY, presigned, for the duration\n"
		"       api_load [options] pairs BODY      CreateVpcEndpoint BODY, then\n"
		"                                          DeleteVpcEndpoints of its ID, repeated\n"
		"       api_load [options] sign BODY       print a wrk script that POSTs BODY signed\n"
		"       api_load [options] s3put OBJECT    S3 PutObject of -z bytes, for the duration\n"
		"       api_load [options] s3get OBJECT    S3 GetObject, for the duration; the answer\n"
		"                                          must be the bytes s3put writes\n"
		"BODY is a form-encoded EC2 Query body (Action=...&Version=2016-11-15&...);\n"
		"OBJECT is BUCKET/KEY, asked for in path style with the payload's hash signed.\n"
		"  -a HOST:PORT   server (default 127.0.0.1:8723)\n"
		"  -c CONNS       connections (default 16; call uses 1)\n"
		"  -d SECONDS     measured duration of fixed, pairs, s3get, s3put (default 10)\n"
		"  -w SECONDS     warm-up before it, not counted (default 1)\n"
		"  -n TAG=COUNT   fixed: each answer must hold COUNT <TAG> elements\n"
		"  -k KEY -s SECRET -r REGION   credentials (default test, test, us-east-1)\n"
		"  -z BYTES       s3get, s3put: the object's size (default 0)\n"
		"Prints one line of key=value figures (not for call); exits 1 on any error.\n");
}

static void parse_addr(struct run *r, const char *spec)
{
	const char *colon = strrchr(spec, ':');
	char host[64];
	uint64_t port;

	if (!colon || (size_t)(colon - spec) >= sizeof(host) ||
	    str_to_u64(str_c(colon + 1), 65535, &port) < 0)
		die("bad address '%s'", spec);
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	r->addr.sin_family = AF_INET;
	r->addr.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &r->addr.sin_addr) != 1)
		die("bad address '%s'", spec);
	snprintf(r->sg.host, sizeof(r->sg.host), "%s", spec);
}

static double parse_secs(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (*end || v < 0 || v > 86400)
		die("bad duration '%s'", s);
	return v;
}

static void parse_args(struct run *r, int argc, char **argv)
{
	const char *addr = "127.0.0.1:8723", *cmd;
	char *eq;
	uint64_t v;
	int opt;

	r->n_conns = 16;
	r->duration = 10;
	r->warmup = 1;
	r->sg.access_key = "test";
	r->sg.secret = "test";
	r->sg.region = "us-east-1";
	r->sg.service = "ec2";
	while ((opt = getopt(argc, argv, "+a:c:d:w:n:k:s:r:z:h")) != -1) {
		switch (opt) {
		case 'a': addr = optarg; break;
		case 'c':
			if (str_to_u64(str_c(optarg), MAX_CONNS, &v) < 0 || !v)
				die("-c takes 1 to %d", MAX_CONNS);
			r->n_conns = (unsigned)v;
			break;
		case 'd': r->duration = parse_secs(optarg); break;
		case 'w': r->warmup = parse_secs(optarg); break;
		case 'n':
			eq = strchr(optarg, '=');
			if (!eq || str_to_u64(str_c(eq + 1), SIZE_MAX, &v) < 0)
				die("-n takes TAG=COUNT");
			*eq = '\0';
			r->count_tag = optarg;
			r->count_want = (size_t)v;
			break;
		case 'k': r->sg.access_key = optarg; break;
		case 's': r->sg.secret = optarg; break;
		case 'r': r->sg.region = optarg; break;
		case 'z':
			if (str_to_u64(str_c(optarg), MAX_RESPONSE_BYTES / 2, &v) < 0)
				die("-z takes 0 to %zu", MAX_RESPONSE_BYTES / 2);
			r->data_len = (size_t)v;
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		exit(2);
	}
	parse_addr(r, addr);
	cmd = argv[optind];
	if (!strcmp(cmd, "call")) {
		r->mode = MODE_CALL;
		r->n_conns = 1;
		r->print_body = true;
		r->lines = xcalloc(1, sizeof(*r->lines));
		r->lines[0] = xstrdup(argv[optind + 1]);
		r->n_lines = 1;
	} else if (!strcmp(cmd, "batch")) {
		r->mode = MODE_BATCH;
		read_lines(r, argv[optind + 1]);
	} else if (!strcmp(cmd, "fixed")) {
		r->mode = MODE_FIXED;
		r->body = argv[optind + 1];
	} else if (!strcmp(cmd, "sign")) {
		if (strpbrk(argv[optind + 1], "\"\\\n"))
			die("sign: BODY must not hold quotes, backslashes or newlines");
		print_wrk_script(&r->sg, argv[optind + 1]);
		exit(0);
	} else if (!strcmp(cmd, "pairs")) {
		r->mode = MODE_PAIRS;
		r->body = argv[optind + 1];
	} else if (!strcmp(cmd, "s3get") || !strcmp(cmd, "s3put")) {
		r->mode = cmd[2] == 'g' ? MODE_S3GET : MODE_S3PUT;
		r->object = argv[optind + 1];
		if (!strchr(r->object, '/') || strpbrk(r->object, " ?#%\r\n"))
			die("%s: OBJECT is BUCKET/KEY, without spaces, '?', '#' or '%%'", cmd);
		r->sg.service = "s3";
		/* Bytes that show where a misplaced piece came from. */
		r->data = xmalloc(r->data_len + 1);
		for (size_t i = 0; i < r->data_len; i++)
			r->data[i] = (char)('a' + (i / 26 + i) % 26);
	} else {
		usage(stderr);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct run r = { 0 };
	int64_t t0, cpu0;
	double secs;

	parse_args(&r, argc, argv);
	r.ep = epoll_create1(EPOLL_CLOEXEC);
	if (r.ep < 0)
		die("epoll_create1: %s", strerror(errno));
	if (r.mode == MODE_FIXED || r.mode == MODE_S3GET || r.mode == MODE_S3PUT) {
		r.fixed_req = fixed_new(&r, &r.fixed_len);
		r.fixed_at = time(NULL);
	}
	r.conns = xcalloc(r.n_conns, sizeof(*r.conns));
	t0 = now_us();
	r.start_us = t0;
	r.end_us = INT64_MAX;
	if (timed_mode(r.mode)) {
		r.start_us = t0 + (int64_t)(r.warmup * 1e6);
		r.end_us = r.start_us + (int64_t)(r.duration * 1e6);
	}
	for (unsigned i = 0; i < r.n_conns; i++) {
		struct conn *c = &r.conns[i];

		c->fd = -1;
		if (r.mode == MODE_FIXED)
			root_of(r.body, c->root);
		conn_next(&r, c);
	}
	if (r.start_us > t0) {
		/* The warm-up: run, then take the CPU reading at the window's start. */
		int64_t end = r.end_us;

		r.end_us = r.start_us;
		loop(&r);
		r.end_us = end;
	}
	cpu0 = cpu_us();
	t0 = now_us();
	loop(&r);
	secs = (double)(now_us() - t0) / 1e6;
	r.stopping = true;
	if (r.mode != MODE_CALL)
		report(&r, secs, cpu_us() - cpu0);
	for (unsigned i = 0; i < r.n_conns; i++) {
		request_free(&r.conns[i]);
		conn_close(&r, &r.conns[i]);
		free(r.conns[i].in);
	}
	for (size_t i = 0; i < r.n_lines; i++)
		free(r.lines[i]);
	for (size_t i = 0; i < r.n_retired; i++)
		free(r.retired[i]);
	free(r.retired);
	free(r.fixed_req);
	free(r.lines);
	free(r.data);
	free(r.conns);
	free(r.lat);
	close(r.ep);
	return r.errors_all ? 1 : 0;
}
