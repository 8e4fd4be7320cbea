/* SPDX-License-Identifier: MIT */
/*
 * The read cache in front of a kv: what it keeps, and that no write or
 * undone transaction through it leaves it answering what the kv does not
 * hold. Writes "behind its back" (to the inner kv) show what was kept.
 */
#include "compat.h"
#include "check.h"

#include "limits.h"
#include "base/kv_cache.h"

void test_base_kv_cache(void);

static const char *const spaces[] = { "hot", NULL };

/* The value of 'key' in space "hot" read through 'kv', or "-" when absent. */
static const char *get(struct kv *kv, const char *key, struct buf *b)
{
	buf_reset(b);
	return kv_get(kv, "hot", str_c(key), b) == 0 ? b->p : "-";
}

static void test_kept(struct kv *inner, struct kv *kv, struct buf *b)
{
	CHECK_EQ(kv_put(kv, "hot", str_c("k"), str_c("v1")), 0);
	CHECK_STREQ(get(kv, "k", b), "v1");
	CHECK_EQ(kv_put(inner, "hot", str_c("k"), str_c("behind")), 0);
	CHECK_STREQ(get(kv, "k", b), "v1");
	/* A write through the cache is seen at once; so is a delete. */
	CHECK_EQ(kv_put(kv, "hot", str_c("k"), str_c("v2")), 0);
	CHECK_STREQ(get(kv, "k", b), "v2");
	CHECK_EQ(kv_del(kv, "hot", str_c("k")), 0);
	CHECK_STREQ(get(kv, "k", b), "-");
	/* Absence is kept too, until a write through the cache. */
	CHECK_EQ(kv_put(inner, "hot", str_c("k"), str_c("behind")), 0);
	CHECK_STREQ(get(kv, "k", b), "-");
	CHECK_EQ(kv_put(kv, "hot", str_c("k"), str_c("v3")), 0);
	CHECK_STREQ(get(kv, "k", b), "v3");
	/* Other spaces go straight through. */
	CHECK_EQ(kv_put(kv, "cold", str_c("k"), str_c("c1")), 0);
	buf_reset(b);
	CHECK_EQ(kv_get(kv, "cold", str_c("k"), b), 0);
	CHECK_EQ(kv_put(inner, "cold", str_c("k"), str_c("c2")), 0);
	buf_reset(b);
	CHECK_EQ(kv_get(kv, "cold", str_c("k"), b), 0);
	CHECK_STREQ(b->p, "c2");
}

static void test_transactions(struct kv *inner, struct kv *kv, struct buf *b)
{
	CHECK_EQ(kv_put(kv, "hot", str_c("t"), str_c("old")), 0);
	CHECK_STREQ(get(kv, "t", b), "old");
	/* What an undone transaction wrote and read is not kept. */
	CHECK_EQ(kv_begin(kv), 0);
	CHECK_EQ(kv_put(kv, "hot", str_c("t"), str_c("new")), 0);
	CHECK_STREQ(get(kv, "t", b), "new");
	CHECK_EQ(kv_put(kv, "hot", str_c("u"), str_c("new")), 0);
	CHECK_STREQ(get(kv, "u", b), "new");
	CHECK_EQ(kv_commit(kv, false), 0);
	CHECK_STREQ(get(kv, "t", b), "old");
	CHECK_STREQ(get(kv, "u", b), "-");
	/* A kept one is seen after it. */
	CHECK_EQ(kv_begin(kv), 0);
	CHECK_EQ(kv_del(kv, "hot", str_c("t")), 0);
	CHECK_EQ(kv_put(kv, "hot", str_c("u"), str_c("kept")), 0);
	CHECK_EQ(kv_commit(kv, true), 0);
	CHECK_STREQ(get(kv, "t", b), "-");
	CHECK_STREQ(get(kv, "u", b), "kept");
	/* Nothing read inside a transaction is filled in. */
	CHECK_EQ(kv_put(inner, "hot", str_c("w"), str_c("w1")), 0);
	CHECK_EQ(kv_begin(kv), 0);
	CHECK_STREQ(get(kv, "w", b), "w1");
	CHECK_EQ(kv_commit(kv, true), 0);
	CHECK_EQ(kv_put(inner, "hot", str_c("w"), str_c("w2")), 0);
	CHECK_STREQ(get(kv, "w", b), "w2");
}

static void test_buffers(struct kv *kv)
{
	struct buf small, b;

	/* get() appends, and what is kept is the value alone. */
	buf_init(&b, 64);
	CHECK_EQ(kv_put(kv, "hot", str_c("a"), str_c("value")), 0);
	buf_adds(&b, "x:");
	CHECK_EQ(kv_get(kv, "hot", str_c("a"), &b), 0);
	CHECK_STREQ(b.p, "x:value");
	buf_adds(&b, ",");
	CHECK_EQ(kv_get(kv, "hot", str_c("a"), &b), 0);
	CHECK_STREQ(b.p, "x:value,value");
	/* A value cut short by a full buffer is not kept. */
	CHECK_EQ(kv_put(kv, "hot", str_c("long"), str_c("0123456789")), 0);
	buf_init(&small, 4);
	kv_get(kv, "hot", str_c("long"), &small);
	CHECK(small.err);
	CHECK_STREQ(get(kv, "long", &b), "0123456789");
	buf_release(&small);
	buf_release(&b);
}

/* Past its limits the cache starts again, and answers stay right. */
static void test_limits(struct kv *kv, struct buf *b)
{
	char key[16], big[LIMIT_KV_CACHE_NAME + 8];

	for (int i = 0; i < LIMIT_KV_CACHE_KEYS + 10; i++) {
		snprintf(key, sizeof(key), "n%d", i);
		CHECK_EQ(kv_put(kv, "hot", str_c(key), str_c(key)), 0);
		CHECK_STREQ(get(kv, key, b), key);
	}
	for (int i = 0; i < LIMIT_KV_CACHE_KEYS + 10; i += 97) {
		snprintf(key, sizeof(key), "n%d", i);
		CHECK_STREQ(get(kv, key, b), key);
	}
	/* A key too long to be kept, and one with a NUL byte, are read each time. */
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ(kv_put(kv, "hot", str_c(big), str_c("big")), 0);
	CHECK_STREQ(get(kv, big, b), "big");
	CHECK_EQ(kv_put(kv, "hot", str_from("z\0z", 3), str_c("nul")), 0);
	buf_reset(b);
	CHECK_EQ(kv_get(kv, "hot", str_from("z\0z", 3), b), 0);
	CHECK_STREQ(b->p, "nul");
	buf_reset(b);
	CHECK_EQ(kv_get(kv, "hot", str_c("z"), b), -ENOENT);
}

void test_base_kv_cache(void)
{
	struct kv *inner = kv_mem_new(), *kv = kv_cache_new(inner, spaces);
	struct buf b;

	buf_init(&b, 4096);
	test_kept(inner, kv, &b);
	test_transactions(inner, kv, &b);
	test_buffers(kv);
	test_limits(kv, &b);
	buf_release(&b);
	kv_cache_free(kv);
	kv_mem_free(inner);
	kv_cache_free(NULL);
}
