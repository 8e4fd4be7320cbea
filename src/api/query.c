/* SPDX-License-Identifier: MIT */
/*
 * AWS Query decoding. Keys are kept sorted bytewise, so every "prefix." is
 * one contiguous run found by binary search, and within a run the keys of
 * one "prefix.N." are contiguous too ('.' sorts before every digit).
 */
#include "compat.h"
#include "api/query.h"

#include <limits.h>
#include <stdarg.h>

/* Longest list index: UINT_MAX has 10 decimal digits. */
#define INDEX_DIGITS 10

/* How much of a client's value an error message quotes. */
#define ECHO_BYTES 128

struct range {
	size_t lo, hi;	/* params[lo..hi) start with "prefix." */
	size_t skip;	/* bytes of "prefix." */
};

/* The sub-keys allowed after "prefix.N." by a structured list. */
struct fields {
	const char *exact[2];	/* whole sub-keys; NULL-padded */
	const char *under;	/* a sub-key prefix, or NULL */
};

static const struct fields filter_fields = { { "Name", NULL }, "Value." };
static const struct fields tag_fields = { { "Key", "Value" }, NULL };
static const struct fields spec_fields = { { "ResourceType", NULL }, "Tag." };

static int nomem(struct err *e)
{
	err_fail(e, "InvalidRequest", "The request is too large to process");
	return -ENOMEM;
}

static int unknown(struct err *e, struct str key)
{
	return err_fail(e, "UnknownParameter", "The parameter %.*s is not recognized",
			(int)MIN(key.len, (size_t)ECHO_BYTES), key.p);
}

static void *arena_array(struct arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return arena_alloc(a, n * size);
}

/* Decodes one key or value of a form into 'a'. */
static int decode(struct str in, struct arena *a, struct str *out, struct err *e)
{
	char *p = arena_alloc(a, in.len + 1);
	size_t j = 0;

	if (!p)
		return nomem(e);
	for (size_t i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.p[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;

			if (in.len - i < 3 || (hi = str_hex_digit(in.p[i + 1])) < 0 ||
			    (lo = str_hex_digit(in.p[i + 2])) < 0)
				return err_fail(e, "MalformedQueryString",
						"The query string contains a syntax error: "
						"'%%' must be followed by two hex digits");
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (c == '\0')
			return err_fail(e, "MalformedQueryString",
					"The query string contains a syntax error: a NUL byte");
		p[j++] = (char)c;
	}
	p[j] = '\0';
	*out = str_from(p, j);
	return 0;
}

static int param_cmp(const void *x, const void *y)
{
	const struct query_param *a = x, *b = y;

	return str_cmp(a->key, b->key);
}

static size_t count_pairs(struct str form)
{
	size_t n = 0, start = 0;

	for (size_t i = 0; i <= form.len; i++) {
		if (i < form.len && form.p[i] != '&')
			continue;
		n += i > start;
		start = i + 1;
	}
	return n;
}

static int parse_pair(struct query_param *qp, struct str pair, struct arena *a,
		      struct err *e)
{
	struct str raw_key;
	int ret;

	if (!str_cut(&pair, '=', &raw_key)) {
		raw_key = pair;
		pair = STR_EMPTY;
	}
	if (!raw_key.len)
		return err_fail(e, "MalformedQueryString",
				"The query string contains a syntax error: an empty parameter name");
	/* Each decoded byte takes at most three encoded ones. */
	if (raw_key.len / 3 > LIMIT_QUERY_KEY_BYTES)
		goto too_long;
	ret = decode(raw_key, a, &qp->key, e);
	if (ret < 0)
		return ret;
	if (qp->key.len > LIMIT_QUERY_KEY_BYTES)
		goto too_long;
	return decode(pair, a, &qp->value, e);
too_long:
	return err_fail(e, "InvalidQueryParameter",
			"A parameter name is longer than %d bytes", LIMIT_QUERY_KEY_BYTES);
}

static int parse(struct query *q, struct str form, struct arena *a, struct err *e)
{
	size_t n = count_pairs(form), i = 0;
	struct str rest = form, pair;
	int ret;

	if (n > LIMIT_QUERY_PARAMS)
		return err_fail(e, "InvalidQueryParameter",
				"The request has more than %d parameters", LIMIT_QUERY_PARAMS);
	if (!n)
		return 0;
	q->params = arena_array(a, n, sizeof(*q->params));
	if (!q->params)
		return nomem(e);
	/* count_pairs() saw exactly 'n' non-empty pairs in these bytes. */
	while (i < n && rest.len) {
		if (!str_cut(&rest, '&', &pair)) {
			pair = rest;
			rest = STR_EMPTY;
		}
		if (!pair.len)
			continue;
		ret = parse_pair(&q->params[i++], pair, a, e);
		if (ret < 0)
			return ret;
	}
	q->n = n = i;
	qsort(q->params, n, sizeof(*q->params), param_cmp);
	for (i = 1; i < n; i++) {
		struct str k = q->params[i].key;

		if (str_eq(k, q->params[i - 1].key))
			return err_fail(e, "InvalidQueryParameter",
					"The parameter '%.*s' may only be specified once",
					(int)k.len, k.p);
	}
	return 0;
}

int query_parse(struct query *q, struct str form, struct arena *a, struct err *e)
{
	int ret;

	*q = (struct query){ 0 };
	ret = parse(q, form, a, e);
	if (ret < 0)
		*q = (struct query){ 0 };
	return ret;
}

/* Index of the first key not less than 'key'. */
static size_t lower_bound(const struct query *q, struct str key)
{
	size_t lo = 0, hi = q->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (str_cmp(q->params[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct str *query_get(const struct query *q, const char *key)
{
	struct str k = str_c(key);
	size_t i = lower_bound(q, k);

	if (i < q->n && str_eq(q->params[i].key, k))
		return &q->params[i].value;
	return NULL;
}

/* Like query_get() for a key built from a format; NULL if it cannot exist. */
ATTR_PRINTF(2, 3)
static const struct str *query_getf(const struct query *q, const char *fmt, ...)
{
	char key[LIMIT_QUERY_KEY_BYTES + 1];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(key))
		return NULL;
	return query_get(q, key);
}

/* Finds the keys under "prefix."; an empty range if none can exist. */
static struct range prefix_range(const struct query *q, const char *prefix)
{
	char buf[LIMIT_QUERY_KEY_BYTES + 1];
	size_t len = strlen(prefix);
	struct range r = { 0 };
	struct str pfx;

	/* A member needs "prefix." and at least one digit. */
	if (len + 2 > LIMIT_QUERY_KEY_BYTES)
		return r;
	memcpy(buf, prefix, len);
	buf[len] = '.';
	pfx = str_from(buf, len + 1);
	r.lo = r.hi = lower_bound(q, pfx);
	while (r.hi < q->n && str_starts_with(q->params[r.hi].key, pfx))
		r.hi++;
	r.skip = len + 1;
	return r;
}

static struct str after(const struct query *q, const struct range *r, size_t i)
{
	struct str k = q->params[i].key;

	return str_from(k.p + r->skip, k.len - r->skip);
}

/* Parses a list index: 1 to UINT_MAX, decimal, no leading zero. */
static bool parse_index(struct str s, unsigned *out)
{
	uint64_t v;

	if (!s.len || s.len > INDEX_DIGITS || s.p[0] == '0' ||
	    str_to_u64(s, UINT_MAX, &v) < 0)
		return false;
	*out = (unsigned)v;
	return true;
}

/*
 * Checks that every key under "prefix." is a list member and counts them.
 * Without leading zeros, indices of one length sort bytewise in numeric
 * order and shorter ones are smaller, so filling takes one pass per length.
 */
static int list_scan(const struct query *q, const char *prefix, struct range *r,
		     size_t *count, struct err *e)
{
	unsigned idx;

	*r = prefix_range(q, prefix);
	for (size_t i = r->lo; i < r->hi; i++)
		if (!parse_index(after(q, r, i), &idx))
			return unknown(e, q->params[i].key);
	*count = r->hi - r->lo;
	return 0;
}

static void list_fill(const struct query *q, const struct range *r, struct str *out)
{
	size_t n = 0;

	for (size_t len = 1; len <= INDEX_DIGITS && n < r->hi - r->lo; len++)
		for (size_t i = r->lo; i < r->hi; i++)
			if (after(q, r, i).len == len)
				out[n++] = q->params[i].value;
}

int query_list(const struct query *q, const char *prefix, struct str *out,
	       size_t max, size_t *n, struct err *e)
{
	struct range r;
	size_t count;
	int ret;

	*n = 0;
	ret = list_scan(q, prefix, &r, &count, e);
	if (ret < 0)
		return ret;
	if (count > max)
		return err_fail(e, "InvalidRequest",
				"%zu exceeds the maximum number of %s values that can be specified (%zu)",
				count, prefix, max);
	list_fill(q, &r, out);
	*n = count;
	return 0;
}

static bool field_allowed(const struct fields *f, struct str sub)
{
	if (!f)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(f->exact); i++)
		if (f->exact[i] && str_eq_c(sub, f->exact[i]))
			return true;
	return f->under && sub.len > strlen(f->under) &&
	       str_starts_with(sub, str_c(f->under));
}

/* Splits "N.sub" into the digits of N and 'sub'; false if malformed. */
static bool split_index(struct str rest, struct str *digits, struct str *sub)
{
	unsigned idx;

	if (!str_cut(&rest, '.', digits) || !rest.len || !parse_index(*digits, &idx))
		return false;
	*sub = rest;
	return true;
}

/*
 * The work of query_indices(), with the sub-keys limited to 'f' (NULL: any).
 * Returns -E2BIG, leaving 'e' alone, when there are more than 'max' indices,
 * so that each caller can report its own limit.
 */
static int indices(const struct query *q, const char *prefix, const struct fields *f,
		   unsigned *out, size_t max, size_t *n, struct err *e)
{
	struct range r = prefix_range(q, prefix);
	struct str digits, prev = STR_EMPTY, sub;
	size_t count = 0;

	*n = 0;
	for (size_t i = r.lo; i < r.hi; i++) {
		if (!split_index(after(q, &r, i), &digits, &sub) || !field_allowed(f, sub))
			return unknown(e, q->params[i].key);
		count += !str_eq(digits, prev);
		prev = digits;
	}
	if (count > max)
		return -E2BIG;
	for (size_t len = 1; len <= INDEX_DIGITS && *n < count; len++) {
		for (size_t i = r.lo; i < r.hi; i++) {
			unsigned idx = 0;

			split_index(after(q, &r, i), &digits, &sub);
			if (digits.len != len)
				continue;
			parse_index(digits, &idx);
			if (!*n || out[*n - 1] != idx)
				out[(*n)++] = idx;
		}
	}
	return 0;
}

int query_indices(const struct query *q, const char *prefix, unsigned *out,
		  size_t max, size_t *n, struct err *e)
{
	int ret = indices(q, prefix, NULL, out, max, n, e);

	if (ret == -E2BIG)
		return err_fail(e, "InvalidRequest",
				"The number of %s entries exceeds the maximum that can be specified (%zu)",
				prefix, max);
	return ret;
}

static void echo(char *dst, size_t size, struct str s)
{
	str_copy(str_from(s.p, MIN(s.len, size - 1)), dst, size);
}

/* Code points in 's', counting each byte that does not continue one. */
static size_t utf8_chars(struct str s)
{
	size_t n = 0;

	for (size_t i = 0; i < s.len; i++)
		n += ((unsigned char)s.p[i] & 0xc0) != 0x80;
	return n;
}

int query_bool(const struct query *q, const char *key, bool dflt, bool *out,
	       struct err *e)
{
	const struct str *v = query_get(q, key);
	char shown[ECHO_BYTES + 1];

	if (!v) {
		*out = dflt;
		return 0;
	}
	if (str_eq_nocase(*v, STR_LIT("true"))) {
		*out = true;
		return 0;
	}
	if (str_eq_nocase(*v, STR_LIT("false"))) {
		*out = false;
		return 0;
	}
	echo(shown, sizeof(shown), *v);
	return err_fail(e, "InvalidParameterValue",
			"Value ( %s ) for parameter %s is invalid. Expecting 'true' or 'false'.",
			shown, key);
}

int query_int(const struct query *q, const char *key, long min, long max,
	      long dflt, long *out, struct err *e)
{
	const struct str *v = query_get(q, key);
	char shown[ECHO_BYTES + 1];
	struct str digits;
	bool neg;
	uint64_t mag;
	long val;

	if (!v) {
		*out = dflt;
		return 0;
	}
	echo(shown, sizeof(shown), *v);
	neg = v->len && v->p[0] == '-';
	digits = neg ? str_from(v->p + 1, v->len - 1) : *v;
	if (str_to_u64(digits, neg ? (uint64_t)LONG_MAX + 1 : (uint64_t)LONG_MAX, &mag) < 0)
		return err_fail(e, "InvalidParameterValue",
				"Value ( %s ) for parameter %s is invalid. Expecting an integer.",
				shown, key);
	if (!neg)
		val = (long)mag;
	else if (mag == (uint64_t)LONG_MAX + 1)
		val = LONG_MIN;
	else
		val = -(long)mag;
	if (val < min)
		return err_fail(e, "InvalidParameterValue",
				"Value ( %s ) for parameter %s is invalid. "
				"Expecting a value greater than or equal to %ld.",
				shown, key, min);
	if (val > max)
		return err_fail(e, "InvalidParameterValue",
				"Value ( %s ) for parameter %s is invalid. "
				"Expecting a value less than or equal to %ld.",
				shown, key, max);
	*out = val;
	return 0;
}

static int filter_values(const struct query *q, unsigned idx, struct arena *a,
			 struct query_filter *f, size_t *total, struct err *e)
{
	char prefix[LIMIT_QUERY_KEY_BYTES + 1];
	struct range r;
	size_t count;
	int ret;

	snprintf(prefix, sizeof(prefix), "Filter.%u.Value", idx);
	ret = list_scan(q, prefix, &r, &count, e);
	if (ret < 0)
		return ret;
	if (count > LIMIT_QUERY_FILTER_VALUES - *total)
		return err_fail(e, "FilterLimitExceeded",
				"The maximum number of filter values specified on a single call is %d",
				LIMIT_QUERY_FILTER_VALUES);
	*total += count;
	if (!count)
		return 0;
	f->values = arena_array(a, count, sizeof(*f->values));
	if (!f->values)
		return nomem(e);
	list_fill(q, &r, f->values);
	f->n_values = count;
	for (size_t i = 0; i < count; i++)
		if (utf8_chars(f->values[i]) > LIMIT_QUERY_FILTER_VALUE_CHARS)
			return err_fail(e, "FilterLimitExceeded",
					"The maximum length for a filter value is %d characters",
					LIMIT_QUERY_FILTER_VALUE_CHARS);
	return 0;
}

static int filters(const struct query *q, struct arena *a,
		   struct query_filter **out, size_t *n, struct err *e)
{
	unsigned idx[LIMIT_QUERY_FILTERS];
	struct query_filter *f;
	size_t ni, total = 0;
	int ret;

	ret = indices(q, "Filter", &filter_fields, idx, ARRAY_SIZE(idx), &ni, e);
	if (ret == -E2BIG)
		return err_fail(e, "FilterLimitExceeded",
				"The maximum number of filters specified on a single call is %d",
				LIMIT_QUERY_FILTERS);
	if (ret < 0 || !ni)
		return ret;
	f = arena_array(a, ni, sizeof(*f));
	if (!f)
		return nomem(e);
	for (size_t i = 0; i < ni; i++) {
		const struct str *name = query_getf(q, "Filter.%u.Name", idx[i]);

		/* EC2 names a missing filter name after Java's null. */
		if (!name)
			return err_fail(e, "InvalidParameterValue", "The filter 'null' is invalid");
		f[i].name = *name;
		ret = filter_values(q, idx[i], a, &f[i], &total, e);
		if (ret < 0)
			return ret;
	}
	*out = f;
	*n = ni;
	return 0;
}

int query_filters(const struct query *q, struct arena *a,
		  struct query_filter **out, size_t *n, struct err *e)
{
	int ret;

	*out = NULL;
	*n = 0;
	ret = filters(q, a, out, n, e);
	if (ret < 0) {
		*out = NULL;
		*n = 0;
	}
	return ret;
}

/* The checks EC2's CreateTags applies to one tag, with its messages. */
static int tag_check(const struct query_tag *t, struct err *e)
{
	char shown[ECHO_BYTES + 1];

	if (!t->key.len)
		return err_fail(e, "InvalidParameterValue",
				"Value ( '' ) for parameter Tag key is invalid. "
				"Tag key cannot be null or empty.");
	/* Tag restrictions reserve "aws:" in any case combination. */
	if (str_eq_nocase(str_from(t->key.p, MIN(t->key.len, (size_t)4)), STR_LIT("aws:"))) {
		echo(shown, sizeof(shown), t->key);
		return err_fail(e, "InvalidParameterValue",
				"Value ( %s ) for parameter key is invalid. "
				"Tag keys starting with 'aws:' are reserved for internal use",
				shown);
	}
	if (utf8_chars(t->key) > LIMIT_TAG_KEY_CHARS)
		return err_fail(e, "InvalidParameterValue",
				"Tag key exceeds the maximum length of %d characters",
				LIMIT_TAG_KEY_CHARS);
	if (utf8_chars(t->value) > LIMIT_TAG_VALUE_CHARS)
		return err_fail(e, "InvalidParameterValue",
				"Tag value exceeds the maximum length of %d characters",
				LIMIT_TAG_VALUE_CHARS);
	return 0;
}

static int tags(const struct query *q, const char *prefix, struct arena *a,
		struct query_tag **out, size_t *n, struct err *e)
{
	unsigned idx[LIMIT_QUERY_TAGS];
	struct query_tag *t;
	size_t ni;
	int ret;

	*out = NULL;
	*n = 0;
	ret = indices(q, prefix, &tag_fields, idx, ARRAY_SIZE(idx), &ni, e);
	if (ret == -E2BIG)
		return err_fail(e, "TagLimitExceeded",
				"The maximum number of Tags for a resource has been reached.");
	if (ret < 0 || !ni)
		return ret;
	t = arena_array(a, ni, sizeof(*t));
	if (!t)
		return nomem(e);
	for (size_t i = 0; i < ni; i++) {
		const struct str *k = query_getf(q, "%s.%u.Key", prefix, idx[i]);
		const struct str *v = query_getf(q, "%s.%u.Value", prefix, idx[i]);

		t[i].key = k ? *k : STR_EMPTY;
		t[i].value = v ? *v : STR_EMPTY;
		t[i].has_value = v != NULL;
		ret = tag_check(&t[i], e);
		if (ret < 0)
			return ret;
	}
	*out = t;
	*n = ni;
	return 0;
}

int query_tags(const struct query *q, const char *prefix, struct arena *a,
	       struct query_tag **out, size_t *n, struct err *e)
{
	int ret = tags(q, prefix, a, out, n, e);

	if (ret < 0) {
		*out = NULL;
		*n = 0;
	}
	return ret;
}

static int tag_specs(const struct query *q, struct arena *a,
		     struct query_tagspec **out, size_t *n, struct err *e)
{
	unsigned idx[LIMIT_QUERY_LIST];
	struct query_tagspec *s;
	size_t ni;
	int ret;

	ret = indices(q, "TagSpecification", &spec_fields, idx, ARRAY_SIZE(idx), &ni, e);
	if (ret == -E2BIG)
		return err_fail(e, "InvalidRequest",
				"The number of TagSpecification entries exceeds the maximum "
				"that can be specified (%d)", LIMIT_QUERY_LIST);
	if (ret < 0 || !ni)
		return ret;
	s = arena_array(a, ni, sizeof(*s));
	if (!s)
		return nomem(e);
	for (size_t i = 0; i < ni; i++) {
		const struct str *rt = query_getf(q, "TagSpecification.%u.ResourceType", idx[i]);
		char prefix[LIMIT_QUERY_KEY_BYTES + 1];

		s[i].resource_type = rt ? *rt : STR_EMPTY;
		snprintf(prefix, sizeof(prefix), "TagSpecification.%u.Tag", idx[i]);
		ret = tags(q, prefix, a, &s[i].tags, &s[i].n_tags, e);
		if (ret < 0)
			return ret;
		if (!s[i].n_tags)
			return err_fail(e, "InvalidParameterValue",
					"Tag specification must have at least one tag");
	}
	*out = s;
	*n = ni;
	return 0;
}

int query_tag_specs(const struct query *q, struct arena *a,
		    struct query_tagspec **out, size_t *n, struct err *e)
{
	int ret;

	*out = NULL;
	*n = 0;
	ret = tag_specs(q, a, out, n, e);
	if (ret < 0) {
		*out = NULL;
		*n = 0;
	}
	return ret;
}
