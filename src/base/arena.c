/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "base/arena.h"

#include "base/xalloc.h"

#define ARENA_BLOCK_BYTES 16384
#define ARENA_ALIGN 16

struct arena_block {
	struct arena_block *next;
	size_t size;	/* bytes in data */
	size_t used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

void arena_init(struct arena *a, size_t max)
{
	*a = (struct arena){ .max = max };
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;

		free(b);
		b = next;
	}
	arena_init(a, a->max);
}

void arena_reset(struct arena *a)
{
	struct arena_block *b = a->head, *first = NULL;

	while (b) {
		struct arena_block *next = b->next;

		if (next) {
			free(b);
		} else {
			first = b;
		}
		b = next;
	}
	if (first)
		first->used = 0;
	a->head = first;
	a->used = 0;
	a->err = false;
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_block *b = a->head;
	size_t rounded;
	void *p;

	if (a->err || size > a->max - a->used) {
		a->err = true;
		return NULL;
	}
	rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (!b || b->size - b->used < rounded) {
		size_t n = MAX(rounded, (size_t)ARENA_BLOCK_BYTES);

		b = xmalloc(sizeof(*b) + n);
		b->size = n;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += rounded;
	a->used += size;
	memset(p, 0, size);
	return p;
}

char *arena_strdup(struct arena *a, struct str s)
{
	char *p = arena_alloc(a, s.len + 1);

	if (p)
		memcpy(p, s.p, s.len);
	return p;
}
