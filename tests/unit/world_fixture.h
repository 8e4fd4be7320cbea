/* SPDX-License-Identifier: MIT */
/*
 * A world and a deterministic context for unit tests of the core: a fixed
 * clock, a counter for randomness, account 111122223333 in us-east-1.
 */
#ifndef TESTS_WORLD_FIXTURE_H
#define TESTS_WORLD_FIXTURE_H

#include "compat.h"
#include "core/ops.h"
#include "core/region.h"

struct fixture {
	struct world w;
	struct ctx cx;
	uint64_t seq;
	struct err e;
};

static inline uint64_t fixture_rand(void *arg)
{
	struct fixture *f = arg;
	uint64_t z = (f->seq += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	return z ^ (z >> 31);
}

static inline void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	world_init(&f->w);
	f->cx = (struct ctx){
		.now_ms = 1700000000000, .rand = fixture_rand, .rand_arg = f,
		.account = "111122223333", .region = region_find("us-east-1"),
	};
}

/* A subnet of 'vpc_id' made by the ops; NULL (and 'f->e' says why) when refused. */
static inline struct subnet *fixture_subnet(struct fixture *f, const char *vpc_id,
					    const char *cidr, const char *az)
{
	struct subnet *s = NULL;

	subnet_create(&f->w, &f->cx,
		      &(struct subnet_create_req){ .vpc_id = vpc_id, .cidr = cidr, .az = az }, &s,
		      &f->e);
	return s;
}

static inline void fixture_release(struct fixture *f)
{
	world_release(&f->w);
}

#endif
