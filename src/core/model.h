/* SPDX-License-Identifier: MIT */
/*
 * The desired state of one emulated region: every resource the API can make,
 * held in a 'struct world' that indexes them by ID and keeps each kind in
 * creation order. The world owns its resources; pointers into it are valid
 * until the resource is removed. Mutations are recorded in a journal so the
 * store can write exactly what changed in one transaction.
 */
#ifndef CORE_MODEL_H
#define CORE_MODEL_H

#include "compat.h"

#include <assert.h>

#include "base/hmap.h"
#include "core/cidr.h"
#include "limits.h"

#define ID_SIZE 40	/* the longest ID, "vpc-cidr-assoc-" + 17 hex, plus NUL */
#define ACCOUNT_SIZE 13	/* 12 digits plus NUL */

enum res_kind {
	RES_VPC,
	RES_SUBNET,
	RES_RTB,
	RES_SG,
	RES_IGW,
	RES_NAT,
	RES_VGW,
	RES_EIP,
	RES_ENI,
	RES_INSTANCE,
	RES_VPCE,
	RES_IAM_USER,
	RES_IAM_ROLE,
	RES_IAM_POLICY,
	RES_IAM_KEY,
	RES_STS_SESSION,
	RES_KIND_COUNT
};

struct tag {
	char *key;	/* owned */
	char *value;	/* owned; "" when AWS shows an empty value */
};

/* The part every resource starts with. */
struct res {
	enum res_kind kind;
	char id[ID_SIZE];
	char owner[ACCOUNT_SIZE];	/* account ID that made it */
	int64_t created_ms;		/* Unix time in milliseconds */
	struct tag *tags;		/* owned, in insertion order */
	size_t n_tags, alloc_tags;
};

struct vpc {
	struct res res;
	struct cidr4 cidr;
	char cidr_assoc_id[ID_SIZE];	/* vpc-cidr-assoc-… */
	char dhcp_options_id[ID_SIZE];
	bool dns_support;		/* enableDnsSupport, default true */
	bool dns_hostnames;		/* enableDnsHostnames, default false */
	bool is_default;
	char instance_tenancy[16];	/* "default" or "dedicated" */
	char main_rtb_id[ID_SIZE];
	char default_sg_id[ID_SIZE];
};

struct subnet {
	struct res res;
	char vpc_id[ID_SIZE];
	struct cidr4 cidr;
	int az;				/* index into the region's AZs */
	bool map_public_ip;		/* MapPublicIpOnLaunch */
	bool default_for_az;
};

enum route_target {
	TARGET_LOCAL,
	TARGET_IGW,
	TARGET_NAT,
	TARGET_VGW,
	TARGET_ENI,
	TARGET_INSTANCE,
	TARGET_VPCE,
	/*
	 * A target vpce does not model (a transit gateway, a peering
	 * connection …), met only in an account export: traffic leaves the
	 * analysis there. 'target_id' names it.
	 */
	TARGET_OTHER,
};

enum route_origin {
	ORIGIN_CREATE_ROUTE_TABLE,	/* the local route */
	ORIGIN_CREATE_ROUTE,
	ORIGIN_ENABLE_VGW_PROPAGATION,
};

struct route {
	bool to_prefix_list;		/* destination is 'pl_id', not 'dest' */
	struct cidr4 dest;
	char pl_id[ID_SIZE];
	enum route_target target;
	char target_id[ID_SIZE];	/* "local" for TARGET_LOCAL */
	enum route_origin origin;
};

struct rtb_assoc {
	char id[ID_SIZE];		/* rtbassoc-… */
	bool main;			/* the VPC's main association */
	char subnet_id[ID_SIZE];	/* "" when main */
};

struct rtb {
	struct res res;
	char vpc_id[ID_SIZE];
	struct route *routes;
	size_t n_routes, alloc_routes;
	struct rtb_assoc *assocs;
	size_t n_assocs, alloc_assocs;
};

enum sg_peer {
	PEER_CIDR,
	PEER_PREFIX_LIST,
	PEER_GROUP,
};

struct sg_rule {
	char id[ID_SIZE];		/* sgr-… */
	bool egress;
	int proto;			/* IANA number; -1 is all */
	int from_port, to_port;		/* -1 when the protocol has none */
	enum sg_peer peer;
	struct cidr4 cidr;
	char peer_id[ID_SIZE];		/* pl-… or sg-… */
	char peer_owner[ACCOUNT_SIZE];	/* for PEER_GROUP */
	char *description;		/* owned; NULL: none */
};

struct sg {
	struct res res;
	char vpc_id[ID_SIZE];
	char *name;			/* owned */
	char *description;		/* owned */
	bool is_default;
	struct sg_rule *rules;
	size_t n_rules, alloc_rules;
};

struct igw {
	struct res res;
	char vpc_id[ID_SIZE];		/* "" when detached */
};

struct vgw {
	struct res res;
	char vpc_id[ID_SIZE];		/* "" when detached */
	char detached_vpc_id[ID_SIZE];	/* the VPC it left, while detached; else "" */
	uint32_t asn;			/* Amazon side ASN */
	int az;				/* -1: none given */
	bool deleted;			/* state "deleted", kept for describe */
	int64_t deleted_ms;		/* when; 0 if not, or deleted before vpce kept it */
};

struct nat {
	struct res res;
	char vpc_id[ID_SIZE];
	char subnet_id[ID_SIZE];
	bool private_;			/* ConnectivityType private */
	char eip_id[ID_SIZE];		/* eipalloc-…, "" for private */
	char eni_id[ID_SIZE];
	uint32_t private_ip;		/* its ENI's address, kept after deletion; 0: unknown */
	bool deleted;			/* state "deleted", kept for describe */
	int64_t deleted_ms;		/* when; 0 if not, or deleted before vpce kept it */
};

struct eip {
	struct res res;			/* id is the allocation ID, eipalloc-… */
	uint32_t public_ip;
	char assoc_id[ID_SIZE];		/* eipassoc-…, "" when free */
	char eni_id[ID_SIZE];
	char instance_id[ID_SIZE];
	uint32_t private_ip;		/* the ENI address it maps to */
};

enum eni_type {
	ENI_INTERFACE,		/* "interface": an instance's */
	ENI_VPC_ENDPOINT,	/* "vpc_endpoint" */
	ENI_NAT_GATEWAY,	/* "nat_gateway" */
};

struct eni {
	struct res res;
	char vpc_id[ID_SIZE];
	char subnet_id[ID_SIZE];
	enum eni_type type;
	uint32_t private_ip;
	uint32_t public_ip;		/* 0 when none; an EIP or launch-time address */
	char mac[18];
	char *description;		/* owned */
	char (*groups)[ID_SIZE];	/* owned array of sg IDs */
	size_t n_groups;
	bool requester_managed;
	char requester_id[32];		/* "amazon-aws" and such; "" when none */
	char owner_res_id[ID_SIZE];	/* the vpce-, nat- or i- it belongs to */
	char attach_id[ID_SIZE];	/* eni-attach-…, for instances */
	bool source_dest_check;
};

enum instance_state {
	INSTANCE_PENDING,
	INSTANCE_RUNNING,
	INSTANCE_TERMINATED,
};

struct instance {
	struct res res;
	char vpc_id[ID_SIZE];
	char subnet_id[ID_SIZE];
	char eni_id[ID_SIZE];
	char image_id[ID_SIZE];
	char instance_type[32];
	char *key_name;			/* owned; NULL: none */
	enum instance_state state;
	uint32_t private_ip;		/* kept after termination, for describe */
	int64_t state_ms;		/* when 'state' last changed */
	/*
	 * r-…, shared by the instances of one RunInstances call, which are
	 * adjacent in the world's order; "" for instances stored before vpce
	 * kept it (instance_reservation_id() then derives one).
	 */
	char reservation_id[ID_SIZE];
	int launch_index;		/* amiLaunchIndex: its place in the reservation */
	char client_token[LIMIT_CLIENT_TOKEN_CHARS + 1];	/* RunInstances ClientToken; "" */
};

enum vpce_type {
	VPCE_INTERFACE,
	VPCE_GATEWAY,
};

enum vpce_state {
	VPCE_PENDING,
	VPCE_AVAILABLE,
	VPCE_DELETING,
};

/* An interface endpoint's presence in one subnet. */
struct vpce_net {
	char subnet_id[ID_SIZE];
	char eni_id[ID_SIZE];
};

struct vpce {
	struct res res;
	enum vpce_type type;
	char vpc_id[ID_SIZE];
	char service[128];		/* com.amazonaws.us-east-1.sqs */
	char dns_suffix[9];		/* the 8 random characters of its DNS names */
	enum vpce_state state;
	int64_t state_ms;		/* when 'state' last changed */
	char *policy;			/* owned JSON text; never NULL */
	bool private_dns;
	char (*rtbs)[ID_SIZE];		/* owned; gateway endpoints */
	size_t n_rtbs;
	struct vpce_net *nets;		/* owned; interface endpoints */
	size_t n_nets;
	char (*groups)[ID_SIZE];	/* owned; interface endpoints */
	size_t n_groups;
};

/* --- IAM and STS (core/iam.h has their rules) --- */
#define IAM_NAME_SIZE 129	/* a user, role or policy name, 128 characters at most */
#define IAM_SECRET_SIZE 41	/* a secret access key: 40 characters */
#define IAM_TOKEN_SIZE 257	/* a session token: 256 characters */
/* The name index's key: "u:111122223333:" and the name in lower case. */
#define IAM_NAME_KEY_SIZE (2 + ACCOUNT_SIZE + IAM_NAME_SIZE)

/* An inline policy of a user or a role. */
struct iam_inline {
	char name[IAM_NAME_SIZE];
	char *doc;			/* owned JSON text, as the caller gave it */
};

/*
 * What users and roles share: a name unique in the account (ignoring case),
 * a path, inline policies and attached managed policies.
 */
struct iam_principal {
	char name[IAM_NAME_SIZE];
	char *path;			/* owned; "/" or "/a/b/" */
	struct iam_inline *inl;		/* owned, in the order first put */
	size_t n_inline;
	char (*attached)[ID_SIZE];	/* owned: IDs of managed policies (ANPA…) */
	size_t n_attached;
	char name_key[IAM_NAME_KEY_SIZE];	/* in world.iam_names; never stored */
};

struct iam_user {
	struct res res;			/* id: the user ID, "AIDA" + 17 */
	struct iam_principal p;
};

struct iam_role {
	struct res res;			/* id: the role ID, "AROA" + 17 */
	struct iam_principal p;
	char *trust;			/* owned: AssumeRolePolicyDocument */
	char *description;		/* owned; NULL: none */
	int max_session_s;		/* MaxSessionDuration, 3600 … 43200 */
};

/* A customer managed policy, with its one version, v1. */
struct iam_policy {
	struct res res;			/* id: the policy ID, "ANPA" + 17 */
	char name[IAM_NAME_SIZE];
	char *path;			/* owned */
	char *description;		/* owned; NULL: none */
	char *doc;			/* owned JSON text of v1 */
	int attachments;		/* users and roles it is attached to */
	char name_key[IAM_NAME_KEY_SIZE];	/* never stored */
};

/* An access key of an IAM user. */
struct iam_key {
	struct res res;			/* id: the access key ID, "AKIA" + 16 */
	char user_id[ID_SIZE];		/* AIDA… */
	char secret[IAM_SECRET_SIZE];
};

/* Temporary credentials from AssumeRole. */
struct sts_session {
	struct res res;			/* id: the access key ID, "ASIA" + 16 */
	char role_id[ID_SIZE];		/* AROA… */
	char name[LIMIT_STS_SESSION_NAME_CHARS + 1];	/* RoleSessionName */
	char secret[IAM_SECRET_SIZE];
	char token[IAM_TOKEN_SIZE];
	int64_t expires_ms;
};

/* A change to record, for the store. */
struct journal_entry {
	char id[ID_SIZE];
	enum res_kind kind;
	bool removed;
};

/* The ENIs of one subnet: an index the world keeps, never stored. */
struct subnet_enis {
	char subnet_id[ID_SIZE];	/* the key in world.enis_by_subnet */
	struct eni **v;			/* borrowed from the world */
	size_t n, alloc;
};

/*
 * An AWS-managed prefix list as an account export shows it (its real
 * blocks); never stored. Without one, a list holds the catalogue's /28.
 */
struct prefix_list {
	char id[ID_SIZE];
	char name[128];			/* "com.amazonaws.us-east-1.s3" */
	struct cidr4 *blocks;		/* owned */
	size_t n;
};

struct world {
	struct hmap index;			/* id -> struct res * */
	struct hmap enis_by_subnet;		/* subnet id -> struct subnet_enis * */
	struct res **items[RES_KIND_COUNT];	/* creation order */
	size_t n[RES_KIND_COUNT], alloc[RES_KIND_COUNT];
	struct journal_entry *journal;		/* changes since the last clear */
	size_t n_journal, alloc_journal;
	uint64_t generation;			/* bumped by every recorded change */
	struct prefix_list *pls;		/* owned; an export's, else none */
	size_t n_pls;
	struct hmap iam_names;			/* iam_name_key() -> user, role or policy */
};

void world_init(struct world *w);
/* Frees every resource and the journal. */
void world_release(struct world *w);

/*
 * Returns the resource 'id' if it exists and is of 'kind', else NULL.
 * Borrowed; valid until it is removed.
 */
struct res *world_get(const struct world *w, const char *id, enum res_kind kind);
/*
 * Writes the name index's key of the user ('kind' RES_IAM_USER), role or
 * managed policy 'name' of 'account' into 'dst': names are unique in an
 * account whatever their case, as in IAM.
 */
void iam_name_key(enum res_kind kind, const char *account, const char *name,
		  char dst[static IAM_NAME_KEY_SIZE]);
/*
 * The user, role or managed policy named 'name' (any case) of 'account',
 * or NULL. Borrowed; valid until it is removed.
 */
struct res *world_get_named(const struct world *w, enum res_kind kind, const char *account,
			    const char *name);
/* Returns the resource 'id' of any kind, or NULL. */
struct res *world_find(const struct world *w, const char *id);
/*
 * Returns a zeroed resource of 'kind' with 'id', owned by the world and
 * recorded in the journal. 'id' must not be in use.
 */
struct res *world_add(struct world *w, enum res_kind kind, const char *id);
/* Takes 'r', built by res_new(), into the world without journaling it. */
void world_insert(struct world *w, struct res *r);
/* Takes 'r', built and filled by res_new(), into the world and journals it. */
void world_adopt(struct world *w, struct res *r);
/*
 * The ENIs in subnet 'subnet_id', or NULL when it has none. Borrowed; valid
 * until the next change to the world's ENIs.
 */
const struct subnet_enis *world_subnet_enis(const struct world *w, const char *subnet_id);
/* Records that 'r' changed. */
void world_touch(struct world *w, struct res *r);
/* Removes and frees 'r', recording it. */
void world_remove(struct world *w, struct res *r);
/* Forgets the journal. */
void world_journal_clear(struct world *w);

/* Returns a zeroed, unowned resource of 'kind'; free with res_free(). */
struct res *res_new(enum res_kind kind, const char *id);
void res_free(struct res *r);

/* "vpc", "subnet", …: the kind's name in the store and in errors. */
const char *res_kind_name(enum res_kind kind);
/* The kind of 'name', or -1. */
int res_kind_from_name(const char *name);
/* The kind an ID prefix names ("vpc-" -> RES_VPC), or -1. */
int res_kind_from_id(const char *id);

/* Sets 'key' to 'value' on 'r', replacing an earlier value. */
void res_tag_set(struct res *r, const char *key, const char *value);
/* Removes 'key' if its value is 'value' (or 'value' is NULL). */
void res_tag_del(struct res *r, const char *key, const char *value);
/* The value of 'key', or NULL. */
const char *res_tag_get(const struct res *r, const char *key);

/* Resource casts; 'r' must be of the kind named (asserted). */
#define RES_CAST(type, kindv, r) \
	((struct type *)res_cast_check((r), (kindv)))
__attribute__((returns_nonnull)) static inline struct res *
res_cast_check(struct res *r, enum res_kind kind)
{
	assert(r && r->kind == kind);
	(void)kind;
	return r;
}
#define AS_VPC(r) RES_CAST(vpc, RES_VPC, r)
#define AS_SUBNET(r) RES_CAST(subnet, RES_SUBNET, r)
#define AS_RTB(r) RES_CAST(rtb, RES_RTB, r)
#define AS_SG(r) RES_CAST(sg, RES_SG, r)
#define AS_IGW(r) RES_CAST(igw, RES_IGW, r)
#define AS_NAT(r) RES_CAST(nat, RES_NAT, r)
#define AS_VGW(r) RES_CAST(vgw, RES_VGW, r)
#define AS_EIP(r) RES_CAST(eip, RES_EIP, r)
#define AS_ENI(r) RES_CAST(eni, RES_ENI, r)
#define AS_INSTANCE(r) RES_CAST(instance, RES_INSTANCE, r)
#define AS_VPCE(r) RES_CAST(vpce, RES_VPCE, r)
#define AS_IAM_USER(r) RES_CAST(iam_user, RES_IAM_USER, r)
#define AS_IAM_ROLE(r) RES_CAST(iam_role, RES_IAM_ROLE, r)
#define AS_IAM_POLICY(r) RES_CAST(iam_policy, RES_IAM_POLICY, r)
#define AS_IAM_KEY(r) RES_CAST(iam_key, RES_IAM_KEY, r)
#define AS_STS_SESSION(r) RES_CAST(sts_session, RES_STS_SESSION, r)

/* Iterates the resources of 'kind' in creation order as 'struct res *r'. */
#define WORLD_FOR_EACH(w, kind, r)                                     \
	for (size_t wfe_i_ = 0;                                        \
	     wfe_i_ < (w)->n[kind] && ((r) = (w)->items[kind][wfe_i_], 1); \
	     wfe_i_++)

/* Appends 'id' to the owned ID array '*arr' of '*n' entries. */
void id_array_push(char (**arr)[ID_SIZE], size_t *n, const char *id);
/* Removes entry 'i', keeping order. */
void id_array_remove(char (*arr)[ID_SIZE], size_t *n, size_t i);
/* The index of 'id' in 'arr', or -1. */
long id_array_find(char (*arr)[ID_SIZE], size_t n, const char *id);

#endif
