/* SPDX-License-Identifier: MIT */
/*
 * The desired state on disk: one SQLite file in WAL mode with
 * synchronous=FULL, written by one process. Every change the API makes is
 * one transaction holding the changed resources and, for idempotent calls,
 * the client token; a change is acknowledged only after its commit returns.
 * The only user of sqlite3.h.
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include "compat.h"
#include "base/err.h"
#include "core/model.h"

#define STORE_SCHEMA_VERSION 1

struct store;

enum store_mode {
	STORE_WRITER,	/* the daemon: creates, migrates, locks exclusively */
	STORE_READER,	/* offline tools: read-only, no lock, no migration */
};

/*
 * Opens the state file at 'path'. A writer creates it if needed, migrates
 * it forward and takes an exclusive lock, failing with -EBUSY (and a message
 * in 'e') while another writer holds it. Returns 0 and sets '*out'.
 */
int store_open(const char *path, enum store_mode mode, struct store **out, struct err *e);
void store_close(struct store *st);

/* Reads the value of 'key' from the meta table into 'dst'; -ENOENT if absent. */
int store_meta_get(struct store *st, const char *key, char *dst, size_t size);
/* Sets 'key' to 'value' in the meta table, in its own transaction. */
int store_meta_set(struct store *st, const char *key, const char *value, struct err *e);

/* Adds every stored resource to the empty world 'w'. */
int store_load(struct store *st, struct world *w, struct err *e);

/* A client token as CreateX calls carry it (AWS's idempotency). */
struct store_token {
	const char *account;
	const char *token;
	const char *action;		/* "CreateVpcEndpoint" */
	const char *params_hash;	/* hex digest of the other parameters */
	const char *resource_id;	/* what the first call made */
};

/*
 * Writes the resources in the journal of 'w' (their current state, or their
 * removal) and the 'n_tokens' tokens in one transaction. On success the
 * journal is cleared. On failure nothing is written, and the caller must
 * reload the world, which no longer matches the store.
 */
int store_commit(struct store *st, struct world *w, const struct store_token *tokens,
		 size_t n_tokens, struct err *e);

/*
 * Looks up the token 'token' of 'account'. Returns 0 and fills 'action',
 * 'params_hash' and 'resource_id' (each of 'size' bytes), or -ENOENT.
 */
int store_token_get(struct store *st, const char *account, const char *token,
		    char *action, char *params_hash, char *resource_id, size_t size);

/* The number of stored resources of each kind, for 'vpce status'. */
int store_counts(struct store *st, size_t counts[RES_KIND_COUNT]);

#endif
