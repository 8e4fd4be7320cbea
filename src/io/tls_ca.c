/* SPDX-License-Identifier: MIT */
/*
 * The local CA's files: made once, each written whole (temporary file,
 * fsync, rename) so that a crash leaves the old file or the new one; read
 * back, checked, and never overwritten when something is wrong with them.
 */
#include "compat.h"
#include "io/tls.h"

#include <fcntl.h>
#include <linux/limits.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "io/tls_x509.h"

#define CA_NAME "vpce local CA"
#define CA_DAYS 3650

struct tls_ca {
	X509 *cert;
	EVP_PKEY *key;
};

struct ca_paths {
	char cert[PATH_MAX], key[PATH_MAX], bundle[PATH_MAX];
};

X509 *tls_ca_cert(const struct tls_ca *ca)
{
	return ca->cert;
}

EVP_PKEY *tls_ca_key(const struct tls_ca *ca)
{
	return ca->key;
}

void tls_ca_free(struct tls_ca *ca)
{
	if (!ca)
		return;
	X509_free(ca->cert);
	EVP_PKEY_free(ca->key);
	free(ca);
}

/* Reads the file at 'path' into 'b' (whose max bounds it). Returns 0 or -errno. */
static int read_file(const char *path, struct buf *b)
{
	char chunk[16384];
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : 0;
			break;
		}
		buf_add(b, chunk, (size_t)n);
		if (b->err) {
			ret = -EFBIG;
			break;
		}
	}
	close(fd);
	return ret;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Makes a rename in the directory of 'path' durable. */
static int sync_dir(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd, ret = 0;

	str_lcpy(dir, path, sizeof(dir));
	slash = strrchr(dir, '/');
	if (!slash)
		str_lcpy(dir, ".", sizeof(dir));
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Replaces 'path' with 'len' bytes at 'p' and mode 'mode': a crash leaves
 * either the old file or the new one. The temporary file is made 0600, so
 * a key is never readable by others, not even for a moment.
 */
static int write_atomic(const char *path, const char *p, size_t len, mode_t mode)
{
	char tmp[PATH_MAX];
	int fd, ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, mode) < 0)
		ret = -errno;
	if (!ret)
		ret = write_all(fd, p, len);
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return ret;
	}
	return sync_dir(path);
}

/* The PEM text of 'key' or 'cert' (one of them NULL) appended to 'b'. */
static int pem_add(struct buf *b, EVP_PKEY *key, X509 *cert)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long len;
	int ok;

	if (!bio)
		return -ENOMEM;
	ok = key ? PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)
		 : PEM_write_bio_X509(bio, cert);
	len = BIO_get_mem_data(bio, &p);
	if (ok && len > 0)
		buf_add(b, p, (size_t)len);
	BIO_free(bio);
	return ok && len > 0 && !b->err ? 0 : -ENOMEM;
}

static int write_pem(const char *path, EVP_PKEY *key, X509 *cert, mode_t mode, struct err *e)
{
	struct buf b;
	int ret;

	buf_init(&b, LIMIT_TLS_PEM_BYTES);
	ret = pem_add(&b, key, cert);
	if (!ret)
		ret = write_atomic(path, b.p, b.len, mode);
	OPENSSL_cleanse(b.p, b.len);
	buf_release(&b);
	if (ret < 0)
		return err_fail(e, NULL, "cannot write '%s': %s", path, strerror(-ret));
	return 0;
}

/* Refuses to prompt for a passphrase: the CA's key has none. */
static int no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)arg;
	return -1;
}

/* Reads the PEM file at 'path' into '*key' or '*cert'; -ENOENT when absent. */
static int read_pem(const char *path, EVP_PKEY **key, X509 **cert, struct err *e)
{
	struct buf b;
	BIO *bio;
	int ret;

	buf_init(&b, LIMIT_TLS_PEM_BYTES);
	ret = read_file(path, &b);
	if (ret == -ENOENT)
		goto out;
	if (ret < 0) {
		ret = err_fail(e, NULL, "cannot read '%s': %s", path,
			       ret == -EFBIG ? "longer than a PEM file of the local CA can be"
					     : strerror(-ret));
		goto out;
	}
	bio = BIO_new_mem_buf(b.p, (int)b.len);
	if (key)
		*key = bio ? PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL) : NULL;
	else
		*cert = bio ? PEM_read_bio_X509(bio, NULL, no_passphrase, NULL) : NULL;
	BIO_free(bio);
	ERR_clear_error();
	if (key ? !*key : !*cert)
		ret = err_fail(e, NULL, "'%s' is not a PEM %s", path,
			       key ? "private key (without a passphrase)" : "certificate");
out:
	OPENSSL_cleanse(b.p, b.len);
	buf_release(&b);
	return ret;
}

static X509 *ca_cert_new(EVP_PKEY *key, int64_t now)
{
	X509 *x = x509_new(key, CA_NAME, now - 3600, now + (int64_t)CA_DAYS * 86400);

	if (!x || x509_add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE") < 0 ||
	    x509_add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign") < 0 ||
	    x509_add_ext(x, x, NID_subject_key_identifier, "hash") < 0 ||
	    x509_sign(x, key) < 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Checks that 'ca' is a CA certificate for its key, in date at 'now'. */
static int ca_check(const struct tls_ca *ca, const struct ca_paths *p, int64_t now, struct err *e)
{
	int64_t from, until;

	if (X509_check_private_key(ca->cert, ca->key) != 1) {
		ERR_clear_error();
		return err_fail(e, NULL, "'%s' does not belong to the key '%s': remove both "
				"to make a new CA", p->cert, p->key);
	}
	if (X509_check_ca(ca->cert) < 1 || !X509_self_signed(ca->cert, 1)) {
		ERR_clear_error();
		return err_fail(e, NULL, "'%s' is not a self-signed CA certificate", p->cert);
	}
	if (x509_times(ca->cert, &from, &until) < 0)
		return err_fail(e, NULL, "'%s' has unreadable dates", p->cert);
	if (now < from || now >= until)
		return err_fail(e, NULL, "'%s' is %s: remove it and '%s' to make a new CA", p->cert,
				now < from ? "not valid yet" : "out of date", p->key);
	return 0;
}

/* Writes the system's bundle, then the CA, to p->bundle. */
static int bundle_write(const struct tls_ca *ca, const struct ca_paths *p, struct err *e)
{
	struct buf b;
	int ret;

	buf_init(&b, LIMIT_TLS_BUNDLE_BYTES);
	ret = read_file(TLS_SYSTEM_BUNDLE, &b);
	if (ret == -ENOENT)
		ret = 0;
	if (ret < 0) {
		ret = err_fail(e, NULL, "cannot read '%s': %s", TLS_SYSTEM_BUNDLE,
			       ret == -EFBIG ? "too long" : strerror(-ret));
		goto out;
	}
	if (b.len && b.p[b.len - 1] != '\n')
		buf_addc(&b, '\n');
	ret = pem_add(&b, NULL, ca->cert);
	if (!ret)
		ret = write_atomic(p->bundle, b.p, b.len, 0644);
	if (ret < 0)
		ret = err_fail(e, NULL, "cannot write '%s': %s", p->bundle, strerror(-ret));
out:
	buf_release(&b);
	return ret;
}

static int paths_make(const char *stem, struct ca_paths *p, struct err *e)
{
	if (str_concat(p->cert, sizeof(p->cert), stem, TLS_CA_CERT_SUFFIX, NULL) < 0 ||
	    str_concat(p->key, sizeof(p->key), stem, TLS_CA_KEY_SUFFIX, NULL) < 0 ||
	    str_concat(p->bundle, sizeof(p->bundle), stem, TLS_BUNDLE_SUFFIX, NULL) < 0)
		return err_fail(e, NULL, "the path '%s' is too long for the CA's files", stem);
	return 0;
}

/* Fills ca->key from p->key, or makes and writes a new key when there is none. */
static int key_load(struct tls_ca *ca, const struct ca_paths *p, bool *made, struct err *e)
{
	int ret = read_pem(p->key, &ca->key, NULL, e);

	*made = false;
	if (ret != -ENOENT)
		return ret;
	if (access(p->cert, F_OK) == 0)
		return err_fail(e, NULL, "'%s' is there but its key '%s' is not: remove the "
				"certificate to make a new CA", p->cert, p->key);
	ca->key = EVP_EC_gen("P-256");
	if (!ca->key) {
		ERR_clear_error();
		return err_fail(e, NULL, "cannot make a key for the local CA");
	}
	*made = true;
	return write_pem(p->key, ca->key, NULL, 0600, e);
}

struct tls_ca *tls_ca_open(const char *stem, int64_t now, struct err *e)
{
	struct tls_ca *ca = xcalloc(1, sizeof(*ca));
	struct ca_paths p;
	bool made;
	int ret;

	ret = paths_make(stem, &p, e);
	if (!ret)
		ret = key_load(ca, &p, &made, e);
	if (ret < 0)
		goto fail;
	ret = read_pem(p.cert, NULL, &ca->cert, e);
	if (ret == -ENOENT) {
		/* Only the key is there: the last creation stopped between the two files. */
		ca->cert = ca_cert_new(ca->key, now);
		if (!ca->cert) {
			ret = err_fail(e, NULL, "cannot sign the local CA's certificate");
			goto fail;
		}
		ret = write_pem(p.cert, NULL, ca->cert, 0644, e);
		if (!ret)
			log_info("%s the local CA '%s'", made ? "made" : "recertified", p.cert);
	}
	if (!ret)
		ret = ca_check(ca, &p, now, e);
	if (!ret)
		ret = bundle_write(ca, &p, e);
	if (ret < 0)
		goto fail;
	return ca;
fail:
	tls_ca_free(ca);
	return NULL;
}
