/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "policy/input.h"

#include <jansson.h>

#include "base/xalloc.h"
#include "policy/internal.h"
#include "limits.h"

/* Where each input list goes, and the rules its documents are read by. */
static const struct {
	const char *name;
	enum pol_layer layer;
	enum pol_type type;
	size_t max;
} lists[] = {
	{ "identity", POL_LAYER_IDENTITY, POL_TYPE_IDENTITY, 256 },
	{ "resource", POL_LAYER_RESOURCE, POL_TYPE_RESOURCE, 1 },
	{ "endpoint", POL_LAYER_ENDPOINT, POL_TYPE_ENDPOINT, 16 },
	{ "scp", POL_LAYER_SCP, POL_TYPE_SCP, 16 },
	{ "boundary", POL_LAYER_BOUNDARY, POL_TYPE_BOUNDARY, 1 },
};

ATTR_PRINTF(3, 4)
static int fail(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int add_list(struct pol_bundle *in, size_t which, json_t *v, char *msg, size_t size)
{
	enum pol_layer layer = lists[which].layer;
	size_t i;
	json_t *x;

	if (!json_is_array(v))
		return fail(msg, size, "policies.%s must be a list", lists[which].name);
	if (json_array_size(v) > lists[which].max)
		return fail(msg, size, "policies.%s holds at most %zu", lists[which].name,
			    lists[which].max);
	in->layer[layer] = xcalloc(json_array_size(v) + 1, sizeof(*in->layer[layer]));
	json_array_foreach(v, i, x) {
		struct pol_problems probs = { 0 };
		struct policy *p;
		char *text = NULL;
		const char *doc;
		int ret;

		if (json_is_string(x)) {
			doc = json_string_value(x);
		} else if (json_is_object(x)) {
			text = json_dumps(x, JSON_COMPACT | JSON_PRESERVE_ORDER);
			doc = text;
		} else {
			return fail(msg, size, "policies.%s[%zu] must be a policy object or a string",
				    lists[which].name, i);
		}
		ret = doc ? policy_compile(doc, strlen(doc), lists[which].type, &p, &probs) : -EINVAL;
		free(text);
		if (ret < 0) {
			fail(msg, size, "policies.%s[%zu]: %s: %s", lists[which].name, i,
			     probs.n ? probs.v[0].path : "(document)",
			     probs.n ? probs.v[0].msg : "cannot be read");
			pol_problems_release(&probs);
			return -EINVAL;
		}
		in->owned[in->n_owned++] = p;
		in->layer[layer][i] = p;
	}
	in->set.p[layer] = in->layer[layer];
	in->set.n[layer] = json_array_size(v);
	return 0;
}

/* A context value as policy text (the rule policy values follow too). */
static const char *copy_text(struct pol_input *in, json_t *v)
{
	char tmp[POL_REAL_TEXT_MAX];
	const char *text = pol_scalar_text(v, tmp);

	return text ? arena_strdup(&in->strings, str_c(text)) : NULL;
}

static int parse_context(struct pol_input *in, json_t *ctx, char *msg, size_t size)
{
	const char *key;
	json_t *v;
	size_t k = 0;

	if (!ctx)
		return 0;
	if (!json_is_object(ctx))
		return fail(msg, size, "request.context must be an object");
	if (json_object_size(ctx) > LIMIT_POLICY_CONTEXT_KEYS)
		return fail(msg, size, "request.context holds at most %d keys",
			    LIMIT_POLICY_CONTEXT_KEYS);
	in->keys = xcalloc(json_object_size(ctx) + 1, sizeof(*in->keys));
	json_object_foreach(ctx, key, v) {
		size_t n = json_is_array(v) ? json_array_size(v) : 1;
		const char **vals = arena_alloc(&in->strings, (n + 1) * sizeof(*vals));
		size_t *lens = arena_alloc(&in->strings, (n + 1) * sizeof(*lens));

		if (!vals || !lens)
			return fail(msg, size, "request.context is too large");
		for (size_t i = 0; i < n; i++) {
			json_t *x = json_is_array(v) ? json_array_get(v, i) : v;

			vals[i] = copy_text(in, x);
			if (!vals[i])
				return fail(msg, size, "request.context.%.60s must be a string or a "
					    "list of strings", key);
			lens[i] = strlen(vals[i]);
		}
		in->keys[k++] = (struct pol_key){ .name = arena_strdup(&in->strings, str_c(key)),
						  .name_len = strlen(key), .values = vals,
						  .value_lens = lens, .n = n };
	}
	in->req.context = in->keys;
	in->req.n_context = k;
	return in->strings.err ? fail(msg, size, "request.context is too large") : 0;
}

static int parse_request(struct pol_input *in, json_t *r, char *msg, size_t size)
{
	static const char *const fields[] = { "principal", "action", "resource",
					      "resourceAccount", "context" };
	const char **dst[] = { &in->req.principal, &in->req.action, &in->req.resource,
			       &in->req.resource_account };
	const char *key;
	json_t *v;

	if (!json_is_object(r))
		return fail(msg, size, "request must be an object");
	json_object_foreach(r, key, v) {
		bool known = false;

		for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
			known |= strcmp(key, fields[i]) == 0;
		if (!known)
			return fail(msg, size, "request.%.60s is not a request field", key);
	}
	for (size_t i = 0; i < ARRAY_SIZE(dst); i++) {
		v = json_object_get(r, fields[i]);
		if (!v && i < 3)
			return fail(msg, size, "request.%s is required", fields[i]);
		if (v && !json_is_string(v))
			return fail(msg, size, "request.%s must be a string", fields[i]);
		*dst[i] = v ? arena_strdup(&in->strings, str_c(json_string_value(v))) : NULL;
	}
	return parse_context(in, json_object_get(r, "context"), msg, size);
}

static void bundle_free(struct pol_bundle *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n_owned; i++)
		policy_free(b->owned[i]);
	free(b->owned);
	for (int l = 0; l < POL_LAYERS; l++)
		free(b->layer[l]);
	free(b);
}

static struct pol_bundle *bundle_compile(json_t *pols, char *msg, size_t msg_size)
{
	struct pol_bundle *b;
	const char *key;
	size_t total = 0;
	json_t *v;

	if (!json_is_object(pols)) {
		fail(msg, msg_size, "policies must be an object");
		return NULL;
	}
	json_object_foreach(pols, key, v) {
		bool known = false;

		for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
			known |= strcmp(key, lists[i].name) == 0;
		if (!known) {
			fail(msg, msg_size, "policies.%.60s is not a policy list (identity, "
			     "resource, endpoint, scp, boundary)", key);
			return NULL;
		}
		total += json_is_array(v) ? json_array_size(v) : 0;
	}
	b = xcalloc(1, sizeof(*b));
	b->owned = xcalloc(total + 1, sizeof(*b->owned));
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		v = json_object_get(pols, lists[i].name);
		if (v && add_list(b, i, v, msg, msg_size) < 0) {
			bundle_free(b);
			return NULL;
		}
	}
	return b;
}

/*
 * Skips the JSON value at 'p'. The text may be anything: the result is
 * never past 'end', and a wrong answer on bad JSON only costs a cache miss
 * (pol_input_parse() has jansson check the whole line either way).
 */
static const char *skip_value(const char *p, const char *end)
{
	int depth = 0;

	if (p >= end)
		return end;
	do {
		if (*p == '"') {
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\')
					p++;
			p++;
		} else if (*p == '{' || *p == '[') {
			depth++;
			p++;
		} else if (*p == '}' || *p == ']') {
			depth--;
			p++;
		} else if (depth > 0) {
			p++;
		} else {
			while (p < end && !strchr(",}] \t\r\n", *p))
				p++;
		}
	} while (p < end && depth > 0);
	return p < end ? p : end;
}

/*
 * Finds the text of the top-level "policies" value in 'text' (any bytes).
 * False when there is none written plainly (an escaped key, say).
 */
static bool policies_text(const char *text, size_t len, const char **out, size_t *n)
{
	const char *p = text, *end = text + len;

	while (p < end && *p != '{')
		p++;
	for (p++; p < end;) {
		const char *key, *val;
		size_t klen;

		while (p < end && *p != '"' && *p != '}')
			p++;
		if (p >= end || *p == '}')
			return false;
		key = p + 1;
		p = skip_value(p, end);
		klen = (size_t)(p - key - 1);
		while (p < end && *p != ':')
			p++;
		for (p++; p < end && strchr(" \t\r\n", *p); p++)
			;
		val = p;
		p = skip_value(p, end);
		if (klen == 8 && memcmp(key, "policies", 8) == 0) {
			*out = val;
			*n = (size_t)(p - val);
			return true;
		}
		while (p < end && *p != ',' && *p != '}')
			p++;
		if (p < end && *p == '}')
			return false;
		p++;
	}
	return false;
}

static struct pol_bundle *cache_find(struct pol_cache *c, const char *text, size_t len)
{
	for (size_t i = 0; i < POL_CACHE_SLOTS; i++)
		if (c->slot[i].bundle && c->slot[i].len == len &&
		    memcmp(c->slot[i].text, text, len) == 0)
			return c->slot[i].bundle;
	return NULL;
}

static void cache_put(struct pol_cache *c, const char *text, size_t len, struct pol_bundle *b)
{
	size_t i = c->next++ % POL_CACHE_SLOTS;

	free(c->slot[i].text);
	bundle_free(c->slot[i].bundle);
	c->slot[i].text = xmalloc(len);
	memcpy(c->slot[i].text, text, len);
	c->slot[i].len = len;
	c->slot[i].bundle = b;
}

void pol_cache_release(struct pol_cache *c)
{
	for (size_t i = 0; i < POL_CACHE_SLOTS; i++) {
		free(c->slot[i].text);
		bundle_free(c->slot[i].bundle);
	}
	memset(c, 0, sizeof(*c));
}

/* Checks the top level of an input: an object of "policies" and "request". */
static int check_top(json_t *root, char *msg, size_t msg_size)
{
	const char *key;
	json_t *v;

	if (!json_is_object(root))
		return fail(msg, msg_size, "the input must be an object with policies and request");
	json_object_foreach(root, key, v)
		if (strcmp(key, "policies") && strcmp(key, "request"))
			return fail(msg, msg_size, "%.60s is not an input field (policies, request)",
				    key);
	return 0;
}

/*
 * The fast path of a cache hit: the line with its policies text (known good
 * JSON, byte for byte a cached one) replaced by null must parse, and hold
 * that null as its policies; then the whole line is good JSON and the cached
 * bundle is its policies. Returns the parsed line, or NULL to take the slow
 * path.
 */
static json_t *parse_around(const char *text, size_t len, const char *ptext, size_t plen)
{
	size_t head = (size_t)(ptext - text), tail = len - head - plen;
	char *m = xmalloc(head + 4 + tail);
	json_t *root;

	memcpy(m, text, head);
	memcpy(m + head, "null", 4);
	memcpy(m + head + 4, ptext + plen, tail);
	root = json_loadb(m, head + 4 + tail, JSON_REJECT_DUPLICATES, NULL);
	free(m);
	if (root && (!json_is_object(root) || !json_is_null(json_object_get(root, "policies")))) {
		json_decref(root);
		root = NULL;
	}
	return root;
}

int pol_input_parse(const char *text, size_t len, struct pol_cache *cache,
		    struct pol_input *in, char *msg, size_t msg_size)
{
	const char *ptext = NULL;
	size_t plen = 0;
	json_error_t jerr;
	json_t *root = NULL;
	int ret = -EINVAL;

	memset(in, 0, sizeof(*in));
	arena_init(&in->strings, LIMIT_POLICY_INPUT_BYTES);
	if (cache && policies_text(text, len, &ptext, &plen)) {
		in->bundle = cache_find(cache, ptext, plen);
		if (in->bundle && !(root = parse_around(text, len, ptext, plen)))
			in->bundle = NULL;
		in->cached = in->bundle != NULL;
	}
	if (!root) {
		root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
		if (!root)
			return fail(msg, msg_size, "not valid JSON: %s (line %d, column %d)",
				    jerr.text, jerr.line, jerr.column);
	}
	if (check_top(root, msg, msg_size) < 0)
		goto out;
	if (!in->bundle) {
		in->bundle = bundle_compile(json_object_get(root, "policies"), msg, msg_size);
		if (!in->bundle)
			goto out;
		if (cache && ptext) {
			cache_put(cache, ptext, plen, in->bundle);
			in->cached = true;
		}
	}
	ret = parse_request(in, json_object_get(root, "request"), msg, msg_size);
	if (ret == 0 && in->strings.err)
		ret = fail(msg, msg_size, "the request is too large");
out:
	json_decref(root);
	return ret;
}

void pol_input_release(struct pol_input *in)
{
	if (!in->cached)
		bundle_free(in->bundle);
	free(in->keys);
	arena_release(&in->strings);
	memset(in, 0, sizeof(*in));
}

void pol_result_json(const struct pol_set *set, const struct pol_result *res, struct buf *out)
{
	static const enum pol_layer missing_order[] = {
		POL_LAYER_SCP, POL_LAYER_ENDPOINT, POL_LAYER_IDENTITY, POL_LAYER_BOUNDARY,
		POL_LAYER_RESOURCE,
	};
	bool first = true;

	buf_adds(out, "{\"decision\": ");
	buf_addjson(out, pol_decision_name(res->decision));
	buf_adds(out, ", \"matched\": [");
	for (size_t i = 0; i < res->n_matched; i++) {
		const struct pol_match *m = &res->matched[i];
		const char *sid = policy_sid(set->p[m->layer][m->index], m->statement);

		buf_addf(out, "%s{\"policy\": \"%s\", \"index\": %u, \"statement\": %u",
			 i ? ", " : "", pol_layer_name(m->layer), m->index, m->statement);
		if (sid) {
			buf_adds(out, ", \"sid\": ");
			buf_addjson(out, sid);
		}
		buf_addc(out, '}');
	}
	buf_addc(out, ']');
	if (res->decision == POL_IMPLICIT_DENY) {
		buf_adds(out, ", \"missing\": [");
		for (size_t i = 0; i < ARRAY_SIZE(missing_order); i++) {
			if (!(res->missing & (1u << missing_order[i])))
				continue;
			buf_addf(out, "%s\"%s\"", first ? "" : ", ",
				 pol_layer_name(missing_order[i]));
			first = false;
		}
		buf_addc(out, ']');
	}
	buf_addc(out, '}');
}

void pol_error_json(const char *msg, struct buf *out)
{
	buf_adds(out, "{\"error\": ");
	buf_addjson(out, msg);
	buf_addc(out, '}');
}
