/* SPDX-License-Identifier: MIT */
/*
 * Multipart uploads begun, fed and abandoned: CreateMultipartUpload,
 * UploadPart (its body read exactly as PutObject reads one) and
 * AbortMultipartUpload, over the records of s3_upload.h. An upload holds
 * at most LIMIT_S3_MULTIPART_OBJECT_BYTES in its parts, a bucket at most
 * LIMIT_S3_UPLOADS uploads.
 */
#include "compat.h"
#include "svc/s3_upload.h"

#include <ctype.h>
#include <openssl/evp.h>

#include "base/xml.h"

#define INTERNAL "We encountered an internal error. Please try again."
#define BAD_PART "Part number must be an integer between 1 and 10000, inclusive"
#define DROP_BATCH 64

static int internal_error(struct s3_ctx *x)
{
	return s3_fail(x, 500, "InternalError", INTERNAL, NULL);
}

int s3_upload_decode(struct str v, const char *id, struct s3_upload *u)
{
	const char *nul = memchr(v.p, '\0', v.len);
	struct str rest, line, account, ms, algo;
	uint64_t n = 0;

	memset(u, 0, sizeof(*u));
	buf_init(&u->text, v.len);
	buf_addstr(&u->text, v);
	str_lcpy(u->id, id, sizeof(u->id));
	if (!nul || u->text.err)
		return -EIO;
	u->key = str_from(u->text.p, (size_t)(nul - v.p));
	rest = str_from(u->text.p + u->key.len + 1, v.len - u->key.len - 1);
	if (!str_cut(&rest, '\n', &line) || !str_cut(&line, ' ', &account) ||
	    !str_cut(&line, ' ', &ms) || !str_cut(&line, ' ', &algo) ||
	    str_copy(account, u->owner, sizeof(u->owner)) < 0 ||
	    str_to_u64(ms, INT64_MAX, &n) < 0)
		return -EIO;
	u->initiated_ms = (int64_t)n;
	u->sum = str_eq_c(algo, "-") ? -1 : s3_sum_by_name(algo);
	u->full_object = str_eq_c(line, "FULL_OBJECT");
	if ((u->sum < 0 && !str_eq_c(algo, "-")) || u->key.len > LIMIT_S3_KEY_BYTES)
		return -EIO;
	return s3_record_decode(rest, &u->meta) < 0 ? -EIO : 0;
}

void s3_upload_release(struct s3_upload *u)
{
	buf_release(&u->text);
}

static int no_upload(struct s3_ctx *x, const char *id)
{
	const char *f[] = { "UploadId", id, NULL };

	return s3_fail(x, 404, "NoSuchUpload", S3_NO_UPLOAD, f);
}

int s3_upload_load(struct s3_ctx *x, struct s3_upload *u)
{
	char id[S3_UPLOAD_ID_SIZE], k[S3_PART_KEY_SIZE];
	struct buf v;
	int ret = str_form_get(x->req->query, "uploadId", id, sizeof(id));

	memset(u, 0, sizeof(*u));
	if (ret < 0)
		id[0] = '\0';
	/* IDs are base64url: one with a '/' would reach into another's parts. */
	if (ret <= 0 || !id[0] || strchr(id, '/'))
		return no_upload(x, id);
	str_concat(k, sizeof(k), x->c->bucket, "/", id, NULL);
	buf_init(&v, LIMIT_S3_KEY_BYTES + LIMIT_S3_RECORD_BYTES);
	ret = kv_get(x->kv, S3_SPACE_UPLOAD, str_c(k), &v);
	if (!ret && s3_upload_decode(buf_str(&v), id, u) < 0)
		ret = -EIO;
	buf_release(&v);
	if (ret == -ENOENT || (!ret && !str_eq(u->key, str_from(x->c->key, x->c->key_len))))
		return no_upload(x, id);
	return ret < 0 ? internal_error(x) : 0;
}

void s3_part_key(const struct s3_ctx *x, const char *id, unsigned n,
		 char out[static S3_PART_KEY_SIZE])
{
	snprintf(out, S3_PART_KEY_SIZE, "%s/%s/%05u", x->c->bucket, id, n);
}

struct batch {
	char keys[DROP_BATCH][S3_PART_KEY_SIZE];
	size_t n;
};

static int batch_add(void *arg, struct str key, struct str value)
{
	struct batch *b = arg;

	(void)value;
	if (str_copy(key, b->keys[b->n], sizeof(b->keys[0])) < 0)
		return -EIO;
	return ++b->n == DROP_BATCH ? 1 : 0;
}

int s3_drop_prefix(struct kv *kv, const char *space, struct str prefix)
{
	struct batch b;
	int ret;

	do {
		b.n = 0;
		ret = kv_scan(kv, space, prefix, STR_EMPTY, batch_add, &b);
		for (size_t i = 0; ret >= 0 && i < b.n; i++)
			ret = kv_del(kv, space, str_c(b.keys[i]));
	} while (ret == 0 && b.n == DROP_BATCH);
	return ret < 0 ? -EIO : 0;
}

int s3_uploads_drop(struct kv *kv, const char *bucket)
{
	static const char *const spaces[] = { S3_SPACE_UPLOAD, S3_SPACE_PART, S3_SPACE_PART_DATA };
	char prefix[S3_BUCKET_SIZE + 1];
	int ret = 0;

	str_concat(prefix, sizeof(prefix), bucket, "/", NULL);
	for (size_t i = 0; !ret && i < ARRAY_SIZE(spaces); i++)
		ret = s3_drop_prefix(kv, spaces[i], str_c(prefix));
	return ret;
}

void s3_upload_people(struct buf *b, const struct s3_upload *u, const char *bucket_owner)
{
	char id[65];

	s3_canonical_id(u->owner, id);
	xml_open(b, "Initiator");
	xml_text(b, "ID", id);
	xml_close(b, "Initiator");
	s3_canonical_id(bucket_owner, id);
	xml_open(b, "Owner");
	xml_text(b, "ID", id);
	xml_close(b, "Owner");
}

/* --- CreateMultipartUpload --- */

static int invalid_request(struct s3_ctx *x, const char *msg)
{
	return s3_fail(x, 400, "InvalidRequest", msg, NULL);
}

/* The name of 's' as S3's messages write it: "crc32". */
static const char *sum_lower(int s, char out[static 16])
{
	size_t i = 0;

	for (const char *p = s3_sum_name((enum s3_sum)s); *p && i < 15; p++)
		out[i++] = str_ascii_lower(*p);
	out[i] = '\0';
	return out;
}

/* x-amz-checksum-algorithm and x-amz-checksum-type, by S3's rules. */
static int checksum_choice(struct s3_ctx *x, int *sum, bool *full_object)
{
	const struct str *algo = http_header_get(x->req, "x-amz-checksum-algorithm");
	const struct str *type = http_header_get(x->req, "x-amz-checksum-type");
	bool composite_only, full_only;
	char msg[128], lower[16];

	*sum = algo ? s3_sum_by_name(*algo) : -1;
	if (algo && *sum < 0)
		return invalid_request(x, "Checksum algorithm provided is unsupported. Please try again "
				       "with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, "
				       "SHA256]");
	if (type && !algo)
		return invalid_request(x, "The x-amz-checksum-type header can only be used with the "
				       "x-amz-checksum-algorithm header.");
	if (type && !str_eq_c(*type, "COMPOSITE") && !str_eq_c(*type, "FULL_OBJECT"))
		return invalid_request(x, "Value for x-amz-checksum-type header is invalid.");
	if (*sum < 0)
		return 0;
	/* CRC64NVME combines only whole; the digests only part by part. */
	full_only = *sum == S3_SUM_CRC64NVME;
	composite_only = *sum == S3_SUM_SHA1 || *sum == S3_SUM_SHA256;
	*full_object = type ? str_eq_c(*type, "FULL_OBJECT") : full_only;
	if ((*full_object && composite_only) || (!*full_object && full_only)) {
		snprintf(msg, sizeof(msg), "The %s checksum type cannot be used with the %s checksum "
			 "algorithm.", *full_object ? "FULL_OBJECT" : "COMPOSITE", sum_lower(*sum, lower));
		return invalid_request(x, msg);
	}
	return 0;
}

/* Counts the bucket's uploads up to LIMIT_S3_UPLOADS. */
static int count_upload(void *arg, struct str key, struct str value)
{
	size_t *n = arg;

	(void)key, (void)value;
	return ++*n >= LIMIT_S3_UPLOADS ? 1 : 0;
}

/*
 * An opaque ID, base64url of a digest of what makes this request unique;
 * 'salt' makes another when the first is taken.
 */
static void make_id(const struct s3_ctx *x, unsigned salt, char out[static S3_UPLOAD_ID_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char in[S3_BUCKET_SIZE + LIMIT_S3_KEY_BYTES + 160];
	int n = snprintf(in, sizeof(in), "%s\n%lld\n%s\n%u\n%s\n", x->request_id,
			 (long long)x->now, x->account, salt, x->c->bucket);
	size_t used = n < 0 ? 0 : MIN((size_t)n, sizeof(in) - 1);
	size_t k = MIN(x->c->key_len, sizeof(in) - used);

	memcpy(in + used, x->c->key, k);
	EVP_Digest(in, used + k, md, &len, EVP_sha256(), NULL);
	s3_base64(md, 32, out);
	for (char *p = out; *p; p++) {
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
		else if (*p == '=')
			*p = '\0';
	}
	/* A letter first: the aws CLI takes "--upload-id -x…" for an option, not its value. */
	if (!isalnum((unsigned char)out[0]))
		out[0] = (char)('A' + md[31] % 26);
}

/* A fresh upload ID for the call: 0, or -EIO. */
static int new_id(struct s3_ctx *x, char out[static S3_UPLOAD_ID_SIZE])
{
	char k[S3_PART_KEY_SIZE];
	struct buf v;
	int ret = 0;

	buf_init(&v, LIMIT_S3_KEY_BYTES + LIMIT_S3_RECORD_BYTES);
	for (unsigned salt = 0; salt < 8; salt++) {
		make_id(x, salt, out);
		str_concat(k, sizeof(k), x->c->bucket, "/", out, NULL);
		buf_reset(&v);
		ret = kv_get(x->kv, S3_SPACE_UPLOAD, str_c(k), &v);
		if (ret != 0)
			break;
	}
	buf_release(&v);
	return ret == -ENOENT ? 0 : -EIO;
}

static int write_upload(struct s3_ctx *x, const char *id, int sum, bool full_object,
			const struct s3_record *meta)
{
	char k[S3_PART_KEY_SIZE];
	struct buf v;
	int ret;

	buf_init(&v, LIMIT_S3_KEY_BYTES + LIMIT_S3_RECORD_BYTES);
	buf_add(&v, x->c->key, x->c->key_len);
	buf_addc(&v, '\0');
	buf_addf(&v, "%s %lld %s %s\n", x->account, (long long)x->now,
		 sum < 0 ? "-" : s3_sum_name((enum s3_sum)sum),
		 sum < 0 ? "-" : full_object ? "FULL_OBJECT" : "COMPOSITE");
	s3_record_encode(meta, &v);
	str_concat(k, sizeof(k), x->c->bucket, "/", id, NULL);
	ret = v.err ? -EIO : kv_put(x->kv, S3_SPACE_UPLOAD, str_c(k), buf_str(&v));
	buf_release(&v);
	return ret;
}

static void initiated(struct s3_ctx *x, const char *id, int sum, bool full_object)
{
	struct buf *b = &x->resp->body;

	s3_doc_begin(x, "InitiateMultipartUploadResult");
	xml_text(b, "Bucket", x->c->bucket);
	xml_str(b, "Key", str_from(x->c->key, x->c->key_len));
	xml_text(b, "UploadId", id);
	xml_close(b, "InitiateMultipartUploadResult");
	http_response_header(x->resp, "x-amz-server-side-encryption", "AES256");
	if (sum < 0)
		return;
	http_response_header(x->resp, "x-amz-checksum-algorithm", "%s",
			     s3_sum_name((enum s3_sum)sum));
	http_response_header(x->resp, "x-amz-checksum-type", "%s",
			     full_object ? "FULL_OBJECT" : "COMPOSITE");
}

int s3_create_upload(struct s3_ctx *x)
{
	/* The object to be: the ETag of no bytes until its parts come. */
	struct s3_record meta = { .mtime_ms = x->now, .sum = -1,
				  .etag = "d41d8cd98f00b204e9800998ecf8427e" };
	char enc[256], id[S3_UPLOAD_ID_SIZE], prefix[S3_BUCKET_SIZE + 1];
	bool full_object = false;
	size_t n = 0;
	int sum, ret;

	if ((ret = s3_ctx_bucket(x)) < 0 || (ret = s3_check_put_headers(x)) < 0 ||
	    (ret = checksum_choice(x, &sum, &full_object)) < 0 ||
	    (ret = s3_collect_headers(x, &meta, enc, sizeof(enc))) < 0)
		return ret;
	str_concat(prefix, sizeof(prefix), x->c->bucket, "/", NULL);
	if (kv_scan(x->kv, S3_SPACE_UPLOAD, str_c(prefix), STR_EMPTY, count_upload, &n) < 0)
		return internal_error(x);
	if (n >= LIMIT_S3_UPLOADS) {
		char msg[160];

		snprintf(msg, sizeof(msg), "vpce keeps at most %d multipart uploads in progress in a "
			 "bucket: complete or abort one first", LIMIT_S3_UPLOADS);
		return invalid_request(x, msg);
	}
	if (new_id(x, id) < 0 || write_upload(x, id, sum, full_object, &meta) < 0)
		return internal_error(x);
	initiated(x, id, sum, full_object);
	return 0;
}

/* --- UploadPart --- */

static int part_number(struct s3_ctx *x, unsigned *out)
{
	char v[16];
	uint64_t n = 0;
	int ret = str_form_get(x->req->query, "partNumber", v, sizeof(v));

	if (ret <= 0 || str_to_u64(str_c(v), LIMIT_S3_PARTS, &n) < 0 || n == 0) {
		const char *f[] = { "ArgumentName", "partNumber", "ArgumentValue", ret > 0 ? v : "",
				    NULL };

		return s3_fail(x, 400, "InvalidArgument", BAD_PART, f);
	}
	*out = (unsigned)n;
	return 0;
}

struct part_sizes {
	struct str skip;		/* the part being replaced */
	uint64_t total;
};

static int add_size(void *arg, struct str key, struct str value)
{
	struct part_sizes *ps = arg;
	struct s3_record r;

	if (str_eq(key, ps->skip))
		return 0;
	if (s3_record_decode(value, &r) < 0)
		return -EIO;
	ps->total += r.size;
	return 0;
}

/* What the upload's other parts hold, in 'total'. */
static int other_parts(struct s3_ctx *x, const char *id, const char *key, uint64_t *total)
{
	char prefix[S3_PART_KEY_SIZE];
	struct part_sizes ps = { .skip = str_c(key) };
	int ret;

	str_concat(prefix, sizeof(prefix), x->c->bucket, "/", id, "/", NULL);
	ret = kv_scan(x->kv, S3_SPACE_PART, str_c(prefix), STR_EMPTY, add_size, &ps);
	*total = ps.total;
	return ret < 0 ? -EIO : 0;
}

/* The part's checksum against the upload's algorithm: S3 computes it when none came. */
static int part_sum(struct s3_ctx *x, const struct s3_upload *u, struct str payload,
		    struct s3_record *r)
{
	char msg[128], want[16], got[16];

	if (u->sum < 0 || r->sum == u->sum)
		return 0;
	if (r->sum < 0) {
		r->sum = u->sum;
		s3_sum_compute((enum s3_sum)u->sum, payload, r->sum_value);
		return 0;
	}
	snprintf(msg, sizeof(msg), "Checksum Type mismatch occurred, expected checksum Type: %s, "
		 "actual checksum Type: %s", sum_lower(u->sum, want), sum_lower(r->sum, got));
	return invalid_request(x, msg);
}

static int write_part(struct s3_ctx *x, const char *key, const struct s3_record *r,
		      struct str payload)
{
	struct buf text;
	int ret;

	buf_init(&text, LIMIT_S3_RECORD_BYTES);
	s3_record_encode(r, &text);
	ret = text.err ? -EIO : kv_begin(x->kv);
	if (!ret) {
		ret = kv_put(x->kv, S3_SPACE_PART, str_c(key), buf_str(&text));
		if (!ret)
			ret = kv_put(x->kv, S3_SPACE_PART_DATA, str_c(key), payload);
		if (kv_commit(x->kv, ret == 0) < 0)
			ret = -EIO;
	}
	buf_release(&text);
	return ret;
}

static int store_part(struct s3_ctx *x, const struct s3_upload *u, unsigned n, struct str payload,
		      const struct s3_chunked *info)
{
	struct s3_record r = { .size = payload.len, .mtime_ms = x->now, .sum = -1 };
	char key[S3_PART_KEY_SIZE];
	uint64_t others;
	int ret;

	if ((ret = s3_content_md5(x, payload, r.etag)) < 0 ||
	    (ret = s3_check_sums(x, payload, info, &r)) < 0 || (ret = part_sum(x, u, payload, &r)) < 0)
		return ret;
	s3_part_key(x, u->id, n, key);
	if (other_parts(x, u->id, key, &others) < 0)
		return internal_error(x);
	if (others + payload.len > LIMIT_S3_MULTIPART_OBJECT_BYTES)
		return s3_too_large(x, others + payload.len, LIMIT_S3_MULTIPART_OBJECT_BYTES);
	if (write_part(x, key, &r, payload) < 0)
		return internal_error(x);
	http_response_header(x->resp, "x-amz-server-side-encryption", "AES256");
	http_response_header(x->resp, "ETag", "\"%s\"", r.etag);
	if (r.sum >= 0)
		http_response_header(x->resp, s3_sum_header((enum s3_sum)r.sum), "%s", r.sum_value);
	return 0;
}

int s3_upload_part(struct s3_ctx *x)
{
	struct s3_upload u;
	struct s3_chunked info;
	struct str payload;
	struct buf tmp;
	unsigned n = 0;
	int ret;

	if ((ret = s3_ctx_bucket(x)) < 0)
		return ret;
	/* UploadPartCopy is not here. */
	if (http_header_get(x->req, "x-amz-copy-source"))
		return s3_not_implemented(x, "x-amz-copy-source");
	if ((ret = part_number(x, &n)) < 0)
		return ret;
	if ((ret = s3_upload_load(x, &u)) < 0) {
		s3_upload_release(&u);
		return ret;
	}
	buf_init(&tmp, LIMIT_S3_OBJECT_BYTES);
	ret = s3_payload(x, &tmp, &payload, &info);
	if (!ret)
		ret = store_part(x, &u, n, payload, &info);
	buf_release(&tmp);
	s3_upload_release(&u);
	return ret;
}

/* --- AbortMultipartUpload --- */

int s3_upload_remove(struct s3_ctx *x, const char *id)
{
	char k[S3_PART_KEY_SIZE];
	int ret;

	str_concat(k, sizeof(k), x->c->bucket, "/", id, NULL);
	ret = kv_del(x->kv, S3_SPACE_UPLOAD, str_c(k));
	str_concat(k, sizeof(k), x->c->bucket, "/", id, "/", NULL);
	if (!ret)
		ret = s3_drop_prefix(x->kv, S3_SPACE_PART, str_c(k));
	if (!ret)
		ret = s3_drop_prefix(x->kv, S3_SPACE_PART_DATA, str_c(k));
	return ret < 0 ? -EIO : 0;
}

int s3_abort_upload(struct s3_ctx *x)
{
	struct s3_upload u;
	int ret;

	if ((ret = s3_ctx_bucket(x)) < 0)
		return ret;
	ret = s3_upload_load(x, &u);
	if (!ret) {
		ret = kv_begin(x->kv);
		if (!ret) {
			ret = s3_upload_remove(x, u.id);
			if (kv_commit(x->kv, ret == 0) < 0)
				ret = -EIO;
		}
		ret = ret < 0 ? internal_error(x) : 0;
	}
	s3_upload_release(&u);
	if (!ret)
		x->resp->status = 204;
	return ret;
}
