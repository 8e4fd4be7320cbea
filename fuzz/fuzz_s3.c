/* SPDX-License-Identifier: MIT */
/*
 * The S3 engine over untrusted bytes: the first byte picks how the stream
 * is cut into reads, the rest is an HTTP stream whose requests are
 * classified and carried out, one after another, against one in-memory kv
 * (so later requests meet what earlier ones made). Every answer must be a
 * status S3 sends, HEAD answers carry no body, and nothing may crash.
 */
#include "compat.h"

#include "base/kv.h"
#include "io/http.h"
#include "svc/s3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_REQUESTS 16

static bool allow(void *arg, const char *action, const char *resource)
{
	(void)arg, (void)action;
	return resource[strlen(resource) - 1] != '!';
}

/* Accepts signatures that start with a digit, so both outcomes are reached. */
static int verify(void *arg, enum s3_sig_kind kind, struct str d, struct str sig)
{
	(void)arg, (void)kind, (void)d;
	return sig.len && sig.p[0] >= '0' && sig.p[0] <= '9' ? 0 : -EACCES;
}

static void check(const struct s3_call *c, const struct http_response *resp)
{
	static const int ok[] = { 200, 204, 206, 301, 304, 400, 403, 404, 405, 409, 411, 412,
				  416, 500, 501 };
	bool known = false;

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		known |= resp->status == ok[i];
	if (!known || resp->body.err || resp->headers.err)
		abort();
	if (c && (c->op == S3_HEAD_OBJECT || c->op == S3_HEAD_BUCKET) && resp->body.len)
		abort();
}

static void answer(struct kv *kv, const struct http_request *req, unsigned n,
		   struct http_response *resp, struct s3_call *c)
{
	struct err e = { 0 };

	buf_reset(&resp->body);
	buf_reset(&resp->headers);
	if (s3_classify(req, c, &e) < 0) {
		if (!e.code)
			abort();
		s3_error_err(resp, NULL, &e, "FUZZ");
		check(NULL, resp);
		return;
	}
	c->authorize = allow;
	c->verify_sig = verify;
	s3_handle(kv, c, req, n % 3 ? "111122223333" : "444455556666",
		  n % 2 ? "us-east-1" : "eu-west-1", 1767225600000LL + n, "FUZZ", resp);
	check(c, resp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_response resp = { 0 };
	struct s3_call *c;
	struct http_reader r;
	struct kv *kv;
	size_t chunk, off = 1;
	unsigned n = 0;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] * 64 + 1;
	c = malloc(sizeof(*c));
	if (!c)
		abort();
	kv = kv_mem_new();
	buf_init(&resp.body, LIMIT_HTTP_RESPONSE_BYTES);
	buf_init(&resp.headers, LIMIT_HTTP_HEADER_BYTES);
	http_reader_init(&r);
	while (off < size && n < MAX_REQUESTS) {
		size_t len = MIN(chunk, size - off), used = 0;
		int ret = http_reader_feed(&r, (const char *)data + off, len, &used);

		off += used;
		if (ret < 0)
			break;
		if (ret == 1) {
			struct http_request req;

			http_reader_request(&r, &req);
			answer(kv, &req, n++, &resp, c);
			http_reader_next(&r);
		} else if (used == 0) {
			break;
		}
	}
	http_reader_release(&r);
	buf_release(&resp.body);
	buf_release(&resp.headers);
	kv_mem_free(kv);
	free(c);
	return 0;
}
