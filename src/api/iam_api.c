/* SPDX-License-Identifier: MIT */
/*
 * IAM's actions (API version 2010-05-08, Query protocol): users and their
 * access keys, roles, inline and customer managed policies. Every document
 * is checked by the policy engine before anything changes; IAM returns
 * documents percent-encoded, and the SDKs decode them.
 */
#include "compat.h"
#include "api/api.h"

#include "api/xml.h"
#include "limits.h"
#include "policy/policy.h"

#define VALIDATION "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "

/* Starts <ActionResponse><ActionResult>. */
static void result_begin(struct call *c)
{
	char tag[96];

	resp_begin(c);
	snprintf(tag, sizeof(tag), "%sResult", c->action);
	xml_open(c->out, tag);
}

static void result_end(struct call *c)
{
	char tag[96];

	snprintf(tag, sizeof(tag), "%sResult", c->action);
	xml_close(c->out, tag);
	resp_end(c);
}

/* The answer of actions that return nothing but their request ID. */
static int respond_empty(struct call *c)
{
	resp_begin(c);
	resp_end(c);
	return 0;
}

static int respond_entity(struct call *c, const struct res *r);

/* A required parameter: IAM's ValidationError names its member when absent. */
static int need(struct call *c, const char *key, const char *member, const char **out)
{
	*out = param(c, key);
	if (!*out)
		return err_fail(&c->err, "ValidationError", "1 validation error detected: Value "
				"null at '%s' failed to satisfy constraint: Member must not be null",
				member);
	return 0;
}

static int need_name(struct call *c, const char *key, const char *member, size_t max,
		     const char **out)
{
	int ret = need(c, key, member, out);

	return ret < 0 ? ret : iam_check_name(*out, member, max, &c->err);
}

/* An optional Path, checked; NULL when absent. */
static int opt_path(struct call *c, bool policy, const char **out)
{
	*out = param(c, "Path");
	return *out ? iam_check_path(*out, "path", policy, &c->err) : 0;
}

/* [\u0009\u000A\u000D\u0020-\u00FF]: IAM takes Latin-1 text only, as UTF-8. */
static bool doc_chars_ok(const char *doc)
{
	const unsigned char *p = (const unsigned char *)doc;

	for (; *p; p++) {
		if (*p == '\t' || *p == '\n' || *p == '\r' || (*p >= 0x20 && *p < 0x80))
			continue;
		if ((*p == 0xc2 || *p == 0xc3) && (p[1] & 0xc0) == 0x80) {
			p++;
			continue;
		}
		return false;
	}
	return true;
}

/*
 * A policy document parameter: IAM's length and character rules, then the
 * policy engine's validation as 'type'. Problems are MalformedPolicyDocument,
 * with IAM's own message where it has a fixed one.
 */
static int need_doc(struct call *c, const char *key, const char *member, enum pol_type type,
		    const char **out)
{
	struct pol_problems probs = { 0 };
	struct policy *p = NULL;
	int ret = need(c, key, member, out);

	if (ret < 0)
		return ret;
	if (!**out || strlen(*out) > LIMIT_IAM_DOC_CHARS)
		return err_fail(&c->err, "ValidationError", "1 validation error detected: Value at "
				"'%s' failed to satisfy constraint: Member must have length %s",
				member, **out ? "less than or equal to 131072" :
						"greater than or equal to 1");
	if (!doc_chars_ok(*out))
		return err_fail(&c->err, "ValidationError", "1 validation error detected: Value at "
				"'%s' failed to satisfy constraint: Member must satisfy regular "
				"expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+", member);
	ret = policy_compile(*out, strlen(*out), type, &p, &probs);
	policy_free(p);
	if (ret < 0 && probs.n && probs.v[0].aws)
		err_fail(&c->err, "MalformedPolicyDocument", "%s", probs.v[0].aws);
	else if (ret < 0 && probs.n)
		err_fail(&c->err, "MalformedPolicyDocument", "%s: %s", probs.v[0].path,
			 probs.v[0].msg);
	else if (ret < 0)
		err_fail(&c->err, "MalformedPolicyDocument", "Syntax errors in policy.");
	pol_problems_release(&probs);
	return ret < 0 ? -EINVAL : 0;
}

static int opt_description(struct call *c, const char **out)
{
	*out = param(c, "Description");
	if (*out && strlen(*out) > LIMIT_IAM_DESCRIPTION_CHARS)
		return err_fail(&c->err, "ValidationError", VALIDATION
				"Member must have length less than or equal to %d", *out,
				"description", LIMIT_IAM_DESCRIPTION_CHARS);
	return 0;
}

static void text_time(struct call *c, const char *tag, int64_t ms)
{
	char t[32];

	fmt_time_s(ms, t);
	xml_text(c->out, tag, t);
}

static void arn_text(struct call *c, const char *tag, const struct res *r)
{
	char arn[IAM_ARN_SIZE];

	iam_arn(r, arn);
	xml_text(c->out, tag, arn);
}

/* --- pagination: Marker and MaxItems over a list the handler gathered --- */
struct page {
	size_t start, end;
	bool truncated;
};

typedef const char *page_key_fn(const void *items, size_t i);

/*
 * The page of 'n' items that MaxItems (1 to 1000, 100 by default) and Marker
 * (the key of the page's first item, as the previous page gave it) ask for.
 */
static int page_of(struct call *c, const void *items, size_t n, page_key_fn *key,
		   struct page *pg)
{
	const char *marker = param(c, "Marker"), *max_s = param(c, "MaxItems");
	uint64_t max = 100;

	if (max_s && (str_to_u64(str_c(max_s), UINT64_MAX, &max) < 0 || max < 1 ||
		      max > LIMIT_IAM_LIST_ITEMS))
		return err_fail(&c->err, "ValidationError", VALIDATION
				"Member must have value between 1 and %d", max_s, "maxItems",
				LIMIT_IAM_LIST_ITEMS);
	pg->start = 0;
	if (marker) {
		while (pg->start < n && strcmp(key(items, pg->start), marker))
			pg->start++;
		if (pg->start == n)
			return err_fail(&c->err, "ValidationError", "Invalid Marker: %s", marker);
	}
	pg->end = pg->start + max < n ? pg->start + (size_t)max : n;
	pg->truncated = pg->end < n;
	return 0;
}

static void page_close(struct call *c, const void *items, const struct page *pg,
		       page_key_fn *key)
{
	xml_bool(c->out, "IsTruncated", pg->truncated);
	if (pg->truncated)
		xml_text(c->out, "Marker", key(items, pg->end));
}

static const char *res_key(const void *items, size_t i)
{
	return ((struct res *const *)items)[i]->id;
}

static const char *inline_key(const void *items, size_t i)
{
	return ((const struct iam_inline *)items)[i].name;
}

/* The caller's resources of 'kind' under PathPrefix, into the arena. */
static int gather(struct call *c, enum res_kind kind, struct res ***out, size_t *n)
{
	const char *prefix = param(c, "PathPrefix");
	struct res *r;

	if (prefix && !iam_path_prefix_valid(prefix))
		return err_fail(&c->err, "ValidationError", VALIDATION "Member must satisfy "
				"regular expression pattern: \\u002F[\\u0021-\\u007F]*", prefix,
				"pathPrefix");
	*out = arena_alloc(c->arena, (c->w->n[kind] + 1) * sizeof(**out));
	if (!*out)
		return err_fail(&c->err, "ServiceFailure", "The list is too large.");
	*n = 0;
	WORLD_FOR_EACH(c->w, kind, r) {
		const char *path = kind == RES_IAM_USER ? AS_IAM_USER(r)->p.path :
							   AS_IAM_ROLE(r)->p.path;

		if (!strcmp(r->owner, c->cx.account) &&
		    (!prefix || !strncmp(path, prefix, strlen(prefix))))
			(*out)[(*n)++] = r;
	}
	return 0;
}

/* --- users --- */
static void render_user(struct call *c, const struct iam_user *u)
{
	xml_text(c->out, "Path", u->p.path);
	xml_text(c->out, "UserName", u->p.name);
	xml_text(c->out, "UserId", u->res.id);
	arn_text(c, "Arn", &u->res);
	text_time(c, "CreateDate", u->res.created_ms);
}

/*
 * The user 'UserName' names, or without it the calling user (IAM's rule for
 * the actions where it is optional).
 */
static struct iam_user *user_param(struct call *c)
{
	const char *name = param(c, "UserName");

	if (name && iam_check_name(name, "userName", 128, &c->err) < 0)
		return NULL;
	if (name)
		return iam_user_lookup(c->w, &c->cx, name, &c->err);
	if (!c->caller.user)
		err_fail(&c->err, "ValidationError",
			 "Must specify userName when calling with non-User credentials");
	return c->caller.user;
}

static int create_user(struct call *c)
{
	const char *name, *path;
	struct iam_user *u;
	int ret;

	if ((ret = need_name(c, "UserName", "userName", LIMIT_IAM_NAME_CHARS, &name)) < 0 ||
	    (ret = opt_path(c, false, &path)) < 0 ||
	    (ret = iam_user_create(c->w, &c->cx, name, path, &u, &c->err)) < 0)
		return ret;
	return respond_entity(c, &u->res);
}

static int get_user(struct call *c)
{
	struct iam_user *u = user_param(c);

	if (!u)
		return -EINVAL;
	return respond_entity(c, &u->res);
}


/* --- access keys --- */
static int create_access_key(struct call *c)
{
	struct iam_user *u = user_param(c);
	struct iam_key *k;
	int ret;

	if (!u)
		return -EINVAL;
	ret = iam_key_create(c->w, &c->cx, u, &k, &c->err);
	if (ret < 0)
		return ret;
	result_begin(c);
	xml_open(c->out, "AccessKey");
	xml_text(c->out, "UserName", u->p.name);
	xml_text(c->out, "AccessKeyId", k->res.id);
	xml_text(c->out, "Status", "Active");
	xml_text(c->out, "SecretAccessKey", k->secret);
	text_time(c, "CreateDate", k->res.created_ms);
	xml_close(c->out, "AccessKey");
	result_end(c);
	return 0;
}

static int list_access_keys(struct call *c)
{
	struct iam_key *keys[LIMIT_IAM_KEYS_PER_USER];
	struct iam_user *u = user_param(c);
	struct page pg;
	size_t n;
	int ret;

	if (!u)
		return -EINVAL;
	n = iam_user_keys(c->w, u, keys);
	ret = page_of(c, keys, n, res_key, &pg);
	if (ret < 0)
		return ret;
	result_begin(c);
	xml_open(c->out, "AccessKeyMetadata");
	for (size_t i = pg.start; i < pg.end; i++) {
		xml_open(c->out, "member");
		xml_text(c->out, "UserName", u->p.name);
		xml_text(c->out, "AccessKeyId", keys[i]->res.id);
		xml_text(c->out, "Status", "Active");
		text_time(c, "CreateDate", keys[i]->res.created_ms);
		xml_close(c->out, "member");
	}
	xml_close(c->out, "AccessKeyMetadata");
	page_close(c, keys, &pg, res_key);
	result_end(c);
	return 0;
}

static int delete_access_key(struct call *c)
{
	struct iam_user *u = user_param(c);
	const char *key;
	int ret;

	if (!u)
		return -EINVAL;
	if ((ret = need(c, "AccessKeyId", "accessKeyId", &key)) < 0 ||
	    (ret = iam_key_delete(c->w, &c->cx, u, key, &c->err)) < 0)
		return ret;
	return respond_empty(c);
}

/* --- inline policies, for users and roles alike --- */
/* The user or role the action is about: 'UserName' or 'RoleName'. */
static struct res *principal_param(struct call *c)
{
	bool user = strstr(c->action, "User") != NULL;
	const char *name;

	if (user && need_name(c, "UserName", "userName", 128, &name) == 0) {
		struct iam_user *u = iam_user_lookup(c->w, &c->cx, name, &c->err);

		return u ? &u->res : NULL;
	}
	if (!user && need_name(c, "RoleName", "roleName", LIMIT_IAM_NAME_CHARS, &name) == 0) {
		struct iam_role *o = iam_role_lookup(c->w, &c->cx, name, &c->err);

		return o ? &o->res : NULL;
	}
	return NULL;
}

static int put_inline(struct call *c)
{
	struct res *r = principal_param(c);
	const char *name, *doc;
	int ret;

	if (!r)
		return -EINVAL;
	if ((ret = need_name(c, "PolicyName", "policyName", LIMIT_IAM_POLICY_NAME_CHARS,
			     &name)) < 0 ||
	    (ret = need_doc(c, "PolicyDocument", "policyDocument", POL_TYPE_IDENTITY, &doc)) < 0 ||
	    (ret = iam_inline_put(c->w, r, name, doc, &c->err)) < 0)
		return ret;
	return respond_empty(c);
}

static int get_inline(struct call *c)
{
	struct res *r = principal_param(c);
	bool user = r && r->kind == RES_IAM_USER;
	struct iam_inline *x;
	const char *name;
	int ret;

	if (!r)
		return -EINVAL;
	ret = need_name(c, "PolicyName", "policyName", LIMIT_IAM_POLICY_NAME_CHARS, &name);
	if (ret < 0)
		return ret;
	x = iam_inline_get(r, name);
	if (!x)
		return err_fail(&c->err, "NoSuchEntity", "The %s policy with name %s cannot be "
				"found.", user ? "user" : "role", name);
	result_begin(c);
	xml_text(c->out, user ? "UserName" : "RoleName", iam_principal_of(r)->name);
	xml_text(c->out, "PolicyName", x->name);
	xml_urlencoded(c->out, "PolicyDocument", x->doc);
	result_end(c);
	return 0;
}

static int list_inline(struct call *c)
{
	struct res *r = principal_param(c);
	struct iam_principal *p;
	struct page pg;
	int ret;

	if (!r)
		return -EINVAL;
	p = iam_principal_of(r);
	ret = page_of(c, p->inl, p->n_inline, inline_key, &pg);
	if (ret < 0)
		return ret;
	result_begin(c);
	xml_open(c->out, "PolicyNames");
	for (size_t i = pg.start; i < pg.end; i++)
		xml_text(c->out, "member", p->inl[i].name);
	xml_close(c->out, "PolicyNames");
	page_close(c, p->inl, &pg, inline_key);
	result_end(c);
	return 0;
}

static int delete_inline(struct call *c)
{
	struct res *r = principal_param(c);
	const char *name;
	int ret;

	if (!r)
		return -EINVAL;
	if ((ret = need_name(c, "PolicyName", "policyName", LIMIT_IAM_POLICY_NAME_CHARS,
			     &name)) < 0 ||
	    (ret = iam_inline_delete(c->w, r, name, &c->err)) < 0)
		return ret;
	return respond_empty(c);
}

/* --- roles --- */
static void render_role(struct call *c, const struct iam_role *o)
{
	xml_text(c->out, "Path", o->p.path);
	xml_text(c->out, "RoleName", o->p.name);
	xml_text(c->out, "RoleId", o->res.id);
	arn_text(c, "Arn", &o->res);
	text_time(c, "CreateDate", o->res.created_ms);
	xml_urlencoded(c->out, "AssumeRolePolicyDocument", o->trust);
	xml_text(c->out, "Description", o->description);
	xml_int(c->out, "MaxSessionDuration", o->max_session_s);
}

static int max_session_param(struct call *c, int *out)
{
	const char *v = param(c, "MaxSessionDuration");
	uint64_t x;

	*out = 0;
	if (!v)
		return 0;
	if (str_to_u64(str_c(v), UINT64_MAX, &x) < 0 || x < 3600 || x > 43200)
		return err_fail(&c->err, "ValidationError", VALIDATION "Member must have value "
				"between 3600 and 43200", v, "maxSessionDuration");
	*out = (int)x;
	return 0;
}

static int create_role(struct call *c)
{
	struct iam_role_req req = { 0 };
	struct iam_role *o;
	int ret;

	if ((ret = need_name(c, "RoleName", "roleName", LIMIT_IAM_NAME_CHARS, &req.name)) < 0 ||
	    (ret = opt_path(c, false, &req.path)) < 0 ||
	    (ret = opt_description(c, &req.description)) < 0 ||
	    (ret = max_session_param(c, &req.max_session_s)) < 0 ||
	    (ret = need_doc(c, "AssumeRolePolicyDocument", "assumeRolePolicyDocument",
			    POL_TYPE_TRUST, &req.trust)) < 0 ||
	    (ret = iam_role_create(c->w, &c->cx, &req, &o, &c->err)) < 0)
		return ret;
	return respond_entity(c, &o->res);
}

static int get_role(struct call *c)
{
	struct res *r = principal_param(c);

	if (!r)
		return -EINVAL;
	return respond_entity(c, r);
}

/* ListUsers and ListRoles. */
static int list_principals(struct call *c)
{
	bool user = !strcmp(c->action, "ListUsers");
	struct res **v;
	struct page pg;
	size_t n = 0;
	int ret;

	if ((ret = gather(c, user ? RES_IAM_USER : RES_IAM_ROLE, &v, &n)) < 0 ||
	    (ret = page_of(c, v, n, res_key, &pg)) < 0)
		return ret;
	result_begin(c);
	xml_open(c->out, user ? "Users" : "Roles");
	for (size_t i = pg.start; i < pg.end; i++) {
		xml_open(c->out, "member");
		if (user)
			render_user(c, AS_IAM_USER(v[i]));
		else
			render_role(c, AS_IAM_ROLE(v[i]));
		xml_close(c->out, "member");
	}
	xml_close(c->out, user ? "Users" : "Roles");
	page_close(c, v, &pg, res_key);
	result_end(c);
	return 0;
}

/* DeleteUser and DeleteRole. */
static int delete_principal(struct call *c)
{
	bool user = !strcmp(c->action, "DeleteUser");
	const char *name;
	int ret;

	ret = user ? need_name(c, "UserName", "userName", 128, &name) :
		     need_name(c, "RoleName", "roleName", LIMIT_IAM_NAME_CHARS, &name);
	if (ret < 0)
		return ret;
	ret = user ? iam_user_delete(c->w, &c->cx, name, &c->err) :
		     iam_role_delete(c->w, &c->cx, name, &c->err);
	return ret < 0 ? ret : respond_empty(c);
}

/* --- managed policies --- */
static void render_policy(struct call *c, const struct iam_policy *m)
{
	xml_text(c->out, "PolicyName", m->name);
	xml_text(c->out, "DefaultVersionId", "v1");
	xml_text(c->out, "PolicyId", m->res.id);
	xml_text(c->out, "Path", m->path);
	arn_text(c, "Arn", &m->res);
	xml_int(c->out, "AttachmentCount", m->attachments);
	xml_int(c->out, "PermissionsBoundaryUsageCount", 0);
	xml_bool(c->out, "IsAttachable", true);
	xml_text(c->out, "Description", m->description);
	text_time(c, "CreateDate", m->res.created_ms);
	text_time(c, "UpdateDate", m->res.created_ms);
}

/*
 * The answer of the actions that return one user, role or policy:
 * <ActionResult><User>…</User></ActionResult>.
 */
static int respond_entity(struct call *c, const struct res *r)
{
	const char *tag = r->kind == RES_IAM_USER ? "User" :
			  r->kind == RES_IAM_ROLE ? "Role" : "Policy";

	result_begin(c);
	xml_open(c->out, tag);
	if (r->kind == RES_IAM_USER)
		render_user(c, (const struct iam_user *)r);
	else if (r->kind == RES_IAM_POLICY)
		render_policy(c, (const struct iam_policy *)r);
	else
		render_role(c, (const struct iam_role *)r);
	/* GetRole says when the role was last used; vpce keeps no such record. */
	if (!strcmp(c->action, "GetRole")) {
		xml_open(c->out, "RoleLastUsed");
		xml_close(c->out, "RoleLastUsed");
	}
	xml_close(c->out, tag);
	result_end(c);
	return 0;
}

/* PolicyArn: an ARN, else InvalidInput as IAM answers. */
static int arn_param(struct call *c, const char **out)
{
	int ret = need(c, "PolicyArn", "policyArn", out);

	if (ret < 0)
		return ret;
	if (strlen(*out) < 20 || strlen(*out) > 2048 || strncmp(*out, "arn:", 4))
		return err_fail(&c->err, "InvalidInput", "ARN %s is not valid.", *out);
	return 0;
}

static int create_policy(struct call *c)
{
	const char *name, *path, *doc, *description;
	struct iam_policy *m;
	int ret;

	if ((ret = need_name(c, "PolicyName", "policyName", LIMIT_IAM_POLICY_NAME_CHARS,
			     &name)) < 0 ||
	    (ret = opt_path(c, true, &path)) < 0 ||
	    (ret = opt_description(c, &description)) < 0 ||
	    (ret = need_doc(c, "PolicyDocument", "policyDocument", POL_TYPE_IDENTITY, &doc)) < 0 ||
	    (ret = iam_policy_create(c->w, &c->cx, name, path, doc, description, &m,
				     &c->err)) < 0)
		return ret;
	return respond_entity(c, &m->res);
}

static int get_policy(struct call *c)
{
	struct iam_policy *m;
	const char *arn;
	int ret;

	if ((ret = arn_param(c, &arn)) < 0)
		return ret;
	m = iam_policy_find(c->w, arn);
	if (!m || strcmp(m->res.owner, c->cx.account))
		return err_fail(&c->err, "NoSuchEntity", "Policy %s was not found.", arn);
	return respond_entity(c, &m->res);
}

static int delete_policy(struct call *c)
{
	const char *arn;
	int ret;

	if ((ret = arn_param(c, &arn)) < 0 ||
	    (ret = iam_policy_delete(c->w, &c->cx, arn, &c->err)) < 0)
		return ret;
	return respond_empty(c);
}

/* Attach{User,Role}Policy and Detach{User,Role}Policy. */
static int attachment(struct call *c)
{
	struct res *r = principal_param(c);
	const char *arn;
	int ret;

	if (!r)
		return -EINVAL;
	ret = arn_param(c, &arn);
	if (ret < 0)
		return ret;
	ret = c->action[0] == 'A' ? iam_attach(c->w, &c->cx, r, arn, &c->err) :
				    iam_detach(c->w, &c->cx, r, arn, &c->err);
	return ret < 0 ? ret : respond_empty(c);
}

static int list_attached(struct call *c)
{
	const char *prefix = param(c, "PathPrefix");
	struct res *r = principal_param(c), *m, *v[LIMIT_IAM_ATTACHED_POLICIES];
	struct iam_principal *p;
	struct page pg;
	size_t n = 0;
	int ret;

	if (!r)
		return -EINVAL;
	if (prefix && (ret = iam_check_path(prefix, "pathPrefix", true, &c->err)) < 0)
		return ret;
	p = iam_principal_of(r);
	for (size_t i = 0; i < p->n_attached && n < ARRAY_SIZE(v); i++) {
		m = world_get(c->w, p->attached[i], RES_IAM_POLICY);
		if (m && (!prefix || !strncmp(AS_IAM_POLICY(m)->path, prefix, strlen(prefix))))
			v[n++] = m;
	}
	ret = page_of(c, v, n, res_key, &pg);
	if (ret < 0)
		return ret;
	result_begin(c);
	xml_open(c->out, "AttachedPolicies");
	for (size_t i = pg.start; i < pg.end; i++) {
		xml_open(c->out, "member");
		xml_text(c->out, "PolicyName", AS_IAM_POLICY(v[i])->name);
		arn_text(c, "PolicyArn", v[i]);
		xml_close(c->out, "member");
	}
	xml_close(c->out, "AttachedPolicies");
	page_close(c, v, &pg, res_key);
	result_end(c);
	return 0;
}

const struct api_action iam_actions[] = {
	{ "CreateUser", create_user, true, false },
	{ "GetUser", get_user, false, false },
	{ "ListUsers", list_principals, false, false },
	{ "DeleteUser", delete_principal, true, false },
	{ "CreateAccessKey", create_access_key, true, false },
	{ "ListAccessKeys", list_access_keys, false, false },
	{ "DeleteAccessKey", delete_access_key, true, false },
	{ "PutUserPolicy", put_inline, true, false },
	{ "GetUserPolicy", get_inline, false, false },
	{ "ListUserPolicies", list_inline, false, false },
	{ "DeleteUserPolicy", delete_inline, true, false },
	{ "CreateRole", create_role, true, false },
	{ "GetRole", get_role, false, false },
	{ "ListRoles", list_principals, false, false },
	{ "DeleteRole", delete_principal, true, false },
	{ "PutRolePolicy", put_inline, true, false },
	{ "GetRolePolicy", get_inline, false, false },
	{ "ListRolePolicies", list_inline, false, false },
	{ "DeleteRolePolicy", delete_inline, true, false },
	{ "CreatePolicy", create_policy, true, false },
	{ "GetPolicy", get_policy, false, false },
	{ "DeletePolicy", delete_policy, true, false },
	{ "AttachRolePolicy", attachment, true, false },
	{ "DetachRolePolicy", attachment, true, false },
	{ "ListAttachedRolePolicies", list_attached, false, false },
	{ "AttachUserPolicy", attachment, true, false },
	{ "DetachUserPolicy", attachment, true, false },
	{ "ListAttachedUserPolicies", list_attached, false, false },
	{ NULL, NULL, false, false },
};
