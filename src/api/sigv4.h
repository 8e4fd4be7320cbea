/* SPDX-License-Identifier: MIT */
/*
 * AWS Signature Version 4 verification, as EC2 does it: the Authorization
 * header form and the presigned (X-Amz-* query) form. Pure: the caller passes
 * the time and a secret-key lookup, and every view in and out borrows from the
 * request. Errors carry EC2's error codes; sigv4_http_status() maps them.
 */
#ifndef API_SIGV4_H
#define API_SIGV4_H

#include "compat.h"
#include "limits.h"
#include "base/err.h"
#include "base/str.h"

/*
 * One HTTP header field as received: 'name' as sent (any case), 'value'
 * without the surrounding white space. Shared with the HTTP server; whoever
 * defines it first defines the guard.
 */
#ifndef IO_HTTP_HEADER_DEFINED
#define IO_HTTP_HEADER_DEFINED
struct http_header {
	struct str name, value;
};
#endif

/*
 * The last signing key derived, so that a client's requests of one day,
 * region and service do not each repeat the four-step HMAC chain. Owned by
 * the caller; zero it before first use.
 */
struct sigv4_key_cache {
	char secret[LIMIT_SIGV4_SECRET_BYTES];
	char scope[128];		/* "20261126/us-east-1/ec2"; "" when empty */
	unsigned char key[32];
};

/* A view of one HTTP request; everything is borrowed. */
struct sigv4_req {
	struct str method;		/* "POST", compared as sent */
	struct str path;		/* raw, still %-encoded, before '?' */
	struct str query;		/* raw, after '?'; may be empty */
	const struct http_header *headers;
	size_t n_headers;		/* at most LIMIT_HTTP_HEADERS */
	struct str body;		/* for the payload hash */
	struct sigv4_key_cache *cache;	/* may be NULL */
	/*
	 * S3's rules: the path is signed as sent (no normalization, no
	 * second encoding), and X-Amz-Content-Sha256 may declare the body
	 * unsigned (UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER) or
	 * signed chunk by chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]:
	 * sigv4_chunk_verify()).
	 */
	bool s3;
};

/*
 * A parsed Authorization header (or the same fields taken from a presigned
 * query). The views borrow from the parsed text.
 */
struct sigv4_auth {
	struct str access_key;
	struct str date;		/* YYYYMMDD from the credential scope */
	struct str region, service;
	struct str signature;		/* 64 hex digits */
	struct str signed_headers[LIMIT_SIGV4_SIGNED_HEADERS]; /* lowercase, sorted */
	size_t n_signed_headers;	/* at least 1 */
};

/*
 * Parses an Authorization header value of the form
 * 'AWS4-HMAC-SHA256 Credential=AK/20261126/us-east-1/ec2/aws4_request,
 * SignedHeaders=a;b, Signature=<64 hex>' into 'out'. Components may be
 * separated by commas and white space in any mix; unknown components are
 * ignored. SignedHeaders must be lowercase, strictly sorted, and at most
 * LIMIT_SIGV4_SIGNED_HEADERS names. Returns 0, or -EBADMSG on anything
 * malformed (then 'out' holds nothing useful). 'out' borrows from 'value'.
 */
int sigv4_parse_authorization(struct str value, struct sigv4_auth *out);

/*
 * Parses all of 's' as an ISO 8601 basic UTC time, 'YYYYMMDDTHHMMSSZ', into
 * Unix seconds. Returns 0, or -EINVAL if it is not exactly that form or names
 * no real calendar time.
 */
int sigv4_parse_date(struct str s, int64_t *out);

/*
 * Returns the secret access key for 'access_key', or NULL if the key is
 * unknown. The string must stay valid until sigv4_verify() returns.
 */
typedef const char *sigv4_secret_fn(void *arg, struct str access_key);

struct sigv4_result {
	char access_key[128 + 1];	/* who signed; AWS: at most 128 characters */
	char region[32];		/* from the credential scope; unchecked */
	char service[32];		/* from the credential scope; unchecked */
	bool presigned;			/* signed in the query, not a header */
	/* X-Amz-Security-Token, the header's or the query's; "" when absent */
	char token[LIMIT_SIGV4_PARAM_BYTES + 1];
	/* For the signatures of an aws-chunked body, which chain from this one: */
	char signature[65];		/* the request's, lowercase hex */
	char amz_date[17];		/* X-Amz-Date */
	char scope[96];			/* "20261126/us-east-1/s3/aws4_request" */
	unsigned char key[32];		/* the signing key: secret; cleanse after use */
};

/*
 * Verifies the SigV4 signature of 'req' at time 'now' (Unix seconds). Once the
 * request is well formed and in time, calls 'lookup' (with 'arg') once for the
 * signer's secret. On success fills 'out' and returns 0. On failure fills 'e'
 * with EC2's error code and message and returns negative; 'out' is then
 * untouched. The header form needs X-Amz-Date (a bare Date header is not
 * accepted) and both forms must sign 'host'. Codes, as EC2 returns them:
 *   MissingParameter     no Authorization header and no presigned query
 *   IncompleteSignature  malformed Authorization or X-Amz-* parameters, a
 *                        missing X-Amz-Date, 'host' not signed, both forms
 *   MalformedQueryString a bad %-escape, or more than LIMIT_QUERY_PARAMS
 *   RequestExpired       X-Amz-Date more than LIMIT_SIGV4_SKEW_SECONDS from
 *                        'now', or a presigned URL past its X-Amz-Expires
 *   AuthFailure          unknown key, wrong signature, wrong scope date, a
 *                        signed header absent, X-Amz-Content-Sha256 mismatch
 * The region and service are returned, not checked: the caller decides
 * which it serves. Temporary credentials (X-Amz-Security-Token) are signed
 * like any other header or parameter and returned in 'out', not validated.
 */
int sigv4_verify(const struct sigv4_req *req, int64_t now, sigv4_secret_fn *lookup,
		 void *arg, struct sigv4_result *out, struct err *e);

/*
 * Writes into 'dst' (of 'size' bytes) the service that the credential scope
 * of 'req' names, from its Authorization header or its X-Amz-Credential
 * parameter; "" when it has neither or they cannot be read. Verifies
 * nothing: it tells which service's rules a request is to be answered by.
 */
void sigv4_scope_service(const struct sigv4_req *req, char *dst, size_t size);

/*
 * Checks the signature 'sig' (64 hex digits) of one chunk ('data' its
 * payload, empty for the last) or, when 'trailer', of the trailing headers
 * ('data': "name:value\n" each) of an aws-chunked body signed by 'r'.
 * 'prev' holds the signature it chains from (the request's for the first)
 * and becomes 'sig' when it holds. Returns 0, or -EBADMSG.
 */
int sigv4_chunk_verify(const struct sigv4_result *r, char prev[static 65], bool trailer,
		       struct str data, struct str sig);

/*
 * Returns the HTTP status EC2 sends with the error 'code' that sigv4_verify()
 * produced: 401 for AuthFailure, 400 for the others (and for any code this
 * module does not produce).
 */
int sigv4_http_status(const char *code);

#endif
