/* SPDX-License-Identifier: MIT */
/*
 * The AWS services that VPC endpoints can reach in the emulated region: their
 * endpoint types, DNS names, and the addresses (and for gateway services the
 * prefix list) at which the emulated network serves them. A service's index
 * never changes once shipped: its addresses are derived from it. The AWS
 * facts behind each field, with sources, are in docs/aws-reference.md.
 */
#ifndef CORE_CATALOG_H
#define CORE_CATALOG_H

#include "compat.h"
#include "core/cidr.h"
#include "core/region.h"

#define SERVICE_NAME_SIZE 128
#define CATALOG_MAX 32			/* one /28 each in a region's /23 */
#define SERVICE_ID_SIZE 32		/* "vpce-svc-" + 17 hex + NUL, rounded */
#define PREFIX_LIST_ID_SIZE 16		/* "pl-" + 8 hex + NUL, rounded */
#define DNS_NAME_SIZE 256		/* a domain name in text form, plus NUL */

/*
 * What AWS shows on the network interfaces of an interface endpoint:
 * Description is CATALOG_ENI_DESCRIPTION followed by the endpoint ID,
 * RequesterId is the AWS account that requests them.
 */
#define CATALOG_ENI_DESCRIPTION "VPC Endpoint Interface "
#define CATALOG_ENI_REQUESTER_ID "727180483921"
/* Owner of every catalogue service in DescribeVpcEndpointServices. */
#define CATALOG_OWNER "amazon"

struct service {
	const char *short_name;		/* "sqs", "s3", "ecr.api" */
	int index;			/* position in the catalogue; fixes its /28 */
	bool interface;			/* offers Interface endpoints */
	bool gateway;			/* offers Gateway endpoints (s3, dynamodb) */
	bool policy_supported;		/* VpcEndpointPolicySupported */
	/*
	 * The private DNS name for Interface endpoints with "%s" for the
	 * region ("sqs.%s.amazonaws.com", "*.s3.%s.amazonaws.com"), or NULL:
	 * ServiceDetail.PrivateDnsName and the only PrivateDnsNames entry.
	 */
	const char *private_dns_fmt;
	/*
	 * Further names, each with "%s", that the private hosted zone of an
	 * endpoint with private DNS enabled also answers (S3's control and
	 * access point names, ECR's bare "dkr.ecr" name), NULL-terminated, or
	 * NULL for none.
	 */
	const char *const *extra_dns_fmts;
	/*
	 * The labels between an endpoint's own label and the region in its
	 * DNS names: "api.ecr" gives "vpce-…-….api.ecr.<region>.vpce.amazonaws.com"
	 * and BaseEndpointDnsNames "api.ecr.<region>.vpce.amazonaws.com".
	 */
	const char *dns_label;
	bool wildcard_names;		/* endpoint DnsEntries are "*.vpce-…" (S3) */
	/*
	 * DnsEntries list the first extra name (the bare form of a "*." main
	 * name, as ECR's "dkr.ecr.<region>.amazonaws.com") before the main one.
	 */
	bool bare_first;
	bool ipv6;			/* SupportedIpAddressTypes also has "ipv6" */
};

/* The catalogue entry for 'short_name', or NULL. */
const struct service *catalog_find(const char *short_name);
/* The 'i'th entry, 0 <= i < catalog_count(), or NULL past the end. */
const struct service *catalog_at(size_t i);
size_t catalog_count(void);

/*
 * Splits a full service name "com.amazonaws.<region>.<short>" into its
 * catalogue entry and region. Returns NULL when the name is not one the
 * catalogue knows, for any region.
 */
const struct service *catalog_parse_name(const char *full, const struct region **region);

/* Writes "com.amazonaws.<region>.<short>" into 'dst'. */
void catalog_full_name(const struct service *s, const struct region *r,
		       char dst[static SERVICE_NAME_SIZE]);

/*
 * The name SigV4 scopes a request to 's' with ("sqs"; "monitoring" for
 * CloudWatch, "kinesis" for Kinesis Data Streams, "ecr" for both ECR
 * services) and the prefix of its IAM actions ("sqs:SendMessage";
 * "cloudwatch:" for CloudWatch). Both are the services' own, from
 * botocore's models and the Service Authorization Reference.
 */
const char *catalog_signing_name(const struct service *s);
const char *catalog_iam_prefix(const struct service *s);

/* The /28 at which 's' answers in 'r': its public addresses. */
struct cidr4 catalog_service_cidr(const struct service *s, const struct region *r);

/*
 * The prefix list of a gateway service in 'r': its ID ("pl-63a5400a" for S3
 * in us-east-1, as in AWS where the real ID is known), written into 'dst' of
 * at least 16 bytes. Returns false for services without a gateway.
 */
bool catalog_prefix_list_id(const struct service *s, const struct region *r, char *dst, size_t size);
/*
 * The gateway service and region whose prefix list is 'pl_id', or NULL. AWS
 * reuses IDs across regions (pl-78a54011 is S3 in ap-south-1 and
 * ap-northeast-2, DynamoDB in ap-northeast-1), so this returns the first
 * match in table order: use catalog_find_prefix_list_in() to answer a request.
 */
const struct service *catalog_find_prefix_list(const char *pl_id, const struct region **region);
/* The gateway service whose prefix list in 'r' is 'pl_id', or NULL. */
const struct service *catalog_find_prefix_list_in(const struct region *r, const char *pl_id);
/* Writes the prefix list name, "com.amazonaws.<region>.<short>", like catalog_full_name(). */
void catalog_prefix_list_name(const struct service *s, const struct region *r,
			      char dst[static SERVICE_NAME_SIZE]);

/*
 * Writes ServiceDetail.ServiceId of the 'gateway' or Interface detail of 's'
 * in 'r' into 'dst': the real ID where known, else a stable ID derived from
 * the names (docs/aws-reference.md). Returns false, writing "", when 's' has
 * no endpoint of that type.
 */
bool catalog_service_id(const struct service *s, const struct region *r, bool gateway,
			char dst[static SERVICE_ID_SIZE]);
/*
 * Writes the one BaseEndpointDnsNames entry of the 'gateway' or Interface
 * detail: "sqs.<region>.vpce.amazonaws.com" for Interface,
 * "dynamodb.<region>.amazonaws.com" for Gateway. Returns false as above.
 */
bool catalog_base_dns_name(const struct service *s, const struct region *r, bool gateway,
			   char dst[static DNS_NAME_SIZE]);
/* Writes ServiceDetail.PrivateDnsName; returns false, writing "", when there is none. */
bool catalog_private_dns_name(const struct service *s, const struct region *r,
			      char dst[static DNS_NAME_SIZE]);
/*
 * Writes the 'i'th name that the private hosted zone of an endpoint with
 * private DNS answers, in the order DescribeVpcEndpoints lists them after the
 * endpoint's own names. Returns false, writing "", once 'i' is past the last.
 */
bool catalog_private_zone_name(const struct service *s, const struct region *r, size_t i,
			       char dst[static DNS_NAME_SIZE]);
/*
 * Writes an interface endpoint's own DNS name: the Regional one when 'az' is
 * -1 ("vpce-<id>-<suffix>.sqs.<region>.vpce.amazonaws.com"), else the zonal
 * one for zone 'az' ("vpce-<id>-<suffix>-us-east-1a.sqs…"), with a leading
 * "*." for services with wildcard entries. 'vpce_id' is "vpce-" plus 17 hex,
 * 'suffix' is the endpoint's 8-character label suffix. Returns 0, or -EINVAL
 * for a service without Interface endpoints or a bad 'az'.
 */
int catalog_endpoint_dns_name(const struct service *s, const struct region *r,
			      const char *vpce_id, const char *suffix, int az,
			      char dst[static DNS_NAME_SIZE]);
/*
 * True when 'name' (any case, an optional final dot) is one of the names the
 * private hosted zone of an endpoint for 's' in 'r' answers: each exactly,
 * and for a "*." name any single- or multi-label name under it.
 */
bool catalog_private_zone_matches(const struct service *s, const struct region *r,
				  const char *name);

#endif
