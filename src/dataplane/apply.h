/* SPDX-License-Identifier: MIT */
/*
 * Makes the kernel what a plan says (docs/dataplane.md): reads what is
 * there, namespace by namespace, and changes only the difference, so that
 * applying the same plan twice changes nothing, and a restart (after a crash,
 * too) converges without duplicating anything. Only namespaces whose names
 * begin with the plan's prefix are ever touched, and inside them only the
 * routes and rules that carry vpced's protocol number.
 */
#ifndef DATAPLANE_APPLY_H
#define DATAPLANE_APPLY_H

#include "compat.h"
#include "core/netplan.h"

/* What one apply changed. */
struct dp_stats {
	size_t ns_added, ns_removed;
	size_t links_added, links_removed;
	size_t addrs_added, addrs_removed;
	size_t routes_added, routes_removed;
	size_t rules_added, rules_removed;
	size_t rulesets_loaded;
};

/*
 * Applies 'p' (compiled with 'prefix'). Returns 0, or the first -errno, with
 * 'msg' saying what failed; it goes on past failures, so one bad object
 * does not stop the rest, and the next apply tries again. 'crash_after'
 * (0: never) kills the process after that many changes: the crash test's.
 */
int dp_apply(const struct np_plan *p, const char *prefix, unsigned long crash_after,
	     struct dp_stats *st, char *msg, size_t size);
/* Removes every namespace whose name begins with 'prefix', and its /etc/netns files. */
int dp_teardown(const char *prefix);

#endif
