/* SPDX-License-Identifier: MIT */
/*
 * The account-export importer. The input is up to 16 files, each a byte
 * naming it (its low 7 bits index 'names', wrapping) and its text up to the
 * next NUL byte or the end; the first byte's top bit gives the region
 * (us-east-1) instead of leaving the importer to tell it. A refused export
 * names the problem and keeps nothing; an accepted one must hold only
 * resources whose parents are there, and must compile into a network plan.
 */
#include "compat.h"

#include "core/netplan.h"
#include "reach/awsjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FILES 16

static const char *const names[] = {
	"describe-vpcs.json",
	"vpc-attributes/vpc-0a1b2c3d4e5f60718-enableDnsSupport.json",
	"vpc-attributes/vpc-0a1b2c3d4e5f60718-enableDnsHostnames.json",
	"describe-subnets.json",
	"describe-security-groups.json",
	"describe-prefix-lists.json",
	"describe-managed-prefix-lists.json",
	"describe-network-interfaces.json",
	"describe-instances.json",
	"describe-internet-gateways.json",
	"describe-vpn-gateways.json",
	"describe-nat-gateways.json",
	"describe-route-tables.json",
	"describe-vpc-endpoints.json",
	"bucket-policies/my-private-bucket.json",
	"vpc-attributes/vpc-1-enableDnsSupport.json",
	"describe-network-acls.json",
};

static bool has(const struct world *w, const char *id, enum res_kind kind)
{
	return world_get(w, id, kind) != NULL;
}

/* What the plan compiler and the analyzer rely on: every parent is in the world. */
static void check_world(const struct world *w)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_SUBNET, r)
		if (!has(w, AS_SUBNET(r)->vpc_id, RES_VPC) || AS_SUBNET(r)->az < 0 ||
		    AS_SUBNET(r)->az >= REGION_AZS)
			abort();
	WORLD_FOR_EACH(w, RES_ENI, r) {
		const struct eni *e = AS_ENI(r);
		struct res *s = world_get(w, e->subnet_id, RES_SUBNET);

		if (!s || strcmp(AS_SUBNET(s)->vpc_id, e->vpc_id) ||
		    !cidr4_contains_ip(&AS_SUBNET(s)->cidr, e->private_ip) || !e->description)
			abort();
	}
	WORLD_FOR_EACH(w, RES_INSTANCE, r)
		if (!has(w, AS_INSTANCE(r)->subnet_id, RES_SUBNET))
			abort();
	WORLD_FOR_EACH(w, RES_NAT, r)
		if (!has(w, AS_NAT(r)->subnet_id, RES_SUBNET))
			abort();
	WORLD_FOR_EACH(w, RES_RTB, r)
		if (!has(w, AS_RTB(r)->vpc_id, RES_VPC))
			abort();
	WORLD_FOR_EACH(w, RES_SG, r)
		if (!has(w, AS_SG(r)->vpc_id, RES_VPC) || !AS_SG(r)->name || !AS_SG(r)->description)
			abort();
	WORLD_FOR_EACH(w, RES_VPCE, r)
		if (!has(w, AS_VPCE(r)->vpc_id, RES_VPC) || !AS_VPCE(r)->policy)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aws_file files[MAX_FILES];
	const struct region *region = NULL;
	struct aws_import imp;
	struct np_plan plan;
	struct world w;
	struct err e = { 0 };
	size_t n = 0;
	int ret;

	if (size && data[0] & 0x80)
		region = region_find("us-east-1");
	while (size && n < MAX_FILES) {
		const uint8_t *end = memchr(data + 1, 0, size - 1);
		size_t len = end ? (size_t)(end - data) : size;

		files[n++] = (struct aws_file){ names[(data[0] & 0x7f) % ARRAY_SIZE(names)],
						(const char *)data + 1, len - 1 };
		data += len;
		size -= len;
		if (size) {
			data++;
			size--;
		}
	}
	world_init(&w);
	ret = aws_import(files, n, region, &w, &imp, &e);
	if (ret < 0) {
		if (ret != -EINVAL || !e.msg[0] || imp.notes.len || imp.n_buckets)
			abort();
	} else {
		if (ret != 0 || !imp.region || (region && imp.region != region))
			abort();
		check_world(&w);
		if (netplan_compile(&w, imp.region, "fz-", &plan) < 0)
			abort();
		netplan_release(&plan);
	}
	aws_import_release(&imp);
	world_release(&w);
	return 0;
}
