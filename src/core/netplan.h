/* SPDX-License-Identifier: MIT */
/*
 * The network plan: what the desired state means as Linux networking, as a
 * pure function of the world (docs/dataplane.md). The data plane diffs it
 * against the kernel and applies the difference; the reachability analyzer
 * walks the same plan. Every kernel object carries the AWS object it plays
 * (a route its table, route and target; a filter rule its group and rule),
 * so a packet's fate can be explained in AWS's terms.
 *
 * Layout, per region:
 *   - one namespace for the region's public network ("<prefix>region"):
 *     every catalogue service's /28 of every region is local there (where
 *     the responders, later the service fronts, answer), and so is the
 *     public resolver's address;
 *   - per VPC, a namespace playing its implicit router, with a bridge per
 *     subnet (the router at base+1), a kernel table per route table, a rule
 *     per subnet sending its traffic to its table, the resolver addresses,
 *     a link to the region namespace when an internet gateway is attached,
 *     a link to an on-premises namespace when a virtual private gateway is,
 *     where every block the VPC's route tables send to that gateway is
 *     local (the on-premises network), its hosts sending from the first
 *     block's base plus one;
 *   - per instance and per NAT gateway, a namespace with its ENI as eth0.
 * Security groups are enforced in the VPC namespace, where every packet to
 * or from an ENI passes (bridged frames through br_netfilter), keyed by the
 * ENI's address; the ENI's bridge port drops frames from other addresses.
 */
#ifndef CORE_NETPLAN_H
#define CORE_NETPLAN_H

#include "compat.h"
#include "base/arena.h"
#include "base/buf.h"
#include "core/model.h"
#include "core/region.h"

#define NP_IFNAME_SIZE 16		/* IFNAMSIZ */
#define NP_NS_NAME_SIZE 64
#define NP_HOSTNAME_SIZE 64
#define NP_PREFIX_MAX 16		/* the daemon's prefix of namespace names */

/* Addresses of the links between namespaces (each link its own /30). */
#define NP_IGW_ROUTER_IP 0xA9FE0001u	/* 169.254.0.1: router side of igw0 */
#define NP_IGW_REGION_IP 0xA9FE0002u	/* 169.254.0.2: region side */
#define NP_VGW_ROUTER_IP 0xA9FE0005u	/* 169.254.0.5: router side of vgw0 */
#define NP_VGW_ONPREM_IP 0xA9FE0006u	/* 169.254.0.6: on-premises side */
#define NP_PL_ROUTER_IP 0xA9FE0009u	/* 169.254.0.9: router side of pl0, the PrivateLink link */
#define NP_PL_REGION_IP 0xA9FE000Au	/* 169.254.0.10: region side */
#define NP_LINK_PREFIX 30
/*
 * Each VPC with endpoints has a block of NP_PL_VPC_LEN in this one
 * (np_ns.pl_block; docs/dataplane.md, "Endpoints"): each of its interface
 * endpoints' ENIs has an address there, where the region's fronts take its
 * connections, untranslated otherwise (np_endpoint.region_ip); the
 * block's first address is the source of what its gateway endpoints send
 * (np_ns.pl_ip), which the fronts ask the VPC namespace's conntrack about.
 */
#define NP_PL_BLOCK 0x64400000u		/* 100.64.0.0/10 */
#define NP_PL_BLOCK_LEN 10
#define NP_PL_VPC_LEN 23		/* 510 addresses: pl_ip and 509 ENIs */
#define NP_DNS_LINK_LOCAL 0xA9FEA9FDu	/* 169.254.169.253: the resolver, in every VPC */
/* The region's public resolver, in the block no region has (docs/addressing.md). */
#define NP_PUBLIC_DNS_IP 0xC612FF35u	/* 198.18.255.53 */
/* The on-premises network's own resolver, on its loopback (it answers the public view). */
#define NP_ONPREM_DNS_IP 0x7F000035u	/* 127.0.0.53 */
#define NP_TABLE_LOCAL 255u		/* the kernel's local table */
/* Where connections to interface endpoints go, whatever the subnet's route table says. */
#define NP_TABLE_ENDPOINT 500u
#define NP_MARK_ENDPOINT 0x1u		/* packets to an interface endpoint's address */

/*
 * Kernel tables of route tables lie in [NP_TABLE_BASE, NP_TABLE_BASE + 2^30),
 * numbered by a hash of the table's ID (stable across restarts), the next
 * free number on a collision within one VPC.
 */
#define NP_TABLE_BASE 1000u
#define NP_RULE_ENDPOINT_PRIO 500u	/* fwmark NP_MARK_ENDPOINT lookup NP_TABLE_ENDPOINT */
/*
 * In the region, at NP_RULE_ENDPOINT_PRIO: from <a VPC's pl_block> iif lo
 * lookup <its table>, NP_TABLE_BASE plus the block's number in NP_PL_BLOCK,
 * whose one route is back over the VPC's link.
 */
/* Then, at 501: iif pl0 fwmark T lookup T, answers of endpoint ENIs by their subnet's table T. */
#define NP_RULE_LOOKUP_PRIO 1000u	/* iif <subnet bridge> lookup <its table> */
#define NP_RULE_DROP_PRIO 2000u		/* iif <subnet bridge> blackhole: no route, no packet */

enum np_ns_kind {
	NP_NS_REGION,		/* the AWS public network of the region */
	NP_NS_VPC,		/* a VPC's implicit router */
	NP_NS_INSTANCE,
	NP_NS_NAT,		/* a NAT gateway */
	NP_NS_ONPREM,		/* the network behind a virtual private gateway */
};

struct np_ns {
	char name[NP_NS_NAME_SIZE];
	enum np_ns_kind kind;
	char res_id[ID_SIZE];		/* vpc-, i-, nat-, vgw-; "" for the region */
	bool forwarding;		/* net.ipv4.ip_forward */
	char hostname[NP_HOSTNAME_SIZE];	/* instances and on premises; else "" */
	uint32_t nameserver;		/* resolv.conf of instances and on premises; 0: none */
	uint32_t host_ip;		/* on premises: the address its hosts send from; 0: none */
	struct cidr4 pl_block;		/* a VPC with endpoints: its block in NP_PL_BLOCK; else 0/0 */
	uint32_t pl_ip;			/* its gateway endpoints' source in the region: the first; 0 */
};

enum np_link_kind {
	NP_LINK_BRIDGE,		/* a subnet */
	NP_LINK_VETH,		/* created with its peer */
};

struct np_link {
	size_t ns;			/* index into plan.ns */
	char name[NP_IFNAME_SIZE];
	enum np_link_kind kind;
	size_t peer_ns;			/* veth: where the other end lives */
	char peer[NP_IFNAME_SIZE];
	char master[NP_IFNAME_SIZE];	/* the bridge this end is a port of; "" */
	char peer_mac[18];		/* the peer's MAC (an ENI's); "" for the kernel's */
	char res_id[ID_SIZE];		/* subnet (bridge), ENI, igw-, vgw- it plays */
};

struct np_addr {
	size_t ns;
	char dev[NP_IFNAME_SIZE];
	uint32_t ip;			/* host order */
	uint8_t len;
};

enum np_hop {
	NP_HOP_DEV,		/* connected: the destination is on 'dev' */
	NP_HOP_VIA,		/* to next hop 'via' on 'dev' */
	NP_HOP_BLACKHOLE,	/* dropped, visibly */
	NP_HOP_ENDPOINT,	/* a gateway endpoint: to the region over pl0, as 'via' on 'dev' */
	NP_HOP_LOCAL,		/* delivered to the namespace itself, every address of 'dst' */
};

/* A kernel route, and the AWS route it plays. */
struct np_route {
	size_t ns;
	uint32_t table;			/* 0: the namespace's main table */
	struct cidr4 dst;
	enum np_hop hop;
	uint32_t via;
	uint32_t src;			/* the source of packets it sends; 0: the kernel's choice */
	char dev[NP_IFNAME_SIZE];
	const struct rtb *rtb;		/* the route table; NULL in a main table */
	size_t route;			/* index into rtb->routes */
};

/*
 * A policy rule of a VPC namespace: traffic from a subnet's bridge, or
 * traffic the ruleset marked (to an interface endpoint).
 */
struct np_rule {
	size_t ns;
	uint32_t prio;
	char iif[NP_IFNAME_SIZE];	/* "": any */
	uint32_t fwmark;		/* 0: any */
	struct cidr4 from;		/* the sources it matches; 0.0.0.0/0: any */
	uint32_t table;			/* 0: a blackhole rule */
	const struct subnet *subnet;	/* NULL for the endpoint rule */
	const struct rtb *rtb;		/* the table that applies: association or main */
};

/* One security-group rule as packets see it: peers expanded to blocks. */
struct np_sg_rule {
	int proto;			/* IANA number; -1: all */
	int from_port, to_port;		/* -1: all (or ICMP type/code -1) */
	struct cidr4 *peers;		/* blocks: the CIDR, a prefix list's, members' /32s */
	size_t n_peers;
	const struct sg *sg;
	const struct sg_rule *rule;
};

/* An ENI guarded by security groups, in its VPC's namespace. */
struct np_port {
	size_t ns;			/* the VPC namespace */
	const struct eni *eni;
	uint32_t ip;
	char dev[NP_IFNAME_SIZE];	/* its bridge port: frames from other sources drop */
	struct np_sg_rule *in, *out;	/* ingress, egress: allowed if any rule matches */
	size_t n_in, n_out;
};

/*
 * An interface endpoint's network interface, in its VPC's namespace: its
 * address is the router's, on the subnet's bridge; TCP to it goes to the
 * service's address in the region, everything else is dropped.
 */
struct np_endpoint {
	size_t ns;			/* the VPC namespace */
	const struct vpce *vpce;
	const struct eni *eni;
	uint32_t ip;			/* the ENI's address */
	uint32_t service_ip;		/* where the service answers in the region */
	uint32_t region_ip;		/* where the region takes its connections, in pl_block */
	uint32_t table;			/* its subnet's route table: answers go by it; 0: none */
	/*
	 * Blocks of the other subnets whose route table sends the ENI's
	 * address elsewhere (a more specific route, to a middlebox): their
	 * connections do not reach it. In the plan's arena.
	 */
	struct cidr4 *detours;
	size_t n_detours;
};

/* Address translation on the way through an internet gateway. */
struct np_nat1to1 {
	size_t ns;			/* the VPC namespace */
	uint32_t private_ip, public_ip;
	const struct eni *eni;
};

struct np_plan {
	struct arena arena;		/* everything below */
	struct np_ns *ns;
	size_t n_ns;
	struct np_link *links;
	size_t n_links;
	struct np_addr *addrs;
	size_t n_addrs;
	struct np_route *routes;
	size_t n_routes;
	struct np_rule *rules;
	size_t n_rules;
	struct np_port *ports;
	size_t n_ports;
	struct np_nat1to1 *nats;
	size_t n_nats;
	struct np_endpoint *endpoints;
	size_t n_endpoints;
	/*
	 * The blocks whose services answer plain HTTP on port 80 as well as
	 * HTTPS on 443 (S3 and DynamoDB, in every region): the region refuses
	 * port 80 at every other service's address, as AWS's do.
	 */
	struct cidr4 *http_blocks;
	size_t n_http_blocks;
};

/*
 * Compiles the plan of 'w' in region 'r' with namespace names starting with
 * 'prefix' (at most NP_PREFIX_MAX characters of [a-z0-9-]). Returns 0, or
 * -EINVAL for a bad prefix, or -ENOMEM when the plan would pass its bound.
 * Deterministic: the same world gives the same plan, in the same order.
 */
int netplan_compile(const struct world *w, const struct region *r, const char *prefix,
		    struct np_plan *out);
/* The same, with 'ix' an index of 'w' the caller built (and keeps) already. */
struct netindex;
int netplan_compile_indexed(const struct world *w, const struct region *r,
			    const struct netindex *ix, const char *prefix, struct np_plan *out);
void netplan_release(struct np_plan *p);

/*
 * The default prefix of a daemon's namespaces: "vpce", four hex digits of a
 * hash of its state file's absolute path, and "-" (the daemon and `vpce
 * exec` find the same namespaces from the same state file).
 */
void netplan_prefix(const char *state_path, char dst[static NP_PREFIX_MAX + 1]);

/*
 * Appends the nftables ruleset of namespace 'ns' to 'out' (nothing for a
 * namespace that needs none): text for libnftables, whose tables the data
 * plane replaces whole. Returns 0, -EINVAL for a bad 'ns', or -ENOMEM when
 * 'out' is full.
 */
int netplan_nft(const struct np_plan *p, size_t ns, struct buf *out);

/* The namespace that plays 'res_id' ("" for the region), or -1. */
long netplan_ns_find(const struct np_plan *p, const char *res_id);
/* The VPC namespace whose endpoints' traffic enters the region from 'ip', or -1. */
long netplan_ns_of_pl_ip(const struct np_plan *p, uint32_t ip);

#endif
