/* SPDX-License-Identifier: MIT */
/*
 * A single-threaded event loop over epoll: file descriptors with callbacks,
 * plus SIGTERM/SIGINT delivered through a signalfd so they stop the loop
 * cleanly. The only user of epoll.
 */
#ifndef IO_LOOP_H
#define IO_LOOP_H

#include "compat.h"

struct loop;

typedef void loop_fn(struct loop *l, int fd, uint32_t events, void *arg);

/* Creates a loop that stops on SIGTERM or SIGINT. NULL, errno set, on failure. */
struct loop *loop_new(void);
void loop_free(struct loop *l);
/* Watches 'fd' for 'events' (EPOLLIN, EPOLLOUT); 'fn' gets 'arg'. */
int loop_add(struct loop *l, int fd, uint32_t events, loop_fn *fn, void *arg);
int loop_mod(struct loop *l, int fd, uint32_t events, loop_fn *fn, void *arg);
int loop_del(struct loop *l, int fd);
/* Calls 'fn' with 'arg' about every 'period_ms' while the loop runs. */
void loop_set_tick(struct loop *l, unsigned period_ms, void (*fn)(void *arg), void *arg);
/*
 * Calls 'fn' with 'arg' after each batch of events has been handled, before
 * the loop waits again: the place to finish work the batch started (a group
 * commit).
 */
void loop_set_batch_end(struct loop *l, void (*fn)(void *arg), void *arg);
/* Runs until loop_stop() or a stop signal. Returns 0, or -errno. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);
/* Monotonic milliseconds. */
int64_t loop_now_ms(void);

#endif
