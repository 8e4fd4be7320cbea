/* SPDX-License-Identifier: MIT */
/*
 * The S3 engine's dispatch, its error documents and the bucket operations.
 * Every handler validates completely before it writes, and writes what
 * belongs together in one kv transaction.
 */
#include "compat.h"
#include "svc/s3_internal.h"

#include <openssl/evp.h>

#include "base/xml.h"
#include "core/region.h"

#define S3_NOT_EMPTY "The bucket you tried to delete is not empty"
#define S3_NO_BUCKET "The specified bucket does not exist"

static bool is_head(const struct s3_call *c)
{
	return c && (c->op == S3_HEAD_BUCKET || c->op == S3_HEAD_OBJECT);
}

static void common_headers(struct http_response *resp, const char *request_id)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char id2[64];

	/* x-amz-id-2 (the "host ID") is opaque: a digest of the request ID. */
	EVP_Digest(request_id, strlen(request_id), md, &len, EVP_sha256(), NULL);
	s3_base64(md, 32, id2);
	http_response_header(resp, "x-amz-request-id", "%s", request_id);
	http_response_header(resp, "x-amz-id-2", "%s", id2);
}

static void error_doc(struct http_response *resp, const struct s3_call *c, int status,
		      const char *code, const char *message, const char *const *fields,
		      const char *request_id)
{
	struct buf *b = &resp->body;
	char id2[64];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	request_id = request_id ? request_id : "";
	buf_reset(b);
	buf_reset(&resp->headers);
	resp->status = status;
	resp->content_type = "application/xml";
	resp->head = is_head(c);
	resp->length = 0;
	common_headers(resp, request_id);
	if (resp->head)
		return;
	buf_adds(b, XML_DECL "<Error>");
	xml_text(b, "Code", code);
	xml_text(b, "Message", message);
	for (size_t i = 0; fields && fields[i] && fields[i + 1]; i += 2)
		xml_text(b, fields[i], fields[i + 1]);
	xml_text(b, "RequestId", request_id);
	EVP_Digest(request_id, strlen(request_id), md, &len, EVP_sha256(), NULL);
	s3_base64(md, 32, id2);
	xml_text(b, "HostId", id2);
	buf_adds(b, "</Error>");
}

void s3_error(struct http_response *resp, const struct s3_call *c_or_null, int status,
	      const char *code, const char *message, const char *request_id)
{
	error_doc(resp, c_or_null, status, code, message, NULL, request_id);
}

void s3_error_err(struct http_response *resp, const struct s3_call *c_or_null,
		  const struct err *e, const char *request_id)
{
	static const struct {
		const char *code, *names[2];
	} extra[] = {
		{ "MethodNotAllowed", { "Method", "ResourceType" } },
		{ "InvalidArgument", { "ArgumentName", "ArgumentValue" } },
	};
	const char *fields[5] = { NULL };
	char msg[sizeof(e->msg)];
	char *bar, *v1 = NULL, *v2 = NULL;

	str_lcpy(msg, e->msg, sizeof(msg));
	bar = strchr(msg, '|');
	if (bar) {
		*bar = '\0';
		v1 = bar + 1;
		bar = strchr(v1, '|');
		if (bar) {
			*bar = '\0';
			v2 = bar + 1;
		}
	}
	for (size_t i = 0; v1 && v2 && i < ARRAY_SIZE(extra); i++) {
		if (strcmp(e->code, extra[i].code))
			continue;
		fields[0] = extra[i].names[0];
		fields[1] = v1;
		fields[2] = extra[i].names[1];
		fields[3] = v2;
	}
	error_doc(resp, c_or_null, s3_error_status(e->code), e->code, msg, fields, request_id);
}

int s3_fail(struct s3_ctx *x, int status, const char *code, const char *msg,
	    const char *const *fields)
{
	error_doc(x->resp, x->c, status, code, msg, fields, x->request_id);
	return -EINVAL;
}

int s3_fail_err(struct s3_ctx *x, const struct err *e)
{
	s3_error_err(x->resp, x->c, e, x->request_id);
	return -EINVAL;
}

const char *const s3_cached_spaces[] = { S3_SPACE_BUCKET, S3_SPACE_POLICY, NULL };

static int internal_error(struct s3_ctx *x)
{
	return s3_fail(x, 500, "InternalError", "We encountered an internal error. Please try again.",
		       NULL);
}

static int no_bucket(struct s3_ctx *x)
{
	const char *f[] = { "BucketName", x->c->bucket, NULL };

	return s3_fail(x, 404, "NoSuchBucket", S3_NO_BUCKET, f);
}

int s3_bucket_get(struct kv *kv, const char *name, struct s3_bucket *out)
{
	struct buf b;
	struct str v, owner, region;
	uint64_t ms;
	int ret;

	buf_init(&b, 256);
	ret = kv_get(kv, S3_SPACE_BUCKET, str_c(name), &b);
	v = buf_str(&b);
	if (!ret && (!str_cut(&v, ' ', &owner) || !str_cut(&v, ' ', &region) ||
		     str_copy(owner, out->owner, sizeof(out->owner)) < 0 ||
		     str_copy(region, out->region, sizeof(out->region)) < 0 ||
		     str_to_u64(v, INT64_MAX, &ms) < 0))
		ret = -EIO;
	if (!ret)
		out->created_ms = (int64_t)ms;
	buf_release(&b);
	return ret == -ENOENT ? -ENOENT : ret < 0 ? -EIO : 0;
}

int s3_bucket_owner(struct kv *kv, const char *bucket, char account[static 13],
		    char region[static S3_REGION_SIZE])
{
	struct s3_bucket b;
	int ret = s3_bucket_get(kv, bucket, &b);

	if (ret < 0)
		return ret;
	str_lcpy(account, b.owner, 13);
	str_lcpy(region, b.region, S3_REGION_SIZE);
	return 0;
}

int s3_bucket_policy(struct kv *kv, const char *bucket, struct buf *out)
{
	int ret = kv_get(kv, S3_SPACE_POLICY, str_c(bucket), out);

	return ret == -ENOENT ? -ENOENT : ret < 0 ? -EIO : 0;
}

/* The region the request was addressed to. */
static const char *endpoint_region(const struct s3_ctx *x)
{
	if (x->c->region[0])
		return x->c->region;
	return x->c->aws_host ? "us-east-1" : x->region;
}

static void bucket_endpoint(const char *bucket, const char *region, char out[static 128])
{
	if (!strcmp(region, "us-east-1"))
		str_concat(out, 128, bucket, ".s3.amazonaws.com", NULL);
	else
		str_concat(out, 128, bucket, ".s3.", region, ".amazonaws.com", NULL);
}

int s3_ctx_bucket(struct s3_ctx *x)
{
	const struct s3_call *c = x->c;
	char endpoint[128];
	int ret = s3_bucket_get(x->kv, c->bucket, &x->bucket);

	if (ret == -ENOENT)
		return no_bucket(x);
	if (ret < 0)
		return internal_error(x);
	/* bucket.s3.amazonaws.com reaches the bucket's own region through DNS. */
	if ((c->virtual_hosted && c->aws_host && !c->region[0]) ||
	    c->op == S3_GET_BUCKET_LOCATION || !strcmp(x->bucket.region, endpoint_region(x)))
		return 0;
	bucket_endpoint(c->bucket, x->bucket.region, endpoint);
	{
		const char *f[] = { "Endpoint", endpoint, "Bucket", c->bucket, NULL };

		s3_fail(x, 301, "PermanentRedirect",
			"The bucket you are attempting to access must be addressed using the specified "
			"endpoint. Please send all future requests to this endpoint.", f);
	}
	http_response_header(x->resp, "x-amz-bucket-region", "%s", x->bucket.region);
	return -EINVAL;
}

/* The owner's operations on a bucket's policy: others get 405, as S3 answers. */
static int owner_only(struct s3_ctx *x)
{
	const char *f[] = { "Method", NULL, "ResourceType", "BUCKETPOLICY", NULL };
	char method[16];

	if (!strcmp(x->bucket.owner, x->account))
		return 0;
	str_copy(x->req->method.len < sizeof(method) ? x->req->method : STR_LIT("?"), method,
		 sizeof(method));
	f[1] = method;
	return s3_fail(x, 405, "MethodNotAllowed",
		       "The specified method is not allowed against this resource.", f);
}

void s3_doc_begin(struct s3_ctx *x, const char *root)
{
	x->resp->content_type = "application/xml";
	buf_adds(&x->resp->body, XML_DECL "<");
	buf_adds(&x->resp->body, root);
	buf_adds(&x->resp->body, " xmlns=\"" S3_XML_NS "\">");
}

struct bucket_page {
	struct s3_ctx *x;
	const char *prefix, *region;
	size_t max, n;
	bool truncated;
	char last[S3_BUCKET_SIZE];
};

static int list_bucket_item(void *arg, struct str key, struct str value)
{
	struct bucket_page *pg = arg;
	struct buf *b = &pg->x->resp->body;
	struct str name = key, account, region;
	char created[32];
	uint64_t ms;

	if (!str_cut(&name, '/', &account) || !str_cut(&value, ' ', &region) ||
	    str_to_u64(value, INT64_MAX, &ms) < 0)
		return -EIO;
	if (!str_starts_with(name, str_c(pg->prefix)) ||
	    (pg->region[0] && !str_eq_c(region, pg->region)))
		return 0;
	if (pg->n == pg->max) {
		pg->truncated = true;
		return 1;
	}
	s3_iso_date((int64_t)ms, created);
	xml_open(b, "Bucket");
	xml_str(b, "Name", name);
	xml_text(b, "CreationDate", created);
	xml_str(b, "BucketRegion", region);
	xml_close(b, "Bucket");
	str_copy(name, pg->last, sizeof(pg->last));
	pg->n++;
	return 0;
}

static int list_buckets(struct s3_ctx *x)
{
	char prefix[S3_BUCKET_SIZE] = "", region[S3_REGION_SIZE] = "", max[12] = "";
	char token[LIMIT_S3_TOKEN_BYTES + 1] = "", after[S3_BUCKET_SIZE + 16] = "";
	char owner_id[65], scan_prefix[16];
	struct bucket_page pg = { .x = x, .prefix = prefix, .region = region,
				  .max = LIMIT_S3_BUCKETS };
	struct str q = x->req->query;
	uint64_t n;
	int ret;

	if (str_form_get(q, "prefix", prefix, sizeof(prefix)) < 0 ||
	    str_form_get(q, "bucket-region", region, sizeof(region)) < 0 ||
	    str_form_get(q, "max-buckets", max, sizeof(max)) < 0 ||
	    str_form_get(q, "continuation-token", token, sizeof(token)) < 0)
		return s3_fail(x, 400, "InvalidArgument", "Invalid Argument", NULL);
	if (max[0] && (str_to_u64(str_c(max), LIMIT_S3_BUCKETS, &n) < 0 || n == 0)) {
		const char *f[] = { "ArgumentName", "max-buckets", "ArgumentValue", max, NULL };

		return s3_fail(x, 400, "InvalidArgument", "Invalid Argument", f);
	}
	if (max[0])
		pg.max = (size_t)n;
	str_concat(scan_prefix, sizeof(scan_prefix), x->account, "/", NULL);
	if (token[0]) {
		unsigned char raw[S3_BUCKET_SIZE];
		size_t len = 0;

		if (s3_unbase64(str_c(token), raw, sizeof(raw) - 1, &len) < 0 || !len) {
			const char *f[] = { "ArgumentName", "continuation-token", NULL };

			return s3_fail(x, 400, "InvalidArgument",
				       "The continuation token provided is incorrect", f);
		}
		raw[len] = '\0';
		str_concat(after, sizeof(after), scan_prefix, (char *)raw, NULL);
	}
	s3_doc_begin(x, "ListAllMyBucketsResult");
	s3_canonical_id(x->account, owner_id);
	buf_adds(&x->resp->body, "<Owner>");
	xml_text(&x->resp->body, "ID", owner_id);
	buf_adds(&x->resp->body, "</Owner><Buckets>");
	ret = kv_scan(x->kv, S3_SPACE_OWNED, str_c(scan_prefix), str_c(after), list_bucket_item, &pg);
	if (ret < 0)
		return internal_error(x);
	buf_adds(&x->resp->body, "</Buckets>");
	if (pg.truncated) {
		char next[LIMIT_S3_TOKEN_BYTES + 1];

		s3_base64(pg.last, strlen(pg.last), next);
		xml_text(&x->resp->body, "ContinuationToken", next);
	}
	if (prefix[0])
		xml_text(&x->resp->body, "Prefix", prefix);
	xml_close(&x->resp->body, "ListAllMyBucketsResult");
	return 0;
}

/* The region a new bucket goes to, or an error: S3's location rules. */
static int create_region(struct s3_ctx *x, const char **out)
{
	const char *loc = x->c->location, *ep = endpoint_region(x);
	char msg[160];

	if (loc[0] && (!region_find(loc) || !strcmp(loc, "us-east-1"))) {
		const char *f[] = { "LocationConstraint", loc, NULL };

		return s3_fail(x, 400, "InvalidLocationConstraint",
			       "The specified location-constraint is not valid", f);
	}
	/* The us-east-1 endpoints create buckets in any region. */
	if (strcmp(ep, "us-east-1") && strcmp(loc, ep)) {
		snprintf(msg, sizeof(msg), "The %s location constraint is incompatible for the region "
			 "specific endpoint this request was sent to.", loc[0] ? loc : "unspecified");
		return s3_fail(x, 400, "IllegalLocationConstraintException", msg, NULL);
	}
	*out = loc[0] ? loc : "us-east-1";
	return 0;
}

static int count_item(void *arg, struct str key, struct str value)
{
	size_t *n = arg;

	(void)key, (void)value;
	return ++*n >= LIMIT_S3_BUCKETS ? 1 : 0;
}

/* Header checks of CreateBucket: ACLs are off (BucketOwnerEnforced), as in new buckets. */
static int create_headers(struct s3_ctx *x)
{
	const struct str *acl = http_header_get(x->req, "x-amz-acl");
	const struct str *own = http_header_get(x->req, "x-amz-object-ownership");
	const struct str *lock = http_header_get(x->req, "x-amz-bucket-object-lock-enabled");
	static const char *const grants[] = { "x-amz-grant-full-control", "x-amz-grant-read",
		"x-amz-grant-read-acp", "x-amz-grant-write", "x-amz-grant-write-acp" };
	bool granted = acl && !str_eq_c(*acl, "private");

	for (size_t i = 0; i < ARRAY_SIZE(grants); i++)
		granted |= http_header_get(x->req, grants[i]) != NULL;
	if (own && !str_eq_c(*own, "BucketOwnerEnforced"))
		return s3_fail(x, 501, "NotImplemented",
			       "A header you provided implies functionality that is not implemented",
			       (const char *const[]){ "Header", "x-amz-object-ownership", NULL });
	if (granted)
		return s3_fail(x, 400, "InvalidBucketAclWithObjectOwnership",
			       "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
			       NULL);
	if (lock && str_eq_nocase(*lock, STR_LIT("true")))
		return s3_fail(x, 501, "NotImplemented",
			       "A header you provided implies functionality that is not implemented",
			       (const char *const[]){ "Header", "x-amz-bucket-object-lock-enabled", NULL });
	return 0;
}

static void created(struct s3_ctx *x, const char *region)
{
	if (!strcmp(region, "us-east-1"))
		http_response_header(x->resp, "Location", "/%s", x->c->bucket);
	else
		http_response_header(x->resp, "Location", "http://%s.s3.amazonaws.com/", x->c->bucket);
}

static int write_bucket(struct s3_ctx *x, const char *region)
{
	char rec[128], owned[16 + S3_BUCKET_SIZE], ms[24];
	int ret;

	snprintf(ms, sizeof(ms), "%lld", (long long)x->now);
	str_concat(rec, sizeof(rec), x->account, " ", region, " ", ms, NULL);
	str_concat(owned, sizeof(owned), x->account, "/", x->c->bucket, NULL);
	ret = kv_begin(x->kv);
	if (ret < 0)
		return ret;
	ret = kv_put(x->kv, S3_SPACE_BUCKET, str_c(x->c->bucket), str_c(rec));
	if (!ret) {
		str_concat(rec, sizeof(rec), region, " ", ms, NULL);
		ret = kv_put(x->kv, S3_SPACE_OWNED, str_c(owned), str_c(rec));
	}
	return kv_commit(x->kv, ret == 0) < 0 ? -EIO : ret;
}

static int create_bucket(struct s3_ctx *x)
{
	const char *region = NULL;
	const char *f[] = { "BucketName", x->c->bucket, NULL };
	size_t n = 0;
	char scan_prefix[16];
	int ret;

	if ((ret = create_region(x, &region)) < 0 || (ret = create_headers(x)) < 0)
		return ret;
	ret = s3_bucket_get(x->kv, x->c->bucket, &x->bucket);
	if (ret == 0 && strcmp(x->bucket.owner, x->account))
		return s3_fail(x, 409, "BucketAlreadyExists",
			       "The requested bucket name is not available. The bucket namespace is shared "
			       "by all users of the system. Please select a different name and try again.", f);
	/* us-east-1 answers 200 to its owner re-creating a bucket there. */
	if (ret == 0 && !strcmp(x->bucket.region, "us-east-1") && !strcmp(region, "us-east-1")) {
		created(x, region);
		return 0;
	}
	if (ret == 0)
		return s3_fail(x, 409, "BucketAlreadyOwnedByYou",
			       "Your previous request to create the named bucket succeeded and you already "
			       "own it.", f);
	if (ret != -ENOENT)
		return internal_error(x);
	str_concat(scan_prefix, sizeof(scan_prefix), x->account, "/", NULL);
	if (kv_scan(x->kv, S3_SPACE_OWNED, str_c(scan_prefix), STR_EMPTY, count_item, &n) < 0)
		return internal_error(x);
	if (n >= LIMIT_S3_BUCKETS)
		return s3_fail(x, 400, "TooManyBuckets",
			       "You have attempted to create more buckets than allowed", f);
	if (write_bucket(x, region) < 0)
		return internal_error(x);
	created(x, region);
	return 0;
}

static int first_item(void *arg, struct str key, struct str value)
{
	(void)arg, (void)key, (void)value;
	return 1;
}

static int delete_bucket(struct s3_ctx *x)
{
	const char *f[] = { "BucketName", x->c->bucket, NULL };
	char prefix[S3_BUCKET_SIZE + 1], owned[16 + S3_BUCKET_SIZE];
	int ret;

	if ((ret = s3_ctx_bucket(x)) < 0)
		return ret;
	str_concat(prefix, sizeof(prefix), x->c->bucket, "/", NULL);
	ret = kv_scan(x->kv, S3_SPACE_META, str_c(prefix), STR_EMPTY, first_item, NULL);
	if (ret == 1)
		return s3_fail(x, 409, "BucketNotEmpty", S3_NOT_EMPTY, f);
	if (ret < 0 || kv_begin(x->kv) < 0)
		return internal_error(x);
	str_concat(owned, sizeof(owned), x->bucket.owner, "/", x->c->bucket, NULL);
	ret = kv_del(x->kv, S3_SPACE_BUCKET, str_c(x->c->bucket));
	if (!ret)
		ret = kv_del(x->kv, S3_SPACE_OWNED, str_c(owned));
	/* Uploads in progress do not keep a general purpose bucket: they go with it. */
	if (!ret)
		ret = s3_uploads_drop(x->kv, x->c->bucket);
	if (!ret || ret == -ENOENT)
		ret = kv_del(x->kv, S3_SPACE_POLICY, str_c(x->c->bucket));
	if (kv_commit(x->kv, ret == 0 || ret == -ENOENT) < 0 || (ret < 0 && ret != -ENOENT))
		return internal_error(x);
	x->resp->status = 204;
	return 0;
}

static int head_bucket(struct s3_ctx *x)
{
	int ret = s3_ctx_bucket(x);

	if (ret < 0)
		return ret;
	x->resp->head = true;
	x->resp->length = 0;
	x->resp->content_type = "application/xml";
	http_response_header(x->resp, "x-amz-bucket-region", "%s", x->bucket.region);
	http_response_header(x->resp, "x-amz-access-point-alias", "false");
	return 0;
}

static int get_bucket_location(struct s3_ctx *x)
{
	int ret = s3_ctx_bucket(x);

	if (ret < 0)
		return ret;
	x->resp->content_type = "application/xml";
	buf_adds(&x->resp->body, XML_DECL);
	/* us-east-1 is the empty constraint. */
	if (!strcmp(x->bucket.region, "us-east-1")) {
		buf_adds(&x->resp->body, "<LocationConstraint xmlns=\"" S3_XML_NS "\"/>");
		return 0;
	}
	buf_adds(&x->resp->body, "<LocationConstraint xmlns=\"" S3_XML_NS "\">");
	xml_escape(&x->resp->body, str_c(x->bucket.region));
	buf_adds(&x->resp->body, "</LocationConstraint>");
	return 0;
}

static int put_bucket_policy(struct s3_ctx *x)
{
	struct buf compact;
	struct err e = { 0 };
	char md5[33];
	int ret;

	if ((ret = s3_ctx_bucket(x)) < 0 || (ret = owner_only(x)) < 0 ||
	    (ret = s3_content_md5(x, x->req->body, md5)) < 0)
		return ret;
	buf_init(&compact, 2 * LIMIT_S3_POLICY_BYTES);
	ret = s3_policy_check(x->c->bucket, x->req->body, &compact, &e);
	if (ret < 0)
		ret = s3_fail(x, 400, e.code, e.msg, NULL);
	else if (kv_put(x->kv, S3_SPACE_POLICY, str_c(x->c->bucket), buf_str(&compact)) < 0)
		ret = internal_error(x);
	else
		x->resp->status = 204;
	buf_release(&compact);
	return ret;
}

static int get_bucket_policy(struct s3_ctx *x)
{
	const char *f[] = { "BucketName", x->c->bucket, NULL };
	int ret;

	if ((ret = s3_ctx_bucket(x)) < 0 || (ret = owner_only(x)) < 0)
		return ret;
	ret = s3_bucket_policy(x->kv, x->c->bucket, &x->resp->body);
	if (ret == -ENOENT)
		return s3_fail(x, 404, "NoSuchBucketPolicy", "The bucket policy does not exist", f);
	if (ret < 0)
		return internal_error(x);
	x->resp->content_type = "application/json";
	return 0;
}

static int delete_bucket_policy(struct s3_ctx *x)
{
	int ret;

	if ((ret = s3_ctx_bucket(x)) < 0 || (ret = owner_only(x)) < 0)
		return ret;
	ret = kv_del(x->kv, S3_SPACE_POLICY, str_c(x->c->bucket));
	if (ret < 0 && ret != -ENOENT)
		return internal_error(x);
	x->resp->status = 204;
	return 0;
}

static int (*const handlers[S3_OPS])(struct s3_ctx *x) = {
	[S3_LIST_BUCKETS] = list_buckets,
	[S3_CREATE_BUCKET] = create_bucket,
	[S3_DELETE_BUCKET] = delete_bucket,
	[S3_HEAD_BUCKET] = head_bucket,
	[S3_GET_BUCKET_LOCATION] = get_bucket_location,
	[S3_LIST_OBJECTS] = s3_list_objects,
	[S3_LIST_OBJECTS_V2] = s3_list_objects,
	[S3_PUT_BUCKET_POLICY] = put_bucket_policy,
	[S3_GET_BUCKET_POLICY] = get_bucket_policy,
	[S3_DELETE_BUCKET_POLICY] = delete_bucket_policy,
	[S3_DELETE_OBJECTS] = s3_delete_objects,
	[S3_PUT_OBJECT] = s3_put_object,
	[S3_GET_OBJECT] = s3_get_object,
	[S3_HEAD_OBJECT] = s3_get_object,
	[S3_DELETE_OBJECT] = s3_delete_object,
	[S3_CREATE_MULTIPART_UPLOAD] = s3_create_upload,
	[S3_UPLOAD_PART] = s3_upload_part,
	[S3_COMPLETE_MULTIPART_UPLOAD] = s3_complete_upload,
	[S3_ABORT_MULTIPART_UPLOAD] = s3_abort_upload,
	[S3_LIST_MULTIPART_UPLOADS] = s3_list_uploads,
	[S3_LIST_PARTS] = s3_list_parts,
};

/* A GET answers an object whole, in one response. */
_Static_assert(LIMIT_S3_MULTIPART_OBJECT_BYTES <= LIMIT_HTTP_RESPONSE_BYTES,
	       "an object must fit one response");
_Static_assert(LIMIT_S3_OBJECT_BYTES <= LIMIT_S3_MULTIPART_OBJECT_BYTES,
	       "a PutObject is an object");

void s3_handle(struct kv *kv, const struct s3_call *c, const struct http_request *req,
	       const char *account, const char *region, int64_t now, const char *request_id,
	       struct http_response *resp)
{
	struct s3_ctx x = { .kv = kv, .c = c, .req = req, .account = account, .region = region,
			    .now = now, .request_id = request_id ? request_id : "", .resp = resp };

	buf_reset(&resp->body);
	buf_reset(&resp->headers);
	resp->status = 200;
	resp->content_type = NULL;
	resp->head = false;
	resp->length = 0;
	common_headers(resp, x.request_id);
	if ((unsigned)c->op >= S3_OPS) {
		s3_error(resp, NULL, 400, "InvalidRequest", "Unknown operation", x.request_id);
		return;
	}
	handlers[c->op](&x);
	if (resp->body.err || resp->headers.err)
		internal_error(&x);
}
