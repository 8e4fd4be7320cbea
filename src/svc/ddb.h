/* SPDX-License-Identifier: MIT */
/*
 * The region's built-in DynamoDB: classifies a DynamoDB JSON request (for
 * the policy engine) and executes it against a kv store, answering as AWS
 * does, field for field and error for error. Pure: no I/O but the kv calls,
 * no clock (the caller passes 'now'). Tables of different accounts or
 * regions never see each other. docs/services.md describes what is kept how.
 */
#ifndef SVC_DDB_H
#define SVC_DDB_H

#include "compat.h"
#include "base/err.h"
#include "base/kv.h"
#include "base/str.h"
#include "io/http.h"

/* What a DynamoDB request asks, for the policy engine. */
struct ddb_call {
	char op[32];		/* "GetItem", from X-Amz-Target "DynamoDB_20120810.GetItem" */
	char action[48];	/* "dynamodb:GetItem" */
	char table[256];	/* the TableName; "" for ListTables */
	/*
	 * "arn:aws:dynamodb:us-east-1:111122223333:table/Music"; for ListTables
	 * the same with the name "*", the resource AWS names when it refuses
	 * ListTables.
	 */
	char resource[512];
};

/*
 * Classifies one request of 'account' in 'region': the X-Amz-Target value
 * 'target' and the JSON 'body'. Checks all that can be checked without the
 * store (the JSON, every member's type and constraints, the expressions), so
 * that a request it accepts fails later only on what the store holds.
 * Returns 0, or fills 'e' with AWS's error type (UnknownOperationException,
 * SerializationException, ValidationException) and message and returns
 * negative. Messages longer than 'e' holds are cut: when 'out->op' is set
 * (the operation is known), ddb_handle() answers 'out' with the whole one.
 */
int ddb_classify(struct str target, struct str body, const char *region, const char *account,
		 struct ddb_call *out, struct err *e);

/*
 * Executes the classified call 'c' (with its 'body') against 'kv' and writes
 * AWS's answer into 'resp': status, content type application/x-amz-json-1.0,
 * the JSON body, and the headers x-amzn-RequestId ('request_id') and
 * x-amz-crc32 (of the body). 'now' is Unix seconds, for CreationDateTime.
 * A call that ddb_classify() refused is answered with that error again.
 */
void ddb_handle(struct kv *kv, const struct ddb_call *c, struct str body, const char *region,
		const char *account, int64_t now, const char *request_id,
		struct http_response *resp);

/*
 * Writes an error answer in DynamoDB's JSON form into 'resp', as ddb_handle()
 * does: {"__type":"com.amazon.coral.service#AccessDeniedException",
 * "Message":"..."} with HTTP 'status'. 'type' is the short name
 * ("AccessDeniedException"); the namespace and the member's spelling are
 * DynamoDB's for that type. The front uses it for denials too.
 */
void ddb_error(struct http_response *resp, int status, const char *type, const char *message,
	       const char *request_id);

#endif
