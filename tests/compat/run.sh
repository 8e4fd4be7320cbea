#!/bin/bash
# SPDX-License-Identifier: MIT
# 'make compat': runs tests/compat/scenario.sh with the aws CLI v2 against a
# fresh vpced (temporary state file, free loopback port) and, when
# moto_server is on PATH, against a fresh moto_server; then writes
# docs/compat.md, one row per behaviour of tests/compat/expect.tsv.
# Exits 0 when vpced matched AWS on every behaviour, 1 when it did not
# (the mismatches are printed), 2 when it could not run. moto's results are
# informational only.
# Environment: B (build directory, default build), AWS_CLI (default
# /usr/bin/aws), COMPAT_DOC (default docs/compat.md).
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
HERE=tests/compat
DOC=${COMPAT_DOC:-docs/compat.md}
export AWS_CLI=${AWS_CLI:-/usr/bin/aws}
TMP=$(mktemp -d /tmp/vpce-compat.XXXXXX)
VPCED_PID=
MOTO_PID=

# stop VAR: stops the process whose id VAR holds, if any.
stop() {
	local pid=${!1}
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	printf -v "$1" '%s' ''
}
cleanup() {
	stop VPCED_PID
	stop MOTO_PID
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "compat: $*" >&2
	exit 2
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT PID SECONDS: true once PORT accepts connections.
wait_port() {
	for _ in $(seq 1 $(($3 * 20))); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

[ -x "$B/vpced" ] || die "$B/vpced is not built (run 'make compat' or 'make all')"
[ -x "$AWS_CLI" ] || die "the aws CLI v2 is not at $AWS_CLI"
command -v jq >/dev/null || die "jq is not installed"

AWS_VERSION=$("$AWS_CLI" --version 2>&1 | awk '{print $1}')

# --- vpced --------------------------------------------------------------------
PORT=$(free_port)
"$B/vpced" --listen "127.0.0.1:$PORT" --state "$TMP/vpce.db" --no-dataplane >"$TMP/vpced.log" 2>&1 &
VPCED_PID=$!
wait_port "$PORT" "$VPCED_PID" 10 || {
	cat "$TMP/vpced.log" >&2
	die "vpced did not start"
}
echo "compat: scenario against vpced (127.0.0.1:$PORT)"
bash "$HERE/scenario.sh" "http://127.0.0.1:$PORT" "$TMP/vpced.tsv" ||
	echo "compat: the scenario stopped early against vpced" >&2
stop VPCED_PID

# --- moto ---------------------------------------------------------------------
MOTO_NOTE=
if ! command -v moto_server >/dev/null 2>&1; then
	MOTO_NOTE="skipped: moto_server not found on PATH"
	echo "compat: moto $MOTO_NOTE"
else
	MOTO_VERSION=$(python3 -c 'import moto; print(moto.__version__)' 2>/dev/null)
	PORT=$(free_port)
	moto_server -H 127.0.0.1 -p "$PORT" >"$TMP/moto.log" 2>&1 &
	MOTO_PID=$!
	if wait_port "$PORT" "$MOTO_PID" 60; then
		echo "compat: scenario against moto_server ${MOTO_VERSION:+$MOTO_VERSION }(127.0.0.1:$PORT)"
		bash "$HERE/scenario.sh" "http://127.0.0.1:$PORT" "$TMP/moto.tsv" ||
			echo "compat: the scenario stopped early against moto" >&2
	else
		MOTO_NOTE="skipped: moto_server did not start"
		echo "compat: moto $MOTO_NOTE" >&2
		tail -5 "$TMP/moto.log" >&2
	fi
	stop MOTO_PID
fi

# --- the document -------------------------------------------------------------
python3 - "$HERE/expect.tsv" "$TMP/vpced.tsv" "$TMP/moto.tsv" "$DOC" \
	"$AWS_VERSION" "${MOTO_VERSION:-}" "$MOTO_NOTE" <<'PY'
import os
import sys

expect_path, vpced_path, moto_path, doc, aws_version, moto_version, moto_note = sys.argv[1:]

rows = []
with open(expect_path, encoding="utf-8") as f:
    for line in f:
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        rid, what, aws, source, note = (line.split("\t") + [""] * 5)[:5]
        rows.append(dict(id=rid, what=what, aws=aws, source=source, note=note))
ids = [r["id"] for r in rows]


def load(path):
    out = {}
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                out[parts[0]] = (parts[1], parts[2])
    return out


def results(path, name):
    got = load(path)
    if got is None:
        return None
    for extra in sorted(set(got) - set(ids)):
        print(f"compat: {name} recorded '{extra}', which expect.tsv lacks", file=sys.stderr)
    return {i: got.get(i, ("fail", "not run: the scenario recorded nothing")) for i in ids}


vpced = results(vpced_path, "vpced") or {i: ("fail", "not run") for i in ids}
moto = None if moto_note else results(moto_path, "moto")
if moto is None and not moto_note:
    moto_note = "skipped: no results"


def cell(text):
    return text.replace("|", "\\|")


def verdict(res):
    status, brief = res
    mark = "**pass**" if status == "pass" else "**FAIL**"
    return cell(f"{mark} — {brief}" if brief else mark)


n = len(rows)
vpass = sum(1 for i in ids if vpced[i][0] == "pass")
mpass = sum(1 for i in ids if moto and moto[i][0] == "pass")
moto_name = f"moto {moto_version}" if moto_version else "moto"

out = []
out.append("# vpced and moto against documented AWS behaviour")
out.append("")
out.append("Generated by `make compat` (tests/compat/run.sh); do not edit by hand, rerun it.")
out.append("")
out.append(f"- **vpced: {vpass} of {n} behaviours match AWS.**")
if moto:
    out.append(f"- **{moto_name}: {mpass} of {n} match AWS** (informational: moto is a peer "
               "emulator, not a dependency, and is absent on CI machines).")
else:
    out.append(f"- **moto: {moto_note}.**")
out.append("")
out.append(
    "Each row is one step of tests/compat/scenario.sh, run in the same order with the aws CLI "
    f"v2 (`{aws_version}`, `--endpoint-url`, credentials test/test, us-east-1) against a fresh "
    "vpced (empty state file) and a fresh moto_server. *AWS documents* is the outcome the step "
    "expects and *Source* where that comes from (§ = a section of docs/aws-reference.md, which "
    "has the full citations). The last two columns say whether the target matched and what it "
    "answered (error code and message, or the values checked), with resource IDs masked "
    "(`vpc-…`, `vpce-…-<8>`) so that a rerun writes the same file. The behaviours cover VPC "
    "endpoints first, with the VPC and subnet rules they rest on."
)
out.append("")
out.append("| # | Behaviour | AWS documents | Source | vpced | moto |")
out.append("| --- | --- | --- | --- | --- | --- |")
notes = []
for k, r in enumerate(rows, 1):
    what = r["what"]
    if r["note"]:
        notes.append((k, r))
        what += f" (note {len(notes)})"
    m = verdict(moto[r["id"]]) if moto else "skipped"
    out.append(f"| {k} | {cell(what)} | {cell(r['aws'])} | {cell(r['source'])} | "
               f"{verdict(vpced[r['id']])} | {m} |")
out.append("")
if notes:
    out.append("## Notes")
    out.append("")
    for j, (k, r) in enumerate(notes, 1):
        out.append(f"{j}. Row {k} (`{r['id']}`): {r['note']}")
    out.append("")
out.append("## Where vpced differs from AWS")
out.append("")
bad = [(k, r) for k, r in enumerate(rows, 1) if vpced[r["id"]][0] != "pass"]
if not bad:
    out.append("Nowhere in this scenario.")
else:
    for k, r in bad:
        out.append(f"- Row {k} (`{r['id']}`), {r['what']}: AWS documents {r['aws']}; "
                   f"vpced: {vpced[r['id']][1]}")
out.append("")

os.makedirs(os.path.dirname(doc) or ".", exist_ok=True)
with open(doc + ".tmp", "w", encoding="utf-8") as f:
    f.write("\n".join(out))
os.replace(doc + ".tmp", doc)

print(f"compat: vpced {vpass}/{n} match AWS; "
      + (f"{moto_name} {mpass}/{n}" if moto else f"moto {moto_note}")
      + f"; wrote {doc}")
for k, r in bad:
    print(f"MISMATCH {r['id']} ({r['what']})\n  AWS:   {r['aws']}\n  vpced: {vpced[r['id']][1]}")
sys.exit(1 if bad else 0)
PY
