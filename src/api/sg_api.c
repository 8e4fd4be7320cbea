/* SPDX-License-Identifier: MIT */
/* Security groups and their rules. */
#include "compat.h"
#include "api/host_api.h"

#include "api/xml.h"
#include "core/idfmt.h"
#include "limits.h"

/* Rules to render as EC2's IpPermissions, grouped by (protocol, ports). */
static void render_perms(struct call *c, const char *tag, const struct sg *g, bool egress)
{
	static const char *const sets[] = { "groups", "ipRanges", "ipv6Ranges", "prefixListIds" };
	static const int kinds[] = { PEER_GROUP, PEER_CIDR, -1, PEER_PREFIX_LIST };
	struct buf *b = c->out;
	char proto[8], cidr[CIDR4_STRLEN];

	xml_open(b, tag);
	for (size_t i = 0; i < g->n_rules; i++) {
		const struct sg_rule *r = &g->rules[i];
		bool seen = r->egress != egress;

		/* An item per key, at the place its first rule holds. */
		for (size_t j = 0; j < i && !seen; j++)
			seen = g->rules[j].egress == egress && g->rules[j].proto == r->proto &&
			       g->rules[j].from_port == r->from_port &&
			       g->rules[j].to_port == r->to_port;
		if (seen)
			continue;
		xml_open(b, "item");
		xml_text(b, "ipProtocol", sg_proto_name(r->proto, proto));
		if (sg_proto_has_ports(r->proto)) {
			xml_int(b, "fromPort", r->from_port);
			xml_int(b, "toPort", r->to_port);
		}
		for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
			xml_open(b, sets[s]);
			for (size_t j = i; j < g->n_rules; j++) {
				const struct sg_rule *o = &g->rules[j];

				if (o->egress != egress || o->proto != r->proto ||
				    o->from_port != r->from_port || o->to_port != r->to_port ||
				    (int)o->peer != kinds[s])
					continue;
				xml_open(b, "item");
				if (o->peer == PEER_GROUP) {
					xml_text(b, "userId", o->peer_owner);
					xml_text(b, "groupId", o->peer_id);
				} else if (o->peer == PEER_CIDR) {
					xml_text(b, "cidrIp", cidr4_fmt(&o->cidr, cidr));
				} else {
					xml_text(b, "prefixListId", o->peer_id);
				}
				xml_text(b, "description", o->description);
				xml_close(b, "item");
			}
			xml_close(b, sets[s]);
		}
		xml_close(b, "item");
	}
	xml_close(b, tag);
}

static void group_arn(const struct call *c, const struct res *r, char dst[static 160])
{
	snprintf(dst, 160, "arn:aws:ec2:%s:%s:security-group/%s", c->cx.region->name, r->owner,
		 r->id);
}

static void render_sg(struct call *c, const struct res *r)
{
	const struct sg *g = AS_SG((struct res *)r);
	struct buf *b = c->out;
	char arn[160];

	xml_text(b, "ownerId", r->owner);
	xml_text(b, "groupId", r->id);
	xml_text(b, "groupName", g->name);
	xml_text(b, "groupDescription", g->description);
	xml_text(b, "vpcId", g->vpc_id);
	render_perms(c, "ipPermissions", g, false);
	render_perms(c, "ipPermissionsEgress", g, true);
	render_tags(c, r);
	group_arn(c, r, arn);
	xml_text(b, "securityGroupArn", arn);
}

/* The values filter 'name' (after "ip-permission." or "egress.ip-permission.") sees. */
static int filter_rules(const struct call *c, const struct sg *g, bool egress,
			const char *name, struct filter_vals *vals)
{
	static const char *const names[] = {
		"cidr", "from-port", "to-port", "protocol", "group-id", "group-name", "user-id",
		"prefix-list-id", "ipv6-cidr",
	};
	size_t k = 0;
	char buf[CIDR4_STRLEN];

	while (k < ARRAY_SIZE(names) && strcmp(names[k], name))
		k++;
	if (k == ARRAY_SIZE(names))
		return -1;
	for (size_t i = 0; g && i < g->n_rules; i++) {
		const struct sg_rule *r = &g->rules[i];
		struct res *peer;

		if (r->egress != egress)
			continue;
		switch (k) {
		case 0:
			if (r->peer == PEER_CIDR)
				filter_add(c, vals, "%s", cidr4_fmt(&r->cidr, buf));
			break;
		case 1:
		case 2:
			if (sg_proto_has_ports(r->proto))
				filter_add(c, vals, "%d", k == 1 ? r->from_port : r->to_port);
			break;
		case 3:
			filter_add(c, vals, "%s", sg_proto_name(r->proto, buf));
			filter_add(c, vals, "%d", r->proto);
			break;
		case 4:
		case 6:
			if (r->peer == PEER_GROUP)
				filter_add(c, vals, "%s", k == 4 ? r->peer_id : r->peer_owner);
			break;
		case 5:
			peer = r->peer == PEER_GROUP ? world_get(c->w, r->peer_id, RES_SG) : NULL;
			if (peer)
				filter_add(c, vals, "%s", AS_SG(peer)->name);
			break;
		case 7:
			if (r->peer == PEER_PREFIX_LIST)
				filter_add(c, vals, "%s", r->peer_id);
			break;
		default:
			break;
		}
	}
	return 0;
}

static int filter_sg(const struct call *c, const struct res *r, const char *name,
		     struct filter_vals *vals)
{
	const struct sg *g = filter_probe(r) ? NULL : AS_SG((struct res *)r);

	if (!strncmp(name, "ip-permission.", 14))
		return filter_rules(c, g, false, name + 14, vals);
	if (!strncmp(name, "egress.ip-permission.", 21))
		return filter_rules(c, g, true, name + 21, vals);
	if (strcmp(name, "group-id") && strcmp(name, "group-name") && strcmp(name, "vpc-id") &&
	    strcmp(name, "description"))
		return filter_tags(r, name, vals);
	if (!g)
		return 0;
	if (!strcmp(name, "group-id"))
		filter_add(c, vals, "%s", r->id);
	else if (!strcmp(name, "group-name"))
		filter_add(c, vals, "%s", g->name);
	else if (!strcmp(name, "vpc-id"))
		filter_add(c, vals, "%s", g->vpc_id);
	else
		filter_add(c, vals, "%s", g->description);
	return 0;
}

/* GroupName instead of GroupId works only in a default VPC, and there is none. */
static int no_group_names(struct call *c)
{
	return err_fail(&c->err, "VPCIdNotSpecified",
			"No default VPC for this user. GroupName is only supported for "
			"EC2-Classic and default VPC.");
}

static int target_group(struct call *c, const char **id)
{
	*id = param(c, "GroupId");
	if (*id)
		return 0;
	if (param(c, "GroupName"))
		return no_group_names(c);
	return err_fail(&c->err, "MissingParameter",
			"The request must contain the parameter groupId");
}

static int create_security_group(struct call *c)
{
	struct sg_create_req req = {
		.vpc_id = param(c, "VpcId"),
		.name = param(c, "GroupName"),
		.description = param(c, "GroupDescription"),
	};
	struct sg *g;
	char arn[160];
	int ret;

	ret = param_tag_specs_check(c, "security-group");
	if (ret < 0)
		return ret;
	ret = sg_create(c->w, &c->cx, &req, &g, &c->err);
	if (ret < 0)
		return ret;
	param_tag_specs_apply(c, "security-group", &g->res);
	resp_begin(c);
	xml_bool(c->out, "return", true);
	xml_text(c->out, "groupId", g->res.id);
	render_tags(c, &g->res);
	group_arn(c, &g->res, arn);
	xml_text(c->out, "securityGroupArn", arn);
	resp_end(c);
	return 0;
}

static int delete_security_group(struct call *c)
{
	const char *id;
	int ret = target_group(c, &id);

	if (ret < 0 || (ret = sg_delete(c->w, &c->cx, id, &c->err)) < 0)
		return ret;
	resp_begin(c);
	xml_bool(c->out, "return", true);
	xml_text(c->out, "groupId", id);
	resp_end(c);
	return 0;
}

static int describe_security_groups(struct call *c)
{
	static const struct describe d = {
		.kind = RES_SG, .id_list = "GroupId", .set_tag = "securityGroupInfo",
		.not_found = "InvalidGroup.NotFound",
		.not_found_fmt = "The security group '%s' does not exist",
		.filter = filter_sg, .render = render_sg, .paginated = true,
	};
	const char **ids, **names;
	size_t n_ids, n_names;
	int ret;

	if ((ret = param_list(c, "GroupId", &ids, &n_ids)) < 0 ||
	    (ret = param_list(c, "GroupName", &names, &n_names)) < 0)
		return ret;
	if (n_names)
		return err_fail(&c->err, "VPCIdNotSpecified", "No default VPC for this user");
	for (size_t i = 0; i < n_ids; i++)
		if (!id_valid(ids[i], "sg-"))
			return err_fail(&c->err, "InvalidGroupId.Malformed", "Invalid id: \"%s\"",
					ids[i]);
	return describe_run(c, &d);
}

/* --- rules --- */

/* A request's permissions, as the core wants them; all in the arena. */
struct perms {
	struct sg_perm_spec *v;
	size_t n;
};

static int too_large(struct call *c)
{
	return err_fail(&c->err, "InvalidRequest", "The request is too large.");
}

/* Reads the integer 'key' into '*out' and sets '*has'. */
static int port_param(struct call *c, const char *key, bool *has, long *out)
{
	*has = param(c, key) != NULL;
	return query_int(&c->q, key, -2147483648L, 2147483647L, -1, out, &c->err);
}

static const struct {
	const char *list;		/* after "IpPermissions.N." */
	const char *value;		/* the member holding the peer */
	enum sg_peer kind;
} peer_lists[] = {
	{ "IpRanges", "CidrIp", PEER_CIDR },
	{ "PrefixListIds", "PrefixListId", PEER_PREFIX_LIST },
	{ "Groups", "GroupId", PEER_GROUP },
};

/* The value of "'prefix'.'list'.'n'.'member'", or NULL. */
static const char *member(struct call *c, const char *prefix, const char *list, unsigned n,
			  const char *name)
{
	char key[LIMIT_QUERY_KEY_BYTES];

	snprintf(key, sizeof(key), "%s.%s.%u.%s", prefix, list, n, name);
	return param(c, key);
}

/* Appends the peers of list 'pl' of permission 'prefix' ("IpPermissions.3") to 'p'. */
static int read_peers(struct call *c, const char *prefix, size_t pl, struct sg_perm_spec *p,
		      struct sg_peer_spec *peers, size_t max)
{
	const char *list = peer_lists[pl].list;
	unsigned idx[LIMIT_RULES_PER_GROUP + 1];
	char key[LIMIT_QUERY_KEY_BYTES];
	size_t n;
	int ret;

	snprintf(key, sizeof(key), "%s.%s", prefix, list);
	ret = query_indices(&c->q, key, idx, ARRAY_SIZE(idx), &n, &c->err);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n; i++) {
		struct sg_peer_spec *s;

		if (p->n_peers == max)
			return err_fail(&c->err, "RulesPerSecurityGroupLimitExceeded",
					"The maximum number of rules per security group has "
					"been reached.");
		s = &peers[p->n_peers++];
		s->kind = peer_lists[pl].kind;
		s->value = member(c, prefix, list, idx[i], peer_lists[pl].value);
		s->description = member(c, prefix, list, idx[i], "Description");
		if (s->kind != PEER_GROUP)
			continue;
		s->user_id = member(c, prefix, list, idx[i], "UserId");
		s->group_name = member(c, prefix, list, idx[i], "GroupName");
		if (!s->value && !s->group_name)
			return err_fail(&c->err, "MissingParameter",
					"The request must contain the parameter groupId");
		if (!s->value)
			return no_group_names(c);
	}
	return 0;
}

static int read_perm(struct call *c, unsigned n, struct sg_perm_spec *p)
{
	size_t max = LIMIT_RULES_PER_GROUP + 1;
	struct sg_peer_spec *peers = arena_alloc(c->arena, max * sizeof(*peers));
	char prefix[64], key[LIMIT_QUERY_KEY_BYTES];
	size_t n_v6;
	unsigned v6[1];
	int ret;

	if (!peers)
		return too_large(c);
	snprintf(prefix, sizeof(prefix), "IpPermissions.%u", n);
	snprintf(key, sizeof(key), "%s.IpProtocol", prefix);
	p->protocol = param(c, key);
	snprintf(key, sizeof(key), "%s.FromPort", prefix);
	if ((ret = port_param(c, key, &p->has_from, &p->from)) < 0)
		return ret;
	snprintf(key, sizeof(key), "%s.ToPort", prefix);
	if ((ret = port_param(c, key, &p->has_to, &p->to)) < 0)
		return ret;
	p->peers = peers;
	for (size_t i = 0; i < ARRAY_SIZE(peer_lists); i++)
		if ((ret = read_peers(c, prefix, i, p, peers, max)) < 0)
			return ret;
	snprintf(key, sizeof(key), "%s.Ipv6Ranges", prefix);
	ret = query_indices(&c->q, key, v6, ARRAY_SIZE(v6), &n_v6, &c->err);
	if (ret < 0 || n_v6)
		return err_fail(&c->err, "InvalidParameterValue",
				"IPv6 rules are not supported: vpce's VPCs have no IPv6 "
				"addresses.");
	return 0;
}

/*
 * The older flat form (IpProtocol, FromPort, ToPort, CidrIp, or
 * SourceSecurityGroupName), which only ingress honours: the source group
 * form grants all of TCP, UDP and ICMP (EC2 API reference).
 */
static int read_flat(struct call *c, struct perms *out)
{
	const char *cidr = param(c, "CidrIp"), *src = param(c, "SourceSecurityGroupName");
	const char *owner = param(c, "SourceSecurityGroupOwnerId");
	struct sg_peer_spec *peer = arena_alloc(c->arena, sizeof(*peer));
	struct sg_perm_spec *p = &out->v[out->n];
	int ret;

	if (!peer)
		return too_large(c);
	if (src) {
		static const char *const protos[] = { "tcp", "udp", "icmp" };

		if (cidr || param(c, "IpProtocol") || param(c, "FromPort") || param(c, "ToPort"))
			return err_fail(&c->err, "InvalidParameterCombination",
					"The parameter 'sourceSecurityGroupName' may not be used "
					"in combination with 'ipProtocol', 'fromPort', 'toPort' or "
					"'cidrIp'.");
		*peer = (struct sg_peer_spec){ .kind = PEER_GROUP, .group_name = src,
					       .user_id = owner };
		for (size_t i = 0; i < ARRAY_SIZE(protos); i++) {
			bool icmp = i == 2;

			out->v[out->n++] = (struct sg_perm_spec){
				.protocol = protos[i], .has_from = true, .has_to = true,
				.from = icmp ? -1 : 0, .to = icmp ? -1 : 65535,
				.peers = peer, .n_peers = 1,
			};
		}
		return 0;
	}
	if (!cidr && !param(c, "IpProtocol"))
		return 0;
	*p = (struct sg_perm_spec){ .protocol = param(c, "IpProtocol") };
	if ((ret = port_param(c, "FromPort", &p->has_from, &p->from)) < 0 ||
	    (ret = port_param(c, "ToPort", &p->has_to, &p->to)) < 0)
		return ret;
	if (cidr) {
		*peer = (struct sg_peer_spec){ .kind = PEER_CIDR, .value = cidr };
		p->peers = peer;
		p->n_peers = 1;
	}
	out->n++;
	return 0;
}

static int read_perms(struct call *c, bool egress, struct perms *out)
{
	unsigned *idx = arena_alloc(c->arena, (LIMIT_RULES_PER_GROUP + 1) * sizeof(*idx));
	size_t n;
	int ret;

	out->n = 0;
	out->v = arena_alloc(c->arena, (LIMIT_RULES_PER_GROUP + 4) * sizeof(*out->v));
	if (!idx || !out->v)
		return too_large(c);
	ret = query_indices(&c->q, "IpPermissions", idx, LIMIT_RULES_PER_GROUP + 1, &n, &c->err);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n; i++) {
		ret = read_perm(c, idx[i], &out->v[out->n++]);
		if (ret < 0)
			return ret;
	}
	if (!egress)
		return read_flat(c, out);
	return 0;
}

static void render_rule(struct call *c, const struct sg *g, const struct sg_rule *r,
			bool revoked)
{
	struct buf *b = c->out;
	char proto[8], cidr[CIDR4_STRLEN], arn[160];

	xml_text(b, "securityGroupRuleId", r->id);
	xml_text(b, "groupId", g->res.id);
	if (!revoked)
		xml_text(b, "groupOwnerId", g->res.owner);
	xml_bool(b, "isEgress", r->egress);
	xml_text(b, "ipProtocol", sg_proto_name(r->proto, proto));
	xml_int(b, "fromPort", r->from_port);
	xml_int(b, "toPort", r->to_port);
	if (r->peer == PEER_CIDR) {
		xml_text(b, "cidrIpv4", cidr4_fmt(&r->cidr, cidr));
	} else if (r->peer == PEER_PREFIX_LIST) {
		xml_text(b, "prefixListId", r->peer_id);
	} else if (revoked) {
		xml_text(b, "referencedGroupId", r->peer_id);
	} else {
		xml_open(b, "referencedGroupInfo");
		xml_text(b, "groupId", r->peer_id);
		xml_text(b, "userId", r->peer_owner);
		xml_close(b, "referencedGroupInfo");
	}
	xml_text(b, "description", r->description);
	if (!revoked) {
		snprintf(arn, sizeof(arn), "arn:aws:ec2:%s:%s:security-group-rule/%s",
			 c->cx.region->name, g->res.owner, r->id);
		xml_text(b, "securityGroupRuleArn", arn);
	}
}

static int authorize(struct call *c, bool egress)
{
	struct perms perms;
	const char *id;
	struct sg *g;
	size_t first;
	int ret;

	if ((ret = target_group(c, &id)) < 0 || (ret = read_perms(c, egress, &perms)) < 0)
		return ret;
	if (!perms.n && !egress)
		return err_fail(&c->err, "MissingParameter",
				"The request must contain the parameter ipPermissions");
	ret = sg_authorize(c->w, &c->cx, id, egress, perms.v, perms.n, &g, &first, &c->err);
	if (ret < 0)
		return ret;
	resp_begin(c);
	xml_bool(c->out, "return", true);
	xml_open(c->out, "securityGroupRuleSet");
	for (size_t i = first; i < g->n_rules; i++) {
		xml_open(c->out, "item");
		render_rule(c, g, &g->rules[i], false);
		xml_close(c->out, "item");
	}
	xml_close(c->out, "securityGroupRuleSet");
	resp_end(c);
	return 0;
}

static int authorize_ingress(struct call *c)
{
	return authorize(c, false);
}

static int authorize_egress(struct call *c)
{
	return authorize(c, true);
}

static int revoke(struct call *c, bool egress)
{
	struct sg_rule *gone;
	struct perms perms;
	const char **rule_ids;
	const char *id;
	size_t n_ids, n_gone;
	int ret;

	if ((ret = target_group(c, &id)) < 0 || (ret = read_perms(c, egress, &perms)) < 0 ||
	    (ret = param_list(c, "SecurityGroupRuleId", &rule_ids, &n_ids)) < 0)
		return ret;
	if (!perms.n && !n_ids)
		return err_fail(&c->err, "MissingParameter",
				"The request must contain the parameter ipPermissions");
	ret = sg_revoke(c->w, &c->cx, id, egress, perms.v, perms.n, rule_ids, n_ids, &gone,
			&n_gone, &c->err);
	if (ret < 0)
		return ret;
	resp_begin(c);
	xml_bool(c->out, "return", true);
	xml_open(c->out, "revokedSecurityGroupRuleSet");
	for (size_t i = 0; i < n_gone; i++) {
		xml_open(c->out, "item");
		render_rule(c, AS_SG(world_get(c->w, id, RES_SG)), &gone[i], true);
		xml_close(c->out, "item");
	}
	xml_close(c->out, "revokedSecurityGroupRuleSet");
	resp_end(c);
	sg_rules_free(gone, n_gone);
	return 0;
}

static int revoke_ingress(struct call *c)
{
	return revoke(c, false);
}

static int revoke_egress(struct call *c)
{
	return revoke(c, true);
}

/* --- DescribeSecurityGroupRules --- */

static bool rule_listed(const struct sg_rule *r, const char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ids[i], r->id) == 0)
			return true;
	return n == 0;
}

static bool rule_matches(const struct sg *g, const struct sg_rule *r,
			 const struct query_filter *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = str_eq_c(f[i].name, "group-id") ? g->res.id : r->id;
		bool hit = false;

		for (size_t j = 0; j < f[i].n_values && !hit; j++)
			hit = filter_value_matches(f[i].values[j].p, v);
		if (!hit)
			return false;
	}
	return true;
}

static bool rule_owned(const struct call *c, const char *rule_id)
{
	struct res *r;

	WORLD_FOR_EACH(c->w, RES_SG, r) {
		const struct sg *g = AS_SG(r);

		for (size_t i = 0; i < g->n_rules && !strcmp(r->owner, c->cx.account); i++)
			if (strcmp(g->rules[i].id, rule_id) == 0)
				return true;
	}
	return false;
}

static int describe_security_group_rules(struct call *c)
{
	struct query_filter *f;
	const char **ids;
	const char *next;
	size_t n_f, n_ids, count = 0;
	long max = 0;
	bool started;
	struct res *r;
	int ret;

	if ((ret = param_list(c, "SecurityGroupRuleId", &ids, &n_ids)) < 0 ||
	    (ret = query_filters(&c->q, c->arena, &f, &n_f, &c->err)) < 0 ||
	    (ret = query_int(&c->q, "MaxResults", 5, LIMIT_DESCRIBE_PAGE, 0, &max, &c->err)) < 0)
		return ret;
	for (size_t i = 0; i < n_f; i++)
		if (!str_eq_c(f[i].name, "group-id") && !str_eq_c(f[i].name, "security-group-rule-id"))
			return err_fail(&c->err, "InvalidParameterValue",
					"The filter '%s' is invalid", f[i].name.p);
	next = param(c, "NextToken");
	for (size_t i = 0; i < n_ids; i++)
		if (!rule_owned(c, ids[i]))
			return err_fail(&c->err, "InvalidSecurityGroupRuleId.NotFound",
					"The security group rule ID '%s' does not exist", ids[i]);
	if (next && !rule_owned(c, next))
		return err_fail(&c->err, "InvalidNextToken", "The token '%s' is invalid.", next);
	started = !next;
	resp_begin(c);
	xml_open(c->out, "securityGroupRuleSet");
	WORLD_FOR_EACH(c->w, RES_SG, r) {
		const struct sg *g = AS_SG(r);

		if (strcmp(r->owner, c->cx.account))
			continue;
		for (size_t i = 0; i < g->n_rules; i++) {
			const struct sg_rule *u = &g->rules[i];

			if (!started && strcmp(u->id, next))
				continue;
			started = true;
			if (!rule_listed(u, ids, n_ids) || !rule_matches(g, u, f, n_f))
				continue;
			if (max && count == (size_t)max) {
				xml_close(c->out, "securityGroupRuleSet");
				xml_text(c->out, "nextToken", u->id);
				resp_end(c);
				return 0;
			}
			xml_open(c->out, "item");
			render_rule(c, g, u, false);
			xml_close(c->out, "item");
			count++;
		}
	}
	xml_close(c->out, "securityGroupRuleSet");
	resp_end(c);
	return 0;
}

const struct api_action sg_actions[] = {
	{ "CreateSecurityGroup", create_security_group, true, false },
	{ "DeleteSecurityGroup", delete_security_group, true, false },
	{ "DescribeSecurityGroups", describe_security_groups, false, false },
	{ "AuthorizeSecurityGroupIngress", authorize_ingress, true, false },
	{ "AuthorizeSecurityGroupEgress", authorize_egress, true, false },
	{ "RevokeSecurityGroupIngress", revoke_ingress, true, false },
	{ "RevokeSecurityGroupEgress", revoke_egress, true, false },
	{ "DescribeSecurityGroupRules", describe_security_group_rules, false, false },
	{ NULL, NULL, false, false },
};
