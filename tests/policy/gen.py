#!/usr/bin/python3
"""Seeded random inputs for `vpce policy eval --jsonl`.

Every value is drawn from small pools so that matches and non-matches both
occur often. Only valid policies are produced (docs/policy.md, "Write-time
validation"): no principal in identity policies, SCPs and boundaries; one in
resource and endpoint policies; known operators; parseable typed values.

    python3 gen.py --n 1000 --seed 7            # input lines on stdout
    python3 gen.py --n 20000 --seed 7 --stats   # decision distribution (ref.py)

The request and its context are drawn first and the policies after, so that
conditions can steer clear of the few places docs/policy.md leaves open
(see AMBIGUOUS below).
"""

import argparse
import copy
import json
import os
import random
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref  # noqa: E402

A = "111122223333"
X = "444455556666"

# Inputs drawn only with GEN_AMBIGUOUS=1 were once left open by docs/policy.md;
# it settles them now, so they are drawn by default (GEN_AMBIGUOUS=0 leaves
# them out):
#  - a typed operator on a multivalued key whose values are partly readable
#    as the type (the key fails);
#  - epoch seconds past 12 digits (unreadable).
# Not drawn at all (the unit tests pin them): date fractions beyond
# milliseconds, times without seconds or zone, numbers like ".5" or "1.",
# base64 without padding, CIDR blocks with host bits set, a variable whose
# value holds ':' in an ARN field, JSON floats with an integral value.
AMBIGUOUS = os.environ.get("GEN_AMBIGUOUS", "1") == "1"

# (caller, weight)
CALLERS = [
    ("arn:aws:iam::%s:user/alice" % A, 4),
    ("arn:aws:iam::%s:user/dev/bob" % A, 1),
    ("arn:aws:sts::%s:assumed-role/Admin/s1" % A, 3),
    ("arn:aws:sts::%s:assumed-role/Ops/s2" % A, 1),
    ("arn:aws:iam::%s:user/carol" % X, 2),
    ("arn:aws:sts::%s:assumed-role/Admin/s1" % X, 1),
    ("anonymous", 3),
    ("cloudtrail.amazonaws.com", 1),
    ("cognito-identity.amazonaws.com", 0.3),
    ("arn:aws:iam::%s:role/team/Admin" % A, 0.4),
    ("arn:aws:iam::%s:role/Admin" % A, 0.3),
    ("arn:aws:iam::%s:root" % A, 0.3),
]

ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetObjectAcl",
           "sqs:SendMessage", "dynamodb:GetItem"]

ACTION_PATTERNS = ["*", "s3:*", "s3:Get*", "s3:?etObject", "s3:*Object", "sqs:*",
                   "dynamodb:Get?tem", "s3:List*", "S3:GETOBJECT", "s3:PutObject",
                   "s3:Get*Acl", "*:GetObject", "s3:G*t*", "s3:ListBucket",
                   "sqs:SendMessage", "dynamodb:*", "s3:Get?", "s3:getobject*"]

RESOURCES = [
    "arn:aws:s3:::reports/2026/q3.csv",
    "arn:aws:s3:::reports",
    "arn:aws:s3:::home/alice/notes.txt",
    "arn:aws:s3:::home/*/notes.txt",
    "arn:aws:s3:::home/dev/x",
    "arn:aws:s3:::home/bob/",
    "arn:aws:s3:::home/${aws:username, guest}/x",
    "arn:aws:s3:::home/${aws:username/x",
    "arn:aws:s3:::logs/a:b/c",
    "arn:aws:s3:x:::b",
    "arn:aws:sqs:us-east-1:queue1",
    "arn:aws:sqs:us-east-1:%s:queue1" % A,
    "arn:aws:sqs:eu-west-1:%s:queue1" % X,
    "arn:aws:dynamodb:us-east-1:%s:table/Orders" % A,
    "arn:aws:dynamodb:us-east-1:%s:table/Orders/index/ByDate" % X,
]

RESOURCE_PATTERNS = [
    "*", "arn:aws:s3:::reports/*", "arn:aws:s3:::reports*", "arn:aws:s3:::reports",
    "arn:aws:s3:::*", "arn:aws:s3:::reports/????/*", "arn:aws:s3:::home/${aws:username}/*",
    "arn:aws:s3:::home/${aws:username, 'guest'}/*", "arn:aws:s3:::home/${aws:PrincipalTag/team}/*",
    "arn:aws:s3:::home/${*}/*", "arn:aws:s3:::home/*", "arn:aws:s3:::home/${AWS:USERNAME}/notes.txt",
    "arn:aws:s3:::home/${aws:nokey, 'bob'}/", "arn:aws:s3:::home/${aws:TagKeys}/*",
    "arn:aws:s3:::home/${?}lice/*", "arn:aws:s3:::home/${aws:username, guest}/*",
    "arn:aws:s3:::home/${aws:nokey,'alice'}/*", "arn:aws:s3:::home/${aws:username/*",
    "arn:aws:sqs:*:%s:*" % A, "arn:aws:sqs:us-east-1:*:queue?", "arn:aws:*:*:*:*",
    "arn:aws:dynamodb:*:*:table/Orders", "arn:aws:dynamodb:*:*:table/Orders*",
    "arn:*", "arn:aws:s3*", "arn:aws:s3*:::b", "arn:aws:s3:*:::b", # "ARN:aws:s3:::reports",
    "arn:aws:s3:::logs/*", "arn:aws:s3:::logs/a:*", "arn:aws:s3:::Reports/*",
    "arn:aws:s3:::logs/?:b/c", "arn:aws:sqs:*:queue?", "arn:aws:sqs:us-east-1:*",
    "arn:aws:sqs:us-east-1:%s:*" % X, "arn:aws:*:us-east-1:*:*",
]

# The context keys that RESOURCE_PATTERNS use as policy variables.
VARIABLE_KEYS = ["aws:username", "aws:principaltag/team", "aws:tagkeys", "aws:nokey"]

ROLES = {"Admin": "arn:aws:iam::%s:role/Admin", "Ops": "arn:aws:iam::%s:role/team/Ops"}

OTHER_PRINCIPALS = [
    "arn:aws:iam::%s:user/Alice" % A, "arn:aws:iam::%s:user/bob" % A,
    "arn:aws:iam::%s:user/carol" % X, "arn:aws:iam::%s:role/Admin" % X,
    "arn:aws:iam::%s:role/other/Admin" % A, "arn:aws:sts::%s:assumed-role/Admin/s9" % A,
    "arn:aws:iam::%s:role/Ops" % X,
]

SERVICE = "cloudtrail.amazonaws.com"

# Context pools. String keys may hold several values; typed keys hold one,
# or several readable ones.
STRING_CTX = {
    "aws:SourceVpce": ["vpce-0a1b2c3d4e5f60718", "vpce-11111111111111111"],
    "aws:SourceVpc": ["vpc-111", "vpc-222"],
    "aws:PrincipalOrgID": ["o-abc123", "o-xyz789"],
    "aws:username": ["alice", "bob", "Alice", "*", "al?ce"],
    "aws:PrincipalTag/team": ["dev", "ops", "Dev"],
    "aws:TagKeys": ["team", "cost", "Team"],
    "s3:prefix": ["home/", "home/alice/", "home/bob/", "reports/", "home/*/",
                  "home/${aws:username, bob}/", "home/${aws:username"],
}
TYPED_CTX = {
    "s3:max-keys": ("numeric", ["10", "100", "-5", "1.5", "0.50", 10, 100, "abc", "+20",
                                "9007199254740993", "-0", 1.5]),
    "aws:MultiFactorAuthAge": ("numeric", ["300", "3600", "7200", 3600]),
    "aws:CurrentTime": ("date", ["2026-01-01T10:00:00Z", "2025-12-31T23:59:59.999Z",
                                 "2026-01-01", "2026-01-01T12:00:00+02:00",
                                 "2026-01-01T10:00:00.5Z", "notadate", "1767261600",
                                 "2026-02-30T00:00:00Z"]),
    "aws:EpochTime": ("date", ["1767225600", "1767261600", "1767261599", 1767225600]),
    "aws:SecureTransport": ("bool", ["true", "false", "TRUE", "False", "yes", True, False]),
    "aws:MultiFactorAuthPresent": ("bool", ["true", "false"]),
    "aws:SourceIp": ("ip", ["10.0.1.5", "10.1.2.3", "192.168.1.1", "2001:db8::1",
                            "2001:db9::1", "::ffff:10.0.0.1", "10.0.1.300", "0.0.0.0"]),
    "aws:SourceArn": ("arn", ["arn:aws:s3:::reports", "arn:aws:sns:us-east-1:%s:topic" % A,
                              "arn:aws:s3:::home/alice", "arn:aws:iam::%s:role/team/Ops" % A,
                              "arn:aws:sns:us-east-1:%s:topic:extra" % X]),
    "aws:RequestTag/bin": ("binary", ["aGVsbG8=", "d29ybGQ=", "!!!", "aGk="]),
}
TYPED_CTX["aws:SourceArn"][1].append("notanarn")

POLICY_STRING = {
    "aws:SourceVpce": ["vpce-0a1b2c3d4e5f60718", "vpce-11111111111111111",
                       "VPCE-0A1B2C3D4E5F60718", "vpce-*", "vpce-0a1b?c3d4e5f60718", "*"],
    "aws:SourceVpc": ["vpc-111", "vpc-222", "vpc-*", "VPC-111"],
    "aws:PrincipalOrgID": ["o-abc123", "o-xyz789", "o-*", "O-ABC123"],
    "aws:username": ["alice", "bob", "Alice", "al*", "${aws:PrincipalTag/team}", "*",
                     "${*}", "al?ce", "${aws:username}", "${?}lice", "a${aws:nokey, '*'}"],
    "aws:PrincipalTag/team": ["dev", "ops", "DEV", "d*", "${aws:username, 'dev'}"],
    "aws:TagKeys": ["team", "cost", "Team", "t*", "*"],
    "s3:prefix": ["home/", "home/${aws:username}/", "home/${aws:username}/*",
                  "home/${AWS:UserName, 'bob'}/", "reports/", "home/*", "${s3:prefix}",
                  "home/${*}/", "home/${aws:PrincipalTag/team}/", "home/${$}{x}/",
                  "home/${aws:nokey, 'alice'}/", "home/${aws:username,'bob'}/",
                  "home/${aws:username", "home/${aws:username, bob}/"],
    "aws:SourceArn": ["arn:aws:s3:::reports", "arn:aws:s3:::*", "arn:aws:s3:::home/${aws:username}"],
}

POLICY_TYPED = {
    "numeric": ["10", "100", "0", "-5", "1.5", 10, 100.5, "+20", "0.50", 3600, "300",
                "9007199254740992", 9007199254740993, "0.0", 10.0, 1e2],
    "date": ["2026-01-01T00:00:00Z", "2026-01-01", "2026-01-01T10:00:00Z", "1767225600",
             "2026-01-01T08:00:00-02:00", "2025-12-31T23:59:59.999Z",
             "2026-01-01T10:00:00.500Z", 1767261600],
    "bool": ["true", "false", True, False],
    "ip": ["10.0.0.0/8", "10.0.1.0/24", "10.0.1.5", "192.168.0.0/16", "0.0.0.0/0", "::/0",
           "2001:db8::/32", "2001:db8::1/128", "10.0.1.5/32", "::ffff:0:0/96"],
    "arn": ["arn:aws:s3:::reports", "arn:aws:s3:::*", "arn:aws:sns:*:%s:*" % A,
            "arn:aws:sns:us-east-1:%s:topic" % A, "arn:aws:s3:::home/${aws:username}",
            "arn:aws:iam::%s:role/*" % A, "arn:aws:*:*:*:*", "arn:aws:s3:::rep?rts",
            "arn:aws:S3:::reports", "arn:aws:iam::%s:user/*" % A,
            "arn:aws:sts::%s:assumed-role/Admin/*" % A, "arn:aws:iam::*:user/alice",
            "arn:aws:*:*:%s:*" % A, "arn:aws:iam::%s:user/${aws:username}" % A,
            "arn:aws:sns:us-east-1:*:topic*", "*", "arn:*", "arn:aws:s3:::home/${aws:nokey, '*'}"],
    "binary": ["aGVsbG8=", "d29ybGQ=", "aGk="],
}

OPERATORS = {
    "string": ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase",
               "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"],
    "numeric": ["NumericEquals", "NumericNotEquals", "NumericLessThan",
                "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"],
    "date": ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
             "DateGreaterThan", "DateGreaterThanEquals"],
    "bool": ["Bool"],
    "ip": ["IpAddress", "NotIpAddress"],
    "arn": ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
    "binary": ["BinaryEquals"],
}
FAMILY_WEIGHTS = [("string", 6), ("numeric", 2), ("date", 2), ("bool", 1.5), ("ip", 2),
                  ("arn", 2), ("binary", 0.7), ("null", 1.5)]

KEYS_BY_FAMILY = {"string": list(STRING_CTX)}
for _k, (_f, _) in TYPED_CTX.items():
    KEYS_BY_FAMILY.setdefault(_f, []).append(_k)
KEYS_BY_FAMILY["arn"].append("aws:PrincipalArn")
ALL_KEYS = list(STRING_CTX) + list(TYPED_CTX) + ["aws:PrincipalArn", "aws:nokey"]


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for v, w in pairs:
        x -= w
        if x < 0:
            return v
    return pairs[-1][0]


def vary_case(rng, s):
    choice = rng.random()
    if choice < 0.4:
        return s.upper()
    if choice < 0.7:
        return s.lower()
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in s)


def readable_as(family, v):
    v = ref.to_text(v)
    if family == "arn":
        return v.count(":") >= 5
    return ref.PARSE[family](v) is not None


# Endpoint policies only (docs/policy.md, validation): keys holding IDs AWS
# generates take no wildcards and no Numeric operator; a StringLike wildcard
# needs six literal characters beside it; an ARN's account field is an ID or
# wildcards, not a mix.
ID_KEYS = {"aws:principalaccount", "aws:principalorgid", "aws:resourceaccount",
           "aws:resourceorgid", "aws:sourceaccount", "aws:sourceorgid", "aws:sourcevpc",
           "aws:sourcevpce", "aws:vpceaccount", "aws:vpceorgid"}


def arn_account_ok(v):
    f = v.split(":")
    if len(f) < 6 or f[0] != "arn":
        return True
    acct = f[4]
    return acct == "" or (len(acct) == 12 and acct.isdigit()) or all(c in "*?" for c in acct)


def wildcard_ok(v):
    if "${" in v:
        return False  # whether a variable counts as literal text is not said
    for i, c in enumerate(v):
        if c in "*?":
            before, after = v[max(0, i - 6):i], v[i + 1:i + 7]
            if not ((len(before) == 6 and not any(x in "*?" for x in before)) or
                    (len(after) == 6 and not any(x in "*?" for x in after))):
                return False
    return True


def endpoint_valid(stmt):
    for r in ref.as_list(stmt.get("Resource", stmt.get("NotResource"))):
        if not arn_account_ok(r):
            return False
    for op, block in (stmt.get("Condition") or {}).items():
        _, base, _ = ref.parse_operator(op)
        for key, vals in block.items():
            for v in ref.as_list(vals):
                v = ref.to_text(v)
                if key.lower() in ID_KEYS and ("*" in v or "?" in v or base.startswith("Numeric")):
                    return False
                if base in ("StringLike", "StringNotLike") and not wildcard_ok(v):
                    return False
                if not arn_account_ok(v):
                    return False
    return True


def account_of(caller):
    return ref.arn_account(caller)


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.cache = {}

    # ------------------------------------------------------------ request

    def request(self):
        r = self.rng
        caller = weighted(r, CALLERS)
        req = {"principal": caller, "action": r.choice(ACTIONS), "resource": r.choice(RESOURCES)}
        if r.random() < 0.1:
            req["action"] = vary_case(r, req["action"])
        if r.random() < 0.3:
            req["resourceAccount"] = r.choice([A, X, A])
        ctx = {}
        for key, pool in STRING_CTX.items():
            if r.random() < 0.5:
                continue
            roll = r.random()
            if roll < 0.6:
                v = r.choice(pool)
            elif roll < 0.75:
                v = [r.choice(pool)]
            elif roll < 0.95:
                v = r.sample(pool, 2)
            else:
                v = []
            ctx[key] = v
        for key, (family, pool) in TYPED_CTX.items():
            if r.random() < 0.5:
                continue
            roll = r.random()
            if roll < 0.85:
                ctx[key] = r.choice(pool)
            else:
                readable = [v for v in pool if readable_as(family, v)]
                ctx[key] = r.sample(readable, 2)
        if caller not in ("anonymous", SERVICE) and r.random() < 0.6:
            ctx["aws:PrincipalArn"] = caller
        if r.random() < 0.2 and ctx:
            k = r.choice(list(ctx))
            ctx[vary_case(r, k)] = ctx.pop(k)
        req["context"] = ctx
        return req

    def steer(self, req):
        """The action and resource patterns that match this request, to draw
        from more often than chance would."""
        action = req["action"].lower()
        if action not in self.cache:
            self.cache[action] = [p for p in ACTION_PATTERNS
                                  if ref.glob_match(ref.plain_pattern(p.lower()), action)]
        self.good_actions = self.cache[action]
        ctx = {k.lower(): [ref.to_text(x) for x in ref.as_list(v)]
               for k, v in req["context"].items()}
        key = ("resource", req["resource"])
        if key not in self.cache:
            self.cache[key] = [p for p in RESOURCE_PATTERNS if "${" not in p
                               and ref.resource_match(ref.plain_pattern(p), req["resource"])]
        good = list(self.cache[key])
        key = ("variables", req["resource"]) + tuple(tuple(ctx.get(k, ())) for k in VARIABLE_KEYS)
        if key not in self.cache:
            self.cache[key] = []
            for p in RESOURCE_PATTERNS:
                if "${" in p:
                    chars = ref.resolve(p, "2012-10-17", ctx)
                    if chars is not None and ref.resource_match(ref.chars_to_pattern(chars),
                                                                req["resource"]):
                        self.cache[key].append(p)
        good += self.cache[key]
        self.good_resources = good

    # --------------------------------------------------------- statements

    def action_list(self, req):
        r = self.rng
        out = []
        for _ in range(weighted(r, [(1, 6), (2, 3), (3, 1)])):
            roll = r.random()
            if roll < 0.2:
                a = req["action"]
                out.append(vary_case(r, a) if r.random() < 0.3 else a)
            elif roll < 0.7 and self.good_actions:
                out.append(r.choice(self.good_actions))
            else:
                out.append(r.choice(ACTION_PATTERNS))
        return out[0] if len(out) == 1 and r.random() < 0.6 else out

    def resource_list(self, req):
        r = self.rng
        out = []
        for _ in range(weighted(r, [(1, 7), (2, 3)])):
            roll = r.random()
            if roll < 0.2:
                out.append(req["resource"])
            elif roll < 0.3:
                out.append("*")
            elif roll < 0.7 and self.good_resources:
                out.append(r.choice(self.good_resources))
            else:
                out.append(r.choice(RESOURCE_PATTERNS))
        return out[0] if len(out) == 1 and r.random() < 0.6 else out

    def principal_value(self, req):
        r = self.rng
        caller = req["principal"]
        acct = account_of(caller) or A
        options = [("*", 3), ({"AWS": "*"}, 2), ({"AWS": acct}, 2), ({"AWS": X if acct == A else A}, 1),
                   ({"AWS": "arn:aws:iam::%s:root" % acct}, 2), ({"AWS": r.choice(OTHER_PRINCIPALS)}, 2),
                   ({"Service": SERVICE}, 1), ({"Federated": "cognito-identity.amazonaws.com"}, 0.3),
                   ({"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, 0.3)]
        if caller.startswith("arn:"):
            options.append(({"AWS": caller}, 4))
            if ":assumed-role/" in caller:
                role = caller.split("/")[1]
                options.append(({"AWS": ROLES[role] % acct}, 3))
            if ":role/" in caller:
                options.append(({"AWS": ROLES["Admin"] % acct}, 3))
        p = weighted(r, options)
        if p != "*" and r.random() < 0.25:
            # a list of AWS principals, sometimes with another type beside
            more = weighted(r, options)
            if more != "*":
                merged = {}
                for d in (p, more):
                    for t, v in d.items():
                        merged.setdefault(t, [])
                        if v not in merged[t]:
                            merged[t].append(v)
                p = merged
        return p

    def condition(self, req, version):
        r = self.rng
        ctx_lower = {k.lower(): ref.as_list(v) for k, v in req["context"].items()}
        cond = {}
        for _ in range(weighted(r, [(1, 6), (2, 3), (3, 1)])):
            family = weighted(r, FAMILY_WEIGHTS)
            if family == "null":
                key = r.choice(ALL_KEYS)
                op = "Null"
                vals = r.choice(["true", "false", True, False, ["true"]])
            else:
                if r.random() < 0.12:
                    key = r.choice(ALL_KEYS)      # a key of another type, or absent
                else:
                    key = r.choice(KEYS_BY_FAMILY[family])
                op = r.choice(OPERATORS[family])
                if family in ref.PARSE and not AMBIGUOUS:
                    cvals = [ref.to_text(v) for v in ctx_lower.get(key.lower(), [])]
                    ok = [ref.PARSE[family](v) is not None for v in cvals]
                    if any(ok) and not all(ok):
                        continue  # mixed readable/unreadable values: see AMBIGUOUS
                if family == "date" and not AMBIGUOUS:
                    cvals = [ref.to_text(v) for v in ctx_lower.get(key.lower(), [])]
                    if any(v.isdigit() and len(v) > 12 for v in cvals):
                        continue  # epoch seconds beyond year 9999: range not said
                if family == "string":
                    # typed keys' raw values: numbers and booleans as their text
                    pool = POLICY_STRING.get(key) or TYPED_CTX.get(key, ("", ["x"]))[1]
                    if key == "aws:PrincipalArn":
                        pool = POLICY_TYPED["arn"]
                else:
                    pool = POLICY_TYPED[family]
                n = weighted(r, [(1, 6), (2, 3), (3, 1)])
                vals = [r.choice(pool) for _ in range(n)]
                if family == "string" and r.random() < 0.1:
                    vals = [vary_case(r, v) if isinstance(v, str) and "$" not in v else v for v in vals]
                vals = vals[0] if len(vals) == 1 and r.random() < 0.6 else vals
                q = r.random()
                if q < 0.12:
                    op = "ForAllValues:" + op
                elif q < 0.24:
                    op = "ForAnyValue:" + op
                if r.random() < 0.15:
                    op += "IfExists"
            if r.random() < 0.2:
                key = vary_case(r, key)
            block = cond.setdefault(op, {})
            if any(k.lower() == key.lower() for k in block):
                continue
            block[key] = vals
        return cond

    def statement(self, req, layer, version, effect=None):
        while True:
            s = self.draw_statement(req, layer, version, effect)
            if layer != "endpoint" or endpoint_valid(s):
                return s

    def draw_statement(self, req, layer, version, effect):
        r = self.rng
        s = {}
        if r.random() < 0.5:
            s["Sid"] = r.choice(["S%d" % r.randrange(10), "OnlyOurOrg", "", "Deny Everything",
                                 "caf\u00e9 \"quoted\" \\ \u2603", "tab\there"])
        if effect is None:
            p_allow = {"identity": 0.85, "resource": 0.87, "endpoint": 0.92,
                       "scp": 0.94, "boundary": 0.9}[layer]
            effect = "Allow" if r.random() < p_allow else "Deny"
        s["Effect"] = effect
        if layer in ("resource", "endpoint"):
            if effect == "Deny" and r.random() < 0.4:
                s["NotPrincipal"] = {"AWS": r.choice([A, X, "arn:aws:iam::%s:user/alice" % A,
                                                      ROLES["Admin"] % A] + OTHER_PRINCIPALS)}
            else:
                s["Principal"] = self.principal_value(req)
        broad = layer in ("scp", "endpoint") and r.random() < 0.5
        if broad:
            s["Action"] = "*"
        elif r.random() < 0.12:
            s["NotAction"] = self.action_list(req)
        else:
            s["Action"] = self.action_list(req)
        if broad and r.random() < 0.7:
            s["Resource"] = "*"
        elif r.random() < 0.12:
            s["NotResource"] = self.resource_list(req)
        else:
            s["Resource"] = self.resource_list(req)
        if r.random() < 0.33:
            c = self.condition(req, version)
            if c:
                s["Condition"] = c
        if r.random() < 0.3:
            # element order should not matter either
            items = list(s.items())
            r.shuffle(items)
            s = dict(items)
        return s

    def policy(self, req, layer):
        r = self.rng
        version = weighted(r, [("2012-10-17", 7.5), ("2008-10-17", 1.2), (None, 1.3)])
        n = weighted(r, [(1, 5), (2, 3), (3, 2)])
        stmts = [self.statement(req, layer, version) for _ in range(n)]
        doc = {}
        if version:
            doc["Version"] = version
        if r.random() < 0.1:
            doc["Id"] = "policy-%d" % r.randrange(100)
        doc["Statement"] = stmts[0] if n == 1 and r.random() < 0.5 else stmts
        return self.wrap(doc)

    def wrap(self, doc):
        r = self.rng
        if r.random() < 0.25:
            return json.dumps(doc, indent=2 if r.random() < 0.3 else None)
        return doc

    def case(self):
        r = self.rng
        req = self.request()
        self.steer(req)
        pols = {}
        ni = weighted(r, [(0, 1), (1, 6), (2, 2.5), (3, 0.5)])
        pols["identity"] = [self.policy(req, "identity") for _ in range(ni)]
        pols["resource"] = [self.policy(req, "resource")] if r.random() < 0.55 else []
        n = weighted(r, [(None, 3.5), (0, 1), (1, 4.5), (2, 1)])
        if n is not None:
            pols["endpoint"] = [self.policy(req, "endpoint") for _ in range(n)]
        n = weighted(r, [(None, 5.5), (0, 0.5), (1, 3), (2, 1)])
        if n is not None:
            pols["scp"] = [self.policy(req, "scp") for _ in range(n)]
        n = weighted(r, [(None, 6.5), (0, 0.5), (1, 3)])
        if n is not None:
            pols["boundary"] = [self.policy(req, "boundary") for _ in range(n)]
        return {"policies": pols, "request": req}

    # ------------------------------------------- variants for property checks

    def _policies_of(self, case):
        return [(layer, i) for layer in ref.LAYERS
                for i in range(len(case["policies"].get(layer) or []))]

    def _edit(self, case, layer, i, fn):
        """Applies fn(list of statements) to policy (layer, i) of a copy of case."""
        case = copy.deepcopy(case)
        p = case["policies"][layer][i]
        as_string = isinstance(p, str)
        doc = json.loads(p) if as_string else p
        stmts = doc["Statement"]
        stmts = [stmts] if isinstance(stmts, dict) else stmts
        doc["Statement"] = fn(stmts, doc.get("Version"))
        case["policies"][layer][i] = json.dumps(doc) if as_string else doc
        return case

    def add_deny(self, case):
        targets = self._policies_of(case)
        if not targets:
            return None
        layer, i = self.rng.choice(targets)
        req = case["request"]
        return self._edit(case, layer, i,
                          lambda s, v: self._insert(s, self.statement(req, layer, v, "Deny")))

    def _insert(self, stmts, st):
        k = self.rng.randint(0, len(stmts))
        return stmts[:k] + [st] + stmts[k:]

    def shuffle(self, case):
        case = copy.deepcopy(case)
        for layer, i in self._policies_of(case):
            def fn(s, v):
                s = list(s)
                self.rng.shuffle(s)
                return s
            case = self._edit(case, layer, i, fn)
        return case

    def duplicate(self, case):
        targets = self._policies_of(case)
        if not targets:
            return None
        layer, i = self.rng.choice(targets)
        return self._edit(case, layer, i,
                          lambda s, v: self._insert(s, copy.deepcopy(self.rng.choice(s))))

    def add_endpoint(self, case):
        case = copy.deepcopy(case)
        case["policies"].setdefault("endpoint", []).append(self.policy(case["request"], "endpoint"))
        return case


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stats", action="store_true", help="print ref.py's decision distribution")
    args = ap.parse_args()
    g = Gen(args.seed)
    counts = {}
    for _ in range(args.n):
        c = g.case()
        if args.stats:
            d = ref.evaluate(c).get("decision", "error")
            counts[d] = counts.get(d, 0) + 1
        else:
            print(json.dumps(c, separators=(",", ":")))
    if args.stats:
        for d in sorted(counts):
            print("%s=%d (%.1f%%)" % (d, counts[d], 100.0 * counts[d] / args.n))


if __name__ == "__main__":
    main()
