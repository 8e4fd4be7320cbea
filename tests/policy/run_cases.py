#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Runs the public policy corpus, tests/cases/policy/*.case.

Every evaluation case goes through one `vpce policy eval --jsonl` process (in
file order, one input per line); every validation case through its own
`vpce policy validate --type T -`. The format is in
tests/cases/policy/README.md. A malformed case file is a failure, reported as
file:line. Prints each failing case with what was expected and what came back,
then `N cases, N failed`; exits 1 on any failure, or when the whole corpus
holds fewer than MIN_CASES cases.

    B=build /usr/bin/python3 tests/policy/run_cases.py [FILE.case ...]
"""

import glob
import json
import os
import re
import subprocess
import sys

MIN_CASES = 300
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CASE_DIR = os.path.join(ROOT, "tests", "cases", "policy")
DECISIONS = ("Allow", "ExplicitDeny", "ImplicitDeny")
LAYERS = ("identity", "resource", "endpoint", "scp", "boundary")
VALIDATE_TYPES = ("identity", "resource", "endpoint", "gateway-endpoint", "scp", "boundary")
MATCHED_RE = re.compile(r"^(identity|resource|endpoint|scp|boundary)\[(\d+)\]\.Statement\[(\d+)\]$")
EVAL_TIMEOUT = 300
VALIDATE_TIMEOUT = 30


class CaseError(Exception):
    def __init__(self, path, line, msg):
        super().__init__("%s:%d: %s" % (path, line, msg))


class Case:
    def __init__(self, path, line, name):
        self.path, self.line, self.name = path, line, name
        self.sources = []
        self.kind = None            # "eval" or "validate"
        self.vtype = None           # validation: the policy type
        self.body = None            # the raw input text (eval) or document (validate)
        self.expect = None          # a decision, "valid" or "invalid"
        self.paths = []             # invalid: the paths that must be reported
        self.matched = None         # set of (policy, index, statement) or None
        self.missing = None         # set of layer names or None

    def where(self):
        return "%s:%d" % (os.path.relpath(self.path, ROOT), self.line)


def parse_file(path):
    """Returns the cases of one file; raises CaseError on anything malformed."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    cases, names = [], {}
    cur = None
    body, body_start = None, 0      # lines of a body being read, and where it began
    state = "out"                   # out | head | body | tail

    def finish(c, at):
        if c is None:
            return
        if not c.sources:
            raise CaseError(path, c.line, "case '%s' has no source:" % c.name)
        if c.kind is None:
            raise CaseError(path, c.line, "case '%s' has neither input: nor validate:" % c.name)
        if c.expect is None:
            raise CaseError(path, at, "case '%s' has no expect:" % c.name)
        if c.kind == "validate" and (c.matched is not None or c.missing is not None):
            raise CaseError(path, c.line, "case '%s': matched:/missing: belong to evaluation cases" % c.name)
        cases.append(c)

    for i, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        if state == "body":
            if line.startswith("expect:"):
                text = "\n".join(body)
                if not text.strip():
                    raise CaseError(path, body_start, "case '%s' has an empty body" % cur.name)
                cur.body = text
                if cur.kind == "eval":
                    try:
                        obj = json.loads(text)
                    except ValueError as e:
                        raise CaseError(path, body_start, "input is not JSON: %s" % e)
                    if not isinstance(obj, dict) or "policies" not in obj or "request" not in obj:
                        raise CaseError(path, body_start,
                                        "input must be an object with policies and request")
                parse_expect(cur, line[len("expect:"):].strip(), path, i)
                state = "tail"
            else:
                body.append(line)
            continue
        if line.startswith("==="):
            finish(cur, i)
            name = line[3:].strip()
            if not name:
                raise CaseError(path, i, "case without a name")
            if name in names:
                raise CaseError(path, i, "case name '%s' already used at line %d" % (name, names[name]))
            names[name] = i
            cur = Case(path, i, name)
            state = "head"
            continue
        if line.strip() == "" or line.startswith("#"):
            continue
        if state == "out":
            raise CaseError(path, i, "text outside a case: %r" % line[:60])
        key, sep, val = line.partition(":")
        if not sep:
            raise CaseError(path, i, "expected 'key: value', got %r" % line[:60])
        val = val.strip()
        if state == "head":
            if key == "source":
                if not re.match(r"^https://\S+$", val):
                    raise CaseError(path, i, "source must be one https URL")
                cur.sources.append(val)
            elif key == "input":
                if val:
                    raise CaseError(path, i, "input: takes its body on the following lines")
                cur.kind, state, body, body_start = "eval", "body", [], i + 1
            elif key == "validate":
                if val not in VALIDATE_TYPES:
                    raise CaseError(path, i, "unknown validate type %r" % val)
                cur.kind, cur.vtype, state, body, body_start = "validate", val, "body", [], i + 1
            else:
                raise CaseError(path, i, "unknown or misplaced line %r" % key)
        elif state == "tail":
            if key == "matched" and cur.kind == "eval" and cur.matched is None:
                cur.matched = set()
                for tok in val.split():
                    m = MATCHED_RE.match(tok)
                    if not m:
                        raise CaseError(path, i, "bad matched entry %r" % tok)
                    cur.matched.add((m.group(1), int(m.group(2)), int(m.group(3))))
            elif key == "missing" and cur.kind == "eval" and cur.missing is None:
                cur.missing = set(val.split())
                bad = cur.missing - set(LAYERS)
                if bad:
                    raise CaseError(path, i, "unknown layer(s) in missing: %s" % " ".join(sorted(bad)))
                if cur.expect != "ImplicitDeny":
                    raise CaseError(path, i, "missing: only goes with expect: ImplicitDeny")
            elif key == "source":
                raise CaseError(path, i, "source: must come before the body")
            else:
                raise CaseError(path, i, "unknown or misplaced line %r" % key)
    if state == "body":
        raise CaseError(path, body_start, "case '%s': body runs to the end of the file (no expect:)" % cur.name)
    finish(cur, len(lines))
    return cases


def parse_expect(c, val, path, line):
    words = val.split()
    if not words:
        raise CaseError(path, line, "empty expect:")
    if c.kind == "eval":
        if len(words) != 1 or words[0] not in DECISIONS:
            raise CaseError(path, line, "expect: of an evaluation case is one of %s" % ", ".join(DECISIONS))
        c.expect = words[0]
    else:
        if words == ["valid"]:
            c.expect = "valid"
        elif words[0] == "invalid" and len(words) > 1:
            c.expect, c.paths = "invalid", words[1:]
        else:
            raise CaseError(path, line, "expect: of a validation case is 'valid' or 'invalid PATH...'")


def fmt_matched(s):
    return " ".join("%s[%d].Statement[%d]" % t for t in sorted(s)) or "(none)"


def check_eval(c, out):
    """Returns None when the result line 'out' is what case 'c' expects, else why not."""
    try:
        got = json.loads(out)
    except ValueError:
        return "not a JSON line: %r" % out[:200]
    if not isinstance(got, dict):
        return "not a JSON object: %r" % out[:200]
    if "error" in got:
        return "error: %s" % got["error"]
    problems = []
    if got.get("decision") != c.expect:
        problems.append("decision %s, expected %s" % (got.get("decision"), c.expect))
    if c.matched is not None:
        have = set()
        for m in got.get("matched") or []:
            try:
                have.add((m["policy"], int(m["index"]), int(m["statement"])))
            except (KeyError, TypeError, ValueError):
                problems.append("malformed matched entry %r" % (m,))
        if have != c.matched:
            problems.append("matched %s, expected %s" % (fmt_matched(have), fmt_matched(c.matched)))
    if c.missing is not None:
        have = set(got.get("missing") or [])
        if have != c.missing:
            problems.append("missing %s, expected %s" % (" ".join(sorted(have)) or "(none)",
                                                         " ".join(sorted(c.missing)) or "(none)"))
    return "; ".join(problems) or None


def run_evals(vpce, cases):
    """Runs every evaluation case through one --jsonl process; returns {case: problem}."""
    failures = {}
    if not cases:
        return failures
    # JSON allows a raw newline only as whitespace, so joining the lines of a
    # body keeps it the same document, byte for byte in its values.
    stdin = "".join(" ".join(c.body.split("\n")) + "\n" for c in cases)
    try:
        p = subprocess.run([vpce, "policy", "eval", "--jsonl"], input=stdin.encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=EVAL_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        for c in cases:
            failures[c] = "vpce policy eval --jsonl did not run: %s" % e
        return failures
    outs = p.stdout.decode(errors="replace").split("\n")
    if outs and outs[-1] == "":
        outs.pop()
    err = p.stderr.decode(errors="replace").strip()
    for i, c in enumerate(cases):
        if i >= len(outs):
            failures[c] = "no result line (vpce exited %d after %d lines)%s" % (
                p.returncode, len(outs), (": " + err[-300:]) if err else "")
            continue
        why = check_eval(c, outs[i])
        if why:
            failures[c] = why + "\n      got: " + outs[i][:600]
    if len(outs) > len(cases):
        failures[cases[-1]] = failures.get(cases[-1], "") + \
            " (and %d result lines more than inputs)" % (len(outs) - len(cases))
    return failures


def run_validate(vpce, c):
    try:
        p = subprocess.run([vpce, "policy", "validate", "--type", c.vtype, "-"], input=c.body.encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=VALIDATE_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "vpce policy validate did not run: %s" % e
    out = p.stdout.decode(errors="replace").rstrip("\n")
    err = p.stderr.decode(errors="replace").strip()
    if c.expect == "valid":
        if p.returncode != 0 or out:
            return "expected valid, got exit %d:\n      %s" % (
                p.returncode, (out or err or "(no output)").replace("\n", "\n      "))
        return None
    if p.returncode == 0:
        return "expected invalid at %s, got exit 0%s" % (" ".join(c.paths), (": " + out) if out else "")
    if p.returncode != 1:
        return "expected exit 1, got %d%s" % (p.returncode, (": " + err[-300:]) if err else "")
    reported = []
    for line in out.split("\n"):
        path, sep, _ = line.partition(": ")
        if sep:
            reported.append(path)
    # A problem reported at PATH or inside it (PATH.x, PATH[n]) counts for PATH.
    lacking = [want for want in c.paths
               if not any(r == want or r.startswith(want + ".") or r.startswith(want + "[")
                          for r in reported)]
    if lacking:
        return "no problem reported at %s; got:\n      %s" % (
            " ".join(lacking), (out or err or "(no output)").replace("\n", "\n      "))
    return None


def main(argv):
    b = os.environ.get("B", "build")
    vpce = os.path.abspath(os.path.join(b, "vpce"))
    files = argv[1:] or sorted(glob.glob(os.path.join(CASE_DIR, "*.case")))
    cases, failed, total = [], 0, 0
    for f in files:
        try:
            got = parse_file(f)
        except (CaseError, OSError, UnicodeDecodeError) as e:
            print("FAIL %s" % e)
            failed += 1
            total += 1
            continue
        cases.extend(got)
    total += len(cases)
    if not os.access(vpce, os.X_OK):
        print("FAIL %s is not an executable (set B to the build directory)" % vpce)
        print("%d cases, %d failed" % (total, total))
        return 1
    evals = [c for c in cases if c.kind == "eval"]
    failures = run_evals(vpce, evals)
    for c in cases:
        why = failures.get(c) if c.kind == "eval" else run_validate(vpce, c)
        if why:
            failed += 1
            print("FAIL %s: %s\n      %s" % (c.where(), c.name, why))
    print("%d cases, %d failed" % (total, failed))
    if not argv[1:] and total < MIN_CASES:
        print("the corpus has %d cases; at least %d are required" % (total, MIN_CASES))
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
