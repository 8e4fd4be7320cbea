/* SPDX-License-Identifier: MIT */
/*
 * Service backends: the --service-backend flag's forms, and how requests to
 * the services that go there are read (svc/proto.h).
 */
#include "compat.h"
#include "check.h"

#include "svc/backend.h"
#include "svc/proto.h"

void test_svc_backend(void);

static void parse(void)
{
	struct svc_backend x, y;
	struct svc_backends b = { .n = 0 };
	struct err e;

	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.sqs=127.0.0.1:4566", &x, &e), 0);
	CHECK_STREQ(x.svc->short_name, "sqs");
	CHECK_STREQ(x.region->name, "us-east-1");
	CHECK_EQ(x.ip, 0x7F000001u);
	CHECK_EQ(x.port, 4566);
	CHECK_EQ(svc_backend_parse("com.amazonaws.eu-west-1.s3=http://10.1.2.3", &x, &e), 0);
	CHECK_EQ(x.ip, 0x0A010203u);
	CHECK_EQ(x.port, 80);
	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.dynamodb=http://localhost:8000/", &x, &e),
		 0);
	CHECK_EQ(x.ip, 0x7F000001u);
	CHECK_EQ(x.port, 8000);

	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.sqs", &x, &e), -EINVAL);
	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.sqs=", &x, &e), -EINVAL);
	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.nosuch=127.0.0.1:1", &x, &e), -EINVAL);
	CHECK_STREQ(e.code, "InvalidServiceName");
	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.sqs=127.0.0.1", &x, &e), -EINVAL);
	CHECK(strstr(e.msg, "needs a port") != NULL);
	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.sqs=127.0.0.1:0", &x, &e), -EINVAL);
	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.sqs=127.0.0.1:65536", &x, &e), -EINVAL);
	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.sqs=127.0.0.1:4x", &x, &e), -EINVAL);
	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.sqs=moto:4566", &x, &e), -EINVAL);
	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.sqs=https://127.0.0.1:4566", &x, &e),
		 -EINVAL);
	CHECK(strstr(e.msg, "plain HTTP") != NULL);

	/* A second flag for a service replaces the first; other regions are other services. */
	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.sqs=127.0.0.1:1", &x, &e), 0);
	CHECK_EQ(svc_backends_add(&b, &x), 0);
	CHECK_EQ(svc_backend_parse("com.amazonaws.us-east-1.sqs=127.0.0.1:2", &y, &e), 0);
	CHECK_EQ(svc_backends_add(&b, &y), 0);
	CHECK_EQ(b.n, 1u);
	CHECK_EQ(svc_backends_find(&b, x.svc, x.region)->port, 2);
	CHECK(!svc_backends_find(&b, x.svc, region_find("eu-west-1")));
	CHECK(!svc_backends_find(NULL, x.svc, x.region));
}

/* Classifies a request to 'svc' in us-east-1 from account 111122223333. */
static int classify(const char *svc, const char *method, const char *query, const char *type,
		    const char *target, const char *body, struct svc_call *out)
{
	struct http_request req = { .method = str_c(method), .path = str_c("/"),
				    .query = str_c(query), .body = str_c(body) };
	struct err e;

	if (type)
		req.headers[req.n_headers++] = (struct http_header){ str_c("Content-Type"),
								     str_c(type) };
	if (target)
		req.headers[req.n_headers++] = (struct http_header){ str_c("X-Amz-Target"),
								     str_c(target) };
	return svc_classify(catalog_find(svc), "us-east-1", "111122223333", &req, out, &e);
}

#define FORM "application/x-www-form-urlencoded; charset=utf-8"

static void classification(void)
{
	struct svc_call c;

	/* SQS in JSON: the queue from QueueUrl, or QueueName and its owner. */
	CHECK_EQ(classify("sqs", "POST", "", "application/x-amz-json-1.0", "AmazonSQS.DeleteQueue",
			  "{\"QueueUrl\":\"https://sqs.us-east-1.amazonaws.com/444455556666/jobs\"}",
			  &c), 0);
	CHECK_EQ(c.proto, SVC_PROTO_JSON);
	CHECK_STREQ(c.action, "sqs:DeleteQueue");
	CHECK_STREQ(c.resource, "arn:aws:sqs:us-east-1:444455556666:jobs");
	CHECK_EQ(classify("sqs", "POST", "", "application/x-amz-json-1.0", "AmazonSQS.CreateQueue",
			  "{\"QueueName\":\"jobs\"}", &c), 0);
	CHECK_STREQ(c.resource, "arn:aws:sqs:us-east-1:111122223333:jobs");
	CHECK_EQ(classify("sqs", "POST", "", "application/x-amz-json-1.0", "AmazonSQS.GetQueueUrl",
			  "{\"QueueName\":\"jobs\",\"QueueOwnerAWSAccountId\":\"444455556666\"}", &c),
		 0);
	CHECK_STREQ(c.resource, "arn:aws:sqs:us-east-1:444455556666:jobs");
	CHECK_EQ(classify("sqs", "POST", "", "application/x-amz-json-1.0", "AmazonSQS.ListQueues",
			  "{}", &c), 0);
	CHECK_STREQ(c.resource, "*");
	CHECK_EQ(classify("sqs", "POST", "", "application/x-amz-json-1.0", "AmazonSQS.ListQueues",
			  "[1]", &c), -EINVAL);

	/* SQS in Query: the form, %-decoded; or the query string. */
	CHECK_EQ(classify("sqs", "POST", "", FORM, NULL, "Action=ReceiveMessage&QueueUrl=https%3A%2F%2F"
			  "sqs.us-east-1.amazonaws.com%2F111122223333%2Fjobs&Version=2012-11-05", &c), 0);
	CHECK_EQ(c.proto, SVC_PROTO_QUERY);
	CHECK_STREQ(c.action, "sqs:ReceiveMessage");
	CHECK_STREQ(c.resource, "arn:aws:sqs:us-east-1:111122223333:jobs");
	CHECK_EQ(classify("sqs", "GET", "Action=ListQueues", NULL, NULL, "", &c), 0);
	CHECK_STREQ(c.action, "sqs:ListQueues");

	/* Other services: their IAM prefix, any resource. */
	CHECK_EQ(classify("monitoring", "POST", "", FORM, NULL, "Action=PutMetricData&Namespace=x", &c),
		 0);
	CHECK_STREQ(c.action, "cloudwatch:PutMetricData");
	CHECK_STREQ(c.resource, "*");
	CHECK_EQ(classify("kinesis-streams", "POST", "", "application/x-amz-json-1.1",
			  "Kinesis_20131202.PutRecord", "{}", &c), 0);
	CHECK_STREQ(c.action, "kinesis:PutRecord");
	CHECK_EQ(classify("sts", "POST", "", FORM, NULL, "Action=GetCallerIdentity&Version=2011-06-15",
			  &c), 0);
	CHECK_STREQ(c.action, "sts:GetCallerIdentity");

	/* What cannot be told. */
	CHECK_EQ(classify("sqs", "GET", "", NULL, NULL, "", &c), -EINVAL);
	CHECK_EQ(classify("sqs", "POST", "", "text/plain", NULL, "Action=ListQueues", &c), -EINVAL);
	CHECK_EQ(classify("sqs", "POST", "", "application/x-amz-json-1.0", "NoDot", "{}", &c), -EINVAL);
	CHECK_EQ(classify("sqs", "POST", "", "application/x-amz-json-1.0", "AmazonSQS.Send Message",
			  "{}", &c), -EINVAL);
	CHECK_EQ(classify("lambda", "GET", "", NULL, NULL, "", &c), -EINVAL);
}

static void errors(void)
{
	struct http_response r = { 0 };

	buf_init(&r.body, 1 << 16);
	buf_init(&r.headers, 1 << 12);
	svc_proto_error(&r, catalog_find("sns"), SVC_PROTO_QUERY, SVC_FAIL_DENIED, 0,
			"no <way>", "abc");
	CHECK_EQ(r.status, 403);
	CHECK_STREQ(r.content_type, "text/xml");
	CHECK(strstr(r.body.p, "<Error><Type>Sender</Type><Code>AccessDenied</Code>"
			       "<Message>no &lt;way&gt;</Message></Error><RequestId>abc</RequestId>"));
	CHECK(strstr(r.headers.p, "x-amzn-RequestId: abc\r\n"));
	CHECK(!strstr(r.headers.p, "x-amzn-query-error"));
	buf_reset(&r.body);
	buf_reset(&r.headers);
	svc_proto_error(&r, catalog_find("kms"), SVC_PROTO_JSON, SVC_FAIL_UNKNOWN_KEY, 0, "\"bad\"",
			"abc");
	CHECK_EQ(r.status, 400);
	CHECK_STREQ(r.body.p, "{\"__type\":\"UnrecognizedClientException\",\"message\":\"\\\"bad\\\"\"}");
	CHECK(!strstr(r.headers.p, "x-amzn-query-error"));
	buf_release(&r.body);
	buf_release(&r.headers);
}

void test_svc_backend(void)
{
	char words[64];

	parse();
	classification();
	errors();
	CHECK_STREQ(catalog_signing_name(catalog_find("monitoring")), "monitoring");
	CHECK_STREQ(catalog_iam_prefix(catalog_find("monitoring")), "cloudwatch");
	CHECK_STREQ(catalog_signing_name(catalog_find("ecr.dkr")), "ecr");
	CHECK_STREQ(catalog_signing_name(catalog_find("sqs")), "sqs");
	svc_action_words(catalog_find("sqs"), "sqs:SendMessage", words, sizeof(words));
	CHECK_STREQ(words, "sqs:sendmessage");
	svc_action_words(catalog_find("kms"), "kms:Decrypt", words, sizeof(words));
	CHECK_STREQ(words, "kms:Decrypt");
}
