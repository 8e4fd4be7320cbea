/* SPDX-License-Identifier: MIT */
/*
 * Tables: CreateTable, DescribeTable, ListTables and DeleteTable, and the
 * records behind them. A table is one JSON record in DDB_SPACE_TABLES under
 * "account/region/name" (names hold no '/', so ListTables is a prefix scan
 * in name order); its items live in DDB_SPACE_ITEMS under that key plus
 * '/' (ddb_key_encode()). ItemCount and TableSizeBytes are kept exact, in
 * the record, by every write.
 */
#include "compat.h"
#include "svc/ddb_internal.h"

#include <inttypes.h>

#include "base/hmap.h"
#include "base/xalloc.h"

#define RECORD_MAX (64 * 1024)	/* a table record: names of at most 255 bytes */

static void table_key(const char *account, const char *region, const char *name, struct buf *b)
{
	buf_addf(b, "%s/%s/%s", account, region, name);
}

static const char *partition(const char *region)
{
	if (!strncmp(region, "cn-", 3))
		return "aws-cn";
	if (!strncmp(region, "us-gov-", 7))
		return "aws-us-gov";
	return "aws";
}

static void table_arn(const char *account, const char *region, const char *name, struct buf *b)
{
	buf_addf(b, "arn:%s:dynamodb:%s:%s:table/%s", partition(region), region, account, name);
}

static void keyattr_set(struct ddb_table *t, int i, const char *name, enum ddb_type type)
{
	t->key[i].name = xstrdup(name);
	t->key[i].len = strlen(name);
	t->key[i].type = type;
}

static const char *def_type(const json_t *defs, const char *name)
{
	size_t i;
	json_t *d;

	json_array_foreach(defs, i, d)
		if (!strcmp(json_string_value(json_object_get(d, "AttributeName")), name))
			return json_string_value(json_object_get(d, "AttributeType"));
	return "S";
}

/* Reads the key schema out of a record this file wrote. */
static int from_record(struct ddb_table *t)
{
	const json_t *keys = json_object_get(t->rec, "KeySchema");
	const json_t *defs = json_object_get(t->rec, "AttributeDefinitions");
	size_t i;
	json_t *k;

	t->name = json_string_value(json_object_get(t->rec, "TableName"));
	if (!t->name || !json_is_array(keys) || !json_array_size(keys) || json_array_size(keys) > 2)
		return -EIO;
	json_array_foreach(keys, i, k) {
		const char *name = json_string_value(json_object_get(k, "AttributeName"));
		const char *type = def_type(defs, name ? name : "");

		if (!name || !type)
			return -EIO;
		keyattr_set(t, (int)i, name, ddb_type_parse(type, strlen(type)));
		t->n_keys = (int)i + 1;
	}
	t->items = json_integer_value(json_object_get(t->rec, "ItemCount"));
	t->bytes = json_integer_value(json_object_get(t->rec, "TableSizeBytes"));
	return 0;
}

int ddb_table_load(struct kv *kv, const char *account, const char *region, const char *name,
		   struct ddb_table *t)
{
	struct buf key, val;
	int ret;

	memset(t, 0, sizeof(*t));
	buf_init(&t->prefix, 1024);
	buf_init(&key, 1024);
	buf_init(&val, RECORD_MAX);
	table_key(account, region, name, &key);
	ret = kv_get(kv, DDB_SPACE_TABLES, buf_str(&key), &val);
	if (!ret) {
		t->rec = json_loadb(val.p, val.len, 0, NULL);
		ret = t->rec && !val.err ? from_record(t) : -EIO;
	}
	buf_addstr(&t->prefix, buf_str(&key));
	buf_addc(&t->prefix, '/');
	buf_release(&key);
	buf_release(&val);
	return ret;
}

static int record_put(struct kv *kv, const char *account, const char *region, const char *name,
		      const json_t *rec)
{
	char *text = json_dumps(rec, JSON_COMPACT);
	struct buf key;
	int ret;

	if (!text)
		return -EIO;
	buf_init(&key, 1024);
	table_key(account, region, name, &key);
	ret = kv_put(kv, DDB_SPACE_TABLES, buf_str(&key), str_c(text)) < 0 ? -EIO : 0;
	buf_release(&key);
	free(text);
	return ret;
}

int ddb_table_store(struct kv *kv, const char *account, const char *region,
		    const struct ddb_table *t)
{
	json_object_set_new(t->rec, "ItemCount", json_integer(t->items));
	json_object_set_new(t->rec, "TableSizeBytes", json_integer(t->bytes));
	return record_put(kv, account, region, t->name, t->rec);
}

void ddb_table_release(struct ddb_table *t)
{
	for (int i = 0; i < 2; i++)
		FREE_AND_NULL(t->key[i].name);
	json_decref(t->rec);
	t->rec = NULL;
	buf_release(&t->prefix);
}

int ddb_table_keyidx(const struct ddb_table *t, const char *name, size_t len)
{
	for (int i = 0; i < t->n_keys; i++)
		if (t->key[i].len == len && !memcmp(t->key[i].name, name, len))
			return i;
	return -1;
}

int ddb_table_open(const struct ddb_ctx *cx, const struct ddb_req *r, struct ddb_table *t,
		   struct ddb_err *e)
{
	int ret = ddb_table_load(cx->kv, cx->account, cx->region, r->table, t);

	if (ret == -ENOENT)
		return ddb_fail(e, DDB_NOT_FOUND, "Requested resource not found");
	return ret < 0 ? ddb_fail_io(e) : 0;
}

/* The description AWS gives, from a record; 'status' as the operation reports it. */
static json_t *describe(const struct ddb_ctx *cx, const json_t *rec, const char *status)
{
	const char *name = json_string_value(json_object_get(rec, "TableName"));
	const char *billing = json_string_value(json_object_get(rec, "BillingMode"));
	json_t *d = json_object(), *pt = json_object();
	json_t *created = json_object_get(rec, "CreationDateTime");
	bool on_demand = billing && !strcmp(billing, "PAY_PER_REQUEST");
	struct buf arn;

	buf_init(&arn, 1024);
	table_arn(cx->account, cx->region, name, &arn);
	json_object_set(d, "AttributeDefinitions", json_object_get(rec, "AttributeDefinitions"));
	json_object_set_new(d, "TableName", json_string(name));
	json_object_set(d, "KeySchema", json_object_get(rec, "KeySchema"));
	json_object_set_new(d, "TableStatus", json_string(status));
	json_object_set(d, "CreationDateTime", created);
	json_object_set_new(pt, "NumberOfDecreasesToday", json_integer(0));
	json_object_set(pt, "ReadCapacityUnits", json_object_get(rec, "ReadCapacityUnits"));
	json_object_set(pt, "WriteCapacityUnits", json_object_get(rec, "WriteCapacityUnits"));
	json_object_set_new(d, "ProvisionedThroughput", pt);
	json_object_set(d, "TableSizeBytes", json_object_get(rec, "TableSizeBytes"));
	json_object_set(d, "ItemCount", json_object_get(rec, "ItemCount"));
	json_object_set_new(d, "TableArn", json_string(arn.p));
	json_object_set(d, "TableId", json_object_get(rec, "TableId"));
	if (on_demand)
		json_object_set_new(d, "BillingModeSummary",
				    json_pack("{s:s,s:O}", "BillingMode", "PAY_PER_REQUEST",
					      "LastUpdateToPayPerRequestDateTime", created));
	json_object_set(d, "DeletionProtectionEnabled",
			json_object_get(rec, "DeletionProtectionEnabled"));
	buf_release(&arn);
	return d;
}

/* A UUID drawn from the table's identity and creation time (no randomness here). */
static void table_id(const struct ddb_ctx *cx, const char *name, char out[37])
{
	char seed[600];
	uint64_t h[2];
	uint8_t b[16];

	for (int i = 0; i < 2; i++) {
		snprintf(seed, sizeof(seed), "%s/%s/%s/%" PRId64 "/%d", cx->account, cx->region, name,
			 cx->now, i);
		h[i] = hmap_hash(seed);
	}
	for (int i = 0; i < 16; i++)
		b[i] = (uint8_t)(h[i / 8] >> (8 * (i % 8)));
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

static const char *or_null(const json_t *s)
{
	return s && json_is_string(s) ? json_string_value(s) : "null";
}

/* Renders a KeySchema list as AWS echoes it in a constraint message. */
static void key_schema_text(const json_t *keys, struct buf *b)
{
	size_t i;
	json_t *k;

	buf_addc(b, '[');
	json_array_foreach(keys, i, k)
		buf_addf(b, "%sKeySchemaElement(attributeName=%s, keyType=%s)", i ? ", " : "",
			 or_null(ddb_member(k, "AttributeName")), or_null(ddb_member(k, "KeyType")));
	buf_addc(b, ']');
}

static int list_of_structs(const json_t *list, const char *const *strings, size_t n,
			   struct ddb_err *e)
{
	size_t i;
	json_t *x;

	if (ddb_want(list, W_LIST, e) < 0)
		return -EINVAL;
	json_array_foreach(list, i, x) {
		if (ddb_want(x, W_STRUCT, e) < 0)
			return -EINVAL;
		for (size_t k = 0; k < n; k++)
			if (ddb_want(ddb_member(x, strings[k]), W_STRING, e) < 0)
				return -EINVAL;
	}
	return 0;
}

static int create_shape(const json_t *root, struct ddb_err *e)
{
	static const char *const def[] = { "AttributeName", "AttributeType" };
	static const char *const key[] = { "AttributeName", "KeyType" };
	static const char *const tag[] = { "Key", "Value" };
	const json_t *pt = ddb_member(root, "ProvisionedThroughput");

	if (ddb_want(ddb_member(root, "TableName"), W_STRING, e) < 0 ||
	    list_of_structs(ddb_member(root, "AttributeDefinitions"), def, 2, e) < 0 ||
	    list_of_structs(ddb_member(root, "KeySchema"), key, 2, e) < 0 ||
	    list_of_structs(ddb_member(root, "Tags"), tag, 2, e) < 0 ||
	    ddb_want(ddb_member(root, "BillingMode"), W_STRING, e) < 0 ||
	    ddb_want(ddb_member(root, "TableClass"), W_STRING, e) < 0 ||
	    ddb_want(ddb_member(root, "DeletionProtectionEnabled"), W_BOOL, e) < 0 ||
	    ddb_want(ddb_member(root, "LocalSecondaryIndexes"), W_LIST, e) < 0 ||
	    ddb_want(ddb_member(root, "GlobalSecondaryIndexes"), W_LIST, e) < 0 ||
	    ddb_want(ddb_member(root, "StreamSpecification"), W_STRUCT, e) < 0 ||
	    ddb_want(ddb_member(root, "SSESpecification"), W_STRUCT, e) < 0 ||
	    ddb_want(pt, W_STRUCT, e) < 0)
		return -EINVAL;
	if (pt && (ddb_want(ddb_member(pt, "ReadCapacityUnits"), W_LONG, e) < 0 ||
		   ddb_want(ddb_member(pt, "WriteCapacityUnits"), W_LONG, e) < 0))
		return -EINVAL;
	return 0;
}

static void list_members(struct ddb_verr *v, const json_t *list, const char *where,
			 const char *field, const char *enum_field, const char *enum_member,
			 const char *const *values, size_t n)
{
	char at[128];
	size_t i;
	json_t *x;

	json_array_foreach(list, i, x) {
		const json_t *name = ddb_member(x, field);

		snprintf(at, sizeof(at), "%s.%zu.member.attributeName", where, i + 1);
		if (!name)
			ddb_verr_add(v, NULL, at, "Member must not be null");
		else if (json_string_length(name) > 255)
			ddb_verr_add(v, json_string_value(name), at,
				     "Member must have length less than or equal to 255");
		snprintf(at, sizeof(at), "%s.%zu.member.%s", where, i + 1, enum_member);
		if (!ddb_member(x, enum_field))
			ddb_verr_add(v, NULL, at, "Member must not be null");
		else
			ddb_check_enum(v, x, enum_field, at, values, n);
	}
}

static void throughput(struct ddb_verr *v, const json_t *pt)
{
	static const char *const fields[] = { "ReadCapacityUnits", "WriteCapacityUnits" };
	static const char *const at[] = { "provisionedThroughput.readCapacityUnits",
					  "provisionedThroughput.writeCapacityUnits" };
	char shown[32];

	for (size_t i = 0; pt && i < 2; i++) {
		const json_t *x = ddb_member(pt, fields[i]);

		if (!x) {
			ddb_verr_add(v, NULL, at[i], "Member must not be null");
			continue;
		}
		snprintf(shown, sizeof(shown), "%" PRId64, (int64_t)json_number_value(x));
		if (json_number_value(x) < 1)
			ddb_verr_add(v, shown, at[i], "Member must have value greater than or equal to 1");
	}
}

static void create_constraints(const json_t *root, struct ddb_verr *v)
{
	static const char *const types[] = { "B", "N", "S" };
	static const char *const kinds[] = { "HASH", "RANGE" };
	static const char *const billing[] = { "PROVISIONED", "PAY_PER_REQUEST" };
	static const char *const classes[] = { "STANDARD", "STANDARD_INFREQUENT_ACCESS" };
	const json_t *defs = ddb_member(root, "AttributeDefinitions");
	const json_t *keys = ddb_member(root, "KeySchema");
	const json_t *tn = ddb_member(root, "TableName");
	struct buf shown;

	if (!defs)
		ddb_verr_add(v, NULL, "attributeDefinitions", "Member must not be null");
	list_members(v, defs, "attributeDefinitions", "AttributeName", "AttributeType",
		     "attributeType", types, 3);
	if (tn)
		ddb_check_name(v, json_string_value(tn), json_string_length(tn), "tableName");
	if (!keys)
		ddb_verr_add(v, NULL, "keySchema", "Member must not be null");
	list_members(v, keys, "keySchema", "AttributeName", "KeyType", "keyType", kinds, 2);
	buf_init(&shown, 2048);
	key_schema_text(keys, &shown);
	if (keys && !json_array_size(keys))
		ddb_verr_add(v, shown.p, "keySchema", "Member must have length greater than or equal to 1");
	if (json_array_size(keys) > 2)
		ddb_verr_add(v, shown.p, "keySchema", "Member must have length less than or equal to 2");
	buf_release(&shown);
	ddb_check_enum(v, root, "BillingMode", "billingMode", billing, 2);
	ddb_check_enum(v, root, "TableClass", "tableClass", classes, 2);
	throughput(v, ddb_member(root, "ProvisionedThroughput"));
}

static int billing_rules(const json_t *root, struct ddb_err *e)
{
	const json_t *pt = ddb_member(root, "ProvisionedThroughput");
	const json_t *bm = ddb_member(root, "BillingMode");
	bool on_demand = bm && !strcmp(json_string_value(bm), "PAY_PER_REQUEST");

	if (on_demand && pt)
		return ddb_fail(e, DDB_VALIDATION, DDB_INVALID "Neither ReadCapacityUnits nor "
				"WriteCapacityUnits can be specified when BillingMode is "
				"PAY_PER_REQUEST");
	if (!on_demand && (!pt || !ddb_member(pt, "ReadCapacityUnits") ||
			   !ddb_member(pt, "WriteCapacityUnits")))
		return ddb_fail(e, DDB_VALIDATION, DDB_INVALID "ReadCapacityUnits and "
				"WriteCapacityUnits must both be specified when BillingMode is "
				"PROVISIONED");
	for (int i = 0; pt && i < 2; i++) {
		const char *f = i ? "WriteCapacityUnits" : "ReadCapacityUnits";

		if (json_number_value(ddb_member(pt, f)) > 1e12)
			return ddb_fail(e, DDB_VALIDATION, "Given value %.0f for %s is out of bounds",
					json_number_value(ddb_member(pt, f)), f);
	}
	return 0;
}

static const char *name_at(const json_t *list, size_t i)
{
	return json_string_value(json_object_get(json_array_get(list, i), "AttributeName"));
}

static bool defined(const json_t *defs, const char *name)
{
	for (size_t i = 0; i < json_array_size(defs); i++)
		if (!strcmp(name_at(defs, i), name))
			return true;
	return false;
}

static void names_text(const json_t *list, struct buf *b)
{
	buf_addc(b, '[');
	for (size_t i = 0; i < json_array_size(list); i++)
		buf_addf(b, "%s%s", i ? ", " : "", name_at(list, i));
	buf_addc(b, ']');
}

static int schema_rules(const json_t *root, struct ddb_err *e)
{
	const json_t *defs = ddb_member(root, "AttributeDefinitions");
	const json_t *keys = ddb_member(root, "KeySchema");
	size_t nk = json_array_size(keys), nd = json_array_size(defs);
	struct buf k, d;
	int ret = 0;

	if (nk > nd)
		return ddb_fail(e, DDB_VALIDATION, "Invalid KeySchema: Some index key attribute have "
				"no definition");
	for (size_t i = 0; i < nk && !ret; i++) {
		if (defined(defs, name_at(keys, i)))
			continue;
		buf_init(&k, 1024);
		buf_init(&d, 1024);
		names_text(keys, &k);
		names_text(defs, &d);
		ret = ddb_fail(e, DDB_VALIDATION, DDB_INVALID "Some index key attributes are not "
			       "defined in AttributeDefinitions. Keys: %s, AttributeDefinitions: %s",
			       k.p, d.p);
		buf_release(&k);
		buf_release(&d);
	}
	if (ret)
		return ret;
	if (nk == 2 && !strcmp(name_at(keys, 0), name_at(keys, 1)))
		return ddb_fail(e, DDB_VALIDATION, "Both the Hash Key and the Range Key element in the "
				"KeySchema have the same name");
	if (strcmp(json_string_value(json_object_get(json_array_get(keys, 0), "KeyType")), "HASH"))
		return ddb_fail(e, DDB_VALIDATION, "Invalid KeySchema: The first KeySchemaElement is "
				"not a HASH key type");
	if (nk == 2 &&
	    strcmp(json_string_value(json_object_get(json_array_get(keys, 1), "KeyType")), "RANGE"))
		return ddb_fail(e, DDB_VALIDATION, "Invalid KeySchema: The second KeySchemaElement is "
				"not a RANGE key type");
	return 0;
}

static int index_rules(const json_t *root, struct ddb_err *e)
{
	static const char *const kinds[] = { "LocalSecondaryIndexes", "GlobalSecondaryIndexes" };
	size_t nk = json_array_size(ddb_member(root, "KeySchema"));

	for (int i = 0; i < 2; i++)
		if (ddb_member(root, kinds[i]))
			return ddb_fail(e, DDB_VALIDATION, DDB_INVALID "%s are not supported by this "
					"DynamoDB: tables have their primary key only", kinds[i]);
	if (nk != json_array_size(ddb_member(root, "AttributeDefinitions")))
		return ddb_fail(e, DDB_VALIDATION, DDB_INVALID "Number of attributes in KeySchema "
				"does not exactly match number of attributes defined in "
				"AttributeDefinitions");
	return 0;
}

int ddb_parse_create_table(struct ddb_req *r, struct ddb_err *e)
{
	const json_t *tn;
	struct ddb_verr v;
	int ret;

	if ((ret = create_shape(r->root, e)) < 0)
		return ret;
	tn = ddb_member(r->root, "TableName");
	if (!tn)
		return ddb_fail(e, DDB_VALIDATION, "The parameter 'TableName' is required but was not "
				"present in the request");
	r->table = json_string_value(tn);
	ddb_verr_init(&v);
	create_constraints(r->root, &v);
	if ((ret = ddb_verr_finish(&v, e)) < 0 || (ret = billing_rules(r->root, e)) < 0 ||
	    (ret = schema_rules(r->root, e)) < 0)
		return ret;
	return index_rules(r->root, e);
}

static int count_tables(void *arg, struct str key, struct str value)
{
	(void)key;
	(void)value;
	return ++*(int *)arg >= LIMIT_DDB_TABLES;
}

/* The record of a new table: key definitions, throughput, counters. */
static json_t *new_record(const struct ddb_ctx *cx, const json_t *root, const char *name)
{
	const json_t *pt = ddb_member(root, "ProvisionedThroughput");
	const json_t *bm = ddb_member(root, "BillingMode");
	bool on_demand = bm && !strcmp(json_string_value(bm), "PAY_PER_REQUEST");
	json_t *rec = json_object(), *defs = json_array(), *keys = json_array();
	const json_t *given = ddb_member(root, "KeySchema");
	char id[37];

	for (size_t i = 0; i < json_array_size(given); i++) {
		const char *kn = name_at(given, i);
		const char *kt = json_string_value(json_object_get(json_array_get(given, i), "KeyType"));

		json_array_append_new(keys, json_pack("{s:s,s:s}", "AttributeName", kn, "KeyType", kt));
		json_array_append_new(defs, json_pack("{s:s,s:s}", "AttributeName", kn, "AttributeType",
						      def_type(ddb_member(root,
							       "AttributeDefinitions"), kn)));
	}
	table_id(cx, name, id);
	json_object_set_new(rec, "TableName", json_string(name));
	json_object_set_new(rec, "AttributeDefinitions", defs);
	json_object_set_new(rec, "KeySchema", keys);
	json_object_set_new(rec, "CreationDateTime", json_integer(cx->now));
	json_object_set_new(rec, "TableId", json_string(id));
	json_object_set_new(rec, "BillingMode", json_string(on_demand ? "PAY_PER_REQUEST" :
							    "PROVISIONED"));
	json_object_set_new(rec, "ReadCapacityUnits",
			    json_integer(on_demand ? 0 : (json_int_t)json_number_value(
						 ddb_member(pt, "ReadCapacityUnits"))));
	json_object_set_new(rec, "WriteCapacityUnits",
			    json_integer(on_demand ? 0 : (json_int_t)json_number_value(
						 ddb_member(pt, "WriteCapacityUnits"))));
	json_object_set_new(rec, "DeletionProtectionEnabled",
			    json_boolean(ddb_bool(ddb_member(root, "DeletionProtectionEnabled"),
						  false)));
	json_object_set_new(rec, "ItemCount", json_integer(0));
	json_object_set_new(rec, "TableSizeBytes", json_integer(0));
	return rec;
}

int ddb_create_table(const struct ddb_ctx *cx, struct ddb_req *r, json_t *out, struct ddb_err *e)
{
	struct ddb_table t;
	struct buf prefix;
	json_t *rec = NULL;
	int ret, n = 0;

	if (kv_begin(cx->kv) < 0)
		return ddb_fail_io(e);
	ret = ddb_table_load(cx->kv, cx->account, cx->region, r->table, &t);
	ddb_table_release(&t);
	if (!ret) {
		ret = ddb_fail(e, DDB_IN_USE, "Table already exists: %s", r->table);
		goto out;
	}
	if (ret != -ENOENT) {
		ret = ddb_fail_io(e);
		goto out;
	}
	buf_init(&prefix, 1024);
	buf_addf(&prefix, "%s/%s/", cx->account, cx->region);
	ret = kv_scan(cx->kv, DDB_SPACE_TABLES, buf_str(&prefix), STR_EMPTY, count_tables, &n);
	buf_release(&prefix);
	if (ret < 0) {
		ret = ddb_fail_io(e);
		goto out;
	}
	if (n >= LIMIT_DDB_TABLES) {
		ret = ddb_fail(e, DDB_LIMIT, "Subscriber limit exceeded: There is a limit of %d tables "
			       "per subscriber", LIMIT_DDB_TABLES);
		goto out;
	}
	rec = new_record(cx, r->root, r->table);
	ret = record_put(cx->kv, cx->account, cx->region, r->table, rec) < 0 ? ddb_fail_io(e) : 0;
	if (!ret)
		json_object_set_new(out, "TableDescription", describe(cx, rec, "CREATING"));
out:
	json_decref(rec);
	if (kv_commit(cx->kv, ret == 0) < 0 && !ret)
		ret = ddb_fail_io(e);
	return ret;
}

static int open_named(const struct ddb_ctx *cx, const struct ddb_req *r, struct ddb_table *t,
		      struct ddb_err *e)
{
	int ret = ddb_table_load(cx->kv, cx->account, cx->region, r->table, t);

	if (ret == -ENOENT)
		return ddb_fail(e, DDB_NOT_FOUND, "Requested resource not found: Table: %s not found",
				r->table);
	return ret < 0 ? ddb_fail_io(e) : 0;
}

int ddb_describe_table(const struct ddb_ctx *cx, struct ddb_req *r, json_t *out,
		       struct ddb_err *e)
{
	struct ddb_table t;
	int ret = open_named(cx, r, &t, e);

	if (!ret)
		json_object_set_new(out, "Table", describe(cx, t.rec, "ACTIVE"));
	ddb_table_release(&t);
	return ret;
}

/* Up to 'max' item keys of a table, to delete once the scan is over. */
struct doomed {
	struct buf keys;	/* each: 4-byte length, then the key */
	size_t n, max;
};

static int collect_key(void *arg, struct str key, struct str value)
{
	struct doomed *d = arg;
	uint8_t len[4] = { (uint8_t)(key.len >> 24), (uint8_t)(key.len >> 16),
			   (uint8_t)(key.len >> 8), (uint8_t)key.len };

	(void)value;
	buf_add(&d->keys, len, 4);
	buf_addstr(&d->keys, key);
	return ++d->n >= d->max;
}

/* Deletes every item of 't', a batch of keys at a time; inside the caller's transaction. */
static int delete_items(struct kv *kv, const struct ddb_table *t)
{
	struct doomed d = { .max = 1024 };
	int scanned, ret = 0;

	buf_init(&d.keys, SIZE_MAX);
	do {
		size_t off = 0;

		buf_reset(&d.keys);
		d.n = 0;
		scanned = kv_scan(kv, DDB_SPACE_ITEMS, buf_str(&t->prefix), STR_EMPTY, collect_key, &d);
		while (scanned >= 0 && ret >= 0 && off + 4 <= d.keys.len) {
			const uint8_t *p = (const uint8_t *)d.keys.p + off;
			size_t len = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];

			ret = kv_del(kv, DDB_SPACE_ITEMS, str_from((const char *)p + 4, len));
			off += 4 + len;
		}
	} while (scanned > 0 && ret >= 0);
	buf_release(&d.keys);
	return scanned < 0 || ret < 0 ? -EIO : 0;
}

int ddb_delete_table(const struct ddb_ctx *cx, struct ddb_req *r, json_t *out, struct ddb_err *e)
{
	struct ddb_table t;
	struct buf key;
	int ret;

	if (kv_begin(cx->kv) < 0)
		return ddb_fail_io(e);
	ret = open_named(cx, r, &t, e);
	if (!ret && json_is_true(json_object_get(t.rec, "DeletionProtectionEnabled")))
		ret = ddb_fail(e, DDB_VALIDATION, "Resource cannot be deleted as it is currently "
			       "protected against deletion. Disable deletion protection first.");
	if (!ret && delete_items(cx->kv, &t) < 0)
		ret = ddb_fail_io(e);
	if (!ret) {
		buf_init(&key, 1024);
		table_key(cx->account, cx->region, r->table, &key);
		if (kv_del(cx->kv, DDB_SPACE_TABLES, buf_str(&key)) < 0)
			ret = ddb_fail_io(e);
		buf_release(&key);
	}
	if (!ret)
		json_object_set_new(out, "TableDescription", describe(cx, t.rec, "DELETING"));
	ddb_table_release(&t);
	if (kv_commit(cx->kv, ret == 0) < 0 && !ret)
		ret = ddb_fail_io(e);
	return ret;
}

int ddb_parse_list_tables(struct ddb_req *r, struct ddb_err *e)
{
	const json_t *start = ddb_member(r->root, "ExclusiveStartTableName");
	const json_t *limit = ddb_member(r->root, "Limit");
	struct ddb_verr v;
	char shown[32];

	if (ddb_want(start, W_STRING, e) < 0 || ddb_want(limit, W_INTEGER, e) < 0)
		return -EINVAL;
	ddb_verr_init(&v);
	if (start)
		ddb_check_name(&v, json_string_value(start), json_string_length(start),
			       "exclusiveStartTableName");
	r->has_limit = limit != NULL;
	r->limit = limit ? (int64_t)json_number_value(limit) : LIMIT_DDB_LIST_TABLES;
	snprintf(shown, sizeof(shown), "%" PRId64, r->limit);
	if (limit && r->limit < 1)
		ddb_verr_add(&v, shown, "limit", "Member must have value greater than or equal to 1");
	if (limit && r->limit > LIMIT_DDB_LIST_TABLES)
		ddb_verr_add(&v, shown, "limit", "Member must have value less than or equal to %d",
			     LIMIT_DDB_LIST_TABLES);
	r->start_table = start ? json_string_value(start) : NULL;
	return ddb_verr_finish(&v, e);
}

struct listing {
	json_t *names;
	size_t prefix_len;
	int64_t limit;
};

static int list_one(void *arg, struct str key, struct str value)
{
	struct listing *l = arg;

	(void)value;
	json_array_append_new(l->names, json_stringn(key.p + l->prefix_len,
						     key.len - l->prefix_len));
	return (int64_t)json_array_size(l->names) >= l->limit;
}

int ddb_list_tables(const struct ddb_ctx *cx, struct ddb_req *r, json_t *out, struct ddb_err *e)
{
	struct listing l = { .names = json_array(), .limit = r->limit };
	struct buf prefix, after;
	int ret;

	buf_init(&prefix, 1024);
	buf_init(&after, 1024);
	buf_addf(&prefix, "%s/%s/", cx->account, cx->region);
	if (r->start_table)
		buf_addf(&after, "%s%s", prefix.p, r->start_table);
	l.prefix_len = prefix.len;
	ret = kv_scan(cx->kv, DDB_SPACE_TABLES, buf_str(&prefix), buf_str(&after), list_one, &l);
	buf_release(&prefix);
	buf_release(&after);
	if (ret < 0) {
		json_decref(l.names);
		return ddb_fail_io(e);
	}
	/* A full page names its last table, as a Query's full page names its last key. */
	if ((int64_t)json_array_size(l.names) == l.limit)
		json_object_set(out, "LastEvaluatedTableName",
				json_array_get(l.names, json_array_size(l.names) - 1));
	json_object_set_new(out, "TableNames", l.names);
	return 0;
}
