/* SPDX-License-Identifier: MIT */
/*
 * ListMultipartUploads and ListParts. A bucket holds at most
 * LIMIT_S3_UPLOADS uploads, so its listing reads them all and sorts them
 * as S3 lists them (by key, then by when they began); an upload's parts
 * are one ordered scan from the marker.
 */
#include "compat.h"
#include "svc/s3_upload.h"

#include "base/xalloc.h"
#include "base/xml.h"

#define INTERNAL "We encountered an internal error. Please try again."

static int internal_error(struct s3_ctx *x)
{
	return s3_fail(x, 500, "InternalError", INTERNAL, NULL);
}

/*
 * The count parameter 'name' ('camel' in S3's message for a negative one)
 * into '*out', at most 'cap'; '*out' keeps its default when absent.
 */
static int count_param(struct s3_ctx *x, const char *name, const char *camel, uint64_t cap,
		       uint64_t *out)
{
	char v[24], msg[96];
	const char *f[] = { "ArgumentName", name, "ArgumentValue", v, NULL };
	int ret = str_form_get(x->req->query, name, v, sizeof(v));
	uint64_t n;

	if (ret == 0)
		return 0;
	if (ret < 0)
		v[0] = '\0';
	if (ret > 0 && str_to_u64(str_c(v), INT32_MAX, &n) == 0) {
		*out = MIN(n, cap);
		return 0;
	}
	if (v[0] == '-') {
		snprintf(msg, sizeof(msg), "Argument %s must be an integer between 0 and 2147483647",
			 camel);
		f[1] = camel;
	} else {
		snprintf(msg, sizeof(msg), "Provided %s not an integer or within integer range", name);
	}
	return s3_fail(x, 400, "InvalidArgument", msg, f);
}

static void checksum_of(struct buf *b, const struct s3_upload *u)
{
	if (u->sum < 0)
		return;
	xml_text(b, "ChecksumAlgorithm", s3_sum_name((enum s3_sum)u->sum));
	xml_text(b, "ChecksumType", u->full_object ? "FULL_OBJECT" : "COMPOSITE");
}

/* --- ListParts --- */

struct parts_page {
	struct buf items;		/* they go after the markers, known at the end */
	uint64_t max, n, last;
	bool truncated;
};

static int list_part(void *arg, struct str key, struct str value)
{
	struct parts_page *pg = arg;
	struct buf *b = &pg->items;
	struct s3_record r;
	char date[32], etag[S3_ETAG_SIZE + 2], name[32];
	uint64_t n;

	if (key.len < 5 || str_to_u64(str_from(key.p + key.len - 5, 5), LIMIT_S3_PARTS, &n) < 0 ||
	    s3_record_decode(value, &r) < 0)
		return -EIO;
	if (pg->n == pg->max) {
		pg->truncated = true;
		return 1;
	}
	s3_iso_date(r.mtime_ms, date);
	str_concat(etag, sizeof(etag), "\"", r.etag, "\"", NULL);
	xml_open(b, "Part");
	xml_u64(b, "PartNumber", n);
	xml_text(b, "LastModified", date);
	xml_text(b, "ETag", etag);
	xml_u64(b, "Size", r.size);
	if (r.sum >= 0) {
		str_concat(name, sizeof(name), "Checksum", s3_sum_name((enum s3_sum)r.sum), NULL);
		xml_text(b, name, r.sum_value);
	}
	xml_close(b, "Part");
	pg->last = n;
	pg->n++;
	return 0;
}

static int parts_page(struct s3_ctx *x, const struct s3_upload *u, uint64_t marker, uint64_t max)
{
	struct buf *b = &x->resp->body;
	struct parts_page pg = { .max = max };
	char prefix[S3_PART_KEY_SIZE], after[S3_PART_KEY_SIZE] = "";
	int ret;

	str_concat(prefix, sizeof(prefix), x->c->bucket, "/", u->id, "/", NULL);
	if (marker)
		s3_part_key(x, u->id, (unsigned)MIN(marker, (uint64_t)LIMIT_S3_PARTS), after);
	buf_init(&pg.items, LIMIT_HTTP_RESPONSE_BYTES);
	ret = kv_scan(x->kv, S3_SPACE_PART, str_c(prefix), str_c(after), list_part, &pg);
	if (ret < 0 || pg.items.err) {
		buf_release(&pg.items);
		return internal_error(x);
	}
	s3_doc_begin(x, "ListPartsResult");
	xml_text(b, "Bucket", x->c->bucket);
	xml_str(b, "Key", u->key);
	xml_text(b, "UploadId", u->id);
	xml_u64(b, "PartNumberMarker", marker);
	xml_u64(b, "NextPartNumberMarker", pg.last);
	xml_u64(b, "MaxParts", max);
	xml_bool(b, "IsTruncated", pg.truncated);
	buf_addstr(b, buf_str(&pg.items));
	s3_upload_people(b, u, x->bucket.owner);
	xml_text(b, "StorageClass", "STANDARD");
	checksum_of(b, u);
	xml_close(b, "ListPartsResult");
	buf_release(&pg.items);
	return 0;
}

int s3_list_parts(struct s3_ctx *x)
{
	struct s3_upload u;
	uint64_t max = LIMIT_S3_LIST_KEYS, marker = 0;
	int ret;

	if ((ret = s3_ctx_bucket(x)) < 0 ||
	    (ret = count_param(x, "max-parts", "maxParts", LIMIT_S3_LIST_KEYS, &max)) < 0 ||
	    (ret = count_param(x, "part-number-marker", "partNumberMarker", INT32_MAX, &marker)) < 0)
		return ret;
	ret = s3_upload_load(x, &u);
	if (!ret)
		ret = parts_page(x, &u, marker, max);
	s3_upload_release(&u);
	return ret;
}

/* --- ListMultipartUploads --- */

struct uploads {
	struct s3_upload *v;		/* LIMIT_S3_UPLOADS entries */
	size_t n;
	size_t base;			/* bytes of "bucket/" in kv keys */
};

static int gather_upload(void *arg, struct str key, struct str value)
{
	struct uploads *all = arg;
	char id[S3_UPLOAD_ID_SIZE];

	if (all->n == LIMIT_S3_UPLOADS)
		return 1;
	if (str_copy(str_from(key.p + all->base, key.len - all->base), id, sizeof(id)) < 0 ||
	    s3_upload_decode(value, id, &all->v[all->n]) < 0) {
		s3_upload_release(&all->v[all->n]);
		return -EIO;
	}
	all->n++;
	return 0;
}

/* S3's order: by key, then by when each began. */
static int entry_cmp(const void *a, const void *b)
{
	const struct s3_upload *x = a, *y = b;
	int c = str_cmp(x->key, y->key);

	if (c)
		return c;
	if (x->initiated_ms != y->initiated_ms)
		return x->initiated_ms < y->initiated_ms ? -1 : 1;
	return strcmp(x->id, y->id);
}

struct uploads_args {
	char prefix[LIMIT_S3_KEY_BYTES + 1], delimiter[LIMIT_S3_KEY_BYTES + 1];
	char key_marker[LIMIT_S3_KEY_BYTES + 1], id_marker[S3_UPLOAD_ID_SIZE];
	uint64_t max;
	bool url;
};

static int uploads_args(struct s3_ctx *x, struct uploads_args *a)
{
	static const struct {
		const char *name;
		size_t off, size;
	} text[] = {
		{ "prefix", offsetof(struct uploads_args, prefix), LIMIT_S3_KEY_BYTES + 1 },
		{ "delimiter", offsetof(struct uploads_args, delimiter), LIMIT_S3_KEY_BYTES + 1 },
		{ "key-marker", offsetof(struct uploads_args, key_marker), LIMIT_S3_KEY_BYTES + 1 },
		{ "upload-id-marker", offsetof(struct uploads_args, id_marker), S3_UPLOAD_ID_SIZE },
	};
	char enc[16];
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(text); i++) {
		char *out = (char *)a + text[i].off;

		if (str_form_get(x->req->query, text[i].name, out, text[i].size) < 0) {
			const char *f[] = { "ArgumentName", text[i].name, "ArgumentValue", "", NULL };

			return s3_fail(x, 400, "InvalidArgument", "The value is too long", f);
		}
	}
	a->max = LIMIT_S3_LIST_KEYS;
	if ((ret = count_param(x, "max-uploads", "maxUploads", LIMIT_S3_LIST_KEYS, &a->max)) < 0)
		return ret;
	ret = str_form_get(x->req->query, "encoding-type", enc, sizeof(enc));
	if (ret != 0 && (ret < 0 || strcmp(enc, "url"))) {
		const char *f[] = { "ArgumentName", "encoding-type", "ArgumentValue",
				    ret < 0 ? "" : enc, NULL };

		return s3_fail(x, 400, "InvalidArgument", "Invalid Encoding Method specified in Request",
			       f);
	}
	a->url = ret > 0;
	return 0;
}

/* The first entry past the markers. */
static size_t first_after(const struct uploads *all, const struct uploads_args *a)
{
	struct str km = str_c(a->key_marker);
	size_t i = 0;

	if (!km.len)
		return 0;
	while (i < all->n && str_cmp(all->v[i].key, km) < 0)
		i++;
	/* upload-id-marker counts only with key-marker, and only if it names one of its uploads. */
	for (size_t k = i; a->id_marker[0] && k < all->n && str_eq(all->v[k].key, km); k++)
		if (!strcmp(all->v[k].id, a->id_marker))
			return k + 1;
	while (i < all->n && str_eq(all->v[i].key, km))
		i++;
	return i;
}

struct uploads_page {
	struct buf items, prefixes;
	const struct s3_upload *last;	/* the last upload listed */
	char last_prefix[LIMIT_S3_KEY_BYTES + 1];
	size_t n;
	bool truncated;
};

static void add_upload(struct s3_ctx *x, struct uploads_page *pg, const struct s3_upload *u,
		       bool url)
{
	struct buf *b = &pg->items;
	char date[32];

	s3_iso_date(u->initiated_ms, date);
	xml_open(b, "Upload");
	s3_xml_name(b, "Key", u->key, url);
	xml_text(b, "UploadId", u->id);
	s3_upload_people(b, u, x->bucket.owner);
	xml_text(b, "StorageClass", "STANDARD");
	xml_text(b, "Initiated", date);
	checksum_of(b, u);
	xml_close(b, "Upload");
	pg->last = u;
}

/* Lists entries [from, n) into 'pg': uploads, and common prefixes counted once. */
static void page_uploads(struct s3_ctx *x, const struct uploads *all, size_t from,
			 const struct uploads_args *a, struct uploads_page *pg)
{
	size_t plen = strlen(a->prefix), dlen = strlen(a->delimiter);

	for (size_t i = from; i < all->n; i++) {
		struct str key = all->v[i].key;
		const char *d = dlen && key.len > plen ?
			memmem(key.p + plen, key.len - plen, a->delimiter, dlen) : NULL;
		struct str cp = d ? str_from(key.p, (size_t)(d - key.p) + dlen) : STR_EMPTY;

		if (!str_starts_with(key, str_c(a->prefix)) || (d && str_eq_c(cp, pg->last_prefix)))
			continue;
		if (pg->n == a->max) {
			pg->truncated = true;
			return;
		}
		pg->n++;
		if (!d) {
			add_upload(x, pg, &all->v[i], a->url);
			continue;
		}
		str_copy(cp, pg->last_prefix, sizeof(pg->last_prefix));
		xml_open(&pg->prefixes, "CommonPrefixes");
		s3_xml_name(&pg->prefixes, "Prefix", cp, a->url);
		xml_close(&pg->prefixes, "CommonPrefixes");
	}
}

static void uploads_doc(struct s3_ctx *x, const struct uploads_args *a,
			const struct uploads_page *pg)
{
	struct buf *b = &x->resp->body;

	s3_doc_begin(x, "ListMultipartUploadsResult");
	xml_text(b, "Bucket", x->c->bucket);
	s3_xml_name(b, "KeyMarker", str_c(a->key_marker), a->url);
	xml_text(b, "UploadIdMarker", a->id_marker);
	s3_xml_name(b, "NextKeyMarker", pg->last ? pg->last->key : STR_EMPTY, a->url);
	if (a->prefix[0])
		s3_xml_name(b, "Prefix", str_c(a->prefix), a->url);
	if (a->delimiter[0])
		s3_xml_name(b, "Delimiter", str_c(a->delimiter), a->url);
	xml_text(b, "NextUploadIdMarker", pg->last ? pg->last->id : "");
	xml_u64(b, "MaxUploads", a->max);
	xml_bool(b, "IsTruncated", pg->truncated);
	buf_addstr(b, buf_str(&pg->items));
	buf_addstr(b, buf_str(&pg->prefixes));
	if (a->url)
		xml_text(b, "EncodingType", "url");
	xml_close(b, "ListMultipartUploadsResult");
}

int s3_list_uploads(struct s3_ctx *x)
{
	struct uploads_args *a = xcalloc(1, sizeof(*a));
	struct uploads all = { .v = xcalloc(LIMIT_S3_UPLOADS, sizeof(*all.v)) };
	struct uploads_page pg = { .n = 0 };
	char prefix[S3_BUCKET_SIZE + 1];
	int ret;

	if ((ret = s3_ctx_bucket(x)) < 0 || (ret = uploads_args(x, a)) < 0)
		goto out;
	str_concat(prefix, sizeof(prefix), x->c->bucket, "/", NULL);
	all.base = strlen(prefix);
	if (kv_scan(x->kv, S3_SPACE_UPLOAD, str_c(prefix), STR_EMPTY, gather_upload, &all) < 0) {
		ret = internal_error(x);
		goto out;
	}
	qsort(all.v, all.n, sizeof(*all.v), entry_cmp);
	buf_init(&pg.items, LIMIT_HTTP_RESPONSE_BYTES);
	buf_init(&pg.prefixes, LIMIT_HTTP_RESPONSE_BYTES);
	page_uploads(x, &all, first_after(&all, a), a, &pg);
	uploads_doc(x, a, &pg);
	buf_release(&pg.items);
	buf_release(&pg.prefixes);
out:
	for (size_t i = 0; i < all.n; i++)
		s3_upload_release(&all.v[i]);
	free(all.v);
	free(a);
	return ret;
}
