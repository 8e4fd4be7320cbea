/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "policy/validate.h"

#include <jansson.h>

#include "limits.h"

#define POLICY_ERR "InvalidPolicyDocument"

static bool is_string_or_strings(json_t *v)
{
	size_t i;
	json_t *x;

	if (json_is_string(v))
		return true;
	if (!json_is_array(v) || json_array_size(v) == 0)
		return false;
	json_array_foreach(v, i, x)
		if (!json_is_string(x))
			return false;
	return true;
}

static bool principal_is_star(json_t *p)
{
	json_t *aws;

	if (json_is_string(p))
		return strcmp(json_string_value(p), "*") == 0;
	aws = json_object_get(p, "AWS");
	return json_is_object(p) && json_object_size(p) == 1 && aws &&
	       ((json_is_string(aws) && strcmp(json_string_value(aws), "*") == 0) ||
		(json_is_array(aws) && json_array_size(aws) == 1 &&
		 json_is_string(json_array_get(aws, 0)) &&
		 strcmp(json_string_value(json_array_get(aws, 0)), "*") == 0));
}

static int check_statement(json_t *s, size_t i, enum policy_kind kind, struct err *e)
{
	static const char *const known[] = {
		"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
		"Resource", "NotResource", "Condition",
	};
	const char *key, *effect;
	json_t *v, *p;

	if (!json_is_object(s))
		return err_fail(e, POLICY_ERR, "Statement[%zu] is not an object", i);
	json_object_foreach(s, key, v) {
		bool ok = false;

		for (size_t k = 0; k < ARRAY_SIZE(known); k++)
			ok |= strcmp(key, known[k]) == 0;
		if (!ok)
			return err_fail(e, POLICY_ERR, "Statement[%zu].%s is not a policy element",
					i, key);
	}
	v = json_object_get(s, "Effect");
	effect = json_string_value(v);
	if (!effect || (strcmp(effect, "Allow") && strcmp(effect, "Deny")))
		return err_fail(e, POLICY_ERR, "Statement[%zu].Effect must be Allow or Deny", i);
	if (json_object_get(s, "Action") && json_object_get(s, "NotAction"))
		return err_fail(e, POLICY_ERR, "Statement[%zu] has both Action and NotAction", i);
	if (!json_object_get(s, "Action") && !json_object_get(s, "NotAction"))
		return err_fail(e, POLICY_ERR, "Statement[%zu] has no Action", i);
	if (json_object_get(s, "Resource") && json_object_get(s, "NotResource"))
		return err_fail(e, POLICY_ERR,
				"Statement[%zu] has both Resource and NotResource", i);
	v = json_object_get(s, "Action") ? json_object_get(s, "Action") :
					   json_object_get(s, "NotAction");
	if (!is_string_or_strings(v))
		return err_fail(e, POLICY_ERR, "Statement[%zu].Action must be a string or a list of strings", i);
	v = json_object_get(s, "Resource") ? json_object_get(s, "Resource") :
					     json_object_get(s, "NotResource");
	if (v && !is_string_or_strings(v))
		return err_fail(e, POLICY_ERR, "Statement[%zu].Resource must be a string or a list of strings", i);
	p = json_object_get(s, "Principal");
	if (!p && !json_object_get(s, "NotPrincipal"))
		return err_fail(e, POLICY_ERR,
				"Statement[%zu].Principal is required in an endpoint policy", i);
	if (p && !json_is_string(p) && !json_is_object(p))
		return err_fail(e, POLICY_ERR, "Statement[%zu].Principal has the wrong type", i);
	if (kind == POLICY_ENDPOINT_GATEWAY && (!p || !principal_is_star(p)))
		return err_fail(e, POLICY_ERR,
				"Statement[%zu].Principal must be \"*\" in a gateway endpoint "
				"policy", i);
	v = json_object_get(s, "Condition");
	if (v && !json_is_object(v))
		return err_fail(e, POLICY_ERR, "Statement[%zu].Condition must be an object", i);
	return 0;
}

int policy_validate(const char *doc, size_t len, enum policy_kind kind, struct err *e)
{
	json_error_t jerr;
	json_t *root, *stmts, *v;
	const char *key;
	int ret = 0;

	if (len > LIMIT_ENDPOINT_POLICY_CHARS)
		return err_fail(e, POLICY_ERR,
				"The policy is %zu characters; at most %d are allowed", len,
				LIMIT_ENDPOINT_POLICY_CHARS);
	root = json_loadb(doc, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return err_fail(e, POLICY_ERR, "The policy is not valid JSON: %s at character %d",
				jerr.text, jerr.position);
	if (!json_is_object(root)) {
		ret = err_fail(e, POLICY_ERR, "The policy must be a JSON object");
		goto out;
	}
	json_object_foreach(root, key, v) {
		if (strcmp(key, "Version") && strcmp(key, "Id") && strcmp(key, "Statement")) {
			ret = err_fail(e, POLICY_ERR, "%s is not a policy element", key);
			goto out;
		}
	}
	v = json_object_get(root, "Version");
	if (v && (!json_is_string(v) || (strcmp(json_string_value(v), "2012-10-17") &&
					  strcmp(json_string_value(v), "2008-10-17")))) {
		ret = err_fail(e, POLICY_ERR, "Version must be 2012-10-17 or 2008-10-17");
		goto out;
	}
	stmts = json_object_get(root, "Statement");
	if (json_is_object(stmts)) {
		ret = check_statement(stmts, 0, kind, e);
	} else if (json_is_array(stmts) && json_array_size(stmts)) {
		size_t i;

		json_array_foreach(stmts, i, v) {
			ret = check_statement(v, i, kind, e);
			if (ret < 0)
				break;
		}
	} else {
		ret = err_fail(e, POLICY_ERR, "The policy has no Statement");
	}
out:
	json_decref(root);
	return ret;
}
