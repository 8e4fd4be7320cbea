/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "daemon/origin.h"

#include "base/log.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "core/ops.h"
#include "dataplane/nl.h"

void origins_init(struct origins *o, const struct world *w, const struct region *r)
{
	*o = (struct origins){ .w = w, .region = r };
}

static struct origin_vpc *vpc_at(const struct origins *o, uint32_t pl_ip)
{
	for (size_t i = 0; i < o->n_vpcs; i++)
		if (o->vpcs[i].pl_ip == pl_ip)
			return &o->vpcs[i];
	return NULL;
}

void origins_sync(struct origins *o, const struct np_plan *p)
{
	struct origin_vpc *old = o->vpcs;
	size_t n_old = o->n_vpcs;

	o->vpcs = NULL;
	o->n_vpcs = o->a_vpcs = 0;
	o->n_eps = 0;
	o->n_seen = o->next_seen = 0;	/* endpoints may have changed: ask again */
	for (size_t i = 0; i < p->n_ns; i++) {
		const struct np_ns *x = &p->ns[i];
		struct origin_vpc *v;

		if (x->kind != NP_NS_VPC || !x->pl_ip)
			continue;
		ALLOC_GROW(o->vpcs, o->n_vpcs + 1, o->a_vpcs);
		v = &o->vpcs[o->n_vpcs++];
		*v = (struct origin_vpc){ .pl_ip = x->pl_ip };
		str_lcpy(v->vpc_id, x->res_id, sizeof(v->vpc_id));
		str_lcpy(v->ns, x->name, sizeof(v->ns));
		/* A socket stays with the namespace it was opened in. */
		for (size_t k = 0; k < n_old; k++) {
			if (old[k].ct && !strcmp(old[k].ns, v->ns)) {
				v->ct = old[k].ct;
				old[k].ct = NULL;
			}
		}
	}
	for (size_t k = 0; k < n_old; k++)
		nl_close(old[k].ct);
	free(old);
	for (size_t i = 0; i < p->n_endpoints; i++) {
		const struct np_endpoint *e = &p->endpoints[i];

		struct origin_endpoint *x;

		ALLOC_GROW(o->eps, o->n_eps + 1, o->a_eps);
		x = &o->eps[o->n_eps++];
		*x = (struct origin_endpoint){ .region_ip = e->region_ip,
					       .service_ip = e->service_ip };
		str_lcpy(x->vpce_id, e->vpce->res.id, ID_SIZE);
		str_lcpy(x->vpc_id, p->ns[e->ns].res_id, ID_SIZE);
	}
}

static const struct origin_endpoint *endpoint_at(const struct origins *o, uint32_t region_ip)
{
	if ((region_ip >> (32 - NP_PL_BLOCK_LEN)) != (NP_PL_BLOCK >> (32 - NP_PL_BLOCK_LEN)))
		return NULL;
	for (size_t i = 0; i < o->n_eps; i++)
		if (o->eps[i].region_ip == region_ip)
			return &o->eps[i];
	return NULL;
}

uint32_t origins_service_ip(void *arg, uint32_t ip)
{
	const struct origin_endpoint *x = endpoint_at(arg, ip);

	return x ? x->service_ip : ip;
}

static struct origin_seen *seen_find(struct origins *o, const struct http_request *req)
{
	for (size_t i = 0; i < o->n_seen; i++) {
		struct origin_seen *x = &o->seen[i];

		if (x->conn_id == req->conn_id && x->peer_ip == req->peer_ip &&
		    x->peer_port == req->peer_port && x->local_port == req->local_port)
			return x;
	}
	return NULL;
}

static void seen_add(struct origins *o, const struct http_request *req, const struct svc_origin *so)
{
	struct origin_seen *x = &o->seen[o->next_seen];

	*x = (struct origin_seen){ .conn_id = req->conn_id, .peer_ip = req->peer_ip,
				   .peer_port = req->peer_port, .local_port = req->local_port, .o = *so };
	o->next_seen = (o->next_seen + 1) % ORIGINS_SEEN;
	if (o->n_seen < ORIGINS_SEEN)
		o->n_seen++;
}

static void resolve(struct origins *o, const struct http_request *req, struct svc_origin *out);

/* A connection's later requests reuse what its first one learnt: one conntrack question at most. */
void origins_resolve(void *arg, const struct http_request *req, struct svc_origin *out)
{
	struct origins *o = arg;
	struct origin_seen *x = seen_find(o, req);

	if (x) {
		*out = x->o;
		return;
	}
	resolve(o, req, out);
	if (out->vpc_id[0])
		seen_add(o, req, out);
}

static void resolve(struct origins *o, const struct http_request *req, struct svc_origin *out)
{
	struct origin_vpc *v = vpc_at(o, req->peer_ip);
	struct nl_tuple reply = { .src = req->local_ip, .dst = req->peer_ip,
				  .sport = req->local_port, .dport = req->peer_port };
	struct nl_tuple orig;
	const struct origin_endpoint *ep = endpoint_at(o, req->reached_ip);
	const struct vpce *gw;
	int ret;

	*out = (struct svc_origin){ .source_ip = req->peer_ip };
	if (ep) {
		str_lcpy(out->vpce_id, ep->vpce_id, sizeof(out->vpce_id));
		str_lcpy(out->vpc_id, ep->vpc_id, sizeof(out->vpc_id));
		return;
	}
	if (!v)
		return;		/* from the public network */
	if (!v->ct && !(v->ct = nl_open_conntrack(v->ns))) {
		log_warn_rl("cannot ask the conntrack of %s: %s", v->ns, strerror(errno));
		return;
	}
	ret = nl_ct_original(v->ct, &reply, &orig);
	if (ret < 0) {
		log_warn_rl("no connection in %s's conntrack for a request to the region: %s",
			    v->ns, strerror(-ret));
		return;
	}
	str_lcpy(out->vpc_id, v->vpc_id, sizeof(out->vpc_id));
	out->source_ip = orig.src;
	gw = vpce_gateway_for(o->w, o->region, v->vpc_id, orig.src, orig.dst);
	if (gw)
		str_lcpy(out->vpce_id, gw->res.id, sizeof(out->vpce_id));
}

void origins_release(struct origins *o)
{
	for (size_t i = 0; i < o->n_vpcs; i++)
		nl_close(o->vpcs[i].ct);
	free(o->vpcs);
	free(o->eps);
	*o = (struct origins){ 0 };
}
