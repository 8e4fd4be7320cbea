/* SPDX-License-Identifier: MIT */
/* The subcommands of vpce that live outside main.c. */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include "base/buf.h"

/* vpce policy eval|validate ... ('argv[0]' is "policy"). */
int cmd_policy(int argc, char **argv);
/* vpce exec [--state FILE | --prefix P] INSTANCE-ID -- COMMAND ... */
int cmd_exec(int argc, char **argv);
/* vpce explain ... and vpce lint ... (reach_cmd.c). */
int cmd_explain(int argc, char **argv);
int cmd_lint(int argc, char **argv);

/*
 * Reads all of 'path' ("-": standard input), at most 'max' bytes, into 'out'
 * (initialised here; the caller releases it). Returns 0, or -1 after saying
 * why on standard error.
 */
int cli_read_all(const char *path, size_t max, struct buf *out);

struct store;
/*
 * Opens the state file 'path' read-only into '*st' (close it with
 * store_close()). Returns 0, or -1 after saying why on standard error.
 */
int cli_open_state(const char *path, struct store **st);

/* A TCP connection to "a.b.c.d:port" (blocking, O_CLOEXEC), or -errno. */
int cli_connect(const char *listen);

/* Appends "&key=value" (no '&' first) to 'form', the value percent-encoded. */
void cli_form_add(struct buf *form, const char *key, const char *value);
/*
 * POSTs 'form' to 'path' of the daemon listening at "a.b.c.d:port" in
 * 'region', signed with SigV4 for EC2, and reads the whole answer: its status
 * into '*status', its body into 'body' (initialised here; the caller releases
 * it). Returns 0 or -errno.
 */
int cli_post(const char *listen, const char *region, const char *path, const struct buf *form,
	     int *status, struct buf *body);

#endif
