/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "check.h"

#include <limits.h>

#include "api/query.h"
#include "base/buf.h"

void test_api_query(void);

/* Bodies the aws CLI (v1 and v2) and boto3 sent, captured with --debug. */
static const char cli_create_endpoint[] =
	"Action=CreateVpcEndpoint&Version=2016-11-15&VpcEndpointType=Interface"
	"&VpcId=vpc-1&ServiceName=com.amazonaws.us-east-1.s3"
	"&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A"
	"%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%22%2A%22%2C"
	"%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"
	"&SubnetId.1=subnet-a&SubnetId.2=subnet-b&SecurityGroupId.1=sg-1"
	"&DnsOptions.DnsRecordIpType=ipv4&ClientToken=tok-1&PrivateDnsEnabled=true"
	"&TagSpecification.1.ResourceType=vpc-endpoint"
	"&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=my+ep"
	"&TagSpecification.1.Tag.2.Key=env"
	"&TagSpecification.1.Tag.2.Value=a%26b%3Dc%2Bd%25e";

static const char cli_describe_endpoints[] =
	"Action=DescribeVpcEndpoints&Version=2016-11-15&VpcEndpointId.1=vpce-1"
	"&VpcEndpointId.2=vpce-2&VpcEndpointId.3=vpce-3&VpcEndpointId.4=vpce-4"
	"&VpcEndpointId.5=vpce-5&VpcEndpointId.6=vpce-6&VpcEndpointId.7=vpce-7"
	"&VpcEndpointId.8=vpce-8&VpcEndpointId.9=vpce-9&VpcEndpointId.10=vpce-10"
	"&VpcEndpointId.11=vpce-11&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1"
	"&Filter.1.Value.2=vpc-2&Filter.2.Name=tag%3AName&Filter.2.Value.1=my+ep"
	"&MaxResults=5";

static const char cli_delete_tags[] =
	"Action=DeleteTags&Version=2016-11-15&ResourceId.1=vpc-1&Tag.1.Key=k1"
	"&Tag.2.Key=k2&Tag.2.Value=v2&Tag.3.Key=k3&Tag.3.Value=";

static const char boto3_describe_subnets[] =
	"Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=vpc-id"
	"&Filter.2.Name=tag-key&SubnetId.1=subnet-1&SubnetId.2=subnet-2";

struct fixture {
	struct arena a;
	struct query q;
	struct err e;
};

static int parse(struct fixture *f, const char *form, size_t len)
{
	arena_reset(&f->a);
	f->e = (struct err){ 0 };
	return query_parse(&f->q, str_from(form, len), &f->a, &f->e);
}

static int parse_c(struct fixture *f, const char *form)
{
	return parse(f, form, strlen(form));
}

static bool has(const struct query *q, const char *key, const char *value)
{
	const struct str *v = query_get(q, key);

	return v && str_eq_c(*v, value);
}

static bool code_is(const struct fixture *f, const char *code)
{
	return f->e.code && strcmp(f->e.code, code) == 0;
}

static void test_decode(struct fixture *f)
{
	CHECK_EQ(parse_c(f, cli_create_endpoint), 0);
	CHECK_EQ(f->q.n, 17);
	CHECK(has(&f->q, "Action", "CreateVpcEndpoint"));
	CHECK(has(&f->q, "PolicyDocument",
		  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		  "\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"));
	CHECK(has(&f->q, "TagSpecification.1.Tag.1.Value", "my ep"));
	CHECK(has(&f->q, "TagSpecification.1.Tag.2.Value", "a&b=c+d%e"));
	CHECK(!query_get(&f->q, "Actio"));
	CHECK(!query_get(&f->q, "ActionX"));
	for (size_t i = 1; i < f->q.n; i++)
		CHECK(str_cmp(f->q.params[i - 1].key, f->q.params[i].key) < 0);

	CHECK_EQ(parse_c(f, "a=%c3%A9+x&b&&c=&%41=%7e%7E&"), 0);
	CHECK_EQ(f->q.n, 4);
	CHECK(has(&f->q, "a", "\xc3\xa9 x"));
	CHECK(has(&f->q, "b", ""));
	CHECK(has(&f->q, "c", ""));
	CHECK(has(&f->q, "A", "~~"));
	CHECK_STREQ(query_get(&f->q, "a")->p, "\xc3\xa9 x");

	CHECK_EQ(parse_c(f, ""), 0);
	CHECK_EQ(f->q.n, 0);
	CHECK(!query_get(&f->q, "a"));
	CHECK_EQ(parse_c(f, "&&&"), 0);
	CHECK_EQ(f->q.n, 0);
	/* '=' after the first one belongs to the value; raw bytes pass through. */
	CHECK_EQ(parse_c(f, "k=a=b&u=\xff\xfe"), 0);
	CHECK(has(&f->q, "k", "a=b"));
	CHECK(has(&f->q, "u", "\xff\xfe"));
}

static void test_malformed(struct fixture *f)
{
	static const char *const bad[] = {
		"a=%", "a=%4", "a=%zz", "a=%G0", "a=%0g", "%=1", "a=1&b=x%",
		"a=%00", "%00=1", "=v", "a=1&=2",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK_EQ(parse_c(f, bad[i]), -EINVAL);
		CHECK(code_is(f, "MalformedQueryString"));
		CHECK_EQ(f->q.n, 0);
		CHECK(f->q.params == NULL);
	}
	CHECK_EQ(parse(f, "a=b\0c", 5), -EINVAL);
	CHECK(code_is(f, "MalformedQueryString"));

	CHECK_EQ(parse_c(f, "a=1&b=2&a=3"), -EINVAL);
	CHECK(code_is(f, "InvalidQueryParameter"));
	CHECK(strstr(f->e.msg, "'a'") != NULL);
	/* Different spellings of one key are still one key. */
	CHECK_EQ(parse_c(f, "a=1&%61=2"), -EINVAL);
	CHECK(code_is(f, "InvalidQueryParameter"));
}

static void test_limits(struct fixture *f)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	for (int i = 0; i < LIMIT_QUERY_KEY_BYTES; i++)
		buf_addc(&b, 'k');
	buf_adds(&b, "=v");
	CHECK_EQ(parse(f, b.p, b.len), 0);
	buf_reset(&b);
	for (int i = 0; i <= LIMIT_QUERY_KEY_BYTES; i++)
		buf_adds(&b, "%6B");
	CHECK_EQ(parse(f, b.p, b.len), -EINVAL);
	CHECK(code_is(f, "InvalidQueryParameter"));
	buf_reset(&b);
	for (int i = 0; i < 4 * LIMIT_QUERY_KEY_BYTES; i++)
		buf_addc(&b, 'k');
	CHECK_EQ(parse(f, b.p, b.len), -EINVAL);
	CHECK(code_is(f, "InvalidQueryParameter"));
	buf_truncate(&b, LIMIT_QUERY_KEY_BYTES + 1);
	CHECK_EQ(parse(f, b.p, b.len), -EINVAL);
	CHECK(code_is(f, "InvalidQueryParameter"));

	buf_reset(&b);
	for (int i = 0; i < LIMIT_QUERY_PARAMS; i++)
		buf_addf(&b, "p%d=%d&", i, i);
	CHECK_EQ(parse(f, b.p, b.len), 0);
	CHECK_EQ(f->q.n, LIMIT_QUERY_PARAMS);
	CHECK(has(&f->q, "p999", "999"));
	buf_adds(&b, "one=more");
	CHECK_EQ(parse(f, b.p, b.len), -EINVAL);
	CHECK(code_is(f, "InvalidQueryParameter"));
	CHECK(!b.err);
	buf_release(&b);
}

static void test_arena_cap(struct fixture *f)
{
	struct query_filter *flt;
	struct query_tag *t;
	struct query_tagspec *s;
	struct arena a;
	struct query q;
	struct err e = { 0 };
	size_t n;

	arena_init(&a, 64);
	CHECK_EQ(query_parse(&q, STR_LIT("aaaaaaaaaaaaaaaa=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
			     &a, &e), -ENOMEM);
	CHECK_STREQ(e.code, "InvalidRequest");
	CHECK_EQ(q.n, 0);

	/* Accessors allocate their results in the arena they are given. */
	CHECK_EQ(parse_c(f, "Filter.1.Name=a&Filter.2.Name=b&Filter.2.Value.1=x"
			 "&Tag.1.Key=k&Tag.2.Key=l&TagSpecification.1.Tag.1.Key=k"), 0);
	arena_release(&a);
	arena_init(&a, 1);
	CHECK_EQ(query_filters(&f->q, &a, &flt, &n, &e), -ENOMEM);
	CHECK_EQ(query_tags(&f->q, "Tag", &a, &t, &n, &e), -ENOMEM);
	CHECK_EQ(query_tag_specs(&f->q, &a, &s, &n, &e), -ENOMEM);
	arena_release(&a);
	arena_init(&a, 2 * sizeof(*flt));
	CHECK_EQ(query_filters(&f->q, &a, &flt, &n, &e), -ENOMEM);
	CHECK(flt == NULL);
	arena_release(&a);
	arena_init(&a, sizeof(*s));
	CHECK_EQ(query_tag_specs(&f->q, &a, &s, &n, &e), -ENOMEM);
	CHECK(s == NULL);
	arena_release(&a);
}

static void test_list(struct fixture *f)
{
	struct str v[16];
	size_t n = 99;

	CHECK_EQ(parse_c(f, cli_describe_endpoints), 0);
	CHECK_EQ(query_list(&f->q, "VpcEndpointId", v, ARRAY_SIZE(v), &n, &f->e), 0);
	CHECK_EQ(n, 11);
	CHECK(str_eq_c(v[0], "vpce-1"));
	CHECK(str_eq_c(v[1], "vpce-2"));
	CHECK(str_eq_c(v[8], "vpce-9"));
	CHECK(str_eq_c(v[9], "vpce-10"));
	CHECK(str_eq_c(v[10], "vpce-11"));
	CHECK_EQ(query_list(&f->q, "VpcEndpointId", v, 10, &n, &f->e), -EINVAL);
	CHECK(code_is(f, "InvalidRequest"));
	CHECK_EQ(n, 0);
	CHECK_EQ(query_list(&f->q, "SubnetId", v, ARRAY_SIZE(v), &n, &f->e), 0);
	CHECK_EQ(n, 0);
	{
		char longp[LIMIT_QUERY_KEY_BYTES + 8];
		struct query_tag *t;

		memset(longp, 'p', sizeof(longp) - 1);
		longp[sizeof(longp) - 1] = '\0';
		CHECK_EQ(query_list(&f->q, longp, v, ARRAY_SIZE(v), &n, &f->e), 0);
		CHECK_EQ(n, 0);
		CHECK_EQ(query_tags(&f->q, longp, &f->a, &t, &n, &f->e), 0);
		CHECK_EQ(n, 0);
	}
	/* Structured keys under the prefix are not list members. */
	CHECK_EQ(query_list(&f->q, "Filter", v, ARRAY_SIZE(v), &n, &f->e), -EINVAL);
	CHECK(code_is(f, "UnknownParameter"));

	CHECK_EQ(parse_c(f, "X.100=c&X.2=a&X.30=b&X.4294967295=d&Xs=no&X=no&X.=z"), 0);
	CHECK_EQ(query_list(&f->q, "X", v, ARRAY_SIZE(v), &n, &f->e), -EINVAL);
	CHECK(code_is(f, "UnknownParameter"));
	CHECK(strstr(f->e.msg, "X.") != NULL);
	CHECK_EQ(parse_c(f, "X.100=c&X.2=a&X.30=b&X.4294967295=d&Xs=no&X=no"), 0);
	CHECK_EQ(query_list(&f->q, "X", v, ARRAY_SIZE(v), &n, &f->e), 0);
	CHECK_EQ(n, 4);
	CHECK(str_eq_c(v[0], "a"));
	CHECK(str_eq_c(v[1], "b"));
	CHECK(str_eq_c(v[2], "c"));
	CHECK(str_eq_c(v[3], "d"));

	static const char *const bad[] = {
		"X.01=a", "X.0=a", "X.a=a", "X.1.b=a", "X.-1=a", "X.4294967296=a",
		"X.12345678901=a", "X.1x=a",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK_EQ(parse_c(f, bad[i]), 0);
		CHECK_EQ(query_list(&f->q, "X", v, ARRAY_SIZE(v), &n, &f->e), -EINVAL);
		CHECK(code_is(f, "UnknownParameter"));
	}
}

static void test_indices(struct fixture *f)
{
	unsigned idx[8];
	size_t n = 99;

	CHECK_EQ(parse_c(f, "P.10.a=1&P.2.a=1&P.2.b=1&P.1.a=1&P.1.c.d=1&P.300.x=1&Q.5.a=1"), 0);
	CHECK_EQ(query_indices(&f->q, "P", idx, ARRAY_SIZE(idx), &n, &f->e), 0);
	CHECK_EQ(n, 4);
	CHECK_EQ(idx[0], 1);
	CHECK_EQ(idx[1], 2);
	CHECK_EQ(idx[2], 10);
	CHECK_EQ(idx[3], 300);
	CHECK_EQ(query_indices(&f->q, "P", idx, 3, &n, &f->e), -EINVAL);
	CHECK(code_is(f, "InvalidRequest"));
	CHECK_EQ(query_indices(&f->q, "R", idx, ARRAY_SIZE(idx), &n, &f->e), 0);
	CHECK_EQ(n, 0);
	CHECK_EQ(query_indices(&f->q, "P.1", idx, ARRAY_SIZE(idx), &n, &f->e), -EINVAL);
	CHECK(code_is(f, "UnknownParameter"));

	static const char *const bad[] = { "P.1=a", "P.1.=a", "P.01.a=a", "P.x.a=a", "P..a=a" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK_EQ(parse_c(f, bad[i]), 0);
		CHECK_EQ(query_indices(&f->q, "P", idx, ARRAY_SIZE(idx), &n, &f->e), -EINVAL);
		CHECK(code_is(f, "UnknownParameter"));
	}
}

static void test_filters(struct fixture *f)
{
	struct query_filter *flt = NULL;
	struct buf b;
	size_t n = 99;

	CHECK_EQ(parse_c(f, cli_describe_endpoints), 0);
	CHECK_EQ(query_filters(&f->q, &f->a, &flt, &n, &f->e), 0);
	CHECK_EQ(n, 2);
	CHECK(str_eq_c(flt[0].name, "vpc-id"));
	CHECK_EQ(flt[0].n_values, 2);
	CHECK(str_eq_c(flt[0].values[0], "vpc-1"));
	CHECK(str_eq_c(flt[0].values[1], "vpc-2"));
	CHECK(str_eq_c(flt[1].name, "tag:Name"));
	CHECK_EQ(flt[1].n_values, 1);
	CHECK(str_eq_c(flt[1].values[0], "my ep"));

	CHECK_EQ(parse_c(f, boto3_describe_subnets), 0);
	CHECK_EQ(query_filters(&f->q, &f->a, &flt, &n, &f->e), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(flt[0].n_values, 0);
	CHECK(flt[0].values == NULL);

	CHECK_EQ(parse_c(f, "Action=DescribeVpcs"), 0);
	CHECK_EQ(query_filters(&f->q, &f->a, &flt, &n, &f->e), 0);
	CHECK_EQ(n, 0);
	CHECK(flt == NULL);

	CHECK_EQ(parse_c(f, "Filter.10.Name=b&Filter.2.Name=a&Filter.2.Value.10=y&Filter.2.Value.9=x"), 0);
	CHECK_EQ(query_filters(&f->q, &f->a, &flt, &n, &f->e), 0);
	CHECK_EQ(n, 2);
	CHECK(str_eq_c(flt[0].name, "a"));
	CHECK(str_eq_c(flt[0].values[0], "x"));
	CHECK(str_eq_c(flt[0].values[1], "y"));
	CHECK(str_eq_c(flt[1].name, "b"));

	CHECK_EQ(parse_c(f, "Filter.1.Value.1=x"), 0);
	CHECK_EQ(query_filters(&f->q, &f->a, &flt, &n, &f->e), -EINVAL);
	CHECK(code_is(f, "InvalidParameterValue"));
	CHECK_STREQ(f->e.msg, "The filter 'null' is invalid");
	CHECK_EQ(n, 0);
	CHECK(flt == NULL);

	static const char *const unknown[] = {
		"Filter.1.Name=a&Filter.1.Values.1=x", "Filter.1.Name=a&Filter.1.Value=x",
		"Filter.1.Name=a&Filter.1.Value.0=x", "Filter.1.Name=a&Filter.1.Value.1.x=x",
		"Filter.1=a", "Filter.x.Name=a",
	};
	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++) {
		CHECK_EQ(parse_c(f, unknown[i]), 0);
		CHECK_EQ(query_filters(&f->q, &f->a, &flt, &n, &f->e), -EINVAL);
		CHECK(code_is(f, "UnknownParameter"));
	}

	buf_init(&b, 1 << 20);
	for (int i = 1; i <= LIMIT_QUERY_FILTERS; i++)
		buf_addf(&b, "Filter.%d.Name=n%d&", i, i);
	CHECK_EQ(parse(f, b.p, b.len), 0);
	CHECK_EQ(query_filters(&f->q, &f->a, &flt, &n, &f->e), 0);
	CHECK_EQ(n, LIMIT_QUERY_FILTERS);
	buf_addf(&b, "Filter.%d.Name=x", LIMIT_QUERY_FILTERS + 7);
	CHECK_EQ(parse(f, b.p, b.len), 0);
	CHECK_EQ(query_filters(&f->q, &f->a, &flt, &n, &f->e), -EINVAL);
	CHECK(code_is(f, "FilterLimitExceeded"));

	/* The value limit counts every value in the call. */
	buf_reset(&b);
	buf_adds(&b, "Filter.1.Name=a&Filter.2.Name=b");
	for (int i = 1; i <= LIMIT_QUERY_FILTER_VALUES / 2; i++)
		buf_addf(&b, "&Filter.1.Value.%d=x&Filter.2.Value.%d=y", i, i);
	CHECK_EQ(parse(f, b.p, b.len), 0);
	CHECK_EQ(query_filters(&f->q, &f->a, &flt, &n, &f->e), 0);
	CHECK_EQ(flt[0].n_values + flt[1].n_values, LIMIT_QUERY_FILTER_VALUES);
	buf_adds(&b, "&Filter.3.Name=c&Filter.3.Value.1=z");
	CHECK_EQ(parse(f, b.p, b.len), 0);
	CHECK_EQ(query_filters(&f->q, &f->a, &flt, &n, &f->e), -EINVAL);
	CHECK(code_is(f, "FilterLimitExceeded"));
	CHECK(strstr(f->e.msg, "filter values") != NULL);

	/* 255 characters pass, in code points: here 255 two-byte ones. */
	buf_reset(&b);
	buf_adds(&b, "Filter.1.Name=a&Filter.1.Value.1=");
	for (int i = 0; i < 255; i++)
		buf_adds(&b, "%C3%A9");
	CHECK_EQ(parse(f, b.p, b.len), 0);
	CHECK_EQ(query_filters(&f->q, &f->a, &flt, &n, &f->e), 0);
	CHECK_EQ(flt[0].values[0].len, 510);
	buf_adds(&b, "x");
	CHECK_EQ(parse(f, b.p, b.len), 0);
	CHECK_EQ(query_filters(&f->q, &f->a, &flt, &n, &f->e), -EINVAL);
	CHECK(code_is(f, "FilterLimitExceeded"));
	CHECK(!b.err);
	buf_release(&b);
}

static void test_tags(struct fixture *f)
{
	struct query_tag *t = NULL;
	struct buf b;
	size_t n = 99;

	CHECK_EQ(parse_c(f, cli_delete_tags), 0);
	CHECK_EQ(query_tags(&f->q, "Tag", &f->a, &t, &n, &f->e), 0);
	CHECK_EQ(n, 3);
	CHECK(str_eq_c(t[0].key, "k1"));
	CHECK(!t[0].has_value);
	CHECK(str_eq_c(t[0].value, ""));
	CHECK(str_eq_c(t[1].key, "k2"));
	CHECK(t[1].has_value);
	CHECK(str_eq_c(t[1].value, "v2"));
	CHECK(str_eq_c(t[2].key, "k3"));
	CHECK(t[2].has_value);
	CHECK(str_eq_c(t[2].value, ""));

	CHECK_EQ(parse_c(f, "ResourceId.1=vpc-1"), 0);
	CHECK_EQ(query_tags(&f->q, "Tag", &f->a, &t, &n, &f->e), 0);
	CHECK_EQ(n, 0);
	CHECK(t == NULL);

	/* A prefix so long that "prefix.1.Value" cannot be a key. */
	buf_init(&b, 1 << 20);
	for (int i = 0; i < LIMIT_QUERY_KEY_BYTES - 6; i++)
		buf_addc(&b, 'p');
	buf_adds(&b, ".1.Key=k");
	CHECK_EQ(parse(f, b.p, b.len), 0);
	buf_truncate(&b, LIMIT_QUERY_KEY_BYTES - 6);
	CHECK_EQ(query_tags(&f->q, b.p, &f->a, &t, &n, &f->e), 0);
	CHECK_EQ(n, 1);
	CHECK(!t[0].has_value);
	buf_release(&b);

	static const struct {
		const char *form, *code;
	} bad[] = {
		{ "Tag.1.Key=aws:x&Tag.1.Value=v", "InvalidParameterValue" },
		{ "Tag.1.Key=AwS%3Ax", "InvalidParameterValue" },
		{ "Tag.1.Key=", "InvalidParameterValue" },
		{ "Tag.1.Value=v", "InvalidParameterValue" },
		{ "Tag.1.Key=k&Tag.1.Val=v", "UnknownParameter" },
		{ "Tag.1=k", "UnknownParameter" },
		{ "Tag.01.Key=k", "UnknownParameter" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK_EQ(parse_c(f, bad[i].form), 0);
		CHECK_EQ(query_tags(&f->q, "Tag", &f->a, &t, &n, &f->e), -EINVAL);
		CHECK(code_is(f, bad[i].code));
		CHECK_EQ(n, 0);
		CHECK(t == NULL);
	}
	CHECK_EQ(parse_c(f, "Tag.1.Key=aws:x"), 0);
	CHECK_EQ(query_tags(&f->q, "Tag", &f->a, &t, &n, &f->e), -EINVAL);
	CHECK_STREQ(f->e.msg, "Value ( aws:x ) for parameter key is invalid. "
		    "Tag keys starting with 'aws:' are reserved for internal use");
	/* Only keys are reserved; "aws" alone and values starting "aws:" pass. */
	CHECK_EQ(parse_c(f, "Tag.1.Key=aws&Tag.1.Value=aws:x&Tag.2.Key=awsx:"), 0);
	CHECK_EQ(query_tags(&f->q, "Tag", &f->a, &t, &n, &f->e), 0);
	CHECK_EQ(n, 2);

	buf_init(&b, 1 << 20);
	buf_adds(&b, "Tag.1.Key=");
	for (int i = 0; i < LIMIT_TAG_KEY_CHARS; i++)
		buf_adds(&b, "%E2%9C%93");
	buf_adds(&b, "&Tag.1.Value=");
	for (int i = 0; i < LIMIT_TAG_VALUE_CHARS; i++)
		buf_adds(&b, "%F0%9F%98%80");
	CHECK_EQ(parse(f, b.p, b.len), 0);
	CHECK_EQ(query_tags(&f->q, "Tag", &f->a, &t, &n, &f->e), 0);
	CHECK_EQ(t[0].key.len, 3 * LIMIT_TAG_KEY_CHARS);
	CHECK_EQ(t[0].value.len, 4 * LIMIT_TAG_VALUE_CHARS);
	buf_adds(&b, "v");
	CHECK_EQ(parse(f, b.p, b.len), 0);
	CHECK_EQ(query_tags(&f->q, "Tag", &f->a, &t, &n, &f->e), -EINVAL);
	CHECK(code_is(f, "InvalidParameterValue"));
	CHECK(strstr(f->e.msg, "Tag value exceeds") != NULL);
	buf_reset(&b);
	buf_adds(&b, "Tag.1.Key=");
	for (int i = 0; i <= LIMIT_TAG_KEY_CHARS; i++)
		buf_addc(&b, 'k');
	CHECK_EQ(parse(f, b.p, b.len), 0);
	CHECK_EQ(query_tags(&f->q, "Tag", &f->a, &t, &n, &f->e), -EINVAL);
	CHECK(strstr(f->e.msg, "Tag key exceeds") != NULL);

	buf_reset(&b);
	for (int i = 1; i <= LIMIT_QUERY_TAGS; i++)
		buf_addf(&b, "Tag.%d.Key=k%d&Tag.%d.Value=v&", i, i, i);
	CHECK_EQ(parse(f, b.p, b.len), 0);
	CHECK_EQ(query_tags(&f->q, "Tag", &f->a, &t, &n, &f->e), 0);
	CHECK_EQ(n, LIMIT_QUERY_TAGS);
	CHECK(str_eq_c(t[9].key, "k10"));
	buf_adds(&b, "Tag.1000.Key=k");
	CHECK_EQ(parse(f, b.p, b.len), 0);
	CHECK_EQ(query_tags(&f->q, "Tag", &f->a, &t, &n, &f->e), -EINVAL);
	CHECK(code_is(f, "TagLimitExceeded"));
	CHECK(!b.err);
	buf_release(&b);
}

static void test_tag_specs(struct fixture *f)
{
	struct query_tagspec *s = NULL;
	size_t n = 99;

	CHECK_EQ(parse_c(f, cli_create_endpoint), 0);
	CHECK_EQ(query_tag_specs(&f->q, &f->a, &s, &n, &f->e), 0);
	CHECK_EQ(n, 1);
	CHECK(str_eq_c(s[0].resource_type, "vpc-endpoint"));
	CHECK_EQ(s[0].n_tags, 2);
	CHECK(str_eq_c(s[0].tags[0].key, "Name"));
	CHECK(str_eq_c(s[0].tags[0].value, "my ep"));
	CHECK(str_eq_c(s[0].tags[1].key, "env"));
	CHECK(str_eq_c(s[0].tags[1].value, "a&b=c+d%e"));

	CHECK_EQ(parse_c(f, "TagSpecification.2.ResourceType=dhcp-options"
			 "&TagSpecification.2.Tag.1.Key=b&TagSpecification.2.Tag.1.Value=2"
			 "&TagSpecification.1.ResourceType=vpc"
			 "&TagSpecification.1.Tag.1.Key=a&TagSpecification.1.Tag.1.Value=1"
			 "&TagSpecification.10.Tag.1.Key=c"), 0);
	CHECK_EQ(query_tag_specs(&f->q, &f->a, &s, &n, &f->e), 0);
	CHECK_EQ(n, 3);
	CHECK(str_eq_c(s[0].resource_type, "vpc"));
	CHECK(str_eq_c(s[1].resource_type, "dhcp-options"));
	CHECK(str_eq_c(s[1].tags[0].key, "b"));
	CHECK(str_eq_c(s[2].resource_type, ""));
	CHECK(!s[2].tags[0].has_value);

	CHECK_EQ(parse_c(f, "Action=CreateVpc"), 0);
	CHECK_EQ(query_tag_specs(&f->q, &f->a, &s, &n, &f->e), 0);
	CHECK_EQ(n, 0);
	CHECK(s == NULL);

	static const struct {
		const char *form, *code;
	} bad[] = {
		{ "TagSpecification.1.ResourceType=vpc", "InvalidParameterValue" },
		{ "TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=aws:k",
		  "InvalidParameterValue" },
		{ "TagSpecification.1.Tags.1.Key=k", "UnknownParameter" },
		{ "TagSpecification.1.Tag.1.Key=k&TagSpecification.1.Tag.1.Valu=v",
		  "UnknownParameter" },
		{ "TagSpecification.1.Tag.1=k", "UnknownParameter" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK_EQ(parse_c(f, bad[i].form), 0);
		CHECK_EQ(query_tag_specs(&f->q, &f->a, &s, &n, &f->e), -EINVAL);
		CHECK(code_is(f, bad[i].code));
		CHECK_EQ(n, 0);
		CHECK(s == NULL);
	}
}

static void test_bool_int(struct fixture *f)
{
	bool on = false;
	long v = 0;

	CHECK_EQ(parse_c(f, "A=true&B=FALSE&C=True&D=yes&E=&F=1&G=truex"), 0);
	CHECK_EQ(query_bool(&f->q, "A", false, &on, &f->e), 0);
	CHECK(on);
	CHECK_EQ(query_bool(&f->q, "B", true, &on, &f->e), 0);
	CHECK(!on);
	CHECK_EQ(query_bool(&f->q, "C", false, &on, &f->e), 0);
	CHECK(on);
	CHECK_EQ(query_bool(&f->q, "Z", true, &on, &f->e), 0);
	CHECK(on);
	CHECK_EQ(query_bool(&f->q, "Z", false, &on, &f->e), 0);
	CHECK(!on);
	on = true;
	for (const char *k = "DEFG"; *k; k++) {
		char key[2] = { *k, 0 };

		CHECK_EQ(query_bool(&f->q, key, false, &on, &f->e), -EINVAL);
		CHECK(code_is(f, "InvalidParameterValue"));
		CHECK(on);
	}
	CHECK_EQ(query_bool(&f->q, "D", false, &on, &f->e), -EINVAL);
	CHECK_STREQ(f->e.msg, "Value ( yes ) for parameter D is invalid. "
		    "Expecting 'true' or 'false'.");

	CHECK_EQ(parse_c(f, "M=5&N=-7&O=1000&P=1001&Q=4&R=12a&S=&T=+1&U=%201"
			 "&V=9223372036854775807&W=-9223372036854775808"
			 "&X=9223372036854775808&Y=-9223372036854775809&Z=-"), 0);
	CHECK_EQ(query_int(&f->q, "M", 5, 1000, 0, &v, &f->e), 0);
	CHECK_EQ(v, 5);
	CHECK_EQ(query_int(&f->q, "N", -10, 10, 0, &v, &f->e), 0);
	CHECK_EQ(v, -7);
	CHECK_EQ(query_int(&f->q, "O", 5, 1000, 0, &v, &f->e), 0);
	CHECK_EQ(v, 1000);
	CHECK_EQ(query_int(&f->q, "absent", 5, 1000, 77, &v, &f->e), 0);
	CHECK_EQ(v, 77);
	CHECK_EQ(query_int(&f->q, "V", LONG_MIN, LONG_MAX, 0, &v, &f->e), 0);
	CHECK(v == LONG_MAX);
	CHECK_EQ(query_int(&f->q, "W", LONG_MIN, LONG_MAX, 0, &v, &f->e), 0);
	CHECK(v == LONG_MIN);
	v = 42;
	CHECK_EQ(query_int(&f->q, "P", 5, 1000, 0, &v, &f->e), -EINVAL);
	CHECK_STREQ(f->e.msg, "Value ( 1001 ) for parameter P is invalid. "
		    "Expecting a value less than or equal to 1000.");
	CHECK_EQ(query_int(&f->q, "Q", 5, 1000, 0, &v, &f->e), -EINVAL);
	CHECK_STREQ(f->e.msg, "Value ( 4 ) for parameter Q is invalid. "
		    "Expecting a value greater than or equal to 5.");
	for (const char *k = "RSTUXYZ"; *k; k++) {
		char key[2] = { *k, 0 };

		CHECK_EQ(query_int(&f->q, key, LONG_MIN, LONG_MAX, 0, &v, &f->e), -EINVAL);
		CHECK(code_is(f, "InvalidParameterValue"));
	}
	CHECK_EQ(v, 42);
}

void test_api_query(void)
{
	struct fixture f;

	arena_init(&f.a, LIMIT_REQUEST_ARENA_BYTES);
	test_decode(&f);
	test_malformed(&f);
	test_limits(&f);
	test_arena_cap(&f);
	test_list(&f);
	test_indices(&f);
	test_filters(&f);
	test_tags(&f);
	test_tag_specs(&f);
	test_bool_int(&f);
	arena_release(&f.a);
}
