/* SPDX-License-Identifier: MIT */
/*
 * IAM's rules and formats, users and their access keys. Messages are IAM's
 * own (the API reference and what IAM answers), checked by
 * tests/integration/095-iam.sh.
 */
#include "compat.h"
#include "core/iam.h"

#include <assert.h>

#include "base/xalloc.h"

#define NAME_PATTERN "[\\w+=,.@-]+"
#define PATH_PATTERN "(\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)"
#define POLICY_PATH_PATTERN "((/[A-Za-z0-9\\.,\\+@=_-]+)*)/"
#define VALIDATION "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("_+=,.@-", c));
}

int iam_check_name(const char *value, const char *member, size_t max, struct err *e)
{
	size_t n = strlen(value);

	if (!n)
		return err_fail(e, "ValidationError", VALIDATION
				"Member must have length greater than or equal to 1",
				value, member);
	if (n > max)
		return err_fail(e, "ValidationError", VALIDATION
				"Member must have length less than or equal to %zu",
				value, member, max);
	for (size_t i = 0; i < n; i++)
		if (!name_char(value[i]))
			return err_fail(e, "ValidationError", VALIDATION
					"Member must satisfy regular expression pattern: "
					NAME_PATTERN, value, member);
	return 0;
}

static bool path_char(char c, bool policy)
{
	/* A managed policy's path takes the characters of a name between its slashes. */
	if (policy)
		return name_char(c);
	return (unsigned char)c >= 0x21 && (unsigned char)c <= 0x7f;
}

int iam_check_path(const char *value, const char *member, bool policy, struct err *e)
{
	size_t n = strlen(value);
	/* "/", or "/" text "/": "//" has no text between its slashes. */
	bool ok = (n == 1 && value[0] == '/') || (n >= 3 && value[0] == '/' && value[n - 1] == '/');

	if (n > LIMIT_IAM_PATH_CHARS)
		return err_fail(e, "ValidationError", VALIDATION
				"Member must have length less than or equal to %d",
				value, member, LIMIT_IAM_PATH_CHARS);
	for (size_t i = 1; ok && i < n; i++) {
		if (value[i] == '/')
			ok = !policy || value[i - 1] != '/';
		else
			ok = path_char(value[i], policy);
	}
	if (!ok)
		return err_fail(e, "ValidationError", VALIDATION
				"Member must satisfy regular expression pattern: %s",
				value, member, policy ? POLICY_PATH_PATTERN : PATH_PATTERN);
	return 0;
}

bool iam_path_prefix_valid(const char *value)
{
	size_t n = strlen(value);

	if (!n || n > LIMIT_IAM_PATH_CHARS || value[0] != '/')
		return false;
	for (size_t i = 1; i < n; i++)
		if ((unsigned char)value[i] < 0x21 || (unsigned char)value[i] > 0x7f)
			return false;
	return true;
}

size_t iam_doc_chars(const char *doc)
{
	size_t n = 0;

	for (; *doc; doc++)
		n += !strchr(" \t\r\n", *doc);
	return n;
}

static const char upper_alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

void iam_new_id(struct ctx *cx, const char *prefix, size_t n, char dst[static ID_SIZE])
{
	size_t at = str_lcpy(dst, prefix, ID_SIZE);

	for (size_t i = 0; i < n && at + 1 < ID_SIZE; i++)
		dst[at++] = upper_alnum[cx->rand(cx->rand_arg) % (sizeof(upper_alnum) - 1)];
	dst[at] = '\0';
}

bool iam_id_valid(const char *id, const char *prefix, size_t n)
{
	size_t p = strlen(prefix);

	if (strncmp(id, prefix, p) || strlen(id) != p + n)
		return false;
	return strspn(id + p, upper_alnum) == n;
}

void iam_new_secret(struct ctx *cx, char *dst, size_t n)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i++)
		dst[i] = set[cx->rand(cx->rand_arg) % (sizeof(set) - 1)];
	dst[n] = '\0';
}

struct res *iam_res_new(const struct world *w, struct ctx *cx, enum res_kind kind,
			const char *account)
{
	static const struct {
		const char *prefix;
		size_t n;
	} ids[] = {
		[RES_IAM_USER] = { "AIDA", IAM_UNIQUE_ID_CHARS },
		[RES_IAM_ROLE] = { "AROA", IAM_UNIQUE_ID_CHARS },
		[RES_IAM_POLICY] = { "ANPA", IAM_UNIQUE_ID_CHARS },
		[RES_IAM_KEY] = { "AKIA", IAM_KEY_ID_CHARS },
		[RES_STS_SESSION] = { "ASIA", IAM_KEY_ID_CHARS },
	};
	char id[ID_SIZE];
	struct res *r;

	assert(kind >= RES_IAM_USER && kind <= RES_STS_SESSION);
	do
		iam_new_id(cx, ids[kind].prefix, ids[kind].n, id);
	while (world_find(w, id));
	r = res_new(kind, id);
	str_lcpy(r->owner, account, sizeof(r->owner));
	r->created_ms = cx->now_ms;
	return r;
}

void iam_arn(const struct res *r, char dst[static IAM_ARN_SIZE])
{
	const char *type, *path, *name;

	switch (r->kind) {
	case RES_IAM_USER:
		type = "user";
		path = ((const struct iam_user *)r)->p.path;
		name = ((const struct iam_user *)r)->p.name;
		break;
	case RES_IAM_ROLE:
		type = "role";
		path = ((const struct iam_role *)r)->p.path;
		name = ((const struct iam_role *)r)->p.name;
		break;
	default:
		type = "policy";
		path = ((const struct iam_policy *)r)->path;
		name = ((const struct iam_policy *)r)->name;
		break;
	}
	snprintf(dst, IAM_ARN_SIZE, "arn:aws:iam::%s:%s%s%s", r->owner, type,
		 path ? path : "/", name);
}

void sts_session_arn(const struct sts_session *s, const struct iam_role *role,
		     char dst[static IAM_ARN_SIZE])
{
	snprintf(dst, IAM_ARN_SIZE, "arn:aws:sts::%s:assumed-role/%s/%s", s->res.owner,
		 role->p.name, s->name);
}

bool iam_arn_split(const char *arn, const char *type, char account[static ACCOUNT_SIZE],
		   char path[static LIMIT_IAM_PATH_CHARS + 1], char name[static IAM_NAME_SIZE])
{
	static const char head[] = "arn:aws:iam::";
	const char *p = arn, *rest, *last;
	size_t tlen = strlen(type);

	if (strncmp(p, head, sizeof(head) - 1))
		return false;
	p += sizeof(head) - 1;
	if (strspn(p, "0123456789") != 12 || p[12] != ':')
		return false;
	memcpy(account, p, 12);
	account[12] = '\0';
	rest = p + 13;
	if (strncmp(rest, type, tlen) || rest[tlen] != '/')
		return false;
	rest += tlen;
	last = strrchr(rest, '/');
	if ((size_t)(last - rest) + 1 > LIMIT_IAM_PATH_CHARS || strlen(last + 1) >= IAM_NAME_SIZE ||
	    !last[1])
		return false;
	memcpy(path, rest, (size_t)(last - rest) + 1);
	path[last - rest + 1] = '\0';
	str_lcpy(name, last + 1, IAM_NAME_SIZE);
	return true;
}

struct iam_principal *iam_principal_of(struct res *r)
{
	return r->kind == RES_IAM_USER ? &AS_IAM_USER(r)->p : &AS_IAM_ROLE(r)->p;
}

size_t iam_count_owned(const struct world *w, enum res_kind kind, const char *account)
{
	struct res *r;
	size_t n = 0;

	WORLD_FOR_EACH(w, kind, r)
		n += !strcmp(r->owner, account);
	return n;
}

struct res *iam_lookup(const struct world *w, const struct ctx *cx, enum res_kind kind,
		       const char *name, struct err *e)
{
	struct res *r = world_get_named(w, kind, cx->account, name);

	if (!r)
		err_fail(e, "NoSuchEntity", "The %s with name %s cannot be found.",
			 kind == RES_IAM_USER ? "user" : "role", name);
	return r;
}

struct iam_user *iam_user_lookup(const struct world *w, const struct ctx *cx,
				 const char *name, struct err *e)
{
	struct res *r = iam_lookup(w, cx, RES_IAM_USER, name, e);

	return r ? AS_IAM_USER(r) : NULL;
}

int iam_user_create(struct world *w, struct ctx *cx, const char *name, const char *path,
		    struct iam_user **out, struct err *e)
{
	struct res *r;
	struct iam_user *u;

	if (world_get_named(w, RES_IAM_USER, cx->account, name))
		return err_fail(e, "EntityAlreadyExists", "User with name %s already exists.",
				name);
	if (iam_count_owned(w, RES_IAM_USER, cx->account) >= LIMIT_IAM_USERS)
		return err_fail(e, "LimitExceeded", "Cannot exceed quota for UsersPerAccount: %d",
				LIMIT_IAM_USERS);
	r = iam_res_new(w, cx, RES_IAM_USER, cx->account);
	u = AS_IAM_USER(r);
	str_lcpy(u->p.name, name, sizeof(u->p.name));
	u->p.path = xstrdup(path ? path : "/");
	world_adopt(w, r);
	*out = u;
	return 0;
}

size_t iam_user_keys(const struct world *w, const struct iam_user *u, struct iam_key **out)
{
	struct res *r;
	size_t n = 0;

	WORLD_FOR_EACH(w, RES_IAM_KEY, r)
		if (!strcmp(AS_IAM_KEY(r)->user_id, u->res.id) && n < LIMIT_IAM_KEYS_PER_USER)
			out[n++] = AS_IAM_KEY(r);
	return n;
}

int iam_user_delete(struct world *w, struct ctx *cx, const char *name, struct err *e)
{
	struct iam_key *keys[LIMIT_IAM_KEYS_PER_USER];
	struct iam_user *u = iam_user_lookup(w, cx, name, e);

	if (!u)
		return -ENOENT;
	if (iam_user_keys(w, u, keys))
		return err_fail(e, "DeleteConflict",
				"Cannot delete entity, must delete access keys first.");
	if (u->p.n_inline)
		return err_fail(e, "DeleteConflict",
				"Cannot delete entity, must delete policies first.");
	if (u->p.n_attached)
		return err_fail(e, "DeleteConflict",
				"Cannot delete entity, must detach all policies first.");
	world_remove(w, &u->res);
	return 0;
}

int iam_key_create(struct world *w, struct ctx *cx, struct iam_user *u, struct iam_key **out,
		   struct err *e)
{
	struct iam_key *keys[LIMIT_IAM_KEYS_PER_USER];
	struct res *r;
	struct iam_key *k;

	if (iam_user_keys(w, u, keys) >= LIMIT_IAM_KEYS_PER_USER)
		return err_fail(e, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: %d",
				LIMIT_IAM_KEYS_PER_USER);
	r = iam_res_new(w, cx, RES_IAM_KEY, u->res.owner);
	k = AS_IAM_KEY(r);
	str_lcpy(k->user_id, u->res.id, sizeof(k->user_id));
	iam_new_secret(cx, k->secret, IAM_SECRET_CHARS);
	world_adopt(w, r);
	*out = k;
	return 0;
}

int iam_key_delete(struct world *w, struct ctx *cx, struct iam_user *u, const char *key_id,
		   struct err *e)
{
	struct res *r = world_get(w, key_id, RES_IAM_KEY);

	(void)cx;
	if (!r || strcmp(AS_IAM_KEY(r)->user_id, u->res.id))
		return err_fail(e, "NoSuchEntity", "The Access Key with id %s cannot be found.",
				key_id);
	world_remove(w, r);
	return 0;
}
