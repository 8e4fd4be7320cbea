/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "base/hmap.h"

#include "base/xalloc.h"

static const char tomb_[1];
#define HMAP_TOMB tomb_

void hmap_init(struct hmap *m)
{
	*m = (struct hmap){ 0 };
}

void hmap_release(struct hmap *m)
{
	free(m->slots);
	hmap_init(m);
}

void hmap_release_values(struct hmap *m, void (*fn)(void *value))
{
	for (size_t i = 0; i < m->size; i++)
		if (m->slots[i].key && m->slots[i].key != HMAP_TOMB)
			fn(m->slots[i].value);
	hmap_release(m);
}

uint64_t hmap_hash(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* Returns the slot holding 'key', or NULL. */
static struct hmap_slot *find(const struct hmap *m, const char *key)
{
	size_t mask = m->size - 1;

	if (!m->size)
		return NULL;
	for (size_t i = hmap_hash(key) & mask;; i = (i + 1) & mask) {
		struct hmap_slot *s = &m->slots[i];

		if (!s->key)
			return NULL;
		if (s->key != HMAP_TOMB && strcmp(s->key, key) == 0)
			return s;
	}
}

void *hmap_get(const struct hmap *m, const char *key)
{
	struct hmap_slot *s = find(m, key);

	return s ? s->value : NULL;
}

static void insert_fresh(struct hmap *m, const char *key, void *value)
{
	size_t mask = m->size - 1;
	size_t i = hmap_hash(key) & mask;

	while (m->slots[i].key && m->slots[i].key != HMAP_TOMB)
		i = (i + 1) & mask;
	if (!m->slots[i].key)
		m->used++;
	m->slots[i] = (struct hmap_slot){ key, value };
	m->count++;
}

static void rehash(struct hmap *m, size_t size)
{
	struct hmap_slot *old = m->slots;
	size_t old_size = m->size;

	m->slots = xcalloc(size, sizeof(*m->slots));
	m->size = size;
	m->count = 0;
	m->used = 0;
	for (size_t i = 0; i < old_size; i++)
		if (old[i].key && old[i].key != HMAP_TOMB)
			insert_fresh(m, old[i].key, old[i].value);
	free(old);
}

void hmap_put(struct hmap *m, const char *key, void *value)
{
	struct hmap_slot *s = find(m, key);

	if (s) {
		s->key = key;
		s->value = value;
		return;
	}
	/* Keep the load, tombstones included, under 3/4 so probes stay short. */
	if ((m->used + 1) * 4 > m->size * 3)
		rehash(m, m->count * 2 >= m->size ? MAX(m->size * 2, (size_t)16) : m->size);
	insert_fresh(m, key, value);
}

void *hmap_del(struct hmap *m, const char *key)
{
	struct hmap_slot *s = find(m, key);
	void *v;

	if (!s)
		return NULL;
	v = s->value;
	s->key = HMAP_TOMB;
	s->value = NULL;
	m->count--;
	return v;
}
