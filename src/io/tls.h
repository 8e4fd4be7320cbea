/* SPDX-License-Identifier: MIT */
/*
 * TLS for the region's HTTP servers: a local CA, made once and kept beside
 * the state file, signs a certificate for whatever name a client asks for
 * (SNI), minted during the handshake and cached by name. Commands run
 * through `vpce exec` trust that CA (docs/tls.md).
 *
 * Wiring (daemon): once, t = tls_server_new(state_path, name_fn, arg, &e);
 * then http_server_new_tls(loop, fd, handler, harg, t) for each listening
 * socket (io/http.h); tls_server_free(t) after every such server is freed.
 * 'name_fn' names the service at a local address, for clients without SNI.
 */
#ifndef IO_TLS_H
#define IO_TLS_H

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "compat.h"
#include "limits.h"
#include "base/err.h"

/* The files beside the state file "<stem>", and the bundle they extend. */
#define TLS_CA_CERT_SUFFIX ".ca.pem"		/* the CA's certificate, 0644 */
#define TLS_CA_KEY_SUFFIX ".ca.key"		/* its private key, 0600 */
#define TLS_BUNDLE_SUFFIX ".ca-bundle.pem"	/* the system's CAs, then this one */
#define TLS_SYSTEM_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

#define TLS_NAME_SIZE 254	/* a DNS name (253 characters at most) and its NUL */

/* A local certificate authority: its certificate and key. */
struct tls_ca;

/*
 * Loads the CA from 'stem'.ca.pem and 'stem'.ca.key, or makes one valid
 * from 'now' (seconds since the epoch) for ten years when neither exists,
 * or a new certificate for the key when only the key exists (a creation cut
 * short). Then (re)writes 'stem'.ca-bundle.pem. A file that is unreadable,
 * corrupt, not a CA, out of date or not matching its pair is an error: it
 * returns NULL with 'e' filled, and nothing is written. The caller frees
 * the result with tls_ca_free().
 */
struct tls_ca *tls_ca_open(const char *stem, int64_t now, struct err *e);
void tls_ca_free(struct tls_ca *ca);
/* The CA's certificate, borrowed from 'ca'. */
X509 *tls_ca_cert(const struct tls_ca *ca);

enum tls_name_kind { TLS_NAME_DNS = 1, TLS_NAME_IP };

/*
 * Checks 'name', untrusted (an SNI host name), and writes its canonical form
 * to 'out': a DNS name in lower case (at most 253 characters, labels of 1
 * to 63 letters, digits and inner hyphens, the last not all digits), or an
 * IPv4 or IPv6 address as inet_ntop() writes it. Returns TLS_NAME_DNS,
 * TLS_NAME_IP, or -EINVAL for anything else.
 */
int tls_name_canon(const char *name, char out[static TLS_NAME_SIZE]);

/*
 * Names the service a connection without SNI came to, at 'local_ip' (IPv4,
 * host order; 0 for other families): fills 'name' and returns true, or
 * returns false when no name belongs to that address.
 */
typedef bool tls_name_fn(void *arg, uint32_t local_ip, char name[static TLS_NAME_SIZE]);

/* The CA, a key for the certificates it mints, their cache and an SSL_CTX. */
struct tls_server;

/*
 * Opens the CA at 'stem' (tls_ca_open() at the current time) and makes a
 * server context: TLS 1.2 and 1.3, session tickets and a session cache,
 * ALPN "http/1.1". Clients with SNI get a certificate for that name; those
 * without get one for 'default_name' (may be NULL; called with 'arg') and
 * the local address. Returns NULL with 'e' filled on failure.
 */
struct tls_server *tls_server_new(const char *stem, tls_name_fn *default_name, void *arg,
				  struct err *e);
/* Frees 't'; no handshake of its servers may still be running. */
void tls_server_free(struct tls_server *t);
/* The context servers make their connections with, borrowed from 't'. */
SSL_CTX *tls_server_ctx(struct tls_server *t);
/* The local CA of 't', borrowed. */
const struct tls_ca *tls_server_ca(const struct tls_server *t);

/*
 * Returns a certificate for 'name' (a DNS name or an IP address, checked by
 * tls_name_canon()) valid at 'now' (seconds since the epoch): the cached
 * one while it has a day left, else a new one valid from an hour before
 * 'now' for 397 days (never past the CA's end). The cache keeps
 * LIMIT_TLS_CERT_CACHE names and drops the least recently used. Returns
 * NULL with 'e' filled for a bad name or when signing fails. The result is
 * borrowed, valid until the next call; X509_up_ref() it to keep it.
 */
X509 *tls_server_cert(struct tls_server *t, const char *name, int64_t now, struct err *e);
/* The private key of every certificate 't' mints, borrowed. */
EVP_PKEY *tls_server_key(const struct tls_server *t);
/* How many certificates the cache of 't' holds. */
size_t tls_server_cached(const struct tls_server *t);

#endif
