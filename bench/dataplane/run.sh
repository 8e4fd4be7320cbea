#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The data plane's reconcile time (docs/benchmarks.md): 100 instances in 10
# subnets of one VPC (INSTANCES, SUBNETS), applied by vpced --dataplane
#   1. from an empty kernel (the first start),
#   2. from a crash (VPCED_CRASH_AFTER kills the daemon halfway through an
#      apply from an empty kernel; the next start finishes it),
#   3. with nothing to do (a restart once converged),
# each ROUNDS (5) times; prints the medians of vpced's own "applied in N ms".
# Needs root. Everything it makes is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build}
SUBNETS=${SUBNETS:-10}
INSTANCES=${INSTANCES:-100}
ROUNDS=${ROUNDS:-5}
[ "$(id -u)" = 0 ] || { echo "bench/dataplane: needs root" >&2; exit 1; }
make --no-print-directory "$B/vpced" >&2

tmp=$(mktemp -d)
P=vb$$-
pid=
port=
finish() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	"$B/vpced" --teardown --prefix "$P" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap finish EXIT
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER= AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# start [ENV...]: vpced on the state file; returns once it listens (or has died).
start() {
	port=$(free_port)
	env "$@" "$B/vpced" --listen "127.0.0.1:$port" --state "$tmp/vpce.db" --dataplane \
		--prefix "$P" >>"$tmp/log" 2>&1 &
	pid=$!
	for _ in $(seq 400); do
		(exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; pid=; return 0; }
		sleep 0.05
	done
	echo "bench/dataplane: vpced did not start" >&2
	exit 1
}
stop() { [ -n "$pid" ] && kill "$pid" && wait "$pid" 2>/dev/null; pid=; }
ec2() { aws --endpoint-url "http://127.0.0.1:$port" --output text ec2 "$@"; }
last_ms() { grep "data plane: applied" "$tmp/log" | tail -1 | sed 's/.*applied in \([0-9]*\) ms.*/\1/'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "== building: $INSTANCES instances in $SUBNETS subnets"
start
vpc=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId)
sg=$(ec2 create-security-group --group-name app --description app --vpc-id "$vpc" --query GroupId)
ec2 authorize-security-group-ingress --group-id "$sg" --protocol tcp --port 443 --source-group "$sg" >/dev/null
for i in $(seq "$SUBNETS"); do
	s=$(ec2 create-subnet --vpc-id "$vpc" --cidr-block "10.0.$i.0/24" --query Subnet.SubnetId)
	ec2 run-instances --image-id ami-0123456789abcdef0 --subnet-id "$s" --security-group-ids "$sg" \
		--count $((INSTANCES / SUBNETS)) >/dev/null
done
stop
changes=$(grep "data plane: applied" "$tmp/log" | sed 's/.*namespaces +\([0-9]*\).*links +\([0-9]*\).*addresses +\([0-9]*\).*routes +\([0-9]*\).*rules +\([0-9]*\).*/\1 \2 \3 \4 \5/' |
	awk '{ t += $1 + $2 + $3 + $4 + $5 } END { print t }')

empty=() crash=() noop=()
for r in $(seq "$ROUNDS"); do
	"$B/vpced" --teardown --prefix "$P" >/dev/null
	start
	empty+=("$(last_ms)")
	stop
	start
	noop+=("$(last_ms)")
	stop
	"$B/vpced" --teardown --prefix "$P" >/dev/null
	start VPCED_CRASH_AFTER=$((changes / 2))
	[ -z "$pid" ] || { echo "bench/dataplane: vpced did not crash" >&2; exit 1; }
	start
	crash+=("$(last_ms)")
	stop
	echo "round $r: from empty ${empty[-1]} ms, from a crash ${crash[-1]} ms, nothing to do ${noop[-1]} ms"
done
echo "kernel changes in a full apply: about $changes"
echo "median reconcile_ms from_empty $(printf '%s\n' "${empty[@]}" | median) from_crash $(printf '%s\n' "${crash[@]}" | median) nothing_to_do $(printf '%s\n' "${noop[@]}" | median)"
