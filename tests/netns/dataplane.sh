# SPDX-License-Identifier: MIT
# Sourced by the tests/netns scripts that run vpced with its data plane:
# integration/lib.sh, then skips (exit 77) without root or nft, and gives
# the daemon a namespace prefix of this run's own, P, whose namespaces are
# removed on exit whatever happens.
. "$(dirname "$0")/../integration/lib.sh"
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
command -v nft >/dev/null || { echo "needs nft (make deps)"; exit 77; }

P=vt$$-
export VPCED_DP="--dataplane --prefix $P"
dataplane_cleanup() {
	[ -n "$VPCED_PID" ] && kill -9 "$VPCED_PID" 2>/dev/null
	"$VPCED" --teardown --prefix "$P" >/dev/null 2>&1 || true
	cleanup
}
trap dataplane_cleanup EXIT
