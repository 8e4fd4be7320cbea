/* SPDX-License-Identifier: MIT */
/*
 * What the handlers of security groups, ENIs and instances (sg_api.c,
 * eni_api.c, instance_api.c) share: how EC2 writes a groupSet, a network
 * interface and its association, and filter values built in the request
 * arena. Private to those three files.
 */
#ifndef API_HOST_API_H
#define API_HOST_API_H

#include "compat.h"
#include "api/api.h"
#include "core/host_ops.h"

/*
 * Adds a formatted value to 'vals' unless it is there already; the text lives
 * in the request arena, so there is no cap but the 256 values of 'vals'.
 */
void filter_add(const struct call *c, struct filter_vals *vals, const char *fmt, ...)
	ATTR_PRINTF(3, 4);
/*
 * True when 'r' is the empty resource (ID "") that describe_run() passes to
 * learn whether a filter name exists: there is nothing to report about it.
 */
bool filter_probe(const struct res *r);

/* Writes <'tag'> with one item (groupId, groupName) per ID of 'groups'. */
void render_group_set(struct call *c, const char *tag, char (*groups)[ID_SIZE], size_t n);
/*
 * Writes the fields of ENI 'n': a NetworkInterface (DescribeNetworkInterfaces)
 * or, when 'in' is its instance, an InstanceNetworkInterface.
 */
void render_eni(struct call *c, const struct eni *n, const struct instance *in);
/*
 * For a Modify…Attribute request that changed nothing vpce knows: fails with
 * UnsupportedOperation when it names some other attribute (any parameter but
 * Action, Version, DryRun and 'id_key'), else with MissingParameter.
 */
int fail_no_attribute(struct call *c, const char *id_key);
/* The Elastic IP associated with ENI 'eni_id', or NULL. */
const struct eip *eip_of_eni(const struct world *w, const char *eni_id);

#endif
