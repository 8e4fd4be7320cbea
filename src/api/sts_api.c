/* SPDX-License-Identifier: MIT */
/*
 * STS's actions (API version 2011-06-15): GetCallerIdentity, and AssumeRole,
 * whose trust policy the policy engine decides for the caller with the
 * caller's identity policies, as AWS evaluates a role's trust.
 */
#include "compat.h"
#include "api/api.h"

#include "api/xml.h"
#include "limits.h"
#include "policy/policy.h"

#define VALIDATION "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "
/* What the root user's (and a file key's) identity policies amount to: everything. */
#define ALLOW_ALL "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"," \
		  "\"Action\":\"*\",\"Resource\":\"*\"}]}"
#define STS_CONTEXT_KEYS 16

static void result_open(struct call *c)
{
	resp_begin(c);
	xml_open(c->out, c->action[0] == 'G' ? "GetCallerIdentityResult" : "AssumeRoleResult");
}

static void result_close(struct call *c)
{
	xml_close(c->out, c->action[0] == 'G' ? "GetCallerIdentityResult" : "AssumeRoleResult");
	resp_end(c);
}

static int get_caller_identity(struct call *c)
{
	result_open(c);
	xml_text(c->out, "UserId", c->caller.user_id);
	xml_text(c->out, "Account", c->caller.account);
	xml_text(c->out, "Arn", c->caller.arn);
	result_close(c);
	return 0;
}

/* Parameters of AssumeRole that would change a session's rights, which vpce does not keep. */
static int refuse_unsupported(struct call *c)
{
	static const char *const keys[] = { "Policy", "PolicyArns.member.1", "Tags.member.1",
					    "TransitiveTagKeys.member.1", "SerialNumber",
					    "TokenCode", "SourceIdentity" };

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (param(c, keys[i]))
			return err_fail(&c->err, "ValidationError",
					"vpced does not support the AssumeRole parameter %.*s",
					(int)strcspn(keys[i], "."), keys[i]);
	return 0;
}

struct assume_req {
	const char *role_arn;
	const char *session;
	const char *external_id;	/* NULL: none */
	int duration_s;
};

static int read_request(struct call *c, struct assume_req *q)
{
	const char *d;
	uint64_t x = STS_DURATION_DEFAULT_S;
	size_t n;

	q->role_arn = param(c, "RoleArn");
	q->session = param(c, "RoleSessionName");
	q->external_id = param(c, "ExternalId");
	if (!q->role_arn || !q->session)
		return err_fail(&c->err, "ValidationError", "1 validation error detected: Value "
				"null at '%s' failed to satisfy constraint: Member must not be null",
				q->role_arn ? "roleSessionName" : "roleArn");
	n = strlen(q->session);
	if (n < 2 || n > LIMIT_STS_SESSION_NAME_CHARS)
		return err_fail(&c->err, "ValidationError", VALIDATION "Member must have length %s",
				q->session, "roleSessionName",
				n < 2 ? "greater than or equal to 2" : "less than or equal to 64");
	if (iam_check_name(q->session, "roleSessionName", LIMIT_STS_SESSION_NAME_CHARS,
			   &c->err) < 0)
		return -EINVAL;
	if (q->external_id && (strlen(q->external_id) < 2 ||
			       strlen(q->external_id) > LIMIT_STS_EXTERNAL_ID_CHARS))
		return err_fail(&c->err, "ValidationError", VALIDATION "Member must have length "
				"between 2 and %d", q->external_id, "externalId",
				LIMIT_STS_EXTERNAL_ID_CHARS);
	d = param(c, "DurationSeconds");
	if (d && (str_to_u64(str_c(d), UINT64_MAX, &x) < 0 || x < STS_DURATION_MIN_S ||
		  x > STS_DURATION_MAX_S))
		return err_fail(&c->err, "ValidationError", VALIDATION "Member must have value "
				"%s", d, "durationSeconds",
				x < STS_DURATION_MIN_S ? "greater than or equal to 900" :
							 "less than or equal to 43200");
	q->duration_s = (int)x;
	return refuse_unsupported(c);
}

/* The context keys AWS sets for an AssumeRole by this caller. */
static size_t context(struct call *c, const struct assume_req *q, struct pol_key *keys,
		      const char **vals, char (*scratch)[32])
{
	const struct iam_caller *who = &c->caller;
	size_t n = 0;

#define KEY(name_, value_)                                                   \
	do {                                                                 \
		vals[n] = (value_);                                          \
		keys[n] = (struct pol_key){ .name = (name_), .values = &vals[n], .n = 1 }; \
		n++;                                                         \
	} while (0)
	KEY("aws:PrincipalArn", who->arn);
	KEY("aws:PrincipalAccount", who->account);
	KEY("aws:PrincipalType", iam_principal_type_name(who->type));
	KEY("aws:userid", who->user_id);
	if (who->user)
		KEY("aws:username", who->user->p.name);
	if (who->org_id[0])
		KEY("aws:PrincipalOrgID", who->org_id);
	KEY("sts:RoleSessionName", q->session);
	if (q->external_id)
		KEY("sts:ExternalId", q->external_id);
	fmt_time_s(c->cx.now_ms, scratch[0]);
	KEY("aws:CurrentTime", scratch[0]);
	snprintf(scratch[1], 32, "%lld", (long long)(c->cx.now_ms / 1000));
	KEY("aws:EpochTime", scratch[1]);
	KEY("aws:SecureTransport", "false");
	KEY("aws:RequestedRegion", c->cx.region->name);
#undef KEY
	return n;
}

/*
 * Compiles the caller's identity policies into 'out' (room for
 * IAM_CALLER_POLICIES); a file key's stand for allowing everything.
 */
static size_t identity_policies(const struct iam_caller *who, struct policy **out)
{
	size_t n = 0;

	if (who->unrestricted)
		return policy_compile(ALLOW_ALL, strlen(ALLOW_ALL), POL_TYPE_IDENTITY, &out[0],
				      NULL) == 0;
	for (size_t i = 0; i < who->n_policies; i++)
		if (policy_compile(who->policies[i], strlen(who->policies[i]), POL_TYPE_IDENTITY,
				   &out[n], NULL) == 0)
			n++;
	return n;
}

/*
 * Whether the trust policy of 'role' and the caller's policies let it assume
 * 'role'. Unlike other resource policies, a trust policy must allow the
 * caller itself: identity policies alone never grant AssumeRole, even in
 * the role's account (IAM User Guide, "Cross account resource access": a
 * role's trust policy and the caller's identity policy both decide).
 */
static bool trusted(struct call *c, const struct iam_role *role, const char *role_arn,
		    const struct assume_req *q)
{
	struct policy *ident[IAM_CALLER_POLICIES], *trust = NULL;
	struct pol_key keys[STS_CONTEXT_KEYS];
	const char *vals[STS_CONTEXT_KEYS];
	char scratch[2][32];
	struct pol_request req = { .principal = c->caller.arn, .action = "sts:AssumeRole",
				   .resource = role_arn, .resource_account = role->res.owner };
	struct pol_set set = { 0 };
	struct pol_result res = { .decision = POL_IMPLICIT_DENY };
	struct arena scratch_arena;
	size_t n_ident = identity_policies(&c->caller, ident);
	bool trust_allows = false;

	req.context = keys;
	req.n_context = context(c, q, keys, vals, scratch);
	arena_init(&scratch_arena, LIMIT_POLICY_SCRATCH_BYTES);
	if (policy_compile(role->trust, strlen(role->trust), POL_TYPE_TRUST, &trust, NULL) == 0) {
		const struct policy *const *pi = (const struct policy *const *)ident;
		const struct policy *pt = trust;

		set.p[POL_LAYER_IDENTITY] = pi;
		set.n[POL_LAYER_IDENTITY] = n_ident;
		set.p[POL_LAYER_RESOURCE] = &pt;
		set.n[POL_LAYER_RESOURCE] = 1;
		if (policy_decide(&set, &req, &scratch_arena, &res) < 0)
			res.decision = POL_IMPLICIT_DENY;
		for (size_t i = 0; i < res.n_matched; i++)
			trust_allows |= res.matched[i].layer == POL_LAYER_RESOURCE;
	}
	arena_release(&scratch_arena);
	policy_free(trust);
	for (size_t i = 0; i < n_ident; i++)
		policy_free(ident[i]);
	return res.decision == POL_ALLOW && trust_allows;
}

static int assume_role(struct call *c)
{
	char account[ACCOUNT_SIZE], path[LIMIT_IAM_PATH_CHARS + 1], name[IAM_NAME_SIZE];
	char arn[IAM_ARN_SIZE], t[32];
	struct assume_req q = { 0 };
	struct sts_session *s;
	struct res *r;
	int ret;

	if ((ret = read_request(c, &q)) < 0)
		return ret;
	if (!iam_arn_split(q.role_arn, "role", account, path, name))
		return err_fail(&c->err, "ValidationError", "Request ARN is invalid");
	r = world_get_named(c->w, RES_IAM_ROLE, account, name);
	if (r)
		iam_arn(r, arn);
	/* A role that is not there is refused like one that does not trust the caller. */
	if (!r || strcmp(arn, q.role_arn) || !trusted(c, AS_IAM_ROLE(r), arn, &q))
		return err_fail(&c->err, "AccessDenied", "User: %s is not authorized to perform: "
				"sts:AssumeRole on resource: %s", c->caller.arn, q.role_arn);
	if (q.duration_s > AS_IAM_ROLE(r)->max_session_s)
		return err_fail(&c->err, "ValidationError", "The requested DurationSeconds exceeds "
				"the MaxSessionDuration set for this role.");
	ret = sts_session_create(c->w, &c->cx, AS_IAM_ROLE(r), q.session, q.duration_s, &s,
				 &c->err);
	if (ret < 0)
		return ret;
	result_open(c);
	xml_open(c->out, "AssumedRoleUser");
	snprintf(arn, sizeof(arn), "%s:%s", r->id, s->name);
	xml_text(c->out, "AssumedRoleId", arn);
	sts_session_arn(s, AS_IAM_ROLE(r), arn);
	xml_text(c->out, "Arn", arn);
	xml_close(c->out, "AssumedRoleUser");
	xml_open(c->out, "Credentials");
	xml_text(c->out, "AccessKeyId", s->res.id);
	xml_text(c->out, "SecretAccessKey", s->secret);
	xml_text(c->out, "SessionToken", s->token);
	fmt_time_s(s->expires_ms, t);
	xml_text(c->out, "Expiration", t);
	xml_close(c->out, "Credentials");
	result_close(c);
	return 0;
}

const struct api_action sts_actions[] = {
	{ "GetCallerIdentity", get_caller_identity, false, false },
	{ "AssumeRole", assume_role, true, false },
	{ NULL, NULL, false, false },
};
