/* SPDX-License-Identifier: MIT */
/*
 * The end of what AWS shows for a while after deleting it: terminated
 * instances and deleted gateways leave the world once they have expired,
 * and so do STS sessions an hour after their credentials did.
 */
#include "compat.h"
#include "core/ops.h"

#include "core/host_ops.h"
#include "core/iam.h"
#include "core/net_ops.h"

static bool expired(const struct res *r, int64_t now_ms)
{
	switch (r->kind) {
	case RES_INSTANCE:
		return !instance_visible(AS_INSTANCE((struct res *)r), now_ms);
	case RES_NAT:
		return nat_expired(AS_NAT((struct res *)r), now_ms);
	case RES_VGW:
		return vgw_expired(AS_VGW((struct res *)r), now_ms);
	case RES_STS_SESSION:
		return sts_session_gone(AS_STS_SESSION((struct res *)r), now_ms);
	default:
		return false;
	}
}

size_t world_sweep(struct world *w, int64_t now_ms)
{
	static const enum res_kind kinds[] = { RES_INSTANCE, RES_NAT, RES_VGW, RES_STS_SESSION };
	size_t gone = 0;

	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		/* Backwards, since world_remove() shifts the later entries down. */
		for (size_t i = w->n[kinds[k]]; i-- > 0;) {
			struct res *r = w->items[kinds[k]][i];

			if (expired(r, now_ms)) {
				world_remove(w, r);
				gone++;
			}
		}
	}
	return gone;
}
