/* SPDX-License-Identifier: MIT */
/*
 * The account-export importer (reach/awsjson.c): the export of
 * tests/cases/aws/basic (its README describes it) read into a world, checked
 * resource by resource and compiled into a network plan; then exports with
 * parts missing, and malformed files that must fail with a path or be
 * skipped with a note, never crash.
 */
#include "compat.h"
#include "check.h"

#include <jansson.h>

#include "base/xalloc.h"
#include "core/netplan.h"
#include "reach/awsjson.h"

void test_reach_awsjson(void);

#define DIR "tests/cases/aws/basic/"
#define VPC "vpc-0a1b2c3d4e5f60718"
#define SUB_A "subnet-0aa11bb22cc33dd44"
#define SUB_B "subnet-0bb22cc33dd44ee55"
#define RTB_MAIN "rtb-0f3c1a2b4d5e6f708"
#define RTB_PRIV "rtb-06a7b8c9d0e1f2a3b"
#define NAT "nat-0a9b8c7d6e5f40312"
#define SG_DEF "sg-0def4a1b2c3d4e5f6"
#define SG_APP "sg-0a11c0ffee2233445"
#define VPCE_S3 "vpce-0a1b2c3d4e5f6a7b8"
#define VPCE_SQS "vpce-0123abcd4567ef890"
#define ENI_A "eni-0b5c6d7e8f9a0b1c2"
#define ENI_EPA "eni-0e8f9a0b1c2d3e4f5"
#define ENI_EPB "eni-0f9a0b1c2d3e4f5a6"

static const char *const names[] = {
	"describe-vpcs.json",
	"vpc-attributes/" VPC "-enableDnsSupport.json",
	"vpc-attributes/" VPC "-enableDnsHostnames.json",
	"describe-subnets.json",
	"describe-route-tables.json",
	"describe-security-groups.json",
	"describe-network-interfaces.json",
	"describe-instances.json",
	"describe-internet-gateways.json",
	"describe-nat-gateways.json",
	"describe-vpn-gateways.json",
	"describe-vpc-endpoints.json",
	"describe-prefix-lists.json",
	"describe-managed-prefix-lists.json",
	"bucket-policies/my-private-bucket.json",
};

struct export {
	struct aws_file files[2 * ARRAY_SIZE(names)];
	char *text[ARRAY_SIZE(names)];
	size_t n;
};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long size;

	*len = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		p = malloc((size_t)size + 1);
		if (p && fread(p, 1, (size_t)size, f) == (size_t)size) {
			p[size] = '\0';
			*len = (size_t)size;
		} else {
			free(p);
			p = NULL;
		}
	}
	fclose(f);
	return p;
}

/* Reads the basic export, leaving out the file 'without' (or none). */
static void export_load(struct export *x, const char *without)
{
	char path[256];

	memset(x, 0, sizeof(*x));
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		size_t len;

		snprintf(path, sizeof(path), DIR "%s", names[i]);
		x->text[i] = slurp(path, &len);
		CHECK(x->text[i] != NULL);
		if (!x->text[i] || (without && !strcmp(names[i], without)))
			continue;
		x->files[x->n++] = (struct aws_file){ names[i], x->text[i], len };
	}
}

static void export_release(struct export *x)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		free(x->text[i]);
}

static struct res *get(struct world *w, const char *id, enum res_kind kind)
{
	struct res *r = world_get(w, id, kind);

	CHECK(r != NULL);
	return r;
}

static bool cidr_is(const struct cidr4 *c, const char *s)
{
	struct cidr4 want;

	return cidr4_parse(str_c(s), &want) == 0 && cidr4_eq(c, &want);
}

static uint32_t ip(const char *s)
{
	uint32_t v = 0;

	CHECK_EQ(ip4_parse(str_c(s), &v), 0);
	return v;
}

static void check_network(struct world *w)
{
	struct vpc *v = AS_VPC(get(w, VPC, RES_VPC));
	struct subnet *a = AS_SUBNET(get(w, SUB_A, RES_SUBNET));
	struct subnet *pub = AS_SUBNET(get(w, "subnet-0cc33dd44ee55ff66", RES_SUBNET));
	struct rtb *t = AS_RTB(get(w, RTB_PRIV, RES_RTB));
	struct nat *n = AS_NAT(get(w, NAT, RES_NAT));
	struct vgw *g = AS_VGW(get(w, "vgw-0aa1bb2cc3dd4ee5f", RES_VGW));

	CHECK_EQ(w->n[RES_VPC], 1);
	CHECK_EQ(w->n[RES_SUBNET], 3);
	CHECK_EQ(w->n[RES_RTB], 3);
	CHECK_EQ(w->n[RES_IGW], 1);
	CHECK_EQ(w->n[RES_NAT], 1);
	CHECK_EQ(w->n[RES_VGW], 1);
	CHECK(cidr_is(&v->cidr, "10.0.0.0/16"));
	CHECK_STREQ(v->res.owner, "111122223333");
	CHECK_STREQ(v->cidr_assoc_id, "vpc-cidr-assoc-0123456789abcdef0");
	CHECK_STREQ(v->main_rtb_id, RTB_MAIN);
	CHECK_STREQ(v->default_sg_id, SG_DEF);
	CHECK_STREQ(res_tag_get(&v->res, "Name"), "demo");
	CHECK(v->dns_support && v->dns_hostnames && !v->is_default);
	CHECK_EQ(a->az, 0);
	CHECK_EQ(AS_SUBNET(get(w, SUB_B, RES_SUBNET))->az, 1);
	CHECK(!a->map_public_ip && pub->map_public_ip);

	CHECK_EQ(t->n_routes, 4);
	CHECK_EQ(t->n_assocs, 2);
	if (t->n_routes == 4) {
		CHECK_EQ(t->routes[0].target, TARGET_LOCAL);
		CHECK_STREQ(t->routes[0].target_id, "local");
		CHECK_EQ(t->routes[0].origin, ORIGIN_CREATE_ROUTE_TABLE);
		CHECK_EQ(t->routes[1].target, TARGET_NAT);
		CHECK_STREQ(t->routes[1].target_id, NAT);
		CHECK(cidr_is(&t->routes[1].dest, "0.0.0.0/0"));
		CHECK_EQ(t->routes[2].target, TARGET_VGW);
		CHECK(cidr_is(&t->routes[2].dest, "172.16.0.0/12"));
		CHECK(t->routes[3].to_prefix_list);
		CHECK_STREQ(t->routes[3].pl_id, "pl-63a5400a");
		CHECK_EQ(t->routes[3].target, TARGET_VPCE);
		CHECK_STREQ(t->routes[3].target_id, VPCE_S3);
		CHECK_EQ(t->routes[3].origin, ORIGIN_CREATE_ROUTE);
	}
	CHECK_STREQ(AS_IGW(get(w, "igw-0c0ffee0123456789", RES_IGW))->vpc_id, VPC);
	CHECK_STREQ(n->subnet_id, pub->res.id);
	CHECK_STREQ(n->eni_id, "eni-0d7e8f9a0b1c2d3e4");
	CHECK_STREQ(n->eip_id, "eipalloc-0e1d2c3b4a5968778");
	CHECK_EQ(n->private_ip, ip("10.0.0.157"));
	CHECK(!n->private_ && !n->deleted);
	CHECK_STREQ(g->vpc_id, VPC);
	CHECK_EQ(g->asn, 64512);
	CHECK_EQ(g->az, -1);
	CHECK(!g->deleted);
}

static void check_groups(struct world *w)
{
	struct sg *def = AS_SG(get(w, SG_DEF, RES_SG)), *app = AS_SG(get(w, SG_APP, RES_SG));

	CHECK_EQ(w->n[RES_SG], 3);
	CHECK(def->is_default && !app->is_default);
	CHECK_STREQ(app->name, "demo-app");
	CHECK_STREQ(app->description, "demo application hosts");
	CHECK_EQ(def->n_rules, 2);
	if (def->n_rules == 2) {
		CHECK(!def->rules[0].egress);
		CHECK_EQ(def->rules[0].peer, PEER_GROUP);
		CHECK_STREQ(def->rules[0].peer_id, SG_DEF);
		CHECK_STREQ(def->rules[0].peer_owner, "111122223333");
		CHECK_EQ(def->rules[0].proto, -1);
	}
	CHECK_EQ(app->n_rules, 3);
	if (app->n_rules == 3) {
		CHECK(!app->rules[0].egress);
		CHECK_EQ(app->rules[0].peer, PEER_CIDR);
		CHECK(cidr_is(&app->rules[0].cidr, "10.0.0.0/16"));
		CHECK_EQ(app->rules[0].proto, 6);
		CHECK_EQ(app->rules[0].from_port, 22);
		CHECK_EQ(app->rules[0].to_port, 22);
		CHECK_STREQ(app->rules[0].description, "ssh from the VPC");
		CHECK_STREQ(app->rules[0].id, "");
		CHECK(app->rules[1].egress);
		CHECK_EQ(app->rules[1].peer, PEER_PREFIX_LIST);
		CHECK_STREQ(app->rules[1].peer_id, "pl-63a5400a");
		CHECK_EQ(app->rules[2].proto, -1);
		CHECK_EQ(app->rules[2].from_port, -1);
		CHECK(app->rules[2].description == NULL);
	}
}

static void check_hosts(struct world *w)
{
	struct instance *in = AS_INSTANCE(get(w, "i-0123456789abcdef0", RES_INSTANCE));
	struct eni *e = AS_ENI(get(w, ENI_A, RES_ENI));
	struct eni *ep = AS_ENI(get(w, ENI_EPA, RES_ENI));
	struct eni *ne = AS_ENI(get(w, "eni-0d7e8f9a0b1c2d3e4", RES_ENI));

	CHECK_EQ(w->n[RES_INSTANCE], 2);
	CHECK_EQ(w->n[RES_ENI], 5);
	CHECK_STREQ(in->eni_id, ENI_A);
	CHECK_STREQ(in->subnet_id, SUB_A);
	CHECK_STREQ(in->vpc_id, VPC);
	CHECK_EQ(in->private_ip, ip("10.0.1.25"));
	CHECK_EQ(in->state, INSTANCE_RUNNING);
	CHECK_STREQ(in->reservation_id, "r-0a1b2c3d4e5f60718");
	CHECK_STREQ(in->instance_type, "t3.micro");
	CHECK_STREQ(in->image_id, "ami-0c02fb55956c7d316");
	CHECK_STREQ(in->key_name, "demo-key");
	CHECK_EQ(e->type, ENI_INTERFACE);
	CHECK_STREQ(e->owner_res_id, in->res.id);
	CHECK_EQ(e->n_groups, 1);
	CHECK_STREQ(e->n_groups ? e->groups[0] : "", SG_APP);
	CHECK_STREQ(e->mac, "0a:5c:6d:7e:8f:91");
	CHECK_STREQ(e->attach_id, "eni-attach-0a1b2c3d4e5f60001");
	CHECK(e->source_dest_check && !e->requester_managed);
	CHECK_EQ(ep->type, ENI_VPC_ENDPOINT);
	CHECK_STREQ(ep->owner_res_id, VPCE_SQS);
	CHECK(ep->requester_managed);
	CHECK_STREQ(ep->requester_id, "727180483921");
	CHECK_EQ(ep->private_ip, ip("10.0.1.100"));
	CHECK_EQ(ne->type, ENI_NAT_GATEWAY);
	CHECK_STREQ(ne->owner_res_id, NAT);
	CHECK_EQ(ne->public_ip, ip("52.4.180.33"));
	CHECK(!ne->source_dest_check);
}

static void check_endpoints(struct world *w, const struct aws_import *imp)
{
	struct vpce *s3 = AS_VPCE(get(w, VPCE_S3, RES_VPCE));
	struct vpce *sqs = AS_VPCE(get(w, VPCE_SQS, RES_VPCE));
	const struct prefix_list *pl = NULL;

	CHECK_EQ(w->n[RES_VPCE], 2);
	CHECK_EQ(s3->type, VPCE_GATEWAY);
	CHECK_STREQ(s3->service, "com.amazonaws.us-east-1.s3");
	CHECK_EQ(s3->n_rtbs, 1);
	CHECK_STREQ(s3->n_rtbs ? s3->rtbs[0] : "", RTB_PRIV);
	CHECK_EQ(s3->n_nets, 0);
	CHECK(!s3->private_dns);
	CHECK_STREQ(s3->policy, "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
				"\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
	CHECK_EQ(sqs->type, VPCE_INTERFACE);
	CHECK_EQ(sqs->state, VPCE_AVAILABLE);
	CHECK(sqs->private_dns);
	CHECK_STREQ(sqs->dns_suffix, "k3x9w2qp");
	CHECK_EQ(sqs->n_nets, 2);
	if (sqs->n_nets == 2) {
		CHECK_STREQ(sqs->nets[0].subnet_id, SUB_A);
		CHECK_STREQ(sqs->nets[0].eni_id, ENI_EPA);
		CHECK_STREQ(sqs->nets[1].subnet_id, SUB_B);
		CHECK_STREQ(sqs->nets[1].eni_id, ENI_EPB);
	}
	CHECK_EQ(sqs->n_groups, 1);
	CHECK(strstr(sqs->policy, "\"Action\": \"*\", \n") != NULL);

	CHECK_EQ(w->n_pls, 3);
	for (size_t i = 0; i < w->n_pls; i++)
		if (!strcmp(w->pls[i].id, "pl-63a5400a"))
			pl = &w->pls[i];
	CHECK(pl != NULL);
	if (pl) {
		CHECK_STREQ(pl->name, "com.amazonaws.us-east-1.s3");
		CHECK_EQ(pl->n, 9);
		CHECK(pl->n == 9 && cidr_is(&pl->blocks[8], "54.231.0.0/16"));
	}
	CHECK_EQ(imp->n_buckets, 1);
	if (imp->n_buckets == 1) {
		CHECK_STREQ(imp->buckets[0].name, "my-private-bucket");
		CHECK(strstr(imp->buckets[0].text, "\"aws:SourceVpce\":\"" VPCE_S3 "\"") != NULL);
		CHECK_EQ(imp->buckets[0].len, strlen(imp->buckets[0].text));
	}
	/* The CloudFront list is known by name only, and says so: the export's one note. */
	CHECK(strstr(imp->notes.p, "(pl-3b927c52): entries unknown") != NULL);
	CHECK(strchr(imp->notes.p, '\n') == imp->notes.p + imp->notes.len - 1);
}

static void test_basic(void)
{
	struct aws_import imp;
	struct np_plan plan;
	struct export x;
	struct world w;
	struct err e = { 0 };

	export_load(&x, NULL);
	world_init(&w);
	CHECK_EQ(aws_import(x.files, x.n, NULL, &w, &imp, &e), 0);
	CHECK(imp.region && !strcmp(imp.region->name, "us-east-1"));
	check_network(&w);
	check_groups(&w);
	check_hosts(&w);
	check_endpoints(&w, &imp);
	CHECK_EQ(netplan_compile(&w, imp.region, "t-", &plan), 0);
	CHECK(netplan_ns_find(&plan, "i-0123456789abcdef0") >= 0);
	CHECK(netplan_ns_find(&plan, NAT) >= 0);
	netplan_release(&plan);
	aws_import_release(&imp);
	world_release(&w);
	export_release(&x);
}

/* Without the interfaces file: instances' and the NAT gateway's come from their own entries. */
static void test_no_interfaces(void)
{
	struct aws_import imp;
	struct export x;
	struct world w;
	struct vpce *v;
	struct eni *e;
	struct err e_ = { 0 };

	export_load(&x, "describe-network-interfaces.json");
	world_init(&w);
	CHECK_EQ(aws_import(x.files, x.n, region_find("us-east-1"), &w, &imp, &e_), 0);
	CHECK_EQ(w.n[RES_ENI], 3);
	e = AS_ENI(get(&w, ENI_A, RES_ENI));
	CHECK_STREQ(e->owner_res_id, "i-0123456789abcdef0");
	CHECK_EQ(e->private_ip, ip("10.0.1.25"));
	CHECK_STREQ(e->subnet_id, SUB_A);
	CHECK_EQ(e->n_groups, 1);
	e = AS_ENI(get(&w, "eni-0d7e8f9a0b1c2d3e4", RES_ENI));
	CHECK_EQ(e->type, ENI_NAT_GATEWAY);
	CHECK_EQ(e->public_ip, ip("52.4.180.33"));
	v = AS_VPCE(get(&w, VPCE_SQS, RES_VPCE));
	CHECK_EQ(v->n_nets, 2);
	if (v->n_nets == 2) {
		CHECK_STREQ(v->nets[1].subnet_id, SUB_B);
		CHECK_STREQ(v->nets[1].eni_id, ENI_EPB);
	}
	CHECK(strstr(imp.notes.p, "interface " ENI_EPB " is not in the export") != NULL);
	aws_import_release(&imp);
	world_release(&w);
	export_release(&x);
}

/* Every file twice: the second copy of each resource is skipped with a note. */
static void test_twice(void)
{
	struct aws_import imp;
	struct export x;
	struct world w;
	struct err e = { 0 };

	export_load(&x, NULL);
	memcpy(&x.files[x.n], x.files, x.n * sizeof(x.files[0]));
	world_init(&w);
	CHECK_EQ(aws_import(x.files, 2 * x.n, NULL, &w, &imp, &e), 0);
	CHECK_EQ(w.n[RES_VPC], 1);
	CHECK_EQ(w.n[RES_ENI], 5);
	CHECK_EQ(w.n[RES_INSTANCE], 2);
	CHECK_EQ(w.n_pls, 3);
	CHECK_EQ(imp.n_buckets, 1);
	CHECK_EQ(AS_RTB(get(&w, RTB_PRIV, RES_RTB))->n_assocs, 2);
	CHECK(strstr(imp.notes.p, VPC " appears twice") != NULL);
	aws_import_release(&imp);
	world_release(&w);
	export_release(&x);
}

static const char vpcs[] =
	"{'Vpcs':[{'VpcId':'" VPC "','CidrBlock':'10.0.0.0/16','OwnerId':'111122223333'}]}";

/* 's' with its single quotes made double, so JSON reads well in C: free the result. */
static char *dq(const char *s)
{
	char *t = xstrdup(s);

	for (char *p = t; *p; p++)
		if (*p == '\'')
			*p = '"';
	return t;
}

/*
 * Imports 'vpcs' and one file 'name' holding 'text' (quoted as dq() takes it)
 * in us-east-1 or 'region'; returns the result, 'msg' the error or notes.
 */
static int import_one(const char *name, const char *text, const char *region, char *msg,
		      size_t size)
{
	char *v = dq(vpcs), *t = dq(text);
	struct aws_file files[] = {
		{ "describe-vpcs.json", v, strlen(v) },
		{ name, t, strlen(t) },
	};
	struct aws_import imp;
	struct world w;
	struct err e = { 0 };
	int ret;

	world_init(&w);
	ret = aws_import(files, ARRAY_SIZE(files), region_find(region ? region : "us-east-1"), &w,
			 &imp, &e);
	snprintf(msg, size, "%s", ret < 0 ? e.msg : imp.notes.p);
	CHECK(ret < 0 ? imp.notes.len == 0 && imp.n_buckets == 0 : ret == 0);
	aws_import_release(&imp);
	world_release(&w);
	free(v);
	free(t);
	return ret;
}

#define SUBNETS "describe-subnets.json"
#define SGS "describe-security-groups.json"
#define VGWS "describe-vpn-gateways.json"
#define VPCES "describe-vpc-endpoints.json"
#define RTBS "describe-route-tables.json"
#define SUBNET_1(cidr, zone) \
	"{'Subnets':[{'SubnetId':'subnet-1','VpcId':'" VPC "','CidrBlock':'" cidr "'," \
	"'AvailabilityZone':'" zone "'"
#define SG_1 "{'SecurityGroups':[{'GroupId':'sg-1','VpcId':'" VPC "','IpPermissions':"
#define VPCE_1(type, svc) \
	"{'VpcEndpoints':[{'VpcEndpointId':'vpce-1','VpcEndpointType':'" type "'," \
	"'VpcId':'" VPC "','ServiceName':'com.amazonaws." svc "'"

static void test_malformed(void)
{
	static const struct {
		const char *name, *text, *msg;
	} cases[] = {
		{ SUBNETS, "{'Subnets':[{'SubnetId':'subnet-1'", SUBNETS ": line 1: " },
		{ SUBNETS, "[]", SUBNETS ": not a JSON object" },
		{ SUBNETS, "{'Subnets':{}}", SUBNETS ": Subnets: missing or not an array" },
		{ SUBNETS, "{}", SUBNETS ": Subnets: missing" },
		{ SUBNETS, "{'Subnets':[7]}", SUBNETS ": Subnets[0]: not an object" },
		{ SUBNETS, SUBNET_1("10.0.1.0/33", "us-east-1a") "}]}",
		  SUBNETS ": Subnets[0].CidrBlock: '10.0.1.0/33' is not an IPv4 CIDR" },
		{ SUBNETS, SUBNET_1("10.0.1.0/24", "us-east-1a") ",'DefaultForAz':'no'}]}",
		  SUBNETS ": Subnets[0].DefaultForAz: not true or false" },
		{ SUBNETS, "{'Subnets':[{'SubnetId':5}]}",
		  SUBNETS ": Subnets[0].SubnetId: not a string" },
		{ SUBNETS, "{'Subnets':[{'SubnetId':'subnet-\\u0000x'}]}",
		  SUBNETS ": line 1: \\u0000 is not allowed" },
		{ SGS, SG_1 "[{'IpProtocol':'tcp','FromPort':70000,'ToPort':1}]}]}",
		  SGS ": SecurityGroups[0].IpPermissions[0].FromPort: "
		      "70000 is out of range [-1, 65535]" },
		{ SGS, SG_1 "[{'IpProtocol':'tcp','FromPort':1e999}]}]}", SGS ": line 1: " },
		{ SGS, SG_1 "[{'IpProtocol':'tcp','FromPort':99999999999999999999999}]}]}",
		  SGS ": line 1: " },
		{ SGS, SG_1 "[{'IpProtocol':'gre'}]}]}",
		  SGS ": SecurityGroups[0].IpPermissions[0].IpProtocol: 'gre' is not a protocol" },
		{ VGWS, "{'VpnGateways':[{'VpnGatewayId':'vgw-1','AmazonSideAsn':4294967296}]}",
		  VGWS ": VpnGateways[0].AmazonSideAsn: 4294967296 is out of range" },
		{ VGWS, "{'VpnGateways':[{'VpnGatewayId':'vgw-1','AmazonSideAsn':1.5}]}",
		  VGWS ": VpnGateways[0].AmazonSideAsn: not an integer" },
		{ VPCES, VPCE_1("Interface", "us-east-1.sqs") ",'DnsEntries':[{'DnsName':[]}]}]}",
		  VPCES ": VpcEndpoints[0].DnsEntries[0].DnsName: not a string" },
		{ VPCES, VPCE_1("Gateway", "us-east-1.s3") ",'RouteTableIds':['rtb-1',3]}]}",
		  VPCES ": VpcEndpoints[0].RouteTableIds[1]: not a string" },
		{ "vpc-attributes/" VPC "-enableDnsSupport.json", "{'EnableDnsSupport':true}",
		  "vpc-attributes/" VPC "-enableDnsSupport.json: EnableDnsSupport: not an object" },
		{ "bucket-policies/b1.json", "{'Policy':{}}",
		  "bucket-policies/b1.json: Policy: not a string" },
		{ RTBS, "{'RouteTables':[{'RouteTableId':'rtb-1','VpcId':'" VPC "','Routes':"
			"[{'DestinationCidrBlock':'10.0.0.1/16','GatewayId':'local'}]}]}",
		  RTBS ": RouteTables[0].Routes[0].DestinationCidrBlock: "
		       "'10.0.0.1/16' has host bits set" },
	};
	char msg[4096];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK_EQ(import_one(cases[i].name, cases[i].text, NULL, msg, sizeof(msg)), -EINVAL);
		if (strncmp(msg, cases[i].msg, strlen(cases[i].msg)))
			check_fail(__FILE__, __LINE__, "case %zu: \"%s\"", i, msg);
	}
}

static void test_skipped(void)
{
	static const struct {
		const char *name, *text, *note;
	} cases[] = {
		{ SUBNETS, SUBNET_1("10.0.1.0/24", "us-west-2a") "}]}",
		  SUBNETS ": Subnets[0] (subnet-1): zone 'us-west-2a' is not one of us-east-1's" },
		{ SUBNETS, "{'Subnets':[{'SubnetId':'subnet-1','VpcId':'vpc-2',"
			   "'CidrBlock':'10.0.1.0/24','AvailabilityZone':'us-east-1a'}]}",
		  "VpcId vpc-2 is not in the export; skipped" },
		{ SUBNETS, "{'Subnets':[{'SubnetId':'subnet-0123456789abcdef0123456789abcdef0'}]}",
		  "SubnetId 'subnet-0123456789abcdef0123456789abcdef0' is not an ID vpce can "
		  "hold" },
		{ SUBNETS, SUBNET_1("10.0.1.0/30", "us-east-1a") "}]}",
		  "CidrBlock 10.0.1.0/30 is not /16 to /28" },
		{ RTBS, "{'RouteTables':[{'RouteTableId':'rtb-1','VpcId':'" VPC "','Routes':"
			"[{'DestinationIpv6CidrBlock':'::/0',"
			"'EgressOnlyInternetGatewayId':'eigw-1'}]}]}",
		  "Routes[0] (rtb-1): an IPv6 route; skipped" },
		{ VPCES, VPCE_1("GatewayLoadBalancer", "vpce.us-east-1.vpce-svc-1") "}]}",
		  "a GatewayLoadBalancer endpoint is not modelled" },
		{ "describe-instances.json",
		  "{'Reservations':[{'ReservationId':'r-1','Instances':[{'InstanceId':'i-1',"
		  "'State':{'Code':16,'Name':'running'}}]}]}",
		  "Reservations[0].Instances[0] (i-1): not in a VPC (EC2-Classic); skipped" },
		{ "describe-network-acls.json", "{}",
		  "unknown file 'describe-network-acls.json' ignored" },
		{ "vpc-attributes/" VPC "-enableNetworkAddressUsageMetrics.json", "{}",
		  "an attribute vpce does not read" },
	};
	char msg[4096];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK_EQ(import_one(cases[i].name, cases[i].text, NULL, msg, sizeof(msg)), 0);
		if (!strstr(msg, cases[i].note))
			check_fail(__FILE__, __LINE__, "case %zu: \"%s\"", i, msg);
	}
}

/* A route table whose routes lead outside vpce's model, and an edge association. */
static void test_other_targets(void)
{
	static const char rtbs[] =
		"{'RouteTables':[{'RouteTableId':'rtb-1','VpcId':'" VPC "','Routes':["
		"{'DestinationCidrBlock':'10.9.0.0/16','TransitGatewayId':'tgw-0123'},"
		"{'DestinationCidrBlock':'10.8.0.0/16','VpcPeeringConnectionId':'pcx-1'},"
		"{'DestinationCidrBlock':'10.7.0.0/16','CoreNetworkArn':"
		"'arn:aws:networkmanager::111122223333:core-network/"
		"core-network-0123456789abcdef0'},"
		"{'DestinationCidrBlock':'10.6.0.0/16','InstanceId':'i-1',"
		"'NetworkInterfaceId':'eni-1'}],"
		"'Associations':[{'RouteTableAssociationId':'rtbassoc-1','GatewayId':'igw-1',"
		"'Main':false},"
		"{'RouteTableAssociationId':'rtbassoc-2','Main':true}]}]}";
	char *v = dq(vpcs), *t = dq(rtbs);
	struct aws_file files[] = {
		{ "describe-vpcs.json", v, strlen(v) },
		{ "describe-route-tables.json", t, strlen(t) },
	};
	struct aws_import imp;
	struct world w;
	struct rtb *tb;
	struct err e = { 0 };

	world_init(&w);
	CHECK_EQ(aws_import(files, 2, region_find("eu-west-1"), &w, &imp, &e), 0);
	tb = AS_RTB(get(&w, "rtb-1", RES_RTB));
	CHECK_EQ(tb->n_routes, 4);
	CHECK_EQ(tb->n_assocs, 1);
	if (tb->n_routes == 4 && tb->n_assocs == 1) {
		CHECK_EQ(tb->routes[0].target, TARGET_OTHER);
		CHECK_STREQ(tb->routes[0].target_id, "tgw-0123");
		CHECK_EQ(tb->routes[1].target, TARGET_OTHER);
		CHECK_STREQ(tb->routes[2].target_id, "core-network-0123456789abcdef0");
		CHECK_EQ(tb->routes[3].target, TARGET_INSTANCE);
		CHECK_STREQ(tb->routes[3].target_id, "i-1");
		CHECK(tb->assocs[0].main);
		CHECK_STREQ(tb->assocs[0].subnet_id, "");
	}
	CHECK_STREQ(AS_VPC(get(&w, VPC, RES_VPC))->main_rtb_id, "rtb-1");
	CHECK(strstr(imp.notes.p, "an edge association (gateway 'igw-1')") != NULL);
	CHECK(strstr(imp.notes.p, "target i-1 of the route to 10.6.0.0/16 is not in the") != NULL);
	CHECK_STREQ(imp.region->name, "eu-west-1");
	aws_import_release(&imp);
	world_release(&w);
	free(v);
	free(t);
}

static void test_region(void)
{
	static const char eps[] = VPCE_1("Gateway", "eu-west-1.s3") "}]}";
	char *v = dq(vpcs), *t = dq(eps);
	struct aws_file files[] = {
		{ "describe-vpcs.json", v, strlen(v) },
		{ "describe-vpc-endpoints.json", t, strlen(t) },
	};
	struct aws_import imp;
	struct world w;
	struct err e = { 0 };

	world_init(&w);
	CHECK_EQ(aws_import(files, 1, NULL, &w, &imp, &e), -EINVAL);
	CHECK_STREQ(e.msg, "cannot tell the region: give --region");
	world_release(&w);
	world_init(&w);
	CHECK_EQ(aws_import(files, 2, NULL, &w, &imp, &e), 0);
	CHECK(imp.region && !strcmp(imp.region->name, "eu-west-1"));
	CHECK_EQ(AS_VPCE(get(&w, "vpce-1", RES_VPCE))->type, VPCE_GATEWAY);
	aws_import_release(&imp);
	aws_import_release(&imp);
	world_release(&w);
	CHECK_EQ(aws_import(NULL, 0, NULL, &w, &imp, &e), -EINVAL);
	world_release(&w);
	free(v);
	free(t);
}

/* Every prefix of every file of the export: each fails or imports, none crashes. */
static void test_truncated(void)
{
	struct aws_import imp;
	struct export x;
	struct world w;
	struct err e;

	export_load(&x, NULL);
	for (size_t i = 0; i < x.n; i++) {
		size_t len = x.files[i].len;

		for (size_t cut = 0; cut + 1 < len; cut += 1 + cut / 8) {
			x.files[i].len = cut;
			world_init(&w);
			CHECK_EQ(aws_import(x.files, x.n, NULL, &w, &imp, &e), -EINVAL);
			aws_import_release(&imp);
			world_release(&w);
		}
		x.files[i].len = len;
	}
	export_release(&x);
}

/* A value AWS would never print where 'k' says, in turn. */
static json_t *hostile(unsigned k)
{
	switch (k % 10) {
	case 0: return json_null();
	case 1: return json_integer(-1);
	case 2: return json_string("");
	case 3: return json_array();
	case 4: return json_object();
	case 5: return json_true();
	case 6: return json_integer(99999999999LL);
	case 7: return json_string("999.1.1.1/99");
	case 8: return json_string("vpc-0123456789abcdef0123456789abcdef0123456789");
	default: return json_string(VPC);
	}
}

struct sweep {
	struct export x;
	size_t file;
	json_t *doc;
	unsigned k, runs, taken;
};

static void sweep_run(struct sweep *sw)
{
	char *text = json_dumps(sw->doc, JSON_COMPACT);
	struct aws_import imp;
	struct world w;
	struct err e = { 0 };
	int ret;

	sw->x.files[sw->file].text = text;
	sw->x.files[sw->file].len = strlen(text);
	world_init(&w);
	ret = aws_import(sw->x.files, sw->x.n, NULL, &w, &imp, &e);
	CHECK(ret == 0 || (ret == -EINVAL && e.msg[0]));
	sw->runs++;
	sw->taken += ret == 0;
	aws_import_release(&imp);
	world_release(&w);
	free(text);
}

/* Replaces every value under 'v' in turn, then walks into it. */
static void sweep_walk(struct sweep *sw, json_t *v)
{
	const char *key;
	json_t *child;
	void *it;

	if (json_is_object(v)) {
		json_object_foreach_safe(v, it, key, child) {
			json_incref(child);
			json_object_set_new(v, key, hostile(sw->k++));
			sweep_run(sw);
			json_object_set_new(v, key, child);
			sweep_walk(sw, child);
		}
	}
	for (size_t i = 0; json_is_array(v) && i < json_array_size(v); i++) {
		child = json_incref(json_array_get(v, i));
		json_array_set_new(v, i, hostile(sw->k++));
		sweep_run(sw);
		json_array_set_new(v, i, child);
		sweep_walk(sw, child);
	}
}

/* Every value of every file, replaced by a value of another type or out of range. */
static void test_hostile(void)
{
	struct sweep sw = { .k = 0 };

	export_load(&sw.x, NULL);
	for (sw.file = 0; sw.file < sw.x.n; sw.file++) {
		struct aws_file keep = sw.x.files[sw.file];

		sw.doc = json_loadb(keep.text, keep.len, 0, NULL);
		CHECK(sw.doc != NULL);
		sweep_walk(&sw, sw.doc);
		json_decref(sw.doc);
		sw.x.files[sw.file] = keep;
	}
	CHECK(sw.runs > 500);
	CHECK(sw.taken > 100 && sw.taken < sw.runs);
	export_release(&sw.x);
}

void test_reach_awsjson(void)
{
	test_basic();
	test_no_interfaces();
	test_twice();
	test_malformed();
	test_skipped();
	test_other_targets();
	test_region();
	test_truncated();
	test_hostile();
}
