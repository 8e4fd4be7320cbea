/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "core/netindex.h"

#include "base/xalloc.h"

/* The VPC a resource belongs to; "" for none (a detached gateway, an address). */
static const char *vpc_of(const struct res *r)
{
	switch (r->kind) {
	case RES_VPC: return r->id;
	case RES_SUBNET: return ((const struct subnet *)r)->vpc_id;
	case RES_RTB: return ((const struct rtb *)r)->vpc_id;
	case RES_SG: return ((const struct sg *)r)->vpc_id;
	case RES_IGW: return ((const struct igw *)r)->vpc_id;
	case RES_NAT: return ((const struct nat *)r)->vpc_id;
	case RES_VGW: return ((const struct vgw *)r)->deleted ? "" : ((const struct vgw *)r)->vpc_id;
	case RES_ENI: return ((const struct eni *)r)->vpc_id;
	case RES_INSTANCE: return ((const struct instance *)r)->vpc_id;
	case RES_VPCE: return ((const struct vpce *)r)->vpc_id;
	default: return "";
	}
}

static void addr_key(char dst[static ID_SIZE + 10], const char *vpc_id, uint32_t ip)
{
	snprintf(dst, ID_SIZE + 10, "%s/%08x", vpc_id, ip);
}

/* The members of the VPC 'r' belongs to, or NULL; 'last' remembers the previous answer. */
static struct vpc_members *owner_of(const struct netindex *ix, const struct res *r,
				    struct vpc_members **last)
{
	const char *vpc_id = vpc_of(r);

	/* Resources come in creation order, mostly a VPC's at a time. */
	if (*last && !strcmp((*last)->vpc->res.id, vpc_id))
		return *last;
	if (!vpc_id[0])
		return NULL;
	*last = hmap_get(&ix->by_vpc, vpc_id);
	return *last;
}

/*
 * Each kind's resources grouped by VPC in one array (a counting sort): the
 * first pass counts and remembers each one's VPC, the second places it.
 */
static void index_kind(struct netindex *ix, const struct world *w, enum res_kind k,
		       struct vpc_members **owner)
{
	struct vpc_members *last = NULL;
	size_t at = 0;

	for (size_t i = 0; i < w->n[k]; i++) {
		owner[i] = owner_of(ix, w->items[k][i], &last);
		if (owner[i])
			owner[i]->n[k]++;
	}
	ix->slots[k] = xcalloc(w->n[k] + 1, sizeof(*ix->slots[k]));
	for (size_t v = 0; v < ix->n_members; v++) {
		ix->members[v].items[k] = ix->slots[k] + at;
		at += ix->members[v].n[k];
		ix->members[v].n[k] = 0;
	}
	for (size_t i = 0; i < w->n[k]; i++) {
		struct vpc_members *m = owner[i];
		struct res *r = w->items[k][i];

		if (!m)
			continue;
		m->items[k][m->n[k]++] = r;
		if (k == RES_IGW && !m->igw)
			m->igw = AS_IGW(r);
		if (k == RES_VGW && !m->vgw)
			m->vgw = AS_VGW(r);
	}
}

void netindex_build(struct netindex *ix, const struct world *w)
{
	struct vpc_members **owner;
	size_t most = 0;

	*ix = (struct netindex){ 0 };
	hmap_init(&ix->by_vpc);
	hmap_init(&ix->by_addr);
	ix->members = xcalloc(w->n[RES_VPC] + 1, sizeof(*ix->members));
	for (size_t i = 0; i < w->n[RES_VPC]; i++) {
		ix->members[i].vpc = AS_VPC(w->items[RES_VPC][i]);
		hmap_put(&ix->by_vpc, w->items[RES_VPC][i]->id, &ix->members[ix->n_members++]);
	}
	for (int k = 0; k < RES_KIND_COUNT; k++)
		most = MAX(most, w->n[k]);
	owner = xcalloc(most + 1, sizeof(*owner));
	for (int k = 0; k < RES_KIND_COUNT; k++)
		index_kind(ix, w, (enum res_kind)k, owner);
	free(owner);
}

void netindex_build_addresses(struct netindex *ix, const struct world *w)
{
	struct res *r;

	if (ix->addresses)
		return;
	ix->addresses = true;
	ix->keys = xcalloc(w->n[RES_ENI] + 1, sizeof(*ix->keys));
	WORLD_FOR_EACH(w, RES_ENI, r) {
		const struct eni *e = AS_ENI(r);

		addr_key(ix->keys[ix->n_keys], e->vpc_id, e->private_ip);
		if (!hmap_get(&ix->by_addr, ix->keys[ix->n_keys])) {
			hmap_put(&ix->by_addr, ix->keys[ix->n_keys], (void *)e);
			ix->n_keys++;
		}
	}
}

void netindex_release(struct netindex *ix)
{
	hmap_release(&ix->by_vpc);
	hmap_release(&ix->by_addr);
	for (int k = 0; k < RES_KIND_COUNT; k++)
		free(ix->slots[k]);
	free(ix->members);
	free(ix->keys);
	*ix = (struct netindex){ 0 };
}

const struct vpc_members *netindex_vpc(const struct netindex *ix, const char *vpc_id)
{
	return hmap_get(&ix->by_vpc, vpc_id);
}

const struct eni *netindex_eni_at(const struct netindex *ix, const char *vpc_id, uint32_t ip)
{
	char key[ID_SIZE + 10];

	assert(ix->addresses);
	addr_key(key, vpc_id, ip);
	return hmap_get(&ix->by_addr, key);
}

const struct rtb *netindex_rtb_for_subnet(const struct netindex *ix, const struct subnet *s)
{
	const struct vpc_members *m = netindex_vpc(ix, s->vpc_id);
	const struct rtb *main_rtb = NULL;
	struct res *r;

	if (!m)
		return NULL;
	VPC_FOR_EACH(m, RES_RTB, r) {
		const struct rtb *t = AS_RTB(r);

		for (size_t i = 0; i < t->n_assocs; i++) {
			if (!strcmp(t->assocs[i].subnet_id, s->res.id))
				return t;
			if (t->assocs[i].main)
				main_rtb = t;
		}
	}
	return main_rtb;
}
