// SPDX-License-Identifier: GPL-2.0
/*
 * An experiment, not part of vpced (docs/benchmarks.md, "TCP across the VPC
 * router"): on a router-side veth's tc ingress, TCP segments without SYN,
 * FIN or RST of flows conntrack has seen answered skip the router's stack:
 * TTL down by one, MACs rewritten, then bpf_redirect_peer() into the
 * destination's namespace. 'hops' maps a destination address to the veth
 * that leads there and the MACs to write. Built by run.sh against this
 * kernel's BTF (vmlinux.h from bpftool).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TC_ACT_OK 0
#define ETH_P_IP 0x0800
#define IP_PROTO_TCP 6

struct nf_conn *bpf_skb_ct_lookup(struct __sk_buff *, struct bpf_sock_tuple *, __u32,
				  struct bpf_ct_opts *, __u32) __ksym;
void bpf_ct_release(struct nf_conn *) __ksym;

struct hop {
	__u32 ifindex;
	__u8 dmac[6];
	__u8 smac[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct hop);
} hops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static void count(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &k);

	if (v)
		(*v)++;
}

SEC("tc")
int fastpath(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct tcphdr *tcp;
	struct bpf_sock_tuple t = {};
	struct bpf_ct_opts opts = { .netns_id = -1, .l4proto = IP_PROTO_TCP };
	struct nf_conn *ct;
	struct hop *h;
	__u32 daddr;
	unsigned long status;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->ihl != 5 || ip->protocol != IP_PROTO_TCP || ip->ttl <= 1 ||
	    (ip->frag_off & bpf_htons(0x3fff)))
		return TC_ACT_OK;
	tcp = (void *)(ip + 1);
	if ((void *)(tcp + 1) > end || tcp->syn || tcp->fin || tcp->rst)
		return TC_ACT_OK;
	daddr = ip->daddr;
	h = bpf_map_lookup_elem(&hops, &daddr);
	if (!h)
		return TC_ACT_OK;
	t.ipv4.saddr = ip->saddr;
	t.ipv4.daddr = ip->daddr;
	t.ipv4.sport = tcp->source;
	t.ipv4.dport = tcp->dest;
	ct = bpf_skb_ct_lookup(skb, &t, sizeof(t.ipv4), &opts, sizeof(opts));
	if (!ct)
		return TC_ACT_OK;
	status = ct->status;
	bpf_ct_release(ct);
	if (!(status & IPS_SEEN_REPLY)) {
		count(1);
		return TC_ACT_OK;
	}
	count(0);
	/* Re-read: the lookup may have moved the packet's data. */
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	eth = data;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return TC_ACT_OK;
	/* A router's hop: TTL down by one, the checksum following (RFC 1624). */
	{
		__u32 sum = (__u32)ip->check + bpf_htons(0x0100);
		ip->check = (__u16)(sum + (sum >= 0xFFFF));
		ip->ttl--;
	}
	__builtin_memcpy(eth->h_dest, h->dmac, 6);
	__builtin_memcpy(eth->h_source, h->smac, 6);
	return bpf_redirect_peer(h->ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
