/* SPDX-License-Identifier: MIT */
/*
 * The JSON shape of `vpce policy eval`: a set of policies and one request
 * in, one result out (docs/policy.md). Pure: text to structures and back.
 */
#ifndef POLICY_INPUT_H
#define POLICY_INPUT_H

#include "compat.h"
#include "base/buf.h"
#include "policy/policy.h"

/* The compiled policies of one input, by layer. */
struct pol_bundle {
	struct policy **owned;
	size_t n_owned;
	const struct policy **layer[POL_LAYERS];
	struct pol_set set;
};

/*
 * Bundles kept by the exact text of their "policies" object, so that inputs
 * which repeat their policies (a --jsonl stream of requests) compile them
 * once. Round-robin over a few slots.
 */
#define POL_CACHE_SLOTS 8

struct pol_cache {
	struct {
		char *text;
		size_t len;
		struct pol_bundle *bundle;
	} slot[POL_CACHE_SLOTS];
	size_t next;
};

void pol_cache_release(struct pol_cache *cache);

struct pol_input {
	struct pol_bundle *bundle;	/* owned unless it came from a cache */
	bool cached;
	struct pol_request req;
	struct pol_key *keys;
	struct arena strings;		/* the request's text */
};

/*
 * Parses 'len' bytes of one input object into 'in', with compiled policies
 * from 'cache' (which may be NULL) when their text is there. Returns 0, or
 * -EINVAL with a one-line message in 'msg' (bad JSON, a wrong shape, or the
 * first problem of a policy, named "policies.endpoint[0]: Statement[1]...").
 * 'in' is released either way by pol_input_release().
 */
int pol_input_parse(const char *text, size_t len, struct pol_cache *cache,
		    struct pol_input *in, char *msg, size_t msg_size);
void pol_input_release(struct pol_input *in);

/* Appends the result as one JSON object (no newline). */
void pol_result_json(const struct pol_set *set, const struct pol_result *res, struct buf *out);

/* Appends {"error": msg}. */
void pol_error_json(const char *msg, struct buf *out);

#endif
