#!/bin/bash
# The policy engine against tests/policy/ref.py, an independent reading of
# docs/policy.md: random inputs from tests/policy/gen.py through one
# 'vpce policy eval --jsonl', plus property checks on the engine's own
# answers. Two runs: a fixed seed (the same inputs every time) and
# POLICY_SEED, or the current time, printed so that a failure can be
# replayed with
#   POLICY_SEED=N tests/integration/081-policy-diff.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build}
export B
rc=0

echo "seed 1 (fixed)"
/usr/bin/python3 tests/policy/diff.py --n 20000 --seed 1 || rc=1

# 100,000 pairs; under the sanitizers (B=build/san, CI's second pass), whose
# engine is slower, 20,000: the plain pass has already run the 100,000.
pairs=100000
[[ $B == */san ]] && pairs=20000
seed=${POLICY_SEED:-$(date +%s)}
echo "seed $seed (replay: POLICY_SEED=$seed $0)"
/usr/bin/python3 tests/policy/diff.py --n "$pairs" --seed "$seed" || rc=1

exit $rc
