#!/usr/bin/python3
"""A deliberately simple reference evaluator for `vpce policy eval`.

Written from docs/policy.md alone, for obvious correctness rather than
speed: wildcards by a small dynamic-programming matcher, numbers by
Decimal, dates by datetime, IPs by ipaddress, base64 by base64.

    evaluate(input_obj) -> {"decision": ..., "matched": [...], "missing": [...]}

Run as a program it reads `vpce policy eval --jsonl` input lines on stdin
and writes one result line per input.
"""

import base64
import binascii
import datetime
import decimal
import ipaddress
import json
import sys

LAYERS = ("identity", "resource", "endpoint", "scp", "boundary")


class Invalid(Exception):
    """The input is not something this evaluator accepts."""


# ---------------------------------------------------------------- text

def to_text(v):
    """A JSON scalar as text: strings as they are; integers in decimal;
    other numbers in their shortest exact form (the fewest digits that
    read back as the same number, written without an exponent: 10.0 is
    "10", 1e-7 is "0.0000001"); true and false."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        text = format(decimal.Decimal(repr(v)), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    raise Invalid("not a string, number or boolean: %r" % (v,))


def as_list(v):
    return v if isinstance(v, list) else [v]


ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(s):
    return s.translate(ASCII_LOWER)


# ------------------------------------------------------- wildcard patterns
#
# A pattern is a list of items: STAR ('*', any run), ONE ('?', exactly one
# character) or a one-character string matched literally.

STAR = object()
ONE = object()


def glob_match(pattern, text):
    """True when the item list 'pattern' matches all of 'text'.

    The classic two-pointer walk: advance on a literal or '?'; on '*'
    remember where it was and let it match nothing; on a mismatch go back
    to the last '*' and let it swallow one more character."""
    p = t = 0
    star_p, star_t = -1, 0
    while t < len(text):
        if p < len(pattern) and pattern[p] is STAR:
            star_p, star_t = p, t
            p += 1
        elif p < len(pattern) and (pattern[p] is ONE or pattern[p] == text[t]):
            p += 1
            t += 1
        elif star_p >= 0:
            star_t += 1
            p, t = star_p + 1, star_t
        else:
            return False
    while p < len(pattern) and pattern[p] is STAR:
        p += 1
    return p == len(pattern)


def plain_pattern(s):
    """Items of a pattern with no policy variables: * and ? are wildcards."""
    return [STAR if c == "*" else ONE if c == "?" else c for c in s]


# ----------------------------------------------------- policy variables

def resolve(text, version, context):
    """The policy value 'text' after policy-variable substitution.

    Returns a list of (char, literal) pairs, where literal=True marks a
    character that came from a substitution or an escape (never a
    wildcard), or None when a variable cannot be resolved (the value then
    matches nothing)."""
    if version != "2012-10-17" or "${" not in text:
        return [(c, False) for c in text]
    out = []
    i = 0
    while i < len(text):
        if text.startswith("${", i) and text.find("}", i + 2) >= 0:
            j = text.find("}", i + 2)
            inner = text[i + 2:j]
            i = j + 1
            if inner in ("*", "?", "$"):
                out.append((inner, True))
                continue
            default = None
            key = inner
            if "," in inner:
                key, rest = inner.split(",", 1)
                rest = rest.strip()
                if len(rest) >= 2 and rest[0] == "'" and rest[-1] == "'":
                    default = rest[1:-1]
                else:
                    # not well formed: the text stays as it is
                    out.extend((c, False) for c in text[i - len(inner) - 3:i])
                    continue
            values = context.get(ascii_lower(key.strip()))
            if values is not None and len(values) > 1:
                return None
            if values:
                sub = values[0]
            elif default is not None:
                sub = default
            else:
                return None
            out.extend((c, True) for c in sub)
        else:
            out.append((text[i], False))
            i += 1
    return out


def chars_to_pattern(chars):
    items = []
    for c, literal in chars:
        if not literal and c == "*":
            items.append(STAR)
        elif not literal and c == "?":
            items.append(ONE)
        else:
            items.append(c)
    return items


def chars_to_string(chars):
    return "".join(c for c, _ in chars)


# ------------------------------------------------------------------ ARNs

def split_items(items, sep, maxsplit):
    """Splits an item list at literal 'sep' items, at most maxsplit times."""
    fields = [[]]
    for it in items:
        if it == sep and not (it is STAR or it is ONE) and len(fields) <= maxsplit:
            fields.append([])
        else:
            fields[-1].append(it)
    return fields


def arn_fields_match(pattern_items, arn):
    """Both sides have six fields: compare field by field."""
    pf = split_items(pattern_items, ":", 5)
    af = arn.split(":", 5)
    if len(pf) != 6 or len(af) != 6:
        return False
    return all(glob_match(p, a) for p, a in zip(pf, af))


def resource_match(pattern_items, resource):
    if pattern_items == [STAR]:
        return True
    pf = split_items(pattern_items, ":", 5)
    if len(pf) == 6 and resource.count(":") >= 5:
        return arn_fields_match(pattern_items, resource)
    return glob_match(pattern_items, resource)


def arn_account(arn):
    f = arn.split(":")
    if len(f) >= 6 and f[0] == "arn":
        return f[4]
    return ""


# ------------------------------------------------------------ principals

def names_caller(ptype, value, caller):
    """How the principal (ptype, value) names the caller: None (it does not),
    'account' (the account form, which delegates to IAM), 'role' (a role ARN,
    for itself or its sessions: a boundary limits such a grant) or 'exempt'
    (everyone, the caller's user ARN or exact session ARN, or a Service,
    Federated or CanonicalUser value equal to the caller)."""
    anonymous = caller == "anonymous"
    if ptype != "AWS":
        return "exempt" if not anonymous and caller == value else None
    if value == "*":
        return "exempt"
    if anonymous:
        return None
    account = arn_account(caller)
    if len(value) == 12 and value.isdigit():
        return "account" if account and value == account else None
    if value.startswith("arn:aws:iam::") and value.endswith(":root"):
        acct = value[len("arn:aws:iam::"):-len(":root")]
        return "account" if account and acct == account else None
    f = value.split(":", 5)
    is_role = len(f) == 6 and f[2] == "iam" and f[5].startswith("role/")
    if value == caller:
        return "role" if is_role else "exempt"
    # A role ARN names every session of the role.
    c = caller.split(":", 5)
    if (is_role and len(c) == 6 and c[2] == "sts" and c[5].startswith("assumed-role/")
            and f[4] == c[4] and f[1] == c[1]):
        role_name = f[5].split("/")[-1]
        session_role = c[5].split("/")[1]
        if role_name == session_role:
            return "role"
    return None


def principal_entries(p):
    if p == "*":
        return [("AWS", "*")]
    entries = []
    for ptype, values in p.items():
        for v in as_list(values):
            entries.append((ptype, to_text(v)))
    return entries


RANK = {None: 0, "account": 1, "role": 2, "exempt": 3}


def principal_part(stmt, caller):
    """None when the principal part does not match; otherwise how it names
    the caller ('account', 'role', 'exempt'; 'exempt' when the statement has
    no principal element or a NotPrincipal that does not exclude the caller)."""
    if "Principal" in stmt:
        best = None
        for ptype, value in principal_entries(stmt["Principal"]):
            k = names_caller(ptype, value, caller)
            if RANK[k] > RANK[best]:
                best = k
        return best
    if "NotPrincipal" in stmt:
        for ptype, value in principal_entries(stmt["NotPrincipal"]):
            if names_caller(ptype, value, caller) is not None:
                return None
        return "exempt"
    return "exempt"


# ------------------------------------------------------------ conditions

NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike",
           "NumericNotEquals", "DateNotEquals", "NotIpAddress",
           "ArnNotEquals", "ArnNotLike"}

FAMILY = {
    "StringEquals": "string", "StringNotEquals": "string",
    "StringEqualsIgnoreCase": "string", "StringNotEqualsIgnoreCase": "string",
    "StringLike": "string", "StringNotLike": "string",
    "NumericEquals": "numeric", "NumericNotEquals": "numeric",
    "NumericLessThan": "numeric", "NumericLessThanEquals": "numeric",
    "NumericGreaterThan": "numeric", "NumericGreaterThanEquals": "numeric",
    "DateEquals": "date", "DateNotEquals": "date",
    "DateLessThan": "date", "DateLessThanEquals": "date",
    "DateGreaterThan": "date", "DateGreaterThanEquals": "date",
    "Bool": "bool",
    "BinaryEquals": "binary",
    "IpAddress": "ip", "NotIpAddress": "ip",
    "ArnEquals": "arn", "ArnLike": "arn", "ArnNotEquals": "arn", "ArnNotLike": "arn",
    "Null": "null",
}

DIGITS = "0123456789"


def parse_number(s):
    t = s[1:] if s[:1] in ("+", "-") else s
    whole, dot, frac = t.partition(".")
    if not whole or any(c not in DIGITS for c in whole):
        return None
    if dot and (not frac or any(c not in DIGITS for c in frac)):
        return None
    return decimal.Decimal(s)


def parse_date(s):
    """Milliseconds since the epoch, or None."""
    if s and all(c in DIGITS for c in s):
        return int(s) * 1000 if len(s) <= 12 else None
    try:
        if len(s) == 10:
            d = datetime.datetime(int(s[0:4]), int(s[5:7]), int(s[8:10]),
                                  tzinfo=datetime.timezone.utc)
            if s[4] != "-" or s[7] != "-" or not all(c in DIGITS for c in s[0:4] + s[5:7] + s[8:10]):
                return None
        else:
            date, sep, rest = s.partition("T")
            if not sep or len(date) != 10 or date[4] != "-" or date[7] != "-":
                return None
            if rest.endswith("Z"):
                clock, offset = rest[:-1], 0
            elif len(rest) > 6 and rest[-6] in "+-" and rest[-3] == ":":
                sign = 1 if rest[-6] == "+" else -1
                oh, om = rest[-5:-3], rest[-2:]
                if not all(c in DIGITS for c in oh + om) or int(oh) > 23 or int(om) > 59:
                    return None
                offset = sign * (int(oh) * 60 + int(om))
                clock = rest[:-6]
            else:
                return None
            hms, dot, frac = clock.partition(".")
            if len(hms) != 8 or hms[2] != ":" or hms[5] != ":":
                return None
            if dot and (not frac or any(c not in DIGITS for c in frac)):
                return None
            digits = date[0:4] + date[5:7] + date[8:10] + hms[0:2] + hms[3:5] + hms[6:8]
            if not all(c in DIGITS for c in digits):
                return None
            ms = int((frac + "000")[:3]) if dot else 0
            d = datetime.datetime(int(date[0:4]), int(date[5:7]), int(date[8:10]),
                                  int(hms[0:2]), int(hms[3:5]), int(hms[6:8]),
                                  ms * 1000, tzinfo=datetime.timezone.utc)
            d -= datetime.timedelta(minutes=offset)
        epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        return (d - epoch) // datetime.timedelta(milliseconds=1)
    except (ValueError, IndexError):
        return None


def parse_bool(s):
    low = ascii_lower(s)
    return low if low in ("true", "false") else None


def parse_binary(s):
    try:
        return base64.b64decode(s.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None


def parse_ip(s):
    try:
        return ipaddress.ip_address(s)
    except ValueError:
        return None


def parse_arn(s):
    return s if s.count(":") >= 5 else None


PARSE = {"numeric": parse_number, "date": parse_date, "bool": parse_bool,
         "binary": parse_binary, "ip": parse_ip, "arn": parse_arn}


def compare_op(op, a, b):
    for suffix, fn in (("LessThanEquals", lambda: a <= b), ("GreaterThanEquals", lambda: a >= b),
                       ("LessThan", lambda: a < b), ("GreaterThan", lambda: a > b),
                       ("Equals", lambda: a == b)):
        if op.endswith(suffix):
            return fn()
    raise Invalid(op)


def value_matches(base, family, ctx_value, policy_value, version, context):
    """Does one context value match one policy value (non-negated sense)?"""
    if family == "string":
        chars = resolve(policy_value, version, context)
        if chars is None:
            return False
        if base in ("StringEquals", "StringNotEquals"):
            return ctx_value == chars_to_string(chars)
        if base in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
            return ascii_lower(ctx_value) == ascii_lower(chars_to_string(chars))
        return glob_match(chars_to_pattern(chars), ctx_value)
    if family == "arn":
        chars = resolve(policy_value, version, context)
        if chars is None:
            return False
        return resource_match(chars_to_pattern(chars), ctx_value)
    if family == "ip":
        net = ipaddress.ip_network(policy_value, strict=False)
        return ctx_value.version == net.version and ctx_value in net
    if family == "bool":
        return ctx_value == parse_bool(policy_value)
    if family == "binary":
        return ctx_value == parse_binary(policy_value)
    if family in ("numeric", "date"):
        b = PARSE[family](policy_value)
        if b is None:
            raise Invalid("policy value %r" % policy_value)
        return compare_op(base, ctx_value, b)
    raise Invalid(base)


def parse_operator(op):
    qualifier = None
    for q in ("ForAllValues:", "ForAnyValue:"):
        if op.startswith(q):
            qualifier, op = q[:-1], op[len(q):]
    if_exists = False
    if op.endswith("IfExists") and op != "Null":
        if_exists, op = True, op[:-len("IfExists")]
    if op not in FAMILY:
        raise Invalid("unknown operator %s" % op)
    return qualifier, op, if_exists


def key_holds(operator, key, policy_values, version, context):
    qualifier, base, if_exists = parse_operator(operator)
    family = FAMILY[base]
    values = context.get(ascii_lower(key)) or []
    absent = not values
    pvs = [to_text(v) for v in as_list(policy_values)]

    if family == "null":
        return any((ascii_lower(pv) == "true") == absent for pv in pvs)

    negated = base in NEGATED
    if absent:
        if if_exists:
            return True
        if qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return negated

    if family in PARSE:
        parsed = [PARSE[family](v) for v in values]
        if any(p is None for p in parsed):
            return False  # unreadable: false for positive and negated alike
        values = parsed

    def matches(v):
        return any(value_matches(base, family, v, pv, version, context) for pv in pvs)

    def per_value(v):
        return not matches(v) if negated else matches(v)

    if qualifier == "ForAllValues":
        return all(per_value(v) for v in values)
    if qualifier == "ForAnyValue":
        return any(per_value(v) for v in values)
    if negated:
        return not any(matches(v) for v in values)
    return any(matches(v) for v in values)


def condition_holds(condition, version, context):
    for operator, block in condition.items():
        for key, policy_values in block.items():
            if not key_holds(operator, key, policy_values, version, context):
                return False
    return True


# ------------------------------------------------------------ statements

def statement_applies(stmt, version, request, context):
    """None when the statement does not apply, else how its principal names
    the caller (see principal_part)."""
    kind = principal_part(stmt, request["principal"])
    if kind is None:
        return None

    action = ascii_lower(request["action"])
    if "Action" in stmt:
        if not any(glob_match(plain_pattern(ascii_lower(to_text(a))), action)
                   for a in as_list(stmt["Action"])):
            return None
    elif any(glob_match(plain_pattern(ascii_lower(to_text(a))), action)
             for a in as_list(stmt["NotAction"])):
        return None

    resource = request["resource"]

    def one(pattern):
        chars = resolve(to_text(pattern), version, context)
        return chars is not None and resource_match(chars_to_pattern(chars), resource)

    if "Resource" in stmt:
        if not any(one(r) for r in as_list(stmt["Resource"])):
            return None
    elif any(one(r) for r in as_list(stmt["NotResource"])):
        return None

    if "Condition" in stmt and not condition_holds(stmt["Condition"], version, context):
        return None
    return kind


def load_policy(p):
    if isinstance(p, str):
        p = json.loads(p)
    if not isinstance(p, dict):
        raise Invalid("policy is not an object")
    stmts = p.get("Statement")
    if isinstance(stmts, dict):
        stmts = [stmts]
    return p.get("Version"), stmts


def evaluate(input_obj):
    try:
        return _evaluate(input_obj)
    except (Invalid, KeyError, TypeError, AttributeError, ValueError) as e:
        return {"error": "%s: %s" % (type(e).__name__, e)}


def _evaluate(inp):
    policies = inp["policies"]
    request = inp["request"]
    caller = request["principal"]

    context = {}
    for k, v in (request.get("context") or {}).items():
        context[ascii_lower(k)] = [to_text(x) for x in as_list(v)]

    # Callers that are neither anonymous nor an ARN with an account are
    # treated like anonymous ones: identity policies, SCPs and boundaries
    # belong to a principal and do not apply at all.
    principal_less = caller == "anonymous" or not arn_account(caller)
    account = request.get("resourceAccount") or arn_account(request["resource"])
    if not account:
        account = arn_account(caller)
    same_account = not principal_less and account == arn_account(caller)
    layers = ["resource", "endpoint"] if principal_less else list(LAYERS)
    has_boundary = not principal_less and bool(policies.get("boundary"))

    # hits[layer][index] = [(statement, effect, principal kind, sid), ...]
    hits = {}
    for layer in LAYERS:
        hits[layer] = []
        if layer not in layers:
            continue
        for doc in policies.get(layer) or []:
            version, stmts = load_policy(doc)
            found = []
            for n, stmt in enumerate(stmts):
                kind = statement_applies(stmt, version, request, context)
                # AWS's boundary rule: a Deny with NotPrincipal applies to
                # every caller that has a permissions boundary.
                if (kind is None and has_boundary and stmt["Effect"] == "Deny"
                        and "NotPrincipal" in stmt):
                    kind = statement_applies(without_principal(stmt), version, request, context)
                if kind is not None:
                    found.append((n, stmt["Effect"], kind, stmt.get("Sid")))
            hits[layer].append(found)

    def entries(effect):
        out = []
        for layer in LAYERS:
            for index, found in enumerate(hits[layer]):
                for n, eff, _, sid in found:
                    if eff == effect:
                        e = {"policy": layer, "index": index, "statement": n}
                        if sid is not None:
                            e["sid"] = sid
                        out.append(e)
        return out

    def allows(layer, index):
        return any(eff == "Allow" for _, eff, _, _ in hits[layer][index])

    def every(layer):
        return all(allows(layer, i) for i in range(len(hits[layer])))

    def some(layer):
        return any(allows(layer, i) for i in range(len(hits[layer])))

    denies = entries("Deny")
    if denies:
        return {"decision": "ExplicitDeny", "matched": denies}

    missing = []
    if not every("scp"):
        missing.append("scp")
    if not every("endpoint"):
        missing.append("endpoint")

    resource_kinds = [kind for found in hits["resource"] for _, eff, kind, _ in found
                      if eff == "Allow"]
    R = bool(resource_kinds)
    if principal_less:
        if not R:
            missing.append("resource")
    else:
        I = some("identity")
        B = not hits["boundary"] or some("boundary")
        if same_account:
            # The account form delegates to IAM; a boundary that does not
            # allow limits a grant made to a role ARN, not one made to the
            # user ARN, the exact session ARN or everyone.
            r_role = "role" in resource_kinds
            r_exempt = "exempt" in resource_kinds
            if not ((I and B) or r_exempt or (r_role and B)):
                missing.append("identity" if not I else "boundary")
        else:
            if not I:
                missing.append("identity")
            if not B:
                missing.append("boundary")
            if not R:
                missing.append("resource")

    if missing:
        return {"decision": "ImplicitDeny", "matched": entries("Allow"), "missing": missing}
    return {"decision": "Allow", "matched": entries("Allow")}


def without_principal(stmt):
    s = dict(stmt)
    s.pop("NotPrincipal", None)
    return s


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            print(json.dumps({"error": "malformed JSON: %s" % e}))
            continue
        print(json.dumps(evaluate(obj), separators=(",", ":")))


if __name__ == "__main__":
    main()
