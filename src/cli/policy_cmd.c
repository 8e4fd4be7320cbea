/* SPDX-License-Identifier: MIT */
/*
 * vpce policy eval | validate: the policy engine from the shell.
 */
#include "compat.h"
#include "cli/cli.h"

#include <getopt.h>

#include "base/buf.h"
#include "limits.h"
#include "policy/input.h"

#define EVAL_USAGE "vpce policy eval FILE|-  |  vpce policy eval --jsonl [FILE|-]"
#define VALIDATE_USAGE \
	"vpce policy validate [--type identity|resource|endpoint|gateway-endpoint|scp|boundary|trust] FILE|-"

int cli_read_all(const char *path, size_t max, struct buf *out)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int ret = 0;

	buf_init(out, max);
	if (!f) {
		fprintf(stderr, "vpce: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	if (ferror(f)) {
		fprintf(stderr, "vpce: cannot read '%s': %s\n", path, strerror(errno));
		ret = -1;
	} else if (out->err) {
		fprintf(stderr, "vpce: '%s' is larger than %zu bytes\n", path, max);
		ret = -1;
	}
	if (f != stdin)
		fclose(f);
	return ret;
}

/* Evaluates one input; appends its result (or error) to 'out'. False on error. */
static bool eval_one(const char *text, size_t len, struct pol_cache *cache,
		     struct arena *scratch, struct buf *out, char *msg, size_t msg_size)
{
	struct pol_input in;
	struct pol_result res;
	bool ok = false;

	arena_reset(scratch);
	if (pol_input_parse(text, len, cache, &in, msg, msg_size) < 0) {
		pol_error_json(msg, out);
	} else if (policy_decide(&in.bundle->set, &in.req, scratch, &res) < 0) {
		snprintf(msg, msg_size, "the request needs more than %d bytes of scratch memory",
			 LIMIT_POLICY_SCRATCH_BYTES);
		pol_error_json(msg, out);
	} else {
		pol_result_json(&in.bundle->set, &res, out);
		ok = true;
	}
	pol_input_release(&in);
	return ok;
}

static int eval_jsonl(FILE *f)
{
	struct pol_cache cache = { 0 };
	struct arena scratch;
	struct buf out;
	char msg[512];
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	arena_init(&scratch, LIMIT_POLICY_SCRATCH_BYTES);
	buf_init(&out, SIZE_MAX / 2);
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if ((size_t)n > LIMIT_POLICY_INPUT_BYTES) {
			snprintf(msg, sizeof(msg), "the line is longer than %d bytes",
				 LIMIT_POLICY_INPUT_BYTES);
			pol_error_json(msg, &out);
		} else {
			eval_one(line, (size_t)n, &cache, &scratch, &out, msg, sizeof(msg));
		}
		buf_addc(&out, '\n');
		if (out.len >= 1 << 16) {
			if (fwrite(out.p, 1, out.len, stdout) != out.len)
				ret = 1;
			buf_reset(&out);
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "vpce: policy eval: cannot read the input: %s\n", strerror(errno));
		ret = 1;
	}
	if (fwrite(out.p, 1, out.len, stdout) != out.len || fflush(stdout) != 0)
		ret = 1;
	free(line);
	buf_release(&out);
	arena_release(&scratch);
	pol_cache_release(&cache);
	return ret;
}

static int cmd_eval(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "jsonl", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path;
	bool jsonl = false;
	struct arena scratch;
	struct buf in, out;
	char msg[512];
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': jsonl = true; break;
		case 'h': printf("usage: %s\n", EVAL_USAGE); return 0;
		default: fprintf(stderr, "usage: %s\n", EVAL_USAGE); return 2;
		}
	}
	if (argc - optind > 1 || (!jsonl && argc - optind != 1)) {
		fprintf(stderr, "usage: %s\n", EVAL_USAGE);
		return 2;
	}
	path = optind < argc ? argv[optind] : "-";
	if (jsonl) {
		FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");

		if (!f) {
			fprintf(stderr, "vpce: cannot open '%s': %s\n", path, strerror(errno));
			return 1;
		}
		ret = eval_jsonl(f);
		if (f != stdin)
			fclose(f);
		return ret;
	}
	if (cli_read_all(path, LIMIT_POLICY_INPUT_BYTES, &in) < 0) {
		buf_release(&in);
		return 1;
	}
	arena_init(&scratch, LIMIT_POLICY_SCRATCH_BYTES);
	buf_init(&out, SIZE_MAX / 2);
	if (eval_one(in.p, in.len, NULL, &scratch, &out, msg, sizeof(msg))) {
		printf("%s\n", out.p);
		ret = 0;
	} else {
		fprintf(stderr, "vpce: policy eval: %s\n", msg);
		ret = 1;
	}
	buf_release(&in);
	buf_release(&out);
	arena_release(&scratch);
	return ret;
}

/* With no --type: a document with a principal is a resource policy. */
static enum pol_type guess_type(const struct buf *doc)
{
	return strstr(doc->p, "\"Principal\"") || strstr(doc->p, "\"NotPrincipal\"") ?
		       POL_TYPE_RESOURCE : POL_TYPE_IDENTITY;
}

static int cmd_validate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pol_problems probs = { 0 };
	struct policy *p;
	struct buf doc;
	int type = -1, c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ht:", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			type = pol_type_parse(optarg);
			if (type < 0) {
				fprintf(stderr, "vpce: '%s' is not a policy type\nusage: %s\n",
					optarg, VALIDATE_USAGE);
				return 2;
			}
			break;
		case 'h': printf("usage: %s\n", VALIDATE_USAGE); return 0;
		default: fprintf(stderr, "usage: %s\n", VALIDATE_USAGE); return 2;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "usage: %s\n", VALIDATE_USAGE);
		return 2;
	}
	if (cli_read_all(argv[optind], LIMIT_POLICY_DOC_BYTES + 1, &doc) < 0) {
		buf_release(&doc);
		return 2;
	}
	if (type < 0)
		type = guess_type(&doc);
	if (policy_compile(doc.p, doc.len, (enum pol_type)type, &p, &probs) == 0) {
		policy_free(p);
		buf_release(&doc);
		return 0;
	}
	for (size_t i = 0; i < probs.n; i++)
		printf("%s: %s\n", probs.v[i].path, probs.v[i].msg);
	pol_problems_release(&probs);
	buf_release(&doc);
	return 1;
}

int cmd_policy(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "eval") == 0)
		return cmd_eval(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "validate") == 0)
		return cmd_validate(argc - 1, argv + 1);
	fprintf(stderr, "usage: %s\n       %s\n", EVAL_USAGE, VALIDATE_USAGE);
	return argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) ? 0 : 2;
}
