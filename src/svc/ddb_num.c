/* SPDX-License-Identifier: MIT */
/*
 * DynamoDB's numbers: exact decimals of up to 38 significant digits, read as
 * Java's BigDecimal reads them, written without exponent, added exactly, and
 * encoded into bytes that sort as the numbers do (the sort key of an item).
 * Also the strict base64 of binary values.
 */
#include "compat.h"
#include "svc/ddb_internal.h"

#include <openssl/evp.h>

#define EXP_CAP 1000000000		/* exponents read past this saturate */
#define SUM_DIGITS (LIMIT_DDB_NUMBER_EXP_MAX - LIMIT_DDB_NUMBER_EXP_MIN + 2 * LIMIT_DDB_NUMBER_DIGITS + 4)

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Scans the mantissa digits: where the first and last non-zero ones are. */
struct scan {
	size_t n;			/* digits seen */
	long first, last;		/* indexes of non-zero digits; -1: none yet */
	uint8_t d[LIMIT_DDB_NUMBER_DIGITS + 1];
};

static void scan_digit(struct scan *sc, char c)
{
	long k = (long)sc->n++;

	if (c == '0')
		return;
	if (sc->first < 0)
		sc->first = k;
	sc->last = k;
	if (k - sc->first <= LIMIT_DDB_NUMBER_DIGITS)
		sc->d[k - sc->first] = (uint8_t)(c - '0');
}

static int bad_number(const char *s, size_t len, struct ddb_err *e)
{
	if (!len)
		return ddb_fail(e, DDB_VALIDATION, "The parameter cannot be converted to a numeric value");
	return ddb_fail(e, DDB_VALIDATION, "The parameter cannot be converted to a numeric value: %.*s",
			(int)MIN(len, 200), s);
}

/* Reads "[eE][+-]digits" at s[*i]; the value saturates at EXP_CAP. */
static bool parse_exponent(const char *s, size_t len, size_t *i, long *exp)
{
	bool neg = false, any = false;
	long v = 0;

	(*i)++;
	if (*i < len && (s[*i] == '+' || s[*i] == '-'))
		neg = s[(*i)++] == '-';
	for (; *i < len && is_digit(s[*i]); (*i)++) {
		any = true;
		if (v < EXP_CAP)
			v = v * 10 + (s[*i] - '0');
	}
	*exp = neg ? -v : v;
	return any;
}

static int range_check(long x, long n_sig, struct ddb_err *e)
{
	if (x > LIMIT_DDB_NUMBER_EXP_MAX)
		return ddb_fail(e, DDB_VALIDATION, "Number overflow. Attempting to store a number "
				"with magnitude larger than supported range");
	if (x < LIMIT_DDB_NUMBER_EXP_MIN)
		return ddb_fail(e, DDB_VALIDATION, "Number underflow. Attempting to store a number "
				"with magnitude smaller than supported range");
	if (n_sig > LIMIT_DDB_NUMBER_DIGITS)
		return ddb_fail(e, DDB_VALIDATION,
				"Attempting to store more than 38 significant digits in a Number");
	return 0;
}

int ddb_num_parse(const char *s, size_t len, struct ddb_num *out, struct ddb_err *e)
{
	struct scan sc = { .first = -1, .last = -1 };
	size_t i = 0, int_digits = 0;
	long exp = 0, x;
	bool neg = false;
	int ret;

	if (len && (s[0] == '+' || s[0] == '-'))
		neg = s[i++] == '-';
	for (; i < len && is_digit(s[i]); i++, int_digits++)
		scan_digit(&sc, s[i]);
	if (i < len && s[i] == '.')
		for (i++; i < len && is_digit(s[i]); i++)
			scan_digit(&sc, s[i]);
	if (!sc.n)
		return bad_number(s, len, e);
	if (i < len && (s[i] == 'e' || s[i] == 'E') && !parse_exponent(s, len, &i, &exp))
		return bad_number(s, len, e);
	if (i != len)
		return bad_number(s, len, e);
	memset(out, 0, sizeof(*out));
	if (sc.first < 0)
		return 0;
	x = (long)int_digits - 1 - sc.first + exp;
	ret = range_check(x, sc.last - sc.first + 1, e);
	if (ret < 0)
		return ret;
	out->neg = neg;
	out->exp = (int)x;
	out->n = (int)(sc.last - sc.first + 1);
	memcpy(out->d, sc.d, (size_t)out->n);
	return 0;
}

static void add_zeros(struct buf *out, long n)
{
	for (long i = 0; i < n; i++)
		buf_addc(out, '0');
}

void ddb_num_format(const struct ddb_num *n, struct buf *out)
{
	if (!n->n) {
		buf_addc(out, '0');
		return;
	}
	if (n->neg)
		buf_addc(out, '-');
	if (n->exp < 0) {
		buf_adds(out, "0.");
		add_zeros(out, -(long)n->exp - 1);
		for (int i = 0; i < n->n; i++)
			buf_addc(out, (char)('0' + n->d[i]));
		return;
	}
	for (int i = 0; i <= n->exp || i < n->n; i++) {
		if (i == n->exp + 1)
			buf_addc(out, '.');
		buf_addc(out, i < n->n ? (char)('0' + n->d[i]) : '0');
	}
}

static int sign(const struct ddb_num *n)
{
	return !n->n ? 0 : n->neg ? -1 : 1;
}

/* Orders magnitudes: the exponent first, then the digits (a prefix sorts first). */
static int mag_cmp(const struct ddb_num *a, const struct ddb_num *b)
{
	int m = MIN(a->n, b->n);

	if (a->exp != b->exp)
		return a->exp < b->exp ? -1 : 1;
	for (int i = 0; i < m; i++)
		if (a->d[i] != b->d[i])
			return a->d[i] < b->d[i] ? -1 : 1;
	return a->n == b->n ? 0 : a->n < b->n ? -1 : 1;
}

int ddb_num_cmp(const struct ddb_num *a, const struct ddb_num *b)
{
	int sa = sign(a), sb = sign(b);

	if (sa != sb)
		return sa < sb ? -1 : 1;
	return sa >= 0 ? mag_cmp(a, b) : -mag_cmp(a, b);
}

/* A number as digits in a wide fixed-point window: digit i weighs 10^(i + low). */
struct wide {
	uint8_t d[SUM_DIGITS];
};

static void widen(const struct ddb_num *n, int low, struct wide *w)
{
	memset(w, 0, sizeof(*w));
	for (int i = 0; i < n->n; i++)
		w->d[n->exp - i - low] = n->d[i];
}

static void wide_add(const struct wide *a, const struct wide *b, struct wide *out)
{
	int carry = 0;

	for (size_t i = 0; i < SUM_DIGITS; i++) {
		int s = a->d[i] + b->d[i] + carry;

		out->d[i] = (uint8_t)(s % 10);
		carry = s / 10;
	}
}

/* 'a' - 'b' for 'a' >= 'b'. */
static void wide_sub(const struct wide *a, const struct wide *b, struct wide *out)
{
	int borrow = 0;

	for (size_t i = 0; i < SUM_DIGITS; i++) {
		int s = a->d[i] - b->d[i] - borrow;

		borrow = s < 0;
		out->d[i] = (uint8_t)(s < 0 ? s + 10 : s);
	}
}

static int narrow(const struct wide *w, int low, bool neg, struct ddb_num *out, struct ddb_err *e)
{
	int hi = SUM_DIGITS - 1, lo = 0, ret;

	memset(out, 0, sizeof(*out));
	while (hi >= 0 && !w->d[hi])
		hi--;
	if (hi < 0)
		return 0;
	while (!w->d[lo])
		lo++;
	ret = range_check(hi + low, hi - lo + 1, e);
	if (ret < 0)
		return ret;
	out->neg = neg;
	out->exp = hi + low;
	out->n = hi - lo + 1;
	for (int i = 0; i < out->n; i++)
		out->d[i] = w->d[hi - i];
	return 0;
}

int ddb_num_add(const struct ddb_num *a, const struct ddb_num *b, bool subtract,
		struct ddb_num *out, struct ddb_err *e)
{
	struct ddb_num nb = *b;
	struct wide wa, wb, ws;
	int low = 0;

	if (subtract && nb.n)
		nb.neg = !nb.neg;
	if (!a->n || !nb.n) {
		*out = a->n ? *a : nb;
		return 0;
	}
	low = MIN(a->exp - a->n + 1, nb.exp - nb.n + 1);
	widen(a, low, &wa);
	widen(&nb, low, &wb);
	if (a->neg == nb.neg) {
		wide_add(&wa, &wb, &ws);
		return narrow(&ws, low, a->neg, out, e);
	}
	if (mag_cmp(a, &nb) >= 0) {
		wide_sub(&wa, &wb, &ws);
		return narrow(&ws, low, a->neg, out, e);
	}
	wide_sub(&wb, &wa, &ws);
	return narrow(&ws, low, nb.neg, out, e);
}

/*
 * Zero is 0x80; positives 0xc0, the exponent, the digits; negatives 0x40 and
 * both inverted, then 0xff, so that a shorter negative mantissa (a larger
 * number) sorts after the longer ones it prefixes.
 */
size_t ddb_num_encode(const struct ddb_num *n, uint8_t out[static DDB_NUM_ENC_MAX])
{
	size_t k = 0;
	uint8_t ex = (uint8_t)(n->exp - LIMIT_DDB_NUMBER_EXP_MIN);

	if (!n->n) {
		out[0] = 0x80;
		return 1;
	}
	out[k++] = n->neg ? 0x40 : 0xc0;
	out[k++] = n->neg ? (uint8_t)(0xff - ex) : ex;
	for (int i = 0; i < n->n; i++)
		out[k++] = n->neg ? (uint8_t)(9 - n->d[i]) : n->d[i];
	if (n->neg)
		out[k++] = 0xff;
	return k;
}

/*
 * One byte, plus a byte per two significant digits of the integer part and
 * of the fraction separately, plus one when negative: measured against
 * DynamoDB at its 400 KB gate (a digit pair does not straddle the point).
 */
size_t ddb_num_size(const struct ddb_num *n)
{
	int int_sig, frac_sig;

	if (!n->n)
		return 1;
	if (n->exp < 0) {
		int_sig = 0;
		frac_sig = n->n;
	} else if (n->n <= n->exp + 1) {
		int_sig = n->n;
		frac_sig = 0;
	} else {
		int_sig = n->exp + 1;
		frac_sig = n->n - n->exp - 1;
	}
	return 1 + (size_t)(int_sig + 1) / 2 + (size_t)(frac_sig + 1) / 2 + n->neg;
}

static bool is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '+' ||
	       c == '/';
}

int ddb_b64_decode(const char *s, size_t len, struct buf *out)
{
	size_t pad = 0, start = out->len;
	unsigned char back[5];
	int got;

	if (len % 4 || len > INT32_MAX)
		return -EINVAL;
	while (pad < 2 && pad < len && s[len - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < len - pad; i++)
		if (!is_b64(s[i]))
			return -EINVAL;
	if (!buf_grow(out, len / 4 * 3 + 1))
		return -EINVAL;
	got = len ? EVP_DecodeBlock((unsigned char *)out->p + start, (const unsigned char *)s,
				    (int)len) : 0;
	if (got < 0)
		return -EINVAL;
	out->len = start + (size_t)got - pad;
	out->p[out->len] = '\0';
	/* Canonical only: the last group's unused bits must be zero. */
	if (len) {
		int last = pad ? 3 - (int)pad : 3;

		if (EVP_EncodeBlock(back, (const unsigned char *)out->p + out->len - last, last) != 4 ||
		    memcmp(back, s + len - 4, 4))
			return -EINVAL;
	}
	return 0;
}
