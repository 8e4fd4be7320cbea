/* SPDX-License-Identifier: MIT */
/*
 * A region allocator for request-shaped work (one API request, one policy
 * evaluation): allocations are freed all at once by arena_reset(), which
 * keeps the first block. The arena never holds more than its 'max' bytes;
 * past it, allocations return NULL and 'err' is set.
 */
#ifndef BASE_ARENA_H
#define BASE_ARENA_H

#include "compat.h"
#include "base/str.h"

struct arena_block;

struct arena {
	struct arena_block *head;	/* newest block first */
	size_t used;			/* bytes handed out, all blocks */
	size_t max;			/* cap on used */
	bool err;			/* sticky: an allocation passed max */
};

void arena_init(struct arena *a, size_t max);
/* Frees every block. */
void arena_release(struct arena *a);
/* Forgets every allocation but keeps the first block for reuse. */
void arena_reset(struct arena *a);
/*
 * Returns 'size' bytes aligned for any type, zeroed, or NULL when the arena
 * would pass its cap.
 */
void *arena_alloc(struct arena *a, size_t size);
/* Copies 's' into the arena and NUL-terminates it; NULL past the cap. */
char *arena_strdup(struct arena *a, struct str s);

#endif
