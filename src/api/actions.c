/* SPDX-License-Identifier: MIT */
/* The action tables: every EC2 action vpced answers, by family, then IAM's and STS's. */
#include "compat.h"
#include "api/api.h"

extern const struct api_action vpc_actions[];
extern const struct api_action vpce_actions[];
extern const struct api_action misc_actions[];
extern const struct api_action sg_actions[];
extern const struct api_action eni_actions[];
extern const struct api_action instance_actions[];
extern const struct api_action rtb_actions[];
extern const struct api_action gw_actions[];
extern const struct api_action pl_actions[];
extern const struct api_action iam_actions[];
extern const struct api_action sts_actions[];

static const struct api_action *const families[] = {
	vpc_actions,
	vpce_actions,
	misc_actions,
	sg_actions,
	eni_actions,
	instance_actions,
	rtb_actions,
	gw_actions,
	pl_actions,
};

/* The action 'name' of a table ended by an entry without a name, or NULL. */
static const struct api_action *find_in(const struct api_action *table, const char *name)
{
	for (const struct api_action *a = table; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

const struct api_action *api_action_find(const char *name)
{
	const struct api_action *a = NULL;

	for (size_t f = 0; f < ARRAY_SIZE(families) && !a; f++)
		a = find_in(families[f], name);
	return a;
}

const struct api_action *api_iam_action_find(const char *name)
{
	return find_in(iam_actions, name);
}

const struct api_action *api_sts_action_find(const char *name)
{
	return find_in(sts_actions, name);
}
