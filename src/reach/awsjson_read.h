/* SPDX-License-Identifier: MIT */
/*
 * The reading side of the account importer (awsjson.c): typed members of
 * the aws CLI's JSON, IDs, addresses and CIDRs, with the JSON path of each
 * value kept for messages, and the sticky result of the item being read.
 * Internal to src/reach.
 */
#ifndef REACH_AWSJSON_READ_H
#define REACH_AWSJSON_READ_H

#include "compat.h"

#include <jansson.h>

#include "base/hmap.h"
#include "core/model.h"
#include "reach/awsjson.h"

/* The sticky result of reading an item, besides 0 and -errno: leave it out (noted). */
#define SKIP 1

#define ID_CHARS "abcdefghijklmnopqrstuvwxyz0123456789-"

struct imp {
	struct world *w;
	struct aws_import *out;
	struct err *e;
	const struct region *region;
	/*
	 * Sticky, as in struct buf: once an item is skipped (SKIP) or the
	 * import failed (-EINVAL), readers do nothing. imp_each() clears SKIP
	 * after every item.
	 */
	int ret;
	const char *file;		/* the file being read; NULL between files */
	char path[192];			/* the JSON path being read: "Subnets[3].CidrBlock" */
	char id[ID_SIZE];		/* the ID of the item being read, for notes; "" */
	size_t n_res;			/* resources, prefix lists and buckets taken */
	size_t pls_alloc;		/* capacity of w->pls */
	bool notes_cut;
	struct hmap subnet_rtb;		/* subnet id (the world's) -> its associated rtb */
	struct hmap pl_ids;		/* prefix list id (owned, also the value) -> itself */
};

typedef void item_fn(struct imp *im, const json_t *o, void *arg);

/* Fails the import, unless it already failed: the first error is the one reported. */
void imp_fail(struct imp *im, const char *key, const char *fmt, ...) ATTR_PRINTF(3, 4);

/* Appends a line to the import's notes (cut off past LIMIT_IMPORT_NOTES_BYTES). */
void imp_note(struct imp *im, const char *fmt, ...) ATTR_PRINTF(2, 3);

/* Leaves the item being read out, with a note saying why. */
void imp_skip(struct imp *im, const char *fmt, ...) ATTR_PRINTF(2, 3);

/* Appends "<key>[<i>]" ("<key>" when 'i' is SIZE_MAX) to the path; returns the mark to pop to. */
size_t imp_path_push(struct imp *im, const char *key, size_t i);

/* Cuts the path back to 'mark'. */
void imp_path_pop(struct imp *im, size_t mark);

/* Member 'key' of object 'o', or NULL (also when 'o' is not an object). */
json_t *imp_member(const json_t *o, const char *key);

/* The string member 'key' of 'o', or NULL when absent (an error when 'required'). */
const char *imp_str(struct imp *im, const json_t *o, const char *key, bool required);

/* The boolean member 'key', or 'dflt' when absent; another type fails the import. */
bool imp_bool(struct imp *im, const json_t *o, const char *key, bool dflt);

/* The integer member 'key' in ['min', 'max'], or 'dflt' when absent; else the import fails. */
long long imp_int(struct imp *im, const json_t *o, const char *key, long long min,
		  long long max, long long dflt);

/* The object member 'key', or NULL when absent; another type fails the import. */
const json_t *imp_obj(struct imp *im, const json_t *o, const char *key);

/* The object member 'key' with the path moved into it, or NULL; leave with imp_path_pop(). */
const json_t *imp_enter(struct imp *im, const json_t *o, const char *key, size_t *mark);

/* An array member, or NULL when absent; never longer than LIMIT_RESOURCES. */
const json_t *imp_array(struct imp *im, const json_t *o, const char *key);

/* Entry 'i' of the array member 'key' as a string. */
const char *imp_str_at(struct imp *im, const json_t *arr, const char *key, size_t i);

/* Calls 'fn' on each object of the array member 'key'; an item's SKIP ends with it. */
void imp_each(struct imp *im, const json_t *o, const char *key, item_fn *fn, void *arg);

/* True when 's' is an ID vpce can hold: 'prefix', then ID_CHARS, shorter than ID_SIZE. */
bool imp_id_fits(const char *s, const char *prefix);

/*
 * Copies the ID in member 'key' into 'dst', "" when absent (an error when
 * 'required'). An ID vpce cannot hold (too long, other characters, without
 * 'prefix') skips the item.
 */
void imp_id(struct imp *im, const json_t *o, const char *key, const char *prefix,
	    bool required, char dst[static ID_SIZE]);

/* The item's own ID, remembered for notes; false when the item is to be left out. */
bool imp_item_id(struct imp *im, const json_t *o, const char *key, const char *prefix,
		 char dst[static ID_SIZE]);

uint32_t imp_ip(struct imp *im, const json_t *o, const char *key);

/* Parses 's' (from member 'key'; nothing when NULL) into 'out'. */
void imp_cidr(struct imp *im, const char *key, const char *s, struct cidr4 *out);

/* VPCs and subnets are /16 to /28 in AWS and in the model. */
void imp_cidr_sized(struct imp *im, const char *key, const struct cidr4 *c);

/* Copies a short text member into 'dst' when it fits; notes and leaves "" when not. */
void imp_text(struct imp *im, const json_t *o, const char *key, char *dst, size_t size);

/* An owned copy of a string member, or NULL. */
char *imp_dup(struct imp *im, const json_t *o, const char *key);

/* An account ID (twelve digits) into 'dst'; anything else is noted and leaves 'dst' alone. */
void imp_owner(struct imp *im, const json_t *o, const char *key, char dst[ACCOUNT_SIZE]);

void imp_tags(struct imp *im, const json_t *o, const char *key, struct res *r);

/* Takes 'r' into the world unless the item was left out or its ID is taken; else frees it. */
bool imp_admit(struct imp *im, struct res *r);

/* The resource that the item names in 'key'; skips the item when it is not exported. */
struct res *imp_refer(struct imp *im, const char *key, const char *id, enum res_kind kind);

#endif
