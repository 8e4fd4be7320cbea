/* SPDX-License-Identifier: MIT */
/*
 * The IAM policy language: parse and compile a policy document once, then
 * decide requests against sets of compiled policies as AWS's evaluation logic
 * does (docs/policy.md is the contract).
 *
 * Compiled policies are immutable: any number of threads may evaluate them at
 * once. A decision allocates only from the caller's arena, which bounds it.
 */
#ifndef POLICY_POLICY_H
#define POLICY_POLICY_H

#include "compat.h"
#include "base/arena.h"
#include "base/err.h"

/* What a document is, which sets the rules it is validated by. */
enum pol_type {
	POL_TYPE_IDENTITY,
	POL_TYPE_RESOURCE,
	POL_TYPE_ENDPOINT,		/* interface endpoint */
	POL_TYPE_GATEWAY_ENDPOINT,	/* Principal must be "*" */
	POL_TYPE_SCP,
	POL_TYPE_BOUNDARY,
	/*
	 * A role's trust policy: a resource policy without Resource (it applies
	 * to the role itself) whose actions are STS's.
	 */
	POL_TYPE_TRUST,
};

/* The layers of a decision, in the order results list them. */
enum pol_layer {
	POL_LAYER_IDENTITY,
	POL_LAYER_RESOURCE,
	POL_LAYER_ENDPOINT,
	POL_LAYER_SCP,
	POL_LAYER_BOUNDARY,
	POL_LAYERS
};

/* Returns the type named 'name' ("gateway-endpoint", "trust"), or -1. */
int pol_type_parse(const char *name);
/* "identity", "resource", "endpoint", "scp", "boundary". */
const char *pol_layer_name(enum pol_layer layer);

struct policy;

/*
 * A JSON number that is not an integer as policy text: the fewest digits
 * that read back as the same double, without an exponent (10.0 is "10",
 * 1e-7 is "0.0000001"). 'out' should hold POL_REAL_TEXT_MAX bytes.
 */
#define POL_REAL_TEXT_MAX 400
void pol_real_text(double d, char *out, size_t size);

/* One problem found in a document: where, and what. */
struct pol_problem {
	char path[112];		/* "Statement[2].Condition.StringEqualz", "(document)" */
	char msg[144];
	/*
	 * IAM's own MalformedPolicyDocument message for this problem when it
	 * has a fixed one ("Syntax errors in policy."); NULL otherwise.
	 */
	const char *aws;
};

struct pol_problems {
	struct pol_problem *v;
	size_t n, alloc;
};

void pol_problems_release(struct pol_problems *list);

/*
 * Parses, validates and compiles the 'len' bytes at 'doc' as a policy of
 * 'type'. Returns 0 and sets '*out', or -EINVAL when the document has
 * problems: every one is appended to 'problems' (which may be NULL).
 */
int policy_compile(const char *doc, size_t len, enum pol_type type, struct policy **out,
		   struct pol_problems *problems);
void policy_free(struct policy *p);

/* Statements in 'p', and the Sid of one (NULL when it has none). */
size_t policy_statements(const struct policy *p);
const char *policy_sid(const struct policy *p, size_t statement);

/*
 * The control plane's check: 0, or -EINVAL with 'e' holding AWS's error code
 * and the first problem.
 */
int policy_check(const char *doc, size_t len, enum pol_type type, struct err *e);

/*
 * A context key and its values; n == 0 is a key present with no values.
 * 'name_len' is strlen(name) when the caller knows it (the keys a service
 * front sets are constants), 0 to have it counted; 'value_lens', when not
 * NULL, holds strlen() of each value, which callers building a context
 * usually know.
 */
struct pol_key {
	const char *name;
	size_t name_len;
	const char *const *values;
	const size_t *value_lens;
	size_t n;
};

struct pol_request {
	const char *principal;		/* an ARN, a service name, "anonymous" or NULL */
	const char *action;		/* "s3:GetObject" */
	const char *resource;		/* an ARN or "*" */
	const char *resource_account;	/* NULL: from the resource ARN */
	const struct pol_key *context;
	size_t n_context;
};

/* The policies that take part in one decision, by layer. */
struct pol_set {
	const struct policy *const *p[POL_LAYERS];
	size_t n[POL_LAYERS];
};

enum pol_decision {
	POL_IMPLICIT_DENY,
	POL_EXPLICIT_DENY,
	POL_ALLOW,
};

const char *pol_decision_name(enum pol_decision d);

/* A statement that decided: set->p[layer][index], statement 'statement'. */
struct pol_match {
	uint8_t layer;
	uint16_t index;
	uint32_t statement;
};

struct pol_result {
	enum pol_decision decision;
	unsigned missing;		/* ImplicitDeny: bit (1 << layer) per failed layer */
	const struct pol_match *matched;	/* in 'scratch' */
	size_t n_matched;
};

/*
 * Decides 'req' against 'set', allocating from 'scratch' only (the caller
 * resets it between requests). Returns 0, or -ENOMEM when 'scratch' reached
 * its cap, in which case the decision is an implicit deny.
 */
int policy_decide(const struct pol_set *set, const struct pol_request *req,
		  struct arena *scratch, struct pol_result *out);

#endif
