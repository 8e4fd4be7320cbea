#!/bin/bash
# Durability: SIGKILL at random moments during a stream of writes loses no
# acknowledged write and leaves no half-made endpoint (tests/integration/crash.py).
. "$(dirname "$0")/lib.sh"
seed=${CRASH_SEED:-$RANDOM}
echo "seed $seed (rerun with CRASH_SEED=$seed)"
/usr/bin/python3 "$ROOT/tests/integration/crash.py" "$VPCED" "$STATE" 12 "$seed" ||
	fail "crash test, seed $seed"
