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

/* Identities file */
#define LIMIT_IDENTITIES 10000
#define LIMIT_CONFIG_BYTES (1024 * 1024)

/* Exported accounts (reach/awsjson.c) */
#define LIMIT_IMPORT_NOTES_BYTES (256 * 1024)	/* what an import reports it skipped */

/* The VPC resolver (dns/server.c) */
#define LIMIT_DNS_TCP_CONNS 256			/* open TCP connections, all VPCs */
#define LIMIT_DNS_TCP_IDLE_MS 10000		/* close a TCP connection this idle */
#define LIMIT_DNS_UDP_BURST 64			/* datagrams or accepts per wakeup */

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
