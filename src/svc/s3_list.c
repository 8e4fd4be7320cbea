/* SPDX-License-Identifier: MIT */
/*
 * ListObjects and ListObjectsV2 over the ordered kv: one scan from the
 * start point, and a jump past every common prefix once it is counted, so
 * a page costs its own entries whatever lies under the prefixes. A
 * continuation token is base64 of 'K' and the last key, or 'P' and the
 * last common prefix (everything under it is skipped).
 */
#include "compat.h"
#include "svc/s3_record.h"

#include "base/xalloc.h"
#include "base/xml.h"

#define LIST_STOP 1		/* the page is full */
#define LIST_JUMP 2		/* go on past the prefix in 'jump' */
#define KV_KEY_MAX (S3_BUCKET_SIZE + LIMIT_S3_KEY_BYTES + 2)

struct lister {
	struct s3_ctx *x;
	const struct s3_list_args *l;
	size_t base;			/* bytes of "bucket/" in kv keys */
	struct str marker;		/* where the listing starts (exclusive), as a key */
	unsigned n;			/* entries on the page */
	bool truncated;
	char last[LIMIT_S3_KEY_BYTES + 1];
	size_t last_len;
	bool last_prefix;		/* 'last' is a common prefix */
	struct str jump;		/* the prefix to skip (points into 'last' or the scan) */
	char jump_buf[LIMIT_S3_KEY_BYTES + 1];
	struct buf contents, prefixes;
	char owner_id[65];
};

void s3_xml_name(struct buf *b, const char *tag, struct str s, bool url)
{
	char tmp[3 * LIMIT_S3_KEY_BYTES + 1];

	if (!url || s.len > LIMIT_S3_KEY_BYTES)
		xml_str(b, tag, s);
	else
		xml_str(b, tag, str_from(tmp, s3_url_encode(s, true, tmp)));
}

static void set_last(struct lister *ls, struct str s, bool prefix)
{
	memcpy(ls->last, s.p, s.len);
	ls->last[s.len] = '\0';
	ls->last_len = s.len;
	ls->last_prefix = prefix;
}

static int add_object(struct lister *ls, struct str key, struct str value)
{
	struct buf *b = &ls->contents;
	struct s3_record r;
	char date[32], etag[S3_ETAG_SIZE + 2];

	if (s3_record_decode(value, &r) < 0)
		return -EIO;
	s3_iso_date(r.mtime_ms, date);
	str_concat(etag, sizeof(etag), "\"", r.etag, "\"", NULL);
	xml_open(b, "Contents");
	s3_xml_name(b, "Key", key, ls->l->url_encoding);
	xml_text(b, "LastModified", date);
	xml_text(b, "ETag", etag);
	if (r.sum >= 0) {
		xml_text(b, "ChecksumAlgorithm", s3_sum_name((enum s3_sum)r.sum));
		xml_text(b, "ChecksumType", s3_record_sum_type(&r));
	}
	xml_u64(b, "Size", r.size);
	if (ls->x->c->op == S3_LIST_OBJECTS || ls->l->fetch_owner) {
		xml_open(b, "Owner");
		xml_text(b, "ID", ls->owner_id);
		xml_close(b, "Owner");
	}
	xml_text(b, "StorageClass", "STANDARD");
	xml_close(b, "Contents");
	return 0;
}

static int list_item(void *arg, struct str kvkey, struct str value)
{
	struct lister *ls = arg;
	struct str key = str_from(kvkey.p + ls->base, kvkey.len - ls->base);
	size_t plen = strlen(ls->l->prefix), dlen = strlen(ls->l->delimiter);
	const char *d = ls->l->has_delimiter && key.len > plen ?
		memmem(key.p + plen, key.len - plen, ls->l->delimiter, dlen) : NULL;

	if (d) {
		struct str cp = str_from(key.p, (size_t)(d - key.p) + dlen);

		memcpy(ls->jump_buf, cp.p, cp.len);
		ls->jump = str_from(ls->jump_buf, cp.len);
		/* A prefix that holds the start point was on an earlier page. */
		if (ls->marker.len && str_cmp(cp, ls->marker) <= 0)
			return LIST_JUMP;
		if (ls->n == ls->l->max_keys) {
			ls->truncated = true;
			return LIST_STOP;
		}
		xml_open(&ls->prefixes, "CommonPrefixes");
		s3_xml_name(&ls->prefixes, "Prefix", cp, ls->l->url_encoding);
		xml_close(&ls->prefixes, "CommonPrefixes");
		set_last(ls, cp, true);
		ls->n++;
		return LIST_JUMP;
	}
	if (ls->n == ls->l->max_keys) {
		ls->truncated = true;
		return LIST_STOP;
	}
	if (add_object(ls, key, value) < 0)
		return -EIO;
	set_last(ls, key, false);
	ls->n++;
	return 0;
}

/* The kv key after which the scan starts: past all of 'key' when 'past_prefix'. */
static void scan_after(const struct lister *ls, struct str key, bool past_prefix, char *out,
		       size_t *len)
{
	size_t n = 0;

	memcpy(out, ls->x->c->bucket, ls->base - 1);
	out[ls->base - 1] = '/';
	n = ls->base;
	memcpy(out + n, key.p, key.len);
	n += key.len;
	/* Keys are at most LIMIT_S3_KEY_BYTES: this sorts after every key under 'key'. */
	while (past_prefix && n < ls->base + LIMIT_S3_KEY_BYTES + 1)
		out[n++] = '\xff';
	*len = n;
}

static int bad_token(struct s3_ctx *x)
{
	const char *f[] = { "ArgumentName", "continuation-token", "ArgumentValue", x->c->list.token,
			    NULL };

	return s3_fail(x, 400, "InvalidArgument", "The continuation token provided is incorrect", f);
}

/* Where the listing starts: the token, else start-after or marker. */
static int start_point(struct lister *ls, char *key_buf, bool *past_prefix)
{
	const struct s3_list_args *l = ls->l;
	unsigned char raw[LIMIT_S3_KEY_BYTES + 2];
	size_t n = 0;

	*past_prefix = false;
	if (l->has_token) {
		if (s3_unbase64(str_c(l->token), raw, sizeof(raw), &n) < 0 || n < 2 ||
		    (raw[0] != 'K' && raw[0] != 'P') || memchr(raw + 1, '\0', n - 1))
			return bad_token(ls->x);
		memcpy(key_buf, raw + 1, n - 1);
		ls->marker = str_from(key_buf, n - 1);
		*past_prefix = raw[0] == 'P';
		return 0;
	}
	if (l->has_start_after)
		ls->marker = str_c(l->start_after);
	return 0;
}

static int scan_page(struct lister *ls)
{
	char after[KV_KEY_MAX + 8], prefix[KV_KEY_MAX], key_buf[LIMIT_S3_KEY_BYTES + 1];
	size_t after_len = 0, prefix_len = 0;
	bool past = false;
	int ret;

	if ((ret = start_point(ls, key_buf, &past)) < 0)
		return ret;
	scan_after(ls, str_c(ls->l->prefix), false, prefix, &prefix_len);
	if (ls->marker.len)
		scan_after(ls, ls->marker, past, after, &after_len);
	if (!ls->l->max_keys)
		return 0;
	/* Each round ends on a prefix it counted or skipped; the start point skips at most one. */
	for (unsigned round = 0; round <= LIMIT_S3_LIST_KEYS + 2; round++) {
		ret = kv_scan(ls->x->kv, S3_SPACE_META, str_from(prefix, prefix_len),
			      str_from(after, after_len), list_item, ls);
		if (ret != LIST_JUMP)
			return ret < 0 ? -EIO : 0;
		scan_after(ls, ls->jump, true, after, &after_len);
	}
	return 0;
}

static void next_token(const struct lister *ls, char *out)
{
	char raw[LIMIT_S3_KEY_BYTES + 2];

	raw[0] = ls->last_prefix ? 'P' : 'K';
	memcpy(raw + 1, ls->last, ls->last_len);
	s3_base64(raw, ls->last_len + 1, out);
}

/* MaxKeys, Delimiter, EncodingType and IsTruncated, in both versions' order. */
static void write_common(const struct lister *ls, struct buf *b)
{
	const struct s3_list_args *l = ls->l;

	xml_u64(b, "MaxKeys", l->max_keys);
	if (l->has_delimiter)
		s3_xml_name(b, "Delimiter", str_c(l->delimiter), l->url_encoding);
	if (l->url_encoding)
		xml_text(b, "EncodingType", "url");
	xml_bool(b, "IsTruncated", ls->truncated);
}

static void write_v2(struct lister *ls, struct buf *b)
{
	const struct s3_list_args *l = ls->l;
	char token[LIMIT_S3_TOKEN_BYTES + 1];

	if (l->has_token)
		xml_text(b, "ContinuationToken", l->token);
	if (l->has_start_after)
		s3_xml_name(b, "StartAfter", str_c(l->start_after), l->url_encoding);
	xml_u64(b, "KeyCount", ls->n);
	write_common(ls, b);
	if (ls->truncated) {
		next_token(ls, token);
		xml_text(b, "NextContinuationToken", token);
	}
}

static void write_v1(struct lister *ls, struct buf *b)
{
	const struct s3_list_args *l = ls->l;

	s3_xml_name(b, "Marker", str_c(l->start_after), l->url_encoding);
	if (ls->truncated && l->has_delimiter)
		s3_xml_name(b, "NextMarker", str_from(ls->last, ls->last_len), l->url_encoding);
	write_common(ls, b);
}

int s3_list_objects(struct s3_ctx *x)
{
	struct lister *ls;
	struct buf *b = &x->resp->body;
	int ret;

	if ((ret = s3_ctx_bucket(x)) < 0)
		return ret;
	ls = xcalloc(1, sizeof(*ls));
	ls->x = x;
	ls->l = &x->c->list;
	ls->base = strlen(x->c->bucket) + 1;
	buf_init(&ls->contents, LIMIT_HTTP_RESPONSE_BYTES);
	buf_init(&ls->prefixes, LIMIT_HTTP_RESPONSE_BYTES);
	s3_canonical_id(x->bucket.owner, ls->owner_id);
	ret = scan_page(ls);
	if (ret == 0) {
		x->resp->content_type = "application/xml";
		buf_adds(b, XML_DECL "<ListBucketResult xmlns=\"" S3_XML_NS "\">");
		xml_text(b, "Name", x->c->bucket);
		s3_xml_name(b, "Prefix", str_c(ls->l->prefix), ls->l->url_encoding);
		if (x->c->op == S3_LIST_OBJECTS_V2)
			write_v2(ls, b);
		else
			write_v1(ls, b);
		buf_addstr(b, buf_str(&ls->contents));
		buf_addstr(b, buf_str(&ls->prefixes));
		buf_adds(b, "</ListBucketResult>");
	} else if (ret == -EIO) {
		s3_fail(x, 500, "InternalError", "We encountered an internal error. Please try again.",
			NULL);
	}
	buf_release(&ls->contents);
	buf_release(&ls->prefixes);
	free(ls);
	return ret;
}
