/* SPDX-License-Identifier: MIT */
/* VPCs, subnets and address allocation (core/vpc_ops.c). */
#include "compat.h"
#include "check.h"
#include "world_fixture.h"

void test_core_vpc(void);

static struct vpc *make_vpc(struct fixture *f, const char *cidr)
{
	struct vpc_create_req req = { .cidr = cidr };
	struct vpc *v = NULL;

	CHECK_EQ(vpc_create(&f->w, &f->cx, &req, &v, &f->e), 0);
	return v;
}

static int make_subnet(struct fixture *f, const char *vpc, const char *cidr, const char *az,
		       struct subnet **out)
{
	struct subnet_create_req req = { .vpc_id = vpc, .cidr = cidr, .az = az };

	memset(&f->e, 0, sizeof(f->e));
	return subnet_create(&f->w, &f->cx, &req, out, &f->e);
}

/* A refused request changes nothing and names the AWS error. */
static void check_refused(struct fixture *f, int ret, size_t journal_before, const char *code)
{
	CHECK(ret < 0);
	CHECK_STREQ(f->e.code, code);
	CHECK_EQ(f->w.n_journal, journal_before);
}

static void vpc_rules(void)
{
	struct fixture f;
	struct vpc_create_req req = { 0 };
	struct vpc *v = NULL;
	struct rtb *t;
	struct sg *g;
	static const struct {
		const char *cidr;
		const char *code;
	} bad[] = {
		{ "10.0.0.0/8", "InvalidVpc.Range" },
		{ "10.0.0.0/15", "InvalidVpc.Range" },
		{ "10.0.0.0/29", "InvalidVpc.Range" },
		{ "10.0.0.1/16", "InvalidParameterValue" },
		{ "10.0.0.0", "InvalidParameterValue" },
		{ "10.0.0.0/", "InvalidParameterValue" },
		{ "10.0.0.0/33", "InvalidParameterValue" },
		{ "256.0.0.0/16", "InvalidParameterValue" },
		{ "010.0.0.0/16", "InvalidParameterValue" },
		{ "", "InvalidParameterValue" },
	};

	fixture_init(&f);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		req.cidr = bad[i].cidr;
		check_refused(&f, vpc_create(&f.w, &f.cx, &req, &v, &f.e), 0, bad[i].code);
	}
	req.cidr = NULL;
	check_refused(&f, vpc_create(&f.w, &f.cx, &req, &v, &f.e), 0, "MissingParameter");
	req = (struct vpc_create_req){ .cidr = "10.0.0.0/16", .tenancy = "host" };
	check_refused(&f, vpc_create(&f.w, &f.cx, &req, &v, &f.e), 0, "InvalidParameterValue");

	v = make_vpc(&f, "10.0.0.0/28");
	CHECK(v != NULL);
	v = make_vpc(&f, "10.0.0.0/16");
	CHECK(strncmp(v->res.id, "vpc-", 4) == 0 && strlen(v->res.id) == 21);
	CHECK_STREQ(v->res.owner, "111122223333");
	CHECK(v->dns_support);
	CHECK(!v->dns_hostnames);
	/* The main route table with its local route, and the default group. */
	t = AS_RTB(world_get(&f.w, v->main_rtb_id, RES_RTB));
	CHECK_EQ(t->n_routes, 1);
	CHECK_EQ(t->routes[0].target, TARGET_LOCAL);
	CHECK(cidr4_eq(&t->routes[0].dest, &v->cidr));
	CHECK_EQ(t->n_assocs, 1);
	CHECK(t->assocs[0].main);
	g = AS_SG(world_get(&f.w, v->default_sg_id, RES_SG));
	CHECK_STREQ(g->name, "default");
	CHECK_EQ(g->n_rules, 2);
	CHECK_EQ(f.w.n_journal, 6);	/* two VPCs, each with a table and a group */

	/* Attributes: hostnames need support. */
	world_journal_clear(&f.w);
	CHECK_EQ(vpc_set_attribute(&f.w, &f.cx, v->res.id, "enableDnsSupport", false, &f.e), 0);
	check_refused(&f, vpc_set_attribute(&f.w, &f.cx, v->res.id, "enableDnsHostnames", true,
					    &f.e), 1, "InvalidParameterValue");
	check_refused(&f, vpc_set_attribute(&f.w, &f.cx, v->res.id, "enableFoo", true, &f.e), 1,
		      "InvalidParameterValue");
	check_refused(&f, vpc_set_attribute(&f.w, &f.cx, "vpc-0123456789abcdef0",
					    "enableDnsSupport", true, &f.e),
		      1, "InvalidVpcID.NotFound");
	check_refused(&f, vpc_set_attribute(&f.w, &f.cx, "vpc-xyz", "enableDnsSupport", true,
					    &f.e), 1, "InvalidVpcID.Malformed");

	/* Another account does not see it. */
	f.cx.account = "444455556666";
	CHECK(vpc_lookup(&f.w, &f.cx, v->res.id, &f.e) == NULL);
	CHECK_STREQ(f.e.code, "InvalidVpcID.NotFound");
	fixture_release(&f);
}

static void subnet_rules(void)
{
	struct fixture f;
	struct subnet *s = NULL, *s2 = NULL;
	struct vpc *v;
	size_t j;
	uint32_t ip;

	fixture_init(&f);
	v = make_vpc(&f, "10.0.0.0/16");
	world_journal_clear(&f.w);
	check_refused(&f, make_subnet(&f, v->res.id, "10.1.0.0/24", NULL, &s), 0,
		      "InvalidSubnet.Range");
	check_refused(&f, make_subnet(&f, v->res.id, "10.0.0.0/29", NULL, &s), 0,
		      "InvalidSubnet.Range");
	check_refused(&f, make_subnet(&f, v->res.id, "9.255.255.0/24", NULL, &s), 0,
		      "InvalidSubnet.Range");
	check_refused(&f, make_subnet(&f, v->res.id, "10.0.1.0/24", "us-east-1g", &s), 0,
		      "InvalidParameterValue");
	check_refused(&f, make_subnet(&f, v->res.id, "10.0.1.0/24", "us-west-2a", &s), 0,
		      "InvalidParameterValue");
	check_refused(&f, make_subnet(&f, "vpc-0123456789abcdef0", "10.0.1.0/24", NULL, &s), 0,
		      "InvalidVpcID.NotFound");
	check_refused(&f, make_subnet(&f, NULL, "10.0.1.0/24", NULL, &s), 0, "MissingParameter");

	CHECK_EQ(make_subnet(&f, v->res.id, "10.0.1.0/24", "us-east-1c", &s), 0);
	CHECK_EQ(s->az, 2);
	CHECK_EQ(subnet_available_ips(&f.w, s), 251);
	j = f.w.n_journal;
	check_refused(&f, make_subnet(&f, v->res.id, "10.0.1.128/25", NULL, &s2), j,
		      "InvalidSubnet.Conflict");
	check_refused(&f, make_subnet(&f, v->res.id, "10.0.0.0/23", NULL, &s2), j,
		      "InvalidSubnet.Conflict");
	/* By zone ID, and both at once is refused. */
	{
		struct subnet_create_req req = { .vpc_id = v->res.id, .cidr = "10.0.2.0/28",
						 .az_id = "use1-az6" };

		CHECK_EQ(subnet_create(&f.w, &f.cx, &req, &s2, &f.e), 0);
		CHECK_EQ(s2->az, 5);
		req.cidr = "10.0.3.0/28";
		req.az = "us-east-1a";
		check_refused(&f, subnet_create(&f.w, &f.cx, &req, &s2, &f.e), f.w.n_journal,
			      "InvalidParameterCombination");
	}

	/* Addresses: the five reserved are never handed out. */
	CHECK_EQ(subnet_alloc_ip(&f.w, s2, &ip, &f.e), 0);
	CHECK_EQ(ip, s2->cidr.addr + 4);
	CHECK(!subnet_ip_free(&f.w, s2, s2->cidr.addr));
	CHECK(!subnet_ip_free(&f.w, s2, s2->cidr.addr + 3));
	CHECK(!subnet_ip_free(&f.w, s2, cidr4_last(&s2->cidr)));
	CHECK(subnet_ip_free(&f.w, s2, cidr4_last(&s2->cidr) - 1));
	CHECK(!subnet_ip_free(&f.w, s2, s->cidr.addr + 4));	/* another subnet's */
	for (int i = 0; i < 11; i++) {
		struct eni_spec spec = { .subnet = s2, .type = ENI_INTERFACE };
		struct eni *n;

		CHECK_EQ(eni_create(&f.w, &f.cx, &spec, &n, &f.e), 0);
		CHECK(cidr4_contains_ip(&s2->cidr, n->private_ip));
	}
	CHECK_EQ(subnet_available_ips(&f.w, s2), 0);
	CHECK(subnet_alloc_ip(&f.w, s2, &ip, &f.e) < 0);
	CHECK_STREQ(f.e.code, "InsufficientFreeAddressesInSubnet");

	/* In use: neither the subnet nor the VPC can go. */
	j = f.w.n_journal;
	check_refused(&f, subnet_delete(&f.w, &f.cx, s2->res.id, &f.e), j, "DependencyViolation");
	check_refused(&f, vpc_delete(&f.w, &f.cx, v->res.id, &f.e), j, "DependencyViolation");
	{
		char id[ID_SIZE];

		str_lcpy(id, s->res.id, sizeof(id));
		CHECK_EQ(subnet_delete(&f.w, &f.cx, id, &f.e), 0);
		CHECK(world_get(&f.w, id, RES_SUBNET) == NULL);
	}
	fixture_release(&f);
}

static void vpc_delete_takes_defaults(void)
{
	struct fixture f;
	struct vpc *v;
	char rtb[ID_SIZE], sg[ID_SIZE];

	fixture_init(&f);
	v = make_vpc(&f, "10.0.0.0/16");
	str_lcpy(rtb, v->main_rtb_id, sizeof(rtb));
	str_lcpy(sg, v->default_sg_id, sizeof(sg));
	world_journal_clear(&f.w);
	CHECK_EQ(vpc_delete(&f.w, &f.cx, v->res.id, &f.e), 0);
	CHECK(world_find(&f.w, rtb) == NULL);
	CHECK(world_find(&f.w, sg) == NULL);
	CHECK_EQ(f.w.n_journal, 3);
	for (size_t i = 0; i < f.w.n_journal; i++)
		CHECK(f.w.journal[i].removed);
	fixture_release(&f);
}

void test_core_vpc(void)
{
	vpc_rules();
	subnet_rules();
	vpc_delete_takes_defaults();
}
