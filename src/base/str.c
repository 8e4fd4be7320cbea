/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "base/str.h"

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
