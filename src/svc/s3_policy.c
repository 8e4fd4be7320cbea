/* SPDX-License-Identifier: MIT */
/*
 * PutBucketPolicy's checks: S3's own (JSON, required fields, resources in
 * this bucket, actions that apply to the resources named), then the policy
 * engine's grammar as a resource policy. Problems come back as S3's
 * MalformedPolicy messages.
 */
#include "compat.h"
#include "svc/s3_internal.h"

#include <fnmatch.h>
#include <jansson.h>

#define MALFORMED "MalformedPolicy"

static const char *const statement_fields[] = {
	"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
	"NotResource", "Condition",
};

/* Calls 'fn' for each string of 'v' (a string or a list); false when 'v' is neither. */
static bool each_string(json_t *v, bool (*fn)(void *arg, const char *s), void *arg)
{
	size_t i;
	json_t *item;

	if (json_is_string(v))
		return fn(arg, json_string_value(v));
	if (!json_is_array(v) || !json_array_size(v))
		return false;
	json_array_foreach(v, i, item)
		if (!json_is_string(item) || !fn(arg, json_string_value(item)))
			return false;
	return true;
}

static bool action_ok(void *arg, const char *s)
{
	(void)arg;
	if (!strcmp(s, "*"))
		return true;
	if (strncmp(s, "s3:", 3) || !s[3])
		return false;
	for (s += 3; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '*' || *s == '?'))
			return false;
	return true;
}

struct res_scan {
	const char *bucket;
	bool bucket_level, object_level;
};

static bool resource_ok(void *arg, const char *s)
{
	struct res_scan *rs = arg;
	char pattern[S3_BUCKET_SIZE * 2];
	const char *slash;
	size_t len;

	if (strncmp(s, "arn:aws:s3:::", 13))
		return false;
	s += 13;
	slash = strchr(s, '/');
	len = slash ? (size_t)(slash - s) : strlen(s);
	if (!len || len >= sizeof(pattern))
		return false;
	memcpy(pattern, s, len);
	pattern[len] = '\0';
	if (fnmatch(pattern, rs->bucket, FNM_NOESCAPE))
		return false;
	/* A '*' at the end crosses '/': "bucket*" names the bucket and its objects. */
	if (slash || pattern[len - 1] == '*')
		rs->object_level = true;
	if (!slash)
		rs->bucket_level = true;
	return true;
}

/* Object actions: those on keys. The rest apply to buckets (or to nothing here). */
static bool object_action(const char *a)
{
	return strstr(a, "Object") || !strcmp(a, "s3:AbortMultipartUpload") ||
	       !strcmp(a, "s3:ListMultipartUploadParts");
}

struct act_scan {
	bool wildcard, bucket_level, object_level;
};

static bool action_kind(void *arg, const char *s)
{
	struct act_scan *as = arg;

	if (strpbrk(s, "*?"))
		as->wildcard = true;
	else if (object_action(s))
		as->object_level = true;
	else
		as->bucket_level = true;
	return true;
}

static int check_statement(json_t *st, const char *bucket, struct err *e)
{
	const char *key, *effect;
	json_t *v, *action, *resource;
	struct res_scan rs = { .bucket = bucket };
	struct act_scan as = { 0 };

	if (!json_is_object(st))
		return err_fail(e, MALFORMED, "Invalid policy syntax.");
	json_object_foreach(st, key, v) {
		size_t i = 0;

		while (i < ARRAY_SIZE(statement_fields) && strcmp(key, statement_fields[i]))
			i++;
		if (i == ARRAY_SIZE(statement_fields))
			return err_fail(e, MALFORMED, "Unknown field %.60s", key);
	}
	v = json_object_get(st, "Effect");
	if (!v)
		return err_fail(e, MALFORMED, "Missing required field Effect");
	effect = json_is_string(v) ? json_string_value(v) : "";
	if (strcmp(effect, "Allow") && strcmp(effect, "Deny"))
		return err_fail(e, MALFORMED, "Invalid effect: %.60s", effect);
	if (!json_object_get(st, "Principal") && !json_object_get(st, "NotPrincipal"))
		return err_fail(e, MALFORMED, "Missing required field Principal");
	action = json_object_get(st, "Action");
	if (!action)
		action = json_object_get(st, "NotAction");
	resource = json_object_get(st, "Resource");
	if (!resource)
		resource = json_object_get(st, "NotResource");
	if (!action || !resource)
		return err_fail(e, MALFORMED, "Statement is missing required element");
	if (!each_string(action, action_ok, NULL))
		return err_fail(e, MALFORMED, "Policy has invalid action");
	if (!each_string(resource, resource_ok, &rs))
		return err_fail(e, MALFORMED, "Policy has invalid resource");
	if (json_object_get(st, "Action") && each_string(action, action_kind, &as) && !as.wildcard &&
	    !(as.object_level && rs.object_level) && !(as.bucket_level && rs.bucket_level))
		return err_fail(e, MALFORMED, "Action does not apply to any resource(s) in statement");
	return 0;
}

/* The engine's first problem, in S3's words where S3 has them. */
static int engine_problem(const struct pol_problem *p, struct err *e)
{
	static const struct {
		const char *element, *msg;
	} words[] = {
		{ "Principal", "Invalid principal in policy" },
		{ "Action", "Policy has invalid action" },
		{ "Resource", "Policy has invalid resource" },
		{ "Version", "The policy must contain a valid version string" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strstr(p->path, words[i].element))
			return err_fail(e, MALFORMED, "%s", words[i].msg);
	return err_fail(e, MALFORMED, "Invalid policy syntax: %s: %s", p->path, p->msg);
}

static int check_engine(struct str doc, struct err *e)
{
	struct pol_problems probs = { 0 };
	struct policy *p = NULL;
	int ret = policy_compile(doc.p, doc.len, POL_TYPE_RESOURCE, &p, &probs);

	if (ret == 0)
		policy_free(p);
	else if (probs.n)
		engine_problem(&probs.v[0], e);
	else
		err_fail(e, MALFORMED, "Invalid policy syntax.");
	pol_problems_release(&probs);
	return ret < 0 ? -EINVAL : 0;
}

static int check_document(json_t *root, const char *bucket, struct err *e)
{
	json_t *stmts = json_object_get(root, "Statement"), *st;
	size_t i;
	int ret;

	if (!stmts)
		return err_fail(e, MALFORMED, "Missing required field Statement");
	if (json_is_object(stmts))
		return check_statement(stmts, bucket, e);
	if (!json_is_array(stmts) || !json_array_size(stmts))
		return err_fail(e, MALFORMED, "Invalid policy syntax.");
	json_array_foreach(stmts, i, st)
		if ((ret = check_statement(st, bucket, e)) < 0)
			return ret;
	return 0;
}

int s3_policy_check(const char *bucket, struct str doc, struct buf *compact, struct err *e)
{
	json_error_t jerr;
	json_t *root;
	char *text;
	size_t i = 0;
	int ret;

	if (doc.len > LIMIT_S3_POLICY_BYTES)
		return err_fail(e, MALFORMED, "Policy exceeds the maximum allowed document size.");
	while (i < doc.len && (doc.p[i] == ' ' || doc.p[i] == '\t' || doc.p[i] == '\n' ||
			       doc.p[i] == '\r'))
		i++;
	if (i == doc.len || doc.p[i] != '{')
		return err_fail(e, MALFORMED,
				"Policies must be valid JSON and the first byte must be '{'");
	root = json_loadb(doc.p, doc.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return err_fail(e, MALFORMED, "This policy contains invalid Json");
	ret = check_document(root, bucket, e);
	if (!ret)
		ret = check_engine(doc, e);
	if (!ret) {
		text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (text)
			buf_adds(compact, text);
		free(text);
		if (!text || compact->err)
			ret = err_fail(e, MALFORMED, "Invalid policy syntax.");
	}
	json_decref(root);
	return ret;
}
