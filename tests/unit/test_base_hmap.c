/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "check.h"

#include "base/hmap.h"

void test_base_hmap(void);

/* Every byte of the text counts, the tail past the last whole word included. */
static void test_hash_bytes(void)
{
	char a[41], b[41];

	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (char)('a' + i % 26);
	memcpy(b, a, sizeof(b));
	for (size_t len = 0; len <= sizeof(a); len++) {
		CHECK_EQ(hmap_hash_bytes(a, len), hmap_hash_bytes(b, len));
		for (size_t i = 0; i < len; i++) {
			b[i] ^= 1;
			CHECK(hmap_hash_bytes(a, len) != hmap_hash_bytes(b, len));
			b[i] ^= 1;
		}
	}
	/* A longer text is another text, even when the extra bytes are zero. */
	memset(a, 0, sizeof(a));
	for (size_t len = 0; len < 16; len++)
		CHECK(hmap_hash_bytes(a, len) != hmap_hash_bytes(a, len + 1));
}

static void test_map(void)
{
	struct hmap m;
	char keys[100][8];

	hmap_init(&m);
	for (int i = 0; i < 100; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		hmap_put(&m, keys[i], keys[i]);
	}
	for (int i = 0; i < 100; i += 2)
		CHECK(hmap_del(&m, keys[i]) == keys[i]);
	for (int i = 0; i < 100; i++)
		CHECK(hmap_get(&m, keys[i]) == (i % 2 ? keys[i] : NULL));
	hmap_release(&m);
}

void test_base_hmap(void)
{
	test_hash_bytes();
	test_map();
}
