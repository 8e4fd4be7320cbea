/* SPDX-License-Identifier: MIT */
/* The subcommands of vpce that live outside main.c. */
#ifndef CLI_CLI_H
#define CLI_CLI_H

/* vpce policy eval|validate ... ('argv[0]' is "policy"). */
int cmd_policy(int argc, char **argv);
/* vpce exec [--state FILE | --prefix P] INSTANCE-ID -- COMMAND ... */
int cmd_exec(int argc, char **argv);

#endif
