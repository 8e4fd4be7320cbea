/* SPDX-License-Identifier: MIT */
/*
 * CompleteMultipartUpload: the part list checked as S3 checks it (order,
 * ETags, checksums, 5 MiB but for the last), then the object assembled and
 * stored as PutObject stores one, in the transaction that removes the
 * upload and every part. The ETag is the MD5 of the parts' binary MD5s,
 * "-N"; a COMPOSITE checksum likewise of the parts' checksums.
 */
#include "compat.h"
#include "svc/s3_upload.h"

#include <openssl/evp.h>

#include "base/xalloc.h"
#include "base/xml.h"

#define INTERNAL "We encountered an internal error. Please try again."
#define BAD_PART "One or more of the specified parts could not be found.  The part may not " \
	"have been uploaded, or the specified entity tag may not match the part's entity tag."
#define BAD_ORDER "The list of parts was not in ascending order. Parts must be ordered by " \
	"part number."
#define TOO_SMALL "Your proposed upload is smaller than the minimum allowed size"

/* One Part of the request document. */
struct wanted {
	uint64_t number;
	char etag[S3_ETAG_SIZE];	/* without quotes; "" when it was longer than any ETag */
	char sum[S3_SUM_B64_SIZE];	/* Checksum<upload's algorithm>; "" when absent */
	bool numbered;
};

struct wanted_list {
	struct wanted *v;		/* LIMIT_S3_PARTS + 1 entries */
	size_t n;
	int sum;			/* the upload's algorithm, or -1 */
};

/* The checksum element of algorithm 's'; -1 when the path names none. */
static int sum_element(const char *leaf)
{
	static const char prefix[] = "Checksum";

	if (strncmp(leaf, prefix, sizeof(prefix) - 1))
		return -1;
	return s3_sum_by_name(str_c(leaf + sizeof(prefix) - 1));
}

static int part_element(void *arg, const char *path, struct str text, struct err *e)
{
	struct wanted_list *l = arg;
	static const char part[] = "CompleteMultipartUpload/Part/";
	struct wanted *w = &l->v[l->n];
	const char *leaf;
	int s;

	if (!strcmp(path, "CompleteMultipartUpload"))
		return 0;
	/* A Part ends after its elements: they belong to entry n. */
	if (!strcmp(path, "CompleteMultipartUpload/Part")) {
		if (!w->numbered || l->n == LIMIT_S3_PARTS)
			return err_fail(e, "MalformedXML", S3_MALFORMED_XML);
		l->n++;
		return 0;
	}
	if (strncmp(path, part, sizeof(part) - 1))
		return err_fail(e, "MalformedXML", S3_MALFORMED_XML);
	leaf = path + sizeof(part) - 1;
	if (!strcmp(leaf, "PartNumber")) {
		if (str_to_u64(str_trim(text), UINT32_MAX, &w->number) < 0)
			return err_fail(e, "MalformedXML", S3_MALFORMED_XML);
		w->numbered = true;
		return 0;
	}
	if (!strcmp(leaf, "ETag")) {
		text = str_trim(text);
		if (text.len >= 2 && text.p[0] == '"' && text.p[text.len - 1] == '"')
			text = str_from(text.p + 1, text.len - 2);
		str_copy(text, w->etag, sizeof(w->etag));
		return 0;
	}
	s = sum_element(leaf);
	if (s < 0)
		return err_fail(e, "MalformedXML", S3_MALFORMED_XML);
	if (s == l->sum)
		str_copy(text, w->sum, sizeof(w->sum));
	return 0;
}

/* What the parts make, gathered while they are checked. */
struct assembly {
	unsigned char *md5s;		/* 16 bytes a part */
	unsigned char *sums;		/* the raw checksums of a composite one */
	size_t sums_len;
	uint64_t size;
	struct buf parts;		/* the parts' sizes, run-length (s3_record.h) */
	uint64_t run, run_count;	/* the run not yet written */
};

/* Writes the run of 'a' not yet written to its run-length list of sizes. */
static void end_run(struct assembly *a)
{
	if (a->run_count)
		buf_addf(&a->parts, "%s%llux%llu", a->parts.len ? " " : "",
			 (unsigned long long)a->run, (unsigned long long)a->run_count);
	a->run_count = 0;
}

/* Adds a part of 'size' bytes to the run-length list of 'a'. */
static void add_part_size(struct assembly *a, uint64_t size)
{
	if (a->run_count && a->run == size) {
		a->run_count++;
		return;
	}
	end_run(a);
	a->run = size;
	a->run_count = 1;
}

static int internal_error(struct s3_ctx *x)
{
	return s3_fail(x, 500, "InternalError", INTERNAL, NULL);
}

static int bad_part(struct s3_ctx *x, const struct s3_upload *u, const struct wanted *w)
{
	char n[24];
	const char *f[] = { "UploadId", u->id, "PartNumber", n, "ETag", w->etag, NULL };

	snprintf(n, sizeof(n), "%llu", (unsigned long long)w->number);
	return s3_fail(x, 400, "InvalidPart", BAD_PART, f);
}

static int too_small(struct s3_ctx *x, const struct wanted *w, uint64_t size)
{
	char proposed[24], min[24], n[24];
	const char *f[] = { "ProposedSize", proposed, "MinSizeAllowed", min, "PartNumber", n,
			    "ETag", w->etag, NULL };

	snprintf(proposed, sizeof(proposed), "%llu", (unsigned long long)size);
	snprintf(min, sizeof(min), "%d", LIMIT_S3_PART_MIN_BYTES);
	snprintf(n, sizeof(n), "%llu", (unsigned long long)w->number);
	return s3_fail(x, 400, "EntityTooSmall", TOO_SMALL, f);
}

/* A composite upload needs every part's checksum in the list. */
static int missing_sum(struct s3_ctx *x, const struct s3_upload *u, const struct wanted *w)
{
	char msg[200], lower[16];
	size_t i = 0;

	for (const char *p = s3_sum_name((enum s3_sum)u->sum); *p && i < sizeof(lower) - 1; p++)
		lower[i++] = str_ascii_lower(*p);
	lower[i] = '\0';
	snprintf(msg, sizeof(msg), "The upload was created using a %s checksum. The complete request "
		 "must include the checksum for each part. It was missing for part %llu in the "
		 "request.", lower, (unsigned long long)w->number);
	return s3_fail(x, 400, "InvalidRequest", msg, NULL);
}

/* Reads part 'i' of the list, checks it and adds it to 'a'. */
static int check_part(struct s3_ctx *x, const struct s3_upload *u, const struct wanted_list *l,
		      size_t i, struct assembly *a)
{
	const struct wanted *w = &l->v[i];
	char key[S3_PART_KEY_SIZE];
	struct s3_record r;
	struct buf text;
	size_t n = 0;
	int ret;

	if (w->number == 0 || w->number > LIMIT_S3_PARTS)
		return bad_part(x, u, w);
	s3_part_key(x, u->id, (unsigned)w->number, key);
	buf_init(&text, LIMIT_S3_RECORD_BYTES);
	ret = kv_get(x->kv, S3_SPACE_PART, str_c(key), &text);
	if (!ret && s3_record_decode(buf_str(&text), &r) < 0)
		ret = -EIO;
	buf_release(&text);
	if (ret < 0 && ret != -ENOENT)
		return internal_error(x);
	if (ret == -ENOENT || strcmp(w->etag, r.etag) || (w->sum[0] && strcmp(w->sum, r.sum_value)))
		return bad_part(x, u, w);
	if (u->sum >= 0 && !u->full_object && !w->sum[0])
		return missing_sum(x, u, w);
	if (i + 1 < l->n && r.size < LIMIT_S3_PART_MIN_BYTES)
		return too_small(x, w, r.size);
	for (size_t k = 0; k < 16; k++)
		a->md5s[16 * i + k] = (unsigned char)(str_hex_digit(r.etag[2 * k]) << 4 |
						      str_hex_digit(r.etag[2 * k + 1]));
	if (u->sum >= 0 && !u->full_object &&
	    s3_unbase64(str_c(r.sum_value), a->sums + a->sums_len, 32, &n) < 0)
		return internal_error(x);
	a->sums_len += n;
	a->size += r.size;
	add_part_size(a, r.size);
	return 0;
}

/* The list as S3 checks it: ascending numbers first, then each part. */
static int check_list(struct s3_ctx *x, const struct s3_upload *u, const struct wanted_list *l,
		      struct assembly *a)
{
	const char *f[] = { "UploadId", u->id, NULL };
	int ret;

	for (size_t i = 1; i < l->n; i++)
		if (l->v[i].number <= l->v[i - 1].number)
			return s3_fail(x, 400, "InvalidPartOrder", BAD_ORDER, f);
	for (size_t i = 0; i < l->n; i++)
		if ((ret = check_part(x, u, l, i, a)) < 0)
			return ret;
	if (a->size > LIMIT_S3_MULTIPART_OBJECT_BYTES)
		return s3_too_large(x, a->size, LIMIT_S3_MULTIPART_OBJECT_BYTES);
	return 0;
}

/* The parts' bytes, in the list's order, into 'data'. */
static int gather(struct s3_ctx *x, const struct s3_upload *u, const struct wanted_list *l,
		  uint64_t size, struct buf *data)
{
	char key[S3_PART_KEY_SIZE];

	for (size_t i = 0; i < l->n; i++) {
		s3_part_key(x, u->id, (unsigned)l->v[i].number, key);
		if (kv_get(x->kv, S3_SPACE_PART_DATA, str_c(key), data) < 0)
			return -EIO;
	}
	return data->err || data->len != size ? -EIO : 0;
}

/* The object's ETag and checksum, from its parts and bytes. */
static void finish_record(const struct s3_upload *u, const struct assembly *a, size_t n,
			  struct str data, struct s3_record *r)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char hex[33];

	EVP_Digest(a->md5s, 16 * n, md, &len, EVP_md5(), NULL);
	str_hex_encode(md, 16, hex);
	snprintf(r->etag, sizeof(r->etag), "%s-%zu", hex, n);
	r->size = a->size;
	/* Without a chosen algorithm the object gets S3's default, as PutObject's do. */
	r->sum = u->sum < 0 ? S3_SUM_CRC64NVME : u->sum;
	if (u->sum < 0 || u->full_object) {
		s3_sum_compute((enum s3_sum)r->sum, data, r->sum_value);
	} else {
		char b64[S3_SUM_B64_SIZE];

		s3_sum_compute((enum s3_sum)r->sum, str_from((const char *)a->sums, a->sums_len), b64);
		snprintf(r->sum_value, sizeof(r->sum_value), "%s-%zu", b64, n);
	}
}

/* A whole-object checksum sent with the request must be the one computed. */
static int check_full_sum(struct s3_ctx *x, const struct s3_upload *u, const struct s3_record *r)
{
	const struct str *v = u->sum >= 0 && u->full_object ?
		http_header_get(x->req, s3_sum_header((enum s3_sum)u->sum)) : NULL;
	char msg[96];

	if (!v || str_eq_c(*v, r->sum_value))
		return 0;
	snprintf(msg, sizeof(msg), "The %s you specified did not match the calculated checksum.",
		 s3_sum_name((enum s3_sum)u->sum));
	return s3_fail(x, 400, "BadDigest", msg, NULL);
}

/* Where the object is: its virtual-hosted URL, the key percent-encoded. */
static void location(struct s3_ctx *x, struct buf *b)
{
	char key[3 * LIMIT_S3_KEY_BYTES + 1];

	s3_url_encode(str_from(x->c->key, x->c->key_len), false, key);
	buf_reset(b);
	if (!strcmp(x->bucket.region, "us-east-1"))
		buf_addf(b, "https://%s.s3.amazonaws.com/%s", x->c->bucket, key);
	else
		buf_addf(b, "https://%s.s3.%s.amazonaws.com/%s", x->c->bucket, x->bucket.region, key);
}

static void completed(struct s3_ctx *x, const struct s3_upload *u, const struct s3_record *r)
{
	struct buf *b = &x->resp->body, where;
	char etag[S3_ETAG_SIZE + 2], name[32];

	buf_init(&where, 4 * LIMIT_S3_KEY_BYTES + 128);
	location(x, &where);
	s3_doc_begin(x, "CompleteMultipartUploadResult");
	xml_str(b, "Location", buf_str(&where));
	xml_text(b, "Bucket", x->c->bucket);
	xml_str(b, "Key", str_from(x->c->key, x->c->key_len));
	str_concat(etag, sizeof(etag), "\"", r->etag, "\"", NULL);
	xml_text(b, "ETag", etag);
	if (u->sum >= 0) {
		str_concat(name, sizeof(name), "Checksum", s3_sum_name((enum s3_sum)u->sum), NULL);
		xml_text(b, name, r->sum_value);
		xml_text(b, "ChecksumType", s3_record_sum_type(r));
	}
	xml_close(b, "CompleteMultipartUploadResult");
	http_response_header(x->resp, "x-amz-server-side-encryption", "AES256");
	buf_release(&where);
}

/* Checks the list against the upload, then assembles and stores the object. */
static int complete(struct s3_ctx *x, const struct s3_upload *u, const struct wanted_list *l)
{
	struct assembly a = { .md5s = xcalloc(l->n, 16), .sums = xcalloc(l->n, 32) };
	/* Its headers, and its time: an object made of parts dates from its upload's start. */
	struct s3_record r = u->meta;
	struct buf data;
	int ret;

	buf_init(&data, LIMIT_S3_MULTIPART_OBJECT_BYTES);
	buf_init(&a.parts, 16 * LIMIT_S3_PARTS);
	if ((ret = check_list(x, u, l, &a)) < 0 || (ret = s3_put_conditions(x)) < 0)
		goto out;
	end_run(&a);
	if (gather(x, u, l, a.size, &data) < 0) {
		ret = internal_error(x);
		goto out;
	}
	finish_record(u, &a, l->n, buf_str(&data), &r);
	r.parts = a.parts.err ? STR_EMPTY : buf_str(&a.parts);
	if ((ret = check_full_sum(x, u, &r)) < 0)
		goto out;
	if (s3_store_object(x, &r, buf_str(&data), u->id) < 0) {
		ret = internal_error(x);
		goto out;
	}
	completed(x, u, &r);
out:
	buf_release(&data);
	buf_release(&a.parts);
	free(a.md5s);
	free(a.sums);
	return ret;
}

int s3_complete_upload(struct s3_ctx *x)
{
	struct wanted_list l = { .n = 0 };
	struct s3_upload u;
	struct err e = { 0 };
	int ret;

	if ((ret = s3_ctx_bucket(x)) < 0)
		return ret;
	ret = s3_upload_load(x, &u);
	if (ret < 0)
		goto out;
	l.sum = u.sum;
	l.v = xcalloc(LIMIT_S3_PARTS + 1, sizeof(*l.v));
	ret = s3_xml_read(x->req->body, "CompleteMultipartUpload", part_element, &l, &e);
	if (!ret && !l.n)
		ret = err_fail(&e, "MalformedXML", S3_MALFORMED_XML);
	ret = ret < 0 ? s3_fail_err(x, &e) : complete(x, &u, &l);
out:
	free(l.v);
	s3_upload_release(&u);
	return ret;
}
