/* SPDX-License-Identifier: MIT */
/* The reconcile loop (reconcile.h): world -> plan -> kernel. */
#include "compat.h"
#include "daemon/reconcile.h"

#include <linux/limits.h>
#include <stdlib.h>

#include "base/log.h"
#include "base/str.h"
#include "dataplane/apply.h"
#include "io/loop.h"

void reconcile_prefix(const char *state_path, char dst[static NP_PREFIX_MAX + 1])
{
	char abs[PATH_MAX];

	netplan_prefix(realpath(state_path, abs) ? abs : state_path, dst);
}

void reconcile_init(struct reconcile *r, const struct world *w, const struct region *region,
		    const char *prefix)
{
	const char *crash = getenv("VPCED_CRASH_AFTER");

	*r = (struct reconcile){ .w = w, .region = region,
				 .crash_after = crash ? strtoul(crash, NULL, 10) : 0 };
	str_lcpy(r->prefix, prefix, sizeof(r->prefix));
}

int reconcile_run(struct reconcile *r)
{
	struct np_plan plan;
	struct dp_stats st;
	char msg[256];
	int64_t t0;
	int ret;

	if (r->ok && r->applied == r->w->generation)
		return 0;
	t0 = loop_now_ms();
	ret = netplan_compile(r->w, r->region, r->prefix, &plan);
	if (ret < 0) {
		log_warn("data plane: cannot compile the plan: %s", strerror(-ret));
		return ret;
	}
	ret = dp_apply(&plan, r->prefix, r->crash_after, &st, msg, sizeof(msg));
	/* The sockets inside the namespaces follow: retried like an apply when one cannot open. */
	if (ret == 0 && r->ls && listeners_sync(r->ls, &plan) < 0) {
		snprintf(msg, sizeof(msg), "cannot open every listener in the namespaces");
		ret = -EAGAIN;
	}
	netplan_release(&plan);
	r->applied = r->w->generation;
	r->ok = ret == 0;
	if (ret < 0) {
		if (strcmp(msg, r->last_err))
			log_warn("data plane: %s (retrying each second)", msg);
		str_lcpy(r->last_err, msg, sizeof(r->last_err));
		return ret;
	}
	r->last_err[0] = '\0';
	log_info("data plane: applied in %lld ms: namespaces +%zu -%zu, links +%zu -%zu, "
		 "addresses +%zu -%zu, routes +%zu -%zu, rules +%zu -%zu, rulesets %zu",
		 (long long)(loop_now_ms() - t0), st.ns_added, st.ns_removed, st.links_added,
		 st.links_removed, st.addrs_added, st.addrs_removed, st.routes_added,
		 st.routes_removed, st.rules_added, st.rules_removed, st.rulesets_loaded);
	return 0;
}
