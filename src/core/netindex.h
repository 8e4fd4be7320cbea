/* SPDX-License-Identifier: MIT */
/*
 * An index of a world by VPC: each VPC's resources of every kind, and its
 * network interfaces by address, so that compiling a plan or explaining a
 * path costs a lookup instead of a scan of the whole account. Built in one
 * pass; borrowed pointers into the world, valid while the world is unchanged.
 */
#ifndef CORE_NETINDEX_H
#define CORE_NETINDEX_H

#include "compat.h"
#include "base/hmap.h"
#include "core/model.h"

struct vpc_members {
	const struct vpc *vpc;
	struct res **items[RES_KIND_COUNT];	/* its resources of each kind, creation order */
	size_t n[RES_KIND_COUNT];
	const struct igw *igw;			/* attached internet gateway, or NULL */
	const struct vgw *vgw;			/* attached virtual private gateway, or NULL */
};

struct netindex {
	struct vpc_members *members;	/* owned: one per VPC, in the world's order */
	size_t n_members;
	struct res **slots[RES_KIND_COUNT];	/* owned: each kind grouped by VPC; items point in */
	struct hmap by_vpc;		/* vpc id -> struct vpc_members * (into 'members') */
	struct hmap by_addr;		/* "<vpc id>/<ip hex>" -> const struct eni * */
	char (*keys)[ID_SIZE + 10];	/* owned: the keys of by_addr */
	size_t n_keys;
	bool addresses;			/* by_addr is made */
};

/* Indexes 'w' by VPC. */
void netindex_build(struct netindex *ix, const struct world *w);
/*
 * Indexes the ENIs of 'w' by address too, for netindex_eni_at(); a plan does
 * not need it, questions about addresses do. Does nothing the second time.
 */
void netindex_build_addresses(struct netindex *ix, const struct world *w);
void netindex_release(struct netindex *ix);
/* The resources of VPC 'vpc_id', or NULL when there is no such VPC. */
const struct vpc_members *netindex_vpc(const struct netindex *ix, const char *vpc_id);
/* The network interface with address 'ip' in VPC 'vpc_id', or NULL (needs the addresses indexed). */
const struct eni *netindex_eni_at(const struct netindex *ix, const char *vpc_id, uint32_t ip);

/*
 * The route table that applies to subnet 's': its association, else its
 * VPC's main table (rtb_for_subnet() of ops.h, looking at its VPC's tables
 * only). NULL when there is none.
 */
const struct rtb *netindex_rtb_for_subnet(const struct netindex *ix, const struct subnet *s);

/* Iterates the resources of 'kind' of VPC members 'm' as 'struct res *r'. */
#define VPC_FOR_EACH(m, kind, r)                                        \
	for (size_t vfe_i_ = 0;                                         \
	     vfe_i_ < (m)->n[kind] && ((r) = (m)->items[kind][vfe_i_], 1); \
	     vfe_i_++)

#endif
