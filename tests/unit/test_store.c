/* SPDX-License-Identifier: MIT */
/*
 * The state file: schema versions, the writer's lock, commits and reloads.
 * Uses temporary files under /tmp.
 */
#include "compat.h"
#include "check.h"
#include "world_fixture.h"

#include <sqlite3.h>
#include <unistd.h>

#include "store/store.h"

void test_store(void);

static void temp_path(char *dst, size_t size)
{
	static unsigned n;

	snprintf(dst, size, "/tmp/vpce-unit-%ld-%u.db", (long)getpid(), n++);
}

static void remove_db(const char *path)
{
	char p[256];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static void set_version(const char *path, int version)
{
	sqlite3 *db;
	char sql[64];

	CHECK_EQ(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	CHECK_EQ(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void versions_and_lock(void)
{
	struct store *st = NULL, *st2 = NULL;
	struct err e = { 0 };
	char path[128], v[32];

	temp_path(path, sizeof(path));
	/* A reader does not create or migrate. */
	CHECK(store_open(path, STORE_READER, &st, &e) < 0);
	CHECK_EQ(store_open(path, STORE_WRITER, &st, &e), 0);
	CHECK_EQ(store_meta_set(st, "region", "us-east-1", &e), 0);
	CHECK_EQ(store_meta_get(st, "region", v, sizeof(v)), 0);
	CHECK_STREQ(v, "us-east-1");
	CHECK_EQ(store_meta_get(st, "nothing", v, sizeof(v)), -ENOENT);
	/* One writer at a time; readers are welcome. */
	CHECK_EQ(store_open(path, STORE_WRITER, &st2, &e), -EBUSY);
	CHECK(strstr(e.msg, "in use by another vpced") != NULL);
	CHECK_EQ(store_open(path, STORE_READER, &st2, &e), 0);
	store_close(st2);
	store_close(st);
	/* A file from a newer vpce is refused, by writers and readers. */
	set_version(path, STORE_SCHEMA_VERSION + 1);
	CHECK(store_open(path, STORE_WRITER, &st, &e) < 0);
	CHECK(strstr(e.msg, "schema version") != NULL);
	CHECK(store_open(path, STORE_READER, &st, &e) < 0);
	remove_db(path);
	/* Something that is not a vpce state file is not read. */
	temp_path(path, sizeof(path));
	{
		FILE *f = fopen(path, "w");

		CHECK(f != NULL);
		if (f) {
			fputs("not a database, just text that is long enough to matter\n", f);
			fclose(f);
		}
	}
	CHECK(store_open(path, STORE_WRITER, &st, &e) < 0);
	CHECK(store_open(path, STORE_READER, &st, &e) < 0);
	remove_db(path);
}

static void commit_and_reload(void)
{
	struct fixture f;
	struct store *st = NULL;
	struct vpc_create_req req = { .cidr = "10.1.0.0/16" };
	struct store_token tok = {
		.account = "111122223333", .token = "t1", .action = "CreateVpc",
		.params_hash = "abc", .resource_id = "",
	};
	char path[128], a[64], h[64], r[64];
	struct world w2;
	struct vpc *v;
	size_t counts[RES_KIND_COUNT];

	fixture_init(&f);
	temp_path(path, sizeof(path));
	CHECK_EQ(store_open(path, STORE_WRITER, &st, &f.e), 0);
	CHECK_EQ(vpc_create(&f.w, &f.cx, &req, &v, &f.e), 0);
	res_tag_set(&v->res, "Name", "x");
	tok.resource_id = v->res.id;
	CHECK_EQ(store_commit(st, &f.w, &tok, 1, &f.e), 0);
	CHECK_EQ(f.w.n_journal, 0);
	CHECK_EQ(store_token_get(st, "111122223333", "t1", a, h, r, sizeof(r)), 0);
	CHECK_STREQ(a, "CreateVpc");
	CHECK_STREQ(r, v->res.id);
	CHECK_EQ(store_token_get(st, "444455556666", "t1", a, h, r, sizeof(r)), -ENOENT);
	/* The same token twice in one account is a failed commit, not a mix. */
	CHECK(store_commit(st, &f.w, &tok, 1, &f.e) < 0);

	CHECK_EQ(store_counts(st, counts), 0);
	CHECK_EQ(counts[RES_VPC], 1);
	CHECK_EQ(counts[RES_RTB], 1);
	CHECK_EQ(counts[RES_SG], 1);

	world_init(&w2);
	CHECK_EQ(store_load(st, &w2, &f.e), 0);
	CHECK_EQ(w2.n[RES_VPC], 1);
	{
		struct vpc *v2 = AS_VPC(world_get(&w2, v->res.id, RES_VPC));

		CHECK(cidr4_eq(&v2->cidr, &v->cidr));
		CHECK_STREQ(res_tag_get(&v2->res, "Name"), "x");
		CHECK_STREQ(v2->main_rtb_id, v->main_rtb_id);
	}
	world_release(&w2);

	/* Removal is written too. */
	CHECK_EQ(vpc_delete(&f.w, &f.cx, v->res.id, &f.e), 0);
	CHECK_EQ(store_commit(st, &f.w, NULL, 0, &f.e), 0);
	CHECK_EQ(store_counts(st, counts), 0);
	CHECK_EQ(counts[RES_VPC] + counts[RES_RTB] + counts[RES_SG], 0);
	store_close(st);
	remove_db(path);
	fixture_release(&f);
}

void test_store(void)
{
	versions_and_lock();
	commit_and_reload();
}
