/* SPDX-License-Identifier: MIT */
/*
 * The AWS-managed prefix lists of the daemon's region: one per gateway
 * service of the catalogue, holding the service's block. They are not world
 * resources, so these handlers walk the catalogue themselves.
 */
#include "compat.h"
#include "api/api.h"

#include "api/xml.h"
#include "core/catalog.h"
#include "limits.h"

/* Owner of every AWS-managed prefix list (DescribeManagedPrefixLists OwnerId). */
#define PL_OWNER "AWS"

struct plist {
	const struct service *svc;
	char id[PREFIX_LIST_ID_SIZE];
	char name[SERVICE_NAME_SIZE];
	char cidr[CIDR4_STRLEN];
};

/* Fills 'out' with the 'i'th gateway service's list; false past the last. */
static bool plist_at(const struct region *rg, size_t *i, struct plist *out)
{
	for (; *i < catalog_count(); (*i)++) {
		const struct service *s = catalog_at(*i);
		struct cidr4 c;

		if (!catalog_prefix_list_id(s, rg, out->id, sizeof(out->id)))
			continue;
		out->svc = s;
		catalog_prefix_list_name(s, rg, out->name);
		c = catalog_service_cidr(s, rg);
		cidr4_fmt(&c, out->cidr);
		(*i)++;
		return true;
	}
	return false;
}

static int not_found(struct call *c, const char *id)
{
	return err_fail(&c->err, "InvalidPrefixListID.NotFound",
			"The prefix list (%s) does not exist.", id);
}

/* Checks that each of 'ids' names a list of the region. */
static int check_ids(struct call *c, const char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!catalog_find_prefix_list_in(c->cx.region, ids[i]))
			return not_found(c, ids[i]);
	return 0;
}

/* True when 'l' is listed (or nothing is) and matches every filter, exactly. */
static bool plist_wanted(const struct plist *l, const char **ids, size_t n_ids,
			 const struct query_filter *f, size_t n_f)
{
	bool listed = !n_ids;

	for (size_t i = 0; i < n_ids && !listed; i++)
		listed = !strcmp(ids[i], l->id);
	if (!listed)
		return false;
	for (size_t i = 0; i < n_f; i++) {
		const char *v = NULL;
		bool hit = false;

		if (str_eq_c(f[i].name, "prefix-list-id"))
			v = l->id;
		else if (str_eq_c(f[i].name, "prefix-list-name"))
			v = l->name;
		else if (str_eq_c(f[i].name, "owner-id"))
			v = PL_OWNER;
		for (size_t j = 0; v && j < f[i].n_values && !hit; j++)
			hit = strcmp(f[i].values[j].p, v) == 0;
		if (!hit)
			return false;
	}
	return true;
}

typedef void plist_render_fn(struct call *c, const struct plist *l);

/* Lists the wanted prefix lists in pages of 'max' (0: all), after token 'next'. */
static int plist_describe(struct call *c, const char *const *filter_names, size_t n_names,
			  long max_lo, long max_hi, plist_render_fn *render)
{
	struct query_filter *f;
	const char **ids, *next;
	size_t n_ids, n_f, count = 0, i = 0;
	struct plist l;
	long max;
	bool started;
	int ret;

	if ((ret = param_list(c, "PrefixListId", &ids, &n_ids)) < 0 ||
	    (ret = query_filters(&c->q, c->arena, &f, &n_f, &c->err)) < 0 ||
	    (ret = filter_names_check(c, f, n_f, filter_names, n_names)) < 0 ||
	    (ret = query_int(&c->q, "MaxResults", max_lo, max_hi, 0, &max, &c->err)) < 0 ||
	    (ret = check_ids(c, ids, n_ids)) < 0)
		return ret;
	next = param(c, "NextToken");
	if (next && !catalog_find_prefix_list_in(c->cx.region, next))
		return err_fail(&c->err, "InvalidNextToken", "The token '%s' is invalid.", next);
	started = !next;
	resp_begin(c);
	xml_open(c->out, "prefixListSet");
	while (plist_at(c->cx.region, &i, &l)) {
		if (!started && strcmp(l.id, next))
			continue;
		started = true;
		if (!plist_wanted(&l, ids, n_ids, f, n_f))
			continue;
		if (max && count == (size_t)max) {
			xml_close(c->out, "prefixListSet");
			xml_text(c->out, "nextToken", l.id);
			resp_end(c);
			return 0;
		}
		xml_open(c->out, "item");
		render(c, &l);
		xml_close(c->out, "item");
		count++;
	}
	xml_close(c->out, "prefixListSet");
	resp_end(c);
	return 0;
}

static void render_prefix_list(struct call *c, const struct plist *l)
{
	xml_open(c->out, "cidrSet");
	xml_text(c->out, "item", l->cidr);
	xml_close(c->out, "cidrSet");
	xml_text(c->out, "prefixListId", l->id);
	xml_text(c->out, "prefixListName", l->name);
}

static int describe_prefix_lists(struct call *c)
{
	static const char *const names[] = { "prefix-list-id", "prefix-list-name" };

	return plist_describe(c, names, ARRAY_SIZE(names), 5, LIMIT_DESCRIBE_PAGE,
			      render_prefix_list);
}

/*
 * An AWS-managed list as real DescribeManagedPrefixLists output shows it:
 * no MaxEntries or Version, an empty tag list, owner "AWS"
 * (docs/aws-reference.md, 7.7).
 */
static void render_managed_prefix_list(struct call *c, const struct plist *l)
{
	char arn[128];

	snprintf(arn, sizeof(arn), "arn:aws:ec2:%s:aws:prefix-list/%s", c->cx.region->name, l->id);
	xml_text(c->out, "prefixListId", l->id);
	xml_text(c->out, "addressFamily", "IPv4");
	xml_text(c->out, "state", "create-complete");
	xml_text(c->out, "prefixListArn", arn);
	xml_text(c->out, "prefixListName", l->name);
	xml_open(c->out, "tagSet");
	xml_close(c->out, "tagSet");
	xml_text(c->out, "ownerId", PL_OWNER);
}

static int describe_managed_prefix_lists(struct call *c)
{
	static const char *const names[] = { "owner-id", "prefix-list-id", "prefix-list-name" };

	return plist_describe(c, names, ARRAY_SIZE(names), 1, 100, render_managed_prefix_list);
}

static int get_managed_prefix_list_entries(struct call *c)
{
	const char *id, *next = param(c, "NextToken");
	size_t i = 0;
	struct plist l;
	long max, version;
	int ret;

	if ((ret = param_required(c, "PrefixListId", "PrefixListId", &id)) < 0 ||
	    (ret = query_int(&c->q, "MaxResults", 1, 100, 0, &max, &c->err)) < 0 ||
	    (ret = query_int(&c->q, "TargetVersion", 1, 2147483647L, 1, &version, &c->err)) < 0)
		return ret;
	if (!catalog_find_prefix_list_in(c->cx.region, id))
		return not_found(c, id);
	/* Each list holds one entry, so no page ever ends with a token to follow. */
	if (next)
		return err_fail(&c->err, "InvalidNextToken", "The token '%s' is invalid.", next);
	while (plist_at(c->cx.region, &i, &l) && strcmp(l.id, id))
		;
	resp_begin(c);
	xml_open(c->out, "entrySet");
	xml_open(c->out, "item");
	xml_text(c->out, "cidr", l.cidr);
	xml_close(c->out, "item");
	xml_close(c->out, "entrySet");
	resp_end(c);
	return 0;
}

const struct api_action pl_actions[] = {
	{ "DescribePrefixLists", describe_prefix_lists, false, false },
	{ "DescribeManagedPrefixLists", describe_managed_prefix_lists, false, false },
	{ "GetManagedPrefixListEntries", get_managed_prefix_list_entries, false, false },
	{ NULL, NULL, false, false },
};
