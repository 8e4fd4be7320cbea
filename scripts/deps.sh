#!/bin/sh
# Installs what vpce needs to build and test, from Debian's packages.
# Does nothing when everything is there; needs root otherwise.
set -e
PKGS="build-essential pkg-config libsqlite3-dev libjansson-dev libssl-dev
libhttp-parser-dev sqlite3 awscli python3-boto3 curl jq iproute2 clang
libfuzzer-14-dev libclang-rt-14-dev wrk nftables libmnl-dev libnftables-dev libknot-dev
bind9-dnsutils unbound"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
# Unbound is a test peer (tests/netns/113), run in a namespace by the test:
# the system service its package may have started is not wanted.
case $missing in *unbound*)
	systemctl disable --now unbound >/dev/null 2>&1 || true ;;
esac
