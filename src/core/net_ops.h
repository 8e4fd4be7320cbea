/* SPDX-License-Identifier: MIT */
/*
 * Route tables and the gateways routes lead to (internet, virtual private and
 * NAT gateways), Elastic IPs and the AWS-managed prefix lists, as pure ops
 * with the contract of core/ops.h: validate completely, then change the world
 * (journaled), or fill 'e' with AWS's error and change nothing. The AWS facts
 * behind each rule are in docs/aws-reference.md, section 7.
 */
#ifndef CORE_NET_OPS_H
#define CORE_NET_OPS_H

#include "compat.h"
#include "core/ops.h"

/* --- Route tables (core/rtb_ops.c) --- */

/* Makes a route table in VPC 'vpc_id' holding only the local route. */
int rtb_create(struct world *w, struct ctx *cx, const char *vpc_id, struct rtb **out,
	       struct err *e);
/* Deletes a table; DependencyViolation while it has any association (main included). */
int rtb_delete(struct world *w, struct ctx *cx, const char *rtb_id, struct err *e);
/*
 * Associates 'subnet_id' with table 'rtb_id' and writes the new rtbassoc- ID
 * into 'assoc_id'. A subnet has at most one explicit association.
 */
int rtb_associate(struct world *w, struct ctx *cx, const char *rtb_id, const char *subnet_id,
		  char assoc_id[static ID_SIZE], struct err *e);
/* Removes a subnet association; the main association cannot be removed. */
int rtb_disassociate(struct world *w, struct ctx *cx, const char *assoc_id, struct err *e);
/*
 * Moves association 'assoc_id' (a subnet's, or the VPC's main one) to table
 * 'rtb_id' under a new ID written into 'new_id'. Moving the main association
 * makes 'rtb_id' the VPC's main table.
 */
int rtb_replace_association(struct world *w, struct ctx *cx, const char *assoc_id,
			    const char *rtb_id, char new_id[static ID_SIZE], struct err *e);

/* CreateRoute, ReplaceRoute and DeleteRoute as the API received them; NULL: absent. */
struct route_req {
	const char *rtb_id;
	const char *dest_cidr;		/* DestinationCidrBlock */
	const char *dest_ipv6;		/* DestinationIpv6CidrBlock: never valid here */
	const char *dest_pl;		/* DestinationPrefixListId */
	const char *gateway_id;		/* igw-, vgw-, or "local" */
	const char *nat_id;
	const char *eni_id;
	const char *instance_id;
	const char *vpce_id;		/* VpcEndpointId: gateway endpoints are refused */
	bool local_target;		/* ReplaceRoute LocalTarget=true */
};
int route_create(struct world *w, struct ctx *cx, const struct route_req *req, struct err *e);
int route_replace(struct world *w, struct ctx *cx, const struct route_req *req, struct err *e);
int route_delete(struct world *w, struct ctx *cx, const struct route_req *req, struct err *e);
/*
 * False when the target of route 'r' of table 't' no longer exists or is no
 * longer attached to the table's VPC: AWS then shows the route "blackhole".
 */
bool route_active(const struct world *w, const struct rtb *t, const struct route *r);
/* The route table of the caller's holding association 'assoc_id' (and its index), or NULL. */
struct rtb *rtb_assoc_find(const struct world *w, const struct ctx *cx, const char *assoc_id,
			   size_t *index);

/* --- Internet gateways (core/gw_ops.c) --- */
int igw_create(struct world *w, struct ctx *cx, struct igw **out, struct err *e);
int igw_attach(struct world *w, struct ctx *cx, const char *igw_id, const char *vpc_id,
	       struct err *e);
int igw_detach(struct world *w, struct ctx *cx, const char *igw_id, const char *vpc_id,
	       struct err *e);
/* Deletes a detached gateway; DependencyViolation while it is attached. */
int igw_delete(struct world *w, struct ctx *cx, const char *igw_id, struct err *e);
struct igw *igw_lookup(const struct world *w, const struct ctx *cx, const char *id,
		       struct err *e);

/* --- Virtual private gateways (core/gw_ops.c) --- */
#define VGW_DEFAULT_ASN 64512		/* AmazonSideAsn when none is given */
struct vgw_create_req {
	const char *type;		/* must be "ipsec.1" */
	const char *az;			/* zone name, or NULL */
	int64_t asn;			/* -1: VGW_DEFAULT_ASN */
};
int vgw_create(struct world *w, struct ctx *cx, const struct vgw_create_req *req,
	       struct vgw **out, struct err *e);
int vgw_attach(struct world *w, struct ctx *cx, const char *vgw_id, const char *vpc_id,
	       struct err *e);
/*
 * Detaches a gateway from 'vpc_id', which it keeps as its detached_vpc_id:
 * AWS goes on listing the attachment, in state "detached".
 */
int vgw_detach(struct world *w, struct ctx *cx, const char *vgw_id, const char *vpc_id,
	       struct err *e);
/* Marks a detached gateway deleted; it stays visible with state "deleted". */
int vgw_delete(struct world *w, struct ctx *cx, const char *vgw_id, struct err *e);
/* How long a deleted gateway stays visible (AWS: about an hour), in milliseconds. */
#define VGW_GONE_MS (60 * 60 * 1000)
/*
 * True once 'g' has been deleted for VGW_GONE_MS, or was deleted before vpce
 * kept the time: world_sweep() removes it.
 */
bool vgw_expired(const struct vgw *g, int64_t now_ms);
/* Finds a gateway that is not deleted, or fails with InvalidVpnGatewayID.NotFound. */
struct vgw *vgw_lookup(const struct world *w, const struct ctx *cx, const char *id,
		       struct err *e);

/* --- Elastic IPs (core/gw_ops.c) --- */
#define EIP_POOL_NAME "amazon"		/* PublicIpv4Pool of every address */
struct eip_alloc_req {
	const char *domain;		/* NULL or "vpc" */
	const char *address;		/* a specific pool address, or NULL */
	const char *border_group;	/* NULL or the region's name */
	const char *pool;		/* NULL or "amazon" */
};
/*
 * Allocates the lowest free address of region_public_pool(), skipping the
 * first and last address of every /24 (docs/aws-reference.md, 7.5).
 */
int eip_allocate(struct world *w, struct ctx *cx, const struct eip_alloc_req *req,
		 struct eip **out, struct err *e);
struct eip_assoc_req {
	const char *alloc_id;
	const char *public_ip;		/* refused: VPC addresses need 'alloc_id' */
	const char *eni_id;
	const char *instance_id;
	const char *private_ip;		/* must be the ENI's address when given */
	bool allow_reassoc;
};
/* Maps an address to an ENI (or an instance's ENI), setting the ENI's public_ip. */
int eip_associate(struct world *w, struct ctx *cx, const struct eip_assoc_req *req,
		  struct eip **out, struct err *e);
int eip_disassociate(struct world *w, struct ctx *cx, const char *assoc_id,
		     const char *public_ip, struct err *e);
int eip_release(struct world *w, struct ctx *cx, const char *alloc_id, const char *public_ip,
		struct err *e);
struct eip *eip_lookup(const struct world *w, const struct ctx *cx, const char *alloc_id,
		       struct err *e);

/* --- NAT gateways (core/gw_ops.c) --- */
enum nat_state {
	NAT_PENDING,
	NAT_AVAILABLE,
	NAT_DELETING,
	NAT_DELETED,
};
/* How long a new NAT gateway stays pending, and a deleted one deleting, in milliseconds. */
#define NAT_PENDING_MS 1500
#define NAT_DELETING_MS 1500
/* How long a deleted NAT gateway stays visible (AWS: about an hour), in milliseconds. */
#define NAT_GONE_MS (60 * 60 * 1000)
/* Description of a NAT gateway's ENI: this prefix, then the gateway's ID. */
#define NAT_ENI_DESCRIPTION "Interface for NAT Gateway "
/* RequesterId of a NAT gateway's ENI (one real sample, eu-west-1). */
#define NAT_ENI_REQUESTER_ID "036872051663"
struct nat_create_req {
	const char *subnet_id;
	const char *alloc_id;		/* public gateways only */
	const char *connectivity;	/* "public" (NULL) or "private" */
	const char *private_ip;		/* in the subnet, or NULL: allocate */
};
/*
 * Makes a NAT gateway with its requester-managed ENI in the subnet; a public
 * one takes the Elastic IP 'alloc_id', which becomes associated to the ENI.
 */
int nat_create(struct world *w, struct ctx *cx, const struct nat_create_req *req,
	       struct nat **out, struct err *e);
/*
 * Marks a gateway deleted at 'cx->now_ms', releasing its ENI and its
 * address's association at once; it keeps its private address for describe.
 */
int nat_delete(struct world *w, struct ctx *cx, const char *nat_id, struct err *e);
/* Finds a gateway of the caller's, deleted ones included, or fails with NatGatewayNotFound. */
struct nat *nat_lookup(const struct world *w, const struct ctx *cx, const char *id,
		       struct err *e);
/*
 * The state an observer sees at 'now_ms': pending for NAT_PENDING_MS, then
 * available; once deleted, deleting for NAT_DELETING_MS, then deleted.
 */
enum nat_state nat_state_at(const struct nat *n, int64_t now_ms);
/*
 * True once 'n' has been deleted for NAT_GONE_MS, or was deleted before vpce
 * kept the time: world_sweep() removes it.
 */
bool nat_expired(const struct nat *n, int64_t now_ms);

#endif
