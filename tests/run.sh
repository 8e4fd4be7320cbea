#!/bin/bash
# Runs every test: unit tests, fuzz-corpus replays, integration scripts and
# (as root) network-namespace scripts. Ends with 'N passed, N failed, N skipped'.
# TESTS=pattern runs only the scripts whose names match.
cd "$(dirname "$0")/.." || exit 2
B=${B:-build}
export B VPCE_ROOT=$PWD
pass=0 fail=0 skip=0
failed=()

note() { printf '%-6s %s\n' "$1" "$2"; }

out=$("$B/unit" 2>&1)
while read -r word name; do
	case "$word" in
	PASS) pass=$((pass + 1)); note PASS "unit/$name" ;;
	FAIL) fail=$((fail + 1)); failed+=("unit/$name"); note FAIL "unit/$name" ;;
	esac
done <<<"$out"
grep -v '^PASS \|^FAIL ' <<<"$out" | sed 's/^/       /'

for replay in "$B"/fuzz/replay_*; do
	[ -x "$replay" ] || continue
	t=${replay##*/replay_}
	if [ ! -d "fuzz/corpus/$t" ]; then
		fail=$((fail + 1)); failed+=("fuzz/$t"); note FAIL "fuzz/$t (no corpus)"
	elif r=$("$replay" "fuzz/corpus/$t" 2>&1); then
		pass=$((pass + 1)); note PASS "fuzz/$t ($(tail -1 <<<"$r"))"
	else
		fail=$((fail + 1)); failed+=("fuzz/$t"); note FAIL "fuzz/$t"
		tail -20 <<<"$r" | sed 's/^/       /'
	fi
done

for t in tests/integration/[0-9]*.sh tests/netns/[0-9]*.sh; do
	[ -e "$t" ] || continue
	[ -n "${TESTS:-}" ] && [[ "$t" != *$TESTS* ]] && continue
	log=$(mktemp)
	start=$(date +%s.%N)
	timeout 300 bash "$t" >"$log" 2>&1
	rc=$?
	secs=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)")
	case $rc in
	0) pass=$((pass + 1)); note PASS "$t (${secs}s)" ;;
	77) skip=$((skip + 1)); note SKIP "$t: $(tail -1 "$log")" ;;
	*) fail=$((fail + 1)); failed+=("$t"); note FAIL "$t (exit $rc, ${secs}s)"
	   tail -30 "$log" | sed 's/^/       /' ;;
	esac
	rm -f "$log"
done

[ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
