/* SPDX-License-Identifier: MIT */
/*
 * Security groups, instances and network interfaces as pure ops, in the
 * manner of core/ops.h: each validates its whole request first, then changes
 * the world (journaled), or fills 'e' with AWS's error and leaves the world
 * exactly as it was. AWS facts behind the rules: docs/aws-reference.md, section 8.
 */
#ifndef CORE_HOST_OPS_H
#define CORE_HOST_OPS_H

#include "compat.h"
#include "core/ops.h"

/* --- Security groups (core/sg_ops.c) --- */
struct sg_create_req {
	const char *vpc_id;		/* NULL: AWS's "no default VPC" error */
	const char *name;
	const char *description;
};
/* Makes a group holding AWS's default egress rule (all traffic to 0.0.0.0/0). */
int sg_create(struct world *w, struct ctx *cx, const struct sg_create_req *req,
	      struct sg **out, struct err *e);
/* Deletes group 'id'; fails for the default group or a group still in use. */
int sg_delete(struct world *w, struct ctx *cx, const char *id, struct err *e);

/* One source (ingress) or destination (egress) of a permission, as sent. */
struct sg_peer_spec {
	enum sg_peer kind;
	const char *value;		/* the CIDR, pl-… or sg-…; NULL for a group by name */
	const char *group_name;		/* PEER_GROUP named in the group's VPC; else NULL */
	const char *user_id;		/* PEER_GROUP owner; NULL: the caller */
	const char *description;	/* NULL: none */
};

/* One IpPermission, as sent. */
struct sg_perm_spec {
	const char *protocol;		/* "tcp", "6", "-1", …; NULL: missing */
	bool has_from, has_to;
	long from, to;
	const struct sg_peer_spec *peers;
	size_t n_peers;
};

/*
 * Adds one rule per (permission, peer) to the ingress or 'egress' rules of
 * group 'id'. The new rules are the group's rules from index '*first' to its
 * end, in request order.
 */
int sg_authorize(struct world *w, struct ctx *cx, const char *id, bool egress,
		 const struct sg_perm_spec *perms, size_t n, struct sg **out, size_t *first,
		 struct err *e);

/*
 * Removes the rules that 'perms' and 'rule_ids' name from the ingress or
 * 'egress' rules of group 'id'; every one must exist (AWS's rule for groups
 * outside a default VPC). '*revoked' receives the removed rules, owned by the
 * caller: free them with sg_rules_free().
 */
int sg_revoke(struct world *w, struct ctx *cx, const char *id, bool egress,
	      const struct sg_perm_spec *perms, size_t n, const char **rule_ids,
	      size_t n_rule_ids, struct sg_rule **revoked, size_t *n_revoked, struct err *e);
/* Frees an array of 'n' rules and their descriptions; NULL is a no-op. */
void sg_rules_free(struct sg_rule *rules, size_t n);

/* Writes the ipProtocol of 'proto' ("tcp", "-1", "50") into 'dst'; returns 'dst'. */
const char *sg_proto_name(int proto, char dst[static 8]);
/* True when an IpPermission of 'proto' carries fromPort and toPort. */
bool sg_proto_has_ports(int proto);

/*
 * Checks 'groups' (sg IDs) for a network interface in subnet 's', as
 * RunInstances does: each must exist in the subnet's VPC, at most
 * LIMIT_GROUPS_PER_ENI of them.
 */
int sg_check_for_subnet(const struct world *w, const struct ctx *cx, const struct subnet *s,
			const char **groups, size_t n, struct err *e);
/* Checks 'groups' for an existing interface of 'vpc_id', as the Modify actions do. */
int sg_check_for_vpc(const struct world *w, const struct ctx *cx, const char *vpc_id,
		     const char **groups, size_t n, struct err *e);

/* --- Network interfaces (core/instance_ops.c) --- */
/* Finds ENI 'id' of the caller's, or fails with AWS's NotFound or Malformed error. */
struct eni *eni_lookup(const struct world *w, const struct ctx *cx, const char *id,
		       struct err *e);

struct eni_modify_req {
	const char *id;
	const char **groups;		/* replace the groups when 'n_groups' > 0 */
	size_t n_groups;
	int source_dest_check;		/* -1: unchanged */
	const char *description;	/* NULL: unchanged */
};
/* Changes the attributes of an ENI; requester-managed ENIs cannot be changed. */
int eni_modify(struct world *w, struct ctx *cx, const struct eni_modify_req *req,
	       struct err *e);
/* Deletes an ENI; fails for one in use or requester-managed. */
int eni_delete(struct world *w, struct ctx *cx, const char *id, struct err *e);

/* --- Instances (core/instance_ops.c) --- */
/* What DescribeInstances shows: 'struct instance' state plus time. */
enum instance_view {
	VIEW_PENDING,
	VIEW_RUNNING,
	VIEW_SHUTTING_DOWN,
	VIEW_TERMINATED,
};
/* How long an instance stays pending, and shutting down, in milliseconds. */
#define INSTANCE_PENDING_MS 1500
#define INSTANCE_SHUTDOWN_MS 1500
/* How long a terminated instance stays visible after TerminateInstances (AWS: about an hour). */
#define INSTANCE_GONE_MS (60 * 60 * 1000)
/* The default InstanceType of RunInstances (EC2 API reference). */
#define INSTANCE_DEFAULT_TYPE "m1.small"

enum instance_view instance_state_at(const struct instance *in, int64_t now_ms);
/*
 * False once 'in' has been terminated for INSTANCE_GONE_MS: DescribeInstances
 * no longer lists it and every action answers InvalidInstanceID.NotFound,
 * though the world may hold it until world_sweep() removes it.
 */
bool instance_visible(const struct instance *in, int64_t now_ms);
/* AWS's state code (0, 16, 32, 48) and name ("pending", …) of 'v'. */
int instance_view_code(enum instance_view v);
const char *instance_view_name(enum instance_view v);

/* Finds a visible instance of the caller's, or fails with AWS's NotFound or Malformed error. */
struct instance *instance_lookup(const struct world *w, const struct ctx *cx, const char *id,
				 struct err *e);
/*
 * Checks that every ID of 'ids' is an instance of the caller's; the
 * InvalidInstanceID.NotFound message names every missing one, as AWS's does.
 */
int instance_check_ids(const struct world *w, const struct ctx *cx, const char **ids,
		       size_t n, struct err *e);

struct instance_launch_req {
	const char *image_id;
	const char *instance_type;	/* NULL: INSTANCE_DEFAULT_TYPE */
	const char *key_name;		/* NULL: none */
	long min_count, max_count;
	const char *subnet_id;		/* NULL: AWS's "no default VPC" error */
	const char **groups;		/* none: the VPC's default group */
	size_t n_groups;
	const char *private_ip;		/* NULL: the lowest free address */
	int public_ip;			/* -1: the subnet's MapPublicIpOnLaunch */
	const char *description;	/* of the ENI; NULL: "" */
	const char *client_token;	/* ClientToken, kept on each instance; NULL: none */
};
/*
 * Launches between 'min_count' and 'max_count' instances (as many as the
 * subnet has addresses for), each with its own ENI, as one reservation with
 * a new r- ID. They are the instances of the world from index '*first' to
 * the end, in launch order.
 */
int instance_launch(struct world *w, struct ctx *cx, const struct instance_launch_req *req,
		    size_t *first, struct err *e);
/*
 * Terminates instances 'ids' (all are checked first): each loses its ENI,
 * and so its addresses, but stays visible for INSTANCE_GONE_MS. 'prev'
 * (room for 'n') receives the state each one showed before.
 */
int instance_terminate(struct world *w, struct ctx *cx, const char **ids, size_t n,
		       enum instance_view *prev, struct err *e);
/* Replaces the groups of the instance's ENI ('n_groups' > 0) and/or its source/dest check. */
int instance_modify(struct world *w, struct ctx *cx, const char *id, const char **groups,
		    size_t n_groups, int source_dest_check, struct err *e);

/*
 * Returns the reservation ID of 'in': its own, or for an instance stored
 * before vpce kept one, "r-" and 17 hex digits hashed from its instance ID
 * (written into 'buf'), so that it is a reservation of its own.
 */
const char *instance_reservation_id(const struct instance *in, char buf[static ID_SIZE]);
/*
 * The index in the world's instances of the first instance of the
 * reservation holding the instance at index 'i'.
 */
size_t instance_reservation_start(const struct world *w, size_t i);

/* "ip-10-0-1-5.ec2.internal" (us-east-1) or "ip-….<region>.compute.internal". */
void host_private_dns(const struct region *rg, uint32_t ip, char dst[static 96]);
/* "ec2-198-19-0-5.compute-1.amazonaws.com" or "ec2-….<region>.compute.amazonaws.com". */
void host_public_dns(const struct region *rg, uint32_t ip, char dst[static 96]);

#endif
