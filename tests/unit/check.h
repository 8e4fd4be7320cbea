/* SPDX-License-Identifier: MIT */
/*
 * The unit-test harness: CHECK* report file:line and go on, so one run shows
 * every failure. A test file tests/unit/test_NAME.c defines
 * 'void test_NAME(void)'; the build lists it, so adding a file is enough.
 */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include "compat.h"

extern int check_failures;

void check_fail(const char *file, int line, const char *fmt, ...) ATTR_PRINTF(3, 4);

#define CHECK(cond)                                                      \
	do {                                                             \
		if (!(cond))                                             \
			check_fail(__FILE__, __LINE__, "%s", #cond);     \
	} while (0)

#define CHECK_EQ(a, b)                                                   \
	do {                                                             \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
		if (check_a_ != check_b_)                                \
			check_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", \
				   #a, #b, check_a_, check_b_);          \
	} while (0)

#define CHECK_STREQ(a, b)                                                \
	do {                                                             \
		const char *check_a_ = (a), *check_b_ = (b);             \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_)) \
			check_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", \
				   #a, #b, check_a_ ? check_a_ : "(null)", \
				   check_b_ ? check_b_ : "(null)");      \
	} while (0)

#endif
