/* SPDX-License-Identifier: MIT */
#include "compat.h"
#include "core/svcnet.h"

static const struct prefix_list *exported(const struct world *w, const char *id,
					  const char *name)
{
	for (size_t i = 0; i < w->n_pls; i++)
		if ((id && !strcmp(w->pls[i].id, id)) || (name && !strcmp(w->pls[i].name, name)))
			return &w->pls[i];
	return NULL;
}

size_t svcnet_pl_blocks(const struct world *w, const struct region *r, const char *pl_id,
			struct cidr4 *one, const struct cidr4 **out, const struct service **svc)
{
	const struct prefix_list *pl = exported(w, pl_id, NULL);
	const struct region *plr;

	*svc = catalog_find_prefix_list_in(r, pl_id);
	if (pl) {
		if (!*svc && !strncmp(pl->name, "com.amazonaws.", 14)) {
			*svc = catalog_parse_name(pl->name, &plr);
			if (plr != r)
				*svc = NULL;
		}
		*out = pl->blocks;
		return pl->n;
	}
	if (!*svc)
		return 0;
	*one = catalog_service_cidr(*svc, r);
	*out = one;
	return 1;
}

size_t svcnet_service_blocks(const struct world *w, const struct region *r,
			     const struct service *s, struct cidr4 *one, const struct cidr4 **out)
{
	char name[SERVICE_NAME_SIZE];
	const struct prefix_list *pl;

	catalog_full_name(s, r, name);
	pl = exported(w, NULL, name);
	if (pl && pl->n) {
		*out = pl->blocks;
		return pl->n;
	}
	*one = catalog_service_cidr(s, r);
	*out = one;
	return 1;
}

uint32_t svcnet_service_ip(const struct world *w, const struct region *r, const struct service *s)
{
	const struct cidr4 *b;
	struct cidr4 one;

	svcnet_service_blocks(w, r, s, &one, &b);
	return b[0].addr + 1;
}

const struct service *svcnet_service_at(const struct world *w, uint32_t ip,
					const struct region **rg)
{
	for (size_t i = 0; i < w->n_pls; i++) {
		const struct prefix_list *pl = &w->pls[i];
		const struct service *s;

		for (size_t k = 0; k < pl->n; k++) {
			if (!cidr4_contains_ip(&pl->blocks[k], ip))
				continue;
			s = catalog_parse_name(pl->name, rg);
			if (s)
				return s;
		}
	}
	for (size_t i = 0; i < region_count(); i++) {
		const struct region *r = region_at(i);
		struct cidr4 block = region_service_block(r);

		if (!cidr4_contains_ip(&block, ip))
			continue;
		for (size_t k = 0; k < catalog_count(); k++) {
			const struct service *s = catalog_at(k);
			struct cidr4 c = catalog_service_cidr(s, r);

			if (cidr4_contains_ip(&c, ip)) {
				*rg = r;
				return s;
			}
		}
	}
	return NULL;
}

/*
 * True when 'rest' (the labels before ".<region>.amazonaws.com") matches the
 * part of name format 'fmt' ("*.s3.%s.amazonaws.com") before ".%s": exactly,
 * or for a "*." form, as any name under it.
 */
static bool fmt_matches(const char *fmt, struct str rest)
{
	const char *pct = strstr(fmt, ".%s");
	struct str pre = str_from(fmt, pct ? (size_t)(pct - fmt) : 0);

	if (!pct)
		return false;
	if (pre.len > 2 && pre.p[0] == '*' && pre.p[1] == '.') {
		pre.p++;
		pre.len--;
		return rest.len > pre.len && str_ends_with(rest, pre);
	}
	return str_eq(rest, pre);
}

static bool private_zone_of(const struct service *s, struct str rest)
{
	if (!s->interface || !s->private_dns_fmt)
		return false;
	if (fmt_matches(s->private_dns_fmt, rest))
		return true;
	for (size_t i = 0; s->extra_dns_fmts && s->extra_dns_fmts[i]; i++)
		if (fmt_matches(s->extra_dns_fmts[i], rest))
			return true;
	return false;
}

const struct service *svcnet_public_name(const char *name, const struct region **rg,
					 bool *in_private_zone)
{
	static const char tail[] = ".amazonaws.com";
	char lower[DNS_NAME_SIZE];
	size_t len = strlen(name), dot;
	struct str head, rest;
	const struct region *r;

	*in_private_zone = false;
	if (len && name[len - 1] == '.')
		len--;
	if (!len || len >= sizeof(lower))
		return NULL;
	for (size_t i = 0; i < len; i++)
		lower[i] = str_ascii_lower(name[i]);
	lower[len] = '\0';
	if (len <= sizeof(tail) - 1 || strcmp(lower + len - (sizeof(tail) - 1), tail))
		return NULL;
	head = str_from(lower, len - (sizeof(tail) - 1));
	/* S3's global names are us-east-1's (AWS's legacy endpoint). */
	if (str_eq_c(head, "s3") || (head.len > 3 && str_ends_with(head, str_c(".s3")))) {
		*rg = region_find("us-east-1");
		return catalog_find("s3");
	}
	for (dot = head.len; dot > 0 && head.p[dot - 1] != '.'; dot--)
		;
	if (dot < 2)
		return NULL;
	r = region_find_str(str_from(head.p + dot, head.len - dot));
	if (!r)
		return NULL;
	rest = str_from(head.p, dot - 1);
	for (size_t k = 0; k < catalog_count(); k++) {
		const struct service *s = catalog_at(k);

		if (private_zone_of(s, rest))
			*in_private_zone = true;
		else if (!str_eq_c(rest, s->dns_label))
			continue;
		*rg = r;
		return s;
	}
	return NULL;
}
