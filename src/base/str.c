/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "base/str.h"

#include "limits.h"

#include <stdarg.h>

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

bool str_eq_nocase(struct str a, struct str b)
{
	if (a.len != b.len)
		return false;
	for (size_t i = 0; i < a.len; i++)
		if (lower((unsigned char)a.p[i]) != lower((unsigned char)b.p[i]))
			return false;
	return true;
}

bool str_starts_with(struct str s, struct str prefix)
{
	return s.len >= prefix.len && memcmp(s.p, prefix.p, prefix.len) == 0;
}

bool str_ends_with(struct str s, struct str suffix)
{
	return s.len >= suffix.len &&
	       memcmp(s.p + s.len - suffix.len, suffix.p, suffix.len) == 0;
}

int str_cmp(struct str a, struct str b)
{
	int c = memcmp(a.p, b.p, MIN(a.len, b.len));

	if (c)
		return c < 0 ? -1 : 1;
	return a.len == b.len ? 0 : (a.len < b.len ? -1 : 1);
}

bool str_cut(struct str *s, char sep, struct str *head)
{
	const char *q = memchr(s->p, sep, s->len);

	if (!q)
		return false;
	*head = str_from(s->p, (size_t)(q - s->p));
	s->len -= head->len + 1;
	s->p = q + 1;
	return true;
}

struct str str_trim(struct str s)
{
	while (s.len && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.len--;
	}
	while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
		s.len--;
	return s;
}

int str_to_u64(struct str s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s.len)
		return -EINVAL;
	for (size_t i = 0; i < s.len; i++) {
		unsigned d = (unsigned char)s.p[i] - '0';

		if (d > 9)
			return -EINVAL;
		if (d > max || v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int str_copy(struct str s, char *dst, size_t size)
{
	if (!size)
		return -ENOSPC;
	if (s.len >= size) {
		dst[0] = '\0';
		return -ENOSPC;
	}
	memcpy(dst, s.p, s.len);
	dst[s.len] = '\0';
	return 0;
}

size_t str_lcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = MIN(len, size - 1);

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

int str_concat(char *dst, size_t size, ...)
{
	const char *part;
	size_t len = 0;
	va_list ap;

	if (!size)
		return -ENAMETOOLONG;
	va_start(ap, size);
	while ((part = va_arg(ap, const char *))) {
		size_t n = strlen(part);

		if (n >= size - len) {
			va_end(ap);
			dst[0] = '\0';
			return -ENAMETOOLONG;
		}
		memcpy(dst + len, part, n);
		len += n;
	}
	va_end(ap);
	dst[len] = '\0';
	return 0;
}

void str_hex_encode(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

int str_pct_decode(struct str in, bool plus, char *out, size_t size, size_t *len)
{
	size_t n = 0;

	for (size_t i = 0; i < in.len; i++) {
		int c = (unsigned char)in.p[i];

		if (c == '%') {
			int hi = i + 2 < in.len ? str_hex_digit(in.p[i + 1]) : -1;
			int lo = hi >= 0 ? str_hex_digit(in.p[i + 2]) : -1;

			if (lo < 0)
				return -EINVAL;
			c = hi << 4 | lo;
			i += 2;
		} else if (c == '+' && plus) {
			c = ' ';
		}
		if (c == 0)
			return -EINVAL;
		if (n + 1 >= size)
			return -ENOSPC;
		out[n++] = (char)c;
	}
	if (!size)
		return -ENOSPC;
	out[n] = '\0';
	if (len)
		*len = n;
	return 0;
}

int str_form_get(struct str query, const char *name, char *out, size_t size)
{
	struct str q = query, pair, want = str_c(name);
	size_t guard = 0;

	while (q.len && guard++ < LIMIT_QUERY_PARAMS) {
		struct str k, v;
		char kbuf[64];
		size_t klen;

		if (!str_cut(&q, '&', &pair)) {
			pair = q;
			q = STR_EMPTY;
		}
		v = pair;
		if (!str_cut(&v, '=', &k)) {
			k = pair;
			v = STR_EMPTY;
		}
		if (str_pct_decode(k, true, kbuf, sizeof(kbuf), &klen) < 0 ||
		    !str_eq(str_from(kbuf, klen), want))
			continue;
		return str_pct_decode(v, true, out, size, NULL) < 0 ? -EINVAL : 1;
	}
	return 0;
}

/*
 * Returns the length of the valid UTF-8 sequence at the start of 'p' (with
 * 'left' bytes) and stores its code point in '*cp', or returns 0.
 */
size_t str_utf8_decode(const unsigned char *p, size_t left, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;
	uint32_t c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
		if (p[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
		if (p[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f;	/* past U+10FFFF */
	} else {
		return 0;
	}
	if (left < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if (i > 1 && (p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	*cp = c;
	return len;
}
