/* SPDX-License-Identifier: MIT */
/*
 * What the API can do to the world, as pure functions: each validates its
 * request against the world completely, then changes the world (recording
 * the change in its journal) or, on any error, fills 'e' with AWS's error
 * code and leaves the world as it was. Time and randomness come in through
 * 'struct ctx', so the same inputs always give the same result.
 */
#ifndef CORE_OPS_H
#define CORE_OPS_H

#include "compat.h"
#include "base/err.h"
#include "core/model.h"
#include "core/catalog.h"
#include "core/region.h"

typedef uint64_t ctx_rand_fn(void *arg);

struct ctx {
	int64_t now_ms;			/* Unix time, milliseconds */
	ctx_rand_fn *rand;		/* uniform 64-bit values */
	void *rand_arg;
	const char *account;		/* the caller's account ID */
	const struct region *region;	/* the daemon's region */
};

/* Writes a new ID, 'prefix' plus 17 lowercase hex digits, into 'dst'. */
void ctx_new_id(struct ctx *cx, const char *prefix, char dst[static ID_SIZE]);
/* Writes 'n' random characters of [a-z0-9] into 'dst' and terminates it. */
void ctx_random_chars(struct ctx *cx, char *dst, size_t n);

/* --- VPCs and subnets (core/vpc_ops.c) --- */
struct vpc_create_req {
	const char *cidr;
	const char *tenancy;		/* NULL: "default" */
};
int vpc_create(struct world *w, struct ctx *cx, const struct vpc_create_req *req,
	       struct vpc **out, struct err *e);
int vpc_delete(struct world *w, struct ctx *cx, const char *vpc_id, struct err *e);
/* Sets an attribute; 'attr' is "enableDnsSupport" or "enableDnsHostnames". */
int vpc_set_attribute(struct world *w, struct ctx *cx, const char *vpc_id, const char *attr,
		      bool value, struct err *e);
/* Finds VPC 'id' of the caller's account, or fails with InvalidVpcID.NotFound. */
struct vpc *vpc_lookup(const struct world *w, const struct ctx *cx, const char *id, struct err *e);

struct subnet_create_req {
	const char *vpc_id;
	const char *cidr;
	const char *az;			/* zone name, or NULL */
	const char *az_id;		/* zone ID, or NULL */
};
int subnet_create(struct world *w, struct ctx *cx, const struct subnet_create_req *req,
		  struct subnet **out, struct err *e);
int subnet_delete(struct world *w, struct ctx *cx, const char *subnet_id, struct err *e);
int subnet_set_map_public_ip(struct world *w, struct ctx *cx, const char *subnet_id,
			     bool value, struct err *e);
struct subnet *subnet_lookup(const struct world *w, const struct ctx *cx, const char *id,
			     struct err *e);
/* Free addresses of 's': its size less AWS's five reserved and every ENI's. */
uint64_t subnet_available_ips(const struct world *w, const struct subnet *s);
/*
 * Picks the lowest free address of 's' (never one of the five AWS reserves).
 * Returns 0 and sets '*ip', or fails with InsufficientFreeAddressesInSubnet.
 */
int subnet_alloc_ip(const struct world *w, const struct subnet *s, uint32_t *ip, struct err *e);
/* True when 'ip' is a usable, unused address of 's'. */
bool subnet_ip_free(const struct world *w, const struct subnet *s, uint32_t ip);

/* --- ENIs (core/eni_ops.c) --- */
struct eni_spec {
	const struct subnet *subnet;
	enum eni_type type;
	uint32_t ip;			/* 0: allocate */
	const char *description;
	char (*groups)[ID_SIZE];
	size_t n_groups;
	const char *owner_res_id;
	bool requester_managed;
	const char *requester_id;
};
/* Makes an ENI; its address must have been checked or be 0 (allocate). */
int eni_create(struct world *w, struct ctx *cx, const struct eni_spec *spec,
	       struct eni **out, struct err *e);


/* --- VPC endpoints (core/vpce_ops.c) --- */
/* The policy an endpoint of 'type' gets when none is given: full access. */
const char *vpce_default_policy(enum vpce_type type);

struct vpce_create_req {
	const char *vpc_id;
	const char *service_name;
	const char *type;		/* "Interface", "Gateway"; NULL: Gateway */
	const char *policy;		/* validated by the caller; NULL: default */
	const char **subnets;
	size_t n_subnets;
	const char **groups;
	size_t n_groups;
	const char **rtbs;
	size_t n_rtbs;
	int private_dns;		/* -1: not given */
};
int vpce_create(struct world *w, struct ctx *cx, const struct vpce_create_req *req,
		struct vpce **out, struct err *e);

struct vpce_modify_req {
	const char *id;
	const char *policy;		/* NULL: unchanged */
	bool reset_policy;
	const char **add_subnets, **remove_subnets;
	size_t n_add_subnets, n_remove_subnets;
	const char **add_groups, **remove_groups;
	size_t n_add_groups, n_remove_groups;
	const char **add_rtbs, **remove_rtbs;
	size_t n_add_rtbs, n_remove_rtbs;
	int private_dns;		/* -1: unchanged */
};
int vpce_modify(struct world *w, struct ctx *cx, const struct vpce_modify_req *req,
		struct err *e);
int vpce_delete(struct world *w, struct ctx *cx, const char *id, struct err *e);
struct vpce *vpce_lookup(const struct world *w, const struct ctx *cx, const char *id,
			 struct err *e);
/* The state an observer sees at 'now_ms': Interface endpoints turn available after a moment. */
enum vpce_state vpce_state_at(const struct vpce *v, int64_t now_ms);
/*
 * The gateway endpoint of VPC 'vpc_id' that carries traffic from 'src' (an
 * address of one of its subnets) to 'dst' (a service's address in 'rg'):
 * the one for that service whose route tables hold the table of the
 * source's subnet. NULL when there is none.
 */
const struct vpce *vpce_gateway_for(const struct world *w, const struct region *rg,
				    const char *vpc_id, uint32_t src, uint32_t dst);
/* How long an Interface endpoint stays pending, in milliseconds. */
#define VPCE_PENDING_MS 1500

struct dns_entry {
	char name[DNS_NAME_SIZE];
	char zone_id[32];
};
/*
 * Fills 'out' (room for 'max') with the DNS entries of interface endpoint
 * 'v' at 'now_ms' in AWS's order: regional, then one per zone, then the
 * private names.
 * Returns how many.
 */
size_t vpce_dns_entries(const struct world *w, const struct vpce *v, const struct region *rg,
			int64_t now_ms, struct dns_entry *out, size_t max);

/* --- Route tables (core/rtb_ops.c) --- */
struct rtb *rtb_lookup(const struct world *w, const struct ctx *cx, const char *id,
		       struct err *e);
/* The route table that applies to 'subnet': its association, else the main one. */
struct rtb *rtb_for_subnet(const struct world *w, const struct subnet *s);

/* --- Security groups (core/sg_ops.c) --- */
struct sg *sg_lookup(const struct world *w, const struct ctx *cx, const char *id,
		     struct err *e);

/* --- Expiry (core/sweep.c) --- */
/*
 * Removes, journaled, what AWS stops showing about an hour after its end:
 * instances terminated, NAT gateways and virtual private gateways deleted
 * that long before 'now_ms' (host_ops.h, net_ops.h), and STS sessions an hour
 * past their expiry (iam.h). Returns how many went.
 * Nothing else refers to them by then: their ENIs and addresses went first.
 */
size_t world_sweep(struct world *w, int64_t now_ms);

#endif
