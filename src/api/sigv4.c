/* SPDX-License-Identifier: MIT */
/*
 * SigV4 as AWS documents it ("Create a signed AWS API request") and as
 * botocore signs it: canonical request, string to sign, HMAC key chain.
 * Memory is bounded: the canonical request by LIMIT_SIGV4_CANONICAL_BYTES, the
 * query-string sort by LIMIT_QUERY_PARAMS; the rest lives on the stack.
 */
#include "compat.h"
#include "api/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "base/buf.h"
#include "base/xalloc.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define TERMINATOR "aws4_request"
#define HASH_LEN 32			/* SHA-256 */
#define HEX_LEN (2 * HASH_LEN)


/*
 * EC2's messages, as seen in its responses: AuthFailure (401) and
 * RequestExpired (400) in SDK reports; MissingParameter (400) when a request
 * carries no credentials at all, from a captured EC2 DescribeInstances reply.
 */
#define MSG_AUTH_FAILURE "AWS was not able to validate the provided access credentials"
#define MSG_EXPIRED "Request has expired."
#define MSG_NO_KEY "The request must contain the parameter AWSAccessKeyId"

enum {
	QP_ALGORITHM,
	QP_CREDENTIAL,
	QP_DATE,
	QP_EXPIRES,
	QP_SIGNED_HEADERS,
	QP_SIGNATURE,
	QP_SECURITY_TOKEN,
	QP_N
};

static const char *const qp_names[QP_N] = {
	[QP_ALGORITHM] = "X-Amz-Algorithm",
	[QP_CREDENTIAL] = "X-Amz-Credential",
	[QP_DATE] = "X-Amz-Date",
	[QP_EXPIRES] = "X-Amz-Expires",
	[QP_SIGNED_HEADERS] = "X-Amz-SignedHeaders",
	[QP_SIGNATURE] = "X-Amz-Signature",
	[QP_SECURITY_TOKEN] = "X-Amz-Security-Token",
};

/* The X-Amz-* parameters of a query, decoded. */
struct presign {
	struct str v[QP_N];
	unsigned n[QP_N];		/* occurrences; only the first is kept */
	char buf[QP_N][LIMIT_SIGV4_PARAM_BYTES];
};

struct qpair {
	struct str key, val;		/* encoded, into the sort buffer */
};

/* Keeps messages that quote input short; err.msg is 256 bytes anyway. */
static int clip(size_t len)
{
	return len > 120 ? 120 : (int)len;
}

static int fail_auth(struct err *e)
{
	return err_fail(e, "AuthFailure", MSG_AUTH_FAILURE);
}

static int fail_expired(struct err *e)
{
	return err_fail(e, "RequestExpired", MSG_EXPIRED);
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* RFC 3986 2.3 */
static bool is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit((char)c) ||
	       c == '-' || c == '_' || c == '.' || c == '~';
}

/* An RFC 9110 token character, lowercase letters only. */
static bool is_lower_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || is_digit((char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static void add_pct(struct buf *b, unsigned char c)
{
	static const char digits[] = "0123456789ABCDEF";
	char esc[3] = { '%', digits[c >> 4], digits[c & 15] };

	buf_add(b, esc, sizeof(esc));
}

/* URI-encodes 's' with the unreserved set left alone (AWS's UriEncode). */
static void add_encoded(struct buf *b, struct str s)
{
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (is_unreserved(c))
			buf_addc(b, (char)c);
		else
			add_pct(b, c);
	}
}

/*
 * Reads one %-escape or plain byte of 's' at '*i' into '*c'. Returns 0,
 * -EILSEQ for a non-hex digit, or -EBADMSG for a truncated escape.
 */
static int pct_byte(struct str s, size_t *i, unsigned char *c)
{
	int hi, lo;

	if (s.p[*i] != '%') {
		*c = (unsigned char)s.p[(*i)++];
		return 0;
	}
	if (s.len - *i < 3)
		return -EBADMSG;
	hi = str_hex_digit(s.p[*i + 1]);
	lo = str_hex_digit(s.p[*i + 2]);
	if (hi < 0 || lo < 0)
		return -EILSEQ;
	*c = (unsigned char)(hi << 4 | lo);
	*i += 3;
	return 0;
}

/* Decodes 's' into 'dst' of 'size' bytes; -ENOSPC if it does not fit. */
static int pct_decode(struct str s, char *dst, size_t size, struct str *out)
{
	size_t i = 0, n = 0;
	unsigned char c;
	int ret;

	while (i < s.len) {
		ret = pct_byte(s, &i, &c);
		if (ret < 0)
			return ret;
		if (n == size)
			return -ENOSPC;
		dst[n++] = (char)c;
	}
	*out = str_from(dst, n);
	return 0;
}

/* Decodes 's' and appends it encoded the canonical way. */
static int pct_recode(struct buf *b, struct str s)
{
	size_t i = 0;
	unsigned char c;
	int ret;

	while (i < s.len) {
		ret = pct_byte(s, &i, &c);
		if (ret < 0)
			return ret;
		if (is_unreserved(c))
			buf_addc(b, (char)c);
		else
			add_pct(b, c);
	}
	return 0;
}

static int fail_escape(struct err *e, int ret)
{
	if (ret == -EILSEQ)
		return err_fail(e, "MalformedQueryString",
				"Illegal hex character in escape %% pattern");
	return err_fail(e, "MalformedQueryString", "Incomplete trailing escape %% sequence");
}

/*
 * Splits the next non-empty 'key=value' component off the query 'q'; a
 * component without '=' has an empty value. Returns false at the end.
 */
static bool next_pair(struct str *q, struct str *key, struct str *val)
{
	struct str comp;

	while (q->len) {
		if (!str_cut(q, '&', &comp)) {
			comp = *q;
			*q = str_from(q->p + q->len, 0);
		}
		if (!comp.len)
			continue;
		if (str_cut(&comp, '=', key)) {
			*val = comp;
		} else {
			*key = comp;
			*val = STR_EMPTY;
		}
		return true;
	}
	return false;
}

/* Splits the next token off 's' at commas and white space. */
static bool next_token(struct str *s, struct str *tok)
{
	size_t i = 0, j;

	while (i < s->len && (s->p[i] == ',' || is_ws(s->p[i])))
		i++;
	j = i;
	while (j < s->len && s->p[j] != ',' && !is_ws(s->p[j]))
		j++;
	*tok = str_from(s->p + i, j - i);
	*s = str_from(s->p + j, s->len - j);
	return tok->len > 0;
}

/* Parses 'keyid/date/region/service/aws4_request'. */
static int scope_parse(struct str cred, struct sigv4_auth *out, struct err *e)
{
	struct str part[5], s = cred, head;
	size_t n = 0;

	while (str_cut(&s, '/', &head)) {
		if (n == 4)
			goto bad_count;
		part[n++] = head;
	}
	if (n != 4)
		goto bad_count;
	part[4] = s;
	if (!str_eq_c(part[4], TERMINATOR))
		return err_fail(e, "IncompleteSignature",
				"Credential should be scoped with a valid terminator: '"
				TERMINATOR "', not '%.*s'.", clip(part[4].len), part[4].p);
	if (part[1].len != 8)
		goto bad_date;
	for (size_t i = 0; i < 8; i++)
		if (!is_digit(part[1].p[i]))
			goto bad_date;
	if (!part[0].len || !part[2].len || !part[3].len)
		return err_fail(e, "IncompleteSignature",
				"Credential has an empty element: '%.*s'", clip(cred.len), cred.p);
	out->access_key = part[0];
	out->date = part[1];
	out->region = part[2];
	out->service = part[3];
	return 0;
bad_count:
	return err_fail(e, "IncompleteSignature",
			"Credential must have exactly 5 slash-delimited elements, "
			"e.g. keyid/date/region/service/term, got '%.*s'", clip(cred.len), cred.p);
bad_date:
	return err_fail(e, "IncompleteSignature",
			"Credential should be scoped to a valid date, not '%.*s'",
			clip(part[1].len), part[1].p);
}

static int signed_headers_parse(struct str list, struct sigv4_auth *out, struct err *e)
{
	struct str s = list, name;
	bool more = true;
	size_t n = 0;

	while (more) {
		if (!str_cut(&s, ';', &name)) {
			name = s;
			more = false;
		}
		if (n == LIMIT_SIGV4_SIGNED_HEADERS)
			return err_fail(e, "IncompleteSignature",
					"SignedHeaders names more than %d headers",
					LIMIT_SIGV4_SIGNED_HEADERS);
		if (!name.len)
			goto bad;
		for (size_t i = 0; i < name.len; i++)
			if (!is_lower_tchar((unsigned char)name.p[i]))
				goto bad;
		if (n && str_cmp(out->signed_headers[n - 1], name) >= 0)
			goto bad;
		out->signed_headers[n++] = name;
	}
	out->n_signed_headers = n;
	return 0;
bad:
	return err_fail(e, "IncompleteSignature",
			"SignedHeaders must be a sorted, ';'-separated list of lowercase "
			"header names, got '%.*s'", clip(list.len), list.p);
}

static int signature_parse(struct str sig, struct sigv4_auth *out, struct err *e)
{
	bool ok = sig.len == HEX_LEN;

	for (size_t i = 0; ok && i < sig.len; i++)
		ok = str_hex_digit(sig.p[i]) >= 0;
	if (!ok)
		return err_fail(e, "IncompleteSignature",
				"Signature must be %d hexadecimal digits, got '%.*s'",
				HEX_LEN, clip(sig.len), sig.p);
	out->signature = sig;
	return 0;
}

static void auth_init(struct sigv4_auth *a)
{
	*a = (struct sigv4_auth){ .access_key = STR_EMPTY, .date = STR_EMPTY,
				  .region = STR_EMPTY, .service = STR_EMPTY,
				  .signature = STR_EMPTY };
}

#define REQUIRES(what) "Authorization header requires '" what "' parameter. "

static int auth_parse(struct str value, struct sigv4_auth *out, struct err *e)
{
	struct str s = str_trim(value), tok, key, cred = STR_EMPTY, list = STR_EMPTY;
	struct str sig = STR_EMPTY;
	bool have_cred = false, have_list = false, have_sig = false;
	int ret;

	auth_init(out);
	if (!next_token(&s, &tok) || !str_eq_c(tok, ALGORITHM))
		return err_fail(e, "IncompleteSignature", "Unsupported AWS 'algorithm': '%.*s'",
				clip(tok.len), tok.p);
	while (next_token(&s, &tok)) {
		if (!str_cut(&tok, '=', &key))
			return err_fail(e, "IncompleteSignature",
					"'%.*s' not a valid key=value pair (missing equal-sign) "
					"in Authorization header: '%.*s'.",
					clip(tok.len), tok.p, clip(value.len), value.p);
		if (str_eq_c(key, "Credential") && !have_cred) {
			cred = tok;
			have_cred = true;
		} else if (str_eq_c(key, "SignedHeaders") && !have_list) {
			list = tok;
			have_list = true;
		} else if (str_eq_c(key, "Signature") && !have_sig) {
			sig = tok;
			have_sig = true;
		} else if (str_eq_c(key, "Credential") || str_eq_c(key, "SignedHeaders") ||
			   str_eq_c(key, "Signature")) {
			return err_fail(e, "IncompleteSignature",
					"Authorization header has '%.*s' twice",
					clip(key.len), key.p);
		}
	}
	if (!have_cred || !have_sig || !have_list)
		return err_fail(e, "IncompleteSignature", "%s%s%sAuthorization=%.*s",
				have_cred ? "" : REQUIRES("Credential"),
				have_sig ? "" : REQUIRES("Signature"),
				have_list ? "" : REQUIRES("SignedHeaders"),
				clip(value.len), value.p);
	ret = scope_parse(cred, out, e);
	if (ret < 0)
		return ret;
	ret = signed_headers_parse(list, out, e);
	if (ret < 0)
		return ret;
	return signature_parse(sig, out, e);
}

int sigv4_parse_authorization(struct str value, struct sigv4_auth *out)
{
	return auth_parse(value, out, NULL) < 0 ? -EBADMSG : 0;
}

/* Reads 'n' decimal digits of 's' at 'at'; the caller checked they exist. */
static unsigned dec(struct str s, size_t at, size_t n)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s.p[at + i] - '0');
	return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, 'y' >= 0. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int sigv4_parse_date(struct str s, int64_t *out)
{
	static const unsigned mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned y, mo, d, h, mi, sec;

	if (s.len != 16 || s.p[8] != 'T' || s.p[15] != 'Z')
		return -EINVAL;
	for (size_t i = 0; i < 15; i++)
		if (i != 8 && !is_digit(s.p[i]))
			return -EINVAL;
	y = dec(s, 0, 4);
	mo = dec(s, 4, 2);
	d = dec(s, 6, 2);
	h = dec(s, 9, 2);
	mi = dec(s, 11, 2);
	sec = dec(s, 13, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 59)
		return -EINVAL;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -EINVAL;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

static size_t header_find(const struct sigv4_req *req, const char *lname, struct str *value)
{
	struct str name = str_c(lname);
	size_t n = 0;

	for (size_t i = 0; i < req->n_headers; i++) {
		if (!str_eq_nocase(req->headers[i].name, name))
			continue;
		if (!n)
			*value = req->headers[i].value;
		n++;
	}
	return n;
}

static bool signed_has(const struct sigv4_auth *auth, const char *name)
{
	for (size_t i = 0; i < auth->n_signed_headers; i++)
		if (str_eq_c(auth->signed_headers[i], name))
			return true;
	return false;
}

/* Collects the X-Amz-* parameters of 'query' into 'ps'. */
static int presign_scan(struct str query, struct presign *ps, struct err *e)
{
	struct str q = query, key, val, k;
	char kbuf[32];
	size_t count = 0;
	int ret;

	memset(ps->n, 0, sizeof(ps->n));
	while (next_pair(&q, &key, &val)) {
		if (++count > LIMIT_QUERY_PARAMS)
			return err_fail(e, "MalformedQueryString",
					"The query string has more than %d parameters",
					LIMIT_QUERY_PARAMS);
		ret = pct_decode(key, kbuf, sizeof(kbuf), &k);
		if (ret == -ENOSPC)
			continue;
		if (ret < 0)
			return fail_escape(e, ret);
		for (size_t i = 0; i < QP_N; i++) {
			if (!str_eq_c(k, qp_names[i]) || ps->n[i]++)
				continue;
			ret = pct_decode(val, ps->buf[i], sizeof(ps->buf[i]), &ps->v[i]);
			if (ret == -ENOSPC)
				return err_fail(e, "IncompleteSignature", "%s is too long",
						qp_names[i]);
			if (ret < 0)
				return fail_escape(e, ret);
		}
	}
	return 0;
}

/* Checks the time window: 'now' in [t - skew, t + 'window']. */
static int time_check(int64_t t, int64_t now, int64_t window, struct err *e)
{
	if (now < t - LIMIT_SIGV4_SKEW_SECONDS || now > t + window)
		return fail_expired(e);
	return 0;
}

/* Checks what every form needs once parsed: 'host' signed, scope date. */
static int auth_check(const struct sigv4_auth *auth, struct str amz_date, struct err *e)
{
	if (!signed_has(auth, "host"))
		return err_fail(e, "IncompleteSignature", "'Host' or ':authority' must be "
				"a 'SignedHeader' in the AWS Authorization.");
	if (!str_eq(auth->date, str_from(amz_date.p, 8)))
		return fail_auth(e);
	return 0;
}

static int header_auth(const struct sigv4_req *req, struct str value, int64_t now,
		       struct sigv4_auth *auth, struct str *amz_date, struct err *e)
{
	int64_t t;
	size_t n;
	int ret;

	ret = auth_parse(value, auth, e);
	if (ret < 0)
		return ret;
	n = header_find(req, "x-amz-date", amz_date);
	if (!n)
		return err_fail(e, "IncompleteSignature",
				"Authorization header requires existence of either a 'X-Amz-Date' "
				"or a 'Date' header. Authorization=%.*s", clip(value.len), value.p);
	if (n > 1)
		return err_fail(e, "IncompleteSignature", "X-Amz-Date header appears %zu times", n);
	*amz_date = str_trim(*amz_date);
	if (sigv4_parse_date(*amz_date, &t) < 0)
		return err_fail(e, "IncompleteSignature",
				"Date must be in ISO-8601 'basic format'. Got '%.*s'. "
				"See http://en.wikipedia.org/wiki/ISO_8601",
				clip(amz_date->len), amz_date->p);
	if (!signed_has(auth, "x-amz-date"))
		return err_fail(e, "IncompleteSignature",
				"'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
	ret = auth_check(auth, *amz_date, e);
	if (ret < 0)
		return ret;
	return time_check(t, now, LIMIT_SIGV4_SKEW_SECONDS, e);
}

static int query_auth(struct presign *ps, int64_t now, struct sigv4_auth *auth,
		      struct str *amz_date, struct err *e)
{
	static const int required[] = { QP_ALGORITHM, QP_CREDENTIAL, QP_DATE,
					QP_SIGNED_HEADERS, QP_SIGNATURE };
	uint64_t expires = LIMIT_SIGV4_SKEW_SECONDS;
	char missing[200] = "";
	size_t len = 0;
	int64_t t;
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(required); i++) {
		if (ps->n[required[i]])
			continue;
		len += (size_t)snprintf(missing + len, sizeof(missing) - len,
					"AWS query-string parameters must include '%s'. ",
					qp_names[required[i]]);
		if (len >= sizeof(missing))
			len = sizeof(missing) - 1;
	}
	if (len)
		return err_fail(e, "IncompleteSignature",
				"%sRe-examine the query-string parameters.", missing);
	for (size_t i = 0; i < QP_N; i++)
		if (ps->n[i] > 1)
			return err_fail(e, "IncompleteSignature",
					"%s appears %u times in the query string",
					qp_names[i], ps->n[i]);
	if (!str_eq_c(ps->v[QP_ALGORITHM], ALGORITHM))
		return err_fail(e, "IncompleteSignature", "Unsupported AWS 'algorithm': '%.*s'",
				clip(ps->v[QP_ALGORITHM].len), ps->v[QP_ALGORITHM].p);
	auth_init(auth);
	ret = scope_parse(ps->v[QP_CREDENTIAL], auth, e);
	if (ret < 0)
		return ret;
	ret = signed_headers_parse(ps->v[QP_SIGNED_HEADERS], auth, e);
	if (ret < 0)
		return ret;
	ret = signature_parse(ps->v[QP_SIGNATURE], auth, e);
	if (ret < 0)
		return ret;
	*amz_date = ps->v[QP_DATE];
	if (sigv4_parse_date(*amz_date, &t) < 0)
		return err_fail(e, "IncompleteSignature",
				"X-Amz-Date must be in the ISO8601 Long Format "
				"\"yyyyMMdd'T'HHmmss'Z'\"");
	if (ps->n[QP_EXPIRES] &&
	    str_to_u64(ps->v[QP_EXPIRES], LIMIT_SIGV4_EXPIRES_SECONDS, &expires) < 0)
		return err_fail(e, "IncompleteSignature",
				"X-Amz-Expires must be a number of seconds from 0 to %d",
				LIMIT_SIGV4_EXPIRES_SECONDS);
	ret = auth_check(auth, *amz_date, e);
	if (ret < 0)
		return ret;
	return time_check(t, now, (int64_t)expires, e);
}

/* RFC 3986 5.2.4 dot-segment removal plus empty-segment removal, as botocore. */
static void canonical_uri(struct buf *b, struct str path)
{
	struct str s = path, seg;
	size_t start = b->len, nseg = 0;
	bool rooted = path.len && path.p[0] == '/', more = true;

	if (!path.len) {
		buf_addc(b, '/');
		return;
	}
	while (more) {
		if (!str_cut(&s, '/', &seg)) {
			seg = s;
			more = false;
		}
		if (!seg.len || str_eq_c(seg, "."))
			continue;
		if (str_eq_c(seg, "..")) {
			size_t i = b->len;

			if (!nseg)
				continue;
			while (i > start && b->p[i - 1] != '/')
				i--;
			buf_truncate(b, i > start ? i - 1 : start);
			nseg--;
			continue;
		}
		if (rooted || nseg)
			buf_addc(b, '/');
		add_encoded(b, seg);
		nseg++;
	}
	if (!nseg && rooted)
		buf_addc(b, '/');
	else if (nseg && path.p[path.len - 1] == '/')
		buf_addc(b, '/');
}

static int qpair_cmp(const void *a, const void *b)
{
	const struct qpair *x = a, *y = b;
	int c = str_cmp(x->key, y->key);

	return c ? c : str_cmp(x->val, y->val);
}

/*
 * Appends the canonical query: each key and value decoded, re-encoded,
 * sorted by key then value. X-Amz-Signature is left out of a presigned one.
 */
static int canonical_query(struct buf *b, struct str query, bool presigned, struct err *e)
{
	struct str q = query, key, val;
	struct qpair *pairs;
	size_t *offs;
	struct buf enc;
	size_t n = 0, i = 0;
	bool first = true;
	int ret = 0;

	while (next_pair(&q, &key, &val))
		if (++n > LIMIT_QUERY_PARAMS)
			return err_fail(e, "MalformedQueryString",
					"The query string has more than %d parameters",
					LIMIT_QUERY_PARAMS);
	if (!n)
		return 0;
	pairs = xcalloc(n, sizeof(*pairs));
	offs = xcalloc(2 * n + 1, sizeof(*offs));
	buf_init(&enc, 3 * query.len);
	q = query;
	while (next_pair(&q, &key, &val)) {
		offs[2 * i] = enc.len;
		ret = pct_recode(&enc, key);
		if (ret < 0)
			break;
		offs[2 * i + 1] = enc.len;
		ret = pct_recode(&enc, val);
		if (ret < 0)
			break;
		i++;
	}
	if (ret < 0) {
		ret = fail_escape(e, ret);
		goto out;
	}
	if (enc.err) {
		ret = fail_auth(e);
		goto out;
	}
	offs[2 * n] = enc.len;
	for (i = 0; i < n; i++) {
		pairs[i].key = str_from(enc.p + offs[2 * i], offs[2 * i + 1] - offs[2 * i]);
		pairs[i].val = str_from(enc.p + offs[2 * i + 1], offs[2 * i + 2] - offs[2 * i + 1]);
	}
	qsort(pairs, n, sizeof(*pairs), qpair_cmp);
	for (i = 0; i < n; i++) {
		if (presigned && str_eq_c(pairs[i].key, qp_names[QP_SIGNATURE]))
			continue;
		if (!first)
			buf_addc(b, '&');
		buf_addstr(b, pairs[i].key);
		buf_addc(b, '=');
		buf_addstr(b, pairs[i].val);
		first = false;
	}
out:
	buf_release(&enc);
	free(offs);
	free(pairs);
	return ret;
}

/* Appends 'v' trimmed, with each run of white space made one space. */
static void add_trimall(struct buf *b, struct str v)
{
	bool space = false, started = false;

	for (size_t i = 0; i < v.len; i++) {
		if (is_ws(v.p[i])) {
			space = started;
			continue;
		}
		if (space)
			buf_addc(b, ' ');
		buf_addc(b, v.p[i]);
		space = false;
		started = true;
	}
}

/* Appends 'name:value\n' per signed header; repeated fields join with ','. */
static int canonical_headers(struct buf *b, const struct sigv4_req *req,
			     const struct sigv4_auth *auth, struct err *e)
{
	for (size_t i = 0; i < auth->n_signed_headers; i++) {
		struct str name = auth->signed_headers[i];
		bool found = false;

		buf_addstr(b, name);
		buf_addc(b, ':');
		for (size_t j = 0; j < req->n_headers; j++) {
			if (!str_eq_nocase(req->headers[j].name, name))
				continue;
			if (found)
				buf_addc(b, ',');
			add_trimall(b, req->headers[j].value);
			found = true;
		}
		if (!found)
			return fail_auth(e);
		buf_addc(b, '\n');
	}
	return 0;
}

/*
 * Appends the payload hash: the body's SHA-256, or the X-Amz-Content-Sha256
 * value the client signed with, which must then be that same hash. EC2
 * parameters travel in the body, so UNSIGNED-PAYLOAD passes only without one.
 */
static int payload_hash(struct buf *b, const struct sigv4_req *req, bool presigned, struct err *e)
{
	unsigned char md[HASH_LEN];
	char hex[HEX_LEN + 1];
	struct str v;
	size_t n = header_find(req, "x-amz-content-sha256", &v);
	bool ok;

	SHA256((const unsigned char *)req->body.p, req->body.len, md);
	str_hex_encode(md, sizeof(md), hex);
	if (!n) {
		/* S3's presigned URLs sign no payload. */
		if (req->s3 && presigned)
			buf_adds(b, "UNSIGNED-PAYLOAD");
		else
			buf_add(b, hex, HEX_LEN);
		return 0;
	}
	v = str_trim(v);
	ok = n == 1 && ((str_eq_c(v, "UNSIGNED-PAYLOAD") && (!req->body.len || req->s3)) ||
			(v.len == HEX_LEN && str_eq_nocase(v, str_from(hex, HEX_LEN))) ||
			(req->s3 && (str_eq_c(v, "STREAMING-UNSIGNED-PAYLOAD-TRAILER") ||
				     str_eq_c(v, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") ||
				     str_eq_c(v, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"))));
	if (!ok)
		return fail_auth(e);
	buf_addstr(b, v);
	return 0;
}

static int build_canonical(struct buf *b, const struct sigv4_req *req,
			   const struct sigv4_auth *auth, bool presigned, struct err *e)
{
	int ret;

	buf_addstr(b, req->method);
	buf_addc(b, '\n');
	if (req->s3)
		buf_addstr(b, req->path.len ? req->path : STR_LIT("/"));
	else
		canonical_uri(b, req->path);
	buf_addc(b, '\n');
	ret = canonical_query(b, req->query, presigned, e);
	if (ret < 0)
		return ret;
	buf_addc(b, '\n');
	ret = canonical_headers(b, req, auth, e);
	if (ret < 0)
		return ret;
	buf_addc(b, '\n');
	for (size_t i = 0; i < auth->n_signed_headers; i++) {
		if (i)
			buf_addc(b, ';');
		buf_addstr(b, auth->signed_headers[i]);
	}
	buf_addc(b, '\n');
	ret = payload_hash(b, req, presigned, e);
	if (ret < 0)
		return ret;
	return b->err ? fail_auth(e) : 0;
}

static bool hmac(const void *key, size_t key_len, struct str msg, unsigned char out[HASH_LEN])
{
	unsigned int len = HASH_LEN;

	return HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)msg.p, msg.len,
		    out, &len) && len == HASH_LEN;
}

/* Derives the signing key of 'secret' for the scope of 'auth' into 'key'. */
static bool derive(const char *secret, const struct sigv4_auth *auth, unsigned char key[HASH_LEN])
{
	char k0[LIMIT_SIGV4_SECRET_BYTES];
	unsigned char k1[HASH_LEN], k2[HASH_LEN];
	size_t len = strnlen(secret, sizeof(k0));
	bool ok;

	if (len > sizeof(k0) - 4)
		return false;
	memcpy(k0, "AWS4", 4);
	memcpy(k0 + 4, secret, len);
	ok = hmac(k0, 4 + len, auth->date, k1) &&
	     hmac(k1, HASH_LEN, auth->region, k2) &&
	     hmac(k2, HASH_LEN, auth->service, k1) &&
	     hmac(k1, HASH_LEN, STR_LIT(TERMINATOR), key);
	OPENSSL_cleanse(k0, sizeof(k0));
	OPENSSL_cleanse(k1, sizeof(k1));
	OPENSSL_cleanse(k2, sizeof(k2));
	return ok;
}

/*
 * Signs 'sts' into 'sig' with the key of 'secret' for the scope of 'auth',
 * taken from 'cache' (may be NULL) when it holds that key.
 */
static bool sign(const char *secret, const struct sigv4_auth *auth, struct str sts,
		 struct sigv4_key_cache *cache, unsigned char sig[HASH_LEN],
		 unsigned char key_out[HASH_LEN])
{
	unsigned char key[HASH_LEN];
	char scope[sizeof(cache->scope)];
	int n = snprintf(scope, sizeof(scope), "%.*s/%.*s/%.*s", STR_FMT(auth->date),
			 STR_FMT(auth->region), STR_FMT(auth->service));
	bool cacheable = cache && n > 0 && (size_t)n < sizeof(scope) &&
			 strlen(secret) < sizeof(cache->secret);
	bool ok;

	if (cacheable && strcmp(cache->scope, scope) == 0 &&
	    strcmp(cache->secret, secret) == 0) {
		memcpy(key, cache->key, HASH_LEN);
	} else {
		if (!derive(secret, auth, key))
			return false;
		if (cacheable) {
			str_lcpy(cache->secret, secret, sizeof(cache->secret));
			str_lcpy(cache->scope, scope, sizeof(cache->scope));
			memcpy(cache->key, key, HASH_LEN);
		}
	}
	ok = hmac(key, HASH_LEN, sts, sig);
	memcpy(key_out, key, HASH_LEN);
	OPENSSL_cleanse(key, sizeof(key));
	return ok;
}

static int signature_check(const struct sigv4_req *req, const struct sigv4_auth *auth,
			   struct str amz_date, bool presigned, const char *secret,
			   struct sigv4_result *res, struct err *e)
{
	unsigned char md[HASH_LEN], sig[HASH_LEN], given[HASH_LEN];
	char hex[HEX_LEN + 1];
	struct buf b;
	int ret;

	buf_init(&b, LIMIT_SIGV4_CANONICAL_BYTES);
	ret = build_canonical(&b, req, auth, presigned, e);
	if (ret < 0)
		goto out;
	SHA256((const unsigned char *)b.p, b.len, md);
	str_hex_encode(md, sizeof(md), hex);
	buf_reset(&b);
	buf_addf(&b, ALGORITHM "\n%.*s\n%.*s/%.*s/%.*s/" TERMINATOR "\n%s",
		 STR_FMT(amz_date), STR_FMT(auth->date), STR_FMT(auth->region),
		 STR_FMT(auth->service), hex);
	for (size_t i = 0; i < HASH_LEN; i++)
		given[i] = (unsigned char)(str_hex_digit(auth->signature.p[2 * i]) << 4 |
					   str_hex_digit(auth->signature.p[2 * i + 1]));
	if (b.err || !sign(secret, auth, buf_str(&b), req->cache, sig, res->key) ||
	    CRYPTO_memcmp(sig, given, HASH_LEN) != 0) {
		OPENSSL_cleanse(res->key, sizeof(res->key));
		ret = fail_auth(e);
		goto out;
	}
	str_hex_encode(sig, HASH_LEN, res->signature);
	str_copy(amz_date, res->amz_date, sizeof(res->amz_date));
	snprintf(res->scope, sizeof(res->scope), "%.*s/%.*s/%.*s/" TERMINATOR, STR_FMT(auth->date),
		 STR_FMT(auth->region), STR_FMT(auth->service));
out:
	buf_release(&b);
	return ret;
}

int sigv4_verify(const struct sigv4_req *req, int64_t now, sigv4_secret_fn *lookup,
		 void *arg, struct sigv4_result *out, struct err *e)
{
	struct presign ps;
	struct sigv4_auth auth;
	struct str authz = STR_EMPTY, amz_date = STR_EMPTY, token = STR_EMPTY;
	struct sigv4_result res = { .presigned = false };
	const char *secret;
	size_t n_authz;
	int ret;

	if (req->n_headers > LIMIT_HTTP_HEADERS)
		return fail_auth(e);
	ret = presign_scan(req->query, &ps, e);
	if (ret < 0)
		goto out;
	n_authz = header_find(req, "authorization", &authz);
	res.presigned = ps.n[QP_ALGORITHM] || ps.n[QP_CREDENTIAL] || ps.n[QP_SIGNATURE];
	authz = str_trim(authz);
	if (n_authz && res.presigned) {
		ret = err_fail(e, "IncompleteSignature",
			       "Only one auth mechanism allowed; only the X-Amz-Algorithm "
			       "query parameter or the Authorization header should be specified");
		goto out;
	}
	/* EC2 answers requests with neither form as if SigV2 lacked its key. */
	if (!res.presigned && (!n_authz || !str_starts_with(authz, STR_LIT("AWS4-")))) {
		ret = err_fail(e, "MissingParameter", MSG_NO_KEY);
		goto out;
	}
	if (n_authz > 1) {
		ret = err_fail(e, "IncompleteSignature", "Authorization header appears %zu times",
			       n_authz);
		goto out;
	}
	if (n_authz)
		ret = header_auth(req, authz, now, &auth, &amz_date, e);
	else
		ret = query_auth(&ps, now, &auth, &amz_date, e);
	if (ret < 0)
		goto out;
	if (n_authz)
		header_find(req, "x-amz-security-token", &token);
	else if (ps.n[QP_SECURITY_TOKEN])
		token = ps.v[QP_SECURITY_TOKEN];
	if (str_copy(token, res.token, sizeof(res.token)) < 0 ||
	    str_copy(auth.access_key, res.access_key, sizeof(res.access_key)) < 0 ||
	    str_copy(auth.region, res.region, sizeof(res.region)) < 0 ||
	    str_copy(auth.service, res.service, sizeof(res.service)) < 0) {
		ret = fail_auth(e);
		goto out;
	}
	secret = lookup(arg, auth.access_key);
	if (!secret) {
		ret = fail_auth(e);
		goto out;
	}
	ret = signature_check(req, &auth, amz_date, res.presigned, secret, &res, e);
	if (ret < 0)
		goto out;
	*out = res;
out:
	return ret;
}

void sigv4_scope_service(const struct sigv4_req *req, char *dst, size_t size)
{
	struct presign ps;
	struct sigv4_auth auth;
	struct str authz;

	dst[0] = '\0';
	if (header_find(req, "authorization", &authz)) {
		if (sigv4_parse_authorization(str_trim(authz), &auth) == 0)
			str_copy(auth.service, dst, size);
		return;
	}
	auth_init(&auth);
	if (presign_scan(req->query, &ps, NULL) == 0 && ps.n[QP_CREDENTIAL] &&
	    scope_parse(ps.v[QP_CREDENTIAL], &auth, NULL) == 0)
		str_copy(auth.service, dst, size);
}

int sigv4_chunk_verify(const struct sigv4_result *r, char prev[static 65], bool trailer,
		       struct str data, struct str sig)
{
	unsigned char md[HASH_LEN], out[HASH_LEN];
	char hex[HEX_LEN + 1], empty[HEX_LEN + 1], mine[HEX_LEN + 1];
	char sts[512];
	int n;

	if (sig.len != HEX_LEN)
		return -EBADMSG;
	SHA256((const unsigned char *)data.p, data.len, md);
	str_hex_encode(md, sizeof(md), hex);
	if (trailer) {
		n = snprintf(sts, sizeof(sts), ALGORITHM "-TRAILER\n%s\n%s\n%s\n%s", r->amz_date,
			     r->scope, prev, hex);
	} else {
		SHA256((const unsigned char *)"", 0, md);
		str_hex_encode(md, sizeof(md), empty);
		n = snprintf(sts, sizeof(sts), ALGORITHM "-PAYLOAD\n%s\n%s\n%s\n%s\n%s",
			     r->amz_date, r->scope, prev, empty, hex);
	}
	if (n < 0 || (size_t)n >= sizeof(sts) || !hmac(r->key, HASH_LEN, str_from(sts, (size_t)n), out))
		return -EBADMSG;
	str_hex_encode(out, sizeof(out), mine);
	if (CRYPTO_memcmp(mine, sig.p, HEX_LEN) != 0)
		return -EBADMSG;
	memcpy(prev, mine, HEX_LEN + 1);
	return 0;
}

int sigv4_http_status(const char *code)
{
	static const struct {
		const char *code;
		int status;
	} statuses[] = {
		{ "AuthFailure", 401 },
		{ "IncompleteSignature", 400 },
		{ "MalformedQueryString", 400 },
		{ "MissingParameter", 400 },
		{ "RequestExpired", 400 },
	};

	for (size_t i = 0; code && i < ARRAY_SIZE(statuses); i++)
		if (strcmp(code, statuses[i].code) == 0)
			return statuses[i].status;
	return 400;
}
