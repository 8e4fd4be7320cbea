/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "check.h"

#include "base/kv.h"
#include "base/kv_cache.h"
#include "store/kv_sqlite.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

void test_base_kv(void);

static int collect(void *arg, struct str key, struct str value)
{
	struct buf *b = arg;

	buf_addstr(b, key);
	buf_addc(b, '=');
	buf_addstr(b, value);
	buf_addc(b, ';');
	return b->len > 40 ? 7 : 0;
}

/* What every kv must do: kv_mem's and kv_sqlite's answers are the same. */
static void conformance(struct kv *kv)
{
	struct buf b;
	const char hi[] = { 'p', (char)0xFF };

	buf_init(&b, 4096);
	CHECK_EQ(kv_get(kv, "a", str_c("x"), &b), -ENOENT);
	CHECK_EQ(kv_put(kv, "a", str_c("k2"), str_c("v2")), 0);
	CHECK_EQ(kv_put(kv, "a", str_c("k1"), str_c("v1")), 0);
	CHECK_EQ(kv_put(kv, "a", str_c("j"), str_c("vj")), 0);
	CHECK_EQ(kv_put(kv, "b", str_c("k0"), str_c("other space")), 0);
	CHECK_EQ(kv_put(kv, "a", str_c("k1"), str_c("v1b")), 0);
	CHECK_EQ(kv_get(kv, "a", str_c("k1"), &b), 0);
	CHECK_STREQ(b.p, "v1b");
	buf_reset(&b);
	CHECK_EQ(kv_scan(kv, "a", str_c("k"), str_c(""), collect, &b), 0);
	CHECK_STREQ(b.p, "k1=v1b;k2=v2;");
	buf_reset(&b);
	CHECK_EQ(kv_scan(kv, "a", str_c(""), str_c("k1"), collect, &b), 0);
	CHECK_STREQ(b.p, "k2=v2;");
	buf_reset(&b);
	CHECK_EQ(kv_scan(kv, "a", str_c(""), str_c(""), collect, &b), 0);
	CHECK_STREQ(b.p, "j=vj;k1=v1b;k2=v2;");
	buf_reset(&b);

	/* A transaction undone leaves everything as it was; one kept keeps all. */
	CHECK_EQ(kv_begin(kv), 0);
	CHECK_EQ(kv_del(kv, "a", str_c("k1")), 0);
	CHECK_EQ(kv_put(kv, "a", str_c("k2"), str_c("changed")), 0);
	CHECK_EQ(kv_put(kv, "a", str_c("k3"), str_c("new")), 0);
	CHECK_EQ(kv_put(kv, "a", str_c("k3"), str_c("newer")), 0);
	CHECK_EQ(kv_del(kv, "a", str_c("nothing")), -ENOENT);
	CHECK_EQ(kv_commit(kv, false), 0);
	CHECK_EQ(kv_scan(kv, "a", str_c(""), str_c(""), collect, &b), 0);
	CHECK_STREQ(b.p, "j=vj;k1=v1b;k2=v2;");
	buf_reset(&b);
	CHECK_EQ(kv_begin(kv), 0);
	CHECK_EQ(kv_del(kv, "a", str_c("j")), 0);
	CHECK_EQ(kv_put(kv, "a", str_c("k3"), str_c("new")), 0);
	CHECK_EQ(kv_commit(kv, true), 0);
	CHECK_EQ(kv_scan(kv, "a", str_c(""), str_c(""), collect, &b), 0);
	CHECK_STREQ(b.p, "k1=v1b;k2=v2;k3=new;");
	buf_reset(&b);
	/* A scan stops with what the callback returned. */
	for (int i = 0; i < 20; i++) {
		char k[8];

		snprintf(k, sizeof(k), "z%02d", i);
		CHECK_EQ(kv_put(kv, "a", str_c(k), str_c("v")), 0);
	}
	CHECK_EQ(kv_scan(kv, "a", str_c("z"), str_c(""), collect, &b), 7);
	CHECK_STREQ(b.p, "z00=v;z01=v;z02=v;z03=v;z04=v;z05=v;z06=v;");
	buf_reset(&b);
	/* Prefixes end where bytes do: "p\xff" holds "p\xff\xffx", not "q". */
	CHECK_EQ(kv_put(kv, "c", str_from(hi, 2), str_c("1")), 0);
	CHECK_EQ(kv_put(kv, "c", str_c("p\xff\xffx"), str_c("2")), 0);
	CHECK_EQ(kv_put(kv, "c", str_c("q"), str_c("3")), 0);
	CHECK_EQ(kv_put(kv, "c", str_c("p"), str_c("0")), 0);
	CHECK_EQ(kv_scan(kv, "c", str_from(hi, 2), str_c(""), collect, &b), 0);
	CHECK_EQ(b.len, 12);
	buf_reset(&b);
	CHECK_EQ(kv_scan(kv, "c", str_c("p"), str_c("p"), collect, &b), 0);
	CHECK_EQ(b.len, 12);
	buf_reset(&b);
	CHECK_EQ(kv_put(kv, "c", str_c(""), str_c("empty key")), 0);
	CHECK_EQ(kv_get(kv, "c", str_c(""), &b), 0);
	CHECK_STREQ(b.p, "empty key");
	buf_release(&b);
}

/*
 * A process killed with the file open: its lock goes with it, and what a
 * call had returned 0 for is read back from the WAL by the next opener.
 */
static void killed_writer(const char *path)
{
	struct kv *kv;
	struct err e;
	struct buf b;
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		if (kv_sqlite_open(path, &kv, &e) < 0 ||
		    kv_put(kv, "a", str_c("killed"), str_c("kept")) < 0)
			_exit(1);
		raise(SIGKILL);
		_exit(1);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	CHECK_EQ(kv_sqlite_open(path, &kv, &e), 0);
	buf_init(&b, 64);
	CHECK_EQ(kv_get(kv, "a", str_c("killed"), &b), 0);
	CHECK_STREQ(b.p, "kept");
	buf_release(&b);
	kv_sqlite_close(kv);
}

void test_base_kv(void)
{
	char path[] = "/tmp/vpce-kv-XXXXXX";
	static const char *const spaces[] = { "a", "c", NULL };
	char wal[64], shm[64];
	struct kv *kv = kv_mem_new(), *cached;
	struct err e;
	struct buf b;
	int fd;

	conformance(kv);
	kv_mem_free(kv);
	kv = kv_mem_new();
	cached = kv_cache_new(kv, spaces);
	conformance(cached);
	kv_cache_free(cached);
	kv_mem_free(kv);
	fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(kv_sqlite_open(path, &kv, &e), 0);
	conformance(kv);
	kv_sqlite_close(kv);
	/* What was kept is there after a reopen; the file is that kv's alone. */
	CHECK_EQ(kv_sqlite_open(path, &kv, &e), 0);
	CHECK(kv_sqlite_open(path, &cached, &e) < 0);
	buf_init(&b, 64);
	CHECK_EQ(kv_get(kv, "a", str_c("k3"), &b), 0);
	CHECK_STREQ(b.p, "new");
	buf_release(&b);
	kv_sqlite_close(kv);
	killed_writer(path);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(shm, sizeof(shm), "%s-shm", path);
	unlink(path);
	unlink(wal);
	unlink(shm);
	CHECK(kv_sqlite_open("/nonexistent-dir/x", &kv, &e) < 0);
}
