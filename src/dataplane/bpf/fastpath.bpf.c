// SPDX-License-Identifier: GPL-2.0
/*
 * The VPC router's fast path (docs/dataplane.md). On the tc ingress hook of
 * each ENI's port in a VPC namespace: a TCP segment without SYN, FIN or
 * RST, sent from the port's own address, of a flow conntrack holds as
 * established, goes on without the router's stack, as the router would
 * have sent it. To another ENI of the VPC: straight into the destination's
 * namespace (bpf_redirect_peer; TTL down by one, the MACs those of the
 * router's side and the destination ENI, or unchanged within a subnet, as
 * the bridge would). To an interface endpoint's ENI, every segment, SYNs
 * included, from a client the router's ruleset admitted to that port (a
 * SYN-ACK from the ENI's address in the region said so: the verdicts
 * map): translated to that address, as the ruleset translates it without
 * conntrack, and into the region over pl0; on pl0's ingress, every answer
 * from an ENI's region address, translated back and into the instance's
 * namespace. Everything else takes the router's stack (routes, security
 * groups, conntrack, NAT), which is also where every flow between
 * instances starts and ends, and where a client's first connection to an
 * endpoint's port is decided, so the groups and the routes decide exactly
 * as without it. The realizer keeps the maps equal to the plan
 * (dataplane/fastpath.c).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/nf_conntrack_tuple_common.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#ifndef AF_INET
#define AF_INET 2
#endif

/* The kfuncs' options, as the kernel reads their first 12 bytes (NF_BPF_CT_OPTS_SZ of 6.1). */
struct bpf_ct_opts {
	__s32 netns_id;
	__s32 error;
	__u8 l4proto;
	__u8 dir;		/* set by the lookup: the direction of the tuple found */
	__u8 reserved[2];
};

/*
 * What is read of a conntrack entry; CO-RE finds it in the running kernel's
 * layout (the unions are the UAPI's: every member at offset 0).
 */
#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
struct nf_conntrack_man {
	union nf_inet_addr u3;
	union nf_conntrack_man_proto u;
};

struct nf_conntrack_tuple {
	struct nf_conntrack_man src;
	struct {
		union nf_inet_addr u3;
		union {
			__be16 all;
		} u;
	} dst;
};

struct nf_conntrack_tuple_hash {
	struct nf_conntrack_tuple tuple;
};

struct ip_ct_tcp {
	__u8 state;
};

union nf_conntrack_proto {
	struct ip_ct_tcp tcp;
};

struct nf_conn {
	__u32 timeout;		/* when it expires, in jiffies (32 bits) */
	struct nf_conntrack_tuple_hash tuplehash[2];
	unsigned long status;
	__u32 mark;
	union nf_conntrack_proto proto;
};
#pragma clang attribute pop

struct nf_conn *bpf_skb_ct_lookup(struct __sk_buff *, struct bpf_sock_tuple *, __u32,
				  struct bpf_ct_opts *, __u32) __ksym;
void bpf_ct_release(struct nf_conn *) __ksym;

#define CURRENT_NETNS (-1)
/*
 * Segments skip conntrack, so nothing here refreshes an entry's timeout:
 * a flow whose entry has less than this left takes the router's stack,
 * which refreshes it (two minutes at HZ 1000, longer at lower HZ; an
 * established entry lasts five days).
 */
#define CT_MARGIN_JIFFIES 120000

#define IP_OFF ETH_HLEN
#define IP_CSUM_OFF (IP_OFF + __builtin_offsetof(struct iphdr, check))
#define TCP_CSUM_OFF (IP_OFF + sizeof(struct iphdr) + __builtin_offsetof(struct tcphdr, check))

/* A TCP flow as one direction's packets carry it; network order. */
struct flow {
	__be32 saddr, daddr;
	__be16 sport, dport;
};

/* Where an ENI's address leads: its port, its MAC, the router's MAC and bridge on that side. */
struct hop {
	__u32 ifindex;
	__u8 dmac[ETH_ALEN];
	__u8 smac[ETH_ALEN];
	__u32 br;			/* ifindex of the bridge the port is on */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);		/* an ENI's address, network order */
	__type(value, struct hop);
} hops SEC(".maps");

/* A port: its ENI's address, and the router's MAC and bridge on its subnet. */
struct port {
	__u32 ip;			/* network order */
	__u8 router_mac[ETH_ALEN];
	__u8 pad[2];
	__u32 br;			/* ifindex */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);		/* a port's ifindex */
	__type(value, struct port);
} ports SEC(".maps");

/* An interface endpoint's ENI: how the router translates and routes its connections and their answers. */
struct endpoint {
	__u32 link;			/* ifindex of pl0, the link to the region */
	__u32 out_table;		/* the endpoint rule's table, which sends them to pl0 */
	__u32 table;			/* its subnet's table: the answers' */
	__be32 region_ip;		/* the ENI's address in the region */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);		/* the ENI's address, network order */
	__type(value, struct endpoint);
} endpoints SEC(".maps");

/* The same, by the ENI's address in the region: what its answers need. */
struct region_ep {
	__be32 eni;			/* the ENI's address */
	__u32 link;
	__u32 table;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);		/* an ENI's address in the region, network order */
	__type(value, struct region_ep);
} regions SEC(".maps");

/* Who the router let connect to which port of an endpoint's ENI. */
struct verdict {
	__be32 client, eni;
	__be16 port;
	__u16 pad;
};

/*
 * The verdicts the router's ruleset gave connections to interface
 * endpoints: a SYN-ACK from the ENI's region address answered one, so the
 * security groups (the sender's egress, the endpoint's ingress) admitted
 * the client to that port of the ENI. The ruleset decides every packet of
 * these connections on those three alone, untracked (TCP is the only
 * protocol an endpoint takes), so every later segment from the same client
 * to the same port, a SYN included, is carried. Emptied by the realizer
 * whenever it loads a ruleset, after loading it: a rule changed or gone is
 * the router's to decide again. Small, so that it stays in the cache; a
 * verdict that falls out of it (the least recently used first) is the
 * router's to give again.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);	/* each CPU's own list: no lock shared */
	__type(key, struct verdict);
	__type(value, __u8);
} verdicts SEC(".maps");

/*
 * Segments carried between instances [0], left to the router though
 * eligible [1], carried to an interface endpoint's service [2] and back
 * [3], and back from a gateway endpoint's service [4].
 */
enum { ST_INSTANCE, ST_LEFT, ST_ENDPOINT, ST_ANSWER, ST_GATEWAY, ST_MAX };

#define RT_TABLE_MAIN 254

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ST_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline int same_mac(const __u8 *a, const __u8 *b)
{
	int same = 1;

#pragma unroll
	for (int i = 0; i < ETH_ALEN; i++)
		same &= a[i] == b[i];
	return same;
}

static __always_inline void count(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &k);

	if (v)
		(*v)++;
}

/*
 * The IP header of 'skb', with the Ethernet header before it and a TCP
 * header's room after it in the linear data; NULL if they are not there.
 * Read again after anything that may move the packet's data.
 */
static __always_inline struct iphdr *headers(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)ip + sizeof(*ip) + sizeof(struct tcphdr) > end)
		return NULL;
	return ip;
}

static __always_inline struct ethhdr *eth_of(struct iphdr *ip)
{
	return (struct ethhdr *)ip - 1;
}

/*
 * The IPv4 TCP segment of 'skb' that a router could forward without its
 * stack: no options, fragments or expiring TTL. NULL otherwise.
 */
static __always_inline struct iphdr *tcp_segment(struct __sk_buff *skb)
{
	struct iphdr *ip = headers(skb);

	if (!ip || eth_of(ip)->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_TCP || ip->ttl <= 1 || (ip->frag_off & bpf_htons(0x3FFF)))
		return NULL;
	return ip;
}

static __always_inline struct tcphdr *tcp_of(struct iphdr *ip)
{
	return (struct tcphdr *)(ip + 1);
}

/* A segment of a flow that conntrack follows: no SYN, FIN or RST, which it must see. */
static __always_inline int ct_segment(struct iphdr *ip)
{
	struct tcphdr *tcp = tcp_of(ip);

	return !tcp->syn && !tcp->fin && !tcp->rst;
}

static __always_inline void flow_of(const struct iphdr *ip, struct flow *f)
{
	const struct tcphdr *tcp = (const void *)(ip + 1);

	f->saddr = ip->saddr;
	f->daddr = ip->daddr;
	f->sport = tcp->source;
	f->dport = tcp->dest;
}

/* Conntrack's entry for 'f', with the direction 'f' is in it; NULL if none. */
static __always_inline struct nf_conn *ct_find(struct __sk_buff *skb, const struct flow *f,
					       __u8 *dir)
{
	struct bpf_ct_opts opts = { .netns_id = CURRENT_NETNS, .l4proto = IPPROTO_TCP };
	struct bpf_sock_tuple t = {};
	struct nf_conn *ct;

	t.ipv4.saddr = f->saddr;
	t.ipv4.daddr = f->daddr;
	t.ipv4.sport = f->sport;
	t.ipv4.dport = f->dport;
	ct = bpf_skb_ct_lookup(skb, &t, sizeof(t.ipv4), &opts, sizeof(opts));
	*dir = opts.dir;
	return ct;
}

/*
 * Whether the fast path may carry a segment of 'ct': answered, established
 * as conntrack's TCP state machine sees it (the handshake's last ACK, like
 * every FIN and RST, is the stack's to see), and not near its timeout.
 */
static __always_inline int ct_carried(const struct nf_conn *ct)
{
	__s32 left = (__s32)(ct->timeout - (__u32)bpf_jiffies64());

	return (ct->status & IPS_SEEN_REPLY) && ct->proto.tcp.state == TCP_CONNTRACK_ESTABLISHED &&
	       left > CT_MARGIN_JIFFIES;
}

/* The flow as it leaves after conntrack's NAT: the reverse of the other direction's tuple. */
static __always_inline void ct_translated(const struct nf_conn *ct, __u8 dir, struct flow *f)
{
	const struct nf_conntrack_tuple *t = dir == IP_CT_DIR_ORIGINAL ?
		&ct->tuplehash[IP_CT_DIR_REPLY].tuple : &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;

	f->saddr = t->dst.u3.ip;
	f->daddr = t->src.u3.ip;
	f->sport = t->dst.u.all;
	f->dport = t->src.u.all;
}

/*
 * The translation of flow 'from' that the router's NAT made, from its
 * conntrack entry: true, with 'to', the flow's 'mark' and its 'nat' (the
 * IPS_SRC_NAT and IPS_DST_NAT it had) filled, when the entry holds 'from'
 * in direction 'dir', was translated at its source at least (a gateway
 * endpoint's flows are) and may be carried; false when there is none or it
 * is the stack's to see.
 */
static __always_inline int ct_nat(struct __sk_buff *skb, const struct flow *from, __u8 dir,
				  struct flow *to, __u32 *mark, __u32 *nat)
{
	struct nf_conn *ct;
	__u8 found;
	int ok;

	ct = ct_find(skb, from, &found);
	if (!ct)
		return 0;
	*nat = ct->status & IPS_NAT_MASK;
	ok = found == dir && ct_carried(ct) && (*nat & IPS_SRC_NAT);
	*mark = ct->mark;
	ct_translated(ct, found, to);
	bpf_ct_release(ct);
	if (!ok)
		count(ST_LEFT);
	return ok;
}

/* The router's hop: TTL down by one, the checksum following it (RFC 1624). */
static __always_inline void ttl_down(struct iphdr *ip)
{
	__u32 sum = (__u32)ip->check + bpf_htons(0x0100);

	ip->check = (__u16)(sum + (sum >= 0xFFFF));
	ip->ttl--;
}

/*
 * Rewrites the segment of 'skb', flow 'from', as the router would send it
 * on: TTL down, MACs 'smac' and 'dmac', its flow 'to' (what conntrack's
 * NAT does) with the IP and TCP checksums following (the pseudo-header's
 * part only, when the checksum is left to the device). Returns 0, or -1
 * if the packet is no longer readable or a checksum could not be written.
 */
static __always_inline int hop(struct __sk_buff *skb, const __u8 *smac, const __u8 *dmac,
			       const struct flow *from, const struct flow *to)
{
	struct iphdr *ip = headers(skb);
	struct ethhdr *eth;
	struct tcphdr *tcp;
	__s64 addrs, ports;

	if (!ip)
		return -1;
	eth = eth_of(ip);
	tcp = (void *)(ip + 1);
	ttl_down(ip);
	__builtin_memcpy(eth->h_source, smac, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, dmac, ETH_ALEN);
	ip->saddr = to->saddr;
	ip->daddr = to->daddr;
	tcp->source = to->sport;
	tcp->dest = to->dport;
	if (from->saddr != to->saddr || from->daddr != to->daddr) {
		addrs = bpf_csum_diff((__be32 *)&from->saddr, 8, (__be32 *)&to->saddr, 8, 0);
		if (bpf_l3_csum_replace(skb, IP_CSUM_OFF, 0, addrs, 0) < 0 ||
		    bpf_l4_csum_replace(skb, TCP_CSUM_OFF, 0, addrs, BPF_F_PSEUDO_HDR) < 0)
			return -1;
	}
	if (from->sport != to->sport || from->dport != to->dport) {
		ports = bpf_csum_diff((__be32 *)&from->sport, 4, (__be32 *)&to->sport, 4, 0);
		if (bpf_l4_csum_replace(skb, TCP_CSUM_OFF, 0, ports, 0) < 0)
			return -1;
	}
	return 0;
}

/* The router's route for 'f' in table 'table', entered from link 'iif'; 0 when it has one. */
static __always_inline int route(struct __sk_buff *skb, const struct flow *f, __u32 iif,
				 __u32 table, struct bpf_fib_lookup *fib)
{
	fib->family = AF_INET;
	fib->l4_protocol = IPPROTO_TCP;
	fib->sport = f->sport;
	fib->dport = f->dport;
	fib->ipv4_src = f->saddr;
	fib->ipv4_dst = f->daddr;
	fib->ifindex = iif;
	fib->tbid = table;
	return bpf_fib_lookup(skb, fib, sizeof(*fib), BPF_FIB_LOOKUP_DIRECT | BPF_FIB_LOOKUP_TBID);
}

/* From port 'own' to another instance 'h': as the router or the bridge would deliver it. */
static __always_inline int to_instance(struct __sk_buff *skb, const struct port *own,
				       const struct hop *h)
{
	struct iphdr *ip = headers(skb);
	struct ethhdr *eth;
	struct nf_conn *ct;
	struct flow f;
	int routed, ok;
	__u8 dir;

	if (!ip)
		return TC_ACT_OK;
	eth = eth_of(ip);
	/* To the router (another subnet), or to the destination itself (the same one). */
	routed = same_mac(eth->h_dest, own->router_mac);
	if (!routed && !same_mac(eth->h_dest, h->dmac))
		return TC_ACT_OK;
	flow_of(ip, &f);
	ct = ct_find(skb, &f, &dir);
	if (!ct)
		return TC_ACT_OK;
	ok = ct_carried(ct);
	bpf_ct_release(ct);
	if (!ok) {
		count(ST_LEFT);
		return TC_ACT_OK;
	}
	/* The lookup may have moved the packet's data: read the pointers again. */
	ip = headers(skb);
	if (!ip)
		return TC_ACT_OK;
	if (routed) {
		eth = eth_of(ip);
		ttl_down(ip);
		__builtin_memcpy(eth->h_dest, h->dmac, ETH_ALEN);
		__builtin_memcpy(eth->h_source, h->smac, ETH_ALEN);
	}
	count(ST_INSTANCE);
	return bpf_redirect_peer(h->ifindex, 0);
}

/*
 * From port 'own' to endpoint 'e''s ENI, from a client the router admitted
 * to that port (verdicts): translated to the ENI's address in the region,
 * routed by the endpoint rule's table as the router would (so out of pl0,
 * to the MAC the router's neighbour table holds), into the region.
 */
static __always_inline int to_region(struct __sk_buff *skb, struct iphdr *ip,
				     const struct port *own, const struct endpoint *e)
{
	struct verdict v = { .client = ip->saddr, .eni = ip->daddr, .port = tcp_of(ip)->dest };
	struct bpf_fib_lookup fib = {};
	struct flow from, to;

	if (!same_mac(eth_of(ip)->h_dest, own->router_mac))
		return TC_ACT_OK;
	if (!bpf_map_lookup_elem(&verdicts, &v)) {
		count(ST_LEFT);
		return TC_ACT_OK;
	}
	flow_of(ip, &from);
	to = from;
	to.daddr = e->region_ip;
	if (route(skb, &to, own->br, e->out_table, &fib) != BPF_FIB_LKUP_RET_SUCCESS ||
	    fib.ifindex != e->link)
		return TC_ACT_OK;
	if (hop(skb, fib.smac, fib.dmac, &from, &to) < 0)
		return TC_ACT_SHOT;	/* half rewritten: the stack would misread it */
	count(ST_ENDPOINT);
	return bpf_redirect_peer(e->link, 0);
}

SEC("tc")
int vpce_fastpath(struct __sk_buff *skb)
{
	__u32 ifindex = skb->ingress_ifindex, daddr;
	struct endpoint *e;
	struct iphdr *ip;
	struct port *own;
	struct hop *h;

	ip = tcp_segment(skb);
	if (!ip)
		return TC_ACT_OK;
	/* From the port's own address only: anything else is the bridge's to drop. */
	own = bpf_map_lookup_elem(&ports, &ifindex);
	if (!own || own->ip != ip->saddr)
		return TC_ACT_OK;
	daddr = ip->daddr;
	h = bpf_map_lookup_elem(&hops, &daddr);
	if (h)
		return ct_segment(ip) ? to_instance(skb, own, h) : TC_ACT_OK;
	e = bpf_map_lookup_elem(&endpoints, &daddr);
	if (e)
		return to_region(skb, ip, own, e);
	return TC_ACT_OK;
}

/*
 * On pl0, from an ENI's address in the region: an answer of a connection
 * to it, which the router's ruleset lets through whatever it is (but a
 * lone SYN). A SYN-ACK says the router admitted the client to that port
 * (verdicts). Translated back, routed by the table of the ENI's subnet, as
 * the router routes them, and, when that reaches the instance on its
 * bridge, into its namespace.
 */
static __always_inline int from_endpoint(struct __sk_buff *skb, struct iphdr *ip,
					 const struct region_ep *e)
{
	struct tcphdr *tcp = tcp_of(ip);
	struct bpf_fib_lookup fib = {};
	struct flow from, to;
	struct hop *h;
	__u8 yes = 1;

	if (tcp->syn && !tcp->ack)
		return TC_ACT_OK;	/* an endpoint opens nothing: the router drops it */
	if (e->link != skb->ingress_ifindex)
		return TC_ACT_OK;
	flow_of(ip, &from);
	if (tcp->syn) {
		struct verdict v = { .client = from.daddr, .eni = e->eni, .port = from.sport };

		if (!bpf_map_lookup_elem(&verdicts, &v))	/* a lookup takes no lock */
			bpf_map_update_elem(&verdicts, &v, &yes, BPF_ANY);
	}
	to = from;
	to.saddr = e->eni;
	h = bpf_map_lookup_elem(&hops, &to.daddr);
	if (!h)
		return TC_ACT_OK;
	if (route(skb, &to, skb->ingress_ifindex, e->table, &fib) != BPF_FIB_LKUP_RET_SUCCESS ||
	    fib.ifindex != h->br || fib.ipv4_dst != to.daddr || !same_mac(fib.dmac, h->dmac))
		return TC_ACT_OK;
	if (hop(skb, h->smac, h->dmac, &from, &to) < 0)
		return TC_ACT_SHOT;
	count(ST_ANSWER);
	return bpf_redirect_peer(h->ifindex, 0);
}

/*
 * On pl0: an answer of a connection to an interface endpoint
 * (from_endpoint()), or of a flow that a gateway endpoint's route sent to
 * the region (translated at its source only, unmarked), translated back as
 * conntrack's entry says, routed as the router routes those answers (by the
 * main table, as no rule for pl0 matches them) and, when that reaches the
 * instance on its bridge, into the instance's namespace.
 */
SEC("tc")
int vpce_answers(struct __sk_buff *skb)
{
	struct bpf_fib_lookup fib = {};
	struct flow from, to;
	struct iphdr *ip;
	struct region_ep *ep;
	struct hop *h;
	__u32 mark, nat, saddr;

	ip = tcp_segment(skb);
	if (!ip || skb->pkt_type != PACKET_HOST)
		return TC_ACT_OK;
	saddr = ip->saddr;
	ep = bpf_map_lookup_elem(&regions, &saddr);
	if (ep)
		return from_endpoint(skb, ip, ep);
	if (!ct_segment(ip))
		return TC_ACT_OK;
	flow_of(ip, &from);
	if (!ct_nat(skb, &from, IP_CT_DIR_REPLY, &to, &mark, &nat) || nat != IPS_SRC_NAT || mark)
		return TC_ACT_OK;
	/* 'to' runs from the service back to the instance. */
	h = bpf_map_lookup_elem(&hops, &to.daddr);
	if (!h)
		return TC_ACT_OK;
	if (route(skb, &to, skb->ingress_ifindex, RT_TABLE_MAIN, &fib) != BPF_FIB_LKUP_RET_SUCCESS ||
	    fib.ifindex != h->br || fib.ipv4_dst != to.daddr || !same_mac(fib.dmac, h->dmac))
		return TC_ACT_OK;
	if (hop(skb, h->smac, h->dmac, &from, &to) < 0)
		return TC_ACT_SHOT;
	count(ST_GATEWAY);
	return bpf_redirect_peer(h->ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
