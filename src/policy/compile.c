/* SPDX-License-Identifier: MIT */
/*
 * Parse, validate and compile a policy document in one pass over its JSON.
 * Every problem is recorded with the path of the element it concerns; a
 * document with any problem compiles to nothing.
 */
#include "compat.h"
#include "policy/internal.h"

#include <jansson.h>

#include "base/xalloc.h"
#include "limits.h"

#define POLICY_ERR "InvalidPolicyDocument"

/* The compiler's state for one document. */
struct cc {
	struct policy *pol;
	struct pol_problems *probs;
	size_t n_probs;
	bool v2012;		/* Version 2012-10-17: variables are live */
	bool endpoint;		/* an endpoint policy: AWS's extra wildcard rules */
	size_t vars_alloc;
};

/* How compile_pat() reads text. */
enum {
	M_WILD = 1 << 0,	/* '*' and '?' are wildcards */
	M_VARS = 1 << 1,	/* ${...} are variables (under 2012-10-17) */
	M_FOLD = 1 << 2,	/* fold ASCII case */
};

static const char *const layer_names[POL_LAYERS] = {
	[POL_LAYER_IDENTITY] = "identity",
	[POL_LAYER_RESOURCE] = "resource",
	[POL_LAYER_ENDPOINT] = "endpoint",
	[POL_LAYER_SCP] = "scp",
	[POL_LAYER_BOUNDARY] = "boundary",
};

static const char *const type_names[] = {
	[POL_TYPE_IDENTITY] = "identity",
	[POL_TYPE_RESOURCE] = "resource",
	[POL_TYPE_ENDPOINT] = "endpoint",
	[POL_TYPE_GATEWAY_ENDPOINT] = "gateway-endpoint",
	[POL_TYPE_SCP] = "scp",
	[POL_TYPE_BOUNDARY] = "boundary",
	[POL_TYPE_TRUST] = "trust",
};

int pol_type_parse(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(type_names); i++)
		if (strcmp(name, type_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *pol_layer_name(enum pol_layer layer)
{
	return layer < POL_LAYERS ? layer_names[layer] : "?";
}

void pol_problems_release(struct pol_problems *list)
{
	FREE_AND_NULL(list->v);
	list->n = list->alloc = 0;
}

static void vproblem(struct cc *cc, const char *aws, const char *path, const char *fmt,
		     va_list ap)
{
	struct pol_problem *p;

	cc->n_probs++;
	if (!cc->probs)
		return;
	ALLOC_GROW(cc->probs->v, cc->probs->n + 1, cc->probs->alloc);
	p = &cc->probs->v[cc->probs->n++];
	str_lcpy(p->path, *path ? path : "(document)", sizeof(p->path));
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	p->aws = aws;
}

ATTR_PRINTF(3, 4)
static void problem(struct cc *cc, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(cc, NULL, path, fmt, ap);
	va_end(ap);
}

/* A problem for which IAM answers the fixed message 'aws'. */
ATTR_PRINTF(4, 5)
static void problem_aws(struct cc *cc, const char *aws, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(cc, aws, path, fmt, ap);
	va_end(ap);
}

static void *cc_alloc(struct cc *cc, size_t n, size_t size)
{
	void *p = n ? arena_alloc(&cc->pol->arena, n * size) : NULL;

	if (n && !p)
		cc->n_probs++;	/* reported once, by policy_compile() */
	return p;
}

/* A copy of 's' in the policy's arena (NULL stays NULL). */
static const char *arena_str(struct cc *cc, const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = arena_strdup(&cc->pol->arena, str_c(s));
	if (!d)
		cc->n_probs++;
	return d;
}

/*
 * AWS's extra rules for endpoint policies (PrivateLink guide, "Control
 * access to VPC endpoints using endpoint policies", Considerations): no
 * wildcards or numeric operators on keys that hold system-made IDs; six
 * literal characters next to each wildcard of a string operator; an ARN's
 * account field holds an ID or wildcards, not both.
 */
static const char *const system_id_keys[] = {
	"aws:principalaccount", "aws:principalorgid", "aws:resourceaccount",
	"aws:resourceorgid", "aws:sourceaccount", "aws:sourceorgid", "aws:sourcevpc",
	"aws:sourcevpce", "aws:vpceaccount", "aws:vpceorgid",
};

static bool is_system_id_key(const char *lowered)
{
	for (size_t i = 0; i < ARRAY_SIZE(system_id_keys); i++)
		if (strcmp(lowered, system_id_keys[i]) == 0)
			return true;
	return false;
}

static bool is_wild(char c)
{
	return c == '*' || c == '?';
}

/* Every wildcard of 's' has six literal characters just before or after it. */
static bool wildcards_anchored(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++) {
		size_t before = 0, after = 0;

		if (!is_wild(s[i]))
			continue;
		while (before < i && !is_wild(s[i - 1 - before]))
			before++;
		while (i + 1 + after < n && !is_wild(s[i + 1 + after]))
			after++;
		if (before < 6 && after < 6)
			return false;
	}
	return true;
}

/* An ARN's account field is an account ID or wildcards, not a mix. */
static bool arn_account_plain(const char *s)
{
	struct str f[ARN_FIELDS];
	bool wild = false, literal = false;

	if (strncmp(s, "arn:", 4) != 0 || !arn_split((const uint8_t *)s, strlen(s), f))
		return true;
	for (size_t i = 0; i < f[4].len; i++) {
		wild |= is_wild(f[4].p[i]);
		literal |= !is_wild(f[4].p[i]);
	}
	return !(wild && literal);
}

#define ENDPOINT_ARN_RULE "in an endpoint policy, an ARN's account is an account ID or a wildcard, not both"

static bool is_policy_type(enum pol_type t, bool want_principal)
{
	bool has = t == POL_TYPE_RESOURCE || t == POL_TYPE_ENDPOINT ||
		   t == POL_TYPE_GATEWAY_ENDPOINT || t == POL_TYPE_TRUST;

	return has == want_principal;
}

/* ---- patterns ---- */

static uint8_t pat_flags_of(const uint8_t *s, size_t n)
{
	uint8_t f = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == PAT_STAR || s[i] == PAT_QMARK)
			f |= PAT_WILD;
		if (s[i] == PAT_VAR) {
			f |= PAT_VARS;
			i += 2;
		}
	}
	if (n == 1 && s[0] == PAT_STAR)
		f |= PAT_ALL;
	if (n > 0 && s[n - 1] == PAT_STAR && !(f & PAT_VARS) &&
	    !memchr(s, PAT_STAR, n - 1) && !memchr(s, PAT_QMARK, n - 1))
		f |= PAT_PREFIX;
	return f;
}

static uint16_t var_index(struct cc *cc, const char *key, size_t klen, const char *def,
			  size_t dlen, bool has_def)
{
	struct policy *pol = cc->pol;
	struct pvar *v;
	char *k, *d = NULL;

	for (uint32_t i = 0; i < pol->n_vars; i++) {
		v = &pol->vars[i];
		if (v->key.len == klen && strncasecmp(v->key.s, key, klen) == 0 &&
		    (v->def != NULL) == has_def &&
		    (!has_def || (v->def_len == dlen && memcmp(v->def, def, dlen) == 0)))
			return (uint16_t)i;
	}
	if (pol->n_vars >= UINT16_MAX) {
		cc->n_probs++;
		return 0;
	}
	k = cc_alloc(cc, 2 * (klen + 1), 1);
	if (has_def)
		d = cc_alloc(cc, dlen + 1, 1);
	if (!k || (has_def && !d))
		return 0;
	for (size_t i = 0; i < klen; i++)
		k[i] = str_ascii_lower(key[i]);
	memcpy(k + klen + 1, key, klen);
	if (d)
		memcpy(d, def, dlen);
	ALLOC_GROW(pol->vars, pol->n_vars + 1, cc->vars_alloc);
	pol->vars[pol->n_vars] = (struct pvar){
		.key = kname_make(k, klen, k + klen + 1), .def = d,
		.def_len = (uint32_t)dlen,
	};
	return (uint16_t)pol->n_vars++;
}

/*
 * Reads a variable at 't' ("${...}"). Returns the bytes it spans and writes
 * its encoding to 'd' (advancing it), or 0 when the text is not a
 * well-formed variable and stays literal.
 */
static size_t compile_var(struct cc *cc, const char *t, uint8_t **d)
{
	const char *close = strchr(t + 2, '}'), *comma;
	struct str key, def = STR_EMPTY;
	bool has_def = false;
	uint16_t idx;

	if (!close)
		return 0;
	if (close == t + 3 && (t[2] == '*' || t[2] == '?' || t[2] == '$')) {
		*(*d)++ = (uint8_t)t[2];
		return 4;
	}
	comma = memchr(t + 2, ',', (size_t)(close - t - 2));
	key = str_trim(str_from(t + 2, (size_t)((comma ? comma : close) - t - 2)));
	if (comma) {
		struct str rest = str_trim(str_from(comma + 1, (size_t)(close - comma - 1)));

		if (rest.len < 2 || rest.p[0] != '\'' || rest.p[rest.len - 1] != '\'')
			return 0;
		def = str_from(rest.p + 1, rest.len - 2);
		has_def = true;
	}
	if (!key.len || memchr(key.p, '$', key.len) || memchr(key.p, '{', key.len) ||
	    memchr(key.p, '\'', key.len) || memchr(key.p, ' ', key.len))
		return 0;
	if (has_def && memchr(def.p, '\'', def.len))
		return 0;
	idx = var_index(cc, key.p, key.len, def.p, def.len, has_def);
	*(*d)++ = PAT_VAR;
	*(*d)++ = (uint8_t)(idx >> 8);
	*(*d)++ = (uint8_t)idx;
	return (size_t)(close - t) + 1;
}

static void compile_pat(struct cc *cc, const char *text, unsigned mode, struct pat *out)
{
	size_t n = strlen(text);
	uint8_t *buf = cc_alloc(cc, n + 1, 1), *d = buf;

	*out = (struct pat){ .s = (const uint8_t *)"", .len = 0 };
	if (!buf)
		return;
	for (size_t i = 0; i < n;) {
		char c = text[i];
		size_t used;

		if ((mode & M_VARS) && cc->v2012 && c == '$' && text[i + 1] == '{' &&
		    (used = compile_var(cc, text + i, &d)) > 0) {
			i += used;
			continue;
		}
		if ((mode & M_WILD) && c == '*')
			*d++ = PAT_STAR;
		else if ((mode & M_WILD) && c == '?')
			*d++ = PAT_QMARK;
		else
			*d++ = (uint8_t)((mode & M_FOLD) ? str_ascii_lower(c) : c);
		i++;
	}
	*out = (struct pat){ .s = buf, .len = (uint32_t)(d - buf) };
	out->flags = pat_flags_of(buf, out->len);
}

static void compile_arnpat(struct cc *cc, const char *text, unsigned mode, struct arnpat *out)
{
	size_t start = 0, k = 0;
	const uint8_t *s;

	memset(out, 0, sizeof(*out));
	compile_pat(cc, text, mode, &out->whole);
	s = out->whole.s;
	for (size_t i = 0; i < out->whole.len && k < ARN_FIELDS - 1; i++) {
		if (s[i] == PAT_VAR) {
			i += 2;
		} else if (s[i] == ':') {
			out->f[k].s = s + start;
			out->f[k].len = (uint32_t)(i - start);
			k++;
			start = i + 1;
		}
	}
	if (k < ARN_FIELDS - 1)
		return;
	out->f[k].s = s + start;
	out->f[k].len = (uint32_t)(out->whole.len - start);
	for (size_t i = 0; i < ARN_FIELDS; i++)
		out->f[i].flags = pat_flags_of(out->f[i].s, out->f[i].len);
	/*
	 * With literal first five fields, the colons pin the alignment: matching
	 * the whole string is the same as field by field, and faster.
	 */
	for (size_t i = 0; i < ARN_FIELDS - 1; i++)
		if (out->f[i].flags & (PAT_WILD | PAT_VARS))
			out->by_field = true;
}

/* ---- element helpers ---- */

/*
 * A JSON scalar as policy text: strings as they are, integers in decimal,
 * other numbers in their shortest exact form, booleans as true/false.
 */
const char *pol_scalar_text(const json_t *v, char tmp[POL_REAL_TEXT_MAX])
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_true(v) || json_is_false(v))
		return json_is_true(v) ? "true" : "false";
	if (json_is_integer(v))
		snprintf(tmp, POL_REAL_TEXT_MAX, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		pol_real_text(json_real_value(v), tmp, POL_REAL_TEXT_MAX);
	else
		return NULL;
	return tmp;
}

/* pol_scalar_text() kept in the policy's arena. */
static const char *scalar_text(struct cc *cc, json_t *v)
{
	char tmp[POL_REAL_TEXT_MAX];
	const char *text = pol_scalar_text(v, tmp);

	return text ? arena_str(cc, text) : NULL;
}

/*
 * The strings of a "string or list of strings" element, in 'items' (up to
 * 'n'); 'scalars' also takes numbers and booleans. Returns the count, or -1
 * after recording a problem.
 */
static long string_list(struct cc *cc, const char *path, json_t *v, bool scalars,
			const char ***items)
{
	size_t n = json_is_array(v) ? json_array_size(v) : 1, i;
	json_t *x;

	if (json_is_array(v) && n == 0) {
		problem(cc, path, "must not be an empty list");
		return -1;
	}
	*items = cc_alloc(cc, n, sizeof(**items));
	if (!*items)
		return -1;
	if (!json_is_array(v)) {
		(*items)[0] = scalars ? scalar_text(cc, v) : arena_str(cc, json_string_value(v));
		if (!(*items)[0]) {
			problem(cc, path, scalars ? "must be a string, number or boolean, or a list "
						    "of them" :
						    "must be a string or a list of strings");
			return -1;
		}
		return 1;
	}
	json_array_foreach(v, i, x) {
		(*items)[i] = scalars ? scalar_text(cc, x) : arena_str(cc, json_string_value(x));
		if (!(*items)[i]) {
			problem(cc, path, scalars ? "must hold only strings, numbers or booleans" :
						    "must hold only strings");
			return -1;
		}
	}
	return (long)n;
}

/* The statement's action filter (struct stmt), 0 when it can have none. */
static uint64_t action_filter(const struct stmt *st)
{
	uint64_t filter = 0;

	for (uint32_t i = 0; i < st->n_actions; i++) {
		const struct pat *p = &st->actions[i];

		if (!(p->flags & PAT_WILD))
			filter |= action_bit(p->s, p->len);
		else if ((p->flags & PAT_PREFIX) && p->len - 1 >= 3)
			filter |= action_prefix_bit(p->s, p->len - 1);
		else
			return 0;
	}
	return filter;
}

static void compile_actions(struct cc *cc, const char *path, json_t *v, struct stmt *st)
{
	const char **items;
	long n = string_list(cc, path, v, false, &items);

	if (n < 0)
		return;
	st->actions = cc_alloc(cc, (size_t)n, sizeof(*st->actions));
	if (!st->actions)
		return;
	for (long i = 0; i < n; i++) {
		const char *colon = strchr(items[i], ':');

		if (strcmp(items[i], "*") != 0 && (!colon || colon == items[i])) {
			problem(cc, path, "'%.60s' is not '*' or 'service:action'", items[i]);
			continue;
		}
		if (cc->pol->type == POL_TYPE_TRUST && strncasecmp(items[i], "sts:", 4)) {
			problem_aws(cc, "AssumeRole policy may only specify STS AssumeRole actions.",
				    path, "'%.60s': a trust policy's actions are STS's", items[i]);
			continue;
		}
		compile_pat(cc, items[i], M_WILD | M_FOLD, &st->actions[st->n_actions]);
		if (st->actions[st->n_actions++].flags & PAT_ALL)
			st->flags |= STMT_ANY_ACTION;
	}
	st->action_filter = action_filter(st);
}

static void compile_resources(struct cc *cc, const char *path, json_t *v, struct stmt *st)
{
	const char **items;
	long n = string_list(cc, path, v, false, &items);

	if (n < 0)
		return;
	st->resources = cc_alloc(cc, (size_t)n, sizeof(*st->resources));
	if (!st->resources)
		return;
	for (long i = 0; i < n; i++) {
		if (strcmp(items[i], "*") != 0 && strncmp(items[i], "arn:", 4) != 0) {
			problem(cc, path, "'%.60s' is not '*' or an ARN", items[i]);
			continue;
		}
		if (cc->endpoint && !arn_account_plain(items[i]))
			problem(cc, path, "'%.60s': " ENDPOINT_ARN_RULE, items[i]);
		compile_arnpat(cc, items[i], M_WILD | M_VARS, &st->resources[st->n_resources]);
		if (st->resources[st->n_resources++].whole.flags & PAT_ALL)
			st->flags |= STMT_ANY_RESOURCE;
	}
}

static bool is_account(struct str s)
{
	if (s.len != 12)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
	return true;
}

/* Classifies one principal value of 'kind' ("AWS", "Service", ...). */
static void compile_prin(struct cc *cc, const char *path, const char *kind, const char *val,
			 struct prin *out)
{
	struct str f[ARN_FIELDS];

	*out = (struct prin){ .kind = PRIN_EXACT, .str = val };
	if (strcmp(val, "*") == 0 && strcmp(kind, "AWS") == 0) {
		out->kind = PRIN_ANY;
		return;
	}
	if (!*val) {
		problem(cc, path, "a principal must not be empty");
		return;
	}
	if (strpbrk(val, "*?")) {
		problem(cc, path, "'%.60s': a principal takes no wildcards (only \"*\" on its own)",
			val);
		return;
	}
	if (strcmp(kind, "AWS") != 0)
		return;
	if (is_account(str_c(val))) {
		out->kind = PRIN_ACCOUNT;
		return;
	}
	if (!arn_split((const uint8_t *)val, strlen(val), f) || !str_eq_c(f[0], "arn") ||
	    !is_account(f[4])) {
		problem(cc, path, "'%.60s' is not an account ID or an IAM ARN", val);
		return;
	}
	if (str_eq_c(f[2], "iam") && str_eq_c(f[5], "root")) {
		char *acct = cc_alloc(cc, 13, 1);

		if (acct)
			memcpy(acct, f[4].p, 12);
		out->kind = PRIN_ACCOUNT;
		out->str = acct;
	} else if (str_eq_c(f[2], "iam") && str_starts_with(f[5], STR_LIT("user/"))) {
		out->kind = PRIN_USER;
	} else if (str_eq_c(f[2], "iam") && str_starts_with(f[5], STR_LIT("role/"))) {
		const char *slash = strrchr(f[5].p, '/');
		char *acct = cc_alloc(cc, 13, 1);

		if (acct)
			memcpy(acct, f[4].p, 12);
		out->kind = PRIN_ROLE;
		out->role = slash + 1;
		out->role_len = (uint32_t)strlen(out->role);
		out->account = acct;
	} else if (str_eq_c(f[2], "sts") && str_starts_with(f[5], STR_LIT("assumed-role/"))) {
		out->kind = PRIN_SESSION;
	}
}

static bool principal_is_star(const struct stmt *st)
{
	return !(st->flags & STMT_NOT_PRINCIPAL) && st->n_prins == 1 &&
	       st->prins[0].kind == PRIN_ANY;
}

static void compile_principal(struct cc *cc, const char *path, json_t *v, struct stmt *st)
{
	static const char *const kinds[] = { "AWS", "Service", "Federated", "CanonicalUser" };
	char sub[256];
	const char *key;
	json_t *x;
	size_t total = 0;

	if (json_is_string(v)) {
		if (strcmp(json_string_value(v), "*") != 0) {
			problem(cc, path, "must be \"*\" or an object of principal types");
			return;
		}
		st->prins = cc_alloc(cc, 1, sizeof(*st->prins));
		if (st->prins) {
			st->prins[0] = (struct prin){ .kind = PRIN_ANY, .str = "*", .len = 1 };
			st->n_prins = 1;
		}
		return;
	}
	if (!json_is_object(v) || json_object_size(v) == 0) {
		problem(cc, path, "must be \"*\" or an object of principal types");
		return;
	}
	json_object_foreach(v, key, x)
		total += json_is_array(x) ? json_array_size(x) : 1;
	st->prins = cc_alloc(cc, total, sizeof(*st->prins));
	if (!st->prins)
		return;
	json_object_foreach(v, key, x) {
		const char **items;
		bool known = false;
		long n;

		for (size_t k = 0; k < ARRAY_SIZE(kinds); k++)
			known |= strcmp(key, kinds[k]) == 0;
		snprintf(sub, sizeof(sub), "%s.%s", path, key);
		if (!known) {
			problem(cc, sub, "unknown principal type (AWS, Service, Federated or "
					 "CanonicalUser)");
			continue;
		}
		n = string_list(cc, sub, x, false, &items);
		for (long i = 0; i < n; i++) {
			struct prin *p = &st->prins[st->n_prins++];

			compile_prin(cc, sub, key, items[i], p);
			p->len = p->str ? (uint32_t)strlen(p->str) : 0;
		}
	}
}

/* ---- conditions ---- */

struct op_desc {
	const char *name;
	uint8_t family, cmp, flags;
	unsigned mode;		/* compile_pat() mode for string families */
};

static const struct op_desc ops[] = {
	{ "StringEquals", COND_STRING, CMP_EQ, 0, M_VARS },
	{ "StringNotEquals", COND_STRING, CMP_EQ, COND_F_NEG, M_VARS },
	{ "StringEqualsIgnoreCase", COND_STRING_ICASE, CMP_EQ, 0, M_VARS | M_FOLD },
	{ "StringNotEqualsIgnoreCase", COND_STRING_ICASE, CMP_EQ, COND_F_NEG, M_VARS | M_FOLD },
	{ "StringLike", COND_STRING, CMP_EQ, 0, M_VARS | M_WILD },
	{ "StringNotLike", COND_STRING, CMP_EQ, COND_F_NEG, M_VARS | M_WILD },
	{ "NumericEquals", COND_NUMERIC, CMP_EQ, 0, 0 },
	{ "NumericNotEquals", COND_NUMERIC, CMP_EQ, COND_F_NEG, 0 },
	{ "NumericLessThan", COND_NUMERIC, CMP_LT, 0, 0 },
	{ "NumericLessThanEquals", COND_NUMERIC, CMP_LE, 0, 0 },
	{ "NumericGreaterThan", COND_NUMERIC, CMP_GT, 0, 0 },
	{ "NumericGreaterThanEquals", COND_NUMERIC, CMP_GE, 0, 0 },
	{ "DateEquals", COND_DATE, CMP_EQ, 0, 0 },
	{ "DateNotEquals", COND_DATE, CMP_EQ, COND_F_NEG, 0 },
	{ "DateLessThan", COND_DATE, CMP_LT, 0, 0 },
	{ "DateLessThanEquals", COND_DATE, CMP_LE, 0, 0 },
	{ "DateGreaterThan", COND_DATE, CMP_GT, 0, 0 },
	{ "DateGreaterThanEquals", COND_DATE, CMP_GE, 0, 0 },
	{ "Bool", COND_BOOL, CMP_EQ, 0, 0 },
	{ "BinaryEquals", COND_BINARY, CMP_EQ, 0, 0 },
	{ "IpAddress", COND_IP, CMP_EQ, 0, 0 },
	{ "NotIpAddress", COND_IP, CMP_EQ, COND_F_NEG, 0 },
	{ "ArnEquals", COND_ARN, CMP_EQ, 0, M_VARS | M_WILD },
	{ "ArnLike", COND_ARN, CMP_EQ, 0, M_VARS | M_WILD },
	{ "ArnNotEquals", COND_ARN, CMP_EQ, COND_F_NEG, M_VARS | M_WILD },
	{ "ArnNotLike", COND_ARN, CMP_EQ, COND_F_NEG, M_VARS | M_WILD },
	{ "Null", COND_NULL, CMP_EQ, 0, 0 },
};

/* Reads an operator name with its qualifier and IfExists; NULL if unknown. */
static const struct op_desc *op_parse(const char *name, uint8_t *flags)
{
	size_t len;

	*flags = 0;
	if (strncmp(name, "ForAllValues:", 13) == 0) {
		*flags |= COND_F_FORALL;
		name += 13;
	} else if (strncmp(name, "ForAnyValue:", 12) == 0) {
		*flags |= COND_F_FORANY;
		name += 12;
	}
	len = strlen(name);
	if (len > 8 && strcmp(name + len - 8, "IfExists") == 0) {
		*flags |= COND_F_IFEXISTS;
		len -= 8;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (strlen(ops[i].name) == len && strncmp(ops[i].name, name, len) == 0) {
			if (ops[i].family == COND_NULL && *flags)
				return NULL;
			*flags |= ops[i].flags;
			return &ops[i];
		}
	return NULL;
}

static bool compile_cval(struct cc *cc, const struct op_desc *op, const char *text,
			 struct cval *out)
{
	switch (op->family) {
	case COND_STRING:
	case COND_STRING_ICASE:
		compile_pat(cc, text, op->mode, &out->u.pat);
		return true;
	case COND_ARN:
		compile_arnpat(cc, text, op->mode, &out->u.arn);
		return true;
	case COND_NUMERIC:
		return cond_parse_number(text, &out->u.num);
	case COND_DATE:
		return cond_parse_date(text, &out->u.ms);
	case COND_BOOL:
	case COND_NULL:
		return cond_parse_bool(text, strlen(text), &out->u.b);
	case COND_IP:
		return cond_parse_ip(text, true, &out->u.ip);
	case COND_BINARY:
		return cond_parse_base64(text, &cc->pol->arena, &out->u.bin.p, &out->u.bin.n);
	}
	return false;
}

static const char *const family_wants[] = {
	[COND_NUMERIC] = "a number",
	[COND_DATE] = "an ISO 8601 date or epoch seconds",
	[COND_BOOL] = "true or false",
	[COND_NULL] = "true or false",
	[COND_IP] = "an IP address or CIDR block",
	[COND_BINARY] = "base64",
};

static void check_endpoint_value(struct cc *cc, const char *path, const struct op_desc *op,
				 const char *key, const char *v)
{
	bool text = op->family == COND_STRING || op->family == COND_STRING_ICASE ||
		    op->family == COND_ARN;

	if (is_system_id_key(key) && op->family == COND_NUMERIC)
		problem(cc, path, "in an endpoint policy, %s takes no numeric operator", key);
	else if (is_system_id_key(key) && text && strpbrk(v, "*?"))
		problem(cc, path, "'%.40s': in an endpoint policy, %s takes no wildcards", v, key);
	else if ((op->mode & M_WILD) && op->family != COND_ARN && !wildcards_anchored(v))
		problem(cc, path, "'%.40s': in an endpoint policy, each wildcard needs six "
			"characters before or after it", v);
	if (text && !arn_account_plain(v))
		problem(cc, path, "'%.40s': " ENDPOINT_ARN_RULE, v);
}

/*
 * What a condition says without reading values (docs/policy.md,
 * "Conditions"): when its key is absent, and for Null when it is present;
 * and whether every context value must hold (ForAllValues, and a negated
 * operator without a qualifier) or one.
 */
static void cond_settle(struct cond *c)
{
	bool neg = c->flags & COND_F_NEG;

	if (c->family == COND_NULL) {
		/* Null true: the key is absent; Null false: present. */
		for (uint32_t i = 0; i < c->n_vals; i++) {
			c->if_absent |= c->vals[i].u.b;
			c->if_present |= !c->vals[i].u.b;
		}
		return;
	}
	if (c->flags & (COND_F_IFEXISTS | COND_F_FORALL))
		c->if_absent = 1;
	else if (!(c->flags & COND_F_FORANY))
		c->if_absent = neg;
	if ((c->flags & COND_F_FORALL) || (neg && !(c->flags & COND_F_FORANY)))
		c->flags |= COND_F_ALL;
}

static void compile_condition(struct cc *cc, const char *path, json_t *v, struct stmt *st)
{
	char opath[256], kpath[384];
	const char *opname, *key;
	json_t *keys, *vals;
	size_t total = 0;

	if (!json_is_object(v)) {
		problem(cc, path, "must be an object of condition operators");
		return;
	}
	json_object_foreach(v, opname, keys)
		total += json_is_object(keys) ? json_object_size(keys) : 0;
	st->conds = cc_alloc(cc, total, sizeof(*st->conds));
	if (total && !st->conds)
		return;
	json_object_foreach(v, opname, keys) {
		const struct op_desc *op;
		uint8_t flags;

		snprintf(opath, sizeof(opath), "%s.%s", path, opname);
		op = op_parse(opname, &flags);
		if (!op) {
			problem(cc, opath, "unknown condition operator");
			continue;
		}
		if (!json_is_object(keys) || json_object_size(keys) == 0) {
			problem(cc, opath, "must be an object of condition keys");
			continue;
		}
		json_object_foreach(keys, key, vals) {
			struct cond *c = &st->conds[st->n_conds];
			const char **items;
			size_t klen = strlen(key);
			char *lk;
			long n;

			snprintf(kpath, sizeof(kpath), "%s.%s", opath, key);
			if (!strchr(key, ':') || key[0] == ':') {
				problem(cc, kpath, "a condition key is 'service:name'");
				continue;
			}
			n = string_list(cc, kpath, vals, true, &items);
			if (n < 0)
				continue;
			lk = cc_alloc(cc, 2 * (klen + 1), 1);
			c->vals = cc_alloc(cc, (size_t)n, sizeof(*c->vals));
			if (!lk || !c->vals)
				return;
			memcpy(lk + klen + 1, key, klen);
			for (size_t i = 0; i < klen; i++)
				lk[i] = str_ascii_lower(key[i]);
			*c = (struct cond){ .family = op->family, .cmp = op->cmp, .flags = flags,
					    .key = kname_make(lk, klen, lk + klen + 1),
					    .vals = c->vals,
					    .n_vals = (uint32_t)n };
			for (long i = 0; i < n; i++) {
				if (!compile_cval(cc, op, items[i], &c->vals[i]))
					problem(cc, kpath, "'%.40s' is not %s", items[i],
						family_wants[op->family]);
				if (cc->endpoint)
					check_endpoint_value(cc, kpath, op, lk, items[i]);
			}
			cond_settle(c);
			st->n_conds++;
		}
	}
}

/* ---- statements and documents ---- */

static const char *const stmt_elements[] = {
	"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
	"Resource", "NotResource", "Condition",
};

/* Returns the one of elements 'a' and 'b' present, with problems for both or none. */
static json_t *one_of(struct cc *cc, const char *path, json_t *s, const char *a,
		      const char *b, bool required, bool *is_b)
{
	json_t *va = json_object_get(s, a), *vb = json_object_get(s, b);
	char p[128];

	*is_b = vb != NULL;
	if (va && vb) {
		snprintf(p, sizeof(p), "%s.%s", path, b);
		problem(cc, p, "a statement takes %s or %s, not both", a, b);
		return NULL;
	}
	if (!va && !vb && required) {
		problem(cc, path, "%s (or %s) is required", a, b);
		return NULL;
	}
	return va ? va : vb;
}

static void compile_statement(struct cc *cc, size_t i, json_t *s, enum pol_type type,
			      struct stmt *st)
{
	char path[64], p[128];
	const char *key, *effect;
	json_t *v;
	bool neg;

	snprintf(path, sizeof(path), "Statement[%zu]", i);
	if (!json_is_object(s)) {
		problem(cc, path, "a statement must be an object");
		return;
	}
	json_object_foreach(s, key, v) {
		bool known = false;

		for (size_t k = 0; k < ARRAY_SIZE(stmt_elements); k++)
			known |= strcmp(key, stmt_elements[k]) == 0;
		if (!known) {
			snprintf(p, sizeof(p), "%s.%s", path, key);
			problem(cc, p, "unknown statement element");
		}
	}
	v = json_object_get(s, "Sid");
	if (v && !json_is_string(v)) {
		snprintf(p, sizeof(p), "%s.Sid", path);
		problem(cc, p, "must be a string");
	}
	st->sid = json_is_string(v) ? arena_str(cc, json_string_value(v)) : NULL;
	v = json_object_get(s, "Effect");
	effect = json_string_value(v);
	snprintf(p, sizeof(p), "%s.Effect", path);
	if (!v)
		problem(cc, path, "Effect is required");
	else if (!effect || (strcmp(effect, "Allow") && strcmp(effect, "Deny")))
		problem(cc, p, "must be \"Allow\" or \"Deny\"");
	else if (strcmp(effect, "Deny") == 0)
		st->flags |= STMT_DENY;

	v = one_of(cc, path, s, "Action", "NotAction", true, &neg);
	if (v) {
		snprintf(p, sizeof(p), "%s.%s", path, neg ? "NotAction" : "Action");
		st->flags |= neg ? STMT_NOT_ACTION : 0;
		compile_actions(cc, p, v, st);
	}
	v = one_of(cc, path, s, "Resource", "NotResource", type != POL_TYPE_TRUST, &neg);
	if (v && type == POL_TYPE_TRUST) {
		snprintf(p, sizeof(p), "%s.%s", path, neg ? "NotResource" : "Resource");
		problem_aws(cc, neg ? "Has prohibited field NotResource" :
				      "Has prohibited field Resource",
			    p, "a trust policy applies to its role and takes no resource");
	} else if (type == POL_TYPE_TRUST) {
		json_t *any = json_string("*");

		compile_resources(cc, path, any, st);
		json_decref(any);
	} else if (v) {
		snprintf(p, sizeof(p), "%s.%s", path, neg ? "NotResource" : "Resource");
		st->flags |= neg ? STMT_NOT_RESOURCE : 0;
		compile_resources(cc, p, v, st);
	}
	v = one_of(cc, path, s, "Principal", "NotPrincipal", false, &neg);
	snprintf(p, sizeof(p), "%s.%s", path, neg ? "NotPrincipal" : "Principal");
	if (v && is_policy_type(type, false)) {
		problem_aws(cc, "Policy document should not specify a principal.", p,
			    "%s policies take no principal", type_names[type]);
	} else if (!v && is_policy_type(type, true) &&
		   !(json_object_get(s, "Principal") && json_object_get(s, "NotPrincipal"))) {
		problem_aws(cc, "Missing required field Principal", path,
			    "%s policies need a Principal", type_names[type]);
	} else if (v && neg && !(st->flags & STMT_DENY)) {
		problem(cc, p, "NotPrincipal is supported only with \"Effect\": \"Deny\"");
	} else if (v) {
		st->flags |= STMT_PRINCIPAL | (neg ? STMT_NOT_PRINCIPAL : 0);
		compile_principal(cc, p, v, st);
		if (type == POL_TYPE_GATEWAY_ENDPOINT && !principal_is_star(st))
			problem(cc, p, "a gateway endpoint policy's principal must be \"*\"");
	}
	v = json_object_get(s, "Condition");
	if (v) {
		snprintf(p, sizeof(p), "%s.Condition", path);
		compile_condition(cc, p, v, st);
	}
}

static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((uint8_t)s[i] & 0xC0) != 0x80;
	return n;
}

static void compile_document(struct cc *cc, json_t *root, enum pol_type type)
{
	const char *key, *version;
	json_t *v, *stmts;

	if (!json_is_object(root)) {
		problem(cc, "(document)", "a policy must be a JSON object");
		return;
	}
	json_object_foreach(root, key, v)
		if (strcmp(key, "Version") && strcmp(key, "Id") && strcmp(key, "Statement"))
			problem(cc, key, "unknown policy element (Version, Id or Statement)");
	v = json_object_get(root, "Version");
	version = json_string_value(v);
	if (v && (!version || (strcmp(version, "2012-10-17") && strcmp(version, "2008-10-17"))))
		problem(cc, "Version", "must be \"2012-10-17\" or \"2008-10-17\"");
	cc->v2012 = version && strcmp(version, "2012-10-17") == 0;
	v = json_object_get(root, "Id");
	if (v && !json_is_string(v))
		problem(cc, "Id", "must be a string");
	stmts = json_object_get(root, "Statement");
	if (!stmts) {
		problem(cc, "(document)", "Statement is required");
		return;
	}
	if (json_is_object(stmts)) {
		cc->pol->stmts = cc_alloc(cc, 1, sizeof(*cc->pol->stmts));
		if (!cc->pol->stmts)
			return;
		cc->pol->n_stmts = 1;
		compile_statement(cc, 0, stmts, type, &cc->pol->stmts[0]);
	} else if (json_is_array(stmts) && json_array_size(stmts) > 0) {
		size_t i;

		cc->pol->stmts = cc_alloc(cc, json_array_size(stmts), sizeof(*cc->pol->stmts));
		if (!cc->pol->stmts)
			return;
		cc->pol->n_stmts = (uint32_t)json_array_size(stmts);
		json_array_foreach(stmts, i, v)
			compile_statement(cc, i, v, type, &cc->pol->stmts[i]);
	} else {
		problem(cc, "Statement", "must be a statement object or a non-empty list of them");
	}
}

int policy_compile(const char *doc, size_t len, enum pol_type type, struct policy **out,
		   struct pol_problems *problems)
{
	struct cc cc = { .probs = problems };
	json_error_t jerr;
	json_t *root;
	size_t chars = utf8_chars(doc, len);

	*out = NULL;
	cc.pol = xcalloc(1, sizeof(*cc.pol));
	cc.pol->type = type;
	cc.endpoint = type == POL_TYPE_ENDPOINT || type == POL_TYPE_GATEWAY_ENDPOINT;
	if ((type == POL_TYPE_ENDPOINT || type == POL_TYPE_GATEWAY_ENDPOINT) &&
	    chars > LIMIT_ENDPOINT_POLICY_CHARS)
		problem(&cc, "(document)", "the policy is %zu characters; at most %d are allowed",
			chars, LIMIT_ENDPOINT_POLICY_CHARS);
	if (len > LIMIT_POLICY_DOC_BYTES) {
		problem(&cc, "(document)", "the policy is %zu bytes; at most %d are read", len,
			LIMIT_POLICY_DOC_BYTES);
		policy_free(cc.pol);
		return -EINVAL;
	}
	arena_init(&cc.pol->arena, LIMIT_POLICY_COMPILED_BYTES(len));
	root = json_loadb(doc, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		problem_aws(&cc, "Syntax errors in policy.", "(document)",
			    "not valid JSON: %s (line %d, column %d)", jerr.text, jerr.line,
			    jerr.column);
		policy_free(cc.pol);
		return -EINVAL;
	}
	compile_document(&cc, root, type);
	json_decref(root);
	if (cc.pol->arena.err)
		problem(&cc, "(document)", "the policy is too large to compile");
	if (cc.n_probs) {
		policy_free(cc.pol);
		return -EINVAL;
	}
	*out = cc.pol;
	return 0;
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	free(p->vars);
	arena_release(&p->arena);
	free(p);
}

size_t policy_statements(const struct policy *p)
{
	return p->n_stmts;
}

const char *policy_sid(const struct policy *p, size_t statement)
{
	return statement < p->n_stmts ? p->stmts[statement].sid : NULL;
}

int policy_check(const char *doc, size_t len, enum pol_type type, struct err *e)
{
	struct pol_problems probs = { 0 };
	struct policy *p;
	int ret = policy_compile(doc, len, type, &p, &probs);

	if (ret == 0)
		policy_free(p);
	else if (probs.n)
		err_fail(e, POLICY_ERR, "%s: %s", probs.v[0].path, probs.v[0].msg);
	else
		err_fail(e, POLICY_ERR, "The policy could not be compiled");
	pol_problems_release(&probs);
	return ret;
}
