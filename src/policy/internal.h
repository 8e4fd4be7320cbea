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

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
 * the length and the last four bytes, each with 0x20 set (keys share their
 * "aws:" start and differ at the end).
 */
struct kname {
	const char *s;
	uint32_t len;
	uint32_t slot;		/* rkey_slot(tag) */
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

/* The last four bytes of 's' ('n' of them) as a word; all of them if fewer. */
static inline uint32_t last4(const void *s, size_t n)
{
	const uint8_t *p = s;
	uint32_t w = 0;

	if (n >= 4)
		memcpy(&w, p + n - 4, 4);
	else
		for (size_t i = 0; i < n; i++)
			w = w << 8 | p[i];
	return w;
}

static inline uint64_t kname_tag(const char *s, size_t len)
{
	/* 0x20 set in every byte: names equal but for ASCII case get one tag. */
	return 1ULL << 63 | (uint64_t)len << 32 | (last4(s, len) | 0x20202020u);
}

/* The slot of a key's tag in the request's table (struct rreq): 0 to 31. */
#define RREQ_SLOTS 32
_Static_assert(RREQ_SLOTS <= 32, "struct rreq's masks hold a bit per slot");

static inline unsigned rkey_slot(uint64_t tag)
{
	return (unsigned)((tag * 0x9E3779B97F4A7C15ULL) >> 59);
}

/* A key name from its lowercased form and the form the policy wrote. */
static inline struct kname kname_make(const char *lowered, size_t len, const char *orig)
{
	uint64_t tag = kname_tag(lowered, len);

	return (struct kname){ lowered, (uint32_t)len, rkey_slot(tag), tag, orig };
}

#ifdef __SSE2__
static inline bool bytes_eq16(const char *p, const char *q)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i y = _mm_loadu_si128((const __m128i *)(const void *)q);

	return _mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) == 0xFFFF;
}
#endif

/*
 * memcmp(a, b, n) == 0, inline: the strings policies compare are short, and
 * a call costs more than the comparison.
 */
static inline bool bytes_eq(const void *a, const void *b, size_t n)
{
	const char *p = a, *q = b;
	uint64_t x, y;
	uint32_t u, v;

#ifdef __SSE2__
	if (n >= 16) {
		/* Sixteen at a time, then the last sixteen (overlapping the rest). */
		for (size_t i = 0; i + 16 < n; i += 16)
			if (!bytes_eq16(p + i, q + i))
				return false;
		return bytes_eq16(p + n - 16, q + n - 16);
	}
#endif
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
	uint32_t role_len;
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
	COND_F_ALL = 1 << 4,		/* every context value must hold (else one) */
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
	uint8_t if_absent;	/* the result when the key is absent */
	uint8_t if_present;	/* Null: the result when it is present */
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

/*
 * A statement's action filter: a bit for each literal action (by its length
 * and last bytes) and for each action prefix of three or more literal bytes
 * ("s3:*", "s3:get*": by those three). An action can match the statement
 * only if the filter holds the action's own bit or its prefix's bit
 * (rreq.action_bits). 0: no filter ("*", or a pattern it cannot describe).
 */
static inline uint64_t action_bit(const uint8_t *s, size_t n)
{
	return 1ULL << (((uint64_t)n << 32 | last4(s, n)) * 0x9E3779B97F4A7C15ULL >> 58);
}

static inline uint64_t action_prefix_bit(const uint8_t *s, size_t n)
{
	if (n < 3)
		return 0;
	return 1ULL << ((1u << 24 | (uint32_t)s[2] << 16 | (uint32_t)s[1] << 8 | s[0]) *
				0xD6E8FEB86659FD93ULL >> 58);
}

/* Counts first, then what they count, then the Sid: hot first. */
struct stmt {
	uint8_t flags;
	uint32_t n_actions, n_resources, n_prins, n_conds;
	uint64_t action_filter;
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
 * holds the first key that hashed to it (its tag, for a compare without a
 * dependent load, and its index); a slot more than one key hashed to is
 * marked crowded, and lookups there compare the keys one by one. Bit masks
 * say which slots are in use, so the table needs no clearing.
 */
struct rreq {
	struct rprin prin;
	const char *action;	/* lowercased */
	size_t action_len;
	uint64_t action_bits;	/* action_bit() | action_prefix_bit() */
	struct str res_f[ARN_FIELDS];	/* once split: see rreq_split_resource() */
	bool res_split, res_is_arn;
	const char *resource;
	size_t resource_len;
	struct str resource_account;
	const struct pol_key *keys;	/* the caller's */
	const uint64_t *tags;	/* kname_tag() of each key's name */
	size_t n_keys;
	uint32_t used;		/* bit per slot that holds a key */
	uint32_t crowded;	/* bit per slot that more than one key hashed to */
	uint64_t slot_tag[RREQ_SLOTS];
	uint32_t slot_key[RREQ_SLOTS];
	bool has_boundary;	/* a boundary applies to the caller */
};

/* Whether 'name' folded equals 'lowered', 'n' bytes each, eight at a time. */
static inline bool key_eq(const char *name, const char *lowered, size_t n)
{
	uint64_t a, b;

	if (n < 8) {
		for (size_t i = 0; i < n; i++)
			if (str_ascii_lower(name[i]) != lowered[i])
				return false;
		return true;
	}
	/* Whole words, then the last eight bytes (overlapping the rest). */
	for (size_t i = 0; i + 8 <= n; i += 8) {
		memcpy(&a, name + i, 8);
		memcpy(&b, lowered + i, 8);
		if (fold8(a) != b)
			return false;
	}
	memcpy(&a, name + n - 8, 8);
	memcpy(&b, lowered + n - 8, 8);
	return fold8(a) == b;
}

/* Whether 'name', whose tag is key->tag, is 'key'. */
static inline bool rkey_named(const char *name, const struct kname *key)
{
	return bytes_eq(name, key->orig, key->len) || key_eq(name, key->s, key->len);
}

/* The request's context key named 'key', or NULL. */
static inline const struct pol_key *rreq_key(const struct rreq *req, const struct kname *key)
{
	unsigned h = key->slot;
	uint32_t bit = 1u << h;

	if (req->crowded & bit) {
		for (size_t i = 0; i < req->n_keys; i++)
			if (req->tags[i] == key->tag && rkey_named(req->keys[i].name, key))
				return &req->keys[i];
		return NULL;
	}
	if ((req->used & bit) && req->slot_tag[h] == key->tag &&
	    rkey_named(req->keys[req->slot_key[h]].name, key))
		return &req->keys[req->slot_key[h]];
	return NULL;
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
bool cond_parse_bool(const char *s, size_t n, bool *out);
bool cond_parse_ip(const char *s, bool allow_prefix, struct ipnet *out);
/* Decodes base64 'in' into arena memory. */
bool cond_parse_base64(const char *in, struct arena *a, const uint8_t **out, size_t *n);
/*
 * Whether string value 'v' matches pattern 'p' of condition 'c' after its
 * variables are replaced: 1, 0 or -ENOMEM.
 */
int cond_var_match(const struct policy *pol, const struct cond *c, const struct pat *p,
		   const char *v, size_t vlen, const struct rreq *req, struct arena *scratch);
/*
 * Whether one context value matches any of the condition's values: 1, 0,
 * -1 when the value cannot be read as the operator's type, or -ENOMEM.
 */
int cond_typed_match(const struct policy *pol, const struct cond *c, const char *v,
		     size_t vlen, const struct rreq *req, struct arena *scratch);

/*
 * The hot part of the conditions, inline (most of them are string
 * conditions on one key): cond_string_match() and cond_eval().
 */
static inline int cond_string_match(const struct policy *pol, const struct cond *c,
				    const char *v, size_t vlen, const struct rreq *req,
				    struct arena *scratch)
{
	bool nocase = c->family == COND_STRING_ICASE;

	for (uint32_t i = 0; i < c->n_vals; i++) {
		const struct pat *p = &c->vals[i].u.pat;
		int m = p->flags & PAT_VARS ? cond_var_match(pol, c, p, v, vlen, req, scratch) :
					      pat_match(p, (const uint8_t *)v, vlen, nocase);

		if (m)
			return m;
	}
	return 0;
}

/*
 * Evaluates one condition. Returns 1 (holds), 0 (does not) or -ENOMEM when
 * 'scratch' is full.
 */
static inline int cond_eval(const struct policy *pol, const struct cond *c,
			    const struct rreq *req, struct arena *scratch)
{
	const struct pol_key *k = rreq_key(req, &c->key);
	bool string = c->family == COND_STRING || c->family == COND_STRING_ICASE;
	bool neg = c->flags & COND_F_NEG, all = c->flags & COND_F_ALL, any = false;

	if (!k || !k->n)
		return c->if_absent;
	if (c->family == COND_NULL)
		return c->if_present;
	/*
	 * Per context value: holds when it matches some policy value (negated
	 * operators: none); COND_F_ALL needs every value to hold, the rest one.
	 * A value of the wrong type fails the key, so with typed operators
	 * every value is read before one that holds decides.
	 */
	for (size_t i = 0; i < k->n; i++) {
		const char *v = k->values[i];
		size_t vlen = k->value_lens ? k->value_lens[i] : strlen(v);
		int m = string ? cond_string_match(pol, c, v, vlen, req, scratch) :
				 cond_typed_match(pol, c, v, vlen, req, scratch);
		bool holds;

		if (m == -ENOMEM)
			return m;
		if (m < 0)
			return 0;
		holds = neg ? !m : m;
		if (all && !holds)
			return 0;
		if (!all && holds && string)
			return 1;
		any |= holds;
	}
	return all || any;
}

#endif
