/* SPDX-License-Identifier: MIT */
/*
 * Query and Scan. A Query reads one partition, a prefix of the item keys,
 * in sort-key order (forwards from the kv, backwards through a window that
 * keeps only the last page's worth); a Scan reads the table's prefix. Both
 * stop, as DynamoDB does, after Limit items or 1 MB read, before filtering,
 * and then name the last item read in LastEvaluatedKey.
 */
#include "compat.h"
#include "svc/ddb_internal.h"

#include "base/xalloc.h"

static int kc_fail(struct ddb_err *e, const char *msg)
{
	return ddb_fail(e, DDB_VALIDATION, "%s", msg);
}

static int kc_operator(struct ddb_err *e, const char *op)
{
	return ddb_fail(e, DDB_VALIDATION, "Invalid operator used in KeyConditionExpression: %s", op);
}

static int kc_add(struct ddb_keycond *kc, const struct ex_node *path, enum kc_op op,
		  const json_t *a, const json_t *b, struct ddb_err *e)
{
	const struct ex_elem *attr = &path->elems[0];

	if (path->n_elems > 1)
		return kc_fail(e, "KeyConditionExpressions cannot have conditions on nested "
			       "attributes");
	for (int i = 0; i < kc->n; i++)
		if (kc->part[i].attr->len == attr->len &&
		    !memcmp(kc->part[i].attr->name, attr->name, attr->len))
			return kc_fail(e, "KeyConditionExpressions must only contain one condition "
				       "per key");
	if (kc->n == 2)
		return kc_fail(e, "Conditions can be of length 1 or 2 only");
	kc->part[kc->n++] = (struct kc_part){ .attr = attr, .op = op, .v = { a, b } };
	return 0;
}

static bool nested_op(const struct ex_node *x)
{
	return x->kind == EX_FUNC;
}

static int kc_compare(const struct ex_node *x, struct ddb_keycond *kc, struct ddb_err *e)
{
	static const enum kc_op ops[] = { [CMP_EQ] = KC_EQ, [CMP_LT] = KC_LT, [CMP_LE] = KC_LE,
					  [CMP_GT] = KC_GT, [CMP_GE] = KC_GE };
	static const enum kc_op flipped[] = { [CMP_EQ] = KC_EQ, [CMP_LT] = KC_GT, [CMP_LE] = KC_GE,
					      [CMP_GT] = KC_LT, [CMP_GE] = KC_LE };
	const struct ex_node *a = x->args[0], *b = x->args[1];

	if (nested_op(a) || nested_op(b))
		return kc_fail(e, "KeyConditionExpressions cannot contain nested operations");
	if (a->kind == EX_PATH && b->kind == EX_PATH)
		return kc_fail(e, "Invalid condition in KeyConditionExpression: Multiple attribute "
			       "names used in one condition");
	if (a->kind == EX_PATH)
		return kc_add(kc, a, ops[x->op], b->value, NULL, e);
	if (b->kind == EX_PATH)
		return kc_add(kc, b, flipped[x->op], a->value, NULL, e);
	return kc_fail(e, "Invalid condition in KeyConditionExpression: No key attribute "
		       "specified");
}

static int kc_walk(const struct ex_node *x, struct ddb_keycond *kc, struct ddb_err *e)
{
	switch (x->kind) {
	case EX_AND:
		if (kc_walk(x->args[0], kc, e) < 0)
			return -EINVAL;
		return kc_walk(x->args[1], kc, e);
	case EX_OR:
		return kc_operator(e, "OR");
	case EX_NOT:
		return kc_operator(e, "NOT");
	case EX_IN:
		return kc_operator(e, "IN");
	case EX_BETWEEN:
		if (x->args[0]->kind != EX_PATH)
			return kc_fail(e, "Invalid condition in KeyConditionExpression: BETWEEN "
				       "operator must have the key attribute as its first operand");
		if (nested_op(x->args[1]) || nested_op(x->args[2]))
			return kc_fail(e, "KeyConditionExpressions cannot contain nested operations");
		return kc_add(kc, x->args[0], KC_BETWEEN, x->args[1]->value, x->args[2]->value, e);
	case EX_FUNC:
		if (x->op == FN_SIZE)
			return kc_fail(e, "KeyConditionExpressions cannot contain nested operations");
		if (x->op != FN_BEGINS_WITH)
			return ddb_fail(e, DDB_VALIDATION, "Invalid operator used in "
					"KeyConditionExpression: %.*s", (int)x->text_len, x->text);
		if (x->args[0]->kind != EX_PATH)
			return kc_fail(e, "Invalid condition in KeyConditionExpression: begins_with "
				       "operator must have the key attribute as its first operand");
		if (nested_op(x->args[1]) || x->args[1]->kind == EX_PATH)
			return kc_fail(e, "Invalid condition in KeyConditionExpression: Multiple "
				       "attribute names used in one condition");
		return kc_add(kc, x->args[0], KC_BEGINS, x->args[1]->value, NULL, e);
	case EX_CMP:
		if (x->op == CMP_NE)
			return kc_operator(e, "<>");
		return kc_compare(x, kc, e);
	default:
		return kc_fail(e, "Invalid condition in KeyConditionExpression: No key attribute "
			       "specified");
	}
}

int ddb_keycond_from(const struct ex_node *n, struct ddb_keycond *out, struct ddb_err *e)
{
	memset(out, 0, sizeof(*out));
	return kc_walk(n, out, e);
}

/* The sort key's bounds, as bytes that sort as the keys do. */
struct range {
	struct buf lo, hi, prefix;
	bool has_lo, lo_incl, has_hi, hi_incl;
};

static void range_init(struct range *g)
{
	memset(g, 0, sizeof(*g));
	buf_init(&g->lo, SIZE_MAX);
	buf_init(&g->hi, SIZE_MAX);
	buf_init(&g->prefix, SIZE_MAX);
}

static void range_release(struct range *g)
{
	buf_release(&g->lo);
	buf_release(&g->hi);
	buf_release(&g->prefix);
}

static void range_from(const struct kc_part *p, struct range *g)
{
	switch (p->op) {
	case KC_BEGINS:
		ddb_av_key_bytes(p->v[0], &g->prefix);
		return;
	case KC_BETWEEN:
		ddb_av_key_bytes(p->v[1], &g->hi);
		g->has_hi = g->hi_incl = true;
		/* fall through */
	case KC_GE:
	case KC_GT:
		ddb_av_key_bytes(p->v[0], &g->lo);
		g->has_lo = true;
		g->lo_incl = p->op != KC_GT;
		return;
	case KC_EQ:
		ddb_av_key_bytes(p->v[0], &g->lo);
		ddb_av_key_bytes(p->v[0], &g->hi);
		g->has_lo = g->has_hi = g->lo_incl = g->hi_incl = true;
		return;
	default:
		ddb_av_key_bytes(p->v[0], &g->hi);
		g->has_hi = true;
		g->hi_incl = p->op == KC_LE;
		return;
	}
}

/* -1 below the range, 0 in it, 1 above it. */
static int range_place(const struct range *g, struct str sk)
{
	int c;

	if (g->has_lo && ((c = str_cmp(sk, buf_str(&g->lo))) < 0 || (!c && !g->lo_incl)))
		return -1;
	if (g->has_hi && ((c = str_cmp(sk, buf_str(&g->hi))) > 0 || (!c && !g->hi_incl)))
		return 1;
	if (g->prefix.len && !str_starts_with(sk, buf_str(&g->prefix)))
		return str_cmp(sk, buf_str(&g->prefix)) < 0 ? -1 : 1;
	return 0;
}

/* One page of results in the making. */
struct page {
	const struct ddb_req *r;
	const struct ddb_table *t;
	json_t *items;
	int64_t count, scanned;
	size_t bytes;
	json_t *last;		/* the last item read: LastEvaluatedKey */
	bool truncated;
	int err;
};

static void page_init(struct page *pg, const struct ddb_req *r, const struct ddb_table *t)
{
	memset(pg, 0, sizeof(*pg));
	pg->r = r;
	pg->t = t;
	pg->items = json_array();
}

static void page_release(struct page *pg)
{
	json_decref(pg->items);
	json_decref(pg->last);
}

/* Takes 'item' (its reference): counts, filters, projects; 1 when the page is full. */
static int page_take(struct page *pg, json_t *item)
{
	const struct ddb_req *r = pg->r;

	pg->scanned++;
	pg->bytes += ddb_item_size(item);
	if (!r->filter || ddb_cond_eval(r->filter, item)) {
		pg->count++;
		if (r->select != SEL_COUNT && r->has_proj)
			json_array_append_new(pg->items, ddb_project(item, r->proj.v, r->proj.n));
		else if (r->select != SEL_COUNT)
			json_array_append(pg->items, item);
	}
	json_decref(pg->last);
	pg->last = item;
	if ((r->has_limit && pg->scanned >= r->limit) || pg->bytes >= LIMIT_DDB_PAGE_BYTES) {
		pg->truncated = true;
		return 1;
	}
	return 0;
}

static json_t *parse_item(struct page *pg, struct str value)
{
	json_t *item = json_loadb(value.p, value.len, JSON_ALLOW_NUL, NULL);

	if (!item || !json_is_object(item)) {
		json_decref(item);
		pg->err = -EIO;
	}
	return pg->err ? NULL : item;
}

static void page_answer(struct page *pg, json_t *out)
{
	const struct ddb_req *r = pg->r;

	if (r->select != SEL_COUNT)
		json_object_set(out, "Items", pg->items);
	json_object_set_new(out, "Count", json_integer(pg->count));
	json_object_set_new(out, "ScannedCount", json_integer(pg->scanned));
	if (pg->truncated && pg->last)
		json_object_set_new(out, "LastEvaluatedKey", ddb_key_of(pg->t, pg->last));
	ddb_capacity_add(r, out, ddb_read_units(pg->bytes, r->consistent));
}

/* A Query's walk over its partition. */
struct walk {
	struct page pg;
	struct range g;
	size_t part_len;	/* bytes of the partition's key prefix */
	struct buf stop;	/* backwards from ExclusiveStartKey: keys from here are out */
	json_t **win;		/* backwards: the last items read, oldest first */
	size_t *win_size;
	size_t head, n, alloc, win_bytes;
};

static int forward_one(void *arg, struct str key, struct str value)
{
	struct walk *w = arg;
	int place = range_place(&w->g, str_from(key.p + w->part_len, key.len - w->part_len));
	json_t *item;

	if (place < 0)
		return 0;
	if (place > 0)
		return 1;
	item = parse_item(&w->pg, value);
	return item ? page_take(&w->pg, item) : 1;
}

/* Keeps the smallest tail of what was read that one backward page needs. */
static void window_push(struct walk *w, json_t *item)
{
	const struct ddb_req *r = w->pg.r;

	ALLOC_GROW(w->win, w->n + 1, w->alloc);
	w->win_size = xreallocarray(w->win_size, w->alloc, sizeof(*w->win_size));
	w->win[w->n] = item;
	w->win_size[w->n++] = ddb_item_size(item);
	w->win_bytes += w->win_size[w->n - 1];
	while (w->n - w->head > 1 &&
	       ((r->has_limit && (int64_t)(w->n - w->head) > r->limit) ||
		w->win_bytes - w->win_size[w->head] >= LIMIT_DDB_PAGE_BYTES)) {
		w->win_bytes -= w->win_size[w->head];
		json_decref(w->win[w->head++]);
	}
	if (w->head > 1024 && w->head > w->n / 2) {
		memmove(w->win, w->win + w->head, (w->n - w->head) * sizeof(*w->win));
		memmove(w->win_size, w->win_size + w->head, (w->n - w->head) * sizeof(*w->win_size));
		w->n -= w->head;
		w->head = 0;
	}
}

static int backward_one(void *arg, struct str key, struct str value)
{
	struct walk *w = arg;
	int place = range_place(&w->g, str_from(key.p + w->part_len, key.len - w->part_len));
	json_t *item;

	if (place < 0)
		return 0;
	if (place > 0 || (w->stop.len && str_cmp(key, buf_str(&w->stop)) >= 0))
		return 1;
	item = parse_item(&w->pg, value);
	if (!item)
		return 1;
	window_push(w, item);
	return 0;
}

static void backward_page(struct walk *w)
{
	size_t i = w->n;

	while (i > w->head) {
		json_t *item = w->win[--i];

		w->win[i] = NULL;
		if (page_take(&w->pg, item))
			break;
	}
	for (i = w->head; i < w->n; i++) {
		json_decref(w->win[i]);
		w->win[i] = NULL;
	}
}

/* Which part of the key condition is the partition's, and which the sort key's. */
static int query_parts(const struct ddb_table *t, const struct ddb_keycond *kc,
		       const struct kc_part **hash, const struct kc_part **range, struct ddb_err *e)
{
	*hash = *range = NULL;
	for (int i = 0; i < kc->n; i++) {
		int k = ddb_table_keyidx(t, kc->part[i].attr->name, kc->part[i].attr->len);

		if (k == 0)
			*hash = &kc->part[i];
		else if (k == 1)
			*range = &kc->part[i];
	}
	if (!*hash)
		return ddb_fail(e, DDB_VALIDATION, "Query condition missed key schema element: %s",
				t->key[0].name);
	if (kc->n == 2 && !*range)
		return t->n_keys > 1 ? ddb_fail(e, DDB_VALIDATION, "Query condition missed key schema "
						"element: %s", t->key[1].name) :
		       ddb_fail(e, DDB_VALIDATION, "Query key condition not supported");
	if ((*hash)->op != KC_EQ)
		return ddb_fail(e, DDB_VALIDATION, "Query key condition not supported");
	for (int i = 0; i < kc->n; i++) {
		int k = ddb_table_keyidx(t, kc->part[i].attr->name, kc->part[i].attr->len);

		for (int j = 0; j < 2 && kc->part[i].v[j]; j++)
			if (ddb_type_of(kc->part[i].v[j]) != t->key[k].type)
				return ddb_fail(e, DDB_VALIDATION, DDB_INVALID "Condition parameter type "
						"does not match schema type");
	}
	return 0;
}

/* A Query's filter may not name the key. */
static int filter_keys(const struct ddb_table *t, const struct ex_node *x, struct ddb_err *e)
{
	if (x->kind == EX_PATH && x->n_elems && x->elems[0].name &&
	    ddb_table_keyidx(t, x->elems[0].name, x->elems[0].len) >= 0)
		return ddb_fail(e, DDB_VALIDATION, "Filter Expression can only contain non-primary key "
				"attributes: Primary key attribute: %.*s", (int)x->elems[0].len,
				x->elems[0].name);
	for (size_t i = 0; i < x->n_args; i++)
		if (filter_keys(t, x->args[i], e) < 0)
			return -EINVAL;
	return 0;
}

static int no_index(const struct ddb_req *r, struct ddb_err *e)
{
	if (r->index)
		return ddb_fail(e, DDB_VALIDATION, "The table does not have the specified index: %s",
				r->index);
	return 0;
}

static int start_key_rules(const struct ddb_table *t, const struct ddb_req *r, struct ddb_err *e)
{
	if (r->start_key && ddb_key_check(t, r->start_key, e) < 0)
		return ddb_fail_wrap(e, "The provided starting key is invalid: ", "", "");
	return 0;
}

/* The ExclusiveStartKey of a Query must lie in its partition and range. */
static int query_start(struct walk *w, const struct kc_part *hash, struct ddb_err *e)
{
	const struct ddb_table *t = w->pg.t;
	const json_t *sk;
	struct buf b;
	int place = 0;

	if (!w->pg.r->start_key)
		return 0;
	if (!ddb_av_equal(json_object_getn(w->pg.r->start_key, t->key[0].name, t->key[0].len),
			  hash->v[0]))
		return ddb_fail(e, DDB_VALIDATION, "The provided starting key is outside query "
				"boundaries based on provided conditions");
	if (t->n_keys < 2)
		return 0;
	sk = json_object_getn(w->pg.r->start_key, t->key[1].name, t->key[1].len);
	buf_init(&b, SIZE_MAX);
	ddb_av_key_bytes(sk, &b);
	place = range_place(&w->g, buf_str(&b));
	buf_release(&b);
	if (place)
		return ddb_fail(e, DDB_VALIDATION, "The provided starting key does not match the range "
				"key predicate");
	return 0;
}

static int query_walk(const struct ddb_ctx *cx, struct walk *w, const struct kc_part *hash)
{
	const struct ddb_req *r = w->pg.r;
	struct buf prefix, after;
	int ret;

	buf_init(&prefix, SIZE_MAX);
	buf_init(&after, SIZE_MAX);
	ddb_key_encode_partition(w->pg.t, hash->v[0], &prefix);
	w->part_len = prefix.len;
	if (r->start_key && r->forward)
		ddb_key_encode(w->pg.t, r->start_key, &after);
	else if (r->start_key)
		ddb_key_encode(w->pg.t, r->start_key, &w->stop);
	if (!after.len && w->g.has_lo && w->g.lo.len) {
		/* A proper prefix of the lower bound sorts before every key in range. */
		buf_addstr(&after, buf_str(&prefix));
		buf_add(&after, w->g.lo.p, w->g.lo.len - 1);
	}
	buf_addstr(&prefix, buf_str(&w->g.prefix));
	ret = kv_scan(cx->kv, DDB_SPACE_ITEMS, buf_str(&prefix), buf_str(&after),
		      r->forward ? forward_one : backward_one, w);
	if (ret >= 0 && !r->forward && !w->pg.err)
		backward_page(w);
	buf_release(&prefix);
	buf_release(&after);
	return ret < 0 || w->pg.err ? -EIO : 0;
}

int ddb_query(const struct ddb_ctx *cx, struct ddb_req *r, json_t *out, struct ddb_err *e)
{
	const struct kc_part *hash, *rangep;
	struct ddb_table t;
	struct walk w;
	int ret;

	memset(&w, 0, sizeof(w));
	range_init(&w.g);
	buf_init(&w.stop, SIZE_MAX);
	page_init(&w.pg, r, &t);
	if ((ret = ddb_table_open(cx, r, &t, e)) < 0 || (ret = no_index(r, e)) < 0 ||
	    (ret = query_parts(&t, &r->keycond, &hash, &rangep, e)) < 0 ||
	    (r->filter && (ret = filter_keys(&t, r->filter, e)) < 0) ||
	    (ret = start_key_rules(&t, r, e)) < 0)
		goto out;
	if (rangep)
		range_from(rangep, &w.g);
	if ((ret = query_start(&w, hash, e)) < 0)
		goto out;
	if (query_walk(cx, &w, hash) < 0) {
		ret = ddb_fail_io(e);
		goto out;
	}
	page_answer(&w.pg, out);
out:
	for (size_t i = w.head; i < w.n; i++)
		json_decref(w.win[i]);
	free(w.win);
	free(w.win_size);
	buf_release(&w.stop);
	range_release(&w.g);
	page_release(&w.pg);
	ddb_table_release(&t);
	return ret;
}

/* A parallel Scan's segment of an item: a hash of its partition key's bytes. */
static bool in_segment(const struct ddb_req *r, size_t prefix_len, struct str key)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t len;

	if (!r->has_segment || key.len < prefix_len + 4)
		return true;
	len = (size_t)(uint8_t)key.p[prefix_len] << 24 | (size_t)(uint8_t)key.p[prefix_len + 1] << 16 |
	      (size_t)(uint8_t)key.p[prefix_len + 2] << 8 | (uint8_t)key.p[prefix_len + 3];
	for (size_t i = 0; i < len && prefix_len + 4 + i < key.len; i++)
		h = (h ^ (uint8_t)key.p[prefix_len + 4 + i]) * 0x100000001b3ULL;
	return (int64_t)(h % (uint64_t)r->segments) == r->segment;
}

struct scan {
	struct page pg;
	size_t prefix_len;
};

static int scan_one(void *arg, struct str key, struct str value)
{
	struct scan *s = arg;
	json_t *item;

	if (!in_segment(s->pg.r, s->prefix_len, key))
		return 0;
	item = parse_item(&s->pg, value);
	return item ? page_take(&s->pg, item) : 1;
}

int ddb_scan(const struct ddb_ctx *cx, struct ddb_req *r, json_t *out, struct ddb_err *e)
{
	struct ddb_table t;
	struct buf after;
	struct scan s;
	int ret;

	buf_init(&after, SIZE_MAX);
	page_init(&s.pg, r, &t);
	if ((ret = ddb_table_open(cx, r, &t, e)) < 0 || (ret = no_index(r, e)) < 0 ||
	    (ret = start_key_rules(&t, r, e)) < 0)
		goto out;
	s.prefix_len = t.prefix.len;
	if (r->start_key)
		ddb_key_encode(&t, r->start_key, &after);
	ret = kv_scan(cx->kv, DDB_SPACE_ITEMS, buf_str(&t.prefix), buf_str(&after), scan_one, &s);
	if (ret < 0 || s.pg.err) {
		ret = ddb_fail_io(e);
		goto out;
	}
	ret = 0;
	page_answer(&s.pg, out);
out:
	buf_release(&after);
	page_release(&s.pg);
	ddb_table_release(&t);
	return ret;
}
