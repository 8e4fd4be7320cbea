/* SPDX-License-Identifier: MIT */
/*
 * Objects: PutObject (plain and aws-chunked bodies, Content-MD5 and the
 * x-amz-checksum-* family), GetObject and HeadObject (conditions, one
 * byte range, checksum mode), DeleteObject and DeleteObjects. An object is
 * two kv entries written together: its record (s3_record.h) and its bytes.
 */
#include "compat.h"
#include "svc/s3_record.h"

#include <openssl/evp.h>

#include "base/xml.h"
#include "base/xalloc.h"

#define NOT_IMPLEMENTED "A header you provided implies functionality that is not implemented"
#define NO_KEY "The specified key does not exist."
#define PRECONDITION "At least one of the pre-conditions you specified did not hold"

/* Headers kept with an object and given back with it, besides x-amz-meta-*. */
static const char *const kept_headers[] = {
	"Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language",
	"Content-Type", "Expires",
};

/* Headers of features this engine does not have. */
static const char *const unsupported_headers[] = {
	"x-amz-copy-source", "x-amz-tagging", "x-amz-website-redirect-location",
	"x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date",
	"x-amz-object-lock-legal-hold", "x-amz-server-side-encryption-customer-algorithm",
	"x-amz-server-side-encryption-aws-kms-key-id", "x-amz-request-payer",
	"x-amz-write-offset-bytes",
};

void s3_object_key(const struct s3_call *c, struct buf *k)
{
	buf_adds(k, c->bucket);
	buf_addc(k, '/');
	buf_add(k, c->key, c->key_len);
}

int s3_not_implemented(struct s3_ctx *x, const char *header)
{
	const char *f[] = { "Header", header, NULL };

	return s3_fail(x, 501, "NotImplemented", NOT_IMPLEMENTED, f);
}

int s3_check_put_headers(struct s3_ctx *x)
{
	const struct str *v;
	static const char *const grants[] = { "x-amz-grant-full-control", "x-amz-grant-read",
		"x-amz-grant-read-acp", "x-amz-grant-write-acp" };

	for (size_t i = 0; i < ARRAY_SIZE(unsupported_headers); i++)
		if (http_header_get(x->req, unsupported_headers[i]))
			return s3_not_implemented(x, unsupported_headers[i]);
	v = http_header_get(x->req, "x-amz-server-side-encryption");
	if (v && !str_eq_c(*v, "AES256"))
		return s3_not_implemented(x, "x-amz-server-side-encryption");
	v = http_header_get(x->req, "x-amz-storage-class");
	if (v && !str_eq_c(*v, "STANDARD"))
		return s3_not_implemented(x, "x-amz-storage-class");
	v = http_header_get(x->req, "x-amz-acl");
	for (size_t i = 0; !v && i < ARRAY_SIZE(grants); i++)
		v = http_header_get(x->req, grants[i]);
	if (v && !str_eq_c(*v, "private") && !str_eq_c(*v, "bucket-owner-full-control"))
		return s3_fail(x, 400, "AccessControlListNotSupported", "The bucket does not allow ACLs",
			       NULL);
	return 0;
}

static bool hex64(struct str s)
{
	if (s.len != 64)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (str_hex_digit(s.p[i]) < 0)
			return false;
	return true;
}

int s3_too_large(struct s3_ctx *x, uint64_t size, uint64_t max)
{
	char proposed[24], max_text[24];
	const char *f[] = { "ProposedSize", proposed, "MaxSizeAllowed", max_text, NULL };

	snprintf(proposed, sizeof(proposed), "%llu", (unsigned long long)size);
	snprintf(max_text, sizeof(max_text), "%llu", (unsigned long long)max);
	return s3_fail(x, 400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size",
		       f);
}

/* The payload of an aws-chunked body, into 'out'. */
static int chunked_payload(struct s3_ctx *x, struct str sha, struct buf *out,
			   struct s3_chunked *info)
{
	const struct str *dlen = http_header_get(x->req, "x-amz-decoded-content-length");
	const struct str *tr = http_header_get(x->req, "x-amz-trailer");
	char trailer[40] = "";
	bool signed_chunks = str_starts_with(sha, STR_LIT("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
	struct err e = { 0 };
	uint64_t want;

	if (sha.len && !signed_chunks && !str_eq_c(sha, "STREAMING-UNSIGNED-PAYLOAD-TRAILER"))
		return s3_not_implemented(x, "x-amz-content-sha256");
	if (!dlen || str_to_u64(*dlen, UINT64_MAX >> 1, &want) < 0)
		return s3_fail(x, 411, "MissingContentLength",
			       "You must provide the Content-Length HTTP header.", NULL);
	if (want > LIMIT_S3_OBJECT_BYTES)
		return s3_too_large(x, want, LIMIT_S3_OBJECT_BYTES);
	if (tr && (tr->len >= sizeof(trailer) || s3_sum_by_header(*tr) < 0))
		return s3_fail(x, 400, "InvalidRequest", "The value of x-amz-trailer is not supported",
			       NULL);
	for (size_t i = 0; tr && i < tr->len; i++)
		trailer[i] = str_ascii_lower(tr->p[i]);
	if (s3_chunked_decode(x->req->body, signed_chunks, trailer, LIMIT_S3_OBJECT_BYTES,
			      x->c->verify_sig, x->c->verify_sig_arg, out, info, &e) < 0)
		return s3_fail_err(x, &e);
	if (out->len != want)
		return s3_fail(x, 400, "IncompleteBody",
			       "You did not provide the number of bytes specified by the Content-Length "
			       "HTTP header", NULL);
	return 0;
}

/* The object's bytes: the body, or the decoded aws-chunked body in 'tmp'. */
int s3_payload(struct s3_ctx *x, struct buf *tmp, struct str *payload, struct s3_chunked *info)
{
	const struct str *ce = http_header_get(x->req, "Content-Encoding");
	const struct str *sha = http_header_get(x->req, "x-amz-content-sha256");
	bool chunked = (ce && memmem(ce->p, ce->len, "aws-chunked", 11)) ||
		       (sha && str_starts_with(*sha, STR_LIT("STREAMING-")));
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char hex[65];
	int ret;

	memset(info, 0, sizeof(*info));
	if (chunked) {
		ret = chunked_payload(x, sha ? *sha : STR_EMPTY, tmp, info);
		*payload = buf_str(tmp);
		return ret;
	}
	*payload = x->req->body;
	if (payload->len > LIMIT_S3_OBJECT_BYTES)
		return s3_too_large(x, payload->len, LIMIT_S3_OBJECT_BYTES);
	if (!sha || !hex64(*sha))
		return 0;
	EVP_Digest(payload->p, payload->len, md, &len, EVP_sha256(), NULL);
	str_hex_encode(md, 32, hex);
	if (!str_eq_nocase(*sha, str_c(hex))) {
		char sent[65];
		const char *f[] = { "ClientComputedContentSHA256", sent, "S3ComputedContentSHA256", hex,
				    NULL };

		str_copy(*sha, sent, sizeof(sent));
		return s3_fail(x, 400, "XAmzContentSHA256Mismatch",
			       "The provided 'x-amz-content-sha256' header does not match what was "
			       "computed.", f);
	}
	return 0;
}

int s3_content_md5(struct s3_ctx *x, struct str payload, char etag[static 33])
{
	const struct str *md5 = http_header_get(x->req, "Content-MD5");
	unsigned char got[EVP_MAX_MD_SIZE], want[16];
	unsigned int len = 0;
	size_t n = 0;

	EVP_Digest(payload.p, payload.len, got, &len, EVP_md5(), NULL);
	str_hex_encode(got, 16, etag);
	if (!md5)
		return 0;
	if (s3_unbase64(*md5, want, sizeof(want), &n) < 0 || n != 16)
		return s3_fail(x, 400, "InvalidDigest", "The Content-MD5 you specified is not valid.",
			       NULL);
	if (memcmp(got, want, 16)) {
		char calc[32], sent[32];
		const char *f[] = { "ExpectedDigest", sent, "CalculatedDigest", calc, NULL };

		str_copy(*md5, sent, sizeof(sent));
		s3_base64(got, 16, calc);
		return s3_fail(x, 400, "BadDigest",
			       "The Content-MD5 you specified did not match what we received.", f);
	}
	return 0;
}

/* Finds the one checksum the upload carries (header or trailer) and checks it. */
int s3_check_sums(struct s3_ctx *x, struct str payload, const struct s3_chunked *info,
		  struct s3_record *r)
{
	const struct str *algo = http_header_get(x->req, "x-amz-sdk-checksum-algorithm");
	char want[S3_SUM_B64_SIZE];

	r->sum = info->trailer_name[0] ? s3_sum_by_header(str_c(info->trailer_name)) : -1;
	if (r->sum >= 0)
		str_lcpy(r->sum_value, info->trailer_value, sizeof(r->sum_value));
	for (size_t i = 0; i < x->req->n_headers; i++) {
		const struct http_header *h = &x->req->headers[i];
		int s = s3_sum_by_header(h->name);
		char msg[80];

		if (s < 0)
			continue;
		if (r->sum >= 0)
			return s3_fail(x, 400, "InvalidRequest", "Expecting a single x-amz-checksum- "
				       "header. Multiple checksum Types are not allowed.", NULL);
		snprintf(msg, sizeof(msg), "Value for %s header is invalid.", s3_sum_header(s));
		if (!s3_sum_valid(s, h->value))
			return s3_fail(x, 400, "InvalidRequest", msg, NULL);
		r->sum = s;
		str_copy(h->value, r->sum_value, sizeof(r->sum_value));
		s3_sum_compute(s, payload, want);
		if (strcmp(want, r->sum_value)) {
			snprintf(msg, sizeof(msg),
				 "The %s you specified did not match the calculated checksum.",
				 s3_sum_name(s));
			return s3_fail(x, 400, "BadDigest", msg, NULL);
		}
	}
	if (algo && (s3_sum_by_name(*algo) < 0))
		return s3_fail(x, 400, "InvalidRequest",
			       "Value for x-amz-sdk-checksum-algorithm header is invalid.", NULL);
	if (algo && (r->sum < 0 || r->sum != s3_sum_by_name(*algo)))
		return s3_fail(x, 400, "InvalidRequest", "x-amz-sdk-checksum-algorithm specified, but no "
			       "corresponding x-amz-checksum-* or x-amz-trailer headers were found.",
			       NULL);
	return 0;
}

/* Header values kept must be text: no control characters but tab. */
static bool header_text(struct str v)
{
	for (size_t i = 0; i < v.len; i++)
		if (((unsigned char)v.p[i] < 0x20 && v.p[i] != '\t') || v.p[i] == 0x7f)
			return false;
	return true;
}

/* Content-Encoding as kept: without aws-chunked, which only framed the upload. */
static struct str kept_encoding(struct str v, char *tmp, size_t size)
{
	struct str rest = v, tok;
	size_t n = 0;

	while (rest.len) {
		if (!str_cut(&rest, ',', &tok)) {
			tok = rest;
			rest = STR_EMPTY;
		}
		tok = str_trim(tok);
		if (!tok.len || str_eq_nocase(tok, STR_LIT("aws-chunked")) || n + tok.len + 2 > size)
			continue;
		if (n)
			tmp[n++] = ',';
		memcpy(tmp + n, tok.p, tok.len);
		n += tok.len;
	}
	return str_from(tmp, n);
}

int s3_collect_headers(struct s3_ctx *x, struct s3_record *r, char *enc, size_t enc_size)
{
	size_t meta = 0;
	bool typed = false;

	for (size_t i = 0; i < x->req->n_headers; i++) {
		const struct http_header *h = &x->req->headers[i];
		bool meta_name = h->name.len > 11 &&
				 str_eq_nocase(str_from(h->name.p, 11), STR_LIT("x-amz-meta-"));
		bool keep = meta_name;
		struct str value = h->value;

		if (meta_name)
			meta += h->name.len - 11 + h->value.len;
		for (size_t k = 0; !keep && k < ARRAY_SIZE(kept_headers); k++)
			keep = str_eq_nocase(h->name, str_c(kept_headers[k]));
		if (!keep)
			continue;
		if (str_eq_nocase(h->name, STR_LIT("Content-Encoding")))
			value = kept_encoding(value, enc, enc_size);
		typed |= str_eq_nocase(h->name, STR_LIT("Content-Type"));
		if (!value.len && !meta_name)
			continue;
		if (!header_text(value) || r->n_headers == S3_RECORD_HEADERS - 1)
			return s3_fail(x, 400, "InvalidArgument", "Invalid header value", NULL);
		r->headers[r->n_headers].name = h->name;
		r->headers[r->n_headers++].value = value;
	}
	if (meta > LIMIT_S3_META_BYTES) {
		char size[24], max[24];
		const char *f[] = { "Size", size, "MaxSizeAllowed", max, NULL };

		snprintf(size, sizeof(size), "%zu", meta);
		snprintf(max, sizeof(max), "%d", LIMIT_S3_META_BYTES);
		return s3_fail(x, 400, "MetadataTooLarge",
			       "Your metadata headers exceed the maximum allowed metadata size", f);
	}
	if (!typed) {
		r->headers[r->n_headers].name = STR_LIT("Content-Type");
		r->headers[r->n_headers++].value = STR_LIT("binary/octet-stream");
	}
	return 0;
}

int s3_read_record(struct s3_ctx *x, struct buf *text, struct s3_record *r)
{
	struct buf k;
	int ret;

	buf_init(&k, LIMIT_S3_KEY_BYTES + S3_BUCKET_SIZE + 1);
	s3_object_key(x->c, &k);
	ret = kv_get(x->kv, S3_SPACE_META, buf_str(&k), text);
	buf_release(&k);
	if (ret == 0 && s3_record_decode(buf_str(text), r) < 0)
		ret = -EIO;
	return ret;
}

int s3_no_key(struct s3_ctx *x)
{
	const char *f[] = { "Key", x->c->key, NULL };

	return s3_fail(x, 404, "NoSuchKey", NO_KEY, f);
}

int s3_precondition(struct s3_ctx *x, const char *condition)
{
	const char *f[] = { "Condition", condition, NULL };

	return s3_fail(x, 412, "PreconditionFailed", PRECONDITION, f);
}

/* True when the ETag list 'v' ("*", or quoted tags separated by commas) names 'etag'. */
bool s3_etag_matches(struct str v, const char *etag)
{
	struct str rest = v, tok;

	while (rest.len) {
		if (!str_cut(&rest, ',', &tok)) {
			tok = rest;
			rest = STR_EMPTY;
		}
		tok = str_trim(tok);
		if (str_starts_with(tok, STR_LIT("W/")))
			tok = str_from(tok.p + 2, tok.len - 2);
		if (tok.len >= 2 && tok.p[0] == '"' && tok.p[tok.len - 1] == '"')
			tok = str_from(tok.p + 1, tok.len - 2);
		if (str_eq_c(tok, "*") || str_eq_c(tok, etag))
			return true;
	}
	return false;
}

/* Conditional writes: If-None-Match: * and If-Match against what is there. */
int s3_put_conditions(struct s3_ctx *x)
{
	const struct str *none = http_header_get(x->req, "If-None-Match");
	const struct str *match = http_header_get(x->req, "If-Match");
	struct s3_record r;
	struct buf text;
	int ret;

	if (!none && !match)
		return 0;
	buf_init(&text, LIMIT_S3_RECORD_BYTES);
	ret = s3_read_record(x, &text, &r);
	if (ret < 0 && ret != -ENOENT)
		ret = s3_fail(x, 500, "InternalError", "We encountered an internal error. Please try again.",
			      NULL);
	else if (none && ret == 0)
		ret = s3_precondition(x, "If-None-Match");
	else if (match && ret == -ENOENT)
		ret = s3_no_key(x);
	else if (match && !s3_etag_matches(*match, r.etag))
		ret = s3_precondition(x, "If-Match");
	else
		ret = 0;
	buf_release(&text);
	return ret;
}

int s3_store_object(struct s3_ctx *x, const struct s3_record *r, struct str payload,
		    const char *upload_id)
{
	struct buf k, text;
	int ret;

	buf_init(&k, LIMIT_S3_KEY_BYTES + S3_BUCKET_SIZE + 1);
	buf_init(&text, LIMIT_S3_RECORD_BYTES);
	s3_object_key(x->c, &k);
	s3_record_encode(r, &text);
	ret = text.err || k.err ? -EIO : kv_begin(x->kv);
	if (!ret) {
		ret = kv_put(x->kv, S3_SPACE_META, buf_str(&k), buf_str(&text));
		if (!ret)
			ret = kv_put(x->kv, S3_SPACE_DATA, buf_str(&k), payload);
		if (!ret && upload_id)
			ret = s3_upload_remove(x, upload_id);
		if (kv_commit(x->kv, ret == 0) < 0)
			ret = -EIO;
	}
	buf_release(&k);
	buf_release(&text);
	return ret;
}

static int put_record(struct s3_ctx *x, struct str payload, const struct s3_chunked *info)
{
	struct s3_record r = { .size = payload.len, .mtime_ms = x->now, .sum = -1 };
	char enc[256];
	bool sent_sum;
	int ret;

	if ((ret = s3_content_md5(x, payload, r.etag)) < 0 || (ret = s3_check_sums(x, payload, info, &r)) < 0 ||
	    (ret = s3_collect_headers(x, &r, enc, sizeof(enc))) < 0 || (ret = s3_put_conditions(x)) < 0)
		return ret;
	sent_sum = r.sum >= 0;
	/* Objects uploaded without a checksum get S3's default one. */
	if (!sent_sum) {
		r.sum = S3_SUM_CRC64NVME;
		s3_sum_compute(S3_SUM_CRC64NVME, payload, r.sum_value);
	}
	if (s3_store_object(x, &r, payload, NULL) < 0)
		return s3_fail(x, 500, "InternalError", "We encountered an internal error. Please try again.",
			       NULL);
	http_response_header(x->resp, "ETag", "\"%s\"", r.etag);
	http_response_header(x->resp, "x-amz-server-side-encryption", "AES256");
	if (sent_sum) {
		http_response_header(x->resp, s3_sum_header(r.sum), "%s", r.sum_value);
		http_response_header(x->resp, "x-amz-checksum-type", "FULL_OBJECT");
	}
	return 0;
}

int s3_put_object(struct s3_ctx *x)
{
	struct s3_chunked info;
	struct buf tmp;
	struct str payload;
	int ret;

	if ((ret = s3_ctx_bucket(x)) < 0 || (ret = s3_check_put_headers(x)) < 0)
		return ret;
	buf_init(&tmp, LIMIT_S3_OBJECT_BYTES);
	ret = s3_payload(x, &tmp, &payload, &info);
	if (!ret)
		ret = put_record(x, payload, &info);
	buf_release(&tmp);
	return ret;
}
