/* SPDX-License-Identifier: MIT */
/*
 * IAM users, roles, access keys and customer managed policies, and STS
 * sessions, as pure operations on the world: each checks everything, then
 * changes the world (journalled) or fills 'e' with IAM's error and changes
 * nothing. Names are unique in an account whatever their case; another
 * account sees none of them. Policy documents reach these functions already
 * validated by the policy engine (the caller's job: core cannot include it).
 */
#ifndef CORE_IAM_H
#define CORE_IAM_H

#include "compat.h"
#include "base/err.h"
#include "base/str.h"
#include "core/model.h"
#include "core/ops.h"

#define IAM_ARN_SIZE 1024	/* "arn:aws:iam::" account, type, a 512-character path, a name */
#define IAM_ORG_SIZE 35		/* "o-" and 10 to 32 characters */
#define IAM_USER_ID_SIZE (ID_SIZE + LIMIT_STS_SESSION_NAME_CHARS + 1)	/* AROA…:session */
#define IAM_UNIQUE_ID_CHARS 17	/* after the four-letter prefix of a user, role or policy ID */
#define IAM_KEY_ID_CHARS 16	/* after AKIA or ASIA */
#define IAM_SECRET_CHARS 40
#define IAM_TOKEN_CHARS 256
#define STS_DURATION_MIN_S 900
#define STS_DURATION_MAX_S 43200
#define STS_DURATION_DEFAULT_S 3600
#define IAM_SESSION_DEFAULT_S 3600	/* a role's MaxSessionDuration when not given */
/* Expired sessions stay this long, so that their keys get ExpiredToken. */
#define STS_EXPIRED_KEEP_MS (3600 * 1000)

/* One access key of the identities file (docs/identities.md). */
struct iam_identity {
	char access_key[128];
	char secret_key[128];
	char account[ACCOUNT_SIZE];
	char arn[256];
};

/* An account's organization, from the identities file. */
struct iam_account {
	char account[ACCOUNT_SIZE];
	char org[IAM_ORG_SIZE];		/* "o-abc123def4" */
};

/* The callers vpced knows besides IAM's: the daemon's configuration, borrowed. */
struct iam_dir {
	const struct iam_identity *ids;
	size_t n_ids;
	const struct iam_account *accounts;
	size_t n_accounts;
};

/* --- rules and formats --- */
/*
 * Checks that 'value' (the parameter AWS calls 'member', "userName") holds
 * 1 to 'max' characters of [A-Za-z0-9_+=,.@-]. Returns 0, or -EINVAL with
 * IAM's ValidationError in 'e'.
 */
int iam_check_name(const char *value, const char *member, size_t max, struct err *e);
/*
 * Checks a Path: "/" or "/" text "/" of printable ASCII, at most 512
 * characters; a managed policy's ('policy') allows only [A-Za-z0-9.,+@=_-]
 * between its slashes. Fails with ValidationError.
 */
int iam_check_path(const char *value, const char *member, bool policy, struct err *e);
/* True when 'value' is a valid PathPrefix: "/" then printable ASCII, up to 512. */
bool iam_path_prefix_valid(const char *value);
/*
 * Characters of 'doc' that IAM counts against its size quotas: all but
 * white space (space, tab, CR, LF).
 */
size_t iam_doc_chars(const char *doc);

/* Writes 'prefix' and 'n' random characters of [A-Z0-9] into 'dst'. */
void iam_new_id(struct ctx *cx, const char *prefix, size_t n, char dst[static ID_SIZE]);
/* True when 'id' is 'prefix' and exactly 'n' characters of [A-Z0-9]. */
bool iam_id_valid(const char *id, const char *prefix, size_t n);
/*
 * A new, unowned resource of IAM kind 'kind' (user to session) with a fresh
 * ID of its prefix that no resource of 'w' has, owned by 'account' and made
 * at cx->now_ms. The caller fills it and hands it to world_adopt().
 */
struct res *iam_res_new(const struct world *w, struct ctx *cx, enum res_kind kind,
			const char *account);
/* How many resources of 'kind' 'account' owns (for the per-account quotas). */
size_t iam_count_owned(const struct world *w, enum res_kind kind, const char *account);
/* Writes 'n' random characters of [A-Za-z0-9+/] and a NUL into 'dst'. */
void iam_new_secret(struct ctx *cx, char *dst, size_t n);

/* The ARN of a user, role or managed policy, into 'dst' of IAM_ARN_SIZE. */
void iam_arn(const struct res *r, char dst[static IAM_ARN_SIZE]);
/* arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION of session 's' of role 'role'. */
void sts_session_arn(const struct sts_session *s, const struct iam_role *role,
		     char dst[static IAM_ARN_SIZE]);
/*
 * Splits 'arn', of the form arn:aws:iam::ACCOUNT:TYPE/[PATH/]NAME with TYPE
 * 'type' ("role", "policy"), into the account (12 digits), the path ("/" or
 * "/a/b/") and the name, each into its buffer. Returns false when it is not
 * of that form.
 */
bool iam_arn_split(const char *arn, const char *type, char account[static ACCOUNT_SIZE],
		   char path[static LIMIT_IAM_PATH_CHARS + 1], char name[static IAM_NAME_SIZE]);
/* The user or role part of 'r' (RES_IAM_USER or RES_IAM_ROLE). */
struct iam_principal *iam_principal_of(struct res *r);

/* --- users and access keys (core/iam.c) --- */
/*
 * The caller's user or role ('kind') named 'name' in any case, or NULL with
 * IAM's NoSuchEntity in 'e'.
 */
struct res *iam_lookup(const struct world *w, const struct ctx *cx, enum res_kind kind,
		       const char *name, struct err *e);
/* Finds the caller's user 'name' (any case), or fails with NoSuchEntity. */
struct iam_user *iam_user_lookup(const struct world *w, const struct ctx *cx,
				 const char *name, struct err *e);
/* Makes user 'name' under 'path' (NULL: "/"); both already checked. */
int iam_user_create(struct world *w, struct ctx *cx, const char *name, const char *path,
		    struct iam_user **out, struct err *e);
/* Deletes a user without access keys or policies (DeleteConflict otherwise). */
int iam_user_delete(struct world *w, struct ctx *cx, const char *name, struct err *e);
/* Fills 'out' (room for LIMIT_IAM_KEYS_PER_USER) with the keys of 'u'; returns how many. */
size_t iam_user_keys(const struct world *w, const struct iam_user *u, struct iam_key **out);
/* Makes an access key for 'u': LimitExceeded past LIMIT_IAM_KEYS_PER_USER. */
int iam_key_create(struct world *w, struct ctx *cx, struct iam_user *u, struct iam_key **out,
		   struct err *e);
/* Deletes access key 'key_id' of 'u', or fails with NoSuchEntity. */
int iam_key_delete(struct world *w, struct ctx *cx, struct iam_user *u, const char *key_id,
		   struct err *e);

/* --- inline and managed policies of users and roles (core/iam_policy.c) --- */
/* The inline policy 'name' of 'r' (exact name), or NULL. */
struct iam_inline *iam_inline_get(struct res *r, const char *name);
/*
 * Adds or replaces inline policy 'name' of user or role 'r'. Fails with
 * LimitExceeded when the principal's inline policies would pass their size
 * quota.
 */
int iam_inline_put(struct world *w, struct res *r, const char *name, const char *doc,
		   struct err *e);
/* Removes inline policy 'name' of 'r', or fails with NoSuchEntity. */
int iam_inline_delete(struct world *w, struct res *r, const char *name, struct err *e);
/* Makes a customer managed policy (v1 holds 'doc'); 'description' may be NULL. */
int iam_policy_create(struct world *w, struct ctx *cx, const char *name, const char *path,
		      const char *doc, const char *description, struct iam_policy **out,
		      struct err *e);
/*
 * The managed policy with ARN 'arn' (any account's, for attaching) or NULL.
 * Borrowed from 'w'.
 */
struct iam_policy *iam_policy_find(const struct world *w, const char *arn);
/* Deletes the caller's policy 'arn': NoSuchEntity, DeleteConflict if attached. */
int iam_policy_delete(struct world *w, struct ctx *cx, const char *arn, struct err *e);
/* Attaches policy 'arn' of the caller's account to user or role 'r'. */
int iam_attach(struct world *w, struct ctx *cx, struct res *r, const char *arn, struct err *e);
/* Detaches policy 'arn' from 'r', or fails with NoSuchEntity. */
int iam_detach(struct world *w, struct ctx *cx, struct res *r, const char *arn, struct err *e);

/* --- roles and sessions (core/iam_policy.c) --- */
struct iam_role_req {
	const char *name;
	const char *path;		/* NULL: "/" */
	const char *trust;		/* validated AssumeRolePolicyDocument */
	const char *description;	/* NULL: none */
	int max_session_s;		/* 0: IAM_SESSION_DEFAULT_S */
};
int iam_role_create(struct world *w, struct ctx *cx, const struct iam_role_req *req,
		    struct iam_role **out, struct err *e);
struct iam_role *iam_role_lookup(const struct world *w, const struct ctx *cx,
				 const char *name, struct err *e);
/* Deletes a role without policies, and every session of it. */
int iam_role_delete(struct world *w, struct ctx *cx, const char *name, struct err *e);
/*
 * Makes temporary credentials of 'role' named 'session_name' for
 * 'duration_s' seconds from cx->now_ms; the caller has checked both and
 * decided the trust policy.
 */
int sts_session_create(struct world *w, struct ctx *cx, const struct iam_role *role,
		       const char *session_name, int duration_s, struct sts_session **out,
		       struct err *e);
/* True when 's' has expired long enough to be forgotten (world_sweep()). */
bool sts_session_gone(const struct sts_session *s, int64_t now_ms);

/* --- who is calling (core/iam_caller.c) --- */
enum iam_principal_type {
	IAM_PRINCIPAL_ACCOUNT,		/* the account's root */
	IAM_PRINCIPAL_USER,
	IAM_PRINCIPAL_ASSUMED_ROLE,
};

#define IAM_CALLER_POLICIES (LIMIT_IAM_INLINE_POLICIES + LIMIT_IAM_ATTACHED_POLICIES)

/* A caller, for the API and the service fronts; every pointer borrows from the world. */
struct iam_caller {
	char account[ACCOUNT_SIZE];
	char arn[IAM_ARN_SIZE];		/* user, root or assumed-role ARN */
	char user_id[IAM_USER_ID_SIZE];	/* aws:userid: AIDA…, AROA…:session, the account */
	enum iam_principal_type type;
	char org_id[IAM_ORG_SIZE];	/* aws:PrincipalOrgID; "" outside an organization */
	/*
	 * An identities-file key: identity policies do not limit it (AWS's
	 * root user; docs/identities.md says why other file keys are too).
	 */
	bool unrestricted;
	struct iam_user *user;		/* the IAM user; NULL for others */
	struct iam_role *role;		/* the assumed role; NULL for others */
	/* Identity policy documents: inline ones, then attached managed ones. */
	const char *policies[IAM_CALLER_POLICIES];
	size_t n_policies;
};

/* "Account", "User", "AssumedRole": aws:PrincipalType. */
const char *iam_principal_type_name(enum iam_principal_type t);
/*
 * The secret key of 'access_key' (a file identity's, an IAM user's, a
 * session's, expired or not), or NULL. Borrowed from 'w' or 'dir'.
 */
const char *iam_secret(const struct world *w, const struct iam_dir *dir, struct str access_key);
/*
 * Fills 'out' with the caller that signed with 'access_key' and
 * 'session_token' (empty when none was sent) at 'now_ms'. Returns 0;
 * -ENOENT for an unknown key; -EKEYREJECTED when the token is missing,
 * wrong, or sent with a long-term key; -EKEYEXPIRED for a session that
 * has expired.
 */
int iam_caller(const struct world *w, const struct iam_dir *dir, struct str access_key,
	       struct str session_token, int64_t now_ms, struct iam_caller *out);
/* The organization of 'account', or "" when it has none. */
const char *iam_org_of(const struct iam_dir *dir, const char *account);
/*
 * The identity policy documents of the principal 'arn' of 'w' into 'out'
 * (as iam_caller() collects them): an IAM user's, a role's, or an assumed
 * role session's ("arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION": the
 * role's). Returns 0 with 'out->policies' set, or -ENOENT when 'w' has no
 * such user or role (a root or an identities-file key: no policies to read).
 */
int iam_principal_policies(const struct world *w, const char *arn, struct iam_caller *out);

#endif
