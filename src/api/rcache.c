/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "api/rcache.h"

#include "base/xalloc.h"
#include "core/model.h"
#include "limits.h"

struct rcache_entry {
	char id[ID_SIZE];
	uint64_t gen;
	int64_t until_ms;
	size_t len;
	char xml[];
};

void rcache_init(struct rcache *rc)
{
	hmap_init(&rc->map);
	rc->bytes = 0;
}

void rcache_release(struct rcache *rc)
{
	hmap_release_values(&rc->map, free);
	rcache_init(rc);
}

bool rcache_get(const struct rcache *rc, const char *id, uint64_t gen, int64_t now_ms,
		struct str *out)
{
	const struct rcache_entry *e = hmap_get(&rc->map, id);

	if (!e || e->gen != gen || now_ms >= e->until_ms)
		return false;
	*out = str_from(e->xml, e->len);
	return true;
}

void rcache_put(struct rcache *rc, const char *id, uint64_t gen, int64_t until_ms,
		struct str xml)
{
	struct rcache_entry *e = hmap_del(&rc->map, id);

	if (e) {
		rc->bytes -= e->len;
		free(e);
	}
	if (xml.len >= LIMIT_RENDER_CACHE_BYTES / 16 || strlen(id) >= ID_SIZE)
		return;
	if (rc->bytes + xml.len > LIMIT_RENDER_CACHE_BYTES)
		rcache_release(rc);
	e = xmalloc(sizeof(*e) + xml.len);
	str_lcpy(e->id, id, sizeof(e->id));
	e->gen = gen;
	e->until_ms = until_ms;
	e->len = xml.len;
	memcpy(e->xml, xml.p, xml.len);
	hmap_put(&rc->map, e->id, e);
	rc->bytes += xml.len;
}
