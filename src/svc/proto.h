/* SPDX-License-Identifier: MIT */
/*
 * Requests to the services that vpce hands to a backend (svc/backend.h),
 * read the way AWS's front ends read them before any policy is asked: which
 * IAM action (from the AWS Query protocol's Action parameter, or the JSON
 * protocols' X-Amz-Target header), on which resource (SQS's queues, from
 * QueueUrl or QueueName; "*" for other services), and the error every
 * failure answers with, in the protocol the request spoke: Query's XML
 * ErrorResponse, or JSON's {"__type", "message"} (for SQS, which answers
 * JSON in Query's terms, with the x-amzn-query-error header that botocore
 * reads the Query code from).
 */
#ifndef SVC_PROTO_H
#define SVC_PROTO_H

#include "compat.h"
#include "base/err.h"
#include "core/catalog.h"
#include "io/http.h"

#define SVC_ACTION_SIZE 96
#define SVC_RESOURCE_SIZE 320

enum svc_proto {
	SVC_PROTO_QUERY,	/* Action=... in a form body or the query string; XML answers */
	SVC_PROTO_JSON,		/* X-Amz-Target: Prefix.Operation; JSON answers */
};

/* The protocol of 'req': JSON when it has X-Amz-Target or a JSON Content-Type. */
enum svc_proto svc_proto_of(const struct http_request *req);

/* What a request asks, in IAM's terms. */
struct svc_call {
	enum svc_proto proto;
	char action[SVC_ACTION_SIZE];		/* "sqs:SendMessage" */
	char resource[SVC_RESOURCE_SIZE];	/* "arn:aws:sqs:us-east-1:111122223333:q", or "*" */
};

/*
 * Classifies 'req' to service 's' of 'region' from a caller of 'account'.
 * Returns 0, or -EINVAL when the action cannot be told (a REST request, no
 * Action, a malformed target or body), with 'e' saying why.
 */
int svc_classify(const struct service *s, const char *region, const char *account,
		 const struct http_request *req, struct svc_call *out, struct err *e);

/* The failures the front answers itself, each in the request's protocol. */
enum svc_fail {
	SVC_FAIL_DENIED,		/* AccessDenied / AccessDeniedException */
	SVC_FAIL_NO_AUTH,		/* MissingAuthenticationToken */
	SVC_FAIL_SIGNATURE,		/* SignatureDoesNotMatch / InvalidSignatureException */
	SVC_FAIL_UNKNOWN_KEY,		/* InvalidClientTokenId / UnrecognizedClientException */
	SVC_FAIL_EXPIRED_TOKEN,		/* ExpiredToken / ExpiredTokenException */
	SVC_FAIL_MALFORMED,		/* IncompleteSignature / IncompleteSignatureException */
	SVC_FAIL_NO_BACKEND,		/* NotImplemented, 501: nothing serves it */
	SVC_FAIL_BACKEND,		/* ServiceUnavailable: the backend failed */
	SVC_FAIL_INTERNAL,		/* InternalFailure */
};

/*
 * Writes into 'resp' the error 'f' for service 's' in protocol 'proto':
 * 'status' (0: the failure's own), AWS's code for it, 'message', and
 * 'request_id' (in the body, and x-amzn-RequestId).
 */
void svc_proto_error(struct http_response *resp, const struct service *s, enum svc_proto proto,
		     enum svc_fail f, int status, const char *message, const char *request_id);

/*
 * The action as the service's denial messages write it: SQS writes its
 * actions in lower case ("sqs:sendmessage"), others as IAM does.
 */
void svc_action_words(const struct service *s, const char *action, char *out, size_t size);

#endif
