/* SPDX-License-Identifier: MIT */
/*
 * The local CA and its certificates: made, written and read back the same;
 * bad files refused and left alone; minted certificates that verify for
 * their name alone; the cache's bound; names checked.
 */
#include "compat.h"
#include "check.h"

#include <fcntl.h>
#include <linux/limits.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "io/tls.h"

void test_io_tls(void);

#define DAY 86400

struct paths {
	char stem[PATH_MAX - 32], cert[PATH_MAX], key[PATH_MAX], bundle[PATH_MAX];
};

static void paths_set(struct paths *p, const char *dir, const char *name)
{
	snprintf(p->stem, sizeof(p->stem), "%s/%s", dir, name);
	snprintf(p->cert, sizeof(p->cert), "%s%s", p->stem, TLS_CA_CERT_SUFFIX);
	snprintf(p->key, sizeof(p->key), "%s%s", p->stem, TLS_CA_KEY_SUFFIX);
	snprintf(p->bundle, sizeof(p->bundle), "%s%s", p->stem, TLS_BUNDLE_SUFFIX);
}

/* The bytes of 'path' in 'b' (emptied first); false when it cannot be read. */
static bool slurp(const char *path, struct buf *b)
{
	char chunk[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf_reset(b);
	if (fd < 0)
		return false;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(b, chunk, (size_t)n);
	close(fd);
	return n == 0 && !b->err;
}

static void spill(const char *path, const char *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_EQ(write(fd, p, len), (ssize_t)len);
	close(fd);
}

static void copy_file(const char *from, const char *to)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	CHECK(slurp(from, &b));
	spill(to, b.p, b.len);
	buf_release(&b);
}

static int file_mode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static int64_t asn1_epoch(const ASN1_TIME *t)
{
	struct tm tm;

	return ASN1_TIME_to_tm(t, &tm) == 1 ? (int64_t)timegm(&tm) : -1;
}

static bool ext_critical(X509 *x, int nid)
{
	int i = X509_get_ext_by_NID(x, nid, -1);

	return i >= 0 && X509_EXTENSION_get_critical(X509_get_ext(x, i));
}

/* True when 'x' chains to 'ca' at 'now' as a TLS server certificate, strictly. */
static bool verifies(X509 *x, X509 *ca, int64_t now)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	bool ok;

	X509_STORE_add_cert(store, ca);
	X509_STORE_CTX_init(ctx, store, x, NULL);
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)now);
	X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), X509_V_FLAG_X509_STRICT);
	ok = X509_verify_cert(ctx) == 1;
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ok;
}

/* A new CA, its files, and the same CA read back. */
static void ca_made_and_reloaded(const struct paths *p, int64_t now)
{
	struct err e = { 0 };
	struct tls_ca *ca = tls_ca_open(p->stem, now, &e), *again;
	struct buf before, after, sys;
	X509 *x;
	char cn[64] = "";

	CHECK(ca);
	if (!ca) {
		fprintf(stderr, "tls_ca_open: %s\n", e.msg);
		return;
	}
	x = tls_ca_cert(ca);
	CHECK_EQ(file_mode(p->key), 0600);
	CHECK_EQ(file_mode(p->cert), 0644);
	CHECK_EQ(file_mode(p->bundle), 0644);
	CHECK_EQ(X509_check_ca(x), 1);
	CHECK(ext_critical(x, NID_basic_constraints));
	CHECK(X509_get_key_usage(x) == (KU_KEY_CERT_SIGN | KU_CRL_SIGN));
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
	CHECK_STREQ(cn, "vpce local CA");
	CHECK_EQ(asn1_epoch(X509_get0_notBefore(x)), now - 3600);
	CHECK_EQ(asn1_epoch(X509_get0_notAfter(x)), now + 3650LL * DAY);
	CHECK_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(x)), 256);

	buf_init(&before, 1 << 20);
	buf_init(&after, 1 << 20);
	buf_init(&sys, LIMIT_TLS_BUNDLE_BYTES);
	CHECK(slurp(p->cert, &before));
	again = tls_ca_open(p->stem, now + 100, &e);
	CHECK(again && X509_cmp(tls_ca_cert(again), x) == 0);
	CHECK(slurp(p->cert, &after));
	CHECK(str_eq(buf_str(&before), buf_str(&after)));

	/* The bundle: the system's CAs, then this one. */
	CHECK(slurp(p->bundle, &after));
	CHECK(str_ends_with(buf_str(&after), buf_str(&before)));
	if (slurp(TLS_SYSTEM_BUNDLE, &sys)) {
		CHECK(str_starts_with(buf_str(&after), buf_str(&sys)));
		CHECK(after.len >= sys.len + before.len);
	}
	buf_release(&before);
	buf_release(&after);
	buf_release(&sys);
	tls_ca_free(again);
	tls_ca_free(ca);
}

/* Opening 'p' fails, saying something, and leaves both files as they were. */
static void refused(const struct paths *p, int64_t now, const char *says)
{
	struct err e = { 0 };
	struct buf cert0, key0, cert1, key1;
	struct tls_ca *ca;

	buf_init(&cert0, 1 << 20);
	buf_init(&key0, 1 << 20);
	buf_init(&cert1, 1 << 20);
	buf_init(&key1, 1 << 20);
	slurp(p->cert, &cert0);
	slurp(p->key, &key0);
	ca = tls_ca_open(p->stem, now, &e);
	CHECK(!ca);
	if (!strstr(e.msg, says))
		check_fail(__FILE__, __LINE__, "'%s' does not say '%s'", e.msg, says);
	slurp(p->cert, &cert1);
	slurp(p->key, &key1);
	CHECK(str_eq(buf_str(&cert0), buf_str(&cert1)));
	CHECK(str_eq(buf_str(&key0), buf_str(&key1)));
	tls_ca_free(ca);
	buf_release(&cert0);
	buf_release(&key0);
	buf_release(&cert1);
	buf_release(&key1);
}

static void make_ca(const struct paths *p, int64_t now)
{
	struct err e = { 0 };
	struct tls_ca *ca = tls_ca_open(p->stem, now, &e);

	CHECK(ca);
	tls_ca_free(ca);
}

static void write_pem(const char *path, X509 *x, EVP_PKEY *key)
{
	FILE *f = fopen(path, "w");

	CHECK(f);
	if (!f)
		return;
	CHECK(x ? PEM_write_X509(f, x) : PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL));
	fclose(f);
}

static void bad_files(const char *dir, const struct paths *good, int64_t now)
{
	struct paths p;
	struct err e = { 0 };
	char big[LIMIT_TLS_PEM_BYTES + 10];
	struct tls_server *t;
	struct tls_ca *ca;

	paths_set(&p, dir, "bad.db");
	make_ca(&p, now);
	spill(p.key, "garbage\n", 8);
	refused(&p, now, "is not a PEM private key");
	copy_file(good->key, p.key);
	spill(p.cert, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", 58);
	refused(&p, now, "is not a PEM certificate");
	memset(big, 'A', sizeof(big));
	spill(p.cert, big, sizeof(big));
	refused(&p, now, "longer than");

	/* A pair that is not one, and a certificate without its key. */
	paths_set(&p, dir, "mixed.db");
	make_ca(&p, now);
	copy_file(good->key, p.key);
	refused(&p, now, "does not belong to the key");
	unlink(p.key);
	refused(&p, now, "is there but its key");

	/* Out of date, or not yet valid. */
	refused(good, now + 3651LL * DAY, "out of date");
	refused(good, now - 2 * 3600, "not valid yet");

	/* A certificate that is not a CA's, with its own key. */
	t = tls_server_new(good->stem, NULL, NULL, &e);
	CHECK(t);
	if (t) {
		write_pem(p.cert, tls_server_cert(t, "leaf.example", now, &e), NULL);
		write_pem(p.key, NULL, tls_server_key(t));
		refused(&p, now, "is not a self-signed CA certificate");
	}
	tls_server_free(t);

	/* Only the key: a creation cut short. A certificate is made for it. */
	copy_file(good->key, p.key);
	unlink(p.cert);
	ca = tls_ca_open(p.stem, now, &e);
	CHECK(ca);
	if (ca) {
		struct tls_ca *orig = tls_ca_open(good->stem, now, &e);

		CHECK(orig && EVP_PKEY_eq(X509_get0_pubkey(tls_ca_cert(ca)),
					  X509_get0_pubkey(tls_ca_cert(orig))) == 1);
		CHECK_EQ(file_mode(p.cert), 0644);
		tls_ca_free(orig);
	}
	tls_ca_free(ca);
}

/* The last eight bytes of the serial of 'x' (random, so enough to tell two apart). */
static uint64_t serial_of(X509 *x)
{
	const ASN1_INTEGER *s = x ? X509_get0_serialNumber(x) : NULL;
	const unsigned char *p = s ? ASN1_STRING_get0_data(s) : NULL;
	int len = s ? ASN1_STRING_length(s) : 0;
	uint64_t v = 0;

	for (int i = MAX(0, len - 8); p && i < len; i++)
		v = v << 8 | p[i];
	return v;
}

static void leaves(const struct paths *p, int64_t now)
{
	static const char long_name[] =
		"a-rather-long-bucket-name-for-testing.vpce-0123456789abcdef0-abcdefgh"
		".s3.us-east-1.vpce.amazonaws.com";
	struct err e = { 0 };
	struct tls_server *t = tls_server_new(p->stem, NULL, NULL, &e);
	X509 *ca, *x;
	int64_t ca_until;
	uint64_t serial;

	CHECK(t);
	if (!t)
		return;
	ca = tls_ca_cert(tls_server_ca(t));
	x = tls_server_cert(t, "Bucket.S3.us-east-1.amazonaws.com", now, &e);
	CHECK(x);
	if (!x)
		goto out;
	CHECK(verifies(x, ca, now));
	CHECK(!verifies(x, ca, now + 398LL * DAY));
	CHECK_EQ(X509_check_host(x, "bucket.s3.us-east-1.amazonaws.com", 0, 0, NULL), 1);
	CHECK_EQ(X509_check_host(x, "other.s3.us-east-1.amazonaws.com", 0, 0, NULL), 0);
	CHECK_EQ(X509_check_host(x, "s3.us-east-1.amazonaws.com", 0, 0, NULL), 0);
	CHECK_EQ(X509_check_purpose(x, X509_PURPOSE_SSL_SERVER, 0), 1);
	CHECK_EQ(X509_check_ca(x), 0);
	CHECK_EQ(X509_check_private_key(x, tls_server_key(t)), 1);
	CHECK_EQ(asn1_epoch(X509_get0_notBefore(x)), now - 3600);
	CHECK_EQ(asn1_epoch(X509_get0_notAfter(x)), now + 397LL * DAY);
	serial = serial_of(x);
	CHECK(tls_server_cert(t, "bucket.s3.us-east-1.amazonaws.com", now + 60, &e) == x);
	/* A day before its end, it is made again. */
	x = tls_server_cert(t, "bucket.s3.us-east-1.amazonaws.com", now + 396LL * DAY + 1, &e);
	CHECK(x && serial_of(x) != serial);

	/* Too long for a CN: the critical SAN alone names it. */
	x = tls_server_cert(t, long_name, now, &e);
	CHECK(x && verifies(x, ca, now) && X509_check_host(x, long_name, 0, 0, NULL) == 1);
	CHECK(x && X509_NAME_entry_count(X509_get_subject_name(x)) == 0 &&
	      ext_critical(x, NID_subject_alt_name));

	x = tls_server_cert(t, "127.0.0.1", now, &e);
	CHECK(x && verifies(x, ca, now) && X509_check_ip_asc(x, "127.0.0.1", 0) == 1);
	x = tls_server_cert(t, "::1", now, &e);
	CHECK(x && X509_check_ip_asc(x, "::1", 0) == 1);

	/* Never past the CA's own end. */
	ca_until = asn1_epoch(X509_get0_notAfter(ca));
	x = tls_server_cert(t, "late.example", ca_until - 10 * DAY, &e);
	CHECK(x && asn1_epoch(X509_get0_notAfter(x)) == ca_until);

	e.msg[0] = '\0';
	CHECK(!tls_server_cert(t, "bad_name.example", now, &e));
	CHECK(strstr(e.msg, "bad_name.example") != NULL);
	CHECK(!tls_server_cert(t, "", now, &e));
out:
	tls_server_free(t);
}

/* The cache keeps LIMIT_TLS_CERT_CACHE names and drops the least recently used. */
static void cache_bound(const struct paths *p, int64_t now)
{
	struct err e = { 0 };
	struct tls_server *t = tls_server_new(p->stem, NULL, NULL, &e);
	uint64_t kept, first;
	char name[64];

	CHECK(t);
	if (!t)
		return;
	kept = serial_of(tls_server_cert(t, "kept.example", now, &e));
	first = serial_of(tls_server_cert(t, "n0.example", now, &e));
	for (int i = 1; i < LIMIT_TLS_CERT_CACHE + 10; i++) {
		snprintf(name, sizeof(name), "n%d.example", i);
		CHECK(tls_server_cert(t, name, now, &e));
		CHECK(serial_of(tls_server_cert(t, "kept.example", now, &e)) == kept);
	}
	CHECK_EQ(tls_server_cached(t), LIMIT_TLS_CERT_CACHE);
	CHECK(serial_of(tls_server_cert(t, "n0.example", now, &e)) != first);
	CHECK_EQ(tls_server_cached(t), LIMIT_TLS_CERT_CACHE);
	tls_server_free(t);
}

static void names(void)
{
	static const struct {
		const char *in, *out;	/* out NULL: refused */
		int kind;
	} cases[] = {
		{ "a", "a", TLS_NAME_DNS },
		{ "S3.US-East-1.AmazonAWS.com", "s3.us-east-1.amazonaws.com", TLS_NAME_DNS },
		{ "vpce-0abc-1a2b3c4d.sqs.us-east-1.vpce.amazonaws.com",
		  "vpce-0abc-1a2b3c4d.sqs.us-east-1.vpce.amazonaws.com", TLS_NAME_DNS },
		{ "3com.com", "3com.com", TLS_NAME_DNS },
		{ "x.y1", "x.y1", TLS_NAME_DNS },
		{ "127.0.0.1", "127.0.0.1", TLS_NAME_IP },
		{ "::FFFF:1.2.3.4", "::ffff:1.2.3.4", TLS_NAME_IP },
		{ "2001:DB8:0:0::1", "2001:db8::1", TLS_NAME_IP },
		{ "", NULL, 0 }, { ".", NULL, 0 }, { "a..b", NULL, 0 }, { "a.", NULL, 0 },
		{ ".a", NULL, 0 }, { "-a.b", NULL, 0 }, { "a-.b", NULL, 0 }, { "a.b-", NULL, 0 },
		{ "a_b.c", NULL, 0 }, { "a b", NULL, 0 }, { "*.s3.amazonaws.com", NULL, 0 },
		{ "1.2.3.999", NULL, 0 }, { "x.123", NULL, 0 }, { "caf\xc3\xa9.com", NULL, 0 },
		{ "a\x01b", NULL, 0 }, { "a:b", NULL, 0 }, { "a/b", NULL, 0 },
	};
	char out[TLS_NAME_SIZE], name[400];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int kind = tls_name_canon(cases[i].in, out);

		if (cases[i].out ? kind != cases[i].kind || strcmp(out, cases[i].out) != 0
				 : kind != -EINVAL)
			check_fail(__FILE__, __LINE__, "'%s': %d '%s'", cases[i].in, kind, out);
	}

	/* Labels of 63 and 64 characters; names of 253 and 254. */
	memset(name, 'a', 63);
	memcpy(name + 63, ".com", 5);
	CHECK_EQ(tls_name_canon(name, out), TLS_NAME_DNS);
	memset(name, 'a', 64);
	memcpy(name + 64, ".com", 5);
	CHECK_EQ(tls_name_canon(name, out), -EINVAL);
	for (size_t i = 0; i < 253; i++)
		name[i] = i % 2 ? '.' : 'a';
	name[253] = '\0';
	CHECK_EQ(tls_name_canon(name, out), TLS_NAME_DNS);
	CHECK_EQ(strlen(out), 253);
	name[253] = 'a';
	name[254] = '\0';
	CHECK_EQ(tls_name_canon(name, out), -EINVAL);
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	CHECK_EQ(tls_name_canon(name, out), -EINVAL);
}

static void remove_files(const char *dir)
{
	static const char *const stems[] = { "vpce.db", "bad.db", "mixed.db" };
	static const char *const suffixes[] = {
		TLS_CA_CERT_SUFFIX, TLS_CA_KEY_SUFFIX, TLS_BUNDLE_SUFFIX,
	};
	char path[PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(stems); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(suffixes); j++) {
			snprintf(path, sizeof(path), "%s/%s%s", dir, stems[i], suffixes[j]);
			unlink(path);
		}
	}
	CHECK_EQ(rmdir(dir), 0);
}

void test_io_tls(void)
{
	char dir[] = "/tmp/vpce-tls-XXXXXX";
	int64_t now = (int64_t)time(NULL);
	struct paths p;

	names();
	log_set_level(LOG_WARN);
	if (!mkdtemp(dir)) {
		check_fail(__FILE__, __LINE__, "mkdtemp: %s", strerror(errno));
		log_set_level(LOG_INFO);
		return;
	}
	paths_set(&p, dir, "vpce.db");
	ca_made_and_reloaded(&p, now);
	bad_files(dir, &p, now);
	leaves(&p, now);
	cache_bound(&p, now);
	remove_files(dir);
	log_set_level(LOG_INFO);
}
