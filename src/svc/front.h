/* SPDX-License-Identifier: MIT */
/*
 * The region's service fronts. Every connection to a catalogue service's
 * address in the region's namespace reaches this one handler, which does
 * what AWS's front ends do before a service runs a request:
 *
 *   1. which service and region: the address the connection came to;
 *   2. where it came from: through which VPC endpoint, from which private
 *      address, or from the public network (svc/origin.h);
 *   3. who signed it (SigV4, checked by the caller's svc_auth_fn);
 *   4. what it asks, in IAM's terms: action, resource ARN, context
 *      (svc/s3.h, svc/ddb.h);
 *   5. the decision: the policy engine over the caller's identity
 *      policies, the bucket policy and the endpoint's policy, with the
 *      context AWS supplies (aws:SourceVpce, aws:SourceVpc,
 *      aws:VpcSourceIp through an endpoint; aws:SourceIp otherwise);
 *   6. then the built-in S3 or DynamoDB, or the service's error, in that
 *      service's own form (S3's XML, DynamoDB's JSON) and words.
 *
 * A service may instead have a backend (svc/backend.h): S3 and DynamoDB
 * then go there after step 5, and every other service, whose requests the
 * front reads in the AWS Query and JSON protocols (svc/proto.h), after steps
 * 1 to 5 with the caller's identity policies and the endpoint's policy. A
 * signed request to a service with neither gets NotImplemented (501); an
 * unsigned one, as from curl, the region's responder (svc/responder.h),
 * which says where it landed and how it was seen.
 */
#ifndef SVC_FRONT_H
#define SVC_FRONT_H

#include "compat.h"
#include "base/hmap.h"
#include "base/kv.h"
#include "core/model.h"
#include "io/http.h"
#include "policy/policy.h"
#include "svc/backend.h"
#include "svc/origin.h"
#include "svc/proto.h"
#include "svc/responder.h"
#include "svc/s3.h"

#define FRONT_HTTPS_PORT 443
#define FRONT_HTTP_PORT 80

enum svc_auth {
	SVC_AUTH_OK,
	SVC_AUTH_ANONYMOUS,		/* not signed at all */
	SVC_AUTH_UNKNOWN_KEY,
	SVC_AUTH_BAD_SIGNATURE,
	SVC_AUTH_SKEWED,		/* X-Amz-Date too far from now */
	SVC_AUTH_EXPIRED,		/* a presigned URL past its time */
	SVC_AUTH_MALFORMED,		/* an Authorization the parser refused */
	SVC_AUTH_BAD_TOKEN,		/* a session token missing, wrong or not wanted */
	SVC_AUTH_EXPIRED_TOKEN,
};

#define SVC_ARN_SIZE 256

/* Who signed a request, as the auth callback found them. */
struct svc_caller {
	char account[ACCOUNT_SIZE];
	char arn[SVC_ARN_SIZE];		/* user, root or assumed-role ARN */
	char user_id[SVC_ARN_SIZE];	/* aws:userid */
	char org_id[40];		/* aws:PrincipalOrgID; "" */
	const char *type;		/* aws:PrincipalType: "Account", "User", "AssumedRole" */
	bool unrestricted;		/* identity policies do not limit it (a root) */
	/* Identity policy documents (JSON), borrowed until the request is answered. */
	const char *const *policies;
	size_t n_policies;
	char region[32], service[32];	/* the signature's scope */
	/* Checks aws-chunked signatures against the request's own (S3 uploads). */
	s3_sig_fn *verify_sig;
	void *verify_sig_arg;
	char detail[256];		/* why, for errors */
};

/*
 * Authenticates 'req' to 'service' ("s3": S3's signing rules; "dynamodb"):
 * fills 'out' for SVC_AUTH_OK; any other answer says why not.
 */
typedef enum svc_auth svc_auth_fn(void *arg, const struct http_request *req, const char *service,
				  struct svc_caller *out);

/* How the front forms its answers: S3's XML, DynamoDB's JSON, or a Query or JSON protocol's. */
enum svc_form {
	SVC_FORM_S3,
	SVC_FORM_DYNAMODB,
	SVC_FORM_PROTO,
};

/* A request the policies allowed, on its way to its backend. */
struct svc_forward {
	const struct svc_backend *backend;
	/* Header lines for the backend ("Name: value\r\n" each): X-Forwarded-For, x-amzn-vpce-id. */
	struct str extra_headers;
	/* What svc_forward_failed() needs to answer in the service's form. */
	const struct service *svc;
	const struct region *region;
	enum svc_form form;
	enum svc_proto proto;
	char request_id[64];
};

/*
 * Sends 'req' as 'fw' says and answers it later with the backend's answer,
 * or with svc_forward_failed() when that does not come (the daemon's
 * forwarder, over proxy/forward.h). 'fw' and 'req' live until it returns.
 */
typedef void svc_forward_fn(void *arg, const struct svc_forward *fw,
			    const struct http_request *req, struct http_response *resp);

/*
 * Writes into 'resp' the answer to a request whose backend failed with
 * 'err' (a negative errno: -ETIMEDOUT gives 504; -EBUSY, too many requests
 * waiting for backends already, 503, S3's SlowDown for S3; anything else
 * 502), in the service's form, naming the backend and why.
 */
void svc_forward_failed(const struct svc_forward *fw, int err, struct http_response *resp);

/* Compiled policies by their text, so that a decision never parses JSON twice. */
struct svc_policy_cache {
	struct hmap by_text;		/* "<type>:<hash>" -> struct cached_policy list */
	size_t n;
};

struct svc_front {
	const struct world *w;		/* borrowed */
	struct kv *kv;			/* the built-in services' data; borrowed */
	svc_auth_fn *auth;
	void *auth_arg;
	svc_origin_fn *origin;		/* NULL: every client is public */
	void *origin_arg;
	struct responder responder;	/* for unsigned requests to services without a backend */
	const struct svc_backends *backends;	/* borrowed; NULL: none */
	svc_forward_fn *forward;	/* how an allowed request reaches its backend */
	void *forward_arg;
	int64_t (*clock_ms)(void);	/* Unix milliseconds */
	struct svc_policy_cache cache;
	uint64_t requests;		/* for request IDs */
	struct policy *allow_all;	/* what an unrestricted caller's identity allows */
};

/* Sets up 'f' (the fields above are the caller's to fill first). 0 or -ENOMEM. */
int svc_front_init(struct svc_front *f);
void svc_front_release(struct svc_front *f);

/* An http_handler_fn: 'arg' is the struct svc_front. */
void svc_front_answer(void *arg, const struct http_request *req, struct http_response *resp);

/*
 * AWS's words for a denial, after "User: ARN is not authorized to perform:
 * ACTION on resource: RESOURCE ": "because no VPC endpoint policy allows
 * the s3:GetObject action", "with an explicit deny in a resource-based
 * policy" and so on, from the engine's result.
 */
void svc_denial_reason(const struct pol_result *r, const char *action, char *out, size_t size);

#endif
