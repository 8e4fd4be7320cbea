/* SPDX-License-Identifier: MIT */
/*
 * A map from C-string keys to pointers, by open addressing with linear
 * probing. Keys are borrowed: each must stay valid and unchanged while it is
 * in the map (typically it lives inside the value).
 */
#ifndef BASE_HMAP_H
#define BASE_HMAP_H

#include "compat.h"

struct hmap_slot {
	const char *key;	/* NULL: empty; HMAP_TOMB: deleted */
	void *value;
	uint64_t hash;		/* hmap_hash(key): probes compare it before the key */
};

struct hmap {
	struct hmap_slot *slots;
	size_t size;	/* slots allocated, a power of two or 0 */
	size_t count;	/* live keys */
	size_t used;	/* live keys plus tombstones */
};

void hmap_init(struct hmap *m);
/* Frees the table; keys and values are the caller's. */
void hmap_release(struct hmap *m);
/* Calls 'fn' on every value, then frees the table as hmap_release() does. */
void hmap_release_values(struct hmap *m, void (*fn)(void *value));
/* Returns the value stored under 'key', or NULL. */
void *hmap_get(const struct hmap *m, const char *key);
/* Stores 'value' under 'key', replacing any earlier value. */
void hmap_put(struct hmap *m, const char *key, void *value);
/* Removes 'key'; returns its value, or NULL if it was absent. */
void *hmap_del(struct hmap *m, const char *key);
/* FNV-1a over the bytes of 's'. */
uint64_t hmap_hash(const char *s);
/*
 * A hash of the 'len' bytes at 'p', eight at a time: for long texts (a
 * policy document) that FNV's byte-by-byte chain of multiplications would
 * make slow. Not stable across byte orders: for keys in memory only.
 */
uint64_t hmap_hash_bytes(const void *p, size_t len);

#endif
