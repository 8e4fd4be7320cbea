/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "core/ops.h"

#include "base/xalloc.h"

int eni_create(struct world *w, struct ctx *cx, const struct eni_spec *spec,
	       struct eni **out, struct err *e)
{
	const struct subnet *s = spec->subnet;
	uint32_t ip = spec->ip;
	char id[ID_SIZE];
	struct eni *n;
	uint64_t mac;
	int ret;

	if (!ip) {
		ret = subnet_alloc_ip(w, s, &ip, e);
		if (ret < 0)
			return ret;
	}
	ctx_new_id(cx, "eni-", id);
	/* Filled before it joins the world, so the subnet index sees it whole. */
	n = AS_ENI(res_new(RES_ENI, id));
	str_lcpy(n->res.owner, cx->account, sizeof(n->res.owner));
	n->res.created_ms = cx->now_ms;
	str_lcpy(n->vpc_id, s->vpc_id, ID_SIZE);
	str_lcpy(n->subnet_id, s->res.id, ID_SIZE);
	n->type = spec->type;
	n->private_ip = ip;
	/* A locally administered unicast MAC, as AWS's (0x02 first octet bit). */
	mac = cx->rand(cx->rand_arg);
	snprintf(n->mac, sizeof(n->mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		 (unsigned)((mac & 0xfc) | 0x02), (unsigned)(mac >> 8) & 255,
		 (unsigned)(mac >> 16) & 255, (unsigned)(mac >> 24) & 255,
		 (unsigned)(mac >> 32) & 255, (unsigned)(mac >> 40) & 255);
	n->description = xstrdup(spec->description ? spec->description : "");
	n->groups = xcalloc(spec->n_groups ? spec->n_groups : 1, ID_SIZE);
	if (spec->n_groups)
		memcpy(n->groups, spec->groups, spec->n_groups * ID_SIZE);
	n->n_groups = spec->n_groups;
	n->requester_managed = spec->requester_managed;
	str_lcpy(n->requester_id, spec->requester_id ? spec->requester_id : "",
		 sizeof(n->requester_id));
	str_lcpy(n->owner_res_id, spec->owner_res_id ? spec->owner_res_id : "", ID_SIZE);
	n->source_dest_check = true;
	world_adopt(w, &n->res);
	*out = n;
	return 0;
}
