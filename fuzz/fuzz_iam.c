/* SPDX-License-Identifier: MIT */
/*
 * IAM's parsers of request values: the input, NUL-terminated, goes through
 * the name, path and path-prefix rules and the ARN splitter for roles and
 * policies. abort()s on a broken promise of core/iam.h: an accepted ARN
 * splits into a 12-digit account, a path that starts and ends with '/', and
 * a name that is not empty, and they put back together give the ARN.
 */
#include "compat.h"

#include "core/iam.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_split(const char *s, const char *type)
{
	char account[ACCOUNT_SIZE], path[LIMIT_IAM_PATH_CHARS + 1], name[IAM_NAME_SIZE];
	char again[IAM_ARN_SIZE + 64];

	if (!iam_arn_split(s, type, account, path, name))
		return;
	if (strlen(account) != 12 || strspn(account, "0123456789") != 12 || path[0] != '/' ||
	    path[strlen(path) - 1] != '/' || !name[0] || strchr(name, '/'))
		abort();
	snprintf(again, sizeof(again), "arn:aws:iam::%s:%s%s%s", account, type, path, name);
	if (strcmp(again, s))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { 0 };
	char *s;

	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (iam_check_name(s, "userName", 64, &e) < 0 && (!e.code || !e.msg[0]))
		abort();
	e = (struct err){ 0 };
	if (iam_check_path(s, "path", size & 1, &e) < 0 && (!e.code || !e.msg[0]))
		abort();
	if (iam_path_prefix_valid(s) && s[0] != '/')
		abort();
	if (iam_doc_chars(s) > strlen(s))
		abort();
	check_split(s, "role");
	check_split(s, "policy");
	free(s);
	return 0;
}
