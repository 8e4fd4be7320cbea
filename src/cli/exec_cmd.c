/* SPDX-License-Identifier: MIT */
/*
 * vpce exec: a command inside an instance, or on the premises behind a
 * virtual private gateway, as `ip netns exec` runs one, with the
 * namespace's resolv.conf and hostname (docs/dataplane.md), trusting the
 * region's local CA (docs/tls.md). The exit
 * status is the command's; 125 when vpce cannot enter the instance, 126
 * when the command cannot run, 127 when it is not found.
 */
#include "compat.h"

#include <fcntl.h>
#include <getopt.h>
#include <linux/limits.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/str.h"
#include "cli/cli.h"
#include "core/netplan.h"

#define EXEC_USAGE "vpce exec [--state FILE | --prefix P] INSTANCE-ID|VGW-ID -- COMMAND [ARGS...]"
#define EXIT_CANNOT 125
/* io/tls.h's TLS_BUNDLE_SUFFIX and TLS_SYSTEM_BUNDLE (cli may not include io). */
#define CA_BUNDLE_SUFFIX ".ca-bundle.pem"
#define SYSTEM_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

static int cannot(const char *what, const char *detail)
{
	fprintf(stderr, "vpce exec: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	return EXIT_CANNOT;
}

/* Binds the instance's 'file' under /etc/netns/NS over /etc/'file', when it has one. */
static int bind_etc(const char *ns, const char *file)
{
	char from[PATH_MAX], to[PATH_MAX];

	snprintf(from, sizeof(from), "/etc/netns/%s/%s", ns, file);
	snprintf(to, sizeof(to), "/etc/%s", file);
	if (access(from, R_OK) < 0 || access(to, F_OK) < 0)
		return 0;
	return mount(from, to, "none", MS_BIND, NULL) < 0 ? -errno : 0;
}

/* Sets the UTS hostname from the instance's /etc/netns file (the first line). */
static int set_hostname(const char *ns)
{
	char path[PATH_MAX], name[NP_HOSTNAME_SIZE] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/etc/netns/%s/hostname", ns);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(name, sizeof(name), f))
		name[0] = '\0';
	fclose(f);
	name[strcspn(name, "\n")] = '\0';
	return name[0] && sethostname(name, strlen(name)) < 0 ? -errno : 0;
}

/*
 * Makes the command trust the local CA, when vpced has written its bundle
 * beside 'state': the bundle, read-only, in place of the system's, and
 * named by the variables the AWS CLI, Python, OpenSSL and curl read, unless
 * the caller set them.
 */
static int trust_local_ca(const char *state)
{
	static const char *const vars[] = {
		"AWS_CA_BUNDLE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
	};
	char rel[PATH_MAX], bundle[PATH_MAX];

	if (str_concat(rel, sizeof(rel), state, CA_BUNDLE_SUFFIX, NULL) < 0 ||
	    !realpath(rel, bundle) || access(bundle, R_OK) < 0)
		return 0;
	if (access(SYSTEM_BUNDLE, F_OK) == 0 &&
	    (mount(bundle, SYSTEM_BUNDLE, "none", MS_BIND, NULL) < 0 ||
	     mount("none", SYSTEM_BUNDLE, "none", MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0))
		return -errno;
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
		if (setenv(vars[i], bundle, 0) < 0)
			return -errno;
	return 0;
}

/*
 * Moves this process into namespace 'ns': its network, and a mount and UTS
 * namespace of its own so the bind mounts and the hostname stay inside.
 */
static int enter(const char *ns)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cannot("no such instance namespace (is vpced running as root with its data "
			      "plane, and the instance running?)", path);
	if (setns(fd, CLONE_NEWNET) < 0) {
		close(fd);
		return cannot("cannot enter the namespace (run as root)", strerror(errno));
	}
	close(fd);
	if (unshare(CLONE_NEWNS | CLONE_NEWUTS) < 0 ||
	    mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0)
		return cannot("cannot make a mount namespace", strerror(errno));
	/* /sys shows the namespace's own interfaces, as after `ip netns exec`. */
	if (umount2("/sys", MNT_DETACH) == 0)
		mount("sysfs", "/sys", "sysfs", 0, NULL);
	if (bind_etc(ns, "resolv.conf") < 0 || bind_etc(ns, "hostname") < 0)
		return cannot("cannot put the instance's files in place", strerror(errno));
	if (set_hostname(ns) < 0)
		return cannot("cannot set the hostname", strerror(errno));
	return 0;
}

int cmd_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *state = getenv("VPCE_STATE") ? getenv("VPCE_STATE") : "vpce.db";
	char prefix[NP_PREFIX_MAX + 1] = "", ns[NP_NS_NAME_SIZE], abs[PATH_MAX];
	const char *id;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': state = optarg; break;
		case 'p': str_lcpy(prefix, optarg, sizeof(prefix)); break;
		case 'h': printf("usage: %s\n", EXEC_USAGE); return 0;
		default: fprintf(stderr, "usage: %s\n", EXEC_USAGE); return 2;
		}
	}
	if (argc - optind < 3 || strcmp(argv[optind + 1], "--") != 0) {
		fprintf(stderr, "usage: %s\n", EXEC_USAGE);
		return 2;
	}
	id = argv[optind];
	if ((strncmp(id, "i-", 2) != 0 && strncmp(id, "vgw-", 4) != 0) || strlen(id) > 32 ||
	    strchr(id, '/')) {
		fprintf(stderr, "vpce exec: '%s' is neither an instance ID nor a vgw ID\n", id);
		return 2;
	}
	if (!prefix[0])
		netplan_prefix(realpath(state, abs) ? abs : state, prefix);
	snprintf(ns, sizeof(ns), "%s%s", prefix, id);
	ret = enter(ns);
	if (ret)
		return ret;
	ret = trust_local_ca(state);
	if (ret < 0)
		return cannot("cannot put the local CA's bundle in place", strerror(-ret));
	execvp(argv[optind + 2], argv + optind + 2);
	ret = errno == ENOENT ? 127 : 126;
	fprintf(stderr, "vpce exec: %s: %s\n", argv[optind + 2], strerror(errno));
	return ret;
}
