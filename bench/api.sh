#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vpced against moto_server in the same run, on this machine: the server on
# CPU_SUT (1), the load client (build/bench/api_load) on CPU_LOAD (0), as in
# /work/shared/peers. Scenarios (SCENARIOS, default all four):
#   describe  DescribeVpcEndpoints, 100 interface endpoints in one VPC
#   pairs     CreateVpcEndpoint + DeleteVpcEndpoints of it (Interface, 2 subnets)
#   small     DescribeVpcEndpoints of one endpoint by ID, by api_load and, when
#             installed, by wrk -t1 -c50 as the peers' http_api_bench.sh runs it
#   rss       vpced's VmRSS with RSS_ENDPOINTS (10,000) endpoints, and after a restart
# Each server starts fresh (empty state) for each scenario, on a free loopback
# port. moto is a peer, not a dependency: without it the moto column is "-".
# env: DUR (s per run, 5), RUNS (3), WRK_RUNS (1), CONNS (16), WARM (s, 1),
#      RSS_ENDPOINTS, RSS_MOTO=1 (also fill moto for the rss scenario),
#      OUT (results folder), QUIET_IDLE (% idle wanted before a run, 90),
#      QUIET_MAX (s to wait for it, 10), NICE (priority of server and client;
#      with autogroup scheduling it only counts within this session).
# docs/benchmarks.md has the figures and what limits each.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
VPCED=$ROOT/$B/vpced
LOAD=$ROOT/$B/bench/api_load
DUR=${DUR:-5}
RUNS=${RUNS:-3}
CONNS=${CONNS:-16}
WARM=${WARM:-1}
RSS_ENDPOINTS=${RSS_ENDPOINTS:-10000}
RSS_MOTO=${RSS_MOTO:-0}
WRK_RUNS=${WRK_RUNS:-1}
SCENARIOS=${SCENARIOS:-describe pairs small rss}
CPU_LOAD=${CPU_LOAD:-0}
CPU_SUT=${CPU_SUT:-1}
QUIET_IDLE=${QUIET_IDLE:-90}
QUIET_MAX=${QUIET_MAX:-10}
NICE=${NICE:-0}
OUT=${OUT:-$ROOT/$B/bench/api-$(date +%Y%m%dT%H%M%S)}
SQS=com.amazonaws.us-east-1.sqs
V=Version=2016-11-15
HZ=$(getconf CLK_TCK)

for f in "$VPCED" "$LOAD"; do
	[ -x "$f" ] || { echo "api.sh: $f missing; run 'make all $B/bench/api_load'" >&2; exit 1; }
done
mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vpce-bench.XXXXXX")
SRV_PID=
: >"$OUT/summary.tsv"
: >"$OUT/commands.log"

cleanup() {
	[ -n "$SRV_PID" ] && stop_server
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log_cmd() { printf '%s\t%s\n' "$(date +%T)" "$*" >>"$OUT/commands.log"; }

# The real program behind a pyenv shim, so that its PID is the server's.
MOTO=
if command -v moto_server >/dev/null 2>&1; then
	MOTO=$(command -v moto_server)
	if command -v pyenv >/dev/null 2>&1 && pyenv which moto_server >/dev/null 2>&1; then
		MOTO=$(pyenv which moto_server)
	fi
else
	echo "moto not found, skipping"
fi
SERVERS="vpced${MOTO:+ moto}"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits until SRV_PID itself listens on PORT (another daemon may hold a guessed port).
wait_listening() {
	local i
	for i in $(seq 1 300); do
		if ! kill -0 "$SRV_PID" 2>/dev/null; then
			echo "api.sh: $1 exited at start:" >&2
			tail -5 "$TMP/$1.log" >&2
			SRV_PID=
			return 1
		fi
		ss -Hltnp "sport = :$PORT" 2>/dev/null | grep -q "pid=$SRV_PID," && return 0
		sleep 0.1
	done
	echo "api.sh: $1 did not listen on $PORT" >&2
	return 1
}

# start_server vpced|moto [STATE]: sets SRV_PID, PORT, ADDR.
start_server() {
	PORT=$(free_port)
	ADDR=127.0.0.1:$PORT
	case $1 in
	vpced)
		log_cmd "taskset -c $CPU_SUT nice -n $NICE $VPCED --listen $ADDR --state ${2:-$TMP/vpce.db} --no-dataplane"
		taskset -c "$CPU_SUT" nice -n "$NICE" "$VPCED" --listen "$ADDR" --state "${2:-$TMP/vpce.db}" --no-dataplane >>"$TMP/vpced.log" 2>&1 &
		;;
	moto)
		# moto 5 serves every service at once; moto 1-2 took the service as an argument.
		local svc=
		"$MOTO" --help 2>&1 | grep -q '{.*ec2' && svc=ec2
		log_cmd "taskset -c $CPU_SUT nice -n $NICE $MOTO $svc -H 127.0.0.1 -p $PORT"
		taskset -c "$CPU_SUT" nice -n "$NICE" "$MOTO" $svc -H 127.0.0.1 -p "$PORT" >>"$TMP/moto.log" 2>&1 &
		;;
	esac
	SRV_PID=$!
	wait_listening "$1"
}

stop_server() {
	kill -TERM "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	SRV_PID=
}

load() { taskset -c "$CPU_LOAD" nice -n "$NICE" "$LOAD" -a "$ADDR" "$@"; }
# call BODY: one request; the answer's body on stdout; fails on any error.
call() {
	local out
	out=$(load call "$1") || { echo "api.sh: request failed: $1" >&2; exit 1; }
	printf '%s' "$out"
}
text_of() { grep -o "<$1>[^<]*" | head -1 | cut -d'>' -f2; }

# make_vpc N [dns]: a VPC 10.N.0.0/16 with /20 subnets in zones a, b, c;
# prints "VPC SUBNET_A SUBNET_B SUBNET_C".
make_vpc() {
	local vpc s=() z i=0
	vpc=$(call "Action=CreateVpc&$V&CidrBlock=10.$1.0.0/16" | text_of vpcId)
	[ "${2:-}" = dns ] && call "Action=ModifyVpcAttribute&$V&VpcId=$vpc&EnableDnsHostnames.Value=true" >/dev/null
	for z in a b c; do
		s+=("$(call "Action=CreateSubnet&$V&VpcId=$vpc&CidrBlock=10.$1.$((16 * i)).0/20&AvailabilityZone=us-east-1$z" | text_of subnetId)")
		i=$((i + 1))
	done
	echo "$vpc ${s[*]}"
}

# The setup runs in subshells, where 'exit' stops only the subshell: check its output.
need_vpc() {
	[[ ${4:-} == subnet-* ]] || { echo "api.sh: setup of a VPC failed on $ADDR" >&2; exit 1; }
}

# endpoint_body VPC PRIVATE_DNS SUBNET...
endpoint_body() {
	local vpc=$1 dns=$2 i=1 s body
	shift 2
	body="Action=CreateVpcEndpoint&$V&VpcId=$vpc&VpcEndpointType=Interface&ServiceName=$SQS&PrivateDnsEnabled=$dns"
	for s in "$@"; do body+="&SubnetId.$i=$s"; i=$((i + 1)); done
	echo "$body"
}

# batch FILE: every line once; fails on any error.
batch() {
	local out
	out=$(load -c "$CONNS" batch "$1") || { echo "api.sh: setup failed: $out" >&2; exit 1; }
	echo "$out"
}

cpu_lines() { grep -E "^cpu($CPU_LOAD|$CPU_SUT) " /proc/stat; }
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
idle_pct() {
	local a b
	a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
	awk -v a="${a[*]}" -v b="${b[*]}" 'BEGIN{split(a,x," ");split(b,y," ");t=0;
		for(i=2;i<=9;i++)t+=y[i]-x[i]; id=(y[5]-x[5])+(y[6]-x[6]); printf "%d", (t>0)?100*id/t:100}'
}
wait_quiet() {
	local start=$SECONDS p
	while :; do
		p=$(idle_pct)
		[ "$p" -ge "$QUIET_IDLE" ] && { QUIET=$p; return; }
		[ $((SECONDS - start)) -ge "$QUIET_MAX" ] && { QUIET="$p(busy)"; return; }
	done
}

# measure LABEL ARGS...: one run of the load client; appends its key=value
# line plus the server's CPU share and both cores' busy share to $TMP/LABEL.
measure() {
	local label=$1 s0 s1 t0 t1 w0 w1 line busy
	shift
	wait_quiet
	s0=$(cpu_lines); t0=$(proc_ticks "$SRV_PID"); w0=$(date +%s.%N)
	line=$(load -c "$CONNS" -d "$DUR" -w "$WARM" "$@")
	s1=$(cpu_lines); t1=$(proc_ticks "$SRV_PID"); w1=$(date +%s.%N)
	busy=$(paste -d' ' <(echo "$s0") <(echo "$s1") | awk -v l="cpu$CPU_LOAD" '{n=NF/2; t=0; id=0;
		for(i=2;i<=n;i++){d=$(i+n)-$i; t+=d; if(i==5||i==6) id+=d}
		printf "%s_busy_pct=%d ", ($1==l)?"load_core":"server_core", (t>0)?100*(t-id)/t:0}')
	line+=" server_cpu_pct=$(awk -v a="$t0" -v b="$t1" -v w0="$w0" -v w1="$w1" -v hz="$HZ" \
		'BEGIN{printf "%.0f", 100*(b-a)/hz/(w1-w0)}') $busy idle_before=$QUIET"
	log_cmd "taskset -c $CPU_LOAD nice -n $NICE $LOAD -a $ADDR -c $CONNS -d $DUR -w $WARM $* # $line"
	echo "$line" >>"$TMP/$label"
	echo "    $line"
}

# med LABEL KEY: the median of KEY over the runs in $TMP/LABEL ("-" if none).
med() {
	[ -s "$TMP/$1" ] || { echo -; return; }
	grep -o "\b$2=[0-9.]*" "$TMP/$1" | cut -d= -f2 | sort -g |
		awk '{v[NR]=$1} END{if(!NR){print "-";exit} m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.6g\n", m}'
}

row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$OUT/summary.tsv"; }

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN{ if (b == "-" || a == "-" || b == 0) print "-"; else printf "%.0f\n", a / b }'
}

scenario_describe() {
	local srv vpc s1 s2 s3 f=$TMP/describe.txt
	echo "== describe: DescribeVpcEndpoints, 100 interface endpoints in one VPC"
	for srv in $SERVERS; do
		start_server "$srv" "$TMP/describe.db" || continue
		read -r vpc s1 s2 s3 < <(make_vpc 0 dns)
		need_vpc "$vpc" "$s1" "$s2" "$s3"
		# Only one endpoint per VPC may own the service's private DNS name.
		endpoint_body "$vpc" true "$s1" "$s2" "$s3" >"$f"
		for _ in $(seq 2 100); do endpoint_body "$vpc" false "$s1" "$s2" "$s3"; done >>"$f"
		echo "  $srv setup: $(batch "$f")"
		for r in $(seq 1 "$RUNS"); do
			measure "describe-$srv" -n vpcEndpointId=100 fixed "Action=DescribeVpcEndpoints&$V"
		done
		stop_server
	done
}

scenario_pairs() {
	local srv vpc s1 s2 s3
	echo "== pairs: CreateVpcEndpoint + DeleteVpcEndpoints (Interface, 2 subnets, private DNS off)"
	for srv in $SERVERS; do
		start_server "$srv" "$TMP/pairs.db" || continue
		read -r vpc s1 s2 s3 < <(make_vpc 0)
		need_vpc "$vpc" "$s1" "$s2" "$s3"
		for r in $(seq 1 "$RUNS"); do
			measure "pairs-$srv" pairs "$(endpoint_body "$vpc" false "$s1" "$s2")"
		done
		stop_server
	done
}

# wrk_measure LABEL BODY: wrk's keep-alive load, as /work/shared/peers/http_api_bench.sh
# runs it (-t1 -c50), with the request signed once by api_load.
wrk_measure() {
	local label=$1 out rps p99 non2xx
	"$LOAD" -a "$ADDR" sign "$2" >"$TMP/sign.lua"
	wait_quiet
	out=$(taskset -c "$CPU_LOAD" nice -n "$NICE" wrk -t1 -c50 -d"${DUR}s" --latency -s "$TMP/sign.lua" "http://$ADDR/")
	rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
	p99=$(awk '/^ +99%/{v = $2; m = 1e6
		if (v ~ /us$/) m = 1; else if (v ~ /ms$/) m = 1000
		sub(/[a-z]+$/, "", v); print v * m}' <<<"$out")
	non2xx=$(awk '/Non-2xx/{s+=$5} /Socket errors/{gsub(",","");s+=$4+$6+$8+$10} END{print s+0}' <<<"$out")
	log_cmd "taskset -c $CPU_LOAD nice -n $NICE wrk -t1 -c50 -d${DUR}s --latency -s sign.lua http://$ADDR/ # ops_per_s=$rps p99_us=$p99 errors=$non2xx"
	echo "ops_per_s=$rps p99_us=$p99 errors=$non2xx" >>"$TMP/$label"
	echo "    wrk: ops_per_s=$rps p99_us=$p99 errors=$non2xx idle_before=$QUIET"
}

scenario_small() {
	local srv vpc s1 s2 s3 ep body
	echo "== small: DescribeVpcEndpoints of one endpoint by ID (per-request cost, small answer)"
	for srv in $SERVERS; do
		start_server "$srv" "$TMP/small.db" || continue
		read -r vpc s1 s2 s3 < <(make_vpc 0)
		need_vpc "$vpc" "$s1" "$s2" "$s3"
		ep=$(call "$(endpoint_body "$vpc" false "$s1" "$s2")" | text_of vpcEndpointId)
		body="Action=DescribeVpcEndpoints&$V&VpcEndpointId.1=$ep"
		for r in $(seq 1 "$RUNS"); do
			measure "small-$srv" -n vpcEndpointId=1 fixed "$body"
		done
		if command -v wrk >/dev/null 2>&1; then
			for r in $(seq 1 "$WRK_RUNS"); do
				wrk_measure "wrk-$srv" "$body"
			done
		fi
		stop_server
	done
}

rss_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# fill N: N endpoints with 2 subnets each, 1,000 per VPC (one /16 each).
fill() {
	local n=$1 per=1000 v vpc s=() f=$TMP/fill.txt i
	: >"$f"
	for v in $(seq 0 $(((n + per - 1) / per - 1))); do
		read -r vpc s[0] s[1] s[2] < <(make_vpc "$v")
		need_vpc "$vpc" "${s[@]}"
		for i in $(seq 0 $((per - 1))); do
			[ $((v * per + i)) -lt "$n" ] || break
			endpoint_body "$vpc" false "${s[$((i % 3))]}" "${s[$(((i + 1) % 3))]}"
		done >>"$f"
	done
	batch "$f"
}

scenario_rss() {
	local st=$TMP/rss.db line t0 ms srvs=vpced
	echo "== rss: resident memory with $RSS_ENDPOINTS interface endpoints"
	[ "$RSS_MOTO" = 1 ] && srvs=$SERVERS
	for srv in $srvs; do
		start_server "$srv" "$st" || continue
		echo "  $srv idle, empty: VmRSS $(rss_kb "$SRV_PID" VmRSS) kB"
		line=$(fill "$RSS_ENDPOINTS")
		[[ $line == *errors=0* ]] || { echo "api.sh: filling $srv failed" >&2; exit 1; }
		echo "  $srv fill: $line"
		log_cmd "fill $RSS_ENDPOINTS endpoints into $srv: $line"
		echo "rss_kb=$(rss_kb "$SRV_PID" VmRSS) hwm_kb=$(rss_kb "$SRV_PID" VmHWM) create_per_s=$(grep -o 'req_per_s=[0-9.]*' <<<"$line" | cut -d= -f2)" >"$TMP/rss-$srv"
		echo "  $srv after filling: $(cat "$TMP/rss-$srv")"
		[ "$srv" = vpced ] || { stop_server; continue; }
		stop_server
		t0=$(date +%s%N)
		start_server vpced "$st" || continue
		ms=$((($(date +%s%N) - t0) / 1000000))
		echo "restart_rss_kb=$(rss_kb "$SRV_PID" VmRSS) restart_ms=$ms" >>"$TMP/rss-vpced"
		"$ROOT/$B/vpce" status --state "$st" | grep -E 'vpc-endpoint|network-interface' | sed 's/^/  after restart: /'
		# The first page of 1,000 makes the daemon build one big answer.
		line=$(call "Action=DescribeVpcEndpoints&$V&MaxResults=1000" | grep -o '<vpcEndpointId>' | wc -l)
		echo "after_describe_rss_kb=$(rss_kb "$SRV_PID" VmRSS) described=$line" >>"$TMP/rss-vpced"
		echo "  vpced after restart: $(tail -2 "$TMP/rss-vpced" | tr '\n' ' ')"
		stop_server
	done
}

{
	echo "date: $(date -Is)"
	echo "host: $(nproc) CPUs, $(lscpu | awk -F: '/Model name/{gsub(/^ +/,"",$2);print $2}'), $(uname -r)"
	echo "state file on: $(df -T "$TMP" | awk 'NR==2{print $2, $1}')"
	echo "moto: ${MOTO:-absent} $([ -n "$MOTO" ] && "$(dirname "$MOTO")/python" -c 'import moto; print(moto.__version__)' 2>/dev/null)"
	echo "vpced: $VPCED ($(cd "$ROOT" && git describe --always --dirty 2>/dev/null))"
	echo "settings: DUR=$DUR RUNS=$RUNS WRK_RUNS=$WRK_RUNS CONNS=$CONNS WARM=$WARM RSS_ENDPOINTS=$RSS_ENDPOINTS NICE=$NICE load=CPU$CPU_LOAD server=CPU$CPU_SUT"
} | tee "$OUT/env.txt"

for sc in $SCENARIOS; do
	"scenario_$sc"
done

{
	echo
	printf '%-10s %12s %10s %7s %12s %12s %9s %9s\n' scenario "vpced/s" "moto/s" ratio \
		"vpced p99us" "moto p99us" "vpced cpu" "load cpu"
	for sc in describe pairs small wrk; do
		[ -s "$TMP/$sc-vpced" ] || continue
		a=$(med "$sc-vpced" ops_per_s); b=$(med "$sc-moto" ops_per_s)
		printf '%-10s %12s %10s %7s %12s %12s %8s%% %8s%%\n' "$sc" "$a" "$b" "$(ratio "$a" "$b")" \
			"$(med "$sc-vpced" p99_us)" "$(med "$sc-moto" p99_us)" \
			"$(med "$sc-vpced" server_cpu_pct)" "$(med "$sc-vpced" client_cpu_pct)" | sed 's/ -%/  -/g' 
		row "$sc" ops_per_s "$a" "$b" "$(ratio "$a" "$b")" "$(med "$sc-vpced" p99_us)" "$(med "$sc-moto" p99_us)"
	done
	if [ -s "$TMP/rss-vpced" ]; then
		kv() { grep -o "\b$1=[0-9.]*" "$TMP/rss-$2" 2>/dev/null | cut -d= -f2; }
		moto_rss=
		if [ -n "$MOTO" ]; then
			moto_rss="; moto not filled (RSS_MOTO=1)"
			[ -s "$TMP/rss-moto" ] && moto_rss="; moto $(kv rss_kb moto) kB"
		fi
		printf '%-10s %s %s %s %s\n' rss \
			"vpced VmRSS $(kv rss_kb vpced) kB with $RSS_ENDPOINTS endpoints" \
			"(peak $(kv hwm_kb vpced) kB), $(kv restart_rss_kb vpced) kB after a restart" \
			"(listening in $(kv restart_ms vpced) ms), $(kv after_describe_rss_kb vpced) kB" \
			"after describing 1,000$moto_rss"
		row rss vmrss_kb "$(kv rss_kb vpced)" "$(kv rss_kb moto)" - "$(kv restart_rss_kb vpced)" "$(kv after_describe_rss_kb vpced)"
	fi
	echo "('pairs' counts create+delete pairs/s, the others requests/s; 'wrk' is 'small' loaded by wrk -c50;"
	echo " medians of $RUNS runs ($WRK_RUNS for wrk) of ${DUR}s; cpu: vpced's share of CPU$CPU_SUT, the load client's of CPU$CPU_LOAD)"
} | tee "$OUT/summary.txt"
cp "$TMP"/describe-* "$TMP"/pairs-* "$TMP"/small-* "$TMP"/wrk-* "$TMP"/rss-* "$OUT/" 2>/dev/null
echo "results: $OUT"
