/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "svc/front.h"

#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/cidr.h"
#include "core/svcnet.h"
#include "svc/ddb.h"

#define FRONT_CONTEXT_MAX 24
#define FRONT_CONTEXT_BYTES 2048
#define FRONT_POLICIES_MAX 64		/* identity policies that take part in one decision */

static const char allow_all_text[] =
	"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
	"\"Resource\":\"*\"}]}";

/* --- compiled policies, by text --- */

struct cached_policy {
	struct cached_policy *next;	/* same key, other text */
	char key[40];
	char *text;
	size_t len;
	struct policy *p;		/* NULL: the text does not compile */
};

static void cached_free(void *v)
{
	struct cached_policy *c = v;

	while (c) {
		struct cached_policy *next = c->next;

		policy_free(c->p);
		free(c->text);
		free(c);
		c = next;
	}
}

/* FNV-1a of 'len' bytes. */
static uint64_t fnv(const char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/*
 * The compiled form of 'text' as a policy of 'type': made once, then found
 * by its hash and compared whole. NULL when it does not compile (a stored
 * policy was validated when written, so this is a damaged file).
 */
static struct policy *compiled(struct svc_policy_cache *c, enum pol_type type, const char *text,
			       size_t len)
{
	struct cached_policy *head, *x;
	char key[40];

	snprintf(key, sizeof(key), "%d:%016llx", (int)type,
		 (unsigned long long)hmap_hash_bytes(text, len));
	head = hmap_get(&c->by_text, key);
	for (x = head; x; x = x->next)
		if (x->len == len && !memcmp(x->text, text, len))
			return x->p;
	if (c->n >= LIMIT_FRONT_POLICIES) {
		hmap_release_values(&c->by_text, cached_free);
		hmap_init(&c->by_text);
		c->n = 0;
		head = NULL;
	}
	x = xcalloc(1, sizeof(*x));
	str_lcpy(x->key, key, sizeof(x->key));
	x->text = xmalloc(len + 1);
	memcpy(x->text, text, len);
	x->text[len] = '\0';
	x->len = len;
	if (policy_compile(text, len, type, &x->p, NULL) < 0)
		x->p = NULL;
	x->next = head;
	hmap_put(&c->by_text, x->key, x);
	c->n++;
	return x->p;
}

/* --- the request context --- */

struct context {
	struct pol_key keys[FRONT_CONTEXT_MAX];
	const char *vals[FRONT_CONTEXT_MAX];
	size_t lens[FRONT_CONTEXT_MAX];
	size_t n;
	char room[FRONT_CONTEXT_BYTES];
	size_t used;
};

static void add_key(struct context *x, const char *name, const char *value)
{
	size_t len = strlen(value);

	if (x->n == FRONT_CONTEXT_MAX || x->used + len + 1 > sizeof(x->room))
		return;
	memcpy(x->room + x->used, value, len + 1);
	x->vals[x->n] = x->room + x->used;
	x->lens[x->n] = len;
	x->keys[x->n] = (struct pol_key){ .name = name, .name_len = strlen(name),
					  .values = &x->vals[x->n], .value_lens = &x->lens[x->n],
					  .n = 1 };
	x->used += len + 1;
	x->n++;
}

/* What AWS supplies with every request: who, from where, over what, when. */
static void base_context(struct context *x, const struct svc_caller *who, bool anonymous,
			 const struct svc_origin *o, bool secure, int64_t now_ms)
{
	char ip[IP4_STRLEN], t[32], epoch[24];
	time_t secs = (time_t)(now_ms / 1000);
	struct tm tm;

	if (o->vpce_id[0]) {
		add_key(x, "aws:SourceVpce", o->vpce_id);
		add_key(x, "aws:SourceVpc", o->vpc_id);
		add_key(x, "aws:VpcSourceIp", ip4_fmt(o->source_ip, ip));
	} else {
		add_key(x, "aws:SourceIp", ip4_fmt(o->source_ip, ip));
	}
	add_key(x, "aws:SecureTransport", secure ? "true" : "false");
	gmtime_r(&secs, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm);
	add_key(x, "aws:CurrentTime", t);
	snprintf(epoch, sizeof(epoch), "%lld", (long long)secs);
	add_key(x, "aws:EpochTime", epoch);
	if (anonymous)
		return;
	add_key(x, "aws:PrincipalArn", who->arn);
	add_key(x, "aws:PrincipalAccount", who->account);
	add_key(x, "aws:PrincipalType", who->type ? who->type : "User");
	add_key(x, "aws:userid", who->user_id);
	if (who->org_id[0])
		add_key(x, "aws:PrincipalOrgID", who->org_id);
}

/* --- decisions --- */

void svc_denial_reason(const struct pol_result *r, const char *action, char *out, size_t size)
{
	static const char *const noun[POL_LAYERS] = {
		[POL_LAYER_IDENTITY] = "identity-based policy",
		[POL_LAYER_RESOURCE] = "resource-based policy",
		[POL_LAYER_ENDPOINT] = "VPC endpoint policy",
		[POL_LAYER_SCP] = "service control policy",
		[POL_LAYER_BOUNDARY] = "permissions boundary",
	};
	/* The order in which the engine lists the layers that failed. */
	static const enum pol_layer order[] = { POL_LAYER_SCP, POL_LAYER_ENDPOINT, POL_LAYER_IDENTITY,
						POL_LAYER_BOUNDARY, POL_LAYER_RESOURCE };

	if (r->decision == POL_EXPLICIT_DENY) {
		unsigned layer = r->n_matched ? r->matched[0].layer : POL_LAYER_IDENTITY;
		const char *n = layer < POL_LAYERS ? noun[layer] : "policy";

		snprintf(out, size, "with an explicit deny in a%s %s",
			 strchr("aeiou", n[0]) ? "n" : "", n);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		if (r->missing & (1u << order[i])) {
			snprintf(out, size, "because no %s allows the %s action", noun[order[i]],
				 action);
			return;
		}
	}
	snprintf(out, size, "because no identity-based policy allows the %s action", action);
}

/* One decision's inputs. */
struct ask {
	struct svc_front *f;
	const struct svc_caller *who;
	bool anonymous;
	const struct svc_origin *origin;
	const struct vpce *endpoint;	/* the endpoint it came through; NULL */
	const char *resource_account;	/* NULL: the caller's */
	struct str resource_policy;	/* empty: none */
	const struct pol_key *extra;	/* the service's own context keys */
	size_t n_extra;
	bool secure;
	int64_t now_ms;
};

/*
 * Decides 'action' on 'resource' for 'a'. Returns 0 with 'out' filled
 * (its matches live in 'scratch'), or -EIO when a stored policy does not
 * compile.
 */
static int decide(struct ask *a, const char *action, const char *resource, struct arena *scratch,
		  struct pol_result *out)
{
	const struct policy *ident[FRONT_POLICIES_MAX], *res[1], *ep[1];
	struct pol_set set = { 0 };
	struct context x = { .n = 0 };
	struct pol_key keys[FRONT_CONTEXT_MAX + S3_CONTEXT_MAX];
	struct pol_request req = { .principal = a->anonymous ? "anonymous" : a->who->arn,
				   .action = action, .resource = resource,
				   .resource_account = a->resource_account };
	size_t n = 0;

	if (!a->anonymous && a->who->unrestricted) {
		ident[n++] = a->f->allow_all;
	} else if (!a->anonymous) {
		for (size_t i = 0; i < a->who->n_policies && n < ARRAY_SIZE(ident); i++) {
			const char *t = a->who->policies[i];

			if (!(ident[n++] = compiled(&a->f->cache, POL_TYPE_IDENTITY, t, strlen(t))))
				return -EIO;
		}
	}
	set.p[POL_LAYER_IDENTITY] = ident;
	set.n[POL_LAYER_IDENTITY] = n;
	if (a->resource_policy.len) {
		if (!(res[0] = compiled(&a->f->cache, POL_TYPE_RESOURCE, a->resource_policy.p,
					a->resource_policy.len)))
			return -EIO;
		set.p[POL_LAYER_RESOURCE] = res;
		set.n[POL_LAYER_RESOURCE] = 1;
	}
	if (a->endpoint) {
		enum pol_type t = a->endpoint->type == VPCE_GATEWAY ? POL_TYPE_GATEWAY_ENDPOINT :
								      POL_TYPE_ENDPOINT;

		if (!(ep[0] = compiled(&a->f->cache, t, a->endpoint->policy,
				       strlen(a->endpoint->policy))))
			return -EIO;
		set.p[POL_LAYER_ENDPOINT] = ep;
		set.n[POL_LAYER_ENDPOINT] = 1;
	}
	base_context(&x, a->who, a->anonymous, a->origin, a->secure, a->now_ms);
	memcpy(keys, x.keys, x.n * sizeof(*keys));
	for (size_t i = 0; i < a->n_extra && i < S3_CONTEXT_MAX; i++)
		keys[x.n + i] = a->extra[i];
	req.context = keys;
	req.n_context = x.n + MIN(a->n_extra, (size_t)S3_CONTEXT_MAX);
	return policy_decide(&set, &req, scratch, out) < 0 ? -EIO : 0;
}

/* --- backends --- */

/* The header lines a backend learns the origin from. */
static void origin_headers(const struct svc_origin *o, char *out, size_t size)
{
	char ip[IP4_STRLEN];
	int n = snprintf(out, size, "X-Forwarded-For: %s\r\n", ip4_fmt(o->source_ip, ip));

	if (o->vpce_id[0] && n > 0 && (size_t)n < size)
		snprintf(out + n, size - (size_t)n, "x-amzn-vpce-id: %s\r\n", o->vpce_id);
}

/* Hands an allowed request to 'b' (the front's forward callback answers it). */
static void forward(struct svc_front *f, const struct svc_backend *b, const struct http_request *req,
		    const struct svc_origin *o, enum svc_form form, enum svc_proto proto,
		    const char *request_id, struct http_response *resp)
{
	char extra[160];
	struct svc_forward fw = { .backend = b, .svc = b->svc, .region = b->region, .form = form,
				  .proto = proto };

	origin_headers(o, extra, sizeof(extra));
	fw.extra_headers = str_c(extra);
	str_lcpy(fw.request_id, request_id, sizeof(fw.request_id));
	f->forward(f->forward_arg, &fw, req, resp);
}

void svc_forward_failed(const struct svc_forward *fw, int err, struct http_response *resp)
{
	char name[SERVICE_NAME_SIZE], ip[IP4_STRLEN], msg[SERVICE_NAME_SIZE + 160];
	int status = err == -ETIMEDOUT ? 504 : err == -EBUSY ? 503 : 502;

	catalog_full_name(fw->svc, fw->region, name);
	if (err == -EBUSY)
		snprintf(msg, sizeof(msg), "vpce: %d requests already wait for their backends; "
			 "try again", LIMIT_HTTP_DEFERRED);
	else
		snprintf(msg, sizeof(msg), "vpce: the backend of %s at %s:%u did not answer: %s",
			 name, ip4_fmt(fw->backend->ip, ip), fw->backend->port, strerror(-err));
	switch (fw->form) {
	case SVC_FORM_S3:
		if (err == -EBUSY)	/* S3's own words for it */
			s3_error(resp, NULL, status, "SlowDown", "Please reduce your request rate.",
				 fw->request_id);
		else
			s3_error(resp, NULL, status, "ServiceUnavailable", msg, fw->request_id);
		break;
	case SVC_FORM_DYNAMODB:
		ddb_error(resp, status, "ServiceUnavailable", msg, fw->request_id);
		break;
	default:
		svc_proto_error(resp, fw->svc, fw->proto, SVC_FAIL_BACKEND, status, msg,
				fw->request_id);
		break;
	}
}

/* --- S3 --- */

struct s3_front {
	struct ask ask;
	struct s3_call *call;
	struct http_response *resp;
	const char *request_id;
	bool denied;			/* a per-key decision was a denial */
};

/*
 * S3's words for a denial: the full sentence for a caller of the bucket's
 * own account, "Access Denied" for anyone else, as S3 says it since 2024.
 */
static void s3_deny(struct s3_front *s, const struct pol_result *r, const char *action,
		    const char *resource)
{
	char reason[160], msg[SVC_ARN_SIZE + S3_RESOURCE_SIZE + 256];
	const char *owner = s->ask.resource_account;

	if (s->ask.anonymous || (owner && strcmp(owner, s->ask.who->account))) {
		s3_error(s->resp, s->call, 403, "AccessDenied", "Access Denied", s->request_id);
		return;
	}
	svc_denial_reason(r, action, reason, sizeof(reason));
	snprintf(msg, sizeof(msg), "User: %s is not authorized to perform: %s on resource: \"%s\" %s",
		 s->ask.who->arn, action, resource, reason);
	s3_error(s->resp, s->call, 403, "AccessDenied", msg, s->request_id);
}

/* The decision on one action; false (with the answer written) when it is not Allow. */
static bool s3_allowed(struct s3_front *s, const char *action, const char *resource, bool answer)
{
	struct arena scratch;
	struct pol_result r;
	bool ok;

	arena_init(&scratch, 1 << 20);
	if (decide(&s->ask, action, resource, &scratch, &r) < 0) {
		if (answer)
			s3_error(s->resp, s->call, 500, "InternalError",
				 "We encountered an internal error. Please try again.", s->request_id);
		arena_release(&scratch);
		return false;
	}
	ok = r.decision == POL_ALLOW;
	if (!ok && answer)
		s3_deny(s, &r, action, resource);
	arena_release(&scratch);
	return ok;
}

/* DeleteObjects: each key decided on its own. */
static bool s3_each(void *arg, const char *action, const char *resource)
{
	return s3_allowed(arg, action, resource, false);
}

/* S3's answer when the signature is not good. */
static void s3_auth_error(struct http_response *resp, const struct s3_call *c, enum svc_auth a,
			  const struct svc_caller *who, const char *request_id)
{
	switch (a) {
	case SVC_AUTH_UNKNOWN_KEY:
		s3_error(resp, c, 403, "InvalidAccessKeyId",
			 "The AWS Access Key Id you provided does not exist in our records.",
			 request_id);
		break;
	case SVC_AUTH_SKEWED:
		s3_error(resp, c, 403, "RequestTimeTooSkewed",
			 "The difference between the request time and the current time is too large.",
			 request_id);
		break;
	case SVC_AUTH_EXPIRED:
		s3_error(resp, c, 403, "AccessDenied", "Request has expired", request_id);
		break;
	case SVC_AUTH_MALFORMED:
		s3_error(resp, c, 400, "AuthorizationHeaderMalformed",
			 who->detail[0] ? who->detail : "The authorization header is malformed.",
			 request_id);
		break;
	case SVC_AUTH_BAD_TOKEN:
		s3_error(resp, c, 400, "InvalidToken", "The provided token is malformed or otherwise invalid.",
			 request_id);
		break;
	case SVC_AUTH_EXPIRED_TOKEN:
		s3_error(resp, c, 400, "ExpiredToken", "The provided token has expired.", request_id);
		break;
	default:
		s3_error(resp, c, 403, "SignatureDoesNotMatch",
			 "The request signature we calculated does not match the signature you "
			 "provided. Check your key and signing method.", request_id);
		break;
	}
}

/*
 * DeleteObjects for a backend: every key is decided here, and the request
 * goes on only when all are allowed (the backend deletes them all).
 */
static bool s3_all_allowed(struct s3_front *s, const struct http_request *req)
{
	struct err e;
	int ret = s3_delete_allowed(req->body, s->call->bucket, s3_each, s, &e);

	if (ret < 0)
		s3_error_err(s->resp, s->call, &e, s->request_id);
	else if (ret == 0)
		s3_error(s->resp, s->call, 403, "AccessDenied", "Access Denied", s->request_id);
	return ret > 0;
}

static void s3_front(struct svc_front *f, const struct http_request *req, const struct region *rg,
		     const struct svc_backend *backend, struct s3_front *s)
{
	struct http_response *resp = s->resp;
	char owner[ACCOUNT_SIZE] = "", bucket_region[S3_REGION_SIZE] = "";
	struct buf policy;
	struct err e;

	if (s3_classify(req, s->call, &e) < 0) {
		s3_error_err(resp, NULL, &e, s->request_id);
		return;
	}
	if (!s->ask.anonymous && strcmp(s->ask.who->region, rg->name) &&
	    !(s->call->op == S3_LIST_BUCKETS || s->call->op == S3_CREATE_BUCKET)) {
		char msg[160];

		snprintf(msg, sizeof(msg), "The authorization header is malformed; the region '%s' "
			 "is wrong; expecting '%s'", s->ask.who->region, rg->name);
		s3_error(resp, s->call, 400, "AuthorizationHeaderMalformed", msg, s->request_id);
		return;
	}
	buf_init(&policy, LIMIT_S3_POLICY_BYTES + 1);
	if (s->call->bucket[0] &&
	    s3_bucket_owner(f->kv, s->call->bucket, owner, bucket_region) == 0) {
		s->ask.resource_account = owner;
		if (s3_bucket_policy(f->kv, s->call->bucket, &policy) == 0)
			s->ask.resource_policy = buf_str(&policy);
	}
	s->ask.extra = s->call->context;
	s->ask.n_extra = s->call->n_context;
	s->call->verify_sig = s->ask.who->verify_sig;
	s->call->verify_sig_arg = s->ask.who->verify_sig_arg;
	if (s->call->authorize_each && !backend) {
		s->call->authorize = s3_each;
		s->call->authorize_arg = s;
	} else if (s->call->authorize_each ? !s3_all_allowed(s, req) :
					     !s3_allowed(s, s->call->action, s->call->resource, true)) {
		buf_release(&policy);
		return;
	}
	if (backend)
		forward(f, backend, req, s->ask.origin, SVC_FORM_S3, SVC_PROTO_QUERY, s->request_id,
			resp);
	else
		s3_handle(f->kv, s->call, req, s->ask.anonymous ? "" : s->ask.who->account,
			  rg->name, s->ask.now_ms, s->request_id, resp);
	buf_release(&policy);
}

/* --- DynamoDB --- */

static void ddb_auth_error(struct http_response *resp, enum svc_auth a, const struct svc_caller *who,
			   const char *request_id)
{
	switch (a) {
	case SVC_AUTH_ANONYMOUS:
		ddb_error(resp, 400, "MissingAuthenticationTokenException",
			  "Request is missing Authentication Token", request_id);
		break;
	case SVC_AUTH_UNKNOWN_KEY:
	case SVC_AUTH_BAD_TOKEN:
		ddb_error(resp, 400, "UnrecognizedClientException",
			  "The security token included in the request is invalid.", request_id);
		break;
	case SVC_AUTH_EXPIRED_TOKEN:
		ddb_error(resp, 400, "ExpiredTokenException",
			  "The security token included in the request is expired", request_id);
		break;
	case SVC_AUTH_SKEWED:
	case SVC_AUTH_EXPIRED:
		ddb_error(resp, 400, "InvalidSignatureException", "Signature expired", request_id);
		break;
	case SVC_AUTH_MALFORMED:
		ddb_error(resp, 400, "IncompleteSignatureException",
			  who->detail[0] ? who->detail : "The request signature is malformed.",
			  request_id);
		break;
	default:
		ddb_error(resp, 400, "InvalidSignatureException",
			  "The request signature we calculated does not match the signature you "
			  "provided. Check your AWS Secret Access Key and signing method. Consult "
			  "the service documentation for details.", request_id);
		break;
	}
}

static void ddb_front(struct svc_front *f, const struct http_request *req, const struct region *rg,
		      const struct svc_backend *backend, struct ask *ask, const char *request_id,
		      struct http_response *resp)
{
	const struct str *target = http_header_get(req, "X-Amz-Target");
	char reason[160], msg[2048];
	struct ddb_call call = { .op = "" };
	struct arena scratch;
	struct pol_result r;
	struct err e;
	int ret;

	if (strcmp(ask->who->region, rg->name)) {
		ddb_error(resp, 400, "InvalidSignatureException",
			  "Credential should be scoped to a valid region. ", request_id);
		return;
	}
	if (ddb_classify(target ? *target : STR_EMPTY, req->body, rg->name, ask->who->account, &call,
			 &e) < 0) {
		if (call.op[0])
			ddb_handle(f->kv, &call, req->body, rg->name, ask->who->account,
				   ask->now_ms / 1000, request_id, resp);
		else
			ddb_error(resp, 400, e.code, e.msg, request_id);
		return;
	}
	arena_init(&scratch, 1 << 20);
	ret = decide(ask, call.action, call.resource, &scratch, &r);
	if (ret < 0) {
		ddb_error(resp, 500, "InternalServerError", "Internal server error", request_id);
	} else if (r.decision != POL_ALLOW) {
		svc_denial_reason(&r, call.action, reason, sizeof(reason));
		snprintf(msg, sizeof(msg), "User: %s is not authorized to perform: %s on resource: %s %s",
			 ask->who->arn, call.action, call.resource, reason);
		ddb_error(resp, 400, "AccessDeniedException", msg, request_id);
	} else if (backend) {
		forward(f, backend, req, ask->origin, SVC_FORM_DYNAMODB, SVC_PROTO_JSON, request_id,
			resp);
	} else {
		ddb_handle(f->kv, &call, req->body, rg->name, ask->who->account, ask->now_ms / 1000,
			   request_id, resp);
	}
	arena_release(&scratch);
}

/* --- services with a backend only --- */

static enum svc_fail auth_fail(enum svc_auth a)
{
	switch (a) {
	case SVC_AUTH_ANONYMOUS:
		return SVC_FAIL_NO_AUTH;
	case SVC_AUTH_UNKNOWN_KEY:
	case SVC_AUTH_BAD_TOKEN:
		return SVC_FAIL_UNKNOWN_KEY;
	case SVC_AUTH_EXPIRED_TOKEN:
		return SVC_FAIL_EXPIRED_TOKEN;
	case SVC_AUTH_MALFORMED:
		return SVC_FAIL_MALFORMED;
	default:
		return SVC_FAIL_SIGNATURE;
	}
}

static const char *auth_words(enum svc_auth a, const struct svc_caller *who)
{
	switch (a) {
	case SVC_AUTH_ANONYMOUS:
		return "Request is missing Authentication Token";
	case SVC_AUTH_UNKNOWN_KEY:
	case SVC_AUTH_BAD_TOKEN:
		return "The security token included in the request is invalid.";
	case SVC_AUTH_EXPIRED_TOKEN:
		return "The security token included in the request is expired";
	case SVC_AUTH_SKEWED:
	case SVC_AUTH_EXPIRED:
		return "Signature expired";
	case SVC_AUTH_MALFORMED:
		return who->detail[0] ? who->detail : "The request signature is malformed.";
	default:
		return "The request signature we calculated does not match the signature you "
		       "provided. Check your AWS Secret Access Key and signing method. Consult "
		       "the service documentation for details.";
	}
}

/*
 * A service that vpce does not run: authenticated, read (svc/proto.h) and
 * decided here on the caller's identity policies and the endpoint's
 * policy, then handed to 'b'. What cannot be read is denied.
 */
static void proto_front(struct svc_front *f, const struct http_request *req,
			const struct service *svc, const struct region *rg,
			const struct svc_backend *b, enum svc_auth a, struct ask *ask,
			const char *request_id, struct http_response *resp)
{
	enum svc_proto proto = svc_proto_of(req);
	char words[SVC_ACTION_SIZE], reason[160];
	char msg[2048];
	struct svc_call call;
	struct arena scratch;
	struct pol_result r;
	struct err e;

	if (a != SVC_AUTH_OK) {
		svc_proto_error(resp, svc, proto, auth_fail(a), 0, auth_words(a, ask->who),
				request_id);
		return;
	}
	if (strcmp(ask->who->service, catalog_signing_name(svc))) {
		snprintf(msg, sizeof(msg), "Credential should be scoped to correct service: '%s'. ",
			 catalog_signing_name(svc));
		svc_proto_error(resp, svc, proto, SVC_FAIL_SIGNATURE, 0, msg, request_id);
		return;
	}
	if (strcmp(ask->who->region, rg->name)) {
		svc_proto_error(resp, svc, proto, SVC_FAIL_SIGNATURE, 0,
				"Credential should be scoped to a valid region. ", request_id);
		return;
	}
	if (svc_classify(svc, rg->name, ask->who->account, req, &call, &e) < 0) {
		snprintf(msg, sizeof(msg), "%s; vpce denies what it cannot classify", e.msg);
		svc_proto_error(resp, svc, proto, SVC_FAIL_DENIED, 0, msg, request_id);
		return;
	}
	/*
	 * The resource's own policy (a queue's) is the backend's, as is the
	 * resource: vpce decides as if it were the caller's, on the identity
	 * and endpoint policies, and the backend decides the rest.
	 */
	ask->resource_account = ask->who->account;
	arena_init(&scratch, 1 << 20);
	if (decide(ask, call.action, call.resource, &scratch, &r) < 0) {
		svc_proto_error(resp, svc, proto, SVC_FAIL_INTERNAL, 0, "internal error", request_id);
	} else if (r.decision != POL_ALLOW) {
		svc_action_words(svc, call.action, words, sizeof(words));
		svc_denial_reason(&r, words, reason, sizeof(reason));
		snprintf(msg, sizeof(msg), "User: %s is not authorized to perform: %s on resource: %s %s",
			 ask->who->arn, words, call.resource, reason);
		svc_proto_error(resp, svc, proto, SVC_FAIL_DENIED, 0, msg, request_id);
	} else {
		forward(f, b, req, ask->origin, SVC_FORM_PROTO, proto, request_id, resp);
	}
	arena_release(&scratch);
}

/* A service with neither an engine nor a backend. */
static void no_backend(struct svc_front *f, const struct http_request *req,
		       const struct service *svc, const struct region *rg, const char *request_id,
		       struct http_response *resp)
{
	char name[SERVICE_NAME_SIZE], msg[3 * SERVICE_NAME_SIZE + 160];

	if (!http_header_get(req, "Authorization") &&
	    str_form_get(req->query, "X-Amz-Signature", msg, sizeof(msg)) <= 0) {
		responder_answer(&f->responder, req, resp);
		return;
	}
	catalog_full_name(svc, rg, name);
	snprintf(msg, sizeof(msg), "vpce does not run %s itself and has no backend for it: start "
		 "vpced with --service-backend %s=HOST:PORT (moto_server, LocalStack)", name, name);
	svc_proto_error(resp, svc, svc_proto_of(req), SVC_FAIL_NO_BACKEND, 0, msg, request_id);
}

/* --- the handler --- */

/* DynamoDB's request IDs: 52 upper-case letters and digits. */
static void ddb_request_id(struct svc_front *f, char *out, size_t size)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	uint64_t h = fnv((const char *)&f->requests, sizeof(f->requests)) ^ (uint64_t)f->clock_ms();
	size_t i;

	for (i = 0; i < 52 && i + 1 < size; i++) {
		h = h * 6364136223846793005ull + 1442695040888963407ull;
		out[i] = digits[(h >> 33) % 36];
	}
	out[i] = '\0';
}

static const struct vpce *endpoint_of(const struct world *w, const struct svc_origin *o)
{
	struct res *r = o->vpce_id[0] ? world_get(w, o->vpce_id, RES_VPCE) : NULL;

	return r ? AS_VPCE(r) : NULL;
}

/* The IDs of services other than S3 and DynamoDB: a UUID's form. */
static void uuid_request_id(struct svc_front *f, char *out, size_t size)
{
	uint64_t h = fnv((const char *)&f->requests, sizeof(f->requests)) ^ (uint64_t)f->clock_ms();
	uint64_t g = h * 6364136223846793005ull + 1442695040888963407ull;

	snprintf(out, size, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(h >> 32),
		 (unsigned)(h >> 16) & 0xffff, (unsigned)h & 0xfff,
		 0x8000 | ((unsigned)(g >> 48) & 0x3fff),
		 (unsigned long long)(g & 0xffffffffffffull));
}

void svc_front_answer(void *arg, const struct http_request *req, struct http_response *resp)
{
	struct svc_front *f = arg;
	const struct region *rg = NULL;
	const struct service *svc = svcnet_service_at(f->w, req->local_ip, &rg);
	const struct svc_backend *backend = svc ? svc_backends_find(f->backends, svc, rg) : NULL;
	struct svc_origin o = { .source_ip = req->peer_ip };
	struct svc_caller who = { .type = NULL };
	char request_id[64];
	enum svc_auth a;
	bool s3 = svc && !strcmp(svc->short_name, "s3");
	bool ddb = svc && !strcmp(svc->short_name, "dynamodb");

	if (!svc) {
		responder_answer(&f->responder, req, resp);
		return;
	}
	f->requests++;
	if (s3)
		snprintf(request_id, sizeof(request_id), "%016llX",
			 (unsigned long long)(fnv((const char *)&f->requests, sizeof(f->requests)) ^
					      (uint64_t)f->clock_ms()));
	else if (ddb)
		ddb_request_id(f, request_id, sizeof(request_id));
	else
		uuid_request_id(f, request_id, sizeof(request_id));
	if (!s3 && !ddb && (!backend || !f->forward)) {
		no_backend(f, req, svc, rg, request_id, resp);
		return;
	}
	if (!f->forward)
		backend = NULL;
	if (f->origin)
		f->origin(f->origin_arg, req, &o);
	a = f->auth(f->auth_arg, req, catalog_signing_name(svc), &who);
	struct ask ask = { .f = f, .who = &who, .anonymous = s3 && a == SVC_AUTH_ANONYMOUS,
			   .origin = &o, .endpoint = endpoint_of(f->w, &o), .secure = req->secure,
			   .now_ms = f->clock_ms() };

	if (!s3 && !ddb) {
		proto_front(f, req, svc, rg, backend, a, &ask, request_id, resp);
	} else if (ddb) {
		if (a != SVC_AUTH_OK)
			ddb_auth_error(resp, a, &who, request_id);
		else
			ddb_front(f, req, rg, backend, &ask, request_id, resp);
	} else {
		struct s3_call *call = xcalloc(1, sizeof(*call));
		struct s3_front s = { .ask = ask, .call = call, .resp = resp,
				      .request_id = request_id };

		if (a != SVC_AUTH_OK && a != SVC_AUTH_ANONYMOUS)
			s3_auth_error(resp, NULL, a, &who, request_id);
		else
			s3_front(f, req, rg, backend, &s);
		free(call);
	}
}

int svc_front_init(struct svc_front *f)
{
	hmap_init(&f->cache.by_text);
	f->cache.n = 0;
	if (policy_compile(allow_all_text, sizeof(allow_all_text) - 1, POL_TYPE_IDENTITY,
			   &f->allow_all, NULL) < 0)
		return -ENOMEM;
	return 0;
}

void svc_front_release(struct svc_front *f)
{
	hmap_release_values(&f->cache.by_text, cached_free);
	policy_free(f->allow_all);
	f->allow_all = NULL;
}
