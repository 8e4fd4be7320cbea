/* SPDX-License-Identifier: MIT */
/*
 * The built-in services' kv (base/kv.h) in an SQLite file of its own, next
 * to the state file: what the services keep (objects, items) is not the
 * desired state, grows with use, and is written by the region's fronts
 * between the API's group commits, so it has its own connection, file and
 * transactions. WAL, synchronous=FULL: a call that returned 0 is on disk.
 * The file is one connection's alone (exclusive locking mode) while open.
 */
#include "compat.h"
#include "store/kv_sqlite.h"

#include <sqlite3.h>

#include "base/xalloc.h"

enum kv_stmt {
	KV_GET,
	KV_PUT,
	KV_DEL,
	KV_SCAN,		/* ?2 <= k, k > ?3 */
	KV_SCAN_BELOW,		/* the same, k < ?4 */
	KV_BEGIN,
	KV_COMMIT,
	KV_ROLLBACK,
	KV_STMTS
};

static const char *const kv_sql[KV_STMTS] = {
	[KV_GET] = "SELECT v FROM kv WHERE space = ?1 AND k = ?2",
	[KV_PUT] = "INSERT INTO kv(space, k, v) VALUES(?1, ?2, ?3) "
		   "ON CONFLICT(space, k) DO UPDATE SET v = excluded.v",
	[KV_DEL] = "DELETE FROM kv WHERE space = ?1 AND k = ?2",
	[KV_SCAN] = "SELECT k, v FROM kv WHERE space = ?1 AND k >= ?2 AND k > ?3 ORDER BY k",
	[KV_SCAN_BELOW] = "SELECT k, v FROM kv WHERE space = ?1 AND k >= ?2 AND k > ?3 "
			  "AND k < ?4 ORDER BY k",
	[KV_BEGIN] = "BEGIN IMMEDIATE",
	[KV_COMMIT] = "COMMIT",
	[KV_ROLLBACK] = "ROLLBACK",
};

struct kv_sqlite {
	struct kv kv;
	sqlite3 *db;
	sqlite3_stmt *st[KV_STMTS];
};

static struct kv_sqlite *of(struct kv *kv)
{
	return (struct kv_sqlite *)kv;
}

/* Binds 'space' and 'key' as ?1 and ?2 of statement 's', reset first. */
static sqlite3_stmt *bind(struct kv_sqlite *k, enum kv_stmt which, const char *space, struct str key)
{
	sqlite3_stmt *s = k->st[which];

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (sqlite3_bind_text(s, 1, space, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 2, key.len ? key.p : "", (int)key.len, SQLITE_STATIC) != SQLITE_OK)
		return NULL;
	return s;
}

static int done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

static int sq_get(struct kv *kv, const char *space, struct str key, struct buf *out)
{
	sqlite3_stmt *s = bind(of(kv), KV_GET, space, key);
	int rc, ret;

	if (!s)
		return -EIO;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		buf_add(out, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0));
		ret = 0;
	} else {
		ret = rc == SQLITE_DONE ? -ENOENT : -EIO;
	}
	sqlite3_reset(s);
	return ret;
}

static int sq_put(struct kv *kv, const char *space, struct str key, struct str value)
{
	sqlite3_stmt *s = bind(of(kv), KV_PUT, space, key);

	if (!s || sqlite3_bind_blob(s, 3, value.len ? value.p : "", (int)value.len,
				    SQLITE_STATIC) != SQLITE_OK)
		return -EIO;
	return done(s);
}

static int sq_del(struct kv *kv, const char *space, struct str key)
{
	struct kv_sqlite *k = of(kv);
	sqlite3_stmt *s = bind(k, KV_DEL, space, key);
	int ret;

	if (!s)
		return -EIO;
	ret = done(s);
	if (ret == 0 && sqlite3_changes(k->db) == 0)
		return -ENOENT;
	return ret;
}

/*
 * The least key above every key starting with 'prefix': the prefix with
 * its last byte below 0xFF raised by one and what follows dropped. False
 * when there is none (empty, or all 0xFF).
 */
static bool prefix_end(struct str prefix, char *out, size_t *len)
{
	size_t n = prefix.len;

	while (n && (unsigned char)prefix.p[n - 1] == 0xFF)
		n--;
	if (!n)
		return false;
	memcpy(out, prefix.p, n);
	out[n - 1] = (char)((unsigned char)out[n - 1] + 1);
	*len = n;
	return true;
}

static int sq_scan(struct kv *kv, const char *space, struct str prefix, struct str after,
		   kv_each_fn *fn, void *arg)
{
	struct kv_sqlite *k = of(kv);
	char *end = xmalloc(prefix.len + 1);
	size_t end_len = 0;
	bool bounded = prefix_end(prefix, end, &end_len);
	sqlite3_stmt *s = bind(k, bounded ? KV_SCAN_BELOW : KV_SCAN, space, prefix);
	int rc, ret = 0;

	if (!s || sqlite3_bind_blob(s, 3, after.len ? after.p : "", (int)after.len,
				    SQLITE_STATIC) != SQLITE_OK ||
	    (bounded && sqlite3_bind_blob(s, 4, end, (int)end_len, SQLITE_STATIC) != SQLITE_OK)) {
		free(end);
		return -EIO;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct str key = str_from(sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0));
		struct str value = str_from(sqlite3_column_blob(s, 1),
					    (size_t)sqlite3_column_bytes(s, 1));

		if (!key.p)
			key.p = "";
		if (!value.p)
			value.p = "";
		ret = fn(arg, key, value);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = -EIO;
	sqlite3_reset(s);
	free(end);
	return ret;
}

static int sq_begin(struct kv *kv)
{
	return done(of(kv)->st[KV_BEGIN]);
}

static int sq_commit(struct kv *kv, bool ok)
{
	struct kv_sqlite *k = of(kv);

	if (ok && done(k->st[KV_COMMIT]) == 0)
		return 0;
	done(k->st[KV_ROLLBACK]);
	return ok ? -EIO : 0;
}

static const struct kv_ops sqlite_ops = {
	.get = sq_get, .put = sq_put, .del = sq_del, .scan = sq_scan,
	.begin = sq_begin, .commit = sq_commit,
};

int kv_sqlite_open(const char *path, struct kv **out, struct err *e)
{
	/*
	 * vpced alone opens the file (the state file's flock keeps a second
	 * one out), so the lock is taken once and held: no POSIX lock and
	 * unlock around every transaction, and the WAL's index in memory
	 * rather than a shared -shm file. Set before the first access, which
	 * the next pragma is. Durability is synchronous=FULL's, as before.
	 */
	static const char schema[] =
		"PRAGMA locking_mode = EXCLUSIVE;"
		"PRAGMA journal_mode = WAL;"
		"PRAGMA synchronous = FULL;"
		"CREATE TABLE IF NOT EXISTS kv(space TEXT NOT NULL, k BLOB NOT NULL, v BLOB NOT NULL,"
		"  PRIMARY KEY(space, k));";
	struct kv_sqlite *k = xcalloc(1, sizeof(*k));
	char *msg = NULL;

	k->kv.ops = &sqlite_ops;
	/* One thread uses it: SQLite's own mutexes would only cost. */
	if (sqlite3_open_v2(path, &k->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK ||
	    sqlite3_exec(k->db, schema, NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	for (int i = 0; i < KV_STMTS; i++)
		if (sqlite3_prepare_v3(k->db, kv_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &k->st[i],
				       NULL) != SQLITE_OK)
			goto fail;
	*out = &k->kv;
	return 0;
fail:
	err_fail(e, "InternalError", "services' data file '%s': %s", path,
		 msg ? msg : k->db ? sqlite3_errmsg(k->db) : "out of memory");
	sqlite3_free(msg);
	kv_sqlite_close(&k->kv);
	return -EIO;
}

void kv_sqlite_close(struct kv *kv)
{
	struct kv_sqlite *k;

	if (!kv)
		return;
	k = of(kv);
	for (int i = 0; i < KV_STMTS; i++)
		sqlite3_finalize(k->st[i]);
	sqlite3_close(k->db);
	free(k);
}
