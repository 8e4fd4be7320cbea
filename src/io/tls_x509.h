/* SPDX-License-Identifier: MIT */
/*
 * Inside io/tls: the X.509 building blocks the CA (tls_ca.c) and the
 * certificates it mints (tls.c) share. Times are seconds since the epoch.
 */
#ifndef IO_TLS_X509_H
#define IO_TLS_X509_H

#include <openssl/x509.h>

#include "compat.h"
#include "io/tls.h"

/*
 * A version 3 certificate for the public half of 'key', with a random
 * serial, valid from 'from' to 'until', subject CN 'cn' (none when NULL).
 * NULL on failure. Owned by the caller.
 */
X509 *x509_new(EVP_PKEY *key, const char *cn, int64_t from, int64_t until);
/* Adds the extension 'nid' written as openssl.cnf would ('value'), 'issuer' signing. */
int x509_add_ext(X509 *x, X509 *issuer, int nid, const char *value);
/* Sets the issuer's name and signs 'x' with 'issuer_key' (SHA-256). */
int x509_sign_by(X509 *x, X509 *issuer, EVP_PKEY *issuer_key);
/* Self-signs 'x' with 'key'. */
int x509_sign(X509 *x, EVP_PKEY *key);
/* Reads the validity of 'x' into 'from' and 'until'. Returns 0 or -EINVAL. */
int x509_times(const X509 *x, int64_t *from, int64_t *until);
/* The CA's private key, borrowed from 'ca'. */
EVP_PKEY *tls_ca_key(const struct tls_ca *ca);

#endif
