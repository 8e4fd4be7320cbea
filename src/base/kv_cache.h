/* SPDX-License-Identifier: MIT */
/*
 * A kv (base/kv.h) in front of another that keeps what get() found, or did
 * not find, in the spaces it was told to: for small values read on every
 * request and written rarely (S3's buckets and bucket policies). Right only
 * while every write to those spaces goes through it: a write forgets the
 * key before it reaches the other kv. Space names hold no 0x1F byte.
 */
#ifndef BASE_KV_CACHE_H
#define BASE_KV_CACHE_H

#include "compat.h"
#include "base/kv.h"

/*
 * Returns a kv that reads 'inner' through a cache for the spaces named in
 * 'spaces' (NULL-terminated, borrowed for the cache's life) and passes
 * everything else through. 'inner' stays the caller's and must outlive it.
 */
struct kv *kv_cache_new(struct kv *inner, const char *const *spaces);
/* Frees the cache, not its inner kv; NULL is a no-op. */
void kv_cache_free(struct kv *kv);

#endif
