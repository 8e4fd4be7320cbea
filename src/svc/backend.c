/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "svc/backend.h"

#include "core/cidr.h"

#define LOCALHOST 0x7F000001u

/* "HOST[:PORT][/]" after any "http://": 'port' keeps its default without one. */
static int parse_address(struct str a, uint32_t *ip, uint16_t *port, struct err *e)
{
	struct str host, num = a;
	unsigned long p = 0;
	bool has_port;

	if (a.len && a.p[a.len - 1] == '/')
		num.len--;
	has_port = str_cut(&num, ':', &host);
	if (!has_port)
		host = num;
	if (str_eq_c(host, "localhost"))
		*ip = LOCALHOST;
	else if (ip4_parse(host, ip) < 0)
		return err_fail(e, "InvalidParameterValue",
				"the backend's host must be an IPv4 address or localhost, not '%.*s'",
				(int)MIN(host.len, (size_t)64), host.p);
	if (!has_port)
		return 0;
	for (size_t i = 0; i < num.len && p <= 65535; i++)
		p = num.p[i] >= '0' && num.p[i] <= '9' ? p * 10 + (unsigned long)(num.p[i] - '0') :
							  65536;
	if (!num.len || p == 0 || p > 65535)
		return err_fail(e, "InvalidParameterValue",
				"the backend's port must be a number from 1 to 65535");
	*port = (uint16_t)p;
	return 0;
}

int svc_backend_parse(const char *spec, struct svc_backend *out, struct err *e)
{
	struct str rest = str_c(spec), name;
	char full[SERVICE_NAME_SIZE];
	bool http;

	*out = (struct svc_backend){ .port = 0 };
	if (!str_cut(&rest, '=', &name) || !name.len || !rest.len)
		return err_fail(e, "InvalidParameterValue",
				"a service backend is SERVICE=ADDRESS, as "
				"com.amazonaws.us-east-1.sqs=127.0.0.1:4566");
	if (name.len >= sizeof(full))
		return err_fail(e, "InvalidServiceName", "the service name is too long");
	memcpy(full, name.p, name.len);
	full[name.len] = '\0';
	out->svc = catalog_parse_name(full, &out->region);
	if (!out->svc)
		return err_fail(e, "InvalidServiceName",
				"'%s' is not a service that vpce knows (com.amazonaws.REGION.SERVICE)",
				full);
	if (str_starts_with(rest, str_c("https://")))
		return err_fail(e, "InvalidParameterValue",
				"backends are reached over plain HTTP: write http://, not https://");
	http = str_starts_with(rest, str_c("http://"));
	if (http) {
		rest.p += 7;
		rest.len -= 7;
		out->port = 80;
	}
	if (parse_address(rest, &out->ip, &out->port, e) < 0)
		return -EINVAL;
	if (!out->port)
		return err_fail(e, "InvalidParameterValue",
				"the backend needs a port: HOST:PORT, or http://HOST for port 80");
	return 0;
}

int svc_backends_add(struct svc_backends *b, const struct svc_backend *x)
{
	for (size_t i = 0; i < b->n; i++) {
		if (b->v[i].svc == x->svc && b->v[i].region == x->region) {
			b->v[i] = *x;
			return 0;
		}
	}
	if (b->n == ARRAY_SIZE(b->v))
		return -ENOSPC;
	b->v[b->n++] = *x;
	return 0;
}

const struct svc_backend *svc_backends_find(const struct svc_backends *b, const struct service *s,
					    const struct region *r)
{
	for (size_t i = 0; b && i < b->n; i++)
		if (b->v[i].svc == s && b->v[i].region == r)
			return &b->v[i];
	return NULL;
}
