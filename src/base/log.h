/* SPDX-License-Identifier: MIT */
/*
 * Logging to stderr. Anything a peer can trigger goes through the _rl forms,
 * which print at most a few lines a second per call site. Pure directories
 * (base except this file, core, policy, reach) never include this header.
 */
#ifndef BASE_LOG_H
#define BASE_LOG_H

#include "compat.h"

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

struct log_rl {
	int64_t window_start_ms;
	unsigned count;
	unsigned dropped;
};

/* Messages above 'level' are dropped; the default is LOG_INFO. */
void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) ATTR_PRINTF(2, 3);
/* Like log_msg(), but at most 5 lines a second through one 'rl'. */
void log_msg_rl(struct log_rl *rl, enum log_level level, const char *fmt, ...)
	ATTR_PRINTF(3, 4);

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_warn_rl(...)                            \
	do {                                        \
		static struct log_rl rl_;           \
		log_msg_rl(&rl_, LOG_WARN, __VA_ARGS__); \
	} while (0)

#endif
