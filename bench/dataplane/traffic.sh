#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The data plane's traffic against a peer (docs/benchmarks.md): what a VPC
# made by vpced --dataplane costs real TCP, against the plainest path Linux
# has between two namespaces, in the same run.
#   vpc:  instance A (10.0.1.10, subnet 10.0.1.0/24, us-east-1a) to instance
#         B (10.0.2.10, subnet 10.0.2.0/24, us-east-1b) of one VPC, in one
#         security group that admits all TCP from 10.0.0.0/16: veth, the
#         subnet's bridge, the VPC's router with its policy rules and the
#         groups' nftables (conntrack, through br_netfilter), the other
#         bridge, veth.
#   peer: two namespaces of this run's own, <vbtPID>peer-a (10.250.9.1/30)
#         and <vbtPID>peer-b (10.250.9.2/30), joined by one veth pair.
#         (Their names do not start with the daemon's prefix: vpced removes
#         every namespace of its prefix that its plan does not hold.)
#   routed: the floor of any stateful router between namespaces: a client
#         (10.250.10.10) and a server (10.250.11.10) namespace, each joined
#         by a veth pair to a router namespace that forwards with the least
#         stateful filter nftables has (established flows accepted by
#         conntrack, new TCP accepted): what vpce's VPC path costs beyond
#         it is vpce's own.
# Tests, the same settings on both paths (those of /work/shared/peers/
# tcp_proxy_bench.sh): the load generator in A / peer-a pinned to CPU0
# (CPU_LOAD), the servers in B / peer-b pinned to CPU1 (CPU_SUT);
#   tcp_gbit_s       iperf3, one stream, DUR s: end.sum_received, Gbit/s;
#   conn_per_s       wrk -t1 -c50 -H "Connection: close" against nginx
#                    (worker_processes 1, `return 200`): new connections/s;
#   keepalive_req_s  the same wrk with keep-alive: requests/s.
# Each namespace gets the peers' sysctls (ip_local_port_range 10000 65000,
# tcp_tw_reuse 1, somaxconn and tcp_max_syn_backlog 8192); the VPC's router
# is left as vpced made it. ROUNDS (5) rounds, the path that goes first
# alternating each round, DUR (10) s per measurement, each after waiting
# (at most QUIET_MAX, 20 s) for the machine to be QUIET_IDLE (90) % idle.
# Prints one line per measurement (with CPU1's busy share over it, and for
# conn_per_s the VPC router's conntrack entries), then the medians per path
# and the median of the rounds' ratios vpc/peer. Needs root, iperf3, wrk and
# nginx (make bench-deps). Everything it makes is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build}
ROUNDS=${ROUNDS:-5}
DUR=${DUR:-10}
CPU_LOAD=${CPU_LOAD:-0}
CPU_SUT=${CPU_SUT:-1}
QUIET_IDLE=${QUIET_IDLE:-90}
QUIET_MAX=${QUIET_MAX:-20}
[ "$(id -u)" = 0 ] || { echo "bench/dataplane/traffic: needs root" >&2; exit 1; }
for c in iperf3 wrk nginx; do
	command -v "$c" >/dev/null ||
		{ echo "bench/dataplane/traffic: needs $c (make bench-deps installs it)" >&2; exit 1; }
done
command -v nft >/dev/null || { echo "bench/dataplane/traffic: needs nft (make deps)" >&2; exit 1; }
make --no-print-directory "$B/vpced" "$B/vpce" >&2

tmp=$(mktemp -d)
P=vbt$$-
PA=vbt$$peer-a
PB=vbt$$peer-b
RC=vbt$$rt-c
RR=vbt$$rt-r
RS=vbt$$rt-s
pid=
port=
servers=()
finish() {
	local s
	for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; done
	for s in "${servers[@]}"; do wait "$s" 2>/dev/null || true; done
	[ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
	"$B/vpced" --teardown --prefix "$P" >/dev/null 2>&1 || true
	for s in "$PA" "$PB" "$RC" "$RR" "$RS"; do ip netns del "$s" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap finish EXIT
trap 'exit 1' INT TERM HUP
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER= AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ec2() { aws --endpoint-url "http://127.0.0.1:$port" --output text ec2 "$@"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
die() { echo "bench/dataplane/traffic: $*" >&2; exit 1; }

# --- the VPC: vpced with its data plane, built with the aws CLI ---
port=$(free_port)
"$B/vpced" --listen "127.0.0.1:$port" --state "$tmp/vpce.db" --dataplane --prefix "$P" \
	>>"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 400); do
	(exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
	kill -0 "$pid" 2>/dev/null || die "vpced exited: $(tail -5 "$tmp/log")"
	sleep 0.05
done
AMI=ami-0123456789abcdef0
vpc=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId)
s1=$(ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.0.1.0/24 --availability-zone us-east-1a \
	--query Subnet.SubnetId)
s2=$(ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.0.2.0/24 --availability-zone us-east-1b \
	--query Subnet.SubnetId)
sg=$(ec2 create-security-group --group-name bench --description bench --vpc-id "$vpc" --query GroupId)
ec2 authorize-security-group-ingress --group-id "$sg" --protocol tcp --port 0-65535 \
	--cidr 10.0.0.0/16 >/dev/null
a=$(ec2 run-instances --image-id "$AMI" --subnet-id "$s1" --private-ip-address 10.0.1.10 \
	--security-group-ids "$sg" --query 'Instances[0].InstanceId')
b=$(ec2 run-instances --image-id "$AMI" --subnet-id "$s2" --private-ip-address 10.0.2.10 \
	--security-group-ids "$sg" --query 'Instances[0].InstanceId')
for _ in $(seq 200); do
	[ -e "/run/netns/$P$a" ] && [ -e "/run/netns/$P$b" ] && break
	sleep 0.05
done
if ! [ -e "/run/netns/$P$a" ] || ! [ -e "/run/netns/$P$b" ]; then
	die "no namespaces for $a and $b: $(tail -5 "$tmp/log")"
fi

# --- the peer: two namespaces, one veth pair ---
ip netns add "$PA"
ip netns add "$PB"
ip -n "$PA" link add name eth0 type veth peer name eth0 netns "$PB"
ip -n "$PA" addr add 10.250.9.1/30 dev eth0
ip -n "$PB" addr add 10.250.9.2/30 dev eth0
for n in "$PA" "$PB"; do
	ip -n "$n" link set lo up
	ip -n "$n" link set eth0 up
done

# --- the routed floor: client, router, server; forwarding with conntrack ---
for n in "$RC" "$RR" "$RS"; do
	ip netns add "$n"
	ip -n "$n" link set lo up
done
ip -n "$RC" link add name eth0 type veth peer name c0 netns "$RR"
ip -n "$RS" link add name eth0 type veth peer name s0 netns "$RR"
ip -n "$RC" addr add 10.250.10.10/24 dev eth0
ip -n "$RR" addr add 10.250.10.1/24 dev c0
ip -n "$RS" addr add 10.250.11.10/24 dev eth0
ip -n "$RR" addr add 10.250.11.1/24 dev s0
for l in "$RC eth0" "$RR c0" "$RR s0" "$RS eth0"; do
	read -r n d <<<"$l"
	ip -n "$n" link set "$d" up
done
ip -n "$RC" route add default via 10.250.10.1
ip -n "$RS" route add default via 10.250.11.1
ip netns exec "$RR" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$RR" nft -f - <<'EOF'
table inet floor {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		ct state new meta l4proto tcp accept
	}
}
EOF

# path -> client namespace, server namespace, server address
declare -A CNS=([vpc]="$P$a" [peer]="$PA" [routed]="$RC") SNS=([vpc]="$P$b" [peer]="$PB" [routed]="$RS")
declare -A SIP=([vpc]=10.0.2.10 [peer]=10.250.9.2 [routed]=10.250.11.10)
for n in "$P$a" "$P$b" "$PA" "$PB" "$RC" "$RS"; do
	ip netns exec "$n" sysctl -qw net.ipv4.ip_local_port_range="10000 65000" \
		net.ipv4.tcp_tw_reuse=1 net.core.somaxconn=8192 net.ipv4.tcp_max_syn_backlog=8192
done

# --- the servers, on CPU_SUT, for the whole run ---
nginx_conf() { # PATH IP
	mkdir -p "$tmp/nginx-$1"
	cat >"$tmp/nginx-$1/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $tmp/nginx-$1/nginx.pid;
error_log $tmp/nginx-$1/error.log warn;
events { worker_connections 8000; use epoll; multi_accept on; }
worker_rlimit_nofile 19000;
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  client_body_temp_path $tmp/nginx-$1/body;
  proxy_temp_path $tmp/nginx-$1/proxy;
  fastcgi_temp_path $tmp/nginx-$1/fcgi;
  uwsgi_temp_path $tmp/nginx-$1/uwsgi;
  scgi_temp_path $tmp/nginx-$1/scgi;
  server {
    listen $2:80 backlog=8192;
    location / { default_type text/plain; return 200 "ok\n"; }
  }
}
EOF
}
# reaches NS IP PORT: a TCP connection from NS to IP:PORT succeeds.
reaches() { ip netns exec "$1" timeout 2 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null; }
for path in vpc peer routed; do
	ns=${SNS[$path]} ip=${SIP[$path]}
	nginx_conf "$path" "$ip"
	ip netns exec "$ns" taskset -c "$CPU_SUT" iperf3 -s -B "$ip" -p 5201 >"$tmp/iperf3-$path.log" 2>&1 &
	servers+=($!)
	ip netns exec "$ns" taskset -c "$CPU_SUT" nginx -e "$tmp/nginx-$path/error.log" \
		-c "$tmp/nginx-$path/nginx.conf" >"$tmp/nginx-$path.log" 2>&1 &
	servers+=($!)
	ok=
	for _ in $(seq 100); do
		reaches "${CNS[$path]}" "$ip" 80 && reaches "${CNS[$path]}" "$ip" 5201 && { ok=1; break; }
		sleep 0.1
	done
	[ -n "$ok" ] || die "$path: ${CNS[$path]} cannot reach $ip over TCP (80, 5201)"
done

# --- measuring ---
cpu_sample() { grep "^cpu$CPU_SUT " /proc/stat; }
# busy BEFORE AFTER: the CPU's busy share (not idle, not iowait) between two samples, in %.
busy() {
	awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); t = 0
		for (i = 2; i <= 9; i++) t += y[i] - x[i]
		id = (y[5] - x[5]) + (y[6] - x[6]); printf "%d", (t > 0) ? 100 * (t - id) / t : 0 }'
}
idle_pct() { # the whole machine's idle share over 1 s
	local a b
	a=$(head -1 /proc/stat); sleep 1; b=$(head -1 /proc/stat)
	echo $((100 - $(busy "$a" "$b")))
}
quiet=
wait_quiet() {
	local start=$SECONDS p
	while :; do
		p=$(idle_pct)
		[ "$p" -ge "$QUIET_IDLE" ] && { quiet=; return 0; }
		[ $((SECONDS - start)) -ge "$QUIET_MAX" ] && { quiet=" machine busy before: idle $p%"; return 0; }
		sleep 2
	done
}
# measure PATH TEST: sets v (the figure), cpu1 (CPU_SUT's busy %) and extra.
measure() {
	local path=$1 test=$2 c=${CNS[$1]} ip=${SIP[$1]} s0 s1 out hdr=()
	wait_quiet
	s0=$(cpu_sample)
	case $test in
	tcp_gbit_s)
		out=$(ip netns exec "$c" taskset -c "$CPU_LOAD" iperf3 -c "$ip" -p 5201 -t "$DUR" -J) ||
			die "$path: iperf3 failed: $out"
		s1=$(cpu_sample)
		v=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.2f" % (d["end"]["sum_received"]["bits_per_second"]/1e9))' <<<"$out")
		extra=" retransmits $(python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_sent"].get("retransmits",0))' <<<"$out")"
		;;
	conn_per_s | keepalive_req_s)
		[ "$test" = conn_per_s ] && hdr=(-H "Connection: close")
		out=$(ip netns exec "$c" taskset -c "$CPU_LOAD" wrk -t1 -c50 -d"${DUR}s" "${hdr[@]}" "http://$ip/") ||
			die "$path: wrk failed: $out"
		s1=$(cpu_sample)
		v=$(awk '/Requests\/sec/ { printf "%d", $2 }' <<<"$out")
		[ -n "$v" ] || die "$path: no Requests/sec from wrk: $out"
		extra=" errors $(awk '/Socket errors/ { gsub(",", ""); s = $4 + $6 + $8 + $10 } /Non-2xx/ { s += $5 } END { print s + 0 }' <<<"$out")"
		if [ "$test" = conn_per_s ] && [ "$path" = vpc ]; then
			extra+=" router_conntrack $(ip netns exec "$P$vpc" cat /proc/sys/net/netfilter/nf_conntrack_count 2>/dev/null || echo '?')"
		fi
		;;
	esac
	cpu1=$(busy "$s0" "$s1")
}

TESTS=(tcp_gbit_s conn_per_s keepalive_req_s)
PATHS=(vpc peer routed)
declare -A vals cpus ratios rratios this
echo "== vpc: $a -> $b (10.0.2.10) through $vpc; peer: $PA -> $PB (10.250.9.2) over one veth pair;" \
	"routed: $RC -> $RR -> $RS (10.250.11.10)"
echo "== $ROUNDS rounds, $DUR s per measurement; clients on CPU$CPU_LOAD, servers on CPU$CPU_SUT"
ratio() { awk -v v="$1" -v p="$2" 'BEGIN { printf "%.3f", (p > 0) ? v / p : 0 }'; }
for r in $(seq "$ROUNDS"); do
	# The paths take turns going first.
	order=("${PATHS[@]:$(((r - 1) % 3))}" "${PATHS[@]:0:$(((r - 1) % 3))}")
	for t in "${TESTS[@]}"; do
		for path in "${order[@]}"; do
			measure "$path" "$t"
			this[$path]=$v
			vals[$t,$path]+="$v "
			cpus[$t,$path]+="$cpu1 "
			printf 'round %d %-6s %-15s %10s  cpu%d_busy %d%%%s%s\n' \
				"$r" "$path" "$t" "$v" "$CPU_SUT" "$cpu1" "$extra" "$quiet"
		done
		ratios[$t]+="$(ratio "${this[vpc]}" "${this[peer]}") "
		rratios[$t]+="$(ratio "${this[vpc]}" "${this[routed]}") "
	done
done
med() { tr ' ' '\n' <<<"$1" | grep . | median; }
echo "ratios vpc/peer per round: $(for t in "${TESTS[@]}"; do printf '%s %s ' "$t" "${ratios[$t]% }"; done)"
echo "ratios vpc/routed per round: $(for t in "${TESTS[@]}"; do printf '%s %s ' "$t" "${rratios[$t]% }"; done)"
for t in "${TESTS[@]}"; do
	echo "median cpu${CPU_SUT}_busy_pct $t vpc $(med "${cpus[$t,vpc]}") peer $(med "${cpus[$t,peer]}")" \
		"routed $(med "${cpus[$t,routed]}")"
done
for t in "${TESTS[@]}"; do
	echo "median $t vpc $(med "${vals[$t,vpc]}") peer $(med "${vals[$t,peer]}") routed" \
		"$(med "${vals[$t,routed]}") ratio_vpc_peer $(med "${ratios[$t]}")" \
		"ratio_vpc_routed $(med "${rratios[$t]}")"
done
