/* SPDX-License-Identifier: MIT */
/*
 * The XML writer. Escaping validates UTF-8 as RFC 3629 defines it (no
 * overlong forms, no surrogates, nothing past U+10FFFF) and replaces each
 * offending byte on its own, so that output is valid whatever comes in.
 */
#include "compat.h"
#include "base/xml.h"

#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD in UTF-8 */

/* XML 1.0 Char, less what xml_escape() writes as a reference anyway. */
static bool xml_char(uint32_t c)
{
	if (c < 0x20)
		return c == '\t' || c == '\n' || c == '\r';
	return c != 0xfffe && c != 0xffff;
}

static const char *entity(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&apos;";
	case '\r':
		return "&#13;";
	default:
		return NULL;
	}
}

/*
 * Bytes that stand for themselves in text: printable ASCII but the five
 * markup characters, plus tab and newline. Everything else takes the slow
 * path (entities, UTF-8 validation).
 */
static const unsigned char plain_tab[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

void xml_escape(struct buf *b, struct str s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0, run = 0;

	while (i < s.len) {
		const char *ent;
		uint32_t cp = 0;
		size_t len;

		while (i < s.len && plain_tab[p[i]])
			i++;
		if (i == s.len)
			break;
		ent = entity(p[i]);
		len = ent ? 1 : str_utf8_decode(p + i, s.len - i, &cp);
		if (!ent && len && xml_char(cp)) {
			i += len;
			continue;
		}
		buf_add(b, s.p + run, i - run);
		buf_adds(b, ent ? ent : REPLACEMENT);
		i += len ? len : 1;
		run = i;
	}
	buf_add(b, s.p + run, i - run);
}

/* Appends "<tag>" or "</tag>" in one step. */
static void tag(struct buf *b, const char *name, size_t len, bool end)
{
	char *q;

	if (!buf_grow(b, len + 3))
		return;
	q = b->p + b->len;
	*q++ = '<';
	if (end)
		*q++ = '/';
	memcpy(q, name, len);
	q += len;
	*q++ = '>';
	*q = '\0';
	b->len = (size_t)(q - b->p);
}

void xml_open(struct buf *b, const char *name)
{
	tag(b, name, strlen(name), false);
}

void xml_close(struct buf *b, const char *name)
{
	tag(b, name, strlen(name), true);
}

void xml_str(struct buf *b, const char *name, struct str value)
{
	size_t len = strlen(name);

	tag(b, name, len, false);
	xml_escape(b, value);
	tag(b, name, len, true);
}

void xml_text(struct buf *b, const char *name, const char *value)
{
	if (value)
		xml_str(b, name, str_c(value));
}

void xml_bool(struct buf *b, const char *tag, bool value)
{
	xml_text(b, tag, value ? "true" : "false");
}

/* Writes the decimal digits of 'v' into the end of 'dst' (room for 20). */
static char *u64_digits(uint64_t v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void xml_int(struct buf *b, const char *name, long long value)
{
	char digits[24], *end = digits + sizeof(digits);
	char *p = u64_digits(value < 0 ? 0 - (uint64_t)value : (uint64_t)value, end);

	if (value < 0)
		*--p = '-';
	xml_str(b, name, str_from(p, (size_t)(end - p)));
}

void xml_u64(struct buf *b, const char *name, uint64_t value)
{
	char digits[24], *end = digits + sizeof(digits);
	char *p = u64_digits(value, end);

	xml_str(b, name, str_from(p, (size_t)(end - p)));
}
