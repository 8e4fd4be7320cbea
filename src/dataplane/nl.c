/* SPDX-License-Identifier: MIT */
/*
 * rtnetlink over libmnl (nl.h). Requests are built in one buffer and acked
 * one at a time; dump replies are validated attribute by attribute
 * (mnl_attr_type_valid, mnl_attr_validate) before anything is read.
 */
#include "compat.h"
#include "dataplane/nl.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netinet/in.h>

#include "base/str.h"
#include "base/xalloc.h"
#include "dataplane/netns.h"

#define NL_BUF_SIZE 32768	/* one dump datagram (MNL_SOCKET_DUMP_SIZE) */

struct nl {
	struct mnl_socket *sock;
	uint32_t portid, seq;
	char buf[NL_BUF_SIZE];
};

struct open_args {
	struct nl *n;
	int proto;
};

static int open_here(void *arg)
{
	struct open_args *a = arg;
	struct nl *n = xcalloc(1, sizeof(*n));

	n->sock = mnl_socket_open(a->proto);
	if (!n->sock || mnl_socket_bind(n->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;

		if (n->sock)
			mnl_socket_close(n->sock);
		free(n);
		return -err;
	}
	n->portid = mnl_socket_get_portid(n->sock);
	n->seq = 1;
	a->n = n;
	return 0;
}

static struct nl *open_proto(const char *ns, int proto)
{
	struct open_args a = { NULL, proto };
	int ret = ns ? netns_run(ns, open_here, &a) : open_here(&a);

	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	return a.n;
}

struct nl *nl_open(const char *ns)
{
	return open_proto(ns, NETLINK_ROUTE);
}

struct nl *nl_open_conntrack(const char *ns)
{
	return open_proto(ns, NETLINK_NETFILTER);
}

void nl_close(struct nl *n)
{
	if (!n)
		return;
	mnl_socket_close(n->sock);
	free(n);
}

static struct nlmsghdr *start(struct nl *n, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(n->buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++n->seq;
	return nlh;
}

/* A request that adds (as new, never replacing) or removes one object. */
static struct nlmsghdr *start_change(struct nl *n, bool add, uint16_t new_type, uint16_t del_type)
{
	return start(n, add ? new_type : del_type, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
}

/*
 * Sends 'nlh' and reads the answers until the kernel's ack or the end of a
 * dump, feeding each reply to 'cb' (NULL: none expected): 0 or its -errno.
 */
static int exchange(struct nl *n, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t got;
	int ret;

	if (mnl_socket_sendto(n->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		got = mnl_socket_recvfrom(n->sock, n->buf, sizeof(n->buf));
		if (got < 0)
			return -errno;
		ret = mnl_cb_run(n->buf, (size_t)got, seq, n->portid, cb, data);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

/* Sends request 'nlh' and waits for the kernel's ack. */
static int talk(struct nl *n, struct nlmsghdr *nlh)
{
	nlh->nlmsg_flags |= NLM_F_ACK;
	return exchange(n, nlh, NULL, NULL);
}

/* Indexes the valid attributes of a message into 'tb' (validate, then index). */
struct attrs {
	const struct nlattr **tb;
	int max;
};

static int index_attr(const struct nlattr *a, void *data)
{
	struct attrs *t = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, (uint16_t)t->max) > 0)
		t->tb[type] = a;
	return MNL_CB_OK;
}

static bool attr_u32(const struct nlattr *a, uint32_t *out)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return false;
	*out = mnl_attr_get_u32(a);
	return true;
}

static bool attr_str(const struct nlattr *a, char *dst, size_t size)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return false;
	str_lcpy(dst, mnl_attr_get_str(a), size);
	return true;
}

/* An IPv4 address attribute, in host order. */
static bool attr_ip(const struct nlattr *a, uint32_t *out)
{
	if (!a || mnl_attr_get_payload_len(a) != 4)
		return false;
	*out = ntohl(*(const uint32_t *)mnl_attr_get_payload(a));
	return true;
}

/* --- dumps --- */

/* A growing array of dump results, 'size' bytes each. */
struct vec {
	void *v;
	size_t n, alloc, size;
};

static void *vec_push(struct vec *x)
{
	if (x->n == x->alloc) {
		x->alloc = x->alloc * 2 + 8;
		x->v = xreallocarray(x->v, x->alloc, x->size);
	}
	return memset((char *)x->v + x->n++ * x->size, 0, x->size);
}

/*
 * Dumps messages of 'type' for address family 'family' (the first byte of
 * every rtnetlink header) through 'cb' into a new array.
 */
static int dump_into(struct nl *n, uint16_t type, size_t hdr_size, uint8_t family, mnl_cb_t cb,
		     size_t size, void **out, size_t *count)
{
	struct nlmsghdr *nlh = start(n, type, NLM_F_DUMP);
	uint8_t *hdr = mnl_nlmsg_put_extra_header(nlh, hdr_size);
	struct vec x = { .size = size };
	int ret;

	hdr[0] = family;
	ret = exchange(n, nlh, cb, &x);
	*out = x.v;
	*count = x.n;
	return ret;
}

static int kind_attr(const struct nlattr *a, void *data)
{
	char *kind = data;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND)
		attr_str(a, kind, 16);
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	struct attrs t = { tb, IFLA_MAX };
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct nl_link l = { .index = ifi->ifi_index, .up = ifi->ifi_flags & IFF_UP };
	uint32_t master = 0;

	if (mnl_attr_parse(nlh, sizeof(*ifi), index_attr, &t) < 0)
		return MNL_CB_ERROR;
	if (!attr_str(tb[IFLA_IFNAME], l.name, sizeof(l.name)))
		return MNL_CB_OK;	/* nameless: not one of ours */
	if (attr_u32(tb[IFLA_MASTER], &master))
		l.master = (int)master;
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6) {
		const uint8_t *m = mnl_attr_get_payload(tb[IFLA_ADDRESS]);

		snprintf(l.mac, sizeof(l.mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
			 m[2], m[3], m[4], m[5]);
	}
	if (tb[IFLA_LINKINFO] && mnl_attr_validate(tb[IFLA_LINKINFO], MNL_TYPE_NESTED) == 0)
		mnl_attr_parse_nested(tb[IFLA_LINKINFO], kind_attr, l.kind);
	*(struct nl_link *)vec_push(data) = l;
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	struct attrs t = { tb, IFA_MAX };
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	uint32_t ip;

	if (ifa->ifa_family != AF_INET || mnl_attr_parse(nlh, sizeof(*ifa), index_attr, &t) < 0)
		return MNL_CB_OK;
	if (!attr_ip(tb[IFA_LOCAL], &ip) && !attr_ip(tb[IFA_ADDRESS], &ip))
		return MNL_CB_OK;
	*(struct nl_addr *)vec_push(data) =
		(struct nl_addr){ (int)ifa->ifa_index, ip, ifa->ifa_prefixlen };
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	struct attrs t = { tb, RTA_MAX };
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct nl_route r = { .table = rtm->rtm_table, .len = rtm->rtm_dst_len,
			      .type = rtm->rtm_type };
	uint32_t oif = 0;

	if (rtm->rtm_family != AF_INET || rtm->rtm_protocol != NL_PROTO ||
	    mnl_attr_parse(nlh, sizeof(*rtm), index_attr, &t) < 0)
		return MNL_CB_OK;
	attr_u32(tb[RTA_TABLE], &r.table);
	attr_ip(tb[RTA_DST], &r.dst);
	attr_ip(tb[RTA_GATEWAY], &r.via);
	attr_ip(tb[RTA_PREFSRC], &r.src);
	if (attr_u32(tb[RTA_OIF], &oif))
		r.oif = (int)oif;
	*(struct nl_route *)vec_push(data) = r;
	return MNL_CB_OK;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FRA_MAX + 1] = { 0 };
	struct attrs t = { tb, FRA_MAX };
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	struct nl_rule r = { .table = frh->table };

	if (frh->family != AF_INET || mnl_attr_parse(nlh, sizeof(*frh), index_attr, &t) < 0)
		return MNL_CB_OK;
	if (!tb[FRA_PROTOCOL] || mnl_attr_get_payload_len(tb[FRA_PROTOCOL]) != 1 ||
	    mnl_attr_get_u8(tb[FRA_PROTOCOL]) != NL_PROTO)
		return MNL_CB_OK;
	attr_u32(tb[FRA_PRIORITY], &r.prio);
	attr_str(tb[FRA_IFNAME], r.iif, sizeof(r.iif));
	attr_u32(tb[FRA_TABLE], &r.table);
	attr_u32(tb[FRA_FWMARK], &r.fwmark);
	if (frh->src_len && tb[FRA_SRC] && mnl_attr_get_payload_len(tb[FRA_SRC]) == 4) {
		r.src = ntohl(mnl_attr_get_u32(tb[FRA_SRC]));
		r.src_len = frh->src_len;
	}
	if (frh->action == FR_ACT_BLACKHOLE)
		r.table = 0;
	*(struct nl_rule *)vec_push(data) = r;
	return MNL_CB_OK;
}

/* The dumps nl.h offers. */
int nl_links(struct nl *n, struct nl_link **out, size_t *count)
{
	return dump_into(n, RTM_GETLINK, sizeof(struct ifinfomsg), AF_UNSPEC, link_cb,
			 sizeof(**out), (void **)out, count);
}

int nl_addrs(struct nl *n, struct nl_addr **out, size_t *count)
{
	return dump_into(n, RTM_GETADDR, sizeof(struct ifaddrmsg), AF_INET, addr_cb,
			 sizeof(**out), (void **)out, count);
}

int nl_routes(struct nl *n, struct nl_route **out, size_t *count)
{
	return dump_into(n, RTM_GETROUTE, sizeof(struct rtmsg), AF_INET, route_cb, sizeof(**out),
			 (void **)out, count);
}

int nl_rules(struct nl *n, struct nl_rule **out, size_t *count)
{
	return dump_into(n, RTM_GETRULE, sizeof(struct fib_rule_hdr), AF_INET, rule_cb,
			 sizeof(**out), (void **)out, count);
}

/* --- changes --- */

int nl_bridge_add(struct nl *n, const char *name)
{
	struct nlmsghdr *nlh = start(n, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info;

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	return talk(n, nlh);
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return true;
}

int nl_veth_add(struct nl *n, const char *name, const char *peer, int peer_ns_fd,
		const char *peer_mac)
{
	struct nlmsghdr *nlh = start(n, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info, *data, *peer_nest;
	uint8_t mac[6];

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer_nest = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));	/* the peer's */
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_ns_fd);
	if (peer_mac && peer_mac[0] && parse_mac(peer_mac, mac))
		mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(mac), mac);
	mnl_attr_nest_end(nlh, peer_nest);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return talk(n, nlh);
}

int nl_link_del(struct nl *n, int index)
{
	struct nlmsghdr *nlh = start(n, RTM_DELLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_index = index;
	return talk(n, nlh);
}

int nl_link_up(struct nl *n, int index, int master)
{
	struct nlmsghdr *nlh = start(n, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_index = index;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	return talk(n, nlh);
}

int nl_addr_set(struct nl *n, bool add, const struct nl_addr *a)
{
	struct nlmsghdr *nlh = start_change(n, add, RTM_NEWADDR, RTM_DELADDR);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	uint32_t be = htonl(a->ip);

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = a->len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)a->index;
	mnl_attr_put_u32(nlh, IFA_LOCAL, be);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, be);
	return talk(n, nlh);
}

int nl_route_set(struct nl *n, bool add, const struct nl_route *r)
{
	struct nlmsghdr *nlh = start_change(n, add, RTM_NEWROUTE, RTM_DELROUTE);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = r->len;
	rtm->rtm_table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = NL_PROTO;
	rtm->rtm_type = r->type ? r->type : RTN_UNICAST;
	rtm->rtm_scope = r->type == RTN_LOCAL ? RT_SCOPE_HOST :
			 r->type == RTN_BLACKHOLE || r->via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	mnl_attr_put_u32(nlh, RTA_TABLE, r->table);
	if (r->len)
		mnl_attr_put_u32(nlh, RTA_DST, htonl(r->dst));
	if (r->via)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(r->via));
	if (r->src)
		mnl_attr_put_u32(nlh, RTA_PREFSRC, htonl(r->src));
	if (r->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)r->oif);
	return talk(n, nlh);
}

int nl_rule_set(struct nl *n, bool add, const struct nl_rule *r)
{
	struct nlmsghdr *nlh = start_change(n, add, RTM_NEWRULE, RTM_DELRULE);
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));

	frh->family = AF_INET;
	frh->action = r->table ? FR_ACT_TO_TBL : FR_ACT_BLACKHOLE;
	mnl_attr_put_u32(nlh, FRA_PRIORITY, r->prio);
	if (r->src_len) {
		frh->src_len = r->src_len;
		mnl_attr_put_u32(nlh, FRA_SRC, htonl(r->src));
	}
	if (r->iif[0])
		mnl_attr_put_strz(nlh, FRA_IFNAME, r->iif);
	if (r->fwmark) {
		mnl_attr_put_u32(nlh, FRA_FWMARK, r->fwmark);
		mnl_attr_put_u32(nlh, FRA_FWMASK, 0xFFFFFFFFu);
	}
	if (r->table)
		mnl_attr_put_u32(nlh, FRA_TABLE, r->table);
	mnl_attr_put_u8(nlh, FRA_PROTOCOL, NL_PROTO);
	return talk(n, nlh);
}

/* --- conntrack --- */

static void put_tuple(struct nlmsghdr *nlh, uint16_t type, const struct nl_tuple *t)
{
	struct nlattr *tuple = mnl_attr_nest_start(nlh, type), *x;

	x = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, htonl(t->src));
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, htonl(t->dst));
	mnl_attr_nest_end(nlh, x);
	x = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, IPPROTO_TCP);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(t->sport));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(t->dport));
	mnl_attr_nest_end(nlh, x);
	mnl_attr_nest_end(nlh, tuple);
}

/* Indexes the attributes of nest 'a' (each of type at most 'max') into 'tb'. */
static bool nest(const struct nlattr *a, const struct nlattr **tb, int max)
{
	struct attrs t = { tb, max };

	return a && mnl_attr_validate(a, MNL_TYPE_NESTED) == 0 &&
	       mnl_attr_parse_nested(a, index_attr, &t) >= 0;
}

static bool attr_port(const struct nlattr *a, uint16_t *out)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U16) < 0)
		return false;
	*out = ntohs(mnl_attr_get_u16(a));
	return true;
}

static int ct_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTA_MAX + 1] = { 0 }, *tuple[CTA_TUPLE_MAX + 1] = { 0 };
	const struct nlattr *ip[CTA_IP_MAX + 1] = { 0 }, *proto[CTA_PROTO_MAX + 1] = { 0 };
	struct attrs t = { tb, CTA_MAX };
	struct nl_tuple *out = data;

	if (mnl_attr_parse(nlh, sizeof(struct nfgenmsg), index_attr, &t) < 0 ||
	    !nest(tb[CTA_TUPLE_ORIG], tuple, CTA_TUPLE_MAX) ||
	    !nest(tuple[CTA_TUPLE_IP], ip, CTA_IP_MAX) ||
	    !nest(tuple[CTA_TUPLE_PROTO], proto, CTA_PROTO_MAX))
		return MNL_CB_ERROR;
	if (!attr_ip(ip[CTA_IP_V4_SRC], &out->src) || !attr_ip(ip[CTA_IP_V4_DST], &out->dst) ||
	    !attr_port(proto[CTA_PROTO_SRC_PORT], &out->sport) ||
	    !attr_port(proto[CTA_PROTO_DST_PORT], &out->dport))
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

int nl_ct_original(struct nl *n, const struct nl_tuple *reply, struct nl_tuple *orig)
{
	struct nlmsghdr *nlh = start(n, (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET,
				     NLM_F_ACK);
	struct nfgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	int ret;

	g->nfgen_family = AF_INET;
	g->version = NFNETLINK_V0;
	g->res_id = 0;
	put_tuple(nlh, CTA_TUPLE_REPLY, reply);
	*orig = (struct nl_tuple){ 0 };
	ret = exchange(n, nlh, ct_cb, orig);
	if (ret < 0)
		return ret;
	return orig->src ? 0 : -ENOENT;
}
