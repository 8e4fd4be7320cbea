/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "base/err.h"

#include <stdarg.h>

int err_fail(struct err *e, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -EINVAL;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}
