/* SPDX-License-Identifier: MIT */
/*
 * Internet, virtual private and NAT gateways, and Elastic IPs. An associated
 * Elastic IP is mirrored in its ENI's public_ip, which is what the data plane
 * and DescribeNetworkInterfaces read.
 */
#include "compat.h"
#include "core/net_ops.h"

#include "base/xalloc.h"
#include "core/host_ops.h"
#include "core/idfmt.h"

/* Amazon side ASNs AWS accepts for a virtual private gateway (CreateVpnGateway). */
#define ASN16_MIN 64512
#define ASN16_MAX 65534
#define ASN32_MIN 4200000000LL
#define ASN32_MAX 4294967294LL

static bool owned(const struct ctx *cx, const struct res *r)
{
	return strcmp(r->owner, cx->account) == 0;
}

static void res_start(struct res *r, const struct ctx *cx)
{
	str_lcpy(r->owner, cx->account, sizeof(r->owner));
	r->created_ms = cx->now_ms;
}

static int missing(struct err *e, const char *name)
{
	return err_fail(e, "MissingParameter", "The request must contain the parameter %s", name);
}

/* --- internet gateways --- */

struct igw *igw_lookup(const struct world *w, const struct ctx *cx, const char *id,
		       struct err *e)
{
	struct res *r;

	if (!id_valid(id, "igw-")) {
		err_fail(e, "InvalidInternetGatewayId.Malformed", "Invalid id: \"%s\"", id);
		return NULL;
	}
	r = world_get(w, id, RES_IGW);
	if (!r || !owned(cx, r)) {
		err_fail(e, "InvalidInternetGatewayID.NotFound",
			 "The internetGateway ID '%s' does not exist", id);
		return NULL;
	}
	return AS_IGW(r);
}

static struct igw *igw_of_vpc(const struct world *w, const char *vpc_id)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_IGW, r)
		if (strcmp(AS_IGW(r)->vpc_id, vpc_id) == 0)
			return AS_IGW(r);
	return NULL;
}

int igw_create(struct world *w, struct ctx *cx, struct igw **out, struct err *e)
{
	char id[ID_SIZE];
	struct igw *g;

	(void)e;
	ctx_new_id(cx, "igw-", id);
	g = AS_IGW(world_add(w, RES_IGW, id));
	res_start(&g->res, cx);
	*out = g;
	return 0;
}

/* Looks up the gateway and the VPC named by an Attach/Detach request. */
static int igw_and_vpc(const struct world *w, const struct ctx *cx, const char *igw_id,
		       const char *vpc_id, struct igw **g, struct vpc **v, struct err *e)
{
	if (!igw_id)
		return missing(e, "internetGatewayId");
	if (!vpc_id)
		return missing(e, "vpcId");
	*g = igw_lookup(w, cx, igw_id, e);
	if (!*g)
		return -EINVAL;
	*v = vpc_lookup(w, cx, vpc_id, e);
	return *v ? 0 : -EINVAL;
}

int igw_attach(struct world *w, struct ctx *cx, const char *igw_id, const char *vpc_id,
	       struct err *e)
{
	struct igw *g;
	struct vpc *v;
	int ret = igw_and_vpc(w, cx, igw_id, vpc_id, &g, &v, e);

	if (ret < 0)
		return ret;
	if (g->vpc_id[0])
		return err_fail(e, "Resource.AlreadyAssociated",
				"resource %s is already attached to network %s", igw_id, g->vpc_id);
	if (igw_of_vpc(w, vpc_id))
		return err_fail(e, "InvalidParameterValue",
				"Network %s already has an internet gateway attached", vpc_id);
	str_lcpy(g->vpc_id, vpc_id, ID_SIZE);
	world_touch(w, &g->res);
	return 0;
}

/* True when some interface of the VPC has a public address (an Elastic IP or its own). */
static bool vpc_has_public_addresses(const struct world *w, const char *vpc_id)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_ENI, r)
		if (AS_ENI(r)->public_ip && strcmp(AS_ENI(r)->vpc_id, vpc_id) == 0)
			return true;
	return false;
}

int igw_detach(struct world *w, struct ctx *cx, const char *igw_id, const char *vpc_id,
	       struct err *e)
{
	struct igw *g;
	struct vpc *v;
	int ret = igw_and_vpc(w, cx, igw_id, vpc_id, &g, &v, e);

	if (ret < 0)
		return ret;
	if (strcmp(g->vpc_id, vpc_id))
		return err_fail(e, "Gateway.NotAttached",
				"resource %s is not attached to network %s", igw_id, vpc_id);
	if (vpc_has_public_addresses(w, vpc_id))
		return err_fail(e, "DependencyViolation",
				"Network %s has some mapped public address(es). Please unmap "
				"those public address(es) before detaching the gateway.", vpc_id);
	g->vpc_id[0] = '\0';
	world_touch(w, &g->res);
	return 0;
}

int igw_delete(struct world *w, struct ctx *cx, const char *igw_id, struct err *e)
{
	struct igw *g;

	if (!igw_id)
		return missing(e, "internetGatewayId");
	g = igw_lookup(w, cx, igw_id, e);
	if (!g)
		return -EINVAL;
	if (g->vpc_id[0])
		return err_fail(e, "DependencyViolation",
				"The internetGateway '%s' has dependencies and cannot be deleted.",
				igw_id);
	world_remove(w, &g->res);
	return 0;
}

/* --- virtual private gateways --- */

struct vgw *vgw_lookup(const struct world *w, const struct ctx *cx, const char *id,
		       struct err *e)
{
	struct res *r;

	if (!id_valid(id, "vgw-")) {
		err_fail(e, "InvalidVpnGatewayID.Malformed", "Invalid id: \"%s\"", id);
		return NULL;
	}
	r = world_get(w, id, RES_VGW);
	if (!r || !owned(cx, r) || AS_VGW(r)->deleted) {
		err_fail(e, "InvalidVpnGatewayID.NotFound", "The vpnGateway ID '%s' does not exist",
			 id);
		return NULL;
	}
	return AS_VGW(r);
}

int vgw_create(struct world *w, struct ctx *cx, const struct vgw_create_req *req,
	       struct vgw **out, struct err *e)
{
	int64_t asn = req->asn < 0 ? VGW_DEFAULT_ASN : req->asn;
	char id[ID_SIZE];
	struct vgw *g;
	int az = -1;

	if (!req->type)
		return missing(e, "type");
	if (strcmp(req->type, "ipsec.1"))
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter type is invalid. Valid values: ipsec.1",
				req->type);
	if (!(asn >= ASN16_MIN && asn <= ASN16_MAX) && !(asn >= ASN32_MIN && asn <= ASN32_MAX))
		return err_fail(e, "InvalidParameterValue",
				"Value (%lld) for parameter amazonSideAsn is invalid. A 16-bit ASN "
				"must be in the range 64512 to 65534 and a 32-bit ASN in the "
				"range 4200000000 to 4294967294.", (long long)asn);
	if (req->az) {
		az = region_az_find(cx->region, req->az, false);
		if (az < 0)
			return err_fail(e, "InvalidParameterValue",
					"Value (%s) for parameter availabilityZone is invalid.",
					req->az);
	}
	ctx_new_id(cx, "vgw-", id);
	g = AS_VGW(world_add(w, RES_VGW, id));
	res_start(&g->res, cx);
	g->asn = (uint32_t)asn;
	g->az = az;
	*out = g;
	return 0;
}

static struct vgw *vgw_of_vpc(const struct world *w, const char *vpc_id)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_VGW, r)
		if (!AS_VGW(r)->deleted && strcmp(AS_VGW(r)->vpc_id, vpc_id) == 0)
			return AS_VGW(r);
	return NULL;
}

static int vgw_and_vpc(const struct world *w, const struct ctx *cx, const char *vgw_id,
		       const char *vpc_id, struct vgw **g, struct vpc **v, struct err *e)
{
	if (!vgw_id)
		return missing(e, "VpnGatewayId");
	if (!vpc_id)
		return missing(e, "VpcId");
	*g = vgw_lookup(w, cx, vgw_id, e);
	if (!*g)
		return -EINVAL;
	*v = vpc_lookup(w, cx, vpc_id, e);
	return *v ? 0 : -EINVAL;
}

int vgw_attach(struct world *w, struct ctx *cx, const char *vgw_id, const char *vpc_id,
	       struct err *e)
{
	struct vgw *g;
	struct vpc *v;
	int ret = vgw_and_vpc(w, cx, vgw_id, vpc_id, &g, &v, e);

	if (ret < 0)
		return ret;
	if (strcmp(g->vpc_id, vpc_id) == 0)
		return 0;
	if (g->vpc_id[0])
		return err_fail(e, "VpnGatewayAttachmentLimitExceeded",
				"The maximum number of virtual private gateway attachments has "
				"been reached.");
	if (vgw_of_vpc(w, vpc_id))
		return err_fail(e, "InvalidVpcState",
				"VPC %s is currently attached to the Virtual Private Gateway.",
				vpc_id);
	str_lcpy(g->vpc_id, vpc_id, ID_SIZE);
	g->detached_vpc_id[0] = '\0';
	world_touch(w, &g->res);
	return 0;
}

int vgw_detach(struct world *w, struct ctx *cx, const char *vgw_id, const char *vpc_id,
	       struct err *e)
{
	struct vgw *g;
	struct vpc *v;
	int ret = vgw_and_vpc(w, cx, vgw_id, vpc_id, &g, &v, e);

	if (ret < 0)
		return ret;
	if (strcmp(g->vpc_id, vpc_id))
		return err_fail(e, "InvalidVpnGatewayAttachment.NotFound",
				"The attachment with vpn gateway ID '%s' and vpc ID '%s' does not "
				"exist", vgw_id, vpc_id);
	str_lcpy(g->detached_vpc_id, g->vpc_id, ID_SIZE);
	g->vpc_id[0] = '\0';
	world_touch(w, &g->res);
	return 0;
}

int vgw_delete(struct world *w, struct ctx *cx, const char *vgw_id, struct err *e)
{
	struct vgw *g;

	if (!vgw_id)
		return missing(e, "VpnGatewayId");
	g = vgw_lookup(w, cx, vgw_id, e);
	if (!g)
		return -EINVAL;
	if (g->vpc_id[0])
		return err_fail(e, "IncorrectState", "The VPN gateway is in use.");
	g->deleted = true;
	g->deleted_ms = cx->now_ms;
	world_touch(w, &g->res);
	return 0;
}

bool vgw_expired(const struct vgw *g, int64_t now_ms)
{
	return g->deleted && now_ms - g->deleted_ms >= VGW_GONE_MS;
}

/* --- Elastic IPs --- */

struct eip *eip_lookup(const struct world *w, const struct ctx *cx, const char *alloc_id,
		       struct err *e)
{
	struct res *r;

	if (!id_valid(alloc_id, "eipalloc-")) {
		err_fail(e, "InvalidAllocationID.Malformed", "Invalid id: \"%s\"", alloc_id);
		return NULL;
	}
	r = world_get(w, alloc_id, RES_EIP);
	if (!r || !owned(cx, r)) {
		err_fail(e, "InvalidAllocationID.NotFound", "The allocation ID '%s' does not exist",
			 alloc_id);
		return NULL;
	}
	return AS_EIP(r);
}

static struct eip *eip_by_ip(const struct world *w, const struct ctx *cx, uint32_t ip)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_EIP, r)
		if (AS_EIP(r)->public_ip == ip && owned(cx, r))
			return AS_EIP(r);
	return NULL;
}

/* Resolves AllocationId or (deprecated for VPC addresses) PublicIp. */
static struct eip *eip_find(const struct world *w, const struct ctx *cx, const char *alloc_id,
			    const char *public_ip, struct err *e)
{
	struct eip *p;
	uint32_t ip;

	if (alloc_id)
		return eip_lookup(w, cx, alloc_id, e);
	if (!public_ip) {
		missing(e, "AllocationId");
		return NULL;
	}
	p = ip4_parse(str_c(public_ip), &ip) == 0 ? eip_by_ip(w, cx, ip) : NULL;
	if (!p)
		err_fail(e, "InvalidAddress.NotFound", "The address '%s' does not belong to you.",
			 public_ip);
	return p;
}

/*
 * A pool address that is never handed out: the first and last of each /24,
 * so that no Elastic IP looks like a network or broadcast address.
 */
static bool pool_reserved(uint32_t ip)
{
	return (ip & 255) == 0 || (ip & 255) == 255;
}

/* Marks every public address in use in 'used' (one bit per pool address). */
static void pool_mark_used(const struct world *w, const struct cidr4 *pool, uint8_t *used)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_EIP, r) {
		uint32_t ip = AS_EIP(r)->public_ip;

		if (cidr4_contains_ip(pool, ip))
			used[(ip - pool->addr) / 8] |= (uint8_t)(1u << ((ip - pool->addr) % 8));
	}
	WORLD_FOR_EACH(w, RES_ENI, r) {
		uint32_t ip = AS_ENI(r)->public_ip;

		if (cidr4_contains_ip(pool, ip))
			used[(ip - pool->addr) / 8] |= (uint8_t)(1u << ((ip - pool->addr) % 8));
	}
}

/* Picks 'want' (when nonzero) or the lowest free pool address. */
static int pool_pick(const struct world *w, uint32_t want, const char *want_s, uint32_t *out,
		     struct err *e)
{
	struct cidr4 pool = region_public_pool();
	uint64_t size = cidr4_size(&pool), off;
	uint8_t *used = xcalloc(size / 8 + 1, 1);
	int ret = 0;

	pool_mark_used(w, &pool, used);
	if (want) {
		off = want - pool.addr;
		if (!cidr4_contains_ip(&pool, want) || pool_reserved(want) ||
		    (used[off / 8] & (1u << (off % 8))))
			ret = err_fail(e, "InvalidAddress.NotFound",
				       "The address '%s' does not belong to you.", want_s);
		else
			*out = want;
		goto out;
	}
	for (off = 0; off < size; off++) {
		bool taken = used[off / 8] & (1u << (off % 8));

		if (!taken && !pool_reserved(pool.addr + (uint32_t)off))
			break;
	}
	if (off == size)
		ret = err_fail(e, "AddressLimitExceeded",
			       "The maximum number of addresses has been reached.");
	else
		*out = pool.addr + (uint32_t)off;
out:
	free(used);
	return ret;
}

int eip_allocate(struct world *w, struct ctx *cx, const struct eip_alloc_req *req,
		 struct eip **out, struct err *e)
{
	uint32_t want = 0, ip = 0;
	char id[ID_SIZE];
	struct eip *p;

	if (req->domain && strcmp(req->domain, "vpc"))
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter domain is invalid.", req->domain);
	if (req->border_group && strcmp(req->border_group, cx->region->name))
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter networkBorderGroup is invalid.",
				req->border_group);
	if (req->pool && strcmp(req->pool, EIP_POOL_NAME))
		return err_fail(e, "InvalidPublicIpv4PoolID.NotFound",
				"The public IPv4 pool ID '%s' does not exist", req->pool);
	if (req->address && ip4_parse(str_c(req->address), &want) < 0)
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter address is invalid.", req->address);
	if (pool_pick(w, want, req->address, &ip, e) < 0)
		return -EINVAL;
	ctx_new_id(cx, "eipalloc-", id);
	p = AS_EIP(world_add(w, RES_EIP, id));
	res_start(&p->res, cx);
	p->public_ip = ip;
	*out = p;
	return 0;
}

/* The ENI of a live instance, for AssociateAddress InstanceId. */
static struct eni *instance_eni(const struct world *w, const struct ctx *cx, const char *id,
				struct err *e)
{
	struct instance *in = instance_lookup(w, cx, id, e);
	struct res *r;

	if (!in)
		return NULL;
	r = world_get(w, in->eni_id, RES_ENI);
	if (in->state == INSTANCE_TERMINATED || !r) {
		err_fail(e, "IncorrectInstanceState",
			 "The instance '%s' is not in a valid state for this operation.", id);
		return NULL;
	}
	return AS_ENI(r);
}

/* The live NAT gateway holding 'alloc_id', or NULL. */
static struct nat *nat_of_eip(const struct world *w, const char *alloc_id)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_NAT, r)
		if (!AS_NAT(r)->deleted && strcmp(AS_NAT(r)->eip_id, alloc_id) == 0)
			return AS_NAT(r);
	return NULL;
}

static struct eip *eip_of_eni(const struct world *w, const char *eni_id)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_EIP, r)
		if (AS_EIP(r)->assoc_id[0] && strcmp(AS_EIP(r)->eni_id, eni_id) == 0)
			return AS_EIP(r);
	return NULL;
}

/* Unmaps 'p' from its ENI; the ENI loses its public address. */
static void eip_unmap(struct world *w, struct eip *p)
{
	struct res *r = world_get(w, p->eni_id, RES_ENI);

	if (r && AS_ENI(r)->public_ip == p->public_ip) {
		AS_ENI(r)->public_ip = 0;
		world_touch(w, r);
	}
	p->assoc_id[0] = p->eni_id[0] = p->instance_id[0] = '\0';
	p->private_ip = 0;
	world_touch(w, &p->res);
}

static void eip_map(struct world *w, struct ctx *cx, struct eip *p, struct eni *n)
{
	ctx_new_id(cx, "eipassoc-", p->assoc_id);
	str_lcpy(p->eni_id, n->res.id, ID_SIZE);
	str_lcpy(p->instance_id, strncmp(n->owner_res_id, "i-", 2) == 0 ? n->owner_res_id : "",
		 ID_SIZE);
	p->private_ip = n->private_ip;
	n->public_ip = p->public_ip;
	world_touch(w, &n->res);
	world_touch(w, &p->res);
}

/* Resolves the interface an AssociateAddress request names. */
static struct eni *assoc_target(const struct world *w, const struct ctx *cx,
				const struct eip_assoc_req *req, struct err *e)
{
	struct eni *n;
	uint32_t ip;

	if (req->eni_id && req->instance_id) {
		err_fail(e, "InvalidParameterCombination",
			 "The parameter networkInterfaceId cannot be used with the parameter "
			 "instanceId");
		return NULL;
	}
	if (!req->eni_id && !req->instance_id) {
		missing(e, "instanceId or networkInterfaceId");
		return NULL;
	}
	if (req->eni_id)
		n = eni_lookup(w, cx, req->eni_id, e);
	else
		n = instance_eni(w, cx, req->instance_id, e);
	if (!n || !req->private_ip)
		return n;
	if (ip4_parse(str_c(req->private_ip), &ip) < 0 || ip != n->private_ip) {
		err_fail(e, "InvalidParameterValue",
			 "The private IP address %s is not associated with the network interface "
			 "%s.", req->private_ip, n->res.id);
		return NULL;
	}
	return n;
}

int eip_associate(struct world *w, struct ctx *cx, const struct eip_assoc_req *req,
		  struct eip **out, struct err *e)
{
	struct eip *p = eip_find(w, cx, req->alloc_id, req->public_ip, e), *old;
	struct eni *n;

	if (!p)
		return -EINVAL;
	n = assoc_target(w, cx, req, e);
	if (!n)
		return -EINVAL;
	if (!igw_of_vpc(w, n->vpc_id))
		return err_fail(e, "Gateway.NotAttached",
				"Network %s is not attached to any internet gateway", n->vpc_id);
	if (p->assoc_id[0] && strcmp(p->eni_id, n->res.id) == 0) {
		*out = p;
		return 0;
	}
	if ((p->assoc_id[0] && !req->allow_reassoc) || nat_of_eip(w, p->res.id))
		return err_fail(e, "Resource.AlreadyAssociated",
				"resource %s is already associated with associate-id %s",
				p->res.id, p->assoc_id);
	/* Requester-managed interfaces are not the user's to change (aws-reference 8.4). */
	if (n->requester_managed)
		return err_fail(e, "AuthFailure",
				"You do not have permission to access the specified resource.");
	if (p->assoc_id[0])
		eip_unmap(w, p);
	old = eip_of_eni(w, n->res.id);
	if (old)
		eip_unmap(w, old);
	eip_map(w, cx, p, n);
	*out = p;
	return 0;
}

int eip_disassociate(struct world *w, struct ctx *cx, const char *assoc_id,
		     const char *public_ip, struct err *e)
{
	struct eip *p = NULL;
	struct res *r;

	if (assoc_id) {
		if (!id_valid(assoc_id, "eipassoc-"))
			return err_fail(e, "InvalidAssociationID.Malformed", "Invalid id: \"%s\"",
					assoc_id);
		WORLD_FOR_EACH(w, RES_EIP, r)
			if (owned(cx, r) && strcmp(AS_EIP(r)->assoc_id, assoc_id) == 0)
				p = AS_EIP(r);
		if (!p)
			return err_fail(e, "InvalidAssociationID.NotFound",
					"The association ID '%s' does not exist", assoc_id);
	} else {
		if (!public_ip)
			return missing(e, "AssociationId");
		p = eip_find(w, cx, NULL, public_ip, e);
		if (!p)
			return -EINVAL;
		if (!p->assoc_id[0])
			return 0;
	}
	if (nat_of_eip(w, p->res.id))
		return err_fail(e, "AuthFailure",
				"You do not have permission to access the specified resource.");
	eip_unmap(w, p);
	return 0;
}

int eip_release(struct world *w, struct ctx *cx, const char *alloc_id, const char *public_ip,
		struct err *e)
{
	char ip[IP4_STRLEN];
	struct eip *p;

	if (!alloc_id && public_ip)
		return err_fail(e, "InvalidParameterValue",
				"You must specify an allocation id when releasing a VPC elastic IP "
				"address");
	if (!alloc_id)
		return missing(e, "AllocationId");
	p = eip_lookup(w, cx, alloc_id, e);
	if (!p)
		return -EINVAL;
	if (p->assoc_id[0] || nat_of_eip(w, alloc_id))
		return err_fail(e, "InvalidIPAddress.InUse", "Address %s is in use.",
				ip4_fmt(p->public_ip, ip));
	world_remove(w, &p->res);
	return 0;
}

/* --- NAT gateways --- */

struct nat *nat_lookup(const struct world *w, const struct ctx *cx, const char *id,
		       struct err *e)
{
	struct res *r;

	if (!id_valid(id, "nat-")) {
		err_fail(e, "InvalidParameter", "Invalid id: \"%s\"", id);
		return NULL;
	}
	r = world_get(w, id, RES_NAT);
	if (!r || !owned(cx, r)) {
		err_fail(e, "NatGatewayNotFound", "NAT gateway %s was not found", id);
		return NULL;
	}
	return AS_NAT(r);
}

enum nat_state nat_state_at(const struct nat *n, int64_t now_ms)
{
	if (n->deleted)
		return n->deleted_ms && now_ms - n->deleted_ms < NAT_DELETING_MS ? NAT_DELETING
										 : NAT_DELETED;
	return now_ms - n->res.created_ms < NAT_PENDING_MS ? NAT_PENDING : NAT_AVAILABLE;
}

bool nat_expired(const struct nat *n, int64_t now_ms)
{
	return n->deleted && now_ms - n->deleted_ms >= NAT_GONE_MS;
}

/* Checks the private address asked for, or that the subnet has one to give. */
static int nat_check_ip(const struct world *w, const struct subnet *s, const char *ip_s,
			uint32_t *ip, struct err *e)
{
	*ip = 0;
	if (!ip_s)
		return subnet_available_ips(w, s) ? 0 :
			err_fail(e, "InsufficientFreeAddressesInSubnet",
				 "Subnet has insufficient free addresses to create this NAT "
				 "gateway");
	if (ip4_parse(str_c(ip_s), ip) < 0 || !cidr4_contains_ip(&s->cidr, *ip))
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter PrivateIpAddress is invalid. The address "
				"is not in subnet %s.", ip_s, s->res.id);
	if (!subnet_ip_free(w, s, *ip))
		return err_fail(e, "InvalidIPAddress.InUse", "Address %s is in use.", ip_s);
	return 0;
}

/* Checks the Elastic IP a public gateway takes. */
static int nat_check_eip(const struct world *w, const struct ctx *cx, const char *alloc_id,
			 struct eip **p, struct err *e)
{
	*p = eip_lookup(w, cx, alloc_id, e);
	if (!*p)
		return -EINVAL;
	if ((*p)->assoc_id[0] || nat_of_eip(w, alloc_id))
		return err_fail(e, "Resource.AlreadyAssociated",
				"Elastic IP address %s is already associated", alloc_id);
	return 0;
}

int nat_create(struct world *w, struct ctx *cx, const struct nat_create_req *req,
	       struct nat **out, struct err *e)
{
	const char *conn = req->connectivity ? req->connectivity : "public";
	struct eip *p = NULL;
	char id[ID_SIZE], desc[96];
	struct subnet *s;
	struct nat *nat;
	struct eni *n;
	uint32_t ip;
	int ret;

	if (!req->subnet_id)
		return missing(e, "SubnetId");
	if (strcmp(conn, "public") && strcmp(conn, "private"))
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter ConnectivityType is invalid. Valid "
				"values: public, private", conn);
	s = subnet_lookup(w, cx, req->subnet_id, e);
	if (!s)
		return -EINVAL;
	if (strcmp(conn, "private") == 0 && req->alloc_id)
		return err_fail(e, "InvalidParameterCombination",
				"AllocationId cannot be specified for a private NAT gateway.");
	if (strcmp(conn, "public") == 0) {
		if (!req->alloc_id)
			return missing(e, "AllocationId");
		if ((ret = nat_check_eip(w, cx, req->alloc_id, &p, e)) < 0)
			return ret;
		if (!igw_of_vpc(w, s->vpc_id))
			return err_fail(e, "Gateway.NotAttached",
					"Network %s has no Internet gateway attached", s->vpc_id);
	}
	if ((ret = nat_check_ip(w, s, req->private_ip, &ip, e)) < 0)
		return ret;

	ctx_new_id(cx, "nat-", id);
	nat = AS_NAT(world_add(w, RES_NAT, id));
	res_start(&nat->res, cx);
	str_lcpy(nat->vpc_id, s->vpc_id, ID_SIZE);
	str_lcpy(nat->subnet_id, s->res.id, ID_SIZE);
	nat->private_ = p == NULL;
	snprintf(desc, sizeof(desc), NAT_ENI_DESCRIPTION "%s", id);
	/* Cannot fail: nat_check_ip() saw a free address. */
	if (eni_create(w, cx, &(struct eni_spec){
			.subnet = s, .type = ENI_NAT_GATEWAY, .ip = ip, .description = desc,
			.owner_res_id = id, .requester_managed = true,
			.requester_id = NAT_ENI_REQUESTER_ID,
		}, &n, e) < 0)
		return -EINVAL;
	n->source_dest_check = false;
	str_lcpy(nat->eni_id, n->res.id, ID_SIZE);
	nat->private_ip = n->private_ip;
	if (p) {
		str_lcpy(nat->eip_id, p->res.id, ID_SIZE);
		eip_map(w, cx, p, n);
	}
	*out = nat;
	return 0;
}

int nat_delete(struct world *w, struct ctx *cx, const char *nat_id, struct err *e)
{
	struct nat *nat;
	struct res *r;

	if (!nat_id)
		return missing(e, "NatGatewayId");
	nat = nat_lookup(w, cx, nat_id, e);
	if (!nat)
		return -EINVAL;
	if (nat->deleted)
		return 0;
	r = world_get(w, nat->eip_id, RES_EIP);
	if (r && strcmp(AS_EIP(r)->eni_id, nat->eni_id) == 0)
		eip_unmap(w, AS_EIP(r));
	r = world_get(w, nat->eni_id, RES_ENI);
	if (r)
		world_remove(w, r);
	nat->deleted = true;
	nat->deleted_ms = cx->now_ms;
	world_touch(w, &nat->res);
	return 0;
}
