#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What S3 through a gateway endpoint, with every policy check, costs against
# the same requests sent straight to the built-in store, in the same run
# (docs/benchmarks.md). All paths reach the same front (vpced's region
# namespace, 198.18.0.1, S3 of us-east-1, plain HTTP on port 80 so that TLS,
# the same on both, stays out) and the same store:
#   endpoint: from instance A (10.0.1.10) of a VPC whose main route table
#         holds a gateway endpoint for S3 with its default (full access)
#         policy: A's veth, the subnet's bridge, the VPC's router (the
#         prefix list's route, SNAT to the VPC's PrivateLink address), pl0,
#         the region. Signed by an IAM user's access key, whose identity
#         policy allows GetObject and PutObject on the bucket; the bucket's
#         policy allows them to that user only through this endpoint
#         (StringEquals aws:SourceVpce) and denies everything else
#         (StringNotEquals aws:SourceVpce). So the front asks the VPC's
#         conntrack which endpoint the connection came through, and the
#         policy engine decides on the identity, bucket and endpoint
#         policies with AWS's context.
#   straight: from the region's namespace itself to the same address (the
#         loopback path, no router, no translation), signed by vpced's
#         configured root key (test/test), which no identity policy limits,
#         on a second bucket with no bucket policy: no endpoint, so no
#         conntrack question and no endpoint policy; the engine decides on
#         the root's allow-everything alone.
# So only the network path and the policy work differ; the request, the
# signature check, the store and the answer are the same. This is the
# fairest "straight" there is without changing vpced: a front without its
# policy engine does not exist to compare with. A third path, not a
# target, tells the two apart:
#   policies: from the region's namespace like straight, signed by the IAM
#         user, on a third bucket whose policy has the same two statements
#         keyed on aws:SourceIp (the region's 198.18.0.0/16) instead of
#         aws:SourceVpce: the same identity and bucket policy work as the
#         endpoint's, without its network path, its conntrack question and
#         its endpoint policy.
# Tests: PutObject then GetObject of SIZES (1024 65536) bytes, each by
# build/bench/api_load (C, epoll, SigV4, the payload's hash signed as SDKs
# do over HTTP) with CONNS (16) keep-alive connections, all on one key per
# size and bucket, for DUR (10) s after 1 s of warm-up; a GET counts only
# when its bytes are the object's. The load client is pinned to CPU0
# (CPU_LOAD), vpced to CPU1 (CPU_SUT). Each PUT is an SQLite transaction
# with synchronous=FULL, so PUTs wait for the disk: the state is in a
# temporary folder, or STATE_DIR (a tmpfs takes the disk out).
# ROUNDS (5) rounds, the path that goes first rotating each round, each
# measurement after waiting (at most QUIET_MAX, 20 s) for the machine to be
# QUIET_IDLE (90) % idle. Prints one line per measurement (requests/s,
# latency, vpced's CPU share and its CPU time per request, which other load
# on the machine changes less than it does the rates), the medians per
# path and the medians of the rounds' ratios endpoint/straight (target 0.8),
# endpoint/policies and policies/straight.
# Needs root and the aws CLI. Everything it makes is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
NAME=bench/endpoints/s3
B=${B:-build}
CONNS=${CONNS:-16}
SIZES=${SIZES:-1024 65536}
. bench/netns.sh
bench_begin vbs
command -v nft >/dev/null || die "needs nft (make deps)"
make --no-print-directory "$B/vpced" "$B/vpce" "$B/bench/api_load" >&2
if [ -n "${STATE_DIR:-}" ]; then
	STATE_DIR=$(mktemp -d "$STATE_DIR/vbs.XXXXXX")
	own_dirs=("$STATE_DIR")
fi

S3_IP=198.18.0.1	# S3 of us-east-1: the first /28 of 198.18.0.0/23, plus one
REGION_NS=${P}region
ACCOUNT=000000000000

# --- the VPC, its gateway endpoint, the IAM user and the buckets ---
vpced_start taskset -c "$CPU_SUT"
vpc=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId)
s1=$(ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.0.1.0/24 --availability-zone us-east-1a \
	--query Subnet.SubnetId)
a=$(ec2 run-instances --image-id ami-0123456789abcdef0 --subnet-id "$s1" --private-ip-address 10.0.1.10 \
	--query 'Instances[0].InstanceId')
main_rt=$(ec2 describe-route-tables --filters Name=vpc-id,Values="$vpc" Name=association.main,Values=true \
	--query 'RouteTables[0].RouteTableId')
gw=$(ec2 create-vpc-endpoint --vpc-id "$vpc" --service-name com.amazonaws.us-east-1.s3 \
	--route-table-ids "$main_rt" --query VpcEndpoint.VpcEndpointId)
ns_wait "$P$a" "$P$vpc" "$REGION_NS"

EP_BUCKET=bench-endpoint-$$
ST_BUCKET=bench-straight-$$
PO_BUCKET=bench-policies-$$
iam() { aws --endpoint-url "http://127.0.0.1:$port" --output text iam "$@"; }
iam create-user --user-name bench >/dev/null
read -r AK SK <<<"$(iam create-access-key --user-name bench \
	--query 'AccessKey.[AccessKeyId,SecretAccessKey]')"
cat >"$tmp/identity.json" <<EOF
{"Version": "2012-10-17", "Statement": [
  {"Sid": "Objects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
   "Resource": ["arn:aws:s3:::$EP_BUCKET/*", "arn:aws:s3:::$PO_BUCKET/*"]},
  {"Sid": "Listing", "Effect": "Allow", "Action": "s3:ListBucket",
   "Resource": ["arn:aws:s3:::$EP_BUCKET", "arn:aws:s3:::$PO_BUCKET"]}]}
EOF
iam put-user-policy --user-name bench --policy-name s3 --policy-document "file://$tmp/identity.json"
# bucket_policy BUCKET MATCH NO_MATCH KEY VALUE: the bucket's two
# statements: the IAM user may get and put where condition MATCH holds of
# KEY and VALUE, nobody may do anything where NO_MATCH does.
bucket_policy() {
	cat <<EOF
{"Version": "2012-10-17", "Statement": [
  {"Sid": "BenchFromOurPlace", "Effect": "Allow",
   "Principal": {"AWS": "arn:aws:iam::$ACCOUNT:user/bench"},
   "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::$1/*",
   "Condition": {"$2": {"$4": "$5"}}},
  {"Sid": "OnlyFromOurPlace", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
   "Resource": ["arn:aws:s3:::$1", "arn:aws:s3:::$1/*"],
   "Condition": {"$3": {"$4": "$5"}}}]}
EOF
}
bucket_policy "$EP_BUCKET" StringEquals StringNotEquals aws:SourceVpce "$gw" >"$tmp/endpoint.json"
bucket_policy "$PO_BUCKET" IpAddress NotIpAddress aws:SourceIp 198.18.0.0/16 >"$tmp/policies.json"
# The root key, from the region: the buckets, and the one policy it may still write.
s3root() { ip netns exec "$REGION_NS" aws --endpoint-url "http://$S3_IP" --output text s3api "$@"; }
for _ in $(seq 50); do s3root create-bucket --bucket "$EP_BUCKET" >/dev/null 2>&1 && break; sleep 0.1; done
s3root create-bucket --bucket "$ST_BUCKET" >/dev/null
s3root create-bucket --bucket "$PO_BUCKET" >/dev/null
s3root put-bucket-policy --bucket "$EP_BUCKET" --policy "file://$tmp/endpoint.json"
s3root put-bucket-policy --bucket "$PO_BUCKET" --policy "file://$tmp/policies.json"

# path -> namespace the client runs in, its key
declare -A CNS=([endpoint]="$P$a" [straight]="$REGION_NS" [policies]="$REGION_NS")
declare -A KEY=([endpoint]="$AK $SK" [straight]="test test" [policies]="$AK $SK")
declare -A BKT=([endpoint]="$EP_BUCKET" [straight]="$ST_BUCKET" [policies]="$PO_BUCKET")
# load NS KEY OBJECT OP SIZE DUR CONNS WARM: api_load's figures line.
load() {
	local k s
	read -r k s <<<"$2"
	ip netns exec "$1" taskset -c "$CPU_LOAD" "$B/bench/api_load" -a "$S3_IP:80" \
		-k "$k" -s "$s" -c "$7" -d "$6" -w "$8" -z "$5" "s3$4" "$3"
}
# load_path PATH OP SIZE: CONNS connections through PATH, DUR s after 1 s of warm-up.
load_path() { load "${CNS[$1]}" "${KEY[$1]}" "${BKT[$1]}/obj-$3" "$2" "$3" "$DUR" "$CONNS" 1; }
# refused NS KEY BUCKET WHO: a GET from NS with KEY of the first size's
# object in BUCKET is answered 403.
refused() {
	local out
	out=$(load "$1" "$2" "$3/obj-${SIZES%% *}" get "${SIZES%% *}" 0.3 1 0 2>&1) &&
		die "$4 read $3: $out"
	grep -q "HTTP 403" <<<"$out" || die "expected a 403 for $4 on $3: $out"
}

# The objects, and the proof that the policies decide.
for size in $SIZES; do
	for path in endpoint straight policies; do
		out=$(load "${CNS[$path]}" "${KEY[$path]}" "${BKT[$path]}/obj-$size" put "$size" 0.5 1 0 2>&1) ||
			die "$path: PUT of $size bytes failed: $out"
	done
done
refused "$REGION_NS" "test test" "$EP_BUCKET" "the root key from the region"
refused "$REGION_NS" "$AK $SK" "$EP_BUCKET" "the IAM user from the region"
refused "$P$a" "$AK $SK" "$ST_BUCKET" "the IAM user through the endpoint"
refused "$P$a" "$AK $SK" "$PO_BUCKET" "the IAM user through the endpoint"

# --- measuring ---
clk=$(getconf CLK_TCK)
vpced_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
# measure PATH OP SIZE: sets v (requests/s), p50, p99, share (vpced's CPU %), per_req
# (vpced's CPU microseconds a request), busy0, busy1, client.
measure() {
	local a0 a1 b0 b1 t0 t1 j0 j1 out
	wait_quiet
	a0=$(cpu_sample "$CPU_LOAD") a1=$(cpu_sample "$CPU_SUT") j0=$(vpced_ticks) t0=$(date +%s%N)
	out=$(load_path "$1" "$2" "$3" 2>&1) || die "$1: $2 of $3 bytes failed: $out"
	b0=$(cpu_sample "$CPU_LOAD") b1=$(cpu_sample "$CPU_SUT") j1=$(vpced_ticks) t1=$(date +%s%N)
	v=$(sed -n 's/.* req_per_s=\([0-9.]*\).*/\1/p' <<<"$out")
	p50=$(sed -n 's/.* p50_us=\([0-9]*\).*/\1/p' <<<"$out")
	p99=$(sed -n 's/.* p99_us=\([0-9]*\).*/\1/p' <<<"$out")
	client=$(sed -n 's/.* client_cpu_pct=\([0-9]*\).*/\1/p' <<<"$out")
	[ -n "$v" ] || die "$1: no figures from api_load: $out"
	v=${v%.*}
	share=$(awk -v j="$((j1 - j0))" -v c="$clk" -v ns="$((t1 - t0))" \
		'BEGIN { printf "%d", 100 * j / c / (ns / 1e9) }')
	per_req=$(awk -v s="$share" -v r="$v" 'BEGIN { printf "%.1f", (r > 0) ? s / 100 * 1e6 / r : 0 }')
	busy0=$(busy "$a0" "$b0") busy1=$(busy "$a1" "$b1")
}

TESTS=()
for size in $SIZES; do TESTS+=("put_$size" "get_$size"); done
PATHS=(endpoint straight policies)
declare -A vals lat50 lat99 per ratios this
echo "== endpoint: $a -> $S3_IP through $gw ($vpc's PrivateLink link), IAM user bench," \
	"bucket $EP_BUCKET (policy on aws:SourceVpce); straight: $REGION_NS -> $S3_IP, root key," \
	"bucket $ST_BUCKET (no policy); policies: $REGION_NS -> $S3_IP, IAM user bench, bucket" \
	"$PO_BUCKET (policy on aws:SourceIp)"
echo "== $ROUNDS rounds, $DUR s per measurement, $CONNS connections; api_load on CPU$CPU_LOAD," \
	"vpced on CPU$CPU_SUT"
RATIOS=(endpoint/straight endpoint/policies policies/straight)
n=${#PATHS[@]}
for r in $(seq "$ROUNDS"); do
	# The paths take turns going first.
	order=("${PATHS[@]:$(((r - 1) % n))}" "${PATHS[@]:0:$(((r - 1) % n))}")
	for t in "${TESTS[@]}"; do
		for path in "${order[@]}"; do
			measure "$path" "${t%_*}" "${t#*_}"
			this[$path]=$v
			vals[$t,$path]+="$v "
			lat50[$t,$path]+="$p50 "
			lat99[$t,$path]+="$p99 "
			per[$t,$path]+="$per_req "
			printf 'round %d %-8s %-9s %8s req/s  p50 %5s us  p99 %6s us  vpced_cpu %3d%% %6s us/req  cpu%d_busy %d%% (client %d%%) cpu%d_busy %d%%  idle_before %d%%%s\n' \
				"$r" "$path" "$t" "$v" "$p50" "$p99" "$share" "$per_req" "$CPU_LOAD" "$busy0" \
				"$client" "$CPU_SUT" "$busy1" "$idle_before" "$quiet"
		done
		for q in "${RATIOS[@]}"; do ratios[$t,$q]+="$(ratio "${this[${q%/*}]}" "${this[${q#*/}]}") "; done
	done
done
for q in "${RATIOS[@]}"; do
	echo "ratios $q per round: $(for t in "${TESTS[@]}"; do printf '%s %s ' "$t" "${ratios[$t,$q]% }"; done)"
done
echo "median idle_before_pct $(med "$idles")"
for t in "${TESTS[@]}"; do
	printf 'median %s' "$t"
	for path in "${PATHS[@]}"; do printf ' %s %s' "$path" "$(med "${vals[$t,$path]}")"; done
	for q in "${RATIOS[@]}"; do printf ' ratio_%s %s' "${q/\//_}" "$(med "${ratios[$t,$q]}")"; done
	echo
	printf 'median %s' "$t"
	for path in "${PATHS[@]}"; do
		printf ' %s p50_us %s p99_us %s vpced_us_per_req %s' "$path" "$(med "${lat50[$t,$path]}")" \
			"$(med "${lat99[$t,$path]}")" "$(med "${per[$t,$path]}")"
	done
	echo
done
