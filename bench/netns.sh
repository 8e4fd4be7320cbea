# SPDX-License-Identifier: MIT
# Sourced by the benchmarks that run traffic between namespaces
# (bench/dataplane/traffic.sh, bench/endpoints/): vpced with its data plane
# under a prefix of the run's own, namespaces of the peers, the servers'
# settings, iperf3 and wrk as the peers run them (shared/peers), the CPUs'
# busy shares and the waits for a quiet machine. The caller sets NAME (for
# messages) and B, then calls bench_begin; the settings below have their
# defaults here.
ROUNDS=${ROUNDS:-5}
DUR=${DUR:-10}
CPU_LOAD=${CPU_LOAD:-0}
CPU_SUT=${CPU_SUT:-1}
QUIET_IDLE=${QUIET_IDLE:-90}
QUIET_MAX=${QUIET_MAX:-20}

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER= AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

die() { echo "$NAME: $*" >&2; exit 1; }

# bench_begin PREFIX: needs root; makes tmp, names vpced's prefix P
# (PREFIX, the shell's PID, '-'), and removes on exit everything the run
# made: the processes in 'servers', vpced and its namespaces, the
# namespaces in 'own_ns' (whose names must not start with P: vpced removes
# every namespace of its prefix that its plan does not hold), the folders
# in 'own_dirs' and tmp.
pid=
port=
servers=()
own_ns=()
own_dirs=()
bench_finish() {
	local s
	for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; done
	for s in "${servers[@]}"; do wait "$s" 2>/dev/null || true; done
	vpced_stop
	for s in "${own_ns[@]}"; do ip netns del "$s" 2>/dev/null || true; done
	rm -rf "${own_dirs[@]}" "$tmp"
}
bench_begin() {
	[ "$(id -u)" = 0 ] || die "needs root"
	tmp=$(mktemp -d)
	P=$1$$-
	trap bench_finish EXIT
	trap 'exit 1' INT TERM HUP
	ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ec2() { aws --endpoint-url "http://127.0.0.1:$port" --output text ec2 "$@"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# med "V V V ...": their median.
med() { tr ' ' '\n' <<<"$1" | grep . | median; }
ratio() { awk -v v="$1" -v p="$2" 'BEGIN { printf "%.3f", (p > 0) ? v / p : 0 }'; }

# vpced_start [CMD...]: vpced with its data plane on a free loopback port,
# its state in STATE_DIR (default $tmp), run through CMD (taskset, say);
# returns once it listens.
vpced_start() {
	port=$(free_port)
	"$@" "$B/vpced" --listen "127.0.0.1:$port" --state "${STATE_DIR:-$tmp}/vpce.db" --dataplane \
		--prefix "$P" >>"$tmp/log" 2>&1 &
	pid=$!
	for _ in $(seq 400); do
		(exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || die "vpced exited: $(tail -5 "$tmp/log")"
		sleep 0.05
	done
	die "vpced did not start"
}
vpced_stop() {
	[ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
	pid=
	"$B/vpced" --teardown --prefix "$P" >/dev/null 2>&1 || true
}

# ns_wait NS...: waits for each namespace (vpced makes them after its answer).
ns_wait() {
	local n ok
	for _ in $(seq 200); do
		ok=1
		for n in "$@"; do [ -e "/run/netns/$n" ] || ok=; done
		[ -n "$ok" ] && return 0
		sleep 0.05
	done
	die "no namespaces $*: $(tail -5 "$tmp/log")"
}

# ns_routed C R S NET_C NET_S: namespaces C and S, each joined by a veth pair
# to R, which forwards: C at NET_C.10/24 (its eth0, R's c0 at NET_C.1), S at
# NET_S.10/24 (its eth0, R's s0 at NET_S.1), each routed through R.
ns_routed() {
	local n l d
	for n in "$1" "$2" "$3"; do
		ip netns add "$n"
		ip -n "$n" link set lo up
	done
	ip -n "$1" link add name eth0 type veth peer name c0 netns "$2"
	ip -n "$3" link add name eth0 type veth peer name s0 netns "$2"
	ip -n "$1" addr add "$4.10/24" dev eth0
	ip -n "$2" addr add "$4.1/24" dev c0
	ip -n "$3" addr add "$5.10/24" dev eth0
	ip -n "$2" addr add "$5.1/24" dev s0
	for l in "$1 eth0" "$2 c0" "$2 s0" "$3 eth0"; do
		read -r n d <<<"$l"
		ip -n "$n" link set "$d" up
	done
	ip -n "$1" route add default via "$4.1"
	ip -n "$3" route add default via "$5.1"
	ip netns exec "$2" sysctl -qw net.ipv4.ip_forward=1
}

# The peers' sysctls (shared/peers/common.sh) in namespace NS.
ns_sysctls() {
	ip netns exec "$1" sysctl -qw net.ipv4.ip_local_port_range="10000 65000" \
		net.ipv4.tcp_tw_reuse=1 net.core.somaxconn=8192 net.ipv4.tcp_max_syn_backlog=8192
}

# reaches NS IP PORT: a TCP connection from NS to IP:PORT succeeds.
reaches() { ip netns exec "$1" timeout 2 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null; }

# nginx_conf NAME IP PORT: $tmp/nginx-NAME/nginx.conf, the peers' nginx
# (one worker, `return 200`) on IP:PORT.
nginx_conf() {
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
    listen $2:$3 backlog=8192;
    location / { default_type text/plain; return 200 "ok\n"; }
  }
}
EOF
}

# servers_start NAME NS IP HTTP_PORT: iperf3 -s on IP:5201 and nginx
# (nginx_conf NAME) on IP:HTTP_PORT in namespace NS, pinned to CPU_SUT,
# their process IDs added to the caller's array 'servers' and kept as
# server_pids[NAME].
declare -A server_pids
servers_start() {
	nginx_conf "$1" "$3" "$4"
	ip netns exec "$2" taskset -c "$CPU_SUT" iperf3 -s -B "$3" -p 5201 >"$tmp/iperf3-$1.log" 2>&1 &
	servers+=($!)
	server_pids[$1]=$!
	ip netns exec "$2" taskset -c "$CPU_SUT" nginx -e "$tmp/nginx-$1/error.log" \
		-c "$tmp/nginx-$1/nginx.conf" >"$tmp/nginx-$1.log" 2>&1 &
	servers+=($!)
	server_pids[$1]+=" $!"
}

# cpu_ticks PID...: the CPU time (user and system, in clock ticks) of these
# processes, their children, and the kernel's softirq threads, which do the
# packets' work that the senders' own contexts do not.
cpu_ticks() {
	local p t=0 f
	for p in "$@" $(pgrep -d ' ' -P "$(tr ' ' , <<<"$*")") $(pgrep -d ' ' '^ksoftirqd/'); do
		read -r f 2>/dev/null <"/proc/$p/stat" || continue
		f=${f##*) }
		set -- $f
		t=$((t + ${12} + ${13}))
	done
	echo "$t"
}

# traffic TEST NS IP HTTP_PORT [PID...]: one measurement from NS on
# CPU_LOAD, DUR s; sets v (the figure), extra (its errors) and cost: the CPU
# time of the client, the PIDs (the servers and whatever else is on the
# path) and the softirq threads, in microseconds per request (wrk) or per
# megabyte (iperf3): a measure of the path's work that another load on
# the machine does not change. TEST is tcp_gbit_s (iperf3, one stream:
# Gbit/s received), conn_per_s (wrk -t1 -c50 with Connection: close: new
# connections/s) or keepalive_req_s (the same with keep-alive: requests/s).
traffic() {
	local test=$1 ns=$2 ip=$3 port=$4 out hdr=() t0 t1 units client
	shift 4
	t0=$(cpu_ticks "$@")
	case $test in
	tcp_gbit_s)
		out=$(ip netns exec "$ns" taskset -c "$CPU_LOAD" iperf3 -c "$ip" -p 5201 -t "$DUR" -J &&
			times) || die "iperf3 to $ip failed: $out"
		v=$(python3 -c 'import json,sys; d=json.JSONDecoder().raw_decode(sys.stdin.read())[0]; print("%.2f" % (d["end"]["sum_received"]["bits_per_second"]/1e9))' <<<"$out")
		units=$(python3 -c 'import json,sys; d=json.JSONDecoder().raw_decode(sys.stdin.read())[0]; print(d["end"]["sum_received"]["bytes"] / 1e6)' <<<"$out")
		extra=" retransmits $(python3 -c 'import json,sys; print(json.JSONDecoder().raw_decode(sys.stdin.read())[0]["end"]["sum_sent"].get("retransmits",0))' <<<"$out")"
		;;
	conn_per_s | keepalive_req_s)
		[ "$test" = conn_per_s ] && hdr=(-H "Connection: close")
		out=$(ip netns exec "$ns" taskset -c "$CPU_LOAD" wrk -t1 -c50 -d"${DUR}s" "${hdr[@]}" \
			"http://$ip:$port/" && times) || die "wrk to $ip failed: $out"
		v=$(awk '/Requests\/sec/ { printf "%d", $2 }' <<<"$out")
		[ -n "$v" ] || die "no Requests/sec from wrk to $ip: $out"
		units=$(awk '/ requests in / { print $1 }' <<<"$out")
		extra=" errors $(awk '/Socket errors/ { gsub(",", ""); s = $4 + $6 + $8 + $10 } /Non-2xx/ { s += $5 } END { print s + 0 }' <<<"$out")"
		;;
	*) die "no test '$test'" ;;
	esac
	t1=$(cpu_ticks "$@")
	# The last line of 'times': the children's user and system time, "0m1.234s 0m0.567s".
	client=$(tail -1 <<<"$out" | awk '{ n = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); n += a[1] * 60 + a[2] } print n }')
	cost=$(awk -v c="$client" -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v u="$units" \
		'BEGIN { printf "%.1f", (u > 0) ? (c + t / hz) * 1e6 / u : 0 }')
}

# --- CPU shares and quiet waits ---
cpu_sample() { grep "^cpu$1 " /proc/stat; }
# busy BEFORE AFTER: the busy share (not idle, not iowait) between two /proc/stat lines, in %.
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
# wait_quiet: waits (at most QUIET_MAX s) for the machine to be QUIET_IDLE %
# idle; sets idle_before (the last 1 s idle share), adds it to 'idles', and
# sets 'quiet' to a note when the machine never was.
quiet=
idle_before=
idles=
wait_quiet() {
	local start=$SECONDS
	while :; do
		idle_before=$(idle_pct)
		[ "$idle_before" -ge "$QUIET_IDLE" ] && { quiet=; break; }
		[ $((SECONDS - start)) -ge "$QUIET_MAX" ] &&
			{ quiet=" machine busy before: idle $idle_before%"; break; }
		sleep 2
	done
	idles+="$idle_before "
}
