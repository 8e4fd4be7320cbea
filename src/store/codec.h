/* SPDX-License-Identifier: MIT */
/*
 * Each resource as one JSON document: the store keeps one row per resource,
 * (id, kind, json), and this is the only code that knows the JSON form
 * (docs/store-format.md). The form is the on-disk format, so its field names
 * never change; the top-level "v" says which version a document follows.
 * Invariant: whatever codec_encode() returns, codec_decode() accepts.
 */
#ifndef STORE_CODEC_H
#define STORE_CODEC_H

#include "compat.h"
#include "base/err.h"
#include "core/model.h"

#define CODEC_VERSION 1			/* the "v" this code writes and reads */
#define CODEC_ERR_CORRUPT "StoreCorrupt"	/* err code of every decode failure */

/*
 * Encodes every field of 'r' except its kind and ID (which the row carries)
 * as compact JSON with sorted keys, so equal resources give equal bytes.
 * Returns a heap string that the caller frees with free(). Returns NULL when
 * 'r' holds something codec_decode() would refuse, so that the store never
 * writes a row it cannot read back: more elements than the format allows,
 * an owned string longer than its limit or not valid UTF-8, an unterminated
 * fixed-size field, a CIDR with host bits set, a number or enum out of range.
 * 'r' is only read; NULL required strings are written as "".
 */
char *codec_encode(const struct res *r);

/*
 * Builds a resource of 'kind' whose ID is 'id' from the document 'json' of
 * 'len' bytes. Returns it, owned by the caller (res_free()), or NULL with 'e'
 * (which may be NULL) filled with code CODEC_ERR_CORRUPT and a message that
 * names the offending field, when the document is not JSON, is too big, has
 * an unknown "v", or misses a required field, has one of the wrong type, a
 * number out of range, a string that does not fit its field, an invalid
 * CIDR or IPv4 address, an unknown enum name or too many array elements.
 * Keys it does not know are ignored, for forward compatibility.
 */
struct res *codec_decode(enum res_kind kind, const char *id, const char *json,
			 size_t len, struct err *e);

#endif
