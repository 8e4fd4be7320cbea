/* SPDX-License-Identifier: MIT */
/*
 * `vpce policy eval` input: one JSON object of policies and a request.
 * Whatever parses is decided twice (the same answer both times, as compiled
 * policies are immutable) and rendered; invariants of the result hold.
 */
#include "compat.h"

#include "limits.h"
#include "policy/input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pol_input in;
	struct pol_result r1, r2;
	struct arena scratch;
	struct buf out;
	char msg[512];

	if (pol_input_parse((const char *)data, size, &in, msg, sizeof(msg)) < 0) {
		if (!msg[0])
			abort();
		pol_input_release(&in);
		return 0;
	}
	arena_init(&scratch, LIMIT_POLICY_SCRATCH_BYTES);
	buf_init(&out, 1 << 24);
	if (policy_decide(&in.set, &in.req, &scratch, &r1) == 0) {
		pol_result_json(&in.set, &r1, &out);
		if (out.err || (r1.decision == POL_IMPLICIT_DENY) != (r1.missing != 0))
			abort();
		if (policy_decide(&in.set, &in.req, &scratch, &r2) < 0 ||
		    r1.decision != r2.decision || r1.n_matched != r2.n_matched ||
		    r1.missing != r2.missing)
			abort();
	}
	buf_release(&out);
	arena_release(&scratch);
	pol_input_release(&in);
	return 0;
}
