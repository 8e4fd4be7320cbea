/* SPDX-License-Identifier: MIT */
/*
 * Non-owning views of text: a pointer and a length. Invariant: 'p' is never
 * NULL; the empty view is { "", 0 }. Cursor functions change their cursor
 * only on success, so a failed parse leaves the input where it was.
 * Use these (and base/buf.h) instead of the functions in banned.h.
 */
#ifndef BASE_STR_H
#define BASE_STR_H

#include "compat.h"

struct str {
	const char *p;
	size_t len;
};

#define STR_LIT(s) ((struct str){ "" s, sizeof(s) - 1 })
#define STR_EMPTY ((struct str){ "", 0 })
/* For printf: printf("%.*s", STR_FMT(s)). */
#define STR_FMT(s) (int)(s).len, (s).p

static inline struct str str_from(const char *p, size_t len)
{
	return (struct str){ p ? p : "", p ? len : 0 };
}

static inline struct str str_c(const char *s)
{
	return s ? (struct str){ s, strlen(s) } : STR_EMPTY;
}

static inline bool str_eq(struct str a, struct str b)
{
	return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

static inline bool str_eq_c(struct str a, const char *b)
{
	return str_eq(a, str_c(b));
}

/* The value of the hex digit 'c' (either case), or -1. */
static inline int str_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 'c' in lower case if it is an ASCII capital (no locale). */
static inline char str_ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

/* True when 'a' and 'b' are equal ignoring ASCII case. */
bool str_eq_nocase(struct str a, struct str b);
bool str_starts_with(struct str s, struct str prefix);
bool str_ends_with(struct str s, struct str suffix);
/* Returns -1, 0 or 1 as 'a' sorts before, with or after 'b' (bytewise). */
int str_cmp(struct str a, struct str b);

/*
 * Splits 's' at the first 'sep': 'head' gets the bytes before it and 's'
 * keeps the bytes after it. Returns false, changing nothing, if 'sep' is
 * absent.
 */
bool str_cut(struct str *s, char sep, struct str *head);

/* Removes leading and trailing spaces and tabs. */
struct str str_trim(struct str s);

/*
 * Parses all of 's' as a decimal in [0, 'max']; rejects empty input, signs,
 * other bytes and overflow with -EINVAL or -ERANGE.
 */
int str_to_u64(struct str s, uint64_t max, uint64_t *out);

/*
 * Copies 's' into 'dst' of 'size' bytes and terminates it. Returns -ENOSPC,
 * with 'dst' holding the empty string, when it does not fit.
 */
int str_copy(struct str s, char *dst, size_t size);

/*
 * Writes the C strings that follow 'size', up to a NULL, one after another
 * into 'dst' and terminates it: a snprintf("%s%s…") without the format
 * parsing. Returns -ENAMETOOLONG, with 'dst' empty, when they do not fit.
 */
int str_concat(char *dst, size_t size, ...);

/*
 * Copies the C string 'src' into 'dst' of 'size' bytes and terminates it;
 * truncates what does not fit. Returns the length of 'src'.
 */
size_t str_lcpy(char *dst, const char *src, size_t size);

/* Writes the 'n' bytes at 'p' as 2 * n lowercase hex digits and a NUL. */
void str_hex_encode(const unsigned char *p, size_t n, char *out);

/*
 * Decodes %XX escapes of 'in' (and '+' as a space when 'plus') into 'out'
 * of 'size' bytes, terminated, and sets '*len'. Returns 0, -EINVAL for a
 * bad escape or a NUL byte, -ENOSPC when it does not fit.
 */
int str_pct_decode(struct str in, bool plus, char *out, size_t size, size_t *len);

/*
 * Finds the parameter 'name' in 'query', a raw query string or form body
 * ("a=1&b=%2F"), and decodes its value into 'out' ('size' bytes). Returns 1
 * when found, 0 when absent, -EINVAL or -ENOSPC as str_pct_decode().
 */
int str_form_get(struct str query, const char *name, char *out, size_t size);

/*
 * Returns the length of the valid UTF-8 sequence (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF) at the start of 'p', which
 * has 'left' > 0 bytes, and stores its code point in '*cp'; or returns 0.
 */
size_t str_utf8_decode(const unsigned char *p, size_t left, uint32_t *cp);

#endif
