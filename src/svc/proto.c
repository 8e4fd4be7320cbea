/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "svc/proto.h"

#include <jansson.h>

#include "base/xml.h"

#define OPERATION_SIZE 64
#define QUEUE_NAME_SIZE 81		/* SQS: 80 characters */

static bool is_json_type(const struct http_request *req)
{
	const struct str *t = http_header_get(req, "Content-Type");

	return t && str_starts_with(*t, str_c("application/x-amz-json"));
}

enum svc_proto svc_proto_of(const struct http_request *req)
{
	return http_header_get(req, "X-Amz-Target") || is_json_type(req) ? SVC_PROTO_JSON :
									   SVC_PROTO_QUERY;
}

static bool is_sqs(const struct service *s)
{
	return !strcmp(s->short_name, "sqs");
}

/* An operation name: letters and digits, as every AWS operation is. */
static bool operation_ok(struct str op)
{
	if (!op.len || op.len >= OPERATION_SIZE)
		return false;
	for (size_t i = 0; i < op.len; i++)
		if (!((op.p[i] >= 'a' && op.p[i] <= 'z') || (op.p[i] >= 'A' && op.p[i] <= 'Z') ||
		      (op.p[i] >= '0' && op.p[i] <= '9')))
			return false;
	return true;
}

/* --- SQS's queues --- */

/* The queue named in 'url' ("https://sqs.REGION.amazonaws.com/ACCOUNT/NAME"): 0 or -EINVAL. */
static int queue_of_url(struct str url, struct str *account, struct str *name)
{
	const char *end = url.p + url.len, *slash;

	while (end > url.p && end[-1] == '/')
		end--;
	for (slash = end; slash > url.p && slash[-1] != '/'; slash--)
		;
	*name = str_from(slash, (size_t)(end - slash));
	if (slash == url.p || !name->len)
		return -EINVAL;
	end = slash - 1;
	for (slash = end; slash > url.p && slash[-1] != '/'; slash--)
		;
	*account = str_from(slash, (size_t)(end - slash));
	return account->len == 12 ? 0 : -EINVAL;
}

struct queue_params {
	char url[512], name[QUEUE_NAME_SIZE], owner[16];
};

static void copy_json(json_t *root, const char *key, char *out, size_t size)
{
	const char *v = json_string_value(json_object_get(root, key));

	if (v && strlen(v) < size)
		str_lcpy(out, v, size);
}

/* QueueUrl, QueueName and QueueOwnerAWSAccountId, from either protocol. */
static int queue_params(const struct http_request *req, enum svc_proto proto,
			struct queue_params *q, struct err *e)
{
	if (proto == SVC_PROTO_JSON) {
		json_t *root = req->body.len ? json_loadb(req->body.p, req->body.len, 0, NULL) : NULL;

		if (req->body.len && !json_is_object(root)) {
			json_decref(root);
			return err_fail(e, "SerializationException", "the request body is not a JSON object");
		}
		copy_json(root, "QueueUrl", q->url, sizeof(q->url));
		copy_json(root, "QueueName", q->name, sizeof(q->name));
		copy_json(root, "QueueOwnerAWSAccountId", q->owner, sizeof(q->owner));
		json_decref(root);
		return 0;
	}
	struct str sources[2] = { req->query, req->body };

	for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
		if (str_form_get(sources[i], "QueueUrl", q->url, sizeof(q->url)) < 0 ||
		    str_form_get(sources[i], "QueueName", q->name, sizeof(q->name)) < 0 ||
		    str_form_get(sources[i], "QueueOwnerAWSAccountId", q->owner, sizeof(q->owner)) < 0)
			return err_fail(e, "MalformedQueryString", "a queue parameter is malformed");
	}
	/* The Query protocol's older form names the queue in the path: /ACCOUNT/NAME. */
	if (!q->url[0] && req->path.len > 1 && req->path.len < sizeof(q->url)) {
		memcpy(q->url, req->path.p, req->path.len);
		q->url[req->path.len] = '\0';
	}
	return 0;
}

/* SQS's resource: the queue's ARN, or "*" for calls on no queue (ListQueues). */
static int sqs_resource(const struct http_request *req, enum svc_proto proto, const char *region,
			const char *account, struct svc_call *out, struct err *e)
{
	struct queue_params q = { .url = "" };
	struct str acct, name;

	if (queue_params(req, proto, &q, e) < 0)
		return -EINVAL;
	if (q.url[0] && queue_of_url(str_c(q.url), &acct, &name) == 0) {
		snprintf(out->resource, sizeof(out->resource), "arn:aws:sqs:%s:%.*s:%.*s", region,
			 (int)acct.len, acct.p, (int)MIN(name.len, (size_t)QUEUE_NAME_SIZE), name.p);
	} else if (q.name[0]) {
		snprintf(out->resource, sizeof(out->resource), "arn:aws:sqs:%s:%s:%s", region,
			 q.owner[0] ? q.owner : account, q.name);
	}
	return 0;
}

int svc_classify(const struct service *s, const char *region, const char *account,
		 const struct http_request *req, struct svc_call *out, struct err *e)
{
	const struct str *target = http_header_get(req, "X-Amz-Target");
	char op[OPERATION_SIZE] = "";
	struct str name = STR_EMPTY;

	*out = (struct svc_call){ .proto = svc_proto_of(req), .resource = "*" };
	if (out->proto == SVC_PROTO_JSON) {
		struct str t = target ? *target : STR_EMPTY, prefix;

		name = t;
		if (!str_cut(&name, '.', &prefix) || !prefix.len)
			return err_fail(e, "UnknownOperationException",
					"vpce cannot tell the operation: X-Amz-Target is not Prefix.Operation");
		while (str_cut(&name, '.', &prefix))
			;
	} else {
		const struct str *type = http_header_get(req, "Content-Type");
		bool form = type && str_starts_with(*type, str_c("application/x-www-form-urlencoded"));
		int found = str_form_get(req->query, "Action", op, sizeof(op));

		if (found == 0 && form)
			found = str_form_get(req->body, "Action", op, sizeof(op));
		if (found <= 0)
			return err_fail(e, "InvalidAction",
					"vpce cannot tell the action: no Action parameter (only the "
					"AWS Query and JSON protocols are read)");
		name = str_c(op);
	}
	if (!operation_ok(name))
		return err_fail(e, "InvalidAction", "vpce cannot tell the action: '%.*s' is not an "
				"operation name", (int)MIN(name.len, (size_t)OPERATION_SIZE), name.p);
	snprintf(out->action, sizeof(out->action), "%s:%.*s", catalog_iam_prefix(s), (int)name.len,
		 name.p);
	return is_sqs(s) ? sqs_resource(req, out->proto, region, account, out, e) : 0;
}

/* --- errors --- */

static const struct {
	int query_status;
	const char *query_code;
	int json_status;
	const char *json_code;
} fails[] = {
	[SVC_FAIL_DENIED] = { 403, "AccessDenied", 400, "AccessDeniedException" },
	[SVC_FAIL_NO_AUTH] = { 403, "MissingAuthenticationToken", 400,
			       "MissingAuthenticationTokenException" },
	[SVC_FAIL_SIGNATURE] = { 403, "SignatureDoesNotMatch", 400, "InvalidSignatureException" },
	[SVC_FAIL_UNKNOWN_KEY] = { 403, "InvalidClientTokenId", 400, "UnrecognizedClientException" },
	[SVC_FAIL_EXPIRED_TOKEN] = { 403, "ExpiredToken", 400, "ExpiredTokenException" },
	[SVC_FAIL_MALFORMED] = { 400, "IncompleteSignature", 400, "IncompleteSignatureException" },
	[SVC_FAIL_NO_BACKEND] = { 501, "NotImplemented", 501, "NotImplemented" },
	[SVC_FAIL_BACKEND] = { 503, "ServiceUnavailable", 503, "ServiceUnavailableException" },
	[SVC_FAIL_INTERNAL] = { 500, "InternalFailure", 500, "InternalFailure" },
};

void svc_proto_error(struct http_response *resp, const struct service *s, enum svc_proto proto,
		     enum svc_fail f, int status, const char *message, const char *request_id)
{
	bool json = proto == SVC_PROTO_JSON;
	int st = status ? status : json ? fails[f].json_status : fails[f].query_status;
	const char *code = json ? fails[f].json_code : fails[f].query_code;

	resp->status = st;
	buf_reset(&resp->body);
	http_response_header(resp, "x-amzn-RequestId", "%s", request_id);
	if (json) {
		resp->content_type = "application/x-amz-json-1.0";
		if (is_sqs(s))
			http_response_header(resp, "x-amzn-query-error", "%s;%s", fails[f].query_code,
					     st >= 500 ? "Receiver" : "Sender");
		buf_addf(&resp->body, "{\"__type\":\"%s\",\"message\":", code);
		buf_addjson(&resp->body, message);
		buf_addc(&resp->body, '}');
		return;
	}
	resp->content_type = "text/xml";
	buf_adds(&resp->body, "<?xml version=\"1.0\"?>\n<ErrorResponse><Error>");
	xml_text(&resp->body, "Type", st >= 500 ? "Receiver" : "Sender");
	xml_text(&resp->body, "Code", code);
	xml_text(&resp->body, "Message", message);
	buf_adds(&resp->body, "</Error>");
	xml_text(&resp->body, "RequestId", request_id);
	buf_adds(&resp->body, "</ErrorResponse>");
}

void svc_action_words(const struct service *s, const char *action, char *out, size_t size)
{
	size_t i;

	str_lcpy(out, action, size);
	if (!is_sqs(s))
		return;
	for (i = 0; out[i]; i++)
		out[i] = str_ascii_lower(out[i]);
}
