#!/bin/bash
# The VPC router's fast path (src/dataplane/bpf/fastpath.bpf.c): established
# TCP between instances, connections to an interface endpoint's service
# after their SYN and their answers, and answers from a gateway endpoint's
# service, skip the router's stack (its counters move), while every flow
# still starts in it: a group that does not admit a port keeps its
# connections out, and a new group rule admits them; conntrack still sees
# the handshake between instances through (its entry is established), and
# holds nothing of connections to the endpoint, which the region takes at
# the ENI's own address there, from the private source. Its pins go with
# the VPC and with --teardown. Needs root, nft and bpftool; exits 77 without.
. "$(dirname "$0")/dataplane.sh"
command -v bpftool >/dev/null || { echo "needs bpftool (make deps)"; exit 77; }
start_vpced
two_subnets
SG=$(ec2 describe-security-groups --filters Name=vpc-id,Values="$VPC" Name=group-name,Values=default \
	--query 'SecurityGroups[0].GroupId' --output text)
pins=/sys/fs/bpf/$P$VPC
for _ in $(seq 40); do ls "$pins"/*/prog >/dev/null 2>&1 && break; sleep 0.05; done
if ! ls "$pins"/*/prog >/dev/null 2>&1; then
	# Optional by design: a kernel without BPF or the conntrack kfunc runs without it.
	why=$(grep "no fast path" "$TMP/vpced.log" | head -1)
	[ -n "$why" ] && { echo "this kernel cannot run the fast path: $why"; exit 77; }
	fail "no fast path pinned under $pins, and no reason logged"
fi
stats=$(ls -d "$pins"/*/stats)

# fast_count [KEY]: segments the fast path carried, over both CPUs: between
# instances (0), to an interface endpoint's service (2), its answers (3),
# answers through a gateway endpoint (4).
fast_count() {
	bpftool -j map lookup pinned "$stats" key hex "0${1:-0}" 00 00 00 |
		python3 -c '
import json, sys
total = 0
for v in json.load(sys.stdin)["values"]:
    x = v["value"]
    total += int.from_bytes(bytes(int(b, 16) for b in x), "little") if isinstance(x, list) else x
print(total)'
}
# chat FROM TO PORT N [HOLD]: N request/response exchanges on one connection
# (from port SPORT if set); prints "ok N", then keeps it open HOLD seconds.
chat() {
	ip netns exec "$P$1" python3 - "$2" "$3" "$4" "${5:-0}" "${SPORT:-0}" <<'PY'
import socket, sys, time
try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2,
                                 source_address=("", int(sys.argv[5])))
    for i in range(int(sys.argv[3])):
        s.sendall(b"ping")
        assert s.recv(4) == b"pong"
    print("ok", sys.argv[3], flush=True)
    time.sleep(float(sys.argv[4]))
except OSError:
    print("blocked")
PY
}
# serve NAMESPACE ADDRESS: answers "pong" to every "ping" on ADDRESS:7000, for a minute.
serve() {
	ip netns exec "$1" python3 - "$2" <<'PY' &
import socket, sys, threading
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((sys.argv[1], 7000))
srv.listen(8)
srv.settimeout(60)
def serve(c):
    while True:
        d = c.recv(4)
        if not d:
            return
        c.sendall(b"pong")
while True:
    try:
        c, _ = srv.accept()
    except OSError:
        break
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
	SERVERS+=($!)
}
# ct_state ADDRESS: conntrack's TCP states of the router's open connections to
# ADDRESS:7000 (closed ones wait in TIME_WAIT).
ct_state() {
	ip netns exec "$P$VPC" awk -v d="dst=$1 " '$3 == "tcp" && index($0, d) && / dport=7000 / &&
		$6 != "TIME_WAIT" { print $6 }' \
		/proc/net/nf_conntrack | sort -u
}
SERVERS=()
serve "$P$B" 10.0.2.10
sleep 0.5

# The default group admits only its members: A and B are both in it.
before=$(fast_count)
eq "$(chat "$A" 10.0.2.10 7000 200)" "ok 200" "200 exchanges across subnets"
after=$(fast_count)
[ $((after - before)) -ge 200 ] || fail "the fast path carried $((after - before)) segments of 400"
# The handshake's last ACK is the router's: conntrack holds the flow as established, not SYN_RECV.
chat "$A" 10.0.2.10 7000 5 1 >"$TMP/held" &
held=$!
eventually "ok 5" cat "$TMP/held"
eq "$(ct_state 10.0.2.10)" ESTABLISHED "conntrack's state of an open connection"
wait "$held"

# A group that does not admit the port: no connection starts, fast path or not.
WEB=$(ec2 create-security-group --group-name web --description web --vpc-id "$VPC" \
	--query GroupId --output text)
ec2 modify-instance-attribute --instance-id "$B" --groups "$WEB"
eventually blocked chat "$A" 10.0.2.10 7000 1
ec2 authorize-security-group-ingress --group-id "$WEB" --protocol tcp --port 7000 --source-group "$SG" >/dev/null
eventually "ok 50" chat "$A" 10.0.2.10 7000 50

# An interface endpoint (SQS) in B's subnet, in the default group, which
# admits A: its connections are translated to the ENI's address in the
# region and, after their SYN, carried both ways (A's port to the region,
# pl0 back to A).
E=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.us-east-1.sqs --subnet-ids "$S2" --no-private-dns-enabled \
	--query VpcEndpoint.VpcEndpointId --output text)
ENI=$(ec2 describe-vpc-endpoints --vpc-endpoint-ids "$E" --query 'VpcEndpoints[0].NetworkInterfaceIds[0]' \
	--output text)
EIP=$(ec2 describe-network-interfaces --network-interface-ids "$ENI" \
	--query 'NetworkInterfaces[0].PrivateIpAddress' --output text)
for _ in $(seq 40); do ip netns exec "$P$VPC" ip link show pl0 >/dev/null 2>&1 && break; sleep 0.05; done
# The ENI's address in the region, as the router's ruleset translates it.
region_ip() {
	ip netns exec "$P$VPC" nft list chain inet vpce endpoint_to_region 2>/dev/null |
		grep -o "$EIP : 100\.[0-9.]*" | cut -d' ' -f3
}
for _ in $(seq 40); do RIP=$(region_ip); [ -n "$RIP" ] && break; sleep 0.05; done
case "$RIP" in 100.*) ;; *) fail "no address in the region for $EIP: '$RIP'" ;; esac
serve "${P}region" "$RIP"
sleep 0.5
eventually "ok 1" chat "$A" "$EIP" 7000 1
out_before=$(fast_count 2) back_before=$(fast_count 3)
eq "$(chat "$A" "$EIP" 7000 200)" "ok 200" "200 exchanges with the endpoint's service"
out=$(($(fast_count 2) - out_before)) back=$(($(fast_count 3) - back_before))
[ "$out" -ge 190 ] || fail "the fast path carried $out segments of ~200 to the endpoint's service"
[ "$back" -ge 190 ] || fail "the fast path carried $back answers of ~200 back from it"
SPORT=40000 chat "$A" "$EIP" 7000 5 8 >"$TMP/held" &
held=$!
eventually "ok 5" cat "$TMP/held"
eq "$(ct_state "$EIP")" "" "conntrack's entries of an open connection to the endpoint"
# B from the same port while A's connection holds it: the region sees both
# private sources, each on its own connection, both carried.
ec2 authorize-security-group-ingress --group-id "$SG" --protocol tcp --port 7000 --source-group "$WEB" \
	>/dev/null
out_before=$(fast_count 2) back_before=$(fast_count 3)
eq "$(SPORT=40000 chat "$B" "$EIP" 7000 50)" "ok 50" "50 exchanges from the same port of another instance"
out=$(($(fast_count 2) - out_before)) back=$(($(fast_count 3) - back_before))
[ "$out" -ge 45 ] && [ "$back" -ge 45 ] || fail "the fast path carried $out and $back segments of ~50 each way"
peers=$(ip netns exec "${P}region" ss -tnH state established "( sport = :7000 )" | awk '{ print $4 }' |
	sort | xargs)
case "$peers" in *"10.0.1.10:40000"*) ;; *) fail "the region's connections from: $peers" ;; esac
wait "$held"
# The endpoint's groups still decide every new connection: one that admits nothing keeps A out.
SHUT=$(ec2 create-security-group --group-name shut --description shut --vpc-id "$VPC" \
	--query GroupId --output text)
ec2 modify-vpc-endpoint --vpc-endpoint-id "$E" --add-security-group-ids "$SHUT" \
	--remove-security-group-ids "$SG" >/dev/null
eventually blocked chat "$A" "$EIP" 7000 1
ec2 modify-vpc-endpoint --vpc-endpoint-id "$E" --add-security-group-ids "$SG" \
	--remove-security-group-ids "$SHUT" >/dev/null
eventually "ok 50" chat "$A" "$EIP" 7000 50

# A gateway endpoint (S3, 198.18.0.1) in the main table: its flows are
# translated at their source only, and their answers carried back from pl0.
MAIN=$(ec2 describe-route-tables --filters Name=vpc-id,Values="$VPC" Name=association.main,Values=true \
	--query 'RouteTables[0].RouteTableId' --output text)
ec2 create-vpc-endpoint --vpc-id "$VPC" --service-name com.amazonaws.us-east-1.s3 --route-table-ids "$MAIN" \
	>/dev/null
serve "${P}region" 198.18.0.1
sleep 0.5
eventually "ok 1" chat "$A" 198.18.0.1 7000 1
back_before=$(fast_count 4)
eq "$(chat "$A" 198.18.0.1 7000 200)" "ok 200" "200 exchanges through the gateway endpoint"
back=$(($(fast_count 4) - back_before))
[ "$back" -ge 190 ] || fail "the fast path carried $back answers of ~200 back through the gateway endpoint"
kill "${SERVERS[@]}" 2>/dev/null || true

# The pins go with the VPC's namespace.
stop_vpced
"$VPCED" --teardown --prefix "$P" >/dev/null || fail "teardown failed"
[ -e "$pins" ] && fail "pins left after teardown: $(ls "$pins")"
echo "ok"
