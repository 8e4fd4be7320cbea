/* SPDX-License-Identifier: MIT */
/*
 * The built-in services' data (base/kv.h) in an SQLite file: by convention
 * the state file's path with ".services" appended (docs/services.md).
 */
#ifndef STORE_KV_SQLITE_H
#define STORE_KV_SQLITE_H

#include "compat.h"
#include "base/err.h"
#include "base/kv.h"

/* Opens (creating) the file at 'path'. 0, or fills 'e' and returns -EIO. */
int kv_sqlite_open(const char *path, struct kv **out, struct err *e);
void kv_sqlite_close(struct kv *kv);

#endif
