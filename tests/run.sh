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

# One script: its output goes to $dir/NAME.log, its exit code and seconds to
# $dir/NAME.rc ("rc secs").
run_one() {
	local t=$1 dir=$2 name start rc
	name=${t//\//_}
	start=$(date +%s.%N)
	timeout 300 bash "$t" >"$dir/$name.log" 2>&1
	rc=$?
	printf '%s %.1f\n' "$rc" "$(echo "$(date +%s.%N) - $start" | bc)" >"$dir/$name.rc"
}

report() {
	local t=$1 dir=$2 name rc secs
	name=${t//\//_}
	read -r rc secs <"$dir/$name.rc"
	case $rc in
	0) pass=$((pass + 1)); note PASS "$t (${secs}s)" ;;
	77) skip=$((skip + 1)); note SKIP "$t: $(tail -1 "$dir/$name.log")" ;;
	*) fail=$((fail + 1)); failed+=("$t"); note FAIL "$t (exit $rc, ${secs}s)"
	   tail -30 "$dir/$name.log" | sed 's/^/       /' ;;
	esac
}

# Integration scripts run TEST_JOBS at a time (2: this machine's cores; each
# has its own daemon, port and state directory); the network-namespace
# scripts run one at a time. Results are reported in file order.
jobs_max=${TEST_JOBS:-2}
# Namespaces before the scripts: any more after them leaked.
netns_before=$(ip netns list 2>/dev/null | awk '{ print $1 }' | sort)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
scripts=()
for t in tests/integration/[0-9]*.sh; do
	[ -e "$t" ] || continue
	[ -n "${TESTS:-}" ] && [[ "$t" != *$TESTS* ]] && continue
	scripts+=("$t")
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
		wait -n
	done
	run_one "$t" "$dir" &
done
wait
for t in tests/netns/[0-9]*.sh; do
	[ -e "$t" ] || continue
	[ -n "${TESTS:-}" ] && [[ "$t" != *$TESTS* ]] && continue
	scripts+=("$t")
	run_one "$t" "$dir"
done
for t in "${scripts[@]}"; do
	report "$t" "$dir"
done

leaked=$(comm -13 <(echo "$netns_before") <(ip netns list 2>/dev/null | awk '{ print $1 }' | sort))
if [ -n "$leaked" ]; then
	fail=$((fail + 1)); failed+=("namespaces"); note FAIL "namespaces left by the tests: $(echo $leaked)"
else
	pass=$((pass + 1)); note PASS "no namespace left behind"
fi
[ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
