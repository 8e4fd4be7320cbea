#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The policy engine against @cloud-copilot/iam-simulate (test-only peer, AGPL,
# installed into tests/compat/policy/node_modules by `npm ci`; never shipped).
#
#   bench/policy/run.sh
#
# 1. In process, one realistic request (bench/policy/request.json): vpce's
#    policy_decide over policies compiled once (bench_policy) against
#    iam-simulate's runSimulation (peer.mjs); both must decide the same.
# 2. End to end: LINES (200000) input lines of that request, each with its
#    session name and s3:prefix varied, through `vpce policy eval --jsonl`
#    against the peer parsing, mapping and simulating each line.
# Settings: B (build), ROUNDS (5), SECONDS_VPCE (2), SECONDS_PEER (3),
# LINES (200000), PEER_LINES (LINES: lines the peer runs end to end).
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build}
ROUNDS=${ROUNDS:-5}
SECONDS_VPCE=${SECONDS_VPCE:-2}
SECONDS_PEER=${SECONDS_PEER:-3}
LINES=${LINES:-200000}
PEER_LINES=${PEER_LINES:-$LINES}
REQ=bench/policy/request.json

command -v node >/dev/null || { echo "bench/policy: node is needed for the peer" >&2; exit 1; }
make --no-print-directory "$B/vpce" "$B/bench/bench_policy" >&2
if [ ! -d tests/compat/policy/node_modules/@cloud-copilot/iam-simulate ]; then
	(cd tests/compat/policy && npm ci --no-audit --no-fund --silent) >&2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
field() { awk -v k="$2" '$1 == "vpce" || $1 == "peer" { if ($2 == k) print $3 }' "$1"; }
now() { date +%s.%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { r = a / b; printf (r < 10 ? "%.1f" : "%.0f"), r }'; }

echo "== in process: one request, policies compiled once; $ROUNDS alternating rounds"
# The machine's speed drifts (a shared VM): each round runs vpce and then the
# peer, and the ratio is the median of the rounds' own ratios.
for r in $(seq "$ROUNDS"); do
	"$B/bench/bench_policy" "$REQ" "$SECONDS_VPCE" > "$tmp/vpce.txt"
	node bench/policy/peer.mjs "$REQ" "$SECONDS_PEER" > "$tmp/peer.txt"
	vd=$(field "$tmp/vpce.txt" decision)
	pd=$(field "$tmp/peer.txt" decision)
	if [ "$vd" != "$pd" ]; then
		echo "bench/policy: vpce decides $vd, iam-simulate $pd: not comparable" >&2
		exit 1
	fi
	v=$(field "$tmp/vpce.txt" evals_per_sec)
	p=$(field "$tmp/peer.txt" evals_per_sec)
	pp=$(field "$tmp/peer.txt" evals_per_sec_prevalidated)
	echo "round $r: vpce $v/s, runSimulation $p/s ($(ratio "$v" "$p")x), pre-validated $pp/s ($(ratio "$v" "$pp")x)"
	echo "$v $p $pp" >> "$tmp/rounds.txt"
done
grep compile_20k "$tmp/vpce.txt"
# column N (or the ratio of columns N/M) of the rounds, median
median() { awk -v n="$1" -v m="${2:-0}" '{ print m ? $n / $m : $n }' "$tmp/rounds.txt" | sort -g |
	awk '{ v[NR] = $1 } END { x = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f", x }'; }
echo "median vpce evals_per_sec $(median 1)"
echo "median peer evals_per_sec $(median 2) (pre-validated $(median 3))"
echo "ratio evals_per_sec vpce/runSimulation $(median 1 2)x, vpce/pre-validated $(median 1 3)x" \
	"(medians of the rounds' ratios; decision $vd)"

echo "== end to end: $LINES lines through vpce policy eval --jsonl, $PEER_LINES through the peer"
node bench/policy/peer.mjs --gen "$LINES" "$REQ" > "$tmp/lines.jsonl"
t0=$(now)
"$B/vpce" policy eval --jsonl < "$tmp/lines.jsonl" > "$tmp/vpce.out"
t1=$(now)
n=$(wc -l < "$tmp/vpce.out")
ok=$(grep -c "\"decision\": *\"$vd\"" "$tmp/vpce.out" || true)
if [ "$n" != "$LINES" ] || [ "$ok" != "$LINES" ]; then
	echo "bench/policy: vpce answered $n lines, $ok of them $vd (of $LINES)" >&2
	exit 1
fi
vr=$(awk -v n="$LINES" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
echo "vpce jsonl_lines_per_sec $vr ($LINES lines in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s)"

head -n "$PEER_LINES" "$tmp/lines.jsonl" > "$tmp/peer-lines.jsonl"
t0=$(now)
node bench/policy/peer.mjs --jsonl < "$tmp/peer-lines.jsonl" > "$tmp/peer.out" 2>/dev/null
t1=$(now)
n=$(wc -l < "$tmp/peer.out")
ok=$(grep -c "\"decision\":\"$vd\"" "$tmp/peer.out" || true)
if [ "$n" != "$PEER_LINES" ] || [ "$ok" != "$PEER_LINES" ]; then
	echo "bench/policy: the peer answered $n lines, $ok of them $vd (of $PEER_LINES)" >&2
	exit 1
fi
pr=$(awk -v n="$PEER_LINES" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
echo "peer jsonl_lines_per_sec $pr ($PEER_LINES lines in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s, node start-up included)"
echo "ratio jsonl_lines_per_sec vpce/peer $(ratio "$vr" "$pr")x"
