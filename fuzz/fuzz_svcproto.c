/* SPDX-License-Identifier: MIT */
/*
 * What the front reads of requests to services with a backend
 * (svc/proto.h), on random bytes. The input is a selector byte (its low
 * bits pick the service and whether X-Amz-Target, a form Content-Type or a
 * query string is sent), then NUL-separated fields: target, query string,
 * body, backend flag. svc_classify() must end in 0 with an action of the
 * service's IAM prefix and a resource that is "*" or an ARN of the
 * region, or in -EINVAL with a reason; svc_proto_error() must write the
 * error in the protocol asked; svc_backend_parse() of the last field must
 * give a known service and a port, or refuse.
 */
#include "compat.h"

#include <jansson.h>

#include "svc/backend.h"
#include "svc/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const services[] = { "sqs", "sns", "kms", "monitoring", "kinesis-streams", "sts" };

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_svcproto: %s\n", what);
	abort();
}

/* The 'i'th NUL-separated field of 'rest', or empty. */
static struct str field(struct str rest, int i)
{
	struct str f = STR_EMPTY;
	const char *nul;
	size_t n;

	for (int k = 0; k <= i; k++) {
		if (!rest.len && k < i)
			return STR_EMPTY;
		nul = memchr(rest.p, '\0', rest.len);
		n = nul ? (size_t)(nul - rest.p) : rest.len;
		f = str_from(rest.p, n);
		rest = nul ? str_from(nul + 1, rest.len - n - 1) : STR_EMPTY;
	}
	return f;
}

static void check_call(const struct service *s, const struct svc_call *c)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "%s:", catalog_iam_prefix(s));
	if (strncmp(c->action, prefix, strlen(prefix)) || !c->action[strlen(prefix)])
		fail("action without the service's prefix or an operation");
	if (strcmp(c->resource, "*") && strncmp(c->resource, "arn:aws:sqs:us-east-1:", 22))
		fail("a resource that is neither * nor an ARN of the region");
}

static bool valid_utf8(const char *s)
{
	size_t len = strlen(s), n;
	uint32_t cp;

	for (size_t i = 0; i < len; i += n)
		if (!(n = str_utf8_decode((const unsigned char *)s + i, len - i, &cp)))
			return false;
	return true;
}

static void check_error(const struct service *s, enum svc_proto proto, const char *msg)
{
	struct http_response r = { 0 };

	buf_init(&r.body, 1 << 20);
	buf_init(&r.headers, 1 << 12);
	svc_proto_error(&r, s, proto, SVC_FAIL_DENIED, 0, msg, "id");
	if (proto == SVC_PROTO_JSON) {
		json_t *j = json_loadb(r.body.p, r.body.len, 0, NULL);
		json_t *m = json_object_get(j, "message");

		/* Whatever the message's bytes, the answer is JSON; valid ones come through as they are. */
		if (!json_is_string(m) || (valid_utf8(msg) && strcmp(json_string_value(m), msg)))
			fail("a JSON error that does not carry its message");
		json_decref(j);
	} else if (r.body.len < 20 || !strstr(r.body.p, "<Code>AccessDenied</Code>")) {
		fail("a Query error without its code");
	}
	buf_release(&r.body);
	buf_release(&r.headers);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct str rest = size ? str_from((const char *)data + 1, size - 1) : STR_EMPTY;
	unsigned sel = size ? data[0] : 0;
	const struct service *s = catalog_find(services[sel % ARRAY_SIZE(services)]);
	struct http_request req = { .method = str_c("POST"), .path = str_c("/") };
	struct svc_backend b;
	struct svc_call c;
	struct err e = { 0 };
	char spec[256];
	struct str flag;

	if (sel & 0x10)
		req.headers[req.n_headers++] = (struct http_header){ str_c("X-Amz-Target"),
								     field(rest, 0) };
	if (sel & 0x20)
		req.headers[req.n_headers++] = (struct http_header){
			str_c("Content-Type"), str_c("application/x-www-form-urlencoded") };
	if (sel & 0x40)
		req.query = field(rest, 1);
	if (sel & 0x80)
		req.path = field(rest, 1);
	req.body = field(rest, 2);
	if (svc_classify(s, "us-east-1", "111122223333", &req, &c, &e) == 0)
		check_call(s, &c);
	else if (!e.msg[0])
		fail("a refusal without a reason");
	check_error(s, svc_proto_of(&req), e.msg[0] ? e.msg : "allowed");

	flag = field(rest, 3);
	snprintf(spec, sizeof(spec), "%.*s", (int)MIN(flag.len, sizeof(spec) - 1), flag.p);
	if (svc_backend_parse(spec, &b, &e) == 0 && (!b.svc || !b.region || !b.port))
		fail("a backend without a service, region or port");
	return 0;
}
