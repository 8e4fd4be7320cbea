/* SPDX-License-Identifier: MIT */
/*
 * Entries are found by "space\x1fkey". Nothing is filled in while a
 * transaction is open, so a rollback never leaves a value the inner kv
 * does not hold; a write forgets its key at once, in or out of one.
 */
#include "compat.h"
#include "base/kv_cache.h"

#include "limits.h"
#include "base/hmap.h"
#include "base/xalloc.h"

#define SEP '\x1f'

struct cached {
	char *name;		/* "space\x1fkey", the map's key */
	char *value;		/* NULL: the key is absent */
	size_t len;
};

struct kv_cache {
	struct kv kv;
	struct kv *inner;
	const char *const *spaces;
	struct hmap by_name;
	size_t n;		/* entries */
	size_t bytes;		/* their names and values */
	bool in_tx;
};

static struct kv_cache *cache_of(struct kv *kv)
{
	return (struct kv_cache *)kv;
}

static void cached_free(void *v)
{
	struct cached *c = v;

	free(c->name);
	free(c->value);
	free(c);
}

static void forget_all(struct kv_cache *k)
{
	hmap_release_values(&k->by_name, cached_free);
	hmap_init(&k->by_name);
	k->n = k->bytes = 0;
}

/*
 * The entry's name for 'key' of 'space' into 'out', or false when the
 * pair is not cached: another space, or a key the name cannot carry.
 */
static bool name_of(const struct kv_cache *k, const char *space, struct str key,
		    char out[static LIMIT_KV_CACHE_NAME])
{
	size_t n = strlen(space);
	const char *const *s;

	for (s = k->spaces; *s && strcmp(*s, space); s++)
		;
	if (!*s || n + 1 + key.len >= LIMIT_KV_CACHE_NAME || memchr(key.p, '\0', key.len))
		return false;
	memcpy(out, space, n);
	out[n] = SEP;
	memcpy(out + n + 1, key.p, key.len);
	out[n + 1 + key.len] = '\0';
	return true;
}

static void forget(struct kv_cache *k, const char *space, struct str key)
{
	char name[LIMIT_KV_CACHE_NAME];
	struct cached *c;

	if (!name_of(k, space, key, name) || !(c = hmap_del(&k->by_name, name)))
		return;
	k->n--;
	k->bytes -= strlen(c->name) + c->len;
	cached_free(c);
}

/* Keeps 'value' (NULL: absent) under 'name'; past the limits, everything else goes first. */
static void keep(struct kv_cache *k, const char *name, const char *value, size_t len)
{
	size_t bytes = strlen(name) + len;
	struct cached *c;

	if (bytes > LIMIT_KV_CACHE_BYTES)
		return;
	if (k->n >= LIMIT_KV_CACHE_KEYS || k->bytes + bytes > LIMIT_KV_CACHE_BYTES)
		forget_all(k);
	c = xcalloc(1, sizeof(*c));
	c->name = xstrdup(name);
	if (value) {
		c->value = xmalloc(len + 1);
		memcpy(c->value, value, len);
		c->value[len] = '\0';
	}
	c->len = len;
	hmap_put(&k->by_name, c->name, c);
	k->n++;
	k->bytes += bytes;
}

static int ca_get(struct kv *kv, const char *space, struct str key, struct buf *out)
{
	struct kv_cache *k = cache_of(kv);
	char name[LIMIT_KV_CACHE_NAME];
	bool cacheable = name_of(k, space, key, name);
	struct cached *c = cacheable ? hmap_get(&k->by_name, name) : NULL;
	size_t start = out->len;
	int ret;

	if (c) {
		if (!c->value)
			return -ENOENT;
		buf_add(out, c->value, c->len);
		return 0;
	}
	ret = kv_get(k->inner, space, key, out);
	if (!cacheable || k->in_tx || out->err || (ret < 0 && ret != -ENOENT))
		return ret;
	keep(k, name, ret ? NULL : out->p + start, ret ? 0 : out->len - start);
	return ret;
}

static int ca_put(struct kv *kv, const char *space, struct str key, struct str value)
{
	struct kv_cache *k = cache_of(kv);

	forget(k, space, key);
	return kv_put(k->inner, space, key, value);
}

static int ca_del(struct kv *kv, const char *space, struct str key)
{
	struct kv_cache *k = cache_of(kv);

	forget(k, space, key);
	return kv_del(k->inner, space, key);
}

static int ca_scan(struct kv *kv, const char *space, struct str prefix, struct str after,
		   kv_each_fn *fn, void *arg)
{
	return kv_scan(cache_of(kv)->inner, space, prefix, after, fn, arg);
}

static int ca_begin(struct kv *kv)
{
	struct kv_cache *k = cache_of(kv);
	int ret = kv_begin(k->inner);

	if (ret == 0)
		k->in_tx = true;
	return ret;
}

static int ca_commit(struct kv *kv, bool ok)
{
	struct kv_cache *k = cache_of(kv);

	k->in_tx = false;
	return kv_commit(k->inner, ok);
}

static const struct kv_ops cache_ops = {
	.get = ca_get, .put = ca_put, .del = ca_del, .scan = ca_scan,
	.begin = ca_begin, .commit = ca_commit,
};

struct kv *kv_cache_new(struct kv *inner, const char *const *spaces)
{
	struct kv_cache *k = xcalloc(1, sizeof(*k));

	k->kv.ops = &cache_ops;
	k->inner = inner;
	k->spaces = spaces;
	hmap_init(&k->by_name);
	return &k->kv;
}

void kv_cache_free(struct kv *kv)
{
	if (!kv)
		return;
	forget_all(cache_of(kv));
	free(cache_of(kv));
}
