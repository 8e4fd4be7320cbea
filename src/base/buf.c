/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "base/buf.h"

#include <stdarg.h>

#include "base/xalloc.h"

static char empty_[1];

void buf_init(struct buf *b, size_t max)
{
	*b = (struct buf){ .p = empty_, .max = max };
}

void buf_release(struct buf *b)
{
	size_t max = b->max;

	if (b->size)
		free(b->p);
	buf_init(b, max);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->err = false;
	if (b->size)
		b->p[0] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (b->err) {
		buf_release(b);
		return NULL;
	}
	p = b->size ? b->p : xstrdup("");
	if (len)
		*len = b->len;
	buf_init(b, b->max);
	return p;
}

bool buf_grow(struct buf *b, size_t len)
{
	size_t need;

	if (b->err)
		return false;
	if (len > b->max - b->len || b->max < b->len) {
		b->err = true;
		return false;
	}
	need = b->len + len + 1;
	if (need > b->size) {
		size_t n = b->size ? b->size : 64;

		while (n < need)
			n *= 2;
		if (b->size) {
			b->p = xrealloc(b->p, n);
		} else {
			b->p = xmalloc(n);
			b->p[0] = '\0';
		}
		b->size = n;
	}
	return true;
}

void buf_add(struct buf *b, const void *p, size_t len)
{
	if (!buf_grow(b, len))
		return;
	memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addstr(struct buf *b, struct str s)
{
	buf_add(b, s.p, s.len);
}

void buf_addjsonn(struct buf *b, const char *s, size_t len)
{
	buf_addc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
		} else if (c < 0x20) {
			buf_addf(b, "\\u%04x", c);
		} else if (c < 0x80) {
			buf_addc(b, (char)c);
		} else {
			/* JSON is UTF-8: a byte that does not start a valid sequence is U+FFFD. */
			uint32_t cp;
			size_t n = str_utf8_decode((const unsigned char *)s + i, len - i, &cp);

			if (n) {
				buf_add(b, s + i, n);
				i += n - 1;
			} else {
				buf_adds(b, "\xef\xbf\xbd");
			}
		}
	}
	buf_addc(b, '"');
}

void buf_addjson(struct buf *b, const char *s)
{
	buf_addjsonn(b, s, strlen(s));
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list again;
	char small[256];
	int n;

	if (b->err)
		return;
	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		b->err = true;
	} else if ((size_t)n < sizeof(small)) {
		buf_add(b, small, (size_t)n);
	} else if (buf_grow(b, (size_t)n)) {
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, again);
		b->len += (size_t)n;
	}
	va_end(again);
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->p[len] = '\0';
	}
}
