/* SPDX-License-Identifier: MIT */
/*
 * The VPC router's fast path (bpf/fastpath.bpf.c) kept equal to the plan:
 * per VPC namespace, the programs and their maps pinned under
 * /sys/fs/bpf/<namespace name>/, one program attached to the tc ingress of
 * every ENI port, the other to pl0's, the maps holding each port's
 * address, where each instance's address leads, and the interface
 * endpoints' ENIs. The kernel is the state: a restart finds the
 * pins and attachments and changes only the difference. Optional: without
 * BPF (an old kernel, no kfuncs), every packet takes the router's stack,
 * which decides the same.
 */
#ifndef DATAPLANE_FASTPATH_H
#define DATAPLANE_FASTPATH_H

#include "compat.h"
#include "core/netplan.h"

/*
 * Syncs namespace 'ns' of 'p' (a VPC's), with the calling thread inside
 * it. Returns 0, or -errno with 'err' saying what failed.
 */
int fp_sync(const struct np_plan *p, size_t ns, char *err, size_t size);
/* Removes the pins of namespace 'ns_name' (gone, or torn down); 0 or -errno. */
int fp_forget(const char *ns_name);
/* The pinned directories of namespaces starting with 'prefix' that 'p' does not have: removed. */
void fp_forget_stale(const struct np_plan *p, const char *prefix);

#endif
