/* SPDX-License-Identifier: MIT */
/*
 * Who signed a request: an identities-file key, an IAM user's access key or
 * a session's temporary key, resolved to the account, the principal and the
 * identity policies that apply to it. A pure lookup: the API and the service
 * fronts call it with the same world and the same answer.
 */
#include "compat.h"
#include "core/iam.h"

const char *iam_principal_type_name(enum iam_principal_type t)
{
	switch (t) {
	case IAM_PRINCIPAL_ACCOUNT: return "Account";
	case IAM_PRINCIPAL_USER: return "User";
	default: return "AssumedRole";
	}
}

const char *iam_org_of(const struct iam_dir *dir, const char *account)
{
	for (size_t i = 0; dir && i < dir->n_accounts; i++)
		if (!strcmp(dir->accounts[i].account, account))
			return dir->accounts[i].org;
	return "";
}

static const struct iam_identity *file_identity(const struct iam_dir *dir, struct str key)
{
	for (size_t i = 0; dir && i < dir->n_ids; i++)
		if (str_eq_c(key, dir->ids[i].access_key))
			return &dir->ids[i];
	return NULL;
}

/* The IAM key or session 'key', or NULL. */
static struct res *world_key(const struct world *w, struct str key)
{
	char id[ID_SIZE];
	struct res *r;

	if (str_copy(key, id, sizeof(id)) < 0)
		return NULL;
	r = world_find(w, id);
	return r && (r->kind == RES_IAM_KEY || r->kind == RES_STS_SESSION) ? r : NULL;
}

const char *iam_secret(const struct world *w, const struct iam_dir *dir, struct str access_key)
{
	const struct iam_identity *id = file_identity(dir, access_key);
	struct res *r;

	if (id)
		return id->secret_key;
	r = world_key(w, access_key);
	if (!r)
		return NULL;
	return r->kind == RES_IAM_KEY ? AS_IAM_KEY(r)->secret : AS_STS_SESSION(r)->secret;
}

/* Compares every byte, so that the time taken says nothing of where they differ. */
static bool token_eq(struct str given, const char *want)
{
	size_t n = strlen(want);
	unsigned char diff = given.len != n;

	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(given.p[i < given.len ? i : 0] ^ want[i]);
	return given.len == n && !diff;
}

static void add_policies(const struct world *w, const struct iam_principal *p,
			 struct iam_caller *out)
{
	for (size_t i = 0; i < p->n_inline && out->n_policies < IAM_CALLER_POLICIES; i++)
		out->policies[out->n_policies++] = p->inl[i].doc;
	for (size_t i = 0; i < p->n_attached && out->n_policies < IAM_CALLER_POLICIES; i++) {
		struct res *m = world_get(w, p->attached[i], RES_IAM_POLICY);

		if (m)
			out->policies[out->n_policies++] = AS_IAM_POLICY(m)->doc;
	}
}

static void from_file(const struct iam_identity *id, struct iam_caller *out)
{
	size_t n = strlen(id->arn);

	str_lcpy(out->account, id->account, sizeof(out->account));
	str_lcpy(out->arn, id->arn, sizeof(out->arn));
	out->unrestricted = true;
	if (n >= 5 && !strcmp(id->arn + n - 5, ":root")) {
		out->type = IAM_PRINCIPAL_ACCOUNT;
		str_lcpy(out->user_id, id->account, sizeof(out->user_id));
	} else {
		out->type = strstr(id->arn, ":assumed-role/") ? IAM_PRINCIPAL_ASSUMED_ROLE :
								IAM_PRINCIPAL_USER;
		/* A file key has no unique ID of IAM's: its access key stands for one. */
		str_lcpy(out->user_id, id->access_key, sizeof(out->user_id));
	}
}

static int from_session(const struct world *w, struct sts_session *s, struct str token,
			int64_t now_ms, struct iam_caller *out)
{
	struct res *r = world_get(w, s->role_id, RES_IAM_ROLE);

	if (!token.len || !token_eq(token, s->token))
		return -EKEYREJECTED;
	if (now_ms >= s->expires_ms)
		return -EKEYEXPIRED;
	if (!r)
		return -ENOENT;
	out->role = AS_IAM_ROLE(r);
	out->type = IAM_PRINCIPAL_ASSUMED_ROLE;
	str_lcpy(out->account, s->res.owner, sizeof(out->account));
	sts_session_arn(s, out->role, out->arn);
	snprintf(out->user_id, sizeof(out->user_id), "%s:%s", r->id, s->name);
	add_policies(w, &out->role->p, out);
	return 0;
}

int iam_caller(const struct world *w, const struct iam_dir *dir, struct str access_key,
	       struct str session_token, int64_t now_ms, struct iam_caller *out)
{
	const struct iam_identity *id = file_identity(dir, access_key);
	struct res *r;
	int ret = 0;

	*out = (struct iam_caller){ .type = IAM_PRINCIPAL_USER };
	r = id ? NULL : world_key(w, access_key);
	if (id) {
		if (session_token.len)
			return -EKEYREJECTED;
		from_file(id, out);
	} else if (r && r->kind == RES_STS_SESSION) {
		ret = from_session(w, AS_STS_SESSION(r), session_token, now_ms, out);
	} else if (r) {
		struct res *u = world_get(w, AS_IAM_KEY(r)->user_id, RES_IAM_USER);

		if (session_token.len)
			return -EKEYREJECTED;
		if (!u)
			return -ENOENT;
		out->user = AS_IAM_USER(u);
		str_lcpy(out->account, u->owner, sizeof(out->account));
		iam_arn(u, out->arn);
		str_lcpy(out->user_id, u->id, sizeof(out->user_id));
		add_policies(w, &out->user->p, out);
	} else {
		return -ENOENT;
	}
	if (ret < 0)
		return ret;
	str_lcpy(out->org_id, iam_org_of(dir, out->account), sizeof(out->org_id));
	return 0;
}

int iam_principal_policies(const struct world *w, const char *arn, struct iam_caller *out)
{
	char account[ACCOUNT_SIZE], path[LIMIT_IAM_PATH_CHARS + 1], name[IAM_NAME_SIZE];
	const char *session = strstr(arn, ":assumed-role/");
	enum res_kind kind = RES_IAM_USER;
	struct res *r;

	*out = (struct iam_caller){ .type = IAM_PRINCIPAL_USER };
	if (session && !strncmp(arn, "arn:aws:sts::", 13)) {
		/* arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION: the role ROLE. */
		const char *role = session + 14, *end = strchr(role, '/');

		if (session - (arn + 13) != 12 || !end || (size_t)(end - role) >= sizeof(name))
			return -ENOENT;
		memcpy(account, arn + 13, 12);
		account[12] = '\0';
		memcpy(name, role, (size_t)(end - role));
		name[end - role] = '\0';
		kind = RES_IAM_ROLE;
	} else if (iam_arn_split(arn, "role", account, path, name)) {
		kind = RES_IAM_ROLE;
	} else if (!iam_arn_split(arn, "user", account, path, name)) {
		return -ENOENT;
	}
	r = world_get_named(w, kind, account, name);
	if (!r)
		return -ENOENT;
	str_lcpy(out->account, account, sizeof(out->account));
	str_lcpy(out->arn, arn, sizeof(out->arn));
	add_policies(w, iam_principal_of(r), out);
	return 0;
}
