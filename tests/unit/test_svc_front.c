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
	/* What the fake forwarder was given last. */
	int forwarded;
	char fw_body[256], fw_extra[256];
	uint16_t fw_port;
	enum svc_form fw_form;
};

/* Answers at once, as a backend would, with what it was given. */
static void fake_forward(void *arg, const struct svc_forward *fw, const struct http_request *req,
			 struct http_response *resp)
{
	struct scene *s = arg;

	s->forwarded++;
	s->fw_port = fw->backend->port;
	s->fw_form = fw->form;
	snprintf(s->fw_body, sizeof(s->fw_body), "%.*s", (int)req->body.len, req->body.p);
	snprintf(s->fw_extra, sizeof(s->fw_extra), "%.*s", (int)fw->extra_headers.len,
		 fw->extra_headers.p);
	resp->status = 200;
	buf_adds(&resp->body, "from the backend");
}

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

#define S3_IP 0xC6120001u	/* 198.18.0.1 */
#define DDB_IP 0xC6120011u	/* 198.18.0.17 */
#define SQS_IP 0xC6120041u	/* 198.18.0.65 */

static const char *host_of(uint32_t ip)
{
	return ip == S3_IP ? "s3.us-east-1.amazonaws.com" :
	       ip == DDB_IP ? "dynamodb.us-east-1.amazonaws.com" : "sqs.us-east-1.amazonaws.com";
}

/*
 * One request to S3, DynamoDB or SQS of us-east-1, with the header lines
 * 'headers' ("Name", "value" pairs, NULL-terminated) besides Host.
 */
static int ask_h(struct scene *s, uint32_t ip, const char *method, const char *path,
		 const char *const *headers, const char *body, struct http_response *resp)
{
	const char *q = strchr(path, '?');
	struct http_request req = { .method = str_c(method),
				    .path = q ? str_from(path, (size_t)(q - path)) : str_c(path),
				    .query = q ? str_c(q + 1) : STR_EMPTY, .body = str_c(body ? body : ""),
				    .local_ip = ip, .peer_ip = 0x64400001u, .local_port = 443,
				    .secure = true };

	req.headers[req.n_headers++] = (struct http_header){ str_c("Host"), str_c(host_of(ip)) };
	for (size_t i = 0; headers && headers[i]; i += 2)
		req.headers[req.n_headers++] = (struct http_header){ str_c(headers[i]),
								     str_c(headers[i + 1]) };
	resp->status = 200;
	resp->head = false;
	resp->content_type = NULL;
	buf_reset(&resp->body);
	buf_reset(&resp->headers);
	svc_front_answer(&s->front, &req, resp);
	return resp->status;
}

static int ask(struct scene *s, uint32_t ip, const char *method, const char *path, const char *target,
	       const char *body, struct http_response *resp)
{
	const char *headers[] = { "X-Amz-Target", target, NULL };

	return ask_h(s, ip, method, path, target ? headers : NULL, body, resp);
}

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

static bool has_header(const struct http_response *r, const char *line)
{
	return r->headers.p && strstr(r->headers.p, line) != NULL;
}

#define ORDERS "https://sqs.us-east-1.amazonaws.com/111122223333/orders"

/*
 * Services served by a backend: SQS through an interface endpoint whose
 * policy denies SendMessage on one queue, S3 and DynamoDB sent on once
 * allowed, and what a failed backend answers.
 */
static void backends(struct scene *s, struct http_response *r)
{
	const char *send[] = { "X-Amz-Target", "AmazonSQS.SendMessage", "Content-Type",
			       "application/x-amz-json-1.0", "Authorization", "AWS4-HMAC-SHA256 x",
			       NULL };
	const char *form[] = { "Content-Type", "application/x-www-form-urlencoded",
			       "Authorization", "AWS4-HMAC-SHA256 x", NULL };
	const char *subnets[1];
	struct svc_backends b = { .n = 0 };
	struct svc_backend x;
	struct subnet *sn;
	struct vpce *ep;
	struct err e;
	char doc[512];

	/* Signed, with no backend: NotImplemented, saying what to start vpced with. */
	str_lcpy(s->caller.service, "sqs", sizeof(s->caller.service));
	CHECK_EQ(ask_h(s, SQS_IP, "POST", "/", send,
		       "{\"QueueUrl\":\"" ORDERS "\",\"MessageBody\":\"hi\"}", r), 501);
	CHECK(has(r, "--service-backend com.amazonaws.us-east-1.sqs=HOST:PORT"));
	CHECK(has_header(r, "x-amzn-query-error: NotImplemented;Receiver"));

	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.sqs=127.0.0.1:9324", &x, &e), 0);
	CHECK_EQ(svc_backends_add(&b, &x), 0);
	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.dynamodb=http://localhost:8000", &x, &e), 0);
	CHECK_EQ(svc_backends_add(&b, &x), 0);
	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.s3=127.0.0.1:9000", &x, &e), 0);
	CHECK_EQ(svc_backends_add(&b, &x), 0);
	s->front.backends = &b;
	s->front.forward = fake_forward;
	s->front.forward_arg = s;

	CHECK_EQ(subnet_create(&s->f.w, &s->f.cx, &(struct subnet_create_req){
		.vpc_id = s->gw->vpc_id, .cidr = "10.0.1.0/24", .az = "us-east-1a" }, &sn,
		&s->f.e), 0);
	subnets[0] = sn->res.id;
	CHECK_EQ(vpce_create(&s->f.w, &s->f.cx, &(struct vpce_create_req){
		.vpc_id = s->gw->vpc_id, .service_name = "com.amazonaws.us-east-1.sqs",
		.type = "Interface", .subnets = subnets, .n_subnets = 1, .private_dns = 0,
		.policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
			  "\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":"
			  "\"sqs:SendMessage\",\"Resource\":\"arn:aws:sqs:*:*:orders\"}]}" },
		&ep, &s->f.e), 0);
	str_lcpy(s->origin.vpce_id, ep->res.id, sizeof(s->origin.vpce_id));
	str_lcpy(s->origin.vpc_id, s->gw->vpc_id, sizeof(s->origin.vpc_id));

	/* The endpoint's policy denies: SQS's JSON, in Query's terms, nothing forwarded. */
	CHECK_EQ(ask_h(s, SQS_IP, "POST", "/", send,
		       "{\"QueueUrl\":\"" ORDERS "\",\"MessageBody\":\"hi\"}", r), 400);
	CHECK(has(r, "\"__type\":\"AccessDeniedException\""));
	CHECK(has_header(r, "x-amzn-query-error: AccessDenied;Sender"));
	CHECK(has(r, "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: "
		     "sqs:sendmessage on resource: arn:aws:sqs:us-east-1:111122223333:orders with an "
		     "explicit deny in a VPC endpoint policy"));
	CHECK_EQ(s->forwarded, 0);
	/* Another queue: sent on, with where it came from. */
	CHECK_EQ(ask_h(s, SQS_IP, "POST", "/", send,
		       "{\"QueueUrl\":\"https://sqs.us-east-1.amazonaws.com/111122223333/audit\","
		       "\"MessageBody\":\"hi\"}", r), 200);
	CHECK(has(r, "from the backend"));
	CHECK_EQ(s->forwarded, 1);
	CHECK_EQ(s->fw_port, 9324);
	CHECK(strstr(s->fw_body, "\"MessageBody\":\"hi\"") != NULL);
	CHECK(strstr(s->fw_extra, "X-Forwarded-For: 10.0.1.10\r\n") != NULL);
	snprintf(doc, sizeof(doc), "x-amzn-vpce-id: %s\r\n", ep->res.id);
	CHECK(strstr(s->fw_extra, doc) != NULL);
	/* The Query protocol: the same decision, in XML. */
	CHECK_EQ(ask_h(s, SQS_IP, "POST", "/", form, "Action=SendMessage&QueueUrl="
		       "https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F111122223333%2Forders&MessageBody=x",
		       r), 403);
	CHECK(has(r, "<Code>AccessDenied</Code>"));
	CHECK_EQ(ask_h(s, SQS_IP, "POST", "/", form, "Action=ListQueues", r), 200);
	CHECK_EQ(s->forwarded, 2);
	/* What cannot be read is denied; a signature for another service is refused. */
	CHECK_EQ(ask_h(s, SQS_IP, "GET", "/queues", form + 2, NULL, r), 403);
	CHECK(has(r, "vpce denies what it cannot classify"));
	str_lcpy(s->caller.service, "sns", sizeof(s->caller.service));
	CHECK_EQ(ask_h(s, SQS_IP, "POST", "/", form, "Action=ListQueues", r), 403);
	CHECK(has(r, "<Code>SignatureDoesNotMatch</Code><Message>Credential should be scoped to "
		     "correct service: "));
	str_lcpy(s->caller.service, "sqs", sizeof(s->caller.service));
	/* A caller whose identity policies allow less. */
	s->policies[0] = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
			 "\"Action\":\"sqs:ReceiveMessage\",\"Resource\":\"*\"}]}";
	s->caller.policies = s->policies;
	s->caller.n_policies = 1;
	s->caller.unrestricted = false;
	CHECK_EQ(ask_h(s, SQS_IP, "POST", "/", form, "Action=ListQueues", r), 403);
	CHECK(has(r, "on resource: * because no identity-based policy allows the sqs:listqueues "
		     "action"));
	CHECK_EQ(s->forwarded, 2);
	s->caller.unrestricted = true;
	s->auth = SVC_AUTH_ANONYMOUS;
	CHECK_EQ(ask_h(s, SQS_IP, "POST", "/", send, "{}", r), 400);
	CHECK(has(r, "MissingAuthenticationTokenException"));
	s->auth = SVC_AUTH_OK;

	/* DynamoDB and S3 with backends: decided here, then sent on. */
	s->origin.vpce_id[0] = '\0';
	str_lcpy(s->caller.service, "dynamodb", sizeof(s->caller.service));
	CHECK_EQ(ask(s, DDB_IP, "POST", "/", "DynamoDB_20120810.ListTables", "{}", r), 200);
	CHECK_EQ(s->forwarded, 3);
	CHECK_EQ(s->fw_form, SVC_FORM_DYNAMODB);
	CHECK_EQ(s->fw_port, 8000);
	str_lcpy(s->caller.service, "s3", sizeof(s->caller.service));
	CHECK_EQ(ask(s, S3_IP, "PUT", "/elsewhere/a.txt", NULL, "data", r), 200);
	CHECK_EQ(s->forwarded, 4);
	CHECK_EQ(s->fw_form, SVC_FORM_S3);
	/* DeleteObjects goes on only when every key is allowed. */
	s->policies[0] = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
			 "\"Action\":\"s3:DeleteObject\",\"Resource\":\"arn:aws:s3:::elsewhere/tmp/*\"}]}";
	s->caller.unrestricted = false;
	const char *md5[] = { "Content-MD5", "x", NULL };
	CHECK_EQ(ask_h(s, S3_IP, "POST", "/elsewhere?delete", md5, "<Delete><Object><Key>tmp/1</Key>"
		       "</Object><Object><Key>keep</Key></Object></Delete>", r), 403);
	CHECK_EQ(s->forwarded, 4);
	CHECK_EQ(ask_h(s, S3_IP, "POST", "/elsewhere?delete", md5, "<Delete><Object><Key>tmp/1</Key>"
		       "</Object></Delete>", r), 200);
	CHECK_EQ(s->forwarded, 5);
	s->caller.unrestricted = true;

	/* A backend that failed, in each service's form. */
	struct svc_forward fw = { .backend = &b.v[2], .svc = b.v[2].svc, .region = b.v[2].region,
				  .form = SVC_FORM_S3, .request_id = "R1" };

	buf_reset(&r->body);
	svc_forward_failed(&fw, -ECONNREFUSED, r);
	CHECK_EQ(r->status, 502);
	CHECK(has(r, "<Code>ServiceUnavailable</Code>"));
	CHECK(has(r, "the backend of com.amazonaws.us-east-1.s3 at 127.0.0.1:9000 did not answer"));
	fw = (struct svc_forward){ .backend = &b.v[0], .svc = b.v[0].svc, .region = b.v[0].region,
				   .form = SVC_FORM_PROTO, .proto = SVC_PROTO_JSON, .request_id = "R2" };
	buf_reset(&r->body);
	buf_reset(&r->headers);
	svc_forward_failed(&fw, -ETIMEDOUT, r);
	CHECK_EQ(r->status, 504);
	CHECK(has(r, "ServiceUnavailableException"));
	CHECK(has_header(r, "x-amzn-query-error: ServiceUnavailable;Receiver"));
	/* Too many requests waiting for backends already: try again, in S3's words for S3. */
	buf_reset(&r->body);
	buf_reset(&r->headers);
	svc_forward_failed(&fw, -EBUSY, r);
	CHECK_EQ(r->status, 503);
	CHECK(has(r, "requests already wait for their backends; try again"));
	fw = (struct svc_forward){ .backend = &b.v[2], .svc = b.v[2].svc, .region = b.v[2].region,
				   .form = SVC_FORM_S3, .request_id = "R3" };
	buf_reset(&r->body);
	buf_reset(&r->headers);
	svc_forward_failed(&fw, -EBUSY, r);
	CHECK_EQ(r->status, 503);
	CHECK(has(r, "<Code>SlowDown</Code>") && has(r, "Please reduce your request rate."));
	s->front.backends = NULL;
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

	str_lcpy(s.caller.region, "us-east-1", sizeof(s.caller.region));
	s.caller.unrestricted = true;
	backends(&s, &r);
	teardown(&s);
	test_bucket_cache(&r);
	buf_release(&r.body);
	buf_release(&r.headers);
}
