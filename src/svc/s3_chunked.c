/* SPDX-License-Identifier: MIT */
/*
 * The aws-chunked body decoder: chunks, each with its signature when the
 * upload is signed, the empty final chunk, then the trailing headers. Every
 * length is checked against what is left before it is used, and the loops
 * are bounded by the body and by LIMIT_S3_CHUNKS.
 */
#include "compat.h"
#include "svc/s3_internal.h"

#define SIG_EXT "chunk-signature="
#define SIG_HEX 64
#define TRAILER_LINES 4
#define TRUNCATED "The request body terminated unexpectedly"
#define BAD_ENCODING "The aws-chunked body is not well formed"

/* Takes the next line, without its CRLF, off 'rest'; false when there is none. */
static bool take_line(struct str *rest, size_t max, struct str *line)
{
	size_t lim = MIN(rest->len, max + 2);

	for (size_t i = 0; i + 1 < lim; i++) {
		if (rest->p[i] == '\r' && rest->p[i + 1] == '\n') {
			*line = str_from(rest->p, i);
			rest->p += i + 2;
			rest->len -= i + 2;
			return true;
		}
	}
	return false;
}

static bool is_sig(struct str s)
{
	if (s.len != SIG_HEX)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (str_hex_digit(s.p[i]) < 0)
			return false;
	return true;
}

/* Parses "HEX[;chunk-signature=SIG]" into its size and signature. */
static int chunk_header(struct str line, bool signed_chunks, size_t *size, struct str *sig,
			struct err *e)
{
	struct str ext = line, hex;
	size_t v = 0;

	if (!str_cut(&ext, ';', &hex)) {
		hex = line;
		ext = STR_EMPTY;
	} else if (!str_starts_with(ext, STR_LIT(SIG_EXT))) {
		return err_fail(e, "InvalidRequest", BAD_ENCODING);
	}
	if (!hex.len || hex.len > 8)
		return err_fail(e, "InvalidRequest", BAD_ENCODING);
	for (size_t i = 0; i < hex.len; i++) {
		int d = str_hex_digit(hex.p[i]);

		if (d < 0)
			return err_fail(e, "InvalidRequest", BAD_ENCODING);
		v = v << 4 | (size_t)d;
	}
	*size = v;
	*sig = ext.len ? str_from(ext.p + strlen(SIG_EXT), ext.len - strlen(SIG_EXT)) : STR_EMPTY;
	if (signed_chunks != (ext.len > 0) || (ext.len && !is_sig(*sig)))
		return err_fail(e, "SignatureDoesNotMatch",
				"The request signature we calculated does not match the signature you "
				"provided. Check your key and signing method.");
	return 0;
}

static int bad_signature(struct err *e)
{
	return err_fail(e, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided. "
			"Check your key and signing method.");
}

static int read_chunks(struct str *rest, bool signed_chunks, size_t max, s3_sig_fn *verify,
		       void *arg, struct buf *out, struct s3_chunked *info, struct err *e)
{
	for (;;) {
		struct str line, sig, data;
		size_t size = 0;
		int ret;

		if (info->chunks == LIMIT_S3_CHUNKS)
			return err_fail(e, "InvalidRequest", "The upload has too many chunks");
		if (!take_line(rest, 16 + strlen(SIG_EXT) + SIG_HEX, &line))
			return err_fail(e, "IncompleteBody", TRUNCATED);
		if ((ret = chunk_header(line, signed_chunks, &size, &sig, e)) < 0)
			return ret;
		if (size > rest->len)
			return err_fail(e, "IncompleteBody", TRUNCATED);
		if (size > max - out->len)
			return err_fail(e, "EntityTooLarge",
					"Your proposed upload exceeds the maximum allowed size");
		data = str_from(rest->p, size);
		rest->p += size;
		rest->len -= size;
		if (signed_chunks && verify(arg, S3_SIG_CHUNK, data, sig) < 0)
			return bad_signature(e);
		buf_add(out, data.p, data.len);
		if (out->err)
			return err_fail(e, "EntityTooLarge",
					"Your proposed upload exceeds the maximum allowed size");
		info->chunks++;
		if (!size)
			return 0;
		if (!take_line(rest, 0, &line))
			return err_fail(e, rest->len < 2 ? "IncompleteBody" : "InvalidRequest",
					rest->len < 2 ? TRUNCATED : BAD_ENCODING);
	}
}

/* Checks the trailing checksum, when it is one, against the payload. */
static int check_trailer_sum(const struct s3_chunked *info, struct str payload, struct err *e)
{
	int s = s3_sum_by_header(str_c(info->trailer_name));
	char want[S3_SUM_B64_SIZE];

	if (s < 0)
		return 0;
	if (!s3_sum_valid((enum s3_sum)s, str_c(info->trailer_value)))
		return err_fail(e, "InvalidRequest", "Value for %s trailing header is invalid.",
				info->trailer_name);
	s3_sum_compute((enum s3_sum)s, payload, want);
	if (strcmp(want, info->trailer_value))
		return err_fail(e, "BadDigest",
				"The %s you specified did not match the calculated checksum.",
				s3_sum_name((enum s3_sum)s));
	return 0;
}

static int read_trailers(struct str *rest, bool signed_chunks, const char *trailer,
			 s3_sig_fn *verify, void *arg, struct s3_chunked *info, struct err *e)
{
	char canon[sizeof(info->trailer_name) + sizeof(info->trailer_value) + 2] = "";
	bool signature_seen = false;
	struct str line;

	for (size_t n = 0;; n++) {
		struct str name, value;

		if (n > TRAILER_LINES)
			return err_fail(e, "InvalidRequest", BAD_ENCODING);
		if (!take_line(rest, 256, &line))
			return err_fail(e, "IncompleteBody", TRUNCATED);
		if (!line.len)
			break;
		value = line;
		if (!str_cut(&value, ':', &name) || signature_seen)
			return err_fail(e, "InvalidRequest", BAD_ENCODING);
		value = str_trim(value);
		if (signed_chunks && str_eq_nocase(name, STR_LIT("x-amz-trailer-signature"))) {
			if (!is_sig(value) || !canon[0] ||
			    verify(arg, S3_SIG_TRAILER, str_c(canon), value) < 0)
				return bad_signature(e);
			signature_seen = true;
			continue;
		}
		if (info->trailer_name[0] || !str_eq_nocase(name, str_c(trailer)) ||
		    str_copy(value, info->trailer_value, sizeof(info->trailer_value)) < 0)
			return err_fail(e, "InvalidRequest", BAD_ENCODING);
		for (size_t i = 0; i < name.len && i + 1 < sizeof(info->trailer_name); i++)
			info->trailer_name[i] = str_ascii_lower(name.p[i]);
		str_concat(canon, sizeof(canon), info->trailer_name, ":", info->trailer_value, "\n",
			   NULL);
	}
	if (signed_chunks && info->trailer_name[0] && !signature_seen)
		return bad_signature(e);
	if (trailer[0] && !info->trailer_name[0])
		return err_fail(e, "InvalidRequest",
				"The trailing header %s named by x-amz-trailer was not sent", trailer);
	return 0;
}

int s3_chunked_decode(struct str body, bool signed_chunks, const char *trailer, size_t max,
		      s3_sig_fn *verify, void *arg, struct buf *out, struct s3_chunked *info,
		      struct err *e)
{
	struct str rest = body;
	size_t start = out->len;
	int ret;

	memset(info, 0, sizeof(*info));
	trailer = trailer ? trailer : "";
	if (signed_chunks && !verify)
		return bad_signature(e);
	if (max < start)
		return err_fail(e, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
	ret = read_chunks(&rest, signed_chunks, max, verify, arg, out, info, e);
	if (!ret)
		ret = read_trailers(&rest, signed_chunks, trailer, verify, arg, info, e);
	if (!ret && rest.len)
		ret = err_fail(e, "InvalidRequest", BAD_ENCODING);
	if (!ret)
		ret = check_trailer_sum(info, str_from(out->p + start, out->len - start), e);
	return ret;
}
