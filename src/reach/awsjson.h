/* SPDX-License-Identifier: MIT */
/*
 * An exported AWS account, read into a world: the JSON that the aws CLI's
 * describe-* commands print, unchanged (docs/reach.md lists the files).
 * Pure: the caller reads the files and hands over their bytes; every byte is
 * untrusted (a fuzz target covers it). What vpce does not model is skipped
 * or kept as a route to TARGET_OTHER, and reported in 'notes'.
 */
#ifndef REACH_AWSJSON_H
#define REACH_AWSJSON_H

#include "compat.h"
#include "base/buf.h"
#include "base/err.h"
#include "core/model.h"
#include "core/region.h"
#include "reach/reach.h"

/* One file of the export: its path under the directory, and its bytes. */
struct aws_file {
	const char *name;		/* "describe-vpcs.json", "vpc-attributes/vpc-1-enableDnsSupport.json", "bucket-policies/b.json" */
	const char *text;
	size_t len;
};

struct aws_import {
	const struct region *region;	/* from the zones of the subnets (or endpoints' service names) */
	struct reach_doc *buckets;	/* owned, names and texts too (hence freed despite 'const') */
	size_t n_buckets;
	struct buf notes;		/* owned: a line per thing skipped or approximated */
};

/*
 * Reads the 'n' files into the empty world 'w' (resources inserted without
 * journaling). 'region', when not NULL, overrides the region read from the
 * export. Returns 0; or -EINVAL with 'e' naming the file and the JSON path
 * that is malformed: 'out' is then already released (releasing it again is
 * harmless) and the world may hold part of the export (release it).
 */
int aws_import(const struct aws_file *files, size_t n, const struct region *region,
	       struct world *w, struct aws_import *out, struct err *e);
void aws_import_release(struct aws_import *imp);

#endif
