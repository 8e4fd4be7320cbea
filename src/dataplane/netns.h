/* SPDX-License-Identifier: MIT */
/*
 * Named network namespaces, as iproute2 keeps them: a bind mount of the
 * namespace at /run/netns/NAME, so `ip netns exec NAME …` works on them and
 * they outlive the daemon (a restart finds them and converges). Functions
 * that enter a namespace move only the calling thread and always move it
 * back. Returns are 0 or -errno.
 */
#ifndef DATAPLANE_NETNS_H
#define DATAPLANE_NETNS_H

#include "compat.h"

#define NETNS_RUN_DIR "/run/netns"
#define NETNS_NAME_SIZE 64

/* Makes namespace 'name' with its loopback down; 0 when it already exists. */
int netns_create(const char *name);
/* Removes namespace 'name' (its links and routes go with it); 0 when absent. */
int netns_delete(const char *name);
/* An fd of namespace 'name' (O_CLOEXEC), or -errno. */
int netns_open(const char *name);
/*
 * The names under NETNS_RUN_DIR that begin with 'prefix', sorted, in a
 * malloc'd array the caller frees; '*n' of them.
 */
int netns_list(const char *prefix, char (**names)[NETNS_NAME_SIZE], size_t *n);
/* Runs fn(arg) with the calling thread in namespace 'name'; returns what fn did. */
int netns_run(const char *name, int (*fn)(void *arg), void *arg);

#endif
