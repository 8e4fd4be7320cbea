# SPDX-License-Identifier: MIT
# Sourced by tests/integration/NNN-name.sh: starts a private vpced on a free
# loopback port with a temporary state file, and gives the test 'aws2' (the
# aws CLI v2 from Debian), 'aws1' (a v1 CLI when one is installed), 'ec2'
# (v2 against this daemon, JSON output) and assertions. Everything it starts
# is stopped and removed on exit.
set -u
ROOT=${VPCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
B=${B:-build}
VPCED=$ROOT/$B/vpced
VPCE=$ROOT/$B/vpce
TMP=$(mktemp -d /tmp/vpce-test.XXXXXX)
STATE=$TMP/vpce.db
VPCED_PID=
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER= AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=standard

cleanup() {
	[ -n "$VPCED_PID" ] && kill "$VPCED_PID" 2>/dev/null && wait "$VPCED_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	[ -f "$TMP/vpced.log" ] && { echo "--- vpced log:" >&2; tail -20 "$TMP/vpced.log" >&2; }
	exit 1
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_vpced [ARGS...]: starts the daemon on a fresh port; sets PORT, ENDPOINT.
# Control plane only, unless VPCED_DP holds the data-plane options
# (tests/netns/: "--dataplane --prefix vpcetest-…-").
start_vpced() {
	PORT=$(free_port)
	ENDPOINT=http://127.0.0.1:$PORT
	# shellcheck disable=SC2086
	"$VPCED" --listen "127.0.0.1:$PORT" --state "$STATE" ${VPCED_DP:---no-dataplane} "$@" \
		>>"$TMP/vpced.log" 2>&1 &
	VPCED_PID=$!
	for _ in $(seq 1 100); do
		(exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && return 0
		kill -0 "$VPCED_PID" 2>/dev/null || fail "vpced exited at start: $(cat "$TMP/vpced.log")"
		sleep 0.05
	done
	fail "vpced did not start listening"
}

stop_vpced() {
	[ -n "$VPCED_PID" ] || return 0
	kill "$VPCED_PID" 2>/dev/null
	wait "$VPCED_PID" 2>/dev/null
	VPCED_PID=
}

aws2() { /usr/bin/aws --endpoint-url "$ENDPOINT" "$@"; }
# The v1 CLI (pip's) when present; otherwise the tests that use it skip that part.
AWS1=$(type -ap aws 2>/dev/null | grep -v "^/usr/bin/aws$" | head -1)
aws1() { "$AWS1" --endpoint-url "$ENDPOINT" "$@"; }
ec2() { aws2 --output json ec2 "$@"; }

# expect_error CODE CMD...: CMD fails and its stderr names the AWS error CODE.
expect_error() {
	local code=$1 out
	shift
	if out=$("$@" 2>&1); then
		fail "expected $code from: $*; it succeeded: $out"
	fi
	grep -q "($code)" <<<"$out" || fail "expected ($code) from: $*; got: $out"
}

# eq ACTUAL EXPECTED [WHAT]
eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: got '$1', want '$2'"
}

# state_set ID FIELD VALUE: sets a field of a stored resource's document
# (vpced must be stopped), to stand for the passing of time.
state_set() {
	/usr/bin/python3 - "$STATE" "$@" <<'PY' || fail "state_set $*"
import json, sqlite3, sys
db, rid, field, value = sys.argv[1:]
c = sqlite3.connect(db)
doc = json.loads(c.execute("SELECT doc FROM resources WHERE id = ?", (rid,)).fetchone()[0])
doc[field] = json.loads(value)
c.execute("UPDATE resources SET doc = ? WHERE id = ?", (json.dumps(doc, sort_keys=True), rid))
c.commit()
PY
}

# state_has ID: whether the state file holds resource ID.
state_has() {
	/usr/bin/python3 - "$STATE" "$1" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
sys.exit(0 if c.execute("SELECT 1 FROM resources WHERE id = ?", (sys.argv[2],)).fetchone() else 1)
PY
}

# jq_eq JSON FILTER EXPECTED
jq_eq() {
	eq "$(jq -r "$2" <<<"$1")" "$3" "$2"
}
