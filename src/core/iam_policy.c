/* SPDX-License-Identifier: MIT */
/*
 * Inline and customer managed policies, roles and their sessions. A managed
 * policy counts its attachments, so that deleting an attached one is refused
 * without a walk over every user and role.
 */
#include "compat.h"
#include "core/iam.h"

#include "base/xalloc.h"

struct iam_inline *iam_inline_get(struct res *r, const char *name)
{
	struct iam_principal *p = iam_principal_of(r);

	for (size_t i = 0; i < p->n_inline; i++)
		if (!strcmp(p->inl[i].name, name))
			return &p->inl[i];
	return NULL;
}

int iam_inline_put(struct world *w, struct res *r, const char *name, const char *doc,
		   struct err *e)
{
	struct iam_principal *p = iam_principal_of(r);
	struct iam_inline *old = iam_inline_get(r, name);
	bool user = r->kind == RES_IAM_USER;
	size_t max = user ? LIMIT_IAM_USER_INLINE_CHARS : LIMIT_IAM_ROLE_INLINE_CHARS;
	size_t total = iam_doc_chars(doc), bytes = strlen(doc);

	for (size_t i = 0; i < p->n_inline; i++) {
		if (&p->inl[i] != old) {
			total += iam_doc_chars(p->inl[i].doc);
			bytes += strlen(p->inl[i].doc);
		}
	}
	/*
	 * IAM counts characters but white space; vpce also bounds the bytes,
	 * so that a principal's stored document stays small.
	 */
	if (total > max || bytes > LIMIT_IAM_INLINE_BYTES ||
	    (!old && p->n_inline >= LIMIT_IAM_INLINE_POLICIES))
		return err_fail(e, "LimitExceeded", "Maximum policy size of %zu bytes exceeded "
				"for %s %s", max, user ? "user" : "role", p->name);
	if (old) {
		free(old->doc);
		old->doc = xstrdup(doc);
	} else {
		p->inl = xreallocarray(p->inl, p->n_inline + 1, sizeof(*p->inl));
		old = &p->inl[p->n_inline++];
		str_lcpy(old->name, name, sizeof(old->name));
		old->doc = xstrdup(doc);
	}
	world_touch(w, r);
	return 0;
}

int iam_inline_delete(struct world *w, struct res *r, const char *name, struct err *e)
{
	struct iam_principal *p = iam_principal_of(r);
	struct iam_inline *x = iam_inline_get(r, name);
	size_t i;

	if (!x)
		return err_fail(e, "NoSuchEntity", "The %s policy with name %s cannot be found.",
				r->kind == RES_IAM_USER ? "user" : "role", name);
	i = (size_t)(x - p->inl);
	free(x->doc);
	memmove(&p->inl[i], &p->inl[i + 1], (p->n_inline - i - 1) * sizeof(p->inl[0]));
	p->n_inline--;
	world_touch(w, r);
	return 0;
}

int iam_policy_create(struct world *w, struct ctx *cx, const char *name, const char *path,
		      const char *doc, const char *description, struct iam_policy **out,
		      struct err *e)
{
	struct iam_policy *m;
	struct res *r;

	if (world_get_named(w, RES_IAM_POLICY, cx->account, name))
		return err_fail(e, "EntityAlreadyExists", "A policy called %s already exists. "
				"Duplicate names are not allowed.", name);
	if (iam_doc_chars(doc) > LIMIT_IAM_MANAGED_CHARS)
		return err_fail(e, "LimitExceeded", "Cannot exceed quota for PolicySize: %d",
				LIMIT_IAM_MANAGED_CHARS);
	if (iam_count_owned(w, RES_IAM_POLICY, cx->account) >= LIMIT_IAM_MANAGED_POLICIES)
		return err_fail(e, "LimitExceeded", "Cannot exceed quota for PoliciesPerAccount: %d",
				LIMIT_IAM_MANAGED_POLICIES);
	r = iam_res_new(w, cx, RES_IAM_POLICY, cx->account);
	m = AS_IAM_POLICY(r);
	str_lcpy(m->name, name, sizeof(m->name));
	m->path = xstrdup(path ? path : "/");
	m->doc = xstrdup(doc);
	m->description = description ? xstrdup(description) : NULL;
	world_adopt(w, r);
	*out = m;
	return 0;
}

struct iam_policy *iam_policy_find(const struct world *w, const char *arn)
{
	char account[ACCOUNT_SIZE], path[LIMIT_IAM_PATH_CHARS + 1], name[IAM_NAME_SIZE];
	struct res *r;

	if (!iam_arn_split(arn, "policy", account, path, name))
		return NULL;
	r = world_get_named(w, RES_IAM_POLICY, account, name);
	if (!r || strcmp(AS_IAM_POLICY(r)->path, path) || strcmp(AS_IAM_POLICY(r)->name, name))
		return NULL;
	return AS_IAM_POLICY(r);
}

int iam_policy_delete(struct world *w, struct ctx *cx, const char *arn, struct err *e)
{
	struct iam_policy *m = iam_policy_find(w, arn);

	if (!m || strcmp(m->res.owner, cx->account))
		return err_fail(e, "NoSuchEntity", "Policy %s was not found.", arn);
	if (m->attachments)
		return err_fail(e, "DeleteConflict", "Cannot delete a policy attached to entities.");
	world_remove(w, &m->res);
	return 0;
}

int iam_attach(struct world *w, struct ctx *cx, struct res *r, const char *arn, struct err *e)
{
	struct iam_principal *p = iam_principal_of(r);
	struct iam_policy *m = iam_policy_find(w, arn);

	if (!m || strcmp(m->res.owner, cx->account))
		return err_fail(e, "NoSuchEntity", "Policy %s does not exist or is not attachable.",
				arn);
	/* Attaching twice changes nothing, as in IAM. */
	if (id_array_find(p->attached, p->n_attached, m->res.id) >= 0)
		return 0;
	if (p->n_attached >= LIMIT_IAM_ATTACHED_POLICIES)
		return err_fail(e, "LimitExceeded", "Cannot exceed quota for PoliciesPer%s: %d",
				r->kind == RES_IAM_USER ? "User" : "Role",
				LIMIT_IAM_ATTACHED_POLICIES);
	id_array_push(&p->attached, &p->n_attached, m->res.id);
	m->attachments++;
	world_touch(w, r);
	world_touch(w, &m->res);
	return 0;
}

int iam_detach(struct world *w, struct ctx *cx, struct res *r, const char *arn, struct err *e)
{
	struct iam_principal *p = iam_principal_of(r);
	struct iam_policy *m = iam_policy_find(w, arn);
	long i = m ? id_array_find(p->attached, p->n_attached, m->res.id) : -1;

	(void)cx;
	if (i < 0)
		return err_fail(e, "NoSuchEntity", "Policy %s was not found.", arn);
	id_array_remove(p->attached, &p->n_attached, (size_t)i);
	if (m->attachments > 0)
		m->attachments--;
	world_touch(w, r);
	world_touch(w, &m->res);
	return 0;
}

int iam_role_create(struct world *w, struct ctx *cx, const struct iam_role_req *req,
		    struct iam_role **out, struct err *e)
{
	struct iam_role *o;
	struct res *r;

	if (world_get_named(w, RES_IAM_ROLE, cx->account, req->name))
		return err_fail(e, "EntityAlreadyExists", "Role with name %s already exists.",
				req->name);
	if (iam_doc_chars(req->trust) > LIMIT_IAM_TRUST_CHARS)
		return err_fail(e, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: %d",
				LIMIT_IAM_TRUST_CHARS);
	if (iam_count_owned(w, RES_IAM_ROLE, cx->account) >= LIMIT_IAM_ROLES)
		return err_fail(e, "LimitExceeded", "Cannot exceed quota for RolesPerAccount: %d",
				LIMIT_IAM_ROLES);
	r = iam_res_new(w, cx, RES_IAM_ROLE, cx->account);
	o = AS_IAM_ROLE(r);
	str_lcpy(o->p.name, req->name, sizeof(o->p.name));
	o->p.path = xstrdup(req->path ? req->path : "/");
	o->trust = xstrdup(req->trust);
	o->description = req->description ? xstrdup(req->description) : NULL;
	o->max_session_s = req->max_session_s ? req->max_session_s : IAM_SESSION_DEFAULT_S;
	world_adopt(w, r);
	*out = o;
	return 0;
}

struct iam_role *iam_role_lookup(const struct world *w, const struct ctx *cx,
				 const char *name, struct err *e)
{
	struct res *r = iam_lookup(w, cx, RES_IAM_ROLE, name, e);

	return r ? AS_IAM_ROLE(r) : NULL;
}

int iam_role_delete(struct world *w, struct ctx *cx, const char *name, struct err *e)
{
	struct iam_role *o = iam_role_lookup(w, cx, name, e);

	if (!o)
		return -ENOENT;
	if (o->p.n_inline)
		return err_fail(e, "DeleteConflict",
				"Cannot delete entity, must delete policies first.");
	if (o->p.n_attached)
		return err_fail(e, "DeleteConflict",
				"Cannot delete entity, must detach all policies first.");
	/* Its sessions end with it; backwards, as world_remove() shifts the rest. */
	for (size_t i = w->n[RES_STS_SESSION]; i-- > 0;) {
		struct res *s = w->items[RES_STS_SESSION][i];

		if (!strcmp(AS_STS_SESSION(s)->role_id, o->res.id))
			world_remove(w, s);
	}
	world_remove(w, &o->res);
	return 0;
}

int sts_session_create(struct world *w, struct ctx *cx, const struct iam_role *role,
		       const char *session_name, int duration_s, struct sts_session **out,
		       struct err *e)
{
	struct sts_session *s;
	struct res *r;

	if (w->n[RES_STS_SESSION] >= LIMIT_STS_SESSIONS)
		return err_fail(e, "ServiceUnavailable",
				"vpced holds %d live sessions already; try again later",
				LIMIT_STS_SESSIONS);
	r = iam_res_new(w, cx, RES_STS_SESSION, role->res.owner);
	s = AS_STS_SESSION(r);
	str_lcpy(s->role_id, role->res.id, sizeof(s->role_id));
	str_lcpy(s->name, session_name, sizeof(s->name));
	iam_new_secret(cx, s->secret, IAM_SECRET_CHARS);
	iam_new_secret(cx, s->token, IAM_TOKEN_CHARS);
	s->expires_ms = cx->now_ms + (int64_t)duration_s * 1000;
	world_adopt(w, r);
	*out = s;
	return 0;
}

bool sts_session_gone(const struct sts_session *s, int64_t now_ms)
{
	return now_ms >= s->expires_ms + STS_EXPIRED_KEEP_MS;
}
