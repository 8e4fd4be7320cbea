/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "check.h"

#include "core/catalog.h"
#include "core/region.h"

void test_core_region(void);

static void test_lookups(void)
{
	const struct region *r = region_find("us-east-1");
	char buf[AZ_NAME_SIZE];

	CHECK(r != NULL);
	CHECK_STREQ(r->name, "us-east-1");
	CHECK_STREQ(r->az_id_prefix, "use1");
	CHECK_STREQ(r->vpce_zone_id, "Z7HUB22UULQXV");
	CHECK_STREQ(r->opt_in_status, "opt-in-not-required");
	CHECK_EQ(r->index, 0);
	CHECK(region_find("mars-1") == NULL);
	CHECK(region_find("") == NULL);
	CHECK(region_find(NULL) == NULL);
	CHECK(region_find("us-east-1 ") == NULL);
	CHECK(region_find_str(str_from("us-east-1a", 9)) == r);
	CHECK(region_count() >= 16);
	CHECK(region_at(region_count()) == NULL);
	for (size_t i = 0; i < region_count(); i++) {
		const struct region *ri = region_at(i);

		CHECK_EQ(ri->index, i);
		CHECK(region_find(ri->name) == ri);
		CHECK(ri->vpce_zone_id[0] == 'Z');
		region_az_name(ri, REGION_AZS - 1, buf);
		CHECK(strlen(buf) + 1 <= AZ_NAME_SIZE);
	}
	CHECK_STREQ(region_find("ap-southeast-2")->az_id_prefix, "apse2");
	CHECK_STREQ(region_find("eu-west-2")->vpce_zone_id, "Z7K1066E3PUKB");
	CHECK_STREQ(region_find("sa-east-1")->vpce_zone_id, "Z2LXUWEVLCVZIB");
}

static void test_azs(void)
{
	const struct region *r = region_find("us-west-2");
	char buf[AZ_NAME_SIZE];

	region_az_name(r, 0, buf);
	CHECK_STREQ(buf, "us-west-2a");
	region_az_name(r, 5, buf);
	CHECK_STREQ(buf, "us-west-2f");
	region_az_id(r, 0, buf);
	CHECK_STREQ(buf, "usw2-az1");
	region_az_id(r, 5, buf);
	CHECK_STREQ(buf, "usw2-az6");
	region_az_name(r, 6, buf);
	CHECK_STREQ(buf, "");
	region_az_id(r, -1, buf);
	CHECK_STREQ(buf, "");

	for (int az = 0; az < REGION_AZS; az++) {
		region_az_name(r, az, buf);
		CHECK_EQ(region_az_find(r, buf, false), az);
		CHECK_EQ(region_az_find(r, buf, true), -1);
		region_az_id(r, az, buf);
		CHECK_EQ(region_az_find(r, buf, true), az);
		CHECK_EQ(region_az_find(r, buf, false), -1);
	}
	CHECK_EQ(region_az_find(r, "us-west-2g", false), -1);
	CHECK_EQ(region_az_find(r, "us-west-2", false), -1);
	CHECK_EQ(region_az_find(r, "us-west-2aa", false), -1);
	CHECK_EQ(region_az_find(r, "US-WEST-2A", false), -1);
	CHECK_EQ(region_az_find(r, "us-east-1a", false), -1);
	CHECK_EQ(region_az_find(r, "usw2-az7", true), -1);
	CHECK_EQ(region_az_find(r, "usw2-az0", true), -1);
	CHECK_EQ(region_az_find(r, "use1-az1", true), -1);
	CHECK_EQ(region_az_find(r, "", true), -1);
	CHECK_EQ(region_az_find(r, NULL, false), -1);
	CHECK_EQ(region_az_find(NULL, "us-west-2a", false), -1);
}

static void test_address_plan(void)
{
	struct cidr4 pool = region_public_pool();
	char buf[CIDR4_STRLEN];
	const struct region *r;
	const struct service *s;
	struct cidr4 c;

	CHECK_STREQ(cidr4_fmt(&pool, buf), "198.19.0.0/16");
	r = region_find("us-east-1");
	c = region_service_block(r);
	CHECK_STREQ(cidr4_fmt(&c, buf), "198.18.0.0/23");
	c = region_service_block(region_find("us-west-2"));
	CHECK_STREQ(cidr4_fmt(&c, buf), "198.18.6.0/23");
	s = catalog_find("s3");
	c = catalog_service_cidr(s, r);
	CHECK_STREQ(cidr4_fmt(&c, buf), "198.18.0.0/28");
	c = catalog_service_cidr(catalog_find("sqs"), r);
	CHECK_STREQ(cidr4_fmt(&c, buf), "198.18.0.64/28");
	c = catalog_service_cidr(catalog_find("states"), region_find("eu-west-1"));
	CHECK_STREQ(cidr4_fmt(&c, buf), "198.18.11.64/28");

	/* Every service /28 of every region: inside its /23, apart from all others. */
	for (size_t i = 0; i < region_count(); i++) {
		const struct region *ri = region_at(i);
		struct cidr4 block = region_service_block(ri);

		CHECK(!cidr4_overlaps(&block, &pool));
		for (size_t j = 0; j < catalog_count(); j++) {
			struct cidr4 a = catalog_service_cidr(catalog_at(j), ri);

			CHECK_EQ(a.len, 28);
			CHECK(cidr4_contains(&block, &a));
			CHECK(!cidr4_overlaps(&a, &pool));
			for (size_t k = 0; k < region_count(); k++) {
				for (size_t l = 0; l < catalog_count(); l++) {
					struct cidr4 b;

					if (k == i && l == j)
						continue;
					b = catalog_service_cidr(catalog_at(l), region_at(k));
					CHECK(!cidr4_overlaps(&a, &b));
				}
			}
		}
		for (size_t k = i + 1; k < region_count(); k++) {
			struct cidr4 other = region_service_block(region_at(k));

			CHECK(!cidr4_overlaps(&block, &other));
		}
	}
}

static void test_catalog(void)
{
	const struct region *r = region_find("us-east-1");
	const struct service *s;
	char name[SERVICE_NAME_SIZE], dns[DNS_NAME_SIZE], id[SERVICE_ID_SIZE];

	CHECK(catalog_count() <= CATALOG_MAX);
	for (size_t i = 0; i < catalog_count(); i++) {
		s = catalog_at(i);
		CHECK_EQ(s->index, i);
		CHECK(catalog_find(s->short_name) == s);
		CHECK(s->interface || s->gateway);
		CHECK(s->dns_label != NULL);
	}
	CHECK(catalog_at(catalog_count()) == NULL);
	CHECK(catalog_find("nope") == NULL);
	CHECK(catalog_find(NULL) == NULL);
	CHECK(catalog_find("s3")->gateway && catalog_find("s3")->interface);
	CHECK(catalog_find("dynamodb")->gateway && catalog_find("dynamodb")->interface);
	CHECK(!catalog_find("sqs")->gateway);

	s = catalog_find("sqs");
	catalog_full_name(s, r, name);
	CHECK_STREQ(name, "com.amazonaws.us-east-1.sqs");
	CHECK(catalog_private_dns_name(s, r, dns));
	CHECK_STREQ(dns, "sqs.us-east-1.amazonaws.com");
	CHECK(catalog_base_dns_name(s, r, false, dns));
	CHECK_STREQ(dns, "sqs.us-east-1.vpce.amazonaws.com");
	CHECK(!catalog_base_dns_name(s, r, true, dns));
	CHECK_STREQ(dns, "");
	CHECK(catalog_service_id(s, r, false, id));
	CHECK_EQ(strlen(id), strlen("vpce-svc-") + 17);
	CHECK(strncmp(id, "vpce-svc-0", 10) == 0);
	CHECK(!catalog_service_id(s, r, true, id));

	CHECK(catalog_service_id(catalog_find("monitoring"), r, false, id));
	CHECK_STREQ(id, "vpce-svc-0fc975f3e7e5beba4");

	s = catalog_find("s3");
	CHECK(catalog_private_dns_name(s, r, dns));
	CHECK_STREQ(dns, "*.s3.us-east-1.amazonaws.com");
	CHECK(catalog_base_dns_name(s, r, true, dns));
	CHECK_STREQ(dns, "s3.us-east-1.amazonaws.com");
	CHECK(catalog_base_dns_name(s, r, false, dns));
	CHECK_STREQ(dns, "s3.us-east-1.vpce.amazonaws.com");
	CHECK_EQ(catalog_endpoint_dns_name(s, r, "vpce-1a2b3c4d5e6f1a2b3", "9hnenorg", -1, dns), 0);
	CHECK_STREQ(dns, "*.vpce-1a2b3c4d5e6f1a2b3-9hnenorg.s3.us-east-1.vpce.amazonaws.com");
	CHECK_EQ(catalog_endpoint_dns_name(s, r, "vpce-1a2b3c4d5e6f1a2b3", "9hnenorg", 2, dns), 0);
	CHECK_STREQ(dns, "*.vpce-1a2b3c4d5e6f1a2b3-9hnenorg-us-east-1c.s3.us-east-1.vpce.amazonaws.com");
	CHECK(catalog_private_zone_name(s, r, 0, dns));
	CHECK_STREQ(dns, "s3.us-east-1.amazonaws.com");
	CHECK(catalog_private_zone_name(s, r, 1, dns));
	CHECK_STREQ(dns, "*.s3.us-east-1.amazonaws.com");
	CHECK(catalog_private_zone_matches(s, r, "my-bucket.s3.us-east-1.amazonaws.com."));
	CHECK(catalog_private_zone_matches(s, r, "S3.US-EAST-1.AMAZONAWS.COM"));
	CHECK(catalog_private_zone_matches(s, r, "a.b.s3-control.us-east-1.amazonaws.com"));
	CHECK(!catalog_private_zone_matches(s, r, "s3-control.us-east-1.amazonaws.com"));
	CHECK(!catalog_private_zone_matches(s, r, "s3.us-west-2.amazonaws.com"));
	CHECK(!catalog_private_zone_matches(s, r, ""));

	s = catalog_find("dynamodb");
	CHECK(!catalog_private_dns_name(s, r, dns));
	CHECK(!catalog_private_zone_name(s, r, 0, dns));
	CHECK(catalog_base_dns_name(s, r, true, dns));
	CHECK_STREQ(dns, "dynamodb.us-east-1.amazonaws.com");

	s = catalog_find("ecr.dkr");
	CHECK(catalog_private_dns_name(s, r, dns));
	CHECK_STREQ(dns, "*.dkr.ecr.us-east-1.amazonaws.com");
	CHECK(catalog_private_zone_name(s, r, 0, dns));
	CHECK_STREQ(dns, "dkr.ecr.us-east-1.amazonaws.com");
	CHECK(catalog_private_zone_name(s, r, 1, dns));
	CHECK_STREQ(dns, "*.dkr.ecr.us-east-1.amazonaws.com");
	CHECK(!catalog_private_zone_name(s, r, 2, dns));
	CHECK_EQ(catalog_endpoint_dns_name(s, region_find("ap-northeast-1"),
					   "vpce-0dceb08e8bffc9a0c", "nuehayud", 0, dns), 0);
	CHECK_STREQ(dns, "vpce-0dceb08e8bffc9a0c-nuehayud-ap-northeast-1a.dkr.ecr."
		    "ap-northeast-1.vpce.amazonaws.com");

	s = catalog_find("ecr.api");
	CHECK_EQ(catalog_endpoint_dns_name(s, region_find("eu-west-2"), "vpce-0ce0b1dbd9132e371",
					   "241a23fs", -1, dns), 0);
	CHECK_STREQ(dns, "vpce-0ce0b1dbd9132e371-241a23fs.api.ecr.eu-west-2.vpce.amazonaws.com");
	CHECK_EQ(catalog_endpoint_dns_name(s, r, "vpce-x", "y", 6, dns), -EINVAL);
	CHECK_EQ(catalog_endpoint_dns_name(catalog_find("sqs"), r, NULL, "y", 0, dns), -EINVAL);

	s = catalog_find("execute-api");
	CHECK(catalog_private_dns_name(s, r, dns));
	CHECK_STREQ(dns, "*.execute-api.us-east-1.amazonaws.com");
	s = catalog_find("kinesis-streams");
	CHECK(catalog_private_dns_name(s, r, dns));
	CHECK_STREQ(dns, "kinesis.us-east-1.amazonaws.com");
	CHECK(catalog_private_zone_matches(s, r, "kinesis.us-east-1.amazonaws.com"));
	CHECK(!catalog_private_zone_matches(s, r, "x.kinesis.us-east-1.amazonaws.com"));
}

static void test_parse_name(void)
{
	const struct region *r = (const struct region *)&r;
	const struct service *s;
	char longname[300];

	s = catalog_parse_name("com.amazonaws.us-east-1.sqs", &r);
	CHECK(s == catalog_find("sqs"));
	CHECK(r == region_find("us-east-1"));
	s = catalog_parse_name("com.amazonaws.eu-west-1.ecr.dkr", &r);
	CHECK(s == catalog_find("ecr.dkr"));
	CHECK(r == region_find("eu-west-1"));

	CHECK(catalog_parse_name("com.amazonaws.mars-1.sqs", &r) == NULL);
	CHECK(r == NULL);
	CHECK(catalog_parse_name("com.amazonaws.us-east-1.nope", &r) == NULL);
	CHECK(catalog_parse_name("com.amazonaws.us-east-1.", &r) == NULL);
	CHECK(catalog_parse_name("com.amazonaws.us-east-1", &r) == NULL);
	CHECK(catalog_parse_name("com.amazonaws.", &r) == NULL);
	CHECK(catalog_parse_name("", &r) == NULL);
	CHECK(catalog_parse_name(NULL, &r) == NULL);
	CHECK(catalog_parse_name("com.amazon.us-east-1.sqs", &r) == NULL);
	CHECK(catalog_parse_name("COM.AMAZONAWS.us-east-1.sqs", &r) == NULL);
	CHECK(catalog_parse_name("com.amazonaws.us-east-1.sqs.", &r) == NULL);
	CHECK(catalog_parse_name("com.amazonaws.us-east-1.ecr", &r) == NULL);
	CHECK(catalog_parse_name("com.amazonaws.vpce.us-east-1.vpce-svc-0123", &r) == NULL);

	memset(longname, 'a', sizeof(longname));
	memcpy(longname, "com.amazonaws.us-east-1.", 24);
	longname[sizeof(longname) - 1] = '\0';
	CHECK(catalog_parse_name(longname, &r) == NULL);
	CHECK(r == NULL);
}

static void test_prefix_lists(void)
{
	const struct region *r = region_find("us-east-1"), *found;
	const struct service *s3 = catalog_find("s3"), *ddb = catalog_find("dynamodb"), *s;
	char id[PREFIX_LIST_ID_SIZE], name[SERVICE_NAME_SIZE], small[8];

	CHECK(catalog_prefix_list_id(s3, r, id, sizeof(id)));
	CHECK_STREQ(id, "pl-63a5400a");
	CHECK(catalog_prefix_list_id(ddb, r, id, sizeof(id)));
	CHECK_STREQ(id, "pl-02cd2c6b");
	CHECK(!catalog_prefix_list_id(catalog_find("sqs"), r, id, sizeof(id)));
	CHECK_STREQ(id, "");
	CHECK(!catalog_prefix_list_id(s3, r, small, sizeof(small)));
	catalog_prefix_list_name(s3, r, name);
	CHECK_STREQ(name, "com.amazonaws.us-east-1.s3");

	CHECK(catalog_find_prefix_list("pl-63a5400a", &found) == s3);
	CHECK(found == r);
	CHECK(catalog_find_prefix_list("pl-00000000", &found) == NULL);
	CHECK(found == NULL);
	CHECK(catalog_find_prefix_list_in(region_find("ap-northeast-1"), "pl-78a54011") == ddb);
	CHECK(catalog_find_prefix_list_in(region_find("ap-northeast-2"), "pl-78a54011") == s3);
	CHECK(catalog_find_prefix_list_in(r, "pl-78a54011") == NULL);
	CHECK(catalog_find_prefix_list_in(r, NULL) == NULL);

	/* Round trip, and no region holds the same ID for both services. */
	for (size_t i = 0; i < region_count(); i++) {
		const struct region *ri = region_at(i);
		char a[PREFIX_LIST_ID_SIZE], b[PREFIX_LIST_ID_SIZE];

		CHECK(catalog_prefix_list_id(s3, ri, a, sizeof(a)));
		CHECK(catalog_prefix_list_id(ddb, ri, b, sizeof(b)));
		CHECK(strcmp(a, b) != 0);
		CHECK_EQ(strlen(a), 11);
		CHECK(strncmp(a, "pl-", 3) == 0);
		CHECK(catalog_find_prefix_list_in(ri, a) == s3);
		CHECK(catalog_find_prefix_list_in(ri, b) == ddb);
		/* Shared IDs resolve to their first holder; the pair must agree. */
		found = NULL;
		s = catalog_find_prefix_list(a, &found);
		CHECK(s != NULL && found != NULL);
		if (s && found) {
			CHECK(catalog_prefix_list_id(s, found, b, sizeof(b)));
			CHECK_STREQ(b, a);
			CHECK(found->index <= ri->index);
		}
	}
}

void test_core_region(void)
{
	test_lookups();
	test_azs();
	test_address_plan();
	test_catalog();
	test_parse_name();
	test_prefix_lists();
}
