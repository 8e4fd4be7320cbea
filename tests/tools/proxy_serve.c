/* SPDX-License-Identifier: MIT */
/*
 * proxy_serve PORT: an HTTP server on an ephemeral port of 127.0.0.1 that
 * forwards every request to 127.0.0.1:PORT (moto_server) with proxy/forward.h
 * and answers it when the backend has, through a deferred answer
 * (io/http.h), for tests/integration to drive with real clients without the
 * daemon. It adds X-Forwarded-For; a failed exchange is answered 502 or 504,
 * one that cannot begin 503. Prints the port on a line of its own; stops on
 * SIGTERM.
 */
#include "compat.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "base/buf.h"
#include "base/str.h"
#include "io/http.h"
#include "io/loop.h"
#include "proxy/forward.h"
#include "../unit/net_fixture.h"

#define TICK_MS 1000

struct serve {
	uint16_t backend_port;
	struct http_server *srv;
	struct proxy *proxy;
};

static void answered(void *arg, int status, struct str headers, struct str body)
{
	struct http_deferred *d = arg;
	char why[64];

	if (status >= 0) {
		http_deferred_answer(d, status, NULL, headers, body);
		return;
	}
	snprintf(why, sizeof(why), "backend: %s\n", strerror(-status));
	http_deferred_answer(d, proxy_error_status(status), "text/plain", STR_EMPTY, str_c(why));
}

static void answer(void *arg, const struct http_request *req, struct http_response *resp)
{
	struct serve *sv = arg;
	struct http_deferred *d = http_response_defer(resp);
	struct in_addr peer = { htonl(req->peer_ip) };
	char ip[INET_ADDRSTRLEN], extra[64];
	int ret;

	resp->content_type = "text/plain";
	if (!d) {
		resp->status = 503;
		buf_adds(&resp->body, "too many requests under way\n");
		return;
	}
	inet_ntop(AF_INET, &peer, ip, sizeof(ip));
	snprintf(extra, sizeof(extra), "X-Forwarded-For: %s\r\n", ip);
	ret = proxy_forward(sv->proxy, INADDR_LOOPBACK, sv->backend_port, req, str_c(extra),
			    answered, d);
	if (ret < 0)
		http_deferred_answer(d, 503, "text/plain", STR_EMPTY, STR_LIT("cannot forward\n"));
}

static void tick(void *arg)
{
	struct serve *sv = arg;

	proxy_sweep(sv->proxy);
	http_server_sweep(sv->srv);
}

/* The server on an ephemeral port of 127.0.0.1, written to '*port'; NULL on failure. */
static struct http_server *serve_open(struct loop *l, struct serve *sv, uint16_t *port)
{
	int fd = net_listen(port);

	if (fd < 0) {
		perror("proxy_serve: listen");
		return NULL;
	}
	return http_server_new(l, fd, answer, sv);
}

int main(int argc, char **argv)
{
	struct serve sv = { 0 };
	uint64_t backend;
	struct loop *l;
	uint16_t port;
	int ret = 1;

	if (argc != 2 || str_to_u64(str_c(argv[1]), 65535, &backend) < 0 || !backend) {
		fprintf(stderr, "usage: proxy_serve BACKEND_PORT\n");
		return 2;
	}
	sv.backend_port = (uint16_t)backend;
	l = loop_new();
	if (!l) {
		perror("proxy_serve");
		return 1;
	}
	sv.proxy = proxy_new(l);
	sv.srv = serve_open(l, &sv, &port);
	if (sv.srv) {
		loop_set_tick(l, TICK_MS, tick, &sv);
		printf("%u\n", port);
		fflush(stdout);
		ret = loop_run(l) < 0;
	}
	/* The proxy first: its cancelled exchanges answer clients still there. */
	proxy_free(sv.proxy);
	http_server_free(sv.srv);
	loop_free(l);
	return ret;
}
