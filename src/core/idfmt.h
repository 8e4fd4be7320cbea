/* SPDX-License-Identifier: MIT */
/* The shape of AWS resource IDs: a prefix, then 8 or 17 lowercase hex digits. */
#ifndef CORE_IDFMT_H
#define CORE_IDFMT_H

#include "compat.h"

/* True when 'id' is 'prefix' followed by 8 or 17 hex digits. */
bool id_valid(const char *id, const char *prefix);

#endif
