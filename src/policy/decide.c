/* SPDX-License-Identifier: MIT */
/*
 * The decision: which statements of which policies apply to a request, and
 * how AWS's evaluation logic combines them (docs/policy.md, "Decision").
 */
#include "compat.h"
#include "policy/internal.h"

#include "limits.h"

/* How a statement's principal named the caller; the order matters. */
enum strength {
	S_NONE,
	S_ACCOUNT,	/* through the account: delegates to IAM */
	S_DIRECT,	/* a role (for its sessions), a service, NotPrincipal */
	S_EXACT,	/* "*", the caller's user ARN or exact session ARN */
};

static const char *const decision_names[] = {
	[POL_IMPLICIT_DENY] = "ImplicitDeny",
	[POL_EXPLICIT_DENY] = "ExplicitDeny",
	[POL_ALLOW] = "Allow",
};

const char *pol_decision_name(enum pol_decision d)
{
	return decision_names[d];
}

/* str_eq() and str_starts_with() on 'n' bytes, inline (no memcmp call). */
static inline bool str_is(struct str a, const char *b, size_t n)
{
	return a.len == n && bytes_eq(a.p, b, n);
}

static inline bool str_begins(struct str a, const char *b, size_t n)
{
	return a.len >= n && bytes_eq(a.p, b, n);
}

/* Copies 'n' bytes of 's' to 'd' with ASCII capitals lowered, and ends 'd'. */
static void fold_copy(char *d, const char *s, size_t n)
{
	uint64_t x;

	if (n < 8) {
		for (size_t i = 0; i < n; i++)
			d[i] = str_ascii_lower(s[i]);
	} else {
		/* Whole words, then the last eight bytes (overlapping the rest). */
		for (size_t i = 0; i + 8 < n; i += 8) {
			memcpy(&x, s + i, 8);
			x = fold8(x);
			memcpy(d + i, &x, 8);
		}
		memcpy(&x, s + n - 8, 8);
		x = fold8(x);
		memcpy(d + n - 8, &x, 8);
	}
	d[n] = '\0';
}

static void prep_principal(const char *p, struct rprin *out)
{
	struct str f[ARN_FIELDS];

	*out = (struct rprin){ .str = p ? p : "anonymous" };
	out->len = strlen(out->str);
	if (!p || (out->len == 9 && memcmp(p, "anonymous", 9) == 0)) {
		out->anonymous = true;
		return;
	}
	if (!arn_split((const uint8_t *)p, out->len, f) || !str_is(f[0], "arn", 3))
		return;		/* a service or other non-ARN caller: no account */
	out->account = f[4];
	if (str_is(f[2], "iam", 3) && str_begins(f[5], "user/", 5)) {
		out->user_or_session = true;
	} else if (str_is(f[2], "sts", 3) && str_begins(f[5], "assumed-role/", 13)) {
		const char *name = f[5].p + 13;
		const char *slash = memchr(name, '/', f[5].len - 13);

		/* assumed-role/ROLE/SESSION: the role's name */
		if (slash) {
			out->role = (struct str){ name, (size_t)(slash - name) };
			out->user_or_session = true;
		}
	}
}

/*
 * Prepares the request: the action folded into 'action' (of 'size' bytes,
 * else the arena), the context keys' tags into 'tags' (room for 'room', else
 * the arena), the resource's ARN fields and the caller's parts.
 */
static int prep(const struct pol_request *req, struct arena *a, struct rreq *r,
		char *action, size_t size, uint64_t *tags, size_t room)
{
	size_t alen = strlen(req->action);
	uint32_t used, crowded;

	/* Field by field: a memset of the whole (slots, fields) costs more. */
	r->has_boundary = false;
	if (alen >= size)
		action = arena_alloc(a, alen + 1);
	if (req->n_context > room)
		tags = arena_alloc(a, req->n_context * sizeof(*tags));
	if (!action || !tags)
		return -ENOMEM;
	fold_copy(action, req->action, alen);
	r->action = action;
	r->action_len = alen;
	r->action_bits = action_bit((const uint8_t *)action, alen) |
			 action_prefix_bit((const uint8_t *)action, alen);
	r->resource = req->resource;
	r->resource_len = strlen(req->resource);
	r->res_split = false;
	prep_principal(req->principal, &r->prin);
	used = crowded = 0;	/* in registers: a loop over r's fields waits on its stores */
	for (size_t i = 0; i < req->n_context; i++) {
		const struct pol_key *k = &req->context[i];
		uint64_t tag = kname_tag(k->name, k->name_len ? k->name_len : strlen(k->name));
		unsigned h = rkey_slot(tag);

		tags[i] = tag;
		if (used & (1u << h)) {
			crowded |= 1u << h;
		} else {
			used |= 1u << h;
			r->slot_tag[h] = tag;
			r->slot_key[h] = (uint32_t)i;
		}
	}
	r->used = used;
	r->crowded = crowded;
	r->keys = req->context;
	r->tags = tags;
	r->n_keys = req->n_context;
	if (req->resource_account)
		r->resource_account = str_c(req->resource_account);
	else if (rreq_split_resource(r) && r->res_f[4].len)
		r->resource_account = r->res_f[4];
	else
		r->resource_account = r->prin.account;
	return 0;
}

static enum strength prin_match(const struct prin *p, const struct rprin *c)
{
	if (p->kind == PRIN_ANY)
		return S_EXACT;
	if (c->anonymous)
		return S_NONE;
	switch (p->kind) {
	case PRIN_ACCOUNT:
		return str_is(c->account, p->str, p->len) ? S_ACCOUNT : S_NONE;
	case PRIN_USER:
	case PRIN_SESSION:
		return p->len == c->len && bytes_eq(c->str, p->str, c->len) ? S_EXACT : S_NONE;
	case PRIN_ROLE:
		if (c->role.len)	/* a session: of this role? */
			return str_is(c->role, p->role, p->role_len) &&
				       str_is(c->account, p->account, 12) ? S_DIRECT : S_NONE;
		return p->len == c->len && bytes_eq(c->str, p->str, c->len) ? S_DIRECT : S_NONE;
	default:
		return p->len == c->len && bytes_eq(c->str, p->str, c->len) ? S_DIRECT : S_NONE;
	}
}

/*
 * Whether statement 'st' of 'pol' applies to 'r': 1 (with how its principal
 * named the caller in '*strength'), 0, or -ENOMEM.
 */
static int stmt_applies(const struct policy *pol, const struct stmt *st, struct rreq *r,
			struct arena *a, enum strength *strength)
{
	bool m = st->flags & STMT_ANY_ACTION;

	/* The filter rules most statements out without reading their actions. */
	if (!st->action_filter || (st->action_filter & r->action_bits))
		for (uint32_t i = 0; i < st->n_actions && !m; i++)
			m = pat_match(&st->actions[i], (const uint8_t *)r->action, r->action_len,
				      false);
	if (m == !!(st->flags & STMT_NOT_ACTION))
		return 0;
	m = st->flags & STMT_ANY_RESOURCE;
	for (uint32_t i = 0; i < st->n_resources && !m; i++) {
		const struct arnpat *p = &st->resources[i];
		struct arnpat tmp;

		if (!(p->whole.flags & PAT_VARS) && !p->by_field) {
			m = pat_match(&p->whole, (const uint8_t *)r->resource, r->resource_len, false);
			continue;
		}
		p = arnpat_resolve(pol, r, p, a, &tmp);
		if (!p) {
			if (a->err)
				return -ENOMEM;
			continue;
		}
		m = arnpat_match(p, r->res_f, rreq_split_resource(r), (const uint8_t *)r->resource,
				 r->resource_len);
	}
	if (m == !!(st->flags & STMT_NOT_RESOURCE))
		return 0;
	*strength = S_DIRECT;
	if (st->flags & STMT_PRINCIPAL) {
		enum strength best = S_NONE;

		for (uint32_t i = 0; i < st->n_prins; i++) {
			enum strength s = prin_match(&st->prins[i], &r->prin);

			best = s > best ? s : best;
		}
		/*
		 * A Deny with NotPrincipal always denies a caller that has a
		 * permissions boundary (IAM guide, "Permissions boundaries").
		 */
		if (st->flags & STMT_NOT_PRINCIPAL)
			best = best == S_NONE || ((st->flags & STMT_DENY) && r->has_boundary) ?
				       S_DIRECT : S_NONE;
		if (best == S_NONE)
			return 0;
		*strength = best;
	}
	for (uint32_t i = 0; i < st->n_conds; i++) {
		int ret = cond_eval(pol, &st->conds[i], r, a);

		if (ret <= 0)
			return ret;
	}
	return 1;
}

/* What the statements of the set said, layer by layer. */
struct tally {
	struct pol_match *deny, *allow;
	size_t n_deny, n_allow;
	size_t allowing[POL_LAYERS];	/* policies of the layer with a matching Allow */
	enum strength resource_best;
};

static int tally_layer(const struct pol_set *set, enum pol_layer layer, struct rreq *r,
		       struct arena *a, struct tally *t)
{
	for (size_t i = 0; i < set->n[layer]; i++) {
		const struct policy *pol = set->p[layer][i];
		bool allowed = false;

		for (uint32_t s = 0; s < pol->n_stmts; s++) {
			const struct stmt *st = &pol->stmts[s];
			struct pol_match m = { (uint8_t)layer, (uint16_t)i, s };
			enum strength strength = S_NONE;
			int ret = stmt_applies(pol, st, r, a, &strength);

			if (ret < 0)
				return ret;
			if (!ret)
				continue;
			if (st->flags & STMT_DENY) {
				t->deny[t->n_deny++] = m;
				continue;
			}
			t->allow[t->n_allow++] = m;
			allowed = true;
			if (layer == POL_LAYER_RESOURCE && strength > t->resource_best)
				t->resource_best = strength;
		}
		t->allowing[layer] += allowed;
	}
	return 0;
}

static bool layer_all(const struct pol_set *set, const struct tally *t, enum pol_layer l)
{
	return t->allowing[l] == set->n[l];
}

int policy_decide(const struct pol_set *set, const struct pol_request *req,
		  struct arena *scratch, struct pol_result *out)
{
	struct tally t = { 0 };
	uint64_t tags[LIMIT_POLICY_STACK_KEYS];
	char action[LIMIT_POLICY_STACK_ACTION];
	struct rreq r;
	size_t total = 0;
	bool principal_less, same, I, B, grant;
	int ret;

	*out = (struct pol_result){ .decision = POL_IMPLICIT_DENY };
	for (int l = 0; l < POL_LAYERS; l++)
		for (size_t i = 0; i < set->n[l]; i++)
			total += set->p[l][i]->n_stmts;
	t.deny = arena_alloc(scratch, 2 * (total + 1) * sizeof(*t.deny));
	if (!t.deny)
		return -ENOMEM;
	t.allow = t.deny + total + 1;
	ret = prep(req, scratch, &r, action, sizeof(action), tags, ARRAY_SIZE(tags));
	if (ret < 0)
		return ret;
	/* Identity policies, SCPs and boundaries belong to a principal with an account. */
	principal_less = r.prin.anonymous || !r.prin.account.len;
	r.has_boundary = !principal_less && set->n[POL_LAYER_BOUNDARY] > 0;
	for (int l = 0; l < POL_LAYERS; l++) {
		if (principal_less && l != POL_LAYER_RESOURCE && l != POL_LAYER_ENDPOINT)
			continue;
		ret = tally_layer(set, (enum pol_layer)l, &r, scratch, &t);
		if (ret < 0) {
			out->missing = 0;
			return ret;
		}
	}
	if (t.n_deny) {
		out->decision = POL_EXPLICIT_DENY;
		out->matched = t.deny;
		out->n_matched = t.n_deny;
		return 0;
	}
	out->matched = t.allow;
	out->n_matched = t.n_allow;
	if (!principal_less && !layer_all(set, &t, POL_LAYER_SCP))
		out->missing |= 1u << POL_LAYER_SCP;
	if (!layer_all(set, &t, POL_LAYER_ENDPOINT))
		out->missing |= 1u << POL_LAYER_ENDPOINT;
	I = t.allowing[POL_LAYER_IDENTITY] > 0;
	B = layer_all(set, &t, POL_LAYER_BOUNDARY);
	if (principal_less) {
		grant = t.resource_best > S_NONE;
		if (!grant)
			out->missing |= 1u << POL_LAYER_RESOURCE;
	} else {
		same = str_is(r.resource_account, r.prin.account.p, r.prin.account.len);
		if (same) {
			grant = (I && B) || t.resource_best == S_EXACT ||
				(t.resource_best == S_DIRECT && B);
			if (!grant)
				out->missing |= 1u << (I ? POL_LAYER_BOUNDARY : POL_LAYER_IDENTITY);
		} else {
			grant = I && B && t.resource_best > S_NONE;
			if (!I)
				out->missing |= 1u << POL_LAYER_IDENTITY;
			if (!B)
				out->missing |= 1u << POL_LAYER_BOUNDARY;
			if (t.resource_best == S_NONE)
				out->missing |= 1u << POL_LAYER_RESOURCE;
		}
	}
	if (!out->missing)
		out->decision = POL_ALLOW;
	return 0;
}
