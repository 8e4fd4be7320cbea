/* SPDX-License-Identifier: MIT */
/*
 * The reconcile loop (docs/dataplane.md): whenever the world has changed
 * since the last apply, or the last apply failed, compile the plan and
 * apply it. Runs in the daemon's loop, after each batch of API requests is
 * committed and on its one-second tick.
 */
#ifndef DAEMON_RECONCILE_H
#define DAEMON_RECONCILE_H

#include "compat.h"
#include "core/model.h"
#include "core/netplan.h"
#include "core/region.h"
#include "daemon/listeners.h"

struct reconcile {
	const struct world *w;
	const struct region *region;
	char prefix[NP_PREFIX_MAX + 1];
	uint64_t applied;	/* the world's generation last applied */
	bool ok;		/* the last apply succeeded */
	unsigned long crash_after;	/* VPCED_CRASH_AFTER: the crash test's kill point */
	char last_err[256];	/* logged once until it changes */
	struct listeners *ls;	/* sockets in the namespaces, kept in step with each apply; NULL: none */
};

/* The prefix of a daemon's namespaces: "vpce" and four hex digits of its state file's path, "-". */
void reconcile_prefix(const char *state_path, char dst[static NP_PREFIX_MAX + 1]);
void reconcile_init(struct reconcile *r, const struct world *w, const struct region *region,
		    const char *prefix);
/* Applies the plan if the world changed or the last apply failed; 0 or -errno. */
int reconcile_run(struct reconcile *r);

#endif
