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

void netindex_build(struct netindex *ix, const struct world *w)
{
	struct res *r;

	*ix = (struct netindex){ 0 };
	hmap_init(&ix->by_vpc);
	hmap_init(&ix->by_addr);
	WORLD_FOR_EACH(w, RES_VPC, r) {
		struct vpc_members *m = xcalloc(1, sizeof(*m));

		m->vpc = AS_VPC(r);
		hmap_put(&ix->by_vpc, r->id, m);
	}
	for (int k = 0; k < RES_KIND_COUNT; k++) {
		struct vpc_members *last = NULL;

		WORLD_FOR_EACH(w, k, r) {
			const char *vpc_id = vpc_of(r);
			struct vpc_members *m;

			/* Resources come in creation order, mostly a VPC's at a time. */
			if (last && !strcmp(last->vpc->res.id, vpc_id))
				m = last;
			else
				m = last = vpc_id[0] ? hmap_get(&ix->by_vpc, vpc_id) : NULL;

			if (!m)
				continue;
			ALLOC_GROW(m->items[k], m->n[k] + 1, m->alloc[k]);
			m->items[k][m->n[k]++] = r;
			if (k == RES_IGW && !m->igw)
				m->igw = AS_IGW(r);
			if (k == RES_VGW && !m->vgw)
				m->vgw = AS_VGW(r);
		}
	}
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

static void members_free(void *v)
{
	struct vpc_members *m = v;

	for (int k = 0; k < RES_KIND_COUNT; k++)
		free(m->items[k]);
	free(m);
}

void netindex_release(struct netindex *ix)
{
	hmap_release_values(&ix->by_vpc, members_free);
	hmap_release(&ix->by_addr);
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
