/* SPDX-License-Identifier: MIT */
/*
 * An object's description as kept in S3_SPACE_META: one text line a field,
 * "size N", "mtime MS", "etag HEX", "sum NAME BASE64" and "h NAME VALUE"
 * for each header given back with the object (Content-Type, x-amz-meta-*,
 * ...). Values hold no CR or LF (HTTP header values cannot).
 */
#ifndef SVC_S3_RECORD_H
#define SVC_S3_RECORD_H

#include "compat.h"
#include "svc/s3_internal.h"

#define S3_RECORD_HEADERS 64

struct s3_record {
	uint64_t size;
	int64_t mtime_ms;
	char etag[33];			/* MD5, lowercase hex */
	int sum;			/* enum s3_sum, or -1 */
	char sum_value[S3_SUM_B64_SIZE];
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

/* Appends the call's kv key, bucket "/" key, to 'k'. */
void s3_object_key(const struct s3_call *c, struct buf *k);
/* Reads the call's object record (text into 'text', views in 'r'): 0, -ENOENT or -EIO. */
int s3_read_record(struct s3_ctx *x, struct buf *text, struct s3_record *r);
/* Answers NoSuchKey, or PreconditionFailed naming 'condition'; return negative. */
int s3_no_key(struct s3_ctx *x);
int s3_precondition(struct s3_ctx *x, const char *condition);
/* True when the ETag list 'v' ("*", or quoted tags separated by commas) names 'etag'. */
bool s3_etag_matches(struct str v, const char *etag);

#endif
