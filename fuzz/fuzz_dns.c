/* SPDX-License-Identifier: MIT */
/*
 * The resolver's packet reader and writer: any bytes as a query; when it
 * reads, a reply for each kind of answer over UDP and TCP, in buffers from
 * too small to ample. The reply must fit its buffer and echo the query's ID.
 */
#include "compat.h"

#include <stdlib.h>

#include "dns/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t addrs[DNSVIEW_MAX_ADDRS] = { 0x0A000001, 0x0A000002 };
	static const size_t sizes[] = { 0, 12, 40, 512, 1232, 65535 };
	static uint8_t out[65535];
	struct dns_question q;
	struct dns_reply r;
	struct dns_answer a = { .n = 2 };
	int ret = dns_question_parse(data, size, &q);

	if (ret == -EPROTO)
		return 0;
	memcpy(a.addrs, addrs, sizeof(a.addrs));
	for (int how = DNS_NXDOMAIN; how <= DNS_PUBLIC; how++) {
		a.how = (enum dns_how)how;
		if (ret == 0)
			dns_reply_for(&q, &a, &r);
		else
			r = (struct dns_reply){ .rcode = ret == -EBADMSG ? DNS_RCODE_FORMERR :
							 DNS_RCODE_NOTIMP };
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			for (int tcp = 0; tcp < 2; tcp++) {
				int len = dns_reply_write(&q, &r, tcp, out, sizes[i]);

				if (len >= 0 && ((size_t)len > sizes[i] || len < 12 ||
						 (out[0] << 8 | out[1]) != q.id))
					abort();
				if (!tcp && len > (int)MAX(q.udp_size, DNS_UDP_MIN))
					abort();
			}
		}
	}
	return 0;
}
