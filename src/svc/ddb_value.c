/* SPDX-License-Identifier: MIT */
/*
 * Attribute values as DynamoDB reads them: the JSON types of each member
 * (SerializationException, as AWS's deserializer words it), then their
 * rules (ValidationException), then canonical form; their size, equality
 * and order. A value is a jansson object with one type member: {"N":"1"}.
 */
#include "compat.h"
#include "svc/ddb_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <strings.h>

#include "base/xalloc.h"

int ddb_fail(struct ddb_err *e, const char *type, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -EINVAL;
	e->type = type;
	e->status = 400;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int ddb_fail_wrap(struct ddb_err *e, const char *before, const char *middle, const char *after)
{
	char was[sizeof(e->msg)];

	memcpy(was, e->msg, sizeof(was));
	return ddb_fail(e, DDB_VALIDATION, "%s%s%s%.200s", before, was, middle, after);
}

int ddb_fail_io(struct ddb_err *e)
{
	ddb_fail(e, DDB_INTERNAL, "Internal server error");
	if (e)
		e->status = 500;
	return -EIO;
}

void ddb_err_release(struct ddb_err *e)
{
	json_decref(e->item);
	e->item = NULL;
}

void ddb_verr_init(struct ddb_verr *v)
{
	v->n = 0;
	buf_init(&v->b, LIMIT_DDB_ERROR_BYTES);
}

void ddb_verr_add(struct ddb_verr *v, const char *value, const char *where, const char *fmt, ...)
{
	va_list ap;

	if (v->n++ >= LIMIT_DDB_VALIDATION_ERRORS)
		return;
	if (v->n > 1)
		buf_adds(&v->b, "; ");
	if (value)
		buf_addf(&v->b, "Value '%s' at '%s' failed to satisfy constraint: ", value, where);
	else
		buf_addf(&v->b, "Value null at '%s' failed to satisfy constraint: ", where);
	va_start(ap, fmt);
	buf_vaddf(&v->b, fmt, ap);
	va_end(ap);
}

int ddb_verr_finish(struct ddb_verr *v, struct ddb_err *e)
{
	int n = MIN(v->n, LIMIT_DDB_VALIDATION_ERRORS), ret = 0;

	if (n)
		ret = ddb_fail(e, DDB_VALIDATION, "%d validation error%s detected: %s", n,
			       n > 1 ? "s" : "", v->b.p);
	buf_release(&v->b);
	return ret;
}

json_t *ddb_member(const json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);

	return v && !json_is_null(v) ? v : NULL;
}

/* Coral reads these strings as Booleans, in any case. */
static int bool_word(const char *s)
{
	static const char *const yes[] = { "TRUE", "YES", "1" }, *const no[] = { "FALSE", "NO", "0" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -1;
}

bool ddb_bool(const json_t *v, bool dflt)
{
	if (!v || json_is_null(v))
		return dflt;
	if (json_is_string(v))
		return bool_word(json_string_value(v)) == 1;
	return json_is_true(v);
}

static const char *const want_names[] = {
	[W_STRING] = "an String", [W_INTEGER] = "an Integer", [W_LONG] = "an Long",
	[W_BOOL] = "an Boolean", [W_BLOB] = "a Blob",
};

static int scalar_as_want(const json_t *v, enum ddb_want w, struct ddb_err *e)
{
	const char *cls = json_is_boolean(v) ? "java.lang.Boolean" :
			  json_is_string(v) ? "java.lang.String" :
			  "com.amazon.coral.value.json.numbers.TruncatingBigNumber";

	if (w == W_LIST)
		return ddb_fail(e, DDB_SERIALIZATION, "Expected list or null");
	if (w == W_MAP)
		return ddb_fail(e, DDB_SERIALIZATION, "Expected map or null");
	if (w == W_STRUCT)
		return ddb_fail(e, DDB_SERIALIZATION, "Expected null");
	if (w == W_BOOL && json_is_string(v)) {
		char upper[201];
		size_t i;

		if (bool_word(json_string_value(v)) >= 0)
			return 0;
		/* The deserializer echoes the string upper-cased. */
		for (i = 0; i + 1 < sizeof(upper) && json_string_value(v)[i]; i++)
			upper[i] = (char)toupper((unsigned char)json_string_value(v)[i]);
		upper[i] = '\0';
		return ddb_fail(e, DDB_SERIALIZATION, "'%s' can not be converted to an Boolean", upper);
	}
	if ((w == W_STRING || w == W_BLOB) && json_is_string(v))
		return 0;
	if ((w == W_INTEGER || w == W_LONG) && json_is_number(v))
		return 0;
	if (w == W_BOOL && json_is_boolean(v))
		return 0;
	return ddb_fail(e, DDB_SERIALIZATION, "class %s can not be converted to %s", cls,
			want_names[w]);
}

int ddb_want(const json_t *v, enum ddb_want w, struct ddb_err *e)
{
	if (!v || json_is_null(v))
		return 0;
	if (json_is_array(v))
		return w == W_LIST ? 0 :
		       ddb_fail(e, DDB_SERIALIZATION, "Start of list found where not expected");
	if (json_is_object(v))
		return w == W_MAP || w == W_STRUCT ? 0 :
		       ddb_fail(e, DDB_SERIALIZATION,
				"Start of structure or map found where not expected.");
	return scalar_as_want(v, w, e);
}

static const char *const type_names[DT_COUNT] = {
	"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS",
};

const char *ddb_type_name(enum ddb_type t)
{
	return t > DT_NONE && t < DT_COUNT ? type_names[t] : "";
}

enum ddb_type ddb_type_parse(const char *name, size_t len)
{
	for (int t = 0; t < DT_COUNT; t++)
		if (strlen(type_names[t]) == len && !memcmp(type_names[t], name, len))
			return (enum ddb_type)t;
	return DT_NONE;
}

enum ddb_type ddb_type_of(const json_t *av)
{
	const char *key;
	json_t *v;

	if (!json_is_object(av) || json_object_size(av) != 1)
		return DT_NONE;
	json_object_foreach((json_t *)av, key, v)
		return ddb_type_parse(key, strlen(key));
	return DT_NONE;
}

json_t *ddb_av_content(const json_t *av)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)av, key, v)
		return v;
	return NULL;
}

json_t *ddb_av_new(enum ddb_type t, json_t *content)
{
	json_t *av = json_object();

	json_object_set_new(av, ddb_type_name(t), content);
	return av;
}

#define B64_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="

static int too_deep(struct ddb_err *e)
{
	return ddb_fail(e, DDB_VALIDATION, "Nesting Levels have exceeded supported limits: "
			"Attributes in the item have nested levels beyond supported limit");
}

static int blob_shape(const json_t *v, struct ddb_err *e)
{
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	struct buf scratch;
	int ret;

	if (len % 4)
		return ddb_fail(e, DDB_SERIALIZATION, "'%.200s' can not be converted to a Blob: Base64 "
				"encoded length is expected a multiple of 4 bytes but found: %zu",
				s, len);
	for (size_t i = 0; i < len; i++) {
		/* The first byte out of the alphabet starts a whole UTF-8 character. */
		unsigned char c = (unsigned char)s[i];
		int n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;

		if (!strchr(B64_CHARS, s[i]) || !s[i] || (s[i] == '=' && i + 1 < len && s[i + 1] != '='))
			return ddb_fail(e, DDB_SERIALIZATION, "'%.200s' can not be converted to a Blob: "
					"Invalid Base64 character: '%.*s'", s,
					(int)MIN((size_t)n, len - i), s + i);
	}
	buf_init(&scratch, len + 4);
	ret = ddb_b64_decode(s, len, &scratch);
	buf_release(&scratch);
	if (ret < 0)
		return ddb_fail(e, DDB_SERIALIZATION, "'%.200s' can not be converted to a Blob: "
				"Invalid last non-pad Base64 character dectected", s);
	return 0;
}

static int list_shape(const json_t *v, enum ddb_want elem, int depth, struct ddb_err *e)
{
	size_t i;
	json_t *x;
	int ret = ddb_want(v, W_LIST, e);

	json_array_foreach(v, i, x) {
		if (ret < 0)
			return ret;
		if (json_is_null(x))
			return ddb_fail(e, DDB_SERIALIZATION, "Unexpected null in a list");
		ret = elem == W_STRUCT ? ddb_av_shape(x, depth + 1, e) : ddb_want(x, elem, e);
		if (!ret && elem == W_BLOB)
			ret = blob_shape(x, e);
	}
	return ret;
}

static int member_shape(enum ddb_type t, const json_t *v, int depth, struct ddb_err *e)
{
	int ret;

	switch (t) {
	case DT_S:
	case DT_N:
		return ddb_want(v, W_STRING, e);
	case DT_B:
		ret = ddb_want(v, W_BLOB, e);
		return ret < 0 ? ret : blob_shape(v, e);
	case DT_BOOL:
	case DT_NULL:
		return ddb_want(v, W_BOOL, e);
	case DT_M:
		ret = ddb_want(v, W_MAP, e);
		return ret < 0 ? ret : ddb_map_shape(v, depth + 1, e);
	case DT_L:
		return list_shape(v, W_STRUCT, depth, e);
	case DT_SS:
	case DT_NS:
		return list_shape(v, W_STRING, depth, e);
	case DT_BS:
		return list_shape(v, W_BLOB, depth, e);
	default:
		return 0;
	}
}

int ddb_av_shape(const json_t *av, int depth, struct ddb_err *e)
{
	const char *key;
	json_t *v;
	int ret = ddb_want(av, W_STRUCT, e);

	if (ret < 0)
		return ret;
	if (depth > LIMIT_DDB_DEPTH)
		return too_deep(e);
	json_object_foreach((json_t *)av, key, v) {
		enum ddb_type t = ddb_type_parse(key, strlen(key));

		if (t == DT_NONE || json_is_null(v))
			continue;
		ret = member_shape(t, v, depth, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int ddb_map_shape(const json_t *map, int depth, struct ddb_err *e)
{
	const char *key;
	json_t *v;
	int ret = ddb_want(map, W_MAP, e);

	if (ret < 0)
		return ret;
	json_object_foreach((json_t *)map, key, v) {
		if (json_is_null(v))
			return ddb_fail(e, DDB_SERIALIZATION, "Unexpected null value for '%.200s'", key);
		ret = ddb_av_shape(v, depth, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Drops every member but the one of type 't'; returns how many types were set. */
static int keep_only(json_t *av, enum ddb_type *t)
{
	const char *key;
	json_t *v;
	void *tmp;
	int n = 0;

	*t = DT_NONE;
	json_object_foreach_safe(av, tmp, key, v) {
		enum ddb_type kt = ddb_type_parse(key, strlen(key));

		if (kt == DT_NONE || json_is_null(v)) {
			json_object_del(av, key);
			continue;
		}
		if (!n++)
			*t = kt;
	}
	return n;
}

static void set_number(json_t *s, const struct ddb_num *n)
{
	struct buf b;

	buf_init(&b, 256);
	ddb_num_format(n, &b);
	json_string_setn(s, b.p, b.len);
	buf_release(&b);
}

int ddb_json_str_cmp(const void *a, const void *b)
{
	const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;

	return str_cmp(str_from(json_string_value(x), json_string_length(x)),
		       str_from(json_string_value(y), json_string_length(y)));
}

/* The collection as AWS prints it in a duplicates message: [a, b]. */
static void print_list(const json_t *list, struct buf *out)
{
	size_t i;
	json_t *x;

	buf_addc(out, '[');
	json_array_foreach(list, i, x) {
		if (i)
			buf_adds(out, ", ");
		buf_add(out, json_string_value(x), json_string_length(x));
	}
	buf_addc(out, ']');
}

static int duplicates(const json_t *list, enum ddb_type t, struct ddb_err *e)
{
	size_t n = json_array_size(list);
	const json_t **v = xcalloc(n ? n : 1, sizeof(*v));
	bool dup = false;
	struct buf b;

	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(list, i);
	qsort(v, n, sizeof(*v), ddb_json_str_cmp);
	for (size_t i = 1; i < n && !dup; i++)
		dup = !ddb_json_str_cmp(&v[i - 1], &v[i]);
	free(v);
	if (!dup)
		return 0;
	if (t == DT_NS)
		return ddb_fail(e, DDB_VALIDATION, "Input collection contains duplicates");
	buf_init(&b, 1024);
	print_list(list, &b);
	ddb_fail(e, DDB_VALIDATION, DDB_INVALID "Input collection %s%s contains duplicates.", b.p,
		 t == DT_BS ? "of type BS" : "");
	buf_release(&b);
	return -EINVAL;
}

static int check_set(json_t *list, enum ddb_type t, struct ddb_err *e)
{
	size_t i;
	json_t *x;

	if (!json_array_size(list))
		return ddb_fail(e, DDB_VALIDATION, DDB_INVALID "%s",
				t == DT_SS ? "An string set  may not be empty" :
				t == DT_NS ? "An number set  may not be empty" :
				"Binary sets should not be empty");
	json_array_foreach(list, i, x) {
		struct ddb_num n;

		if (t != DT_NS)
			continue;
		if (ddb_num_parse(json_string_value(x), json_string_length(x), &n, e) < 0)
			return -EINVAL;
		set_number(x, &n);
	}
	return duplicates(list, t, e);
}

static int check_content(enum ddb_type t, json_t *av, json_t *v, struct ddb_err *e)
{
	struct ddb_num n;
	size_t i;
	json_t *x;

	switch (t) {
	case DT_N:
		if (ddb_num_parse(json_string_value(v), json_string_length(v), &n, e) < 0)
			return -EINVAL;
		set_number(v, &n);
		return 0;
	case DT_BOOL:
	case DT_NULL:
		if (t == DT_NULL && !ddb_bool(v, false))
			return ddb_fail(e, DDB_VALIDATION, DDB_INVALID
					"Null attribute value types must have the value of true");
		json_object_set_new(av, ddb_type_name(t), json_boolean(ddb_bool(v, false)));
		return 0;
	case DT_M:
		return ddb_map_check(v, e);
	case DT_L:
		json_array_foreach(v, i, x)
			if (ddb_av_check(x, e) < 0)
				return -EINVAL;
		return 0;
	case DT_SS:
	case DT_NS:
	case DT_BS:
		return check_set(v, t, e);
	default:
		return 0;
	}
}

int ddb_av_check(json_t *av, struct ddb_err *e)
{
	enum ddb_type t;
	int n = keep_only(av, &t);

	if (!n)
		return ddb_fail(e, DDB_VALIDATION, "Supplied AttributeValue is empty, must contain "
				"exactly one of the supported datatypes");
	if (n > 1)
		return ddb_fail(e, DDB_VALIDATION, "Supplied AttributeValue has more than one "
				"datatypes set, must contain exactly one of the supported datatypes");
	return check_content(t, av, json_object_get(av, ddb_type_name(t)), e);
}

int ddb_map_check(json_t *map, struct ddb_err *e)
{
	const char *key;
	json_t *v;

	json_object_foreach(map, key, v)
		if (ddb_av_check(v, e) < 0)
			return -EINVAL;
	return 0;
}

static size_t blob_len(const json_t *s)
{
	size_t len = json_string_length(s), pad = 0;
	const char *p = json_string_value(s);

	while (pad < 2 && pad < len && p[len - 1 - pad] == '=')
		pad++;
	return len / 4 * 3 - pad;
}

void ddb_av_num(const json_t *av, struct ddb_num *n)
{
	const json_t *s = ddb_av_content(av);

	if (ddb_num_parse(json_string_value(s), json_string_length(s), n, NULL) < 0)
		memset(n, 0, sizeof(*n));
}

json_t *ddb_av_from_num(const struct ddb_num *n)
{
	json_t *s = json_string("");

	set_number(s, n);
	return ddb_av_new(DT_N, s);
}

static size_t scalar_size(enum ddb_type t, const json_t *v)
{
	struct ddb_num n;

	if (t == DT_S)
		return json_string_length(v);
	if (t == DT_B)
		return blob_len(v);
	if (ddb_num_parse(json_string_value(v), json_string_length(v), &n, NULL) < 0)
		return 0;
	return ddb_num_size(&n);
}

size_t ddb_av_size(const json_t *av)
{
	enum ddb_type t = ddb_type_of(av);
	const json_t *v = ddb_av_content(av);
	size_t size = 0, i;
	json_t *x;

	switch (t) {
	case DT_S:
	case DT_N:
	case DT_B:
		return scalar_size(t, v);
	case DT_BOOL:
	case DT_NULL:
		return 1;
	case DT_SS:
	case DT_NS:
	case DT_BS:
		json_array_foreach(v, i, x)
			size += scalar_size(t == DT_SS ? DT_S : t == DT_NS ? DT_N : DT_B, x);
		return size;
	case DT_L:
		json_array_foreach(v, i, x)
			size += ddb_av_size(x) + 1;
		return size + 3;
	case DT_M:
		return ddb_item_size(v) + json_object_size(v) + 3;
	default:
		return 0;
	}
}

size_t ddb_item_size(const json_t *item)
{
	const char *key;
	json_t *v;
	size_t size = 0;

	json_object_foreach((json_t *)item, key, v)
		size += strlen(key) + ddb_av_size(v);
	return size;
}

static bool str_equal(const json_t *a, const json_t *b)
{
	return json_string_length(a) == json_string_length(b) &&
	       !memcmp(json_string_value(a), json_string_value(b), json_string_length(a));
}

/* Sets in any order: the same size and the same members once sorted. */
static bool sets_equal(const json_t *a, const json_t *b)
{
	size_t n = json_array_size(a);
	const json_t **x, **y;
	bool eq = true;

	if (n != json_array_size(b))
		return false;
	x = xcalloc(n ? n : 1, sizeof(*x));
	y = xcalloc(n ? n : 1, sizeof(*y));
	for (size_t i = 0; i < n; i++) {
		x[i] = json_array_get(a, i);
		y[i] = json_array_get(b, i);
	}
	qsort(x, n, sizeof(*x), ddb_json_str_cmp);
	qsort(y, n, sizeof(*y), ddb_json_str_cmp);
	for (size_t i = 0; i < n && eq; i++)
		eq = str_equal(x[i], y[i]);
	free(x);
	free(y);
	return eq;
}

static bool maps_equal(const json_t *a, const json_t *b)
{
	const char *key;
	json_t *v;

	if (json_object_size(a) != json_object_size(b))
		return false;
	json_object_foreach((json_t *)a, key, v) {
		json_t *w = json_object_get(b, key);

		if (!w || !ddb_av_equal(v, w))
			return false;
	}
	return true;
}

bool ddb_av_equal(const json_t *a, const json_t *b)
{
	enum ddb_type t = ddb_type_of(a);
	const json_t *x = ddb_av_content(a), *y = ddb_av_content(b);
	size_t i;

	if (t == DT_NONE || t != ddb_type_of(b))
		return false;
	switch (t) {
	case DT_S:
	case DT_N:
	case DT_B:
		return str_equal(x, y);
	case DT_BOOL:
	case DT_NULL:
		return json_is_true(x) == json_is_true(y);
	case DT_SS:
	case DT_NS:
	case DT_BS:
		return sets_equal(x, y);
	case DT_L:
		if (json_array_size(x) != json_array_size(y))
			return false;
		for (i = 0; i < json_array_size(x); i++)
			if (!ddb_av_equal(json_array_get(x, i), json_array_get(y, i)))
				return false;
		return true;
	case DT_M:
		return maps_equal(x, y);
	default:
		return false;
	}
}

static int bytes_cmp(const struct buf *a, const struct buf *b)
{
	return str_cmp(buf_str(a), buf_str(b));
}

bool ddb_av_order(const json_t *a, const json_t *b, int *cmp)
{
	enum ddb_type t = ddb_type_of(a);
	struct buf x, y;

	if (t != ddb_type_of(b) || (t != DT_S && t != DT_N && t != DT_B))
		return false;
	buf_init(&x, SIZE_MAX);
	buf_init(&y, SIZE_MAX);
	ddb_av_key_bytes(a, &x);
	ddb_av_key_bytes(b, &y);
	*cmp = bytes_cmp(&x, &y);
	buf_release(&x);
	buf_release(&y);
	return true;
}

void ddb_av_key_bytes(const json_t *av, struct buf *out)
{
	enum ddb_type t = ddb_type_of(av);
	const json_t *v = ddb_av_content(av);
	uint8_t enc[DDB_NUM_ENC_MAX];
	struct ddb_num n;

	if (t == DT_S)
		buf_add(out, json_string_value(v), json_string_length(v));
	else if (t == DT_B)
		ddb_b64_decode(json_string_value(v), json_string_length(v), out);
	else if (t == DT_N) {
		ddb_av_num(av, &n);
		buf_add(out, enc, ddb_num_encode(&n, enc));
	}
}
