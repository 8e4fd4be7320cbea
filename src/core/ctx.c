/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "core/ops.h"

void ctx_new_id(struct ctx *cx, const char *prefix, char dst[static ID_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t a = cx->rand(cx->rand_arg), b = cx->rand(cx->rand_arg);
	size_t n = str_lcpy(dst, prefix, ID_SIZE);
	char *p = dst + n;

	/* 17 hex digits: one from 'b' and sixteen from 'a'. */
	*p++ = hex[b & 15];
	for (int i = 0; i < 16; i++) {
		*p++ = hex[a & 15];
		a >>= 4;
	}
	*p = '\0';
}

void ctx_random_chars(struct ctx *cx, char *dst, size_t n)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";

	for (size_t i = 0; i < n; i++)
		dst[i] = set[cx->rand(cx->rand_arg) % (sizeof(set) - 1)];
	dst[n] = '\0';
}
