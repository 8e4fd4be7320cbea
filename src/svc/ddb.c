/* SPDX-License-Identifier: MIT */
/*
 * The DynamoDB engine's entry points: the operations it answers, the
 * classification the policy engine needs, and answers in DynamoDB's JSON
 * protocol (application/x-amz-json-1.0, errors as {"__type", "message"}, a
 * CRC32 of the body in x-amz-crc32, which the SDKs check).
 */
#include "compat.h"
#include "svc/ddb.h"

#include <zlib.h>

#include "base/xalloc.h"
#include "svc/ddb_internal.h"

#define TARGET_PREFIX "DynamoDB_20120810."
#define CONTENT_TYPE "application/x-amz-json-1.0"

static const struct {
	const char *name;
	enum ddb_op op;
	ddb_exec_fn *exec;
} ops[] = {
	{ "CreateTable", OP_CREATE_TABLE, ddb_create_table },
	{ "DescribeTable", OP_DESCRIBE_TABLE, ddb_describe_table },
	{ "ListTables", OP_LIST_TABLES, ddb_list_tables },
	{ "DeleteTable", OP_DELETE_TABLE, ddb_delete_table },
	{ "PutItem", OP_PUT_ITEM, ddb_put_item },
	{ "GetItem", OP_GET_ITEM, ddb_get_item },
	{ "DeleteItem", OP_DELETE_ITEM, ddb_delete_item },
	{ "UpdateItem", OP_UPDATE_ITEM, ddb_update_item },
	{ "Query", OP_QUERY, ddb_query },
	{ "Scan", OP_SCAN, ddb_scan },
};

static int op_find(struct str name)
{
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (str_eq_c(name, ops[i].name))
			return (int)i;
	return -1;
}

/* The namespace of each error type, and how its message member is spelled. */
static void error_type(const char *type, const char **ns, const char **member)
{
	static const char *const coral[] = {
		"AccessDeniedException", "SerializationException", "UnknownOperationException",
		"UnrecognizedClientException", "MissingAuthenticationTokenException",
		"IncompleteSignatureException", "InvalidSignatureException", "ThrottlingException",
		"RequestExpired", "InvalidClientTokenId",
	};

	*ns = "com.amazonaws.dynamodb.v20120810#";
	*member = "message";
	if (!strcmp(type, "ValidationException")) {
		*ns = "com.amazon.coral.validate#";
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(coral); i++)
		if (!strcmp(type, coral[i]))
			*ns = "com.amazon.coral.service#";
	if (!strcmp(type, "AccessDeniedException") || !strcmp(type, "SerializationException"))
		*member = "Message";
}

static int dump_to_buf(const char *p, size_t len, void *arg)
{
	buf_add(arg, p, len);
	return 0;
}

static void respond(struct http_response *resp, int status, const json_t *body,
		    const char *request_id)
{
	resp->status = status;
	resp->content_type = CONTENT_TYPE;
	json_dump_callback(body, dump_to_buf, &resp->body, JSON_COMPACT);
	http_response_header(resp, "x-amzn-RequestId", "%s", request_id);
	http_response_header(resp, "x-amz-crc32", "%lu",
			     crc32(crc32(0L, Z_NULL, 0), (const Bytef *)resp->body.p,
				   (uInt)resp->body.len));
}

/*
 * The message as a JSON string. Messages echo what the client sent, cut to
 * a length that may split a character: what is not UTF-8 becomes '?'.
 */
static json_t *message_string(const char *message)
{
	json_t *s = json_string(message);
	char *ascii;

	if (s)
		return s;
	ascii = xstrdup(message);
	for (char *p = ascii; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	s = json_string(ascii);
	free(ascii);
	return s;
}

static json_t *error_body(const char *type, const char *message)
{
	const char *ns, *member;
	char full[128];
	json_t *body;

	error_type(type, &ns, &member);
	snprintf(full, sizeof(full), "%s%s", ns, type);
	body = json_pack("{s:s}", "__type", full);
	if (message && *message)
		json_object_set_new(body, member, message_string(message));
	return body;
}

void ddb_error(struct http_response *resp, int status, const char *type, const char *message,
	       const char *request_id)
{
	json_t *body = error_body(type, message);

	respond(resp, status, body, request_id);
	json_decref(body);
}

static void respond_error(struct http_response *resp, const struct ddb_err *e,
			  const char *request_id)
{
	json_t *body = error_body(e->type, e->msg);

	if (e->item)
		json_object_set(body, "Item", e->item);
	respond(resp, e->status ? e->status : 400, body, request_id);
	json_decref(body);
}

static void resource(struct ddb_call *c, const char *region, const char *account)
{
	const char *part = !strncmp(region, "cn-", 3) ? "aws-cn" :
			   !strncmp(region, "us-gov-", 7) ? "aws-us-gov" : "aws";

	snprintf(c->resource, sizeof(c->resource), "arn:%s:dynamodb:%s:%s:table/%s", part,
		 region, account, c->table[0] ? c->table : "*");
}

int ddb_classify(struct str target, struct str body, const char *region, const char *account,
		 struct ddb_call *out, struct err *e)
{
	struct str name = target;
	struct ddb_err de = { 0 };
	struct ddb_req r;
	int i = -1, ret;

	memset(out, 0, sizeof(*out));
	if (str_starts_with(name, STR_LIT(TARGET_PREFIX))) {
		name.p += strlen(TARGET_PREFIX);
		name.len -= strlen(TARGET_PREFIX);
		i = op_find(name);
	}
	if (i < 0)
		return err_fail(e, DDB_UNKNOWN_OP, "%s", "");
	str_lcpy(out->op, ops[i].name, sizeof(out->op));
	ret = ddb_req_parse(&r, ops[i].op, body, &de);
	if (ret < 0) {
		err_fail(e, de.type, "%s", de.msg);
	} else {
		snprintf(out->action, sizeof(out->action), "dynamodb:%s", ops[i].name);
		str_lcpy(out->table, r.table ? r.table : "", sizeof(out->table));
		resource(out, region, account);
	}
	ddb_req_release(&r);
	ddb_err_release(&de);
	return ret < 0 ? -EINVAL : 0;
}

void ddb_handle(struct kv *kv, const struct ddb_call *c, struct str body, const char *region,
		const char *account, int64_t now, const char *request_id,
		struct http_response *resp)
{
	struct ddb_ctx cx = { .kv = kv, .region = region, .account = account, .now = now };
	struct ddb_err e = { 0 };
	int i = op_find(str_c(c->op));
	struct ddb_req r;
	json_t *out;

	if (i < 0) {
		ddb_error(resp, 400, DDB_UNKNOWN_OP, NULL, request_id);
		return;
	}
	out = json_object();
	if (ddb_req_parse(&r, ops[i].op, body, &e) < 0 || ops[i].exec(&cx, &r, out, &e) < 0)
		respond_error(resp, &e, request_id);
	else
		respond(resp, 200, out, request_id);
	json_decref(out);
	ddb_req_release(&r);
	ddb_err_release(&e);
}
