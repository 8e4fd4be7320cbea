/* SPDX-License-Identifier: MIT */
/*
 * From an HTTP request to an S3 operation in IAM terms: the host says
 * whether the bucket is in it, the path gives the bucket and the key, the
 * method and the subresource in the query pick the operation from one
 * table. Anything the table does not name is refused, never guessed.
 */
#include "compat.h"
#include "svc/s3_internal.h"

#define S3_HOST_SUFFIX ".amazonaws.com"
#define HOST_LABELS 130		/* a 255-byte name has at most 128 labels */

enum target { T_SERVICE, T_BUCKET, T_OBJECT };

static const struct op_info {
	const char *name, *action;
	enum target target;
} ops[S3_OPS] = {
	[S3_LIST_BUCKETS] = { "ListBuckets", "s3:ListAllMyBuckets", T_SERVICE },
	[S3_CREATE_BUCKET] = { "CreateBucket", "s3:CreateBucket", T_BUCKET },
	[S3_DELETE_BUCKET] = { "DeleteBucket", "s3:DeleteBucket", T_BUCKET },
	[S3_HEAD_BUCKET] = { "HeadBucket", "s3:ListBucket", T_BUCKET },
	[S3_GET_BUCKET_LOCATION] = { "GetBucketLocation", "s3:GetBucketLocation", T_BUCKET },
	[S3_LIST_OBJECTS] = { "ListObjects", "s3:ListBucket", T_BUCKET },
	[S3_LIST_OBJECTS_V2] = { "ListObjectsV2", "s3:ListBucket", T_BUCKET },
	[S3_PUT_BUCKET_POLICY] = { "PutBucketPolicy", "s3:PutBucketPolicy", T_BUCKET },
	[S3_GET_BUCKET_POLICY] = { "GetBucketPolicy", "s3:GetBucketPolicy", T_BUCKET },
	[S3_DELETE_BUCKET_POLICY] = { "DeleteBucketPolicy", "s3:DeleteBucketPolicy", T_BUCKET },
	[S3_DELETE_OBJECTS] = { "DeleteObjects", "s3:DeleteObject", T_BUCKET },
	[S3_PUT_OBJECT] = { "PutObject", "s3:PutObject", T_OBJECT },
	[S3_GET_OBJECT] = { "GetObject", "s3:GetObject", T_OBJECT },
	[S3_HEAD_OBJECT] = { "HeadObject", "s3:GetObject", T_OBJECT },
	[S3_DELETE_OBJECT] = { "DeleteObject", "s3:DeleteObject", T_OBJECT },
	[S3_CREATE_MULTIPART_UPLOAD] = { "CreateMultipartUpload", "s3:PutObject", T_OBJECT },
	[S3_UPLOAD_PART] = { "UploadPart", "s3:PutObject", T_OBJECT },
	[S3_COMPLETE_MULTIPART_UPLOAD] = { "CompleteMultipartUpload", "s3:PutObject", T_OBJECT },
	[S3_ABORT_MULTIPART_UPLOAD] = { "AbortMultipartUpload", "s3:AbortMultipartUpload", T_OBJECT },
	[S3_LIST_MULTIPART_UPLOADS] = { "ListMultipartUploads", "s3:ListBucketMultipartUploads",
					T_BUCKET },
	[S3_LIST_PARTS] = { "ListParts", "s3:ListMultipartUploadParts", T_OBJECT },
};

/* Which operation a method and a subresource ("" for none) name on a target. */
static const struct route {
	enum target target;
	const char *method, *sub;
	enum s3_op op;
} routes[] = {
	{ T_SERVICE, "GET", "", S3_LIST_BUCKETS },
	{ T_BUCKET, "PUT", "", S3_CREATE_BUCKET },
	{ T_BUCKET, "DELETE", "", S3_DELETE_BUCKET },
	{ T_BUCKET, "HEAD", "", S3_HEAD_BUCKET },
	{ T_BUCKET, "GET", "", S3_LIST_OBJECTS },
	{ T_BUCKET, "GET", "location", S3_GET_BUCKET_LOCATION },
	{ T_BUCKET, "PUT", "policy", S3_PUT_BUCKET_POLICY },
	{ T_BUCKET, "GET", "policy", S3_GET_BUCKET_POLICY },
	{ T_BUCKET, "DELETE", "policy", S3_DELETE_BUCKET_POLICY },
	{ T_BUCKET, "POST", "delete", S3_DELETE_OBJECTS },
	{ T_OBJECT, "PUT", "", S3_PUT_OBJECT },
	{ T_OBJECT, "GET", "", S3_GET_OBJECT },
	{ T_OBJECT, "HEAD", "", S3_HEAD_OBJECT },
	{ T_OBJECT, "DELETE", "", S3_DELETE_OBJECT },
	{ T_BUCKET, "GET", "uploads", S3_LIST_MULTIPART_UPLOADS },
	{ T_OBJECT, "POST", "uploads", S3_CREATE_MULTIPART_UPLOAD },
	{ T_OBJECT, "PUT", "uploadId", S3_UPLOAD_PART },
	{ T_OBJECT, "POST", "uploadId", S3_COMPLETE_MULTIPART_UPLOAD },
	{ T_OBJECT, "DELETE", "uploadId", S3_ABORT_MULTIPART_UPLOAD },
	{ T_OBJECT, "GET", "uploadId", S3_LIST_PARTS },
};

/*
 * The query parameters that select another operation (S3's subresources).
 * Those without a route are S3 features this engine does not have.
 */
static const char *const subresources[] = {
	"accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption",
	"intelligent-tiering", "inventory", "legal-hold", "lifecycle", "location", "logging",
	"metadataConfiguration", "metadataTable", "metrics", "notification", "object-lock",
	"ownershipControls", "policy", "policyStatus", "publicAccessBlock", "renameObject",
	"replication", "requestPayment", "restore", "retention", "select", "session", "tagging",
	"torrent", "uploadId", "uploads", "versioning", "versions", "website",
};

static const char *const resource_types[] = {
	[T_SERVICE] = "SERVICE", [T_BUCKET] = "BUCKET", [T_OBJECT] = "OBJECT",
};

static bool is_vpce_id(struct str s)
{
	size_t i = 5, hex = 0, tail = 0;

	if (!str_starts_with(s, STR_LIT("vpce-")))
		return false;
	for (; i < s.len && str_hex_digit(s.p[i]) >= 0 && !(s.p[i] >= 'A' && s.p[i] <= 'F'); i++)
		hex++;
	if (hex < 8 || hex > 17 || i == s.len || s.p[i++] != '-')
		return false;
	for (; i < s.len && s.p[i] != '-'; i++, tail++)
		if (!((s.p[i] >= 'a' && s.p[i] <= 'z') || (s.p[i] >= '0' && s.p[i] <= '9')))
			return false;
	/* A zonal name goes on with "-us-east-1a". */
	return tail == 8 && (i == s.len || (s.len - i > 3 && s.p[s.len - 1] >= 'a' &&
					    s.p[s.len - 1] <= 'z' &&
					    s3_region_syntax(str_from(s.p + i + 1, s.len - i - 2))));
}

/* Splits 'h' into its labels; false when there are too many or one is empty. */
static bool split_labels(struct str h, struct str *labels, size_t *n)
{
	struct str rest = h, label;

	*n = 0;
	while (*n < HOST_LABELS) {
		bool more = str_cut(&rest, '.', &label);

		if (!more)
			label = rest;
		if (!label.len)
			return false;
		labels[(*n)++] = label;
		if (!more)
			return true;
	}
	return false;
}

/* The bucket made of labels [0, n) joined by dots. */
static struct str join_labels(const struct str *labels, size_t n)
{
	if (!n)
		return STR_EMPTY;
	return str_from(labels[0].p, (size_t)(labels[n - 1].p + labels[n - 1].len - labels[0].p));
}

/*
 * Reads the S3 names of amazonaws.com (lowercased 'h' without the suffix):
 * sets the region, the endpoint and the bucket part. False when 'h' is not
 * one of them: then the host is "any other host".
 */
static bool parse_aws_host(struct str h, struct s3_call *c, struct str *bucket)
{
	struct str l[HOST_LABELS], region;
	size_t n, keep;

	if (!split_labels(h, l, &n))
		return false;
	if (n >= 4 && str_eq_c(l[n - 1], "vpce") && str_eq_c(l[n - 3], "s3") &&
	    is_vpce_id(l[n - 4])) {
		region = l[n - 2];
		str_copy(l[n - 4], c->vpce, sizeof(c->vpce));
		keep = n - 4;
	} else if (str_eq_c(l[n - 1], "s3")) {
		region = STR_EMPTY;
		keep = n - 1;
	} else if (n >= 3 && str_eq_c(l[n - 3], "s3") && str_eq_c(l[n - 2], "dualstack")) {
		region = l[n - 1];
		keep = n - 3;
	} else if (n >= 2 && str_eq_c(l[n - 2], "s3")) {
		region = l[n - 1];
		keep = n - 2;
	} else {
		return false;
	}
	if (region.len && !s3_region_syntax(region))
		return false;
	str_copy(region, c->region, sizeof(c->region));
	*bucket = join_labels(l, keep);
	c->aws_host = true;
	return true;
}

/* Sets the host's facts in 'c' and the bucket it names (empty: path style). */
static int parse_host(const struct http_request *req, struct s3_call *c, struct str *bucket,
		      struct err *e)
{
	const struct str *hv = http_header_get(req, "Host");
	char h[256];
	size_t len;

	*bucket = STR_EMPTY;
	if (!hv || !hv->len || hv->p[0] == '[')
		return 0;
	len = hv->len;
	for (size_t i = len; i-- > 0;) {
		if (hv->p[i] == ':') {
			len = i;
			break;
		}
		if (hv->p[i] < '0' || hv->p[i] > '9')
			break;
	}
	if (len >= sizeof(h))
		return err_fail(e, "InvalidArgument", "The Host header is too long");
	for (size_t i = 0; i < len; i++)
		h[i] = str_ascii_lower(hv->p[i]);
	if (len && h[len - 1] == '.')
		len--;
	h[len] = '\0';
	if (!str_ends_with(str_from(h, len), STR_LIT(S3_HOST_SUFFIX)))
		return 0;
	if (!parse_aws_host(str_from(h, len - strlen(S3_HOST_SUFFIX)), c, bucket))
		return 0;
	if (str_eq_c(*bucket, "accesspoint") || str_eq_c(*bucket, "control"))
		return err_fail(e, "NotImplemented",
				"S3 access points and S3 Control are not implemented");
	/* 'bucket' points into 'h': copy it before returning. */
	if (bucket->len && str_copy(*bucket, c->bucket, sizeof(c->bucket)) < 0)
		return err_fail(e, "InvalidBucketName", "The specified bucket is not valid.");
	*bucket = str_c(c->bucket);
	c->virtual_hosted = bucket->len > 0;
	return 0;
}

static int set_key(struct s3_call *c, struct str raw, struct err *e)
{
	char tmp[3 * LIMIT_S3_KEY_BYTES + 1];
	size_t len;
	int ret = str_pct_decode(raw, false, tmp, sizeof(tmp), &len);

	if (ret == -ENOSPC || (!ret && len > LIMIT_S3_KEY_BYTES))
		return err_fail(e, "KeyTooLongError", "Your key is too long");
	if (ret < 0)
		return err_fail(e, "InvalidURI", "Couldn't parse the specified URI.");
	memcpy(c->key, tmp, len + 1);
	c->key_len = len;
	return 0;
}

/* Sets the bucket and key from the path; returns the target. */
static int parse_path(const struct http_request *req, struct s3_call *c, enum target *t,
		      struct err *e)
{
	struct str path = req->path, raw_bucket;
	size_t len;

	if (!str_starts_with(path, STR_LIT("/")))
		return err_fail(e, "InvalidURI", "Couldn't parse the specified URI.");
	path = str_from(path.p + 1, path.len - 1);
	if (!c->virtual_hosted) {
		if (!str_cut(&path, '/', &raw_bucket)) {
			raw_bucket = path;
			path = STR_EMPTY;
		}
		if (!raw_bucket.len) {
			*t = T_SERVICE;
			return path.len ? err_fail(e, "InvalidURI", "Couldn't parse the specified URI.") : 0;
		}
		if (str_pct_decode(raw_bucket, false, c->bucket, sizeof(c->bucket), &len) < 0) {
			c->bucket[0] = '\0';
			return err_fail(e, "InvalidBucketName", "The specified bucket is not valid.");
		}
	}
	if (!s3_bucket_name_valid(c->bucket))
		return err_fail(e, "InvalidBucketName", "The specified bucket is not valid.");
	*t = path.len ? T_OBJECT : T_BUCKET;
	return path.len ? set_key(c, path, e) : 0;
}

/* Finds the one subresource of the query, "" when there is none. */
static int find_subresource(struct str query, const char **sub, struct err *e)
{
	*sub = "";
	for (size_t i = 0; i < ARRAY_SIZE(subresources); i++) {
		char v[8];
		int ret = str_form_get(query, subresources[i], v, sizeof(v));

		if (ret == 0)
			continue;
		if (**sub)
			return err_fail(e, "InvalidRequest",
					"The request names more than one subresource");
		*sub = subresources[i];
	}
	return 0;
}

static int route(const struct http_request *req, enum target t, const char *sub,
		 struct s3_call *c, struct err *e)
{
	bool other_method = false;

	for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
		if (routes[i].target != t || strcmp(routes[i].sub, sub))
			continue;
		if (str_eq_c(req->method, routes[i].method)) {
			c->op = routes[i].op;
			return 0;
		}
		other_method = true;
	}
	if (!other_method && *sub)
		return err_fail(e, "NotImplemented", "The subresource '%s' is not implemented", sub);
	if (str_eq_c(req->method, "POST") && !*sub)
		return err_fail(e, "NotImplemented",
				"A header you provided implies functionality that is not implemented");
	return err_fail(e, "MethodNotAllowed",
			"The specified method is not allowed against this resource.|%.*s|%s",
			STR_FMT(req->method), resource_types[t]);
}

static void add_context(struct s3_call *c, const char *name, const char *value)
{
	size_t i = c->n_context;

	if (i == S3_CONTEXT_MAX)
		return;
	c->context_values[i] = value;
	c->context[i] = (struct pol_key){ .name = name, .name_len = strlen(name),
					  .values = &c->context_values[i], .n = 1 };
	c->n_context++;
}

static int invalid_arg(struct err *e, const char *msg, const char *name, const char *value)
{
	return err_fail(e, "InvalidArgument", "%s|%s|%s", msg, name, value);
}

/* A list parameter 'name' into 'out'; 1 when present. */
static int list_param(const struct http_request *req, const char *name, char *out, size_t size,
		      struct err *e)
{
	int ret = str_form_get(req->query, name, out, size);

	if (ret == -ENOSPC)
		return invalid_arg(e, "The value is too long", name, "");
	if (ret < 0)
		return err_fail(e, "InvalidURI", "Couldn't parse the specified URI.");
	return ret;
}

static int parse_max_keys(struct s3_list_args *l, struct err *e)
{
	uint64_t v;

	l->max_keys = LIMIT_S3_LIST_KEYS;
	if (!l->max_keys_text[0])
		return 0;
	if (str_to_u64(str_c(l->max_keys_text), INT32_MAX, &v) < 0) {
		if (l->max_keys_text[0] == '-')
			return invalid_arg(e, "Argument maxKeys must be an integer between 0 and 2147483647",
					   "maxKeys", l->max_keys_text);
		return invalid_arg(e, "Provided max-keys not an integer or within integer range",
				   "max-keys", l->max_keys_text);
	}
	l->max_keys = v > LIMIT_S3_LIST_KEYS ? LIMIT_S3_LIST_KEYS : (unsigned)v;
	return 0;
}

static int parse_list(const struct http_request *req, struct s3_call *c, struct err *e)
{
	struct s3_list_args *l = &c->list;
	char v[16];
	int ret;

	if ((ret = list_param(req, "list-type", v, sizeof(v), e)) < 0)
		return ret;
	if (ret == 1 && strcmp(v, "2"))
		return invalid_arg(e, "Invalid List Type specified in Request", "list-type", v);
	if (ret == 1)
		c->op = S3_LIST_OBJECTS_V2;
	if ((ret = list_param(req, "prefix", l->prefix, sizeof(l->prefix), e)) < 0)
		return ret;
	l->has_prefix = ret;
	if ((ret = list_param(req, "delimiter", l->delimiter, sizeof(l->delimiter), e)) < 0)
		return ret;
	l->has_delimiter = ret && l->delimiter[0];
	if ((ret = list_param(req, c->op == S3_LIST_OBJECTS_V2 ? "start-after" : "marker",
			      l->start_after, sizeof(l->start_after), e)) < 0)
		return ret;
	l->has_start_after = ret;
	if (c->op == S3_LIST_OBJECTS_V2) {
		ret = list_param(req, "continuation-token", l->token, sizeof(l->token), e);
		if (ret < 0 || (ret && !l->token[0]))
			return invalid_arg(e, "The continuation token provided is incorrect",
					   "continuation-token", "");
		l->has_token = ret;
		if ((ret = list_param(req, "fetch-owner", v, sizeof(v), e)) < 0)
			return ret;
		l->fetch_owner = ret && !strcmp(v, "true");
	}
	if ((ret = list_param(req, "max-keys", l->max_keys_text, sizeof(l->max_keys_text), e)) < 0)
		return ret;
	if ((ret = parse_max_keys(l, e)) < 0)
		return ret;
	if ((ret = list_param(req, "encoding-type", v, sizeof(v), e)) < 0)
		return ret;
	if (ret && strcmp(v, "url"))
		return invalid_arg(e, "Invalid Encoding Method specified in Request", "encoding-type", v);
	l->url_encoding = ret;
	if (l->has_prefix)
		add_context(c, "s3:prefix", l->prefix);
	if (l->has_delimiter)
		add_context(c, "s3:delimiter", l->delimiter);
	if (l->max_keys_text[0])
		add_context(c, "s3:max-keys", l->max_keys_text);
	return 0;
}

static int location_element(void *arg, const char *path, struct str text, struct err *e)
{
	struct s3_call *c = arg;

	if (!strcmp(path, "CreateBucketConfiguration"))
		return 0;
	if (strcmp(path, "CreateBucketConfiguration/LocationConstraint") ||
	    str_copy(text, c->location, sizeof(c->location)) < 0)
		return err_fail(e, "MalformedXML", S3_MALFORMED_XML);
	return 0;
}

static int parse_create(const struct http_request *req, struct s3_call *c, struct err *e)
{
	int ret;

	if (!req->body.len)
		return 0;
	ret = s3_xml_read(req->body, "CreateBucketConfiguration", location_element, c, e);
	if (ret < 0)
		return ret;
	if (c->location[0])
		add_context(c, "s3:LocationConstraint", c->location);
	return 0;
}

static void set_resource(struct s3_call *c, enum target t)
{
	if (t == T_SERVICE)
		str_lcpy(c->resource, "arn:aws:s3:::*", sizeof(c->resource));
	else
		str_concat(c->resource, sizeof(c->resource), "arn:aws:s3:::", c->bucket,
			   t == T_OBJECT ? "/" : "", t == T_OBJECT ? c->key : "", NULL);
}

int s3_classify(const struct http_request *req, struct s3_call *out, struct err *e)
{
	struct s3_call *c = out;
	struct str vbucket;
	const char *sub;
	enum target t = T_SERVICE;
	int ret;

	memset(c, 0, sizeof(*c));
	if ((ret = parse_host(req, c, &vbucket, e)) < 0)
		return ret;
	if ((ret = parse_path(req, c, &t, e)) < 0)
		return ret;
	if ((ret = find_subresource(req->query, &sub, e)) < 0)
		return ret;
	if ((ret = route(req, t, sub, c, e)) < 0)
		return ret;
	if (c->op == S3_LIST_OBJECTS && (ret = parse_list(req, c, e)) < 0)
		return ret;
	if (c->op == S3_CREATE_BUCKET && (ret = parse_create(req, c, e)) < 0)
		return ret;
	c->name = ops[c->op].name;
	str_lcpy(c->action, ops[c->op].action, sizeof(c->action));
	c->authorize_each = c->op == S3_DELETE_OBJECTS;
	set_resource(c, t);
	return 0;
}

int s3_error_status(const char *code)
{
	static const struct {
		const char *code;
		int status;
	} statuses[] = {
		{ "AccessDenied", 403 }, { "SignatureDoesNotMatch", 403 },
		{ "AccessControlListNotSupported", 400 },
		{ "NoSuchBucket", 404 }, { "NoSuchKey", 404 }, { "NoSuchBucketPolicy", 404 },
		{ "NoSuchUpload", 404 },
		{ "MethodNotAllowed", 405 }, { "BucketAlreadyExists", 409 },
		{ "BucketAlreadyOwnedByYou", 409 }, { "BucketNotEmpty", 409 },
		{ "MissingContentLength", 411 }, { "PreconditionFailed", 412 },
		{ "InvalidRange", 416 }, { "InternalError", 500 }, { "NotImplemented", 501 },
		{ "PermanentRedirect", 301 },
	};

	for (size_t i = 0; code && i < ARRAY_SIZE(statuses); i++)
		if (!strcmp(code, statuses[i].code))
			return statuses[i].status;
	return 400;
}
