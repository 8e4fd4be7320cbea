/* SPDX-License-Identifier: MIT */
/*
 * The DNS messages of vpce's resolvers, read and written with libknot: a
 * query's question (with its EDNS0 options), and a reply to it (A records, or
 * a negative answer with the zone's SOA, truncated with TC when it does not
 * fit a UDP client's size). Pure: bytes in, bytes out. dns_reply_for() turns
 * a resolver view's answer (core/dnsview.h) into what the reply says.
 */
#ifndef DNS_WIRE_H
#define DNS_WIRE_H

#include "compat.h"
#include "core/dnsview.h"

#define DNS_UDP_MIN 512		/* RFC 1035: what a client without EDNS0 takes */
#define DNS_UDP_MAX 1232	/* what vpce answers over UDP at most (the DNS flag day's size) */
#define DNS_TTL 60		/* seconds, as Route 53 Resolver gives private answers */

enum dns_rcode {
	DNS_RCODE_NOERROR = 0,
	DNS_RCODE_FORMERR = 1,
	DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3,
	DNS_RCODE_NOTIMP = 4,
	DNS_RCODE_REFUSED = 5,
	DNS_RCODE_BADVERS = 16,	/* extended, through EDNS0 */
};

struct dns_question {
	uint16_t id;
	bool rd;			/* recursion desired: echoed */
	uint16_t qtype, qclass;
	char name[DNS_NAME_SIZE];	/* lowercase text, no final dot; "" for the root */
	uint8_t qname[256];		/* as sent (case kept, RFC 4343), wire form */
	size_t qname_len;
	bool edns;			/* an OPT record came */
	uint8_t edns_version;
	uint16_t udp_size;		/* what the client takes over UDP: 512 without EDNS0 */
	bool do_bit;
};

/*
 * Reads the query in the 'len' bytes at 'wire'. Returns 0; -EPROTO for what
 * is not answered at all (shorter than a header, or a response: dropped);
 * -EOPNOTSUPP for an opcode other than QUERY (answer NOTIMP); -EBADMSG for a
 * malformed query, or one with other than one question (answer FORMERR). On
 * -EOPNOTSUPP and -EBADMSG, 'q->id' and 'q->rd' are set for the reply.
 */
int dns_question_parse(const uint8_t *wire, size_t len, struct dns_question *q);

/* What a reply says. */
struct dns_reply {
	enum dns_rcode rcode;
	bool aa;			/* authoritative: the answer is the view's own */
	const uint32_t *addrs;		/* A records, host order */
	size_t n;
	/*
	 * For a negative answer (NXDOMAIN, or NOERROR with no records): the
	 * zone whose SOA goes in the authority section ("ec2.internal"), or
	 * NULL for none.
	 */
	const char *soa_zone;
};

/*
 * Writes the reply to 'q' into 'out' (room for 'size' bytes): the question
 * echoed, the A records, the SOA of a negative answer, an OPT record when the
 * query had one. Over UDP ('tcp' false) the reply fits the client's size;
 * records that do not fit are left out and TC is set, so the client retries
 * over TCP. A question 'q' that could not be read (FORMERR, NOTIMP) gets a
 * header-only reply. Returns the length, or -ENOSPC when 'size' cannot hold
 * even the header and question.
 */
int dns_reply_write(const struct dns_question *q, const struct dns_reply *r, bool tcp,
		    uint8_t *out, size_t size);

/*
 * What a resolver says to question 'q' given the view's answer 'a' for its
 * name: A records for an A question; NODATA (NOERROR, no records, the SOA)
 * for another type of a name that exists; NXDOMAIN with the SOA for a name
 * that does not; REFUSED when the VPC has no resolver (enableDnsSupport
 * false). Fills 'r', which borrows from 'a'.
 */
void dns_reply_for(const struct dns_question *q, const struct dns_answer *a,
		   struct dns_reply *r);

#endif
