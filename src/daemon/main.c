/* SPDX-License-Identifier: MIT */
/*
 * vpced: the daemon. Opens the state file, loads the world, and serves the
 * EC2 API on one address until SIGTERM or SIGINT.
 */
#include "compat.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "base/log.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/region.h"
#include "daemon/analyze.h"
#include "daemon/listeners.h"
#include "daemon/reconcile.h"
#include "daemon/services.h"
#include "dataplane/apply.h"
#include "io/http.h"
#include "io/loop.h"
#include "limits.h"
#include "store/store.h"

#define DEFAULT_LISTEN "127.0.0.1:8723"
#define DEFAULT_STATE "vpce.db"
#define DEFAULT_REGION "us-east-1"
#define DEFAULT_ACCOUNT "000000000000"

enum dp_mode { DP_DEFAULT, DP_ON, DP_OFF };

struct options {
	const char *listen;
	const char *state;
	const char *region;
	const char *identities;
	const char *account;		/* the test/test key's; NULL: DEFAULT_ACCOUNT */
	enum dp_mode dataplane;
	const char *prefix;		/* NULL: reconcile_prefix() of the state file */
	bool teardown;
	struct svc_backends backends;	/* --service-backend */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vpced [--listen ADDR:PORT] [--state FILE] [--region NAME]\n"
		"             [--identities FILE | --account ID] [--dataplane | --no-dataplane]\n"
		"             [--prefix P] [--service-backend SERVICE=ADDR:PORT ...]\n"
		"       vpced --teardown [--state FILE | --prefix P]\n"
		"\n"
		"  --listen ADDR:PORT  where to serve the EC2 API (default %s)\n"
		"  --state FILE        the SQLite state file (default ./%s)\n"
		"  --region NAME       the region to emulate (default %s)\n"
		"  --identities FILE   access keys and accounts (docs/identities.md);\n"
		"                      without it, only test/test of account %s\n"
		"  --account ID        the 12-digit account of test/test instead\n"
		"  --dataplane         make the state real in network namespaces (needs\n"
		"                      root; the default when run as root)\n"
		"  --no-dataplane      control plane only\n"
		"  --prefix P          the data plane's namespace prefix (default: vpce,\n"
		"                      four hex digits of the state file's path, '-')\n"
		"  --service-backend com.amazonaws.REGION.SERVICE=ADDR:PORT\n"
		"                      where the region's front sends that service's\n"
		"                      requests once authenticated and allowed (moto_server,\n"
		"                      LocalStack; S3 and DynamoDB instead of the built-in\n"
		"                      ones); repeatable. STS defaults to vpced's own API\n"
		"  --teardown          remove every namespace of the prefix, then exit\n",
		DEFAULT_LISTEN, DEFAULT_STATE, DEFAULT_REGION, DEFAULT_ACCOUNT);
}

static int parse_listen(const char *spec, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(spec, ':');
	uint64_t port;

	if (!colon || (size_t)(colon - spec) >= sizeof(host))
		return -EINVAL;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	if (str_to_u64(str_c(colon + 1), 65535, &port) < 0)
		return -EINVAL;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -EINVAL;
	return 0;
}

static int open_listener(const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 || listen(fd, 512) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

static bool copy_field(json_t *o, const char *key, char *dst, size_t size, bool required)
{
	const char *v = json_string_value(json_object_get(o, key));

	if (!v)
		return !required;
	return strlen(v) < size && str_lcpy(dst, v, size) < size;
}

static bool account_ok(const char *a)
{
	return strlen(a) == 12 && strspn(a, "0123456789") == 12;
}

/* An AWS Organizations ID: "o-" and 10 to 32 lowercase letters or digits. */
static bool org_ok(const char *o)
{
	size_t n = strlen(o);

	return n >= 12 && n <= 34 && !strncmp(o, "o-", 2) &&
	       strspn(o + 2, "abcdefghijklmnopqrstuvwxyz0123456789") == n - 2;
}

/* The identities file after loading: its keys and its accounts' organizations. */
struct directory {
	struct iam_identity *ids;
	struct iam_account *accounts;
	size_t n_ids, n_accounts;
};

static void directory_release(struct directory *d)
{
	free(d->ids);
	free(d->accounts);
	*d = (struct directory){ 0 };
}

static int load_keys(const char *path, json_t *list, struct directory *d)
{
	json_t *o;
	size_t i;

	if (!json_is_array(list) || !json_array_size(list) ||
	    json_array_size(list) > LIMIT_IDENTITIES) {
		fprintf(stderr, "vpced: %s: \"identities\" must be a list of 1 to %d entries\n",
			path, LIMIT_IDENTITIES);
		return -EINVAL;
	}
	d->ids = xcalloc(json_array_size(list), sizeof(*d->ids));
	json_array_foreach(list, i, o) {
		struct iam_identity *id = &d->ids[i];

		if (!copy_field(o, "access_key", id->access_key, sizeof(id->access_key), true) ||
		    !copy_field(o, "secret_key", id->secret_key, sizeof(id->secret_key), true) ||
		    !copy_field(o, "account", id->account, sizeof(id->account), true) ||
		    !copy_field(o, "arn", id->arn, sizeof(id->arn), false) ||
		    !account_ok(id->account)) {
			fprintf(stderr, "vpced: %s: identity %zu needs access_key, secret_key "
					"and a 12-digit account\n", path, i);
			return -EINVAL;
		}
		if (!id->arn[0])
			snprintf(id->arn, sizeof(id->arn), "arn:aws:iam::%s:root", id->account);
	}
	d->n_ids = json_array_size(list);
	return 0;
}

static int load_accounts(const char *path, json_t *list, struct directory *d)
{
	json_t *o;
	size_t i;

	if (!list)
		return 0;
	if (!json_is_array(list) || json_array_size(list) > LIMIT_IDENTITIES) {
		fprintf(stderr, "vpced: %s: \"accounts\" must be a list of at most %d entries\n",
			path, LIMIT_IDENTITIES);
		return -EINVAL;
	}
	d->accounts = xcalloc(json_array_size(list) + 1, sizeof(*d->accounts));
	json_array_foreach(list, i, o) {
		struct iam_account *a = &d->accounts[i];

		if (!copy_field(o, "account", a->account, sizeof(a->account), true) ||
		    !copy_field(o, "organization", a->org, sizeof(a->org), false) ||
		    !account_ok(a->account) || (a->org[0] && !org_ok(a->org))) {
			fprintf(stderr, "vpced: %s: account %zu needs a 12-digit account and, if "
					"any, an organization o- followed by 10 to 32 lowercase "
					"letters or digits\n", path, i);
			return -EINVAL;
		}
	}
	d->n_accounts = json_array_size(list);
	return 0;
}

/*
 * Reads the identities file: {"identities": [{"access_key": "...",
 * "secret_key": "...", "account": "111122223333", "arn": "..."}, ...],
 * "accounts": [{"account": "111122223333", "organization": "o-..."}]}.
 */
static int load_identities(const char *path, struct directory *d)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	int ret;

	if (!root) {
		fprintf(stderr, "vpced: %s:%d: %s\n", path, jerr.line, jerr.text);
		return -EINVAL;
	}
	ret = load_keys(path, json_object_get(root, "identities"), d);
	if (ret == 0)
		ret = load_accounts(path, json_object_get(root, "accounts"), d);
	if (ret < 0)
		directory_release(d);
	json_decref(root);
	return ret;
}

static bool has_default_creds(const struct iam_identity *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ids[i].access_key, "test") && !strcmp(ids[i].secret_key, "test"))
			return true;
	return false;
}

/* What the once-a-second tick tends. */
struct ticker {
	struct http_server *srv;
	struct api *api;
	struct reconcile *rec;		/* NULL: no data plane */
};

static void tick(void *arg)
{
	struct ticker *t = arg;

	http_server_sweep(t->srv);
	api_sweep(t->api);
	if (t->rec) {
		reconcile_run(t->rec);
		listeners_sweep(t->rec->ls);
	}
}

/* After each batch: commit it, then make it real. */
static void batch_end(void *arg)
{
	struct ticker *t = arg;

	api_batch_end(t->api);
	if (t->rec)
		reconcile_run(t->rec);
}

/* Whether to run the data plane: asked for, or by default as root. */
/* One --service-backend: false (said on stderr) when it is not one. */
static bool add_backend(struct svc_backends *b, const char *spec)
{
	struct svc_backend x;
	struct err e = { 0 };

	if (svc_backend_parse(spec, &x, &e) < 0) {
		fprintf(stderr, "vpced: --service-backend %s: %s\n", spec, e.msg);
		return false;
	}
	if (svc_backends_add(b, &x) < 0) {
		fprintf(stderr, "vpced: more than %d --service-backend flags\n", LIMIT_SVC_BACKENDS);
		return false;
	}
	return true;
}

/*
 * STS of the daemon's region, unless a flag named another backend: vpced's
 * own API, which answers STS (on 127.0.0.1 when it listens on every address).
 */
static void default_backends(struct svc_backends *b, const struct region *r,
			     const struct sockaddr_in *api)
{
	struct svc_backend sts = { .svc = catalog_find("sts"), .region = r,
				   .ip = ntohl(api->sin_addr.s_addr), .port = ntohs(api->sin_port) };

	if (!sts.ip)
		sts.ip = INADDR_LOOPBACK;
	if (!svc_backends_find(b, sts.svc, r))
		svc_backends_add(b, &sts);
}

static bool dataplane_wanted(const struct options *o)
{
	if (o->dataplane == DP_OFF)
		return false;
	if (geteuid() == 0)
		return true;
	if (o->dataplane == DP_ON)
		fprintf(stderr, "vpced: --dataplane needs root (CAP_NET_ADMIN to make network "
				"namespaces); running the control plane only\n");
	return false;
}

static int serve(const struct options *o)
{
	struct iam_identity dflt = { .access_key = "test", .secret_key = "test" };
	struct directory dir = { 0 };
	struct api_config cfg = { 0 };
	struct http_server *srv = NULL;
	struct ticker ticker;
	struct store *st = NULL;
	struct api *api = NULL;
	struct loop *l = NULL;
	struct err e = { 0 };
	struct world w;
	struct sockaddr_in sa;
	char stored_region[64];
	char prefix[NP_PREFIX_MAX + 1];
	struct reconcile rec;
	struct listeners listeners;
	struct services services = { 0 };
	struct svc_backends backends;
	struct analyze analyze;
	bool use_dp = false;
	uint64_t seed;
	int fd, ret = 1;

	world_init(&w);
	if (o->prefix)
		str_lcpy(prefix, o->prefix, sizeof(prefix));
	else
		reconcile_prefix(o->state, prefix);
	cfg.region = region_find(o->region);
	if (!cfg.region) {
		fprintf(stderr, "vpced: unknown region '%s'\n", o->region);
		return 2;
	}
	if (parse_listen(o->listen, &sa) < 0) {
		fprintf(stderr, "vpced: --listen wants ADDR:PORT with an IPv4 address, not '%s'\n",
			o->listen);
		return 2;
	}
	if (o->identities && load_identities(o->identities, &dir) < 0)
		return 2;
	str_lcpy(dflt.account, o->account ? o->account : DEFAULT_ACCOUNT, sizeof(dflt.account));
	snprintf(dflt.arn, sizeof(dflt.arn), "arn:aws:iam::%s:root", dflt.account);
	cfg.dir = (struct iam_dir){
		.ids = dir.ids ? dir.ids : &dflt, .n_ids = dir.ids ? dir.n_ids : 1,
		.accounts = dir.accounts, .n_accounts = dir.n_accounts,
	};
	if ((ntohl(sa.sin_addr.s_addr) >> 24) != 127 &&
	    has_default_creds(cfg.dir.ids, cfg.dir.n_ids)) {
		fprintf(stderr, "vpced: refusing to listen on %s with the default credentials "
				"test/test; give --identities FILE without them\n", o->listen);
		goto out;
	}
	if (store_open(o->state, STORE_WRITER, &st, &e) < 0) {
		fprintf(stderr, "vpced: %s\n", e.msg);
		goto out;
	}
	if (store_meta_get(st, "region", stored_region, sizeof(stored_region)) == 0) {
		if (strcmp(stored_region, o->region)) {
			fprintf(stderr, "vpced: state file '%s' holds region %s, not %s\n",
				o->state, stored_region, o->region);
			goto out;
		}
	} else if (store_meta_set(st, "region", o->region, &e) < 0) {
		fprintf(stderr, "vpced: %s\n", e.msg);
		goto out;
	}
	snprintf(stored_region, sizeof(stored_region), "%ld", (long)getpid());
	if (store_meta_set(st, "listen", o->listen, &e) < 0 ||
	    store_meta_set(st, "pid", stored_region, &e) < 0) {
		fprintf(stderr, "vpced: %s\n", e.msg);
		goto out;
	}
	if (store_load(st, &w, &e) < 0) {
		fprintf(stderr, "vpced: %s\n", e.msg);
		goto out;
	}
	fd = open_listener(&sa);
	if (fd < 0) {
		fprintf(stderr, "vpced: cannot listen on %s: %s\n", o->listen, strerror(-fd));
		goto out;
	}
	l = loop_new();
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed) || !l) {
		close(fd);
		fprintf(stderr, "vpced: cannot start: %s\n", strerror(errno));
		goto out;
	}
	if (dataplane_wanted(o)) {
		struct listeners_config lc;

		if (services_open(&services, o->state, &w, &cfg.dir, &e) < 0) {
			fprintf(stderr, "vpced: %s\n", e.msg);
			close(fd);
			goto out;
		}
		backends = o->backends;
		default_backends(&backends, cfg.region, &sa);
		lc = (struct listeners_config){ .kv = services.kv, .tls = services.tls,
						.backends = &backends,
						.auth = services_auth, .auth_arg = &services,
						.clock_ms = services_clock_ms };
		if (listeners_init(&listeners, l, &w, cfg.region, &lc) < 0) {
			close(fd);
			services_close(&services);
			goto out;
		}
		services.alias = origins_service_ip;
		services.alias_arg = &listeners.origins;
		reconcile_init(&rec, &w, cfg.region, prefix);
		rec.ls = &listeners;
		reconcile_run(&rec);
		use_dp = true;
	}
	api = api_new(&w, st, &cfg, seed);
	api_sweep(api);
	analyze = (struct analyze){ .api = api, .w = &w, .region = cfg.region,
				    .kv = use_dp ? services.kv : NULL };
	srv = http_server_new(l, fd, analyze_serve, &analyze);
	if (!srv) {
		close(fd);
		goto out;
	}
	api_set_server(api, srv);
	ticker = (struct ticker){ .srv = srv, .api = api, .rec = use_dp ? &rec : NULL };
	loop_set_batch_end(l, batch_end, &ticker);
	loop_set_tick(l, 1000, tick, &ticker);
	log_info("vpced serving %s on http://%s with state '%s'", o->region, o->listen, o->state);
	if (loop_run(l) < 0)
		goto out;
	api_batch_end(api);
	log_info("vpced stopping");
	ret = 0;
out:
	http_server_free(srv);
	api_free(api);
	if (use_dp) {
		listeners_release(&listeners);
		services_close(&services);
	}
	loop_free(l);
	store_close(st);
	world_release(&w);
	directory_release(&dir);
	return ret;
}

static bool prefix_ok(const char *p)
{
	size_t n = strlen(p);

	return n && n <= NP_PREFIX_MAX && strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* vpced --teardown: every namespace of the prefix, gone. */
static int teardown(const struct options *o)
{
	char prefix[NP_PREFIX_MAX + 1];
	int ret;

	if (geteuid() != 0) {
		fprintf(stderr, "vpced: --teardown needs root\n");
		return 1;
	}
	if (o->prefix)
		str_lcpy(prefix, o->prefix, sizeof(prefix));
	else
		reconcile_prefix(o->state, prefix);
	ret = dp_teardown(prefix);
	if (ret < 0) {
		fprintf(stderr, "vpced: teardown of %s*: %s\n", prefix, strerror(-ret));
		return 1;
	}
	printf("vpced: removed the namespaces of %s*\n", prefix);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "state", required_argument, NULL, 's' },
		{ "region", required_argument, NULL, 'r' },
		{ "identities", required_argument, NULL, 'i' },
		{ "account", required_argument, NULL, 'a' },
		{ "dataplane", no_argument, NULL, 'D' },
		{ "no-dataplane", no_argument, NULL, 'N' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "teardown", no_argument, NULL, 'T' },
		{ "service-backend", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = {
		.listen = DEFAULT_LISTEN, .state = DEFAULT_STATE, .region = DEFAULT_REGION,
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': o.listen = optarg; break;
		case 's': o.state = optarg; break;
		case 'r': o.region = optarg; break;
		case 'i': o.identities = optarg; break;
		case 'a': o.account = optarg; break;
		case 'D': o.dataplane = DP_ON; break;
		case 'N': o.dataplane = DP_OFF; break;
		case 'p': o.prefix = optarg; break;
		case 'T': o.teardown = true; break;
		case 'B':
			if (!add_backend(&o.backends, optarg))
				return 2;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vpced: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (o.prefix && !prefix_ok(o.prefix)) {
		fprintf(stderr, "vpced: --prefix wants 1 to %d characters of [a-z0-9-], not '%s'\n",
			NP_PREFIX_MAX, o.prefix);
		return 2;
	}
	if (o.account && (!account_ok(o.account) || o.identities)) {
		fprintf(stderr, "vpced: --account wants the 12 digits of an account ID, and "
				"applies to test/test only: the identities file names its own\n");
		return 2;
	}
	if (o.teardown)
		return teardown(&o);
	return serve(&o);
}
