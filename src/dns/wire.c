/* SPDX-License-Identifier: MIT */
/*
 * Queries read and replies written with libknot's packet API. libknot
 * bounds every read by the message's length and refuses compression pointers
 * that do not point backwards; what it accepts is then checked for what a
 * resolver needs (one question, class IN, a known EDNS version).
 */
#include "compat.h"
#include "dns/wire.h"

#include <ctype.h>
#include <libknot/libknot.h>

#include "base/str.h"

/* RFC 1035 4.1.1: the header's second 16 bits. */
#define FLAG_QR 0x8000u
#define FLAG_AA 0x0400u
#define FLAG_TC 0x0200u
#define FLAG_RD 0x0100u
#define FLAG_RA 0x0080u
#define OPCODE(flags) (((flags) >> 11) & 0xF)
#define HEADER_SIZE 12

#define SOA_SERIAL 1
#define SOA_REFRESH 7200
#define SOA_RETRY 900
#define SOA_EXPIRE 1209600
#define SOA_MINIMUM 86400

/*
 * Each call's allocations come from a scratch area on its stack, dropped
 * all at once when it returns: libknot allocates for every packet and
 * record, and malloc showed in the resolver's profile. A message needing
 * more than this (hundreds of records) fails as a malformed one does.
 */
#define SCRATCH_SIZE 16384

struct scratch {
	knot_mm_t mm;			/* first: libknot's context points here */
	size_t used;
	_Alignas(16) uint8_t mem[SCRATCH_SIZE];
};

static void *scratch_alloc(void *ctx, size_t len)
{
	struct scratch *s = ctx;
	size_t at = (s->used + 15) & ~(size_t)15;

	if (len > SCRATCH_SIZE || at > SCRATCH_SIZE - len)
		return NULL;
	s->used = at + len;
	return s->mem + at;
}

static void scratch_free(void *p)
{
	(void)p;	/* all of it goes when the call returns */
}

static void scratch_init(struct scratch *s)
{
	s->mm = (knot_mm_t){ .ctx = s, .alloc = scratch_alloc, .free = scratch_free };
	s->used = 0;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* The question of a parsed packet into 'q'; -EBADMSG when a resolver cannot use it. */
static int read_question(const knot_pkt_t *pkt, struct dns_question *q)
{
	const knot_dname_t *qname = knot_pkt_qname(pkt);
	size_t len;

	if (knot_wire_get_qdcount(pkt->wire) != 1 || !qname)
		return -EBADMSG;
	len = knot_dname_size(qname);
	if (len == 0 || len > sizeof(q->qname))
		return -EBADMSG;
	memcpy(q->qname, knot_pkt_wire_qname(pkt), len);
	q->qname_len = len;
	if (!knot_dname_to_str(q->name, qname, sizeof(q->name)))
		return -EBADMSG;
	len = strlen(q->name);
	if (len && q->name[len - 1] == '.')
		q->name[--len] = '\0';
	for (size_t i = 0; i < len; i++)
		q->name[i] = str_ascii_lower(q->name[i]);
	q->qtype = knot_pkt_qtype(pkt);
	q->qclass = knot_pkt_qclass(pkt);
	if (pkt->opt_rr) {
		q->edns = true;
		q->edns_version = knot_edns_get_version(pkt->opt_rr);
		q->do_bit = knot_edns_do(pkt->opt_rr);
		q->udp_size = MAX(knot_edns_get_payload(pkt->opt_rr), (uint16_t)DNS_UDP_MIN);
	}
	return 0;
}

int dns_question_parse(const uint8_t *wire, size_t len, struct dns_question *q)
{
	struct scratch sc;
	knot_pkt_t *pkt;
	uint16_t flags;
	int ret;

	*q = (struct dns_question){ .udp_size = DNS_UDP_MIN, .qclass = 1 };
	if (len < HEADER_SIZE || len > UINT16_MAX)
		return -EPROTO;
	flags = be16(wire + 2);
	if (flags & FLAG_QR)
		return -EPROTO;	/* a response: answering it could loop two servers */
	q->id = be16(wire);
	q->rd = flags & FLAG_RD;
	if (OPCODE(flags) != 0)
		return -EOPNOTSUPP;
	scratch_init(&sc);
	/* Parsing reads the message where it is (libknot writes only packets it builds). */
	pkt = knot_pkt_new((void *)wire, (uint16_t)len, &sc.mm);
	if (!pkt)
		return -ENOMEM;
	pkt->size = len;
	ret = knot_pkt_parse(pkt, 0) == KNOT_EOK ? read_question(pkt, q) : -EBADMSG;
	knot_pkt_free(pkt);
	if (ret == 0 && q->qclass != 1 && q->qclass != 255)
		ret = -EBADMSG;	/* only IN (and ANY) is served */
	return ret;
}

/* "ip-10-0-1-5.ec2.internal" and such: the owner of an SOA, in wire form. */
static int zone_dname(const char *zone, uint8_t out[static 256])
{
	return knot_dname_from_str(out, zone, 256) ? 0 : -EINVAL;
}

/* Appends the SOA of 'zone' to the authority section of 'pkt'. */
static int put_soa(knot_pkt_t *pkt, const char *zone, knot_mm_t *mm)
{
	uint8_t owner[256], mname[256], rname[256], rdata[600];
	char text[DNS_NAME_SIZE + 32];
	knot_rrset_t rr;
	size_t n, m, k = 0;
	int ret;

	snprintf(text, sizeof(text), "ns.%s", zone[0] ? zone : "vpce.internal");
	if (zone_dname(zone[0] ? zone : ".", owner) < 0 || zone_dname(text, mname) < 0)
		return -EINVAL;
	snprintf(text, sizeof(text), "hostmaster.%s", zone[0] ? zone : "vpce.internal");
	if (zone_dname(text, rname) < 0)
		return -EINVAL;
	n = knot_dname_size(mname);
	m = knot_dname_size(rname);
	memcpy(rdata, mname, n);
	k = n;
	memcpy(rdata + k, rname, m);
	k += m;
	put32(rdata + k, SOA_SERIAL);
	put32(rdata + k + 4, SOA_REFRESH);
	put32(rdata + k + 8, SOA_RETRY);
	put32(rdata + k + 12, SOA_EXPIRE);
	put32(rdata + k + 16, SOA_MINIMUM);
	k += 20;
	knot_rrset_init(&rr, owner, KNOT_RRTYPE_SOA, KNOT_CLASS_IN, DNS_TTL);
	ret = knot_rrset_add_rdata(&rr, rdata, (uint16_t)k, mm);
	if (ret == KNOT_EOK)
		ret = knot_pkt_put(pkt, 0, &rr, 0);
	knot_rdataset_clear(&rr.rrs, mm);
	return ret == KNOT_EOK ? 0 : -ENOSPC;
}

static int put_answers(knot_pkt_t *pkt, const struct dns_question *q, const struct dns_reply *r,
		       knot_mm_t *mm)
{
	knot_rrset_t rr;
	uint8_t ip[4];
	int ret = KNOT_EOK;

	knot_rrset_init(&rr, (knot_dname_t *)q->qname, KNOT_RRTYPE_A, KNOT_CLASS_IN, DNS_TTL);
	for (size_t i = 0; i < r->n && ret == KNOT_EOK; i++) {
		put32(ip, r->addrs[i]);
		ret = knot_rrset_add_rdata(&rr, ip, sizeof(ip), mm);
	}
	if (ret == KNOT_EOK)
		ret = knot_pkt_put(pkt, KNOT_COMPR_HINT_QNAME, &rr, 0);
	knot_rdataset_clear(&rr.rrs, mm);
	return ret == KNOT_EOK ? 0 : -ENOSPC;
}

int dns_reply_write(const struct dns_question *q, const struct dns_reply *r, bool tcp,
		    uint8_t *out, size_t size)
{
	size_t max = tcp ? MIN(size, (size_t)UINT16_MAX) :
		     MIN(size, (size_t)MIN(q->udp_size, DNS_UDP_MAX));
	uint16_t rcode = r->rcode & 0xF, flags;
	struct scratch sc;
	knot_rrset_t opt;
	knot_pkt_t *pkt;
	bool fits = true;
	int ret, len;

	if (max < HEADER_SIZE)
		return -ENOSPC;
	scratch_init(&sc);
	pkt = knot_pkt_new(out, (uint16_t)max, &sc.mm);
	if (!pkt)
		return -ENOMEM;
	knot_rrset_init_empty(&opt);
	flags = (uint16_t)(FLAG_QR | FLAG_RA | (q->rd ? FLAG_RD : 0) | (r->aa ? FLAG_AA : 0) | rcode);
	memset(out, 0, HEADER_SIZE);
	put16(out, q->id);
	put16(out + 2, flags);
	pkt->size = HEADER_SIZE;
	ret = 0;
	if (q->qname_len) {
		ret = knot_pkt_put_question(pkt, q->qname, q->qclass, q->qtype) == KNOT_EOK ? 0 :
		      -ENOSPC;
		if (!ret && q->edns) {
			/* RFC 6891 7: the OPT record carries the extended RCODE. */
			ret = knot_edns_init(&opt, DNS_UDP_MAX, (uint8_t)(r->rcode >> 4), 0, &sc.mm) ==
			      KNOT_EOK ? 0 : -ENOMEM;
			if (!ret && knot_pkt_reserve(pkt, (uint16_t)knot_edns_wire_size(&opt)) != KNOT_EOK)
				ret = -ENOSPC;
		}
		if (!ret && r->n) {
			knot_pkt_begin(pkt, KNOT_ANSWER);
			fits = put_answers(pkt, q, r, &sc.mm) == 0;
		}
		if (!ret && fits && !r->n && r->soa_zone) {
			knot_pkt_begin(pkt, KNOT_AUTHORITY);
			fits = put_soa(pkt, r->soa_zone, &sc.mm) == 0;
		}
		if (!ret && q->edns) {
			knot_pkt_reclaim(pkt, (uint16_t)knot_edns_wire_size(&opt));
			knot_pkt_begin(pkt, KNOT_ADDITIONAL);
			if (knot_pkt_put(pkt, 0, &opt, 0) != KNOT_EOK)
				ret = -ENOSPC;
		}
	}
	if (!fits)
		put16(out + 2, (uint16_t)(flags | FLAG_TC));	/* RFC 2181 9: retry over TCP */
	len = ret < 0 ? ret : (int)pkt->size;
	knot_rrset_clear(&opt, &sc.mm);
	knot_pkt_free(pkt);
	return len;
}

/* The zone whose SOA a negative answer about 'name' carries. */
static const char *zone_of(const struct dns_question *q)
{
	static const char *const zones[] = { "ec2.internal", "compute.internal",
					     "vpce.amazonaws.com", "amazonaws.com" };
	struct str n = str_c(q->name);

	for (size_t i = 0; i < ARRAY_SIZE(zones); i++) {
		struct str z = str_c(zones[i]);

		if (str_eq(n, z) || (n.len > z.len && str_ends_with(n, z) &&
				     n.p[n.len - z.len - 1] == '.'))
			return zones[i];
	}
	return "";
}

void dns_reply_for(const struct dns_question *q, const struct dns_answer *a,
		   struct dns_reply *r)
{
	*r = (struct dns_reply){ .rcode = DNS_RCODE_NOERROR, .soa_zone = zone_of(q) };
	if (q->edns && q->edns_version > 0) {
		/* RFC 6891 6.1.3: only version 0 is known. */
		r->rcode = DNS_RCODE_BADVERS;
		r->soa_zone = NULL;
		return;
	}
	switch (a->how) {
	case DNS_NO_RESOLVER:
		r->rcode = DNS_RCODE_REFUSED;
		r->soa_zone = NULL;
		return;
	case DNS_NXDOMAIN:
		/* A zone's apex exists (it holds the SOA): it has no A record, not no name. */
		if (strcmp(q->name, r->soa_zone))
			r->rcode = DNS_RCODE_NXDOMAIN;
		/* The VPC's own zones are the resolver's to deny; other names' denial is recursion's. */
		r->aa = strstr(r->soa_zone, ".internal") != NULL;
		return;
	default:
		break;
	}
	r->aa = a->how == DNS_PRIVATE_ZONE || a->how == DNS_INSTANCE_NAME;
	if ((q->qtype == KNOT_RRTYPE_A || q->qtype == KNOT_RRTYPE_ANY) && a->n) {
		r->addrs = a->addrs;
		r->n = a->n;
	}
}
