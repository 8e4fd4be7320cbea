/* SPDX-License-Identifier: MIT */
/* What explain.c and lint.c share: the analyzer's indexes over one plan. */
#ifndef REACH_INTERNAL_H
#define REACH_INTERNAL_H

#include "compat.h"
#include "reach/reach.h"

#include "base/arena.h"
#include "base/hmap.h"
#include "core/netindex.h"
#include "core/netplan.h"

/* The routes of one kernel table, longest prefix first (ties in plan order). */
struct reach_table {
	char key[24];			/* "<ns>/<table>" */
	const struct np_route **v;
	size_t n;
};

struct reach_bucket {
	const char *name;
	const char *text;		/* borrowed from the input */
	struct policy *policy;
};

struct reach {
	const struct world *w;
	const struct region *region;
	struct np_plan plan;
	struct netindex ix;
	bool prepared;			/* reach_prepare() has run */
	struct hmap ports;		/* eni id -> struct np_port * (reach_prepare()) */
	struct hmap rules;		/* subnet id -> struct np_rule * (its table lookup) */
	struct hmap tables;		/* "<ns>/<table>" -> struct reach_table * */
	struct reach_table *tabv;
	size_t n_tabv;
	const struct np_route **routev;	/* every route, grouped by table */
	bool addresses_indexed;		/* by_ip and by_public are made */
	struct hmap by_ip;		/* "<ip hex>" -> struct ip_owner * */
	struct ip_owner *owners;
	size_t n_owners;
	struct hmap by_public;		/* "p<ip hex>" -> const struct eni * */
	char (*public_keys)[12];
	struct hmap rtb_rules;		/* rtb id -> struct np_rule * (a subnet's that uses it) */
	struct hmap vpce_policies;	/* vpce id -> struct policy * (compiled on first use) */
	struct reach_bucket *buckets;
	size_t n_buckets;
	struct policy **identity;
	size_t n_identity;
	struct policy *allow_all;	/* stands for identity policies not given */
	struct arena scratch;		/* one decision */
};

/* Every ENI with one address, across VPCs (addresses repeat between VPCs). */
struct ip_owner {
	char key[12];
	const struct eni *eni;
	size_t count;
};

/*
 * Makes what questions about addresses need and lint does not: ENIs by
 * address, ports by ENI. Does nothing the second time.
 */
void reach_prepare(struct reach *rx);
/* The route a packet from 'rule''s subnet to 'ip' takes, or NULL. */
const struct np_route *reach_lookup(const struct reach *rx, const struct np_rule *rule,
				    uint32_t ip);
/* The route table 't' gives 'ip', if some subnet uses it; else NULL. */
const struct np_route *reach_lookup_rtb(const struct reach *rx, const struct rtb *t, uint32_t ip);
/* The ENI whose public address is 'ip', or NULL. */
const struct eni *reach_public_owner(struct reach *rx, uint32_t ip);
/* The ENIs whose private address is 'ip' (the first, and how many), or NULL. */
const struct ip_owner *reach_ip_owner(struct reach *rx, uint32_t ip);
/* The subnet's routing rule (its table), or NULL. */
const struct np_rule *reach_rule(const struct reach *rx, const struct subnet *s);
/* The compiled policy of endpoint 'v', or NULL when it does not compile. */
const struct policy *reach_vpce_policy(struct reach *rx, const struct vpce *v);

#endif
