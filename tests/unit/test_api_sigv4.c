/* SPDX-License-Identifier: MIT */
/*
 * SigV4 verification against signatures made by a known-good signer:
 * botocore 1.43 (SigV4Auth and SigV4QueryAuth; credentials test/test,
 * us-east-1, ec2, 20261126T120000Z) and AWS's published examples.
 */
#include "compat.h"
#include "check.h"

#include "api/sigv4.h"

#define NOW 1795694400		/* 20261126T120000Z */
#define BODY "Action=DescribeVpcs&Version=2016-11-15"
#define CTYPE "application/x-www-form-urlencoded; charset=utf-8"
#define HOST "127.0.0.1:4566"
#define CRED "Credential=test/20261126/us-east-1/ec2/aws4_request"
#define H(n, v) { STR_LIT(n), STR_LIT(v) }

/* botocore: POST / with BODY, the request the aws CLI sends. */
#define POST_SIG "f53ecab1bfedc84a6d34846d5968ad8feb0a4a65a41081e3507466eec5e60ee6"
#define POST_AUTH "AWS4-HMAC-SHA256 " CRED ", SignedHeaders=content-type;host;x-amz-date, " \
	"Signature=" POST_SIG

/* botocore: the same with 'X-Dup: one' and 'X-Dup:   two   three ' added. */
#define DUP_AUTH "AWS4-HMAC-SHA256 " CRED ", SignedHeaders=content-type;host;x-amz-date;x-dup, " \
	"Signature=32e4b1059ecdb4546795cf7175fa87dff143f9d29b23d1cc688faeea2f11fd1e"

/* botocore SigV4QueryAuth, expires=300: GET /?Action=DescribeVpcs&Version=2016-11-15 */
#define PRESIGN_PARAMS "X-Amz-Algorithm=AWS4-HMAC-SHA256" \
	"&X-Amz-Credential=test%2F20261126%2Fus-east-1%2Fec2%2Faws4_request" \
	"&X-Amz-Date=20261126T120000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host"
#define PRESIGN_SIG "X-Amz-Signature=" \
	"bea23555446b34849c5b3a42413fcde60c5c7fc66aee8bb97ae3d758c39f1474"
#define PRESIGN_QUERY "Action=DescribeVpcs&Version=2016-11-15&" PRESIGN_PARAMS "&" PRESIGN_SIG

/* botocore, session token 'tok/en+=', on an odd path and query. */
#define ODD_PATH "/a%20b/./c//d/../e"
#define ODD_QUERY "b=~&a=2&a=1&Action=DescribeVpcs&c=&x=a%2Fb&sp=%20"
#define ODD_AUTH "AWS4-HMAC-SHA256 " CRED ", " \
	"SignedHeaders=host;x-amz-date;x-amz-security-token, " \
	"Signature=c91ac7fddde33fa81e08a8d099e0d89132fbd1f079a905c426c3fb72ee661b49"

/* botocore: POST with X-Amz-Content-Sha256 set to the body's hash. */
#define BODY_SHA256 "d821ac2c2958664a08eb0f0b183ebf80201e8a50da5d9e98eca9bc36ef648656"
#define SHA_AUTH "AWS4-HMAC-SHA256 " CRED ", " \
	"SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, " \
	"Signature=c1a48708cc190283006eb45d11a9cb537c618ace74c98bbc550c78e8fb2c301a"
/* botocore: GET with X-Amz-Content-Sha256: UNSIGNED-PAYLOAD and no body. */
#define UNSIGNED_GET_AUTH "AWS4-HMAC-SHA256 " CRED ", " \
	"SignedHeaders=host;x-amz-content-sha256;x-amz-date, " \
	"Signature=90917343c9129fa5e9b920bfc1eadc702b2b53c7299a5bf70adcdcdc83a526a3"
/* botocore: POST BODY with X-Amz-Content-Sha256: UNSIGNED-PAYLOAD. */
#define UNSIGNED_POST_AUTH "AWS4-HMAC-SHA256 " CRED ", " \
	"SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, " \
	"Signature=6836bcac3bc68edd3602015f2cfa2eaea42d54546935a61c58f585803d54de62"

/* botocore: POST with X-H00..X-H28 added, 32 signed headers in all. */
#define MANY_AUTH "AWS4-HMAC-SHA256 " CRED ", SignedHeaders=content-type;host;x-amz-date;" \
	"x-h00;x-h01;x-h02;x-h03;x-h04;x-h05;x-h06;x-h07;x-h08;x-h09;x-h10;x-h11;x-h12;" \
	"x-h13;x-h14;x-h15;x-h16;x-h17;x-h18;x-h19;x-h20;x-h21;x-h22;x-h23;x-h24;x-h25;" \
	"x-h26;x-h27;x-h28, " \
	"Signature=eccf3e923f473d46abc066d74801f2fda095b28ec042dec1045889231dc98425"

/* AWS docs ("Create a signed AWS API request" example and sig-v4 test suite). */
#define EXAMPLE_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define EXAMPLE_NOW 1440938160	/* 20150830T123600Z */

struct call {
	const char *method, *path, *query, *body;
	const struct http_header *h;
	size_t n;
	int64_t now;
	sigv4_secret_fn *lookup;
	void *arg;
};

static const char *secret_test(void *arg, struct str ak)
{
	(void)arg;
	return str_eq_c(ak, "test") ? "test" : NULL;
}

/* Returns 'arg' as the secret of every key. */
static const char *secret_arg(void *arg, struct str ak)
{
	(void)ak;
	return arg;
}

/* Runs sigv4_verify() and returns the error code, or "" on success. */
static const char *run(const struct call *c, struct sigv4_result *res)
{
	struct sigv4_req req = {
		.method = str_c(c->method ? c->method : "POST"),
		.path = str_c(c->path ? c->path : "/"),
		.query = str_c(c->query),
		.headers = c->h,
		.n_headers = c->n,
		.body = str_c(c->body),
	};
	struct sigv4_result scratch;
	struct err e = { 0 };
	int ret;

	ret = sigv4_verify(&req, c->now, c->lookup ? c->lookup : secret_test, c->arg,
			   res ? res : &scratch, &e);
	if (ret == 0)
		return e.code ? "code-set-on-success" : "";
	if (ret > 0 || !e.code || !e.msg[0])
		return "bad-failure";
	return e.code;
}

static const char *post(const struct http_header *h, size_t n, const char *body, int64_t now)
{
	struct call c = { .h = h, .n = n, .body = body, .now = now };

	return run(&c, NULL);
}

static void test_post(void)
{
	struct http_header h[] = {
		H("Host", HOST),
		H("Content-Type", CTYPE),
		H("X-Amz-Date", "20261126T120000Z"),
		H("Authorization", POST_AUTH),
		H("Content-Length", "38"),
		H("User-Agent", "aws-cli/2 unsigned"),
	};
	struct call c = { .h = h, .n = ARRAY_SIZE(h), .body = BODY, .now = NOW };
	struct sigv4_result res = { .presigned = true };
	char body[] = BODY;

	CHECK_STREQ(run(&c, &res), "");
	CHECK_STREQ(res.access_key, "test");
	CHECK_STREQ(res.region, "us-east-1");
	CHECK_STREQ(res.service, "ec2");
	CHECK(!res.presigned);

	/* LIMIT_SIGV4_SKEW_SECONDS either way, inclusive */
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW + 299), "");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW + 300), "");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW - 299), "");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW + 301), "RequestExpired");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW - 301), "RequestExpired");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, INT64_MAX), "RequestExpired");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, INT64_MIN), "RequestExpired");

	body[7] ^= 1;
	CHECK_STREQ(post(h, ARRAY_SIZE(h), body, NOW), "AuthFailure");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), "", NOW), "AuthFailure");

	/* unsigned headers may change; signed ones may not */
	h[5].value = STR_LIT("changed");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "");
	h[1].value = STR_LIT("  application/x-www-form-urlencoded;   charset=utf-8 ");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "");
	h[1].value = STR_LIT("application/x-www-form-urlencoded;charset=utf-8");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "AuthFailure");
	h[1].value = STR_LIT(CTYPE);
	h[0].value = STR_LIT("127.0.0.1:4567");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "AuthFailure");
	h[0].value = STR_LIT(HOST);
	h[0].name = STR_LIT("hOsT");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "");

	/* a signed header that is not there */
	CHECK_STREQ(post(h + 1, ARRAY_SIZE(h) - 1, BODY, NOW), "AuthFailure");

	c.method = "PUT";
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
	c.method = NULL;
	c.path = "/x";
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
	c.path = "//./";	/* normalizes to "/" */
	CHECK_STREQ(run(&c, NULL), "");
	c.path = NULL;
	c.query = "Action=DescribeVpcs";
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
}

static void test_credentials(void)
{
	struct http_header h[] = {
		H("Host", HOST),
		H("Content-Type", CTYPE),
		H("X-Amz-Date", "20261126T120000Z"),
		H("Authorization", POST_AUTH),
	};
	struct call c = { .h = h, .n = ARRAY_SIZE(h), .body = BODY, .now = NOW,
			  .lookup = secret_arg, .arg = "test" };
	static char long_secret[300];
	char long_auth[400];
	struct sigv4_result res = { .presigned = false };

	CHECK_STREQ(run(&c, NULL), "");
	c.arg = "wrong";
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
	c.arg = "";
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
	c.arg = long_secret;	/* longer than any real one; refused, not cut */
	memset(long_secret, 'k', sizeof(long_secret) - 1);
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
	c.arg = NULL;		/* unknown access key */
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
	h[3].value = STR_LIT("AWS4-HMAC-SHA256 Credential=nobody/20261126/us-east-1/ec2/"
			     "aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="
			     POST_SIG);
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "AuthFailure");
	/* another region or service signs differently */
	h[3].value = STR_LIT("AWS4-HMAC-SHA256 Credential=test/20261126/us-west-2/ec2/"
			     "aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="
			     POST_SIG);
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "AuthFailure");
	/* the signature is case-insensitive hex; one flipped digit fails */
	h[3].value = STR_LIT("AWS4-HMAC-SHA256 " CRED ", SignedHeaders=content-type;host;"
			     "x-amz-date, Signature="
			     "F53ECAB1BFEDC84A6D34846D5968AD8FEB0A4A65A41081E3507466EEC5E60EE6");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "");
	h[3].value = STR_LIT("AWS4-HMAC-SHA256 " CRED ", SignedHeaders=content-type;host;"
			     "x-amz-date, Signature="
			     "f53ecab1bfedc84a6d34846d5968ad8feb0a4a65a41081e3507466eec5e60ee7");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "AuthFailure");
	/* the scope date must be the X-Amz-Date day */
	h[3].value = STR_LIT(POST_AUTH);
	h[2].value = STR_LIT("20261127T000000Z");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW + 43200), "AuthFailure");

	/* the access key is not signed; AWS allows 128 characters of it */
	h[2].value = STR_LIT("20261126T120000Z");
	h[3].value = str_from(long_auth, (size_t)snprintf(long_auth, sizeof(long_auth),
		"AWS4-HMAC-SHA256 Credential=%0128d/20261126/us-east-1/ec2/aws4_request, "
		"SignedHeaders=content-type;host;x-amz-date, Signature="
		POST_SIG, 7));
	c.arg = "test";
	CHECK_STREQ(run(&c, &res), "");
	CHECK_EQ(strlen(res.access_key), 128);
	CHECK(res.access_key[127] == '7');
	h[3].value = str_from(long_auth, (size_t)snprintf(long_auth, sizeof(long_auth),
		"AWS4-HMAC-SHA256 Credential=%0129d/20261126/us-east-1/ec2/aws4_request, "
		"SignedHeaders=content-type;host;x-amz-date, Signature="
		POST_SIG, 7));
	CHECK_STREQ(run(&c, NULL), "AuthFailure");

	CHECK_EQ(sigv4_http_status("AuthFailure"), 401);
	CHECK_EQ(sigv4_http_status("RequestExpired"), 400);
	CHECK_EQ(sigv4_http_status("IncompleteSignature"), 400);
	CHECK_EQ(sigv4_http_status("MissingParameter"), 400);
	CHECK_EQ(sigv4_http_status("MalformedQueryString"), 400);
	CHECK_EQ(sigv4_http_status(NULL), 400);
}

static void test_structure(void)
{
	struct http_header h[] = {
		H("Host", HOST),
		H("Content-Type", CTYPE),
		H("X-Amz-Date", "20261126T120000Z"),
		H("Authorization", POST_AUTH),
		H("X-Amz-Date", "20261126T120000Z"),
	};
	struct http_header many[LIMIT_HTTP_HEADERS + 1];
	struct call c = { .h = h, .n = 4, .body = BODY, .now = NOW };
	static char big[2 * LIMIT_QUERY_PARAMS + 3];

	CHECK_STREQ(post(h, 0, BODY, NOW), "MissingParameter");
	CHECK_STREQ(post(h, 3, BODY, NOW), "MissingParameter");
	h[3].value = STR_LIT("Basic dGVzdDp0ZXN0");
	CHECK_STREQ(post(h, 4, BODY, NOW), "MissingParameter");
	h[3].value = STR_LIT("AWS test:c2lnbmF0dXJl");	/* SigV2 */
	CHECK_STREQ(post(h, 4, BODY, NOW), "MissingParameter");
	h[3].value = STR_LIT("AWS4-HMAC-SHA512 " CRED);
	CHECK_STREQ(post(h, 4, BODY, NOW), "IncompleteSignature");
	h[3].value = STR_LIT("AWS4-HMAC-SHA256 " CRED);
	CHECK_STREQ(post(h, 4, BODY, NOW), "IncompleteSignature");

	/* host and x-amz-date must be signed */
	h[3].value = STR_LIT("AWS4-HMAC-SHA256 " CRED ", SignedHeaders=content-type;x-amz-date, "
			     "Signature=" POST_SIG);
	CHECK_STREQ(post(h, 4, BODY, NOW), "IncompleteSignature");
	h[3].value = STR_LIT("AWS4-HMAC-SHA256 " CRED ", SignedHeaders=content-type;host, "
			     "Signature=" POST_SIG);
	CHECK_STREQ(post(h, 4, BODY, NOW), "IncompleteSignature");

	/* X-Amz-Date: missing, twice, malformed */
	h[3].value = STR_LIT(POST_AUTH);
	h[2].name = STR_LIT("Date");
	CHECK_STREQ(post(h, 4, BODY, NOW), "IncompleteSignature");
	h[2].name = STR_LIT("X-Amz-Date");
	CHECK_STREQ(post(h, 5, BODY, NOW), "IncompleteSignature");
	h[2].value = STR_LIT("2026-11-26T12:00:00Z");
	CHECK_STREQ(post(h, 4, BODY, NOW), "IncompleteSignature");
	h[2].value = STR_LIT("20261126T120000Z");

	/* two Authorization headers; and with a presigned query too */
	h[4] = h[3];
	CHECK_STREQ(post(h, 5, BODY, NOW), "IncompleteSignature");
	c.query = PRESIGN_QUERY;
	CHECK_STREQ(run(&c, NULL), "IncompleteSignature");
	c.query = "a=%zz";
	CHECK_STREQ(run(&c, NULL), "MalformedQueryString");
	c.query = "a=%2";
	CHECK_STREQ(run(&c, NULL), "MalformedQueryString");

	c.query = big;
	memset(big, 0, sizeof(big));
	for (size_t i = 0; i < LIMIT_QUERY_PARAMS; i++)
		memcpy(big + 2 * i, "&a", 2);
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
	memcpy(big + 2 * LIMIT_QUERY_PARAMS, "&a", 2);
	CHECK_STREQ(run(&c, NULL), "MalformedQueryString");
	memset(big, 0, sizeof(big));
	memcpy(big, "X-Amz-Credential=", 17);
	memset(big + 17, 'a', 1100);
	CHECK_STREQ(run(&c, NULL), "IncompleteSignature");

	for (size_t i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct http_header)H("X-Pad", "x");
	memcpy(many, h, 4 * sizeof(h[0]));
	CHECK_STREQ(post(many, LIMIT_HTTP_HEADERS, BODY, NOW), "");
	CHECK_STREQ(post(many, LIMIT_HTTP_HEADERS + 1, BODY, NOW), "AuthFailure");
}

static void test_duplicates(void)
{
	struct http_header h[] = {
		H("Host", HOST),
		H("Content-Type", CTYPE),
		H("X-Dup", "one"),
		H("X-Dup", "  two   three "),
		H("X-Amz-Date", "20261126T120000Z"),
		H("Authorization", DUP_AUTH),
	};

	/* values joined with ',' in order, each trimmed and collapsed */
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "");
	h[3].value = STR_LIT("two three");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "");
	h[2].value = STR_LIT("two three");
	h[3].value = STR_LIT("one");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "AuthFailure");
	h[2].value = STR_LIT("one,two three");
	CHECK_STREQ(post(h + 1, ARRAY_SIZE(h) - 1, BODY, NOW), "AuthFailure");
	h[3] = (struct http_header)H("Host", HOST);
	CHECK_STREQ(post(h + 1, ARRAY_SIZE(h) - 1, BODY, NOW), "");
}

static void test_presigned(void)
{
	struct http_header h[] = {
		H("Host", HOST),
		H("User-Agent", "curl"),
	};
	struct call c = { .method = "GET", .query = PRESIGN_QUERY, .h = h, .n = ARRAY_SIZE(h),
			  .now = NOW };
	struct sigv4_result res = { .presigned = false };

	CHECK_STREQ(run(&c, &res), "");
	CHECK(res.presigned);
	CHECK_STREQ(res.access_key, "test");
	c.now = NOW + 300;	/* X-Amz-Expires=300 */
	CHECK_STREQ(run(&c, NULL), "");
	c.now = NOW + 301;
	CHECK_STREQ(run(&c, NULL), "RequestExpired");
	c.now = NOW - 300;
	CHECK_STREQ(run(&c, NULL), "");
	c.now = NOW - 301;
	CHECK_STREQ(run(&c, NULL), "RequestExpired");
	c.now = NOW;

	/* order and escaping of the query do not matter; content does */
	c.query = PRESIGN_SIG "&X-Amz-SignedHeaders=host&Version=2016-11-15&" PRESIGN_PARAMS
		  "&Action=DescribeVpcs";
	CHECK_STREQ(run(&c, NULL), "IncompleteSignature");	/* SignedHeaders twice */
	c.query = PRESIGN_SIG "&Version=2016%2D11%2d15&" PRESIGN_PARAMS "&Action=DescribeVpcs";
	CHECK_STREQ(run(&c, NULL), "");
	c.query = PRESIGN_SIG "&Version=2016-11-16&" PRESIGN_PARAMS "&Action=DescribeVpcs";
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
	c.query = PRESIGN_QUERY "&Extra=1";
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
	c.method = "POST";
	c.query = PRESIGN_QUERY;
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
	c.method = "GET";
	c.body = "x";
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
	c.body = NULL;

	/* malformed presigned parameters */
	c.query = "Action=DescribeVpcs&Version=2016-11-15&" PRESIGN_PARAMS;
	CHECK_STREQ(run(&c, NULL), "IncompleteSignature");
	c.query = "X-Amz-Signature=00";
	CHECK_STREQ(run(&c, NULL), "IncompleteSignature");
	c.query = "Action=DescribeVpcs&Version=2016-11-15&X-Amz-Algorithm=AWS4-HMAC-SHA256"
		  "&X-Amz-Credential=test%2F20261126%2Fus-east-1%2Fec2%2Faws4_request"
		  "&X-Amz-Date=20261126T120000Z&X-Amz-Expires=604801&X-Amz-SignedHeaders=host&"
		  PRESIGN_SIG;
	CHECK_STREQ(run(&c, NULL), "IncompleteSignature");
	c.query = "Action=DescribeVpcs&Version=2016-11-15&X-Amz-Algorithm=AWS4-HMAC-SHA256"
		  "&X-Amz-Credential=test/20261126/us-east-1/ec2/aws4_request"
		  "&X-Amz-Date=20261126T120000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=x-amz-date&"
		  PRESIGN_SIG;
	CHECK_STREQ(run(&c, NULL), "IncompleteSignature");
	/* unescaped slashes decode the same */
	c.query = "Action=DescribeVpcs&Version=2016-11-15&X-Amz-Algorithm=AWS4-HMAC-SHA256"
		  "&X-Amz-Credential=test/20261126/us-east-1/ec2/aws4_request"
		  "&X-Amz-Date=20261126T120000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&"
		  PRESIGN_SIG;
	CHECK_STREQ(run(&c, NULL), "");
	c.query = "Action=DescribeVpcs&Version=2016-11-15&X-Amz-Algorithm=AWS4-HMAC-SHA1"
		  "&X-Amz-Credential=test/20261126/us-east-1/ec2/aws4_request"
		  "&X-Amz-Date=20261126T120000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&"
		  PRESIGN_SIG;
	CHECK_STREQ(run(&c, NULL), "IncompleteSignature");
}

static void test_canonical(void)
{
	struct http_header h[] = {
		H("X-Amz-Date", "20261126T120000Z"),
		H("X-Amz-Security-Token", "tok/en+="),
		H("Authorization", ODD_AUTH),
		H("Host", HOST),
	};
	struct call c = { .method = "GET", .path = ODD_PATH, .query = ODD_QUERY, .h = h,
			  .n = ARRAY_SIZE(h), .now = NOW };

	/* path segments normalized and encoded again, query decoded and re-encoded */
	CHECK_STREQ(run(&c, NULL), "");
	c.path = "/a%20b/c/e";
	CHECK_STREQ(run(&c, NULL), "");
	c.path = "/a%20b/c/e/";
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
	c.path = "/a b/c/e";
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
	c.path = "/x/../../a%20b/c/./e";
	CHECK_STREQ(run(&c, NULL), "");
	c.path = ODD_PATH;
	c.query = "b=%7E&&a=2&a=1&Action=DescribeVpcs&c&x=a%2fb&sp=%20&";
	CHECK_STREQ(run(&c, NULL), "");
	c.query = "b=~&a=1&a=2&Action=DescribeVpcs&c=&x=a/b&sp=%20";
	CHECK_STREQ(run(&c, NULL), "");
	c.query = "b=~&a=2&a=1&Action=DescribeVpcs&c=&x=a%2Fb&sp=+";
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
	c.query = ODD_QUERY;
	h[1].value = STR_LIT("tok/en+=x");
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
}

static void test_payload_hash(void)
{
	struct http_header h[] = {
		H("Host", HOST),
		H("Content-Type", CTYPE),
		H("X-Amz-Content-Sha256", BODY_SHA256),
		H("X-Amz-Date", "20261126T120000Z"),
		H("Authorization", SHA_AUTH),
	};
	struct http_header g[] = {
		H("Host", HOST),
		H("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"),
		H("X-Amz-Date", "20261126T120000Z"),
		H("Authorization", UNSIGNED_GET_AUTH),
	};
	struct call c = { .method = "GET", .query = "Action=DescribeVpcs&Version=2016-11-15",
			  .h = g, .n = ARRAY_SIZE(g), .now = NOW };

	/* the header must be the body's real hash */
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY "&x", NOW), "AuthFailure");
	h[2].value = STR_LIT("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "AuthFailure");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), "", NOW), "AuthFailure");
	CHECK_STREQ(run(&c, NULL), "");
	c.body = "x";
	CHECK_STREQ(run(&c, NULL), "AuthFailure");
	h[2].value = STR_LIT("UNSIGNED-PAYLOAD");
	h[4].value = STR_LIT(UNSIGNED_POST_AUTH);
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "AuthFailure");
}

static void test_many_signed(void)
{
	struct http_header h[33] = {
		H("Host", HOST),
		H("Content-Type", CTYPE),
		H("X-Amz-Date", "20261126T120000Z"),
		H("Authorization", MANY_AUTH),
	};
	char names[29][8], values[29][8];
	struct sigv4_auth auth;

	for (int i = 0; i < 29; i++) {
		snprintf(names[i], sizeof(names[i]), "X-H%02d", i);
		snprintf(values[i], sizeof(values[i]), "v%d", i);
		h[4 + i].name = str_c(names[i]);
		h[4 + i].value = str_c(values[i]);
	}
	CHECK_EQ(sigv4_parse_authorization(STR_LIT(MANY_AUTH), &auth), 0);
	CHECK_EQ(auth.n_signed_headers, LIMIT_SIGV4_SIGNED_HEADERS);
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "");
	h[20].value = STR_LIT("v16 ");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "");
	h[20].value = STR_LIT("v17");
	CHECK_STREQ(post(h, ARRAY_SIZE(h), BODY, NOW), "AuthFailure");
}

static void test_aws_examples(void)
{
	struct http_header iam[] = {
		H("Host", "iam.amazonaws.com"),
		H("Content-Type", CTYPE),
		H("X-Amz-Date", "20150830T123600Z"),
		H("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
		  "iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="
		  "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"),
	};
	struct http_header vanilla[] = {
		H("Host", "example.amazonaws.com"),
		H("X-Amz-Date", "20150830T123600Z"),
		H("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
		  "service/aws4_request, SignedHeaders=host;x-amz-date, Signature="
		  "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
	};
	struct call c = { .method = "GET", .query = "Action=ListUsers&Version=2010-05-08",
			  .h = iam, .n = ARRAY_SIZE(iam), .now = EXAMPLE_NOW,
			  .lookup = secret_arg, .arg = EXAMPLE_SECRET };
	struct sigv4_result res = { .presigned = false };

	CHECK_STREQ(run(&c, &res), "");
	CHECK_STREQ(res.access_key, "AKIDEXAMPLE");
	CHECK_STREQ(res.service, "iam");
	c.h = vanilla;
	c.n = ARRAY_SIZE(vanilla);
	c.query = NULL;
	CHECK_STREQ(run(&c, &res), "");
	CHECK_STREQ(res.service, "service");
}

#define ALG "AWS4-HMAC-SHA256 Credential="
#define SCOPE ALG "a/20261126/r/s/aws4_request, "
#define REST "SignedHeaders=host, Signature=" SIG0
#define SIG0 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_parse(void)
{
	static const struct {
		const char *value;
		int ret;
	} cases[] = {
		{ POST_AUTH, 0 },
		{ "  AWS4-HMAC-SHA256   Credential=a/20261126/r/s/aws4_request ,SignedHeaders=host"
		  ",,Signature=" SIG0 "  ", 0 },
		{ "AWS4-HMAC-SHA256 Signature=" SIG0 ",SignedHeaders=a;b "
		  "Credential=a/20261126/r/s/aws4_request Extra=ignored", 0 },
		{ "", -EBADMSG },
		{ "AWS4-HMAC-SHA256", -EBADMSG },
		{ "AWS4-HMAC-SHA256 ", -EBADMSG },
		{ "aws4-hmac-sha256 " CRED ", SignedHeaders=host, Signature=" SIG0, -EBADMSG },
		{ SCOPE "SignedHeaders=host, Signature=" SIG0 "0", -EBADMSG },
		{ SCOPE "SignedHeaders=host, Signature="
		  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg", -EBADMSG },
		{ ALG "a /20261126/r/s/aws4_request, " REST, -EBADMSG },
		{ ALG "a/b/20261126/r/s/aws4_request, " REST, -EBADMSG },
		{ ALG "a/20261126/r/s, " REST, -EBADMSG },
		{ ALG "a/20261126/r/s/aws5_request, " REST, -EBADMSG },
		{ ALG "a/2026112/r/s/aws4_request, " REST, -EBADMSG },
		{ ALG "a/2026112x/r/s/aws4_request, " REST, -EBADMSG },
		{ ALG "/20261126/r/s/aws4_request, " REST, -EBADMSG },
		{ ALG "a/20261126//s/aws4_request, " REST, -EBADMSG },
		{ SCOPE "SignedHeaders=x;host, Signature=" SIG0, -EBADMSG },
		{ SCOPE "SignedHeaders=host;host, Signature=" SIG0, -EBADMSG },
		{ SCOPE "SignedHeaders=Host, Signature=" SIG0, -EBADMSG },
		{ SCOPE "SignedHeaders=host;, Signature=" SIG0, -EBADMSG },
		{ SCOPE "SignedHeaders=, Signature=" SIG0, -EBADMSG },
		{ SCOPE "SignedHeaders=host, Signature=" SIG0
		  ", Signature=" SIG0, -EBADMSG },
		{ SCOPE "SignedHeaders=host, Signature", -EBADMSG },
		{ SCOPE "SignedHeaders=host, Signature=", -EBADMSG },
		{ SCOPE "SignedHeaders=a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;"
		  "p;q;r;s;t;u;v;w;x;y;z;za;zb;zc;zd;ze;zf;zg, Signature=" SIG0, -EBADMSG },
		{ SCOPE "SignedHeaders=a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;"
		  "p;q;r;s;t;u;v;w;x;y;z;za;zb;zc;zd;ze;zf, Signature=" SIG0, 0 },
	};
	struct sigv4_auth a;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int ret = sigv4_parse_authorization(str_c(cases[i].value), &a);

		if (ret != cases[i].ret)
			check_fail(__FILE__, __LINE__, "case %zu: '%s' gave %d", i,
				   cases[i].value, ret);
	}
	CHECK_EQ(sigv4_parse_authorization(STR_LIT(POST_AUTH), &a), 0);
	CHECK(str_eq_c(a.access_key, "test"));
	CHECK(str_eq_c(a.date, "20261126"));
	CHECK(str_eq_c(a.region, "us-east-1"));
	CHECK(str_eq_c(a.service, "ec2"));
	CHECK_EQ(a.n_signed_headers, 3);
	CHECK(str_eq_c(a.signed_headers[0], "content-type"));
	CHECK(str_eq_c(a.signed_headers[2], "x-amz-date"));
	CHECK_EQ(a.signature.len, 64);
}

static void test_date(void)
{
	int64_t t = 0;

	CHECK_EQ(sigv4_parse_date(STR_LIT("20261126T120000Z"), &t), 0);
	CHECK_EQ(t, NOW);
	CHECK_EQ(sigv4_parse_date(STR_LIT("19700101T000000Z"), &t), 0);
	CHECK_EQ(t, 0);
	CHECK_EQ(sigv4_parse_date(STR_LIT("20000229T235959Z"), &t), 0);
	CHECK_EQ(t, 951868799);
	CHECK_EQ(sigv4_parse_date(STR_LIT("00000101T000000Z"), &t), 0);
	CHECK_EQ(t, -62167219200LL);
	CHECK_EQ(sigv4_parse_date(STR_LIT("99991231T235959Z"), &t), 0);
	CHECK_EQ(t, 253402300799LL);
	CHECK_EQ(sigv4_parse_date(STR_LIT("21000229T000000Z"), &t), -EINVAL);
	CHECK_EQ(sigv4_parse_date(STR_LIT("20261131T000000Z"), &t), -EINVAL);
	CHECK_EQ(sigv4_parse_date(STR_LIT("20261301T000000Z"), &t), -EINVAL);
	CHECK_EQ(sigv4_parse_date(STR_LIT("20261126T240000Z"), &t), -EINVAL);
	CHECK_EQ(sigv4_parse_date(STR_LIT("20261126T126000Z"), &t), -EINVAL);
	CHECK_EQ(sigv4_parse_date(STR_LIT("20261126T120060Z"), &t), -EINVAL);
	CHECK_EQ(sigv4_parse_date(STR_LIT("20261126T120000"), &t), -EINVAL);
	CHECK_EQ(sigv4_parse_date(STR_LIT("20261126 120000Z"), &t), -EINVAL);
	CHECK_EQ(sigv4_parse_date(STR_LIT("2026112-T120000Z"), &t), -EINVAL);
	CHECK_EQ(sigv4_parse_date(STR_LIT("20261126T120000Z "), &t), -EINVAL);
}

/* The signing-key cache gives the same verdicts as deriving every time. */
static void test_key_cache(void)
{
	struct http_header h[] = {
		H("Host", HOST),
		H("Content-Type", CTYPE),
		H("X-Amz-Date", "20261126T120000Z"),
		H("Authorization", POST_AUTH),
	};
	struct sigv4_key_cache cache = { .scope = "" };
	struct sigv4_req req = {
		.method = STR_LIT("POST"), .path = STR_LIT("/"), .headers = h,
		.n_headers = ARRAY_SIZE(h), .body = STR_LIT(BODY), .cache = &cache,
	};
	struct sigv4_result res;
	struct err e = { 0 };

	CHECK_EQ(sigv4_verify(&req, NOW, secret_test, NULL, &res, &e), 0);
	CHECK_STREQ(cache.scope, "20261126/us-east-1/ec2");
	CHECK_EQ(sigv4_verify(&req, NOW, secret_test, NULL, &res, &e), 0);
	/* Another secret does not use the key cached for "test". */
	CHECK(sigv4_verify(&req, NOW, secret_arg, (void *)"other", &res, &e) < 0);
	CHECK_STREQ(e.code, "AuthFailure");
	CHECK_STREQ(cache.secret, "other");
	CHECK_EQ(sigv4_verify(&req, NOW, secret_test, NULL, &res, &e), 0);
	/* A tampered body fails with the key cached. */
	req.body = STR_LIT("Action=DescribeVpcs&Version=2016-11-16");
	CHECK(sigv4_verify(&req, NOW, secret_test, NULL, &res, &e) < 0);
}

/*
 * S3's rules, with the S3 documentation's GET Object example (SigV4 header
 * form): the path signed as sent, and the seed of a streaming upload.
 */
static void test_s3(void)
{
	static const struct http_header h[] = {
		{ STR_LIT("Host"), STR_LIT("examplebucket.s3.amazonaws.com") },
		{ STR_LIT("Range"), STR_LIT("bytes=0-9") },
		{ STR_LIT("x-amz-content-sha256"),
		  STR_LIT("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") },
		{ STR_LIT("x-amz-date"), STR_LIT("20130524T000000Z") },
		{ STR_LIT("Authorization"),
		  STR_LIT("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
			  "aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
			  "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41") },
	};
	struct sigv4_req req = { .method = STR_LIT("GET"), .path = STR_LIT("/test.txt"),
				 .headers = h, .n_headers = ARRAY_SIZE(h), .s3 = true };
	struct sigv4_result res;
	struct err e = { 0 };

	CHECK_EQ(sigv4_verify(&req, 1369353600, secret_arg,
			      (void *)"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", &res, &e), 0);
	CHECK_STREQ(res.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
	CHECK_STREQ(res.scope, "20130524/us-east-1/s3/aws4_request");
	CHECK_STREQ(res.amz_date, "20130524T000000Z");
	/* A path S3 signs as sent but EC2 would normalize no longer matches either way. */
	req.path = STR_LIT("/./test.txt");
	CHECK(sigv4_verify(&req, 1369353600, secret_arg,
			   (void *)"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", &res, &e) < 0);
	/* A body other than the one whose hash was signed is refused. */
	req.path = STR_LIT("/test.txt");
	req.s3 = false;
	req.body = STR_LIT("x");
	CHECK(sigv4_verify(&req, 1369353600, secret_arg,
			   (void *)"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", &res, &e) < 0);
}

void test_api_sigv4(void);

void test_api_sigv4(void)
{
	test_post();
	test_credentials();
	test_structure();
	test_duplicates();
	test_presigned();
	test_canonical();
	test_payload_hash();
	test_many_signed();
	test_aws_examples();
	test_parse();
	test_date();
	test_key_cache();
	test_s3();
}
