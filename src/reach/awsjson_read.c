/* SPDX-License-Identifier: MIT */
/* Typed reading of the aws CLI's JSON for the importer (awsjson_read.h). */
#include "compat.h"
#include "reach/awsjson_read.h"

#include <stdarg.h>

#include "base/xalloc.h"
#include "limits.h"

/* --- reporting --- */

/* "<file>: <path>.<key>", leaving out the parts not known. */
static void where(const struct imp *im, const char *key, char *dst, size_t size)
{
	const char *file = im->file ? im->file : "";
	bool inner = im->path[0] || key;

	snprintf(dst, size, "%s%s%s%s%s", file, file[0] && inner ? ": " : "", im->path,
		 im->path[0] && key ? "." : "", key ? key : "");
}

void imp_fail(struct imp *im, const char *key, const char *fmt, ...)
{
	char at[256], msg[160];
	va_list ap;

	if (im->ret < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	where(im, key, at, sizeof(at));
	im->ret = err_fail(im->e, NULL, "%s%s%s", at, at[0] ? ": " : "", msg);
}

static void vnote(struct imp *im, const char *fmt, va_list ap) ATTR_PRINTF(2, 0);
static void vnote(struct imp *im, const char *fmt, va_list ap)
{
	struct buf *b = &im->out->notes;
	char at[256], msg[256];

	if (b->len >= LIMIT_IMPORT_NOTES_BYTES) {
		if (!im->notes_cut)
			buf_adds(b, "further notes left off\n");
		im->notes_cut = true;
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	where(im, NULL, at, sizeof(at));
	buf_addf(b, "%s%s%s%s%s%s\n", at, im->id[0] ? " (" : "", im->id, im->id[0] ? ")" : "",
		 at[0] || im->id[0] ? ": " : "", msg);
}

void imp_note(struct imp *im, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(im, fmt, ap);
	va_end(ap);
}

void imp_skip(struct imp *im, const char *fmt, ...)
{
	va_list ap;

	if (im->ret)
		return;
	va_start(ap, fmt);
	vnote(im, fmt, ap);
	va_end(ap);
	im->ret = SKIP;
}

size_t imp_path_push(struct imp *im, const char *key, size_t i)
{
	size_t mark = strlen(im->path), left = sizeof(im->path) - mark;

	if (i == SIZE_MAX)
		snprintf(im->path + mark, left, "%s%s", mark ? "." : "", key);
	else
		snprintf(im->path + mark, left, "%s%s[%zu]", mark ? "." : "", key, i);
	return mark;
}

void imp_path_pop(struct imp *im, size_t mark)
{
	im->path[mark] = '\0';
}

/* --- typed members: each returns its default once 'im' has failed or skipped --- */

json_t *imp_member(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_null(v) ? NULL : v;
}

const char *imp_str(struct imp *im, const json_t *o, const char *key, bool required)
{
	json_t *v = imp_member(o, key);

	if (im->ret)
		return NULL;
	if (!v) {
		if (required)
			imp_fail(im, key, "missing");
		return NULL;
	}
	/* Strings hold no NUL: load() does not pass JSON_ALLOW_NUL. */
	if (!json_is_string(v)) {
		imp_fail(im, key, "not a string");
		return NULL;
	}
	return json_string_value(v);
}

bool imp_bool(struct imp *im, const json_t *o, const char *key, bool dflt)
{
	json_t *v = imp_member(o, key);

	if (im->ret || !v)
		return dflt;
	if (!json_is_boolean(v)) {
		imp_fail(im, key, "not true or false");
		return dflt;
	}
	return json_is_true(v);
}

long long imp_int(struct imp *im, const json_t *o, const char *key, long long min,
		  long long max, long long dflt)
{
	json_t *v = imp_member(o, key);

	if (im->ret || !v)
		return dflt;
	if (!json_is_integer(v)) {
		imp_fail(im, key, "not an integer");
		return dflt;
	}
	if (json_integer_value(v) < min || json_integer_value(v) > max) {
		imp_fail(im, key, "%lld is out of range [%lld, %lld]", (long long)json_integer_value(v),
		     min, max);
		return dflt;
	}
	return json_integer_value(v);
}

const json_t *imp_obj(struct imp *im, const json_t *o, const char *key)
{
	json_t *v = imp_member(o, key);

	if (im->ret || !v)
		return NULL;
	if (!json_is_object(v)) {
		imp_fail(im, key, "not an object");
		return NULL;
	}
	return v;
}

const json_t *imp_enter(struct imp *im, const json_t *o, const char *key, size_t *mark)
{
	const json_t *v = imp_obj(im, o, key);

	*mark = imp_path_push(im, key, SIZE_MAX);
	return v;
}

const json_t *imp_array(struct imp *im, const json_t *o, const char *key)
{
	json_t *v = imp_member(o, key);

	if (im->ret || !v)
		return NULL;
	if (!json_is_array(v)) {
		imp_fail(im, key, "not an array");
		return NULL;
	}
	if (json_array_size(v) > LIMIT_RESOURCES) {
		imp_fail(im, key, "more than %d entries", LIMIT_RESOURCES);
		return NULL;
	}
	return v;
}

const char *imp_str_at(struct imp *im, const json_t *arr, const char *key, size_t i)
{
	json_t *v = json_array_get(arr, i);
	size_t mark;

	if (im->ret)
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	mark = imp_path_push(im, key, i);
	imp_fail(im, NULL, "not a string");
	imp_path_pop(im, mark);
	return NULL;
}

void imp_each(struct imp *im, const json_t *o, const char *key, item_fn *fn, void *arg)
{
	const json_t *arr = imp_array(im, o, key);
	char id[ID_SIZE];

	memcpy(id, im->id, sizeof(id));
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *it = json_array_get(arr, i);
		size_t mark = imp_path_push(im, key, i);

		if (json_is_object(it))
			fn(im, it, arg);
		else
			imp_fail(im, NULL, "not an object");
		imp_path_pop(im, mark);
		memcpy(im->id, id, sizeof(id));
		if (im->ret < 0)
			return;
		im->ret = 0;
	}
}

/* --- values --- */

bool imp_id_fits(const char *s, const char *prefix)
{
	size_t len = strlen(s);

	return len && len < ID_SIZE && strspn(s, ID_CHARS) == len &&
	       (!prefix || !strncmp(s, prefix, strlen(prefix)));
}

void imp_id(struct imp *im, const json_t *o, const char *key, const char *prefix,
	    bool required, char dst[static ID_SIZE])
{
	const char *s = imp_str(im, o, key, required);

	dst[0] = '\0';
	if (!s)
		return;
	if (!s[0]) {
		if (required)
			imp_fail(im, key, "empty");
		return;
	}
	if (!imp_id_fits(s, prefix)) {
		imp_skip(im, "%s '%.60s' is not an ID vpce can hold; skipped", key, s);
		return;
	}
	str_lcpy(dst, s, ID_SIZE);
}

bool imp_item_id(struct imp *im, const json_t *o, const char *key, const char *prefix,
		 char dst[static ID_SIZE])
{
	imp_id(im, o, key, prefix, true, dst);
	memcpy(im->id, dst, ID_SIZE);
	return !im->ret;
}

uint32_t imp_ip(struct imp *im, const json_t *o, const char *key)
{
	const char *s = imp_str(im, o, key, false);
	uint32_t ip = 0;

	if (s && ip4_parse(str_c(s), &ip) < 0) {
		imp_fail(im, key, "'%.40s' is not an IPv4 address", s);
		return 0;
	}
	return ip;
}

void imp_cidr(struct imp *im, const char *key, const char *s, struct cidr4 *out)
{
	int ret;

	if (!s || im->ret)
		return;
	ret = cidr4_parse(str_c(s), out);
	if (ret == -EDOM)
		imp_fail(im, key, "'%.40s' has host bits set", s);
	else if (ret < 0)
		imp_fail(im, key, "'%.40s' is not an IPv4 CIDR", s);
}

void imp_cidr_sized(struct imp *im, const char *key, const struct cidr4 *c)
{
	char s[CIDR4_STRLEN];

	if (!im->ret && (c->len < 16 || c->len > 28))
		imp_skip(im, "%s %s is not /16 to /28; skipped", key, cidr4_fmt(c, s));
}

void imp_text(struct imp *im, const json_t *o, const char *key, char *dst, size_t size)
{
	const char *s = imp_str(im, o, key, false);

	if (s && str_lcpy(dst, s, size) >= size) {
		dst[0] = '\0';
		imp_note(im, "%s is longer than %zu characters; left empty", key, size - 1);
	}
}

char *imp_dup(struct imp *im, const json_t *o, const char *key)
{
	const char *s = imp_str(im, o, key, false);

	return s ? xstrdup(s) : NULL;
}

void imp_owner(struct imp *im, const json_t *o, const char *key, char dst[ACCOUNT_SIZE])
{
	const char *s = imp_str(im, o, key, false);

	if (!s)
		return;
	if (strlen(s) != ACCOUNT_SIZE - 1 || strspn(s, "0123456789") != ACCOUNT_SIZE - 1)
		imp_note(im, "%s '%.40s' is not an account ID; ignored", key, s);
	else
		str_lcpy(dst, s, ACCOUNT_SIZE);
}

static void tag_item(struct imp *im, const json_t *o, void *arg)
{
	struct res *r = arg;
	const char *k = imp_str(im, o, "Key", true), *v = imp_str(im, o, "Value", false);

	if (im->ret)
		return;
	if (r->n_tags >= LIMIT_QUERY_TAGS)
		imp_skip(im, "past %d tags; ignored", LIMIT_QUERY_TAGS);
	else if (strlen(k) > LIMIT_TAG_KEY_CHARS || (v && strlen(v) > LIMIT_TAG_VALUE_CHARS))
		imp_skip(im, "tag '%.40s' is too long; ignored", k);
	else
		res_tag_set(r, k, v ? v : "");
}

void imp_tags(struct imp *im, const json_t *o, const char *key, struct res *r)
{
	imp_each(im, o, key, tag_item, r);
}

bool imp_admit(struct imp *im, struct res *r)
{
	if (!im->ret && world_find(im->w, r->id))
		imp_skip(im, "%s appears twice; the second skipped", r->id);
	if (!im->ret && im->n_res >= LIMIT_RESOURCES)
		imp_fail(im, NULL, "more than %d resources", LIMIT_RESOURCES);
	if (im->ret) {
		res_free(r);
		return false;
	}
	im->n_res++;
	world_insert(im->w, r);
	return true;
}

struct res *imp_refer(struct imp *im, const char *key, const char *id, enum res_kind kind)
{
	struct res *r;

	if (im->ret)
		return NULL;
	r = world_get(im->w, id, kind);
	if (!r)
		imp_skip(im, "%s %s is not in the export; skipped", key, id);
	return r;
}
