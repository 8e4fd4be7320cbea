/* SPDX-License-Identifier: MIT */
/*
 * bench_policy: the policy engine's speed on one realistic request.
 *
 *   bench_policy [REQUEST.json] [SECONDS]
 *
 * Reads a `vpce policy eval` input (docs/policy.md; a policy is a JSON object
 * or a string holding one), compiles every policy once, then decides the
 * request in a loop for SECONDS (3) after a short warm-up, resetting a
 * 64 KiB-capped arena before each decision. Then times parse + compile of a
 * generated endpoint policy of exactly 20,480 characters. Prints:
 *
 *   vpce evals_per_sec N
 *   vpce decision Allow|ExplicitDeny|ImplicitDeny
 *   vpce compile_20k_us N
 *
 * 'bench_policy --dump-20k' prints the generated endpoint policy instead.
 */
#include "compat.h"

#include <inttypes.h>
#include <jansson.h>

#include "base/arena.h"
#include "policy/policy.h"

#define MAX_POLICIES 16
#define MAX_KEYS 64
#define MAX_VALUES 32
#define ENDPOINT_POLICY_CHARS 20480

static const struct {
	const char *name;
	enum pol_layer layer;
	enum pol_type type;
} layers[] = {
	{ "identity", POL_LAYER_IDENTITY, POL_TYPE_IDENTITY },
	{ "resource", POL_LAYER_RESOURCE, POL_TYPE_RESOURCE },
	{ "endpoint", POL_LAYER_ENDPOINT, POL_TYPE_ENDPOINT },
	{ "scp", POL_LAYER_SCP, POL_TYPE_SCP },
	{ "boundary", POL_LAYER_BOUNDARY, POL_TYPE_BOUNDARY },
};

static ATTR_NORETURN void die(const char *msg, const char *detail)
{
	fprintf(stderr, "bench_policy: %s%s%s\n", msg, detail ? ": " : "", detail ? detail : "");
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct policy *compile_or_die(const char *doc, size_t len, enum pol_type type,
				     const char *where)
{
	struct pol_problems problems = { 0 };
	struct policy *p = NULL;

	if (policy_compile(doc, len, type, &p, &problems) != 0) {
		for (size_t i = 0; i < problems.n; i++)
			fprintf(stderr, "bench_policy: %s: %s: %s\n", where,
				problems.v[i].path, problems.v[i].msg);
		pol_problems_release(&problems);
		die("a policy does not compile", where);
	}
	pol_problems_release(&problems);
	return p;
}

static struct policy *compile_json(json_t *doc, enum pol_type type, const char *where)
{
	struct policy *p;
	char *text;

	if (json_is_string(doc))
		return compile_or_die(json_string_value(doc), json_string_length(doc), type, where);
	if (!json_is_object(doc))
		die("a policy is neither an object nor a string", where);
	text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text)
		die("out of memory", NULL);
	p = compile_or_die(text, strlen(text), type, where);
	free(text);
	return p;
}

/* A context value as text (numbers and booleans as JSON writes them). */
static const char *value_text(json_t *v, const char *key)
{
	char tmp[64];

	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_value(v);
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_INTEGER:
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return strdup(tmp);
	case JSON_REAL:
		snprintf(tmp, sizeof(tmp), "%.17g", json_real_value(v));
		return strdup(tmp);
	default:
		die("a context value is not a string, number or boolean", key);
	}
}

struct bench_input {
	json_t *root;
	struct policy *compiled[POL_LAYERS][MAX_POLICIES];
	const struct policy *view[POL_LAYERS][MAX_POLICIES];
	struct pol_set set;
	struct pol_key keys[MAX_KEYS];
	const char *values[MAX_KEYS][MAX_VALUES];
	size_t lens[MAX_KEYS][MAX_VALUES];
	struct pol_request req;
};

static const char *opt_string(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);

	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v))
		die("not a string", name);
	return json_string_value(v);
}

static void load(struct bench_input *in, const char *path)
{
	json_error_t jerr;
	json_t *policies, *request, *context, *v;
	const char *key;

	memset(in, 0, sizeof(*in));
	in->root = json_load_file(path, 0, &jerr);
	if (!in->root)
		die("cannot read the request", jerr.text);
	policies = json_object_get(in->root, "policies");
	request = json_object_get(in->root, "request");
	if (!json_is_object(policies) || !json_is_object(request))
		die("the input needs \"policies\" and \"request\" objects", path);

	for (size_t l = 0; l < ARRAY_SIZE(layers); l++) {
		json_t *list = json_object_get(policies, layers[l].name);
		enum pol_layer layer = layers[l].layer;
		size_t i;
		json_t *doc;

		if (!list)
			continue;
		if (!json_is_array(list) || json_array_size(list) > MAX_POLICIES)
			die("a policy list is not a list of at most 16", layers[l].name);
		json_array_foreach(list, i, doc) {
			char where[64];

			snprintf(where, sizeof(where), "%s[%zu]", layers[l].name, i);
			in->compiled[layer][i] = compile_json(doc, layers[l].type, where);
			in->view[layer][i] = in->compiled[layer][i];
		}
		in->set.p[layer] = in->view[layer];
		in->set.n[layer] = json_array_size(list);
	}

	in->req.principal = opt_string(request, "principal");
	in->req.action = opt_string(request, "action");
	in->req.resource = opt_string(request, "resource");
	in->req.resource_account = opt_string(request, "resourceAccount");
	if (!in->req.action || !in->req.resource)
		die("the request needs an action and a resource", path);
	context = json_object_get(request, "context");
	if (context && !json_is_object(context))
		die("the context is not an object", path);
	json_object_foreach(context, key, v) {
		struct pol_key *k = &in->keys[in->req.n_context];

		if (in->req.n_context == MAX_KEYS)
			die("more than 64 context keys", path);
		k->name = key;
		k->name_len = strlen(key);	/* as a service front's constant keys */
		k->values = in->values[in->req.n_context];
		k->value_lens = in->lens[in->req.n_context];	/* a caller knows its values' lengths */
		if (json_is_array(v)) {
			size_t i;
			json_t *e;

			if (json_array_size(v) > MAX_VALUES)
				die("more than 32 values", key);
			json_array_foreach(v, i, e)
				in->values[in->req.n_context][i] = value_text(e, key);
			k->n = json_array_size(v);
		} else {
			in->values[in->req.n_context][0] = value_text(v, key);
			k->n = 1;
		}
		for (size_t i = 0; i < k->n; i++)
			in->lens[in->req.n_context][i] = strlen(in->values[in->req.n_context][i]);
		in->req.n_context++;
	}
	in->req.context = in->keys;
}

static void bench_decide(struct bench_input *in, double seconds)
{
	struct arena a;
	struct pol_result res;
	uint64_t n = 0;
	double t0, t;

	arena_init(&a, 64 * 1024);
	arena_reset(&a);
	if (policy_decide(&in->set, &in->req, &a, &res) != 0)
		die("the decision ran out of arena", NULL);
	const enum pol_decision first = res.decision;

	/* Warm-up: caches and branch predictors, 0.3 s. */
	t0 = now();
	do {
		for (int i = 0; i < 1024; i++) {
			arena_reset(&a);
			policy_decide(&in->set, &in->req, &a, &res);
		}
	} while (now() - t0 < 0.3);

	t0 = now();
	do {
		for (int i = 0; i < 1024; i++) {
			arena_reset(&a);
			if (policy_decide(&in->set, &in->req, &a, &res) != 0 ||
			    res.decision != first)
				die("a decision changed or ran out of arena", NULL);
		}
		n += 1024;
		t = now();
	} while (t - t0 < seconds);
	arena_release(&a);

	printf("vpce evals_per_sec %.0f\n", (double)n / (t - t0));
	printf("vpce decision %s\n", pol_decision_name(first));
}

/* Appends 's' (n bytes) to buf at *len; the caller has checked the room. */
static void put(char *buf, size_t *len, const char *s, size_t n)
{
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

/* One statement of the generated policy, of four shapes in turn. */
static int statement(char *out, size_t cap, int i)
{
	switch (i % 4) {
	case 0:
		return snprintf(out, cap,
			"{\"Sid\":\"AllowApp%03d\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":["
			"\"arn:aws:iam::111122223333:role/app-%03d\",\"arn:aws:iam::444455556666:role/app-%03d\"]},"
			"\"Action\":[\"s3:GetObject\",\"s3:ListBucket\",\"s3:PutObject\"],"
			"\"Resource\":[\"arn:aws:s3:::data-%03d\",\"arn:aws:s3:::data-%03d/*\"],"
			"\"Condition\":{\"StringEquals\":{\"aws:SourceVpc\":\"vpc-0123456789abcdef0\","
			"\"aws:PrincipalOrgID\":\"o-a1b2c3d4e5\"},"
			"\"StringLike\":{\"s3:prefix\":[\"home/${aws:username}/*\",\"shared/%03d/*\"]},"
			"\"IpAddress\":{\"aws:VpcSourceIp\":[\"10.%d.0.0/16\",\"192.168.%d.0/24\"]}}}",
			i, i, i, i, i, i, i % 256, i % 256);
	case 1:
		return snprintf(out, cap,
			"{\"Sid\":\"DenyOutside%03d\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\","
			"\"Resource\":\"arn:aws:s3:::data-%03d/*\",\"Condition\":{\"StringNotEquals\":"
			"{\"aws:SourceVpce\":[\"vpce-0a1b2c3d4e5f60718\",\"vpce-0f9e8d7c6b5a43210\"]},"
			"\"BoolIfExists\":{\"aws:SecureTransport\":\"false\"}}}",
			i, i);
	case 2:
		return snprintf(out, cap,
			"{\"Sid\":\"Tagging%03d\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
			"\"Action\":[\"s3:PutObjectTagging\",\"s3:GetObjectTagging\"],"
			"\"Resource\":\"arn:aws:s3:::data-%03d/*\",\"Condition\":{"
			"\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"team\",\"cost-center\",\"project\"]},"
			"\"NumericLessThanEquals\":{\"s3:max-keys\":\"1000\"},"
			"\"DateGreaterThan\":{\"aws:CurrentTime\":\"2026-01-01T00:00:00Z\"}}}",
			i, i);
	default:
		return snprintf(out, cap,
			"{\"Sid\":\"Guard%03d\",\"Effect\":\"Deny\",\"Principal\":\"*\","
			"\"NotAction\":[\"s3:Get*\",\"s3:List*\"],\"Resource\":\"arn:aws:s3:::archive-%03d/*\","
			"\"Condition\":{\"ArnNotLike\":{\"aws:PrincipalArn\":[\"arn:aws:iam::*:role/admin-*\","
			"\"arn:aws:iam::111122223333:role/ops\"]},"
			"\"StringEqualsIgnoreCase\":{\"aws:RequestedRegion\":\"us-east-1\"}}}",
			i, i);
	}
}

/* A small statement whose Sid carries 'extra' more characters. */
static int pad_statement(char *out, size_t cap, int j, size_t extra)
{
	char sid[64];

	memset(sid, 'x', extra);
	sid[extra] = '\0';
	return snprintf(out, cap,
		"{\"Sid\":\"Pad%03d%s\",\"Effect\":\"Allow\",\"Principal\":\"*\","
		"\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::pad-%03d/*\"}",
		j, sid, j);
}

/* Writes an endpoint policy of exactly ENDPOINT_POLICY_CHARS into buf. */
static size_t generate_20k(char *buf, int *statements)
{
	static const char head[] = "{\"Version\":\"2012-10-17\",\"Id\":\"bench-20k\",\"Statement\":[";
	const size_t limit = ENDPOINT_POLICY_CHARS, tail = 2;
	char st[1024];
	size_t len = 0, n0;
	int i, j, n;

	put(buf, &len, head, sizeof(head) - 1);
	for (i = 0;; i++) {
		n = statement(st, sizeof(st), i);
		/* Leave at least 200 characters for the padding statements. */
		if (len + 1 + (size_t)n + tail + 200 > limit)
			break;
		if (i)
			put(buf, &len, ",", 1);
		put(buf, &len, st, (size_t)n);
	}
	n0 = (size_t)pad_statement(st, sizeof(st), 0, 0);
	for (j = 0;; j++) {
		size_t room = limit - tail - len - 1;	/* less the comma */

		if (room <= n0 + 40) {
			n = pad_statement(st, sizeof(st), j, room - n0);
			put(buf, &len, ",", 1);
			put(buf, &len, st, (size_t)n);
			break;
		}
		n = pad_statement(st, sizeof(st), j, 20);
		put(buf, &len, ",", 1);
		put(buf, &len, st, (size_t)n);
	}
	put(buf, &len, "]}", 2);
	*statements = i + j + 1;
	return len;
}

static void bench_compile(double seconds)
{
	static char doc[ENDPOINT_POLICY_CHARS + 1];
	int statements;
	size_t len = generate_20k(doc, &statements);
	uint64_t n = 0;
	double t0, t;

	if (len != ENDPOINT_POLICY_CHARS)
		die("the generated policy is not 20,480 characters", NULL);
	policy_free(compile_or_die(doc, len, POL_TYPE_ENDPOINT, "generated 20k endpoint policy"));
	t0 = now();
	do {
		for (int i = 0; i < 16; i++) {
			struct policy *p = NULL;

			if (policy_compile(doc, len, POL_TYPE_ENDPOINT, &p, NULL) != 0)
				die("the generated policy stopped compiling", NULL);
			policy_free(p);
		}
		n += 16;
		t = now();
	} while (t - t0 < seconds || n < 256);
	printf("vpce compile_20k_us %.1f\n", (t - t0) * 1e6 / (double)n);
	printf("vpce compile_20k_statements %d chars %zu iterations %" PRIu64 "\n",
	       statements, len, n);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "bench/policy/request.json";
	static char dump[ENDPOINT_POLICY_CHARS + 1];
	int statements;

	if (argc > 1 && strcmp(argv[1], "--dump-20k") == 0) {
		fwrite(dump, 1, generate_20k(dump, &statements), stdout);
		return 0;
	}
	double seconds = argc > 2 ? strtod(argv[2], NULL) : 3.0;
	static struct bench_input in;

	if (seconds <= 0)
		die("SECONDS must be positive", NULL);
	load(&in, path);
	bench_decide(&in, seconds);
	bench_compile(seconds / 3 > 0.5 ? seconds / 3 : 0.5);
	for (size_t l = 0; l < POL_LAYERS; l++)
		for (size_t i = 0; i < in.set.n[l]; i++)
			policy_free(in.compiled[l][i]);
	json_decref(in.root);
	return 0;
}
