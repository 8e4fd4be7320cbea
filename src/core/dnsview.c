/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "core/dnsview.h"

#include <ctype.h>
#include <strings.h>

#include "core/host_ops.h"
#include "core/ops.h"
#include "core/svcnet.h"

const char *dns_how_name(enum dns_how how)
{
	static const char *const names[] = {
		[DNS_NXDOMAIN] = "nxdomain",
		[DNS_NO_RESOLVER] = "no-resolver",
		[DNS_PRIVATE_ZONE] = "private-dns",
		[DNS_ENDPOINT_NAME] = "endpoint-name",
		[DNS_INSTANCE_NAME] = "instance-name",
		[DNS_PUBLIC] = "public-name",
	};
	return names[how];
}

static bool name_ok(const char *name)
{
	size_t len = strlen(name);

	if (!len || len >= DNS_NAME_SIZE - 1)
		return false;
	for (const char *p = name; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '.' || *p == '_' || *p == '*'))
			return false;
	return true;
}

/* True when 'q' is 'pattern' or, for a "*." pattern, a name under it. */
static bool matches(const char *q, const char *pattern)
{
	size_t lq = strlen(q), lp = strlen(pattern);

	if (pattern[0] == '*' && pattern[1] == '.')
		return lq > lp - 1 && !strcasecmp(q + lq - (lp - 1), pattern + 1);
	return !strcasecmp(q, pattern);
}

static void add(struct dns_answer *out, uint32_t ip, const struct eni *e)
{
	if (out->n < DNSVIEW_MAX_ADDRS) {
		out->addrs[out->n] = ip;
		out->enis[out->n++] = e;
	}
}

/* The ENIs of interface endpoint 'v', all of them or zone 'az''s. */
static void endpoint_addrs(const struct world *w, const struct vpce *v, int az,
			   struct dns_answer *out)
{
	for (size_t i = 0; i < v->n_nets; i++) {
		struct res *s = world_get(w, v->nets[i].subnet_id, RES_SUBNET);
		struct res *e = world_get(w, v->nets[i].eni_id, RES_ENI);

		if (s && e && (az < 0 || AS_SUBNET(s)->az == az))
			add(out, AS_ENI(e)->private_ip, AS_ENI(e));
	}
}

/* An endpoint's own names: "vpce-<17 hex>-<suffix>[-<zone>].<service>….vpce.amazonaws.com". */
static bool endpoint_name(const struct world *w, const struct region *r, const char *q,
			  struct dns_answer *out)
{
	const char *label = strcasestr(q, "vpce-");
	char id[ID_SIZE], dns[DNS_NAME_SIZE];
	const struct region *srg;
	const struct service *svc;
	const struct vpce *v;
	struct res *x;

	if (!label || (label != q && label[-1] != '.') || strlen(label) < 23)
		return false;
	memcpy(id, label, 22);
	id[22] = '\0';
	for (char *p = id; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	x = world_get(w, id, RES_VPCE);
	if (!x || AS_VPCE(x)->type != VPCE_INTERFACE)
		return false;
	v = AS_VPCE(x);
	svc = catalog_parse_name(v->service, &srg);
	if (!svc || srg != r)
		return false;
	for (int az = -1; az < REGION_AZS; az++) {
		if (catalog_endpoint_dns_name(svc, r, v->res.id, v->dns_suffix, az, dns) < 0 ||
		    !matches(q, dns))
			continue;
		out->how = DNS_ENDPOINT_NAME;
		out->vpce = v;
		out->az = az;
		out->svc = svc;
		out->svc_region = r;
		endpoint_addrs(w, v, az, out);
		return true;
	}
	return false;
}

bool dnsview_private_zone_active(const struct world *w, const struct vpce *v)
{
	struct res *x = world_get(w, v->vpc_id, RES_VPC);

	return v->type == VPCE_INTERFACE && v->private_dns && x && AS_VPC(x)->dns_support &&
	       AS_VPC(x)->dns_hostnames;
}

/* The VPC's private zones: its interface endpoints for 'svc' with private DNS on. */
static bool private_zone(const struct world *w, const struct vpc_members *m,
			 const struct region *r, const struct service *svc, struct dns_answer *out)
{
	char full[SERVICE_NAME_SIZE];
	struct res *x;

	catalog_full_name(svc, r, full);
	VPC_FOR_EACH(m, RES_VPCE, x) {
		const struct vpce *v = AS_VPCE(x);

		if (v->type != VPCE_INTERFACE || strcmp(v->service, full))
			continue;
		if (!dnsview_private_zone_active(w, v)) {
			if (!out->bypassed) {
				out->bypassed = v;
				out->attrs_block = v->private_dns;
			}
			continue;
		}
		out->how = DNS_PRIVATE_ZONE;
		out->vpce = v;
		out->az = -1;
		out->svc = svc;
		out->svc_region = r;
		endpoint_addrs(w, v, -1, out);
		return true;
	}
	return false;
}

/*
 * "ip-10-0-1-5…" -> 10.0.1.5: four decimal octets without leading zeros
 * after "ip-"; returns what follows them, or NULL.
 */
static const char *name_address(const char *q, uint32_t *ip)
{
	if (strncasecmp(q, "ip-", 3) != 0)
		return NULL;
	q += 3;
	*ip = 0;
	for (int i = 0; i < 4; i++) {
		const char *start = q;
		unsigned v = 0;

		for (; *q >= '0' && *q <= '9' && q - start < 3; q++)
			v = v * 10 + (unsigned)(*q - '0');
		if (q == start || v > 255 || (q - start > 1 && *start == '0'))
			return NULL;
		*ip = *ip << 8 | v;
		if (i < 3 && *q++ != '-')
			return NULL;
	}
	return q;
}

/* The rest of a private DNS name after its address, as host_private_dns() writes it. */
static bool private_suffix(const struct region *r, const char *s)
{
	size_t n = strlen(r->name);

	if (!strcmp(r->name, "us-east-1"))
		return !strcasecmp(s, ".ec2.internal");
	return s[0] == '.' && !strncasecmp(s + 1, r->name, n) &&
	       !strcasecmp(s + 1 + n, ".compute.internal");
}

/* "ip-10-0-1-5.ec2.internal": an address of the VPC in use by an interface. */
static bool instance_name(const struct netindex *ix, const struct vpc *vpc,
			  const struct region *r, const char *q, struct dns_answer *out)
{
	const char *rest;
	uint32_t ip;
	const struct eni *e;

	rest = name_address(q, &ip);
	if (!rest || !private_suffix(r, rest))
		return false;
	e = netindex_eni_at(ix, vpc->res.id, ip);
	if (!e)
		return false;
	out->how = DNS_INSTANCE_NAME;
	add(out, ip, e);
	return true;
}

int dnsview_resolve(const struct world *w, const struct netindex *ix, const struct region *r,
		    const struct vpc *vpc, const char *name, struct dns_answer *out)
{
	char q[DNS_NAME_SIZE];
	size_t len = strlen(name);
	const struct service *svc;
	const struct region *svc_region = NULL;
	bool zone;

	*out = (struct dns_answer){ .how = DNS_NXDOMAIN, .az = -1 };
	if (len && name[len - 1] == '.')
		len--;
	if (!len || len >= sizeof(q))
		return -EINVAL;
	memcpy(q, name, len);
	q[len] = '\0';
	if (!name_ok(q))
		return -EINVAL;
	if (vpc && !vpc->dns_support) {
		out->how = DNS_NO_RESOLVER;
		return 0;
	}
	if (vpc && vpc->dns_hostnames && instance_name(ix, vpc, r, q, out))
		return 0;
	svc = svcnet_public_name(q, &svc_region, &zone);
	if (vpc && svc && zone && svc_region == r) {
		const struct vpc_members *m = netindex_vpc(ix, vpc->res.id);

		if (m && private_zone(w, m, r, svc, out))
			return 0;
	}
	if (endpoint_name(w, r, q, out))
		return 0;
	if (svc) {
		out->how = DNS_PUBLIC;
		out->svc = svc;
		out->svc_region = svc_region;
		add(out, svcnet_service_ip(w, svc_region, svc), NULL);
		return 0;
	}
	out->bypassed = NULL;
	return 0;
}
