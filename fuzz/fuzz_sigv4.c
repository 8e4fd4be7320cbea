/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes SigV4: the whole input as an Authorization value, then the input
 * read as an HTTP request ('METHOD target\n', 'Name: value' lines, a blank
 * line, the body) through sigv4_verify() at a fixed time and at the time it
 * claims, so that signed seeds reach the HMAC path. The only key is
 * test/test. abort()s on a broken promise of sigv4.h.
 */
#include "compat.h"

#include "limits.h"
#include "api/sigv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIXED_NOW 1795694400	/* 20261126T120000Z, the seeds' time */

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_sigv4: %s\n", what);
	abort();
}

static const char *lookup(void *arg, struct str access_key)
{
	(void)arg;
	return str_eq_c(access_key, "test") ? "test" : NULL;
}

static void check_auth(struct str value)
{
	struct sigv4_auth a;

	if (sigv4_parse_authorization(value, &a) < 0)
		return;
	if (!a.access_key.len || a.date.len != 8 || !a.region.len || !a.service.len ||
	    a.signature.len != 64)
		fail("parsed fields out of shape");
	if (!a.n_signed_headers || a.n_signed_headers > LIMIT_SIGV4_SIGNED_HEADERS)
		fail("signed header count");
	for (size_t i = 1; i < a.n_signed_headers; i++)
		if (str_cmp(a.signed_headers[i - 1], a.signed_headers[i]) >= 0)
			fail("signed headers not sorted and unique");
}

static void check_verify(const struct sigv4_req *req, int64_t now)
{
	struct sigv4_result res;
	struct err e = { .code = NULL };
	int ret = sigv4_verify(req, now, lookup, NULL, &res, &e);

	if (ret > 0)
		fail("positive return");
	if (ret < 0) {
		if (!e.code || !e.msg[0] || memchr(e.msg, 0, sizeof(e.msg)) == NULL)
			fail("failure without a code or a terminated message");
		if (sigv4_http_status(e.code) != 400 && sigv4_http_status(e.code) != 401)
			fail("status");
		return;
	}
	if (e.code)
		fail("code set on success");
	if (strcmp(res.access_key, "test") != 0 ||
	    !memchr(res.region, 0, sizeof(res.region)) ||
	    !memchr(res.service, 0, sizeof(res.service)) ||
	    !memchr(res.token, 0, sizeof(res.token)))
		fail("result out of shape");
}

/* The scope's service, read without verifying: always terminated and short. */
static void check_scope(const struct sigv4_req *req)
{
	char service[32];

	memset(service, 'x', sizeof(service));
	sigv4_scope_service(req, service, sizeof(service));
	if (!memchr(service, 0, sizeof(service)))
		fail("scope service not terminated");
}

/* Finds the time a request claims: its X-Amz-Date header or parameter. */
static bool claimed_time(const struct sigv4_req *req, int64_t *t)
{
	static const char key[] = "X-Amz-Date=";
	struct str q = req->query;

	for (size_t i = 0; i < req->n_headers; i++)
		if (str_eq_nocase(req->headers[i].name, STR_LIT("x-amz-date")))
			return sigv4_parse_date(req->headers[i].value, t) == 0;
	for (size_t i = 0; q.len >= sizeof(key) - 1 + 16 && i <= q.len - (sizeof(key) - 1 + 16);
	     i++)
		if (memcmp(q.p + i, key, sizeof(key) - 1) == 0)
			return sigv4_parse_date(str_from(q.p + i + sizeof(key) - 1, 16), t) == 0;
	return false;
}

static struct str chomp(struct str s)
{
	if (s.len && s.p[s.len - 1] == '\r')
		s.len--;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_header h[LIMIT_HTTP_HEADERS + 1];
	struct str in = str_from((const char *)data, size), line, target, name;
	struct sigv4_req req = { .method = STR_EMPTY };
	int64_t t;

	check_auth(in);
	if (!str_cut(&in, '\n', &line))
		return 0;
	line = chomp(line);
	if (!str_cut(&line, ' ', &req.method))
		return 0;
	if (!str_cut(&line, ' ', &target))
		target = line;
	if (!str_cut(&target, '?', &req.path)) {
		req.path = target;
		target = STR_EMPTY;
	}
	req.query = target;
	while (str_cut(&in, '\n', &line)) {
		line = chomp(line);
		if (!line.len)
			break;
		if (!str_cut(&line, ':', &name) || req.n_headers == ARRAY_SIZE(h))
			continue;
		h[req.n_headers++] = (struct http_header){ name, str_trim(line) };
		if (str_eq_nocase(name, STR_LIT("authorization")))
			check_auth(str_trim(line));
	}
	req.headers = h;
	req.body = in;
	check_scope(&req);
	check_verify(&req, FIXED_NOW);
	if (claimed_time(&req, &t))
		check_verify(&req, t);
	return 0;
}
