/* SPDX-License-Identifier: MIT */
/*
 * Named network namespaces (netns.h), made the way `ip netns add` makes
 * them, so that iproute2 and vpced see the same ones.
 */
#include "compat.h"
#include "dataplane/netns.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "base/str.h"
#include "base/xalloc.h"

static int path_of(const char *name, char dst[static sizeof(NETNS_RUN_DIR) + NETNS_NAME_SIZE])
{
	if (!name[0] || strlen(name) >= NETNS_NAME_SIZE || strchr(name, '/') || name[0] == '.')
		return -EINVAL;
	snprintf(dst, sizeof(NETNS_RUN_DIR) + NETNS_NAME_SIZE, "%s/%s", NETNS_RUN_DIR, name);
	return 0;
}

/*
 * Makes NETNS_RUN_DIR a shared mount point, as iproute2 does, so that the
 * namespaces mounted under it show in every mount namespace.
 */
static int run_dir_ready(void)
{
	if (mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;
	if (errno != EINVAL)
		return -errno;
	/* Not a mount point yet: bind it onto itself, then share it. */
	if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) < 0 ||
	    mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) < 0)
		return -errno;
	return 0;
}

/* Whether 'path' holds a namespace (a bind mount of one), not a bare file. */
static bool is_netns(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == NSFS_MAGIC;
}

int netns_create(const char *name)
{
	char path[sizeof(NETNS_RUN_DIR) + NETNS_NAME_SIZE];
	int fd, self, ret = 0;

	if (path_of(name, path) < 0)
		return -EINVAL;
	ret = run_dir_ready();
	if (ret < 0)
		return ret;
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0 && errno == EEXIST) {
		/* A file left by a crash between create and mount is made whole. */
		if (is_netns(path))
			return 0;
	} else if (fd < 0) {
		return -errno;
	}
	if (fd >= 0)
		close(fd);
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	if (unshare(CLONE_NEWNET) < 0) {
		ret = -errno;
	} else {
		if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0)
			ret = -errno;
		if (setns(self, CLONE_NEWNET) < 0 && !ret)
			ret = -errno;
	}
	close(self);
	if (ret < 0)
		unlink(path);
	return ret;
}

int netns_delete(const char *name)
{
	char path[sizeof(NETNS_RUN_DIR) + NETNS_NAME_SIZE];

	if (path_of(name, path) < 0)
		return -EINVAL;
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return -errno;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int netns_open(const char *name)
{
	char path[sizeof(NETNS_RUN_DIR) + NETNS_NAME_SIZE];
	int fd;

	if (path_of(name, path) < 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

int netns_list(const char *prefix, char (**names)[NETNS_NAME_SIZE], size_t *n)
{
	size_t alloc = 0, len = strlen(prefix);
	struct dirent *de;
	DIR *d;

	*names = NULL;
	*n = 0;
	d = opendir(NETNS_RUN_DIR);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, prefix, len) || strlen(de->d_name) >= NETNS_NAME_SIZE)
			continue;
		ALLOC_GROW(*names, *n + 1, alloc);
		str_lcpy((*names)[(*n)++], de->d_name, NETNS_NAME_SIZE);
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, NETNS_NAME_SIZE, cmp_names);
	return 0;
}

int netns_run(const char *name, int (*fn)(void *arg), void *arg)
{
	int self, target, ret;

	target = netns_open(name);
	if (target < 0)
		return target;
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		ret = -errno;
		close(target);
		return ret;
	}
	if (setns(target, CLONE_NEWNET) < 0) {
		ret = -errno;
	} else {
		ret = fn(arg);
		if (setns(self, CLONE_NEWNET) < 0)
			abort();	/* the thread would go on in the wrong namespace */
	}
	close(self);
	close(target);
	return ret;
}
