/* SPDX-License-Identifier: MIT */
/*
 * Certificates minted during the handshake for the name the client asked
 * for, cached by name (least recently used dropped first), and the server
 * context that hands them out. One key serves every minted certificate.
 */
#include "compat.h"
#include "io/tls.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include "base/hmap.h"
#include "base/log.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "io/tls_x509.h"

#define LEAF_DAYS 397			/* the most a browser accepts */
#define LEAF_BACKDATE_SECONDS 3600	/* for clients whose clock is behind */
#define LEAF_RENEW_SECONDS 86400	/* a cached certificate with less left is made again */
#define DNS_LABEL_MAX 63
#define DNS_NAME_MAX (TLS_NAME_SIZE - 1)
/* A cache key: an address, a space, a DNS name. */
#define LEAF_KEY_SIZE (INET6_ADDRSTRLEN + 1 + TLS_NAME_SIZE)

/* TLS 1.2's suites for an ECDSA certificate; TLS 1.3 keeps OpenSSL's three. */
#define TLS12_CIPHERS "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384"
#define TLS_GROUPS "X25519:P-256:P-384"

struct leaf {
	struct leaf *newer, *older;	/* the cache's recency list */
	X509 *cert;
	int64_t from, until;		/* its validity */
	char key[LEAF_KEY_SIZE];	/* "ADDR", "NAME" or "ADDR NAME" */
};

struct tls_server {
	struct tls_ca *ca;
	EVP_PKEY *key;			/* every leaf's */
	SSL_CTX *ctx;
	tls_name_fn *default_name;
	void *arg;
	struct hmap leaves;		/* key -> struct leaf */
	struct leaf *newest, *oldest;
};

X509 *x509_new(EVP_PKEY *key, const char *cn, int64_t from, int64_t until)
{
	unsigned char serial[16];
	X509 *x = X509_new();
	BIGNUM *bn = NULL;
	bool ok;

	/* RFC 5280 4.1.2.2: positive, at most 20 octets; random, so never repeated. */
	ok = x && RAND_bytes(serial, sizeof(serial)) == 1;
	if (ok) {
		serial[0] = (serial[0] & 0x7f) | 0x40;
		bn = BN_bin2bn(serial, sizeof(serial), NULL);
	}
	ok = ok && bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) &&
	     X509_set_version(x, X509_VERSION_3) &&
	     ASN1_TIME_set(X509_getm_notBefore(x), (time_t)from) &&
	     ASN1_TIME_set(X509_getm_notAfter(x), (time_t)until) &&
	     X509_set_pubkey(x, key) &&
	     (!cn || X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
						(const unsigned char *)cn, -1, -1, 0));
	BN_free(bn);
	if (!ok) {
		ERR_clear_error();
		X509_free(x);
		return NULL;
	}
	return x;
}

int x509_add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	ok = ext && X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (!ok) {
		ERR_clear_error();
		return -EINVAL;
	}
	return 0;
}

int x509_sign_by(X509 *x, X509 *issuer, EVP_PKEY *issuer_key)
{
	if (!X509_set_issuer_name(x, X509_get_subject_name(issuer)) ||
	    X509_sign(x, issuer_key, EVP_sha256()) <= 0) {
		ERR_clear_error();
		return -EINVAL;
	}
	return 0;
}

int x509_sign(X509 *x, EVP_PKEY *key)
{
	return x509_sign_by(x, x, key);
}

static int asn1_time_get(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return -EINVAL;
	*out = (int64_t)timegm(&tm);
	return 0;
}

int x509_times(const X509 *x, int64_t *from, int64_t *until)
{
	if (asn1_time_get(X509_get0_notBefore(x), from) < 0 ||
	    asn1_time_get(X509_get0_notAfter(x), until) < 0)
		return -EINVAL;
	return 0;
}

static bool label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* Lowers 'name' into 'out' and checks it as a host name (RFC 1123 2.1, RFC 3696 2). */
static bool dns_canon(const char *name, char out[static TLS_NAME_SIZE])
{
	size_t len = strnlen(name, TLS_NAME_SIZE), label = 0;
	bool digits = true;

	if (len == 0 || len > DNS_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = str_ascii_lower(name[i]);

		out[i] = c;
		if (c == '.') {
			if (label == 0 || out[i - 1] == '-')
				return false;
			label = 0;
			digits = true;
			continue;
		}
		if (!label_char(c) || (label == 0 && c == '-') || ++label > DNS_LABEL_MAX)
			return false;
		digits = digits && c >= '0' && c <= '9';
	}
	out[len] = '\0';
	/* The last label: no trailing dot, no final hyphen, not all digits (an address). */
	return label > 0 && out[len - 1] != '-' && !digits;
}

int tls_name_canon(const char *name, char out[static TLS_NAME_SIZE])
{
	unsigned char addr[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, name, addr) == 1)
		return inet_ntop(AF_INET, addr, out, TLS_NAME_SIZE) ? TLS_NAME_IP : -EINVAL;
	if (inet_pton(AF_INET6, name, addr) == 1)
		return inet_ntop(AF_INET6, addr, out, TLS_NAME_SIZE) ? TLS_NAME_IP : -EINVAL;
	if (dns_canon(name, out))
		return TLS_NAME_DNS;
	out[0] = '\0';
	return -EINVAL;
}

static void leaf_unlink(struct tls_server *t, struct leaf *l)
{
	if (l->newer)
		l->newer->older = l->older;
	else
		t->newest = l->older;
	if (l->older)
		l->older->newer = l->newer;
	else
		t->oldest = l->newer;
	l->newer = NULL;
	l->older = NULL;
}

static void leaf_push(struct tls_server *t, struct leaf *l)
{
	l->older = t->newest;
	l->newer = NULL;
	if (t->newest)
		t->newest->newer = l;
	else
		t->oldest = l;
	t->newest = l;
}

static void leaf_drop(struct tls_server *t, struct leaf *l)
{
	hmap_del(&t->leaves, l->key);
	leaf_unlink(t, l);
	X509_free(l->cert);
	free(l);
}

/* A certificate for the DNS name 'dns', the address 'ip', or both (canonical). */
static X509 *leaf_mint(struct tls_server *t, const char *dns, const char *ip, int64_t now)
{
	X509 *ca = tls_ca_cert(t->ca), *x;
	int64_t ca_from, ca_until, until = now + (int64_t)LEAF_DAYS * 86400;
	const char *cn = dns ? dns : ip;
	char san[16 + LEAF_KEY_SIZE];
	int n;

	if (x509_times(ca, &ca_from, &ca_until) == 0 && until > ca_until)
		until = ca_until;
	/* X.520's ub-common-name; RFC 5280 4.2.1.6: no subject, a critical SAN. */
	if (strlen(cn) > 64)
		cn = NULL;
	n = snprintf(san, sizeof(san), "%s", cn ? "" : "critical,");
	if (dns)
		n += snprintf(san + n, sizeof(san) - (size_t)n, "DNS:%s%s", dns, ip ? "," : "");
	if (ip)
		snprintf(san + n, sizeof(san) - (size_t)n, "IP:%s", ip);
	x = x509_new(t->key, cn, now - LEAF_BACKDATE_SECONDS, until);
	if (!x || x509_add_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE") < 0 ||
	    x509_add_ext(x, ca, NID_key_usage, "critical,digitalSignature") < 0 ||
	    x509_add_ext(x, ca, NID_ext_key_usage, "serverAuth") < 0 ||
	    x509_add_ext(x, ca, NID_subject_alt_name, san) < 0 ||
	    x509_add_ext(x, ca, NID_authority_key_identifier, "keyid:always") < 0 ||
	    x509_sign_by(x, ca, tls_ca_key(t->ca)) < 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* The cached or a new certificate for 'dns' and/or 'ip' (canonical), at 'now'. */
static X509 *leaf_get(struct tls_server *t, const char *dns, const char *ip, int64_t now,
		      struct err *e)
{
	char key[LEAF_KEY_SIZE];
	struct leaf *l;
	X509 *cert;

	str_concat(key, sizeof(key), ip ? ip : "", ip && dns ? " " : "", dns ? dns : "", NULL);
	l = hmap_get(&t->leaves, key);
	if (l && now >= l->from && now + LEAF_RENEW_SECONDS < l->until) {
		leaf_unlink(t, l);
		leaf_push(t, l);
		return l->cert;
	}
	if (l)
		leaf_drop(t, l);
	cert = leaf_mint(t, dns, ip, now);
	if (!cert) {
		err_fail(e, NULL, "cannot sign a certificate for '%s'", key);
		return NULL;
	}
	if (t->leaves.count >= LIMIT_TLS_CERT_CACHE)
		leaf_drop(t, t->oldest);
	l = xcalloc(1, sizeof(*l));
	l->cert = cert;
	x509_times(cert, &l->from, &l->until);
	str_lcpy(l->key, key, sizeof(l->key));
	hmap_put(&t->leaves, l->key, l);
	leaf_push(t, l);
	return cert;
}

X509 *tls_server_cert(struct tls_server *t, const char *name, int64_t now, struct err *e)
{
	char canon[TLS_NAME_SIZE];
	int kind = tls_name_canon(name, canon);

	if (kind < 0) {
		err_fail(e, NULL, "'%.80s' is neither a DNS name nor an IP address", name);
		return NULL;
	}
	return leaf_get(t, kind == TLS_NAME_DNS ? canon : NULL, kind == TLS_NAME_IP ? canon : NULL,
			now, e);
}

/*
 * For a client without SNI: a certificate for the service the default name
 * function finds at the local address, and for the address itself.
 */
static X509 *cert_for_address(struct tls_server *t, int fd, int64_t now)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct in_addr a4;
	char ip[INET6_ADDRSTRLEN], name[TLS_NAME_SIZE], canon[TLS_NAME_SIZE];
	bool named;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return NULL;
	if (ss.ss_family == AF_INET) {
		a4 = ((const struct sockaddr_in *)&ss)->sin_addr;
	} else if (ss.ss_family == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)&ss)->sin6_addr;

		if (!IN6_IS_ADDR_V4MAPPED(a6)) {
			a4.s_addr = 0;
			inet_ntop(AF_INET6, a6, ip, sizeof(ip));
			goto found;
		}
		memcpy(&a4.s_addr, a6->s6_addr + 12, 4);
	} else {
		return NULL;
	}
	inet_ntop(AF_INET, &a4, ip, sizeof(ip));
found:
	named = t->default_name && t->default_name(t->arg, ntohl(a4.s_addr), name) &&
		tls_name_canon(name, canon) == TLS_NAME_DNS;
	return leaf_get(t, named ? canon : NULL, ip, now, NULL);
}

/* Logs a refused SNI name, its unprintable bytes as '?'. */
static void log_bad_name(const char *sni)
{
	char shown[65];
	size_t i;

	for (i = 0; sni[i] && i < sizeof(shown) - 1; i++)
		shown[i] = sni[i] > 0x20 && sni[i] < 0x7f ? sni[i] : '?';
	shown[i] = '\0';
	log_warn_rl("refusing a tls handshake for '%s%s': not a DNS name or an address", shown,
		    sni[i] ? "..." : "");
}

static int on_servername(SSL *ssl, int *alert, void *arg)
{
	struct tls_server *t = arg;
	const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	char name[TLS_NAME_SIZE];
	int64_t now = (int64_t)time(NULL);
	X509 *cert = sni ? tls_server_cert(t, sni, now, NULL)
			 : cert_for_address(t, SSL_get_fd(ssl), now);

	if (!cert) {
		if (sni && tls_name_canon(sni, name) < 0)
			log_bad_name(sni);
		*alert = sni ? SSL_AD_UNRECOGNIZED_NAME : SSL_AD_INTERNAL_ERROR;
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	}
	if (SSL_use_cert_and_key(ssl, cert, t->key, NULL, 1) != 1) {
		*alert = SSL_AD_INTERNAL_ERROR;
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	}
	return SSL_TLSEXT_ERR_OK;
}

/* HTTP/1.1 when the client offers it; otherwise no ALPN at all (RFC 7301 3.2 allows it). */
static int on_alpn(SSL *ssl, const unsigned char **out, unsigned char *out_len,
		   const unsigned char *in, unsigned int in_len, void *arg)
{
	static const unsigned char http11[] = "\x08http/1.1";
	unsigned char *chosen;

	(void)ssl;
	(void)arg;
	if (SSL_select_next_proto(&chosen, out_len, http11, sizeof(http11) - 1, in, in_len) !=
	    OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	*out = chosen;
	return SSL_TLSEXT_ERR_OK;
}

static SSL_CTX *ctx_new(struct tls_server *t)
{
	static const unsigned char sid[] = "vpce";
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_cipher_list(ctx, TLS12_CIPHERS) ||
	    !SSL_CTX_set1_groups_list(ctx, TLS_GROUPS) ||
	    !SSL_CTX_set_session_id_context(ctx, sid, sizeof(sid) - 1)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	/* Peers that close without close_notify are common; HTTP has its own lengths. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF |
			    SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
			 SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_read_ahead(ctx, 1);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	SSL_CTX_sess_set_cache_size(ctx, LIMIT_TLS_SESSION_CACHE);
	SSL_CTX_set_tlsext_servername_callback(ctx, on_servername);
	SSL_CTX_set_tlsext_servername_arg(ctx, t);
	SSL_CTX_set_alpn_select_cb(ctx, on_alpn, NULL);
	return ctx;
}

struct tls_server *tls_server_new(const char *stem, tls_name_fn *default_name, void *arg,
				  struct err *e)
{
	struct tls_server *t = xcalloc(1, sizeof(*t));

	t->default_name = default_name;
	t->arg = arg;
	hmap_init(&t->leaves);
	t->ca = tls_ca_open(stem, (int64_t)time(NULL), e);
	if (!t->ca)
		goto fail;
	t->key = EVP_EC_gen("P-256");
	t->ctx = t->key ? ctx_new(t) : NULL;
	if (!t->ctx) {
		ERR_clear_error();
		err_fail(e, NULL, "cannot make the TLS server's key and context");
		goto fail;
	}
	return t;
fail:
	tls_server_free(t);
	return NULL;
}

void tls_server_free(struct tls_server *t)
{
	if (!t)
		return;
	while (t->oldest)
		leaf_drop(t, t->oldest);
	hmap_release(&t->leaves);
	SSL_CTX_free(t->ctx);
	EVP_PKEY_free(t->key);
	tls_ca_free(t->ca);
	free(t);
}

SSL_CTX *tls_server_ctx(struct tls_server *t)
{
	return t->ctx;
}

const struct tls_ca *tls_server_ca(const struct tls_server *t)
{
	return t->ca;
}

EVP_PKEY *tls_server_key(const struct tls_server *t)
{
	return t->key;
}

size_t tls_server_cached(const struct tls_server *t)
{
	return t->leaves.count;
}
