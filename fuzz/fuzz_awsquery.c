/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the AWS Query decoder: parses the input as a form, checks the
 * invariants query.h promises, then walks every accessor on the result
 * with prefixes taken from the keys themselves. abort()s on a broken
 * invariant so that libFuzzer reports it.
 */
#include "compat.h"

#include <limits.h>

#include "limits.h"
#include "api/query.h"
#include "base/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keys whose prefixes are walked; bounds the work per input. */
#define WALK_KEYS 64
#define WALK_DOTS 3

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_awsquery: %s\n", what);
	abort();
}

static size_t chars(struct str s)
{
	size_t n = 0;

	for (size_t i = 0; i < s.len; i++)
		n += ((unsigned char)s.p[i] & 0xc0) != 0x80;
	return n;
}

static void check_parsed(const struct query *q)
{
	if (q->n > LIMIT_QUERY_PARAMS)
		fail("too many params");
	for (size_t i = 0; i < q->n; i++) {
		const struct query_param *p = &q->params[i];
		const struct str *v = query_get(q, p->key.p);

		if (!p->key.len || p->key.len > LIMIT_QUERY_KEY_BYTES)
			fail("key length");
		if (memchr(p->key.p, 0, p->key.len) || memchr(p->value.p, 0, p->value.len))
			fail("NUL inside a key or value");
		if (p->key.p[p->key.len] || p->value.p[p->value.len])
			fail("not NUL-terminated");
		if (i && str_cmp(q->params[i - 1].key, p->key) >= 0)
			fail("keys not sorted and unique");
		if (v != &p->value)
			fail("query_get does not find a key");
	}
}

static void walk_list(const struct query *q, struct arena *a, const char *prefix)
{
	struct str vals[LIMIT_QUERY_LIST];
	unsigned idx[LIMIT_QUERY_LIST];
	struct query_tag *t;
	struct err e;
	size_t n;

	if (query_list(q, prefix, vals, ARRAY_SIZE(vals), &n, &e) == 0 && n > ARRAY_SIZE(vals))
		fail("list overflow");
	if (query_indices(q, prefix, idx, ARRAY_SIZE(idx), &n, &e) == 0) {
		if (n > ARRAY_SIZE(idx))
			fail("indices overflow");
		for (size_t i = 1; i < n; i++)
			if (idx[i - 1] >= idx[i])
				fail("indices not increasing");
		for (size_t i = 0; i < n; i++)
			if (!idx[i])
				fail("index 0");
	}
	if (query_tags(q, prefix, a, &t, &n, &e) == 0) {
		if (n > LIMIT_QUERY_TAGS)
			fail("tag count");
		for (size_t i = 0; i < n; i++)
			if (!t[i].key.len || chars(t[i].key) > LIMIT_TAG_KEY_CHARS ||
			    chars(t[i].value) > LIMIT_TAG_VALUE_CHARS ||
			    (!t[i].has_value && t[i].value.len))
				fail("tag checks");
	}
}

static void walk_key(const struct query *q, struct arena *a, struct str key)
{
	char prefix[LIMIT_QUERY_KEY_BYTES + 1];
	unsigned dots = 0;
	struct err e;
	bool on;
	long v;

	memcpy(prefix, key.p, key.len);
	prefix[key.len] = '\0';
	query_bool(q, prefix, false, &on, &e);
	if (query_int(q, prefix, -1000, 1000, 0, &v, &e) == 0 && (v < -1000 || v > 1000))
		fail("int out of range");
	walk_list(q, a, prefix);
	for (size_t i = 0; i < key.len && dots < WALK_DOTS; i++) {
		if (key.p[i] != '.')
			continue;
		prefix[i] = '\0';
		walk_list(q, a, prefix);
		prefix[i] = '.';
		dots++;
	}
}

static void walk(const struct query *q, struct arena *a)
{
	struct query_filter *f;
	struct query_tagspec *s;
	size_t n, total = 0;
	struct err e;

	if (query_filters(q, a, &f, &n, &e) == 0) {
		if (n > LIMIT_QUERY_FILTERS)
			fail("filter count");
		for (size_t i = 0; i < n; i++)
			total += f[i].n_values;
		if (total > LIMIT_QUERY_FILTER_VALUES)
			fail("filter value count");
	} else if (f || n) {
		fail("failed filters left output");
	}
	if (query_tag_specs(q, a, &s, &n, &e) == 0) {
		for (size_t i = 0; i < n; i++)
			if (!s[i].n_tags || s[i].n_tags > LIMIT_QUERY_TAGS)
				fail("tag spec tag count");
	} else if (s || n) {
		fail("failed tag specs left output");
	}
	for (size_t i = 0; i < q->n && i < WALK_KEYS; i++)
		walk_key(q, a, q->params[i].key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct query q;
	struct err e = { 0 };
	int ret;

	if (size > LIMIT_HTTP_BODY_BYTES)
		return 0;
	arena_init(&a, LIMIT_REQUEST_ARENA_BYTES);
	ret = query_parse(&q, str_from((const char *)data, size), &a, &e);
	if (ret < 0) {
		if (q.n || q.params || !e.code)
			fail("failed parse left output or no code");
	} else {
		check_parsed(&q);
		walk(&q, &a);
	}
	arena_release(&a);
	return 0;
}
