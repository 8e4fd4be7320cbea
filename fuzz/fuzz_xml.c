/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the XML writer: the input is a program of open, close, text and
 * raw-escape steps whose text comes from the input bytes; the document it
 * writes (and an error document built from the same bytes) must be
 * well-formed XML 1.0 in UTF-8, checked here by a small independent reader,
 * and clean text must survive escaping unchanged. abort()s otherwise.
 */
#include "compat.h"

#include "api/xml.h"
#include "base/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_DEPTH 32
#define MAX_STEPS 512

static const char *const names[] = {
	"item", "vpcSet", "vpcEndpointId", "tagSet", "key", "value", "a", "x1",
};

struct cursor {
	const uint8_t *p;
	size_t left;
};

static void fail(const char *what, const struct buf *b)
{
	fprintf(stderr, "fuzz_xml: %s\n%.*s\n", what, (int)MIN(b->len, (size_t)4096), b->p);
	abort();
}

static unsigned take_byte(struct cursor *c)
{
	unsigned v;

	if (!c->left)
		return 0;
	v = *c->p++;
	c->left--;
	return v;
}

static struct str take_str(struct cursor *c)
{
	size_t len = take_byte(c);
	struct str s;

	/* MIN() evaluates its arguments twice: take the byte first. */
	len = MIN(len, c->left);
	s = str_from((const char *)c->p, len);
	c->p += len;
	c->left -= len;
	return s;
}

/*
 * Length of the XML character at 'p' if it is valid UTF-8 and allowed by
 * XML 1.0 (production [2] Char), else 0. Written apart from xml.c's decoder
 * on purpose: it checks the code point's range after decoding.
 */
static size_t xml_char_len(const unsigned char *p, size_t left)
{
	size_t len = p[0] < 0x80 ? 1 : p[0] >> 5 == 6 ? 2 : p[0] >> 4 == 14 ? 3 :
		     p[0] >> 3 == 30 ? 4 : 0;
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t c;

	if (!len || len > left)
		return 0;
	c = len == 1 ? p[0] : p[0] & (0xff >> (len + 1));
	for (size_t i = 1; i < len; i++) {
		if (p[i] >> 6 != 2)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	if (c < 0x20 && c != 0x9 && c != 0xa && c != 0xd)
		return 0;
	if (c == 0xfffe || c == 0xffff)
		return 0;
	return len;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static const char *const entities[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#13;" };

/* Length of the entity at 'p', or 0. */
static size_t entity_len(const char *p, size_t left)
{
	for (size_t i = 0; i < ARRAY_SIZE(entities); i++) {
		size_t n = strlen(entities[i]);

		if (left >= n && memcmp(p, entities[i], n) == 0)
			return n;
	}
	return 0;
}

/* Checks that 'b' holds one well-formed document as the writer makes them. */
static void check_doc(const struct buf *b)
{
	static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
	static const char ns[] = " xmlns=\"" XML_EC2_NS "\"";
	struct str stack[MAX_DEPTH + 2];
	size_t depth = 0, i = sizeof(decl) - 1;
	bool root_done = false;
	const char *p = b->p;

	if (b->len < i || memcmp(p, decl, i) != 0)
		fail("no XML declaration", b);
	while (i < b->len) {
		if (p[i] == '<') {
			bool end = i + 1 < b->len && p[i + 1] == '/';
			size_t start = i + 1 + end, j = start;
			struct str name;

			if (root_done)
				fail("content after the root element", b);
			while (j < b->len && is_name_char(p[j]))
				j++;
			if (j == start)
				fail("empty element name", b);
			name = str_from(p + start, j - start);
			if (!end && !depth && b->len - j >= sizeof(ns) - 1 &&
			    memcmp(p + j, ns, sizeof(ns) - 1) == 0)
				j += sizeof(ns) - 1;
			if (j >= b->len || p[j] != '>')
				fail("bad tag", b);
			if (end) {
				if (!depth || !str_eq(stack[depth - 1], name))
					fail("unbalanced end tag", b);
				root_done = --depth == 0;
			} else {
				if (depth == ARRAY_SIZE(stack))
					fail("too deep", b);
				stack[depth++] = name;
			}
			i = j + 1;
		} else if (p[i] == '&') {
			size_t n = entity_len(p + i, b->len - i);

			if (!n)
				fail("raw '&' in text", b);
			i += n;
		} else if (p[i] == '>') {
			fail("raw '>' in text", b);
		} else {
			size_t n = xml_char_len((const unsigned char *)p + i, b->len - i);

			if (!n)
				fail("invalid UTF-8 or character", b);
			if (!depth)
				fail("text outside the root element", b);
			i += n;
		}
	}
	if (depth || !root_done)
		fail("unclosed element", b);
}

static bool clean(struct str s)
{
	for (size_t i = 0; i < s.len;) {
		size_t n = xml_char_len((const unsigned char *)s.p + i, s.len - i);

		if (!n)
			return false;
		i += n;
	}
	return true;
}

/* Text that is valid and allowed must come back unchanged after unescaping. */
static void check_round_trip(struct str s, struct buf *tmp)
{
	static const char plain[] = "&<>\"'\r";
	size_t i = 0, j = 0;

	if (!clean(s))
		return;
	buf_reset(tmp);
	xml_escape(tmp, s);
	while (i < tmp->len) {
		char c = tmp->p[i];

		if (c == '&') {
			size_t k = 0;

			while (k < ARRAY_SIZE(entities) &&
			       strncmp(tmp->p + i, entities[k], strlen(entities[k])) != 0)
				k++;
			if (k == ARRAY_SIZE(entities))
				fail("unknown entity", tmp);
			c = plain[k];
			i += strlen(entities[k]);
		} else {
			i++;
		}
		if (j >= s.len || s.p[j++] != c)
			fail("clean text changed", tmp);
	}
	if (j != s.len)
		fail("clean text shortened", tmp);
}

static void write_doc(struct cursor c, struct buf *b, struct buf *tmp)
{
	const char *stack[MAX_DEPTH];
	const char *root = names[take_byte(&c) % ARRAY_SIZE(names)];
	char rid[64];
	size_t depth = 0;
	struct str s = take_str(&c);

	str_copy(str_from(s.p, MIN(s.len, sizeof(rid) - 1)), rid, sizeof(rid));
	xml_doc_begin(b, root, rid);
	for (unsigned steps = 0; c.left && steps < MAX_STEPS; steps++) {
		unsigned op = take_byte(&c);
		const char *name = names[(op >> 2) % ARRAY_SIZE(names)];

		switch (op & 3) {
		case 0:
			if (depth < MAX_DEPTH) {
				xml_open(b, name);
				stack[depth++] = name;
			}
			break;
		case 1:
			if (depth)
				xml_close(b, stack[--depth]);
			break;
		case 2:
			s = take_str(&c);
			check_round_trip(s, tmp);
			xml_str(b, name, s);
			break;
		default:
			s = take_str(&c);
			xml_escape(b, s);
			break;
		}
	}
	while (depth)
		xml_close(b, stack[--depth]);
	xml_doc_end(b, root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	char code[64], msg[256], rid[64];
	struct buf b, tmp;

	buf_init(&b, 1 << 20);
	buf_init(&tmp, 1 << 20);
	write_doc(c, &b, &tmp);
	if (b.err)
		fail("buffer overflow", &b);
	check_doc(&b);

	str_copy(take_str(&c), code, sizeof(code));
	str_copy(take_str(&c), msg, sizeof(msg));
	str_copy(take_str(&c), rid, sizeof(rid));
	xml_error_doc(&b, code, msg, rid);
	check_doc(&b);
	if (!strstr(b.p, "<Response><Errors><Error><Code>"))
		fail("error document shape", &b);
	buf_release(&b);
	buf_release(&tmp);
	return 0;
}
