/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "base/log.h"

#include <stdarg.h>

#define LOG_RL_PER_SECOND 5

static enum log_level max_level = LOG_INFO;

static const char *const level_names[] = {
	[LOG_ERR] = "error", [LOG_WARN] = "warning",
	[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

void log_set_level(enum log_level level)
{
	max_level = level;
}

static void vlog(enum log_level level, const char *fmt, va_list ap)
{
	char line[1024];
	struct timespec ts;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02dZ %s: ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, level_names[level]);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	fprintf(stderr, "%s\n", line);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > max_level)
		return;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void log_msg_rl(struct log_rl *rl, enum log_level level, const char *fmt, ...)
{
	struct timespec ts;
	int64_t now;
	va_list ap;

	if (level > max_level)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (now - rl->window_start_ms >= 1000) {
		if (rl->dropped)
			log_msg(level, "%u similar messages suppressed", rl->dropped);
		rl->window_start_ms = now;
		rl->count = 0;
		rl->dropped = 0;
	}
	if (rl->count++ >= LOG_RL_PER_SECOND) {
		rl->dropped++;
		return;
	}
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}
