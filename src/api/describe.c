/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "api/api.h"

#include <stdarg.h>

#include "api/xml.h"
#include "limits.h"

void filter_val_fmt(struct filter_vals *vals, const char *fmt, ...)
{
	va_list ap;
	char *dst;

	if (vals->n_scratch == ARRAY_SIZE(vals->scratch) || vals->n == ARRAY_SIZE(vals->v))
		return;
	dst = vals->scratch[vals->n_scratch++];
	va_start(ap, fmt);
	vsnprintf(dst, sizeof(vals->scratch[0]), fmt, ap);
	va_end(ap);
	vals->v[vals->n++] = dst;
}

static void add(struct filter_vals *vals, const char *v)
{
	if (vals->n < ARRAY_SIZE(vals->v))
		vals->v[vals->n++] = v;
}

int filter_tags(const struct res *r, const char *name, struct filter_vals *vals)
{
	if (strncmp(name, "tag:", 4) == 0) {
		const char *v = res_tag_get(r, name + 4);

		if (v)
			add(vals, v);
		return 0;
	}
	if (strcmp(name, "tag-key") == 0) {
		for (size_t i = 0; i < r->n_tags; i++)
			add(vals, r->tags[i].key);
		return 0;
	}
	if (strcmp(name, "tag-value") == 0) {
		for (size_t i = 0; i < r->n_tags; i++)
			add(vals, r->tags[i].value);
		return 0;
	}
	if (strcmp(name, "owner-id") == 0) {
		add(vals, r->owner);
		return 0;
	}
	return -1;
}

/*
 * EC2 filter values may hold '*' (any run) and '?' (one character), with
 * '\\' escaping them; nothing else is special. Iterative, with one
 * backtrack point, so it is linear in practice and never recurses.
 */
bool filter_value_matches(const char *p, const char *v)
{
	const char *star_p = NULL, *star_v = NULL;

	while (*v) {
		if (*p == '*') {
			star_p = ++p;
			star_v = v;
			continue;
		}
		if (*p == '?' || (*p == '\\' && p[1] && p[1] == *v) || (*p != '\\' && *p == *v)) {
			p += *p == '\\' ? 2 : 1;
			v++;
			continue;
		}
		if (!star_p)
			return false;
		p = star_p;
		v = ++star_v;
	}
	while (*p == '*')
		p++;
	return !*p;
}

static bool matches(struct call *c, const struct describe *d, const struct res *r,
		    const struct query_filter *f, size_t n_filters)
{
	for (size_t i = 0; i < n_filters; i++) {
		struct filter_vals vals;

		filter_vals_reset(&vals);
		d->filter(c, r, f[i].name.p, &vals);
		if (!filter_vals_match(&f[i], &vals))
			return false;
	}
	return true;
}

bool filter_vals_match(const struct query_filter *f, const struct filter_vals *vals)
{
	for (size_t j = 0; j < f->n_values; j++)
		for (size_t k = 0; k < vals->n; k++)
			if (filter_value_matches(f->values[j].p, vals->v[k]))
				return true;
	return false;
}

int filter_names_check(struct call *c, const struct query_filter *f, size_t n,
		       const char *const *names, size_t n_names)
{
	for (size_t i = 0; i < n; i++) {
		bool known = false;

		for (size_t k = 0; k < n_names && !known; k++)
			known = str_eq_c(f[i].name, names[k]);
		if (!known)
			return err_fail(&c->err, "InvalidParameterValue",
					"The filter '%s' is invalid", f[i].name.p);
	}
	return 0;
}

bool filter_fields_match(const struct query_filter *f, size_t n, const char *const *names,
			 const char *const *values, size_t n_fields)
{
	for (size_t i = 0; i < n; i++) {
		bool hit = false;

		for (size_t k = 0; k < n_fields && !hit; k++) {
			if (!str_eq_c(f[i].name, names[k]))
				continue;
			for (size_t j = 0; j < f[i].n_values && !hit; j++)
				hit = filter_value_matches(f[i].values[j].p, values[k]);
		}
		if (!hit)
			return false;
	}
	return true;
}

/*
 * Asks the kind's filter function about each name on an empty resource of
 * the kind (ID ""), so unknown names fail before anything is rendered.
 */
static int check_filters(struct call *c, const struct describe *d,
			 const struct query_filter *f, size_t n)
{
	struct res *probe = res_new(d->kind, "");
	int ret = 0;

	for (size_t i = 0; i < n && !ret; i++) {
		struct filter_vals vals;

		filter_vals_reset(&vals);
		if (d->filter(c, probe, f[i].name.p, &vals) < 0)
			ret = err_fail(&c->err, "InvalidParameterValue",
				       "The filter '%s' is invalid", f[i].name.p);
	}
	res_free(probe);
	return ret;
}

void render_tags(struct call *c, const struct res *r)
{
	if (r->n_tags)
		render_tag_set(c, r);
}

void render_tag_set(struct call *c, const struct res *r)
{
	xml_open(c->out, "tagSet");
	for (size_t i = 0; i < r->n_tags; i++) {
		xml_open(c->out, "item");
		xml_text(c->out, "key", r->tags[i].key);
		xml_text(c->out, "value", r->tags[i].value);
		xml_close(c->out, "item");
	}
	xml_close(c->out, "tagSet");
}

/* Writes 'n' as exactly 'width' decimal digits at 'p'. */
static void digits(char *p, unsigned n, int width)
{
	while (width--) {
		p[width] = (char)('0' + n % 10);
		n /= 10;
	}
}

void fmt_time(int64_t ms, char dst[static 32])
{
	/*
	 * Civil date from days since 1970-01-01 (Howard Hinnant's algorithm),
	 * so the describe path needs neither gmtime_r() nor snprintf().
	 */
	int64_t t = ms > 0 ? ms : 0, days = t / 86400000;
	unsigned msod = (unsigned)(t % 86400000);
	int64_t z = days + 719468, era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned day = doy - (153 * mp + 2) / 5 + 1;
	unsigned month = mp < 10 ? mp + 3 : mp - 9;
	unsigned year = (unsigned)(yoe + era * 400) + (month <= 2);

	memcpy(dst, "YYYY-MM-DDTHH:MM:SS.mmmZ", 25);
	digits(dst, year % 10000, 4);
	digits(dst + 5, month, 2);
	digits(dst + 8, day, 2);
	digits(dst + 11, msod / 3600000, 2);
	digits(dst + 14, msod / 60000 % 60, 2);
	digits(dst + 17, msod / 1000 % 60, 2);
	digits(dst + 20, msod % 1000, 3);
}

/* Renders 'r', or sends what was rendered for it before if still good. */
static void render_item(struct call *c, const struct describe *d, const struct res *r)
{
	size_t start = c->out->len;
	struct str cached;
	int64_t until;

	if (!d->stable_until || !c->rcache) {
		d->render(c, r);
		return;
	}
	if (rcache_get(c->rcache, r->id, c->gen, c->cx.now_ms, &cached)) {
		buf_addstr(c->out, cached);
		return;
	}
	d->render(c, r);
	until = d->stable_until(c, r);
	if (!c->out->err && until > c->cx.now_ms)
		rcache_put(c->rcache, r->id, c->gen, until,
			   str_from(c->out->p + start, c->out->len - start));
}

int describe_run(struct call *c, const struct describe *d)
{
	struct query_filter *filters;
	const char **ids;
	size_t n_filters, n_ids, count = 0;
	long max_results = 0;
	const char *next = NULL;
	struct res *r;
	bool started;
	int ret;

	ret = param_list(c, d->id_list, &ids, &n_ids);
	if (ret < 0)
		return ret;
	ret = query_filters(&c->q, c->arena, &filters, &n_filters, &c->err);
	if (ret < 0)
		return ret;
	ret = check_filters(c, d, filters, n_filters);
	if (ret < 0)
		return ret;
	if (d->paginated) {
		ret = query_int(&c->q, "MaxResults", 5, LIMIT_DESCRIBE_PAGE, 0, &max_results,
				&c->err);
		if (ret < 0)
			return ret;
		next = param(c, "NextToken");
		if (max_results && n_ids)
			return err_fail(&c->err, "InvalidParameterCombination",
					"The parameter %ss cannot be used with the parameter "
					"maxResults", d->id_list);
		if (next && !world_get(c->w, next, d->kind))
			return err_fail(&c->err, "InvalidNextToken",
					"The token '%s' is invalid.", next);
	}
	for (size_t i = 0; i < n_ids; i++) {
		r = world_get(c->w, ids[i], d->kind);
		if (!r || strcmp(r->owner, c->cx.account))
			return err_fail(&c->err, d->not_found, d->not_found_fmt, ids[i]);
	}

	resp_begin(c);
	xml_open(c->out, d->set_tag);
	started = !next;
	WORLD_FOR_EACH(c->w, d->kind, r) {
		bool listed = !n_ids;

		if (!started) {
			if (strcmp(r->id, next))
				continue;
			started = true;
		}
		if (strcmp(r->owner, c->cx.account))
			continue;
		for (size_t i = 0; i < n_ids && !listed; i++)
			listed = strcmp(ids[i], r->id) == 0;
		if (!listed || !matches(c, d, r, filters, n_filters))
			continue;
		if (max_results && count == (size_t)max_results) {
			xml_close(c->out, d->set_tag);
			xml_text(c->out, "nextToken", r->id);
			resp_end(c);
			return 0;
		}
		xml_open(c->out, "item");
		render_item(c, d, r);
		xml_close(c->out, "item");
		count++;
	}
	xml_close(c->out, d->set_tag);
	resp_end(c);
	return 0;
}

void fmt_time_s(int64_t ms, char dst[static 32])
{
	char *dot;

	fmt_time(ms, dst);
	dot = strchr(dst, '.');
	if (dot) {
		dot[0] = 'Z';
		dot[1] = '\0';
	}
}
