/* SPDX-License-Identifier: MIT */
/*
 * rtnetlink through libmnl: links, IPv4 addresses, routes and rules of one
 * namespace, the one the socket was opened in. Every request waits for the
 * kernel's answer; returns are 0 or -errno (the kernel's own). Routes and
 * rules that vpced makes carry NL_PROTO, so dumps return only those and a
 * reconcile never touches what someone else made.
 */
#ifndef DATAPLANE_NL_H
#define DATAPLANE_NL_H

#include "compat.h"

#define NL_PROTO 0x76		/* rtm_protocol and FRA_PROTOCOL: 'v' */
#define NL_IFNAME_SIZE 16

struct nl;

/* A socket in namespace 'ns' (NULL: the calling thread's), or NULL with errno set. */
struct nl *nl_open(const char *ns);
void nl_close(struct nl *n);
/* A conntrack (NETLINK_NETFILTER) socket in namespace 'ns', for nl_ct_original(). */
struct nl *nl_open_conntrack(const char *ns);

struct nl_link {
	int index;
	char name[NL_IFNAME_SIZE];
	char kind[16];		/* "bridge", "veth", "" */
	int master;		/* ifindex of its bridge; 0: none */
	bool up;
	char mac[18];		/* "aa:bb:…"; "" when it has none */
};

struct nl_addr {
	int index;
	uint32_t ip;		/* host order */
	uint8_t len;
};

struct nl_route {
	uint32_t table;		/* 254: main */
	uint32_t dst;		/* host order */
	uint8_t len;
	uint8_t type;		/* RTN_UNICAST, RTN_BLACKHOLE, RTN_LOCAL */
	uint32_t via;		/* 0: none (connected) */
	uint32_t src;		/* the preferred source (RTA_PREFSRC); 0: the kernel's choice */
	int oif;		/* 0: none (blackhole) */
};

struct nl_rule {
	uint32_t prio;
	char iif[NL_IFNAME_SIZE];	/* "": any */
	uint32_t fwmark;		/* 0: any; else matched under the mask 0xffffffff */
	uint32_t src;			/* the sources it matches: src/src_len; 0/0: any */
	uint8_t src_len;
	uint32_t table;		/* 0: a blackhole rule */
};

/* The links, IPv4 addresses, and vpced's routes and rules, in malloc'd arrays. */
int nl_links(struct nl *n, struct nl_link **out, size_t *count);
int nl_addrs(struct nl *n, struct nl_addr **out, size_t *count);
int nl_routes(struct nl *n, struct nl_route **out, size_t *count);
int nl_rules(struct nl *n, struct nl_rule **out, size_t *count);

int nl_bridge_add(struct nl *n, const char *name);
/* A veth pair: 'name' here, 'peer' in the namespace of 'peer_ns_fd' with MAC 'peer_mac' (or NULL). */
int nl_veth_add(struct nl *n, const char *name, const char *peer, int peer_ns_fd,
		const char *peer_mac);
int nl_link_del(struct nl *n, int index);
/* Sets link 'index' up, as a port of 'master' (0: of none). */
int nl_link_up(struct nl *n, int index, int master);
int nl_addr_set(struct nl *n, bool add, const struct nl_addr *a);
int nl_route_set(struct nl *n, bool add, const struct nl_route *r);
int nl_rule_set(struct nl *n, bool add, const struct nl_rule *r);

/* One direction of a TCP connection, host order. */
struct nl_tuple {
	uint32_t src, dst;
	uint16_t sport, dport;
};

/*
 * The original direction of the TCP connection that conntrack (of the
 * socket's namespace) holds with reply direction 'reply': who sent it,
 * before any translation. 0, -ENOENT when there is none, or -errno.
 */
int nl_ct_original(struct nl *n, const struct nl_tuple *reply, struct nl_tuple *orig);

#endif
