/* SPDX-License-Identifier: MIT */
/*
 * The region's built-in S3: s3_classify() turns a REST request into the
 * IAM terms the policy engine decides on (action, resource ARN, context),
 * and s3_handle() carries it out against a kv store, answering as S3 does,
 * XML, headers and error codes included. Pure but for the kv it is given:
 * the front verifies signatures, authorizes and passes the time.
 */
#ifndef SVC_S3_H
#define SVC_S3_H

#include "compat.h"
#include "limits.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/kv.h"
#include "base/str.h"
#include "io/http.h"
#include "policy/policy.h"

/*
 * The kv spaces that every request reads and few write (buckets, bucket
 * policies): worth a read cache (base/kv_cache.h). NULL-terminated.
 */
extern const char *const s3_cached_spaces[];

/* The namespace of S3's response documents. */
#define S3_XML_NS "http://s3.amazonaws.com/doc/2006-03-01/"
#define S3_BUCKET_SIZE 64	/* 63 characters and a NUL */
#define S3_REGION_SIZE 32
/* "arn:aws:s3:::" bucket "/" key */
#define S3_RESOURCE_SIZE (13 + S3_BUCKET_SIZE + LIMIT_S3_KEY_BYTES + 1)
#define S3_CONTEXT_MAX 4

enum s3_op {
	S3_LIST_BUCKETS,
	S3_CREATE_BUCKET,
	S3_DELETE_BUCKET,
	S3_HEAD_BUCKET,
	S3_GET_BUCKET_LOCATION,
	S3_LIST_OBJECTS,
	S3_LIST_OBJECTS_V2,
	S3_PUT_BUCKET_POLICY,
	S3_GET_BUCKET_POLICY,
	S3_DELETE_BUCKET_POLICY,
	S3_DELETE_OBJECTS,
	S3_PUT_OBJECT,
	S3_GET_OBJECT,
	S3_HEAD_OBJECT,
	S3_DELETE_OBJECT,
	S3_CREATE_MULTIPART_UPLOAD,
	S3_UPLOAD_PART,
	S3_COMPLETE_MULTIPART_UPLOAD,
	S3_ABORT_MULTIPART_UPLOAD,
	S3_LIST_MULTIPART_UPLOADS,
	S3_LIST_PARTS,
	S3_OPS
};

/*
 * Asks whether the caller may do 'action' ("s3:DeleteObject") on
 * 'resource' (an object's ARN): true to go on. DeleteObjects calls it once
 * per key, since AWS authorizes each of them on its own.
 */
typedef bool s3_authorize_fn(void *arg, const char *action, const char *resource);

enum s3_sig_kind {
	S3_SIG_CHUNK,		/* 'data' is one chunk's payload (empty for the last) */
	S3_SIG_TRAILER,		/* 'data' is the trailing headers, "name:value\n" each */
};

/*
 * Checks the signature 'sig' (64 hex digits, as sent) of one part of a
 * STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] body, in the order sent: the
 * verifier chains each to the one before, starting from the request's own
 * (the seed). Returns 0 when it holds, negative otherwise.
 */
typedef int s3_sig_fn(void *arg, enum s3_sig_kind kind, struct str data, struct str sig);

struct s3_list_args {
	char prefix[LIMIT_S3_KEY_BYTES + 1];
	char delimiter[LIMIT_S3_KEY_BYTES + 1];
	char start_after[LIMIT_S3_KEY_BYTES + 1];	/* v2 start-after; v1 marker */
	char token[LIMIT_S3_TOKEN_BYTES + 1];		/* v2 continuation-token, as sent */
	char max_keys_text[12];				/* as sent; "" when absent */
	unsigned max_keys;				/* at most LIMIT_S3_LIST_KEYS */
	bool has_prefix, has_delimiter, has_token, has_start_after;
	bool url_encoding;				/* encoding-type=url */
	bool fetch_owner;
};

/*
 * One classified request. Strings are NUL-terminated copies, so the call
 * outlives the request; the context's pointers point into the call itself,
 * so a call must not be copied with memcpy once classified.
 */
struct s3_call {
	enum s3_op op;
	const char *name;		/* "ListObjectsV2": S3's name of the operation */
	char action[48];		/* the IAM action AWS authorizes it as */
	char resource[S3_RESOURCE_SIZE];	/* an ARN; "arn:aws:s3:::*" for ListBuckets */
	char bucket[S3_BUCKET_SIZE];	/* "" for ListBuckets */
	char key[LIMIT_S3_KEY_BYTES + 1];	/* %-decoded; no NUL inside */
	size_t key_len;
	bool virtual_hosted;		/* the bucket came in the Host */
	bool aws_host;			/* the Host is one of S3's amazonaws.com names */
	char region[S3_REGION_SIZE];	/* the region the Host names; "" when none */
	char vpce[64];			/* the interface endpoint the Host names; "" when none */
	char location[S3_REGION_SIZE];	/* CreateBucket's LocationConstraint; "" when none */
	struct s3_list_args list;	/* ListObjects and ListObjectsV2 */
	/* The request context the policy engine needs beyond the glue's own keys. */
	struct pol_key context[S3_CONTEXT_MAX];
	const char *context_values[S3_CONTEXT_MAX];
	size_t n_context;
	/*
	 * Set by the caller between s3_classify() and s3_handle(). When
	 * 'authorize_each' is set, the call as a whole (DeleteObjects) must not
	 * be authorized by the front: s3_handle() asks 'authorize' for each key
	 * and, without it, refuses every key. 'verify_sig' is needed to accept
	 * a body with chunk signatures (without it such uploads are refused).
	 */
	bool authorize_each;
	s3_authorize_fn *authorize;
	void *authorize_arg;
	s3_sig_fn *verify_sig;
	void *verify_sig_arg;
};

/*
 * For a DeleteObjects request sent on to a backend: asks 'allow' about
 * s3:DeleteObject on each key of its document 'body' in 'bucket'. Returns 1
 * when every key is allowed, 0 when one is not, or -EINVAL with 'e' (S3's
 * MalformedXML) for a document DeleteObjects refuses.
 */
int s3_delete_allowed(struct str body, const char *bucket, s3_authorize_fn *allow, void *arg,
		      struct err *e);

/*
 * Parses 'req' into 'out': the operation, its IAM action and resource, and
 * what the policy context needs. The host forms are s3.amazonaws.com,
 * s3.REGION.amazonaws.com, s3.dualstack.REGION.amazonaws.com, the same with
 * "BUCKET." in front (virtual-hosted), an interface endpoint's
 * [BUCKET.]vpce-ID.s3.REGION.vpce.amazonaws.com, and any other host (an
 * address: path style). Returns 0, or fills 'e' with S3's error code and
 * message (s3_error_status() gives the status) and returns negative: a
 * request the engine cannot classify is an error, never a guess.
 */
int s3_classify(const struct http_request *req, struct s3_call *out, struct err *e);

/* The HTTP status S3 sends with the error 'code' (400 for codes it does not know). */
int s3_error_status(const char *code);

/*
 * Carries out 'c' (classified from 'req') against 'kv' as 'account' in
 * 'region' (the region whose front received it) at 'now' (Unix ms), and
 * writes S3's answer into 'resp' (whose bufs the caller set up, with room
 * for LIMIT_S3_MULTIPART_OBJECT_BYTES of body), headers x-amz-request-id
 * ('request_id') and x-amz-id-2 included. Upload IDs are made from
 * 'request_id' and 'now', so both should differ between requests.
 */
void s3_handle(struct kv *kv, const struct s3_call *c, const struct http_request *req,
	       const char *account, const char *region, int64_t now, const char *request_id,
	       struct http_response *resp);

/*
 * Replaces what 'resp' holds with S3's error document, <Error><Code>
 * <Message><RequestId><HostId></Error>, 'status' and S3's headers; an
 * answer to HEAD (when 'c_or_null' is a HEAD operation) has no body. The
 * front uses it for denials (403 AccessDenied "Access Denied").
 */
void s3_error(struct http_response *resp, const struct s3_call *c_or_null, int status,
	      const char *code, const char *message, const char *request_id);

/*
 * The same for an error of s3_classify() in 'e': S3's status for its code,
 * and the further elements some codes carry (MethodNotAllowed's Method and
 * ResourceType, InvalidArgument's ArgumentName and ArgumentValue), which
 * the message holds after '|' separators.
 */
void s3_error_err(struct http_response *resp, const struct s3_call *c_or_null,
		  const struct err *e, const char *request_id);

/*
 * What the policy engine needs of a bucket. s3_bucket_owner() writes its
 * owner's account and its region; s3_bucket_policy() appends its policy
 * (JSON text) to 'out'. Both return 0, -ENOENT when there is no such bucket
 * or no policy, or -EIO.
 */
int s3_bucket_owner(struct kv *kv, const char *bucket, char account[static 13],
		    char region[static S3_REGION_SIZE]);
int s3_bucket_policy(struct kv *kv, const char *bucket, struct buf *out);

/* What s3_chunked_decode() learnt of the body. */
struct s3_chunked {
	char trailer_name[40];		/* "x-amz-checksum-crc32"; "" when no trailer came */
	char trailer_value[96];		/* its value, as sent */
	size_t chunks;			/* chunks read, the final empty one included */
};

/*
 * Decodes an aws-chunked 'body' (Content-Encoding: aws-chunked): chunks of
 * "HEX[;chunk-signature=SIG]\r\nDATA\r\n", the empty final chunk, then
 * trailing headers and an empty line. Appends the payload to 'out' (at
 * most 'max' bytes). When 'signed_chunks', every chunk must carry a
 * signature, handed to 'verify' (never NULL then) in order, and a trailer,
 * if any, its x-amz-trailer-signature. When 'trailer' is not empty it names
 * the one trailing header expected (x-amz-trailer); a checksum trailer is
 * checked against the payload. Returns 0, or fills 'e' (IncompleteBody,
 * InvalidRequest, EntityTooLarge, BadDigest, SignatureDoesNotMatch...) and
 * returns negative.
 */
int s3_chunked_decode(struct str body, bool signed_chunks, const char *trailer, size_t max,
		      s3_sig_fn *verify, void *arg, struct buf *out, struct s3_chunked *info,
		      struct err *e);

#endif
