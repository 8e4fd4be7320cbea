/* SPDX-License-Identifier: MIT */
/*
 * IPv4 addresses and CIDR blocks in host byte order. A parsed block is
 * canonical: no bits are set past its prefix length.
 */
#ifndef CORE_CIDR_H
#define CORE_CIDR_H

#include "compat.h"
#include "base/str.h"

struct cidr4 {
	uint32_t addr;	/* host order; no host bits set */
	uint8_t len;	/* prefix length, 0..32 */
};

#define IP4_STRLEN 16	/* "255.255.255.255" plus NUL */
#define CIDR4_STRLEN 20	/* "255.255.255.255/32" plus NUL, rounded */

/* Parses a dotted quad with no leading zeros; -EINVAL on anything else. */
int ip4_parse(struct str s, uint32_t *out);
/* Writes 'ip' into 'dst' of at least IP4_STRLEN bytes; returns 'dst'. */
char *ip4_fmt(uint32_t ip, char *dst);

/*
 * Parses "a.b.c.d/n". Returns -EINVAL for bad syntax and -EDOM when host
 * bits are set (AWS rejects "10.0.0.1/16" for a VPC).
 */
int cidr4_parse(struct str s, struct cidr4 *out);
/* Writes 'c' into 'dst' of at least CIDR4_STRLEN bytes; returns 'dst'. */
char *cidr4_fmt(const struct cidr4 *c, char *dst);

static inline uint32_t cidr4_mask(uint8_t len)
{
	return len ? ~(uint32_t)0 << (32 - len) : 0;
}

/* Number of addresses in 'c'. */
static inline uint64_t cidr4_size(const struct cidr4 *c)
{
	return (uint64_t)1 << (32 - c->len);
}

static inline uint32_t cidr4_last(const struct cidr4 *c)
{
	return c->addr | ~cidr4_mask(c->len);
}

bool cidr4_contains_ip(const struct cidr4 *c, uint32_t ip);
/* True when all of 'inner' lies inside 'outer'. */
bool cidr4_contains(const struct cidr4 *outer, const struct cidr4 *inner);
bool cidr4_overlaps(const struct cidr4 *a, const struct cidr4 *b);
bool cidr4_eq(const struct cidr4 *a, const struct cidr4 *b);

#endif
