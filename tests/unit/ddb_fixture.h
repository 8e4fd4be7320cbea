/* SPDX-License-Identifier: MIT */
/*
 * Drives the DynamoDB engine as its front will: ddb_classify(), then
 * ddb_handle() on a kv in memory, for account 111122223333 in us-east-1 at
 * a fixed time. In the tests' JSON a backquote stands for a double quote,
 * in requests and in the answers compared, so that both read unescaped.
 * Every answer's headers are checked: content type, request ID, CRC32.
 */
#ifndef TESTS_DDB_FIXTURE_H
#define TESTS_DDB_FIXTURE_H

#include <zlib.h>

#include "compat.h"
#include "check.h"
#include "svc/ddb.h"

#define DDB_T_NOW 1700000000
#define DDB_T_RID "REQ-1"

struct ddbt {
	struct kv *kv;
	const char *region, *account;
	int status;
	struct buf req, out;		/* the last request, and its answer with '"' as '`' */
	struct ddb_call call;		/* the last classification */
};

static inline void ddbt_init(struct ddbt *t)
{
	memset(t, 0, sizeof(*t));
	t->kv = kv_mem_new();
	t->region = "us-east-1";
	t->account = "111122223333";
	buf_init(&t->req, 4 << 20);
	buf_init(&t->out, 64 << 20);
}

static inline void ddbt_release(struct ddbt *t)
{
	kv_mem_free(t->kv);
	buf_release(&t->req);
	buf_release(&t->out);
}

static inline void ddbt_swap_quotes(struct buf *out, const char *s, size_t len, char from, char to)
{
	buf_reset(out);
	for (size_t i = 0; i < len; i++)
		buf_addc(out, s[i] == from ? to : s[i]);
}

/* The header line 'name' of 'resp', or "" (a view into 'resp'). */
static inline struct str ddbt_header(const struct http_response *resp, const char *name)
{
	struct str h = buf_str(&resp->headers), line;

	while (str_cut(&h, '\n', &line)) {
		struct str key;

		if (str_cut(&line, ':', &key) && str_eq_c(key, name))
			return str_trim(str_from(line.p, line.len && line.p[line.len - 1] == '\r' ?
						 line.len - 1 : line.len));
	}
	return STR_EMPTY;
}

static inline void ddbt_check_headers(const struct http_response *resp)
{
	char crc[16];

	snprintf(crc, sizeof(crc), "%lu", crc32(crc32(0L, Z_NULL, 0), (const Bytef *)resp->body.p,
						(uInt)resp->body.len));
	CHECK(resp->content_type && !strcmp(resp->content_type, "application/x-amz-json-1.0"));
	CHECK(str_eq_c(ddbt_header(resp, "x-amzn-RequestId"), DDB_T_RID));
	CHECK(str_eq_c(ddbt_header(resp, "x-amz-crc32"), crc));
}

/* Sends 'json' as operation 'op' ("GetItem"); returns the answer, quotes as '`'. */
static inline const char *ddbt_call(struct ddbt *t, const char *op, const char *json)
{
	struct http_response resp = { 0 }, again = { 0 };
	struct err e = { 0 };
	char target[64];
	struct str body;

	ddbt_swap_quotes(&t->req, json, strlen(json), '`', '"');
	body = buf_str(&t->req);
	snprintf(target, sizeof(target), "DynamoDB_20120810.%s", op);
	buf_init(&resp.body, 64 << 20);
	buf_init(&resp.headers, 4096);
	if (ddb_classify(str_c(target), body, t->region, t->account, &t->call, &e) < 0) {
		/*
		 * What classification refused, execution refuses the same way, with
		 * the whole message where 'e' had to cut it.
		 */
		buf_init(&again.body, 4096);
		buf_init(&again.headers, 4096);
		ddb_error(&again, 400, e.code, e.msg, DDB_T_RID);
		if (!t->call.op[0])
			str_lcpy(t->call.op, op, sizeof(t->call.op));
		ddb_handle(t->kv, &t->call, body, t->region, t->account, DDB_T_NOW, DDB_T_RID, &resp);
		CHECK(again.body.len <= resp.body.len);
		CHECK(!memcmp(again.body.p, resp.body.p, MIN(again.body.len, resp.body.len) - 2));
		buf_release(&again.body);
		buf_release(&again.headers);
	} else {
		ddb_handle(t->kv, &t->call, body, t->region, t->account, DDB_T_NOW, DDB_T_RID, &resp);
	}
	ddbt_check_headers(&resp);
	t->status = resp.status;
	CHECK(resp.status == (strncmp(resp.body.p, "{\"__type\"", 9) ? 200 :
			      strstr(resp.body.p, "InternalServerError") ? 500 : 400));
	ddbt_swap_quotes(&t->out, resp.body.p, resp.body.len, '"', '`');
	buf_release(&resp.body);
	buf_release(&resp.headers);
	return t->out.p;
}

#define DDB_EXPECT(t, op, json, want) CHECK_STREQ(ddbt_call(t, op, json), want)
/* Calls for a success whose answer is not the point; checks that it is one. */
#define ddbt_ok(t, op, json)                                                     \
	do {                                                                     \
		ddbt_call(t, op, json);                                          \
		if ((t)->status != 200)                                          \
			check_fail(__FILE__, __LINE__, "%s: %s", op, (t)->out.p); \
	} while (0)

/* Error answers, by namespace. */
#define DDB_VERR(msg) "{`__type`:`com.amazon.coral.validate#ValidationException`,`message`:`" msg "`}"
#define DDB_SERR(msg) "{`__type`:`com.amazon.coral.service#SerializationException`,`Message`:`" msg "`}"
#define DDB_DERR(type, msg) "{`__type`:`com.amazonaws.dynamodb.v20120810#" type "`,`message`:`" msg "`}"
#define DDB_NOT_FOUND_ERR DDB_DERR("ResourceNotFoundException", "Requested resource not found")
#define DDB_CCF_ERR DDB_DERR("ConditionalCheckFailedException", "The conditional request failed")

#endif
