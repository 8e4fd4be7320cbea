/* SPDX-License-Identifier: MIT */
/*
 * The S3 engine against kv_mem: classification of every host and path
 * form, each operation and its errors as the aws CLI would meet them, the
 * exact XML of S3's documents, and the aws-chunked decoder against the
 * signed examples of AWS's documentation.
 */
#include "compat.h"
#include "check.h"

#include <ctype.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/xalloc.h"
#include "api/sigv4.h"
#include "base/xml.h"
#include "svc/s3.h"
#include "svc/s3_internal.h"
#include "svc/s3_record.h"

void test_svc_s3(void);

#define NS "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""
#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define ACCT "111122223333"
#define OTHER "444455556666"
#define T0 1767225600000LL	/* 2026-01-01T00:00:00Z */

struct tr {
	struct http_request req;
	struct http_response resp;
	struct s3_call c;
	struct err e;
	char target[2048];
};

static bool allow_all(void *arg, const char *action, const char *resource)
{
	(void)arg, (void)action;
	return !strstr(resource, "denied");
}

/* Fills t->req from a method, a Host ("" for none), a target and headers (name, value, ..., NULL). */
static void build(struct tr *t, const char *method, const char *host, const char *target,
		  const char *const *hdrs, const char *body, size_t body_len)
{
	const char *q;
	size_t n = 0;

	memset(&t->req, 0, sizeof(t->req));
	str_lcpy(t->target, target, sizeof(t->target));
	q = strchr(t->target, '?');
	t->req.method = str_c(method);
	t->req.path = q ? str_from(t->target, (size_t)(q - t->target)) : str_c(t->target);
	t->req.query = q ? str_c(q + 1) : STR_EMPTY;
	if (host[0])
		t->req.headers[n++] = (struct http_header){ STR_LIT("Host"), str_c(host) };
	for (size_t i = 0; hdrs && hdrs[i]; i += 2)
		t->req.headers[n++] = (struct http_header){ str_c(hdrs[i]), str_c(hdrs[i + 1]) };
	t->req.n_headers = n;
	t->req.body = str_from(body ? body : "", body ? body_len : 0);
}

static int classify(struct tr *t, const char *method, const char *host, const char *target)
{
	build(t, method, host, target, NULL, NULL, 0);
	memset(&t->e, 0, sizeof(t->e));
	return s3_classify(&t->req, &t->c, &t->e);
}

/* Runs a request end to end as 'account' at a front of 'region'; returns the status. */
static int run(struct kv *kv, struct tr *t, const char *account, const char *region)
{
	buf_release(&t->resp.body);
	buf_release(&t->resp.headers);
	memset(&t->resp, 0, sizeof(t->resp));
	buf_init(&t->resp.body, LIMIT_S3_OBJECT_BYTES + 65536);
	buf_init(&t->resp.headers, LIMIT_HTTP_HEADER_BYTES);
	memset(&t->e, 0, sizeof(t->e));
	if (s3_classify(&t->req, &t->c, &t->e) < 0) {
		s3_error_err(&t->resp, NULL, &t->e, "REQ1");
		return t->resp.status;
	}
	t->c.authorize = allow_all;
	s3_handle(kv, &t->c, &t->req, account, region, T0, "REQ1", &t->resp);
	return t->resp.status;
}

static int req(struct kv *kv, struct tr *t, const char *method, const char *host,
	       const char *target, const char *const *hdrs, const char *body)
{
	build(t, method, host, target, hdrs, body, body ? strlen(body) : 0);
	return run(kv, t, ACCT, "us-east-1");
}

static void finish(struct tr *t, struct kv *kv)
{
	buf_release(&t->resp.body);
	buf_release(&t->resp.headers);
	kv_mem_free(kv);
	free(t);
}

static bool body_has(const struct tr *t, const char *s)
{
	bool ok = strstr(t->resp.body.p, s) != NULL;

	if (!ok)
		fprintf(stderr, "body lacks %s:\n%s\n", s, t->resp.body.p);
	return ok;
}

static bool header_is(const struct tr *t, const char *name, const char *value)
{
	char line[512];
	bool ok;

	snprintf(line, sizeof(line), "%s: %s\r\n", name, value);
	ok = strstr(t->resp.headers.p, line) != NULL;
	if (!ok)
		fprintf(stderr, "headers lack %s", line);
	return ok;
}

static bool error_is(const struct tr *t, const char *code)
{
	char want[128];

	snprintf(want, sizeof(want), "<Code>%s</Code>", code);
	return body_has(t, want);
}

static void test_classify_hosts(void)
{
	struct tr *t = xcalloc(1, sizeof(*t));

	CHECK_EQ(classify(t, "GET", "s3.amazonaws.com", "/"), 0);
	CHECK_EQ(t->c.op, S3_LIST_BUCKETS);
	CHECK_STREQ(t->c.action, "s3:ListAllMyBuckets");
	CHECK_STREQ(t->c.resource, "arn:aws:s3:::*");
	CHECK(t->c.aws_host && !t->c.virtual_hosted && !t->c.region[0]);

	CHECK_EQ(classify(t, "PUT", "s3.eu-west-1.amazonaws.com", "/my-bucket"), 0);
	CHECK_EQ(t->c.op, S3_CREATE_BUCKET);
	CHECK_STREQ(t->c.name, "CreateBucket");
	CHECK_STREQ(t->c.region, "eu-west-1");
	CHECK_STREQ(t->c.resource, "arn:aws:s3:::my-bucket");

	CHECK_EQ(classify(t, "GET", "My.Bucket.s3.amazonaws.com:443",
			  "/?list-type=2&prefix=a%2Fb&delimiter=%2F&max-keys=5&encoding-type=url"), 0);
	CHECK_EQ(t->c.op, S3_LIST_OBJECTS_V2);
	CHECK(t->c.virtual_hosted);
	CHECK_STREQ(t->c.bucket, "my.bucket");
	CHECK_STREQ(t->c.action, "s3:ListBucket");
	CHECK_STREQ(t->c.list.prefix, "a/b");
	CHECK_EQ(t->c.list.max_keys, 5);
	CHECK(t->c.list.url_encoding);
	CHECK_EQ(t->c.n_context, 3);
	CHECK_STREQ(t->c.context[0].name, "s3:prefix");
	CHECK_STREQ(t->c.context[0].values[0], "a/b");
	CHECK_STREQ(t->c.context[1].values[0], "/");
	CHECK_STREQ(t->c.context[2].name, "s3:max-keys");

	CHECK_EQ(classify(t, "GET", "127.0.0.1:8723", "/my.bucket/some%20dir/k+x.txt"), 0);
	CHECK_EQ(t->c.op, S3_GET_OBJECT);
	CHECK(!t->c.aws_host && !t->c.virtual_hosted);
	CHECK_STREQ(t->c.key, "some dir/k+x.txt");
	CHECK_STREQ(t->c.resource, "arn:aws:s3:::my.bucket/some dir/k+x.txt");
	CHECK_STREQ(t->c.action, "s3:GetObject");

	CHECK_EQ(classify(t, "HEAD", "b12.s3.dualstack.us-west-2.amazonaws.com", "/x/y"), 0);
	CHECK_EQ(t->c.op, S3_HEAD_OBJECT);
	CHECK_STREQ(t->c.action, "s3:GetObject");
	CHECK_STREQ(t->c.region, "us-west-2");
	CHECK_STREQ(t->c.key, "x/y");

	CHECK_EQ(classify(t, "GET", "bucket.vpce-0123456789abcdef0-abcdefgh.s3.us-east-1.vpce.amazonaws.com",
			  "/k"), 0);
	CHECK(t->c.virtual_hosted);
	CHECK_STREQ(t->c.vpce, "vpce-0123456789abcdef0-abcdefgh");
	CHECK_STREQ(t->c.bucket, "bucket");
	CHECK_STREQ(t->c.region, "us-east-1");

	CHECK_EQ(classify(t, "DELETE", "vpce-0123456789abcdef0-abcdefgh-us-east-1a.s3.us-east-1.vpce.amazonaws.com",
			  "/bucket/k"), 0);
	CHECK_EQ(t->c.op, S3_DELETE_OBJECT);
	CHECK(!t->c.virtual_hosted);
	CHECK_STREQ(t->c.vpce, "vpce-0123456789abcdef0-abcdefgh-us-east-1a");
	CHECK_STREQ(t->c.resource, "arn:aws:s3:::bucket/k");

	CHECK_EQ(classify(t, "GET", "bucket.s3.us-east-2.amazonaws.com", "/"), 0);
	CHECK_EQ(t->c.op, S3_LIST_OBJECTS);
	CHECK_EQ(classify(t, "GET", "", "/b1b/k"), 0);
	CHECK_STREQ(t->c.bucket, "b1b");
	CHECK_EQ(classify(t, "GET", "localhost", "/"), 0);
	CHECK_EQ(t->c.op, S3_LIST_BUCKETS);
	CHECK_EQ(classify(t, "GET", "ec2.us-east-1.amazonaws.com", "/bkt/"), 0);
	CHECK(!t->c.aws_host);
	CHECK_EQ(t->c.op, S3_LIST_OBJECTS);
	free(t);
}

static void test_classify_ops(void)
{
	static const struct {
		const char *method, *target;
		enum s3_op op;
		const char *action;
	} cases[] = {
		{ "GET", "/b1b?location", S3_GET_BUCKET_LOCATION, "s3:GetBucketLocation" },
		{ "PUT", "/b1b?policy", S3_PUT_BUCKET_POLICY, "s3:PutBucketPolicy" },
		{ "GET", "/b1b?policy=", S3_GET_BUCKET_POLICY, "s3:GetBucketPolicy" },
		{ "DELETE", "/b1b?policy", S3_DELETE_BUCKET_POLICY, "s3:DeleteBucketPolicy" },
		{ "POST", "/b1b?delete", S3_DELETE_OBJECTS, "s3:DeleteObject" },
		{ "DELETE", "/b1b", S3_DELETE_BUCKET, "s3:DeleteBucket" },
		{ "HEAD", "/b1b", S3_HEAD_BUCKET, "s3:ListBucket" },
		{ "GET", "/b1b?marker=x&x-id=ListObjects", S3_LIST_OBJECTS, "s3:ListBucket" },
		{ "PUT", "/b1b/a//b", S3_PUT_OBJECT, "s3:PutObject" },
		{ "DELETE", "/b1b/k?versionId=null", S3_DELETE_OBJECT, "s3:DeleteObject" },
	};
	static const struct {
		const char *method, *host, *target, *code;
	} errors[] = {
		{ "PUT", "s3.amazonaws.com", "/", "MethodNotAllowed" },
		{ "GET", "s3.amazonaws.com", "/b1b?acl", "NotImplemented" },
		{ "PUT", "s3.amazonaws.com", "/b1b/k?uploads", "MethodNotAllowed" },
		{ "PUT", "s3.amazonaws.com", "/b1b/k?torrent", "NotImplemented" },
		{ "POST", "s3.amazonaws.com", "/b1b/k", "NotImplemented" },
		{ "POST", "s3.amazonaws.com", "/b1b", "NotImplemented" },
		{ "PATCH", "s3.amazonaws.com", "/b1b/k", "MethodNotAllowed" },
		{ "GET", "s3.amazonaws.com", "/Bad_Bucket", "InvalidBucketName" },
		{ "GET", "s3.amazonaws.com", "/ab", "InvalidBucketName" },
		{ "GET", "s3.amazonaws.com", "/b1b/%zz", "InvalidURI" },
		{ "GET", "s3.amazonaws.com", "/b1b/a%00b", "InvalidURI" },
		{ "GET", "s3.amazonaws.com", "*", "InvalidURI" },
		{ "GET", "s3.amazonaws.com", "/b1b?list-type=3", "InvalidArgument" },
		{ "GET", "s3.amazonaws.com", "/b1b?max-keys=abc", "InvalidArgument" },
		{ "GET", "s3.amazonaws.com", "/b1b?max-keys=-1", "InvalidArgument" },
		{ "GET", "s3.amazonaws.com", "/b1b?encoding-type=xml", "InvalidArgument" },
		{ "GET", "s3.amazonaws.com", "/b1b?list-type=2&continuation-token=", "InvalidArgument" },
		{ "GET", "s3.amazonaws.com", "/b1b?policy&location", "InvalidRequest" },
		{ "GET", "accesspoint.vpce-0123456789abcdef0-abcdefgh.s3.us-east-1.vpce.amazonaws.com",
		  "/", "NotImplemented" },
		{ "GET", "Bad_Name.s3.amazonaws.com", "/", "InvalidBucketName" },
	};
	struct tr *t = xcalloc(1, sizeof(*t));
	char long_key[1200];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK_EQ(classify(t, cases[i].method, "s3.amazonaws.com", cases[i].target), 0);
		CHECK_EQ(t->c.op, cases[i].op);
		CHECK_STREQ(t->c.action, cases[i].action);
	}
	CHECK_EQ(classify(t, "POST", "s3.amazonaws.com", "/b1b?delete"), 0);
	CHECK(t->c.authorize_each);
	CHECK_EQ(classify(t, "PUT", "s3.amazonaws.com", "/b1b/a//b"), 0);
	CHECK_STREQ(t->c.key, "a//b");
	for (size_t i = 0; i < ARRAY_SIZE(errors); i++) {
		CHECK(classify(t, errors[i].method, errors[i].host, errors[i].target) < 0);
		if (!t->e.code || strcmp(t->e.code, errors[i].code))
			fprintf(stderr, "case %zu: %s, not %s\n", i, t->e.code, errors[i].code);
		CHECK_STREQ(t->e.code, errors[i].code);
	}
	memset(long_key, 'k', sizeof(long_key));
	memcpy(long_key, "/b1b/", 5);
	long_key[5 + 1025] = '\0';
	CHECK(classify(t, "GET", "", long_key) < 0);
	CHECK_STREQ(t->e.code, "KeyTooLongError");
	long_key[5 + 1024] = '\0';
	CHECK_EQ(classify(t, "GET", "", long_key), 0);
	CHECK_EQ(t->c.key_len, 1024);
	CHECK_EQ(s3_error_status("NoSuchKey"), 404);
	CHECK_EQ(s3_error_status("MethodNotAllowed"), 405);
	CHECK_EQ(s3_error_status("Whatever"), 400);
	free(t);
}

static void test_errors_xml(void)
{
	struct tr *t = xcalloc(1, sizeof(*t));
	struct kv *kv = kv_mem_new();

	CHECK_EQ(req(kv, t, "PUT", "s3.amazonaws.com", "/", NULL, NULL), 405);
	CHECK_STREQ(t->resp.body.p, DECL "<Error><Code>MethodNotAllowed</Code><Message>The specified "
		    "method is not allowed against this resource.</Message><Method>PUT</Method>"
		    "<ResourceType>SERVICE</ResourceType><RequestId>REQ1</RequestId><HostId>"
		    "IyJn0se2y+ZUJJtVwc4yM8O+ThXE9ZDf9eD0wpDQQQk=</HostId></Error>");
	CHECK(header_is(t, "x-amz-request-id", "REQ1"));
	CHECK(header_is(t, "x-amz-id-2", "IyJn0se2y+ZUJJtVwc4yM8O+ThXE9ZDf9eD0wpDQQQk="));
	CHECK_STREQ(t->resp.content_type, "application/xml");
	CHECK_EQ(req(kv, t, "GET", "s3.amazonaws.com", "/nobucket/k", NULL, NULL), 404);
	CHECK(body_has(t, "<Code>NoSuchBucket</Code><Message>The specified bucket does not exist"
		       "</Message><BucketName>nobucket</BucketName>"));
	CHECK_EQ(req(kv, t, "HEAD", "s3.amazonaws.com", "/nobucket", NULL, NULL), 404);
	CHECK(t->resp.head);
	CHECK_EQ(t->resp.body.len, 0);
	s3_error(&t->resp, NULL, 403, "AccessDenied", "Access Denied", "R2");
	CHECK(body_has(t, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
		       "<RequestId>R2</RequestId><HostId>"));
	CHECK_EQ(t->resp.status, 403);
	finish(t, kv);
}

static void test_buckets(void)
{
	struct tr *t = xcalloc(1, sizeof(*t));
	struct kv *kv = kv_mem_new();
	const char *eu = "<CreateBucketConfiguration " NS "><LocationConstraint>eu-west-1"
			 "</LocationConstraint></CreateBucketConfiguration>";
	char account[13], region[S3_REGION_SIZE];

	CHECK_EQ(req(kv, t, "PUT", "s3.amazonaws.com", "/alpha", NULL, NULL), 200);
	CHECK(header_is(t, "Location", "/alpha"));
	CHECK_EQ(req(kv, t, "PUT", "s3.amazonaws.com", "/alpha", NULL, NULL), 200);
	build(t, "PUT", "s3.amazonaws.com", "/alpha", NULL, NULL, 0);
	CHECK_EQ(run(kv, t, OTHER, "us-east-1"), 409);
	CHECK(error_is(t, "BucketAlreadyExists"));
	CHECK(body_has(t, "<BucketName>alpha</BucketName>"));
	CHECK_EQ(req(kv, t, "PUT", "s3.eu-west-1.amazonaws.com", "/beta", NULL, NULL), 400);
	CHECK(body_has(t, "<Code>IllegalLocationConstraintException</Code><Message>The unspecified "
		       "location constraint is incompatible for the region specific endpoint this "
		       "request was sent to.</Message>"));
	CHECK_EQ(req(kv, t, "PUT", "s3.us-west-2.amazonaws.com", "/beta", NULL, eu), 400);
	CHECK(body_has(t, "The eu-west-1 location constraint is incompatible"));
	CHECK_EQ(req(kv, t, "PUT", "s3.eu-west-1.amazonaws.com", "/beta", NULL, eu), 200);
	CHECK(header_is(t, "Location", "http://beta.s3.amazonaws.com/"));
	CHECK_EQ(req(kv, t, "PUT", "s3.eu-west-1.amazonaws.com", "/beta", NULL, eu), 409);
	CHECK(error_is(t, "BucketAlreadyOwnedByYou"));
	CHECK_EQ(req(kv, t, "PUT", "s3.amazonaws.com", "/gamma", NULL,
		     "<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint>"
		     "</CreateBucketConfiguration>"), 400);
	CHECK(error_is(t, "InvalidLocationConstraint"));
	CHECK_EQ(req(kv, t, "PUT", "s3.amazonaws.com", "/gamma", NULL, "<CreateBucketConfiguration>"), 400);
	CHECK(error_is(t, "MalformedXML"));
	CHECK_EQ(req(kv, t, "PUT", "s3.amazonaws.com", "/gamma", NULL,
		     "<!DOCTYPE x [<!ENTITY a \"b\">]><CreateBucketConfiguration/>"), 400);
	CHECK(error_is(t, "MalformedXML"));
	CHECK_EQ(req(kv, t, "PUT", "s3.amazonaws.com", "/gamma",
		     (const char *[]){ "x-amz-acl", "public-read", NULL }, NULL), 400);
	CHECK(error_is(t, "InvalidBucketAclWithObjectOwnership"));

	CHECK_EQ(req(kv, t, "GET", "s3.amazonaws.com", "/", NULL, NULL), 200);
	CHECK_STREQ(t->resp.body.p, DECL "<ListAllMyBucketsResult " NS "><Owner><ID>"
		    "0b7650fb11762ac17eac9f69c46f52b7a8d565d2623e72c039e42d0eda584979</ID></Owner>"
		    "<Buckets><Bucket><Name>alpha</Name><CreationDate>2026-01-01T00:00:00.000Z"
		    "</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket><Bucket><Name>beta"
		    "</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate><BucketRegion>"
		    "eu-west-1</BucketRegion></Bucket></Buckets></ListAllMyBucketsResult>");
	CHECK_EQ(req(kv, t, "GET", "s3.amazonaws.com", "/?max-buckets=1", NULL, NULL), 200);
	CHECK(body_has(t, "<Name>alpha</Name>"));
	CHECK(body_has(t, "<ContinuationToken>YWxwaGE=</ContinuationToken>"));
	CHECK_EQ(req(kv, t, "GET", "s3.amazonaws.com", "/?max-buckets=1&continuation-token=YWxwaGE=",
		     NULL, NULL), 200);
	CHECK(body_has(t, "<Name>beta</Name>") && !strstr(t->resp.body.p, "alpha"));
	build(t, "GET", "s3.amazonaws.com", "/", NULL, NULL, 0);
	CHECK_EQ(run(kv, t, OTHER, "us-east-1"), 200);
	CHECK(body_has(t, "<Buckets></Buckets>"));

	CHECK_EQ(req(kv, t, "HEAD", "alpha.s3.amazonaws.com", "/", NULL, NULL), 200);
	CHECK(t->resp.head);
	CHECK(header_is(t, "x-amz-bucket-region", "us-east-1"));
	CHECK_EQ(req(kv, t, "HEAD", "s3.amazonaws.com", "/beta", NULL, NULL), 301);
	CHECK(header_is(t, "x-amz-bucket-region", "eu-west-1"));
	CHECK_EQ(req(kv, t, "GET", "s3.amazonaws.com", "/beta", NULL, NULL), 301);
	CHECK(body_has(t, "<Code>PermanentRedirect</Code>"));
	CHECK(body_has(t, "<Endpoint>beta.s3.eu-west-1.amazonaws.com</Endpoint><Bucket>beta</Bucket>"));
	CHECK_EQ(req(kv, t, "HEAD", "beta.s3.amazonaws.com", "/", NULL, NULL), 200);
	CHECK_EQ(req(kv, t, "HEAD", "beta.s3.eu-west-1.amazonaws.com", "/", NULL, NULL), 200);
	CHECK_EQ(req(kv, t, "GET", "s3.amazonaws.com", "/beta?location", NULL, NULL), 200);
	CHECK_STREQ(t->resp.body.p, DECL "<LocationConstraint " NS ">eu-west-1</LocationConstraint>");
	CHECK_EQ(req(kv, t, "GET", "s3.amazonaws.com", "/alpha?location", NULL, NULL), 200);
	CHECK_STREQ(t->resp.body.p, DECL "<LocationConstraint " NS "/>");
	/* Any other host is the front's own region. */
	build(t, "HEAD", "10.0.0.5", "/beta", NULL, NULL, 0);
	CHECK_EQ(run(kv, t, ACCT, "eu-west-1"), 200);

	CHECK_EQ(s3_bucket_owner(kv, "beta", account, region), 0);
	CHECK_STREQ(account, ACCT);
	CHECK_STREQ(region, "eu-west-1");
	CHECK_EQ(s3_bucket_owner(kv, "nope", account, region), -ENOENT);
	CHECK_EQ(req(kv, t, "DELETE", "s3.eu-west-1.amazonaws.com", "/beta", NULL, NULL), 204);
	CHECK_EQ(s3_bucket_owner(kv, "beta", account, region), -ENOENT);
	CHECK_EQ(req(kv, t, "DELETE", "s3.eu-west-1.amazonaws.com", "/beta", NULL, NULL), 404);
	finish(t, kv);
}

static void test_objects(void)
{
	struct tr *t = xcalloc(1, sizeof(*t));
	struct kv *kv = kv_mem_new();
	const char *h = "s3.amazonaws.com";

	CHECK_EQ(req(kv, t, "PUT", h, "/obj", NULL, NULL), 200);
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/dir/hello.txt",
		     (const char *[]){ "Content-Type", "text/plain", "X-Amz-Meta-Color", "blue",
				       "x-amz-checksum-crc32", "NhCmhg==", NULL }, "hello"), 200);
	CHECK(header_is(t, "ETag", "\"5d41402abc4b2a76b9719d911017c592\""));
	CHECK(header_is(t, "x-amz-checksum-crc32", "NhCmhg=="));
	CHECK_EQ(req(kv, t, "GET", h, "/obj/dir/hello.txt", NULL, NULL), 200);
	CHECK_STREQ(t->resp.body.p, "hello");
	CHECK(header_is(t, "Content-Type", "text/plain"));
	CHECK(header_is(t, "x-amz-meta-color", "blue"));
	CHECK(header_is(t, "Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT"));
	CHECK(!strstr(t->resp.headers.p, "x-amz-checksum-crc32"));
	CHECK_EQ(req(kv, t, "HEAD", h, "/obj/dir/hello.txt",
		     (const char *[]){ "x-amz-checksum-mode", "ENABLED", NULL }, NULL), 200);
	CHECK(t->resp.head);
	CHECK_EQ(t->resp.length, 5);
	CHECK(header_is(t, "x-amz-checksum-crc32", "NhCmhg=="));
	CHECK_EQ(req(kv, t, "GET", h, "/obj/dir/hello.txt",
		     (const char *[]){ "Range", "bytes=1-3", NULL }, NULL), 206);
	CHECK_STREQ(t->resp.body.p, "ell");
	CHECK(header_is(t, "Content-Range", "bytes 1-3/5"));
	CHECK_EQ(req(kv, t, "GET", h, "/obj/dir/hello.txt",
		     (const char *[]){ "Range", "bytes=-2", NULL }, NULL), 206);
	CHECK_STREQ(t->resp.body.p, "lo");
	/* Part 1 of a single-part object: the whole of it, as a range. */
	CHECK_EQ(req(kv, t, "GET", h, "/obj/dir/hello.txt?partNumber=1", NULL, NULL), 206);
	CHECK_STREQ(t->resp.body.p, "hello");
	CHECK(header_is(t, "Content-Range", "bytes 0-4/5"));
	CHECK_EQ(req(kv, t, "HEAD", h, "/obj/dir/hello.txt?partNumber=1", NULL, NULL), 206);
	CHECK(t->resp.head && t->resp.length == 5 && header_is(t, "Content-Range", "bytes 0-4/5"));
	CHECK_EQ(req(kv, t, "GET", h, "/obj/dir/hello.txt?partNumber=2", NULL, NULL), 416);
	CHECK(body_has(t, "<Code>InvalidPartNumber</Code>"));
	CHECK_EQ(req(kv, t, "GET", h, "/obj/dir/hello.txt",
		     (const char *[]){ "Range", "bytes=9-", NULL }, NULL), 416);
	CHECK(body_has(t, "<Code>InvalidRange</Code>"));
	CHECK(body_has(t, "<ActualObjectSize>5</ActualObjectSize>"));
	CHECK_EQ(req(kv, t, "GET", h, "/obj/dir/hello.txt",
		     (const char *[]){ "If-None-Match", "\"5d41402abc4b2a76b9719d911017c592\"", NULL },
		     NULL), 304);
	CHECK_EQ(req(kv, t, "GET", h, "/obj/dir/hello.txt",
		     (const char *[]){ "If-Match", "\"0000\"", NULL }, NULL), 412);
	CHECK(error_is(t, "PreconditionFailed"));
	CHECK_EQ(req(kv, t, "GET", h, "/obj/dir/hello.txt?response-content-type=x%2Fy", NULL, NULL), 200);
	CHECK(header_is(t, "Content-Type", "x/y"));
	CHECK_EQ(req(kv, t, "GET", h, "/obj/dir/hello.txt?versionId=abc", NULL, NULL), 400);
	CHECK(error_is(t, "InvalidArgument"));
	CHECK_EQ(req(kv, t, "GET", h, "/obj/missing", NULL, NULL), 404);
	CHECK(body_has(t, "<Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
		       "<Key>missing</Key>"));
	CHECK_EQ(req(kv, t, "HEAD", h, "/obj/missing", NULL, NULL), 404);
	CHECK(t->resp.head && !t->resp.body.len);

	/* Uploads the aws CLI makes, and their failures. */
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/md5", (const char *[]){ "Content-MD5",
		     "XUFAKrxLKna5cZ2REBfFkg==", NULL }, "hello"), 200);
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/md5", (const char *[]){ "Content-MD5",
		     "XUFAKrxLKna5cZ2REBfFkg==", NULL }, "hellO"), 400);
	CHECK(error_is(t, "BadDigest"));
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/md5", (const char *[]){ "Content-MD5", "xyz", NULL }, "a"),
		 400);
	CHECK(error_is(t, "InvalidDigest"));
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/sum", (const char *[]){ "x-amz-checksum-crc32",
		     "AAAAAA==", NULL }, "hello"), 400);
	CHECK(body_has(t, "<Message>The CRC32 you specified did not match the calculated checksum."));
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/sum", (const char *[]){ "x-amz-checksum-sha256",
		     "short", NULL }, "hello"), 400);
	CHECK(body_has(t, "Value for x-amz-checksum-sha256 header is invalid."));
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/sum", (const char *[]){ "x-amz-sdk-checksum-algorithm",
		     "CRC32", NULL }, "hello"), 400);
	CHECK(error_is(t, "InvalidRequest"));
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/sha", (const char *[]){ "x-amz-content-sha256",
		     "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", NULL },
		     "hello"), 200);
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/sha", (const char *[]){ "x-amz-content-sha256",
		     "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9825", NULL },
		     "hello"), 400);
	CHECK(error_is(t, "XAmzContentSHA256Mismatch"));
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/chunked", (const char *[]){
		     "Content-Encoding", "aws-chunked", "x-amz-content-sha256",
		     "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-trailer", "x-amz-checksum-crc32",
		     "x-amz-decoded-content-length", "5", "x-amz-sdk-checksum-algorithm", "CRC32", NULL },
		     "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"), 200);
	CHECK(header_is(t, "ETag", "\"5d41402abc4b2a76b9719d911017c592\""));
	CHECK_EQ(req(kv, t, "GET", h, "/obj/chunked", (const char *[]){ "x-amz-checksum-mode",
		     "ENABLED", NULL }, NULL), 200);
	CHECK_STREQ(t->resp.body.p, "hello");
	CHECK(header_is(t, "x-amz-checksum-crc32", "NhCmhg=="));
	CHECK(!strstr(t->resp.headers.p, "aws-chunked"));
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/chunked", (const char *[]){
		     "Content-Encoding", "aws-chunked", "x-amz-content-sha256",
		     "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-trailer", "x-amz-checksum-crc32",
		     "x-amz-decoded-content-length", "6", NULL },
		     "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"), 400);
	CHECK(error_is(t, "IncompleteBody"));
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/chunked", (const char *[]){
		     "Content-Encoding", "aws-chunked", "x-amz-content-sha256",
		     "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "x-amz-decoded-content-length", "0", NULL },
		     "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
		     "\r\n\r\n"), 403);
	CHECK(error_is(t, "SignatureDoesNotMatch"));
	/* No checksum sent: S3's default, CRC64NVME, is kept and listed. */
	CHECK_EQ(req(kv, t, "HEAD", h, "/obj/sha", (const char *[]){ "x-amz-checksum-mode", "ENABLED",
		     NULL }, NULL), 200);
	CHECK(header_is(t, "x-amz-checksum-crc64nvme", "M3eFcAZSQlc="));
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/x", (const char *[]){ "x-amz-copy-source", "a/b", NULL },
		     NULL), 501);
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/x", (const char *[]){ "x-amz-acl", "public-read", NULL },
		     NULL), 400);
	CHECK(error_is(t, "AccessControlListNotSupported"));
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/md5", (const char *[]){ "If-None-Match", "*", NULL }, "x"),
		 412);
	CHECK_EQ(req(kv, t, "PUT", h, "/obj/new", (const char *[]){ "If-None-Match", "*", NULL }, ""),
		 200);
	CHECK(header_is(t, "ETag", "\"d41d8cd98f00b204e9800998ecf8427e\""));
	CHECK_EQ(req(kv, t, "GET", h, "/obj/new", (const char *[]){ "Range", "bytes=0-", NULL }, NULL),
		 416);
	CHECK_EQ(req(kv, t, "GET", h, "/obj/new", NULL, NULL), 200);
	CHECK(header_is(t, "Content-Type", "binary/octet-stream"));
	{
		char *big = xmalloc(LIMIT_S3_OBJECT_BYTES + 2);

		memset(big, 'z', LIMIT_S3_OBJECT_BYTES + 1);
		build(t, "PUT", h, "/obj/big", NULL, big, LIMIT_S3_OBJECT_BYTES + 1);
		CHECK_EQ(run(kv, t, ACCT, "us-east-1"), 400);
		CHECK(error_is(t, "EntityTooLarge"));
		build(t, "PUT", h, "/obj/big", NULL, big, LIMIT_S3_OBJECT_BYTES);
		CHECK_EQ(run(kv, t, ACCT, "us-east-1"), 200);
		free(big);
	}
	CHECK_EQ(req(kv, t, "DELETE", h, "/obj", NULL, NULL), 409);
	CHECK(body_has(t, "<Code>BucketNotEmpty</Code><Message>The bucket you tried to delete is not "
		       "empty</Message><BucketName>obj</BucketName>"));
	CHECK_EQ(req(kv, t, "DELETE", h, "/obj/dir/hello.txt", NULL, NULL), 204);
	CHECK_EQ(req(kv, t, "DELETE", h, "/obj/dir/hello.txt", NULL, NULL), 204);
	CHECK_EQ(req(kv, t, "GET", h, "/obj/dir/hello.txt", NULL, NULL), 404);
	finish(t, kv);
}

static void put_keys(struct kv *kv, struct tr *t, const char *const *keys)
{
	char target[256];

	for (size_t i = 0; keys[i]; i++) {
		snprintf(target, sizeof(target), "/lst/%s", keys[i]);
		CHECK_EQ(req(kv, t, "PUT", "s3.amazonaws.com", target, NULL, "x"), 200);
	}
}

static void test_list(void)
{
	static const char *const keys[] = { "a.txt", "dir/b.txt", "dir/c.txt", "dir/sub/d.txt",
					    "e%20f.txt", "z.txt", NULL };
	struct tr *t = xcalloc(1, sizeof(*t));
	struct kv *kv = kv_mem_new();
	const char *h = "s3.amazonaws.com";

	CHECK_EQ(req(kv, t, "PUT", h, "/lst", NULL, NULL), 200);
	put_keys(kv, t, keys);
	CHECK_EQ(req(kv, t, "GET", h, "/lst?list-type=2&prefix=dir%2Fsub", NULL, NULL), 200);
	CHECK_STREQ(t->resp.body.p, DECL "<ListBucketResult " NS "><Name>lst</Name><Prefix>dir/sub"
		    "</Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false"
		    "</IsTruncated><Contents><Key>dir/sub/d.txt</Key><LastModified>"
		    "2026-01-01T00:00:00.000Z</LastModified><ETag>&quot;9dd4e461268c8034f5c8564e155c67a6"
		    "&quot;</ETag><ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><ChecksumType>"
		    "FULL_OBJECT</ChecksumType><Size>1</Size><StorageClass>STANDARD</StorageClass>"
		    "</Contents></ListBucketResult>");
	CHECK_EQ(req(kv, t, "GET", h, "/lst?list-type=2&delimiter=%2F&encoding-type=url", NULL, NULL),
		 200);
	CHECK(body_has(t, "<KeyCount>4</KeyCount>"));
	CHECK(body_has(t, "<Key>e+f.txt</Key>"));
	CHECK(body_has(t, "<CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes>"));
	CHECK(body_has(t, "<Delimiter>/</Delimiter><EncodingType>url</EncodingType>"));
	/* Pages of two: a.txt dir/ | e f.txt z.txt. */
	CHECK_EQ(req(kv, t, "GET", h, "/lst?list-type=2&delimiter=%2F&max-keys=2", NULL, NULL), 200);
	CHECK(body_has(t, "<IsTruncated>true</IsTruncated><NextContinuationToken>UGRpci8="
		       "</NextContinuationToken>"));
	CHECK(body_has(t, "<Key>a.txt</Key>"));
	CHECK_EQ(req(kv, t, "GET", h, "/lst?list-type=2&delimiter=%2F&max-keys=2&continuation-token="
		     "UGRpci8%3D", NULL, NULL), 200);
	CHECK(body_has(t, "<ContinuationToken>UGRpci8=</ContinuationToken><KeyCount>2</KeyCount>"));
	CHECK(body_has(t, "<Key>e f.txt</Key>") && body_has(t, "<Key>z.txt</Key>"));
	CHECK(body_has(t, "<IsTruncated>false</IsTruncated>") && !strstr(t->resp.body.p, "dir/"));
	CHECK_EQ(req(kv, t, "GET", h, "/lst?list-type=2&continuation-token=bogus", NULL, NULL), 400);
	CHECK(body_has(t, "<Message>The continuation token provided is incorrect</Message>"));
	CHECK_EQ(req(kv, t, "GET", h, "/lst?list-type=2&start-after=dir%2Fc.txt&max-keys=1", NULL,
		     NULL), 200);
	CHECK(body_has(t, "<StartAfter>dir/c.txt</StartAfter>"));
	CHECK(body_has(t, "<Key>dir/sub/d.txt</Key>"));
	/* v1: Marker always, NextMarker with a delimiter, Owner in each entry. */
	CHECK_EQ(req(kv, t, "GET", h, "/lst?delimiter=%2F&max-keys=2", NULL, NULL), 200);
	CHECK(body_has(t, "<Name>lst</Name><Prefix></Prefix><Marker></Marker><NextMarker>dir/"
		       "</NextMarker><MaxKeys>2</MaxKeys><Delimiter>/</Delimiter>"));
	CHECK(body_has(t, "<Owner><ID>"));
	CHECK_EQ(req(kv, t, "GET", h, "/lst?delimiter=%2F&marker=dir%2F", NULL, NULL), 200);
	CHECK(!strstr(t->resp.body.p, "dir/") || body_has(t, "<Marker>dir/</Marker>"));
	CHECK(!strstr(t->resp.body.p, "<Prefix>dir/</Prefix>"));
	CHECK(body_has(t, "<Key>z.txt</Key>"));
	CHECK_EQ(req(kv, t, "GET", h, "/lst?list-type=2&max-keys=0", NULL, NULL), 200);
	CHECK(body_has(t, "<KeyCount>0</KeyCount><MaxKeys>0</MaxKeys>"));
	CHECK_EQ(req(kv, t, "GET", h, "/lst?list-type=2&max-keys=5000", NULL, NULL), 200);
	CHECK(body_has(t, "<MaxKeys>1000</MaxKeys>"));

	/* DeleteObjects */
	CHECK_EQ(req(kv, t, "POST", h, "/lst?delete", NULL, "<Delete><Object><Key>a.txt</Key></Object>"
		     "</Delete>"), 400);
	CHECK(body_has(t, "Missing required header for this request: Content-MD5"));
	CHECK_EQ(req(kv, t, "POST", h, "/lst?delete", (const char *[]){ "Content-MD5",
		     "AAAAAAAAAAAAAAAAAAAAAA==", NULL }, "<Delete/>"), 400);
	CHECK(error_is(t, "BadDigest"));
	{
		const char *doc = "<Delete " NS "><Object><Key>a.txt</Key></Object><Object><Key>"
				  "denied</Key></Object><Object><Key>nothere</Key></Object></Delete>";
		char sum[48];
		unsigned char md[16];
		unsigned int len = 0;

		EVP_Digest(doc, strlen(doc), md, &len, EVP_md5(), NULL);
		EVP_EncodeBlock((unsigned char *)sum, md, 16);
		CHECK_EQ(req(kv, t, "POST", h, "/lst?delete", (const char *[]){ "Content-MD5", sum,
			     NULL }, doc), 200);
		CHECK_STREQ(t->resp.body.p, DECL "<DeleteResult " NS "><Deleted><Key>a.txt</Key>"
			    "</Deleted><Error><Key>denied</Key><Code>AccessDenied</Code><Message>"
			    "Access Denied</Message></Error><Deleted><Key>nothere</Key></Deleted>"
			    "</DeleteResult>");
	}
	CHECK_EQ(req(kv, t, "GET", h, "/lst/a.txt", NULL, NULL), 404);
	CHECK_EQ(req(kv, t, "POST", h, "/lst?delete", (const char *[]){ "x-amz-checksum-crc32",
		     "AAAAAA==", NULL }, "<Delete/>"), 400);
	CHECK(error_is(t, "BadDigest"));
	CHECK_EQ(req(kv, t, "POST", h, "/lst?delete", (const char *[]){ "Content-MD5", "x", NULL },
		     "<Delete><Bogus/></Delete>"), 400);
	finish(t, kv);
}

static void test_policy(void)
{
	static const struct {
		const char *doc, *msg;
	} bad[] = {
		{ "[1]", "Policies must be valid JSON and the first byte must be '{'" },
		{ "{\"Statement\": [", "This policy contains invalid Json" },
		{ "{\"Version\": \"2012-10-17\"}", "Missing required field Statement" },
		{ "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", "
		  "\"Resource\": \"arn:aws:s3:::pol/*\"}]}", "Missing required field Principal" },
		{ "{\"Statement\": [{\"Effect\": \"Maybe\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", "
		  "\"Resource\": \"arn:aws:s3:::pol/*\"}]}", "Invalid effect: Maybe" },
		{ "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", "
		  "\"Resource\": \"arn:aws:s3:::other/*\"}]}", "Policy has invalid resource" },
		{ "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", "
		  "\"Resource\": \"*\"}]}", "Policy has invalid resource" },
		{ "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", "
		  "\"Resource\": \"arn:aws:s3:::pol\"}]}",
		  "Action does not apply to any resource(s) in statement" },
		{ "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"getobject\", "
		  "\"Resource\": \"arn:aws:s3:::pol/*\"}]}", "Policy has invalid action" },
		{ "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", "
		  "\"Resource\": \"arn:aws:s3:::pol/*\"}]}", "Statement is missing required element" },
		{ "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:*\", "
		  "\"Resource\": \"arn:aws:s3:::pol/*\", \"Colour\": 1}]}", "Unknown field Colour" },
		{ "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"bob\"}, "
		  "\"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::pol/*\"}]}",
		  "Invalid principal in policy" },
	};
	const char *good = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Sid\": \"r\", "
			   "\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::"
			   "444455556666:root\"}, \"Action\": [\"s3:GetObject\", \"s3:ListBucket\"], "
			   "\"Resource\": [\"arn:aws:s3:::pol\", \"arn:aws:s3:::pol/*\"]}]}";
	struct tr *t = xcalloc(1, sizeof(*t));
	struct kv *kv = kv_mem_new();
	const char *h = "s3.amazonaws.com";
	struct buf b;

	buf_init(&b, 65536);
	CHECK_EQ(req(kv, t, "PUT", h, "/pol", NULL, NULL), 200);
	CHECK_EQ(req(kv, t, "GET", h, "/pol?policy", NULL, NULL), 404);
	CHECK(body_has(t, "<Code>NoSuchBucketPolicy</Code><Message>The bucket policy does not exist"
		       "</Message><BucketName>pol</BucketName>"));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK_EQ(req(kv, t, "PUT", h, "/pol?policy", NULL, bad[i].doc), 400);
		buf_reset(&b);
		buf_adds(&b, "<Code>MalformedPolicy</Code>");
		xml_text(&b, "Message", bad[i].msg);
		CHECK(body_has(t, b.p));
	}
	CHECK_EQ(req(kv, t, "PUT", h, "/pol?policy", NULL, good), 204);
	CHECK_EQ(req(kv, t, "GET", h, "/pol?policy", NULL, NULL), 200);
	CHECK_STREQ(t->resp.body.p, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"r\","
		    "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},"
		    "\"Action\":[\"s3:GetObject\",\"s3:ListBucket\"],\"Resource\":[\"arn:aws:s3:::pol\","
		    "\"arn:aws:s3:::pol/*\"]}]}");
	buf_reset(&b);
	CHECK_EQ(s3_bucket_policy(kv, "pol", &b), 0);
	CHECK_STREQ(b.p, t->resp.body.p);
	build(t, "GET", h, "/pol?policy", NULL, NULL, 0);
	CHECK_EQ(run(kv, t, OTHER, "us-east-1"), 405);
	CHECK(body_has(t, "<Method>GET</Method><ResourceType>BUCKETPOLICY</ResourceType>"));
	CHECK_EQ(req(kv, t, "DELETE", h, "/pol?policy", NULL, NULL), 204);
	buf_reset(&b);
	CHECK_EQ(s3_bucket_policy(kv, "pol", &b), -ENOENT);
	CHECK_EQ(req(kv, t, "DELETE", h, "/pol?policy", NULL, NULL), 204);
	buf_release(&b);
	finish(t, kv);
}

/* A SigV4 streaming verifier, as the front would run it, for the documentation's key. */
/* The signatures of the documentation's example, checked by api/sigv4.c's chunk verifier. */
struct chain {
	struct sigv4_result r;
	char prev[65];
	int calls;
};

static void hmac(const void *key, size_t klen, const char *msg, unsigned char out[32])
{
	unsigned int len = 32;

	HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &len);
}

static int verify_chain(void *arg, enum s3_sig_kind kind, struct str data, struct str sig)
{
	struct chain *ch = arg;

	ch->calls++;
	return sigv4_chunk_verify(&ch->r, ch->prev, kind == S3_SIG_TRAILER, data, sig) < 0 ?
		       -EACCES : 0;
}

static void chain_init(struct chain *ch, const char *seed)
{
	unsigned char k[32];

	memset(ch, 0, sizeof(*ch));
	hmac("AWS4wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", 44, "20130524", k);
	hmac(k, 32, "us-east-1", k);
	hmac(k, 32, "s3", k);
	hmac(k, 32, "aws4_request", ch->r.key);
	str_lcpy(ch->r.amz_date, "20130524T000000Z", sizeof(ch->r.amz_date));
	str_lcpy(ch->r.scope, "20130524/us-east-1/s3/aws4_request", sizeof(ch->r.scope));
	str_lcpy(ch->prev, seed, sizeof(ch->prev));
}

/* The documentation's 66,560 bytes of 'a' in chunks of 65,536, 1,024 and 0. */
static size_t doc_body(char *out, const char *const sig[3], const char *trailer)
{
	size_t n = 0;

	n += (size_t)snprintf(out + n, 128, "10000;chunk-signature=%s\r\n", sig[0]);
	memset(out + n, 'a', 65536);
	n += 65536;
	n += (size_t)snprintf(out + n, 128, "\r\n400;chunk-signature=%s\r\n", sig[1]);
	memset(out + n, 'a', 1024);
	n += 1024;
	n += (size_t)snprintf(out + n, 512, "\r\n0;chunk-signature=%s\r\n%s\r\n", sig[2], trailer);
	return n;
}

static void test_chunked(void)
{
	static const char *const sig[3] = {
		"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
		"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
		"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
	};
	static const char *const tsig[3] = {
		"b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
		"1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
		"2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
	};
	char *body = xmalloc(70000);
	struct s3_chunked info;
	struct chain ch;
	struct err e = { 0 };
	struct buf out;
	size_t n;

	buf_init(&out, LIMIT_S3_OBJECT_BYTES);
	n = doc_body(body, sig, "");
	chain_init(&ch, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");
	CHECK_EQ(s3_chunked_decode(str_from(body, n), true, "", LIMIT_S3_OBJECT_BYTES, verify_chain,
				   &ch, &out, &info, &e), 0);
	CHECK_EQ(out.len, 66560);
	CHECK_EQ(ch.calls, 3);
	CHECK_EQ(info.chunks, 3);
	CHECK(out.p[0] == 'a' && out.p[66559] == 'a');

	n = doc_body(body, tsig, "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:"
		     "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n");
	chain_init(&ch, "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e");
	buf_reset(&out);
	CHECK_EQ(s3_chunked_decode(str_from(body, n), true, "x-amz-checksum-crc32c",
				   LIMIT_S3_OBJECT_BYTES, verify_chain, &ch, &out, &info, &e), 0);
	CHECK_EQ(ch.calls, 4);
	CHECK_STREQ(info.trailer_name, "x-amz-checksum-crc32c");
	CHECK_STREQ(info.trailer_value, "sOO8/Q==");
	/* One changed byte: the first chunk's signature no longer holds. */
	body[100] = 'b';
	chain_init(&ch, "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e");
	buf_reset(&out);
	CHECK(s3_chunked_decode(str_from(body, n), true, "x-amz-checksum-crc32c",
				LIMIT_S3_OBJECT_BYTES, verify_chain, &ch, &out, &info, &e) < 0);
	CHECK_STREQ(e.code, "SignatureDoesNotMatch");
	CHECK(s3_chunked_decode(str_from(body, n), true, "", LIMIT_S3_OBJECT_BYTES, NULL, NULL, &out,
				&info, &e) < 0);
	free(body);

	{
		static const struct {
			const char *body, *trailer, *code;
		} cases[] = {
			{ "5\r\nhello\r\n0\r\n\r\n", "", NULL },
			{ "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n", "x-amz-checksum-crc32", NULL },
			{ "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", "x-amz-checksum-crc32", "BadDigest" },
			{ "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:zz\r\n\r\n", "x-amz-checksum-crc32", "InvalidRequest" },
			{ "5\r\nhello\r\n0\r\n\r\n", "x-amz-checksum-crc32", "InvalidRequest" },
			{ "5\r\nhello\r\n0\r\nx-amz-checksum-sha1:x\r\n\r\n", "x-amz-checksum-crc32", "InvalidRequest" },
			{ "5\r\nhel", "", "IncompleteBody" },
			{ "5\r\nhello\r\n0\r\n", "", "IncompleteBody" },
			{ "5\r\nhello", "", "IncompleteBody" },
			{ "5\r\nhelloXX0\r\n\r\n", "", "InvalidRequest" },
			{ "g\r\nhello\r\n0\r\n\r\n", "", "InvalidRequest" },
			{ "\r\nhello\r\n0\r\n\r\n", "", "InvalidRequest" },
			{ "123456789\r\n", "", "InvalidRequest" },
			{ "ffffffff\r\nab\r\n", "", "IncompleteBody" },
			{ "5;x=y\r\nhello\r\n0\r\n\r\n", "", "InvalidRequest" },
			{ "5;chunk-signature=00\r\nhello\r\n0\r\n\r\n", "", "SignatureDoesNotMatch" },
			{ "5\r\nhello\r\n0\r\n\r\nmore", "", "InvalidRequest" },
			{ "0\r\n\r\n", "", NULL },
			{ "b\r\nhello world\r\n0\r\n\r\n", "", "EntityTooLarge" },
		};

		for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
			int ret;

			buf_reset(&out);
			memset(&e, 0, sizeof(e));
			ret = s3_chunked_decode(str_c(cases[i].body), false, cases[i].trailer, 10, NULL,
						NULL, &out, &info, &e);
			if (!cases[i].code) {
				CHECK_EQ(ret, 0);
				continue;
			}
			CHECK(ret < 0);
			if (!e.code || strcmp(e.code, cases[i].code))
				fprintf(stderr, "chunked case %zu: %s\n", i, e.code ? e.code : "(none)");
			CHECK_STREQ(e.code, cases[i].code);
		}
	}
	buf_release(&out);
}


/* The text of element 'tag' in the body, into 'out'. */
static void body_text(const struct tr *t, const char *tag, char *out, size_t size)
{
	char open[64], close[64];
	const char *a, *b;

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	out[0] = '\0';
	a = strstr(t->resp.body.p, open);
	b = a ? strstr(a, close) : NULL;
	if (a && b && (size_t)(b - a) - strlen(open) < size) {
		a += strlen(open);
		memcpy(out, a, (size_t)(b - a));
		out[b - a] = '\0';
	}
}

static void md5_of(const void *p, size_t n, unsigned char out[16])
{
	unsigned int len = 0;

	EVP_Digest(p, n, out, &len, EVP_md5(), NULL);
}

/* Uploads 'len' bytes of 'fill' as part 'n' of 'id' of mpu/big; returns the status. */
static int put_part(struct kv *kv, struct tr *t, const char *id, unsigned n, char fill, size_t len,
		   const char *const *hdrs)
{
	char *body = xmalloc(len + 1), target[256];
	int status;

	memset(body, fill, len);
	body[len] = '\0';
	snprintf(target, sizeof(target), "/mpu/big?partNumber=%u&uploadId=%s", n, id);
	build(t, "PUT", "s3.amazonaws.com", target, hdrs, body, len);
	status = run(kv, t, ACCT, "us-east-1");
	free(body);
	return status;
}

static int create_upload(struct kv *kv, struct tr *t, const char *const *hdrs, char id[128])
{
	int status = req(kv, t, "POST", "s3.amazonaws.com", "/mpu/big?uploads", hdrs, NULL);

	body_text(t, "UploadId", id, 128);
	return status;
}

static int complete_upload(struct kv *kv, struct tr *t, const char *id, const char *parts)
{
	char target[256], doc[2048];

	snprintf(target, sizeof(target), "/mpu/big?uploadId=%s", id);
	snprintf(doc, sizeof(doc), "<CompleteMultipartUpload " NS ">%s</CompleteMultipartUpload>",
		 parts);
	return req(kv, t, "POST", "s3.amazonaws.com", target, NULL, doc);
}

static void test_multipart_classify(void)
{
	struct tr *t = xcalloc(1, sizeof(*t));
	static const struct {
		const char *method, *target;
		enum s3_op op;
		const char *action, *resource;
	} cases[] = {
		{ "POST", "/bk1/k?uploads", S3_CREATE_MULTIPART_UPLOAD, "s3:PutObject", "arn:aws:s3:::bk1/k" },
		{ "PUT", "/bk1/k?partNumber=2&uploadId=X", S3_UPLOAD_PART, "s3:PutObject", "arn:aws:s3:::bk1/k" },
		{ "POST", "/bk1/k?uploadId=X", S3_COMPLETE_MULTIPART_UPLOAD, "s3:PutObject",
		  "arn:aws:s3:::bk1/k" },
		{ "DELETE", "/bk1/k?uploadId=X", S3_ABORT_MULTIPART_UPLOAD, "s3:AbortMultipartUpload",
		  "arn:aws:s3:::bk1/k" },
		{ "GET", "/bk1?uploads", S3_LIST_MULTIPART_UPLOADS, "s3:ListBucketMultipartUploads",
		  "arn:aws:s3:::bk1" },
		{ "GET", "/bk1/k?uploadId=X", S3_LIST_PARTS, "s3:ListMultipartUploadParts",
		  "arn:aws:s3:::bk1/k" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK_EQ(classify(t, cases[i].method, "s3.amazonaws.com", cases[i].target), 0);
		CHECK_EQ(t->c.op, cases[i].op);
		CHECK_STREQ(t->c.action, cases[i].action);
		CHECK_STREQ(t->c.resource, cases[i].resource);
	}
	CHECK(classify(t, "GET", "s3.amazonaws.com", "/bk1/k?uploads") < 0);
	CHECK_STREQ(t->e.code, "MethodNotAllowed");
	CHECK(classify(t, "PUT", "s3.amazonaws.com", "/bk1?uploads") < 0);
	CHECK_STREQ(t->e.code, "MethodNotAllowed");
	free(t);
}

/* Two parts, the errors of each step, then the object as GET and the listings see it. */
static void test_multipart_flow(void)
{
	struct tr *t = xcalloc(1, sizeof(*t));
	struct kv *kv = kv_mem_new();
	const char *h = "s3.amazonaws.com";
	unsigned char md5s[32], md[16];
	char id[128], etag[64], doc[512], want[128], target[256], hex[33];
	size_t big = LIMIT_S3_PART_MIN_BYTES;

	CHECK_EQ(req(kv, t, "PUT", h, "/mpu", NULL, NULL), 200);
	CHECK_EQ(create_upload(kv, t, (const char *[]){ "Content-Type", "text/x-big",
							 "x-amz-meta-size", "large", NULL }, id), 200);
	CHECK(body_has(t, DECL "<InitiateMultipartUploadResult " NS "><Bucket>mpu</Bucket>"
		       "<Key>big</Key><UploadId>"));
	CHECK(strlen(id) == 43 && !strpbrk(id, "+/="));
	CHECK(header_is(t, "x-amz-server-side-encryption", "AES256"));

	/* UploadPart: the ETag is the part's MD5. */
	CHECK_EQ(put_part(kv, t, id, 1, 'a', big, NULL), 200);
	{
		char *a = xmalloc(big);

		memset(a, 'a', big);
		md5_of(a, big, md5s);
		free(a);
	}
	str_hex_encode(md5s, 16, hex);
	snprintf(want, sizeof(want), "\"%s\"", hex);
	CHECK(header_is(t, "ETag", want));
	CHECK_EQ(put_part(kv, t, id, 2, 'b', 3, NULL), 200);
	CHECK(header_is(t, "ETag", "\"08f8e0260c64418510cefb2b06eee5cd\""));
	md5_of("bbb", 3, md5s + 16);
	CHECK_EQ(put_part(kv, t, id, 0, 'b', 3, NULL), 400);
	CHECK(body_has(t, "<Code>InvalidArgument</Code><Message>Part number must be an integer "
		       "between 1 and 10000, inclusive</Message><ArgumentName>partNumber</ArgumentName>"
		       "<ArgumentValue>0</ArgumentValue>"));
	CHECK_EQ(put_part(kv, t, id, 10001, 'b', 3, NULL), 400);
	CHECK_EQ(put_part(kv, t, "nope", 1, 'b', 3, NULL), 404);
	CHECK(body_has(t, "<Code>NoSuchUpload</Code><Message>The specified upload does not exist. The "
		       "upload ID may be invalid, or the upload may have been aborted or completed."
		       "</Message><UploadId>nope</UploadId>"));
	CHECK_EQ(put_part(kv, t, id, 3, 'c', 3,
			  (const char *[]){ "x-amz-copy-source", "/mpu/other", NULL }), 501);
	CHECK(body_has(t, "<Header>x-amz-copy-source</Header>"));
	CHECK_EQ(put_part(kv, t, id, 3, 'c', 3, (const char *[]){ "Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA==",
								   NULL }), 400);
	CHECK(error_is(t, "BadDigest"));

	/* ListParts and ListMultipartUploads. */
	snprintf(target, sizeof(target), "/mpu/big?uploadId=%s", id);
	CHECK_EQ(req(kv, t, "GET", h, target, NULL, NULL), 200);
	CHECK(body_has(t, "<ListPartsResult " NS "><Bucket>mpu</Bucket><Key>big</Key><UploadId>"));
	CHECK(body_has(t, "<PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>2"
		       "</NextPartNumberMarker><MaxParts>1000</MaxParts><IsTruncated>false"
		       "</IsTruncated><Part><PartNumber>1</PartNumber><LastModified>"
		       "2026-01-01T00:00:00.000Z</LastModified>"));
	CHECK(body_has(t, "<Size>5242880</Size></Part><Part><PartNumber>2</PartNumber>"));
	CHECK(body_has(t, "<StorageClass>STANDARD</StorageClass></ListPartsResult>"));
	snprintf(target, sizeof(target), "/mpu/big?uploadId=%s&max-parts=1", id);
	CHECK_EQ(req(kv, t, "GET", h, target, NULL, NULL), 200);
	CHECK(body_has(t, "<NextPartNumberMarker>1</NextPartNumberMarker><MaxParts>1</MaxParts>"
		       "<IsTruncated>true</IsTruncated>"));
	snprintf(target, sizeof(target), "/mpu/big?uploadId=%s&part-number-marker=1", id);
	CHECK_EQ(req(kv, t, "GET", h, target, NULL, NULL), 200);
	CHECK(body_has(t, "<Part><PartNumber>2</PartNumber>") && !strstr(t->resp.body.p, "<PartNumber>1<"));
	snprintf(target, sizeof(target), "/mpu/big?uploadId=%s&max-parts=x", id);
	CHECK_EQ(req(kv, t, "GET", h, target, NULL, NULL), 400);
	CHECK(body_has(t, "<Message>Provided max-parts not an integer or within integer range</Message>"));
	CHECK_EQ(req(kv, t, "GET", h, "/mpu/other?uploadId=nope", NULL, NULL), 404);
	CHECK_EQ(req(kv, t, "GET", h, "/mpu?uploads", NULL, NULL), 200);
	snprintf(want, sizeof(want), "<UploadId>%s</UploadId>", id);
	CHECK(body_has(t, "<ListMultipartUploadsResult " NS "><Bucket>mpu</Bucket><KeyMarker></KeyMarker>"
		       "<UploadIdMarker></UploadIdMarker><NextKeyMarker>big</NextKeyMarker>"));
	CHECK(body_has(t, "<MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated><Upload>"
		       "<Key>big</Key>"));
	CHECK(body_has(t, want));
	CHECK(body_has(t, "<Initiated>2026-01-01T00:00:00.000Z</Initiated></Upload>"));

	/* CompleteMultipartUpload's checks. */
	CHECK_EQ(complete_upload(kv, t, id, ""), 400);
	CHECK(error_is(t, "MalformedXML"));
	snprintf(target, sizeof(target), "/mpu/big?uploadId=%s", id);
	CHECK_EQ(req(kv, t, "POST", h, target, NULL, NULL), 400);
	CHECK(error_is(t, "MalformedXML"));
	snprintf(doc, sizeof(doc), "<Part><PartNumber>2</PartNumber><ETag>\"08f8e0260c64418510cefb2b06eee5cd\""
		 "</ETag></Part><Part><PartNumber>1</PartNumber><ETag>\"%s\"</ETag></Part>", hex);
	CHECK_EQ(complete_upload(kv, t, id, doc), 400);
	CHECK(body_has(t, "<Code>InvalidPartOrder</Code><Message>The list of parts was not in ascending "
		       "order. Parts must be ordered by part number.</Message><UploadId>"));
	snprintf(doc, sizeof(doc), "<Part><PartNumber>1</PartNumber><ETag>\"%s\"</ETag></Part>"
		 "<Part><PartNumber>2</PartNumber><ETag>0000</ETag></Part>", hex);
	CHECK_EQ(complete_upload(kv, t, id, doc), 400);
	CHECK(body_has(t, "<Code>InvalidPart</Code><Message>One or more of the specified parts could not "
		       "be found.  The part may not have been uploaded, or the specified entity tag may "
		       "not match the part&apos;s entity tag.</Message>"));
	CHECK(body_has(t, "<PartNumber>2</PartNumber><ETag>0000</ETag>"));
	snprintf(doc, sizeof(doc), "<Part><PartNumber>1</PartNumber><ETag>\"%s\"</ETag></Part>"
		 "<Part><PartNumber>3</PartNumber><ETag>x</ETag></Part>", hex);
	CHECK_EQ(complete_upload(kv, t, id, doc), 400);
	CHECK(error_is(t, "InvalidPart"));
	snprintf(doc, sizeof(doc), "<Part><PartNumber>2</PartNumber><ETag>08f8e0260c64418510cefb2b06eee5cd"
		 "</ETag></Part><Part><PartNumber>4</PartNumber><ETag>x</ETag></Part>");
	CHECK_EQ(complete_upload(kv, t, id, doc), 400);
	CHECK(body_has(t, "<Code>EntityTooSmall</Code><Message>Your proposed upload is smaller than the "
		       "minimum allowed size</Message><ProposedSize>3</ProposedSize><MinSizeAllowed>5242880"
		       "</MinSizeAllowed><PartNumber>2</PartNumber><ETag>08f8e0260c64418510cefb2b06eee5cd"
		       "</ETag>"));
	CHECK_EQ(complete_upload(kv, t, id, "<Part><PartNumber>x</PartNumber></Part>"), 400);
	CHECK(error_is(t, "MalformedXML"));

	/* Done: the ETag is the MD5 of the parts' MD5s, "-2". */
	snprintf(doc, sizeof(doc), "<Part><ETag>\"%s\"</ETag><PartNumber>1</PartNumber></Part>"
		 "<Part><PartNumber>2</PartNumber><ETag>&quot;08f8e0260c64418510cefb2b06eee5cd&quot;</ETag>"
		 "</Part>", hex);
	CHECK_EQ(complete_upload(kv, t, id, doc), 200);
	md5_of(md5s, 32, md);
	str_hex_encode(md, 16, hex);
	snprintf(etag, sizeof(etag), "\"%s-2\"", hex);
	CHECK(body_has(t, DECL "<CompleteMultipartUploadResult " NS "><Location>"
		       "https://mpu.s3.amazonaws.com/big</Location><Bucket>mpu</Bucket><Key>big</Key><ETag>"));
	snprintf(want, sizeof(want), "<ETag>&quot;%s-2&quot;</ETag></CompleteMultipartUploadResult>", hex);
	CHECK(body_has(t, want));
	CHECK_EQ(req(kv, t, "GET", h, "/mpu/big", NULL, NULL), 200);
	CHECK_EQ(t->resp.body.len, big + 3);
	CHECK(t->resp.body.p[0] == 'a' && t->resp.body.p[big - 1] == 'a' && !strcmp(t->resp.body.p + big, "bbb"));
	CHECK(header_is(t, "ETag", etag));
	CHECK(header_is(t, "Content-Type", "text/x-big"));
	CHECK(header_is(t, "x-amz-meta-size", "large"));
	CHECK_EQ(req(kv, t, "GET", h, "/mpu/big", (const char *[]){ "Range", "bytes=5242879-5242881",
								    NULL }, NULL), 206);
	CHECK_STREQ(t->resp.body.p, "abb");
	/* Each part by its number, as a range, with the number of parts. */
	CHECK_EQ(req(kv, t, "GET", h, "/mpu/big?partNumber=1", NULL, NULL), 206);
	CHECK(t->resp.body.len == big && t->resp.body.p[big - 1] == 'a');
	CHECK(header_is(t, "Content-Range", "bytes 0-5242879/5242883"));
	CHECK(header_is(t, "x-amz-mp-parts-count", "2"));
	CHECK_EQ(req(kv, t, "GET", h, "/mpu/big?partNumber=2", NULL, NULL), 206);
	CHECK_STREQ(t->resp.body.p, "bbb");
	CHECK(header_is(t, "Content-Range", "bytes 5242880-5242882/5242883"));
	CHECK_EQ(req(kv, t, "HEAD", h, "/mpu/big?partNumber=2", NULL, NULL), 206);
	CHECK(t->resp.head && t->resp.length == 3 && header_is(t, "x-amz-mp-parts-count", "2"));
	CHECK_EQ(req(kv, t, "GET", h, "/mpu/big?partNumber=3", NULL, NULL), 416);
	CHECK(body_has(t, "<Code>InvalidPartNumber</Code>"));
	CHECK_EQ(req(kv, t, "GET", h, "/mpu?list-type=2", NULL, NULL), 200);
	snprintf(want, sizeof(want), "<ETag>&quot;%s-2&quot;</ETag>", hex);
	CHECK(body_has(t, want));
	CHECK(body_has(t, "<Size>5242883</Size>"));
	/* The upload is gone with its parts. */
	snprintf(target, sizeof(target), "/mpu/big?uploadId=%s", id);
	CHECK_EQ(req(kv, t, "GET", h, target, NULL, NULL), 404);
	CHECK_EQ(complete_upload(kv, t, id, doc), 404);
	CHECK_EQ(req(kv, t, "GET", h, "/mpu?uploads", NULL, NULL), 200);
	CHECK(!strstr(t->resp.body.p, "<Upload>"));
	finish(t, kv);
}

/* Abort, listings with markers and prefixes, a bucket deleted with uploads in it. */
static void test_multipart_abort(void)
{
	struct tr *t = xcalloc(1, sizeof(*t));
	struct kv *kv = kv_mem_new();
	const char *h = "s3.amazonaws.com";
	char id[128], id2[128], target[256];

	CHECK_EQ(req(kv, t, "PUT", h, "/mpu", NULL, NULL), 200);
	CHECK_EQ(create_upload(kv, t, NULL, id), 200);
	CHECK_EQ(put_part(kv, t, id, 1, 'a', 10, NULL), 200);
	CHECK_EQ(req(kv, t, "POST", h, "/mpu/dir/a?uploads", NULL, NULL), 200);
	body_text(t, "UploadId", id2, sizeof(id2));
	CHECK(strcmp(id, id2) != 0);
	CHECK_EQ(req(kv, t, "POST", h, "/mpu/dir/b?uploads", NULL, NULL), 200);
	CHECK_EQ(req(kv, t, "GET", h, "/mpu?uploads&delimiter=/", NULL, NULL), 200);
	CHECK(body_has(t, "<Delimiter>/</Delimiter>"));
	CHECK(body_has(t, "<Key>big</Key>"));
	CHECK(body_has(t, "</Upload><CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes>"));
	CHECK_EQ(req(kv, t, "GET", h, "/mpu?uploads&prefix=dir/&max-uploads=1", NULL, NULL), 200);
	CHECK(body_has(t, "<NextKeyMarker>dir/a</NextKeyMarker><Prefix>dir/</Prefix>"));
	CHECK(body_has(t, "<MaxUploads>1</MaxUploads><IsTruncated>true</IsTruncated>"));
	CHECK_EQ(req(kv, t, "GET", h, "/mpu?uploads&key-marker=dir/a", NULL, NULL), 200);
	CHECK(body_has(t, "<Key>dir/b</Key>") && !strstr(t->resp.body.p, "<Key>big</Key>"));
	CHECK_EQ(req(kv, t, "GET", h, "/mpu?uploads&max-uploads=-1", NULL, NULL), 400);
	CHECK(body_has(t, "<Message>Argument maxUploads must be an integer between 0 and 2147483647"));
	/* The upload ID names an upload of one key only. */
	snprintf(target, sizeof(target), "/mpu/other?uploadId=%s", id);
	CHECK_EQ(req(kv, t, "DELETE", h, target, NULL, NULL), 404);
	CHECK(error_is(t, "NoSuchUpload"));
	snprintf(target, sizeof(target), "/mpu/big?uploadId=%s", id);
	CHECK_EQ(req(kv, t, "DELETE", h, target, NULL, NULL), 204);
	CHECK_EQ(t->resp.body.len, 0);
	CHECK_EQ(req(kv, t, "DELETE", h, target, NULL, NULL), 404);
	CHECK_EQ(put_part(kv, t, id, 1, 'a', 10, NULL), 404);
	/* Uploads in progress go with their bucket. */
	CHECK_EQ(req(kv, t, "DELETE", h, "/mpu", NULL, NULL), 204);
	CHECK_EQ(req(kv, t, "PUT", h, "/mpu", NULL, NULL), 200);
	CHECK_EQ(req(kv, t, "GET", h, "/mpu?uploads", NULL, NULL), 200);
	CHECK(!strstr(t->resp.body.p, "<Upload>"));
	CHECK_EQ(req(kv, t, "GET", h, "/nobucket?uploads", NULL, NULL), 404);
	finish(t, kv);
}

/* A CRC32 upload: composite by default, every part's checksum needed at the end. */
static void test_multipart_checksums(void)
{
	struct tr *t = xcalloc(1, sizeof(*t));
	struct kv *kv = kv_mem_new();
	const char *h = "s3.amazonaws.com";
	char id[128], doc[512];
	/* CRC32 of "bbb"; the composite one is the CRC32 of its four bytes. */
	const char *crc = "QGXPDQ==";

	CHECK_EQ(req(kv, t, "PUT", h, "/mpu", NULL, NULL), 200);
	CHECK_EQ(create_upload(kv, t, (const char *[]){ "x-amz-checksum-type", "COMPOSITE", NULL }, id),
		 400);
	CHECK(body_has(t, "<Message>The x-amz-checksum-type header can only be used with the "
		       "x-amz-checksum-algorithm header.</Message>"));
	CHECK_EQ(create_upload(kv, t, (const char *[]){ "x-amz-checksum-algorithm", "SHA256",
							 "x-amz-checksum-type", "FULL_OBJECT", NULL }, id), 400);
	CHECK(body_has(t, "<Message>The FULL_OBJECT checksum type cannot be used with the sha256 "
		       "checksum algorithm.</Message>"));
	CHECK_EQ(create_upload(kv, t, (const char *[]){ "x-amz-checksum-algorithm", "MD4", NULL }, id),
		 400);
	CHECK_EQ(create_upload(kv, t, (const char *[]){ "x-amz-checksum-algorithm", "CRC32", NULL }, id),
		 200);
	CHECK(header_is(t, "x-amz-checksum-algorithm", "CRC32"));
	CHECK(header_is(t, "x-amz-checksum-type", "COMPOSITE"));
	CHECK_EQ(put_part(kv, t, id, 1, 'b', 3, (const char *[]){ "x-amz-checksum-sha1",
								   "XLE4KE1DGr1qBTpWYl7AiL+4iRI=", NULL }), 400);
	CHECK(body_has(t, "<Message>Checksum Type mismatch occurred, expected checksum Type: crc32, "
		       "actual checksum Type: sha1</Message>"));
	CHECK_EQ(put_part(kv, t, id, 1, 'b', 3, (const char *[]){ "x-amz-checksum-crc32", crc, NULL }),
		 200);
	CHECK(header_is(t, "x-amz-checksum-crc32", crc));
	snprintf(doc, sizeof(doc), "<Part><PartNumber>1</PartNumber><ETag>08f8e0260c64418510cefb2b06eee5cd"
		 "</ETag></Part>");
	CHECK_EQ(complete_upload(kv, t, id, doc), 400);
	CHECK(body_has(t, "<Message>The upload was created using a crc32 checksum. The complete request "
		       "must include the checksum for each part. It was missing for part 1 in the "
		       "request.</Message>"));
	snprintf(doc, sizeof(doc), "<Part><PartNumber>1</PartNumber><ETag>08f8e0260c64418510cefb2b06eee5cd"
		 "</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>");
	CHECK_EQ(complete_upload(kv, t, id, doc), 400);
	CHECK(error_is(t, "InvalidPart"));
	snprintf(doc, sizeof(doc), "<Part><PartNumber>1</PartNumber><ETag>08f8e0260c64418510cefb2b06eee5cd"
		 "</ETag><ChecksumCRC32>%s</ChecksumCRC32></Part>", crc);
	CHECK_EQ(complete_upload(kv, t, id, doc), 200);
	CHECK(body_has(t, "<ChecksumCRC32>"));
	CHECK(body_has(t, "<ChecksumCRC32>xp851g==-1</ChecksumCRC32><ChecksumType>COMPOSITE</ChecksumType>"));
	CHECK_EQ(req(kv, t, "HEAD", h, "/mpu/big", (const char *[]){ "x-amz-checksum-mode", "ENABLED",
								     NULL }, NULL), 200);
	CHECK(header_is(t, "x-amz-checksum-type", "COMPOSITE"));
	/* A full-object CRC32 is the CRC of the whole object. */
	CHECK_EQ(create_upload(kv, t, (const char *[]){ "x-amz-checksum-algorithm", "crc32",
							 "x-amz-checksum-type", "FULL_OBJECT", NULL }, id), 200);
	CHECK_EQ(put_part(kv, t, id, 1, 'b', 3, NULL), 200);
	CHECK(header_is(t, "x-amz-checksum-crc32", crc));
	snprintf(doc, sizeof(doc), "<Part><PartNumber>1</PartNumber><ETag>08f8e0260c64418510cefb2b06eee5cd"
		 "</ETag></Part>");
	CHECK_EQ(complete_upload(kv, t, id, doc), 200);
	CHECK(body_has(t, "<ChecksumCRC32>QGXPDQ==</ChecksumCRC32><ChecksumType>FULL_OBJECT</ChecksumType>"));
	finish(t, kv);
}

/* An upload holds at most LIMIT_S3_MULTIPART_OBJECT_BYTES. */
/* Upload IDs begin with a letter or digit: the aws CLI would take "-…" for an option. */
static void test_multipart_ids(void)
{
	struct tr *t = xcalloc(1, sizeof(*t));
	struct kv *kv = kv_mem_new();
	char target[64], id[128];

	CHECK_EQ(req(kv, t, "PUT", "s3.amazonaws.com", "/mpu", NULL, NULL), 200);
	for (int i = 0; i < 400; i++) {
		snprintf(target, sizeof(target), "/mpu/k%d?uploads", i);
		CHECK_EQ(req(kv, t, "POST", "s3.amazonaws.com", target, NULL, NULL), 200);
		body_text(t, "UploadId", id, sizeof(id));
		CHECK(isalnum((unsigned char)id[0]));
	}
	finish(t, kv);
}

static void test_multipart_limits(void)
{
	struct tr *t = xcalloc(1, sizeof(*t));
	struct kv *kv = kv_mem_new();
	char id[128];
	unsigned n = LIMIT_S3_MULTIPART_OBJECT_BYTES / LIMIT_S3_OBJECT_BYTES;

	CHECK_EQ(req(kv, t, "PUT", "s3.amazonaws.com", "/mpu", NULL, NULL), 200);
	CHECK_EQ(create_upload(kv, t, NULL, id), 200);
	for (unsigned i = 1; i <= n; i++)
		CHECK_EQ(put_part(kv, t, id, i, 'x', LIMIT_S3_OBJECT_BYTES, NULL), 200);
	CHECK_EQ(put_part(kv, t, id, n + 1, 'x', 1, NULL), 400);
	CHECK(error_is(t, "EntityTooLarge"));
	/* Replacing a part counts it once. */
	CHECK_EQ(put_part(kv, t, id, n, 'y', LIMIT_S3_OBJECT_BYTES, NULL), 200);
	finish(t, kv);
}

/* A reflected CRC bit by bit, as its definition reads: what the tables must give. */
static uint64_t crc_bitwise(const unsigned char *p, size_t n, uint64_t poly, int bits)
{
	uint64_t mask = bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1, crc = mask;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ poly : crc >> 1;
	}
	return ~crc & mask;
}

static void check_crc(enum s3_sum s, const unsigned char *p, size_t n)
{
	bool wide = s == S3_SUM_CRC64NVME;
	uint64_t v = wide ? crc_bitwise(p, n, 0x9a6c9329ac4bc9b5ull, 64) :
			    crc_bitwise(p, n, 0x82f63b78u, 32);
	unsigned char be[8];
	char want[S3_SUM_B64_SIZE], got[S3_SUM_B64_SIZE];
	size_t bytes = wide ? 8 : 4;

	for (size_t i = 0; i < bytes; i++)
		be[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
	s3_base64(be, bytes, want);
	s3_sum_compute(s, (struct str){ (const char *)p, n }, got);
	if (strcmp(want, got) != 0)
		fprintf(stderr, "%s of %zu bytes: %s, want %s\n", s3_sum_name(s), n, got, want);
	CHECK_STREQ(got, want);
}

/* The slicing-by-8 CRCs against their definition: every length around the 8-byte steps, any alignment. */
static void test_crc_tables(void)
{
	unsigned char buf[300];
	char out[S3_SUM_B64_SIZE];
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (unsigned char)x;
	}
	/* The catalogue's check values of "123456789": 0xae8b14860a799888, 0xe3069283. */
	s3_sum_compute(S3_SUM_CRC64NVME, str_c("123456789"), out);
	CHECK_STREQ(out, "rosUhgp5mIg=");
	s3_sum_compute(S3_SUM_CRC32C, str_c("123456789"), out);
	CHECK_STREQ(out, "4waSgw==");
	for (size_t off = 0; off < 8; off++) {
		for (size_t n = 0; n + off <= 40; n++) {
			check_crc(S3_SUM_CRC64NVME, buf + off, n);
			check_crc(S3_SUM_CRC32C, buf + off, n);
		}
	}
	check_crc(S3_SUM_CRC64NVME, buf, sizeof(buf));
	check_crc(S3_SUM_CRC32C, buf + 3, sizeof(buf) - 3);
}

/* The parts' sizes, run-length, as records keep them: where each part lies; what is no list. */
static void test_record_parts(void)
{
	const char *head = "size 15728657\nmtime 1\netag 0123456789abcdef0123456789abcdef-4\n";
	struct s3_record r;
	uint64_t from = 0, size = 0, count = 0;
	char text[256];
	struct buf b;

	snprintf(text, sizeof(text), "%sparts 5242880x3 17x1\n", head);
	CHECK_EQ(s3_record_decode(str_c(text), &r), 0);
	CHECK_EQ(s3_record_part(&r, 2, &from, &size, &count), 0);
	CHECK(from == 5242880 && size == 5242880 && count == 4);
	CHECK_EQ(s3_record_part(&r, 4, &from, &size, &count), 0);
	CHECK(from == 15728640 && size == 17);
	CHECK_EQ(s3_record_part(&r, 5, &from, &size, &count), -ERANGE);
	CHECK_EQ(s3_record_part(&r, 0, &from, &size, &count), -ERANGE);
	buf_init(&b, 1024);
	s3_record_encode(&r, &b);
	CHECK(strstr(b.p, "parts 5242880x3 17x1\n") != NULL);
	buf_release(&b);
	for (size_t i = 0; i < 4; i++) {
		const char *bad[] = { "parts 5x0", "parts x3", "parts 5x3 y", "parts " };

		snprintf(text, sizeof(text), "%s%s\n", head, bad[i]);
		CHECK_EQ(s3_record_decode(str_c(text), &r), -EIO);
	}
	CHECK_EQ(s3_record_decode(str_c(head), &r), 0);
	CHECK_EQ(s3_record_part(&r, 1, &from, &size, &count), -ENOENT);
}

void test_svc_s3(void)
{
	test_crc_tables();
	test_record_parts();
	test_classify_hosts();
	test_classify_ops();
	test_errors_xml();
	test_buckets();
	test_objects();
	test_list();
	test_policy();
	test_chunked();
	test_multipart_classify();
	test_multipart_flow();
	test_multipart_abort();
	test_multipart_checksums();
	test_multipart_limits();
	test_multipart_ids();
}
