/* SPDX-License-Identifier: MIT */
/*
 * Write-time checks of endpoint policy documents: the shape AWS accepts
 * before it stores one. Evaluation is the policy engine's (issue 3); until
 * it lands this is the whole of policy support, and it is syntactic.
 */
#ifndef POLICY_VALIDATE_H
#define POLICY_VALIDATE_H

#include "compat.h"
#include "base/err.h"

enum policy_kind {
	POLICY_ENDPOINT_INTERFACE,
	POLICY_ENDPOINT_GATEWAY,	/* Principal must be "*" */
};

/*
 * Checks 'doc' ('len' bytes) as an endpoint policy of 'kind'. Returns 0, or
 * -EINVAL with 'e' naming the offending element
 * ("Statement[2].Principal").
 */
int policy_validate(const char *doc, size_t len, enum policy_kind kind, struct err *e);

#endif
