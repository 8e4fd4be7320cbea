/* SPDX-License-Identifier: MIT */
/* The action table: every EC2 action vpced answers, by family. */
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

const struct api_action *api_action_find(const char *name)
{
	for (size_t f = 0; f < ARRAY_SIZE(families); f++)
		for (const struct api_action *a = families[f]; a->name; a++)
			if (strcmp(a->name, name) == 0)
				return a;
	return NULL;
}
