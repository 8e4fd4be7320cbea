/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "check.h"

#include "api/rcache.h"
#include "limits.h"

void test_api_rcache(void);

void test_api_rcache(void)
{
	struct rcache rc;
	struct str got;
	static char big[LIMIT_RENDER_CACHE_BYTES / 16];

	rcache_init(&rc);
	CHECK(!rcache_get(&rc, "vpce-1", 1, 0, &got));
	rcache_put(&rc, "vpce-1", 1, 100, STR_LIT("<a/>"));
	CHECK(rcache_get(&rc, "vpce-1", 1, 99, &got));
	CHECK(str_eq_c(got, "<a/>"));
	/* Stale by time, or by a write to the world. */
	CHECK(!rcache_get(&rc, "vpce-1", 1, 100, &got));
	CHECK(!rcache_get(&rc, "vpce-1", 2, 0, &got));
	/* Replacing keeps one entry and its size. */
	rcache_put(&rc, "vpce-1", 2, INT64_MAX, STR_LIT("<bb/>"));
	CHECK_EQ(rc.bytes, 5);
	CHECK(rcache_get(&rc, "vpce-1", 2, 1000000, &got));
	CHECK(str_eq_c(got, "<bb/>"));
	/* Past the cap everything goes, and the newcomer stays. */
	memset(big, 'x', sizeof(big) - 1);
	for (int i = 0; i < 17; i++) {
		char id[32];

		snprintf(id, sizeof(id), "vpce-big%d", i);
		rcache_put(&rc, id, 2, INT64_MAX, str_from(big, sizeof(big) - 1));
		CHECK(rc.bytes <= LIMIT_RENDER_CACHE_BYTES);
		CHECK(rcache_get(&rc, id, 2, 0, &got));
	}
	CHECK(!rcache_get(&rc, "vpce-1", 2, 0, &got));
	/* Too big for the cache is simply not kept. */
	rcache_put(&rc, "vpce-huge", 2, INT64_MAX, str_from(big, sizeof(big)));
	CHECK(!rcache_get(&rc, "vpce-huge", 2, 0, &got));
	rcache_release(&rc);
}
