/* SPDX-License-Identifier: MIT */
/*
 * The analyzer (src/reach) and the resolver views (core/dnsview.c) on worlds
 * built with the ops: the answers of each view, the walk's verdicts and the
 * hop that decides, bad questions, the JSON and text forms, and every lint
 * finding raised where it applies and not where it does not.
 */
#include "compat.h"
#include "check.h"

#include "core/dnsview.h"
#include "core/host_ops.h"
#include "core/net_ops.h"
#include "core/svcnet.h"
#include "reach/reach.h"
#include "world_fixture.h"

void test_reach(void);

struct net {
	struct fixture f;
	struct vpc *vpc;
	struct subnet *a, *b;
	struct rtb *priv;
	struct sg *ep_sg;
	struct instance *ia, *ib;
	struct vpce *sqs, *s3;
};

static struct subnet *mk_subnet(struct net *n, const char *cidr, const char *az)
{
	struct subnet *s = fixture_subnet(&n->f, n->vpc->res.id, cidr, az);

	CHECK(s != NULL);
	return s;
}

static struct instance *launch_with(struct net *n, struct subnet *s, int public_ip)
{
	size_t first = 0;

	CHECK_EQ(instance_launch(&n->f.w, &n->f.cx,
				 &(struct instance_launch_req){ .image_id = "ami-0123456789abcdef0",
								.min_count = 1, .max_count = 1,
								.subnet_id = s->res.id,
								.public_ip = public_ip },
				 &first, &n->f.e), 0);
	return AS_INSTANCE(n->f.w.items[RES_INSTANCE][first]);
}

static struct instance *launch(struct net *n, struct subnet *s)
{
	return launch_with(n, s, 0);
}

static void allow_port(struct net *n, struct sg *g, int port, const char *cidr)
{
	struct sg_peer_spec peer = { .kind = PEER_CIDR, .value = cidr };
	struct sg_perm_spec perm = { .protocol = "tcp", .has_from = true, .has_to = true,
				     .from = port, .to = port, .peers = &peer, .n_peers = 1 };
	struct sg *out;
	size_t first;

	CHECK_EQ(sg_authorize(&n->f.w, &n->f.cx, g->res.id, false, &perm, 1, &out, &first,
			      &n->f.e), 0);
}

static void allow_443(struct net *n, struct sg *g, const char *cidr)
{
	allow_port(n, g, 443, cidr);
}

/* A VPC with two private subnets (zones a and b) sharing a table, an instance in each. */
static void build(struct net *n)
{
	struct world *w = &n->f.w;
	struct ctx *cx = &n->f.cx;
	char assoc[ID_SIZE];

	fixture_init(&n->f);
	CHECK_EQ(vpc_create(w, cx, &(struct vpc_create_req){ .cidr = "10.0.0.0/16" }, &n->vpc,
			    &n->f.e), 0);
	CHECK_EQ(vpc_set_attribute(w, cx, n->vpc->res.id, "enableDnsHostnames", true, &n->f.e), 0);
	n->a = mk_subnet(n, "10.0.1.0/24", "us-east-1a");
	n->b = mk_subnet(n, "10.0.2.0/24", "us-east-1b");
	CHECK_EQ(rtb_create(w, cx, n->vpc->res.id, &n->priv, &n->f.e), 0);
	CHECK_EQ(rtb_associate(w, cx, n->priv->res.id, n->a->res.id, assoc, &n->f.e), 0);
	CHECK_EQ(rtb_associate(w, cx, n->priv->res.id, n->b->res.id, assoc, &n->f.e), 0);
	CHECK_EQ(sg_create(w, cx, &(struct sg_create_req){ .vpc_id = n->vpc->res.id, .name = "ep",
							   .description = "ep" },
			   &n->ep_sg, &n->f.e), 0);
	allow_443(n, n->ep_sg, "10.0.0.0/16");
	n->ia = launch(n, n->a);
	n->ib = launch(n, n->b);
}

static void add_sqs(struct net *n)
{
	const char *subnets[] = { n->a->res.id, n->b->res.id };
	const char *groups[] = { n->ep_sg->res.id };

	CHECK_EQ(vpce_create(&n->f.w, &n->f.cx,
			     &(struct vpce_create_req){ .vpc_id = n->vpc->res.id,
							.service_name = "com.amazonaws.us-east-1.sqs",
							.type = "Interface", .subnets = subnets,
							.n_subnets = 2, .groups = groups,
							.n_groups = 1, .private_dns = -1 },
			     &n->sqs, &n->f.e), 0);
}

static void add_s3(struct net *n)
{
	const char *rtbs[] = { n->priv->res.id };

	CHECK_EQ(vpce_create(&n->f.w, &n->f.cx,
			     &(struct vpce_create_req){ .vpc_id = n->vpc->res.id,
							.service_name = "com.amazonaws.us-east-1.s3",
							.rtbs = rtbs, .n_rtbs = 1, .private_dns = -1 },
			     &n->s3, &n->f.e), 0);
}

/* Explains one question on 'port'; returns the blocking point (REACH_NONE: reachable). */
static enum reach_block ask_port(struct net *n, const char *from, const char *to, int port,
				 int proto, struct reach_result *res)
{
	struct reach *rx = NULL;
	struct err e = { 0 };
	int ret;

	CHECK_EQ(reach_new(&(struct reach_input){ .w = &n->f.w, .region = n->f.cx.region }, &rx,
			   &e), 0);
	ret = reach_explain(rx, &(struct reach_query){ .from = from, .to = to, .port = port,
						       .proto = proto },
			    res, &e);
	CHECK_EQ(ret, 0);
	if (ret < 0)
		fprintf(stderr, "reach_explain %s -> %s: %s\n", from, to, e.msg);
	reach_free(rx);
	return res->blocked_at;
}

static enum reach_block ask(struct net *n, const char *from, const char *to, int proto,
			    struct reach_result *res)
{
	return ask_port(n, from, to, 0, proto, res);
}

static const struct reach_hop *blocking(const struct reach_result *res)
{
	for (size_t i = 0; i < res->n_hops; i++)
		if (res->hops[i].blocking)
			return &res->hops[i];
	return NULL;
}

static void test_views(void)
{
	struct net n;
	struct netindex ix;
	struct dns_answer a;
	char name[DNS_NAME_SIZE];
	const struct region *rg = region_find("us-east-1");
	const struct service *sqs = catalog_find("sqs");

	build(&n);
	add_sqs(&n);
	netindex_build(&ix, &n.f.w);
	netindex_build_addresses(&ix, &n.f.w);
	/* Private DNS: both zones' ENIs, in this VPC only; the public view gives the service. */
	CHECK_EQ(dnsview_resolve(&n.f.w, &ix, rg, n.vpc, "SQS.us-east-1.amazonaws.com.", &a), 0);
	CHECK_EQ(a.how, DNS_PRIVATE_ZONE);
	CHECK_EQ(a.n, 2);
	CHECK(a.vpce == n.sqs);
	CHECK_EQ(dnsview_resolve(&n.f.w, &ix, rg, NULL, "sqs.us-east-1.amazonaws.com", &a), 0);
	CHECK_EQ(a.how, DNS_PUBLIC);
	CHECK_EQ(a.addrs[0], svcnet_service_ip(&n.f.w, rg, sqs));
	/* Zonal names: their zone's ENI only, from any view. */
	CHECK_EQ(catalog_endpoint_dns_name(sqs, rg, n.sqs->res.id, n.sqs->dns_suffix, 1, name), 0);
	CHECK_EQ(dnsview_resolve(&n.f.w, &ix, rg, NULL, name, &a), 0);
	CHECK_EQ(a.how, DNS_ENDPOINT_NAME);
	CHECK_EQ(a.n, 1);
	CHECK_EQ(a.az, 1);
	CHECK(a.enis[0] && !strcmp(a.enis[0]->subnet_id, n.b->res.id));
	/* Instance names need enableDnsHostnames; nothing answers without enableDnsSupport. */
	snprintf(name, sizeof(name), "ip-10-0-1-%u.ec2.internal", n.ia->private_ip & 0xff);
	CHECK_EQ(dnsview_resolve(&n.f.w, &ix, rg, n.vpc, name, &a), 0);
	CHECK_EQ(a.how, DNS_INSTANCE_NAME);
	CHECK_EQ(a.addrs[0], n.ia->private_ip);
	/* Only the exact form: no leading zeros, no other suffix, no fifth octet; any case. */
	{
		unsigned d = n.ia->private_ip & 0xff;
		const char *bad[] = { "ip-010-0-1-%u.ec2.internal", "ip-10-0-1-%u.compute.internal",
				      "ip-10-0-1-%u.us-east-1.compute.internal", "ip-10-0-1-%u-1.ec2.internal",
				      "ip-10-0-1-%u.ec2.internal.x", "ip-10-0-1-%u", "ip-10-0-1-%u0000.ec2.internal",
				      "ip-10-0-1.ec2.internal%u" };

		for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
			snprintf(name, sizeof(name), bad[i], d);
			CHECK_EQ(dnsview_resolve(&n.f.w, &ix, rg, n.vpc, name, &a), 0);
			CHECK_EQ(a.how, DNS_NXDOMAIN);
		}
		snprintf(name, sizeof(name), "IP-10-0-1-%u.EC2.Internal", d);
		CHECK_EQ(dnsview_resolve(&n.f.w, &ix, rg, n.vpc, name, &a), 0);
		CHECK_EQ(a.how, DNS_INSTANCE_NAME);
		snprintf(name, sizeof(name), "ip-10-0-1-%u.ec2.internal", d);
	}
	n.vpc->dns_hostnames = false;
	CHECK_EQ(dnsview_resolve(&n.f.w, &ix, rg, n.vpc, name, &a), 0);
	CHECK_EQ(a.how, DNS_NXDOMAIN);
	CHECK_EQ(dnsview_resolve(&n.f.w, &ix, rg, n.vpc, "sqs.us-east-1.amazonaws.com", &a), 0);
	CHECK_EQ(a.how, DNS_PUBLIC);
	CHECK(a.bypassed == n.sqs && a.attrs_block);
	n.vpc->dns_support = false;
	CHECK_EQ(dnsview_resolve(&n.f.w, &ix, rg, n.vpc, "sqs.us-east-1.amazonaws.com", &a), 0);
	CHECK_EQ(a.how, DNS_NO_RESOLVER);
	/* Other regions' names are public; malformed names are refused. */
	CHECK_EQ(dnsview_resolve(&n.f.w, &ix, rg, NULL, "b.s3.eu-west-1.amazonaws.com", &a), 0);
	CHECK_EQ(a.how, DNS_PUBLIC);
	CHECK(a.svc_region == region_find("eu-west-1"));
	CHECK_EQ(dnsview_resolve(&n.f.w, &ix, rg, NULL, "example.com", &a), 0);
	CHECK_EQ(a.how, DNS_NXDOMAIN);
	CHECK_EQ(dnsview_resolve(&n.f.w, &ix, rg, NULL, "bad name", &a), -EINVAL);
	CHECK_EQ(dnsview_resolve(&n.f.w, &ix, rg, NULL, "", &a), -EINVAL);
	netindex_release(&ix);
	fixture_release(&n.f);
}

static void test_walks(void)
{
	struct reach_result res;
	struct net n;
	char ip[IP4_STRLEN];

	build(&n);
	/* No route to S3 until the gateway endpoint's route is in the table. */
	CHECK_EQ(ask(&n, n.ia->res.id, "s3://bucket/key", 0, &res), REACH_ROUTE);
	add_s3(&n);
	CHECK_EQ(ask(&n, n.ia->res.id, "s3://bucket/key", 0, &res), REACH_NONE);
	CHECK_STREQ(res.ctx_key[0], "aws:SourceVpce");
	CHECK_STREQ(res.ctx_value[0], n.s3->res.id);
	CHECK_EQ(ask(&n, n.ia->res.id, "b.s3.eu-west-1.amazonaws.com", 0, &res), REACH_REGION);
	CHECK_EQ(ask(&n, n.ia->res.id, "s3://bucket/key", 17, &res), REACH_PROTOCOL);
	/* Interface endpoint: private DNS, TCP only, its group decides. */
	add_sqs(&n);
	CHECK_EQ(ask(&n, n.ib->res.id, "sqs.us-east-1.amazonaws.com", 0, &res), REACH_NONE);
	CHECK_EQ(res.how, DNS_PRIVATE_ZONE);
	CHECK_EQ(res.addr >> 8, 0x0A000200u >> 8);	/* its own zone's ENI */
	CHECK_EQ(ask(&n, n.ia->res.id, "sqs.us-east-1.amazonaws.com", 17, &res), REACH_PROTOCOL);
	/*
	 * Plain HTTP only where AWS's services take it (S3, DynamoDB): the
	 * region refuses port 80 at SQS's addresses, and so does explain.
	 */
	allow_port(&n, n.ep_sg, 80, "10.0.0.0/16");
	CHECK_EQ(ask_port(&n, n.ib->res.id, "sqs.us-east-1.amazonaws.com", 80, 6, &res), REACH_PROTOCOL);
	CHECK_EQ(ask_port(&n, n.ib->res.id, "sqs.us-east-1.amazonaws.com", 8080, 6, &res),
		 REACH_PROTOCOL);
	n.ep_sg->n_rules = 0;	/* its rules are gone: no ingress at all */
	CHECK_EQ(ask(&n, n.ia->res.id, "sqs.us-east-1.amazonaws.com", 0, &res), REACH_SG_INGRESS);
	CHECK(blocking(&res) && !strcmp(blocking(&res)->id, n.ep_sg->res.id));
	CHECK(res.fix[0]);
	/* Instance to instance over the local route; an address nobody has. */
	ip4_fmt(n.ib->private_ip, ip);
	CHECK_EQ(ask(&n, n.ia->res.id, ip, 0, &res), REACH_NONE);	/* the default group admits its members */
	CHECK_STREQ(res.hops[res.n_hops - 1].component, "destination");
	CHECK_EQ(ask(&n, n.ia->res.id, "10.0.2.200", 0, &res), REACH_ROUTE);
	CHECK_EQ(ask(&n, n.ia->res.id, "10.0.77.1", 0, &res), REACH_ROUTE);
	CHECK_EQ(ask(&n, n.ia->res.id, "192.0.2.1", 0, &res), REACH_ROUTE);
	fixture_release(&n.f);
}

static void route(struct net *n, bool add, const char *rtb_id, const char *cidr, const char *gw)
{
	struct route_req req = { .rtb_id = rtb_id, .dest_cidr = cidr, .gateway_id = gw };

	CHECK_EQ((add ? route_create : route_delete)(&n->f.w, &n->f.cx, &req, &n->f.e), 0);
}

/*
 * Answers leave by the route table of the receiver's subnet: a connection
 * needs it to send them back the way the request came (tests/netns/118
 * found explain saying reachable where the answers went elsewhere).
 */
static void test_answers(void)
{
	struct reach_result res;
	struct instance *src, *dst;
	struct subnet *c;
	struct igw *igw;
	struct vgw *vgw;
	const char *main_id;
	struct sg *def;
	char ip[IP4_STRLEN], ep_ip[IP4_STRLEN];
	struct net n;

	build(&n);
	main_id = n.vpc->main_rtb_id;
	def = AS_SG(world_get(&n.f.w, n.vpc->default_sg_id, RES_SG));
	allow_443(&n, def, "0.0.0.0/0");
	CHECK_EQ(igw_create(&n.f.w, &n.f.cx, &igw, &n.f.e), 0);
	CHECK_EQ(igw_attach(&n.f.w, &n.f.cx, igw->res.id, n.vpc->res.id, &n.f.e), 0);
	route(&n, true, n.priv->res.id, "0.0.0.0/0", igw->res.id);
	c = mk_subnet(&n, "10.0.3.0/24", "us-east-1c");	/* on the main table */
	src = launch_with(&n, n.a, 1);
	dst = launch_with(&n, c, 1);
	/* From the internet to a public address: the answers need the internet gateway. */
	ip4_fmt(AS_ENI(world_get(&n.f.w, dst->eni_id, RES_ENI))->public_ip, ip);
	CHECK_EQ(ask(&n, src->res.id, ip, 0, &res), REACH_ROUTE);
	CHECK(blocking(&res) && !strcmp(blocking(&res)->id, main_id));
	CHECK(strstr(res.fix, "--gateway-id igw-"));
	route(&n, true, main_id, "0.0.0.0/0", igw->res.id);
	CHECK_EQ(ask(&n, src->res.id, ip, 0, &res), REACH_NONE);
	/* From on premises: the answers need the virtual private gateway. */
	CHECK_EQ(vgw_create(&n.f.w, &n.f.cx, &(struct vgw_create_req){ .type = "ipsec.1", .asn = -1 },
			    &vgw, &n.f.e), 0);
	CHECK_EQ(vgw_attach(&n.f.w, &n.f.cx, vgw->res.id, n.vpc->res.id, &n.f.e), 0);
	route(&n, true, n.priv->res.id, "172.16.0.0/12", vgw->res.id);
	ip4_fmt(dst->private_ip, ip);
	CHECK_EQ(ask(&n, "172.16.0.1", ip, 0, &res), REACH_ROUTE);	/* main: to the igw */
	CHECK(blocking(&res) && !strcmp(blocking(&res)->id, main_id));
	route(&n, true, main_id, "172.16.0.0/12", vgw->res.id);
	CHECK_EQ(ask(&n, "172.16.0.1", ip, 0, &res), REACH_NONE);
	/* ... an interface endpoint's too, by the table of its ENI's subnet. */
	add_sqs(&n);
	allow_443(&n, n.ep_sg, "172.16.0.0/12");
	ip4_fmt(AS_ENI(world_get(&n.f.w, n.sqs->nets[0].eni_id, RES_ENI))->private_ip, ep_ip);
	CHECK_EQ(ask(&n, "172.16.0.1", ep_ip, 0, &res), REACH_NONE);
	route(&n, false, n.priv->res.id, "172.16.0.0/12", NULL);
	CHECK_EQ(ask(&n, "172.16.0.1", ep_ip, 0, &res), REACH_ROUTE);
	CHECK(blocking(&res) && !strcmp(blocking(&res)->id, n.priv->res.id));
	/* Between subnets the answers take the local route back. */
	ip4_fmt(src->private_ip, ip);
	CHECK_EQ(ask(&n, dst->res.id, ip, 0, &res), REACH_NONE);
	fixture_release(&n.f);
}

/*
 * A more specific route that sends a subnet's block to a middlebox takes
 * other subnets' traffic there, and their answers; within the subnet
 * nothing is routed (tests/netns/118 found explain sending an instance's
 * packets to its own subnet's neighbour through the middlebox).
 */
static void test_middlebox(void)
{
	struct reach_result res;
	struct instance *a2;
	char ip[IP4_STRLEN];
	struct net n;

	build(&n);
	a2 = launch(&n, n.a);
	CHECK_EQ(route_create(&n.f.w, &n.f.cx,
			      &(struct route_req){ .rtb_id = n.priv->res.id, .dest_cidr = "10.0.1.0/24",
						   .instance_id = n.ib->res.id },
			      &n.f.e), 0);
	ip4_fmt(n.ia->private_ip, ip);
	CHECK_EQ(ask(&n, a2->res.id, ip, 0, &res), REACH_NONE);
	CHECK_EQ(ask(&n, n.ib->res.id, ip, 0, &res), REACH_ROUTE);	/* to the middlebox */
	CHECK(blocking(&res) && !strcmp(blocking(&res)->id, n.ib->res.id));
	ip4_fmt(n.ib->private_ip, ip);
	CHECK_EQ(ask(&n, n.ia->res.id, ip, 0, &res), REACH_ROUTE);	/* the answers go there */
	CHECK(blocking(&res) && !strcmp(blocking(&res)->id, n.priv->res.id));
	/*
	 * A route whose target is the destination itself delivers there, both
	 * ways (tests/netns/118, SEED=105: the answers' "middlebox" was the
	 * instance they were for).
	 */
	route(&n, false, n.priv->res.id, "10.0.1.0/24", NULL);
	CHECK_EQ(route_create(&n.f.w, &n.f.cx,
			      &(struct route_req){ .rtb_id = n.priv->res.id, .dest_cidr = "10.0.1.0/24",
						   .instance_id = n.ia->res.id },
			      &n.f.e), 0);
	CHECK_EQ(ask(&n, n.ia->res.id, ip, 0, &res), REACH_NONE);
	ip4_fmt(n.ia->private_ip, ip);
	CHECK_EQ(ask(&n, n.ib->res.id, ip, 0, &res), REACH_NONE);
	CHECK_EQ(ask(&n, n.ib->res.id, "10.0.1.200", 0, &res), REACH_ROUTE);	/* others: a middlebox */
	fixture_release(&n.f);
}

static void test_bad_questions(void)
{
	static const struct {
		const char *from, *to;
		int port, proto;
	} bad[] = {
		{ "i-0000000000000000a", "10.0.1.1", 0, 0 },
		{ "eni-0000000000000000a", "10.0.1.1", 0, 0 },
		{ "10.1.2.3", "10.0.1.1", 0, 0 },	/* no ENI, no vgw */
		{ "nonsense", "10.0.1.1", 0, 0 },
		{ NULL, "10.0.1.1", 0, 0 },
		{ "INSTANCE", NULL, 0, 0 },
		{ "INSTANCE", "s3://", 0, 0 },
		{ "INSTANCE", "s3://UPPER", 0, 0 },
		{ "INSTANCE", "arn:aws:dynamodb:us-east-1", 0, 0 },
		{ "INSTANCE", "bad name!", 0, 0 },
		{ "INSTANCE", "10.0.1.1", 70000, 0 },
		{ "INSTANCE", "10.0.1.1", 0, 1 },
	};
	struct reach_result res;
	struct reach *rx = NULL;
	struct err e = { 0 };
	struct net n;

	build(&n);
	CHECK_EQ(reach_new(&(struct reach_input){ .w = &n.f.w, .region = n.f.cx.region }, &rx, &e), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *from = bad[i].from && !strcmp(bad[i].from, "INSTANCE") ? n.ia->res.id :
				   bad[i].from;
		struct reach_query q = { .from = from, .to = bad[i].to, .port = bad[i].port,
					 .proto = bad[i].proto };

		e.msg[0] = '\0';
		CHECK_EQ(reach_explain(rx, &q, &res, &e), -EINVAL);
		CHECK(e.msg[0]);
	}
	/* A policy that does not compile is refused when the analyzer is made. */
	reach_free(rx);
	rx = NULL;
	{
		struct reach_doc doc = { .name = "b", .text = "{", .len = 1 };

		CHECK_EQ(reach_new(&(struct reach_input){ .w = &n.f.w, .region = n.f.cx.region,
							  .buckets = &doc, .n_buckets = 1 },
				   &rx, &e), -EINVAL);
		CHECK(rx == NULL);
	}
	fixture_release(&n.f);
}

static void test_forms(void)
{
	struct reach_result res;
	struct buf b;
	struct net n;

	buf_init(&b, 1 << 20);
	build(&n);
	n.vpc->dns_support = false;
	CHECK_EQ(ask(&n, n.ia->res.id, "sqs.us-east-1.amazonaws.com", 0, &res), REACH_DNS);
	reach_result_text(&res, &b);
	CHECK(!strncmp(b.p, "BLOCKED at dns\n", 15));
	CHECK(strstr(b.p, "\n  X dns "));
	CHECK(strstr(b.p, "\nfix: aws ec2 modify-vpc-attribute --vpc-id "));
	buf_reset(&b);
	reach_result_json(&res, &b);
	CHECK(strstr(b.p, "\"verdict\": \"blocked\", \"blocked_at\": \"dns\""));
	CHECK(strstr(b.p, "\"answer\": \"no-resolver\""));
	CHECK(strstr(b.p, "\"address\": null"));
	buf_release(&b);
	fixture_release(&n.f);
}

static bool has(const struct lint_findings *f, const char *id, const char *resource)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].id, id) && (!resource || !strcmp(f->v[i].resource, resource)))
			return true;
	return false;
}

static void lint(struct net *n, const struct reach_doc *buckets, size_t nb,
		 struct lint_findings *f)
{
	struct reach *rx = NULL;
	struct err e = { 0 };

	lint_findings_release(f);
	CHECK_EQ(reach_new(&(struct reach_input){ .w = &n->f.w, .region = n->f.cx.region,
						  .buckets = buckets, .n_buckets = nb },
			   &rx, &e), 0);
	reach_lint(rx, f);
	reach_free(rx);
}

static void test_lint(void)
{
	static const char restricted[] =
		"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\","
		"\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":"
		"{\"aws:SourceVpce\":\"vpce-0123456789abcdef0\"}}}]}";
	static const char leaky[] =
		"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
		"\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"IpAddress\":"
		"{\"aws:SourceIp\":\"203.0.113.0/24\"}}}]}";
	struct reach_doc docs[] = { { "good", restricted, sizeof(restricted) - 1 },
				    { "leaky", leaky, sizeof(leaky) - 1 } };
	struct lint_findings f = { 0 };
	struct subnet *c;
	struct sg_peer_spec peer = { .kind = PEER_CIDR, .value = "0.0.0.0/0" };
	struct sg_perm_spec perm = { .protocol = "tcp", .has_from = true, .has_to = true,
				     .from = 443, .to = 443, .peers = &peer, .n_peers = 1 };
	struct sg *out;
	size_t first;
	struct net n;

	build(&n);
	add_sqs(&n);
	lint(&n, NULL, 0, &f);
	CHECK(!has(&f, "endpoint-single-az", NULL));
	CHECK(!has(&f, "endpoint-sg-blocks-https", NULL));
	CHECK(!has(&f, "endpoint-sg-open-to-world", NULL));
	CHECK(!has(&f, "private-dns-disabled", NULL));
	CHECK(has(&f, "endpoint-policy-full-access", n.sqs->res.id));
	c = mk_subnet(&n, "10.0.3.0/24", "us-east-1c");
	lint(&n, NULL, 0, &f);
	CHECK(has(&f, "endpoint-single-az", n.sqs->res.id));
	n.sqs->private_dns = false;
	lint(&n, NULL, 0, &f);
	CHECK(has(&f, "private-dns-disabled", n.sqs->res.id));
	n.sqs->private_dns = true;
	n.vpc->dns_hostnames = false;
	lint(&n, NULL, 0, &f);
	CHECK(has(&f, "dns-attributes-block-private-dns", n.vpc->res.id));
	n.vpc->dns_hostnames = true;
	CHECK_EQ(sg_authorize(&n.f.w, &n.f.cx, n.ep_sg->res.id, false, &perm, 1, &out, &first,
			      &n.f.e), 0);
	lint(&n, NULL, 0, &f);
	CHECK(has(&f, "endpoint-sg-open-to-world", n.ep_sg->res.id));
	n.ep_sg->n_rules = 0;
	lint(&n, NULL, 0, &f);
	CHECK(has(&f, "endpoint-sg-blocks-https", NULL));
	/* Gateway endpoints: missing, unassociated, bypassed, from on premises. */
	{
		struct igw *igw;
		struct rtb *main_t = AS_RTB(world_get(&n.f.w, n.vpc->main_rtb_id, RES_RTB));
		struct vgw *vgw;

		CHECK_EQ(igw_create(&n.f.w, &n.f.cx, &igw, &n.f.e), 0);
		CHECK_EQ(igw_attach(&n.f.w, &n.f.cx, igw->res.id, n.vpc->res.id, &n.f.e), 0);
		CHECK_EQ(route_create(&n.f.w, &n.f.cx,
				      &(struct route_req){ .rtb_id = main_t->res.id,
							   .dest_cidr = "0.0.0.0/0",
							   .gateway_id = igw->res.id },
				      &n.f.e), 0);
		(void)c;
		lint(&n, NULL, 0, &f);
		CHECK(has(&f, "gateway-endpoint-missing", main_t->res.id));
		add_s3(&n);
		lint(&n, NULL, 0, &f);
		CHECK(has(&f, "gateway-endpoint-unassociated", main_t->res.id));
		CHECK(!has(&f, "gateway-endpoint-unassociated", n.priv->res.id));
		CHECK(!has(&f, "route-bypasses-gateway-endpoint", NULL));
		CHECK_EQ(route_create(&n.f.w, &n.f.cx,
				      &(struct route_req){ .rtb_id = n.priv->res.id,
							   .dest_cidr = "198.18.0.0/30",
							   .gateway_id = igw->res.id },
				      &n.f.e), 0);
		lint(&n, NULL, 0, &f);
		CHECK(has(&f, "route-bypasses-gateway-endpoint", n.priv->res.id));
		CHECK(!has(&f, "gateway-endpoint-from-onprem", NULL));
		CHECK_EQ(vgw_create(&n.f.w, &n.f.cx,
				    &(struct vgw_create_req){ .type = "ipsec.1", .asn = -1 }, &vgw,
				    &n.f.e), 0);
		CHECK_EQ(vgw_attach(&n.f.w, &n.f.cx, vgw->res.id, n.vpc->res.id, &n.f.e), 0);
		lint(&n, NULL, 0, &f);
		CHECK(has(&f, "gateway-endpoint-from-onprem", n.s3->res.id));
	}
	/* Buckets: keyed on aws:SourceVpce, or leaky and keyed on aws:SourceIp. */
	lint(&n, docs, 2, &f);
	CHECK(!has(&f, "bucket-not-restricted-to-endpoint", "good"));
	CHECK(has(&f, "bucket-not-restricted-to-endpoint", "leaky"));
	CHECK(has(&f, "sourceip-condition-breaks-endpoint", "leaky"));
	CHECK(!has(&f, "sourceip-condition-breaks-endpoint", "good"));
	lint_findings_release(&f);
	fixture_release(&n.f);
}

/* A principal's own policies, as the analyzer reads them from the state. */
static void test_principal_documents(void)
{
	static const char allow_get[] = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
					"\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";
	struct iam_caller c = { .n_policies = 0 };
	struct reach_doc docs[IAM_CALLER_POLICIES];
	struct reach_query q = { .to = "s3://bucket/key", .principal = "arn:aws:iam::111122223333:user/a",
				 .action = "s3:GetObject" };
	struct reach_result res;
	struct reach *rx = NULL;
	struct err e = { 0 };
	struct net n;

	build(&n);
	add_s3(&n);
	q.from = n.ia->res.id;
	/* None: nothing is allowed. */
	CHECK_EQ(reach_caller_documents(&c, docs), 1);
	CHECK_EQ(reach_new(&(struct reach_input){ .w = &n.f.w, .region = n.f.cx.region,
						 .identity = docs, .n_identity = 1 }, &rx, &e), 0);
	CHECK_EQ(reach_explain(rx, &q, &res, &e), 0);
	CHECK_EQ(res.blocked_at, REACH_IDENTITY_POLICY);
	reach_free(rx);
	/* One that allows the action. */
	c.policies[c.n_policies++] = allow_get;
	CHECK_EQ(reach_caller_documents(&c, docs), 1);
	CHECK_STREQ(docs[0].text, allow_get);
	CHECK_EQ(reach_new(&(struct reach_input){ .w = &n.f.w, .region = n.f.cx.region,
						 .identity = docs, .n_identity = 1 }, &rx, &e), 0);
	CHECK_EQ(reach_explain(rx, &q, &res, &e), 0);
	CHECK_EQ(res.blocked_at, REACH_NONE);
	reach_free(rx);

	/* A queue of another account: the backend's, decided as the caller's own, as the front does. */
	add_sqs(&n);
	q = (struct reach_query){ .from = n.ib->res.id, .to = "sqs.us-east-1.amazonaws.com",
				  .principal = "arn:aws:iam::111122223333:user/a", .action = "sqs:SendMessage",
				  .resource = "arn:aws:sqs:us-east-1:444455556666:jobs" };
	CHECK_EQ(reach_new(&(struct reach_input){ .w = &n.f.w, .region = n.f.cx.region }, &rx, &e), 0);
	CHECK_EQ(reach_explain(rx, &q, &res, &e), 0);
	CHECK_EQ(res.blocked_at, REACH_NONE);
	for (size_t i = 0; i < res.n_hops; i++)
		if (!strcmp(res.hops[i].component, "resource-policy"))
			CHECK(strstr(res.hops[i].detail, "is the backend's") != NULL);
	reach_free(rx);
	fixture_release(&n.f);
}

void test_reach(void)
{
	test_views();
	test_walks();
	test_answers();
	test_middlebox();
	test_bad_questions();
	test_forms();
	test_lint();
	test_principal_documents();
}
