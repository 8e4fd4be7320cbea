/* SPDX-License-Identifier: MIT */
/*
 * vpce explain | lint: the analyzer from the shell, over a vpce state file
 * (the daemon's, by default) or an exported AWS account (--aws-json DIR).
 * Exit status: 0 when the question was answered, whatever the verdict; 2 on
 * bad input; 1 when the state cannot be read.
 */
#include "compat.h"
#include "cli/cli.h"

#include <dirent.h>
#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "limits.h"
#include "reach/awsjson.h"
#include "reach/reach.h"
#include "store/store.h"

#define DEFAULT_STATE "vpce.db"
#define EXPLAIN_USAGE                                                                     \
	"vpce explain [--state FILE | --aws-json DIR] --from SRC --to DST [--port N]\n"  \
	"             [--protocol tcp|udp] [--principal ARN --action ACTION [--resource ARN]\n" \
	"             [--context KEY=VALUE ...]] [--identity-policy FILE ...]\n"         \
	"             [--bucket-policy BUCKET=FILE ...] [--region R] [--output text|json]"
#define LINT_USAGE                                                                        \
	"vpce lint [--state FILE | --aws-json DIR] [--bucket-policy BUCKET=FILE ...]\n"  \
	"          [--region R] [--output text|json]"
#define EXPORT_FILE_MAX (64 << 20)	/* one describe output of a large account */

/* What both commands read: the world, the documents beside it, and where from. */
struct source {
	const char *state, *aws_dir, *region_name;
	bool json;
	struct world w;
	const struct region *region;
	struct aws_import imp;
	struct reach_doc *given[2];	/* --bucket-policy's, --identity-policy's; owned */
	size_t n_given[2];
	struct reach_doc *buckets;	/* the import's, then --bucket-policy's (borrowed) */
	size_t n_buckets;
	/* Without --identity-policy, the principal's own, when the state has it. */
	struct iam_caller principal;
	struct reach_doc identity[IAM_CALLER_POLICIES];
};

static int usage(const char *text)
{
	fprintf(stderr, "usage: %s\n", text);
	return 2;
}

enum { GIVEN_BUCKET, GIVEN_IDENTITY };

static int add_doc(struct source *src, int kind, const char *name, const char *path)
{
	struct reach_doc **v = &src->given[kind];
	size_t *n = &src->n_given[kind];
	struct buf b;
	size_t len;

	if (cli_read_all(path, LIMIT_POLICY_DOC_BYTES, &b) < 0)
		return -1;
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].name = xstrdup(name);
	(*v)[*n].text = buf_detach(&b, &len);
	(*v)[(*n)++].len = len;
	return 0;
}

/* Reads one file of the export, if it is there; missing means none of that kind. */
static int read_export_file(const char *dir, const char *name, struct aws_file **files,
			    size_t *n)
{
	char path[4096];
	struct buf b;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (access(path, F_OK) < 0)
		return 0;
	if (cli_read_all(path, EXPORT_FILE_MAX, &b) < 0)
		return -1;
	*files = xreallocarray(*files, *n + 1, sizeof(**files));
	(*files)[*n].name = xstrdup(name);
	(*files)[*n].text = buf_detach(&b, &len);
	(*files)[(*n)++].len = len;
	return 0;
}

static int read_export_dir(const char *dir, const char *sub, struct aws_file **files, size_t *n)
{
	char path[4096], name[512];
	struct dirent *de;
	DIR *d;
	int ret = 0;

	snprintf(path, sizeof(path), "%s%s%s", dir, sub[0] ? "/" : "", sub);
	d = opendir(path);
	if (!d)
		return sub[0] ? 0 : (fprintf(stderr, "vpce: cannot open '%s': %s\n", dir,
					     strerror(errno)), -1);
	while (ret == 0 && (de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".json"))
			continue;
		snprintf(name, sizeof(name), "%s%s%s", sub, sub[0] ? "/" : "", de->d_name);
		ret = read_export_file(dir, name, files, n);
	}
	closedir(d);
	return ret;
}

static int load_export(struct source *src)
{
	const struct region *given = NULL;
	struct aws_file *files = NULL;
	struct err e = { 0 };
	size_t n = 0;
	int ret;

	if (src->region_name && !(given = region_find(src->region_name))) {
		fprintf(stderr, "vpce: unknown region '%s'\n", src->region_name);
		return 2;
	}
	ret = read_export_dir(src->aws_dir, "", &files, &n);
	if (ret == 0)
		ret = read_export_dir(src->aws_dir, "vpc-attributes", &files, &n);
	if (ret == 0)
		ret = read_export_dir(src->aws_dir, "bucket-policies", &files, &n);
	if (ret == 0 && aws_import(files, n, given, &src->w, &src->imp, &e) < 0) {
		fprintf(stderr, "vpce: %s: %s\n", src->aws_dir, e.msg);
		ret = 2;
	}
	for (size_t i = 0; i < n; i++) {
		free((char *)files[i].name);
		free((char *)files[i].text);
	}
	free(files);
	if (ret)
		return ret < 0 ? 1 : ret;
	src->region = src->imp.region;
	if (src->imp.notes.len && !src->json)
		fprintf(stderr, "%s", src->imp.notes.p);
	return 0;
}

static int load_state(struct source *src)
{
	const char *path = src->state ? src->state :
			   getenv("VPCE_STATE") ? getenv("VPCE_STATE") : DEFAULT_STATE;
	char region[64] = "us-east-1";
	struct store *st;
	struct err e = { 0 };
	int ret;

	if (cli_open_state(path, &st) < 0)
		return 1;
	store_meta_get(st, "region", region, sizeof(region));
	ret = store_load(st, &src->w, &e);
	store_close(st);
	if (ret < 0) {
		fprintf(stderr, "vpce: cannot read '%s': %s\n", path, e.msg);
		return 1;
	}
	src->region = region_find(src->region_name ? src->region_name : region);
	if (!src->region) {
		fprintf(stderr, "vpce: unknown region '%s'\n", src->region_name ? src->region_name : region);
		return 2;
	}
	return 0;
}

/* Loads the world and builds the analyzer over it; 'principal' as the question names it. */
static int open_reach(struct source *src, const char *principal, struct reach **rx)
{
	struct reach_input in = { 0 };
	struct err e = { 0 };
	size_t nb;
	int ret;

	world_init(&src->w);
	ret = src->aws_dir ? load_export(src) : load_state(src);
	if (ret)
		return ret;
	nb = src->imp.n_buckets + src->n_given[GIVEN_BUCKET];
	src->buckets = xcalloc(nb + 1, sizeof(*src->buckets));
	for (size_t i = 0; i < src->imp.n_buckets; i++)
		src->buckets[src->n_buckets++] = src->imp.buckets[i];
	for (size_t i = 0; i < src->n_given[GIVEN_BUCKET]; i++)
		src->buckets[src->n_buckets++] = src->given[GIVEN_BUCKET][i];
	in = (struct reach_input){ .w = &src->w, .region = src->region,
				   .buckets = src->buckets, .n_buckets = src->n_buckets,
				   .identity = src->given[GIVEN_IDENTITY],
				   .n_identity = src->n_given[GIVEN_IDENTITY] };
	if (!in.n_identity && principal &&
	    iam_principal_policies(&src->w, principal, &src->principal) == 0) {
		in.n_identity = reach_caller_documents(&src->principal, src->identity);
		in.identity = src->identity;
	}
	if (reach_new(&in, rx, &e) < 0) {
		fprintf(stderr, "vpce: %s\n", e.msg);
		return 2;
	}
	return 0;
}

/* The daemon of the default state file, by the address and region it recorded there. */
static int daemon_listen(char listen[static 96], char region[static 64])
{
	const char *path = getenv("VPCE_STATE") ? getenv("VPCE_STATE") : DEFAULT_STATE;
	struct store *st;
	struct err e = { 0 };

	listen[0] = '\0';
	str_lcpy(region, "us-east-1", 64);
	if (access(path, R_OK) == 0 && store_open(path, STORE_READER, &st, &e) == 0) {
		store_meta_get(st, "listen", listen, 96);
		store_meta_get(st, "region", region, 64);
		store_close(st);
	}
	if (!listen[0]) {
		fprintf(stderr, "vpce: no vpced state '%s' to ask (start vpced, or give --state FILE or --aws-json DIR)\n",
			path);
		return 1;
	}
	return 0;
}

/* Sends the question to the running daemon and prints its answer. */
static int ask_daemon(const char *path, struct source *src, struct buf *form)
{
	char listen[96], region[64], key[48];
	struct buf body;
	int status = 0, ret;

	if (daemon_listen(listen, region))
		return 1;
	cli_form_add(form, "Output", src->json ? "json" : "text");
	for (size_t i = 0; i < src->n_given[GIVEN_IDENTITY]; i++) {
		snprintf(key, sizeof(key), "IdentityPolicy.%zu", i + 1);
		cli_form_add(form, key, src->given[GIVEN_IDENTITY][i].text);
	}
	for (size_t i = 0; i < src->n_given[GIVEN_BUCKET]; i++) {
		struct buf v;

		buf_init(&v, 2 * LIMIT_POLICY_DOC_BYTES);
		buf_addf(&v, "%s=%s", src->given[GIVEN_BUCKET][i].name,
			 src->given[GIVEN_BUCKET][i].text);
		snprintf(key, sizeof(key), "BucketPolicy.%zu", i + 1);
		cli_form_add(form, key, v.p);
		buf_release(&v);
	}
	ret = cli_post(listen, region, path, form, &status, &body);
	if (ret < 0) {
		fprintf(stderr, "vpce: no answer from vpced at %s: %s (is it running? or give --state FILE)\n",
			listen, strerror(-ret));
		buf_release(&body);
		return 1;
	}
	if (status != 200)
		fprintf(stderr, "vpce: %s", body.p);
	else
		fwrite(body.p, 1, body.len, stdout);
	buf_release(&body);
	return status == 200 ? 0 : status == 400 || status == 403 ? 2 : 1;
}

static void source_release(struct source *src)
{
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < src->n_given[k]; i++) {
			free((char *)src->given[k][i].name);
			free((char *)src->given[k][i].text);
		}
		free(src->given[k]);
	}
	free(src->buckets);
	aws_import_release(&src->imp);
	world_release(&src->w);
}

static int write_out(struct buf *b)
{
	if (b->err) {
		fprintf(stderr, "vpce: the output is larger than %zu bytes\n", b->max);
		return 1;
	}
	fwrite(b->p, 1, b->len, stdout);
	return 0;
}

enum {
	OPT_STATE = 256, OPT_AWS, OPT_FROM, OPT_TO, OPT_PORT, OPT_PROTO, OPT_PRINCIPAL,
	OPT_ACTION, OPT_RESOURCE, OPT_CONTEXT, OPT_IDENTITY, OPT_BUCKET, OPT_REGION, OPT_OUTPUT,
};

static const struct option longopts[] = {
	{ "state", required_argument, NULL, OPT_STATE },
	{ "aws-json", required_argument, NULL, OPT_AWS },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "protocol", required_argument, NULL, OPT_PROTO },
	{ "principal", required_argument, NULL, OPT_PRINCIPAL },
	{ "action", required_argument, NULL, OPT_ACTION },
	{ "resource", required_argument, NULL, OPT_RESOURCE },
	{ "context", required_argument, NULL, OPT_CONTEXT },
	{ "identity-policy", required_argument, NULL, OPT_IDENTITY },
	{ "bucket-policy", required_argument, NULL, OPT_BUCKET },
	{ "region", required_argument, NULL, OPT_REGION },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* What both commands check once the options are read: 0, or 2 after saying why. */
static int check_args(int argc, char **argv, const struct source *src)
{
	if (optind < argc) {
		fprintf(stderr, "vpce: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (src->state && src->aws_dir) {
		fprintf(stderr, "vpce: give --state or --aws-json, not both\n");
		return 2;
	}
	return 0;
}

/* The options both commands take; 0 when 'c' was one of them, 2 on a bad value. */
static int common_opt(struct source *src, int c, const char *usage_text)
{
	char name[256];
	const char *eq;

	switch (c) {
	case OPT_STATE: src->state = optarg; return 0;
	case OPT_AWS: src->aws_dir = optarg; return 0;
	case OPT_REGION: src->region_name = optarg; return 0;
	case OPT_OUTPUT:
		if (strcmp(optarg, "json") && strcmp(optarg, "text")) {
			fprintf(stderr, "vpce: --output must be text or json\n");
			return 2;
		}
		src->json = !strcmp(optarg, "json");
		return 0;
	case OPT_BUCKET:
		eq = strchr(optarg, '=');
		if (!eq || eq == optarg || (size_t)(eq - optarg) >= sizeof(name)) {
			fprintf(stderr, "vpce: --bucket-policy takes BUCKET=FILE\n");
			return 2;
		}
		memcpy(name, optarg, (size_t)(eq - optarg));
		name[eq - optarg] = '\0';
		return add_doc(src, GIVEN_BUCKET, name, eq + 1) < 0 ? 2 : 0;
	default:
		return usage(usage_text);
	}
}

int cmd_explain(int argc, char **argv)
{
	struct source src = { 0 };
	struct reach_query q = { 0 };
	struct pol_key ctx[64];
	const char *ctx_vals[64];
	char ctx_names[64][128];
	const char *ctx_raw[64];
	struct reach_result res;
	struct reach *rx = NULL;
	struct err e = { 0 };
	struct buf out;
	uint64_t port;
	int c, ret = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FROM: q.from = optarg; break;
		case OPT_TO: q.to = optarg; break;
		case OPT_PORT:
			if (str_to_u64(str_c(optarg), 65535, &port) < 0 || port == 0) {
				fprintf(stderr, "vpce: --port '%s' is not a port (1-65535)\n", optarg);
				ret = 2;
			}
			q.port = (int)port;
			break;
		case OPT_PROTO:
			q.proto = !strcmp(optarg, "tcp") ? 6 : !strcmp(optarg, "udp") ? 17 : -1;
			if (q.proto < 0) {
				fprintf(stderr, "vpce: --protocol must be tcp or udp\n");
				ret = 2;
			}
			break;
		case OPT_PRINCIPAL: q.principal = optarg; break;
		case OPT_ACTION: q.action = optarg; break;
		case OPT_RESOURCE: q.resource = optarg; break;
		case OPT_CONTEXT: {
			const char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg || (size_t)(eq - optarg) >= sizeof(ctx_names[0]) ||
			    q.n_context == ARRAY_SIZE(ctx)) {
				fprintf(stderr, "vpce: --context takes KEY=VALUE (at most %zu)\n",
					ARRAY_SIZE(ctx));
				ret = 2;
				break;
			}
			memcpy(ctx_names[q.n_context], optarg, (size_t)(eq - optarg));
			ctx_names[q.n_context][eq - optarg] = '\0';
			ctx_vals[q.n_context] = eq + 1;
			ctx_raw[q.n_context] = optarg;
			ctx[q.n_context] = (struct pol_key){ .name = ctx_names[q.n_context],
							     .values = &ctx_vals[q.n_context], .n = 1 };
			q.n_context++;
			break;
		}
		case OPT_IDENTITY:
			if (add_doc(&src, GIVEN_IDENTITY, optarg, optarg) < 0)
				ret = 2;
			break;
		case 'h':
			printf("usage: %s\n", EXPLAIN_USAGE);
			source_release(&src);
			return 0;
		default:
			if (!ret)
				ret = common_opt(&src, c, EXPLAIN_USAGE);
		}
	}
	q.context = ctx;
	if (!ret)
		ret = check_args(argc, argv, &src);
	if (!ret && (!q.from || !q.to)) {
		fprintf(stderr, "vpce: explain needs --from and --to\nusage: %s\n", EXPLAIN_USAGE);
		ret = 2;
	}
	if (!ret && !src.state && !src.aws_dir) {
		struct buf form;
		char num[32], key[32];

		buf_init(&form, 8 * LIMIT_POLICY_DOC_BYTES);
		cli_form_add(&form, "From", q.from);
		cli_form_add(&form, "To", q.to);
		snprintf(num, sizeof(num), "%d", q.port ? q.port : 443);
		cli_form_add(&form, "Port", num);
		cli_form_add(&form, "Protocol", q.proto == 17 ? "udp" : "tcp");
		if (q.principal)
			cli_form_add(&form, "Principal", q.principal);
		if (q.action)
			cli_form_add(&form, "Action", q.action);
		if (q.resource)
			cli_form_add(&form, "Resource", q.resource);
		for (size_t i = 0; i < q.n_context; i++) {
			snprintf(key, sizeof(key), "Context.%zu", i + 1);
			cli_form_add(&form, key, ctx_raw[i]);
		}
		ret = ask_daemon("/vpce/explain", &src, &form);
		buf_release(&form);
		source_release(&src);
		return ret;
	}
	if (!ret)
		ret = open_reach(&src, q.principal, &rx);
	if (!ret && reach_explain(rx, &q, &res, &e) < 0) {
		fprintf(stderr, "vpce: %s\n", e.msg);
		ret = 2;
	}
	if (!ret) {
		buf_init(&out, 1 << 20);
		if (src.json)
			reach_result_json(&res, &out);
		else
			reach_result_text(&res, &out);
		ret = write_out(&out);
		buf_release(&out);
	}
	reach_free(rx);
	source_release(&src);
	return ret;
}

int cmd_lint(int argc, char **argv)
{
	struct source src = { 0 };
	struct lint_findings f = { 0 };
	struct reach *rx = NULL;
	struct buf out;
	int c, ret = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: %s\n", LINT_USAGE);
			source_release(&src);
			return 0;
		}
		if (!ret)
			ret = common_opt(&src, c, LINT_USAGE);
	}
	if (!ret)
		ret = check_args(argc, argv, &src);
	if (!ret && !src.state && !src.aws_dir) {
		struct buf form;

		buf_init(&form, 8 * LIMIT_POLICY_DOC_BYTES);
		ret = ask_daemon("/vpce/lint", &src, &form);
		buf_release(&form);
		source_release(&src);
		return ret;
	}
	if (!ret)
		ret = open_reach(&src, NULL, &rx);
	if (!ret) {
		reach_lint(rx, &f);
		buf_init(&out, 64 << 20);
		if (src.json)
			lint_findings_json(&f, &out);
		else
			lint_findings_text(&f, &out);
		ret = write_out(&out);
		buf_release(&out);
	}
	lint_findings_release(&f);
	reach_free(rx);
	source_release(&src);
	return ret;
}
