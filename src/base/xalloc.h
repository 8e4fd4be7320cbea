/* SPDX-License-Identifier: MIT */
/*
 * Allocation that cannot fail: on exhaustion the process aborts (as Redis,
 * OVN and git do). Safe only because every untrusted size is capped by
 * limits.h before it reaches an allocator.
 */
#ifndef BASE_XALLOC_H
#define BASE_XALLOC_H

#include "compat.h"

void *xmalloc(size_t size) ATTR_MALLOC;
void *xcalloc(size_t n, size_t size) ATTR_MALLOC;
void *xrealloc(void *p, size_t size);
/* Resizes 'p' to 'n' elements of 'size' bytes; aborts on overflow. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s) ATTR_MALLOC;
/* Copies at most 'len' bytes of 's' and terminates the copy. */
char *xstrndup(const char *s, size_t len) ATTR_MALLOC;

/*
 * Grows the array '*p' of '*alloc' elements so that it holds at least 'need'
 * elements, at least doubling, as git's ALLOC_GROW does.
 */
#define ALLOC_GROW(p, need, alloc)                                          \
	do {                                                                \
		if ((need) > (alloc)) {                                     \
			size_t alloc_grow_n_ = (alloc) * 2 + 8;             \
			if (alloc_grow_n_ < (need))                         \
				alloc_grow_n_ = (need);                     \
			(p) = xreallocarray((p), alloc_grow_n_, sizeof(*(p))); \
			(alloc) = alloc_grow_n_;                            \
		}                                                           \
	} while (0)

#define FREE_AND_NULL(p)   \
	do {               \
		free(p);   \
		(p) = NULL; \
	} while (0)

#endif
