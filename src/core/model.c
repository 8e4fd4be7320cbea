/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "core/model.h"

#include "base/xalloc.h"

static const struct {
	const char *name;
	const char *id_prefix;
	size_t size;
} kinds[RES_KIND_COUNT] = {
	[RES_VPC] = { "vpc", "vpc-", sizeof(struct vpc) },
	[RES_SUBNET] = { "subnet", "subnet-", sizeof(struct subnet) },
	[RES_RTB] = { "route-table", "rtb-", sizeof(struct rtb) },
	[RES_SG] = { "security-group", "sg-", sizeof(struct sg) },
	[RES_IGW] = { "internet-gateway", "igw-", sizeof(struct igw) },
	[RES_NAT] = { "natgateway", "nat-", sizeof(struct nat) },
	[RES_VGW] = { "vpn-gateway", "vgw-", sizeof(struct vgw) },
	[RES_EIP] = { "elastic-ip", "eipalloc-", sizeof(struct eip) },
	[RES_ENI] = { "network-interface", "eni-", sizeof(struct eni) },
	[RES_INSTANCE] = { "instance", "i-", sizeof(struct instance) },
	[RES_VPCE] = { "vpc-endpoint", "vpce-", sizeof(struct vpce) },
	[RES_IAM_USER] = { "iam-user", "AIDA", sizeof(struct iam_user) },
	[RES_IAM_ROLE] = { "iam-role", "AROA", sizeof(struct iam_role) },
	[RES_IAM_POLICY] = { "iam-policy", "ANPA", sizeof(struct iam_policy) },
	[RES_IAM_KEY] = { "iam-access-key", "AKIA", sizeof(struct iam_key) },
	[RES_STS_SESSION] = { "sts-session", "ASIA", sizeof(struct sts_session) },
};

const char *res_kind_name(enum res_kind kind)
{
	return kind < RES_KIND_COUNT ? kinds[kind].name : "unknown";
}

int res_kind_from_name(const char *name)
{
	for (int k = 0; k < RES_KIND_COUNT; k++)
		if (strcmp(kinds[k].name, name) == 0)
			return k;
	return -1;
}

int res_kind_from_id(const char *id)
{
	for (int k = 0; k < RES_KIND_COUNT; k++)
		if (strncmp(id, kinds[k].id_prefix, strlen(kinds[k].id_prefix)) == 0)
			return k;
	return -1;
}

struct res *res_new(enum res_kind kind, const char *id)
{
	struct res *r = xcalloc(1, kinds[kind].size);

	r->kind = kind;
	str_lcpy(r->id, id, sizeof(r->id));
	return r;
}

static void principal_release(struct iam_principal *p)
{
	for (size_t i = 0; i < p->n_inline; i++)
		free(p->inl[i].doc);
	free(p->inl);
	free(p->attached);
	free(p->path);
}

static void free_iam_fields(struct res *r)
{
	switch (r->kind) {
	case RES_IAM_USER:
		principal_release(&AS_IAM_USER(r)->p);
		break;
	case RES_IAM_ROLE: {
		struct iam_role *o = AS_IAM_ROLE(r);

		principal_release(&o->p);
		free(o->trust);
		free(o->description);
		break;
	}
	case RES_IAM_POLICY: {
		struct iam_policy *m = AS_IAM_POLICY(r);

		free(m->path);
		free(m->description);
		free(m->doc);
		break;
	}
	default:
		break;
	}
}

static void free_kind_fields(struct res *r)
{
	free_iam_fields(r);
	switch (r->kind) {
	case RES_RTB: {
		struct rtb *t = AS_RTB(r);

		free(t->routes);
		free(t->assocs);
		break;
	}
	case RES_SG: {
		struct sg *g = AS_SG(r);

		for (size_t i = 0; i < g->n_rules; i++)
			free(g->rules[i].description);
		free(g->rules);
		free(g->name);
		free(g->description);
		break;
	}
	case RES_ENI: {
		struct eni *e = AS_ENI(r);

		free(e->description);
		free(e->groups);
		break;
	}
	case RES_INSTANCE:
		free(AS_INSTANCE(r)->key_name);
		break;
	case RES_VPCE: {
		struct vpce *v = AS_VPCE(r);

		free(v->policy);
		free(v->rtbs);
		free(v->nets);
		free(v->groups);
		break;
	}
	default:
		break;
	}
}

void res_free(struct res *r)
{
	if (!r)
		return;
	free_kind_fields(r);
	for (size_t i = 0; i < r->n_tags; i++) {
		free(r->tags[i].key);
		free(r->tags[i].value);
	}
	free(r->tags);
	free(r);
}

void world_init(struct world *w)
{
	*w = (struct world){ 0 };
	hmap_init(&w->index);
	hmap_init(&w->enis_by_subnet);
	hmap_init(&w->iam_names);
}

void iam_name_key(enum res_kind kind, const char *account, const char *name,
		  char dst[static IAM_NAME_KEY_SIZE])
{
	size_t n = 0;

	dst[n++] = kind == RES_IAM_USER ? 'u' : kind == RES_IAM_ROLE ? 'r' : 'p';
	dst[n++] = ':';
	for (size_t i = 0; account[i] && i < ACCOUNT_SIZE - 1; i++)
		dst[n++] = account[i];
	dst[n++] = ':';
	for (size_t i = 0; name[i] && i < IAM_NAME_SIZE - 1; i++)
		dst[n++] = str_ascii_lower(name[i]);
	dst[n] = '\0';
}

/* The name index's key inside 'r', or NULL for kinds without a name. */
static char *name_key_of(struct res *r)
{
	switch (r->kind) {
	case RES_IAM_USER: return AS_IAM_USER(r)->p.name_key;
	case RES_IAM_ROLE: return AS_IAM_ROLE(r)->p.name_key;
	case RES_IAM_POLICY: return AS_IAM_POLICY(r)->name_key;
	default: return NULL;
	}
}

static const char *name_of(struct res *r)
{
	switch (r->kind) {
	case RES_IAM_USER: return AS_IAM_USER(r)->p.name;
	case RES_IAM_ROLE: return AS_IAM_ROLE(r)->p.name;
	default: return AS_IAM_POLICY(r)->name;
	}
}

struct res *world_get_named(const struct world *w, enum res_kind kind, const char *account,
			    const char *name)
{
	char key[IAM_NAME_KEY_SIZE];

	iam_name_key(kind, account, name, key);
	return hmap_get(&w->iam_names, key);
}

static void subnet_enis_free(void *p)
{
	struct subnet_enis *l = p;

	free(l->v);
	free(l);
}

/* ENIs never change subnet, so the index follows insertion and removal. */
static void eni_link(struct world *w, struct eni *n)
{
	struct subnet_enis *l = hmap_get(&w->enis_by_subnet, n->subnet_id);

	if (!l) {
		l = xcalloc(1, sizeof(*l));
		str_lcpy(l->subnet_id, n->subnet_id, sizeof(l->subnet_id));
		hmap_put(&w->enis_by_subnet, l->subnet_id, l);
	}
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = n;
}

static void eni_unlink(struct world *w, struct eni *n)
{
	struct subnet_enis *l = hmap_get(&w->enis_by_subnet, n->subnet_id);

	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i] == n) {
			l->v[i] = l->v[--l->n];
			break;
		}
	}
	if (!l->n) {
		hmap_del(&w->enis_by_subnet, l->subnet_id);
		subnet_enis_free(l);
	}
}

const struct subnet_enis *world_subnet_enis(const struct world *w, const char *subnet_id)
{
	return hmap_get(&w->enis_by_subnet, subnet_id);
}

void world_release(struct world *w)
{
	for (int k = 0; k < RES_KIND_COUNT; k++) {
		for (size_t i = 0; i < w->n[k]; i++)
			res_free(w->items[k][i]);
		free(w->items[k]);
	}
	hmap_release(&w->index);
	hmap_release(&w->iam_names);
	hmap_release_values(&w->enis_by_subnet, subnet_enis_free);
	free(w->journal);
	for (size_t i = 0; i < w->n_pls; i++)
		free(w->pls[i].blocks);
	free(w->pls);
	world_init(w);
}

struct res *world_find(const struct world *w, const char *id)
{
	return hmap_get(&w->index, id);
}

struct res *world_get(const struct world *w, const char *id, enum res_kind kind)
{
	struct res *r = hmap_get(&w->index, id);

	return r && r->kind == kind ? r : NULL;
}

static void journal(struct world *w, const struct res *r, bool removed)
{
	struct journal_entry *j;

	w->generation++;
	/* One entry per ID is enough: the store writes the final state. */
	for (size_t i = 0; i < w->n_journal; i++) {
		if (strcmp(w->journal[i].id, r->id) == 0) {
			w->journal[i].removed = removed;
			return;
		}
	}
	ALLOC_GROW(w->journal, w->n_journal + 1, w->alloc_journal);
	j = &w->journal[w->n_journal++];
	str_lcpy(j->id, r->id, sizeof(j->id));
	j->kind = r->kind;
	j->removed = removed;
}

void world_insert(struct world *w, struct res *r)
{
	enum res_kind k = r->kind;
	char *key = name_key_of(r);

	ALLOC_GROW(w->items[k], w->n[k] + 1, w->alloc[k]);
	w->items[k][w->n[k]++] = r;
	hmap_put(&w->index, r->id, r);
	if (k == RES_ENI && AS_ENI(r)->subnet_id[0])
		eni_link(w, AS_ENI(r));
	/* Names never change, so the index follows insertion and removal. */
	if (key) {
		iam_name_key(k, r->owner, name_of(r), key);
		hmap_put(&w->iam_names, key, r);
	}
}

void world_adopt(struct world *w, struct res *r)
{
	world_insert(w, r);
	journal(w, r, false);
}

struct res *world_add(struct world *w, enum res_kind kind, const char *id)
{
	struct res *r = res_new(kind, id);

	world_insert(w, r);
	journal(w, r, false);
	return r;
}

void world_touch(struct world *w, struct res *r)
{
	journal(w, r, false);
}

void world_remove(struct world *w, struct res *r)
{
	enum res_kind k = r->kind;

	journal(w, r, true);
	hmap_del(&w->index, r->id);
	if (name_key_of(r) && hmap_get(&w->iam_names, name_key_of(r)) == r)
		hmap_del(&w->iam_names, name_key_of(r));
	if (k == RES_ENI)
		eni_unlink(w, AS_ENI(r));
	for (size_t i = 0; i < w->n[k]; i++) {
		if (w->items[k][i] == r) {
			memmove(&w->items[k][i], &w->items[k][i + 1],
				(w->n[k] - i - 1) * sizeof(w->items[k][0]));
			w->n[k]--;
			break;
		}
	}
	res_free(r);
}

void world_journal_clear(struct world *w)
{
	w->n_journal = 0;
}

void res_tag_set(struct res *r, const char *key, const char *value)
{
	for (size_t i = 0; i < r->n_tags; i++) {
		if (strcmp(r->tags[i].key, key) == 0) {
			free(r->tags[i].value);
			r->tags[i].value = xstrdup(value);
			return;
		}
	}
	ALLOC_GROW(r->tags, r->n_tags + 1, r->alloc_tags);
	r->tags[r->n_tags++] = (struct tag){ xstrdup(key), xstrdup(value) };
}

void res_tag_del(struct res *r, const char *key, const char *value)
{
	for (size_t i = 0; i < r->n_tags; i++) {
		if (strcmp(r->tags[i].key, key) != 0)
			continue;
		if (value && strcmp(r->tags[i].value, value) != 0)
			return;
		free(r->tags[i].key);
		free(r->tags[i].value);
		memmove(&r->tags[i], &r->tags[i + 1],
			(r->n_tags - i - 1) * sizeof(r->tags[0]));
		r->n_tags--;
		return;
	}
}

const char *res_tag_get(const struct res *r, const char *key)
{
	for (size_t i = 0; i < r->n_tags; i++)
		if (strcmp(r->tags[i].key, key) == 0)
			return r->tags[i].value;
	return NULL;
}

void id_array_push(char (**arr)[ID_SIZE], size_t *n, const char *id)
{
	*arr = xreallocarray(*arr, *n + 1, sizeof(**arr));
	str_lcpy((*arr)[*n], id, ID_SIZE);
	(*n)++;
}

void id_array_remove(char (*arr)[ID_SIZE], size_t *n, size_t i)
{
	memmove(arr[i], arr[i + 1], (*n - i - 1) * sizeof(arr[0]));
	(*n)--;
}

long id_array_find(char (*arr)[ID_SIZE], size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(arr[i], id) == 0)
			return (long)i;
	return -1;
}
