/* SPDX-License-Identifier: MIT */
/*
 * Errors meant for users: an AWS error code and a message, filled by the
 * code that found the problem and returned up as -EINVAL, so that callers
 * can write 'return err_fail(e, ...)'.
 */
#ifndef BASE_ERR_H
#define BASE_ERR_H

#include "compat.h"

struct err {
	const char *code;	/* AWS error code, a static string; NULL: none */
	char msg[256];		/* for humans; truncated, always terminated */
};

/* Fills 'e' (which may be NULL) and returns -EINVAL. */
int err_fail(struct err *e, const char *code, const char *fmt, ...) ATTR_PRINTF(3, 4);

#endif
