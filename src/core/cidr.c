/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "core/cidr.h"

int ip4_parse(struct str s, uint32_t *out)
{
	uint32_t ip = 0;

	for (int i = 0; i < 4; i++) {
		struct str part;
		uint64_t v;

		if (i < 3) {
			if (!str_cut(&s, '.', &part))
				return -EINVAL;
		} else {
			part = s;
		}
		if (part.len > 3 || (part.len > 1 && part.p[0] == '0'))
			return -EINVAL;
		if (str_to_u64(part, 255, &v) < 0)
			return -EINVAL;
		ip = ip << 8 | (uint32_t)v;
	}
	*out = ip;
	return 0;
}

char *ip4_fmt(uint32_t ip, char *dst)
{
	snprintf(dst, IP4_STRLEN, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
		 (ip >> 8) & 255, ip & 255);
	return dst;
}

int cidr4_parse(struct str s, struct cidr4 *out)
{
	struct str addr;
	uint64_t len;
	uint32_t ip;

	if (!str_cut(&s, '/', &addr))
		return -EINVAL;
	if (ip4_parse(addr, &ip) < 0)
		return -EINVAL;
	if (s.len > 2 || (s.len > 1 && s.p[0] == '0') || str_to_u64(s, 32, &len) < 0)
		return -EINVAL;
	if (ip & ~cidr4_mask((uint8_t)len))
		return -EDOM;
	*out = (struct cidr4){ ip, (uint8_t)len };
	return 0;
}

char *cidr4_fmt(const struct cidr4 *c, char *dst)
{
	char ip[IP4_STRLEN];

	snprintf(dst, CIDR4_STRLEN, "%s/%u", ip4_fmt(c->addr, ip), c->len);
	return dst;
}

bool cidr4_contains_ip(const struct cidr4 *c, uint32_t ip)
{
	return (ip & cidr4_mask(c->len)) == c->addr;
}

bool cidr4_contains(const struct cidr4 *outer, const struct cidr4 *inner)
{
	return inner->len >= outer->len && cidr4_contains_ip(outer, inner->addr);
}

bool cidr4_overlaps(const struct cidr4 *a, const struct cidr4 *b)
{
	return cidr4_contains(a, b) || cidr4_contains(b, a);
}

bool cidr4_eq(const struct cidr4 *a, const struct cidr4 *b)
{
	return a->addr == b->addr && a->len == b->len;
}
