/* SPDX-License-Identifier: MIT */
/*
 * The DynamoDB engine on random requests. The input is up to 8 requests
 * separated by NUL bytes, each an operation byte (its low 4 bits index
 * 'ops', wrapping; a value past them is a target no one knows) and a JSON
 * body, sent through ddb_classify() and ddb_handle() against a kv in memory
 * holding table "Music" (S hash, N range) and two items. Every answer must
 * be JSON with a CRC32 header, refusals must agree, and at the end the
 * table's ItemCount and TableSizeBytes must be what a Scan reads.
 */
#include "compat.h"

#include <jansson.h>
#include <zlib.h>

#include "svc/ddb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_REQUESTS 8

static const char *const ops[] = {
	"CreateTable", "DescribeTable", "ListTables", "DeleteTable", "PutItem", "GetItem",
	"DeleteItem", "UpdateItem", "Query", "Scan", "BatchGetItem",
};

static const char *const setup[][2] = {
	{ "CreateTable", "{\"TableName\":\"Music\",\"AttributeDefinitions\":[{\"AttributeName\":"
	  "\"a\",\"AttributeType\":\"S\"},{\"AttributeName\":\"n\",\"AttributeType\":\"N\"}],"
	  "\"KeySchema\":[{\"AttributeName\":\"a\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"n\","
	  "\"KeyType\":\"RANGE\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}" },
	{ "PutItem", "{\"TableName\":\"Music\",\"Item\":{\"a\":{\"S\":\"x\"},\"n\":{\"N\":\"1\"},"
	  "\"l\":{\"L\":[{\"S\":\"y\"},{\"M\":{\"k\":{\"NS\":[\"1\",\"2\"]}}}]},\"s\":{\"SS\":[\"a\"]}}}" },
	{ "PutItem", "{\"TableName\":\"Music\",\"Item\":{\"a\":{\"S\":\"x\"},\"n\":{\"N\":\"-2.5\"},"
	  "\"b\":{\"B\":\"AAE=\"},\"t\":{\"BOOL\":true}}}" },
};

static json_t *send(struct kv *kv, const char *op, struct str body, int *status)
{
	struct http_response resp = { 0 }, refused = { 0 };
	struct ddb_call c;
	struct err e = { 0 };
	char target[64], crc[32];
	json_t *answer;
	int ret;

	snprintf(target, sizeof(target), "DynamoDB_20120810.%s", op);
	buf_init(&resp.body, 64 << 20);
	buf_init(&resp.headers, 4096);
	ret = ddb_classify(str_c(target), body, "us-east-1", "111122223333", &c, &e);
	if (ret < 0 && (!e.code || !c.op[0] != !strcmp(e.code, "UnknownOperationException")))
		abort();
	ddb_handle(kv, &c, body, "us-east-1", "111122223333", 1700000000, "r", &resp);
	if (ret < 0) {
		/* Execution refuses what classification refused, with the same error. */
		buf_init(&refused.body, 4096);
		buf_init(&refused.headers, 4096);
		ddb_error(&refused, 400, e.code, e.msg, "r");
		if (resp.status != 400 || memcmp(resp.body.p, refused.body.p, strcspn(refused.body.p, ",")))
			abort();
		buf_release(&refused.body);
		buf_release(&refused.headers);
	}
	snprintf(crc, sizeof(crc), "x-amz-crc32: %lu\r\n",
		 crc32(crc32(0L, Z_NULL, 0), (const Bytef *)resp.body.p, (uInt)resp.body.len));
	answer = json_loadb(resp.body.p, resp.body.len, JSON_ALLOW_NUL, NULL);
	if (!answer || !json_is_object(answer) || !strstr(resp.headers.p, crc) ||
	    (resp.status != 200 && resp.status != 400) ||
	    (resp.status == 400) != (json_object_get(answer, "__type") != NULL))
		abort();
	*status = resp.status;
	buf_release(&resp.body);
	buf_release(&resp.headers);
	return answer;
}

/* The table's counters against what a Scan of it reads. */
static void check_counts(struct kv *kv)
{
	int status;
	json_t *desc = send(kv, "DescribeTable", STR_LIT("{\"TableName\":\"Music\"}"), &status);
	json_t *scan = send(kv, "Scan", STR_LIT("{\"TableName\":\"Music\",\"Select\":\"COUNT\"}"),
			    &status);
	json_t *table = json_object_get(desc, "Table");

	if (table && json_integer_value(json_object_get(table, "ItemCount")) !=
		     json_integer_value(json_object_get(scan, "Count")))
		abort();
	if (table && !json_integer_value(json_object_get(table, "ItemCount")) &&
	    json_integer_value(json_object_get(table, "TableSizeBytes")))
		abort();
	json_decref(desc);
	json_decref(scan);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kv *kv = kv_mem_new();
	int status, n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(setup); i++) {
		json_decref(send(kv, setup[i][0], str_c(setup[i][1]), &status));
		if (status != 200)
			abort();
	}
	while (size && n++ < MAX_REQUESTS) {
		const uint8_t *end = memchr(data, 0, size);
		size_t len = end ? (size_t)(end - data) : size;

		if (len) {
			const char *op = ops[(data[0] & 0x0f) % ARRAY_SIZE(ops)];

			json_decref(send(kv, op, str_from((const char *)data + 1, len - 1), &status));
		}
		data += len;
		size -= len;
		if (size) {
			data++;
			size--;
		}
	}
	check_counts(kv);
	kv_mem_free(kv);
	return 0;
}
