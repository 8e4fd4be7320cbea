/* SPDX-License-Identifier: MIT */
/*
 * The resolver's wire format (dns/wire.c): queries read as a resolver must
 * (one question, IN, EDNS0), replies written as RFC 1035, 2181 and 6891 say
 * (the question echoed, A records, SOA in negative answers, OPT echoed, TC
 * when a UDP client's size is passed), and every malformed query refused.
 */
#include "compat.h"
#include "check.h"

#include "core/host_ops.h"
#include "dns/server.h"
#include "dns/wire.h"
#include "world_fixture.h"

void test_dns_wire(void);

/* A query for 'name' of 'qtype'; with an OPT record of 'udp' bytes when 'udp' > 0. */
static size_t query(uint8_t *out, uint16_t id, const char *name, uint16_t qtype, uint16_t udp,
		    uint8_t version)
{
	size_t n = 12;
	const char *p = name;

	memset(out, 0, 12);
	out[0] = (uint8_t)(id >> 8);
	out[1] = (uint8_t)id;
	out[2] = 0x01;		/* RD */
	out[5] = 1;		/* QDCOUNT */
	out[11] = udp ? 1 : 0;	/* ARCOUNT */
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);

		out[n++] = (uint8_t)len;
		memcpy(out + n, p, len);
		n += len;
		p += len + (dot ? 1 : 0);
	}
	out[n++] = 0;
	out[n++] = (uint8_t)(qtype >> 8);
	out[n++] = (uint8_t)qtype;
	out[n++] = 0;
	out[n++] = 1;		/* IN */
	if (udp) {
		const uint8_t opt[] = { 0, 0, 41, (uint8_t)(udp >> 8), (uint8_t)udp, 0, version,
					0x80, 0, 0, 0 };

		memcpy(out + n, opt, sizeof(opt));
		n += sizeof(opt);
	}
	return n;
}

static uint16_t at16(const uint8_t *p, size_t off)
{
	return (uint16_t)(p[off] << 8 | p[off + 1]);
}

static void test_parse(void)
{
	uint8_t m[512];
	struct dns_question q;
	size_t n = query(m, 0x1234, "SQS.us-east-1.AmazonAWS.com", 1, 0, 0);

	CHECK_EQ(dns_question_parse(m, n, &q), 0);
	CHECK_EQ(q.id, 0x1234);
	CHECK(q.rd);
	CHECK_EQ(q.qtype, 1);
	CHECK_STREQ(q.name, "sqs.us-east-1.amazonaws.com");
	CHECK(!q.edns);
	CHECK_EQ(q.udp_size, DNS_UDP_MIN);
	CHECK_EQ(q.qname_len, 29u);
	CHECK(!memcmp(q.qname + 1, "SQS", 3));	/* the case as sent, for the echo */
	n = query(m, 7, "a.b", 28, 4096, 0);
	CHECK_EQ(dns_question_parse(m, n, &q), 0);
	CHECK(q.edns && q.do_bit);
	CHECK_EQ(q.udp_size, 4096);
	n = query(m, 7, "a.b", 1, 100, 0);	/* below 512: 512 */
	CHECK_EQ(dns_question_parse(m, n, &q), 0);
	CHECK_EQ(q.udp_size, DNS_UDP_MIN);
}

static void test_refusals(void)
{
	uint8_t m[512];
	struct dns_question q;
	size_t n = query(m, 9, "x.example", 1, 0, 0);

	CHECK_EQ(dns_question_parse(m, 11, &q), -EPROTO);	/* shorter than a header */
	m[2] |= 0x80;						/* a response */
	CHECK_EQ(dns_question_parse(m, n, &q), -EPROTO);
	m[2] = (uint8_t)((2 << 3) | 1);				/* opcode STATUS */
	CHECK_EQ(dns_question_parse(m, n, &q), -EOPNOTSUPP);
	CHECK_EQ(q.id, 9);
	m[2] = 1;
	CHECK_EQ(dns_question_parse(m, n - 3, &q), -EBADMSG);	/* cut in the question */
	CHECK_EQ(q.id, 9);
	m[5] = 2;						/* two questions, one sent */
	CHECK_EQ(dns_question_parse(m, n, &q), -EBADMSG);
	m[5] = 0;						/* none */
	CHECK_EQ(dns_question_parse(m, n, &q), -EBADMSG);
	m[5] = 1;
	m[n - 1] = 3;						/* class CH */
	CHECK_EQ(dns_question_parse(m, n, &q), -EBADMSG);
	/* A compression pointer to itself, as the whole name. */
	n = 12;
	m[n++] = 0xC0;
	m[n++] = 12;
	m[n++] = 0;
	m[n++] = 1;
	m[n++] = 0;
	m[n++] = 1;
	CHECK_EQ(dns_question_parse(m, n, &q), -EBADMSG);
	/* Random bytes never crash it (the fuzz target goes further). */
	for (unsigned seed = 1; seed < 2000; seed++) {
		uint32_t x = seed * 2654435761u;

		for (size_t i = 0; i < 64; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			m[i] = (uint8_t)x;
		}
		(void)dns_question_parse(m, 12 + seed % 52, &q);
	}
}

static void test_replies(void)
{
	uint8_t m[512], out[2048];
	uint32_t addrs[16];
	struct dns_question q;
	struct dns_reply r;
	struct dns_answer a = { .how = DNS_PRIVATE_ZONE, .n = 2,
				.addrs = { 0x0A000164, 0x0A000264 } };
	size_t n = query(m, 0xBEEF, "sqs.us-east-1.amazonaws.com", 1, 0, 0);
	int len;

	CHECK_EQ(dns_question_parse(m, n, &q), 0);
	dns_reply_for(&q, &a, &r);
	len = dns_reply_write(&q, &r, false, out, sizeof(out));
	CHECK(len > 12);
	CHECK_EQ(at16(out, 0), 0xBEEF);
	CHECK_EQ(at16(out, 2) & 0x8000, 0x8000);	/* QR */
	CHECK_EQ(at16(out, 2) & 0x0400, 0x0400);	/* AA: the VPC's own zone */
	CHECK_EQ(at16(out, 2) & 0x0100, 0x0100);	/* RD echoed */
	CHECK_EQ(at16(out, 2) & 0x000F, 0);
	CHECK_EQ(at16(out, 4), 1);
	CHECK_EQ(at16(out, 6), 2);
	CHECK_EQ(at16(out, 8), 0);
	CHECK(!memcmp(out + 12, m + 12, n - 12));	/* the question echoed */
	/* The last record's address, at the end. */
	CHECK_EQ(at16(out, (size_t)len - 4), 0x0A00);
	CHECK_EQ(at16(out, (size_t)len - 2), 0x0264);

	/* NODATA: the name exists, AAAA does not; the SOA says for how long. */
	n = query(m, 1, "sqs.us-east-1.amazonaws.com", 28, 0, 0);
	CHECK_EQ(dns_question_parse(m, n, &q), 0);
	dns_reply_for(&q, &a, &r);
	len = dns_reply_write(&q, &r, false, out, sizeof(out));
	CHECK_EQ(at16(out, 2) & 0xF, 0);
	CHECK_EQ(at16(out, 6), 0);
	CHECK_EQ(at16(out, 8), 1);
	CHECK_STREQ(r.soa_zone, "amazonaws.com");

	/* NXDOMAIN, with the SOA of the zone it would be in. */
	a = (struct dns_answer){ .how = DNS_NXDOMAIN };
	n = query(m, 2, "ip-10-9-9-9.ec2.internal", 1, 0, 0);
	CHECK_EQ(dns_question_parse(m, n, &q), 0);
	dns_reply_for(&q, &a, &r);
	len = dns_reply_write(&q, &r, false, out, sizeof(out));
	CHECK(len > 12);
	CHECK_EQ(at16(out, 2) & 0xF, 3);
	CHECK_EQ(at16(out, 6), 0);
	CHECK_EQ(at16(out, 8), 1);
	CHECK_STREQ(r.soa_zone, "ec2.internal");

	/* EDNS0: OPT echoed; TC when the records do not fit, all of them over TCP. */
	for (size_t i = 0; i < 16; i++)
		addrs[i] = 0x0A000000u + (uint32_t)i;
	n = query(m, 3, "sqs.us-east-1.amazonaws.com", 1, 1232, 0);
	CHECK_EQ(dns_question_parse(m, n, &q), 0);
	r = (struct dns_reply){ .addrs = addrs, .n = 16 };
	len = dns_reply_write(&q, &r, false, out, sizeof(out));
	CHECK_EQ(at16(out, 6), 16);
	CHECK_EQ(at16(out, 10), 1);
	CHECK_EQ(at16(out, 2) & 0x0200, 0);
	len = dns_reply_write(&q, &r, false, out, 120);
	CHECK(len > 12 && len <= 120);
	CHECK_EQ(at16(out, 2) & 0x0200, 0x0200);
	CHECK_EQ(at16(out, 6), 0);
	CHECK_EQ(at16(out, 10), 1);	/* the OPT record still goes */
	len = dns_reply_write(&q, &r, true, out, sizeof(out));
	CHECK_EQ(at16(out, 6), 16);
	CHECK_EQ(dns_reply_write(&q, &r, false, out, 8), -ENOSPC);

	/* BADVERS for EDNS1; REFUSED without a resolver; FORMERR header only. */
	n = query(m, 4, "a.b", 1, 1232, 1);
	CHECK_EQ(dns_question_parse(m, n, &q), 0);
	a = (struct dns_answer){ .how = DNS_PUBLIC, .n = 1, .addrs = { 1 } };
	dns_reply_for(&q, &a, &r);
	CHECK_EQ(r.rcode, DNS_RCODE_BADVERS);
	len = dns_reply_write(&q, &r, false, out, sizeof(out));
	CHECK_EQ(at16(out, 2) & 0xF, 0);	/* 16 = 0x10: the low bits in the header are 0 */
	CHECK_EQ(at16(out, 10), 1);
	CHECK_EQ(out[len - 11 + 5], 1);	/* the OPT's extended RCODE byte: 16 >> 4 */
	a.how = DNS_NO_RESOLVER;
	n = query(m, 5, "a.b", 1, 0, 0);
	CHECK_EQ(dns_question_parse(m, n, &q), 0);
	dns_reply_for(&q, &a, &r);
	CHECK_EQ(r.rcode, DNS_RCODE_REFUSED);
	q = (struct dns_question){ .id = 6, .udp_size = DNS_UDP_MIN };
	r = (struct dns_reply){ .rcode = DNS_RCODE_FORMERR };
	CHECK_EQ(dns_reply_write(&q, &r, false, out, sizeof(out)), 12);
	CHECK_EQ(at16(out, 0), 6);
	CHECK_EQ(at16(out, 2) & 0xF, 1);
}

/* The server's answer from a live world, as a resolver in the VPC gives it. */
static void test_server_answer(void)
{
	struct fixture f;
	struct vpc *vpc;
	struct subnet *s;
	struct dns_server *srv;
	uint8_t m[512], out[1024];
	size_t first, n;
	int len;

	fixture_init(&f);
	CHECK_EQ(vpc_create(&f.w, &f.cx, &(struct vpc_create_req){ .cidr = "10.0.0.0/16" }, &vpc,
			    &f.e), 0);
	s = fixture_subnet(&f, vpc->res.id, "10.0.1.0/24", "us-east-1a");
	CHECK(s != NULL);
	CHECK_EQ(instance_launch(&f.w, &f.cx,
				 &(struct instance_launch_req){ .image_id = "ami-0123456789abcdef0",
								.min_count = 1, .max_count = 1,
								.subnet_id = s->res.id },
				 &first, &f.e), 0);
	srv = dns_server_new(NULL, &f.w, f.cx.region);
	n = query(m, 77, "ip-10-0-1-4.ec2.internal", 1, 0, 0);
	len = dns_server_answer(srv, vpc->res.id, m, n, false, out, sizeof(out));
	CHECK_EQ(at16(out, 2) & 0xF, 3);	/* enableDnsHostnames is off */
	CHECK_EQ(vpc_set_attribute(&f.w, &f.cx, vpc->res.id, "enableDnsHostnames", true, &f.e), 0);
	len = dns_server_answer(srv, vpc->res.id, m, n, false, out, sizeof(out));	/* a changed world */
	CHECK_EQ(at16(out, 2) & 0xF, 0);
	CHECK_EQ(at16(out, 6), 1);
	CHECK_EQ(at16(out, (size_t)len - 2), 0x0104);
	CHECK_EQ(dns_server_answer(srv, vpc->res.id, m, 5, false, out, sizeof(out)), 0);
	m[5] = 2;
	CHECK_EQ(dns_server_answer(srv, vpc->res.id, m, n, false, out, sizeof(out)), 12);
	CHECK_EQ(at16(out, 2) & 0xF, 1);
	dns_server_free(srv);
	fixture_release(&f);
}

void test_dns_wire(void)
{
	test_parse();
	test_refusals();
	test_replies();
	test_server_answer();
}
