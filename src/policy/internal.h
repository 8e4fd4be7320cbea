/* SPDX-License-Identifier: MIT */
/*
 * The compiled form of a policy, shared by the compiler (compile.c), the
 * condition operators (cond.c) and the decision (decide.c). Everything a
 * policy holds lives in its own arena and is freed with it.
 *
 * Patterns are byte strings in which PAT_STAR and PAT_QMARK are wildcards
 * and PAT_VAR is followed by one byte naming a policy variable. These bytes
 * never occur in UTF-8, which jansson checks, so a literal '*' (from ${*},
 * from StringEquals or from a variable's value) stays an ordinary byte.
 */
#ifndef POLICY_INTERNAL_H
#define POLICY_INTERNAL_H

#include "compat.h"
#include "base/arena.h"
#include "policy/policy.h"

#define PAT_STAR 0xFF
#define PAT_QMARK 0xFE
#define PAT_VAR 0xFD

enum {
	PAT_WILD = 1 << 0,	/* holds PAT_STAR or PAT_QMARK */
	PAT_VARS = 1 << 1,	/* holds PAT_VAR */
	PAT_ALL = 1 << 2,	/* exactly one PAT_STAR: matches anything */
	PAT_PREFIX = 1 << 3,	/* literal bytes, then one PAT_STAR at the end */
};

struct pat {
	const uint8_t *s;
	uint32_t len;
	uint8_t flags;
};

/* Fields of an ARN: arn, partition, service, region, account, resource. */
#define ARN_FIELDS 6

struct arnpat {
	struct pat whole;
	struct pat f[ARN_FIELDS];	/* when the pattern has six fields */
	bool by_field;			/* wildcards in the first five: match field by field */
};

/*
 * A context key's name in a policy, lowercased. Lookups compare tags first:
 * the length and the last four bytes, folded (keys share their "aws:" start
 * and differ at the end).
 */
struct kname {
	const char *s;
	uint32_t len;
	uint64_t tag;
	const char *orig;	/* as the policy wrote it: most requests use the same case */
};

/* Eight bytes with their ASCII capitals lowered, all at once. */
static inline uint64_t fold8(uint64_t x)
{
	uint64_t b = x & 0x7F7F7F7F7F7F7F7FULL;
	uint64_t ge_a = b + 0x3F3F3F3F3F3F3F3FULL;	/* high bit: byte >= 'A' */
	uint64_t gt_z = b + 0x2525252525252525ULL;	/* high bit: byte > 'Z' */

	return x | ((ge_a & ~gt_z & ~x & 0x8080808080808080ULL) >> 2);
}

static inline uint64_t kname_tag(const char *s, size_t len)
{
	uint32_t last = 0;

	if (len >= 4)
		memcpy(&last, s + len - 4, 4);
	else
		for (size_t i = 0; i < len; i++)
			last = last << 8 | (uint8_t)s[i];
	return 1ULL << 63 | (uint64_t)len << 32 | (fold8(last) & 0xFFFFFFFF);
}

/*
 * memcmp(a, b, n) == 0, inline: the strings policies compare are short, and
 * a call costs more than the comparison.
 */
static inline bool bytes_eq(const void *a, const void *b, size_t n)
{
	const char *p = a, *q = b;
	uint64_t x, y;
	uint32_t u, v;

	if (n >= 8) {
		for (size_t i = 0; i + 8 < n; i += 8) {
			memcpy(&x, p + i, 8);
			memcpy(&y, q + i, 8);
			if (x != y)
				return false;
		}
		memcpy(&x, p + n - 8, 8);	/* the last eight, overlapping */
		memcpy(&y, q + n - 8, 8);
		return x == y;
	}
	if (n >= 4) {
		memcpy(&u, p, 4);
		memcpy(&v, q, 4);
		if (u != v)
			return false;
		memcpy(&u, p + n - 4, 4);
		memcpy(&v, q + n - 4, 4);
		return u == v;
	}
	for (size_t i = 0; i < n; i++)
		if (p[i] != q[i])
			return false;
	return true;
}

/* A policy variable: ${key} or ${key, 'default'}. */
struct pvar {
	struct kname key;
	const char *def;		/* NULL: none */
	uint32_t def_len;
};

enum prin_kind {
	PRIN_ANY,		/* "*", {"AWS": "*"} */
	PRIN_ACCOUNT,		/* 123456789012, arn:aws:iam::123456789012:root */
	PRIN_USER,		/* arn:...:iam::A:user/[path/]name: exact */
	PRIN_ROLE,		/* arn:...:iam::A:role/[path/]name: the role and its sessions */
	PRIN_SESSION,		/* arn:...:sts::A:assumed-role/R/s: exact */
	PRIN_EXACT,		/* any other ARN, Service, Federated, CanonicalUser */
};

struct prin {
	uint8_t kind;
	uint32_t len;		/* of 'str' */
	const char *str;	/* the value as written; PRIN_ACCOUNT: the account */
	const char *role;	/* PRIN_ROLE: the role's name */
	const char *account;	/* PRIN_ROLE: its account */
};

enum cond_family {
	COND_STRING,		/* Equals / Like: see COND_F_LIKE */
	COND_STRING_ICASE,
	COND_NUMERIC,
	COND_DATE,
	COND_BOOL,
	COND_BINARY,
	COND_IP,
	COND_ARN,
	COND_NULL,
};

enum cond_cmp { CMP_EQ, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

enum {
	COND_F_NEG = 1 << 0,		/* a Not operator: values are NOR'd */
	COND_F_IFEXISTS = 1 << 1,
	COND_F_FORALL = 1 << 2,
	COND_F_FORANY = 1 << 3,
};

/*
 * A decimal number as written, for exact comparison: the digits of its
 * whole part without leading zeros and of its fraction without trailing
 * zeros, pointing into the text it was read from.
 */
struct decnum {
	const char *whole, *frac;
	uint32_t whole_len, frac_len;
	bool neg;
};

struct ipnet {
	uint8_t family;		/* 4 or 6 */
	uint8_t prefix;
	uint8_t addr[16];	/* masked */
};

struct cval {
	union {
		struct pat pat;			/* COND_STRING, COND_STRING_ICASE */
		struct arnpat arn;		/* COND_ARN */
		struct decnum num;		/* COND_NUMERIC */
		int64_t ms;			/* COND_DATE */
		bool b;				/* COND_BOOL, COND_NULL */
		struct ipnet ip;		/* COND_IP */
		struct { const uint8_t *p; size_t n; } bin;	/* COND_BINARY */
	} u;
};

struct cond {
	uint8_t family;
	uint8_t cmp;
	uint8_t flags;
	struct kname key;
	struct cval *vals;
	uint32_t n_vals;
};

enum {
	STMT_DENY = 1 << 0,
	STMT_NOT_ACTION = 1 << 1,
	STMT_NOT_RESOURCE = 1 << 2,
	STMT_PRINCIPAL = 1 << 3,	/* a Principal or NotPrincipal element */
	STMT_NOT_PRINCIPAL = 1 << 4,
	STMT_ANY_ACTION = 1 << 5,	/* an Action (or NotAction) of "*" */
	STMT_ANY_RESOURCE = 1 << 6,	/* a Resource (or NotResource) of "*" */
};

/* Counts first, then what they count, then the Sid: 64 bytes, hot first. */
struct stmt {
	uint8_t flags;
	uint32_t n_actions, n_resources, n_prins, n_conds;
	struct pat *actions;		/* lowercased */
	struct arnpat *resources;
	struct prin *prins;
	struct cond *conds;
	const char *sid;
};

struct policy {
	struct arena arena;
	enum pol_type type;
	struct stmt *stmts;
	uint32_t n_stmts;
	struct pvar *vars;
	uint32_t n_vars;
};

/* The request as the matchers want it, prepared once per decision. */
struct rkey {
	const char *name;	/* as the caller wrote it */
	size_t len;
	uint64_t tag;		/* kname_tag() */
	const char *const *values;
	const size_t *value_lens;	/* NULL: count them */
	size_t n;
};

struct rprin {
	bool anonymous;
	const char *str;	/* the caller as given */
	size_t len;
	struct str account;	/* empty: none */
	struct str role;	/* a session's role name (empty: not a session) */
	bool user_or_session;	/* names a user or an exact session */
};

/*
 * Context keys are found through a direct-mapped table of their tags: a slot
 * holds the first key that hashed to it; a slot more than one key hashed to
 * is marked, and lookups there compare tags one by one.
 */
#define RREQ_SLOTS 32
_Static_assert(RREQ_SLOTS <= 32, "struct rreq's 'crowded' holds a bit per slot");

struct rreq {
	struct rprin prin;
	const char *action;	/* lowercased */
	size_t action_len;
	struct str res_f[ARN_FIELDS];	/* once split: see rreq_split_resource() */
	bool res_split, res_is_arn;
	const char *resource;
	size_t resource_len;
	struct str resource_account;
	const struct rkey *keys;
	size_t n_keys;
	uint8_t slot[RREQ_SLOTS];	/* key index + 1, 0: none */
	uint32_t crowded;		/* bit per slot that more than one key hashed to */
	bool has_boundary;	/* a boundary applies to the caller */
};

static inline unsigned rkey_slot(uint64_t tag)
{
	return (unsigned)((tag * 0x9E3779B97F4A7C15ULL) >> 59);
}

/* glob.c */
bool pat_glob(const struct pat *p, const uint8_t *s, size_t n, bool nocase);

/* Whether 's' ('n' bytes; with 'nocase', folded as the pattern was) matches 'p'. */
static inline bool pat_match(const struct pat *p, const uint8_t *s, size_t n, bool nocase)
{
	if (p->flags & PAT_ALL)
		return true;
	if (!nocase && !(p->flags & PAT_WILD))
		return p->len == n && (n == 0 || (p->s[0] == s[0] && bytes_eq(p->s, s, n)));
	if (!nocase && (p->flags & PAT_PREFIX))
		return n >= p->len - 1u && bytes_eq(p->s, s, p->len - 1u);
	return pat_glob(p, s, n, nocase);
}
/* Splits 's' into ARN fields; false when it has fewer than six. */
bool arn_split(const uint8_t *s, size_t n, struct str f[ARN_FIELDS]);

/* Splits the resource into its ARN fields on first use; whether it is an ARN. */
static inline bool rreq_split_resource(struct rreq *r)
{
	if (!r->res_split) {
		r->res_is_arn = arn_split((const uint8_t *)r->resource, r->resource_len, r->res_f);
		r->res_split = true;
	}
	return r->res_is_arn;
}
bool arnpat_match(const struct arnpat *p, const struct str f[ARN_FIELDS], bool is_arn,
		  const uint8_t *s, size_t n);
/*
 * Replaces the variables of 'p' with their values from 'req' into 'scratch'.
 * Returns false when a variable has no single value and no default (the
 * pattern then matches nothing) or the arena is full (sets scratch->err).
 */
bool pat_expand(const struct policy *pol, const struct rreq *req, const struct pat *p,
		struct arena *scratch, struct pat *out);
/*
 * An ARN pattern with its variables replaced, as pat_expand(): 'p' itself
 * when it has none, else 'out'; NULL when it matches nothing.
 */
const struct arnpat *arnpat_resolve(const struct policy *pol, const struct rreq *req,
				    const struct arnpat *p, struct arena *scratch,
				    struct arnpat *out);
const struct rkey *rreq_key(const struct rreq *req, const struct kname *key);

/*
 * compile.c: a JSON scalar as policy text (docs/policy.md), for policy and
 * context values alike: a string as it is, an integer in decimal, another
 * number by pol_real_text(), true or false; 'tmp' when it had to be
 * written; NULL for other JSON values.
 */
struct json_t;
const char *pol_scalar_text(const struct json_t *v, char tmp[POL_REAL_TEXT_MAX]);

/* cond.c: value parsers shared with the compiler, and the operators. */
bool cond_parse_number(const char *s, struct decnum *out);
bool cond_parse_date(const char *s, int64_t *ms);
bool cond_parse_bool(const char *s, bool *out);
bool cond_parse_ip(const char *s, bool allow_prefix, struct ipnet *out);
/* Decodes base64 'in' into arena memory. */
bool cond_parse_base64(const char *in, struct arena *a, const uint8_t **out, size_t *n);
/*
 * Evaluates one condition. Returns 1 (holds), 0 (does not) or -ENOMEM when
 * 'scratch' is full.
 */
int cond_eval(const struct policy *pol, const struct cond *c, const struct rreq *req,
	      struct arena *scratch);

#endif
