/* SPDX-License-Identifier: MIT */
/*
 * Condition operators: the value types they read (numbers, dates, booleans,
 * IP blocks, base64) and the evaluation of one condition against the request
 * context, with AWS's rules for missing keys, IfExists, negation and sets.
 */
#include "compat.h"
#include "policy/internal.h"

#include <arpa/inet.h>
#include <openssl/evp.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* [+-]digits[.digits], compared exactly: no exponent, no bare dot. */
bool cond_parse_number(const char *s, struct decnum *out)
{
	const char *p = s, *w, *f = "";
	size_t wl, fl = 0;

	out->neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	for (w = p; is_digit(*p); p++)
		;
	wl = (size_t)(p - w);
	if (!wl)
		return false;
	if (*p == '.') {
		for (f = ++p; is_digit(*p); p++)
			;
		fl = (size_t)(p - f);
		if (!fl)
			return false;
	}
	if (*p || wl > UINT32_MAX || fl > UINT32_MAX)
		return false;
	while (wl && *w == '0')
		w++, wl--;
	while (fl && f[fl - 1] == '0')
		fl--;
	out->whole = w;
	out->whole_len = (uint32_t)wl;
	out->frac = f;
	out->frac_len = (uint32_t)fl;
	if (!wl && !fl)
		out->neg = false;	/* -0 is 0 */
	return true;
}

/* -1, 0 or 1 as |a| is below, at or above |b|. */
static int decnum_cmp_abs(const struct decnum *a, const struct decnum *b)
{
	uint32_t n = MIN(a->frac_len, b->frac_len);
	int c;

	if (a->whole_len != b->whole_len)
		return a->whole_len < b->whole_len ? -1 : 1;
	c = memcmp(a->whole, b->whole, a->whole_len);
	if (!c)
		c = memcmp(a->frac, b->frac, n);
	if (!c)
		c = a->frac_len == b->frac_len ? 0 : a->frac_len < b->frac_len ? -1 : 1;
	return c < 0 ? -1 : c > 0;
}

static int decnum_cmp(const struct decnum *a, const struct decnum *b)
{
	if (a->neg != b->neg)
		return a->neg ? -1 : 1;
	return a->neg ? -decnum_cmp_abs(a, b) : decnum_cmp_abs(a, b);
}

void pol_real_text(double d, char *out, size_t size)
{
	char sci[40], dg[24], buf[POL_REAL_TEXT_MAX];
	int prec, e, n = 0, len = 0;

	/* The fewest significant digits that read back as 'd'... */
	for (prec = 0; prec < 16; prec++) {
		snprintf(sci, sizeof(sci), "%.*e", prec, d);
		if (strtod(sci, NULL) == d)
			break;
	}
	snprintf(sci, sizeof(sci), "%.*e", prec, d);
	for (const char *p = sci; *p && *p != 'e'; p++)
		if (is_digit(*p))
			dg[n++] = *p;
	e = (int)strtol(strchr(sci, 'e') + 1, NULL, 10);
	/* ...written out without an exponent: d.ddd x 10^e. */
	if (d < 0)
		buf[len++] = '-';
	if (e < 0) {
		buf[len++] = '0';
		buf[len++] = '.';
		for (int i = 0; i < -e - 1; i++)
			buf[len++] = '0';
		for (int i = 0; i < n; i++)
			buf[len++] = dg[i];
	} else {
		for (int i = 0; i <= e; i++)
			buf[len++] = i < n ? dg[i] : '0';
		if (n - 1 > e) {
			buf[len++] = '.';
			for (int i = e + 1; i < n; i++)
				buf[len++] = dg[i];
		}
	}
	if (memchr(buf, '.', (size_t)len)) {
		while (buf[len - 1] == '0')
			len--;
		if (buf[len - 1] == '.')
			len--;
	}
	snprintf(out, size, "%.*s", len, buf);
}

/* Reads exactly 'n' digits at '*p'. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * The two forms AWS documents: ISO 8601, as a date (2026-11-27) or a date
 * and time to the second with an optional fraction and a zone
 * (2026-11-27T01:02:03.250Z, ...T02:02:03+01:00); or epoch seconds (at
 * most 12 digits). Fractions below a millisecond are dropped.
 */
bool cond_parse_date(const char *s, int64_t *ms)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, off = 0;

	if (*s && strspn(s, "0123456789") == strlen(s)) {
		if (strlen(s) > 12)
			return false;
		*ms = (int64_t)strtoll(s, NULL, 10) * 1000;
		return true;
	}
	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap(y)))
		return false;
	if (*p == 'T') {
		int oh, om;

		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' ||
		    !digits(&p, 2, &sec) || h > 23 || mi > 59 || sec > 59)
			return false;
		if (*p == '.') {
			int scale = 100;

			p++;
			if (!is_digit(*p))
				return false;
			for (; is_digit(*p); p++, scale /= 10)
				frac += (*p - '0') * scale;
		}
		if (*p == 'Z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1;

			if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om) || oh > 23 ||
			    om > 59)
				return false;
			off = sign * (oh * 60 + om);
		} else {
			return false;
		}
	}
	if (*p)
		return false;
	*ms = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off * 60) *
	       1000) + frac;
	return true;
}

bool cond_parse_bool(const char *s, size_t n, bool *out)
{
	/* The two words, any case, four bytes folded at once: no call, no loop. */
	uint32_t w, t, f;

	if (n != 4 && n != 5)
		return false;
	memcpy(&w, s, 4);
	memcpy(&t, "true", 4);
	memcpy(&f, "fals", 4);
	w = (uint32_t)fold8(w);
	if (n == 4 ? w != t : w != f || str_ascii_lower(s[4]) != 'e')
		return false;
	*out = n == 4;
	return true;
}

/* Dotted-quad IPv4 as inet_pton(3) reads it (no leading zeros), without a call. */
static bool parse_ipv4(const char *s, size_t n, uint8_t out[4])
{
	const char *end = s + n;

	for (int part = 0; part < 4; part++) {
		unsigned v, d;

		if (part && (s == end || *s++ != '.'))
			return false;
		if (s == end || (v = (unsigned)(*s++ - '0')) > 9)
			return false;
		/* Up to two more digits, after a first digit other than 0. */
		if (s != end && (d = (unsigned)(*s - '0')) <= 9) {
			if (v == 0)
				return false;
			v = v * 10 + d;
			if (++s != end && (d = (unsigned)(*s - '0')) <= 9) {
				v = v * 10 + d;
				s++;
				if (v > 255)
					return false;
			}
		}
		out[part] = (uint8_t)v;
	}
	return s == end;
}

bool cond_parse_ip(const char *s, bool allow_prefix, struct ipnet *out)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t hlen = slash ? (size_t)(slash - s) : strlen(s);
	uint64_t prefix;

	if (hlen >= sizeof(host) || (slash && !allow_prefix))
		return false;
	memset(out, 0, sizeof(*out));
	if (parse_ipv4(s, hlen, out->addr)) {
		out->family = 4;
	} else {
		memcpy(host, s, hlen);
		host[hlen] = '\0';
		if (!memchr(host, ':', hlen) || inet_pton(AF_INET6, host, out->addr) != 1)
			return false;
		out->family = 6;
	}
	prefix = out->family == 4 ? 32 : 128;
	if (slash && str_to_u64(str_c(slash + 1), prefix, &prefix) < 0)
		return false;
	out->prefix = (uint8_t)prefix;
	if (prefix % 8)
		out->addr[prefix / 8] &= (uint8_t)(0xFF00u >> (prefix % 8));
	for (size_t i = (prefix + 7) / 8; i < 16; i++)
		out->addr[i] = 0;
	return true;
}

static bool ip_in(const struct ipnet *net, const struct ipnet *ip)
{
	if (net->family != ip->family)
		return false;
	/* The address as two big-endian words: their first 'prefix' bits. */
	for (unsigned w = 0, bits = net->prefix; w < 2 && bits; w++) {
		uint64_t x, y, d;

		memcpy(&x, net->addr + 8 * w, 8);
		memcpy(&y, ip->addr + 8 * w, 8);
		d = be64toh(x ^ y);
		if (bits < 64 ? d >> (64 - bits) : d)
			return false;
		bits = bits > 64 ? bits - 64 : 0;
	}
	return true;
}

bool cond_parse_base64(const char *in, struct arena *a, const uint8_t **out, size_t *n)
{
	size_t len = strlen(in), pad = 0;
	uint8_t *buf;
	int got;

	if (len % 4 || len > INT_MAX)
		return false;
	buf = arena_alloc(a, len / 4 * 3 + 1);
	if (!buf)
		return false;
	got = EVP_DecodeBlock(buf, (const unsigned char *)in, (int)len);
	if (got < 0)
		return false;
	while (pad < len && pad < 2 && in[len - 1 - pad] == '=')
		pad++;
	*out = buf;
	*n = (size_t)got - pad;
	return true;
}

/* Folds an expanded pattern (in the scratch arena) as the compiler folds. */
static void fold_in_place(uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s[i] = (uint8_t)str_ascii_lower((char)s[i]);
}

static bool compare_i64(enum cond_cmp cmp, int64_t a, int64_t b)
{
	switch (cmp) {
	case CMP_EQ: return a == b;
	case CMP_LT: return a < b;
	case CMP_LE: return a <= b;
	case CMP_GT: return a > b;
	case CMP_GE: return a >= b;
	}
	return false;
}

int cond_var_match(const struct policy *pol, const struct cond *c, const struct pat *p,
		   const char *v, size_t vlen, const struct rreq *req, struct arena *scratch)
{
	bool nocase = c->family == COND_STRING_ICASE;
	struct pat expanded;

	if (!pat_expand(pol, req, p, scratch, &expanded))
		return scratch->err ? -ENOMEM : 0;
	if (nocase)
		fold_in_place((uint8_t *)expanded.s, expanded.len);
	return pat_match(&expanded, (const uint8_t *)v, vlen, nocase);
}

int cond_typed_match(const struct policy *pol, const struct cond *c, const char *v,
		       size_t vlen, const struct rreq *req, struct arena *scratch)
{
	struct str f[ARN_FIELDS];
	struct ipnet ip;
	const uint8_t *bin;
	size_t bin_n;
	struct decnum num;
	int64_t ms;
	bool b;

	switch (c->family) {
	case COND_STRING:
	case COND_STRING_ICASE:
		return cond_string_match(pol, c, v, vlen, req, scratch);
	case COND_ARN:
		if (!arn_split((const uint8_t *)v, vlen, f))
			return -1;
		for (uint32_t i = 0; i < c->n_vals; i++) {
			struct arnpat tmp;
			const struct arnpat *p = arnpat_resolve(pol, req, &c->vals[i].u.arn, scratch,
								&tmp);

			if (!p) {
				if (scratch->err)
					return -ENOMEM;
				continue;
			}
			if (arnpat_match(p, f, true, (const uint8_t *)v, vlen))
				return 1;
		}
		return 0;
	case COND_NUMERIC:
		if (!cond_parse_number(v, &num))
			return -1;
		for (uint32_t i = 0; i < c->n_vals; i++)
			if (compare_i64(c->cmp, decnum_cmp(&num, &c->vals[i].u.num), 0))
				return 1;
		return 0;
	case COND_DATE:
		if (!cond_parse_date(v, &ms))
			return -1;
		for (uint32_t i = 0; i < c->n_vals; i++)
			if (compare_i64(c->cmp, ms, c->vals[i].u.ms))
				return 1;
		return 0;
	case COND_BOOL:
		if (!cond_parse_bool(v, vlen, &b))
			return -1;
		for (uint32_t i = 0; i < c->n_vals; i++)
			if (c->vals[i].u.b == b)
				return 1;
		return 0;
	case COND_BINARY:
		if (!cond_parse_base64(v, scratch, &bin, &bin_n))
			return scratch->err ? -ENOMEM : -1;
		for (uint32_t i = 0; i < c->n_vals; i++)
			if (c->vals[i].u.bin.n == bin_n && memcmp(c->vals[i].u.bin.p, bin, bin_n) == 0)
				return 1;
		return 0;
	case COND_IP:
		/* Most context addresses are IPv4: read them without the general parser. */
		if (parse_ipv4(v, vlen, ip.addr)) {
			ip.family = 4;
			ip.prefix = 32;
		} else if (!cond_parse_ip(v, false, &ip)) {
			return -1;
		}
		for (uint32_t i = 0; i < c->n_vals; i++)
			if (ip_in(&c->vals[i].u.ip, &ip))
				return 1;
		return 0;
	}
	return 0;
}
