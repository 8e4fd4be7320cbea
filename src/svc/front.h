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
 * Services without a built-in engine answer as the region's responder does
 * (svc/responder.h).
 */
#ifndef SVC_FRONT_H
#define SVC_FRONT_H

#include "compat.h"
#include "base/hmap.h"
#include "base/kv.h"
#include "core/model.h"
#include "io/http.h"
#include "policy/policy.h"
#include "svc/origin.h"
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
	struct responder responder;	/* for services without a front */
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
