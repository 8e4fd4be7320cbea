#!/bin/sh
# Installs what vpce needs to build and test, from Debian's packages; with
# --bench, also the peers the benchmarks run beside vpce (bench/): iperf3
# and nginx for bench/dataplane/traffic.sh and bench/endpoints/tcp.sh,
# HAProxy for the latter, dnsperf and NSD for bench/dataplane/dns.sh. Does
# nothing when everything is there; needs root otherwise.
set -e
PKGS="build-essential pkg-config libsqlite3-dev libjansson-dev libssl-dev
libhttp-parser-dev libexpat1-dev zlib1g-dev sqlite3 awscli python3-boto3 curl jq iproute2 clang
libfuzzer-14-dev libclang-rt-14-dev wrk nftables libmnl-dev libnftables-dev libknot-dev libbpf-dev
bind9-dnsutils unbound bpftool"
[ "${1:-}" = --bench ] && PKGS="$PKGS iperf3 nginx-light dnsperf nsd haproxy"
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
# Unbound (tests/netns/113), NSD, nginx and HAProxy (bench/) are peers, run in
# namespaces by the tests and benchmarks: the system services their packages
# may have started are not wanted.
for s in unbound nsd nginx haproxy; do
	case $missing in *"$s"*)
		systemctl disable --now "$s" >/dev/null 2>&1 || true ;;
	esac
done
