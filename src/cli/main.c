/* SPDX-License-Identifier: MIT */
/*
 * vpce: the command-line client for what the aws CLI does not cover.
 * Subcommands map to handlers in one table, as wg(8) does.
 */
#include "compat.h"

#include <fcntl.h>
#include <getopt.h>
#include <sys/file.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/model.h"
#include "store/store.h"

#define DEFAULT_STATE "vpce.db"

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static int cmd_help(int argc, char **argv);

static const char *state_arg(int argc, char **argv, const char *usage_line)
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *state = getenv("VPCE_STATE") ? getenv("VPCE_STATE") : DEFAULT_STATE;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': state = optarg; break;
		case 'h': printf("usage: %s\n", usage_line); exit(0);
		default: fprintf(stderr, "usage: %s\n", usage_line); exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vpce: unexpected argument '%s'\nusage: %s\n", argv[optind],
			usage_line);
		exit(2);
	}
	return state;
}

int cli_open_state(const char *path, struct store **st)
{
	struct err e = { 0 };

	if (access(path, R_OK) < 0) {
		fprintf(stderr, "vpce: no state file '%s': %s (start vpced, or give --state FILE)\n",
			path, strerror(errno));
		return -1;
	}
	if (store_open(path, STORE_READER, st, &e) < 0) {
		fprintf(stderr, "vpce: %s\n", e.msg);
		return -1;
	}
	return 0;
}

/* True when a vpced holds the writer's lock on 'path'. */
static bool daemon_holds(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool held;

	if (fd < 0)
		return false;
	held = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return held;
}

/* True when something accepts TCP connections at "a.b.c.d:port". */
static bool answering(const char *listen)
{
	int fd = cli_connect(listen);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int cmd_status(int argc, char **argv)
{
	const char *path = state_arg(argc, argv, "vpce status [--state FILE]");
	char region[64] = "?", listen[96] = "", pid[32] = "";
	size_t counts[RES_KIND_COUNT];
	struct store *st;
	bool running;

	if (cli_open_state(path, &st) < 0)
		return 1;
	store_meta_get(st, "region", region, sizeof(region));
	store_meta_get(st, "listen", listen, sizeof(listen));
	store_meta_get(st, "pid", pid, sizeof(pid));
	if (store_counts(st, counts) < 0) {
		fprintf(stderr, "vpce: cannot read '%s'\n", path);
		store_close(st);
		return 1;
	}
	store_close(st);
	running = daemon_holds(path);
	printf("state file:  %s (schema %d)\n", path, STORE_SCHEMA_VERSION);
	printf("region:      %s\n", region);
	if (running)
		printf("daemon:      running, pid %s, %s on http://%s\n", pid[0] ? pid : "?",
		       listen[0] && answering(listen) ? "answering" : "not answering",
		       listen[0] ? listen : "?");
	else
		printf("daemon:      not running\n");
	printf("resources:\n");
	for (int k = 0; k < RES_KIND_COUNT; k++)
		printf("  %-18s %zu\n", res_kind_name(k), counts[k]);
	return 0;
}

static int cmd_env(int argc, char **argv)
{
	const char *path = state_arg(argc, argv, "vpce env [--state FILE]");
	char region[64] = "us-east-1", listen[96] = "127.0.0.1:8723";
	struct store *st;
	struct err e = { 0 };

	if (access(path, R_OK) == 0 && store_open(path, STORE_READER, &st, &e) == 0) {
		store_meta_get(st, "region", region, sizeof(region));
		store_meta_get(st, "listen", listen, sizeof(listen));
		store_close(st);
	}
	printf("export AWS_ACCESS_KEY_ID=test\n");
	printf("export AWS_SECRET_ACCESS_KEY=test\n");
	printf("export AWS_DEFAULT_REGION=%s\n", region);
	printf("export AWS_ENDPOINT_URL_EC2=http://%s\n", listen);
	printf("# aws CLI v2 before 2.13 and boto3 before 1.28 ignore AWS_ENDPOINT_URL_EC2:\n");
	printf("# give them --endpoint-url http://%s (or endpoint_url=...)\n", listen);
	printf("alias awsv='aws --endpoint-url http://%s'\n", listen);
	return 0;
}

static const struct subcommand subcommands[] = {
	{ "status", cmd_status, "show the state file, the daemon and what is stored" },
	{ "env", cmd_env, "print the AWS_* variables that point the aws CLI at vpced" },
	{ "policy", cmd_policy, "evaluate requests against policies, or validate a policy" },
	{ "explain", cmd_explain, "why a request reaches a service or not, hop by hop" },
	{ "lint", cmd_lint, "find the design mistakes of a VPC's endpoints" },
	{ "exec", cmd_exec, "run a command inside an instance (the data plane, as root)" },
	{ "help", cmd_help, "show this help" },
};

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("usage: vpce <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++)
		printf("  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
	printf("\nThe state file is ./%s unless --state FILE or $VPCE_STATE names another.\n",
	       DEFAULT_STATE);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		cmd_help(0, NULL);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(0, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "vpce: '%s' is not a vpce command; see 'vpce help'\n", argv[1]);
	return 2;
}
