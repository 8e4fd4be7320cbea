/* SPDX-License-Identifier: MIT */
/*
 * Pattern matching for actions, resources, ARNs and string conditions:
 * '*' and '?' wildcards over UTF-8 text, ARN fields, and policy variables.
 */
#include "compat.h"
#include "policy/internal.h"

/* Bytes in the UTF-8 sequence that starts with 'c' (1 for a stray byte). */
static inline size_t utf8_len(uint8_t c)
{
	if (c < 0xC0)
		return 1;
	if (c < 0xE0)
		return 2;
	if (c < 0xF0)
		return 3;
	return 4;
}

static bool literal_eq(const uint8_t *p, const uint8_t *s, size_t n, bool nocase)
{
	if (!nocase)
		return n == 0 || (p[0] == s[0] && memcmp(p, s, n) == 0);
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)str_ascii_lower((char)s[i]))
			return false;
	return true;
}

/*
 * The classic linear-backtracking glob: on a mismatch after a star, the star
 * takes one more character and matching resumes. Patterns are folded at
 * compile time, so only the subject is folded here.
 */
bool pat_glob(const struct pat *p, const uint8_t *s, size_t n, bool nocase)
{
	const uint8_t *ps = p->s;
	size_t plen = p->len, pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;

	if (p->flags & PAT_ALL)
		return true;
	if (!(p->flags & PAT_WILD))
		return plen == n && literal_eq(ps, s, n, nocase);
	while (si < n) {
		if (pi < plen && ps[pi] == PAT_STAR) {
			star_p = ++pi;
			star_s = si;
		} else if (pi < plen && ps[pi] == PAT_QMARK) {
			pi++;
			si += utf8_len(s[si]);
		} else if (pi < plen && ps[pi] == (nocase ? (uint8_t)str_ascii_lower((char)s[si]) : s[si])) {
			pi++;
			si++;
		} else if (star_p != SIZE_MAX) {
			pi = star_p;
			star_s += utf8_len(s[star_s]);
			si = star_s;
		} else {
			return false;
		}
	}
	if (si > n)		/* a '?' took a truncated sequence */
		return false;
	while (pi < plen && ps[pi] == PAT_STAR)
		pi++;
	return pi == plen;
}

bool arn_split(const uint8_t *s, size_t n, struct str f[ARN_FIELDS])
{
	size_t start = 0, k = 0, i = 0;

#ifdef __SSE2__
	/* Sixteen bytes at a time: a mask of the colons, taken lowest first. */
	const __m128i colon = _mm_set1_epi8(':');

	for (; i + 16 <= n && k < ARN_FIELDS - 1; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, colon));

		for (; m && k < ARN_FIELDS - 1; m &= m - 1) {
			size_t at = i + (size_t)__builtin_ctz(m);

			f[k++] = (struct str){ (const char *)s + start, at - start };
			start = at + 1;
		}
	}
#endif
	for (; i < n && k < ARN_FIELDS - 1; i++) {
		if (s[i] == ':') {
			f[k++] = (struct str){ (const char *)s + start, i - start };
			start = i + 1;
		}
	}
	if (k < ARN_FIELDS - 1)
		return false;
	f[k] = (struct str){ (const char *)s + start, n - start };
	return true;
}

bool arnpat_match(const struct arnpat *p, const struct str f[ARN_FIELDS], bool is_arn,
		  const uint8_t *s, size_t n)
{
	if (p->whole.flags & PAT_ALL)
		return true;
	if (!p->by_field || !is_arn)
		return pat_match(&p->whole, s, n, false);
	for (size_t i = 0; i < ARN_FIELDS; i++)
		if (!pat_match(&p->f[i], (const uint8_t *)f[i].p, f[i].len, false))
			return false;
	return true;
}

/* The value a variable stands for, or false when it stands for none. */
static bool var_value(const struct pvar *v, const struct rreq *req, struct str *out)
{
	const struct pol_key *k = rreq_key(req, &v->key);

	if (k && k->n == 1) {
		*out = str_c(k->values[0]);
		return true;
	}
	if (k && k->n > 1)
		return false;
	if (!v->def)
		return false;
	*out = str_from(v->def, v->def_len);
	return true;
}

bool pat_expand(const struct policy *pol, const struct rreq *req, const struct pat *in,
		struct arena *scratch, struct pat *out)
{
	const struct pat copy = *in, *p = &copy;	/* 'out' may be 'in' */
	size_t len = 0;
	uint8_t *d;

	for (size_t i = 0; i < p->len; i++) {
		struct str v;

		if (p->s[i] != PAT_VAR) {
			len++;
			continue;
		}
		if (!var_value(&pol->vars[(p->s[i + 1] << 8) | p->s[i + 2]], req, &v))
			return false;
		len += v.len;
		i += 2;
	}
	d = arena_alloc(scratch, len + 1);
	if (!d)
		return false;
	*out = (struct pat){ .s = d, .len = (uint32_t)len, .flags = p->flags & ~PAT_VARS };
	for (size_t i = 0; i < p->len; i++) {
		struct str v;

		if (p->s[i] != PAT_VAR) {
			*d++ = p->s[i];
			continue;
		}
		var_value(&pol->vars[(p->s[i + 1] << 8) | p->s[i + 2]], req, &v);
		memcpy(d, v.p, v.len);
		d += v.len;
		i += 2;
	}
	return true;
}

const struct arnpat *arnpat_resolve(const struct policy *pol, const struct rreq *req,
				    const struct arnpat *p, struct arena *scratch,
				    struct arnpat *out)
{
	if (!(p->whole.flags & PAT_VARS))
		return p;
	*out = *p;
	if (!pat_expand(pol, req, &p->whole, scratch, &out->whole))
		return NULL;
	if (p->by_field)
		for (size_t i = 0; i < ARN_FIELDS; i++)
			if ((p->f[i].flags & PAT_VARS) &&
			    !pat_expand(pol, req, &p->f[i], scratch, &out->f[i]))
				return NULL;
	return out;
}
