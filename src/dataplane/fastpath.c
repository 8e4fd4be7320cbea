/* SPDX-License-Identifier: MIT */
/* The fast path's realizer (fastpath.h). */
#include "compat.h"
#include "dataplane/fastpath.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <linux/magic.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "base/str.h"
#include "core/cidr.h"

#define BPF_FS "/sys/fs/bpf"
#define PROG_NAME "vpce_fastpath"	/* on every ENI's port */
#define ANSWERS_NAME "vpce_answers"	/* on pl0 */
#define PL_LINK "pl0"			/* netplan's link to the region */
#define TC_HANDLE 1
#define TC_PRIORITY 1

/* The object clang built from bpf/fastpath.bpf.c, linked in (Makefile). */
extern const unsigned char _binary_fastpath_bpf_o_start[], _binary_fastpath_bpf_o_end[];

/* bpf/fastpath.bpf.c's map values. */
struct hop {
	uint32_t ifindex;
	uint8_t dmac[6];
	uint8_t smac[6];
	uint32_t br;
};

struct port {
	uint32_t ip;
	uint8_t router_mac[6];
	uint8_t pad[2];
	uint32_t br;
};

struct endpoint {
	uint32_t link;
	uint32_t out_table;
	uint32_t table;
	uint32_t region_ip;		/* network order */
};

struct region_ep {
	uint32_t eni;			/* network order */
	uint32_t link;
	uint32_t table;
};

struct pins {
	int prog, answers, hops, ports, endpoints, regions, verdicts;
	uint32_t prog_id, answers_id;
};

/* libbpf's own messages: the kernel's answers to probes it expects (EEXIST, ENOENT) included. */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static int ensure_bpffs(void)
{
	struct statfs st;

	if (statfs(BPF_FS, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	return mount("bpf", BPF_FS, "bpf", 0, NULL) < 0 ? -errno : 0;
}

/*
 * Pins live in /sys/fs/bpf/<namespace>/<version>/, the version a hash of
 * the object's bytes: a vpced with another program never uses the old one's
 * pins (fp_sync() replaces them).
 */
static const char *version(void)
{
	static char v[17];
	uint64_t h = 0xcbf29ce484222325ull;

	if (v[0])
		return v;
	for (const unsigned char *p = _binary_fastpath_bpf_o_start; p < _binary_fastpath_bpf_o_end; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	snprintf(v, sizeof(v), "%016llx", (unsigned long long)h);
	return v;
}

static void pin_path(char *dst, size_t size, const char *ns_name, const char *what)
{
	snprintf(dst, size, "%s/%.64s/%s/%s", BPF_FS, ns_name, version(), what);
}

static void close_pins(struct pins *k)
{
	int fds[] = { k->prog, k->answers, k->hops, k->ports, k->endpoints, k->regions,
		      k->verdicts };

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* Pins program 'name' of 'obj' as 'what' under the namespace's directory. */
static int pin_prog(struct bpf_object *obj, const char *ns_name, const char *name, const char *what)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, name);
	char path[512];

	if (!prog)
		return -ENOENT;
	pin_path(path, sizeof(path), ns_name, what);
	return bpf_program__pin(prog, path);
}

/* Loads the object with its maps pinned under the namespace's directory, and pins the program. */
static int load(const char *ns_name)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "vpce_fastpath");
	struct bpf_object *obj;
	struct bpf_map *map;
	char path[512];
	int ret;

	obj = bpf_object__open_mem(_binary_fastpath_bpf_o_start,
				   (size_t)(_binary_fastpath_bpf_o_end - _binary_fastpath_bpf_o_start),
				   &opts);
	if (!obj)
		return -errno;
	bpf_object__for_each_map(map, obj) {
		pin_path(path, sizeof(path), ns_name, bpf_map__name(map));
		if (bpf_map__is_internal(map))
			continue;
		bpf_map__set_pin_path(map, path);
	}
	ret = bpf_object__load(obj);
	if (!ret)
		ret = pin_prog(obj, ns_name, PROG_NAME, "prog");
	if (!ret)
		ret = pin_prog(obj, ns_name, ANSWERS_NAME, "answers");
	bpf_object__close(obj);	/* the pins hold what is needed */
	return ret;
}

static int pin_get(const char *ns_name, const char *what)
{
	char path[512];

	pin_path(path, sizeof(path), ns_name, what);
	return bpf_obj_get(path);
}

/* The kernel's ID of program 'fd'; 0 if it has none. */
static uint32_t prog_id(int fd)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) < 0 ? 0 : info.id;
}

static int open_pins(const char *ns_name, struct pins *k)
{
	*k = (struct pins){
		.prog = pin_get(ns_name, "prog"),
		.answers = pin_get(ns_name, "answers"),
		.hops = pin_get(ns_name, "hops"),
		.ports = pin_get(ns_name, "ports"),
		.endpoints = pin_get(ns_name, "endpoints"),
		.regions = pin_get(ns_name, "regions"),
		.verdicts = pin_get(ns_name, "verdicts"),
	};
	k->prog_id = k->prog < 0 ? 0 : prog_id(k->prog);
	k->answers_id = k->answers < 0 ? 0 : prog_id(k->answers);
	if (!k->prog_id || !k->answers_id || k->hops < 0 || k->ports < 0 || k->endpoints < 0 ||
	    k->regions < 0 || k->verdicts < 0) {
		close_pins(k);
		return -ENOENT;
	}
	return 0;
}

/* The MAC of link 'name' in this namespace. */
static int link_mac(const char *name, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	str_lcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		ret = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return ret;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

/* The bridge port 'dev' of 'p' belongs to, in namespace 'ns'. */
static const char *master_of(const struct np_plan *p, size_t ns, const char *dev)
{
	for (size_t i = 0; i < p->n_links; i++) {
		const struct np_link *l = &p->links[i];

		if (l->peer_ns == ns && !strcmp(l->peer, dev) && l->master[0])
			return l->master;
		if (l->ns == ns && !strcmp(l->name, dev) && l->master[0])
			return l->master;
	}
	return NULL;
}

static int u32_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

/* Deletes every key of 'fd' that 'keep' ('n' u32s, sorted here) does not hold. */
static void prune(int fd, uint32_t *keep, size_t n)
{
	uint32_t key, next, gone[256];
	size_t n_gone;
	bool first;

	qsort(keep, n, sizeof(*keep), u32_cmp);
	do {
		n_gone = 0;
		first = true;
		while (n_gone < ARRAY_SIZE(gone) &&
		       bpf_map_get_next_key(fd, first ? NULL : &key, &next) == 0) {
			if (!bsearch(&next, keep, n, sizeof(*keep), u32_cmp))
				gone[n_gone++] = next;
			key = next;
			first = false;
		}
		for (size_t i = 0; i < n_gone; i++)
			bpf_map_delete_elem(fd, &gone[i]);
	} while (n_gone == ARRAY_SIZE(gone));
}

/* Empties map 'fd', whatever its keys. */
static void clear(int fd)
{
	unsigned char key[64];

	while (bpf_map_get_next_key(fd, NULL, key) == 0)
		if (bpf_map_delete_elem(fd, key) < 0)
			break;
}

/* Attaches program 'fd' (kernel ID 'id') to the tc ingress of link 'ifindex', unless it is there. */
static int attach(int fd, uint32_t id, int ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, q, .handle = TC_HANDLE, .priority = TC_PRIORITY);
	int ret = bpf_tc_hook_create(&hook);

	if (ret < 0 && ret != -EEXIST)
		return ret;
	if (bpf_tc_query(&hook, &q) == 0 && q.prog_id == id)
		return 0;
	q = (struct bpf_tc_opts){ .sz = sizeof(q), .handle = TC_HANDLE, .priority = TC_PRIORITY,
				  .prog_fd = fd, .flags = BPF_TC_F_REPLACE };
	return bpf_tc_attach(&hook, &q);
}

/* Opens the pins of namespace 'ns_name', loading the object first when they are not there. */
static int open_or_load(const char *ns_name, struct pins *k, char *err, size_t size)
{
	char dir[512];
	int ret;

	if ((ret = ensure_bpffs()) < 0) {
		snprintf(err, size, "mounting %s", BPF_FS);
		return ret;
	}
	if (open_pins(ns_name, k) == 0)
		return 0;
	fp_forget(ns_name);	/* another version's, or a load a crash cut short */
	snprintf(dir, sizeof(dir), "%s/%.64s", BPF_FS, ns_name);
	mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/%.64s/%s", BPF_FS, ns_name, version());
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, size, "making %s", dir);
		return -errno;
	}
	if ((ret = load(ns_name)) < 0 || (ret = open_pins(ns_name, k)) < 0)
		snprintf(err, size, "loading the fast path");
	return ret;
}

/* The ports of 'ns' and where each instance's address leads; the program on every port. */
static int sync_ports(const struct np_plan *p, size_t ns, const struct pins *k, char *err,
		      size_t size)
{
	uint32_t *keys = calloc(p->n_ports + 1, sizeof(*keys));
	uint32_t *ifs = calloc(p->n_ports + 1, sizeof(*ifs));
	size_t n = 0;
	int ret = 0;

	for (size_t i = 0; keys && ifs && i < p->n_ports; i++) {
		const struct np_port *x = &p->ports[i];
		uint32_t ifindex, ip = htonl(x->ip);
		struct port pt = { .ip = ip };
		const char *br;
		struct hop h;

		if (x->ns != ns)
			continue;
		/* Its bridge: a walk of the links, fine at a VPC's hundreds of ports. */
		br = master_of(p, ns, x->dev);
		ifindex = if_nametoindex(x->dev);
		pt.br = br ? if_nametoindex(br) : 0;
		h = (struct hop){ .ifindex = ifindex, .br = pt.br };
		if (!ifindex || !pt.br || link_mac(br, pt.router_mac) < 0)
			continue;
		ret = attach(k->prog, k->prog_id, (int)ifindex);
		if (ret < 0) {
			snprintf(err, size, "attaching the fast path to %s", x->dev);
			break;
		}
		bpf_map_update_elem(k->ports, &ifindex, &pt, BPF_ANY);
		ifs[n] = ifindex;
		/* Instances' ENIs only: an endpoint's is the router's own address (sync_endpoints()). */
		if (x->eni->type != ENI_INTERFACE || strncmp(x->eni->owner_res_id, "i-", 2) != 0 ||
		    parse_mac(x->eni->mac, h.dmac) < 0) {
			keys[n++] = 0;
			continue;
		}
		memcpy(h.smac, pt.router_mac, sizeof(h.smac));
		bpf_map_update_elem(k->hops, &ip, &h, BPF_ANY);
		keys[n++] = ip;
	}
	if (keys && ifs && ret >= 0) {
		prune(k->hops, keys, n);
		prune(k->ports, ifs, n);
	}
	free(keys);
	free(ifs);
	return ret < 0 ? ret : (keys && ifs ? 0 : -ENOMEM);
}

/*
 * The interface endpoints of 'ns' whose connections the fast path may
 * carry, and the answers' program on pl0. Not an endpoint that some
 * subnet's table sends elsewhere (its chain drops those senders' packets
 * by their source, even established ones), nor one whose subnet has no
 * table (its answers have no rule): the router alone decides those.
 */
static int sync_endpoints(const struct np_plan *p, size_t ns, const struct pins *k, char *err,
			  size_t size)
{
	uint32_t *keys = calloc(p->n_endpoints + 1, sizeof(*keys));
	uint32_t *rkeys = calloc(p->n_endpoints + 1, sizeof(*rkeys));
	uint32_t link = if_nametoindex(PL_LINK);
	size_t n = 0;
	int ret = 0;

	if (!keys || !rkeys) {
		free(keys);
		free(rkeys);
		return -ENOMEM;
	}
	if (link && (ret = attach(k->answers, k->answers_id, (int)link)) < 0)
		snprintf(err, size, "attaching the fast path to %s", PL_LINK);
	for (size_t i = 0; link && ret >= 0 && i < p->n_endpoints; i++) {
		const struct np_endpoint *x = &p->endpoints[i];
		struct endpoint e = { .link = link, .out_table = NP_TABLE_ENDPOINT, .table = x->table,
				      .region_ip = htonl(x->region_ip) };
		uint32_t ip = htonl(x->ip);

		if (x->ns != ns || !x->table || x->n_detours)
			continue;
		bpf_map_update_elem(k->endpoints, &ip, &e, BPF_ANY);
		bpf_map_update_elem(k->regions, &e.region_ip,
				    &(struct region_ep){ .eni = ip, .link = link, .table = x->table },
				    BPF_ANY);
		rkeys[n] = e.region_ip;
		keys[n++] = ip;
	}
	if (ret >= 0) {
		prune(k->endpoints, keys, n);
		prune(k->regions, rkeys, n);
	}
	free(keys);
	free(rkeys);
	return ret;
}

int fp_sync(const struct np_plan *p, size_t ns, char *err, size_t size)
{
	struct pins k;
	int ret;

	libbpf_set_print(quiet);
	if ((ret = open_or_load(p->ns[ns].name, &k, err, size)) < 0)
		return ret;
	ret = sync_ports(p, ns, &k, err, size);
	if (ret >= 0)
		ret = sync_endpoints(p, ns, &k, err, size);
	/* The ruleset was loaded just before: the groups decide every endpoint's next SYN again. */
	if (ret >= 0)
		clear(k.verdicts);
	close_pins(&k);
	return ret;
}

/* Removes directory 'path' and what is in it, two levels deep (pins are files). */
static int remove_tree(const char *path, int depth)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[512];

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%.250s/%.250s", path, e->d_name);
		if (unlink(sub) < 0 && errno == EISDIR && depth > 0)
			remove_tree(sub, depth - 1);
	}
	closedir(d);
	return rmdir(path) < 0 && errno != ENOENT ? -errno : 0;
}

int fp_forget(const char *ns_name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%.64s", BPF_FS, ns_name);
	return remove_tree(path, 1);
}

void fp_forget_stale(const struct np_plan *p, const char *prefix)
{
	DIR *d = opendir(BPF_FS);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		bool planned = false;

		for (size_t i = 0; i < p->n_ns && !planned; i++)
			planned = !strcmp(p->ns[i].name, e->d_name);
		if (!planned)
			fp_forget(e->d_name);
	}
	closedir(d);
}
