/* SPDX-License-Identifier: MIT */
/*
 * The analyzer at account scale: a synthetic account of V VPCs, each with 10
 * subnets in three zones, 90 workload ENIs and 10 endpoint ENIs (three
 * interface endpoints in three zones, two gateway endpoints), three security
 * groups and three route tables; then a full lint and Q explain queries.
 * Prints one line of figures; bench/reach/run.sh runs two scales and the ratio.
 * The analyzer is made and the account linted REPS times (the median is
 * printed: one run of a small account is too short to time alone).
 *
 *   bench_reach VPCS QUERIES [REPS]
 */
#include "compat.h"

#include <sys/resource.h>
#include <time.h>

#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/ops.h"
#include "reach/reach.h"

#define SUBNETS 10
#define FLUSH_BYTES (64u << 20)
#define WORKLOADS 90

static uint64_t seed = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	uint64_t z = (seed += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static long rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void mkid(char dst[static ID_SIZE], const char *prefix, unsigned kind, unsigned v,
		 unsigned i)
{
	snprintf(dst, ID_SIZE, "%s%02x%07x%08x", prefix, kind, v, i);
}

static struct res *add(struct world *w, enum res_kind k, const char *id)
{
	struct res *r = res_new(k, id);

	str_lcpy(r->owner, "111122223333", sizeof(r->owner));
	world_insert(w, r);
	return r;
}

static void push_route(struct rtb *t, struct route rt)
{
	ALLOC_GROW(t->routes, t->n_routes + 1, t->alloc_routes);
	t->routes[t->n_routes++] = rt;
}

static void push_assoc(struct rtb *t, const char *id, bool main, const char *subnet)
{
	ALLOC_GROW(t->assocs, t->n_assocs + 1, t->alloc_assocs);
	t->assocs[t->n_assocs] = (struct rtb_assoc){ .main = main };
	str_lcpy(t->assocs[t->n_assocs].id, id, ID_SIZE);
	str_lcpy(t->assocs[t->n_assocs++].subnet_id, subnet, ID_SIZE);
}

static void push_rule(struct sg *g, bool egress, int proto, int from, int to, enum sg_peer peer,
		      struct cidr4 cidr, const char *peer_id)
{
	struct sg_rule *r;

	ALLOC_GROW(g->rules, g->n_rules + 1, g->alloc_rules);
	r = &g->rules[g->n_rules++];
	*r = (struct sg_rule){ .egress = egress, .proto = proto, .from_port = from, .to_port = to,
			       .peer = peer, .cidr = cidr };
	snprintf(r->id, sizeof(r->id), "sgr-%s%02zx", g->res.id + 3, g->n_rules);
	str_lcpy(r->peer_id, peer_id, sizeof(r->peer_id));
}

static struct eni *add_eni(struct world *w, unsigned v, unsigned i, const struct vpc *vpc,
			   const struct subnet *s, uint32_t ip, enum eni_type type,
			   const char *group, const char *owner)
{
	char id[ID_SIZE];
	struct eni *e;

	mkid(id, "eni-", 9, v, i);
	e = (struct eni *)res_new(RES_ENI, id);
	str_lcpy(e->res.owner, "111122223333", sizeof(e->res.owner));
	str_lcpy(e->vpc_id, vpc->res.id, ID_SIZE);
	str_lcpy(e->subnet_id, s->res.id, ID_SIZE);
	e->type = type;
	e->private_ip = ip;
	snprintf(e->mac, sizeof(e->mac), "02:00:%02x:%02x:%02x:%02x", v >> 8 & 0xff, v & 0xff,
		 i >> 8 & 0xff, i & 0xff);
	id_array_push(&e->groups, &e->n_groups, group);
	str_lcpy(e->owner_res_id, owner, ID_SIZE);
	world_insert(w, &e->res);
	return e;
}

static const char *const interface_services[] = { "sqs", "kms", "sts" };
static const char *const gateway_services[] = { "s3", "dynamodb" };

/* One VPC: subnets, groups, tables, endpoints and workloads. */
static void add_vpc(struct world *w, const struct region *rg, unsigned v, char (*sources)[ID_SIZE],
		    size_t *n_sources)
{
	char id[ID_SIZE], ep_id[ID_SIZE], name[SERVICE_NAME_SIZE], pl[PREFIX_LIST_ID_SIZE];
	struct subnet *subnets[SUBNETS];
	struct sg *dflt, *app, *ep_sg;
	struct rtb *main_t, *priv[2];
	struct vpc *vpc;
	unsigned n_eni = 0;

	mkid(id, "vpc-", 0, v, 0);
	vpc = AS_VPC(add(w, RES_VPC, id));
	vpc->cidr = (struct cidr4){ 0x0A000000u | (v % 256) << 16, 16 };
	vpc->dns_support = vpc->dns_hostnames = true;
	mkid(vpc->main_rtb_id, "rtb-", 1, v, 0);
	mkid(vpc->default_sg_id, "sg-", 2, v, 0);

	dflt = AS_SG(add(w, RES_SG, vpc->default_sg_id));
	str_lcpy(dflt->vpc_id, id, ID_SIZE);
	dflt->is_default = true;
	push_rule(dflt, false, -1, -1, -1, PEER_GROUP, (struct cidr4){ 0 }, dflt->res.id);
	push_rule(dflt, true, -1, -1, -1, PEER_CIDR, (struct cidr4){ 0, 0 }, "");
	mkid(id, "sg-", 2, v, 1);
	app = AS_SG(add(w, RES_SG, id));
	str_lcpy(app->vpc_id, vpc->res.id, ID_SIZE);
	push_rule(app, false, 6, 8080, 8080, PEER_CIDR, vpc->cidr, "");
	push_rule(app, true, -1, -1, -1, PEER_CIDR, (struct cidr4){ 0, 0 }, "");
	mkid(id, "sg-", 2, v, 2);
	ep_sg = AS_SG(add(w, RES_SG, id));
	str_lcpy(ep_sg->vpc_id, vpc->res.id, ID_SIZE);
	push_rule(ep_sg, false, 6, 443, 443, PEER_CIDR, vpc->cidr, "");

	main_t = AS_RTB(add(w, RES_RTB, vpc->main_rtb_id));
	str_lcpy(main_t->vpc_id, vpc->res.id, ID_SIZE);
	push_route(main_t, (struct route){ .dest = vpc->cidr, .target = TARGET_LOCAL,
					   .target_id = "local" });
	mkid(id, "rtbassoc-", 3, v, 0);
	push_assoc(main_t, id, true, "");
	for (unsigned t = 0; t < 2; t++) {
		mkid(id, "rtb-", 1, v, t + 1);
		priv[t] = AS_RTB(add(w, RES_RTB, id));
		str_lcpy(priv[t]->vpc_id, vpc->res.id, ID_SIZE);
		push_route(priv[t], (struct route){ .dest = vpc->cidr, .target = TARGET_LOCAL,
						    .target_id = "local" });
	}
	for (unsigned i = 0; i < SUBNETS; i++) {
		mkid(id, "subnet-", 4, v, i);
		subnets[i] = AS_SUBNET(add(w, RES_SUBNET, id));
		str_lcpy(subnets[i]->vpc_id, vpc->res.id, ID_SIZE);
		subnets[i]->cidr = (struct cidr4){ vpc->cidr.addr | i << 8, 24 };
		subnets[i]->az = (int)(i % 3);
		if (i < 8) {
			mkid(id, "rtbassoc-", 3, v, i + 1);
			push_assoc(priv[i % 2], id, false, subnets[i]->res.id);
		}
	}
	/* Gateway endpoints: both services in both private tables. */
	for (unsigned g = 0; g < ARRAY_SIZE(gateway_services); g++) {
		const struct service *svc = catalog_find(gateway_services[g]);
		struct vpce *ep;

		mkid(ep_id, "vpce-", 5, v, g);
		ep = AS_VPCE(add(w, RES_VPCE, ep_id));
		ep->type = VPCE_GATEWAY;
		str_lcpy(ep->vpc_id, vpc->res.id, ID_SIZE);
		catalog_full_name(svc, rg, name);
		str_lcpy(ep->service, name, sizeof(ep->service));
		ep->policy = xstrdup(vpce_default_policy(VPCE_GATEWAY));
		ep->state = VPCE_AVAILABLE;
		catalog_prefix_list_id(svc, rg, pl, sizeof(pl));
		for (unsigned t = 0; t < 2; t++) {
			struct route rt = { .to_prefix_list = true, .target = TARGET_VPCE };

			str_lcpy(rt.pl_id, pl, ID_SIZE);
			str_lcpy(rt.target_id, ep_id, ID_SIZE);
			push_route(priv[t], rt);
			id_array_push(&ep->rtbs, &ep->n_rtbs, priv[t]->res.id);
		}
	}
	/* Interface endpoints in zones a, b and c, with private DNS. */
	for (unsigned k = 0; k < ARRAY_SIZE(interface_services); k++) {
		const struct service *svc = catalog_find(interface_services[k]);
		struct vpce *ep;

		mkid(ep_id, "vpce-", 5, v, 2 + k);
		ep = AS_VPCE(add(w, RES_VPCE, ep_id));
		ep->type = VPCE_INTERFACE;
		str_lcpy(ep->vpc_id, vpc->res.id, ID_SIZE);
		catalog_full_name(svc, rg, name);
		str_lcpy(ep->service, name, sizeof(ep->service));
		ep->policy = xstrdup(vpce_default_policy(VPCE_INTERFACE));
		ep->private_dns = true;
		ep->state = VPCE_AVAILABLE;
		snprintf(ep->dns_suffix, sizeof(ep->dns_suffix), "%08x", v * 8 + k);
		id_array_push(&ep->groups, &ep->n_groups, ep_sg->res.id);
		ep->nets = xcalloc(3, sizeof(*ep->nets));
		for (unsigned z = 0; z < 3; z++) {
			const struct subnet *s = subnets[z];
			struct eni *e = add_eni(w, v, n_eni++, vpc, s, s->cidr.addr + 10 + k,
						ENI_VPC_ENDPOINT, ep_sg->res.id, ep_id);

			str_lcpy(ep->nets[z].subnet_id, s->res.id, ID_SIZE);
			str_lcpy(ep->nets[z].eni_id, e->res.id, ID_SIZE);
		}
		ep->n_nets = 3;
	}
	/* A tenth ENI: an unattached interface, so each VPC holds 100. */
	add_eni(w, v, n_eni++, vpc, subnets[9], subnets[9]->cidr.addr + 10, ENI_INTERFACE,
		dflt->res.id, "");
	for (unsigned i = 0; i < WORKLOADS; i++) {
		const struct subnet *s = subnets[i % SUBNETS];
		struct eni *e = add_eni(w, v, n_eni++, vpc, s, s->cidr.addr + 20 + i / SUBNETS,
					ENI_INTERFACE, i % 3 ? app->res.id : dflt->res.id, "");

		str_lcpy(sources[(*n_sources)++], e->res.id, ID_SIZE);
	}
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "sqs.us-east-1.amazonaws.com",
					     "kms.us-east-1.amazonaws.com", "s3://bucket/key",
					     "arn:aws:dynamodb:us-east-1:111122223333:table/t",
					     "sts.us-east-1.amazonaws.com" };
	const struct region *rg = region_find("us-east-1");
	unsigned vpcs = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100;
	unsigned queries = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 10000;
	unsigned reps = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 1;
	double t_builds[64], t_lints[64];
	char *flush = NULL;
	long rss_analyzer = 0;
	char (*sources)[ID_SIZE] = xcalloc((size_t)vpcs * WORKLOADS + 1, sizeof(*sources));
	size_t n_sources = 0, reachable = 0;
	struct lint_findings f = { 0 };
	struct reach *rx = NULL;
	struct err e = { 0 };
	struct world w;
	double t0, t_build, t_lint, t_explain;
	long rss_world;

	reps = MAX(1u, MIN(reps, (unsigned)ARRAY_SIZE(t_builds)));
	world_init(&w);
	for (unsigned v = 0; v < vpcs; v++)
		add_vpc(&w, rg, v, sources, &n_sources);
	rss_world = rss_kb();

	for (unsigned i = 0; i < reps; i++) {
		/* From scratch: the caches hold none of the account (64 MiB is twice this L3). */
		for (size_t k = 0; flush && k < FLUSH_BYTES; k += 64)
			flush[k] = (char)(flush[k] + 1);
		if (rx) {
			lint_findings_release(&f);
			reach_free(rx);
			rx = NULL;
		}
		t0 = now_s();
		if (reach_new(&(struct reach_input){ .w = &w, .region = rg }, &rx, &e) < 0) {
			fprintf(stderr, "bench_reach: %s\n", e.msg);
			return 1;
		}
		t_builds[i] = now_s() - t0;
		t0 = now_s();
		reach_lint(rx, &f);
		t_lints[i] = now_s() - t0;
		if (!flush) {
			/* Peak memory is read before the flush buffer counts in it. */
			rss_analyzer = rss_kb();
			flush = xcalloc(FLUSH_BYTES, 1);
		}
	}
	qsort(t_builds, reps, sizeof(*t_builds), dcmp);
	qsort(t_lints, reps, sizeof(*t_lints), dcmp);
	t_build = t_builds[reps / 2];
	t_lint = t_lints[reps / 2];

	t0 = now_s();
	for (unsigned q = 0; q < queries; q++) {
		uint64_t r = next();
		struct reach_query query = { .from = sources[r % n_sources],
					     .to = names[(r >> 32) % ARRAY_SIZE(names)] };
		struct reach_result res;

		if (q % 4 == 0) {
			query.principal = "arn:aws:iam::111122223333:user/alice";
			query.action = "sqs:SendMessage";
		}
		if (reach_explain(rx, &query, &res, &e) < 0) {
			fprintf(stderr, "bench_reach: %s\n", e.msg);
			return 1;
		}
		reachable += res.blocked_at == REACH_NONE;
	}
	t_explain = now_s() - t0;
	printf("vpcs=%u subnets=%zu enis=%zu endpoints=%zu findings=%zu analyzer_s=%.3f lint_s=%.3f "
	       "queries=%u explain_s=%.3f us_per_query=%.2f reachable=%zu rss_world_kb=%ld rss_lint_kb=%ld rss_kb=%ld\n",
	       vpcs, w.n[RES_SUBNET], w.n[RES_ENI], w.n[RES_VPCE], f.n, t_build, t_lint, queries, t_explain,
	       t_explain * 1e6 / queries, reachable, rss_world, rss_analyzer,
	       rss_kb() - (flush ? (long)(FLUSH_BYTES >> 10) : 0));
	lint_findings_release(&f);
	reach_free(rx);
	world_release(&w);
	free(sources);
	free(flush);
	return 0;
}
