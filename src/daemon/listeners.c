/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "daemon/listeners.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "core/cidr.h"
#include "dataplane/netns.h"
#include "svc/responder.h"

#define DNS_PORT 53

/* What to open inside one namespace. */
struct open_args {
	uint32_t addrs[2];
	size_t n_addrs;
	uint16_t port;
	bool udp;			/* UDP as well as TCP on each address */
	int fds[DNS_SERVER_FDS];
	size_t n;
};

static int bound(int type, uint32_t ip, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(ip) };
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1, ret;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 128) < 0)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

/* Runs inside the namespace: its sockets are made there and stay there. */
static int open_sockets(void *arg)
{
	struct open_args *a = arg;

	for (size_t i = 0; i < a->n_addrs; i++) {
		for (int t = a->udp ? 0 : 1; t < 2; t++) {
			int fd = bound(t ? SOCK_STREAM : SOCK_DGRAM, a->addrs[i], a->port);

			if (fd < 0) {
				while (a->n)
					close(a->fds[--a->n]);
				return fd;
			}
			a->fds[a->n++] = fd;
		}
	}
	return 0;
}

static int open_in(const char *ns, struct open_args *a)
{
	int err = netns_run(ns, open_sockets, a);

	if (err < 0)
		log_warn("cannot listen on port %u in '%s': %s", a->port, ns, strerror(-err));
	return err;
}

/* The resolver addresses namespace 'x' has: 0 when it has none (or none now). */
static size_t resolver_addrs(const struct world *w, const struct np_ns *x, uint32_t addrs[2])
{
	struct res *r;

	switch (x->kind) {
	case NP_NS_VPC:
		r = world_get(w, x->res_id, RES_VPC);
		if (!r || !AS_VPC(r)->dns_support)
			return 0;
		addrs[0] = AS_VPC(r)->cidr.addr + 2;
		addrs[1] = NP_DNS_LINK_LOCAL;
		return 2;
	case NP_NS_REGION:
		addrs[0] = NP_PUBLIC_DNS_IP;
		return 1;
	case NP_NS_ONPREM:
		addrs[0] = NP_ONPREM_DNS_IP;
		return 1;
	default:
		return 0;
	}
}

struct forget_args {
	struct listeners *ls;
	const struct np_plan *p;
};

/* Listeners are keyed by the resource their namespace plays ("" for the region). */
static void forget_gone(void *arg, const char *key)
{
	struct forget_args *f = arg;
	long ns = netplan_ns_find(f->p, key);
	uint32_t addrs[2];

	if (ns < 0 || !resolver_addrs(f->ls->w, &f->p->ns[ns], addrs))
		dns_server_forget(f->ls->dns, key);
}

/* --- the services' backends --- */

/* A request on its way to a backend; its answer is deferred until it comes back. */
struct pending {
	struct http_deferred *d;
	struct svc_forward fw;		/* its views are not used after the forward */
};

/* Answers with the service's error for the backend's failure 'err'. */
static void answer_failed(struct http_deferred *d, const struct svc_forward *fw, int err)
{
	struct http_response r = { .status = 502 };

	buf_init(&r.body, 1 << 16);
	buf_init(&r.headers, 1 << 12);
	svc_forward_failed(fw, err, &r);
	http_deferred_answer(d, r.status, r.content_type, buf_str(&r.headers), buf_str(&r.body));
	buf_release(&r.body);
	buf_release(&r.headers);
}

static void forwarded(void *arg, int status, struct str headers, struct str body)
{
	struct pending *p = arg;

	if (status < 0) {
		char ip[IP4_STRLEN];

		log_warn("the backend of %s at %s:%u: %s", p->fw.svc->short_name,
			 ip4_fmt(p->fw.backend->ip, ip), p->fw.backend->port, strerror(-status));
		answer_failed(p->d, &p->fw, status);
	} else {
		http_deferred_answer(p->d, status, NULL, headers, body);
	}
	free(p);
}

/* The front's svc_forward_fn: the request goes on over the forwarder. */
static void forward(void *arg, const struct svc_forward *fw, const struct http_request *req,
		    struct http_response *resp)
{
	struct listeners *ls = arg;
	struct pending *p;
	int ret;

	p = xcalloc(1, sizeof(*p));
	p->fw = *fw;
	p->fw.extra_headers = STR_EMPTY;
	p->d = http_response_defer(resp);
	if (!p->d) {		/* LIMIT_HTTP_DEFERRED requests wait already */
		svc_forward_failed(fw, -EBUSY, resp);
		free(p);
		return;
	}
	ret = proxy_forward(ls->proxy, fw->backend->ip, fw->backend->port, req, fw->extra_headers,
			    forwarded, p);
	if (ret < 0) {
		answer_failed(p->d, &p->fw, ret);
		free(p);
	}
}

int listeners_init(struct listeners *ls, struct loop *l, const struct world *w,
		   const struct region *r, const struct listeners_config *cfg)
{
	*ls = (struct listeners){ .loop = l, .w = w, .dns = dns_server_new(l, w, r),
				  .tls = cfg->tls, .proxy = proxy_new(l) };
	origins_init(&ls->origins, w, r);
	ls->front = (struct svc_front){
		.w = w, .kv = cfg->kv, .auth = cfg->auth, .auth_arg = cfg->auth_arg,
		.origin = origins_resolve, .origin_arg = &ls->origins, .clock_ms = cfg->clock_ms,
		.responder = { .w = w, .origin = origins_resolve, .origin_arg = &ls->origins },
		.backends = cfg->backends, .forward = forward, .forward_arg = ls,
	};
	return svc_front_init(&ls->front);
}

/* One front of the region, in its namespace: 'port' of every address, TLS when 'tls'. */
static int open_front(struct listeners *ls, const char *ns, uint16_t port, struct tls_server *tls,
		      struct http_server **out)
{
	struct open_args a = { .addrs = { INADDR_ANY }, .n_addrs = 1, .port = port };

	if (*out)
		return 0;
	if (open_in(ns, &a) < 0)
		return -EAGAIN;
	*out = tls ? http_server_new_tls(ls->loop, a.fds[0], svc_front_answer, &ls->front, tls) :
		     http_server_new(ls->loop, a.fds[0], svc_front_answer, &ls->front);
	if (!*out) {
		close(a.fds[0]);
		return -ENOMEM;
	}
	http_server_set_body_limit(*out, LIMIT_FRONT_BODY_BYTES);
	/* An endpoint's ENI's address in the region stands for its service's. */
	http_server_set_alias(*out, origins_service_ip, &ls->origins);
	return 0;
}

/* The region's fronts: HTTPS on 443, HTTP on 80. */
static int open_fronts(struct listeners *ls, const char *ns)
{
	int a = open_front(ls, ns, FRONT_HTTPS_PORT, ls->tls, &ls->https);
	int b = open_front(ls, ns, FRONT_HTTP_PORT, NULL, &ls->http);

	return a < 0 ? a : b;
}

int listeners_sync(struct listeners *ls, const struct np_plan *p)
{
	struct forget_args f = { ls, p };
	int ret = 0;

	dns_server_each(ls->dns, forget_gone, &f);
	origins_sync(&ls->origins, p);
	for (size_t i = 0; i < p->n_ns; i++) {
		const struct np_ns *x = &p->ns[i];
		struct open_args a = { .port = DNS_PORT, .udp = true };

		a.n_addrs = resolver_addrs(ls->w, x, a.addrs);
		if (a.n_addrs && !dns_server_serves(ls->dns, x->res_id)) {
			if (open_in(x->name, &a) < 0)
				ret = -EAGAIN;
			else
				dns_server_listen(ls->dns, x->res_id, a.fds, a.n);
		}
		if (x->kind == NP_NS_REGION && open_fronts(ls, x->name) < 0)
			ret = -EAGAIN;
	}
	return ret;
}

void listeners_sweep(struct listeners *ls)
{
	dns_server_sweep(ls->dns, loop_now_ms());
	if (ls->https)
		http_server_sweep(ls->https);
	if (ls->http)
		http_server_sweep(ls->http);
	proxy_sweep(ls->proxy);
}

void listeners_release(struct listeners *ls)
{
	/* Its exchanges end with answers to the fronts' clients: before the fronts go. */
	proxy_free(ls->proxy);
	http_server_free(ls->https);
	http_server_free(ls->http);
	svc_front_release(&ls->front);
	dns_server_free(ls->dns);
	origins_release(&ls->origins);
	*ls = (struct listeners){ 0 };
}
