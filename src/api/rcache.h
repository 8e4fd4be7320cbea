/* SPDX-License-Identifier: MIT */
/*
 * Rendered XML of describe items, kept between requests: an item's bytes
 * depend only on the world and the time, so while nothing was written (the
 * generation is the same) and the item's time-dependent fields cannot have
 * moved, the same bytes are sent again. Bounded by LIMIT_RENDER_CACHE_BYTES;
 * past it, everything is dropped and rendering starts afresh.
 */
#ifndef API_RCACHE_H
#define API_RCACHE_H

#include "compat.h"
#include "base/hmap.h"
#include "base/str.h"

struct rcache {
	struct hmap map;	/* id -> struct rcache_entry * */
	size_t bytes;		/* held in entries */
};

void rcache_init(struct rcache *rc);
/* Frees every entry. */
void rcache_release(struct rcache *rc);
/*
 * The bytes rendered for 'id' at generation 'gen', if they are still good
 * at 'now_ms'; otherwise false. The view is valid until the next put.
 */
bool rcache_get(const struct rcache *rc, const char *id, uint64_t gen, int64_t now_ms,
		struct str *out);
/* Keeps 'xml' as what 'id' renders to at 'gen', good until 'until_ms'. */
void rcache_put(struct rcache *rc, const char *id, uint64_t gen, int64_t until_ms,
		struct str xml);

#endif
