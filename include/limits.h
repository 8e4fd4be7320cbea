/* SPDX-License-Identifier: MIT */
/*
 * Every limit on what a client, a peer or a file can make vpce hold or do.
 * Parsers check these before they allocate; nothing else defines a bound.
 */
#ifndef VPCE_LIMITS_H
#define VPCE_LIMITS_H

/* HTTP */
#define LIMIT_HTTP_HEADER_BYTES (16 * 1024)	/* request line plus headers */
#define LIMIT_HTTP_HEADERS 64			/* header fields per request */
#define LIMIT_HTTP_BODY_BYTES (1024 * 1024)	/* one request body */
#define LIMIT_HTTP_CONNS 1024			/* open client connections */
#define LIMIT_HTTP_IDLE_MS 60000		/* close after this much silence */
#define LIMIT_HTTP_RESPONSE_BYTES (64 * 1024 * 1024) /* one response */
#define LIMIT_HTTP_DEFERRED 256			/* answers one server defers at once */
/* A deferred answer waits this long for its answer, then gets 504: past the forwarder's own. */
#define LIMIT_HTTP_DEFER_MS (LIMIT_PROXY_EXCHANGE_MS + 5000)

/*
 * The forwarder (proxy/forward.h). An exchange outlives SQS's longest poll
 * (ReceiveMessage waits 20 s at most); idle connections are dropped before
 * the usual backends' keep-alive ends (Node and Hypercorn: 5 s).
 */
#define LIMIT_PROXY_EXCHANGES 256		/* requests forwarded at once */
#define LIMIT_PROXY_EXCHANGE_MS 30000		/* from the request to the last byte of the answer */
#define LIMIT_PROXY_CONNECT_MS 5000		/* from connect() to the connection */
#define LIMIT_PROXY_IDLE_MS 4000		/* a kept-alive connection unused */
#define LIMIT_PROXY_IDLE_CONNS 64		/* kept-alive connections, all backends */
#define LIMIT_PROXY_IDLE_PER_BACKEND 16		/* kept-alive connections to one backend */

/* TLS (io/tls.h) */
#define LIMIT_TLS_HANDSHAKE_MS 10000		/* from accept to a finished handshake */
#define LIMIT_TLS_CERT_CACHE 1024		/* minted certificates kept, by name */
#define LIMIT_TLS_SESSION_CACHE 20480		/* sessions kept for clients without tickets */
#define LIMIT_TLS_PEM_BYTES (64 * 1024)		/* the CA's certificate or key file */
#define LIMIT_TLS_BUNDLE_BYTES (8 * 1024 * 1024) /* the system's CA bundle */

/* AWS Query protocol */
#define LIMIT_QUERY_PARAMS 1000		/* key=value pairs per request */
#define LIMIT_QUERY_KEY_BYTES 256		/* one decoded key */
#define LIMIT_QUERY_LIST 1000			/* members of one list (X.N) */
#define LIMIT_QUERY_FILTERS 50			/* Filter.N */
#define LIMIT_QUERY_FILTER_VALUES 200		/* Filter.N.Value.M, in one call */
#define LIMIT_QUERY_FILTER_VALUE_CHARS 255	/* one filter value (AWS) */
#define LIMIT_QUERY_TAGS 50			/* tags per resource (AWS: 50) */
#define LIMIT_TAG_KEY_CHARS 128
#define LIMIT_TAG_VALUE_CHARS 256
#define LIMIT_CLIENT_TOKEN_CHARS 64		/* AWS: 64 ASCII characters */
#define LIMIT_NAME_CHARS 255			/* group names, descriptions */

/* Rendered describe items kept between requests (api/rcache.h). */
#define LIMIT_RENDER_CACHE_BYTES (8 * 1024 * 1024)

/* Per-request memory */
#define LIMIT_REQUEST_ARENA_BYTES (8 * 1024 * 1024)

/* SigV4 */
#define LIMIT_SIGV4_SIGNED_HEADERS 32
#define LIMIT_SIGV4_SKEW_SECONDS 300		/* AWS: 5 minutes */
#define LIMIT_SIGV4_EXPIRES_SECONDS 604800	/* AWS: presigned URLs live 7 days */
#define LIMIT_SIGV4_PARAM_BYTES 1024		/* one decoded X-Amz-* parameter */
#define LIMIT_SIGV4_SECRET_BYTES 256		/* "AWS4" plus the secret key */
/* The canonical request: method, path, query, signed headers, hash. */
#define LIMIT_SIGV4_CANONICAL_BYTES (4 * LIMIT_HTTP_HEADER_BYTES + 1024)

/* Policy documents */
#define LIMIT_ENDPOINT_POLICY_CHARS 20480	/* AWS: 20,480 characters */
#define LIMIT_POLICY_DOC_BYTES (1 << 20)	/* any policy document read */
/* Memory a compiled policy may use: generous, and bounded by its size. */
#define LIMIT_POLICY_COMPILED_BYTES(doc_len) (64 * (size_t)(doc_len) + 65536)
/* A decision's scratch arena: expanded variables and the matched list. */
#define LIMIT_POLICY_SCRATCH_BYTES (256 * 1024)
/* A decision keeps this many context keys and action bytes on the stack. */
#define LIMIT_POLICY_STACK_KEYS 32
#define LIMIT_POLICY_STACK_ACTION 128
/* `vpce policy eval`: one input object (a --jsonl line) and its parts. */
#define LIMIT_POLICY_INPUT_BYTES (8 << 20)
#define LIMIT_POLICY_CONTEXT_KEYS 1024

/* Model */
#define LIMIT_RESOURCES 1000000		/* objects in one state file */
#define LIMIT_RULES_PER_GROUP 120		/* security group rules each way */
#define LIMIT_ROUTES_PER_TABLE 1000
#define LIMIT_SUBNETS_PER_ENDPOINT 16
#define LIMIT_GROUPS_PER_ENI 16
#define LIMIT_DESCRIBE_PAGE 1000		/* MaxResults upper bound */
/*
 * Associations of one route table: one per subnet plus the main one. AWS
 * allows 200 subnets per VPC by default; this allows fifty times that.
 */
#define LIMIT_ASSOCS_PER_TABLE 10000
#define LIMIT_RTBS_PER_ENDPOINT 10000		/* route tables of a gateway endpoint */

/*
 * The longest stored resource document read back. The biggest valid one is a
 * route table at its bounds: 1,000 routes and LIMIT_ASSOCS_PER_TABLE
 * associations whose IDs are all control characters (six bytes each once
 * escaped) come to about 5.7 MB. The cap keeps a damaged row from making
 * jansson build an arbitrarily large tree.
 */
#define LIMIT_STORE_DOC_BYTES (8 * 1024 * 1024)

/* IAM and STS (AWS's quotas, IAM User Guide "IAM and AWS STS quotas") */
#define LIMIT_IAM_NAME_CHARS 64			/* user and role names */
#define LIMIT_IAM_POLICY_NAME_CHARS 128		/* inline and managed policy names */
#define LIMIT_IAM_PATH_CHARS 512
#define LIMIT_IAM_DESCRIPTION_CHARS 1000	/* role and policy descriptions */
#define LIMIT_IAM_DOC_CHARS 131072		/* one policy document as the API takes it */
#define LIMIT_IAM_USER_INLINE_CHARS 2048	/* a user's inline policies, no white space */
#define LIMIT_IAM_ROLE_INLINE_CHARS 10240	/* a role's inline policies, no white space */
#define LIMIT_IAM_MANAGED_CHARS 6144		/* a managed policy, no white space */
#define LIMIT_IAM_TRUST_CHARS 2048		/* a role trust policy, no white space */
#define LIMIT_IAM_INLINE_POLICIES 256		/* inline policies of one user or role */
#define LIMIT_IAM_INLINE_BYTES (512 * 1024)	/* their documents, white space and all */
#define LIMIT_IAM_ATTACHED_POLICIES 10		/* managed policies attached to one */
#define LIMIT_IAM_KEYS_PER_USER 2
#define LIMIT_IAM_USERS 5000			/* per account */
#define LIMIT_IAM_ROLES 1000			/* per account */
#define LIMIT_IAM_MANAGED_POLICIES 1500		/* customer managed, per account */
#define LIMIT_IAM_LIST_ITEMS 1000		/* MaxItems upper bound */
#define LIMIT_STS_SESSIONS 100000		/* live sessions, all accounts */
#define LIMIT_STS_SESSION_NAME_CHARS 64
#define LIMIT_STS_EXTERNAL_ID_CHARS 1224

/* Identities file */
#define LIMIT_IDENTITIES 10000
#define LIMIT_CONFIG_BYTES (1024 * 1024)

/* Exported accounts (reach/awsjson.c) */
#define LIMIT_IMPORT_NOTES_BYTES (256 * 1024)	/* what an import reports it skipped */

/* The VPC resolver (dns/server.c) */
#define LIMIT_DNS_TCP_CONNS 256			/* open TCP connections, all VPCs */
#define LIMIT_DNS_TCP_IDLE_MS 10000		/* close a TCP connection this idle */
#define LIMIT_DNS_UDP_BURST 64			/* datagrams or accepts per wakeup */

/* The built-in S3 (svc/s3.h) */
#define LIMIT_S3_KEY_BYTES 1024			/* AWS: an object key, UTF-8 bytes */
#define LIMIT_S3_OBJECT_BYTES (16 * 1024 * 1024) /* one PutObject's bytes, one part's */
/*
 * An object assembled by CompleteMultipartUpload, and all the parts of one
 * upload together. A GET answers it whole: it must fit one response.
 */
#define LIMIT_S3_MULTIPART_OBJECT_BYTES (64 * 1024 * 1024)
#define LIMIT_S3_PARTS 10000			/* AWS: part numbers 1 to 10,000 */
#define LIMIT_S3_PART_MIN_BYTES (5 * 1024 * 1024) /* AWS: every part but the last */
#define LIMIT_S3_UPLOADS 1000			/* multipart uploads in progress, per bucket */
#define LIMIT_S3_LIST_KEYS 1000			/* AWS: max-keys (and max-buckets) at most */
#define LIMIT_S3_TOKEN_BYTES 1400		/* a continuation token: base64 of a key */
#define LIMIT_S3_XML_BYTES (2 * 1024 * 1024)	/* a request document (Delete, ...) */
#define LIMIT_S3_XML_DEPTH 8			/* its elements' nesting */
/* Its elements: a CompleteMultipartUpload of every part, each with its checksum. */
#define LIMIT_S3_XML_ELEMENTS (4 * LIMIT_S3_PARTS + 16)
#define LIMIT_S3_DELETE_KEYS 1000		/* AWS: keys of one DeleteObjects */
#define LIMIT_S3_META_BYTES 2048		/* AWS: user metadata, names and values */
#define LIMIT_S3_BUCKETS 10000			/* AWS: general purpose buckets per account */
#define LIMIT_S3_POLICY_BYTES 20480		/* AWS: a bucket policy */
#define LIMIT_S3_CHUNKS 65536			/* chunks of one aws-chunked body */
/* A stored object's description: its headers, and its parts' sizes (run-length, 16 bytes a run at most). */
#define LIMIT_S3_RECORD_BYTES (8192 + 16 * LIMIT_S3_PARTS)

/* The services' read cache (base/kv_cache.h) */
#define LIMIT_KV_CACHE_KEYS 4096		/* entries kept; all dropped past it */
#define LIMIT_KV_CACHE_BYTES (4 * 1024 * 1024)	/* their spaces, keys and values */
#define LIMIT_KV_CACHE_NAME 256			/* a space and key; longer ones are not kept */

/* The region's fronts (svc/front.h) */
#define LIMIT_FRONT_POLICIES 4096		/* compiled policies kept; all dropped past it */
#define LIMIT_SVC_BACKENDS 64			/* --service-backend flags */
/* A request body: an object and its aws-chunked framing (a signature per 8 KiB at worst). */
#define LIMIT_FRONT_BODY_BYTES (LIMIT_S3_OBJECT_BYTES + LIMIT_S3_OBJECT_BYTES / 64 + 65536)
/* The built-in DynamoDB (svc/ddb*.c); DynamoDB's own limits where it has them. */
#define LIMIT_DDB_BODY_BYTES LIMIT_HTTP_BODY_BYTES	/* one request (AWS: 16 MB) */
#define LIMIT_DDB_ITEM_BYTES 409600		/* AWS: 400 KB, DynamoDB's own measure */
#define LIMIT_DDB_DEPTH 32			/* AWS: nested attribute levels */
#define LIMIT_DDB_EXPR_BYTES 4096		/* AWS: one expression */
#define LIMIT_DDB_EXPR_ARENA_BYTES (4 * 1024 * 1024) /* parsed expressions of one request */
#define LIMIT_DDB_EXPR_NESTING 64		/* parentheses and NOTs inside each other */
#define LIMIT_DDB_IN_OPERANDS 100		/* AWS: values in one IN list */
#define LIMIT_DDB_HASH_KEY_BYTES 2048		/* AWS: partition key value */
#define LIMIT_DDB_RANGE_KEY_BYTES 1024		/* AWS: sort key value */
#define LIMIT_DDB_NUMBER_DIGITS 38		/* AWS: significant digits of a number */
#define LIMIT_DDB_NUMBER_EXP_MAX 125		/* AWS: largest magnitude 9.99...E+125 */
#define LIMIT_DDB_NUMBER_EXP_MIN (-130)		/* AWS: smallest magnitude 1E-130 */
#define LIMIT_DDB_PAGE_BYTES (1024 * 1024)	/* AWS: data one Query or Scan reads */
#define LIMIT_DDB_LIST_TABLES 100		/* AWS: ListTables' Limit */
#define LIMIT_DDB_TABLES 2500			/* AWS: tables per account and region */
#define LIMIT_DDB_SEGMENTS 1000000		/* AWS: TotalSegments of a parallel Scan */
#define LIMIT_DDB_ERROR_BYTES 2048		/* one error message (values are echoed) */
#define LIMIT_DDB_VALIDATION_ERRORS 10		/* AWS: listed in one ValidationException */

#endif
