/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "io/loop.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/xalloc.h"

#define LOOP_EVENTS 64

struct watch {
	loop_fn *fn;
	void *arg;
};

struct loop {
	int epfd;
	int sigfd;
	bool stopping;
	struct watch *watches;	/* indexed by fd */
	size_t n_watches;
	unsigned tick_ms;
	void (*tick_fn)(void *arg);
	void *tick_arg;
	int64_t next_tick;
	void (*batch_fn)(void *arg);
	void *batch_arg;
};

int64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct loop *loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof(*l));
	sigset_t mask;

	l->sigfd = -1;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		goto fail;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		goto fail;
	l->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (l->sigfd < 0)
		goto fail;
	signal(SIGPIPE, SIG_IGN);
	if (loop_add(l, l->sigfd, EPOLLIN, NULL, NULL) < 0)
		goto fail;
	return l;
fail:
	loop_free(l);
	return NULL;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	if (l->sigfd >= 0)
		close(l->sigfd);
	if (l->epfd >= 0)
		close(l->epfd);
	free(l->watches);
	free(l);
}

static int ctl(struct loop *l, int op, int fd, uint32_t events, loop_fn *fn, void *arg)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (fd < 0)
		return -EBADF;
	if ((size_t)fd >= l->n_watches) {
		size_t n = MAX((size_t)fd + 1, l->n_watches * 2);

		l->watches = xreallocarray(l->watches, n, sizeof(*l->watches));
		memset(l->watches + l->n_watches, 0, (n - l->n_watches) * sizeof(*l->watches));
		l->n_watches = n;
	}
	if (epoll_ctl(l->epfd, op, fd, &ev) < 0)
		return -errno;
	l->watches[fd] = (struct watch){ fn, arg };
	return 0;
}

int loop_add(struct loop *l, int fd, uint32_t events, loop_fn *fn, void *arg)
{
	return ctl(l, EPOLL_CTL_ADD, fd, events, fn, arg);
}

int loop_mod(struct loop *l, int fd, uint32_t events, loop_fn *fn, void *arg)
{
	return ctl(l, EPOLL_CTL_MOD, fd, events, fn, arg);
}

int loop_del(struct loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->n_watches)
		return -EBADF;
	l->watches[fd] = (struct watch){ 0 };
	return epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL) < 0 ? -errno : 0;
}

void loop_set_tick(struct loop *l, unsigned period_ms, void (*fn)(void *arg), void *arg)
{
	l->tick_ms = period_ms;
	l->tick_fn = fn;
	l->tick_arg = arg;
	l->next_tick = loop_now_ms() + period_ms;
}

void loop_set_batch_end(struct loop *l, void (*fn)(void *arg), void *arg)
{
	l->batch_fn = fn;
	l->batch_arg = arg;
}

void loop_stop(struct loop *l)
{
	l->stopping = true;
}

int loop_run(struct loop *l)
{
	struct epoll_event evs[LOOP_EVENTS];

	while (!l->stopping) {
		int timeout = -1, n;

		if (l->tick_fn) {
			int64_t left = l->next_tick - loop_now_ms();

			timeout = left > 0 ? (int)left : 0;
		}
		n = epoll_wait(l->epfd, evs, LOOP_EVENTS, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n && !l->stopping; i++) {
			int fd = evs[i].data.fd;

			if (fd == l->sigfd) {
				l->stopping = true;
				break;
			}
			/* A callback may close and forget fds later in this batch. */
			if ((size_t)fd < l->n_watches && l->watches[fd].fn)
				l->watches[fd].fn(l, fd, evs[i].events, l->watches[fd].arg);
		}
		if (l->batch_fn)
			l->batch_fn(l->batch_arg);
		if (l->tick_fn && loop_now_ms() >= l->next_tick) {
			l->next_tick = loop_now_ms() + l->tick_ms;
			l->tick_fn(l->tick_arg);
		}
	}
	return 0;
}
