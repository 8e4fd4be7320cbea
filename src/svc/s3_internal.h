/* SPDX-License-Identifier: MIT */
/*
 * What the files of the S3 engine share: decoding of URLs and request
 * documents, checksums, the stored forms of buckets and objects, and the
 * handlers' context. Not for use outside src/svc/s3*.c.
 */
#ifndef SVC_S3_INTERNAL_H
#define SVC_S3_INTERNAL_H

#include "compat.h"
#include "svc/s3.h"

/* The kv spaces (docs/services.md, "S3"). */
#define S3_SPACE_BUCKET "s3.bucket"	/* bucket -> "account region created_ms" */
#define S3_SPACE_OWNED "s3.owned"	/* account "/" bucket -> "" */
#define S3_SPACE_POLICY "s3.policy"	/* bucket -> policy JSON */
#define S3_SPACE_META "s3.meta"		/* bucket "/" key -> object record */
#define S3_SPACE_DATA "s3.data"		/* bucket "/" key -> object bytes */
#define S3_SPACE_UPLOAD "s3.upload"	/* bucket "/" upload ID -> key NUL upload record */
#define S3_SPACE_PART "s3.part"		/* bucket "/" upload ID "/" NNNNN -> part record */
#define S3_SPACE_PART_DATA "s3.partdata"	/* the same -> part bytes */

#define S3_MALFORMED_XML "The XML you provided was not well-formed or did not validate " \
	"against our published schema"

/* True when 'name' follows S3's rules for general purpose bucket names. */
bool s3_bucket_name_valid(const char *name);

/* True when 'name' looks like a region ("us-east-1"): letters, digits, '-'. */
bool s3_region_syntax(struct str name);

/*
 * Called at the end of each element of a request document with its path
 * from the root ("Delete/Object/Key") and its text; nonzero stops the parse
 * with that value (after filling 'e').
 */
typedef int s3_xml_fn(void *arg, const char *path, struct str text, struct err *e);

/*
 * Reads the request document 'doc', whose root must be 'root' (in S3's
 * namespace or none), calling 'fn' for each element. No DTD, at most
 * LIMIT_S3_XML_BYTES and LIMIT_S3_XML_DEPTH. Returns 0 or negative with
 * 'e' filled (MalformedXML, or what 'fn' said).
 */
int s3_xml_read(struct str doc, const char *root, s3_xml_fn *fn, void *arg, struct err *e);

/* The checksums S3 keeps with an object. */
enum s3_sum {
	S3_SUM_CRC32,
	S3_SUM_CRC32C,
	S3_SUM_CRC64NVME,
	S3_SUM_SHA1,
	S3_SUM_SHA256,
	S3_SUMS
};

#define S3_SUM_B64_SIZE 48	/* base64 of a SHA-256, and a NUL */

/* "CRC32", ...; the header "x-amz-checksum-crc32", ... */
const char *s3_sum_name(enum s3_sum s);
const char *s3_sum_header(enum s3_sum s);
/* The checksum named 'name' (an algorithm name in any case), or -1. */
int s3_sum_by_name(struct str name);
/* The checksum whose header is 'header' (any case), or -1. */
int s3_sum_by_header(struct str header);
/* Writes the base64 checksum 's' of 'data' into 'out'. */
void s3_sum_compute(enum s3_sum s, struct str data, char out[static S3_SUM_B64_SIZE]);
/*
 * The slicing-by-8 tables of CRC-64/NVME and CRC-32C, reflected: [0] the
 * byte-wise table, [k] a byte's effect k bytes further on
 * (s3_crc_tables.c, written by scripts/gen-crc-tables.py).
 */
extern const uint64_t s3_crc64nvme_tables[8][256];
extern const uint64_t s3_crc32c_tables[8][256];	/* 32-bit values */
/* True when 'b64' is a well-formed value of 's' (its digest's length in base64). */
bool s3_sum_valid(enum s3_sum s, struct str b64);

/*
 * Percent-encodes 's' into 'out' (room for 3 * s.len + 1) and returns the
 * length: as listings with encoding-type=url write names when 'form' ('/'
 * kept, a space as '+'), else every byte but A-Z a-z 0-9 - _ . ~ escaped,
 * as S3 writes a key in a URL (Location).
 */
size_t s3_url_encode(struct str s, bool form, char *out);
/* Writes <'tag'>'s'</'tag'>, percent-encoded (s3_url_encode(), form) when 'url'. */
void s3_xml_name(struct buf *b, const char *tag, struct str s, bool url);

/* Base64 of 'n' bytes at 'p' into 'out' (room for 4 * ((n + 2) / 3) + 1). */
void s3_base64(const void *p, size_t n, char *out);
/*
 * Decodes the base64 'in' (with padding) into 'out' of 'size' bytes and
 * sets '*n'. Returns 0, or -EINVAL when it is not base64 or does not fit.
 */
int s3_unbase64(struct str in, unsigned char *out, size_t size, size_t *n);

/* A bucket as stored. */
struct s3_bucket {
	char owner[13];
	char region[S3_REGION_SIZE];
	int64_t created_ms;
};

/* Reads bucket 'name': 0, -ENOENT or -EIO. */
int s3_bucket_get(struct kv *kv, const char *name, struct s3_bucket *out);

/* One request being handled. */
struct s3_ctx {
	struct kv *kv;
	const struct s3_call *c;
	const struct http_request *req;
	const char *account, *region;
	int64_t now;			/* Unix ms */
	const char *request_id;
	struct http_response *resp;
	struct s3_bucket bucket;	/* filled by s3_ctx_bucket() */
};

/*
 * Writes S3's error into the context's response: 'fields' holds further
 * element names and values after the message (NULL-terminated pairs; may be
 * NULL). Returns -EINVAL, so handlers can 'return s3_fail(...)'.
 */
int s3_fail(struct s3_ctx *x, int status, const char *code, const char *msg,
	    const char *const *fields);
/* The same for a 'struct err' from a parser: S3's status for its code. */
int s3_fail_err(struct s3_ctx *x, const struct err *e);
/* Writes the HTTP date (RFC 7231) of 'ms' into 'out'. */
void s3_http_date(int64_t ms, char out[static 32]);
/* Writes the ISO 8601 time of 'ms' with milliseconds ("2026-01-02T03:04:05.000Z"). */
void s3_iso_date(int64_t ms, char out[static 32]);
/* The 64 hex digits that stand for 'account' as an S3 canonical user ID. */
void s3_canonical_id(const char *account, char out[static 65]);

/*
 * Loads the call's bucket into x->bucket; answers NoSuchBucket, or
 * PermanentRedirect when the bucket lives in another region than the one
 * the request was sent to, and returns negative then.
 */
int s3_ctx_bucket(struct s3_ctx *x);

/*
 * Writes the MD5 of 'body' into 'etag' (hex) and checks it against the
 * request's Content-MD5, if any: 0, or InvalidDigest or BadDigest answered.
 */
int s3_content_md5(struct s3_ctx *x, struct str body, char etag[static 33]);

/* The object handlers (s3_object.c) and listing (s3_list.c). */
int s3_put_object(struct s3_ctx *x);
int s3_get_object(struct s3_ctx *x);
int s3_delete_object(struct s3_ctx *x);
int s3_delete_objects(struct s3_ctx *x);
int s3_list_objects(struct s3_ctx *x);

/* Multipart uploads (s3_upload.c, s3_complete.c, s3_uploads.c). */
int s3_create_upload(struct s3_ctx *x);
int s3_upload_part(struct s3_ctx *x);
int s3_complete_upload(struct s3_ctx *x);
int s3_abort_upload(struct s3_ctx *x);
int s3_list_uploads(struct s3_ctx *x);
int s3_list_parts(struct s3_ctx *x);
/*
 * Remove upload 'id' of the call's bucket (s3_upload_remove()), or every upload of
 * 'bucket' (s3_uploads_drop()), with their parts, inside the caller's transaction:
 * 0 or -EIO.
 */
int s3_upload_remove(struct s3_ctx *x, const char *id);
int s3_uploads_drop(struct kv *kv, const char *bucket);

/* Starts the response document 'root' in S3's namespace, with its declaration. */
void s3_doc_begin(struct s3_ctx *x, const char *root);

/* Checks 'doc' as bucket 'bucket''s policy: 0, or MalformedPolicy in 'e'. */
int s3_policy_check(const char *bucket, struct str doc, struct buf *compact, struct err *e);

#endif
