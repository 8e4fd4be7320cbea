/* SPDX-License-Identifier: MIT */
/*
 * The kv interface in memory: one array of entries sorted by (space, key),
 * found by binary search; a transaction keeps an undo log of what it
 * overwrote. Meant for tests and fuzzers, where sizes are small.
 */
#include "compat.h"
#include "base/kv.h"

#include "base/xalloc.h"

struct entry {
	char *space;
	char *key, *value;
	size_t key_len, value_len;
};

struct undo {
	struct entry e;		/* what was there; value NULL: nothing */
	bool had;
};

struct kv_mem {
	struct kv kv;
	struct entry *v;
	size_t n, alloc;
	struct undo *log;
	size_t n_log, alloc_log;
	bool in_tx;
};

static struct kv_mem *mem_of(struct kv *kv)
{
	return (struct kv_mem *)kv;
}

static char *dup_bytes(const char *p, size_t n)
{
	char *d = xmalloc(n + 1);

	if (n)
		memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

static int cmp(const char *space, struct str key, const struct entry *e)
{
	int c = strcmp(space, e->space);

	return c ? c : str_cmp(key, str_from(e->key, e->key_len));
}

/* The index of the first entry not below (space, key); '*found' when it is that one. */
static size_t find(const struct kv_mem *m, const char *space, struct str key, bool *found)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp(space, key, &m->v[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < m->n && cmp(space, key, &m->v[lo]) == 0;
	return lo;
}

static void remember(struct kv_mem *m, const char *space, struct str key, const struct entry *old)
{
	struct undo *u;

	if (!m->in_tx)
		return;
	ALLOC_GROW(m->log, m->n_log + 1, m->alloc_log);
	u = &m->log[m->n_log++];
	u->had = old != NULL;
	u->e.space = xstrdup(space);
	u->e.key = dup_bytes(key.p, key.len);
	u->e.key_len = key.len;
	u->e.value = old ? dup_bytes(old->value, old->value_len) : NULL;
	u->e.value_len = old ? old->value_len : 0;
}

static int mem_get(struct kv *kv, const char *space, struct str key, struct buf *out)
{
	struct kv_mem *m = mem_of(kv);
	bool found;
	size_t i = find(m, space, key, &found);

	if (!found)
		return -ENOENT;
	buf_add(out, m->v[i].value, m->v[i].value_len);
	return 0;
}

static void set(struct kv_mem *m, const char *space, struct str key, struct str value)
{
	bool found;
	size_t i = find(m, space, key, &found);
	struct entry *e;

	if (found) {
		e = &m->v[i];
		free(e->value);
	} else {
		ALLOC_GROW(m->v, m->n + 1, m->alloc);
		memmove(&m->v[i + 1], &m->v[i], (m->n - i) * sizeof(*m->v));
		m->n++;
		e = &m->v[i];
		e->space = xstrdup(space);
		e->key = dup_bytes(key.p, key.len);
		e->key_len = key.len;
	}
	e->value = dup_bytes(value.p, value.len);
	e->value_len = value.len;
}

static void entry_free(struct entry *e)
{
	free(e->space);
	free(e->key);
	free(e->value);
}

static bool unset(struct kv_mem *m, const char *space, struct str key)
{
	bool found;
	size_t i = find(m, space, key, &found);

	if (!found)
		return false;
	entry_free(&m->v[i]);
	memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof(*m->v));
	m->n--;
	return true;
}

static int mem_put(struct kv *kv, const char *space, struct str key, struct str value)
{
	struct kv_mem *m = mem_of(kv);
	bool found;
	size_t i = find(m, space, key, &found);

	remember(m, space, key, found ? &m->v[i] : NULL);
	set(m, space, key, value);
	return 0;
}

static int mem_del(struct kv *kv, const char *space, struct str key)
{
	struct kv_mem *m = mem_of(kv);
	bool found;
	size_t i = find(m, space, key, &found);

	if (!found)
		return -ENOENT;
	remember(m, space, key, &m->v[i]);
	unset(m, space, key);
	return 0;
}

static int mem_scan(struct kv *kv, const char *space, struct str prefix, struct str after,
		    kv_each_fn *fn, void *arg)
{
	struct kv_mem *m = mem_of(kv);
	bool found;
	size_t i = find(m, space, str_cmp(after, prefix) > 0 ? after : prefix, &found);

	for (; i < m->n && !strcmp(m->v[i].space, space); i++) {
		struct str k = str_from(m->v[i].key, m->v[i].key_len);
		int ret;

		if (!str_starts_with(k, prefix)) {
			if (str_cmp(k, prefix) > 0)
				break;
			continue;
		}
		if (after.len && str_cmp(k, after) <= 0)
			continue;
		ret = fn(arg, k, str_from(m->v[i].value, m->v[i].value_len));
		if (ret)
			return ret;
	}
	return 0;
}

static int mem_begin(struct kv *kv)
{
	struct kv_mem *m = mem_of(kv);

	if (m->in_tx)
		return -EINVAL;
	m->in_tx = true;
	return 0;
}

static int mem_commit(struct kv *kv, bool ok)
{
	struct kv_mem *m = mem_of(kv);

	if (!m->in_tx)
		return -EINVAL;
	m->in_tx = false;
	/* Undone newest first, so each key ends as it was before the first change. */
	for (size_t i = m->n_log; i-- > 0;) {
		struct undo *u = &m->log[i];
		struct str key = str_from(u->e.key, u->e.key_len);

		if (!ok) {
			if (u->had)
				set(m, u->e.space, key, str_from(u->e.value, u->e.value_len));
			else
				unset(m, u->e.space, key);
		}
		entry_free(&u->e);
	}
	m->n_log = 0;
	return 0;
}

static const struct kv_ops mem_ops = {
	.get = mem_get, .put = mem_put, .del = mem_del, .scan = mem_scan,
	.begin = mem_begin, .commit = mem_commit,
};

struct kv *kv_mem_new(void)
{
	struct kv_mem *m = xcalloc(1, sizeof(*m));

	m->kv.ops = &mem_ops;
	return &m->kv;
}

void kv_mem_free(struct kv *kv)
{
	struct kv_mem *m;

	if (!kv)
		return;
	m = mem_of(kv);
	kv_commit(kv, false);
	for (size_t i = 0; i < m->n; i++)
		entry_free(&m->v[i]);
	free(m->v);
	free(m->log);
	free(m);
}
