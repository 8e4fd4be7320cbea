/* SPDX-License-Identifier: MIT */
/*
 * The analyzer's indexes over one plan: ports by ENI, each subnet's table
 * lookup rule, each kernel table's routes longest prefix first, ENIs by
 * address, and the compiled policies. Built once per world; queries then
 * cost lookups, never scans of the account.
 */
#include "compat.h"
#include "reach/internal.h"

#include "base/xalloc.h"
#include "core/catalog.h"
#include "limits.h"

static const char allow_all_doc[] =
	"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
	"\"Resource\":\"*\"}]}";

static void table_key(char dst[static 24], size_t ns, uint32_t table)
{
	snprintf(dst, 24, "%zx/%x", ns, table);
}

/* Longest prefix first within a table; the plan's order breaks ties. */
static int route_cmp(const void *a, const void *b)
{
	const struct np_route *x = *(const struct np_route *const *)a;
	const struct np_route *y = *(const struct np_route *const *)b;

	if (x->ns != y->ns)
		return x->ns < y->ns ? -1 : 1;
	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	if (x->dst.len != y->dst.len)
		return x->dst.len > y->dst.len ? -1 : 1;
	/* AWS: of routes to the same prefix, a static one wins over a prefix list's. */
	if (x->rtb && y->rtb && x->rtb->routes[x->route].to_prefix_list !=
				y->rtb->routes[y->route].to_prefix_list)
		return x->rtb->routes[x->route].to_prefix_list ? 1 : -1;
	return x < y ? -1 : x > y;
}

static void index_tables(struct reach *rx)
{
	const struct np_plan *p = &rx->plan;
	size_t i = 0;

	rx->routev = xcalloc(p->n_routes + 1, sizeof(*rx->routev));
	for (size_t k = 0; k < p->n_routes; k++)
		rx->routev[k] = &p->routes[k];
	qsort(rx->routev, p->n_routes, sizeof(*rx->routev), route_cmp);
	rx->tabv = xcalloc(p->n_routes + 1, sizeof(*rx->tabv));
	while (i < p->n_routes) {
		struct reach_table *t = &rx->tabv[rx->n_tabv++];
		size_t j = i;

		while (j < p->n_routes && rx->routev[j]->ns == rx->routev[i]->ns &&
		       rx->routev[j]->table == rx->routev[i]->table)
			j++;
		table_key(t->key, rx->routev[i]->ns, rx->routev[i]->table);
		t->v = &rx->routev[i];
		t->n = j - i;
		hmap_put(&rx->tables, t->key, t);
		i = j;
	}
}

/* ENIs by address across VPCs, and by public address: made on first use, few questions need them. */
static void index_addresses(struct reach *rx)
{
	const struct world *w = rx->w;
	size_t n_public = 0;
	struct res *r;

	rx->addresses_indexed = true;
	rx->public_keys = xcalloc(w->n[RES_ENI] + 1, sizeof(*rx->public_keys));
	WORLD_FOR_EACH(w, RES_ENI, r) {
		if (!AS_ENI(r)->public_ip)
			continue;
		snprintf(rx->public_keys[n_public], sizeof(rx->public_keys[0]), "p%08x",
			 AS_ENI(r)->public_ip);
		hmap_put(&rx->by_public, rx->public_keys[n_public++], AS_ENI(r));
	}

	rx->owners = xcalloc(w->n[RES_ENI] + 1, sizeof(*rx->owners));
	WORLD_FOR_EACH(w, RES_ENI, r) {
		struct ip_owner *o = &rx->owners[rx->n_owners];
		struct ip_owner *had;

		snprintf(o->key, sizeof(o->key), "%08x", AS_ENI(r)->private_ip);
		had = hmap_get(&rx->by_ip, o->key);
		if (had) {
			had->count++;
			continue;
		}
		o->eni = AS_ENI(r);
		o->count = 1;
		hmap_put(&rx->by_ip, o->key, o);
		rx->n_owners++;
	}
}

static int compile_docs(const struct reach_doc *docs, size_t n, enum pol_type type,
			struct policy **out, const char *what, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		struct pol_problems problems = { 0 };
		int ret = policy_compile(docs[i].text, docs[i].len, type, &out[i], &problems);

		if (ret < 0) {
			err_fail(e, "MalformedPolicyDocument", "the %s '%s' does not compile: %s: %s",
				 what, docs[i].name, problems.n ? problems.v[0].path : "(document)",
				 problems.n ? problems.v[0].msg : "invalid");
			pol_problems_release(&problems);
			return ret;
		}
	}
	return 0;
}

int reach_new(const struct reach_input *in, struct reach **out, struct err *e)
{
	struct reach *rx = xcalloc(1, sizeof(*rx));
	struct policy **bucket_pols;
	int ret;

	rx->w = in->w;
	rx->region = in->region;
	hmap_init(&rx->ports);
	hmap_init(&rx->rules);
	hmap_init(&rx->tables);
	hmap_init(&rx->by_ip);
	hmap_init(&rx->by_public);
	hmap_init(&rx->rtb_rules);
	hmap_init(&rx->vpce_policies);
	arena_init(&rx->scratch, LIMIT_POLICY_SCRATCH_BYTES);
	netindex_build(&rx->ix, in->w);
	ret = netplan_compile_indexed(in->w, in->region, &rx->ix, "reach-", &rx->plan);
	if (ret < 0) {
		err_fail(e, NULL, "the network plan does not compile: %s", strerror(-ret));
		goto fail;
	}
	for (size_t i = 0; i < rx->plan.n_rules; i++)
		if (rx->plan.rules[i].prio == NP_RULE_LOOKUP_PRIO) {
			hmap_put(&rx->rules, rx->plan.rules[i].subnet->res.id, &rx->plan.rules[i]);
			hmap_put(&rx->rtb_rules, rx->plan.rules[i].rtb->res.id, &rx->plan.rules[i]);
		}
	index_tables(rx);

	rx->buckets = xcalloc(in->n_buckets + 1, sizeof(*rx->buckets));
	bucket_pols = xcalloc(in->n_buckets + 1, sizeof(*bucket_pols));
	ret = compile_docs(in->buckets, in->n_buckets, POL_TYPE_RESOURCE, bucket_pols,
			   "bucket policy of", e);
	for (size_t i = 0; i < in->n_buckets; i++)
		rx->buckets[i] = (struct reach_bucket){ in->buckets[i].name, in->buckets[i].text,
						      bucket_pols[i] };
	rx->n_buckets = in->n_buckets;
	free(bucket_pols);
	if (ret < 0)
		goto fail;
	rx->identity = xcalloc(in->n_identity + 1, sizeof(*rx->identity));
	rx->n_identity = in->n_identity;
	ret = compile_docs(in->identity, in->n_identity, POL_TYPE_IDENTITY, rx->identity,
			   "identity policy", e);
	if (ret < 0)
		goto fail;
	ret = policy_compile(allow_all_doc, strlen(allow_all_doc), POL_TYPE_IDENTITY,
			     &rx->allow_all, NULL);
	if (ret < 0)
		goto fail;
	*out = rx;
	return 0;
fail:
	reach_free(rx);
	return ret;
}

static void policy_free_value(void *v)
{
	policy_free(v);
}

void reach_free(struct reach *rx)
{
	if (!rx)
		return;
	hmap_release(&rx->ports);
	hmap_release(&rx->rules);
	hmap_release(&rx->tables);
	hmap_release(&rx->by_ip);
	hmap_release(&rx->by_public);
	hmap_release(&rx->rtb_rules);
	free(rx->public_keys);
	hmap_release_values(&rx->vpce_policies, policy_free_value);
	for (size_t i = 0; i < rx->n_buckets; i++)
		policy_free(rx->buckets[i].policy);
	for (size_t i = 0; i < rx->n_identity; i++)
		policy_free(rx->identity[i]);
	free(rx->buckets);
	free(rx->identity);
	policy_free(rx->allow_all);
	free(rx->tabv);
	free(rx->routev);
	free(rx->owners);
	netindex_release(&rx->ix);
	netplan_release(&rx->plan);
	arena_release(&rx->scratch);
	free(rx);
}

const struct np_rule *reach_rule(const struct reach *rx, const struct subnet *s)
{
	return hmap_get(&rx->rules, s->res.id);
}

const struct np_route *reach_lookup(const struct reach *rx, const struct np_rule *rule,
				    uint32_t ip)
{
	char key[24];
	const struct reach_table *t;

	table_key(key, rule->ns, rule->table);
	t = hmap_get(&rx->tables, key);
	for (size_t i = 0; t && i < t->n; i++)
		if (cidr4_contains_ip(&t->v[i]->dst, ip))
			return t->v[i];
	return NULL;
}

const struct np_route *reach_lookup_rtb(const struct reach *rx, const struct rtb *t, uint32_t ip)
{
	const struct np_rule *rule = hmap_get(&rx->rtb_rules, t->res.id);

	return rule ? reach_lookup(rx, rule, ip) : NULL;
}

void reach_prepare(struct reach *rx)
{
	if (rx->prepared)
		return;
	rx->prepared = true;
	netindex_build_addresses(&rx->ix, rx->w);
	for (size_t i = 0; i < rx->plan.n_ports; i++)
		hmap_put(&rx->ports, rx->plan.ports[i].eni->res.id, &rx->plan.ports[i]);
}

const struct eni *reach_public_owner(struct reach *rx, uint32_t ip)
{
	char key[12];

	if (!rx->addresses_indexed)
		index_addresses(rx);
	snprintf(key, sizeof(key), "p%08x", ip);
	return hmap_get(&rx->by_public, key);
}

const struct ip_owner *reach_ip_owner(struct reach *rx, uint32_t ip)
{
	char key[12];

	if (!rx->addresses_indexed)
		index_addresses(rx);
	snprintf(key, sizeof(key), "%08x", ip);
	return hmap_get(&rx->by_ip, key);
}

const struct policy *reach_vpce_policy(struct reach *rx, const struct vpce *v)
{
	struct policy *p = hmap_get(&rx->vpce_policies, v->res.id);

	if (p)
		return p;
	if (policy_compile(v->policy, strlen(v->policy),
			   v->type == VPCE_GATEWAY ? POL_TYPE_GATEWAY_ENDPOINT : POL_TYPE_ENDPOINT,
			   &p, NULL) < 0)
		return NULL;
	hmap_put(&rx->vpce_policies, v->res.id, p);
	return p;
}

size_t reach_caller_documents(const struct iam_caller *c, struct reach_doc *out)
{
	/* A statement that matches nothing: with it alone, nothing is allowed. */
	static const char none[] = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
				   "\"NotAction\":\"*\",\"Resource\":\"*\"}]}";

	for (size_t i = 0; i < c->n_policies; i++)
		out[i] = (struct reach_doc){ .name = "IdentityPolicy", .text = c->policies[i],
					     .len = strlen(c->policies[i]) };
	if (c->n_policies)
		return c->n_policies;
	out[0] = (struct reach_doc){ .name = "IdentityPolicy", .text = none, .len = sizeof(none) - 1 };
	return 1;
}
