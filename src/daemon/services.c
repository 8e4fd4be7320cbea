/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "daemon/services.h"

#include <openssl/crypto.h>
#include <time.h>

#include "base/kv_cache.h"
#include "base/log.h"
#include "core/catalog.h"
#include "core/svcnet.h"
#include "store/kv_sqlite.h"

int64_t services_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool services_tls_name(void *arg, uint32_t local_ip, char name[static TLS_NAME_SIZE])
{
	struct services *s = arg;
	const struct region *rg;
	const struct service *svc =
		svcnet_service_at(s->w, s->alias ? s->alias(s->alias_arg, local_ip) : local_ip, &rg);

	if (!svc)
		return false;
	/* The service's public name, which svcnet_public_name() reads back. */
	return snprintf(name, TLS_NAME_SIZE, "%s.%s.amazonaws.com", svc->short_name, rg->name) <
	       TLS_NAME_SIZE;
}

int services_open(struct services *s, const char *state_path, const struct world *w,
		  const struct iam_dir *dir, struct err *e)
{
	char path[4096];

	*s = (struct services){ .w = w, .dir = dir };
	if (snprintf(path, sizeof(path), "%s%s", state_path, SERVICES_DATA_SUFFIX) >=
	    (int)sizeof(path))
		return err_fail(e, "InternalError", "state file path too long");
	if (kv_sqlite_open(path, &s->file, e) < 0)
		return -EIO;
	s->tls = tls_server_new(state_path, services_tls_name, s, e);
	if (!s->tls) {
		kv_sqlite_close(s->file);
		s->file = NULL;
		return -EIO;
	}
	/* vpced alone writes the file, and only through this kv. */
	s->kv = kv_cache_new(s->file, s3_cached_spaces);
	return 0;
}

void services_close(struct services *s)
{
	tls_server_free(s->tls);
	kv_cache_free(s->kv);
	kv_sqlite_close(s->file);
	OPENSSL_cleanse(&s->sig, sizeof(s->sig));
	OPENSSL_cleanse(&s->key_cache, sizeof(s->key_cache));
	*s = (struct services){ 0 };
}

struct lookup {
	struct services *s;
	bool known;
};

static const char *secret_of(void *arg, struct str access_key)
{
	struct lookup *l = arg;
	const char *secret = iam_secret(l->s->w, l->s->dir, access_key);

	l->known = secret != NULL;
	return secret;
}

/* An aws-chunked body's signatures chain from the request's own (svc/s3.h). */
static int chunk_sig(void *arg, enum s3_sig_kind kind, struct str data, struct str sig)
{
	struct services *s = arg;

	return sigv4_chunk_verify(&s->sig, s->prev_sig, kind == S3_SIG_TRAILER, data, sig);
}

static enum svc_auth signature_error(const struct err *e, bool known, bool presigned)
{
	if (!strcmp(e->code, "MissingParameter"))
		return SVC_AUTH_ANONYMOUS;
	if (!strcmp(e->code, "RequestExpired"))
		return presigned ? SVC_AUTH_EXPIRED : SVC_AUTH_SKEWED;
	if (!strcmp(e->code, "AuthFailure"))
		return known ? SVC_AUTH_BAD_SIGNATURE : SVC_AUTH_UNKNOWN_KEY;
	return SVC_AUTH_MALFORMED;
}

enum svc_auth services_auth(void *arg, const struct http_request *req, const char *service,
			    struct svc_caller *out)
{
	struct services *s = arg;
	struct sigv4_req sr = { .method = req->method, .path = req->path, .query = req->query,
				.headers = req->headers, .n_headers = req->n_headers,
				.body = req->body, .cache = &s->key_cache,
				.s3 = !strcmp(service, "s3") };
	struct lookup l = { s, false };
	int64_t now = services_clock_ms();
	struct iam_caller c;
	struct err e;
	int ret;

	*out = (struct svc_caller){ .type = NULL };
	if (sigv4_verify(&sr, now / 1000, secret_of, &l, &s->sig, &e) < 0) {
		str_lcpy(out->detail, e.msg, sizeof(out->detail));
		return signature_error(&e, l.known, s->sig.presigned);
	}
	ret = iam_caller(s->w, s->dir, str_c(s->sig.access_key), str_c(s->sig.token), now, &c);
	if (ret == -ENOENT)
		return SVC_AUTH_UNKNOWN_KEY;
	if (ret == -EKEYEXPIRED)
		return SVC_AUTH_EXPIRED_TOKEN;
	if (ret < 0)
		return SVC_AUTH_BAD_TOKEN;
	str_lcpy(out->account, c.account, sizeof(out->account));
	str_lcpy(out->arn, c.arn, sizeof(out->arn));
	str_lcpy(out->user_id, c.user_id, sizeof(out->user_id));
	str_lcpy(out->org_id, c.org_id, sizeof(out->org_id));
	out->type = iam_principal_type_name(c.type);
	out->unrestricted = c.unrestricted;
	/* The documents are the world's: they outlive the request. */
	s->n_policies = MIN(c.n_policies, ARRAY_SIZE(s->policies));
	memcpy(s->policies, c.policies, s->n_policies * sizeof(*s->policies));
	out->policies = s->policies;
	out->n_policies = s->n_policies;
	str_lcpy(out->region, s->sig.region, sizeof(out->region));
	str_lcpy(out->service, s->sig.service, sizeof(out->service));
	str_lcpy(s->prev_sig, s->sig.signature, sizeof(s->prev_sig));
	out->verify_sig = chunk_sig;
	out->verify_sig_arg = s;
	return SVC_AUTH_OK;
}
