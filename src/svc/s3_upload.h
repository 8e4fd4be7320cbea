/* SPDX-License-Identifier: MIT */
/*
 * A multipart upload as kept in S3_SPACE_UPLOAD, under bucket "/" upload
 * ID: the object's key, a NUL (keys hold none), a line "ACCOUNT
 * INITIATED_MS ALGORITHM TYPE" ("-" for none) and the record of the
 * object to be (s3_record.h: its headers; size and ETag those of no bytes
 * yet). Its parts are S3_SPACE_PART records and S3_SPACE_PART_DATA bytes
 * under bucket "/" upload ID "/" the part number in five digits, so that a
 * scan meets them in order. Shared by s3_upload.c, s3_complete.c and
 * s3_uploads.c only.
 */
#ifndef SVC_S3_UPLOAD_H
#define SVC_S3_UPLOAD_H

#include "compat.h"
#include "svc/s3_record.h"

#define S3_UPLOAD_ID_SIZE 128	/* an upload ID as a request may name it, and a NUL */
/* bucket "/" upload ID "/" NNNNN */
#define S3_PART_KEY_SIZE (S3_BUCKET_SIZE + S3_UPLOAD_ID_SIZE + 8)

#define S3_NO_UPLOAD "The specified upload does not exist. The upload ID may be invalid, " \
	"or the upload may have been aborted or completed."

struct s3_upload {
	char id[S3_UPLOAD_ID_SIZE];
	struct str key;			/* views into 'text' */
	char owner[13];			/* the initiator's account; "" when anonymous */
	int64_t initiated_ms;
	int sum;			/* enum s3_sum chosen at creation, or -1 */
	bool full_object;		/* its checksum type is FULL_OBJECT, not COMPOSITE */
	struct s3_record meta;		/* the object's headers */
	struct buf text;		/* the stored value */
};

/*
 * Decodes the stored value 'v' (copied into u->text) of upload 'id': 0 or
 * -EIO. Release 'u' with s3_upload_release() whatever it returns.
 */
int s3_upload_decode(struct str v, const char *id, struct s3_upload *u);
void s3_upload_release(struct s3_upload *u);

/*
 * Loads the upload the request's uploadId names, which must be one of the
 * call's key: 0, or NoSuchUpload (InternalError) answered and negative.
 */
int s3_upload_load(struct s3_ctx *x, struct s3_upload *u);

/* Writes the kv key of part 'n' of upload 'id' of the call's bucket into 'out'. */
void s3_part_key(const struct s3_ctx *x, const char *id, unsigned n,
		 char out[static S3_PART_KEY_SIZE]);

/*
 * Removes every kv key that starts with 'prefix' from 'space', a batch at
 * a time (a scan may not write): 0 or -EIO.
 */
int s3_drop_prefix(struct kv *kv, const char *space, struct str prefix);

/* The Initiator and Owner of an upload: canonical IDs, as for a bucket's owner. */
void s3_upload_people(struct buf *b, const struct s3_upload *u, const char *bucket_owner);

#endif
