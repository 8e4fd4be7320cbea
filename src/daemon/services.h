/* SPDX-License-Identifier: MIT */
/*
 * What the region's fronts need from the daemon (svc/front.h): the
 * built-in services' data file (the state file's path plus ".services"),
 * the TLS certificates of port 443 (io/tls.h, beside the state file), and
 * the answer to "who signed this": SigV4 (api/sigv4.h) with the keys the
 * daemon knows, the identities file's and IAM's (core/iam.h).
 */
#ifndef DAEMON_SERVICES_H
#define DAEMON_SERVICES_H

#include "compat.h"
#include "api/sigv4.h"
#include "base/kv.h"
#include "core/iam.h"
#include "core/model.h"
#include "io/tls.h"
#include "svc/front.h"

#define SERVICES_DATA_SUFFIX ".services"

struct services {
	const struct world *w;
	const struct iam_dir *dir;
	struct kv *kv;			/* the fronts': 'file' through a read cache */
	struct kv *file;		/* the data file's */
	struct tls_server *tls;
	/* What an address of the region stands for (daemon/origin.h); NULL: itself. */
	uint32_t (*alias)(void *arg, uint32_t ip);
	void *alias_arg;
	struct sigv4_key_cache key_cache;
	/* The last signature checked, for its aws-chunked body's signatures. */
	struct sigv4_result sig;
	char prev_sig[65];
	const char *policies[IAM_CALLER_POLICIES];	/* the last caller's */
	size_t n_policies;
};

/* Opens the data file and the CA of 'state_path'. 0, or fills 'e' and returns negative. */
int services_open(struct services *s, const char *state_path, const struct world *w,
		  const struct iam_dir *dir, struct err *e);
void services_close(struct services *s);

/* An svc_auth_fn: 'arg' is the struct services. */
enum svc_auth services_auth(void *arg, const struct http_request *req, const char *service,
			    struct svc_caller *out);
/* A tls_name_fn: the public name of the service at 'local_ip'. */
bool services_tls_name(void *arg, uint32_t local_ip, char name[static TLS_NAME_SIZE]);
/* Unix milliseconds, for the fronts. */
int64_t services_clock_ms(void);

#endif
