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
# Prints one line per measurement (with CPU1's busy share over it, the CPU
# time of the client, the server and the softirq threads per request or MB,
# and for conn_per_s the VPC router's conntrack entries), then the medians
# per path
# and the median of the rounds' ratios vpc/peer. Needs root, iperf3, wrk and
# nginx (make bench-deps). Everything it makes is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
NAME=bench/dataplane/traffic
B=${B:-build}
. bench/netns.sh
bench_begin vbt
for c in iperf3 wrk nginx; do
	command -v "$c" >/dev/null || die "needs $c (make bench-deps installs it)"
done
command -v nft >/dev/null || die "needs nft (make deps)"
make --no-print-directory "$B/vpced" "$B/vpce" >&2
PA=vbt$$peer-a
PB=vbt$$peer-b
RC=vbt$$rt-c
RR=vbt$$rt-r
RS=vbt$$rt-s
own_ns=("$PA" "$PB" "$RC" "$RR" "$RS")

# --- the VPC: vpced with its data plane, built with the aws CLI ---
vpced_start
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
ns_wait "$P$a" "$P$b"

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
ns_routed "$RC" "$RR" "$RS" 10.250.10 10.250.11
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
for n in "$P$a" "$P$b" "$PA" "$PB" "$RC" "$RS"; do ns_sysctls "$n"; done

# --- the servers, on CPU_SUT, for the whole run ---
for path in vpc peer routed; do
	ns=${SNS[$path]} ip=${SIP[$path]}
	servers_start "$path" "$ns" "$ip" 80
	ok=
	for _ in $(seq 100); do
		reaches "${CNS[$path]}" "$ip" 80 && reaches "${CNS[$path]}" "$ip" 5201 && { ok=1; break; }
		sleep 0.1
	done
	[ -n "$ok" ] || die "$path: ${CNS[$path]} cannot reach $ip over TCP (80, 5201)"
done

# --- measuring ---
# measure PATH TEST: sets v (the figure), cpu1 (CPU_SUT's busy %) and extra.
measure() {
	local s0 s1
	wait_quiet
	s0=$(cpu_sample "$CPU_SUT")
	traffic "$2" "${CNS[$1]}" "${SIP[$1]}" 80 ${server_pids[$1]}
	s1=$(cpu_sample "$CPU_SUT")
	if [ "$2" = conn_per_s ] && [ "$1" = vpc ]; then
		extra+=" router_conntrack $(ip netns exec "$P$vpc" cat /proc/sys/net/netfilter/nf_conntrack_count 2>/dev/null || echo '?')"
	fi
	cpu1=$(busy "$s0" "$s1")
}

TESTS=(tcp_gbit_s conn_per_s keepalive_req_s)
PATHS=(vpc peer routed)
declare -A vals cpus ratios rratios this
echo "== vpc: $a -> $b (10.0.2.10) through $vpc; peer: $PA -> $PB (10.250.9.2) over one veth pair;" \
	"routed: $RC -> $RR -> $RS (10.250.11.10)"
echo "== $ROUNDS rounds, $DUR s per measurement; clients on CPU$CPU_LOAD, servers on CPU$CPU_SUT"
for r in $(seq "$ROUNDS"); do
	# The paths take turns going first.
	order=("${PATHS[@]:$(((r - 1) % 3))}" "${PATHS[@]:0:$(((r - 1) % 3))}")
	for t in "${TESTS[@]}"; do
		for path in "${order[@]}"; do
			measure "$path" "$t"
			this[$path]=$v
			vals[$t,$path]+="$v "
			cpus[$t,$path]+="$cpu1 "
			printf 'round %d %-6s %-15s %10s  cpu%d_busy %d%% cpu_us_per_unit %s%s%s\n' \
				"$r" "$path" "$t" "$v" "$CPU_SUT" "$cpu1" "$cost" "$extra" "$quiet"
		done
		ratios[$t]+="$(ratio "${this[vpc]}" "${this[peer]}") "
		rratios[$t]+="$(ratio "${this[vpc]}" "${this[routed]}") "
	done
done
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
