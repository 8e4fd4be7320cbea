/* SPDX-License-Identifier: MIT */
/*
 * One field list per kind serves both directions: each *_io() function walks
 * the fields of a resource through io_*() helpers that either write them to
 * a JSON object or read them back, so the encoder and the decoder cannot
 * drift apart. Errors are sticky: after the first, every helper does nothing.
 */
#include "compat.h"
#include "store/codec.h"

#include <jansson.h>
#include <limits.h>
#include <stdarg.h>

#include "base/xalloc.h"
#include "core/region.h"
#include "limits.h"

struct io {
	bool dec;		/* decoding: read JSON into the resource */
	bool failed;		/* sticky */
	struct err *e;		/* decoding only; may be NULL */
	const char *kind;	/* for messages */
	const char *id;
	char at[32];		/* "routes[12]." while inside an array element */
};

typedef void elem_io_fn(struct io *c, json_t *o, void *elem);
typedef void kind_io_fn(struct io *c, json_t *o, struct res *r);

static void bad(struct io *c, const char *field, const char *fmt, ...) ATTR_PRINTF(3, 4);

static void bad(struct io *c, const char *field, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	if (c->failed)
		return;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	err_fail(c->e, CODEC_ERR_CORRUPT, "%s '%s': field '%s%s': %s", c->kind,
		 c->id, c->at, field, why);
}

static void put(struct io *c, json_t *o, const char *name, json_t *v)
{
	if (!v) {
		bad(c, name, "cannot be encoded");
		return;
	}
	if (json_object_set_new(o, name, v) < 0)
		bad(c, name, "cannot be added");
}

/* The value of a required field when decoding, or NULL after failing. */
static json_t *need(struct io *c, json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);

	if (!v)
		bad(c, name, "missing");
	return v;
}

/* The value of an optional field when decoding; NULL when absent or null. */
static json_t *want(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);

	return json_is_null(v) ? NULL : v;
}

/* Unicode characters in valid UTF-8: the bytes that do not continue one. */
static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/* A fixed-size char array of 'size' bytes, NUL included. */
static void io_str(struct io *c, json_t *o, const char *name, char *s, size_t size)
{
	json_t *v;
	size_t len;

	if (c->failed)
		return;
	if (!c->dec) {
		len = strnlen(s, size);
		if (len == size)
			bad(c, name, "not terminated");
		else
			put(c, o, name, json_stringn(s, len));
		return;
	}
	v = need(c, o, name);
	if (!v)
		return;
	if (!json_is_string(v)) {
		bad(c, name, "not a string");
		return;
	}
	if (str_copy(str_from(json_string_value(v), json_string_length(v)), s, size) < 0)
		bad(c, name, "longer than %zu bytes", size - 1);
}

/*
 * An owned string of at most 'max' characters. When 'optional', NULL is
 * absent; otherwise NULL is written as "".
 */
static void io_ostr(struct io *c, json_t *o, const char *name, char **s,
		    size_t max, bool optional)
{
	const char *p;
	json_t *v;
	size_t len;

	if (c->failed)
		return;
	if (!c->dec) {
		if (!*s && optional)
			return;
		p = *s ? *s : "";
		len = strlen(p);
		if (utf8_chars(p, len) > max)
			bad(c, name, "longer than %zu characters", max);
		else
			put(c, o, name, json_stringn(p, len));
		return;
	}
	v = optional ? want(o, name) : need(c, o, name);
	if (!v)
		return;
	if (!json_is_string(v)) {
		bad(c, name, "not a string");
		return;
	}
	/* jansson has checked the UTF-8 and refused NULs (no JSON_ALLOW_NUL). */
	len = json_string_length(v);
	if (utf8_chars(json_string_value(v), len) > max) {
		bad(c, name, "longer than %zu characters", max);
		return;
	}
	*s = xstrndup(json_string_value(v), len);
}

static void io_bool(struct io *c, json_t *o, const char *name, bool *b)
{
	json_t *v;

	if (c->failed)
		return;
	if (!c->dec) {
		put(c, o, name, json_boolean(*b));
		return;
	}
	v = need(c, o, name);
	if (v && !json_is_boolean(v))
		bad(c, name, "not a boolean");
	else if (v)
		*b = json_is_true(v);
}

static void io_num(struct io *c, json_t *o, const char *name, json_int_t *x,
		   json_int_t min, json_int_t max)
{
	json_t *v;

	if (c->failed)
		return;
	if (!c->dec) {
		if (*x < min || *x > max)
			bad(c, name, "%lld is out of range", (long long)*x);
		else
			put(c, o, name, json_integer(*x));
		return;
	}
	v = need(c, o, name);
	if (!v)
		return;
	if (!json_is_integer(v)) {
		bad(c, name, "not an integer");
		return;
	}
	*x = json_integer_value(v);
	if (*x < min || *x > max)
		bad(c, name, "%lld is outside [%lld, %lld]", (long long)*x,
		    (long long)min, (long long)max);
}

static void io_int(struct io *c, json_t *o, const char *name, int *v, int min, int max)
{
	json_int_t x = *v;

	io_num(c, o, name, &x, min, max);
	if (c->dec && !c->failed)
		*v = (int)x;
}

static void io_u32(struct io *c, json_t *o, const char *name, uint32_t *v)
{
	json_int_t x = *v;

	io_num(c, o, name, &x, 0, UINT32_MAX);
	if (c->dec && !c->failed)
		*v = (uint32_t)x;
}

/* Milliseconds since the epoch; never before it. */
static void io_ms(struct io *c, json_t *o, const char *name, int64_t *v)
{
	json_int_t x = *v;

	io_num(c, o, name, &x, 0, INT64_MAX);
	if (c->dec && !c->failed)
		*v = x;
}

/*
 * Optional fields, added to format 1 after it was first written: the encoder
 * leaves out a zero value ("", 0) and the decoder reads one that is absent
 * or null as zero, so older documents still load. True when 'name' is to be
 * skipped.
 */
static bool skip_zero(struct io *c, json_t *o, const char *name, bool zero)
{
	return c->failed || (c->dec ? !want(o, name) : zero);
}

static void io_opt_str(struct io *c, json_t *o, const char *name, char *s, size_t size)
{
	if (!skip_zero(c, o, name, !s[0]))
		io_str(c, o, name, s, size);
}

static void io_opt_ms(struct io *c, json_t *o, const char *name, int64_t *v)
{
	if (!skip_zero(c, o, name, !*v))
		io_ms(c, o, name, v);
}

static void io_opt_int(struct io *c, json_t *o, const char *name, int *v, int min, int max)
{
	if (!skip_zero(c, o, name, !*v))
		io_int(c, o, name, v, min, max);
}

/* Enum fields go through an int, since their storage type is the compiler's. */
static void io_enum(struct io *c, json_t *o, const char *name, int *x,
		    const char *const *names, size_t n)
{
	json_t *v;

	if (c->failed)
		return;
	if (!c->dec) {
		if (*x < 0 || (size_t)*x >= n || !names[*x])
			bad(c, name, "value %d has no name", *x);
		else
			put(c, o, name, json_string(names[*x]));
		return;
	}
	v = need(c, o, name);
	if (!v)
		return;
	if (!json_is_string(v)) {
		bad(c, name, "not a string");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (names[i] && strcmp(names[i], json_string_value(v)) == 0) {
			*x = (int)i;
			return;
		}
	}
	bad(c, name, "unknown value '%.40s'", json_string_value(v));
}

#define IO_ENUM(c, o, name, field, names)                                 \
	do {                                                              \
		int io_enum_v_ = (int)(field);                            \
		io_enum((c), (o), (name), &io_enum_v_, (names),           \
			ARRAY_SIZE(names));                               \
		if ((c)->dec)                                             \
			(field) = io_enum_v_;                             \
	} while (0)

static void io_cidr(struct io *c, json_t *o, const char *name, struct cidr4 *cidr)
{
	char buf[CIDR4_STRLEN];
	json_t *v;

	if (c->failed)
		return;
	if (!c->dec) {
		if (cidr->len > 32 || (cidr->addr & ~cidr4_mask(cidr->len)))
			bad(c, name, "not a canonical CIDR block");
		else
			put(c, o, name, json_string(cidr4_fmt(cidr, buf)));
		return;
	}
	v = need(c, o, name);
	if (!v)
		return;
	if (!json_is_string(v)) {
		bad(c, name, "not a string");
		return;
	}
	if (cidr4_parse(str_from(json_string_value(v), json_string_length(v)), cidr) < 0)
		bad(c, name, "'%.40s' is not a CIDR block", json_string_value(v));
}

/* An IPv4 address; when 'optional', 0 is absent (and null reads as 0). */
static void io_ip(struct io *c, json_t *o, const char *name, uint32_t *ip, bool optional)
{
	char buf[IP4_STRLEN];
	json_t *v;

	if (c->failed)
		return;
	if (!c->dec) {
		if (*ip || !optional)
			put(c, o, name, json_string(ip4_fmt(*ip, buf)));
		return;
	}
	v = optional ? want(o, name) : need(c, o, name);
	if (!v)
		return;
	if (!json_is_string(v)) {
		bad(c, name, "not a string");
		return;
	}
	if (ip4_parse(str_from(json_string_value(v), json_string_length(v)), ip) < 0)
		bad(c, name, "'%.40s' is not an IPv4 address", json_string_value(v));
}

/*
 * An optional array of at most 'max' elements. Decoding sets '*n' to its
 * length and returns it; encoding returns a new array in 'o', or NULL when
 * '*n' is 0 (empty arrays are left out).
 */
static json_t *io_list(struct io *c, json_t *o, const char *name, size_t *n, size_t max)
{
	json_t *a;

	if (c->failed)
		return NULL;
	if (!c->dec) {
		if (*n > max) {
			bad(c, name, "%zu elements, more than %zu", *n, max);
			return NULL;
		}
		if (!*n)
			return NULL;
		a = json_array();
		put(c, o, name, a);
		return c->failed ? NULL : a;
	}
	a = want(o, name);
	if (!a)
		return NULL;
	if (!json_is_array(a)) {
		bad(c, name, "not an array");
		return NULL;
	}
	if (json_array_size(a) > max) {
		bad(c, name, "%zu elements, more than %zu", json_array_size(a), max);
		return NULL;
	}
	*n = json_array_size(a);
	return a;
}

/*
 * Runs 'fn' on each of the 'n' elements of 'size' bytes at 'base', the
 * struct array that the JSON array 'a' of objects holds.
 */
static void io_elems(struct io *c, json_t *a, const char *name, void *base,
		     size_t n, size_t size, elem_io_fn *fn)
{
	for (size_t i = 0; i < n && !c->failed; i++) {
		json_t *o;

		c->at[0] = '\0';
		if (c->dec) {
			o = json_array_get(a, i);
			if (!json_is_object(o)) {
				bad(c, name, "element %zu is not an object", i);
				break;
			}
		} else {
			o = json_object();
			if (!o || json_array_append_new(a, o) < 0) {
				bad(c, name, "cannot be encoded");
				break;
			}
		}
		snprintf(c->at, sizeof(c->at), "%s[%zu].", name, i);
		fn(c, o, (char *)base + i * size);
	}
	c->at[0] = '\0';
}

/* Allocates 'n' zeroed elements for the decoder; NULL for none. */
static void *elems_new(size_t n, size_t size)
{
	return n ? xcalloc(n, size) : NULL;
}

/* An owned array of IDs, such as an ENI's security groups. */
static void io_ids(struct io *c, json_t *o, const char *name,
		   char (**arr)[ID_SIZE], size_t *n, size_t max)
{
	json_t *a = io_list(c, o, name, n, max);
	char field[48];

	if (c->dec)
		*arr = elems_new(*n, sizeof(**arr));
	for (size_t i = 0; i < *n && !c->failed; i++) {
		snprintf(field, sizeof(field), "%s[%zu]", name, i);
		if (c->dec) {
			json_t *v = json_array_get(a, i);

			if (!json_is_string(v))
				bad(c, field, "not a string");
			else if (str_copy(str_from(json_string_value(v), json_string_length(v)),
					  (*arr)[i], ID_SIZE) < 0)
				bad(c, field, "longer than %d bytes", ID_SIZE - 1);
		} else {
			size_t len = strnlen((*arr)[i], ID_SIZE);

			if (len == ID_SIZE)
				bad(c, field, "not terminated");
			else if (json_array_append_new(a, json_stringn((*arr)[i], len)) < 0)
				bad(c, field, "cannot be encoded");
		}
	}
}

static const char *const target_names[] = {
	[TARGET_LOCAL] = "local",
	[TARGET_IGW] = "igw",
	[TARGET_NAT] = "nat",
	[TARGET_VGW] = "vgw",
	[TARGET_ENI] = "eni",
	[TARGET_INSTANCE] = "instance",
	[TARGET_VPCE] = "vpce",
	[TARGET_OTHER] = "other",
};

static const char *const origin_names[] = {
	[ORIGIN_CREATE_ROUTE_TABLE] = "create_route_table",
	[ORIGIN_CREATE_ROUTE] = "create_route",
	[ORIGIN_ENABLE_VGW_PROPAGATION] = "enable_vgw_propagation",
};

static const char *const peer_names[] = {
	[PEER_CIDR] = "cidr",
	[PEER_PREFIX_LIST] = "prefix_list",
	[PEER_GROUP] = "group",
};

static const char *const eni_type_names[] = {
	[ENI_INTERFACE] = "interface",
	[ENI_VPC_ENDPOINT] = "vpc_endpoint",
	[ENI_NAT_GATEWAY] = "nat_gateway",
};

static const char *const instance_state_names[] = {
	[INSTANCE_PENDING] = "pending",
	[INSTANCE_RUNNING] = "running",
	[INSTANCE_TERMINATED] = "terminated",
};

static const char *const vpce_type_names[] = {
	[VPCE_INTERFACE] = "interface",
	[VPCE_GATEWAY] = "gateway",
};

static const char *const vpce_state_names[] = {
	[VPCE_PENDING] = "pending",
	[VPCE_AVAILABLE] = "available",
	[VPCE_DELETING] = "deleting",
};

static void tag_io(struct io *c, json_t *o, void *p)
{
	struct tag *t = p;

	io_ostr(c, o, "key", &t->key, LIMIT_TAG_KEY_CHARS, false);
	io_ostr(c, o, "value", &t->value, LIMIT_TAG_VALUE_CHARS, false);
}

/* The model keeps tag keys unique (res_tag_set), so a repeat is damage. */
static void check_tag_keys(struct io *c, const struct res *r)
{
	char field[32];

	/* Encoding writes a NULL key as "", so compare it as one. */
	for (size_t j = 1; j < r->n_tags && !c->failed; j++) {
		for (size_t i = 0; i < j; i++) {
			if (strcmp(r->tags[i].key ? r->tags[i].key : "",
				   r->tags[j].key ? r->tags[j].key : "") == 0) {
				snprintf(field, sizeof(field), "tags[%zu].key", j);
				bad(c, field, "repeats tags[%zu].key", i);
				break;
			}
		}
	}
}

static void common_io(struct io *c, json_t *o, struct res *r)
{
	json_int_t version = CODEC_VERSION;
	json_t *a;

	io_num(c, o, "v", &version, LLONG_MIN, LLONG_MAX);
	if (!c->failed && version != CODEC_VERSION)
		bad(c, "v", "unknown format version %lld", (long long)version);
	io_str(c, o, "owner", r->owner, sizeof(r->owner));
	io_ms(c, o, "created_ms", &r->created_ms);
	a = io_list(c, o, "tags", &r->n_tags, LIMIT_QUERY_TAGS);
	if (c->dec) {
		r->tags = elems_new(r->n_tags, sizeof(*r->tags));
		r->alloc_tags = r->n_tags;
	}
	io_elems(c, a, "tags", r->tags, r->n_tags, sizeof(*r->tags), tag_io);
	check_tag_keys(c, r);
}

static void vpc_io(struct io *c, json_t *o, struct res *r)
{
	struct vpc *v = AS_VPC(r);

	io_cidr(c, o, "cidr", &v->cidr);
	io_str(c, o, "cidr_assoc_id", v->cidr_assoc_id, sizeof(v->cidr_assoc_id));
	io_str(c, o, "dhcp_options_id", v->dhcp_options_id, sizeof(v->dhcp_options_id));
	io_bool(c, o, "dns_support", &v->dns_support);
	io_bool(c, o, "dns_hostnames", &v->dns_hostnames);
	io_bool(c, o, "is_default", &v->is_default);
	io_str(c, o, "instance_tenancy", v->instance_tenancy, sizeof(v->instance_tenancy));
	io_str(c, o, "main_rtb_id", v->main_rtb_id, sizeof(v->main_rtb_id));
	io_str(c, o, "default_sg_id", v->default_sg_id, sizeof(v->default_sg_id));
}

static void subnet_io(struct io *c, json_t *o, struct res *r)
{
	struct subnet *s = AS_SUBNET(r);

	io_str(c, o, "vpc_id", s->vpc_id, sizeof(s->vpc_id));
	io_cidr(c, o, "cidr", &s->cidr);
	io_int(c, o, "az", &s->az, 0, REGION_AZS - 1);
	io_bool(c, o, "map_public_ip", &s->map_public_ip);
	io_bool(c, o, "default_for_az", &s->default_for_az);
}

/* Exactly one of "dest" and "prefix_list_id" says where a route goes. */
static void route_io(struct io *c, json_t *o, void *p)
{
	struct route *rt = p;

	if (c->dec && !c->failed) {
		rt->to_prefix_list = json_object_get(o, "prefix_list_id") != NULL;
		if (rt->to_prefix_list && json_object_get(o, "dest"))
			bad(c, "dest", "given with prefix_list_id");
	}
	if (rt->to_prefix_list)
		io_str(c, o, "prefix_list_id", rt->pl_id, sizeof(rt->pl_id));
	else
		io_cidr(c, o, "dest", &rt->dest);
	IO_ENUM(c, o, "target", rt->target, target_names);
	io_str(c, o, "target_id", rt->target_id, sizeof(rt->target_id));
	IO_ENUM(c, o, "origin", rt->origin, origin_names);
}

static void assoc_io(struct io *c, json_t *o, void *p)
{
	struct rtb_assoc *a = p;

	io_str(c, o, "id", a->id, sizeof(a->id));
	io_bool(c, o, "main", &a->main);
	io_str(c, o, "subnet_id", a->subnet_id, sizeof(a->subnet_id));
}

static void rtb_io(struct io *c, json_t *o, struct res *r)
{
	struct rtb *t = AS_RTB(r);
	json_t *a;

	io_str(c, o, "vpc_id", t->vpc_id, sizeof(t->vpc_id));
	a = io_list(c, o, "routes", &t->n_routes, LIMIT_ROUTES_PER_TABLE);
	if (c->dec) {
		t->routes = elems_new(t->n_routes, sizeof(*t->routes));
		t->alloc_routes = t->n_routes;
	}
	io_elems(c, a, "routes", t->routes, t->n_routes, sizeof(*t->routes), route_io);
	a = io_list(c, o, "assocs", &t->n_assocs, LIMIT_ASSOCS_PER_TABLE);
	if (c->dec) {
		t->assocs = elems_new(t->n_assocs, sizeof(*t->assocs));
		t->alloc_assocs = t->n_assocs;
	}
	io_elems(c, a, "assocs", t->assocs, t->n_assocs, sizeof(*t->assocs), assoc_io);
}

/* "peer" says which of "cidr", "peer_id" and "peer_owner" follow. */
static void rule_io(struct io *c, json_t *o, void *p)
{
	struct sg_rule *u = p;

	io_str(c, o, "id", u->id, sizeof(u->id));
	io_bool(c, o, "egress", &u->egress);
	io_int(c, o, "proto", &u->proto, -1, 255);
	io_int(c, o, "from_port", &u->from_port, -1, 65535);
	io_int(c, o, "to_port", &u->to_port, -1, 65535);
	IO_ENUM(c, o, "peer", u->peer, peer_names);
	if (c->failed)
		return;
	if (u->peer == PEER_CIDR)
		io_cidr(c, o, "cidr", &u->cidr);
	else
		io_str(c, o, "peer_id", u->peer_id, sizeof(u->peer_id));
	if (u->peer == PEER_GROUP)
		io_str(c, o, "peer_owner", u->peer_owner, sizeof(u->peer_owner));
	io_ostr(c, o, "description", &u->description, LIMIT_NAME_CHARS, true);
}

static void sg_io(struct io *c, json_t *o, struct res *r)
{
	struct sg *g = AS_SG(r);
	json_t *a;

	io_str(c, o, "vpc_id", g->vpc_id, sizeof(g->vpc_id));
	io_ostr(c, o, "name", &g->name, LIMIT_NAME_CHARS, false);
	io_ostr(c, o, "description", &g->description, LIMIT_NAME_CHARS, false);
	io_bool(c, o, "is_default", &g->is_default);
	a = io_list(c, o, "rules", &g->n_rules, 2 * LIMIT_RULES_PER_GROUP);
	if (c->dec) {
		g->rules = elems_new(g->n_rules, sizeof(*g->rules));
		g->alloc_rules = g->n_rules;
	}
	io_elems(c, a, "rules", g->rules, g->n_rules, sizeof(*g->rules), rule_io);
}

static void igw_io(struct io *c, json_t *o, struct res *r)
{
	struct igw *g = AS_IGW(r);

	io_str(c, o, "vpc_id", g->vpc_id, sizeof(g->vpc_id));
}

static void nat_io(struct io *c, json_t *o, struct res *r)
{
	struct nat *n = AS_NAT(r);

	io_str(c, o, "vpc_id", n->vpc_id, sizeof(n->vpc_id));
	io_str(c, o, "subnet_id", n->subnet_id, sizeof(n->subnet_id));
	io_bool(c, o, "private", &n->private_);
	io_str(c, o, "eip_id", n->eip_id, sizeof(n->eip_id));
	io_str(c, o, "eni_id", n->eni_id, sizeof(n->eni_id));
	io_ip(c, o, "private_ip", &n->private_ip, true);
	io_bool(c, o, "deleted", &n->deleted);
	io_opt_ms(c, o, "deleted_ms", &n->deleted_ms);
}

static void vgw_io(struct io *c, json_t *o, struct res *r)
{
	struct vgw *g = AS_VGW(r);

	io_str(c, o, "vpc_id", g->vpc_id, sizeof(g->vpc_id));
	io_opt_str(c, o, "detached_vpc_id", g->detached_vpc_id, sizeof(g->detached_vpc_id));
	io_u32(c, o, "asn", &g->asn);
	io_int(c, o, "az", &g->az, -1, REGION_AZS - 1);
	io_bool(c, o, "deleted", &g->deleted);
	io_opt_ms(c, o, "deleted_ms", &g->deleted_ms);
}

static void eip_io(struct io *c, json_t *o, struct res *r)
{
	struct eip *p = AS_EIP(r);

	io_ip(c, o, "public_ip", &p->public_ip, true);
	io_str(c, o, "assoc_id", p->assoc_id, sizeof(p->assoc_id));
	io_str(c, o, "eni_id", p->eni_id, sizeof(p->eni_id));
	io_str(c, o, "instance_id", p->instance_id, sizeof(p->instance_id));
	io_ip(c, o, "private_ip", &p->private_ip, true);
}

static void eni_io(struct io *c, json_t *o, struct res *r)
{
	struct eni *n = AS_ENI(r);

	io_str(c, o, "vpc_id", n->vpc_id, sizeof(n->vpc_id));
	io_str(c, o, "subnet_id", n->subnet_id, sizeof(n->subnet_id));
	IO_ENUM(c, o, "type", n->type, eni_type_names);
	io_ip(c, o, "private_ip", &n->private_ip, false);
	io_ip(c, o, "public_ip", &n->public_ip, true);
	io_str(c, o, "mac", n->mac, sizeof(n->mac));
	io_ostr(c, o, "description", &n->description, LIMIT_NAME_CHARS, false);
	io_ids(c, o, "groups", &n->groups, &n->n_groups, LIMIT_GROUPS_PER_ENI);
	io_bool(c, o, "requester_managed", &n->requester_managed);
	io_str(c, o, "requester_id", n->requester_id, sizeof(n->requester_id));
	io_str(c, o, "owner_res_id", n->owner_res_id, sizeof(n->owner_res_id));
	io_str(c, o, "attach_id", n->attach_id, sizeof(n->attach_id));
	io_bool(c, o, "source_dest_check", &n->source_dest_check);
}

static void instance_io(struct io *c, json_t *o, struct res *r)
{
	struct instance *in = AS_INSTANCE(r);

	io_str(c, o, "vpc_id", in->vpc_id, sizeof(in->vpc_id));
	io_str(c, o, "subnet_id", in->subnet_id, sizeof(in->subnet_id));
	io_str(c, o, "eni_id", in->eni_id, sizeof(in->eni_id));
	io_str(c, o, "image_id", in->image_id, sizeof(in->image_id));
	io_str(c, o, "instance_type", in->instance_type, sizeof(in->instance_type));
	io_ostr(c, o, "key_name", &in->key_name, LIMIT_NAME_CHARS, true);
	IO_ENUM(c, o, "state", in->state, instance_state_names);
	io_ip(c, o, "private_ip", &in->private_ip, false);
	io_ms(c, o, "state_ms", &in->state_ms);
	io_opt_str(c, o, "reservation_id", in->reservation_id, sizeof(in->reservation_id));
	io_opt_int(c, o, "launch_index", &in->launch_index, 0, INT_MAX);
	io_opt_str(c, o, "client_token", in->client_token, sizeof(in->client_token));
}

static void net_io(struct io *c, json_t *o, void *p)
{
	struct vpce_net *n = p;

	io_str(c, o, "subnet_id", n->subnet_id, sizeof(n->subnet_id));
	io_str(c, o, "eni_id", n->eni_id, sizeof(n->eni_id));
}

static void vpce_io(struct io *c, json_t *o, struct res *r)
{
	struct vpce *v = AS_VPCE(r);
	json_t *a;

	IO_ENUM(c, o, "type", v->type, vpce_type_names);
	io_str(c, o, "vpc_id", v->vpc_id, sizeof(v->vpc_id));
	io_str(c, o, "service", v->service, sizeof(v->service));
	io_str(c, o, "dns_suffix", v->dns_suffix, sizeof(v->dns_suffix));
	IO_ENUM(c, o, "state", v->state, vpce_state_names);
	io_ms(c, o, "state_ms", &v->state_ms);
	io_ostr(c, o, "policy", &v->policy, LIMIT_ENDPOINT_POLICY_CHARS, false);
	io_bool(c, o, "private_dns", &v->private_dns);
	io_ids(c, o, "rtbs", &v->rtbs, &v->n_rtbs, LIMIT_RTBS_PER_ENDPOINT);
	a = io_list(c, o, "nets", &v->n_nets, LIMIT_SUBNETS_PER_ENDPOINT);
	if (c->dec)
		v->nets = elems_new(v->n_nets, sizeof(*v->nets));
	io_elems(c, a, "nets", v->nets, v->n_nets, sizeof(*v->nets), net_io);
	io_ids(c, o, "groups", &v->groups, &v->n_groups, LIMIT_GROUPS_PER_ENI);
}

static void inline_io(struct io *c, json_t *o, void *p)
{
	struct iam_inline *x = p;

	io_str(c, o, "name", x->name, sizeof(x->name));
	io_ostr(c, o, "doc", &x->doc, LIMIT_IAM_DOC_CHARS, false);
}

/* What users and roles share: a name, a path, inline and attached policies. */
static void principal_io(struct io *c, json_t *o, struct iam_principal *p)
{
	json_t *a;

	io_str(c, o, "name", p->name, sizeof(p->name));
	io_ostr(c, o, "path", &p->path, LIMIT_IAM_PATH_CHARS, false);
	a = io_list(c, o, "inline", &p->n_inline, LIMIT_IAM_INLINE_POLICIES);
	if (c->dec)
		p->inl = elems_new(p->n_inline, sizeof(*p->inl));
	io_elems(c, a, "inline", p->inl, p->n_inline, sizeof(*p->inl), inline_io);
	io_ids(c, o, "attached", &p->attached, &p->n_attached, LIMIT_IAM_ATTACHED_POLICIES);
}

static void iam_user_io(struct io *c, json_t *o, struct res *r)
{
	principal_io(c, o, &AS_IAM_USER(r)->p);
}

static void iam_role_io(struct io *c, json_t *o, struct res *r)
{
	struct iam_role *x = AS_IAM_ROLE(r);

	principal_io(c, o, &x->p);
	io_ostr(c, o, "trust", &x->trust, LIMIT_IAM_DOC_CHARS, false);
	io_ostr(c, o, "description", &x->description, LIMIT_IAM_DESCRIPTION_CHARS, true);
	io_int(c, o, "max_session_s", &x->max_session_s, 3600, 43200);
}

static void iam_policy_io(struct io *c, json_t *o, struct res *r)
{
	struct iam_policy *m = AS_IAM_POLICY(r);

	io_str(c, o, "name", m->name, sizeof(m->name));
	io_ostr(c, o, "path", &m->path, LIMIT_IAM_PATH_CHARS, false);
	io_ostr(c, o, "description", &m->description, LIMIT_IAM_DESCRIPTION_CHARS, true);
	io_ostr(c, o, "doc", &m->doc, LIMIT_IAM_DOC_CHARS, false);
	io_int(c, o, "attachments", &m->attachments, 0, INT_MAX);
}

static void iam_key_io(struct io *c, json_t *o, struct res *r)
{
	struct iam_key *k = AS_IAM_KEY(r);

	io_str(c, o, "user_id", k->user_id, sizeof(k->user_id));
	io_str(c, o, "secret", k->secret, sizeof(k->secret));
}

static void sts_session_io(struct io *c, json_t *o, struct res *r)
{
	struct sts_session *s = AS_STS_SESSION(r);

	io_str(c, o, "role_id", s->role_id, sizeof(s->role_id));
	io_str(c, o, "name", s->name, sizeof(s->name));
	io_str(c, o, "secret", s->secret, sizeof(s->secret));
	io_str(c, o, "token", s->token, sizeof(s->token));
	io_ms(c, o, "expires_ms", &s->expires_ms);
}

static kind_io_fn *const kind_io[RES_KIND_COUNT] = {
	[RES_VPC] = vpc_io,
	[RES_SUBNET] = subnet_io,
	[RES_RTB] = rtb_io,
	[RES_SG] = sg_io,
	[RES_IGW] = igw_io,
	[RES_NAT] = nat_io,
	[RES_VGW] = vgw_io,
	[RES_EIP] = eip_io,
	[RES_ENI] = eni_io,
	[RES_INSTANCE] = instance_io,
	[RES_VPCE] = vpce_io,
	[RES_IAM_USER] = iam_user_io,
	[RES_IAM_ROLE] = iam_role_io,
	[RES_IAM_POLICY] = iam_policy_io,
	[RES_IAM_KEY] = iam_key_io,
	[RES_STS_SESSION] = sts_session_io,
};

char *codec_encode(const struct res *r)
{
	struct io c = { .dec = false };
	json_t *root;
	char *s = NULL;

	if (!r || (unsigned)r->kind >= RES_KIND_COUNT)
		return NULL;
	c.kind = res_kind_name(r->kind);
	c.id = r->id;
	root = json_object();
	if (!root)
		return NULL;
	/* Encoding only reads: the io_*() helpers write to 'r' when decoding. */
	common_io(&c, root, (struct res *)r);
	kind_io[r->kind](&c, root, (struct res *)r);
	if (!c.failed)
		s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	if (s && strlen(s) > LIMIT_STORE_DOC_BYTES)
		FREE_AND_NULL(s);
	return s;
}

struct res *codec_decode(enum res_kind kind, const char *id, const char *json,
			 size_t len, struct err *e)
{
	struct io c = { .dec = true, .e = e };
	json_error_t jerr;
	json_t *root;
	struct res *r;

	if ((unsigned)kind >= RES_KIND_COUNT) {
		err_fail(e, CODEC_ERR_CORRUPT, "unknown kind %d", (int)kind);
		return NULL;
	}
	c.kind = res_kind_name(kind);
	if (!id || strnlen(id, ID_SIZE) == ID_SIZE) {
		if (id)
			err_fail(e, CODEC_ERR_CORRUPT, "%s: field 'id': longer than %d bytes",
				 c.kind, ID_SIZE - 1);
		else
			err_fail(e, CODEC_ERR_CORRUPT, "%s: field 'id': missing", c.kind);
		return NULL;
	}
	c.id = id;
	if (len > LIMIT_STORE_DOC_BYTES) {
		err_fail(e, CODEC_ERR_CORRUPT, "%s '%s': document is %zu bytes, more than %d",
			 c.kind, id, len, LIMIT_STORE_DOC_BYTES);
		return NULL;
	}
	root = json_loadb(json ? json : "", json ? len : 0, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		err_fail(e, CODEC_ERR_CORRUPT, "%s '%s': not JSON at line %d column %d: %s",
			 c.kind, id, jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		err_fail(e, CODEC_ERR_CORRUPT, "%s '%s': document is not an object",
			 c.kind, id);
		json_decref(root);
		return NULL;
	}
	r = res_new(kind, id);
	common_io(&c, root, r);
	kind_io[kind](&c, root, r);
	json_decref(root);
	if (c.failed) {
		res_free(r);
		return NULL;
	}
	return r;
}
