/* SPDX-License-Identifier: MIT */
/*
 * The policy engine's parts: patterns, value parsers, principals and the
 * decision. The public corpus (tests/cases/policy) and the differential test
 * (tests/policy/diff.py) cover the language end to end; these pin the edges
 * of each piece.
 */
#include "compat.h"
#include "check.h"

#include <arpa/inet.h>
#include <pthread.h>

#include "base/xalloc.h"
#include "limits.h"
#include "policy/input.h"
#include "policy/internal.h"

void test_policy(void);

static bool glob(const char *pattern, const char *s, bool nocase)
{
	uint8_t enc[128];
	size_t n = 0;
	struct pat p;

	for (const char *c = pattern; *c && n < sizeof(enc); c++)
		enc[n++] = *c == '*' ? PAT_STAR : *c == '?' ? PAT_QMARK : (uint8_t)*c;
	p = (struct pat){ .s = enc, .len = (uint32_t)n };
	for (size_t i = 0; i < n; i++)
		if (enc[i] == PAT_STAR || enc[i] == PAT_QMARK)
			p.flags |= PAT_WILD;
	if (n == 1 && enc[0] == PAT_STAR)
		p.flags |= PAT_ALL;
	return pat_match(&p, (const uint8_t *)s, strlen(s), nocase);
}

static void test_glob(void)
{
	CHECK(glob("*", "", false));
	CHECK(glob("a*", "a", false));
	CHECK(glob("a*c", "abbbc", false));
	CHECK(!glob("a*c", "abbbd", false));
	CHECK(glob("a*b*c", "aXbYbZc", false));
	CHECK(glob("*/*", "reports/2026/q3.csv", false));
	CHECK(glob("?", "\xc3\xa9", false));		/* one character, two bytes */
	CHECK(!glob("??", "\xc3\xa9", false));
	CHECK(!glob("?", "", false));
	CHECK(glob("s3:get*", "s3:getobject", true));
	CHECK(glob("s3:getobject", "S3:GetObject", true));
	CHECK(!glob("s3:getobject", "S3:GetObject", false));
	CHECK(glob("**a", "bbba", false));
	CHECK(!glob("a?", "abc", false));
	CHECK(glob("*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaab", false));
	CHECK(!glob("*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaa", false));
}

static void test_values(void)
{
	struct ipnet net, ip;
	struct decnum d;
	char text[POL_REAL_TEXT_MAX];
	int64_t ms;
	bool b;

	CHECK(cond_parse_number("0010.500", &d) && d.whole_len == 2 && d.frac_len == 1);
	CHECK(cond_parse_number("-0.0", &d) && !d.neg && d.whole_len == 0 && d.frac_len == 0);
	CHECK(!cond_parse_number("1e3", &d));
	CHECK(!cond_parse_number("", &d));
	CHECK(!cond_parse_number(".5", &d));
	CHECK(!cond_parse_number("1.", &d));
	CHECK(!cond_parse_number("0x10", &d));
	CHECK(!cond_parse_number("nan", &d));
	pol_real_text(10.0, text, sizeof(text));
	CHECK_STREQ(text, "10");
	pol_real_text(1e-7, text, sizeof(text));
	CHECK_STREQ(text, "0.0000001");
	pol_real_text(-2.5, text, sizeof(text));
	CHECK_STREQ(text, "-2.5");
	pol_real_text(0.1, text, sizeof(text));
	CHECK_STREQ(text, "0.1");
	pol_real_text(1e21, text, sizeof(text));
	CHECK_STREQ(text, "1000000000000000000000");
	CHECK(cond_parse_date("1970-01-02", &ms) && ms == 86400000);
	CHECK(cond_parse_date("86400", &ms) && ms == 86400000);
	CHECK(cond_parse_date("2026-11-27T01:02:03Z", &ms) && ms == 1795741323000);
	CHECK(cond_parse_date("2026-11-27T02:02:03+01:00", &ms) && ms == 1795741323000);
	CHECK(cond_parse_date("2026-11-27T01:02:03.25Z", &ms) && ms == 1795741323250);
	CHECK(cond_parse_date("2024-02-29", &ms));
	CHECK(!cond_parse_date("2023-02-29", &ms));
	CHECK(!cond_parse_date("2026-13-01", &ms));
	CHECK(!cond_parse_date("2026-11-27T25:00:00Z", &ms));
	CHECK(!cond_parse_date("2026-11-27T01:02Z", &ms));		/* seconds are required */
	CHECK(!cond_parse_date("2026-11-27T01:02:03", &ms));		/* and a zone */
	CHECK(!cond_parse_date("2026-11-27T01:02:03+0100", &ms));
	CHECK(!cond_parse_date("1234567890123", &ms));			/* 13 digits */
	CHECK(!cond_parse_date("yesterday", &ms));
	CHECK(cond_parse_bool("TRUE", 4, &b) && b);
	CHECK(cond_parse_bool("fAlse", 5, &b) && !b);
	CHECK(!cond_parse_bool("yes", 3, &b));
	CHECK(!cond_parse_bool("true ", 5, &b));
	CHECK(!cond_parse_bool("falsE", 4, &b));
	CHECK(!cond_parse_bool("tru\0", 4, &b));
	CHECK(!cond_parse_bool("true\0", 5, &b));
	CHECK(cond_parse_ip("10.0.0.0/8", true, &net) && net.prefix == 8);
	CHECK(cond_parse_ip("10.200.3.4", false, &ip));
	CHECK(cond_parse_ip("192.0.2.77/24", true, &net) && net.addr[3] == 0);
	CHECK(!cond_parse_ip("10.0.0.0/33", true, &net));
	CHECK(!cond_parse_ip("10.0.0.0/8", false, &net));
	CHECK(cond_parse_ip("2001:db8::/32", true, &net) && net.family == 6);
	CHECK(!cond_parse_ip("2001:db8::/129", true, &net));
	CHECK(!cond_parse_ip("10.0.0", true, &net));
}

/* xorshift64: the address tests' fixed sequence. */
static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * The address reader against inet_pton(3) on strings of digits, dots,
 * colons and slashes, which take every path through it (leading zeros,
 * octets over 255, four-digit groups, missing and extra parts).
 */
static void test_address_reader(void)
{
	static const char alphabet[] = "0123456789012345.....:/";
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	int disagree = 0;

	for (int i = 0; i < 200000; i++) {
		char s[24];
		uint8_t want[16] = { 0 };
		size_t n = next_rand(&x) % 17;
		struct ipnet ip;
		bool ok, v4, v6;

		for (size_t j = 0; j < n; j++)
			s[j] = alphabet[next_rand(&x) % (sizeof(alphabet) - 1)];
		s[n] = '\0';
		v4 = inet_pton(AF_INET, s, want) == 1;
		v6 = !v4 && strchr(s, ':') && inet_pton(AF_INET6, s, want) == 1;
		ok = cond_parse_ip(s, false, &ip);
		if (ok != (v4 || v6) ||
		    (ok && (ip.family != (v4 ? 4 : 6) || memcmp(ip.addr, want, v4 ? 4 : 16) != 0))) {
			if (disagree++ < 5)
				check_fail(__FILE__, __LINE__, "'%s': read %d, inet_pton %d", s, ok,
					   v4 || v6);
		}
	}
	CHECK_EQ(disagree, 0);
	CHECK(!cond_parse_ip("010.0.0.1", false, &(struct ipnet){ 0 }));
	CHECK(!cond_parse_ip("1.2.3.4.", false, &(struct ipnet){ 0 }));
	CHECK(!cond_parse_ip("1.2.3.1000", false, &(struct ipnet){ 0 }));
	CHECK(cond_parse_ip("0.0.0.0", false, &(struct ipnet){ 0 }));
	CHECK(cond_parse_ip("255.255.255.255", false, &(struct ipnet){ 0 }));
	CHECK(!cond_parse_ip("256.0.0.1", false, &(struct ipnet){ 0 }));
}

/* Decides one `vpce policy eval` input; returns the result line or the error. */
static const char *decide(const char *json)
{
	static char line[2048];
	struct pol_input in;
	struct pol_result res;
	struct arena scratch;
	struct buf out;
	char msg[512];

	arena_init(&scratch, LIMIT_POLICY_SCRATCH_BYTES);
	buf_init(&out, sizeof(line) - 1);
	if (pol_input_parse(json, strlen(json), NULL, &in, msg, sizeof(msg)) < 0)
		pol_error_json(msg, &out);
	else if (policy_decide(&in.bundle->set, &in.req, &scratch, &res) < 0)
		buf_adds(&out, "ENOMEM");
	else
		pol_result_json(&in.bundle->set, &res, &out);
	str_lcpy(line, out.p, sizeof(line));
	buf_release(&out);
	pol_input_release(&in);
	arena_release(&scratch);
	return line;
}

static bool decided(const char *json, const char *decision)
{
	const char *line = decide(json);
	char want[64];

	snprintf(want, sizeof(want), "{\"decision\": \"%s\"", decision);
	if (strncmp(line, want, strlen(want)) == 0)
		return true;
	fprintf(stderr, "    got %s\n", line);
	return false;
}

#define ALICE "arn:aws:iam::111122223333:user/alice"
#define ALLOW_ALL "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}"
#define REQ(principal, action, resource, ctx)                                        \
	"\"request\": {\"principal\": \"" principal "\", \"action\": \"" action "\", " \
	"\"resource\": \"" resource "\", \"resourceAccount\": \"111122223333\", "     \
	"\"context\": {" ctx "}}"

static void test_decisions(void)
{
	/* Identity allow, same account. */
	CHECK(decided("{\"policies\": {\"identity\": [" ALLOW_ALL "]}, "
		      REQ(ALICE, "s3:GetObject", "arn:aws:s3:::b/k", "") "}", "Allow"));
	/* No policy: implicit deny. */
	CHECK(decided("{\"policies\": {}, " REQ(ALICE, "s3:GetObject", "arn:aws:s3:::b/k", "") "}",
		      "ImplicitDeny"));
	/* The endpoint policy never grants alone. */
	CHECK(decided("{\"policies\": {\"endpoint\": [{\"Statement\": {\"Effect\": \"Allow\", "
		      "\"Principal\": \"*\", \"Action\": \"*\", \"Resource\": \"*\"}}]}, "
		      REQ(ALICE, "s3:GetObject", "arn:aws:s3:::b/k", "") "}", "ImplicitDeny"));
	/* Leaky bucket closed: deny unless our endpoint. */
	CHECK(decided("{\"policies\": {\"identity\": [" ALLOW_ALL "], \"resource\": [{\"Statement\": "
		      "{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", "
		      "\"Resource\": \"arn:aws:s3:::b/*\", \"Condition\": {\"StringNotEquals\": "
		      "{\"aws:SourceVpce\": \"vpce-1a2b3c4d\"}}}}]}, "
		      REQ(ALICE, "s3:GetObject", "arn:aws:s3:::b/k", "") "}", "ExplicitDeny"));
	CHECK(decided("{\"policies\": {\"identity\": [" ALLOW_ALL "], \"resource\": [{\"Statement\": "
		      "{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", "
		      "\"Resource\": \"arn:aws:s3:::b/*\", \"Condition\": {\"StringNotEquals\": "
		      "{\"aws:SourceVpce\": \"vpce-1a2b3c4d\"}}}}]}, "
		      REQ(ALICE, "s3:GetObject", "arn:aws:s3:::b/k",
			  "\"AWS:sourcevpce\": \"vpce-1a2b3c4d\"") "}", "Allow"));
	/* The account principal delegates: no identity allow, no grant. */
	CHECK(decided("{\"policies\": {\"resource\": [{\"Statement\": {\"Effect\": \"Allow\", "
		      "\"Principal\": {\"AWS\": \"111122223333\"}, \"Action\": \"s3:*\", "
		      "\"Resource\": \"*\"}}]}, "
		      REQ(ALICE, "s3:GetObject", "arn:aws:s3:::b/k", "") "}", "ImplicitDeny"));
	/* A role names its sessions. */
	CHECK(decided("{\"policies\": {\"resource\": [{\"Statement\": {\"Effect\": \"Allow\", "
		      "\"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:role/path/Reader\"}, "
		      "\"Action\": \"s3:*\", \"Resource\": \"*\"}}]}, "
		      REQ("arn:aws:sts::111122223333:assumed-role/Reader/s1", "s3:GetObject",
			  "arn:aws:s3:::b/k", "") "}", "Allow"));
	/* Variables: live under 2012-10-17, literal under 2008-10-17. */
	CHECK(decided("{\"policies\": {\"identity\": [{\"Version\": \"2012-10-17\", \"Statement\": "
		      "{\"Effect\": \"Allow\", \"Action\": \"s3:*\", "
		      "\"Resource\": \"arn:aws:s3:::b/${aws:username}/*\"}}]}, "
		      REQ(ALICE, "s3:GetObject", "arn:aws:s3:::b/alice/k", "\"aws:username\": \"alice\"")
		      "}", "Allow"));
	CHECK(decided("{\"policies\": {\"identity\": [{\"Version\": \"2008-10-17\", \"Statement\": "
		      "{\"Effect\": \"Allow\", \"Action\": \"s3:*\", "
		      "\"Resource\": \"arn:aws:s3:::b/${aws:username}/*\"}}]}, "
		      REQ(ALICE, "s3:GetObject", "arn:aws:s3:::b/alice/k", "\"aws:username\": \"alice\"")
		      "}", "ImplicitDeny"));
	/* ${*} is a literal star. */
	CHECK(decided("{\"policies\": {\"identity\": [{\"Version\": \"2012-10-17\", \"Statement\": "
		      "{\"Effect\": \"Allow\", \"Action\": \"s3:*\", "
		      "\"Resource\": \"arn:aws:s3:::b/${*}\"}}]}, "
		      REQ(ALICE, "s3:GetObject", "arn:aws:s3:::b/k", "") "}", "ImplicitDeny"));
	/* ForAllValues holds on a missing key; ForAnyValue does not. */
	CHECK(decided("{\"policies\": {\"identity\": [{\"Statement\": {\"Effect\": \"Allow\", "
		      "\"Action\": \"*\", \"Resource\": \"*\", \"Condition\": "
		      "{\"ForAllValues:StringEquals\": {\"aws:TagKeys\": \"a\"}}}}]}, "
		      REQ(ALICE, "s3:GetObject", "arn:aws:s3:::b/k", "") "}", "Allow"));
	CHECK(decided("{\"policies\": {\"identity\": [{\"Statement\": {\"Effect\": \"Allow\", "
		      "\"Action\": \"*\", \"Resource\": \"*\", \"Condition\": "
		      "{\"ForAnyValue:StringEquals\": {\"aws:TagKeys\": \"a\"}}}}]}, "
		      REQ(ALICE, "s3:GetObject", "arn:aws:s3:::b/k", "") "}", "ImplicitDeny"));
	/* A policy that fails validation is an error, not a decision. */
	CHECK(strstr(decide("{\"policies\": {\"identity\": [{\"Statement\": {\"Effect\": \"Allow\", "
			    "\"Principal\": \"*\", \"Action\": \"*\", \"Resource\": \"*\"}}]}, "
			    REQ(ALICE, "s3:GetObject", "arn:aws:s3:::b/k", "") "}"),
		     "policies.identity[0]: Statement[0].Principal") != NULL);
}

/* Requests with few, some and many context keys find each of them. */
/* Allowed by an identity policy whose statement has 'actions' (a JSON value)? */
static bool action_allows(const char *element, const char *actions, const char *action)
{
	char json[1024];

	snprintf(json, sizeof(json),
		 "{\"policies\": {\"identity\": [{\"Statement\": {\"Effect\": \"Allow\", "
		 "\"%s\": %s, \"Resource\": \"*\"}}]}, "
		 "\"request\": {\"principal\": \"" ALICE "\", \"action\": \"%s\", "
		 "\"resource\": \"arn:aws:s3:::b/k\"}}",
		 element, actions, action);
	return strncmp(decide(json), "{\"decision\": \"Allow\"", 20) == 0;
}

/* The statements' action filter rules out only statements that cannot match. */
static void test_action_filter(void)
{
	static const struct {
		const char *element, *actions, *action;
		bool allow;
	} cases[] = {
		{ "Action", "[\"s3:GetObject\", \"S3:List*\"]", "s3:ListBucket", true },
		{ "Action", "[\"s3:GetObject\", \"S3:List*\"]", "S3:LISTBUCKET", true },
		{ "Action", "[\"s3:GetObject\", \"s3:List*\"]", "s3:PutObject", false },
		{ "Action", "[\"x:y\", \"a:*\"]", "a:b", true },	/* a prefix of two bytes */
		{ "Action", "\"a:b\"", "a:b", true },
		{ "Action", "\"a:b\"", "a:c", false },
		{ "Action", "[\"x:y\", \"s3:G*t*\"]", "s3:GetObject", true },
		{ "Action", "[\"x:y\", \"*:GetObject\"]", "s3:getobject", true },
		{ "Action", "[\"sqs:*\", \"s3:GetObjectAcl\"]", "s3:GetObject", false },
		{ "Action", "\"s3:getobject*\"", "s3:GetObject", true },
		{ "NotAction", "[\"iam:*\", \"sts:*\"]", "s3:GetObject", true },
		{ "NotAction", "[\"iam:*\", \"sts:*\"]", "IAM:CreateUser", false },
		{ "NotAction", "[\"s3:PutObject\"]", "s3:GetObject", true },
		{ "NotAction", "[\"s3:PutObject\"]", "s3:putobject", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if (action_allows(cases[i].element, cases[i].actions, cases[i].action) !=
		    cases[i].allow)
			check_fail(__FILE__, __LINE__, "%s %s, %s: want %s", cases[i].element,
				   cases[i].actions, cases[i].action,
				   cases[i].allow ? "Allow" : "a deny");
}

/* Writes 'a' (4 or 16 bytes) as text. */
static void address_text(const uint8_t *a, bool v6, char *out, size_t size)
{
	inet_ntop(v6 ? AF_INET6 : AF_INET, a, out, (socklen_t)size);
}

/*
 * IpAddress against a bit-by-bit reference: random networks of every prefix
 * length, and addresses that differ from them in one random bit.
 */
static void test_networks(void)
{
	uint64_t x = 0xD1B54A32D192ED03ULL;
	int wrong = 0;

	for (int i = 0; i < 1500; i++) {
		bool v6 = next_rand(&x) % 2;
		unsigned bits = v6 ? 128 : 32, prefix = (unsigned)(next_rand(&x) % (bits + 1));
		unsigned flip = (unsigned)(next_rand(&x) % bits);
		uint8_t net[16], addr[16];
		char nets[64], addrs[64], json[1024];
		bool want;

		for (size_t j = 0; j < 16; j++)
			net[j] = (uint8_t)next_rand(&x);
		memcpy(addr, net, sizeof(addr));
		if (next_rand(&x) % 4)
			addr[flip / 8] ^= (uint8_t)(0x80 >> (flip % 8));
		want = flip >= prefix || memcmp(addr, net, 16) == 0;
		address_text(net, v6, nets, sizeof(nets));
		address_text(addr, v6, addrs, sizeof(addrs));
		snprintf(json, sizeof(json),
			 "{\"policies\": {\"identity\": [{\"Version\": \"2012-10-17\", \"Statement\": "
			 "{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": "
			 "{\"IpAddress\": {\"aws:SourceIp\": \"%s/%u\"}}}}]}, "
			 REQ(ALICE, "s3:GetObject", "arn:aws:s3:::b/k", "\"aws:SourceIp\": \"%s\"") "}",
			 nets, prefix, addrs);
		if (!decided(json, want ? "Allow" : "ImplicitDeny") && wrong++ < 5)
			check_fail(__FILE__, __LINE__, "%s/%u against %s", nets, prefix, addrs);
	}
	CHECK_EQ(wrong, 0);
}

static void test_many_keys(void)
{
	static const char doc[] =
		"{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", "
		"\"Condition\": {\"StringEquals\": {\"aws:SourceVpce\": \"vpce-1\", "
		"\"x:KEY7\": \"v7\", \"x:key%zu\": \"v%zu\"}}}}";
	static const size_t counts[] = { 3, 12, 16, 17, 30, 48, 49, 100 };
	char names[100][16], values[100][16], text[512];
	const char *vals[100];
	struct pol_key keys[100];
	struct arena scratch;

	arena_init(&scratch, LIMIT_POLICY_SCRATCH_BYTES);
	for (size_t i = 0; i < 100; i++) {
		snprintf(names[i], sizeof(names[i]), i == 0 ? "AWS:sourcevpce" : "x:key%zu", i);
		snprintf(values[i], sizeof(values[i]), i == 0 ? "vpce-1" : "v%zu", i);
		vals[i] = values[i];
		keys[i] = (struct pol_key){ .name = names[i], .values = &vals[i], .n = 1 };
	}
	for (size_t c = 0; c < ARRAY_SIZE(counts); c++) {
		size_t n = counts[c], last = n - 1;
		struct pol_request req = { "arn:aws:iam::111122223333:user/alice", "s3:GetObject",
					   "arn:aws:s3:::b/k", NULL, keys, n };
		const struct policy *one[1];
		struct pol_set set = { 0 };
		struct pol_result res;
		struct policy *p;
		bool want = n > 7;

		snprintf(text, sizeof(text), doc, last, last);
		CHECK_EQ(policy_compile(text, strlen(text), POL_TYPE_IDENTITY, &p, NULL), 0);
		one[0] = p;
		set.p[POL_LAYER_IDENTITY] = one;
		set.n[POL_LAYER_IDENTITY] = 1;
		arena_reset(&scratch);
		CHECK_EQ(policy_decide(&set, &req, &scratch, &res), 0);
		if ((res.decision == POL_ALLOW) != want)
			check_fail(__FILE__, __LINE__, "%zu keys: %s", n,
				   pol_decision_name(res.decision));
		policy_free(p);
	}
	arena_release(&scratch);
}

/* Compiled policies are immutable: two threads deciding at once agree with one. */
struct decider {
	const struct pol_set *set;
	const struct pol_request *reqs;
	size_t n;
	enum pol_decision *out;
};

static void *decide_many(void *arg)
{
	struct decider *d = arg;
	struct arena scratch;

	arena_init(&scratch, LIMIT_POLICY_SCRATCH_BYTES);
	for (int round = 0; round < 2000; round++) {
		for (size_t i = 0; i < d->n; i++) {
			struct pol_result res;

			arena_reset(&scratch);
			if (policy_decide(d->set, &d->reqs[i], &scratch, &res) < 0 ||
			    (round > 0 && res.decision != d->out[i]))
				d->out[i] = (enum pol_decision)-1;
			else if (round == 0)
				d->out[i] = res.decision;
		}
	}
	arena_release(&scratch);
	return NULL;
}

static void test_threads(void)
{
	static const char doc[] =
		"{\"Version\": \"2012-10-17\", \"Statement\": ["
		"{\"Effect\": \"Allow\", \"Action\": \"s3:Get*\", "
		"\"Resource\": \"arn:aws:s3:::b/${aws:username}/*\"}, "
		"{\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\", "
		"\"Condition\": {\"NotIpAddress\": {\"aws:SourceIp\": \"10.0.0.0/8\"}}}]}";
	static const char *const users[] = { "alice", "bob" }, *const ips[] = { "10.1.2.3",
										 "192.0.2.1" };
	struct pol_key ctx[4][2];
	struct pol_request reqs[4];
	enum pol_decision a[4], b[4];
	const struct policy *one[1];
	struct pol_set set = { 0 };
	struct decider da = { &set, reqs, 4, a }, db = { &set, reqs, 4, b };
	struct policy *p;
	pthread_t t1, t2;

	CHECK_EQ(policy_compile(doc, strlen(doc), POL_TYPE_IDENTITY, &p, NULL), 0);
	one[0] = p;
	set.p[POL_LAYER_IDENTITY] = one;
	set.n[POL_LAYER_IDENTITY] = 1;
	for (size_t i = 0; i < 4; i++) {
		ctx[i][0] = (struct pol_key){ .name = "aws:username", .values = &users[i % 2], .n = 1 };
		ctx[i][1] = (struct pol_key){ .name = "aws:SourceIp", .values = &ips[i / 2], .n = 1 };
		reqs[i] = (struct pol_request){ "arn:aws:iam::111122223333:user/alice", "s3:GetObject",
						"arn:aws:s3:::b/alice/k", NULL, ctx[i], 2 };
	}
	CHECK_EQ(pthread_create(&t1, NULL, decide_many, &da), 0);
	CHECK_EQ(pthread_create(&t2, NULL, decide_many, &db), 0);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	CHECK_EQ(a[0], POL_ALLOW);		/* alice from 10/8 */
	CHECK_EQ(a[1], POL_IMPLICIT_DENY);	/* bob: not his prefix */
	CHECK_EQ(a[2], POL_EXPLICIT_DENY);	/* outside 10/8 */
	CHECK_EQ(a[3], POL_EXPLICIT_DENY);
	for (size_t i = 0; i < 4; i++)
		CHECK_EQ(a[i], b[i]);
	policy_free(p);
}

/* The bounds docs/threat-model.md gives: documents over 1 MiB, the scratch cap. */
static void test_bounds(void)
{
	static const char doc[] = "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", "
				  "\"Resource\": \"*\"}}";
	size_t big = LIMIT_POLICY_DOC_BYTES + 1;
	char *text = xmalloc(big);
	struct pol_problems probs = { 0 };
	const struct policy *one[1];
	struct pol_set set = { 0 };
	struct pol_request req = { "arn:aws:iam::111122223333:user/alice", "s3:GetObject",
				   "arn:aws:s3:::b/k", NULL, NULL, 0 };
	struct pol_result res;
	struct arena tiny;
	struct policy *p;

	memset(text, ' ', big);
	memcpy(text, doc, sizeof(doc) - 1);
	CHECK_EQ(policy_compile(text, big, POL_TYPE_IDENTITY, &p, &probs), -EINVAL);
	CHECK(probs.n == 1 && strcmp(probs.v[0].path, "(document)") == 0);
	pol_problems_release(&probs);
	free(text);

	CHECK_EQ(policy_compile(doc, sizeof(doc) - 1, POL_TYPE_IDENTITY, &p, NULL), 0);
	one[0] = p;
	set.p[POL_LAYER_IDENTITY] = one;
	set.n[POL_LAYER_IDENTITY] = 1;
	arena_init(&tiny, 8);	/* too small for any decision */
	CHECK_EQ(policy_decide(&set, &req, &tiny, &res), -ENOMEM);
	CHECK_EQ(res.decision, POL_IMPLICIT_DENY);
	arena_release(&tiny);
	policy_free(p);
}

static void test_validation(void)
{
	static const struct {
		enum pol_type type;
		const char *doc, *path;
	} bad[] = {
		{ POL_TYPE_IDENTITY, "[]", "(document)" },
		{ POL_TYPE_IDENTITY, "{\"Statement\": []}", "Statement" },
		{ POL_TYPE_IDENTITY, "{\"Version\": \"2012-10-18\", \"Statement\": {\"Effect\": "
		  "\"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}}", "Version" },
		{ POL_TYPE_IDENTITY, "{\"Statement\": {\"Effect\": \"allow\", \"Action\": \"*\", "
		  "\"Resource\": \"*\"}}", "Statement[0].Effect" },
		{ POL_TYPE_IDENTITY, "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", "
		  "\"Resource\": \"*\"}, {\"Effect\": \"Allow\", \"Action\": \"*\", \"NotAction\": "
		  "\"*\", \"Resource\": \"*\"}]}", "Statement[1].NotAction" },
		{ POL_TYPE_ENDPOINT, "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", "
		  "\"Resource\": \"*\"}}", "Statement[0]" },
		{ POL_TYPE_GATEWAY_ENDPOINT, "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": "
		  "{\"AWS\": \"111122223333\"}, \"Action\": \"*\", \"Resource\": \"*\"}}",
		  "Statement[0].Principal" },
		{ POL_TYPE_RESOURCE, "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": "
		  "{\"AWS\": \"arn:aws:iam::111122223333:user/*\"}, \"Action\": \"*\", "
		  "\"Resource\": \"*\"}}", "Statement[0].Principal.AWS" },
		{ POL_TYPE_IDENTITY, "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", "
		  "\"Resource\": \"*\", \"Condition\": {\"StringEqualz\": {\"a:b\": \"c\"}}}}",
		  "Statement[0].Condition.StringEqualz" },
		{ POL_TYPE_IDENTITY, "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", "
		  "\"Resource\": \"*\", \"Condition\": {\"NumericLessThan\": {\"a:b\": \"ten\"}}}}",
		  "Statement[0].Condition.NumericLessThan.a:b" },
		{ POL_TYPE_IDENTITY, "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", "
		  "\"Resource\": \"*\", \"Condition\": {\"NullIfExists\": {\"a:b\": \"true\"}}}}",
		  "Statement[0].Condition.NullIfExists" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct pol_problems probs = { 0 };
		struct policy *p;

		CHECK_EQ(policy_compile(bad[i].doc, strlen(bad[i].doc), bad[i].type, &p, &probs),
			 -EINVAL);
		CHECK(probs.n > 0);
		if (probs.n)
			CHECK_STREQ(probs.v[0].path, bad[i].path);
		pol_problems_release(&probs);
	}
}

void test_policy(void)
{
	test_glob();
	test_values();
	test_address_reader();
	test_decisions();
	test_networks();
	test_action_filter();
	test_many_keys();
	test_threads();
	test_bounds();
	test_validation();
}
