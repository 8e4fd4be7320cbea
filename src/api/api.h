/* SPDX-License-Identifier: MIT */
/*
 * The EC2 Query API over the world and the store: authenticates a request,
 * decodes it, runs its action, commits what the action changed, and writes
 * EC2's XML answer. Handlers live in one file per resource family and are
 * listed in one table (api/actions.c).
 */
#ifndef API_API_H
#define API_API_H

#include "compat.h"
#include "api/query.h"
#include "api/rcache.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "core/iam.h"
#include "core/model.h"
#include "core/ops.h"
#include "io/http.h"
#include "store/store.h"

struct api_config {
	const struct region *region;
	struct iam_dir dir;		/* the identities file's keys and accounts; borrowed */
};

/* The services answered at one listener, told apart by the credential scope. */
enum api_svc {
	API_EC2,
	API_IAM,
	API_STS,
};

struct api;

/*
 * Serves 'w' (loaded from 'st') under 'cfg'; all three are borrowed and
 * must outlive the api. 'seed' starts its ID generator.
 */
struct api *api_new(struct world *w, struct store *st, const struct api_config *cfg,
		    uint64_t seed);
void api_free(struct api *a);
/*
 * Makes 'srv' hold the answers to writes until api_batch_end() has committed
 * them: one fsync for every write a batch of events brought (group commit).
 * Without a server, each write commits before its answer is made.
 */
void api_set_server(struct api *a, struct http_server *srv);
/*
 * Removes what AWS stops showing an hour after it ended (world_sweep()) and
 * commits that; for the daemon's tick.
 */
void api_sweep(struct api *a);
/* Commits the writes of the batch just handled; for loop_set_batch_end(). */
void api_batch_end(void *arg);
/* The http_handler_fn for the server: 'arg' is the struct api. */
void api_serve(void *arg, const struct http_request *req, struct http_response *resp);
/*
 * Checks the SigV4 signature of 'req' as every EC2 request is checked (the
 * keys of the identities file and of IAM, the clock, the service "ec2" and
 * the daemon's region). Returns 0 and fills 'account' with the caller's, or
 * -EINVAL with 'e' holding EC2's error.
 */
int api_authenticate(struct api *a, const struct http_request *req,
		     char account[static ACCOUNT_SIZE], struct err *e);

/* One request on its way through a handler. */
struct call {
	struct api *api;
	struct world *w;
	struct query q;
	struct arena *arena;
	struct ctx cx;
	struct buf *out;		/* the response body */
	const char *action;
	char request_id[40];
	struct err err;
	/* A create action with a ClientToken sets this to what it made. */
	char token_resource_id[ID_SIZE];
	/* Set when the token was seen before: render this, make nothing. */
	const char *replay_id;
	struct rcache *rcache;		/* rendered items of earlier requests */
	uint64_t gen;			/* changes whenever the world does */
	enum api_svc svc;		/* which service's rules and documents */
	struct iam_caller caller;	/* who signed; cx.account is its account */
	const struct iam_dir *dir;	/* the daemon's accounts and file keys */
};

typedef int api_action_fn(struct call *c);

struct api_action {
	const char *name;
	api_action_fn *fn;
	bool mutating;		/* needs a commit; DryRun-checked */
	bool idempotent;	/* honours ClientToken */
};

/* The EC2 action called 'name', or NULL. */
const struct api_action *api_action_find(const char *name);
/* The IAM action called 'name' (api/iam_api.c), or NULL. */
const struct api_action *api_iam_action_find(const char *name);
/* The STS action called 'name' (api/sts_api.c), or NULL. */
const struct api_action *api_sts_action_find(const char *name);

/* --- helpers for handlers (api/params.c) --- */
/* The value of 'key' as a C string in the arena, or NULL when absent. */
const char *param(struct call *c, const char *key);
/* Like param(), but fails with MissingParameter when absent. */
int param_required(struct call *c, const char *key, const char *aws_name, const char **out);
/* The members of list 'prefix' ("SubnetId") as C strings in the arena. */
int param_list(struct call *c, const char *prefix, const char ***out, size_t *n);
/* Applies the TagSpecification.N of 'resource_type' to 'r'. */
int param_tag_specs_check(struct call *c, const char *resource_type);
void param_tag_specs_apply(struct call *c, const char *resource_type, struct res *r);

/* Fails with the NotFound error EC2 gives for a missing 'id' of 'kind'. */
int fail_not_found(struct call *c, enum res_kind kind, const char *id);

/*
 * Starts the response document of the current action: EC2's, or for IAM and
 * STS the Query protocol's root element. resp_end() closes it (for IAM and
 * STS after their ResponseMetadata).
 */
void resp_begin(struct call *c);
void resp_end(struct call *c);
/* The whole answer of actions that answer only <return>true</return>. */
void resp_return_true(struct call *c);

/* --- describe support (api/describe.c) --- */
/* The values a filter 'name' sees on 'r'; appends to 'vals'. -1: unknown filter. */
struct filter_vals {
	const char *v[256];	/* borrowed, or in 'scratch' */
	size_t n;
	char scratch[16][128];
	size_t n_scratch;
};

/* Empties 'vals' without clearing its arrays. */
static inline void filter_vals_reset(struct filter_vals *vals)
{
	vals->n = 0;
	vals->n_scratch = 0;
}
typedef int filter_fn(const struct call *c, const struct res *r, const char *name,
		      struct filter_vals *vals);
typedef void render_fn(struct call *c, const struct res *r);

struct describe {
	enum res_kind kind;
	const char *id_list;		/* "VpcId" */
	const char *set_tag;		/* "vpcSet" */
	const char *not_found;		/* "InvalidVpcID.NotFound" */
	const char *not_found_fmt;	/* "The vpc ID '%s' does not exist" */
	filter_fn *filter;
	render_fn *render;
	bool paginated;
	/*
	 * Until when what 'render' writes for 'r' cannot change by time alone
	 * (INT64_MAX: only a write changes it), so it may be cached; NULL for
	 * kinds whose rendering is not cached.
	 */
	int64_t (*stable_until)(const struct call *c, const struct res *r);
};
/*
 * True when 'value' matches the EC2 filter value 'pattern': '*' is any run,
 * '?' one character, a backslash escapes either; nothing else is special.
 */
bool filter_value_matches(const char *pattern, const char *value);
/* True when some value of 'f' matches some value in 'vals'. */
bool filter_vals_match(const struct query_filter *f, const struct filter_vals *vals);
/* Fails with InvalidParameterValue unless every filter of 'f' is in 'names'. */
int filter_names_check(struct call *c, const struct query_filter *f, size_t n,
		       const char *const *names, size_t n_names);
/*
 * True when each of the 'n' filters matches the value of its field, for
 * objects with fixed fields: 'values[k]' is the value of filter 'names[k]'.
 */
bool filter_fields_match(const struct query_filter *f, size_t n, const char *const *names,
			 const char *const *values, size_t n_fields);
/* Runs a DescribeX of 'd': ID list, filters, tags, pagination, rendering. */
int describe_run(struct call *c, const struct describe *d);
/* Adds a formatted value to 'vals' (for filters over numbers, CIDRs…). */
void filter_val_fmt(struct filter_vals *vals, const char *fmt, ...) ATTR_PRINTF(2, 3);
/* The tag filters every kind has: tag:K, tag-key, tag-value. */
int filter_tags(const struct res *r, const char *name, struct filter_vals *vals);
/* <tagSet> of 'r' (nothing when it has no tags, as EC2 does for most kinds). */
void render_tags(struct call *c, const struct res *r);
/* <tagSet> of 'r', empty when it has no tags (internet gateways show "Tags": []). */
void render_tag_set(struct call *c, const struct res *r);
/* ISO 8601 with milliseconds, as EC2 writes timestamps. */
void fmt_time(int64_t ms, char dst[static 32]);
/* ISO 8601 to the second ("2026-01-02T03:04:05Z"), as IAM and STS write them. */
void fmt_time_s(int64_t ms, char dst[static 32]);

#endif
