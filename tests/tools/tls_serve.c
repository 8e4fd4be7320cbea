/* SPDX-License-Identifier: MIT */
/*
 * tls_serve STEM [NAME]: http_server_new_tls() on an ephemeral port of
 * 127.0.0.1, with the local CA at STEM, for tests/integration to reach with
 * real clients (curl, Python, openssl s_client) without the daemon. Clients
 * without SNI are named NAME (when given) and 127.0.0.1. Prints the port on
 * a line of its own, then answers "METHOD HOST PATH" to every request, or
 * N bytes of 'a'-'z' to GET /bytes/N; stops on SIGTERM.
 */
#include "compat.h"

#include <netinet/in.h>

#include "base/str.h"
#include "io/http.h"
#include "io/loop.h"
#include "io/tls.h"
#include "../unit/net_fixture.h"

#define TICK_MS 1000

struct serve {
	const char *name;	/* for clients without SNI; NULL: none */
	struct http_server *srv;
};

static bool default_name(void *arg, uint32_t local_ip, char name[static TLS_NAME_SIZE])
{
	const struct serve *sv = arg;

	if (!sv->name || local_ip != INADDR_LOOPBACK)
		return false;
	str_lcpy(name, sv->name, TLS_NAME_SIZE);
	return true;
}

static void answer(void *arg, const struct http_request *req, struct http_response *resp)
{
	const struct str *host = http_header_get(req, "Host");
	struct str path = req->path;
	uint64_t n;

	(void)arg;
	resp->content_type = "text/plain";
	if (str_starts_with(path, str_c("/bytes/")) &&
	    str_to_u64(str_from(path.p + 7, path.len - 7), LIMIT_HTTP_RESPONSE_BYTES, &n) == 0) {
		for (uint64_t i = 0; i < n; i++)
			buf_addc(&resp->body, (char)('a' + i % 26));
		return;
	}
	buf_addf(&resp->body, "%.*s %.*s %.*s\n", (int)req->method.len, req->method.p,
		 (int)(host ? host->len : 0), host ? host->p : "", (int)path.len, path.p);
}

static void tick(void *arg)
{
	struct serve *sv = arg;

	http_server_sweep(sv->srv);
}

int main(int argc, char **argv)
{
	struct serve sv = { .name = argc > 2 ? argv[2] : NULL };
	struct err e = { 0 };
	struct loop *l;
	struct tls_server *t;
	uint16_t port;
	int fd, ret = 1;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: tls_serve STEM [NAME]\n");
		return 2;
	}
	l = loop_new();
	t = l ? tls_server_new(argv[1], default_name, &sv, &e) : NULL;
	if (!t) {
		fprintf(stderr, "tls_serve: %s\n", l ? e.msg : strerror(errno));
		goto out;
	}
	fd = net_listen(&port);
	if (fd < 0)
		perror("tls_serve: listen");
	sv.srv = fd < 0 ? NULL : http_server_new_tls(l, fd, answer, &sv, t);
	if (!sv.srv)
		goto out;
	printf("%u\n", port);
	fflush(stdout);
	loop_set_tick(l, TICK_MS, tick, &sv);
	ret = loop_run(l) < 0;
out:
	http_server_free(sv.srv);
	tls_server_free(t);
	loop_free(l);
	return ret;
}
