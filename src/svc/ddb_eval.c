/* SPDX-License-Identifier: MIT */
/*
 * Expressions applied to items: document paths, conditions (a comparison
 * with a missing attribute is false, but <> is true), projections, and
 * updates, whose operands all read the item as it was before the update.
 */
#include "compat.h"
#include "svc/ddb_internal.h"

#include "base/xalloc.h"

static json_t *map_get(const json_t *map, const struct ex_elem *el)
{
	return json_object_getn(map, el->name, el->len);
}

/* The value the step 'el' reaches from value 'av', or NULL. */
static json_t *step(const json_t *av, const struct ex_elem *el)
{
	enum ddb_type t = ddb_type_of(av);

	if (el->name)
		return t == DT_M ? map_get(ddb_av_content(av), el) : NULL;
	return t == DT_L ? json_array_get(ddb_av_content(av), el->index) : NULL;
}

const json_t *ddb_path_get(const json_t *item, const struct ex_node *path)
{
	const json_t *v;

	if (!item || !path->n_elems || !path->elems[0].name)
		return NULL;
	v = map_get(item, &path->elems[0]);
	for (size_t i = 1; v && i < path->n_elems; i++)
		v = step(v, &path->elems[i]);
	return v;
}

/* An operand's value: borrowed from the item or the expression, or made here (size). */
struct val {
	const json_t *av;
	json_t *owned;
};

static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/* size(): characters of a string, bytes of a binary, members of the rest. */
static bool size_of(const json_t *av, struct ddb_num *n)
{
	const json_t *c = ddb_av_content(av);
	size_t size;
	char text[32];

	switch (ddb_type_of(av)) {
	case DT_S:
		size = utf8_chars(json_string_value(c), json_string_length(c));
		break;
	case DT_B:
		size = json_string_length(c) / 4 * 3;
		for (size_t i = json_string_length(c); i > 0 && json_string_value(c)[i - 1] == '='; i--)
			size--;
		break;
	case DT_M:
		size = json_object_size(c);
		break;
	case DT_L:
	case DT_SS:
	case DT_NS:
	case DT_BS:
		size = json_array_size(c);
		break;
	default:
		return false;
	}
	snprintf(text, sizeof(text), "%zu", size);
	return ddb_num_parse(text, strlen(text), n, NULL) == 0;
}

static struct val operand(const struct ex_node *x, const json_t *item)
{
	struct val v = { 0 };
	struct ddb_num n;
	const json_t *arg;

	if (x->kind == EX_VALUE) {
		v.av = x->value;
	} else if (x->kind == EX_PATH) {
		v.av = ddb_path_get(item, x);
	} else if (x->kind == EX_FUNC && x->op == FN_SIZE) {
		arg = x->args[0]->kind == EX_VALUE ? x->args[0]->value : ddb_path_get(item, x->args[0]);
		if (arg && size_of(arg, &n))
			v.av = v.owned = ddb_av_from_num(&n);
	}
	return v;
}

static void val_release(struct val *v)
{
	json_decref(v->owned);
}

static bool compare(int op, const json_t *a, const json_t *b)
{
	int c;

	if (op == CMP_EQ)
		return a && b && ddb_av_equal(a, b);
	if (op == CMP_NE)
		return !(a && b && ddb_av_equal(a, b));
	if (!a || !b || !ddb_av_order(a, b, &c))
		return false;
	switch (op) {
	case CMP_LT: return c < 0;
	case CMP_LE: return c <= 0;
	case CMP_GT: return c > 0;
	default: return c >= 0;
	}
}

static bool begins_with(const json_t *a, const json_t *b)
{
	enum ddb_type t = ddb_type_of(a);
	struct buf x, y;
	bool ok;

	if (!a || !b || t != ddb_type_of(b) || (t != DT_S && t != DT_B))
		return false;
	buf_init(&x, SIZE_MAX);
	buf_init(&y, SIZE_MAX);
	ddb_av_key_bytes(a, &x);
	ddb_av_key_bytes(b, &y);
	ok = str_starts_with(buf_str(&x), buf_str(&y));
	buf_release(&x);
	buf_release(&y);
	return ok;
}

static bool has_bytes(const json_t *a, const json_t *b)
{
	struct buf x, y;
	bool ok;

	buf_init(&x, SIZE_MAX);
	buf_init(&y, SIZE_MAX);
	ddb_av_key_bytes(a, &x);
	ddb_av_key_bytes(b, &y);
	ok = y.len <= x.len && memmem(x.p, x.len, y.p, y.len) != NULL;
	buf_release(&x);
	buf_release(&y);
	return ok;
}

/* contains(): a substring, a member of a set, or an element of a list. */
static bool contains(const json_t *a, const json_t *b)
{
	enum ddb_type ta = ddb_type_of(a), tb = ddb_type_of(b);
	const json_t *c;
	json_t *x;
	size_t i;

	if (!a || !b)
		return false;
	if ((ta == DT_S || ta == DT_B) && ta == tb)
		return has_bytes(a, b);
	if ((ta == DT_SS && tb == DT_S) || (ta == DT_NS && tb == DT_N) || (ta == DT_BS && tb == DT_B)) {
		c = ddb_av_content(b);
		json_array_foreach(ddb_av_content(a), i, x)
			if (json_string_length(x) == json_string_length(c) &&
			    !memcmp(json_string_value(x), json_string_value(c), json_string_length(c)))
				return true;
		return false;
	}
	if (ta == DT_L)
		json_array_foreach(ddb_av_content(a), i, x)
			if (ddb_av_equal(x, b))
				return true;
	return false;
}

static bool function(const struct ex_node *x, const json_t *item)
{
	struct val a = operand(x->args[0], item), b = { 0 };
	const json_t *t;
	bool ok = false;

	if (x->n_args > 1)
		b = operand(x->args[1], item);
	switch (x->op) {
	case FN_ATTRIBUTE_EXISTS:
		ok = a.av != NULL;
		break;
	case FN_ATTRIBUTE_NOT_EXISTS:
		ok = a.av == NULL;
		break;
	case FN_ATTRIBUTE_TYPE:
		t = b.av ? ddb_av_content(b.av) : NULL;
		ok = a.av && t && !strcmp(ddb_type_name(ddb_type_of(a.av)), json_string_value(t));
		break;
	case FN_BEGINS_WITH:
		ok = begins_with(a.av, b.av);
		break;
	case FN_CONTAINS:
		ok = contains(a.av, b.av);
		break;
	default:
		break;
	}
	val_release(&a);
	val_release(&b);
	return ok;
}

static bool between(const struct ex_node *x, const json_t *item)
{
	struct val a = operand(x->args[0], item), lo = operand(x->args[1], item);
	struct val hi = operand(x->args[2], item);
	bool ok = compare(CMP_GE, a.av, lo.av) && compare(CMP_LE, a.av, hi.av);

	val_release(&a);
	val_release(&lo);
	val_release(&hi);
	return ok;
}

static bool in_list(const struct ex_node *x, const json_t *item)
{
	struct val a = operand(x->args[0], item);
	bool ok = false;

	for (size_t i = 1; i < x->n_args && !ok && a.av; i++) {
		struct val b = operand(x->args[i], item);

		ok = compare(CMP_EQ, a.av, b.av);
		val_release(&b);
	}
	val_release(&a);
	return ok;
}

bool ddb_cond_eval(const struct ex_node *x, const json_t *item)
{
	struct val a, b;
	bool ok;

	switch (x->kind) {
	case EX_AND:
		return ddb_cond_eval(x->args[0], item) && ddb_cond_eval(x->args[1], item);
	case EX_OR:
		return ddb_cond_eval(x->args[0], item) || ddb_cond_eval(x->args[1], item);
	case EX_NOT:
		return !ddb_cond_eval(x->args[0], item);
	case EX_CMP:
		a = operand(x->args[0], item);
		b = operand(x->args[1], item);
		ok = compare(x->op, a.av, b.av);
		val_release(&a);
		val_release(&b);
		return ok;
	case EX_BETWEEN:
		return between(x, item);
	case EX_IN:
		return in_list(x, item);
	case EX_FUNC:
		return function(x, item);
	default:
		return false;
	}
}

/*
 * Projections build lists as maps keyed by the zero-padded source index, so
 * that elements land in their source order; finish() turns them into lists.
 */
static json_t *container(json_t *parent_map, const struct ex_elem *el, const struct ex_elem *next)
{
	char key[16];
	json_t *av;

	if (!json_is_object(parent_map))
		return NULL;
	if (el->name) {
		av = json_object_getn(parent_map, el->name, el->len);
	} else {
		snprintf(key, sizeof(key), "%010u", el->index);
		av = json_object_get(parent_map, key);
	}
	if (av)
		return ddb_av_content(av);
	av = ddb_av_new(next->name ? DT_M : DT_L, json_object());
	if (el->name)
		json_object_setn_new(parent_map, el->name, el->len, av);
	else
		json_object_set_new(parent_map, key, av);
	return ddb_av_content(av);
}

static void place(json_t *result, const struct ex_node *path, const json_t *v)
{
	json_t *map = result;
	const struct ex_elem *last = &path->elems[path->n_elems - 1];
	char key[16];

	for (size_t i = 0; i + 1 < path->n_elems && map; i++)
		map = container(map, &path->elems[i], &path->elems[i + 1]);
	if (!map || !json_is_object(map))
		return;
	if (last->name) {
		json_object_setn_new(map, last->name, last->len, json_deep_copy(v));
	} else {
		snprintf(key, sizeof(key), "%010u", last->index);
		json_object_set_new(map, key, json_deep_copy(v));
	}
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void finish(json_t *av)
{
	json_t *c = ddb_av_content(av), *list, *x;
	enum ddb_type t = ddb_type_of(av);
	const char **keys, *key;
	size_t n = 0, i;

	if (t == DT_M) {
		json_object_foreach(c, key, x)
			finish(x);
		return;
	}
	if (t != DT_L || !json_is_object(c))
		return;
	keys = xcalloc(json_object_size(c) + 1, sizeof(*keys));
	json_object_foreach(c, key, x)
		keys[n++] = key;
	qsort(keys, n, sizeof(*keys), key_cmp);
	list = json_array();
	for (i = 0; i < n; i++) {
		x = json_object_get(c, keys[i]);
		finish(x);
		json_array_append(list, x);
	}
	free(keys);
	json_object_set_new(av, "L", list);
}

json_t *ddb_project(const json_t *item, struct ex_node *const *paths, size_t n)
{
	json_t *result = json_object(), *x;
	const char *key;

	for (size_t i = 0; i < n; i++) {
		const json_t *v = ddb_path_get(item, paths[i]);

		if (v)
			place(result, paths[i], v);
	}
	json_object_foreach(result, key, x)
		finish(x);
	return result;
}

static int invalid_path(struct ddb_err *e)
{
	return ddb_fail(e, DDB_VALIDATION, "The document path provided in the update expression is "
			"invalid for update");
}

static int wrong_type(struct ddb_err *e)
{
	return ddb_fail(e, DDB_VALIDATION, "An operand in the update expression has an incorrect "
			"data type");
}

static int missing(struct ddb_err *e)
{
	return ddb_fail(e, DDB_VALIDATION, "The provided expression refers to an attribute that does "
			"not exist in the item");
}

static int eval_value(const struct ex_node *x, const json_t *old, json_t **out, struct ddb_err *e);

/* Both operands of a two-operand SET function, read from 'old'; both must be of type 't'. */
static int operands(const struct ex_node *x, const json_t *old, enum ddb_type t, json_t *v[2],
		    struct ddb_err *e)
{
	int ret = 0;

	v[0] = v[1] = NULL;
	for (int i = 0; i < 2 && !ret; i++)
		ret = eval_value(x->args[i], old, &v[i], e);
	if (!ret && (ddb_type_of(v[0]) != t || ddb_type_of(v[1]) != t))
		ret = wrong_type(e);
	return ret;
}

static int arith(const struct ex_node *x, const json_t *old, json_t **out, struct ddb_err *e)
{
	struct ddb_num a, b, sum;
	json_t *v[2];
	int ret = operands(x, old, DT_N, v, e);

	if (!ret) {
		ddb_av_num(v[0], &a);
		ddb_av_num(v[1], &b);
		ret = ddb_num_add(&a, &b, x->op == '-', &sum, e);
	}
	if (!ret)
		*out = ddb_av_from_num(&sum);
	json_decref(v[0]);
	json_decref(v[1]);
	return ret;
}

static int list_append(const struct ex_node *x, const json_t *old, json_t **out, struct ddb_err *e)
{
	json_t *v[2], *list;
	int ret = operands(x, old, DT_L, v, e);

	if (!ret) {
		list = json_array();
		json_array_extend(list, ddb_av_content(v[0]));
		json_array_extend(list, ddb_av_content(v[1]));
		*out = ddb_av_new(DT_L, list);
	}
	json_decref(v[0]);
	json_decref(v[1]);
	return ret;
}

/* The value of a SET operand, read from 'old': a new reference in '*out'. */
static int eval_value(const struct ex_node *x, const json_t *old, json_t **out, struct ddb_err *e)
{
	const json_t *v;

	switch (x->kind) {
	case EX_VALUE:
		*out = json_deep_copy(x->value);
		return 0;
	case EX_PATH:
		v = ddb_path_get(old, x);
		if (!v)
			return missing(e);
		*out = json_deep_copy(v);
		return 0;
	case EX_ARITH:
		return arith(x, old, out, e);
	case EX_FUNC:
		if (x->op == FN_LIST_APPEND)
			return list_append(x, old, out, e);
		v = ddb_path_get(old, x->args[0]);
		if (v) {
			*out = json_deep_copy(v);
			return 0;
		}
		return eval_value(x->args[1], old, out, e);
	default:
		return invalid_path(e);
	}
}

/* The container the last step of 'path' lives in, in 'item' as it is now. */
static json_t *parent_of(json_t *item, const struct ex_node *path)
{
	json_t *v;

	if (path->n_elems == 1)
		return item;
	v = map_get(item, &path->elems[0]);
	for (size_t i = 1; v && i + 1 < path->n_elems; i++)
		v = step(v, &path->elems[i]);
	return v;
}

/* Stores 'v' (taking the reference) at 'path' of 'item'. */
static int set_at(json_t *item, const struct ex_node *path, json_t *v, struct ddb_err *e)
{
	const struct ex_elem *last = &path->elems[path->n_elems - 1];
	json_t *parent = parent_of(item, path), *c;

	if (parent == item) {
		json_object_setn_new(item, last->name, last->len, v);
		return 0;
	}
	if (!parent || ddb_type_of(parent) != (last->name ? DT_M : DT_L)) {
		json_decref(v);
		return invalid_path(e);
	}
	c = ddb_av_content(parent);
	if (last->name)
		json_object_setn_new(c, last->name, last->len, v);
	else if (last->index < json_array_size(c))
		json_array_set_new(c, last->index, v);
	else
		json_array_append_new(c, v);
	return 0;
}

static int remove_at(json_t *item, const struct ex_node *path, struct ddb_err *e)
{
	const struct ex_elem *last = &path->elems[path->n_elems - 1];
	json_t *parent = parent_of(item, path), *c;

	if (parent == item) {
		json_object_deln(item, last->name, last->len);
		return 0;
	}
	if (!parent || ddb_type_of(parent) != (last->name ? DT_M : DT_L))
		return invalid_path(e);
	c = ddb_av_content(parent);
	if (last->name)
		json_object_deln(c, last->name, last->len);
	else if (last->index < json_array_size(c))
		json_array_remove(c, last->index);
	return 0;
}

static bool set_type(enum ddb_type t)
{
	return t == DT_SS || t == DT_NS || t == DT_BS;
}

/* A set's members sorted, so that each lookup costs a binary search (sets can be large). */
struct members {
	const json_t **v;
	size_t n;
};

static void members_init(struct members *m, const json_t *list)
{
	m->n = json_array_size(list);
	m->v = xcalloc(m->n + 1, sizeof(*m->v));
	for (size_t i = 0; i < m->n; i++)
		m->v[i] = json_array_get(list, i);
	qsort(m->v, m->n, sizeof(*m->v), ddb_json_str_cmp);
}

static bool members_has(const struct members *m, const json_t *s)
{
	return bsearch(&s, m->v, m->n, sizeof(*m->v), ddb_json_str_cmp) != NULL;
}

static void members_release(struct members *m)
{
	FREE_AND_NULL(m->v);
}

/* ADD: a number added, set members joined, or the value itself when absent. */
static int add(json_t *item, const struct up_action *a, struct ddb_err *e)
{
	const json_t *have = ddb_path_get(item, a->path);
	const json_t *v = a->value->value;
	enum ddb_type t = ddb_type_of(v);
	struct ddb_num x, y, sum;
	struct members old;
	json_t *list;
	size_t i;
	json_t *m;

	if (!have)
		return set_at(item, a->path, json_deep_copy(v), e);
	if (ddb_type_of(have) != t || (t != DT_N && !set_type(t)))
		return wrong_type(e);
	if (t == DT_N) {
		ddb_av_num(have, &x);
		ddb_av_num(v, &y);
		if (ddb_num_add(&x, &y, false, &sum, e) < 0)
			return -EINVAL;
		return set_at(item, a->path, ddb_av_from_num(&sum), e);
	}
	list = json_deep_copy(ddb_av_content(have));
	members_init(&old, ddb_av_content(have));
	json_array_foreach(ddb_av_content(v), i, m)
		if (!members_has(&old, m))
			json_array_append(list, m);
	members_release(&old);
	return set_at(item, a->path, ddb_av_new(t, list), e);
}

/* DELETE: set members taken away; a set left empty goes. */
static int del(json_t *item, const struct up_action *a, struct ddb_err *e)
{
	const json_t *have = ddb_path_get(item, a->path);
	const json_t *v = a->value->value;
	enum ddb_type t = ddb_type_of(v);
	struct members gone;
	json_t *list, *m;
	size_t i;

	if (!have)
		return 0;
	if (ddb_type_of(have) != t || !set_type(t))
		return wrong_type(e);
	list = json_array();
	members_init(&gone, ddb_av_content(v));
	json_array_foreach(ddb_av_content(have), i, m)
		if (!members_has(&gone, m))
			json_array_append(list, m);
	members_release(&gone);
	if (!json_array_size(list)) {
		json_decref(list);
		return remove_at(item, a->path, e);
	}
	return set_at(item, a->path, ddb_av_new(t, list), e);
}

/* REMOVEs of list elements go last and from the highest index down. */
static int remove_order(const void *pa, const void *pb)
{
	const struct up_action *a = *(const struct up_action *const *)pa;
	const struct up_action *b = *(const struct up_action *const *)pb;
	size_t n = MIN(a->path->n_elems, b->path->n_elems);

	for (size_t i = 0; i < n; i++) {
		const struct ex_elem *x = &a->path->elems[i], *y = &b->path->elems[i];

		if (!x->name && !y->name && x->index != y->index)
			return x->index > y->index ? -1 : 1;
	}
	return 0;
}

int ddb_update_apply(json_t *item, const json_t *old, const struct ddb_update *u,
		     struct ddb_err *e)
{
	json_t **values = xcalloc(u->n + 1, sizeof(*values));
	const struct up_action **removes = xcalloc(u->n + 1, sizeof(*removes));
	size_t n_removes = 0, i;
	int ret = 0;

	for (i = 0; i < u->n && !ret; i++)
		if (u->acts[i].kind == UP_SET)
			ret = eval_value(u->acts[i].value, old, &values[i], e);
	for (i = 0; i < u->n && !ret; i++) {
		const struct up_action *a = &u->acts[i];

		if (a->kind == UP_SET) {
			ret = set_at(item, a->path, values[i], e);
			values[i] = NULL;
		} else if (a->kind == UP_ADD) {
			ret = add(item, a, e);
		} else if (a->kind == UP_DELETE) {
			ret = del(item, a, e);
		} else {
			removes[n_removes++] = a;
		}
	}
	qsort(removes, n_removes, sizeof(*removes), remove_order);
	for (i = 0; i < n_removes && !ret; i++)
		ret = remove_at(item, removes[i]->path, e);
	for (i = 0; i < u->n; i++)
		json_decref(values[i]);
	free(values);
	free(removes);
	return ret;
}
