/* SPDX-License-Identifier: MIT */
/* An explanation and a lint report as JSON (stable fields) and as text for people. */
#include "compat.h"
#include "reach/reach.h"

static void json_ip(struct buf *out, uint32_t ip)
{
	char s[IP4_STRLEN];

	buf_addjson(out, ip4_fmt(ip, s));
}

void reach_result_json(const struct reach_result *res, struct buf *out)
{
	buf_addf(out, "{\"verdict\": \"%s\", \"blocked_at\": ",
		 res->blocked_at ? "blocked" : "reachable");
	if (res->blocked_at)
		buf_addjson(out, reach_block_name(res->blocked_at));
	else
		buf_adds(out, "null");
	buf_adds(out, ", \"resolved\": {\"name\": ");
	if (res->name[0]) {
		buf_addjson(out, res->name);
		buf_adds(out, ", \"view\": ");
		buf_addjson(out, res->view);
		buf_adds(out, ", \"answer\": ");
		buf_addjson(out, dns_how_name(res->how));
		buf_adds(out, ", \"endpoint\": ");
		if (res->endpoint[0])
			buf_addjson(out, res->endpoint);
		else
			buf_adds(out, "null");
		buf_adds(out, ", \"addresses\": [");
		for (size_t i = 0; i < res->n_addrs; i++) {
			buf_adds(out, i ? ", " : "");
			json_ip(out, res->addrs[i]);
		}
		buf_adds(out, "]");
	} else {
		buf_adds(out, "null");
	}
	buf_adds(out, ", \"address\": ");
	if (res->resolved)
		json_ip(out, res->addr);
	else
		buf_adds(out, "null");
	buf_adds(out, "}, \"context\": {");
	for (size_t i = 0; i < res->n_ctx; i++) {
		buf_adds(out, i ? ", " : "");
		buf_addjson(out, res->ctx_key[i]);
		buf_adds(out, ": ");
		buf_addjson(out, res->ctx_value[i]);
	}
	buf_adds(out, "}, \"fix\": ");
	if (res->fix[0])
		buf_addjson(out, res->fix);
	else
		buf_adds(out, "null");
	buf_adds(out, ", \"hops\": [");
	for (size_t i = 0; i < res->n_hops; i++) {
		const struct reach_hop *h = &res->hops[i];

		buf_adds(out, i ? ", {\"component\": " : "{\"component\": ");
		buf_addjson(out, h->component);
		buf_adds(out, ", \"id\": ");
		if (h->id[0])
			buf_addjson(out, h->id);
		else
			buf_adds(out, "null");
		buf_adds(out, ", \"detail\": ");
		buf_addjson(out, h->detail);
		buf_addf(out, ", \"blocking\": %s}", h->blocking ? "true" : "false");
	}
	buf_adds(out, "]}\n");
}

void reach_result_text(const struct reach_result *res, struct buf *out)
{
	if (res->blocked_at)
		buf_addf(out, "BLOCKED at %s\n", reach_block_name(res->blocked_at));
	else
		buf_adds(out, "REACHABLE\n");
	for (size_t i = 0; i < res->n_hops; i++) {
		const struct reach_hop *h = &res->hops[i];

		buf_addf(out, "%s %-23s %-24s %s\n", h->blocking ? "  X" : "   ", h->component,
			 h->id[0] ? h->id : "-", h->detail);
	}
	if (res->n_ctx) {
		buf_adds(out, "context:");
		for (size_t i = 0; i < res->n_ctx; i++)
			buf_addf(out, " %s=%s", res->ctx_key[i], res->ctx_value[i]);
		buf_addc(out, '\n');
	}
	if (res->fix[0])
		buf_addf(out, "fix: %s\n", res->fix);
}

const char *lint_severity_name(enum lint_severity s)
{
	return s == LINT_ERROR ? "error" : s == LINT_WARNING ? "warning" : "info";
}

void lint_findings_json(const struct lint_findings *f, struct buf *out)
{
	buf_adds(out, "{\"findings\": [");
	for (size_t i = 0; i < f->n; i++) {
		const struct lint_finding *x = &f->v[i];

		buf_adds(out, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
		buf_addjson(out, x->id);
		buf_adds(out, ", \"severity\": ");
		buf_addjson(out, lint_severity_name(x->severity));
		buf_adds(out, ", \"resource\": ");
		buf_addjson(out, x->resource);
		buf_adds(out, ", \"message\": ");
		buf_addjson(out, x->message);
		buf_adds(out, ", \"aws_behaviour\": ");
		buf_addjson(out, x->behaviour);
		buf_adds(out, "}");
	}
	buf_adds(out, f->n ? "\n]}\n" : "]}\n");
}

void lint_findings_text(const struct lint_findings *f, struct buf *out)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct lint_finding *x = &f->v[i];

		buf_addf(out, "%-7s %-34s %s\n        %s\n        why: %s\n",
			 lint_severity_name(x->severity), x->id, x->resource, x->message,
			 x->behaviour);
	}
	buf_addf(out, "%zu finding%s\n", f->n, f->n == 1 ? "" : "s");
}
