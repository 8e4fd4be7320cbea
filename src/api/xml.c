/* SPDX-License-Identifier: MIT */
/*
 * The XML writer. Escaping validates UTF-8 as RFC 3629 defines it (no
 * overlong forms, no surrogates, nothing past U+10FFFF) and replaces each
 * offending byte on its own, so that output is valid whatever comes in.
 */
#include "compat.h"
#include "api/xml.h"

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD in UTF-8 */

/*
 * Returns the length of the valid UTF-8 sequence at the start of 'p' (with
 * 'left' bytes) and stores its code point in '*cp', or returns 0.
 */
static size_t utf8_decode(const unsigned char *p, size_t left, uint32_t *cp)
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
		len = ent ? 1 : utf8_decode(p + i, s.len - i, &cp);
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

void xml_doc_begin(struct buf *b, const char *root, const char *request_id)
{
	xml_query_begin(b, root, XML_EC2_NS);
	xml_text(b, "requestId", request_id ? request_id : "");
}

void xml_doc_end(struct buf *b, const char *root)
{
	xml_close(b, root);
}

void xml_error_doc(struct buf *b, const char *code, const char *message,
		   const char *request_id)
{
	buf_reset(b);
	buf_adds(b, XML_DECL "<Response><Errors><Error>");
	xml_text(b, "Code", code ? code : "");
	xml_text(b, "Message", message ? message : "");
	buf_adds(b, "</Error></Errors>");
	/* EC2 spells it RequestID here, unlike <requestId> in results. */
	xml_text(b, "RequestID", request_id ? request_id : "");
	buf_adds(b, "</Response>");
}

void xml_query_begin(struct buf *b, const char *root, const char *ns)
{
	buf_adds(b, XML_DECL "<");
	buf_adds(b, root);
	buf_adds(b, " xmlns=\"");
	buf_adds(b, ns);
	buf_adds(b, "\">");
}

void xml_query_end(struct buf *b, const char *root, const char *request_id)
{
	xml_open(b, "ResponseMetadata");
	xml_text(b, "RequestId", request_id ? request_id : "");
	xml_close(b, "ResponseMetadata");
	xml_close(b, root);
}

void xml_query_error_doc(struct buf *b, const char *ns, const char *type, const char *code,
			 const char *message, const char *request_id)
{
	buf_reset(b);
	xml_query_begin(b, "ErrorResponse", ns);
	xml_open(b, "Error");
	xml_text(b, "Type", type);
	xml_text(b, "Code", code ? code : "");
	xml_text(b, "Message", message ? message : "");
	xml_close(b, "Error");
	xml_text(b, "RequestId", request_id ? request_id : "");
	xml_close(b, "ErrorResponse");
}

void xml_urlencoded(struct buf *b, const char *tag, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";

	xml_open(b, tag);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };

		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p))
			buf_add(b, (const char *)p, 1);
		else
			buf_add(b, esc, 3);
	}
	xml_close(b, tag);
}
