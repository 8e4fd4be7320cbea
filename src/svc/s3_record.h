/* SPDX-License-Identifier: MIT */
/*
 * An object's description as kept in S3_SPACE_META (and a part's, in
 * S3_SPACE_PART): one text line a field, "size N", "mtime MS", "etag HEX"
 * (HEX-N for an object made of N parts), "sum NAME BASE64" (BASE64-N for a
 * composite checksum), "parts SIZExCOUNT ..." (an object made of parts:
 * their sizes in order, run-length: "5242880x3 17x1" is three parts of 5 MiB
 * and one of 17 bytes) and "h NAME VALUE" for each header given back with
 * the object (Content-Type, x-amz-meta-*, ...). Values hold no CR or LF
 * (HTTP header values cannot).
 */
#ifndef SVC_S3_RECORD_H
#define SVC_S3_RECORD_H

#include "compat.h"
#include "svc/s3_internal.h"

#define S3_RECORD_HEADERS 64
#define S3_ETAG_SIZE 40			/* 32 hex digits, "-10000" and a NUL */
#define S3_SUM_VALUE_SIZE (S3_SUM_B64_SIZE + 6)	/* and "-10000" */

struct s3_record {
	uint64_t size;
	int64_t mtime_ms;
	char etag[S3_ETAG_SIZE];	/* MD5, lowercase hex; or MD5 of the parts' MD5s, "-N" */
	int sum;			/* enum s3_sum, or -1 */
	char sum_value[S3_SUM_VALUE_SIZE];	/* a composite one ends in "-N" */
	struct str parts;		/* the "parts" line's value, a view; empty: none kept */
	struct http_header headers[S3_RECORD_HEADERS];	/* views into the decoded text */
	size_t n_headers;
};

/* Appends the text form of 'r' to 'out'. */
void s3_record_encode(const struct s3_record *r, struct buf *out);
/*
 * Parses 'text' into 'r', whose header views point into 'text'. Returns 0
 * or -EIO when 'text' is not a record.
 */
int s3_record_decode(struct str text, struct s3_record *r);

/*
 * Where part 'n' (from 1) of 'r' lies: its first byte and its size, and
 * the number of parts. Returns 0, -ERANGE when it has no part 'n', or
 * -ENOENT when 'r' keeps no parts' sizes.
 */
int s3_record_part(const struct s3_record *r, uint64_t n, uint64_t *from, uint64_t *size,
		   uint64_t *count);

/* "COMPOSITE" when the checksum of 'r' is made of its parts' ones, else "FULL_OBJECT". */
const char *s3_record_sum_type(const struct s3_record *r);

/* Appends the call's kv key, bucket "/" key, to 'k'. */
void s3_object_key(const struct s3_call *c, struct buf *k);
/* Reads the call's object record (text into 'text', views in 'r'): 0, -ENOENT or -EIO. */
int s3_read_record(struct s3_ctx *x, struct buf *text, struct s3_record *r);
/* Answers NoSuchKey, or PreconditionFailed naming 'condition'; return negative. */
int s3_no_key(struct s3_ctx *x);
int s3_precondition(struct s3_ctx *x, const char *condition);
/* True when the ETag list 'v' ("*", or quoted tags separated by commas) names 'etag'. */
bool s3_etag_matches(struct str v, const char *etag);

/*
 * What PutObject, CreateMultipartUpload and UploadPart share (s3_object.c).
 * Each answers S3's error and returns negative, or returns 0.
 */
/* NotImplemented naming 'header'. */
int s3_not_implemented(struct s3_ctx *x, const char *header);
/* Headers of features not there, storage classes, encryptions and ACLs refused. */
int s3_check_put_headers(struct s3_ctx *x);
/* EntityTooLarge for 'size' past 'max'. */
int s3_too_large(struct s3_ctx *x, uint64_t size, uint64_t max);
/*
 * The uploaded bytes: the body, or the decoded aws-chunked body kept in
 * 'tmp', at most LIMIT_S3_OBJECT_BYTES; the payload hash and the chunk
 * signatures checked. 'info' tells of a trailer.
 */
int s3_payload(struct s3_ctx *x, struct buf *tmp, struct str *payload, struct s3_chunked *info);
/* The one x-amz-checksum-* (header or trailer) of 'payload' checked, into r->sum. */
int s3_check_sums(struct s3_ctx *x, struct str payload, const struct s3_chunked *info,
		  struct s3_record *r);
/* The headers kept with an object into 'r' (views into the request; 'enc' is room for one). */
int s3_collect_headers(struct s3_ctx *x, struct s3_record *r, char *enc, size_t enc_size);
/*
 * Writes the call's object, 'r' and its bytes 'payload', in one
 * transaction that also removes upload 'upload_id' (NULL: none) and its
 * parts: 0 or -EIO, and then nothing changed.
 */
int s3_store_object(struct s3_ctx *x, const struct s3_record *r, struct str payload,
		    const char *upload_id);
/* If-None-Match: * and If-Match against the object there. */
int s3_put_conditions(struct s3_ctx *x);

#endif
