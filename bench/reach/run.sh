#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The analyzer at account scale: a synthetic account of VPCS VPCs (1,000:
# 10,000 subnets, 100,000 ENIs, 5,000 endpoints) and one a tenth of it, each
# analysed from scratch (plan, indexes, full lint) and asked QUERIES (100,000)
# explain questions, in alternating rounds. Prints the medians and the ratios
# of the large account to the small: the target is at most 12x for 10x. Each
# run makes and lints the small account 21 times, the large one 3 times, and
# reports the median (one lint of the small account lasts about 20 ms).
# Each lint starts with the caches emptied (64 MiB written over), as a lint
# from the command line would. Settings: B (build), ROUNDS (3), VPCS (1000),
# QUERIES (100000).
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build}
ROUNDS=${ROUNDS:-3}
VPCS=${VPCS:-1000}
QUERIES=${QUERIES:-100000}
make --no-print-directory "$B/bench/bench_reach" >&2
small=$((VPCS / 10))
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for _ in $(seq "$ROUNDS"); do
	"$B/bench/bench_reach" "$small" "$QUERIES" 21 | sed 's/^/small /' >>"$out"
	"$B/bench/bench_reach" "$VPCS" "$QUERIES" 3 | sed 's/^/large /' >>"$out"
done
python3 - "$out" <<'PY'
import statistics, sys
rows = {"small": [], "large": []}
for line in open(sys.argv[1]):
    size, rest = line.split(" ", 1)
    rows[size].append(dict(kv.split("=") for kv in rest.split()))
def med(size, key):
    return statistics.median(float(r[key]) for r in rows[size])
for size in ("small", "large"):
    r = rows[size][0]
    lint = med(size, "analyzer_s") + med(size, "lint_s")
    print(f"{size}: {r['vpcs']} VPCs, {r['subnets']} subnets, {r['enis']} ENIs, {r['endpoints']} endpoints: "
          f"lint from scratch {lint * 1000:.0f} ms ({r['findings']} findings), "
          f"{r['queries']} explain {med(size, 'explain_s'):.2f} s ({med(size, 'us_per_query'):.1f} us each), "
          f"peak RSS {med(size, 'rss_lint_kb') / 1024:.0f} MiB after lint, {med(size, 'rss_kb') / 1024:.0f} MiB after explain "
          f"(the account itself {med(size, 'rss_world_kb') / 1024:.0f} MiB)")
ls = med("small", "analyzer_s") + med("small", "lint_s")
ll = med("large", "analyzer_s") + med("large", "lint_s")
print(f"ratio 10x account: lint {ll / ls:.1f}x, explain per query {med('large', 'us_per_query') / med('small', 'us_per_query'):.2f}x, "
      f"memory {med('large', 'rss_kb') / med('small', 'rss_kb'):.1f}x (target: at most 12x)")
print(f"per run: lint " + " ".join(f"{(float(a['analyzer_s']) + float(a['lint_s'])) / (float(b['analyzer_s']) + float(b['lint_s'])):.1f}x"
                               for a, b in zip(rows['large'], rows['small'])))
PY
