/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "core/idfmt.h"

bool id_valid(const char *id, const char *prefix)
{
	size_t plen = strlen(prefix), n = 0;

	if (strncmp(id, prefix, plen) != 0)
		return false;
	for (const char *p = id + plen; *p; p++, n++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	}
	return n == 8 || n == 17;
}
