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

/* One step of a multiply-xorshift mix (splitmix64's constants). */
static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 31);
}

uint64_t hmap_hash_bytes(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w = 0;

	for (; len >= sizeof(w); s += sizeof(w), len -= sizeof(w)) {
		memcpy(&w, s, sizeof(w));
		h = mix(h, w);
	}
	w = 0;
	if (len)
		memcpy(&w, s, len);
	h = mix(h, w) * 0x94d049bb133111ebull;
	return h ^ (h >> 29);
}

/*
 * The first slot to probe: FNV-1a's low bits depend on the low bits of every
 * step only, so IDs that differ in a few characters cluster; folding the high
 * half in spreads them.
 */
static size_t home(uint64_t h, size_t mask)
{
	h ^= h >> 32;
	h ^= h >> 17;
	return (size_t)h & mask;
}

/* Returns the slot holding 'key', or NULL. */
static struct hmap_slot *find(const struct hmap *m, const char *key)
{
	size_t mask = m->size - 1;
	uint64_t h;

	if (!m->size)
		return NULL;
	h = hmap_hash(key);
	for (size_t i = home(h, mask);; i = (i + 1) & mask) {
		struct hmap_slot *s = &m->slots[i];

		if (!s->key)
			return NULL;
		if (s->hash == h && s->key != HMAP_TOMB && strcmp(s->key, key) == 0)
			return s;
	}
}

void *hmap_get(const struct hmap *m, const char *key)
{
	struct hmap_slot *s = find(m, key);

	return s ? s->value : NULL;
}

static void insert_fresh(struct hmap *m, const char *key, void *value, uint64_t h)
{
	size_t mask = m->size - 1;
	size_t i = home(h, mask);

	while (m->slots[i].key && m->slots[i].key != HMAP_TOMB)
		i = (i + 1) & mask;
	if (!m->slots[i].key)
		m->used++;
	m->slots[i] = (struct hmap_slot){ key, value, h };
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
			insert_fresh(m, old[i].key, old[i].value, old[i].hash);
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
	insert_fresh(m, key, value, hmap_hash(key));
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
