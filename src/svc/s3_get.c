/* SPDX-License-Identifier: MIT */
/*
 * Reading and deleting objects: GetObject and HeadObject with their
 * conditions (RFC 7232's order), one byte range and the checksum mode;
 * DeleteObject; DeleteObjects, each key authorized on its own.
 */
#include "compat.h"
#include "svc/s3_record.h"

#include <time.h>

#include "base/xalloc.h"
#include "base/xml.h"

#define INTERNAL "We encountered an internal error. Please try again."

static int internal_error(struct s3_ctx *x)
{
	return s3_fail(x, 500, "InternalError", INTERNAL, NULL);
}

/* Only the null version exists: S3 buckets here are never versioned. */
static int check_version(struct s3_ctx *x)
{
	char v[128];
	int ret = str_form_get(x->req->query, "versionId", v, sizeof(v));
	const char *f[] = { "ArgumentName", "versionId", "ArgumentValue", v, NULL };

	if (ret == 0 || (ret == 1 && !strcmp(v, "null")))
		return 0;
	if (ret < 0)
		v[0] = '\0';
	return s3_fail(x, 400, "InvalidArgument", "Invalid version id specified", f);
}

/* The partNumber asked for: 0 for none, 1 to LIMIT_S3_PARTS, or an answered error (negative). */
static int check_part(struct s3_ctx *x)
{
	char v[16];
	uint64_t n;
	int ret = str_form_get(x->req->query, "partNumber", v, sizeof(v));

	if (ret == 0)
		return 0;
	if (ret < 0 || str_to_u64(str_c(v), 10000, &n) < 0 || n == 0) {
		const char *f[] = { "ArgumentName", "partNumber", "ArgumentValue", ret < 0 ? "" : v, NULL };

		return s3_fail(x, 400, "InvalidArgument",
			       "Part number must be an integer between 1 and 10000, inclusive", f);
	}
	return (int)n;
}

static int no_part(struct s3_ctx *x)
{
	return s3_fail(x, 416, "InvalidPartNumber", "The requested partnumber is not satisfiable",
		       NULL);
}

/*
 * Part 'part' of 'r' as the range S3 answers it with: [*from, *to] and
 * its x-amz-mp-parts-count. Returns 1 for a range, 0 to send everything (a
 * multipart object whose parts' sizes were not kept), or an answered
 * error. A single-part object has part 1 only: the whole of it.
 */
static int part_range(struct s3_ctx *x, const struct s3_record *r, int part, uint64_t *from,
		      uint64_t *to)
{
	uint64_t size, count;
	int ret;

	if (!strchr(r->etag, '-')) {
		if (part != 1)
			return no_part(x);
		return r->size > 0;
	}
	ret = s3_record_part(r, (uint64_t)part, from, &size, &count);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0)
		return no_part(x);
	http_response_header(x->resp, "x-amz-mp-parts-count", "%llu", (unsigned long long)count);
	if (!size)
		return 0;
	*to = *from + size - 1;
	return 1;
}

/* Parses an HTTP date (RFC 7231's IMF-fixdate) into Unix seconds; false when it is not one. */
static bool http_date(struct str s, int64_t *out)
{
	char tmp[40];
	struct tm tm = { 0 };
	const char *end;

	if (str_copy(s, tmp, sizeof(tmp)) < 0)
		return false;
	end = strptime(tmp, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (!end || *end)
		return false;
	*out = (int64_t)timegm(&tm);
	return true;
}

/* RFC 7232 section 6: 412, 304 or 0 to go on. */
static int get_conditions(struct s3_ctx *x, const struct s3_record *r)
{
	const struct str *match = http_header_get(x->req, "If-Match");
	const struct str *none = http_header_get(x->req, "If-None-Match");
	const struct str *since = http_header_get(x->req, "If-Modified-Since");
	const struct str *until = http_header_get(x->req, "If-Unmodified-Since");
	int64_t t, mtime = r->mtime_ms / 1000;

	if (match && !s3_etag_matches(*match, r->etag))
		return s3_precondition(x, "If-Match");
	if (!match && until && http_date(*until, &t) && mtime > t)
		return s3_precondition(x, "If-Unmodified-Since");
	if ((none && s3_etag_matches(*none, r->etag)) ||
	    (!none && since && http_date(*since, &t) && mtime <= t)) {
		buf_reset(&x->resp->body);
		x->resp->status = 304;
		return 1;
	}
	return 0;
}

/*
 * Reads "bytes=A-B", "bytes=A-" or "bytes=-N" against 'size' into
 * [*from, *to]. Returns 1 for a range, 0 to send everything (no header, or
 * one S3 ignores), -ERANGE when it cannot be satisfied.
 */
static int parse_range(struct str v, uint64_t size, uint64_t *from, uint64_t *to)
{
	struct str spec = v, a;
	uint64_t lo, hi;

	if (!str_starts_with(spec, STR_LIT("bytes=")))
		return 0;
	spec = str_from(spec.p + 6, spec.len - 6);
	if (memchr(spec.p, ',', spec.len) || !str_cut(&spec, '-', &a))
		return 0;
	if (!a.len) {
		if (str_to_u64(spec, UINT64_MAX >> 1, &lo) < 0)
			return 0;
		if (!lo || !size)
			return -ERANGE;
		*from = lo >= size ? 0 : size - lo;
		*to = size - 1;
		return 1;
	}
	if (str_to_u64(a, UINT64_MAX >> 1, &lo) < 0)
		return 0;
	hi = size ? size - 1 : 0;
	if (spec.len && (str_to_u64(spec, UINT64_MAX >> 1, &hi) < 0 || hi < lo))
		return 0;
	if (lo >= size)
		return -ERANGE;
	*from = lo;
	*to = hi >= size ? size - 1 : hi;
	return 1;
}

static void object_headers(struct s3_ctx *x, const struct s3_record *r, bool whole)
{
	static const char *const overrides[][2] = {
		{ "response-cache-control", "Cache-Control" },
		{ "response-content-disposition", "Content-Disposition" },
		{ "response-content-encoding", "Content-Encoding" },
		{ "response-content-language", "Content-Language" },
		{ "response-content-type", "Content-Type" },
		{ "response-expires", "Expires" },
	};
	const struct str *mode = http_header_get(x->req, "x-amz-checksum-mode");
	char date[32], v[256];

	s3_http_date(r->mtime_ms, date);
	http_response_header(x->resp, "Last-Modified", "%s", date);
	http_response_header(x->resp, "ETag", "\"%s\"", r->etag);
	http_response_header(x->resp, "x-amz-server-side-encryption", "AES256");
	http_response_header(x->resp, "Accept-Ranges", "bytes");
	for (size_t i = 0; i < r->n_headers; i++) {
		const struct http_header *h = &r->headers[i];
		bool overridden = false;
		bool meta = h->name.len > 11 && str_eq_nocase(str_from(h->name.p, 11),
							       STR_LIT("x-amz-meta-"));
		char name[128];

		for (size_t k = 0; k < ARRAY_SIZE(overrides); k++)
			overridden |= str_eq_nocase(h->name, str_c(overrides[k][1])) &&
				      str_form_get(x->req->query, overrides[k][0], v, sizeof(v)) == 1;
		if (overridden || h->name.len >= sizeof(name))
			continue;
		/* S3 keeps user metadata names in lower case. */
		str_copy(h->name, name, sizeof(name));
		for (size_t k = 0; meta && name[k]; k++)
			name[k] = str_ascii_lower(name[k]);
		http_response_header(x->resp, name, "%.*s", STR_FMT(h->value));
	}
	for (size_t k = 0; k < ARRAY_SIZE(overrides); k++)
		if (str_form_get(x->req->query, overrides[k][0], v, sizeof(v)) == 1)
			http_response_header(x->resp, overrides[k][1], "%s", v);
	if (whole && r->sum >= 0 && mode && str_eq_nocase(*mode, STR_LIT("ENABLED"))) {
		http_response_header(x->resp, s3_sum_header((enum s3_sum)r->sum), "%s", r->sum_value);
		http_response_header(x->resp, "x-amz-checksum-type", "%s", s3_record_sum_type(r));
	}
}

static int invalid_range(struct s3_ctx *x, const struct s3_record *r, const struct str *range)
{
	char requested[128], size[24];
	const char *f[] = { "RangeRequested", requested, "ActualObjectSize", size, NULL };

	str_copy(range->len < sizeof(requested) ? *range : STR_LIT(""), requested, sizeof(requested));
	snprintf(size, sizeof(size), "%llu", (unsigned long long)r->size);
	s3_fail(x, 416, "InvalidRange", "The requested range is not satisfiable", f);
	http_response_header(x->resp, "Content-Range", "bytes */%llu", (unsigned long long)r->size);
	return -EINVAL;
}

/* The bytes of the object, or of [from, to], into the response body. */
static int object_body(struct s3_ctx *x, bool ranged, uint64_t from, uint64_t to)
{
	struct buf k;
	int ret;

	buf_init(&k, LIMIT_S3_KEY_BYTES + S3_BUCKET_SIZE + 1);
	s3_object_key(x->c, &k);
	ret = kv_get(x->kv, S3_SPACE_DATA, buf_str(&k), &x->resp->body);
	buf_release(&k);
	if (ret < 0)
		return internal_error(x);
	if (ranged && to < x->resp->body.len) {
		memmove(x->resp->body.p, x->resp->body.p + from, (size_t)(to - from + 1));
		buf_truncate(&x->resp->body, (size_t)(to - from + 1));
	}
	return 0;
}

/* The object, or the bytes of its Range or of part number 'part' (0: none asked for). */
static int answer_object(struct s3_ctx *x, const struct s3_record *r, int part)
{
	const struct str *range = http_header_get(x->req, "Range");
	uint64_t from = 0, to = r->size ? r->size - 1 : 0;
	bool head = x->c->op == S3_HEAD_OBJECT;
	int ranged = range ? parse_range(*range, r->size, &from, &to) : 0, ret;

	if (ranged < 0)
		return invalid_range(x, r, range);
	if (!range && part && (ranged = part_range(x, r, part, &from, &to)) < 0)
		return ranged;
	if ((ret = get_conditions(x, r)) != 0) {
		if (ret > 0)
			object_headers(x, r, false);
		x->resp->head = x->resp->head || ret > 0;
		return ret < 0 ? ret : 0;
	}
	object_headers(x, r, !ranged);
	if (ranged) {
		x->resp->status = 206;
		http_response_header(x->resp, "Content-Range", "bytes %llu-%llu/%llu",
				     (unsigned long long)from, (unsigned long long)to,
				     (unsigned long long)r->size);
	}
	if (head) {
		x->resp->head = true;
		x->resp->length = ranged ? (size_t)(to - from + 1) : (size_t)r->size;
		return 0;
	}
	return object_body(x, ranged, from, to);
}

int s3_get_object(struct s3_ctx *x)
{
	struct s3_record r;
	struct buf text;
	int ret, part;

	if ((ret = s3_ctx_bucket(x)) < 0 || (ret = check_version(x)) < 0 ||
	    (ret = part = check_part(x)) < 0)
		return ret;
	buf_init(&text, LIMIT_S3_RECORD_BYTES);
	ret = s3_read_record(x, &text, &r);
	if (ret == -ENOENT)
		ret = s3_no_key(x);
	else if (ret < 0)
		ret = internal_error(x);
	else
		ret = answer_object(x, &r, part);
	buf_release(&text);
	return ret;
}

/* Removes the object named by 'k' (its record and bytes); absent is fine. */
static int remove_object(struct kv *kv, struct str k)
{
	int ret = kv_del(kv, S3_SPACE_META, k);

	if (ret == 0 || ret == -ENOENT)
		ret = kv_del(kv, S3_SPACE_DATA, k);
	return ret == -ENOENT ? 0 : ret;
}

int s3_delete_object(struct s3_ctx *x)
{
	struct buf k;
	int ret;

	if ((ret = s3_ctx_bucket(x)) < 0 || (ret = check_version(x)) < 0)
		return ret;
	buf_init(&k, LIMIT_S3_KEY_BYTES + S3_BUCKET_SIZE + 1);
	s3_object_key(x->c, &k);
	ret = kv_begin(x->kv);
	if (!ret) {
		ret = remove_object(x->kv, buf_str(&k));
		if (kv_commit(x->kv, ret == 0) < 0)
			ret = -EIO;
	}
	buf_release(&k);
	if (ret < 0)
		return internal_error(x);
	x->resp->status = 204;
	return 0;
}

struct del_entry {
	char *key;		/* heap; NULL until the Key element came */
	size_t len;
	bool versioned;		/* a VersionId other than "null" */
};

struct del_doc {
	struct del_entry *v;
	size_t n;
	bool quiet;
};

static int delete_element(void *arg, const char *path, struct str text, struct err *e)
{
	struct del_doc *d = arg;

	if (!strcmp(path, "Delete/Object")) {
		if (d->n == LIMIT_S3_DELETE_KEYS)
			return err_fail(e, "MalformedXML", S3_MALFORMED_XML);
		d->n++;
		return 0;
	}
	if (!strcmp(path, "Delete/Quiet")) {
		d->quiet = str_eq_c(text, "true");
		return 0;
	}
	if (!strcmp(path, "Delete"))
		return 0;
	/* Key and VersionId end before their Object: they belong to entry n. */
	if (!strcmp(path, "Delete/Object/Key") && !d->v[d->n].key && text.len) {
		d->v[d->n].key = xmalloc(text.len + 1);
		memcpy(d->v[d->n].key, text.p, text.len);
		d->v[d->n].key[text.len] = '\0';
		d->v[d->n].len = text.len;
		return 0;
	}
	if (!strcmp(path, "Delete/Object/VersionId")) {
		d->v[d->n].versioned = !str_eq_c(text, "null");
		return 0;
	}
	return err_fail(e, "MalformedXML", S3_MALFORMED_XML);
}

/* Reads a Delete document into 'd' (delete_free() it): 0, or -EINVAL with S3's MalformedXML. */
static int delete_read(struct str body, struct del_doc *d, struct err *e)
{
	int ret;

	d->v = xcalloc(LIMIT_S3_DELETE_KEYS + 1, sizeof(*d->v));
	ret = s3_xml_read(body, "Delete", delete_element, d, e);
	for (size_t i = 0; !ret && i < d->n; i++)
		if (!d->v[i].key)
			ret = err_fail(e, "MalformedXML", S3_MALFORMED_XML);
	if (!ret && !d->n)
		ret = err_fail(e, "MalformedXML", S3_MALFORMED_XML);
	return ret < 0 ? -EINVAL : 0;
}

static void delete_free(struct del_doc *d)
{
	for (size_t i = 0; d->v && i <= LIMIT_S3_DELETE_KEYS; i++)
		free(d->v[i].key);
	free(d->v);
	d->v = NULL;
}

static void del_error(struct buf *b, const struct del_entry *d, const char *code, const char *msg)
{
	xml_open(b, "Error");
	xml_str(b, "Key", str_from(d->key, d->len));
	xml_text(b, "Code", code);
	xml_text(b, "Message", msg);
	xml_close(b, "Error");
}

static int delete_one(struct s3_ctx *x, const struct del_entry *d, struct buf *b, bool quiet)
{
	char arn[S3_RESOURCE_SIZE];
	struct buf k;
	int ret;

	if (d->len > LIMIT_S3_KEY_BYTES || memchr(d->key, '\0', d->len)) {
		del_error(b, d, "KeyTooLongError", "Your key is too long");
		return 0;
	}
	str_concat(arn, sizeof(arn), "arn:aws:s3:::", x->c->bucket, "/", d->key, NULL);
	if (!x->c->authorize || !x->c->authorize(x->c->authorize_arg, "s3:DeleteObject", arn)) {
		del_error(b, d, "AccessDenied", "Access Denied");
		return 0;
	}
	if (d->versioned) {
		del_error(b, d, "NoSuchVersion", "The specified version does not exist.");
		return 0;
	}
	buf_init(&k, LIMIT_S3_KEY_BYTES + S3_BUCKET_SIZE + 1);
	buf_adds(&k, x->c->bucket);
	buf_addc(&k, '/');
	buf_add(&k, d->key, d->len);
	ret = remove_object(x->kv, buf_str(&k));
	buf_release(&k);
	if (ret < 0)
		return ret;
	if (!quiet) {
		xml_open(b, "Deleted");
		xml_str(b, "Key", str_from(d->key, d->len));
		xml_close(b, "Deleted");
	}
	return 0;
}

static int delete_all(struct s3_ctx *x, const struct del_doc *d)
{
	struct buf *b = &x->resp->body;
	int ret = kv_begin(x->kv);

	if (ret < 0)
		return internal_error(x);
	x->resp->content_type = "application/xml";
	buf_adds(b, XML_DECL "<DeleteResult xmlns=\"" S3_XML_NS "\">");
	for (size_t i = 0; !ret && i < d->n; i++)
		ret = delete_one(x, &d->v[i], b, d->quiet);
	buf_adds(b, "</DeleteResult>");
	if (kv_commit(x->kv, ret == 0) < 0 || ret < 0)
		return internal_error(x);
	return 0;
}

/* DeleteObjects needs an integrity header, checked against the body. */
static int delete_integrity(struct s3_ctx *x)
{
	int sum = -1;
	const struct str *v = NULL;
	char want[S3_SUM_B64_SIZE];

	for (size_t i = 0; i < x->req->n_headers && sum < 0; i++) {
		sum = s3_sum_by_header(x->req->headers[i].name);
		v = &x->req->headers[i].value;
	}
	if (sum >= 0) {
		s3_sum_compute((enum s3_sum)sum, x->req->body, want);
		if (!str_eq_c(*v, want))
			return s3_fail(x, 400, "BadDigest", "The checksum you specified did not match the "
				       "calculated checksum.", NULL);
	}
	if (sum < 0 && !http_header_get(x->req, "Content-MD5"))
		return s3_fail(x, 400, "InvalidRequest",
			       "Missing required header for this request: Content-MD5", NULL);
	return 0;
}

int s3_delete_objects(struct s3_ctx *x)
{
	struct del_doc d = { 0 };
	struct err e = { 0 };
	char etag[33];
	int ret;

	if ((ret = s3_ctx_bucket(x)) < 0 || (ret = delete_integrity(x)) < 0)
		return ret;
	if ((ret = s3_content_md5(x, x->req->body, etag)) < 0)
		return ret;
	ret = delete_read(x->req->body, &d, &e);
	ret = ret < 0 ? s3_fail_err(x, &e) : delete_all(x, &d);
	delete_free(&d);
	return ret;
}

int s3_delete_allowed(struct str body, const char *bucket, s3_authorize_fn *allow, void *arg,
		      struct err *e)
{
	struct del_doc d = { 0 };
	char arn[S3_RESOURCE_SIZE];
	bool all = true;

	if (delete_read(body, &d, e) < 0) {
		delete_free(&d);
		return -EINVAL;
	}
	for (size_t i = 0; all && i < d.n; i++) {
		str_concat(arn, sizeof(arn), "arn:aws:s3:::", bucket, "/", d.v[i].key, NULL);
		all = allow(arg, "s3:DeleteObject", arn);
	}
	delete_free(&d);
	return all;
}
