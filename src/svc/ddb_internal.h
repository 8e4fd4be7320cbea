/* SPDX-License-Identifier: MIT */
/*
 * What the files of the DynamoDB engine share: errors, attribute values as
 * jansson trees ({"S":"x"}), numbers, requests, expressions and tables.
 * Invariant: a value that passed ddb_av_check() holds exactly one type
 * member, its numbers in canonical form and its blobs in canonical base64,
 * so that equal values are equal strings.
 */
#ifndef SVC_DDB_INTERNAL_H
#define SVC_DDB_INTERNAL_H

#include <jansson.h>

#include "compat.h"
#include "limits.h"
#include "base/arena.h"
#include "base/buf.h"
#include "svc/ddb.h"

/* Error types, as the engine names them (ddb_error() adds the namespace). */
#define DDB_VALIDATION "ValidationException"
#define DDB_SERIALIZATION "SerializationException"
#define DDB_UNKNOWN_OP "UnknownOperationException"
#define DDB_NOT_FOUND "ResourceNotFoundException"
#define DDB_IN_USE "ResourceInUseException"
#define DDB_CONDITION "ConditionalCheckFailedException"
#define DDB_LIMIT "LimitExceededException"
#define DDB_INTERNAL "InternalServerError"

#define DDB_KEY_MISMATCH "The provided key element does not match the schema"
#define DDB_INVALID "One or more parameter values were invalid: "

struct ddb_err {
	const char *type;	/* one of the above; NULL: none */
	int status;		/* HTTP status: 400, or 500 for InternalServerError */
	char msg[LIMIT_DDB_ERROR_BYTES];
	json_t *item;		/* owned: the item a failed condition saw (ALL_OLD) */
};

/* Fills 'e' (status 400) and returns -EINVAL. */
int ddb_fail(struct ddb_err *e, const char *type, const char *fmt, ...) ATTR_PRINTF(3, 4);
/*
 * Makes the ValidationException in 'e' read "'before' <its message> 'middle'
 * 'after'" and returns -EINVAL.
 */
int ddb_fail_wrap(struct ddb_err *e, const char *before, const char *middle, const char *after);
/* Fills 'e' with InternalServerError (status 500) and returns -EIO. */
int ddb_fail_io(struct ddb_err *e);
void ddb_err_release(struct ddb_err *e);

/*
 * Validation errors are gathered, up to LIMIT_DDB_VALIDATION_ERRORS, into
 * one message "N validation errors detected: Value 'v' at 'where' failed to
 * satisfy constraint: ...; ...", as AWS reports them.
 */
struct ddb_verr {
	int n;
	struct buf b;
};

void ddb_verr_init(struct ddb_verr *v);
/* Adds one; 'value' NULL is printed as null. */
void ddb_verr_add(struct ddb_verr *v, const char *value, const char *where, const char *fmt, ...)
	ATTR_PRINTF(4, 5);
/* Fails 'e' with what was gathered, if anything, and releases 'v'. */
int ddb_verr_finish(struct ddb_verr *v, struct ddb_err *e);

/* JSON as the request's members are declared, for SerializationException. */
enum ddb_want { W_STRING, W_INTEGER, W_LONG, W_BOOL, W_LIST, W_MAP, W_STRUCT, W_BLOB };

/* 0 when 'v' may be read as 'w', else the SerializationException AWS gives. */
int ddb_want(const json_t *v, enum ddb_want w, struct ddb_err *e);
/* The member 'name' of 'obj' when present and not null, else NULL. */
json_t *ddb_member(const json_t *obj, const char *name);
/* A Boolean member as AWS reads one (true, "yes", "1"...); 'dflt' when absent. */
bool ddb_bool(const json_t *v, bool dflt);

/* Attribute value types, in the order of their names below. */
enum ddb_type { DT_NONE = -1, DT_S, DT_N, DT_B, DT_BOOL, DT_NULL, DT_M, DT_L, DT_SS, DT_NS, DT_BS,
		DT_COUNT };

/* "S", "N"...; "" for DT_NONE. */
const char *ddb_type_name(enum ddb_type t);
/* The type named by the 'len' bytes at 'name', or DT_NONE. */
enum ddb_type ddb_type_parse(const char *name, size_t len);
/* The type of a checked value, or DT_NONE for anything else. */
enum ddb_type ddb_type_of(const json_t *av);
/* The member holding a checked value's content ("x" of {"S":"x"}). */
json_t *ddb_av_content(const json_t *av);
/* A new value {"type": content}; takes a reference to 'content'. */
json_t *ddb_av_new(enum ddb_type t, json_t *content);

/*
 * Numbers: up to 38 significant digits, magnitudes from 1E-130 to below
 * 1E+126; the value is d[0].d[1]d[2]... x 10^exp, with no trailing zero
 * digit; zero has n == 0.
 */
struct ddb_num {
	bool neg;
	int exp;
	int n;
	uint8_t d[LIMIT_DDB_NUMBER_DIGITS];
};

#define DDB_NUM_ENC_MAX (LIMIT_DDB_NUMBER_DIGITS + 3)

/* Parses the 'len' bytes at 's' as DynamoDB reads a number: 0 or a ValidationException. */
int ddb_num_parse(const char *s, size_t len, struct ddb_num *out, struct ddb_err *e);
/* Appends the canonical text: no exponent, no leading or trailing zero. */
void ddb_num_format(const struct ddb_num *n, struct buf *out);
/* -1, 0 or 1 as 'a' is below, equal to or above 'b'. */
int ddb_num_cmp(const struct ddb_num *a, const struct ddb_num *b);
/* 'a' + 'b' (or - 'b') exactly: 0, or the ValidationException of a result out of range. */
int ddb_num_add(const struct ddb_num *a, const struct ddb_num *b, bool subtract,
		struct ddb_num *out, struct ddb_err *e);
/* Writes bytes that sort as the numbers do; returns how many. */
size_t ddb_num_encode(const struct ddb_num *n, uint8_t out[static DDB_NUM_ENC_MAX]);
/* Bytes the number counts for in an item's size (DynamoDB's measure). */
size_t ddb_num_size(const struct ddb_num *n);

/* Decodes strict, canonical base64 'len' bytes at 's' into 'out': 0 or -EINVAL. */
int ddb_b64_decode(const char *s, size_t len, struct buf *out);

/*
 * Checks the JSON types of value 'av' at nesting level 'depth' (1 for an
 * attribute of an item) down to its leaves: 0 or a SerializationException
 * (or the ValidationException of nesting too deep).
 */
int ddb_av_shape(const json_t *av, int depth, struct ddb_err *e);
/* The same for a map of attribute names to values. */
int ddb_map_shape(const json_t *map, int depth, struct ddb_err *e);
/*
 * Validates a value that passed ddb_av_shape() and puts it in canonical form
 * (drops unknown and null members, rewrites numbers): 0 or ValidationException.
 */
int ddb_av_check(json_t *av, struct ddb_err *e);
int ddb_map_check(json_t *map, struct ddb_err *e);
/* DynamoDB's size of a checked value, and of an item (names included). */
size_t ddb_av_size(const json_t *av);
size_t ddb_item_size(const json_t *item);
/* True when checked values 'a' and 'b' are equal (sets in any order). */
bool ddb_av_equal(const json_t *a, const json_t *b);
/*
 * Orders checked scalars of one type (S, N or B) into '*cmp': false when
 * they cannot be ordered (another type, or types that differ).
 */
bool ddb_av_order(const json_t *a, const json_t *b, int *cmp);
/* Orders two 'const json_t *' strings (by pointer, for qsort and bsearch) as bytes. */
int ddb_json_str_cmp(const void *a, const void *b);
/* Appends the bytes a key value sorts by: S as is, B decoded, N encoded. */
void ddb_av_key_bytes(const json_t *av, struct buf *out);
/* The number in a checked N value. */
void ddb_av_num(const json_t *av, struct ddb_num *n);
/* A new N value holding 'n'. */
json_t *ddb_av_from_num(const struct ddb_num *n);

/* Expressions (ddb_expr.c), parsed into an arena. */
enum ex_kind { EX_PATH, EX_VALUE, EX_FUNC, EX_CMP, EX_BETWEEN, EX_IN, EX_AND, EX_OR, EX_NOT,
	       EX_ARITH };
enum ex_fn { FN_UNKNOWN, FN_ATTRIBUTE_EXISTS, FN_ATTRIBUTE_NOT_EXISTS, FN_ATTRIBUTE_TYPE,
	     FN_BEGINS_WITH, FN_CONTAINS, FN_SIZE, FN_IF_NOT_EXISTS, FN_LIST_APPEND };
enum ex_cmp { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

/* One step of a document path: an attribute or map key, or a list index. */
struct ex_elem {
	const char *name;	/* NULL for an index; may hold NULs ('len' counts) */
	size_t len;
	uint32_t index;
	const char *raw;	/* as written ("#n" or "status"), for messages */
	size_t raw_len;
};

struct ex_node {
	enum ex_kind kind;
	int op;			/* enum ex_cmp, enum ex_fn, or '+' / '-' */
	struct ex_node **args;
	size_t n_args;
	struct ex_elem *elems;	/* EX_PATH */
	size_t n_elems;
	const json_t *value;	/* EX_VALUE: borrowed from ExpressionAttributeValues */
	const char *text;	/* the function's name or the value's key, as written */
	size_t text_len;
	int parens;		/* parentheses right around this node */
};

enum up_kind { UP_SET, UP_REMOVE, UP_ADD, UP_DELETE };

struct up_action {
	enum up_kind kind;
	struct ex_node *path;
	struct ex_node *value;	/* SET: the value expression; ADD, DELETE: EX_VALUE */
};

struct ddb_update {
	struct up_action *acts;
	size_t n;
};

struct ddb_paths {
	struct ex_node **v;
	size_t n;
};

/* The key condition of a Query, one or two parts on top-level attributes. */
enum kc_op { KC_EQ, KC_LT, KC_LE, KC_GT, KC_GE, KC_BETWEEN, KC_BEGINS };

struct kc_part {
	const struct ex_elem *attr;
	enum kc_op op;
	const json_t *v[2];
};

struct ddb_keycond {
	struct kc_part part[2];
	int n;
};

/* What the parsers of one request share: names and values, and which were used. */
struct ddb_exprctx {
	struct arena *arena;
	const json_t *names, *values;	/* borrowed; NULL when absent */
	json_t *used_names, *used_values;	/* owned: sets of the keys used */
};

void ddb_exprctx_init(struct ddb_exprctx *cx, struct arena *a, const json_t *names,
		      const json_t *values);
void ddb_exprctx_release(struct ddb_exprctx *cx);
/*
 * Each parses the 'len' bytes at 'src' into '*out' (arena memory), checking
 * it as DynamoDB does; 'what' names it in messages ("ConditionExpression").
 * 0 or a ValidationException.
 */
int ddb_parse_cond(struct ddb_exprctx *cx, const char *what, const char *src, size_t len,
		   struct ex_node **out, struct ddb_err *e);
int ddb_parse_update(struct ddb_exprctx *cx, const char *src, size_t len, struct ddb_update *out,
		     struct ddb_err *e);
int ddb_parse_projection(struct ddb_exprctx *cx, const char *src, size_t len,
			 struct ddb_paths *out, struct ddb_err *e);
/* Turns a parsed KeyConditionExpression into its parts, or fails as AWS does. */
int ddb_keycond_from(const struct ex_node *n, struct ddb_keycond *out, struct ddb_err *e);
/* Fails when a name or value given was not used by any expression. */
int ddb_exprctx_unused(const struct ddb_exprctx *cx, struct ddb_err *e);
/* True when 'name' (any case) is one of DynamoDB's reserved words. */
bool ddb_reserved(const char *name, size_t len);
/* Appends a path as AWS prints it in messages: "[a, b, [2]]". */
void ddb_path_print(const struct ex_node *path, struct buf *out);

/* Evaluation (ddb_eval.c); 'item' NULL is an item that is not there. */
const json_t *ddb_path_get(const json_t *item, const struct ex_node *path);
bool ddb_cond_eval(const struct ex_node *cond, const json_t *item);
/* A new item holding what 'paths' select from 'item'. */
json_t *ddb_project(const json_t *item, struct ex_node *const *paths, size_t n);
/*
 * Applies 'u' to 'item' (changed in place; operands read 'old', the item
 * before, or NULL). 0, or the ValidationException AWS gives.
 */
int ddb_update_apply(json_t *item, const json_t *old, const struct ddb_update *u,
		     struct ddb_err *e);

/* Requests. */
enum ddb_op { OP_CREATE_TABLE, OP_DESCRIBE_TABLE, OP_LIST_TABLES, OP_DELETE_TABLE, OP_PUT_ITEM,
	      OP_GET_ITEM, OP_DELETE_ITEM, OP_UPDATE_ITEM, OP_QUERY, OP_SCAN, OP_COUNT };
enum ddb_rv { RV_NONE, RV_ALL_OLD, RV_UPDATED_OLD, RV_ALL_NEW, RV_UPDATED_NEW };
enum ddb_select { SEL_DEFAULT, SEL_ALL, SEL_PROJECTED, SEL_SPECIFIC, SEL_COUNT };
enum ddb_capacity { CAP_NONE, CAP_TOTAL, CAP_INDEXES };

struct ddb_req {
	enum ddb_op op;
	json_t *root;			/* owned: the body */
	struct arena arena;		/* the expressions */
	const char *table;		/* TableName, or NULL */
	json_t *key, *item, *names, *values, *start_key;
	struct ex_node *cond, *filter;
	struct ddb_keycond keycond;
	bool has_keycond;
	struct ddb_update update;
	bool has_update;
	struct ddb_paths proj;
	bool has_proj;
	enum ddb_rv rv;
	bool ccf_all_old;		/* ReturnValuesOnConditionCheckFailure ALL_OLD */
	enum ddb_select select;
	enum ddb_capacity capacity;
	bool has_limit;
	int64_t limit;
	bool forward;			/* ScanIndexForward */
	bool consistent;
	const char *index;		/* IndexName */
	bool has_segment;
	int64_t segment, segments;
	const char *start_table;	/* ListTables' ExclusiveStartTableName */
};

/*
 * Parses and checks 'body' as a request of 'op': 0, or the error AWS gives
 * before it looks at any table. ddb_req_release() in every case.
 */
int ddb_req_parse(struct ddb_req *r, enum ddb_op op, struct str body, struct ddb_err *e);
void ddb_req_release(struct ddb_req *r);
/* Checks a table or index name as AWS does, into 'v' ('where': "tableName"). */
void ddb_check_name(struct ddb_verr *v, const char *name, size_t len, const char *where);
/* Checks an enum member: its index in 'values' or -1 (and an error in 'v'). */
int ddb_check_enum(struct ddb_verr *v, const json_t *obj, const char *member, const char *where,
		   const char *const *values, size_t n);

/* Tables (ddb_table.c). */
struct ddb_keyattr {
	char *name;		/* owned */
	size_t len;
	enum ddb_type type;	/* S, N or B */
};

struct ddb_table {
	json_t *rec;			/* owned: the stored record */
	const char *name;		/* in 'rec' */
	struct ddb_keyattr key[2];	/* HASH, then RANGE */
	int n_keys;
	int64_t items, bytes;		/* ItemCount, TableSizeBytes */
	struct buf prefix;		/* the keys of its items start so */
};

/* Where the engine keeps its data (kv spaces). */
#define DDB_SPACE_TABLES "ddb.table"
#define DDB_SPACE_ITEMS "ddb.item"

/* Loads table 'name' of 'account' and 'region': 0, -ENOENT or -EIO. */
int ddb_table_load(struct kv *kv, const char *account, const char *region, const char *name,
		   struct ddb_table *t);
/* Writes back its counters: 0 or -EIO. */
int ddb_table_store(struct kv *kv, const char *account, const char *region,
		    const struct ddb_table *t);
void ddb_table_release(struct ddb_table *t);
/* The key attribute called 'name' ('len' bytes): 0 (hash), 1 (range) or -1. */
int ddb_table_keyidx(const struct ddb_table *t, const char *name, size_t len);

/* Keys of items (ddb_key.c). */
/* Checks the key attributes of a whole 'item' (PutItem's messages). */
int ddb_key_check_item(const struct ddb_table *t, const json_t *item, struct ddb_err *e);
/* Checks that 'key' is exactly the table's key (GetItem's messages). */
int ddb_key_check(const struct ddb_table *t, const json_t *key, struct ddb_err *e);
/* Appends the kv key of the item whose key attributes 'item' holds (checked). */
void ddb_key_encode(const struct ddb_table *t, const json_t *item, struct buf *out);
/* Appends the partition part only: prefix and encoded hash key. */
void ddb_key_encode_partition(const struct ddb_table *t, const json_t *hash, struct buf *out);
/* A new map of just the key attributes of 'item'. */
json_t *ddb_key_of(const struct ddb_table *t, const json_t *item);

/* The handlers, one per operation, answering into 'out' (a JSON object). */
struct ddb_ctx {
	struct kv *kv;
	const char *region, *account;
	int64_t now;
};

typedef int ddb_exec_fn(const struct ddb_ctx *cx, struct ddb_req *r, json_t *out,
			struct ddb_err *e);

ddb_exec_fn ddb_create_table, ddb_describe_table, ddb_list_tables, ddb_delete_table;
ddb_exec_fn ddb_put_item, ddb_get_item, ddb_delete_item, ddb_update_item;
ddb_exec_fn ddb_query, ddb_scan;

/* The requests of CreateTable and ListTables, read by ddb_req_parse() (ddb_table.c). */
int ddb_parse_create_table(struct ddb_req *r, struct ddb_err *e);
int ddb_parse_list_tables(struct ddb_req *r, struct ddb_err *e);

/* Loads the table of 'r' or fails with ResourceNotFoundException. */
int ddb_table_open(const struct ddb_ctx *cx, const struct ddb_req *r, struct ddb_table *t,
		   struct ddb_err *e);
/* Read units for 'size' bytes: one per 4 KB, at least one, half when not consistent. */
double ddb_read_units(size_t size, bool consistent);
/* Adds "ConsumedCapacity" for 'units' to 'out' when 'r' asked for it. */
void ddb_capacity_add(const struct ddb_req *r, json_t *out, double units);

#endif
