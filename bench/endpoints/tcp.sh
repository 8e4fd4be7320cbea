#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What an interface endpoint made by vpced --dataplane costs real TCP, against
# the two ways a service is put behind an address between namespaces without
# vpce, in the same run (docs/benchmarks.md):
#   endpoint: instance A (10.0.1.10, subnet 10.0.1.0/24) to the ENI of an
#         interface endpoint for SQS in A's subnet, port 5201 or 8080: A's
#         veth, the subnet's bridge, the VPC's router (the endpoint's
#         prerouting chain, the security groups, the translation to the
#         ENI's address in the region, without conntrack; after a
#         connection's SYN, the fast path), pl0, the region's namespace,
#         where the servers listen on every address (the fronts take an
#         ENI's connections at its address there). vpced's own fronts (80,
#         443) are not in the path: this is the endpoint's packet path
#         alone. One security group, admitting all TCP from 10.0.0.0/16,
#         for the instance and the endpoint.
#   kernel: a client namespace (10.250.20.10) and a server namespace
#         (10.250.21.10), each joined by a veth pair to a router namespace
#         that forwards, no NAT and no ruleset (so no conntrack): the
#         peers' kernel forwarding (shared/peers, "direct").
#   haproxy: HAProxy 2.6 in TCP mode in that router namespace, listening on
#         10.250.20.100 (an address of its own there, as an endpoint's) and
#         connecting to 10.250.21.10, one thread, with splice-request and
#         splice-response (the peers' "haproxy-splice" settings).
#   dnat: not a target, the floor under any endpoint made of kernel NAT:
#         another client, router and server like kernel's, the router
#         translating 10.250.22.100 to the server (10.250.23.10) with
#         nftables DNAT and masquerade, so with conntrack (the peers'
#         "nftdnat", at the kernel's own conntrack settings, as the VPC's
#         router has them). What the endpoint costs beyond it is vpce's own.
# Tests, as bench/dataplane/traffic.sh runs them: the load generator in the
# client namespace pinned to CPU0 (CPU_LOAD), the servers pinned to CPU1
# (CPU_SUT), HAProxy on CPU_PROXY (CPU_SUT by default, the peers' place for
# a proxy);
#   tcp_gbit_s       iperf3, one stream, DUR s: end.sum_received, Gbit/s;
#   conn_per_s       wrk -t1 -c50 -H "Connection: close" against nginx
#                    (worker_processes 1, `return 200`) on port 8080: new
#                    connections/s;
#   keepalive_req_s  the same wrk with keep-alive: requests/s.
# Every client and server namespace gets the peers' sysctls
# (ip_local_port_range 10000 65000, tcp_tw_reuse 1, somaxconn and
# tcp_max_syn_backlog 8192; the region's namespace too, as it holds the
# endpoint's servers); the VPC's router is left as vpced made it. ROUNDS (5)
# rounds, the path that goes first rotating each round, DUR (10) s per
# measurement, each after waiting (at most QUIET_MAX, 20 s) for the machine to
# be QUIET_IDLE (90) % idle. Prints one line per measurement (both CPUs'
# busy shares over it; the CPU time of the client, the servers, HAProxy and
# the softirq threads per connection, request or MB of iperf3, which other
# load on the machine changes less than it does the rates; for conn_per_s
# the routers' conntrack entries), the medians per path, the medians of the
# rounds' ratios endpoint/kernel (target 0.9), endpoint/haproxy (target
# 1.0) and endpoint/dnat, and the machine's median idle share before the
# measurements. Needs root, iperf3, wrk, nginx and haproxy (make
# bench-deps). Everything it makes is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
NAME=bench/endpoints/tcp
B=${B:-build}
. bench/netns.sh
CPU_PROXY=${CPU_PROXY:-$CPU_SUT}
bench_begin vbe
for c in iperf3 wrk nginx haproxy nft; do
	command -v "$c" >/dev/null || die "needs $c (make bench-deps installs it)"
done
make --no-print-directory "$B/vpced" "$B/vpce" >&2
KC=vbe$$k-c
KR=vbe$$k-r
KS=vbe$$k-s
DC=vbe$$d-c
DR=vbe$$d-r
DS=vbe$$d-s
own_ns=("$KC" "$KR" "$KS" "$DC" "$DR" "$DS")

NGINX_PORT=8080

# --- the endpoint: vpced with its data plane, built with the aws CLI ---
vpced_start
AMI=ami-0123456789abcdef0
vpc=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId)
s1=$(ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.0.1.0/24 --availability-zone us-east-1a \
	--query Subnet.SubnetId)
sg=$(ec2 create-security-group --group-name bench --description bench --vpc-id "$vpc" --query GroupId)
ec2 authorize-security-group-ingress --group-id "$sg" --protocol tcp --port 0-65535 \
	--cidr 10.0.0.0/16 >/dev/null
a=$(ec2 run-instances --image-id "$AMI" --subnet-id "$s1" --private-ip-address 10.0.1.10 \
	--security-group-ids "$sg" --query 'Instances[0].InstanceId')
ep=$(ec2 create-vpc-endpoint --vpc-id "$vpc" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.us-east-1.sqs --subnet-ids "$s1" --security-group-ids "$sg" \
	--no-private-dns-enabled --query VpcEndpoint.VpcEndpointId)
eni=$(ec2 describe-vpc-endpoints --vpc-endpoint-ids "$ep" --query 'VpcEndpoints[0].NetworkInterfaceIds[0]')
ENI_IP=$(ec2 describe-network-interfaces --network-interface-ids "$eni" \
	--query 'NetworkInterfaces[0].PrivateIpAddress')
REGION_NS=${P}region
ns_wait "$P$a" "$P$vpc" "$REGION_NS"

# --- the peers: client, router, server; the router forwards, HAProxy listens there ---
ns_routed "$KC" "$KR" "$KS" 10.250.20 10.250.21
ip -n "$KR" addr add 10.250.20.100/32 dev c0

# --- the NAT floor: the same, translated by the router ---
ns_routed "$DC" "$DR" "$DS" 10.250.22 10.250.23
ip -n "$DR" addr add 10.250.22.100/32 dev c0
ip netns exec "$DR" nft -f - <<EOF
table ip natfloor {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr 10.250.22.100 tcp dport { 5201, $NGINX_PORT } dnat to 10.250.23.10
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip daddr 10.250.23.10 oifname "s0" masquerade
	}
}
EOF
for n in "$P$a" "$REGION_NS" "$KC" "$KS" "$DC" "$DS"; do ns_sysctls "$n"; done

# path -> client namespace, the address it connects to
declare -A CNS=([endpoint]="$P$a" [kernel]="$KC" [haproxy]="$KC" [dnat]="$DC")
declare -A DST=([endpoint]="$ENI_IP" [kernel]=10.250.21.10 [haproxy]=10.250.20.100 [dnat]=10.250.22.100)

# --- the servers, on CPU_SUT, for the whole run ---
servers_start endpoint "$REGION_NS" 0.0.0.0 "$NGINX_PORT"
servers_start kernel "$KS" 10.250.21.10 "$NGINX_PORT"
servers_start dnat "$DS" 10.250.23.10 "$NGINX_PORT"
cat >"$tmp/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 5000
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option splice-request
  option splice-response
listen iperf3
  bind 10.250.20.100:5201
  maxconn 5000
  server s1 10.250.21.10:5201
listen http
  bind 10.250.20.100:$NGINX_PORT
  maxconn 5000
  server s1 10.250.21.10:$NGINX_PORT
EOF
ip netns exec "$KR" taskset -c "$CPU_PROXY" haproxy -db -f "$tmp/haproxy.cfg" >"$tmp/haproxy.log" 2>&1 &
servers+=($!)
# path -> the processes on it besides the client (their CPU time counts)
declare -A ON_PATH=([endpoint]="${server_pids[endpoint]}" [kernel]="${server_pids[kernel]}"
	[haproxy]="${server_pids[kernel]} $!" [dnat]="${server_pids[dnat]}")
for path in endpoint kernel haproxy dnat; do
	ok=
	for _ in $(seq 100); do
		reaches "${CNS[$path]}" "${DST[$path]}" "$NGINX_PORT" &&
			reaches "${CNS[$path]}" "${DST[$path]}" 5201 && { ok=1; break; }
		sleep 0.1
	done
	[ -n "$ok" ] || die "$path: ${CNS[$path]} cannot reach ${DST[$path]} (ports $NGINX_PORT, 5201)"
done

# --- measuring ---
# measure PATH TEST: sets v (the figure), cost (CPU us a request or MB), busy0 and busy1
# (the CPUs' busy %) and extra.
measure() {
	local a0 a1 b0 b1
	wait_quiet
	a0=$(cpu_sample "$CPU_LOAD") a1=$(cpu_sample "$CPU_SUT")
	traffic "$2" "${CNS[$1]}" "${DST[$1]}" "$NGINX_PORT" ${ON_PATH[$1]}
	b0=$(cpu_sample "$CPU_LOAD") b1=$(cpu_sample "$CPU_SUT")
	if [ "$2" = conn_per_s ] && [ "$1" = endpoint ]; then
		extra+=" router_conntrack $(ip netns exec "$P$vpc" cat /proc/sys/net/netfilter/nf_conntrack_count 2>/dev/null || echo '?')"
	elif [ "$2" = conn_per_s ] && [ "$1" = dnat ]; then
		extra+=" router_conntrack $(ip netns exec "$DR" cat /proc/sys/net/netfilter/nf_conntrack_count 2>/dev/null || echo '?')"
	fi
	busy0=$(busy "$a0" "$b0") busy1=$(busy "$a1" "$b1")
}

TESTS=(tcp_gbit_s conn_per_s keepalive_req_s)
declare -A UNIT=([tcp_gbit_s]=MB [conn_per_s]=conn [keepalive_req_s]=req)
PEERS=(kernel haproxy dnat)
PATHS=(endpoint "${PEERS[@]}")
declare -A vals costs cpus0 cpus1 ratios this
echo "== endpoint: $a -> $ENI_IP ($ep) -> the ENI's address in $REGION_NS; kernel: $KC -> $KR -> $KS" \
	"(10.250.21.10); haproxy: $KC -> 10.250.20.100 (HAProxy in $KR) -> 10.250.21.10;" \
	"dnat: $DC -> 10.250.22.100 (DNAT in $DR) -> 10.250.23.10"
echo "== $ROUNDS rounds, $DUR s per measurement; clients on CPU$CPU_LOAD, servers on CPU$CPU_SUT," \
	"HAProxy on CPU$CPU_PROXY"
n=${#PATHS[@]}
for r in $(seq "$ROUNDS"); do
	# The paths take turns going first.
	order=("${PATHS[@]:$(((r - 1) % n))}" "${PATHS[@]:0:$(((r - 1) % n))}")
	for t in "${TESTS[@]}"; do
		for path in "${order[@]}"; do
			measure "$path" "$t"
			this[$path]=$v
			vals[$t,$path]+="$v "
			cpus0[$t,$path]+="$busy0 "
			cpus1[$t,$path]+="$busy1 "
			costs[$t,$path]+="$cost "
			printf 'round %d %-8s %-15s %10s  cpu_us_per_%s %6s  cpu%d_busy %d%% cpu%d_busy %d%% idle_before %d%%%s%s\n' \
				"$r" "$path" "$t" "$v" "${UNIT[$t]}" "$cost" "$CPU_LOAD" "$busy0" "$CPU_SUT" "$busy1" \
				"$idle_before" "$extra" "$quiet"
		done
		for p in "${PEERS[@]}"; do ratios[$t,$p]+="$(ratio "${this[endpoint]}" "${this[$p]}") "; done
	done
done
for p in "${PEERS[@]}"; do
	echo "ratios endpoint/$p per round: $(for t in "${TESTS[@]}"; do printf '%s %s ' "$t" "${ratios[$t,$p]% }"; done)"
done
for t in "${TESTS[@]}"; do
	printf 'median busy_pct %s' "$t"
	for path in "${PATHS[@]}"; do
		printf ' %s cpu%d %s cpu%d %s' "$path" "$CPU_LOAD" "$(med "${cpus0[$t,$path]}")" \
			"$CPU_SUT" "$(med "${cpus1[$t,$path]}")"
	done
	echo
done
echo "median idle_before_pct $(med "$idles")"
for t in "${TESTS[@]}"; do
	printf 'median %s' "$t"
	for path in "${PATHS[@]}"; do printf ' %s %s' "$path" "$(med "${vals[$t,$path]}")"; done
	for p in "${PEERS[@]}"; do printf ' ratio_endpoint_%s %s' "$p" "$(med "${ratios[$t,$p]}")"; done
	echo
	printf 'median cpu_us_per_%s %s' "${UNIT[$t]}" "$t"
	for path in "${PATHS[@]}"; do printf ' %s %s' "$path" "$(med "${costs[$t,$path]}")"; done
	echo
done
