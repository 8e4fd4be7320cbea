/* SPDX-License-Identifier: MIT */
/*
 * `vpce policy eval` input: one JSON object of policies and a request.
 * Whatever parses is decided twice (the same answer both times, as compiled
 * policies are immutable) and rendered; invariants of the result hold. The
 * input is parsed again through a policy cache, which must give the same
 * result from its cached bundle.
 */
#include "compat.h"

#include "limits.h"
#include "policy/input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decides 'in' into 'out'; false when the scratch arena ran out. */
static bool decide(struct pol_input *in, struct arena *scratch, struct buf *out)
{
	struct pol_result r1, r2;

	arena_reset(scratch);
	if (policy_decide(&in->bundle->set, &in->req, scratch, &r1) < 0)
		return false;
	pol_result_json(&in->bundle->set, &r1, out);
	if (out->err || (r1.decision == POL_IMPLICIT_DENY) != (r1.missing != 0))
		abort();
	if (policy_decide(&in->bundle->set, &in->req, scratch, &r2) < 0 ||
	    r1.decision != r2.decision || r1.n_matched != r2.n_matched ||
	    r1.missing != r2.missing)
		abort();
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pol_cache cache = { 0 };
	struct pol_input in;
	struct arena scratch;
	struct buf plain, cached;
	char msg[512];
	bool ok;

	if (pol_input_parse((const char *)data, size, NULL, &in, msg, sizeof(msg)) < 0) {
		if (!msg[0])
			abort();
		pol_input_release(&in);
		return 0;
	}
	arena_init(&scratch, LIMIT_POLICY_SCRATCH_BYTES);
	buf_init(&plain, 1 << 24);
	buf_init(&cached, 1 << 24);
	ok = decide(&in, &scratch, &plain);
	pol_input_release(&in);
	for (int round = 0; round < 2; round++) {
		if (pol_input_parse((const char *)data, size, &cache, &in, msg, sizeof(msg)) < 0)
			abort();
		buf_reset(&cached);
		if (decide(&in, &scratch, &cached) != ok || strcmp(plain.p, cached.p) != 0)
			abort();
		pol_input_release(&in);
	}
	buf_release(&plain);
	buf_release(&cached);
	arena_release(&scratch);
	pol_cache_release(&cache);
	return 0;
}
