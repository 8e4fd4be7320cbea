/* SPDX-License-Identifier: MIT */
/*
 * The S3 engine's small parsers: bucket names, request documents (over
 * expat, without DTDs), base64 and dates.
 */
#include "compat.h"
#include "svc/s3_internal.h"

#include <expat.h>
#include <openssl/evp.h>
#include <time.h>

static bool is_ipv4(const char *s)
{
	int dots = 0, digits = 0;

	for (; *s; s++) {
		if (*s == '.') {
			if (!digits)
				return false;
			dots++;
			digits = 0;
		} else if (*s >= '0' && *s <= '9') {
			digits++;
		} else {
			return false;
		}
	}
	return dots == 3 && digits;
}

bool s3_bucket_name_valid(const char *name)
{
	static const char *const bad_prefix[] = { "xn--", "sthree-", "amzn-s3-demo-" };
	static const char *const bad_suffix[] = { "-s3alias", "--ol-s3", ".mrap", "--x-s3",
						  "--table-s3" };
	size_t len = strlen(name);

	if (len < 3 || len > 63)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && c != '.' && c != '-')
			return false;
		if ((i == 0 || i == len - 1) && !alnum)
			return false;
		if (c == '.' && name[i + 1] == '.')
			return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad_prefix); i++)
		if (str_starts_with(str_c(name), str_c(bad_prefix[i])))
			return false;
	for (size_t i = 0; i < ARRAY_SIZE(bad_suffix); i++)
		if (str_ends_with(str_c(name), str_c(bad_suffix[i])))
			return false;
	return !is_ipv4(name);
}

bool s3_region_syntax(struct str name)
{
	bool dash = false;

	if (name.len < 4 || name.len >= S3_REGION_SIZE)
		return false;
	for (size_t i = 0; i < name.len; i++) {
		char c = name.p[i];

		if (c == '-')
			dash = true;
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return false;
	}
	return dash && name.p[0] != '-' && name.p[name.len - 1] >= '0' &&
	       name.p[name.len - 1] <= '9';
}

/* The state of one document read. */
struct xml_state {
	XML_Parser parser;
	const char *root;
	s3_xml_fn *fn;
	void *arg;
	struct err *e;
	char path[256];
	size_t depth;
	size_t path_len[LIMIT_S3_XML_DEPTH + 1];
	struct buf text;
	int ret;
	size_t elements;
};

static void xml_stop(struct xml_state *st, int ret)
{
	if (!st->ret)
		st->ret = ret;
	XML_StopParser(st->parser, XML_FALSE);
}

/* Namespaced names arrive as "NS LOCAL" (XML_ParserCreateNS with ' '). */
static const char *local_name(struct xml_state *st, const XML_Char *name)
{
	const char *sp = strchr(name, ' ');

	if (!sp)
		return name;
	if ((size_t)(sp - name) != strlen(S3_XML_NS) || memcmp(name, S3_XML_NS, strlen(S3_XML_NS))) {
		xml_stop(st, err_fail(st->e, "MalformedXML", S3_MALFORMED_XML));
		return NULL;
	}
	return sp + 1;
}

static void on_start(void *arg, const XML_Char *name, const XML_Char **attrs)
{
	struct xml_state *st = arg;
	const char *local = local_name(st, name);
	size_t len, at = st->depth ? st->path_len[st->depth] : 0;

	(void)attrs;
	if (!local)
		return;
	len = strlen(local);
	if (st->depth == LIMIT_S3_XML_DEPTH || at + len + 2 > sizeof(st->path) ||
	    ++st->elements > LIMIT_S3_XML_ELEMENTS ||
	    (st->depth == 0 && strcmp(local, st->root))) {
		xml_stop(st, err_fail(st->e, "MalformedXML", S3_MALFORMED_XML));
		return;
	}
	if (at)
		st->path[at++] = '/';
	memcpy(st->path + at, local, len + 1);
	st->path_len[++st->depth] = at + len;
	buf_reset(&st->text);
}

static void on_end(void *arg, const XML_Char *name)
{
	struct xml_state *st = arg;
	int ret;

	(void)name;
	if (st->text.err) {
		xml_stop(st, err_fail(st->e, "MalformedXML", S3_MALFORMED_XML));
		return;
	}
	ret = st->fn(st->arg, st->path, buf_str(&st->text), st->e);
	if (ret) {
		xml_stop(st, ret);
		return;
	}
	buf_reset(&st->text);
	st->depth--;
	st->path[st->depth ? st->path_len[st->depth] : 0] = '\0';
}

static void on_text(void *arg, const XML_Char *s, int len)
{
	struct xml_state *st = arg;

	buf_add(&st->text, s, (size_t)len);
}

static void on_doctype(void *arg, const XML_Char *name, const XML_Char *sysid,
		       const XML_Char *pubid, int has_internal_subset)
{
	struct xml_state *st = arg;

	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	xml_stop(st, err_fail(st->e, "MalformedXML", S3_MALFORMED_XML));
}

int s3_xml_read(struct str doc, const char *root, s3_xml_fn *fn, void *arg, struct err *e)
{
	struct xml_state st = { .root = root, .fn = fn, .arg = arg, .e = e };
	enum XML_Status status;

	if (doc.len > LIMIT_S3_XML_BYTES)
		return err_fail(e, "MalformedXML", S3_MALFORMED_XML);
	st.parser = XML_ParserCreateNS("UTF-8", ' ');
	if (!st.parser)
		return err_fail(e, "InternalError", "We encountered an internal error. Please try again.");
	buf_init(&st.text, LIMIT_S3_KEY_BYTES * 4);
	XML_SetUserData(st.parser, &st);
	XML_SetElementHandler(st.parser, on_start, on_end);
	XML_SetCharacterDataHandler(st.parser, on_text);
	XML_SetStartDoctypeDeclHandler(st.parser, on_doctype);
	status = XML_Parse(st.parser, doc.p, (int)doc.len, XML_TRUE);
	if (status != XML_STATUS_OK && !st.ret)
		st.ret = err_fail(e, "MalformedXML", S3_MALFORMED_XML);
	XML_ParserFree(st.parser);
	buf_release(&st.text);
	return st.ret < 0 ? st.ret : st.ret ? -EINVAL : 0;
}

size_t s3_url_encode(struct str s, bool form, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~' || (form && c == '/')) {
			out[n++] = (char)c;
		} else if (form && c == ' ') {
			out[n++] = '+';
		} else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n] = '\0';
	return n;
}

void s3_base64(const void *p, size_t n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
}

int s3_unbase64(struct str in, unsigned char *out, size_t size, size_t *n)
{
	unsigned char tmp[96];
	size_t pad = 0;
	int got;

	if (in.len == 0 || in.len % 4 || in.len / 4 * 3 > sizeof(tmp))
		return -EINVAL;
	for (size_t i = 0; i < in.len; i++) {
		char c = in.p[i];

		if (c == '=') {
			if (i + 2 < in.len || ++pad > 2)
				return -EINVAL;
		} else if (pad || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
				    (c >= '0' && c <= '9') || c == '+' || c == '/')) {
			return -EINVAL;
		}
	}
	got = EVP_DecodeBlock(tmp, (const unsigned char *)in.p, (int)in.len);
	if (got < 0 || (size_t)got < pad || (size_t)got - pad > size)
		return -EINVAL;
	*n = (size_t)got - pad;
	memcpy(out, tmp, *n);
	return 0;
}

void s3_http_date(int64_t ms, char out[static 32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

void s3_iso_date(int64_t ms, char out[static 32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char base[24];

	gmtime_r(&t, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%s.%03dZ", base, (int)(ms % 1000));
}

void s3_canonical_id(const char *account, char out[static 65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char in[64];

	snprintf(in, sizeof(in), "vpce-s3-canonical-user:%s", account);
	EVP_Digest(in, strlen(in), md, &len, EVP_sha256(), NULL);
	str_hex_encode(md, 32, out);
}
