/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "daemon/resolver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "core/netplan.h"
#include "dataplane/netns.h"

#define DNS_PORT 53

struct open_args {
	uint32_t addrs[2];
	int fds[DNS_SERVER_FDS];
	size_t n;
};

static int bound(int type, uint32_t ip)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(DNS_PORT),
				  .sin_addr.s_addr = htonl(ip) };
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1, ret;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 64) < 0)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

/* Runs inside the VPC's namespace: its sockets are made there and stay there. */
static int open_sockets(void *arg)
{
	struct open_args *a = arg;

	for (size_t i = 0; i < 2; i++) {
		for (int t = 0; t < 2; t++) {
			int fd = bound(t ? SOCK_STREAM : SOCK_DGRAM, a->addrs[i]);

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

struct forget_args {
	struct dns_server *s;
	const struct world *w;
};

static void forget_gone(void *arg, const char *vpc_id)
{
	struct forget_args *f = arg;
	struct res *r = world_get(f->w, vpc_id, RES_VPC);

	if (!r || !AS_VPC(r)->dns_support)
		dns_server_forget(f->s, vpc_id);
}

int resolver_sync(struct dns_server *s, const struct world *w, const char *prefix)
{
	struct forget_args f = { s, w };
	char ns[NP_NS_NAME_SIZE];
	struct res *r;
	int ret = 0;

	dns_server_each(s, forget_gone, &f);
	WORLD_FOR_EACH(w, RES_VPC, r) {
		const struct vpc *v = AS_VPC(r);
		struct open_args a = { .addrs = { v->cidr.addr + 2, NP_DNS_LINK_LOCAL } };
		int err;

		if (!v->dns_support || dns_server_serves(s, v->res.id))
			continue;
		snprintf(ns, sizeof(ns), "%s%s", prefix, v->res.id);
		err = netns_run(ns, open_sockets, &a);
		if (err < 0) {
			log_warn("resolver: cannot listen in '%s': %s", ns, strerror(-err));
			ret = err;
			continue;
		}
		dns_server_listen(s, v->res.id, a.fds, a.n);
	}
	return ret;
}
