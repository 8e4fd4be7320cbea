/* SPDX-License-Identifier: MIT */
/*
 * Items: PutItem, GetItem, DeleteItem and UpdateItem, and the keys items are
 * stored under. An item's kv key is its table's prefix, the partition key's
 * bytes behind a 4-byte length (so a partition is a prefix of its own), and
 * the sort key's bytes, which sort as DynamoDB sorts (ddb_av_key_bytes()).
 * Every write is one transaction: condition, item, the table's counters.
 */
#include "compat.h"
#include "svc/ddb_internal.h"

#include "base/xalloc.h"

static int key_value_rules(const struct ddb_table *t, int i, const json_t *v, struct ddb_err *e)
{
	const json_t *c = ddb_av_content(v);
	struct buf bytes;
	size_t len;

	if ((t->key[i].type == DT_S || t->key[i].type == DT_B) && !json_string_length(c))
		return ddb_fail(e, DDB_VALIDATION, "One or more parameter values are not valid. The "
				"AttributeValue for a key attribute cannot contain an empty %s value. "
				"Key: %s", t->key[i].type == DT_S ? "string" : "binary",
				t->key[i].name);
	buf_init(&bytes, SIZE_MAX);
	ddb_av_key_bytes(v, &bytes);
	len = bytes.len;
	buf_release(&bytes);
	if (t->key[i].type == DT_N)
		return 0;
	if (!i && len > LIMIT_DDB_HASH_KEY_BYTES)
		return ddb_fail(e, DDB_VALIDATION, DDB_INVALID "Size of hashkey has exceeded the maximum "
				"size limit of%d bytes", LIMIT_DDB_HASH_KEY_BYTES);
	if (i && len > LIMIT_DDB_RANGE_KEY_BYTES)
		return ddb_fail(e, DDB_VALIDATION, DDB_INVALID "Aggregated size of all range keys has "
				"exceeded the size limit of %d bytes", LIMIT_DDB_RANGE_KEY_BYTES);
	return 0;
}

static const json_t *key_attr(const struct ddb_table *t, int i, const json_t *item)
{
	return json_object_getn(item, t->key[i].name, t->key[i].len);
}

int ddb_key_check_item(const struct ddb_table *t, const json_t *item, struct ddb_err *e)
{
	for (int i = 0; i < t->n_keys; i++) {
		const json_t *v = key_attr(t, i, item);
		enum ddb_type have = ddb_type_of(v);

		if (!v)
			return ddb_fail(e, DDB_VALIDATION, DDB_INVALID "Missing the key %s in the item",
					t->key[i].name);
		if (have != t->key[i].type)
			return ddb_fail(e, DDB_VALIDATION, DDB_INVALID "Type mismatch for key %s expected: "
					"%s actual: %s", t->key[i].name, ddb_type_name(t->key[i].type),
					ddb_type_name(have));
		if (key_value_rules(t, i, v, e) < 0)
			return -EINVAL;
	}
	return 0;
}

int ddb_key_check(const struct ddb_table *t, const json_t *key, struct ddb_err *e)
{
	if ((int)json_object_size(key) != t->n_keys)
		return ddb_fail(e, DDB_VALIDATION, DDB_KEY_MISMATCH);
	for (int i = 0; i < t->n_keys; i++)
		if (ddb_type_of(key_attr(t, i, key)) != t->key[i].type)
			return ddb_fail(e, DDB_VALIDATION, DDB_KEY_MISMATCH);
	for (int i = 0; i < t->n_keys; i++)
		if (key_value_rules(t, i, key_attr(t, i, key), e) < 0)
			return -EINVAL;
	return 0;
}

void ddb_key_encode_partition(const struct ddb_table *t, const json_t *hash, struct buf *out)
{
	size_t at;

	buf_addstr(out, buf_str(&t->prefix));
	at = out->len;
	buf_add(out, "\0\0\0\0", 4);
	ddb_av_key_bytes(hash, out);
	if (out->err)
		return;
	out->p[at] = (char)((out->len - at - 4) >> 24);
	out->p[at + 1] = (char)((out->len - at - 4) >> 16);
	out->p[at + 2] = (char)((out->len - at - 4) >> 8);
	out->p[at + 3] = (char)(out->len - at - 4);
}

void ddb_key_encode(const struct ddb_table *t, const json_t *item, struct buf *out)
{
	ddb_key_encode_partition(t, key_attr(t, 0, item), out);
	if (t->n_keys > 1)
		ddb_av_key_bytes(key_attr(t, 1, item), out);
}

json_t *ddb_key_of(const struct ddb_table *t, const json_t *item)
{
	json_t *key = json_object();

	for (int i = 0; i < t->n_keys; i++)
		json_object_setn(key, t->key[i].name, t->key[i].len, (json_t *)key_attr(t, i, item));
	return key;
}

/* The item stored under 'key', or NULL (absent) with 0; -EIO when unreadable. */
static int item_get(struct kv *kv, struct str key, json_t **out)
{
	struct buf val;
	int ret;

	*out = NULL;
	buf_init(&val, LIMIT_DDB_BODY_BYTES * 2);
	ret = kv_get(kv, DDB_SPACE_ITEMS, key, &val);
	if (!ret) {
		*out = json_loadb(val.p, val.len, JSON_ALLOW_NUL, NULL);
		ret = *out && json_is_object(*out) && !val.err ? 0 : -EIO;
	}
	buf_release(&val);
	return ret == -ENOENT ? 0 : ret;
}

static int item_put(struct kv *kv, struct str key, const json_t *item)
{
	char *text = json_dumps(item, JSON_COMPACT);
	int ret;

	if (!text)
		return -EIO;
	ret = kv_put(kv, DDB_SPACE_ITEMS, key, str_c(text));
	free(text);
	return ret < 0 ? -EIO : 0;
}

void ddb_capacity_add(const struct ddb_req *r, json_t *out, double units)
{
	json_t *cc;

	if (r->capacity == CAP_NONE)
		return;
	cc = json_pack("{s:s,s:f}", "TableName", r->table, "CapacityUnits", units);
	if (r->capacity == CAP_INDEXES)
		json_object_set_new(cc, "Table", json_pack("{s:f}", "CapacityUnits", units));
	json_object_set_new(out, "ConsumedCapacity", cc);
}

/* A write unit per KB of the larger of the two items, at least one. */
static double write_units(size_t a, size_t b)
{
	return (double)MAX((size_t)1, (MAX(a, b) + 1023) / 1024);
}

double ddb_read_units(size_t size, bool consistent)
{
	return (double)MAX((size_t)1, (size + 4095) / 4096) * (consistent ? 1 : 0.5);
}

/* One write in progress: the table, the item's key, the item before. */
struct write {
	struct ddb_table t;
	struct buf key;
	json_t *old;
	bool began;
};

static int write_begin(const struct ddb_ctx *cx, const struct ddb_req *r, struct write *w,
		       struct ddb_err *e)
{
	memset(w, 0, sizeof(*w));
	buf_init(&w->key, 64 * 1024);
	buf_init(&w->t.prefix, 0);
	if (kv_begin(cx->kv) < 0)
		return ddb_fail_io(e);
	w->began = true;
	return ddb_table_open(cx, r, &w->t, e);
}

static int write_load(const struct ddb_ctx *cx, struct write *w, const json_t *item,
		      struct ddb_err *e)
{
	ddb_key_encode(&w->t, item, &w->key);
	if (w->key.err || item_get(cx->kv, buf_str(&w->key), &w->old) < 0)
		return ddb_fail_io(e);
	return 0;
}

static int condition(const struct ddb_req *r, const json_t *old, struct ddb_err *e)
{
	if (!r->cond || ddb_cond_eval(r->cond, old))
		return 0;
	ddb_fail(e, DDB_CONDITION, "The conditional request failed");
	if (r->ccf_all_old && old)
		e->item = json_incref((json_t *)old);
	return -EINVAL;
}

/* Stores 'item' (NULL: deletes) and the table's new counters. */
static int write_store(const struct ddb_ctx *cx, struct write *w, const json_t *item,
		       struct ddb_err *e)
{
	int64_t before = w->old ? (int64_t)ddb_item_size(w->old) : 0;
	int64_t after = item ? (int64_t)ddb_item_size(item) : 0;
	int ret;

	if (item)
		ret = item_put(cx->kv, buf_str(&w->key), item);
	else
		ret = w->old ? kv_del(cx->kv, DDB_SPACE_ITEMS, buf_str(&w->key)) : 0;
	w->t.items += (item != NULL) - (w->old != NULL);
	w->t.bytes += after - before;
	if (ret < 0 || ddb_table_store(cx->kv, cx->account, cx->region, &w->t) < 0)
		return ddb_fail_io(e);
	return 0;
}

static int write_end(const struct ddb_ctx *cx, struct write *w, int ret, struct ddb_err *e)
{
	if (w->began && kv_commit(cx->kv, ret == 0) < 0 && !ret)
		ret = ddb_fail_io(e);
	json_decref(w->old);
	buf_release(&w->key);
	ddb_table_release(&w->t);
	return ret;
}

static int item_size_rule(const json_t *item, const char *what, struct ddb_err *e)
{
	if (ddb_item_size(item) > LIMIT_DDB_ITEM_BYTES)
		return ddb_fail(e, DDB_VALIDATION, "%s has exceeded the maximum allowed size", what);
	return 0;
}

int ddb_put_item(const struct ddb_ctx *cx, struct ddb_req *r, json_t *out, struct ddb_err *e)
{
	struct write w;
	int ret;

	if ((ret = write_begin(cx, r, &w, e)) < 0 || (ret = ddb_key_check_item(&w.t, r->item, e)) < 0 ||
	    (ret = item_size_rule(r->item, "Item size", e)) < 0 ||
	    (ret = write_load(cx, &w, r->item, e)) < 0 || (ret = condition(r, w.old, e)) < 0 ||
	    (ret = write_store(cx, &w, r->item, e)) < 0)
		return write_end(cx, &w, ret, e);
	if (r->rv == RV_ALL_OLD && w.old)
		json_object_set(out, "Attributes", w.old);
	ddb_capacity_add(r, out, write_units(w.old ? ddb_item_size(w.old) : 0,
					     ddb_item_size(r->item)));
	return write_end(cx, &w, 0, e);
}

int ddb_delete_item(const struct ddb_ctx *cx, struct ddb_req *r, json_t *out, struct ddb_err *e)
{
	struct write w;
	int ret;

	if ((ret = write_begin(cx, r, &w, e)) < 0 || (ret = ddb_key_check(&w.t, r->key, e)) < 0 ||
	    (ret = write_load(cx, &w, r->key, e)) < 0 || (ret = condition(r, w.old, e)) < 0 ||
	    (ret = write_store(cx, &w, NULL, e)) < 0)
		return write_end(cx, &w, ret, e);
	if (r->rv == RV_ALL_OLD && w.old)
		json_object_set(out, "Attributes", w.old);
	ddb_capacity_add(r, out, write_units(w.old ? ddb_item_size(w.old) : 0, 0));
	return write_end(cx, &w, 0, e);
}

int ddb_get_item(const struct ddb_ctx *cx, struct ddb_req *r, json_t *out, struct ddb_err *e)
{
	struct ddb_table t;
	json_t *item = NULL;
	struct buf key;
	int ret;

	buf_init(&key, 64 * 1024);
	if ((ret = ddb_table_open(cx, r, &t, e)) < 0 || (ret = ddb_key_check(&t, r->key, e)) < 0)
		goto out;
	ddb_key_encode(&t, r->key, &key);
	if (key.err || item_get(cx->kv, buf_str(&key), &item) < 0) {
		ret = ddb_fail_io(e);
		goto out;
	}
	if (item && r->has_proj)
		json_object_set_new(out, "Item", ddb_project(item, r->proj.v, r->proj.n));
	else if (item)
		json_object_set(out, "Item", item);
	ddb_capacity_add(r, out, ddb_read_units(item ? ddb_item_size(item) : 0, r->consistent));
out:
	json_decref(item);
	buf_release(&key);
	ddb_table_release(&t);
	return ret;
}

static int untouched_keys(const struct ddb_table *t, const struct ddb_update *u, struct ddb_err *e)
{
	for (size_t i = 0; i < u->n; i++) {
		const struct ex_elem *first = &u->acts[i].path->elems[0];
		int k = ddb_table_keyidx(t, first->name, first->len);

		if (k >= 0)
			return ddb_fail(e, DDB_VALIDATION, DDB_INVALID "Cannot update attribute %s. This "
					"attribute is part of the key", t->key[k].name);
	}
	return 0;
}

static int depth_ok(const json_t *av, int depth)
{
	const char *key;
	json_t *x;
	size_t i;

	if (depth > LIMIT_DDB_DEPTH)
		return false;
	if (ddb_type_of(av) == DT_M)
		json_object_foreach(ddb_av_content(av), key, x)
			if (!depth_ok(x, depth + 1))
				return false;
	if (ddb_type_of(av) == DT_L)
		json_array_foreach(ddb_av_content(av), i, x)
			if (!depth_ok(x, depth + 1))
				return false;
	return true;
}

static int new_item_rules(const json_t *item, struct ddb_err *e)
{
	const char *key;
	json_t *x;

	json_object_foreach((json_t *)item, key, x)
		if (!depth_ok(x, 1))
			return ddb_fail(e, DDB_VALIDATION, "Nesting Levels have exceeded supported "
					"limits: Attributes in the item have nested levels beyond "
					"supported limit");
	return item_size_rule(item, "Item size to update", e);
}

static void update_answer(const struct ddb_req *r, const json_t *old, const json_t *item,
			  json_t *out)
{
	struct ex_node **paths;
	json_t *attrs = NULL;

	if (r->rv == RV_ALL_OLD && old)
		attrs = json_incref((json_t *)old);
	else if (r->rv == RV_ALL_NEW)
		attrs = json_incref((json_t *)item);
	else if (r->rv == RV_UPDATED_OLD || r->rv == RV_UPDATED_NEW) {
		paths = xcalloc(r->update.n + 1, sizeof(*paths));
		for (size_t i = 0; i < r->update.n; i++)
			paths[i] = r->update.acts[i].path;
		attrs = ddb_project(r->rv == RV_UPDATED_OLD ? old : item, paths, r->update.n);
		free(paths);
	}
	if (attrs && json_object_size(attrs))
		json_object_set(out, "Attributes", attrs);
	json_decref(attrs);
}

int ddb_update_item(const struct ddb_ctx *cx, struct ddb_req *r, json_t *out, struct ddb_err *e)
{
	json_t *item = NULL;
	struct write w;
	int ret;

	if ((ret = write_begin(cx, r, &w, e)) < 0 || (ret = ddb_key_check(&w.t, r->key, e)) < 0 ||
	    (ret = untouched_keys(&w.t, &r->update, e)) < 0 ||
	    (ret = write_load(cx, &w, r->key, e)) < 0 || (ret = condition(r, w.old, e)) < 0)
		return write_end(cx, &w, ret, e);
	item = json_deep_copy(w.old ? w.old : r->key);
	if ((r->has_update && (ret = ddb_update_apply(item, w.old, &r->update, e)) < 0) ||
	    (ret = new_item_rules(item, e)) < 0 || (ret = write_store(cx, &w, item, e)) < 0)
		goto out;
	update_answer(r, w.old, item, out);
	ddb_capacity_add(r, out, write_units(w.old ? ddb_item_size(w.old) : 0, ddb_item_size(item)));
out:
	json_decref(item);
	return write_end(cx, &w, ret, e);
}
