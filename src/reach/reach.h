/* SPDX-License-Identifier: MIT */
/*
 * The reachability analyzer: why a request from a source reaches a service
 * or not, hop by hop as AWS carries it (the resolver view, the route table
 * and route by longest prefix match, the security groups, the endpoint's
 * rules, then the endpoint, resource and identity policies), and the design
 * mistakes of a VPC's endpoints (lint.c). It walks the same network plan the
 * data plane applies (core/netplan.h), so the answer is what the packets do.
 * Pure: the world and the documents come in, text and JSON go out.
 */
#ifndef REACH_REACH_H
#define REACH_REACH_H

#include "compat.h"
#include "base/buf.h"
#include "base/err.h"
#include "core/dnsview.h"
#include "core/iam.h"
#include "core/model.h"
#include "policy/policy.h"

#define REACH_MAX_HOPS 24
#define REACH_MAX_CONTEXT 16

/* A policy document the world does not hold: a bucket's, or the caller's identity policy. */
struct reach_doc {
	const char *name;		/* the bucket; a label for identity policies */
	const char *text;
	size_t len;
};

/*
 * The identity policies that iam_principal_policies() found for 'c', as
 * documents for reach_input.identity ('out' holds IAM_CALLER_POLICIES;
 * the texts stay c's). A principal without any gets one that allows
 * nothing. Returns how many.
 */
size_t reach_caller_documents(const struct iam_caller *c, struct reach_doc *out);

struct reach_input {
	const struct world *w;
	const struct region *region;
	const struct reach_doc *buckets;	/* bucket policies, by bucket name */
	size_t n_buckets;
	const struct reach_doc *identity;	/* the principal's identity policies */
	size_t n_identity;
};

struct reach;

/*
 * Compiles the plan of 'in->w' and indexes it for queries. The world and the
 * documents are borrowed for the life of the result. Returns 0, or -EINVAL
 * with 'e' saying which document does not compile, or -ENOMEM.
 */
int reach_new(const struct reach_input *in, struct reach **out, struct err *e);
void reach_free(struct reach *rx);

struct reach_query {
	const char *from;		/* i-…, eni-…, or an IPv4 address */
	const char *to;			/* a DNS name, an address, s3://bucket/key, a table ARN */
	int port;			/* 0: 443 */
	int proto;			/* 6 or 17; 0: 6 */
	const char *principal;		/* with 'action': the request to decide */
	const char *action;
	const char *resource;		/* NULL: derived from 'to', else "*" */
	const struct pol_key *context;	/* added to (and overriding) the derived keys */
	size_t n_context;
};

/* Where a request stops; the JSON names are reach_block_name()'s. */
enum reach_block {
	REACH_NONE,
	REACH_DNS,
	REACH_ROUTE,
	REACH_SG_EGRESS,
	REACH_SG_INGRESS,
	REACH_PROTOCOL,
	REACH_REGION,
	REACH_ENDPOINT_POLICY,
	REACH_RESOURCE_POLICY,
	REACH_IDENTITY_POLICY,
};

/* null, "dns", "route", "security-group-egress", …, "identity-policy". */
const char *reach_block_name(enum reach_block b);

struct reach_hop {
	char component[24];		/* "source", "dns", "route-table", "route", … */
	char id[ID_SIZE];		/* the AWS resource deciding, or "" */
	char detail[448];
	bool blocking;
};

struct reach_result {
	enum reach_block blocked_at;
	char fix[320];			/* the obvious fix when there is one, else "" */
	/* The destination as the client resolves it. */
	char name[DNS_NAME_SIZE];	/* "" when 'to' was an address */
	char view[ID_SIZE + 8];		/* "vpc-…" or "public"; "" without a name */
	enum dns_how how;
	char endpoint[ID_SIZE];		/* the endpoint whose name or zone answered, or "" */
	uint32_t addrs[DNSVIEW_MAX_ADDRS];
	size_t n_addrs;
	uint32_t addr;			/* the address the client connects to; 0: none */
	bool resolved;			/* 'addr' is known */
	char resource[512];		/* the resource the policies decided on, or "" */
	/* The context AWS supplies, derived from the path. */
	char ctx_key[REACH_MAX_CONTEXT][64];
	char ctx_value[REACH_MAX_CONTEXT][128];
	size_t n_ctx;
	struct reach_hop hops[REACH_MAX_HOPS];
	size_t n_hops;
};

/*
 * Walks the path of 'q' and fills 'out'. Returns 0 when the question was
 * answered (whatever the verdict); -EINVAL with 'e' saying what is wrong with
 * 'q' (an unknown source, an unreadable destination).
 */
int reach_explain(struct reach *rx, const struct reach_query *q, struct reach_result *out,
		  struct err *e);

/* Appends the result as one JSON object (the stable fields of docs/reach.md). */
void reach_result_json(const struct reach_result *res, struct buf *out);
/* Appends the result for a person: a line per hop, the blocking hop marked, the fix. */
void reach_result_text(const struct reach_result *res, struct buf *out);

/* --- lint (reach/lint.c) --- */

enum lint_severity { LINT_INFO, LINT_WARNING, LINT_ERROR };

struct lint_finding {
	const char *id;			/* "endpoint-single-az", … (static) */
	enum lint_severity severity;
	char resource[ID_SIZE + 64];	/* the resource to change */
	char message[448];
	const char *behaviour;		/* the AWS behaviour behind it (static) */
};

struct lint_findings {
	struct lint_finding *v;
	size_t n, alloc;
};

/* Appends every finding about the world of 'rx' to 'out', in a stable order. */
void reach_lint(struct reach *rx, struct lint_findings *out);
void lint_findings_release(struct lint_findings *f);
/* "info", "warning", "error". */
const char *lint_severity_name(enum lint_severity s);
void lint_findings_json(const struct lint_findings *f, struct buf *out);
void lint_findings_text(const struct lint_findings *f, struct buf *out);

#endif
