/* SPDX-License-Identifier: MIT */
/*
 * Reading a request as DynamoDB does, in its order: the JSON, then the type
 * of every member (SerializationException), then the members' declared
 * constraints, gathered into one ValidationException, then the rules that
 * tie members together, the attribute values and the expressions. Nothing
 * here looks at a table.
 */
#include "compat.h"
#include "svc/ddb_internal.h"

#include <inttypes.h>

/* Which operations take a member. */
#define F(op) (1u << (op))
#define ITEM_WRITES (F(OP_PUT_ITEM) | F(OP_DELETE_ITEM) | F(OP_UPDATE_ITEM))
#define READS (F(OP_QUERY) | F(OP_SCAN))
#define WITH_TABLE (~F(OP_LIST_TABLES) & (F(OP_COUNT) - 1))

enum mkind { MK_PLAIN, MK_VALUES, MK_NAMES, MK_STRINGS };

struct mspec {
	const char *name;
	enum ddb_want want;
	enum mkind kind;
	unsigned ops;
};

static const struct mspec members[] = {
	{ "TableName", W_STRING, MK_PLAIN, WITH_TABLE },
	{ "Item", W_MAP, MK_VALUES, F(OP_PUT_ITEM) },
	{ "Key", W_MAP, MK_VALUES, F(OP_GET_ITEM) | F(OP_DELETE_ITEM) | F(OP_UPDATE_ITEM) },
	{ "ExclusiveStartKey", W_MAP, MK_VALUES, READS },
	{ "ExpressionAttributeValues", W_MAP, MK_VALUES, ITEM_WRITES | READS },
	{ "ExpressionAttributeNames", W_MAP, MK_NAMES, ITEM_WRITES | READS | F(OP_GET_ITEM) },
	{ "ConditionExpression", W_STRING, MK_PLAIN, ITEM_WRITES },
	{ "UpdateExpression", W_STRING, MK_PLAIN, F(OP_UPDATE_ITEM) },
	{ "KeyConditionExpression", W_STRING, MK_PLAIN, F(OP_QUERY) },
	{ "FilterExpression", W_STRING, MK_PLAIN, READS },
	{ "ProjectionExpression", W_STRING, MK_PLAIN, READS | F(OP_GET_ITEM) },
	{ "ReturnValues", W_STRING, MK_PLAIN, ITEM_WRITES },
	{ "ReturnValuesOnConditionCheckFailure", W_STRING, MK_PLAIN, ITEM_WRITES },
	{ "ReturnConsumedCapacity", W_STRING, MK_PLAIN, ITEM_WRITES | READS | F(OP_GET_ITEM) },
	{ "ReturnItemCollectionMetrics", W_STRING, MK_PLAIN, ITEM_WRITES },
	{ "ConsistentRead", W_BOOL, MK_PLAIN, READS | F(OP_GET_ITEM) },
	{ "Select", W_STRING, MK_PLAIN, READS },
	{ "Limit", W_INTEGER, MK_PLAIN, READS },
	{ "ScanIndexForward", W_BOOL, MK_PLAIN, F(OP_QUERY) },
	{ "IndexName", W_STRING, MK_PLAIN, READS },
	{ "Segment", W_INTEGER, MK_PLAIN, F(OP_SCAN) },
	{ "TotalSegments", W_INTEGER, MK_PLAIN, F(OP_SCAN) },
	{ "Expected", W_MAP, MK_PLAIN, ITEM_WRITES },
	{ "ConditionalOperator", W_STRING, MK_PLAIN, ITEM_WRITES | READS },
	{ "AttributeUpdates", W_MAP, MK_PLAIN, F(OP_UPDATE_ITEM) },
	{ "AttributesToGet", W_LIST, MK_STRINGS, READS | F(OP_GET_ITEM) },
	{ "KeyConditions", W_MAP, MK_PLAIN, F(OP_QUERY) },
	{ "QueryFilter", W_MAP, MK_PLAIN, F(OP_QUERY) },
	{ "ScanFilter", W_MAP, MK_PLAIN, F(OP_SCAN) },
};

static int shape_member(const struct mspec *m, const json_t *v, struct ddb_err *e)
{
	const char *key;
	json_t *x;
	size_t i;
	int ret = ddb_want(v, m->want, e);

	if (ret < 0 || !v)
		return ret;
	switch (m->kind) {
	case MK_VALUES:
		return ddb_map_shape(v, 1, e);
	case MK_NAMES:
		json_object_foreach((json_t *)v, key, x)
			if (ddb_want(x, W_STRING, e) < 0)
				return -EINVAL;
		return 0;
	case MK_STRINGS:
		json_array_foreach(v, i, x)
			if (ddb_want(x, W_STRING, e) < 0)
				return -EINVAL;
		return 0;
	default:
		return 0;
	}
}

static int shape(const struct ddb_req *r, struct ddb_err *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(members); i++) {
		const struct mspec *m = &members[i];

		if ((m->ops & F(r->op)) && shape_member(m, ddb_member(r->root, m->name), e) < 0)
			return -EINVAL;
	}
	return 0;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

void ddb_check_name(struct ddb_verr *v, const char *name, size_t len, const char *where)
{
	bool ok = len > 0;
	char shown[300];

	for (size_t i = 0; i < len && ok; i++)
		ok = name_char(name[i]);
	snprintf(shown, sizeof(shown), "%.*s", (int)MIN(len, 260), name);
	if (!ok)
		ddb_verr_add(v, shown, where,
			     "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
	if (len < 3)
		ddb_verr_add(v, shown, where, "Member must have length greater than or equal to 3");
	if (len > 255)
		ddb_verr_add(v, shown, where, "Member must have length less than or equal to 255");
}

int ddb_check_enum(struct ddb_verr *v, const json_t *obj, const char *member, const char *where,
		   const char *const *values, size_t n)
{
	const json_t *x = ddb_member(obj, member);
	struct buf set;

	if (!x)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(json_string_value(x), values[i]))
			return (int)i;
	buf_init(&set, 1024);
	for (size_t i = 0; i < n; i++)
		buf_addf(&set, "%s%s", i ? ", " : "", values[i]);
	ddb_verr_add(v, json_string_value(x), where, "Member must satisfy enum value set: [%s]",
		     set.p);
	buf_release(&set);
	return -1;
}

/* An Integer member, truncated as Java truncates, saturating. */
static bool get_int(const json_t *obj, const char *name, int64_t *out)
{
	const json_t *x = ddb_member(obj, name);
	double d;

	if (!x)
		return false;
	if (json_is_integer(x)) {
		*out = json_integer_value(x);
		return true;
	}
	d = json_number_value(x);
	*out = d >= 9.2e18 ? INT64_MAX : d <= -9.2e18 ? INT64_MIN : (int64_t)d;
	return true;
}

static void check_min(struct ddb_verr *v, const json_t *obj, const char *name, const char *where,
		      int64_t min, int64_t max, int64_t *out, bool *has)
{
	char shown[32];

	*has = get_int(obj, name, out);
	if (!*has)
		return;
	snprintf(shown, sizeof(shown), "%" PRId64, *out);
	if (*out < min)
		ddb_verr_add(v, shown, where, "Member must have value greater than or equal to %" PRId64,
			     min);
	if (*out > max)
		ddb_verr_add(v, shown, where, "Member must have value less than or equal to %" PRId64,
			     max);
}

static const char *const rv_names[] = { "ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW" };
static const enum ddb_rv rv_values[] = { RV_ALL_NEW, RV_UPDATED_OLD, RV_ALL_OLD, RV_NONE,
					 RV_UPDATED_NEW };
static const char *const select_names[] = { "SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES",
					    "ALL_PROJECTED_ATTRIBUTES" };
static const enum ddb_select select_values[] = { SEL_SPECIFIC, SEL_COUNT, SEL_ALL, SEL_PROJECTED };
static const char *const capacity_names[] = { "INDEXES", "TOTAL", "NONE" };
static const enum ddb_capacity capacity_values[] = { CAP_INDEXES, CAP_TOTAL, CAP_NONE };
static const char *const metrics_names[] = { "SIZE", "NONE" };
static const char *const ccf_names[] = { "ALL_OLD", "NONE" };
static const char *const operator_names[] = { "AND", "OR" };

/* The members' own constraints, one ValidationException for all of them. */
static int constraints(struct ddb_req *r, struct ddb_err *e)
{
	const json_t *tn = ddb_member(r->root, "TableName"), *idx = ddb_member(r->root, "IndexName");
	struct ddb_verr v;
	int i;
	bool has;

	ddb_verr_init(&v);
	if (!tn)
		ddb_verr_add(&v, NULL, "tableName", "Member must not be null");
	else
		ddb_check_name(&v, json_string_value(tn), json_string_length(tn), "tableName");
	if (idx)
		ddb_check_name(&v, json_string_value(idx), json_string_length(idx), "indexName");
	if (r->op == OP_PUT_ITEM && !ddb_member(r->root, "Item"))
		ddb_verr_add(&v, NULL, "item", "Member must not be null");
	if ((r->op == OP_GET_ITEM || r->op == OP_DELETE_ITEM || r->op == OP_UPDATE_ITEM) &&
	    !ddb_member(r->root, "Key"))
		ddb_verr_add(&v, NULL, "key", "Member must not be null");
	i = ddb_check_enum(&v, r->root, "ReturnValues", "returnValues", rv_names, 5);
	r->rv = i >= 0 ? rv_values[i] : RV_NONE;
	i = ddb_check_enum(&v, r->root, "ReturnConsumedCapacity", "returnConsumedCapacity",
			   capacity_names, 3);
	r->capacity = i >= 0 ? capacity_values[i] : CAP_NONE;
	ddb_check_enum(&v, r->root, "ReturnItemCollectionMetrics", "returnItemCollectionMetrics",
		       metrics_names, 2);
	i = ddb_check_enum(&v, r->root, "ReturnValuesOnConditionCheckFailure",
			   "returnValuesOnConditionCheckFailure", ccf_names, 2);
	r->ccf_all_old = i == 0;
	ddb_check_enum(&v, r->root, "ConditionalOperator", "conditionalOperator", operator_names, 2);
	i = ddb_check_enum(&v, r->root, "Select", "select", select_names, 4);
	r->select = i >= 0 ? select_values[i] : SEL_DEFAULT;
	check_min(&v, r->root, "Limit", "limit", 1, INT32_MAX, &r->limit, &r->has_limit);
	check_min(&v, r->root, "Segment", "segment", 0, LIMIT_DDB_SEGMENTS - 1, &r->segment, &has);
	r->has_segment = has;
	check_min(&v, r->root, "TotalSegments", "totalSegments", 1, LIMIT_DDB_SEGMENTS,
		  &r->segments, &has);
	if (has != r->has_segment) {
		/* One without the other: reads_rules() names the one missing. */
		r->segments = has ? -1 : -2;
		r->has_segment = false;
	}
	return ddb_verr_finish(&v, e);
}

/* The older, non-expression parameters: refused, or named in AWS's conflict message. */
struct legacy {
	const char *name, *expression;
};

static const struct legacy legacies[] = {
	{ "Expected", "ConditionExpression" },
	{ "AttributeUpdates", "UpdateExpression" },
	{ "AttributesToGet", "ProjectionExpression" },
	{ "KeyConditions", "KeyConditionExpression" },
	{ "QueryFilter", "FilterExpression" },
	{ "ScanFilter", "FilterExpression" },
	{ "ConditionalOperator", "ConditionExpression" },
};

static int no_legacy(const struct ddb_req *r, struct ddb_err *e)
{
	static const char *const exprs[] = { "UpdateExpression", "ConditionExpression",
					     "KeyConditionExpression", "FilterExpression",
					     "ProjectionExpression" };
	struct buf old, cur;
	int ret = 0;

	buf_init(&old, 512);
	buf_init(&cur, 512);
	for (size_t i = 0; i < ARRAY_SIZE(legacies); i++)
		if (ddb_member(r->root, legacies[i].name))
			buf_addf(&old, "%s%s", old.len ? ", " : "", legacies[i].name);
	for (size_t i = 0; i < ARRAY_SIZE(exprs); i++)
		if (ddb_member(r->root, exprs[i]))
			buf_addf(&cur, "%s%s", cur.len ? ", " : "", exprs[i]);
	if (old.len && cur.len)
		ret = ddb_fail(e, DDB_VALIDATION, "Can not use both expression and non-expression "
			       "parameters in the same request: Non-expression parameters: {%s} "
			       "Expression parameters: {%s}", old.p, cur.p);
	for (size_t i = 0; i < ARRAY_SIZE(legacies) && !ret; i++)
		if (ddb_member(r->root, legacies[i].name))
			ret = ddb_fail(e, DDB_VALIDATION, "The legacy parameter %s is not supported "
				       "by this DynamoDB; use %s", legacies[i].name,
				       legacies[i].expression);
	buf_release(&old);
	buf_release(&cur);
	return ret;
}

static bool key_syntax(const char *key, char first)
{
	if (key[0] != first || !key[1])
		return false;
	for (const char *p = key + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

/* The names and values given with the expressions: their keys, and the values' rules. */
static int names_and_values(struct ddb_req *r, struct ddb_err *e)
{
	const char *key;
	json_t *v;

	r->names = ddb_member(r->root, "ExpressionAttributeNames");
	r->values = ddb_member(r->root, "ExpressionAttributeValues");
	if (r->names && !json_object_size(r->names))
		return ddb_fail(e, DDB_VALIDATION, "ExpressionAttributeNames must not be empty");
	json_object_foreach(r->names, key, v) {
		if (!key_syntax(key, '#'))
			return ddb_fail(e, DDB_VALIDATION, "ExpressionAttributeNames contains invalid "
					"key: Syntax error; key: \"%.200s\"", key);
		/* Item attribute names hold no NUL (the JSON reader refuses them in keys). */
		if (memchr(json_string_value(v), '\0', json_string_length(v)))
			return ddb_fail(e, DDB_VALIDATION, "ExpressionAttributeNames contains invalid "
					"value: An attribute name cannot contain a NUL character for "
					"key %s", key);
	}
	if (r->values && !json_object_size(r->values))
		return ddb_fail(e, DDB_VALIDATION, "ExpressionAttributeValues must not be empty");
	json_object_foreach(r->values, key, v)
		if (!key_syntax(key, ':'))
			return ddb_fail(e, DDB_VALIDATION, "ExpressionAttributeValues contains invalid "
					"key: Syntax error; key: \"%.200s\"", key);
	json_object_foreach(r->values, key, v)
		if (ddb_av_check(v, e) < 0)
			return ddb_fail_wrap(e, "ExpressionAttributeValues contains invalid value: ",
					     " for key ", key);
	return 0;
}

/* Before parsing: names and values given without any expression to use them. */
static int expressions_present(const struct ddb_req *r, struct ddb_err *e)
{
	static const char *const valued[OP_COUNT] = {
		[OP_PUT_ITEM] = "ConditionExpression is null",
		[OP_DELETE_ITEM] = "ConditionExpression is null",
		[OP_UPDATE_ITEM] = "UpdateExpression and ConditionExpression are null",
		[OP_QUERY] = "KeyConditionExpression and FilterExpression are null",
		[OP_SCAN] = "FilterExpression is null",
	};
	static const char *const exprs[] = { "UpdateExpression", "ConditionExpression",
					     "KeyConditionExpression", "FilterExpression" };
	bool any = ddb_member(r->root, "ProjectionExpression") != NULL, values = false;

	for (size_t i = 0; i < ARRAY_SIZE(exprs); i++)
		if (ddb_member(r->root, exprs[i]))
			any = values = true;
	if (ddb_member(r->root, "ExpressionAttributeNames") && !any)
		return ddb_fail(e, DDB_VALIDATION,
				"ExpressionAttributeNames can only be specified when using expressions");
	if (ddb_member(r->root, "ExpressionAttributeValues") && !values)
		return ddb_fail(e, DDB_VALIDATION, "ExpressionAttributeValues can only be specified "
				"when using expressions: %s",
				valued[r->op] ? valued[r->op] : "expressions are null");
	return 0;
}

static int one_expression(const json_t *root, const char *member, const char **src, size_t *len,
			  struct ddb_err *e)
{
	const json_t *x = ddb_member(root, member);

	*src = NULL;
	if (!x)
		return 0;
	*src = json_string_value(x);
	*len = json_string_length(x);
	if (!*len)
		return ddb_fail(e, DDB_VALIDATION, "Invalid %s: The expression can not be empty;", member);
	if (*len > LIMIT_DDB_EXPR_BYTES)
		return ddb_fail(e, DDB_VALIDATION, "Invalid %s: Expression size has exceeded the "
				"maximum allowed size; expression size: %zu", member, *len);
	return 1;
}

static int update_expression(struct ddb_req *r, struct ddb_exprctx *cx, const char *src,
			     size_t len, struct ddb_err *e)
{
	r->has_update = true;
	return ddb_parse_update(cx, src, len, &r->update, e);
}

static int condition_expression(struct ddb_req *r, struct ddb_exprctx *cx, const char *src,
				size_t len, struct ddb_err *e)
{
	return ddb_parse_cond(cx, "ConditionExpression", src, len, &r->cond, e);
}

static int key_condition_expression(struct ddb_req *r, struct ddb_exprctx *cx, const char *src,
				    size_t len, struct ddb_err *e)
{
	struct ex_node *kc;

	r->has_keycond = true;
	if (ddb_parse_cond(cx, "KeyConditionExpression", src, len, &kc, e) < 0)
		return -EINVAL;
	return ddb_keycond_from(kc, &r->keycond, e);
}

static int filter_expression(struct ddb_req *r, struct ddb_exprctx *cx, const char *src,
			     size_t len, struct ddb_err *e)
{
	return ddb_parse_cond(cx, "FilterExpression", src, len, &r->filter, e);
}

static int projection_expression(struct ddb_req *r, struct ddb_exprctx *cx, const char *src,
				 size_t len, struct ddb_err *e)
{
	r->has_proj = true;
	return ddb_parse_projection(cx, src, len, &r->proj, e);
}

/* The expressions, in the order DynamoDB reports their errors. */
static const struct {
	const char *member;
	int (*parse)(struct ddb_req *r, struct ddb_exprctx *cx, const char *src, size_t len,
		     struct ddb_err *e);
} expressions[] = {
	{ "UpdateExpression", update_expression },
	{ "ConditionExpression", condition_expression },
	{ "KeyConditionExpression", key_condition_expression },
	{ "FilterExpression", filter_expression },
	{ "ProjectionExpression", projection_expression },
};

static int parse_expressions(struct ddb_req *r, struct ddb_exprctx *cx, struct ddb_err *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(expressions); i++) {
		const char *src;
		size_t len;
		int ret = one_expression(r->root, expressions[i].member, &src, &len, e);

		if (ret < 0 || (ret && (ret = expressions[i].parse(r, cx, src, len, e)) < 0))
			return ret;
	}
	return ddb_exprctx_unused(cx, e);
}

static int reads_rules(const struct ddb_req *r, struct ddb_err *e)
{
	if (r->segments == -1)
		return ddb_fail(e, DDB_VALIDATION, "The Segment parameter is required but was not "
				"present in the request when parameter TotalSegments is present");
	if (r->segments == -2)
		return ddb_fail(e, DDB_VALIDATION, "The TotalSegments parameter is required but was "
				"not present in the request when Segment parameter is present");
	if (r->has_segment && r->segment >= r->segments)
		return ddb_fail(e, DDB_VALIDATION, "The Segment parameter is zero-based and must be "
				"less than parameter TotalSegments: Segment: %" PRId64 " is not less "
				"than TotalSegments: %" PRId64, r->segment, r->segments);
	if (r->select == SEL_PROJECTED && !r->index)
		return ddb_fail(e, DDB_VALIDATION, "ALL_PROJECTED_ATTRIBUTES can be used only when "
				"Querying using an IndexName");
	if (r->op == OP_QUERY && !ddb_member(r->root, "KeyConditionExpression"))
		return ddb_fail(e, DDB_VALIDATION, "Either the KeyConditions or "
				"KeyConditionExpression parameter must be specified in the request.");
	return 0;
}

static int select_rules(const struct ddb_req *r, struct ddb_err *e)
{
	if (r->select == SEL_COUNT && r->has_proj)
		return ddb_fail(e, DDB_VALIDATION, "Cannot specify the ProjectionExpression when "
				"choosing to get only the Count");
	if (r->select == SEL_ALL && r->has_proj)
		return ddb_fail(e, DDB_VALIDATION, "Cannot specify the ProjectionExpression when "
				"choosing to get ALL_ATTRIBUTES");
	if (r->select == SEL_SPECIFIC && !r->has_proj)
		return ddb_fail(e, DDB_VALIDATION, "Must specify the AttributesToGet or "
				"ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES");
	return 0;
}

static int return_values_rules(const struct ddb_req *r, struct ddb_err *e)
{
	if ((r->op == OP_PUT_ITEM || r->op == OP_DELETE_ITEM) && r->rv != RV_NONE &&
	    r->rv != RV_ALL_OLD)
		return ddb_fail(e, DDB_VALIDATION, "ReturnValues can only be ALL_OLD or NONE");
	return 0;
}

static int item_values(struct ddb_req *r, struct ddb_err *e)
{
	r->item = ddb_member(r->root, "Item");
	r->key = ddb_member(r->root, "Key");
	r->start_key = ddb_member(r->root, "ExclusiveStartKey");
	if (r->item && ddb_map_check(r->item, e) < 0)
		return -EINVAL;
	if (r->key && ddb_map_check(r->key, e) < 0)
		return -EINVAL;
	if (r->start_key && ddb_map_check(r->start_key, e) < 0)
		return ddb_fail_wrap(e, "The provided starting key is invalid: ", "", "");
	return 0;
}

/* The rules of item reads and writes, Query and Scan, after their constraints. */
static int item_rules(struct ddb_req *r, struct ddb_err *e)
{
	struct ddb_exprctx cx;
	int ret;

	r->index = ddb_member(r->root, "IndexName") ? json_string_value(ddb_member(r->root,
								       "IndexName")) : NULL;
	r->forward = ddb_bool(ddb_member(r->root, "ScanIndexForward"), true);
	r->consistent = ddb_bool(ddb_member(r->root, "ConsistentRead"), false);
	if ((ret = no_legacy(r, e)) < 0 || (ret = return_values_rules(r, e)) < 0)
		return ret;
	if ((r->op == OP_QUERY || r->op == OP_SCAN) && (ret = reads_rules(r, e)) < 0)
		return ret;
	if ((ret = item_values(r, e)) < 0 || (ret = expressions_present(r, e)) < 0)
		return ret;
	if ((ret = names_and_values(r, e)) < 0)
		return ret;
	ddb_exprctx_init(&cx, &r->arena, r->names, r->values);
	ret = parse_expressions(r, &cx, e);
	ddb_exprctx_release(&cx);
	if (ret < 0)
		return ret;
	return r->op == OP_QUERY || r->op == OP_SCAN ? select_rules(r, e) : 0;
}

static void parse_table_only(struct ddb_req *r, struct ddb_verr *v)
{
	const json_t *tn = ddb_member(r->root, "TableName");

	if (!tn)
		ddb_verr_add(v, NULL, "tableName", "Member must not be null");
	else
		ddb_check_name(v, json_string_value(tn), json_string_length(tn), "tableName");
}

static int load_body(struct ddb_req *r, struct str body, struct ddb_err *e)
{
	json_error_t jerr;

	if (body.len > LIMIT_DDB_BODY_BYTES)
		return ddb_fail(e, DDB_SERIALIZATION, "Request body is larger than %d bytes",
				LIMIT_DDB_BODY_BYTES);
	r->root = body.len ? json_loadb(body.p, body.len, JSON_ALLOW_NUL, &jerr) : NULL;
	if (!r->root)
		return ddb_fail(e, DDB_SERIALIZATION, "%s", "");
	if (!json_is_object(r->root))
		return ddb_want(r->root, W_STRUCT, e) < 0 ? -EINVAL :
		       ddb_fail(e, DDB_SERIALIZATION, "%s", "");
	return 0;
}

int ddb_req_parse(struct ddb_req *r, enum ddb_op op, struct str body, struct ddb_err *e)
{
	struct ddb_verr v;
	const json_t *tn;
	int ret;

	memset(r, 0, sizeof(*r));
	r->op = op;
	r->forward = true;
	arena_init(&r->arena, LIMIT_DDB_EXPR_ARENA_BYTES);
	if ((ret = load_body(r, body, e)) < 0)
		return ret;
	if (op == OP_CREATE_TABLE)
		return ddb_parse_create_table(r, e);
	if (op == OP_LIST_TABLES)
		return ddb_parse_list_tables(r, e);
	if ((ret = shape(r, e)) < 0)
		return ret;
	tn = ddb_member(r->root, "TableName");
	r->table = tn ? json_string_value(tn) : NULL;
	if (op == OP_DESCRIBE_TABLE || op == OP_DELETE_TABLE) {
		ddb_verr_init(&v);
		parse_table_only(r, &v);
		return ddb_verr_finish(&v, e);
	}
	if ((ret = constraints(r, e)) < 0)
		return ret;
	return item_rules(r, e);
}

void ddb_req_release(struct ddb_req *r)
{
	json_decref(r->root);
	r->root = NULL;
	arena_release(&r->arena);
}
