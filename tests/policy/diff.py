#!/usr/bin/python3
"""Differential test of `vpce policy eval --jsonl` against ref.py.

Generates --n inputs (gen.py, --seed), runs them and the property-check
variants through one `$B/vpce policy eval --jsonl` process (B defaults to
build), evaluates each input with ref.py and compares decision, matched (as
a set of (policy, index, statement, sid)) and missing (as a set).

Property checks, on the engine's outputs alone, each over --props cases:
  a  adding a Deny statement to a policy never turns a non-Allow into Allow,
     nor an ExplicitDeny into anything else;
  b  shuffling the statements of every policy never changes the decision;
  c  duplicating a statement never changes the decision;
  d  adding an endpoint policy never turns a non-Allow into Allow.

Exits 1 on any disagreement or violation, 2 when the engine cannot be run.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402
import ref  # noqa: E402

DECISIONS = ("Allow", "ExplicitDeny", "ImplicitDeny")


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"))


def matched_set(result):
    return {(m.get("policy"), m.get("index"), m.get("statement"), m.get("sid"))
            for m in result.get("matched") or []}


def same(engine, expect):
    if "error" in engine or "error" in expect:
        return False
    return (engine.get("decision") == expect.get("decision")
            and matched_set(engine) == matched_set(expect)
            and set(engine.get("missing") or []) == set(expect.get("missing") or []))


def evaluate_all(cases):
    """ref.py's results for 'cases', split over two processes (the second
    half in a forked child, which writes them to a temporary file)."""
    half = len(cases) // 2
    with tempfile.TemporaryFile("w+") as out:
        pid = os.fork()
        if pid == 0:
            try:
                for c in cases[half:]:
                    out.write(dumps(ref.evaluate(c)) + "\n")
                out.flush()
            finally:
                os._exit(0)
        first = [ref.evaluate(c) for c in cases[:half]]
        os.waitpid(pid, 0)
        out.seek(0)
        second = [json.loads(line) for line in out]
    if len(second) != len(cases) - half:
        raise SystemExit("diff: ref.py worker died")
    return first + second


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--props", type=int, default=5000, help="cases per property check")
    ap.add_argument("--show", type=int, default=20, help="disagreements printed in full")
    ap.add_argument("--dump", help="write every disagreement to this file, one JSON line each")
    args = ap.parse_args()

    t0 = time.time()
    exe = os.path.join(os.environ.get("B", "build"), "vpce")
    g = gen.Gen(args.seed)
    cases = [g.case() for _ in range(args.n)]

    # Property variants: (property, base case number, variant), a fifth more
    # than --props so that a few engine errors leave enough decided pairs.
    variants = []
    per_property = min(len(cases), args.props + args.props // 5)
    for name, make in (("a", g.add_deny), ("b", g.shuffle), ("c", g.duplicate),
                       ("d", g.add_endpoint)):
        done = 0
        for i, c in enumerate(cases):
            if done >= per_property:
                break
            v = make(c)
            if v is not None:
                variants.append((name, i, v))
                done += 1

    with tempfile.TemporaryFile("w+") as fin, tempfile.TemporaryFile("w+") as fout:
        for c in cases:
            fin.write(dumps(c) + "\n")
        for _, _, v in variants:
            fin.write(dumps(v) + "\n")
        fin.flush()
        fin.seek(0)
        t1 = time.time()
        try:
            proc = subprocess.Popen([exe, "policy", "eval", "--jsonl"], stdin=fin, stdout=fout)
        except OSError as e:
            print("diff: cannot run %s: %s" % (exe, e))
            return 2
        expected = evaluate_all(cases)
        rc = proc.wait()
        t2 = time.time()
        fout.seek(0)
        lines = fout.read().split("\n")  # not splitlines(): JSON may hold U+2028
        if lines and lines[-1] == "":
            lines.pop()

    total = len(cases) + len(variants)
    if rc != 0 or len(lines) != total:
        print("diff: %s exited %d after %d of %d lines" % (exe, rc, len(lines), total))
        return 2
    engine = []
    for line in lines:
        try:
            engine.append(json.loads(line))
        except ValueError:
            engine.append({"error": "engine wrote non-JSON: " + line[:200]})

    dump = open(args.dump, "w") if args.dump else None
    disagreements = 0
    counts = dict.fromkeys(DECISIONS, 0)
    for i, c in enumerate(cases):
        e, x = engine[i], expected[i]
        counts[x.get("decision", "error")] = counts.get(x.get("decision", "error"), 0) + 1
        if not same(e, x):
            disagreements += 1
            if dump:
                dump.write(dumps({"case": i, "input": c, "engine": e, "ref": x}) + "\n")
            if disagreements <= args.show:
                print("--- disagreement %d (case %d)" % (disagreements, i))
                print("input:  " + dumps(c))
                print("engine: " + dumps(e))
                print("ref:    " + dumps(x))

    violations_total = 0
    shown = 0
    stats = {}
    for k, (name, i, v) in enumerate(variants):
        before = engine[i].get("decision")
        after = engine[len(cases) + k].get("decision")
        n, viol, errors = stats.get(name, (0, 0, 0))
        if before is None or after is None:
            # an error on a valid input: a failure, counted apart
            stats[name] = (n, viol, errors + 1)
            violations_total += after is None
            continue
        if name == "a":
            bad = (before != "Allow" and after == "Allow") or \
                  (before == "ExplicitDeny" and after != "ExplicitDeny")
        elif name in ("b", "c"):
            bad = after != before
        else:
            bad = before != "Allow" and after == "Allow"
        stats[name] = (n + 1, viol + bad, errors)
        if bad:
            violations_total += 1
            if shown < args.show:
                shown += 1
                print("--- property %s violated (case %d: %s -> %s)" % (name, i, before, after))
                print("before: " + dumps(cases[i]))
                print("after:  " + dumps(v))
                print("engine: " + dumps(engine[len(cases) + k]))

    if dump:
        dump.close()
    for name in "abcd":
        n, viol, errors = stats.get(name, (0, 0, 0))
        print("property %s: %d cases, %d violations%s" % (
            name, n, viol, ", %d skipped on engine errors" % errors if errors else ""))
    print("diff: %d pairs, %d disagreements, decisions: %s" % (
        len(cases), disagreements, " ".join("%s=%d" % (d, counts[d]) for d in counts)))
    print("time: %.1fs (generate %.1fs, engine+ref %.1fs, compare %.1fs), seed %d" % (
        time.time() - t0, t1 - t0, t2 - t1, time.time() - t2, args.seed))
    return 1 if disagreements or violations_total else 0


if __name__ == "__main__":
    sys.exit(main())
