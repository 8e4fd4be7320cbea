/* SPDX-License-Identifier: MIT */
/*
 * The AWS Query request decoder: an application/x-www-form-urlencoded body
 * (or a GET query string) as the aws CLI and boto3 send EC2 requests, decoded
 * once into unique keys sorted bytewise, plus typed accessors for scalars,
 * lists (X.N), filters, tags and tag specifications. Everything decoded lives
 * in the request arena; results are views into it, valid until it is reset.
 * Failures fill a 'struct err' with EC2's error code and message.
 */
#ifndef API_QUERY_H
#define API_QUERY_H

#include "compat.h"
#include "limits.h"
#include "base/arena.h"
#include "base/err.h"
#include "base/str.h"

struct query_param {
	struct str key;		/* decoded; NUL-terminated in the arena */
	struct str value;	/* decoded; may be empty; NUL-terminated */
};

/* A decoded request; fields are read-only to callers. */
struct query {
	struct query_param *params;	/* sorted bytewise by key; keys unique */
	size_t n;			/* at most LIMIT_QUERY_PARAMS */
};

/*
 * Decodes 'form' into 'q': pairs split at '&' (empty pairs are skipped), key
 * and value at the first '=' (a pair without '=' has an empty value), '+' is
 * a space and %XX a byte in either case of hex. Keys and values are copied
 * into 'a'. Returns 0, or -EINVAL with 'e' filled: MalformedQueryString for a
 * bad escape, a NUL byte or an empty key; InvalidQueryParameter for a key
 * longer than LIMIT_QUERY_KEY_BYTES, more than LIMIT_QUERY_PARAMS pairs, or
 * a key given twice (EC2 lets a parameter be specified only once). Returns
 * -ENOMEM with InvalidRequest when 'a' reaches its cap. On failure 'q' is
 * empty. Values are bytes as sent: neither UTF-8 nor anything else is
 * checked (the XML writer makes whatever is echoed back well-formed).
 */
int query_parse(struct query *q, struct str form, struct arena *a, struct err *e);

/*
 * Returns the value of the parameter named exactly 'key', or NULL if absent.
 * The result is borrowed from 'q'.
 */
const struct str *query_get(const struct query *q, const char *key);

/*
 * Sets '*out' to the boolean 'key', or to 'dflt' when it is absent. Accepts
 * "true" and "false" in any case (the SDKs send lower case). Anything else
 * fails with InvalidParameterValue, "Value ( x ) for parameter key is
 * invalid. ...", and leaves '*out' alone.
 */
int query_bool(const struct query *q, const char *key, bool dflt, bool *out,
	       struct err *e);

/*
 * Sets '*out' to the decimal integer 'key' (an optional '-', then digits;
 * no spaces, no '+'), or to 'dflt' when it is absent. A value that is not an
 * integer, or lies outside ['min', 'max'], fails with InvalidParameterValue
 * and leaves '*out' alone.
 */
int query_int(const struct query *q, const char *key, long min, long max,
	      long dflt, long *out, struct err *e);

/*
 * Fills 'out' (room for 'max') with the values of the list 'prefix':
 * prefix.1, prefix.2, ... in numeric order of N (prefix.10 after prefix.2);
 * gaps are allowed, so '*n' counts members present. N is decimal, from 1,
 * without leading zeros. A key under "prefix." that is not such a member
 * (prefix.01, prefix.x, prefix.1.y) fails with UnknownParameter; more than
 * 'max' members fail with InvalidRequest. Values are borrowed from 'q'.
 */
int query_list(const struct query *q, const char *prefix, struct str *out,
	       size_t max, size_t *n, struct err *e);

/*
 * Fills 'out' (room for 'max') with the distinct N, in numeric order, for
 * which some key is "prefix.N.<more>", so that callers can build keys such
 * as "IpPermissions.%u.IpProtocol". A key under "prefix." without a valid N
 * or without anything after "prefix.N." fails with UnknownParameter; more
 * than 'max' distinct N fail with InvalidRequest.
 */
int query_indices(const struct query *q, const char *prefix, unsigned *out,
		  size_t max, size_t *n, struct err *e);

struct query_filter {
	struct str name;
	struct str *values;	/* n_values of them, in order of M; in the arena */
	size_t n_values;	/* may be 0: EC2 accepts a filter without values */
};

/*
 * Decodes Filter.N.Name and Filter.N.Value.M into an array allocated in 'a',
 * in numeric order of N, and sets '*n' (0 and '*out' NULL when there are no
 * filters). Fails with FilterLimitExceeded for more than LIMIT_QUERY_FILTERS
 * filters, more than LIMIT_QUERY_FILTER_VALUES values in the whole call, or a
 * value longer than 255 characters; with InvalidParameterValue ("The filter
 * 'null' is invalid") for a filter without a Name; with UnknownParameter for
 * any other key under "Filter.". Strings are borrowed from 'q'.
 */
int query_filters(const struct query *q, struct arena *a,
		  struct query_filter **out, size_t *n, struct err *e);

struct query_tag {
	struct str key;
	struct str value;	/* empty when absent */
	bool has_value;		/* false: no prefix.N.Value was sent at all */
};

/*
 * Decodes prefix.N.Key and prefix.N.Value ('prefix' is "Tag" for CreateTags
 * and DeleteTags) into an array allocated in 'a', in numeric order of N, and
 * sets '*n' (0 and '*out' NULL when there are none). Whether a missing value
 * is allowed is the caller's rule: DeleteTags matches any value then. Fails
 * with TagLimitExceeded for more than LIMIT_QUERY_TAGS tags; with
 * InvalidParameterValue for an absent or empty key, a key starting with
 * "aws:" in any case, a key longer than LIMIT_TAG_KEY_CHARS or a value longer
 * than LIMIT_TAG_VALUE_CHARS characters (UTF-8 code points); with
 * UnknownParameter for any other key under "prefix.". Duplicate keys are
 * kept, in order. Strings are borrowed from 'q'.
 */
int query_tags(const struct query *q, const char *prefix, struct arena *a,
	       struct query_tag **out, size_t *n, struct err *e);

struct query_tagspec {
	struct str resource_type;	/* empty when absent: the caller decides */
	struct query_tag *tags;		/* n_tags of them; in the arena */
	size_t n_tags;			/* at least 1 */
};

/*
 * Decodes TagSpecification.N.ResourceType and TagSpecification.N.Tag.M.Key
 * and .Value into an array allocated in 'a', in numeric order of N, and sets
 * '*n' (0 and '*out' NULL when there are none). Each specification's tags
 * are checked as query_tags() checks them; a specification without tags
 * fails with InvalidParameterValue, more than LIMIT_QUERY_LIST of them with
 * InvalidRequest, any other key under "TagSpecification." with
 * UnknownParameter. Which resource types are valid depends on the action
 * and is the caller's to check.
 */
int query_tag_specs(const struct query *q, struct arena *a,
		    struct query_tagspec **out, size_t *n, struct err *e);

#endif
