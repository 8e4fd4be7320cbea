/* SPDX-License-Identifier: MIT */
/*
 * Security groups and their rules. A request's permissions are first turned
 * into a scratch array of normalised rules ('struct wanted'); only when all
 * of them pass does the group change, so a failure leaves no trace.
 */
#include "compat.h"
#include "core/host_ops.h"

#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/idfmt.h"
#include "limits.h"

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58

/* What AWS accepts in VPC group names and descriptions and in rule descriptions. */
static const char name_charset[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	" ._-:/()#,@[]+=&;{}!$*";

struct sg *sg_lookup(const struct world *w, const struct ctx *cx, const char *id,
		     struct err *e)
{
	struct res *r;

	if (!id_valid(id, "sg-")) {
		err_fail(e, "InvalidGroupId.Malformed", "Invalid id: \"%s\"", id);
		return NULL;
	}
	r = world_get(w, id, RES_SG);
	if (!r || strcmp(r->owner, cx->account)) {
		err_fail(e, "InvalidGroup.NotFound",
			 "The security group '%s' does not exist", id);
		return NULL;
	}
	return AS_SG(r);
}

static bool ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

static bool in_charset(const char *s)
{
	return strlen(s) <= LIMIT_NAME_CHARS && strspn(s, name_charset) == strlen(s);
}

static bool name_taken(const struct world *w, const char *vpc_id, const char *name)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_SG, r) {
		const struct sg *g = AS_SG(r);

		if (strcmp(g->vpc_id, vpc_id) == 0 && strcmp(g->name, name) == 0)
			return true;
	}
	return false;
}

static int check_names(const struct sg_create_req *req, struct err *e)
{
	if (!ascii(req->name))
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter GroupName is invalid. Character sets "
				"beyond ASCII are not supported.", req->name);
	if (strncmp(req->name, "sg-", 3) == 0)
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter GroupName is invalid. Group names may "
				"not be in the format sg-*.", req->name);
	if (!req->name[0] || !in_charset(req->name))
		return err_fail(e, "InvalidParameterValue",
				"Invalid security group name. Valid names are non-empty strings "
				"less than 256 characters from the following set:  "
				"a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*");
	if (!ascii(req->description))
		return err_fail(e, "InvalidParameterValue",
				"Value (%s) for parameter GroupDescription is invalid. Character "
				"sets beyond ASCII are not supported.", req->description);
	if (!in_charset(req->description))
		return err_fail(e, "InvalidParameterValue",
				"Invalid security group description. Valid descriptions are "
				"strings less than 256 characters from the following set:  "
				"a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*");
	return 0;
}

int sg_create(struct world *w, struct ctx *cx, const struct sg_create_req *req,
	      struct sg **out, struct err *e)
{
	char id[ID_SIZE];
	struct vpc *v;
	struct sg *g;
	int ret;

	if (!req->name)
		return err_fail(e, "MissingParameter",
				"The request must contain the parameter GroupName");
	if (!req->description)
		return err_fail(e, "MissingParameter",
				"The request must contain the parameter GroupDescription");
	/* No account here has a default VPC (docs/aws-reference.md, section 8). */
	if (!req->vpc_id)
		return err_fail(e, "VPCIdNotSpecified", "No default VPC for this user");
	ret = check_names(req, e);
	if (ret < 0)
		return ret;
	v = vpc_lookup(w, cx, req->vpc_id, e);
	if (!v)
		return -EINVAL;
	if (strcmp(req->name, "default") == 0)
		return err_fail(e, "InvalidParameterValue",
				"Cannot use reserved security group name: default");
	if (name_taken(w, v->res.id, req->name))
		return err_fail(e, "InvalidGroup.Duplicate",
				"The security group '%s' already exists for VPC '%s'",
				req->name, v->res.id);

	ctx_new_id(cx, "sg-", id);
	g = AS_SG(world_add(w, RES_SG, id));
	str_lcpy(g->res.owner, cx->account, sizeof(g->res.owner));
	g->res.created_ms = cx->now_ms;
	str_lcpy(g->vpc_id, v->res.id, sizeof(g->vpc_id));
	g->name = xstrdup(req->name);
	g->description = xstrdup(req->description);
	/* Every new group may send anything anywhere until told otherwise. */
	ALLOC_GROW(g->rules, 1, g->alloc_rules);
	g->rules[0] = (struct sg_rule){ .egress = true, .proto = -1, .from_port = -1,
					.to_port = -1, .peer = PEER_CIDR };
	ctx_new_id(cx, "sgr-", g->rules[0].id);
	g->n_rules = 1;
	*out = g;
	return 0;
}

/* True when an ENI, an endpoint or any group's rule (its own included) uses 'id'. */
static bool sg_in_use(const struct world *w, const char *id)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_ENI, r)
		if (id_array_find(AS_ENI(r)->groups, AS_ENI(r)->n_groups, id) >= 0)
			return true;
	WORLD_FOR_EACH(w, RES_VPCE, r)
		if (id_array_find(AS_VPCE(r)->groups, AS_VPCE(r)->n_groups, id) >= 0)
			return true;
	WORLD_FOR_EACH(w, RES_SG, r) {
		const struct sg *g = AS_SG(r);

		for (size_t i = 0; i < g->n_rules; i++)
			if (g->rules[i].peer == PEER_GROUP && strcmp(g->rules[i].peer_id, id) == 0)
				return true;
	}
	return false;
}

int sg_delete(struct world *w, struct ctx *cx, const char *id, struct err *e)
{
	struct sg *g = sg_lookup(w, cx, id, e);

	if (!g)
		return -EINVAL;
	if (g->is_default)
		return err_fail(e, "CannotDelete",
				"the specified group: \"%s\" name: \"default\" cannot be "
				"deleted by a user", id);
	if (sg_in_use(w, id))
		return err_fail(e, "DependencyViolation",
				"resource %s has a dependent object", id);
	world_remove(w, &g->res);
	return 0;
}

const char *sg_proto_name(int proto, char dst[static 8])
{
	switch (proto) {
	case -1: snprintf(dst, 8, "-1"); break;
	case PROTO_TCP: snprintf(dst, 8, "tcp"); break;
	case PROTO_UDP: snprintf(dst, 8, "udp"); break;
	case PROTO_ICMP: snprintf(dst, 8, "icmp"); break;
	case PROTO_ICMPV6: snprintf(dst, 8, "icmpv6"); break;
	default: snprintf(dst, 8, "%d", proto); break;
	}
	return dst;
}

bool sg_proto_has_ports(int proto)
{
	return proto == PROTO_TCP || proto == PROTO_UDP || proto == PROTO_ICMP ||
	       proto == PROTO_ICMPV6;
}

/* A rule a request asks for, its description still borrowed from the request. */
struct wanted {
	struct sg_rule r;
	const char *desc;
};

static int parse_proto(const char *s, int *out, struct err *e)
{
	static const struct {
		const char *name;
		int number;
	} names[] = {
		{ "tcp", PROTO_TCP }, { "udp", PROTO_UDP },
		{ "icmp", PROTO_ICMP }, { "icmpv6", PROTO_ICMPV6 },
	};
	uint64_t n;

	if (!s)
		return err_fail(e, "MissingParameter",
				"The request must contain the parameter IpProtocol");
	if (strcmp(s, "-1") == 0) {
		*out = -1;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (str_eq_nocase(str_c(s), str_c(names[i].name))) {
			*out = names[i].number;
			return 0;
		}
	}
	/* AWS refuses "all": the CLI turns it into -1 before sending. */
	if (str_to_u64(str_c(s), 255, &n) < 0)
		return err_fail(e, "InvalidParameterValue",
				"Invalid value '%s' for IP protocol. Unknown protocol.", s);
	*out = (int)n;
	return 0;
}

static int tcp_port(const char *end, long port, struct err *e)
{
	if (port < 0 || port > 65535)
		return err_fail(e, "InvalidParameterValue",
				"TCP/UDP (%s) port (%ld) out of range", end, port);
	return 0;
}

/* Sets the protocol and ports of 'r' from 'p' as AWS stores them. */
static int parse_ports(const struct sg_perm_spec *p, struct sg_rule *r, struct err *e)
{
	long from = p->has_from ? p->from : -1, to = p->has_to ? p->to : -1;
	int ret = parse_proto(p->protocol, &r->proto, e);

	if (ret < 0)
		return ret;
	r->from_port = r->to_port = -1;
	switch (r->proto) {
	case PROTO_TCP:
	case PROTO_UDP:
		if (!p->has_from || !p->has_to)
			return err_fail(e, "InvalidParameterValue",
					"Invalid value for portRange. Must specify both from "
					"and to ports with TCP/UDP.");
		if ((ret = tcp_port("from", from, e)) < 0 || (ret = tcp_port("to", to, e)) < 0)
			return ret;
		if (from > to)
			return err_fail(e, "InvalidParameterValue",
					"Invalid TCP/UDP port range (%ld - %ld)", from, to);
		break;
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		if (from < -1 || from > 255)
			return err_fail(e, "InvalidParameterValue",
					"ICMP type (%ld) out of range", from);
		if (to < -1 || to > 255)
			return err_fail(e, "InvalidParameterValue",
					"ICMP code (%ld) out of range", to);
		if (from == -1 && to != -1)
			return err_fail(e, "InvalidParameterValue",
					"ICMP code (%ld) must be -1 when the ICMP type is -1", to);
		break;
	default:
		/* -1 and every other protocol cover all ports, whatever was sent. */
		return 0;
	}
	r->from_port = (int)from;
	r->to_port = (int)to;
	return 0;
}

static int parse_desc(const char *desc, struct err *e)
{
	if (desc && (!ascii(desc) || !in_charset(desc)))
		return err_fail(e, "InvalidParameterValue",
				"Invalid rule description. Valid descriptions are strings less "
				"than 256 characters from the following set: "
				"a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*");
	return 0;
}

static struct sg *group_by_name(const struct world *w, const struct ctx *cx,
				const char *vpc_id, const char *name)
{
	struct res *r;

	WORLD_FOR_EACH(w, RES_SG, r) {
		struct sg *g = AS_SG(r);

		if (!strcmp(g->vpc_id, vpc_id) && !strcmp(g->name, name) &&
		    !strcmp(r->owner, cx->account))
			return g;
	}
	return NULL;
}

/* Resolves the peer of 'r' from 's', for a rule of group 'g'. */
static int parse_peer(const struct world *w, const struct ctx *cx, const struct sg *g,
		      const struct sg_peer_spec *s, struct sg_rule *r, struct err *e)
{
	const struct sg *peer;

	r->peer = s->kind;
	switch (s->kind) {
	case PEER_CIDR:
		if (!s->value || cidr4_parse(str_c(s->value), &r->cidr) < 0)
			return err_fail(e, "InvalidParameterValue", "CIDR block %s is malformed",
					s->value ? s->value : "");
		return 0;
	case PEER_PREFIX_LIST:
		if (!s->value || !catalog_find_prefix_list_in(cx->region, s->value))
			return err_fail(e, "InvalidPrefixListID.NotFound",
					"The prefix list ID '%s' does not exist",
					s->value ? s->value : "");
		str_lcpy(r->peer_id, s->value, ID_SIZE);
		return 0;
	case PEER_GROUP:
		break;
	}
	if (!s->value) {
		peer = s->group_name ? group_by_name(w, cx, g->vpc_id, s->group_name) : NULL;
		if (!peer)
			return err_fail(e, "InvalidGroup.NotFound",
					"The security group '%s' does not exist in VPC '%s'",
					s->group_name ? s->group_name : "", g->vpc_id);
	} else if (s->user_id && strcmp(s->user_id, cx->account)) {
		/* Another account's group: AWS checks it; vpce cannot. */
		if (!id_valid(s->value, "sg-"))
			return err_fail(e, "InvalidGroupId.Malformed", "Invalid id: \"%s\"",
					s->value);
		str_lcpy(r->peer_id, s->value, ID_SIZE);
		str_lcpy(r->peer_owner, s->user_id, ACCOUNT_SIZE);
		return 0;
	} else {
		peer = sg_lookup(w, cx, s->value, e);
		if (!peer)
			return -EINVAL;
		if (strcmp(peer->vpc_id, g->vpc_id))
			return err_fail(e, "InvalidGroup.NotFound",
					"You have specified two resources that belong to "
					"different networks.");
	}
	str_lcpy(r->peer_id, peer->res.id, ID_SIZE);
	str_lcpy(r->peer_owner, peer->res.owner, ACCOUNT_SIZE);
	return 0;
}

static bool same_rule(const struct sg_rule *a, const struct sg_rule *b)
{
	if (a->egress != b->egress || a->proto != b->proto || a->from_port != b->from_port ||
	    a->to_port != b->to_port || a->peer != b->peer)
		return false;
	if (a->peer == PEER_CIDR)
		return cidr4_eq(&a->cidr, &b->cidr);
	return strcmp(a->peer_id, b->peer_id) == 0;
}

static void port_text(int port, char dst[static 16])
{
	if (port == -1)
		snprintf(dst, 16, "ALL");
	else
		snprintf(dst, 16, "%d", port);
}

/* The rule as AWS quotes it in InvalidPermission.Duplicate. */
static void rule_text(const struct sg_rule *r, char *dst, size_t size)
{
	char peer[ID_SIZE], a[16], b[16];

	if (r->peer == PEER_CIDR)
		cidr4_fmt(&r->cidr, peer);
	else
		str_lcpy(peer, r->peer_id, sizeof(peer));
	switch (r->proto) {
	case -1:
		snprintf(dst, size, "peer: %s, ALL, ALLOW", peer);
		break;
	case PROTO_TCP:
	case PROTO_UDP:
		snprintf(dst, size, "peer: %s, %s, from port: %d, to port: %d, ALLOW", peer,
			 r->proto == PROTO_TCP ? "TCP" : "UDP", r->from_port, r->to_port);
		break;
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		port_text(r->from_port, a);
		port_text(r->to_port, b);
		snprintf(dst, size, "peer: %s, %s, type: %s, code: %s, ALLOW", peer,
			 r->proto == PROTO_ICMP ? "ICMP" : "ICMPV6", a, b);
		break;
	default:
		snprintf(dst, size, "peer: %s, protocol: %d, ALLOW", peer, r->proto);
		break;
	}
}

/*
 * Turns 'perms' into normalised rules for group 'g' in '*out' (xcalloc'ed,
 * the caller frees it, also on failure).
 */
static int parse_perms(const struct world *w, const struct ctx *cx, const struct sg *g,
		       bool egress, const struct sg_perm_spec *perms, size_t n,
		       struct wanted **out, size_t *n_out, struct err *e)
{
	size_t total = 0;
	int ret;

	for (size_t i = 0; i < n; i++)
		total += perms[i].n_peers;
	*out = xcalloc(total ? total : 1, sizeof(**out));
	*n_out = 0;
	for (size_t i = 0; i < n; i++) {
		struct sg_rule base = { .egress = egress };

		ret = parse_ports(&perms[i], &base, e);
		if (ret < 0)
			return ret;
		for (size_t j = 0; j < perms[i].n_peers; j++) {
			struct wanted *wt = &(*out)[(*n_out)++];

			wt->r = base;
			wt->desc = perms[i].peers[j].description;
			if ((ret = parse_peer(w, cx, g, &perms[i].peers[j], &wt->r, e)) < 0 ||
			    (ret = parse_desc(wt->desc, e)) < 0)
				return ret;
		}
	}
	return 0;
}

static size_t rules_each_way(const struct sg *g, bool egress)
{
	size_t n = 0;

	for (size_t i = 0; i < g->n_rules; i++)
		n += g->rules[i].egress == egress;
	return n;
}

int sg_authorize(struct world *w, struct ctx *cx, const char *id, bool egress,
		 const struct sg_perm_spec *perms, size_t n, struct sg **out, size_t *first,
		 struct err *e)
{
	struct sg *g = sg_lookup(w, cx, id, e);
	struct wanted *want = NULL;
	size_t n_want = 0;
	char text[160];
	int ret;

	if (!g)
		return -EINVAL;
	ret = parse_perms(w, cx, g, egress, perms, n, &want, &n_want, e);
	for (size_t i = 0; i < n_want && ret == 0; i++) {
		bool dup = false;

		for (size_t j = 0; j < g->n_rules && !dup; j++)
			dup = same_rule(&g->rules[j], &want[i].r);
		for (size_t j = 0; j < i && !dup; j++)
			dup = same_rule(&want[j].r, &want[i].r);
		if (dup) {
			rule_text(&want[i].r, text, sizeof(text));
			ret = err_fail(e, "InvalidPermission.Duplicate",
				       "the specified rule \"%s\" already exists", text);
		}
	}
	if (ret == 0 && rules_each_way(g, egress) + n_want > LIMIT_RULES_PER_GROUP)
		ret = err_fail(e, "RulesPerSecurityGroupLimitExceeded",
			       "The maximum number of rules per security group has been "
			       "reached.");
	if (ret < 0) {
		free(want);
		return ret;
	}

	*first = g->n_rules;
	ALLOC_GROW(g->rules, g->n_rules + n_want, g->alloc_rules);
	for (size_t i = 0; i < n_want; i++) {
		struct sg_rule *r = &g->rules[g->n_rules++];

		*r = want[i].r;
		ctx_new_id(cx, "sgr-", r->id);
		r->description = want[i].desc ? xstrdup(want[i].desc) : NULL;
	}
	free(want);
	if (n_want)
		world_touch(w, &g->res);
	*out = g;
	return 0;
}

static long rule_by_id(const struct sg *g, bool egress, const char *rule_id)
{
	for (size_t i = 0; i < g->n_rules; i++)
		if (g->rules[i].egress == egress && strcmp(g->rules[i].id, rule_id) == 0)
			return (long)i;
	return -1;
}

/* Marks in 'gone' the rules of 'g' that 'want' and 'rule_ids' name. */
static int match_rules(const struct sg *g, bool egress, const struct wanted *want,
		       size_t n_want, const char **rule_ids, size_t n_ids, bool *gone,
		       struct err *e)
{
	for (size_t i = 0; i < n_ids; i++) {
		long k;

		if (!id_valid(rule_ids[i], "sgr-"))
			return err_fail(e, "InvalidSecurityGroupRuleId.Malformed",
					"Invalid id: \"%s\"", rule_ids[i]);
		k = rule_by_id(g, egress, rule_ids[i]);
		if (k < 0)
			return err_fail(e, "InvalidSecurityGroupRuleId.NotFound",
					"The security group rule ID '%s' does not exist",
					rule_ids[i]);
		gone[k] = true;
	}
	for (size_t i = 0; i < n_want; i++) {
		bool found = false;

		for (size_t j = 0; j < g->n_rules && !found; j++) {
			if (!gone[j] && same_rule(&g->rules[j], &want[i].r))
				found = gone[j] = true;
		}
		if (!found)
			return err_fail(e, "InvalidPermission.NotFound",
					"The specified rule does not exist in this security "
					"group.");
	}
	return 0;
}

int sg_revoke(struct world *w, struct ctx *cx, const char *id, bool egress,
	      const struct sg_perm_spec *perms, size_t n, const char **rule_ids,
	      size_t n_rule_ids, struct sg_rule **revoked, size_t *n_revoked, struct err *e)
{
	struct sg *g = sg_lookup(w, cx, id, e);
	struct wanted *want = NULL;
	size_t n_want = 0, kept = 0;
	bool *gone;
	int ret;

	*revoked = NULL;
	*n_revoked = 0;
	if (!g)
		return -EINVAL;
	gone = xcalloc(g->n_rules + 1, sizeof(*gone));
	ret = parse_perms(w, cx, g, egress, perms, n, &want, &n_want, e);
	if (ret == 0)
		ret = match_rules(g, egress, want, n_want, rule_ids, n_rule_ids, gone, e);
	free(want);
	if (ret < 0) {
		free(gone);
		return ret;
	}

	*revoked = xcalloc(g->n_rules + 1, sizeof(**revoked));
	for (size_t i = 0; i < g->n_rules; i++) {
		if (gone[i])
			(*revoked)[(*n_revoked)++] = g->rules[i];
		else
			g->rules[kept++] = g->rules[i];
	}
	g->n_rules = kept;
	free(gone);
	if (*n_revoked)
		world_touch(w, &g->res);
	return 0;
}

void sg_rules_free(struct sg_rule *rules, size_t n)
{
	if (!rules)
		return;
	for (size_t i = 0; i < n; i++)
		free(rules[i].description);
	free(rules);
}

int sg_check_for_subnet(const struct world *w, const struct ctx *cx, const struct subnet *s,
			const char **groups, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		struct res *r;

		if (!id_valid(groups[i], "sg-"))
			return err_fail(e, "InvalidGroupId.Malformed", "Invalid id: \"%s\"",
					groups[i]);
		r = world_get(w, groups[i], RES_SG);
		if (!r || strcmp(r->owner, cx->account))
			return err_fail(e, "InvalidGroup.NotFound",
					"The security group '%s' does not exist in VPC '%s'",
					groups[i], s->vpc_id);
		if (strcmp(AS_SG(r)->vpc_id, s->vpc_id))
			return err_fail(e, "InvalidParameter",
					"Security group %s and subnet %s belong to different "
					"networks.", groups[i], s->res.id);
	}
	if (n > LIMIT_GROUPS_PER_ENI)
		return err_fail(e, "SecurityGroupsPerInterfaceLimitExceeded",
				"The maximum number of security groups per interface has "
				"been reached.");
	return 0;
}

int sg_check_for_vpc(const struct world *w, const struct ctx *cx, const char *vpc_id,
		     const char **groups, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		struct res *r;

		if (!id_valid(groups[i], "sg-"))
			return err_fail(e, "InvalidGroupId.Malformed", "Invalid id: \"%s\"",
					groups[i]);
		r = world_get(w, groups[i], RES_SG);
		if (!r || strcmp(r->owner, cx->account) || strcmp(AS_SG(r)->vpc_id, vpc_id))
			return err_fail(e, "InvalidGroup.NotFound",
					"The security group '%s' does not exist in VPC '%s'",
					groups[i], vpc_id);
	}
	if (n > LIMIT_GROUPS_PER_ENI)
		return err_fail(e, "SecurityGroupsPerInterfaceLimitExceeded",
				"The maximum number of security groups per interface has "
				"been reached.");
	return 0;
}
