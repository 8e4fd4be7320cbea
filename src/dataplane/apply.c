/* SPDX-License-Identifier: MIT */
/*
 * The realizer (apply.h): namespaces first, then links (removals, then
 * creations, then state), then addresses, routes, rules, sysctls, rulesets
 * and the files `ip netns exec` and `vpce exec` read. Each step dumps what
 * the kernel has and changes only the difference.
 */
#include "compat.h"
#include "dataplane/apply.h"

#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <signal.h>
#include <nftables/libnftables.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "dataplane/fastpath.h"
#include "dataplane/netns.h"
#include "dataplane/nl.h"

#define ETC_NETNS "/etc/netns"
#define MAIN_TABLE 254u

/* One namespace of the plan, as the kernel has it. */
struct nsk {
	struct nl *nl;
	struct nl_link *links;
	size_t n_links;
};

struct ap {
	const struct np_plan *p;
	struct dp_stats *st;
	unsigned long crash_after, changes;
	struct nsk *k;		/* per plan namespace */
	int err;
	char *msg;
	size_t size;
};

static void ATTR_PRINTF(3, 4) fail(struct ap *a, int err, const char *fmt, ...)
{
	va_list ap;

	if (a->err)
		return;		/* the first failure is the one reported */
	a->err = err;
	va_start(ap, fmt);
	vsnprintf(a->msg, a->size, fmt, ap);
	va_end(ap);
	str_lcpy(a->msg + strlen(a->msg), ": ", a->size - strlen(a->msg));
	str_lcpy(a->msg + strlen(a->msg), strerror(-err), a->size - strlen(a->msg));
}

/*
 * Counts one change to the kernel. With a crash point set (the crash test's
 * VPCED_CRASH_AFTER), the process kills itself after that many changes, in
 * the middle of an apply, as a power cut or an OOM kill would.
 */
static void count(struct ap *a, size_t *counter)
{
	(*counter)++;
	if (a->crash_after && ++a->changes >= a->crash_after)
		raise(SIGKILL);
}

static const struct nl_link *link_named(const struct nsk *k, const char *name)
{
	for (size_t i = 0; i < k->n_links; i++)
		if (!strcmp(k->links[i].name, name))
			return &k->links[i];
	return NULL;
}

static int index_of(const struct nsk *k, const char *name)
{
	const struct nl_link *l = link_named(k, name);

	return l ? l->index : 0;
}

static void relist(struct ap *a, size_t ns)
{
	struct nsk *k = &a->k[ns];
	int ret;

	FREE_AND_NULL(k->links);
	k->n_links = 0;
	if (!k->nl)
		return;
	ret = nl_links(k->nl, &k->links, &k->n_links);
	if (ret < 0)
		fail(a, ret, "listing the links of %s", a->p->ns[ns].name);
}

/* Removes /etc/netns/NAME and the two files vpced writes there. */
static void remove_files(const char *name)
{
	char dir[sizeof(ETC_NETNS) + NETNS_NAME_SIZE + 1], path[sizeof(dir) + 16];

	snprintf(dir, sizeof(dir), "%s/%s", ETC_NETNS, name);
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/hostname", dir);
	unlink(path);
	rmdir(dir);
}

/* --- namespaces --- */

static void sync_namespaces(struct ap *a, const char *prefix)
{
	char (*have)[NETNS_NAME_SIZE] = NULL;
	size_t n = 0;
	int ret = netns_list(prefix, &have, &n);

	if (ret < 0) {
		fail(a, ret, "listing namespaces");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		bool wanted = false;

		for (size_t j = 0; j < a->p->n_ns && !wanted; j++)
			wanted = !strcmp(a->p->ns[j].name, have[i]);
		if (wanted)
			continue;
		ret = netns_delete(have[i]);
		remove_files(have[i]);
		fp_forget(have[i]);
		if (ret < 0)
			fail(a, ret, "removing namespace %s", have[i]);
		else
			count(a, &a->st->ns_removed);
	}
	for (size_t j = 0; j < a->p->n_ns; j++) {
		bool had = false;

		for (size_t i = 0; i < n && !had; i++)
			had = !strcmp(a->p->ns[j].name, have[i]);
		ret = netns_create(a->p->ns[j].name);
		if (ret < 0) {
			fail(a, ret, "making namespace %s", a->p->ns[j].name);
			continue;
		}
		if (!had)
			count(a, &a->st->ns_added);
		a->k[j].nl = nl_open(a->p->ns[j].name);
		if (!a->k[j].nl)
			fail(a, -errno, "opening netlink in %s", a->p->ns[j].name);
	}
	free(have);
}

/* --- links --- */

/* Whether the plan has a link 'name' of 'kind' in namespace 'ns' (either end of a veth). */
static bool link_wanted(const struct np_plan *p, size_t ns, const struct nl_link *l)
{
	if (!strcmp(l->name, "lo"))
		return true;
	for (size_t i = 0; i < p->n_links; i++) {
		const struct np_link *x = &p->links[i];
		const char *kind = x->kind == NP_LINK_BRIDGE ? "bridge" : "veth";

		if (x->ns == ns && !strcmp(x->name, l->name))
			return !strcmp(kind, l->kind);
		if (x->kind == NP_LINK_VETH && x->peer_ns == ns && !strcmp(x->peer, l->name))
			return !strcmp(l->kind, "veth");
	}
	return false;
}

static void remove_links(struct ap *a, size_t ns)
{
	struct nsk *k = &a->k[ns];

	for (size_t i = 0; i < k->n_links; i++) {
		int ret;

		if (link_wanted(a->p, ns, &k->links[i]))
			continue;
		ret = nl_link_del(k->nl, k->links[i].index);
		/* -ENODEV: its veth peer's removal took it already. */
		if (ret < 0 && ret != -ENODEV)
			fail(a, ret, "removing link %s in %s", k->links[i].name, a->p->ns[ns].name);
		else
			count(a, &a->st->links_removed);
	}
}

static void create_link(struct ap *a, const struct np_link *x)
{
	struct nsk *k = &a->k[x->ns], *peer = &a->k[x->peer_ns];
	const struct nl_link *stale;
	int ret, fd;

	if (link_named(k, x->name) || !k->nl)
		return;
	if (x->kind == NP_LINK_BRIDGE) {
		ret = nl_bridge_add(k->nl, x->name);
	} else {
		/* Its other end, left alone by a crash or a removal: it goes first. */
		stale = peer->nl ? link_named(peer, x->peer) : NULL;
		if (stale)
			nl_link_del(peer->nl, stale->index);
		fd = netns_open(a->p->ns[x->peer_ns].name);
		if (fd < 0) {
			fail(a, fd, "opening namespace %s", a->p->ns[x->peer_ns].name);
			return;
		}
		ret = nl_veth_add(k->nl, x->name, x->peer, fd, x->peer_mac);
		close(fd);
	}
	if (ret < 0)
		fail(a, ret, "making link %s in %s", x->name, a->p->ns[x->ns].name);
	else
		count(a, &a->st->links_added);
}

static void link_up(struct ap *a, size_t ns, const char *name, const char *master)
{
	struct nsk *k = &a->k[ns];
	const struct nl_link *l = link_named(k, name);
	int m = master && master[0] ? index_of(k, master) : 0;
	int ret;

	if (!l || (l->up && l->master == m))
		return;
	ret = nl_link_up(k->nl, l->index, m);
	if (ret < 0)
		fail(a, ret, "setting up %s in %s", name, a->p->ns[ns].name);
}

static void sync_links(struct ap *a)
{
	const struct np_plan *p = a->p;

	for (size_t ns = 0; ns < p->n_ns; ns++)
		relist(a, ns);
	for (size_t ns = 0; ns < p->n_ns; ns++)
		if (a->k[ns].nl)
			remove_links(a, ns);
	for (size_t ns = 0; ns < p->n_ns; ns++)
		relist(a, ns);
	for (size_t i = 0; i < p->n_links; i++)
		create_link(a, &p->links[i]);
	for (size_t ns = 0; ns < p->n_ns; ns++)
		relist(a, ns);
	for (size_t ns = 0; ns < p->n_ns; ns++)
		link_up(a, ns, "lo", NULL);
	/* Bridges before their ports, so a port's master is up when it joins. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < p->n_links; i++) {
			const struct np_link *x = &p->links[i];

			if ((x->kind == NP_LINK_BRIDGE) != (pass == 0))
				continue;
			link_up(a, x->ns, x->name, x->master);
			if (x->kind == NP_LINK_VETH)
				link_up(a, x->peer_ns, x->peer, NULL);
		}
	for (size_t ns = 0; ns < p->n_ns; ns++)
		relist(a, ns);
}

/* --- addresses, routes and rules: what the kernel has against what the plan wants --- */

/* One kind of object: how to compare two, and how to add or remove one. */
struct kind {
	const char *what;
	size_t size;
	bool (*eq)(const void *a, const void *b);
	int (*set)(struct nl *n, bool add, const void *x);
	size_t *added, *removed;
};

static bool contains(const struct kind *k, const void *v, size_t n, const void *x)
{
	for (size_t i = 0; i < n; i++)
		if (k->eq((const char *)v + i * k->size, x))
			return true;
	return false;
}

/* Removes what 'have' holds and 'want' lacks, then adds the reverse. */
static void diff(struct ap *a, size_t ns, const struct kind *k, const void *have, size_t n_have,
		 const void *want, size_t n_want)
{
	struct nl *nl = a->k[ns].nl;

	for (size_t i = 0; i < n_have; i++) {
		const void *x = (const char *)have + i * k->size;
		int ret;

		if (contains(k, want, n_want, x))
			continue;
		ret = k->set(nl, false, x);
		/* -ESRCH, -EADDRNOTAVAIL: gone with an earlier removal. */
		if (ret < 0 && ret != -ESRCH && ret != -EADDRNOTAVAIL)
			fail(a, ret, "removing %s in %s", k->what, a->p->ns[ns].name);
		else
			count(a, k->removed);
	}
	for (size_t i = 0; i < n_want; i++) {
		const void *x = (const char *)want + i * k->size;
		int ret;

		if (contains(k, have, n_have, x))
			continue;
		ret = k->set(nl, true, x);
		if (ret < 0)
			fail(a, ret, "adding %s in %s", k->what, a->p->ns[ns].name);
		else
			count(a, k->added);
	}
}

static bool addr_eq(const void *x, const void *y)
{
	const struct nl_addr *a = x, *b = y;

	return a->index == b->index && a->ip == b->ip && a->len == b->len;
}

static int addr_set(struct nl *n, bool add, const void *x)
{
	return nl_addr_set(n, add, x);
}

static bool route_eq(const void *x, const void *y)
{
	const struct nl_route *a = x, *b = y;

	return a->table == b->table && a->dst == b->dst && a->len == b->len &&
	       a->type == b->type && a->via == b->via && a->src == b->src && a->oif == b->oif;
}

static int route_set(struct nl *n, bool add, const void *x)
{
	return nl_route_set(n, add, x);
}

static bool rule_eq(const void *x, const void *y)
{
	const struct nl_rule *a = x, *b = y;

	return a->prio == b->prio && a->table == b->table && a->fwmark == b->fwmark &&
	       a->src == b->src && a->src_len == b->src_len && !strcmp(a->iif, b->iif);
}

static int rule_set(struct nl *n, bool add, const void *x)
{
	return nl_rule_set(n, add, x);
}

static struct nl_route kernel_route(const struct nsk *k, const struct np_route *r)
{
	struct nl_route x = { .table = r->table ? r->table : MAIN_TABLE, .dst = r->dst.addr,
			      .len = r->dst.len, .type = RTN_UNICAST, .src = r->src };

	switch (r->hop) {
	case NP_HOP_DEV:
		x.oif = index_of(k, r->dev);
		break;
	case NP_HOP_LOCAL:
		x.type = RTN_LOCAL;
		x.oif = index_of(k, "lo");
		break;
	case NP_HOP_VIA:
	case NP_HOP_ENDPOINT:
		x.via = r->via;
		x.oif = index_of(k, r->dev);
		break;
	case NP_HOP_BLACKHOLE:
		x.type = RTN_BLACKHOLE;
		break;
	}
	return x;
}

/* The plan's addresses, routes and rules of namespace 'ns' as the kernel writes them. */
struct wants {
	struct nl_addr *addrs;
	struct nl_route *routes;
	struct nl_rule *rules;
	size_t n_addrs, n_routes, n_rules, a_addrs, a_routes, a_rules;
};

static void collect(const struct ap *a, size_t ns, struct wants *w)
{
	const struct nsk *k = &a->k[ns];
	const struct np_plan *p = a->p;

	/* The loopback's own address is the kernel's: kept. */
	ALLOC_GROW(w->addrs, w->n_addrs + 1, w->a_addrs);
	w->addrs[w->n_addrs++] = (struct nl_addr){ index_of(k, "lo"), 0x7F000001, 8 };
	for (size_t i = 0; i < p->n_addrs; i++) {
		if (p->addrs[i].ns != ns)
			continue;
		ALLOC_GROW(w->addrs, w->n_addrs + 1, w->a_addrs);
		w->addrs[w->n_addrs++] = (struct nl_addr){ index_of(k, p->addrs[i].dev),
							   p->addrs[i].ip, p->addrs[i].len };
	}
	for (size_t i = 0; i < p->n_routes; i++) {
		if (p->routes[i].ns != ns)
			continue;
		ALLOC_GROW(w->routes, w->n_routes + 1, w->a_routes);
		w->routes[w->n_routes++] = kernel_route(k, &p->routes[i]);
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		struct nl_rule *r;

		if (p->rules[i].ns != ns)
			continue;
		ALLOC_GROW(w->rules, w->n_rules + 1, w->a_rules);
		r = &w->rules[w->n_rules++];
		*r = (struct nl_rule){ .prio = p->rules[i].prio, .table = p->rules[i].table,
				       .fwmark = p->rules[i].fwmark, .src = p->rules[i].from.addr,
				       .src_len = p->rules[i].from.len };
		str_lcpy(r->iif, p->rules[i].iif, sizeof(r->iif));
	}
}

static void sync_objects(struct ap *a, size_t ns)
{
	const struct kind addrs = { "an address", sizeof(struct nl_addr), addr_eq, addr_set,
				    &a->st->addrs_added, &a->st->addrs_removed };
	const struct kind routes = { "a route", sizeof(struct nl_route), route_eq, route_set,
				     &a->st->routes_added, &a->st->routes_removed };
	const struct kind rules = { "a rule", sizeof(struct nl_rule), rule_eq, rule_set,
				    &a->st->rules_added, &a->st->rules_removed };
	struct nl *nl = a->k[ns].nl;
	struct nl_addr *ha = NULL;
	struct nl_route *hr = NULL;
	struct nl_rule *hu = NULL;
	size_t na = 0, nr = 0, nu = 0;
	struct wants w = { 0 };
	int ret;

	collect(a, ns, &w);
	/* Addresses first: a route's next hop must be on a connected network. */
	if ((ret = nl_addrs(nl, &ha, &na)) < 0)
		fail(a, ret, "listing addresses in %s", a->p->ns[ns].name);
	else
		diff(a, ns, &addrs, ha, na, w.addrs, w.n_addrs);
	if ((ret = nl_routes(nl, &hr, &nr)) < 0)
		fail(a, ret, "listing routes in %s", a->p->ns[ns].name);
	else
		diff(a, ns, &routes, hr, nr, w.routes, w.n_routes);
	if ((ret = nl_rules(nl, &hu, &nu)) < 0)
		fail(a, ret, "listing rules in %s", a->p->ns[ns].name);
	else
		diff(a, ns, &rules, hu, nu, w.rules, w.n_rules);
	free(ha);
	free(hr);
	free(hu);
	free(w.addrs);
	free(w.routes);
	free(w.rules);
}

/* --- inside the namespace: sysctls and rulesets --- */

struct inside {
	const struct np_plan *p;
	size_t index;		/* of the namespace in 'p' */
	const struct np_ns *ns;
	const char *ruleset;	/* NULL: none */
	char err[256];
};

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
	ssize_t len = (ssize_t)strlen(text);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, (size_t)len) != len)
		ret = errno ? -errno : -EIO;
	close(fd);
	return ret;
}

/*
 * The fast path is optional: the router's stack decides the same without
 * it, so a kernel without it costs speed, never an apply.
 */
static void fast_path(struct inside *in)
{
	char err[128] = "";
	int ret;

	/* Conntrack no longer sees every segment of a flow: it must not judge TCP windows. */
	write_file("/proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal", "1\n");
	ret = fp_sync(in->p, in->index, err, sizeof(err));
	if (ret < 0)
		log_warn_rl("data plane: no fast path in %s: %s: %s", in->ns->name, err,
			    strerror(-ret));
}

static int configure_inside(void *arg)
{
	struct inside *in = arg;
	struct nft_ctx *nft;
	int ret;

	/* /proc/sys/net is the namespace of the thread that opens it. */
	ret = write_file("/proc/sys/net/ipv4/ip_forward", in->ns->forwarding ? "1\n" : "0\n");
	if (ret < 0) {
		snprintf(in->err, sizeof(in->err), "setting ip_forward");
		return ret;
	}
	if (in->ns->kind == NP_NS_VPC &&
	    access("/proc/sys/net/bridge/bridge-nf-call-iptables", F_OK) == 0)
		write_file("/proc/sys/net/bridge/bridge-nf-call-iptables", "1\n");
	if (!in->ruleset)
		return 0;
	nft = nft_ctx_new(NFT_CTX_DEFAULT);	/* its socket belongs to this namespace */
	if (!nft) {
		snprintf(in->err, sizeof(in->err), "starting libnftables");
		return -ENOMEM;
	}
	nft_ctx_buffer_error(nft);
	ret = nft_run_cmd_from_buffer(nft, in->ruleset);
	if (ret != 0) {
		const char *e = nft_ctx_get_error_buffer(nft);

		snprintf(in->err, sizeof(in->err), "loading its ruleset: %.200s", e ? e : "");
		ret = -EINVAL;
	}
	nft_ctx_free(nft);
	if (ret == 0 && in->ns->kind == NP_NS_VPC)
		fast_path(in);
	return ret;
}

static void sync_inside(struct ap *a, size_t ns)
{
	struct inside in = { .p = a->p, .index = ns, .ns = &a->p->ns[ns] };
	struct buf b;
	int ret;

	buf_init(&b, 64 << 20);
	ret = netplan_nft(a->p, ns, &b);
	if (ret < 0) {
		fail(a, ret, "rendering the ruleset of %s", in.ns->name);
		buf_release(&b);
		return;
	}
	in.ruleset = b.len ? b.p : NULL;
	ret = netns_run(in.ns->name, configure_inside, &in);
	if (ret < 0)
		fail(a, ret, "%s: %s", in.ns->name, in.err);
	else if (in.ruleset)
		count(a, &a->st->rulesets_loaded);
	buf_release(&b);
}

/*
 * What `ip netns exec` and `vpce exec` put in place of /etc/resolv.conf and
 * /etc/hostname, in instances and on premises.
 */
static void sync_files(struct ap *a, size_t ns)
{
	const struct np_ns *x = &a->p->ns[ns];
	char dir[sizeof(ETC_NETNS) + NETNS_NAME_SIZE + 1], path[sizeof(dir) + 16];
	char text[128], ip[IP4_STRLEN];
	int ret;

	if (x->kind != NP_NS_INSTANCE && x->kind != NP_NS_ONPREM)
		return;
	snprintf(dir, sizeof(dir), "%s/%s", ETC_NETNS, x->name);
	if ((mkdir(ETC_NETNS, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(dir, 0755) < 0 && errno != EEXIST)) {
		fail(a, -errno, "making %s", dir);
		return;
	}
	/* No resolver (enableDnsSupport false): a resolv.conf that names none. */
	if (x->nameserver)
		snprintf(text, sizeof(text), "nameserver %s\n", ip4_fmt(x->nameserver, ip));
	else
		snprintf(text, sizeof(text), "# enableDnsSupport is false: no resolver\n");
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	ret = write_file(path, text);
	snprintf(text, sizeof(text), "%s\n", x->hostname);
	snprintf(path, sizeof(path), "%s/hostname", dir);
	if (ret == 0)
		ret = write_file(path, text);
	if (ret < 0)
		fail(a, ret, "writing %s", path);
}

int dp_apply(const struct np_plan *p, const char *prefix, unsigned long crash_after,
	     struct dp_stats *st, char *msg, size_t size)
{
	struct ap a = { .p = p, .st = st, .crash_after = crash_after, .msg = msg, .size = size };

	*st = (struct dp_stats){ 0 };
	msg[0] = '\0';
	a.k = xcalloc(p->n_ns + 1, sizeof(*a.k));
	sync_namespaces(&a, prefix);
	sync_links(&a);
	for (size_t ns = 0; ns < p->n_ns; ns++) {
		if (!a.k[ns].nl)
			continue;
		sync_objects(&a, ns);
		sync_inside(&a, ns);
		sync_files(&a, ns);
	}
	for (size_t ns = 0; ns < p->n_ns; ns++) {
		nl_close(a.k[ns].nl);
		free(a.k[ns].links);
	}
	free(a.k);
	fp_forget_stale(p, prefix);
	return a.err;
}

int dp_teardown(const char *prefix)
{
	char (*have)[NETNS_NAME_SIZE] = NULL;
	size_t n = 0;
	int ret = netns_list(prefix, &have, &n), first = 0;

	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n; i++) {
		ret = netns_delete(have[i]);
		if (ret < 0 && !first)
			first = ret;
		remove_files(have[i]);
		fp_forget(have[i]);
	}
	free(have);
	return first;
}
