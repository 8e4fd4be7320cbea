/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "svc/s3_record.h"

void s3_record_encode(const struct s3_record *r, struct buf *out)
{
	buf_addf(out, "size %llu\nmtime %lld\netag %s\n", (unsigned long long)r->size,
		 (long long)r->mtime_ms, r->etag);
	if (r->sum >= 0)
		buf_addf(out, "sum %s %s\n", s3_sum_name((enum s3_sum)r->sum), r->sum_value);
	if (r->parts.len) {
		buf_adds(out, "parts ");
		buf_addstr(out, r->parts);
		buf_addc(out, '\n');
	}
	for (size_t i = 0; i < r->n_headers; i++) {
		buf_adds(out, "h ");
		buf_addstr(out, r->headers[i].name);
		buf_addc(out, ' ');
		buf_addstr(out, r->headers[i].value);
		buf_addc(out, '\n');
	}
}

/* The next run of a "parts" value: its size and count; false at its end (or on a bad one). */
static bool next_run(struct str *rest, uint64_t *size, uint64_t *count)
{
	struct str run, n;

	if (!rest->len)
		return false;
	if (!str_cut(rest, ' ', &run)) {
		run = *rest;
		*rest = STR_EMPTY;
	}
	n = run;
	return str_cut(&n, 'x', &run) &&
	       str_to_u64(run, LIMIT_S3_MULTIPART_OBJECT_BYTES, size) == 0 &&
	       str_to_u64(n, LIMIT_S3_PARTS, count) == 0 && *count > 0;
}

int s3_record_part(const struct s3_record *r, uint64_t n, uint64_t *from, uint64_t *size,
		   uint64_t *count)
{
	struct str rest = r->parts;
	uint64_t run, k, at = 0, seen = 0;
	bool found = false;

	if (!rest.len)
		return -ENOENT;
	while (next_run(&rest, &run, &k)) {
		if (!found && n > seen && n <= seen + k) {
			*from = at + (n - seen - 1) * run;
			*size = run;
			found = true;
		}
		at += run * k;
		seen += k;
	}
	*count = seen;
	return found ? 0 : -ERANGE;
}

const char *s3_record_sum_type(const struct s3_record *r)
{
	return strchr(r->sum_value, '-') ? "COMPOSITE" : "FULL_OBJECT";
}

/* An MD5 in hex, followed by "-N" (1 <= N <= LIMIT_S3_PARTS) for a multipart object. */
static int decode_etag(struct str v, char out[static S3_ETAG_SIZE])
{
	struct str parts = v, md5 = v;
	uint64_t n;

	if (str_cut(&parts, '-', &md5) && (str_to_u64(parts, LIMIT_S3_PARTS, &n) < 0 || n == 0))
		return -EIO;
	if (md5.len != 32)
		return -EIO;
	for (size_t i = 0; i < md5.len; i++)
		if (str_hex_digit(md5.p[i]) < 0)
			return -EIO;
	return str_copy(v, out, S3_ETAG_SIZE) < 0 ? -EIO : 0;
}

static int decode_field(struct str field, struct str v, struct s3_record *r)
{
	struct str name;
	uint64_t n;

	if (str_eq_c(field, "size"))
		return str_to_u64(v, LIMIT_S3_MULTIPART_OBJECT_BYTES, &r->size);
	if (str_eq_c(field, "mtime")) {
		if (str_to_u64(v, INT64_MAX, &n) < 0)
			return -EIO;
		r->mtime_ms = (int64_t)n;
		return 0;
	}
	if (str_eq_c(field, "etag"))
		return decode_etag(v, r->etag);
	if (str_eq_c(field, "parts")) {
		struct str rest = v;
		uint64_t size, count;

		if (!rest.len)
			return -EIO;
		while (rest.len)
			if (!next_run(&rest, &size, &count))
				return -EIO;
		r->parts = v;
		return 0;
	}
	if (!str_cut(&v, ' ', &name))
		return -EIO;
	if (str_eq_c(field, "sum")) {
		r->sum = s3_sum_by_name(name);
		return r->sum < 0 ? -EIO : str_copy(v, r->sum_value, sizeof(r->sum_value));
	}
	if (!str_eq_c(field, "h") || r->n_headers == S3_RECORD_HEADERS)
		return -EIO;
	r->headers[r->n_headers].name = name;
	r->headers[r->n_headers++].value = v;
	return 0;
}

int s3_record_decode(struct str text, struct s3_record *r)
{
	struct str rest = text, line, field;

	memset(r, 0, sizeof(*r));
	r->sum = -1;
	while (rest.len) {
		if (!str_cut(&rest, '\n', &line))
			return -EIO;
		if (!str_cut(&line, ' ', &field) || decode_field(field, line, r) < 0)
			return -EIO;
	}
	return r->etag[0] ? 0 : -EIO;
}
