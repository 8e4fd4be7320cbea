/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "svc/responder.h"

#include "base/buf.h"
#include "core/catalog.h"
#include "core/cidr.h"
#include "core/svcnet.h"

static void field(struct buf *b, const char *name, const char *value, size_t len, bool first)
{
	if (!first)
		buf_addc(b, ',');
	buf_addjson(b, name);
	buf_addc(b, ':');
	buf_addjsonn(b, value, len);
}

void responder_answer(void *arg, const struct http_request *req, struct http_response *resp)
{
	const struct responder *r = arg;
	const struct world *w = r->w;
	const struct region *rg = NULL;
	const struct service *s = svcnet_service_at(w, req->local_ip, &rg);
	const struct str *host = http_header_get(req, "Host");
	char addr[IP4_STRLEN], client[IP4_STRLEN], source[IP4_STRLEN], name[SERVICE_NAME_SIZE];
	struct svc_origin o = { .source_ip = req->peer_ip };
	struct buf *b = &resp->body;

	resp->content_type = "application/json";
	ip4_fmt(req->local_ip, addr);
	ip4_fmt(req->peer_ip, client);
	if (!s) {
		resp->status = 404;
		buf_addf(b, "{\"error\":\"no service answers at %s\"}\n", addr);
		return;
	}
	catalog_full_name(s, rg, name);
	buf_addc(b, '{');
	field(b, "service", name, strlen(name), true);
	field(b, "region", rg->name, strlen(rg->name), false);
	field(b, "address", addr, strlen(addr), false);
	field(b, "client", client, strlen(client), false);
	field(b, "host", host ? host->p : "", host ? host->len : 0, false);
	field(b, "method", req->method.p, req->method.len, false);
	field(b, "path", req->path.p, req->path.len, false);
	if (r->origin)
		r->origin(r->origin_arg, req, &o);
	if (o.vpce_id[0]) {
		ip4_fmt(o.source_ip, source);
		field(b, "endpoint", o.vpce_id, strlen(o.vpce_id), false);
		field(b, "vpc", o.vpc_id, strlen(o.vpc_id), false);
		field(b, "source", source, strlen(source), false);
	}
	buf_adds(b, "}\n");
}
