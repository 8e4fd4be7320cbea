/* SPDX-License-Identifier: MIT */
/*
 * The analyzer over HTTP: the question arrives form-encoded (the AWS Query
 * decoder reads it) and signed with SigV4 like any EC2 request, the answer
 * leaves as the CLI would print it. Bad input is a 400 with one line saying
 * why, a bad signature a 403; the world is only read.
 */
#include "compat.h"
#include "daemon/analyze.h"

#include "api/query.h"
#include "base/arena.h"
#include "limits.h"
#include "core/iam.h"
#include "reach/reach.h"
#include "svc/s3.h"

#define ANALYZE_MAX_DOCS 32
/* Identity policies: those given, or all of a principal's (reach_caller_documents()). */
#define ANALYZE_MAX_IDENTITY MAX(ANALYZE_MAX_DOCS, IAM_CALLER_POLICIES)
#define ANALYZE_MAX_CONTEXT 64

struct question {
	struct reach_query q;
	struct pol_key ctx[ANALYZE_MAX_CONTEXT];
	const char *ctx_vals[ANALYZE_MAX_CONTEXT];
	struct reach_doc identity[ANALYZE_MAX_IDENTITY], buckets[ANALYZE_MAX_DOCS];
	size_t n_identity, n_buckets;
	bool json;
};

static void reply(struct http_response *resp, int status, const char *type)
{
	resp->status = status;
	resp->content_type = type;
}

static int bad(struct http_response *resp, const char *msg)
{
	buf_reset(&resp->body);
	buf_addf(&resp->body, "%s\n", msg);
	reply(resp, 400, "text/plain; charset=utf-8");
	return -EINVAL;
}

static const char *get(const struct query *form, const char *key)
{
	const struct str *v = query_get(form, key);

	return v ? v->p : NULL;	/* the decoder terminates values */
}

/* "Key.N" values, in the order of N. */
static int list(const struct query *form, const char *prefix, struct str *out, size_t max,
		size_t *n, struct http_response *resp)
{
	struct err e = { 0 };

	if (query_list(form, prefix, out, max, n, &e) < 0)
		return bad(resp, e.msg);
	return 0;
}

/* "BUCKET=DOCUMENT" and "KEY=VALUE": split at the first '=' (bucket names and keys have none). */
static bool split(struct str s, struct str *head, struct str *tail)
{
	const char *eq = memchr(s.p, '=', s.len);

	if (!eq || eq == s.p)
		return false;
	*head = str_from(s.p, (size_t)(eq - s.p));
	*tail = str_from(eq + 1, s.len - (size_t)(eq - s.p) - 1);
	return true;
}

static int read_question(const struct query *form, struct arena *a, struct question *qn,
			 struct http_response *resp)
{
	struct str v[ANALYZE_MAX_CONTEXT];
	const char *s;
	size_t n;
	long port;
	struct err e = { 0 };

	qn->q.from = get(form, "From");
	qn->q.to = get(form, "To");
	qn->q.principal = get(form, "Principal");
	qn->q.action = get(form, "Action");
	qn->q.resource = get(form, "Resource");
	s = get(form, "Output");
	if (s && strcmp(s, "json") && strcmp(s, "text"))
		return bad(resp, "Output must be text or json");
	qn->json = s && !strcmp(s, "json");
	if (query_int(form, "Port", 1, 65535, 443, &port, &e) < 0)
		return bad(resp, e.msg);
	qn->q.port = (int)port;
	s = get(form, "Protocol");
	if (s && strcmp(s, "tcp") && strcmp(s, "udp"))
		return bad(resp, "Protocol must be tcp or udp");
	qn->q.proto = s && !strcmp(s, "udp") ? 17 : 6;
	if (list(form, "Context", v, ANALYZE_MAX_CONTEXT, &n, resp) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		struct str key, val;

		if (!split(v[i], &key, &val))
			return bad(resp, "Context.N takes KEY=VALUE");
		qn->ctx_vals[i] = arena_strdup(a, val);
		qn->ctx[i] = (struct pol_key){ .name = arena_strdup(a, key),
					       .values = &qn->ctx_vals[i], .n = 1 };
		if (!qn->ctx_vals[i] || !qn->ctx[i].name)
			return bad(resp, "the question is too large");
	}
	qn->q.context = qn->ctx;
	qn->q.n_context = n;
	if (list(form, "IdentityPolicy", v, ANALYZE_MAX_DOCS, &n, resp) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		qn->identity[i] = (struct reach_doc){ .name = "IdentityPolicy", .text = v[i].p,
						      .len = v[i].len };
	qn->n_identity = n;
	if (list(form, "BucketPolicy", v, ANALYZE_MAX_DOCS, &n, resp) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		struct str name, doc;

		if (!split(v[i], &name, &doc))
			return bad(resp, "BucketPolicy.N takes BUCKET=DOCUMENT");
		qn->buckets[i] = (struct reach_doc){ .name = arena_strdup(a, name), .text = doc.p,
						     .len = doc.len };
		if (!qn->buckets[i].name)
			return bad(resp, "the question is too large");
	}
	qn->n_buckets = n;
	return 0;
}

/* The bucket the question is about: s3://BUCKET/… or arn:aws:s3:::BUCKET/…; false for none. */
static bool bucket_of(const struct reach_query *q, char out[static S3_BUCKET_SIZE])
{
	const char *s = q->resource && !strncmp(q->resource, "arn:aws:s3:::", 13) ? q->resource + 13 :
			q->to && !strncmp(q->to, "s3://", 5) ? q->to + 5 : NULL;
	size_t n = s ? strcspn(s, "/") : 0;

	if (!n || n >= S3_BUCKET_SIZE)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

/*
 * Adds to 'qn' what it leaves out and the daemon knows: the principal's
 * identity policies (an IAM user's or role's) and the bucket's policy.
 * 'caller' and 'policy' hold them until the answer is written.
 */
static void live_documents(struct analyze *an, struct question *qn, struct iam_caller *caller,
			   char bucket[static S3_BUCKET_SIZE], struct buf *policy)
{
	bool given = false;

	if (!qn->n_identity && qn->q.principal &&
	    iam_principal_policies(an->w, qn->q.principal, caller) == 0)
		qn->n_identity = reach_caller_documents(caller, qn->identity);
	if (!an->kv || !bucket_of(&qn->q, bucket) || qn->n_buckets == ANALYZE_MAX_DOCS)
		return;
	for (size_t i = 0; i < qn->n_buckets; i++)
		given |= !strcmp(qn->buckets[i].name, bucket);
	if (!given && s3_bucket_policy(an->kv, bucket, policy) == 0)
		qn->buckets[qn->n_buckets++] = (struct reach_doc){ .name = bucket, .text = policy->p,
								  .len = policy->len };
}

static void answer(struct analyze *an, bool explain, const struct question *qn,
		   struct http_response *resp)
{
	struct reach_input in = { .w = an->w, .region = an->region,
				  .buckets = qn->buckets, .n_buckets = qn->n_buckets,
				  .identity = qn->identity, .n_identity = qn->n_identity };
	struct lint_findings f = { 0 };
	struct reach_result res;
	struct reach *rx = NULL;
	struct err e = { 0 };

	if (reach_new(&in, &rx, &e) < 0) {
		bad(resp, e.msg);
		return;
	}
	if (explain && reach_explain(rx, &qn->q, &res, &e) < 0) {
		bad(resp, e.msg);
		reach_free(rx);
		return;
	}
	if (explain && qn->json)
		reach_result_json(&res, &resp->body);
	else if (explain)
		reach_result_text(&res, &resp->body);
	else {
		reach_lint(rx, &f);
		if (qn->json)
			lint_findings_json(&f, &resp->body);
		else
			lint_findings_text(&f, &resp->body);
		lint_findings_release(&f);
	}
	reach_free(rx);
	reply(resp, 200, qn->json ? "application/json" : "text/plain; charset=utf-8");
}

void analyze_serve(void *arg, const struct http_request *req, struct http_response *resp)
{
	struct analyze *an = arg;
	bool explain = str_eq_c(req->path, "/vpce/explain");
	struct question qn = { 0 };
	struct iam_caller caller;
	char account[ACCOUNT_SIZE], bucket[S3_BUCKET_SIZE];
	struct buf policy;
	struct query form;
	struct arena a;
	struct err e = { 0 };

	if (!explain && !str_eq_c(req->path, "/vpce/lint")) {
		api_serve(an->api, req, resp);
		return;
	}
	if (!str_eq_c(req->method, "POST")) {
		bad(resp, "POST the question, form-encoded");
		resp->status = 405;
		return;
	}
	/* Signed like any EC2 request: the answer shows the whole state. */
	if (api_authenticate(an->api, req, account, &e) < 0) {
		bad(resp, e.msg);
		resp->status = 403;
		return;
	}
	arena_init(&a, LIMIT_REQUEST_ARENA_BYTES);
	buf_init(&policy, LIMIT_S3_POLICY_BYTES + 1);
	if (query_parse(&form, req->body, &a, &e) < 0) {
		bad(resp, e.msg);
	} else if (read_question(&form, &a, &qn, resp) == 0) {
		live_documents(an, &qn, &caller, bucket, &policy);
		answer(an, explain, &qn, resp);
	}
	buf_release(&policy);
	arena_release(&a);
}
