// SPDX-License-Identifier: GPL-2.0
/*
 * The VPC router's fast path (docs/dataplane.md), on the tc ingress hook of
 * each ENI's port in a VPC namespace: a TCP segment without SYN, FIN or RST,
 * sent from the port's own address to another ENI of the VPC, of a flow
 * conntrack holds as established, goes straight into the destination's
 * namespace (bpf_redirect_peer), as the router would have forwarded it
 * (TTL down by one, MACs those of the router's side and the destination
 * ENI) or, within a subnet, as the bridge would have (unchanged).
 * Everything else takes the router's stack (routes, security groups,
 * conntrack), which is also where every flow starts and ends, so the
 * groups and the routes decide exactly as without it. The realizer keeps
 * the maps equal to the plan (dataplane/fastpath.c).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* The kfuncs' options, as the kernel reads their first 12 bytes (NF_BPF_CT_OPTS_SZ of 6.1). */
struct bpf_ct_opts {
	__s32 netns_id;
	__s32 error;
	__u8 l4proto;
	__u8 dir;
	__u8 reserved[2];
};

/* What is read of a conntrack entry; CO-RE finds it in the running kernel's layout. */
#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
struct ip_ct_tcp {
	__u8 state;
};

union nf_conntrack_proto {
	struct ip_ct_tcp tcp;
};

struct nf_conn {
	__u32 timeout;		/* when it expires, in jiffies (32 bits) */
	unsigned long status;
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

/* Where an ENI's address leads: its port, its MAC, the router's MAC on that side. */
struct hop {
	__u32 ifindex;
	__u8 dmac[ETH_ALEN];
	__u8 smac[ETH_ALEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);		/* an ENI's address, network order */
	__type(value, struct hop);
} hops SEC(".maps");

/* A port: its ENI's address, and the router's MAC on its subnet's bridge. */
struct port {
	__u32 ip;			/* network order */
	__u8 router_mac[ETH_ALEN];
	__u8 pad[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);		/* a port's ifindex */
	__type(value, struct port);
} ports SEC(".maps");

/* Segments sent across [0], and left to the router though eligible [1]. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
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

SEC("tc")
int vpce_fastpath(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct bpf_ct_opts opts = { .netns_id = CURRENT_NETNS, .l4proto = IPPROTO_TCP };
	struct bpf_sock_tuple t = {};
	struct ethhdr *eth = data;
	__u32 ifindex = skb->ingress_ifindex, daddr, sum;
	struct nf_conn *ct;
	struct tcphdr *tcp;
	struct iphdr *ip;
	struct port *own;
	struct hop *h;
	int routed, ok;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->ihl != 5 || ip->protocol != IPPROTO_TCP ||
	    ip->ttl <= 1 || (ip->frag_off & bpf_htons(0x3FFF)))
		return TC_ACT_OK;
	tcp = (void *)(ip + 1);
	if ((void *)(tcp + 1) > end || tcp->syn || tcp->fin || tcp->rst)
		return TC_ACT_OK;
	/* From the port's own address only: anything else is the bridge's to drop. */
	own = bpf_map_lookup_elem(&ports, &ifindex);
	if (!own || own->ip != ip->saddr)
		return TC_ACT_OK;
	daddr = ip->daddr;
	h = bpf_map_lookup_elem(&hops, &daddr);
	if (!h)
		return TC_ACT_OK;
	/* To the router (another subnet), or to the destination itself (the same one). */
	routed = same_mac(eth->h_dest, own->router_mac);
	if (!routed && !same_mac(eth->h_dest, h->dmac))
		return TC_ACT_OK;
	t.ipv4.saddr = ip->saddr;
	t.ipv4.daddr = ip->daddr;
	t.ipv4.sport = tcp->source;
	t.ipv4.dport = tcp->dest;
	ct = bpf_skb_ct_lookup(skb, &t, sizeof(t.ipv4), &opts, sizeof(opts));
	if (!ct)
		return TC_ACT_OK;
	ok = ct_carried(ct);
	bpf_ct_release(ct);
	if (!ok) {
		count(1);
		return TC_ACT_OK;
	}
	/* The lookup may have moved the packet's data: read the pointers again. */
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	eth = data;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return TC_ACT_OK;
	if (routed) {
		/* A router's hop: TTL down by one, the checksum following it (RFC 1624). */
		sum = (__u32)ip->check + bpf_htons(0x0100);
		ip->check = (__u16)(sum + (sum >= 0xFFFF));
		ip->ttl--;
		__builtin_memcpy(eth->h_dest, h->dmac, ETH_ALEN);
		__builtin_memcpy(eth->h_source, h->smac, ETH_ALEN);
	}
	count(0);
	return bpf_redirect_peer(h->ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
