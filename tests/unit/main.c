/* SPDX-License-Identifier: MIT */
/*
 * Runs every unit test, or those named on the command line, and prints one
 * "PASS name" or "FAIL name" line per test for tests/run.sh to count.
 */
#include "compat.h"
#include "check.h"

#include <stdarg.h>

#define UNIT(name) void test_##name(void);
#include "unit_list.h"
#undef UNIT

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
#define UNIT(name) { #name, test_##name },
#include "unit_list.h"
#undef UNIT
};

int check_failures;

void check_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: check failed: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	check_failures++;
}

static bool wanted(int argc, char **argv, const char *name)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int failed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
		if (!wanted(argc, argv, tests[i].name))
			continue;
		check_failures = 0;
		tests[i].fn();
		printf("%s %s\n", check_failures ? "FAIL" : "PASS", tests[i].name);
		fflush(stdout);
		failed += check_failures != 0;
	}
	return failed ? 1 : 0;
}
