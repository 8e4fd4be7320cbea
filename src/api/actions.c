/* SPDX-License-Identifier: MIT */
/* The action table: every EC2 action vpced answers, by family. */
#include "compat.h"
#include "api/api.h"

extern const struct api_action vpc_actions[];
extern const struct api_action vpce_actions[];
extern const struct api_action misc_actions[];

static const struct api_action *const families[] = {
	vpc_actions,
	vpce_actions,
	misc_actions,
};

const struct api_action *api_action_find(const char *name)
{
	for (size_t f = 0; f < ARRAY_SIZE(families); f++)
		for (const struct api_action *a = families[f]; a->name; a++)
			if (strcmp(a->name, name) == 0)
				return a;
	return NULL;
}
