/* SPDX-License-Identifier: MIT */
/*
 * The service catalogue and the real prefix-list and service IDs AWS uses.
 * Each service's position is its index and fixes its /28, so entries are
 * only ever appended. Sources for every value are in docs/aws-reference.md.
 */
#include "compat.h"
#include "core/catalog.h"

#define AMAZONAWS "com.amazonaws."

static const char *const s3_extra[] = {
	"s3.%s.amazonaws.com",
	"*.s3-accesspoint.%s.amazonaws.com",
	"*.s3-control.%s.amazonaws.com",
	NULL,
};
static const char *const ecr_dkr_extra[] = { "dkr.ecr.%s.amazonaws.com", NULL };

/* Interface-only services whose names all follow "<x>.<region>.amazonaws.com". */
#define PLAIN(idx, name) \
	{ name, idx, true, false, true, name ".%s.amazonaws.com", NULL, name, false, false, false }

static const struct service services[] = {
	{ "s3", 0, true, true, true, "*.s3.%s.amazonaws.com", s3_extra, "s3", true, true, false },
	{ "dynamodb", 1, true, true, true, NULL, NULL, "dynamodb", false, false, false },
	PLAIN(2, "sts"),
	PLAIN(3, "sns"),
	PLAIN(4, "sqs"),
	PLAIN(5, "kms"),
	PLAIN(6, "ec2"),
	PLAIN(7, "ssm"),
	PLAIN(8, "ssmmessages"),
	PLAIN(9, "ec2messages"),
	PLAIN(10, "logs"),
	PLAIN(11, "secretsmanager"),
	{ "execute-api", 12, true, false, true, "*.execute-api.%s.amazonaws.com", NULL,
	  "execute-api", false, false, false },
	{ "ecr.api", 13, true, false, true, "api.ecr.%s.amazonaws.com", NULL, "api.ecr",
	  false, false, false },
	{ "ecr.dkr", 14, true, false, true, "*.dkr.ecr.%s.amazonaws.com", ecr_dkr_extra,
	  "dkr.ecr", false, true, false },
	{ "monitoring", 15, true, false, true, "monitoring.%s.amazonaws.com", NULL,
	  "monitoring", false, false, true },
	PLAIN(16, "events"),
	PLAIN(17, "elasticloadbalancing"),
	PLAIN(18, "lambda"),
	{ "kinesis-streams", 19, true, false, true, "kinesis.%s.amazonaws.com", NULL,
	  "kinesis", false, false, false },
	PLAIN(20, "states"),
};

_Static_assert(ARRAY_SIZE(services) <= CATALOG_MAX, "a /23 holds 32 services' /28s");

/* Real managed prefix lists of the gateway services, by region name. */
static const struct {
	const char *region;
	const char *s3;
	const char *dynamodb;
} prefix_lists[] = {
	{ "us-east-1", "pl-63a5400a", "pl-02cd2c6b" },
	{ "us-east-2", "pl-7ba54012", "pl-4ca54025" },
	{ "us-west-1", "pl-6ba54002", "pl-6ea54007" },
	{ "us-west-2", "pl-68a54001", "pl-00a54069" },
	{ "ca-central-1", "pl-7da54014", "pl-4ea54027" },
	{ "eu-west-1", "pl-6da54004", "pl-6fa54006" },
	{ "eu-west-2", "pl-7ca54015", "pl-b3a742da" },
	{ "eu-west-3", "pl-23ad484a", "pl-abb451c2" },
	{ "eu-central-1", "pl-6ea54007", "pl-66a5400f" },
	{ "eu-north-1", "pl-c3aa4faa", "pl-adae4bc4" },
	{ "ap-southeast-1", "pl-6fa54006", "pl-67a5400e" },
	{ "ap-southeast-2", "pl-6ca54005", "pl-62a5400b" },
	{ "ap-northeast-1", "pl-61a54008", "pl-78a54011" },
	{ "ap-northeast-2", "pl-78a54011", "pl-48a54021" },
	{ "ap-south-1", "pl-78a54011", "pl-66a7420f" },
	{ "sa-east-1", "pl-6aa54003", "pl-60a54009" },
};

/* Real ServiceIds, where a published output shows one. */
static const struct {
	const char *region;
	const char *short_name;
	bool gateway;
	const char *id;
} service_ids[] = {
	{ "us-east-1", "monitoring", false, "vpce-svc-0fc975f3e7e5beba4" },
};

/*
 * FNV-1a, 64 bits. The derived IDs below are stored by clients and in the
 * state file, so this must never change; it is spelled out here rather than
 * borrowed from base/hmap.c for that reason.
 */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static const struct service *find_str(struct str name)
{
	for (size_t i = 0; i < ARRAY_SIZE(services); i++)
		if (str_eq_c(name, services[i].short_name))
			return &services[i];
	return NULL;
}

const struct service *catalog_find(const char *short_name)
{
	return short_name ? find_str(str_c(short_name)) : NULL;
}

/* Services whose signing name or IAM prefix is not their short name. */
static const struct {
	const char *short_name, *signing, *iam;
} names[] = {
	{ "ecr.api", "ecr", "ecr" },
	{ "ecr.dkr", "ecr", "ecr" },
	{ "monitoring", "monitoring", "cloudwatch" },
	{ "kinesis-streams", "kinesis", "kinesis" },
};

const char *catalog_signing_name(const struct service *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s->short_name, names[i].short_name))
			return names[i].signing;
	return s->short_name;
}

const char *catalog_iam_prefix(const struct service *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s->short_name, names[i].short_name))
			return names[i].iam;
	return s->short_name;
}

const struct service *catalog_at(size_t i)
{
	return i < ARRAY_SIZE(services) ? &services[i] : NULL;
}

size_t catalog_count(void)
{
	return ARRAY_SIZE(services);
}

const struct service *catalog_parse_name(const char *full, const struct region **region)
{
	struct str s = str_c(full), reg;
	const struct region *r;
	const struct service *svc;

	*region = NULL;
	if (s.len >= SERVICE_NAME_SIZE || !str_starts_with(s, STR_LIT(AMAZONAWS)))
		return NULL;
	s.p += sizeof(AMAZONAWS) - 1;
	s.len -= sizeof(AMAZONAWS) - 1;
	if (!str_cut(&s, '.', &reg))
		return NULL;
	r = region_find_str(reg);
	svc = find_str(s);
	if (!r || !svc)
		return NULL;
	*region = r;
	return svc;
}

void catalog_full_name(const struct service *s, const struct region *r,
		       char dst[static SERVICE_NAME_SIZE])
{
	snprintf(dst, SERVICE_NAME_SIZE, AMAZONAWS "%s.%s", r->name, s->short_name);
}

void catalog_prefix_list_name(const struct service *s, const struct region *r,
			      char dst[static SERVICE_NAME_SIZE])
{
	catalog_full_name(s, r, dst);
}

struct cidr4 catalog_service_cidr(const struct service *s, const struct region *r)
{
	struct cidr4 block = region_service_block(r);

	return (struct cidr4){ block.addr + 16 * (uint32_t)s->index, 28 };
}

static const char *known_prefix_list(const struct service *s, const struct region *r)
{
	for (size_t i = 0; i < ARRAY_SIZE(prefix_lists); i++) {
		if (strcmp(prefix_lists[i].region, r->name) != 0)
			continue;
		if (strcmp(s->short_name, "s3") == 0)
			return prefix_lists[i].s3;
		if (strcmp(s->short_name, "dynamodb") == 0)
			return prefix_lists[i].dynamodb;
	}
	return NULL;
}

bool catalog_prefix_list_id(const struct service *s, const struct region *r, char *dst, size_t size)
{
	char name[SERVICE_NAME_SIZE];
	const char *known;
	uint64_t h;

	if (size > 0)
		dst[0] = '\0';
	if (!s || !r || !s->gateway || size < sizeof("pl-12345678"))
		return false;
	known = known_prefix_list(s, r);
	if (known) {
		str_lcpy(dst, known, size);
		return true;
	}
	catalog_full_name(s, r, name);
	h = fnv1a(name);
	snprintf(dst, size, "pl-%08x", (unsigned)((h ^ h >> 32) & 0xffffffffu));
	return true;
}

const struct service *catalog_find_prefix_list_in(const struct region *r, const char *pl_id)
{
	char id[PREFIX_LIST_ID_SIZE];

	if (!r || !pl_id)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(services); i++)
		if (catalog_prefix_list_id(&services[i], r, id, sizeof(id)) &&
		    strcmp(id, pl_id) == 0)
			return &services[i];
	return NULL;
}

const struct service *catalog_find_prefix_list(const char *pl_id, const struct region **region)
{
	*region = NULL;
	for (size_t i = 0; i < region_count(); i++) {
		const struct region *r = region_at(i);
		const struct service *s = catalog_find_prefix_list_in(r, pl_id);

		if (s) {
			*region = r;
			return s;
		}
	}
	return NULL;
}

static bool offers(const struct service *s, bool gateway)
{
	return s && (gateway ? s->gateway : s->interface);
}

bool catalog_service_id(const struct service *s, const struct region *r, bool gateway,
			char dst[static SERVICE_ID_SIZE])
{
	char seed[SERVICE_NAME_SIZE + 16];

	dst[0] = '\0';
	if (!offers(s, gateway) || !r)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(service_ids); i++) {
		if (service_ids[i].gateway == gateway &&
		    strcmp(service_ids[i].region, r->name) == 0 &&
		    strcmp(service_ids[i].short_name, s->short_name) == 0) {
			str_lcpy(dst, service_ids[i].id, SERVICE_ID_SIZE);
			return true;
		}
	}
	snprintf(seed, sizeof(seed), AMAZONAWS "%s.%s/%s", r->name, s->short_name,
		 gateway ? "Gateway" : "Interface");
	/* A leading 0 and 16 hex digits: the shape of AWS's current IDs. */
	snprintf(dst, SERVICE_ID_SIZE, "vpce-svc-0%016llx", (unsigned long long)fnv1a(seed));
	return true;
}

bool catalog_base_dns_name(const struct service *s, const struct region *r, bool gateway,
			   char dst[static DNS_NAME_SIZE])
{
	dst[0] = '\0';
	if (!offers(s, gateway) || !r)
		return false;
	snprintf(dst, DNS_NAME_SIZE, "%s.%s.%samazonaws.com", s->dns_label, r->name,
		 gateway ? "" : "vpce.");
	return true;
}

static bool fmt_name(const char *fmt, const struct region *r, char dst[static DNS_NAME_SIZE])
{
	dst[0] = '\0';
	if (!fmt)
		return false;
	snprintf(dst, DNS_NAME_SIZE, fmt, r->name);
	return true;
}

bool catalog_private_dns_name(const struct service *s, const struct region *r,
			      char dst[static DNS_NAME_SIZE])
{
	dst[0] = '\0';
	if (!s || !r || !s->interface)
		return false;
	return fmt_name(s->private_dns_fmt, r, dst);
}

static size_t count_extras(const struct service *s)
{
	size_t n = 0;

	while (s->extra_dns_fmts && s->extra_dns_fmts[n])
		n++;
	return n;
}

bool catalog_private_zone_name(const struct service *s, const struct region *r, size_t i,
			       char dst[static DNS_NAME_SIZE])
{
	size_t n_extra;

	dst[0] = '\0';
	if (!s || !r || !s->interface || !s->private_dns_fmt)
		return false;
	n_extra = count_extras(s);
	if (i > n_extra)
		return false;
	if (s->bare_first && n_extra > 0) {
		if (i == 0)
			return fmt_name(s->extra_dns_fmts[0], r, dst);
		if (i == 1)
			return fmt_name(s->private_dns_fmt, r, dst);
		return fmt_name(s->extra_dns_fmts[i - 1], r, dst);
	}
	if (i == 0)
		return fmt_name(s->private_dns_fmt, r, dst);
	return fmt_name(s->extra_dns_fmts[i - 1], r, dst);
}

int catalog_endpoint_dns_name(const struct service *s, const struct region *r,
			      const char *vpce_id, const char *suffix, int az,
			      char dst[static DNS_NAME_SIZE])
{
	char zone[AZ_NAME_SIZE] = "";

	dst[0] = '\0';
	if (!offers(s, false) || !r || !vpce_id || !suffix || az < -1 || az >= REGION_AZS)
		return -EINVAL;
	if (az >= 0)
		region_az_name(r, az, zone);
	/* On the describe path, once per zone per endpoint: no format parsing. */
	return str_concat(dst, DNS_NAME_SIZE, s->wildcard_names ? "*." : "", vpce_id, "-",
			  suffix, az >= 0 ? "-" : "", zone, ".", s->dns_label, ".", r->name,
			  ".vpce.amazonaws.com", (const char *)NULL);
}

static bool name_matches(struct str name, const char *pattern)
{
	struct str pat = str_c(pattern), tail;

	if (!str_starts_with(pat, STR_LIT("*.")))
		return str_eq_nocase(name, pat);
	/* Route 53 wildcards match any number of labels in place of the '*'. */
	pat.p++;
	pat.len--;
	if (name.len <= pat.len)
		return false;
	tail = str_from(name.p + name.len - pat.len, pat.len);
	return str_eq_nocase(tail, pat);
}

bool catalog_private_zone_matches(const struct service *s, const struct region *r,
				  const char *name)
{
	char zone[DNS_NAME_SIZE];
	struct str q = str_c(name);

	if (q.len > 0 && q.p[q.len - 1] == '.')
		q.len--;
	if (q.len == 0)
		return false;
	for (size_t i = 0; catalog_private_zone_name(s, r, i, zone); i++)
		if (name_matches(q, zone))
			return true;
	return false;
}
