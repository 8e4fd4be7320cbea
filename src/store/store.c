/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "store/store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "store/codec.h"

/*
 * Migrations, oldest first: entry i takes a file from version i to i + 1.
 * PRAGMA user_version holds the version a file is at. Never edit a shipped
 * entry; append a new one.
 */
static const char *const migrations[] = {
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE resources("
	"  seq INTEGER PRIMARY KEY,"	/* creation order */
	"  id TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL,"
	"  doc TEXT NOT NULL);"		/* store/codec.c's JSON */
	"CREATE INDEX resources_kind ON resources(kind);"
	"CREATE TABLE client_tokens("
	"  account TEXT NOT NULL,"
	"  token TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  params_hash TEXT NOT NULL,"
	"  resource_id TEXT NOT NULL,"
	"  PRIMARY KEY(account, token));",
};
_Static_assert(ARRAY_SIZE(migrations) == STORE_SCHEMA_VERSION,
	       "one migration per schema version");

enum stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_PUT,
	ST_DEL,
	ST_TOKEN_PUT,
	ST_TOKEN_GET,
	ST_META_GET,
	ST_META_SET,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_PUT] = "INSERT INTO resources(id, kind, doc) VALUES(?1, ?2, ?3) "
		   "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
	[ST_DEL] = "DELETE FROM resources WHERE id = ?1",
	[ST_TOKEN_PUT] = "INSERT INTO client_tokens VALUES(?1, ?2, ?3, ?4, ?5)",
	[ST_TOKEN_GET] = "SELECT action, params_hash, resource_id FROM client_tokens "
			 "WHERE account = ?1 AND token = ?2",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_SET] = "INSERT INTO meta VALUES(?1, ?2) "
			"ON CONFLICT(key) DO UPDATE SET value = excluded.value",
};

struct store {
	sqlite3 *db;
	int lock_fd;	/* holds the writer's flock; -1 for readers */
	sqlite3_stmt *stmts[ST_COUNT];
};

static int db_fail(struct store *st, struct err *e, const char *what)
{
	return err_fail(e, "InternalError", "state file: %s: %s", what,
			st->db ? sqlite3_errmsg(st->db) : "out of memory");
}

static int exec(struct store *st, const char *sql, struct err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_fail(e, "InternalError", "state file: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

static int user_version(struct store *st, int *out)
{
	sqlite3_stmt *s;
	int ret = -EIO;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return -EIO;
	if (sqlite3_step(s) == SQLITE_ROW) {
		*out = sqlite3_column_int(s, 0);
		ret = 0;
	}
	sqlite3_finalize(s);
	return ret;
}

static int migrate(struct store *st, struct err *e)
{
	int version;

	if (user_version(st, &version) < 0)
		return db_fail(st, e, "reading the schema version");
	if (version > STORE_SCHEMA_VERSION)
		return err_fail(e, "InternalError",
				"state file has schema version %d; this vpce knows up to %d",
				version, STORE_SCHEMA_VERSION);
	while (version < STORE_SCHEMA_VERSION) {
		char bump[64];

		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", version + 1);
		if (exec(st, "BEGIN IMMEDIATE", e) < 0)
			return -EIO;
		if (exec(st, migrations[version], e) < 0 || exec(st, bump, e) < 0) {
			exec(st, "ROLLBACK", NULL);
			return -EIO;
		}
		if (exec(st, "COMMIT", e) < 0)
			return -EIO;
		version++;
	}
	return 0;
}

static int take_lock(struct store *st, const char *path, struct err *e)
{
	/*
	 * flock() on the database file itself: independent of SQLite's own
	 * POSIX locks on Linux, and released by the kernel when we die.
	 */
	st->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (st->lock_fd < 0)
		return err_fail(e, "InternalError", "cannot open '%s': %s", path, strerror(errno));
	/*
	 * The file holds IAM's secret keys and session tokens: only its owner
	 * reads it (SQLite gives its -wal and -shm files the same mode).
	 */
	if (fchmod(st->lock_fd, 0600) < 0)
		return err_fail(e, "InternalError", "cannot restrict '%s' to its owner: %s", path,
				strerror(errno));
	if (flock(st->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		int saved = errno;

		err_fail(e, "InternalError",
			 saved == EWOULDBLOCK ?
				 "state file '%s' is in use by another vpced" :
				 "cannot lock '%s': %s",
			 path, strerror(saved));
		return saved == EWOULDBLOCK ? -EBUSY : -saved;
	}
	return 0;
}

int store_open(const char *path, enum store_mode mode, struct store **out, struct err *e)
{
	struct store *st = xcalloc(1, sizeof(*st));
	int flags = mode == STORE_WRITER ?
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE :
			    SQLITE_OPEN_READONLY;
	int ret;

	st->lock_fd = -1;
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		ret = err_fail(e, "InternalError", "cannot open state file '%s': %s", path,
			       st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 2000);
	if (mode == STORE_WRITER) {
		ret = take_lock(st, path, e);
		if (ret < 0)
			goto fail;
		ret = exec(st, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
			       "PRAGMA foreign_keys = ON;", e);
		if (ret < 0)
			goto fail;
		ret = migrate(st, e);
		if (ret < 0)
			goto fail;
	} else {
		int version;

		if (user_version(st, &version) < 0 || version != STORE_SCHEMA_VERSION) {
			ret = err_fail(e, "InternalError",
				       "'%s' is not a vpce state file of schema version %d",
				       path, STORE_SCHEMA_VERSION);
			goto fail;
		}
	}
	for (int i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &st->stmts[i], NULL) != SQLITE_OK) {
			ret = db_fail(st, e, "preparing statements");
			goto fail;
		}
	}
	*out = st;
	return 0;
fail:
	store_close(st);
	return ret < 0 ? ret : -EIO;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(st->stmts[i]);
	sqlite3_close(st->db);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	free(st);
}

/* Runs 's' to completion and resets it; true when it finished cleanly. */
static bool step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

int store_meta_get(struct store *st, const char *key, char *dst, size_t size)
{
	sqlite3_stmt *s = st->stmts[ST_META_GET];
	int ret = -ENOENT;

	bind_text(s, 1, key);
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(s, 0);

		str_lcpy(dst, v ? v : "", size);
		ret = 0;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return ret;
}

int store_meta_set(struct store *st, const char *key, const char *value, struct err *e)
{
	sqlite3_stmt *s = st->stmts[ST_META_SET];

	bind_text(s, 1, key);
	bind_text(s, 2, value);
	if (!step_done(s))
		return db_fail(st, e, "writing meta");
	return 0;
}

int store_load(struct store *st, struct world *w, struct err *e)
{
	sqlite3_stmt *s;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT id, kind, doc FROM resources ORDER BY seq",
			       -1, &s, NULL) != SQLITE_OK)
		return db_fail(st, e, "loading");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);
		const char *kind_name = (const char *)sqlite3_column_text(s, 1);
		const char *doc = (const char *)sqlite3_column_text(s, 2);
		int kind = kind_name ? res_kind_from_name(kind_name) : -1;
		struct res *r;

		if (!id || !doc || kind < 0 || strlen(id) >= ID_SIZE || world_find(w, id)) {
			ret = err_fail(e, "InternalError", "state file: bad row for '%s'",
				       id ? id : "?");
			break;
		}
		r = codec_decode((enum res_kind)kind, id,
				 doc, (size_t)sqlite3_column_bytes(s, 2), e);
		if (!r) {
			ret = -EBADMSG;
			break;
		}
		world_insert(w, r);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = db_fail(st, e, "loading");
	sqlite3_finalize(s);
	return ret;
}

static int write_entry(struct store *st, struct world *w, const struct journal_entry *j)
{
	sqlite3_stmt *s;
	struct res *r;
	char *doc;
	bool ok;

	if (j->removed) {
		s = st->stmts[ST_DEL];
		bind_text(s, 1, j->id);
		return step_done(s) ? 0 : -EIO;
	}
	r = world_find(w, j->id);
	if (!r)
		return -ENOENT;
	doc = codec_encode(r);
	if (!doc)
		return -EINVAL;	/* out of the bounds the store can read back */
	s = st->stmts[ST_PUT];
	bind_text(s, 1, r->id);
	bind_text(s, 2, res_kind_name(r->kind));
	bind_text(s, 3, doc);
	ok = step_done(s);
	free(doc);
	return ok ? 0 : -EIO;
}

int store_commit(struct store *st, struct world *w, const struct store_token *tokens,
		 size_t n_tokens, struct err *e)
{
	if (!w->n_journal && !n_tokens)
		return 0;
	if (!step_done(st->stmts[ST_BEGIN]))
		return db_fail(st, e, "beginning a transaction");
	for (size_t i = 0; i < w->n_journal; i++)
		if (write_entry(st, w, &w->journal[i]) < 0)
			goto fail;
	for (size_t i = 0; i < n_tokens; i++) {
		const struct store_token *token = &tokens[i];
		sqlite3_stmt *s = st->stmts[ST_TOKEN_PUT];

		bind_text(s, 1, token->account);
		bind_text(s, 2, token->token);
		bind_text(s, 3, token->action);
		bind_text(s, 4, token->params_hash);
		bind_text(s, 5, token->resource_id);
		if (!step_done(s))
			goto fail;
	}
	if (!step_done(st->stmts[ST_COMMIT]))
		goto fail;
	world_journal_clear(w);
	return 0;
fail:
	db_fail(st, e, "writing");
	step_done(st->stmts[ST_ROLLBACK]);
	return -EIO;
}

int store_token_get(struct store *st, const char *account, const char *token,
		    char *action, char *params_hash, char *resource_id, size_t size)
{
	sqlite3_stmt *s = st->stmts[ST_TOKEN_GET];
	int ret = -ENOENT;

	bind_text(s, 1, account);
	bind_text(s, 2, token);
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(s, 0);
		const char *h = (const char *)sqlite3_column_text(s, 1);
		const char *r = (const char *)sqlite3_column_text(s, 2);

		str_lcpy(action, a ? a : "", size);
		str_lcpy(params_hash, h ? h : "", size);
		str_lcpy(resource_id, r ? r : "", size);
		ret = 0;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return ret;
}

int store_counts(struct store *st, size_t counts[RES_KIND_COUNT])
{
	sqlite3_stmt *s;
	int rc;

	memset(counts, 0, RES_KIND_COUNT * sizeof(counts[0]));
	if (sqlite3_prepare_v2(st->db, "SELECT kind, COUNT(*) FROM resources GROUP BY kind",
			       -1, &s, NULL) != SQLITE_OK)
		return -EIO;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(s, 0);
		int kind = k ? res_kind_from_name(k) : -1;

		if (kind >= 0)
			counts[kind] = (size_t)sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -EIO;
}
