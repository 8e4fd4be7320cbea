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

struct api {
	struct world *w;
	struct store *st;
	struct api_config cfg;
	struct arena arena;
	uint64_t rng;		/* splitmix64 state */
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
	return a;
}

void api_free(struct api *a)
{
	if (!a)
		return;
	arena_release(&a->arena);
	free(a);
}

static int status_of(const char *code)
{
	static const struct {
		const char *code;
		int status;
	} map[] = {
		{ "AuthFailure", 401 },
		{ "MissingAuthenticationToken", 401 },
		{ "IncompleteSignature", 400 },
		{ "RequestExpired", 400 },
		{ "SignatureDoesNotMatch", 403 },
		{ "InvalidClientTokenId", 403 },
		{ "UnauthorizedOperation", 403 },
		{ "DryRunOperation", 412 },
		{ "InternalError", 500 },
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
	xml_error_doc(&resp->body, code, c->err.msg, c->request_id);
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

static const char *secret_of(void *arg, struct str access_key)
{
	struct api *a = arg;

	for (size_t i = 0; i < a->cfg.n_identities; i++)
		if (str_eq_c(access_key, a->cfg.identities[i].access_key))
			return a->cfg.identities[i].secret_key;
	return NULL;
}

static const struct identity *identity_of(struct api *a, const char *access_key)
{
	for (size_t i = 0; i < a->cfg.n_identities; i++)
		if (strcmp(access_key, a->cfg.identities[i].access_key) == 0)
			return &a->cfg.identities[i];
	return NULL;
}

static int authenticate(struct call *c, const struct http_request *req,
			const struct identity **who)
{
	struct sigv4_req sreq = {
		.method = req->method, .path = req->path, .query = req->query,
		.headers = req->headers, .n_headers = req->n_headers, .body = req->body,
	};
	struct sigv4_result res;
	int ret;

	ret = sigv4_verify(&sreq, c->cx.now_ms / 1000, secret_of, c->api, &res, &c->err);
	if (ret < 0)
		return ret;
	if (strcmp(res.service, "ec2"))
		return err_fail(&c->err, "AuthFailure",
				"Credential should be scoped to correct service: 'ec2'.");
	if (strcmp(res.region, c->cx.region->name))
		return err_fail(&c->err, "AuthFailure",
				"Credential should be scoped to a valid region, not '%s'.",
				res.region);
	*who = identity_of(c->api, res.access_key);
	if (!*who)
		return err_fail(&c->err, "AuthFailure",
				"AWS was not able to validate the provided access credentials");
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

/* The world no longer matches the store: read it again. */
static void reload(struct api *a)
{
	struct err e = { 0 };

	world_release(a->w);
	if (store_load(a->st, a->w, &e) < 0) {
		log_err("reloading the state file failed: %s", e.msg);
		abort();
	}
}

static int run_action(struct call *c, const struct api_action *act)
{
	const char *token = act->idempotent ? param(c, "ClientToken") : NULL;
	struct store_token tok = { 0 };
	char seen_action[64], seen_hash[128], seen_id[128];
	char hash[65];
	bool dry_run = false;
	int ret;

	ret = query_bool(&c->q, "DryRun", false, &dry_run, &c->err);
	if (ret < 0)
		return ret;
	if (token) {
		if (strlen(token) > LIMIT_CLIENT_TOKEN_CHARS)
			return err_fail(&c->err, "InvalidParameterValue",
					"Value (%s) for parameter clientToken is invalid. "
					"The client token must be at most %d characters.",
					token, LIMIT_CLIENT_TOKEN_CHARS);
		params_hash(&c->q, hash);
		if (store_token_get(c->api->st, c->cx.account, token, seen_action, seen_hash,
				    seen_id, sizeof(seen_id)) == 0) {
			if (strcmp(seen_action, c->action) || strcmp(seen_hash, hash))
				return err_fail(&c->err, "IdempotentParameterMismatch",
						"Arguments on this idempotent request are "
						"inconsistent with arguments used in previous "
						"request(s).");
			if (!world_find(c->w, seen_id))
				return err_fail(&c->err, "IdempotentParameterMismatch",
						"The client token you have provided is "
						"associated with a resource that is already "
						"deleted. Please use a different client token.");
			c->replay_id = arena_strdup(c->arena, str_c(seen_id));
		}
	}
	ret = act->fn(c);
	if (ret < 0 || dry_run) {
		if (c->w->n_journal)
			reload(c->api);
		if (ret >= 0)
			return err_fail(&c->err, "DryRunOperation",
					"Request would have succeeded, but DryRun flag is set.");
		return ret;
	}
	if (!act->mutating || c->replay_id)
		return 0;
	if (token && c->token_resource_id[0]) {
		tok = (struct store_token){
			.account = c->cx.account, .token = token, .action = c->action,
			.params_hash = hash, .resource_id = c->token_resource_id,
		};
	}
	ret = store_commit(c->api->st, c->w, tok.token ? &tok : NULL, &c->err);
	if (ret < 0) {
		log_err("commit failed: %s", c->err.msg);
		reload(c->api);
		return err_fail(&c->err, "InternalError",
				"An internal error has occurred; nothing was changed.");
	}
	return 0;
}

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int handle(struct call *c, const struct http_request *req)
{
	const struct identity *who = NULL;
	const struct api_action *act;
	struct str form = req->body;
	const char *version;
	int ret;

	if (str_eq_c(req->method, "GET")) {
		form = req->query;
	} else if (!str_eq_c(req->method, "POST")) {
		return err_fail(&c->err, "InvalidAction", "The action is not valid for this web service.");
	}
	ret = authenticate(c, req, &who);
	if (ret < 0)
		return ret;
	c->cx.account = who->account;
	ret = query_parse(&c->q, form, c->arena, &c->err);
	if (ret < 0)
		return ret;
	c->action = param(c, "Action");
	if (!c->action)
		return err_fail(&c->err, "MissingAction", "The request must contain the parameter Action");
	act = api_action_find(c->action);
	if (!act)
		return err_fail(&c->err, "InvalidAction",
				"The action %s is not valid for this web service.", c->action);
	version = param(c, "Version");
	if (!version)
		return err_fail(&c->err, "MissingParameter",
				"The request must contain the parameter Version");
	if (strcmp(version, EC2_VERSION))
		return err_fail(&c->err, "NoSuchVersion",
				"The requested version (%s) of service AmazonEC2 does not exist",
				version);
	return run_action(c, act);
}

void api_serve(void *arg, const struct http_request *req, struct http_response *resp)
{
	struct api *a = arg;
	struct call c = {
		.api = a, .w = a->w, .arena = &a->arena, .out = &resp->body,
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
	xml_doc_begin(c->out, root, c->request_id);
}

void resp_end(struct call *c)
{
	char root[96];

	snprintf(root, sizeof(root), "%sResponse", c->action);
	xml_doc_end(c->out, root);
}
