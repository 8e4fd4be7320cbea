#!/bin/bash
# vpce policy eval/validate as a user runs them, bad input included: every
# mistake is a message on standard error and an exit code of 1 or 2, never a
# crash; --jsonl answers every line, in order.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build}
VPCE=$B/vpce
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_rc RC CMD...: CMD exits with RC and, when RC != 0, says why on stderr.
expect_rc() {
	local want=$1 rc=0
	shift
	"$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" = "$want" ] || fail "$* exited $rc, not $want: $(cat "$tmp/err")"
	if [ "$want" != 0 ] && [ ! -s "$tmp/err" ] && [ ! -s "$tmp/out" ]; then
		fail "$* failed without a word"
	fi
}

good='{"policies": {"identity": [{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}]}, "request": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}}'
echo "$good" >"$tmp/good.json"

expect_rc 0 "$VPCE" policy eval "$tmp/good.json"
grep -q '"decision": "Allow"' "$tmp/out" || fail "good input: $(cat "$tmp/out")"
expect_rc 1 "$VPCE" policy eval /nonexistent
expect_rc 1 "$VPCE" policy eval /
expect_rc 2 "$VPCE" policy eval
expect_rc 2 "$VPCE" policy frobnicate
printf '' >"$tmp/empty"
expect_rc 1 "$VPCE" policy eval "$tmp/empty"
printf 'not json' >"$tmp/bad"
expect_rc 1 "$VPCE" policy eval "$tmp/bad"
grep -q "not valid JSON" "$tmp/err" || fail "bad JSON: $(cat "$tmp/err")"
echo '{"policies": {"identity": [{"Statement": {"Effect": "Alow", "Action": "s3:*", "Resource": "*"}}]}, "request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "*"}}' >"$tmp/badpol.json"
expect_rc 1 "$VPCE" policy eval "$tmp/badpol.json"
grep -q "policies.identity\[0\]: Statement\[0\].Effect" "$tmp/err" || fail "bad policy: $(cat "$tmp/err")"

# --jsonl: one answer per line, in order, errors in place.
{ echo "$good"; echo 'not json'; echo; echo '[]'; echo "$good"; } >"$tmp/lines"
expect_rc 0 "$VPCE" policy eval --jsonl "$tmp/lines"
[ "$(wc -l <"$tmp/out")" = 5 ] || fail "--jsonl answered $(wc -l <"$tmp/out") lines of 5"
sed -n '1p;5p' "$tmp/out" | grep -c '"decision": "Allow"' | grep -qx 2 || fail "--jsonl good lines: $(cat "$tmp/out")"
sed -n '2,4p' "$tmp/out" | grep -c '^{"error": ' | grep -qx 3 || fail "--jsonl bad lines: $(cat "$tmp/out")"
expect_rc 0 "$VPCE" policy eval --jsonl <"$tmp/lines"
expect_rc 1 "$VPCE" policy eval --jsonl /nonexistent

# validate: problems on stdout, exit 1; bad arguments exit 2.
echo '{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}' >"$tmp/id.json"
expect_rc 0 "$VPCE" policy validate "$tmp/id.json"
expect_rc 1 "$VPCE" policy validate --type endpoint "$tmp/id.json"
grep -q "^Statement\[0\]: endpoint policies need a Principal" "$tmp/out" || fail "validate: $(cat "$tmp/out")"
expect_rc 1 "$VPCE" policy validate "$tmp/bad"
expect_rc 2 "$VPCE" policy validate --type nonsense "$tmp/id.json"
expect_rc 2 "$VPCE" policy validate /nonexistent
expect_rc 2 "$VPCE" policy validate /
expect_rc 0 "$VPCE" policy validate --help
echo "policy CLI: every mistake refused with a message"
