/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "api/api.h"

#include <openssl/evp.h>

#include "api/sigv4.h"
#include "api/xml.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "limits.h"

#define EC2_VERSION "2016-11-15"

/* At most this many idempotent creates share one commit. */
#define API_BATCH_TOKENS 64

struct pending_token {
	char account[ACCOUNT_SIZE];
	char token[LIMIT_CLIENT_TOKEN_CHARS + 1];
	char action[64];
	char hash[65];
	char resource_id[ID_SIZE];
};

struct api {
	struct world *w;
	struct store *st;
	struct api_config cfg;
	struct arena arena;
	uint64_t rng;			/* splitmix64 state */
	struct http_server *srv;	/* holds answers until their commit */
	struct pending_token pending[API_BATCH_TOKENS];
	size_t n_pending;
	bool batch_failed;		/* drop this batch's changes */
	struct rcache rcache;		/* rendered describe items */
	struct sigv4_key_cache keys;	/* the last signing key derived */
	uint64_t gen;			/* bumped by every change to the world */
	bool drop_answers;		/* a commit of this batch failed */
};

static uint64_t rng_next(void *arg)
{
	struct api *a = arg;
	uint64_t z = (a->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

struct api *api_new(struct world *w, struct store *st, const struct api_config *cfg,
		    uint64_t seed)
{
	struct api *a = xcalloc(1, sizeof(*a));

	a->w = w;
	a->st = st;
	a->cfg = *cfg;
	a->rng = seed;
	arena_init(&a->arena, LIMIT_REQUEST_ARENA_BYTES);
	rcache_init(&a->rcache);
	return a;
}

void api_set_server(struct api *a, struct http_server *srv)
{
	a->srv = srv;
}

void api_free(struct api *a)
{
	if (!a)
		return;
	arena_release(&a->arena);
	rcache_release(&a->rcache);
	free(a);
}

/* Each service: its scope name, API version, namespace and action table. */
static const struct {
	const char *scope;
	const char *version;
	const char *ns;			/* NULL: EC2's own documents */
	const char *product;		/* as NoSuchVersion names it */
	const struct api_action *(*find)(const char *name);
} services[] = {
	[API_EC2] = { "ec2", EC2_VERSION, NULL, "AmazonEC2", api_action_find },
	[API_IAM] = { "iam", "2010-05-08", XML_IAM_NS, "AmazonIdentityManagement",
		      api_iam_action_find },
	[API_STS] = { "sts", "2011-06-15", XML_STS_NS, "AWSSecurityTokenService",
		      api_sts_action_find },
};

static int status_of(const char *code)
{
	static const struct {
		const char *code;
		int status;
	} map[] = {
		{ "AuthFailure", 401 },
		{ "MissingAuthenticationToken", 403 },
		{ "IncompleteSignature", 400 },
		{ "RequestExpired", 400 },
		{ "SignatureDoesNotMatch", 403 },
		{ "InvalidClientTokenId", 403 },
		{ "ExpiredToken", 403 },
		{ "AccessDenied", 403 },
		{ "UnauthorizedOperation", 403 },
		{ "NoSuchEntity", 404 },
		{ "EntityAlreadyExists", 409 },
		{ "DeleteConflict", 409 },
		{ "LimitExceeded", 409 },
		{ "DryRunOperation", 412 },
		{ "InternalError", 500 },
		{ "ServiceFailure", 500 },
		{ "ServiceUnavailable", 503 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcmp(map[i].code, code) == 0)
			return map[i].status;
	return 400;
}

static void write_error(struct call *c, struct http_response *resp)
{
	const char *code = c->err.code ? c->err.code : "InternalError";

	resp->status = status_of(code);
	buf_reset(&resp->body);
	if (c->svc == API_EC2)
		xml_error_doc(&resp->body, code, c->err.msg, c->request_id);
	else
		xml_query_error_doc(&resp->body, services[c->svc].ns,
				    resp->status >= 500 ? "Receiver" : "Sender", code, c->err.msg,
				    c->request_id);
}

static void new_request_id(struct api *a, char dst[static 40])
{
	uint64_t x = rng_next(a), y = rng_next(a);

	/* A version 4 UUID, as EC2's requestId. */
	snprintf(dst, 40, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(x >> 32),
		 (unsigned)(x >> 16) & 0xffff, (unsigned)x & 0xfff,
		 (unsigned)(0x8000 | ((y >> 48) & 0x3fff)),
		 (unsigned long long)(y & 0xffffffffffffull));
}

/* The secret lookup of sigv4_verify(), remembering whether the key was known. */
struct key_lookup {
	struct api *api;
	bool found;
};

static const char *secret_of(void *arg, struct str access_key)
{
	struct key_lookup *lk = arg;
	const char *secret = iam_secret(lk->api->w, &lk->api->cfg.dir, access_key);

	lk->found = secret != NULL;
	return secret;
}

/* IAM's and STS's codes for what sigv4_verify() reports in EC2's. */
static int query_auth_error(struct call *c, bool key_found)
{
	const char *code = c->err.code ? c->err.code : "";

	if (!strcmp(code, "MissingParameter"))
		return err_fail(&c->err, "MissingAuthenticationToken",
				"Request is missing Authentication Token");
	if (!strcmp(code, "AuthFailure") && !key_found)
		return err_fail(&c->err, "InvalidClientTokenId",
				"The security token included in the request is invalid.");
	if (!strcmp(code, "AuthFailure"))
		return err_fail(&c->err, "SignatureDoesNotMatch",
				"The request signature we calculated does not match the "
				"signature you provided. Check your AWS Secret Access Key and "
				"signing method. Consult the service documentation for details.");
	return -EINVAL;
}

/* The answer to a key iam_caller() refused with 'ret'. */
static int caller_error(struct call *c, int ret)
{
	if (ret == -EKEYEXPIRED)
		return c->svc == API_EC2 ?
			       err_fail(&c->err, "RequestExpired", "Request has expired.") :
			       err_fail(&c->err, "ExpiredToken",
					"The security token included in the request is expired");
	return c->svc == API_EC2 ?
		       err_fail(&c->err, "AuthFailure",
				"AWS was not able to validate the provided access credentials") :
		       err_fail(&c->err, "InvalidClientTokenId",
				"The security token included in the request is invalid.");
}

/* The scope's service and region: EC2 in the daemon's region; IAM and STS also us-east-1. */
static int scope_check(struct call *c, const struct sigv4_result *res)
{
	const char *want = services[c->svc].scope;
	bool region_ok = !strcmp(res->region, c->cx.region->name) ||
			 (c->svc != API_EC2 && !strcmp(res->region, "us-east-1"));

	if (strcmp(res->service, want))
		return err_fail(&c->err, c->svc == API_EC2 ? "AuthFailure" : "SignatureDoesNotMatch",
				"Credential should be scoped to correct service: '%s'.", want);
	if (!region_ok)
		return err_fail(&c->err, c->svc == API_EC2 ? "AuthFailure" : "SignatureDoesNotMatch",
				"Credential should be scoped to a valid region, not '%s'.",
				res->region);
	return 0;
}

static int authenticate(struct call *c, const struct http_request *req)
{
	struct sigv4_req sreq = {
		.method = req->method, .path = req->path, .query = req->query,
		.headers = req->headers, .n_headers = req->n_headers, .body = req->body,
		.cache = &c->api->keys,
	};
	struct key_lookup lk = { .api = c->api };
	struct sigv4_result res;
	int ret;

	ret = sigv4_verify(&sreq, c->cx.now_ms / 1000, secret_of, &lk, &res, &c->err);
	if (ret < 0)
		return c->svc == API_EC2 ? ret : query_auth_error(c, lk.found);
	ret = scope_check(c, &res);
	if (ret < 0)
		return ret;
	ret = iam_caller(c->w, &c->api->cfg.dir, str_c(res.access_key), str_c(res.token),
			 c->cx.now_ms, &c->caller);
	if (ret < 0)
		return caller_error(c, ret);
	c->cx.account = c->caller.account;
	return 0;
}

/* A digest of every parameter but the token itself and DryRun. */
static void params_hash(const struct query *q, char dst[static 65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;
	EVP_MD_CTX *sha = EVP_MD_CTX_new();

	if (!sha)
		abort();
	EVP_DigestInit_ex(sha, EVP_sha256(), NULL);
	for (size_t i = 0; i < q->n; i++) {
		const struct query_param *p = &q->params[i];

		if (str_eq_c(p->key, "ClientToken") || str_eq_c(p->key, "DryRun"))
			continue;
		EVP_DigestUpdate(sha, p->key.p, p->key.len);
		EVP_DigestUpdate(sha, "=", 2);
		EVP_DigestUpdate(sha, p->value.p, p->value.len);
		EVP_DigestUpdate(sha, "&", 2);
	}
	EVP_DigestFinal_ex(sha, md, &md_len);
	EVP_MD_CTX_free(sha);
	for (unsigned i = 0; i < md_len && i < 32; i++)
		snprintf(dst + 2 * i, 3, "%02x", md[i]);
}

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int api_authenticate(struct api *a, const struct http_request *req,
		     char account[static ACCOUNT_SIZE], struct err *e)
{
	struct call c = { .api = a, .w = a->w, .svc = API_EC2,
			  .cx = { .now_ms = wall_ms(), .region = a->cfg.region } };
	int ret = authenticate(&c, req);

	if (ret < 0) {
		*e = c.err;
		return ret;
	}
	str_lcpy(account, c.caller.account, ACCOUNT_SIZE);
	return 0;
}

/* The world no longer matches the store: read it again. */
static void reload(struct api *a)
{
	struct err e = { 0 };

	a->gen++;
	world_release(a->w);
	if (store_load(a->st, a->w, &e) < 0) {
		log_err("reloading the state file failed: %s", e.msg);
		abort();
	}
}

/*
 * Commits what the requests of this batch changed, with their tokens, in
 * one transaction. On failure reloads the world and marks the batch's
 * answers to be dropped, so no change is acknowledged that is not on disk.
 * The answers themselves go at api_batch_end().
 */
static bool commit_batch(struct api *a)
{
	struct store_token toks[API_BATCH_TOKENS];
	struct err e = { 0 };
	bool ok = !a->batch_failed;

	for (size_t i = 0; i < a->n_pending; i++) {
		struct pending_token *p = &a->pending[i];

		toks[i] = (struct store_token){
			.account = p->account, .token = p->token, .action = p->action,
			.params_hash = p->hash, .resource_id = p->resource_id,
		};
	}
	if (ok && store_commit(a->st, a->w, toks, a->n_pending, &e) < 0) {
		log_err("commit failed: %s", e.msg);
		ok = false;
	}
	if (!ok) {
		reload(a);
		a->drop_answers = true;
	}
	a->n_pending = 0;
	a->batch_failed = false;
	return ok;
}

void api_sweep(struct api *a)
{
	if (!world_sweep(a->w, wall_ms()))
		return;
	/* What describe renders may have changed; write the removals now. */
	a->gen++;
	commit_batch(a);
	/* Nothing is held between batches: no answer to drop if that failed. */
	a->drop_answers = false;
}

void api_batch_end(void *arg)
{
	struct api *a = arg;

	if (a->w->n_journal || a->n_pending || a->batch_failed)
		commit_batch(a);
	if (a->srv)
		http_server_release(a->srv, !a->drop_answers);
	a->drop_answers = false;
}

/* Finds 'token' among those this batch has made but not yet committed. */
static const struct pending_token *pending_token(const struct api *a, const char *account,
						 const char *token)
{
	for (size_t i = 0; i < a->n_pending; i++)
		if (!strcmp(a->pending[i].account, account) && !strcmp(a->pending[i].token, token))
			return &a->pending[i];
	return NULL;
}

static int check_token(struct call *c, const char *token, const char *hash)
{
	char seen_action[64], seen_hash[128], seen_id[128];
	const struct pending_token *p;

	if (strlen(token) > LIMIT_CLIENT_TOKEN_CHARS)
		return err_fail(&c->err, "InvalidParameterValue",
				"Value (%s) for parameter clientToken is invalid. "
				"The client token must be at most %d characters.",
				token, LIMIT_CLIENT_TOKEN_CHARS);
	p = pending_token(c->api, c->cx.account, token);
	if (p) {
		str_lcpy(seen_action, p->action, sizeof(seen_action));
		str_lcpy(seen_hash, p->hash, sizeof(seen_hash));
		str_lcpy(seen_id, p->resource_id, sizeof(seen_id));
	} else if (store_token_get(c->api->st, c->cx.account, token, seen_action, seen_hash,
				   seen_id, sizeof(seen_id)) < 0) {
		return 0;
	}
	if (strcmp(seen_action, c->action) || strcmp(seen_hash, hash))
		return err_fail(&c->err, "IdempotentParameterMismatch",
				"Arguments on this idempotent request are inconsistent with "
				"arguments used in previous request(s).");
	if (!world_find(c->w, seen_id))
		return err_fail(&c->err, "IdempotentParameterMismatch",
				"The client token you have provided is associated with a "
				"resource that is already deleted. Please use a different "
				"client token.");
	c->replay_id = arena_strdup(c->arena, str_c(seen_id));
	return 0;
}

static void remember_token(struct call *c, const char *token, const char *hash)
{
	struct api *a = c->api;
	struct pending_token *p;

	/* A full batch is committed early; its answers go out with it. */
	if (a->n_pending == API_BATCH_TOKENS)
		commit_batch(a);
	p = &a->pending[a->n_pending++];
	str_lcpy(p->account, c->cx.account, sizeof(p->account));
	str_lcpy(p->token, token, sizeof(p->token));
	str_lcpy(p->action, c->action, sizeof(p->action));
	str_lcpy(p->hash, hash, sizeof(p->hash));
	str_lcpy(p->resource_id, c->token_resource_id, sizeof(p->resource_id));
}

static int run_action(struct call *c, const struct api_action *act)
{
	const char *token = act->idempotent ? param(c, "ClientToken") : NULL;
	size_t journal_before;
	bool dry_run = false;
	char hash[65];
	int ret;

	ret = query_bool(&c->q, "DryRun", false, &dry_run, &c->err);
	if (ret < 0)
		return ret;
	if (token) {
		params_hash(&c->q, hash);
		ret = check_token(c, token, hash);
		if (ret < 0)
			return ret;
	}
	/*
	 * A dry run of a write makes the change and then forgets it by
	 * reloading the world, so what this batch changed must be on disk
	 * first.
	 */
	if (dry_run && act->mutating && (c->w->n_journal || c->api->n_pending)) {
		if (!commit_batch(c->api))
			return err_fail(&c->err, "InternalError", "An internal error has occurred.");
	}
	journal_before = c->w->n_journal;
	/*
	 * A write changes what describe items render to; so may a failed one
	 * that a reload undoes (reload() bumps it again).
	 */
	if (act->mutating)
		c->api->gen++;
	c->gen = c->api->gen;
	ret = act->fn(c);
	if (dry_run && act->mutating) {
		if (c->w->n_journal)
			reload(c->api);
		return ret < 0 ? ret :
				 err_fail(&c->err, "DryRunOperation",
					  "Request would have succeeded, but DryRun flag is set.");
	}
	if (ret < 0) {
		/* Operations check before they change; a change here is a bug. */
		if (c->w->n_journal != journal_before) {
			log_err("%s failed after changing the world; dropping the batch",
				c->action);
			c->api->batch_failed = true;
		}
		return ret;
	}
	if (dry_run)
		return err_fail(&c->err, "DryRunOperation",
				"Request would have succeeded, but DryRun flag is set.");
	if (!act->mutating || c->replay_id)
		return 0;
	if (token && c->token_resource_id[0])
		remember_token(c, token, hash);
	/* The answer waits for the batch's commit (api_batch_end). */
	if (c->api->srv && (c->w->n_journal || c->api->n_pending))
		http_server_hold(c->api->srv);
	else if (!c->api->srv && !commit_batch(c->api))
		return err_fail(&c->err, "InternalError",
				"An internal error has occurred; nothing was changed.");
	return 0;
}


/* Whether the undecoded form 'form' holds the pair 'pair' exactly as written. */
static bool form_has(struct str form, const char *pair)
{
	size_t n = strlen(pair);

	for (size_t i = 0; i + n <= form.len; i++)
		if ((i == 0 || form.p[i - 1] == '&') && !memcmp(form.p + i, pair, n) &&
		    (i + n == form.len || form.p[i + n] == '&'))
			return true;
	return false;
}

/*
 * Which service 'req' is for: the credential scope's; without one (an
 * unsigned request, to be refused) the API version its form asks for, found
 * without decoding it, as nothing is decoded before authentication.
 */
static void service_of(struct call *c, const struct http_request *req, struct str form)
{
	struct sigv4_req sreq = { .method = req->method, .path = req->path,
				  .query = req->query, .headers = req->headers,
				  .n_headers = req->n_headers, .body = req->body };
	char scope[32], pair[32];

	sigv4_scope_service(&sreq, scope, sizeof(scope));
	for (size_t i = 0; i < ARRAY_SIZE(services); i++) {
		snprintf(pair, sizeof(pair), "Version=%s", services[i].version);
		if (scope[0] ? !strcmp(scope, services[i].scope) : form_has(form, pair))
			c->svc = (enum api_svc)i;
	}
}

static int find_action(struct call *c, const struct api_action **act)
{
	const char *version;

	c->action = param(c, "Action");
	if (!c->action)
		return err_fail(&c->err, "MissingAction", "The request must contain the parameter Action");
	*act = services[c->svc].find(c->action);
	version = param(c, "Version");
	if (!*act && c->svc != API_EC2)
		return err_fail(&c->err, "InvalidAction", "Could not find operation %s for version %s",
				c->action, version ? version : services[c->svc].version);
	if (!*act)
		return err_fail(&c->err, "InvalidAction",
				"The action %s is not valid for this web service.", c->action);
	if (!version)
		return err_fail(&c->err, "MissingParameter",
				"The request must contain the parameter Version");
	if (strcmp(version, services[c->svc].version))
		return err_fail(&c->err, "NoSuchVersion",
				"The requested version (%s) of service %s does not exist",
				version, services[c->svc].product);
	return 0;
}

static int handle(struct call *c, const struct http_request *req)
{
	const struct api_action *act = NULL;
	struct str form = req->body;
	int ret;

	if (str_eq_c(req->method, "GET")) {
		form = req->query;
	} else if (!str_eq_c(req->method, "POST")) {
		return err_fail(&c->err, "InvalidAction", "The action is not valid for this web service.");
	}
	service_of(c, req, form);
	ret = authenticate(c, req);
	if (ret < 0)
		return ret;
	ret = query_parse(&c->q, form, c->arena, &c->err);
	if (ret < 0)
		return ret;
	ret = find_action(c, &act);
	if (ret < 0)
		return ret;
	return run_action(c, act);
}

void api_serve(void *arg, const struct http_request *req, struct http_response *resp)
{
	struct api *a = arg;
	struct call c = {
		.api = a, .w = a->w, .arena = &a->arena, .out = &resp->body,
		.rcache = &a->rcache, .gen = a->gen, .svc = API_EC2, .dir = &a->cfg.dir,
		.cx = { .now_ms = wall_ms(), .rand = rng_next, .rand_arg = a,
			.account = "", .region = a->cfg.region },
	};

	new_request_id(a, c.request_id);
	arena_reset(&a->arena);
	if (handle(&c, req) < 0 || resp->body.err) {
		if (resp->body.err)
			err_fail(&c.err, "InternalError", "The response is too large.");
		write_error(&c, resp);
	}
	resp->content_type = "text/xml;charset=UTF-8";
}

void resp_begin(struct call *c)
{
	char root[96];

	snprintf(root, sizeof(root), "%sResponse", c->action);
	if (c->svc == API_EC2)
		xml_doc_begin(c->out, root, c->request_id);
	else
		xml_query_begin(c->out, root, services[c->svc].ns);
}

void resp_end(struct call *c)
{
	char root[96];

	snprintf(root, sizeof(root), "%sResponse", c->action);
	if (c->svc == API_EC2)
		xml_doc_end(c->out, root);
	else
		xml_query_end(c->out, root, c->request_id);
}

void resp_return_true(struct call *c)
{
	resp_begin(c);
	xml_bool(c->out, "return", true);
	resp_end(c);
}
