#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The VPC resolver against Unbound and NSD (docs/benchmarks.md): a VPC with
# enableDnsHostnames and INSTANCES (100) instances; dnsperf, inside one of
# them, asks their names (ip-10-0-1-N.ec2.internal, A) of
#   vpce:    the VPC resolver at 10.0.0.2:53 (vpced's loop, pinned to CPU1),
#   unbound: Unbound at 10.0.0.2:5300, the same names as local data,
#   nsd:     NSD at 10.0.0.2:5301, the same names as a zone file,
# all three in the VPC's namespace, so every query takes the same path:
# from an instance (instance -> bridge -> router namespace), then from the
# router namespace itself (the loopback path: the servers' own cost shows
# more). PATHS ("instance router") picks. Servers on CPU1, dnsperf on CPU0
# (-c 8 -T 1 -q 256: unpaced, as shared/peers/dns_bench.sh does). ROUNDS (5)
# rounds of DUR (10) seconds each per server, the order rotating each
# round; prints the medians and the medians of the per-round ratios.
# Needs root, dnsperf, unbound and nsd (make bench-deps). Everything it
# makes is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build}
INSTANCES=${INSTANCES:-100}
ROUNDS=${ROUNDS:-5}
DUR=${DUR:-10}
CPU_LOAD=${CPU_LOAD:-0}
CPU_SUT=${CPU_SUT:-1}
PATHS=${PATHS:-instance router}
[ "$(id -u)" = 0 ] || { echo "bench/dataplane/dns: needs root" >&2; exit 1; }
for t in dnsperf unbound nsd; do
	command -v "$t" >/dev/null || { echo "bench/dataplane/dns: needs $t (make bench-deps)" >&2; exit 1; }
done
make --no-print-directory "$B/vpced" "$B/vpce" >&2

tmp=$(mktemp -d)
P=vbd$$-
pid= port= servers=()
finish() {
	for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; done
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	"$B/vpced" --teardown --prefix "$P" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap finish EXIT
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER= AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
taskset -c "$CPU_SUT" "$B/vpced" --listen "127.0.0.1:$port" --state "$tmp/vpce.db" --dataplane \
	--prefix "$P" >>"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 400); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done
ec2() { aws --endpoint-url "http://127.0.0.1:$port" --output text ec2 "$@"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

vpc=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId)
ec2 modify-vpc-attribute --vpc-id "$vpc" --enable-dns-hostnames
subnet=$(ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.0.1.0/24 --query Subnet.SubnetId)
ec2 run-instances --image-id ami-0123456789abcdef0 --subnet-id "$subnet" --count "$INSTANCES" >/dev/null
ec2 describe-instances --query 'Reservations[].Instances[].[PrivateDnsName,PrivateIpAddress]' |
	tr '\t' ' ' | sort >"$tmp/names"
client=$(ec2 describe-instances --query 'Reservations[0].Instances[0].InstanceId')
router="$P$vpc"
for _ in $(seq 100); do ip netns list | grep -q "^$P$client" && break; sleep 0.1; done
awk '{ print $1, "A" }' "$tmp/names" >"$tmp/queries"

# The same records for the peers.
{
	printf 'server:\n  interface: 10.0.0.2@5300\n  port: 5300\n  num-threads: 1\n  do-daemonize: no\n'
	printf '  chroot: ""\n  username: ""\n  directory: "%s"\n  pidfile: "%s/unbound.pid"\n' "$tmp" "$tmp"
	printf '  use-syslog: no\n  logfile: ""\n  verbosity: 0\n  do-ip6: no\n'
	printf '  access-control: 0.0.0.0/0 allow\n  module-config: "iterator"\n'
	printf '  num-queries-per-thread: 4096\n  so-rcvbuf: 4m\n  so-sndbuf: 4m\n'
	printf '  local-zone: "ec2.internal." static\n'
	printf '  local-data: "ec2.internal. 60 IN SOA ns.ec2.internal. hostmaster.ec2.internal. 1 3600 600 86400 60"\n'
	awk '{ printf "  local-data: \"%s. 60 IN A %s\"\n", $1, $2 }' "$tmp/names"
	printf 'remote-control:\n  control-enable: no\n'
} >"$tmp/unbound.conf"
{
	printf '$ORIGIN ec2.internal.\n$TTL 60\n'
	printf '@ IN SOA ns.ec2.internal. hostmaster.ec2.internal. 1 3600 600 86400 60\n@ IN NS ns\nns IN A 10.0.0.2\n'
	awk '{ sub(/\.ec2\.internal$/, "", $1); printf "%s IN A %s\n", $1, $2 }' "$tmp/names"
} >"$tmp/ec2.internal.zone"
cat >"$tmp/nsd.conf" <<NSD
server:
  ip-address: 10.0.0.2@5301
  port: 5301
  server-count: 1
  do-ip6: no
  username: ""
  chroot: ""
  database: ""
  zonelistfile: "$tmp/zone.list"
  xfrdfile: "$tmp/xfrd.state"
  xfrdir: "$tmp"
  pidfile: "$tmp/nsd.pid"
  logfile: "$tmp/nsd.log"
  zonesdir: "$tmp"
  verbosity: 0
  hide-version: yes
  minimal-responses: yes
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: ec2.internal
  zonefile: $tmp/ec2.internal.zone
NSD
ip netns exec "$router" taskset -c "$CPU_SUT" unbound -d -c "$tmp/unbound.conf" >"$tmp/unbound.log" 2>&1 &
servers+=($!)
ip netns exec "$router" taskset -c "$CPU_SUT" nsd -d -c "$tmp/nsd.conf" >"$tmp/nsd.out" 2>&1 &
servers+=($!)

declare -A PORT=([vpce]=53 [unbound]=5300 [nsd]=5301)
first=$(head -1 "$tmp/names")
for s in vpce unbound nsd; do
	ok=
	for _ in $(seq 100); do
		got=$(ip netns exec "$P$client" dig +short +time=1 +tries=1 -p "${PORT[$s]}" @10.0.0.2 \
			"${first% *}" A 2>/dev/null || true)
		[ "$got" = "${first#* }" ] && { ok=1; break; }
		sleep 0.1
	done
	[ -n "$ok" ] || { echo "bench/dataplane/dns: $s does not answer ${first% *}" >&2; exit 1; }
done

# cpu_ticks N: busy and total jiffies of CPU N so far.
cpu_ticks() { awk -v c="cpu$1" '$1 == c { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
run() { # server -> "queries/s busy-share-of-CPU_SUT"
	local b0 t0 b1 t1
	read -r b0 t0 < <(cpu_ticks "$CPU_SUT")
	ip netns exec "$from" taskset -c "$CPU_LOAD" dnsperf -s 10.0.0.2 -p "${PORT[$1]}" \
		-d "$tmp/queries" -l "$DUR" -c 8 -T 1 -q 256 -S 0 >"$tmp/out.$1" 2>&1
	read -r b1 t1 < <(cpu_ticks "$CPU_SUT")
	grep -q "Queries lost: *0 " "$tmp/out.$1" || echo "$1: $(grep "Queries lost" "$tmp/out.$1")" >&2
	echo "$(awk '/Queries per second/ { print $4 }' "$tmp/out.$1") $(( (b1 - b0) * 100 / (t1 - t0) ))"
}
for path in $PATHS; do
	case $path in
	instance) from=$P$client ;;
	router) from=$router ;;
	*) echo "bench/dataplane/dns: PATHS: instance or router, not $path" >&2; exit 1 ;;
	esac
	echo "== from the $path namespace: $INSTANCES names, dnsperf -c 8 -T 1 -q 256 for $DUR s, $ROUNDS rounds"
	order=(vpce unbound nsd)
	unset all busy per
	declare -A all=() busy=() per=()
	ru=() rn=() eu=() en=()
	for r in $(seq "$ROUNDS"); do
		declare -A q=() c=() e=()
		for s in "${order[@]}"; do
			read -r q[$s] c[$s] < <(run "$s")
			# Queries per second of CPU_SUT's busy time: the server's own cost.
			e[$s]=$(awk -v a="${q[$s]}" -v b="${c[$s]}" 'BEGIN { printf "%.0f", b ? a * 100 / b : 0 }')
			all[$s]+="${q[$s]} " busy[$s]+="${c[$s]} " per[$s]+="${e[$s]} "
		done
		ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
		ru+=("$(ratio "${q[vpce]}" "${q[unbound]}")") rn+=("$(ratio "${q[vpce]}" "${q[nsd]}")")
		eu+=("$(ratio "${e[vpce]}" "${e[unbound]}")") en+=("$(ratio "${e[vpce]}" "${e[nsd]}")")
		echo "round $r (${order[*]}): queries/s (CPU$CPU_SUT busy %):" \
			"vpce ${q[vpce]} (${c[vpce]}) unbound ${q[unbound]} (${c[unbound]}) nsd ${q[nsd]} (${c[nsd]})"
		order=("${order[@]:1}" "${order[0]}")
	done
	for s in vpce unbound nsd; do
		echo "$path: median $s qps $(printf '%s\n' ${all[$s]} | median) cpu${CPU_SUT}_busy_pct" \
			"$(printf '%s\n' ${busy[$s]} | median) qps_per_busy_cpu $(printf '%s\n' ${per[$s]} | median)"
	done
	echo "$path: median ratio qps vpce/unbound $(printf '%s\n' "${ru[@]}" | median) vpce/nsd $(printf '%s\n' "${rn[@]}" | median)"
	echo "$path: median ratio qps_per_busy_cpu vpce/unbound $(printf '%s\n' "${eu[@]}" | median) vpce/nsd $(printf '%s\n' "${en[@]}" | median)"
done
