/* SPDX-License-Identifier: MIT */
/*
 * The policy compiler: the first byte picks the policy type (in enum
 * pol_type order, wrapping), the rest is the document. A refused document
 * names at least one problem; a compiled one is decided against a few
 * requests, which must give well-formed results.
 */
#include "compat.h"

#include "limits.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const tag_values[] = { "team", "cost" };
static const struct pol_key context[] = {
	{ .name = "aws:SourceVpce", .values = (const char *const[]){ "vpce-0a1b2c3d4e5f60718" },
	  .n = 1 },
	{ .name = "aws:username", .values = (const char *const[]){ "alice" }, .n = 1 },
	{ .name = "aws:SourceIp", .values = (const char *const[]){ "10.1.2.3" }, .n = 1 },
	{ .name = "aws:CurrentTime", .values = (const char *const[]){ "2026-11-27T01:02:03Z" },
	  .n = 1 },
	{ .name = "aws:SecureTransport", .values = (const char *const[]){ "true" }, .n = 1 },
	{ .name = "aws:TagKeys", .values = tag_values, .n = 2 },
};
static const struct pol_request requests[] = {
	{ "arn:aws:iam::111122223333:user/alice", "s3:GetObject", "arn:aws:s3:::reports/q3.csv",
	  "111122223333", context, ARRAY_SIZE(context) },
	{ "anonymous", "s3:PutObject", "arn:aws:s3:::reports/x", NULL, context, 2 },
	{ "arn:aws:sts::444455556666:assumed-role/R/s", "dynamodb:GetItem",
	  "arn:aws:dynamodb:us-east-1:111122223333:table/t", NULL, NULL, 0 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pol_problems probs = { 0 };
	struct policy *p;
	struct arena scratch;
	enum pol_type type;

	if (size < 1)
		return 0;
	type = (enum pol_type)(data[0] % (POL_TYPE_TRUST + 1));
	if (policy_compile((const char *)data + 1, size - 1, type, &p, &probs) < 0) {
		if (probs.n == 0 || !probs.v[0].path[0] || !probs.v[0].msg[0])
			abort();
		pol_problems_release(&probs);
		return 0;
	}
	if (probs.n)
		abort();
	arena_init(&scratch, LIMIT_POLICY_SCRATCH_BYTES);
	for (size_t i = 0; i < ARRAY_SIZE(requests); i++) {
		const struct policy *one[] = { p };
		struct pol_set set = { 0 };
		struct pol_result res;
		enum pol_layer layer = type == POL_TYPE_RESOURCE || type == POL_TYPE_TRUST ?
				       POL_LAYER_RESOURCE :
				       type == POL_TYPE_ENDPOINT || type == POL_TYPE_GATEWAY_ENDPOINT ?
				       POL_LAYER_ENDPOINT : POL_LAYER_IDENTITY;

		set.p[layer] = one;
		set.n[layer] = 1;
		arena_reset(&scratch);
		if (policy_decide(&set, &requests[i], &scratch, &res) < 0)
			continue;
		if ((res.decision == POL_IMPLICIT_DENY) != (res.missing != 0))
			abort();
		if (res.decision == POL_EXPLICIT_DENY && res.n_matched == 0)
			abort();
		for (size_t m = 0; m < res.n_matched; m++)
			if (res.matched[m].statement >= policy_statements(p))
				abort();
	}
	arena_release(&scratch);
	policy_free(p);
	return 0;
}
