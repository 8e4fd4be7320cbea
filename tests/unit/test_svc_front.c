/* SPDX-License-Identifier: MIT */
/*
 * The region's front over an in-memory kv, with a caller and an origin of
 * the test's choosing: who signed, through which endpoint, and what the
 * identity, bucket and endpoint policies say, decided as AWS decides.
 */
#include "compat.h"
#include "check.h"
#include "world_fixture.h"

#include "base/kv_cache.h"
#include "base/xalloc.h"
#include "core/ops.h"
#include "svc/front.h"

void test_svc_front(void);

struct scene {
	struct fixture f;
	struct svc_front front;
	struct kv *mem;
	struct kv *kv;			/* 'mem' through the daemon's read cache */
	enum svc_auth auth;
	struct svc_caller caller;
	const char *policies[2];
	struct svc_origin origin;
	struct vpce *gw;
};

static enum svc_auth fake_auth(void *arg, const struct http_request *req, const char *service,
			       struct svc_caller *out)
{
	struct scene *s = arg;

	(void)req;
	(void)service;
	*out = s->caller;
	return s->auth;
}

static void fake_origin(void *arg, const struct http_request *req, struct svc_origin *out)
{
	struct scene *s = arg;

	(void)req;
	*out = s->origin;
}

static int64_t fixed_clock(void)
{
	return 1795000000000;
}

/* One request to S3 (198.18.0.1) or DynamoDB (198.18.0.17) of us-east-1. */
static int ask(struct scene *s, uint32_t ip, const char *method, const char *path, const char *target,
	       const char *body, struct http_response *resp)
{
	const char *q = strchr(path, '?');
	struct http_request req = { .method = str_c(method),
				    .path = q ? str_from(path, (size_t)(q - path)) : str_c(path),
				    .query = q ? str_c(q + 1) : STR_EMPTY, .body = str_c(body ? body : ""),
				    .local_ip = ip, .peer_ip = 0x64400001u, .local_port = 443,
				    .secure = true };

	req.headers[req.n_headers++] = (struct http_header){ str_c("Host"),
							     str_c(ip == 0xC6120001u ?
								   "s3.us-east-1.amazonaws.com" :
								   "dynamodb.us-east-1.amazonaws.com") };
	if (target)
		req.headers[req.n_headers++] = (struct http_header){ str_c("X-Amz-Target"),
								     str_c(target) };
	resp->status = 200;
	resp->head = false;
	buf_reset(&resp->body);
	buf_reset(&resp->headers);
	svc_front_answer(&s->front, &req, resp);
	return resp->status;
}

#define S3_IP 0xC6120001u	/* 198.18.0.1 */
#define DDB_IP 0xC6120011u	/* 198.18.0.17 */

static void setup(struct scene *s)
{
	struct vpc *v;
	const char *rtbs[1];

	memset(s, 0, sizeof(*s));
	fixture_init(&s->f);
	CHECK_EQ(vpc_create(&s->f.w, &s->f.cx, &(struct vpc_create_req){ .cidr = "10.0.0.0/16" }, &v,
			    &s->f.e), 0);
	rtbs[0] = v->main_rtb_id;
	CHECK_EQ(vpce_create(&s->f.w, &s->f.cx, &(struct vpce_create_req){
		.vpc_id = v->res.id, .service_name = "com.amazonaws.us-east-1.s3",
		.rtbs = rtbs, .n_rtbs = 1, .private_dns = -1 }, &s->gw, &s->f.e), 0);
	s->mem = kv_mem_new();
	s->kv = kv_cache_new(s->mem, s3_cached_spaces);
	s->front = (struct svc_front){ .w = &s->f.w, .kv = s->kv, .auth = fake_auth, .auth_arg = s,
				       .origin = fake_origin, .origin_arg = s, .clock_ms = fixed_clock,
				       .responder = { .w = &s->f.w } };
	CHECK_EQ(svc_front_init(&s->front), 0);
	s->auth = SVC_AUTH_OK;
	s->caller = (struct svc_caller){ .account = "111122223333", .type = "User",
					 .arn = "arn:aws:iam::111122223333:user/alice",
					 .user_id = "AIDAEXAMPLE", .region = "us-east-1",
					 .service = "s3", .unrestricted = true };
	s->origin = (struct svc_origin){ .source_ip = 0x0A00010Au };
	str_lcpy(s->origin.vpce_id, s->gw->res.id, sizeof(s->origin.vpce_id));
	str_lcpy(s->origin.vpc_id, v->res.id, sizeof(s->origin.vpc_id));
}

static void teardown(struct scene *s)
{
	svc_front_release(&s->front);
	kv_cache_free(s->kv);
	kv_mem_free(s->mem);
	fixture_release(&s->f);
}

static bool has(const struct http_response *r, const char *text)
{
	return r->body.p && strstr(r->body.p, text) != NULL;
}

/*
 * Buckets and their policies come from the read cache: each change to
 * them decides the very next request.
 */
static void test_bucket_cache(struct http_response *r)
{
	static const char deny_get[] =
		"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\","
		"\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::cached/*\"}]}";
	const struct svc_caller other = { .account = "444455556666", .type = "User",
					   .arn = "arn:aws:iam::444455556666:user/mallory",
					   .region = "us-east-1", .unrestricted = true };
	struct scene s;

	setup(&s);
	CHECK_EQ(ask(&s, S3_IP, "PUT", "/cached", NULL, NULL, r), 200);
	CHECK_EQ(ask(&s, S3_IP, "PUT", "/cached/o", NULL, "first", r), 200);
	CHECK_EQ(ask(&s, S3_IP, "GET", "/cached/o", NULL, NULL, r), 200);
	/* A bucket policy put, deleted, put again. */
	CHECK_EQ(ask(&s, S3_IP, "PUT", "/cached?policy", NULL, deny_get, r), 204);
	CHECK_EQ(ask(&s, S3_IP, "GET", "/cached/o", NULL, NULL, r), 403);
	CHECK(has(r, "with an explicit deny in a resource-based policy"));
	CHECK_EQ(ask(&s, S3_IP, "DELETE", "/cached?policy", NULL, NULL, r), 204);
	CHECK_EQ(ask(&s, S3_IP, "GET", "/cached/o", NULL, NULL, r), 200);
	CHECK_EQ(ask(&s, S3_IP, "PUT", "/cached?policy", NULL, deny_get, r), 204);
	CHECK_EQ(ask(&s, S3_IP, "GET", "/cached/o", NULL, NULL, r), 403);
	/* The bucket deleted goes with its policy; the name taken by another account is its. */
	CHECK_EQ(ask(&s, S3_IP, "DELETE", "/cached/o", NULL, NULL, r), 204);
	CHECK_EQ(ask(&s, S3_IP, "DELETE", "/cached", NULL, NULL, r), 204);
	CHECK_EQ(ask(&s, S3_IP, "GET", "/cached/o", NULL, NULL, r), 404);
	CHECK(has(r, "<Code>NoSuchBucket</Code>"));
	s.caller = other;
	CHECK_EQ(ask(&s, S3_IP, "PUT", "/cached", NULL, NULL, r), 200);
	CHECK_EQ(ask(&s, S3_IP, "PUT", "/cached/o", NULL, "second", r), 200);
	CHECK_EQ(ask(&s, S3_IP, "GET", "/cached/o", NULL, NULL, r), 200);
	CHECK(has(r, "second"));
	str_lcpy(s.caller.account, "111122223333", sizeof(s.caller.account));
	str_lcpy(s.caller.arn, "arn:aws:iam::111122223333:user/alice", sizeof(s.caller.arn));
	CHECK_EQ(ask(&s, S3_IP, "GET", "/cached/o", NULL, NULL, r), 403);
	CHECK(has(r, "<Message>Access Denied</Message>"));
	teardown(&s);
}

void test_svc_front(void)
{
	struct scene s;
	struct http_response r = { 0 };
	char msg[512];

	buf_init(&r.body, 1 << 20);
	buf_init(&r.headers, 1 << 16);
	setup(&s);

	/* Through the gateway endpoint, by an unrestricted caller: the bucket and its object. */
	CHECK_EQ(ask(&s, S3_IP, "PUT", "/reports", NULL, NULL, &r), 200);
	CHECK_EQ(ask(&s, S3_IP, "PUT", "/reports/q3.csv", NULL, "figures", &r), 200);
	CHECK_EQ(ask(&s, S3_IP, "GET", "/reports/q3.csv", NULL, NULL, &r), 200);
	CHECK(has(&r, "figures"));

	/* The endpoint's policy denies GetObject: S3's sentence for the bucket's own account. */
	free(s.gw->policy);
	s.gw->policy = xstrdup("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
			       "\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Principal\":\"*\","
			       "\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}");
	CHECK_EQ(ask(&s, S3_IP, "GET", "/reports/q3.csv", NULL, NULL, &r), 403);
	CHECK(has(&r, "<Code>AccessDenied</Code>"));
	CHECK(has(&r, "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
		      "s3:GetObject on resource: "));
	CHECK(has(&r, "arn:aws:s3:::reports/q3.csv"));
	CHECK(has(&r, " with an explicit deny in a VPC endpoint policy</Message>"));
	/* The same call from the public network: no endpoint, no endpoint policy. */
	s.origin.vpce_id[0] = s.origin.vpc_id[0] = '\0';
	CHECK_EQ(ask(&s, S3_IP, "GET", "/reports/q3.csv", NULL, NULL, &r), 200);

	/* A bucket policy on aws:SourceVpce turns the public path away, not the endpoint. */
	snprintf(msg, sizeof(msg),
		 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\","
		 "\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::reports/*\",\"Condition\":"
		 "{\"StringNotEquals\":{\"aws:SourceVpce\":\"%s\"}}}]}", s.gw->res.id);
	CHECK_EQ(ask(&s, S3_IP, "PUT", "/reports?policy", NULL, msg, &r), 204);
	CHECK_EQ(ask(&s, S3_IP, "GET", "/reports/q3.csv", NULL, NULL, &r), 403);
	CHECK(has(&r, "with an explicit deny in a resource-based policy"));
	str_lcpy(s.origin.vpce_id, s.gw->res.id, sizeof(s.origin.vpce_id));
	free(s.gw->policy);
	s.gw->policy = xstrdup(vpce_default_policy(VPCE_GATEWAY));
	CHECK_EQ(ask(&s, S3_IP, "GET", "/reports/q3.csv", NULL, NULL, &r), 200);

	/* Another account: "Access Denied", and its identity policies must allow too. */
	s.caller = (struct svc_caller){ .account = "444455556666", .type = "User",
					.arn = "arn:aws:iam::444455556666:user/mallory",
					.region = "us-east-1", .unrestricted = true };
	CHECK_EQ(ask(&s, S3_IP, "GET", "/reports/q3.csv", NULL, NULL, &r), 403);
	CHECK(has(&r, "<Message>Access Denied</Message>"));

	/* An anonymous caller; then a bad signature, in S3's words. */
	s.auth = SVC_AUTH_ANONYMOUS;
	CHECK_EQ(ask(&s, S3_IP, "GET", "/reports/q3.csv", NULL, NULL, &r), 403);
	s.auth = SVC_AUTH_BAD_SIGNATURE;
	CHECK_EQ(ask(&s, S3_IP, "GET", "/", NULL, NULL, &r), 403);
	CHECK(has(&r, "<Code>SignatureDoesNotMatch</Code>"));
	s.auth = SVC_AUTH_UNKNOWN_KEY;
	CHECK_EQ(ask(&s, DDB_IP, "POST", "/", "DynamoDB_20120810.ListTables", "{}", &r), 400);
	CHECK(has(&r, "UnrecognizedClientException"));

	/* DynamoDB: identity policies decide, in DynamoDB's words. */
	s.auth = SVC_AUTH_OK;
	s.policies[0] = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
			"\"Action\":\"dynamodb:ListTables\",\"Resource\":\"*\"}]}";
	s.caller = (struct svc_caller){ .account = "111122223333", .type = "User",
					.arn = "arn:aws:iam::111122223333:user/bob",
					.region = "us-east-1", .policies = s.policies, .n_policies = 1 };
	s.origin.vpce_id[0] = '\0';
	CHECK_EQ(ask(&s, DDB_IP, "POST", "/", "DynamoDB_20120810.ListTables", "{}", &r), 200);
	CHECK(has(&r, "\"TableNames\":[]"));
	CHECK_EQ(ask(&s, DDB_IP, "POST", "/", "DynamoDB_20120810.DescribeTable",
		     "{\"TableName\":\"Music\"}", &r), 400);
	CHECK(has(&r, "AccessDeniedException"));
	CHECK(has(&r, "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: "
		      "dynamodb:DescribeTable on resource: arn:aws:dynamodb:us-east-1:111122223333:"
		      "table/Music because no identity-based policy allows the dynamodb:DescribeTable "
		      "action"));
	/* A signature for another region. */
	str_lcpy(s.caller.region, "eu-west-1", sizeof(s.caller.region));
	CHECK_EQ(ask(&s, DDB_IP, "POST", "/", "DynamoDB_20120810.ListTables", "{}", &r), 400);
	CHECK(has(&r, "InvalidSignatureException"));

	/* Other services: the responder's line. */
	CHECK_EQ(ask(&s, 0xC6120041u, "GET", "/", NULL, NULL, &r), 200);
	CHECK(has(&r, "\"service\":\"com.amazonaws.us-east-1.sqs\""));

	teardown(&s);
	test_bucket_cache(&r);
	buf_release(&r.body);
	buf_release(&r.headers);
}
