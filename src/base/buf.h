/* SPDX-License-Identifier: MIT */
/*
 * An owning, growable byte builder that is always NUL-terminated and never
 * grows past its 'max'. Errors are sticky: once an append would pass 'max',
 * every later append does nothing, and the caller checks 'err' once at the
 * end (as SQLite's and curl's builders do).
 */
#ifndef BASE_BUF_H
#define BASE_BUF_H

#include "compat.h"
#include "base/str.h"

struct buf {
	char *p;	/* NUL-terminated; "" before the first append */
	size_t len;	/* bytes in use, not counting the NUL */
	size_t size;	/* bytes allocated at p; 0 while p is the static "" */
	size_t max;	/* inclusive limit on len */
	bool err;	/* sticky: an append passed max */
};

/* Sets up an empty 'b' that may hold at most 'max' bytes. */
void buf_init(struct buf *b, size_t max);
/* Frees what 'b' holds and leaves it empty and usable. */
void buf_release(struct buf *b);
/* Empties 'b', keeps its storage and clears 'err'. */
void buf_reset(struct buf *b);
/*
 * Returns the bytes of 'b' as a heap string that the caller frees, and
 * leaves 'b' empty. Returns NULL if 'b' failed.
 */
char *buf_detach(struct buf *b, size_t *len);

void buf_add(struct buf *b, const void *p, size_t len);
void buf_addc(struct buf *b, char c);
void buf_adds(struct buf *b, const char *s);
void buf_addstr(struct buf *b, struct str s);
void buf_addf(struct buf *b, const char *fmt, ...) ATTR_PRINTF(2, 3);
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) ATTR_PRINTF(2, 0);
/*
 * Appends 's' as a JSON string, quotes included: '"', '\\' and controls
 * escaped, each byte of invalid UTF-8 as U+FFFD.
 */
void buf_addjson(struct buf *b, const char *s);
/* The same for the 'len' bytes at 's' (NULs escaped too). */
void buf_addjsonn(struct buf *b, const char *s, size_t len);
/* Makes room for 'len' more bytes; false if that would pass 'max'. */
bool buf_grow(struct buf *b, size_t len);
/* Drops bytes from the end so that 'len' remain. */
void buf_truncate(struct buf *b, size_t len);

static inline struct str buf_str(const struct buf *b)
{
	return str_from(b->p, b->len);
}

#endif
