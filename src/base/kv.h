/* SPDX-License-Identifier: MIT */
/*
 * What the region's built-in services keep (S3's buckets and objects,
 * DynamoDB's tables and items): ordered maps from byte-string keys to
 * byte-string values, one per named space. An interface only: the daemon
 * backs it with the state file (store/store_kv.c), tests and fuzzers with
 * memory (base/kv_mem.c). Keys compare as bytes (memcmp, then length).
 *
 * Every call is atomic, and durable when it returns 0. Between kv_begin()
 * and kv_commit() the calls form one transaction: all of them or none.
 */
#ifndef BASE_KV_H
#define BASE_KV_H

#include "compat.h"
#include "base/buf.h"
#include "base/str.h"

#define KV_SPACE_MAX 64		/* bytes of a space's name */

struct kv;

/* Called for each key a scan finds; a nonzero return ends the scan with that value. */
typedef int kv_each_fn(void *arg, struct str key, struct str value);

struct kv_ops {
	/* Appends the value of 'key' to 'out': 0, -ENOENT, or -EIO. */
	int (*get)(struct kv *kv, const char *space, struct str key, struct buf *out);
	/* Stores 'value' under 'key', replacing any: 0 or -EIO. */
	int (*put)(struct kv *kv, const char *space, struct str key, struct str value);
	/* Removes 'key': 0, -ENOENT when it was absent, or -EIO. */
	int (*del)(struct kv *kv, const char *space, struct str key);
	/*
	 * Calls 'fn' for every key that starts with 'prefix' and is greater
	 * than 'after' (an empty 'after': from the first), in key order.
	 * Returns 0 when all were seen, what 'fn' returned when it stopped the
	 * scan, or -EIO. The store must not be changed from inside 'fn'.
	 */
	int (*scan)(struct kv *kv, const char *space, struct str prefix, struct str after,
		    kv_each_fn *fn, void *arg);
	/* Starts a transaction: 0 or -EIO. Transactions do not nest. */
	int (*begin)(struct kv *kv);
	/* Ends it: keeps every change when 'ok' (0 or -EIO: then none is kept), else undoes them. */
	int (*commit)(struct kv *kv, bool ok);
};

struct kv {
	const struct kv_ops *ops;
};

static inline int kv_get(struct kv *kv, const char *space, struct str key, struct buf *out)
{
	return kv->ops->get(kv, space, key, out);
}

static inline int kv_put(struct kv *kv, const char *space, struct str key, struct str value)
{
	return kv->ops->put(kv, space, key, value);
}

static inline int kv_del(struct kv *kv, const char *space, struct str key)
{
	return kv->ops->del(kv, space, key);
}

static inline int kv_scan(struct kv *kv, const char *space, struct str prefix, struct str after,
			  kv_each_fn *fn, void *arg)
{
	return kv->ops->scan(kv, space, prefix, after, fn, arg);
}

static inline int kv_begin(struct kv *kv)
{
	return kv->ops->begin(kv);
}

static inline int kv_commit(struct kv *kv, bool ok)
{
	return kv->ops->commit(kv, ok);
}

/*
 * A kv in memory, for tests and fuzzers: a sorted array per space, with
 * transactions by copy. kv_mem_new() returns its 'struct kv'.
 */
struct kv *kv_mem_new(void);
void kv_mem_free(struct kv *kv);

#endif
