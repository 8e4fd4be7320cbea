#!/bin/bash
# The emulated region and the on-premises network: the responders on port
# 443 at every catalogue service's addresses (of every region) say which
# service answered and to whom; the public resolver at 198.18.255.53; only
# an instance with a public address reaches them, through the internet
# gateway. Behind a vgw, every block the VPC routes there is on premises:
# its hosts send from the first block's base plus one, any address in it
# answers, its resolver (127.0.0.53) answers the public view; detaching the
# vgw closes that resolver's sockets. Needs root and nft; exits 77 without.
. "$(dirname "$0")/dataplane.sh"
. "$(dirname "$0")/tcp.sh"
command -v dig >/dev/null || { echo "needs dig (make deps)"; exit 77; }
start_vpced
two_subnets

# field JSON NAME: a string field of the responder's answer.
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
sockets() { find "/proc/$VPCED_PID/fd" -lname 'socket:*' | wc -l; }

# The region's namespace: the public resolver's address, each service's /28 local.
for _ in $(seq 40); do ip netns list | grep -q "^${P}region" && break; sleep 0.05; done
ip -n "${P}region" -4 addr show dev lo | grep -q "198.18.255.53/32" || fail "no public resolver address"
routes=$(ip -n "${P}region" route show table local proto 118)
grep -q "^local 198.18.0.0/28 dev lo" <<<"$routes" || fail "S3's /28 is not local: $routes"
grep -q "^local 198.18.10.16/28 dev lo" <<<"$routes" || fail "eu-west-1 DynamoDB's /28: $routes"
eq "$(grep -c '^local 198.18' <<<"$routes")" $((16 * 21)) "one local /28 per service and region"

# An instance with a public address, and a route to the internet gateway.
IGW=$(ec2 create-internet-gateway --query InternetGateway.InternetGatewayId --output text)
ec2 attach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$VPC"
MAIN=$(ec2 describe-route-tables --filters Name=vpc-id,Values="$VPC" Name=association.main,Values=true \
	--query 'RouteTables[0].RouteTableId' --output text)
ec2 create-route --route-table-id "$MAIN" --destination-cidr-block 0.0.0.0/0 --gateway-id "$IGW" >/dev/null
D=$(ec2 run-instances --image-id ami-0123456789abcdef0 --subnet-id "$S1" --private-ip-address 10.0.1.20 \
	--associate-public-ip-address --query 'Instances[0].InstanceId' --output text)
PUB=$(ec2 describe-instances --instance-ids "$D" --query 'Reservations[0].Instances[0].PublicIpAddress' \
	--output text)
for _ in $(seq 40); do ip netns list | grep -q "^$P$D" && break; sleep 0.05; done

# The responders, by name through the VPC resolver: the service, the region, the translated client.
# get ID HOST [PATH]: HTTPS to HOST from ID (an address: SQS's name at that address).
get() {
	if [[ $2 =~ ^[0-9.]+$ ]]; then
		inside "$1" -- curl -s --max-time 2 --resolve "sqs.us-east-1.amazonaws.com:443:$2" \
			"https://sqs.us-east-1.amazonaws.com/${3:-}"
	else
		inside "$1" -- curl -s --max-time 2 "https://$2/${3:-}"
	fi
}
eventually 200 inside "$D" -- curl -s -o /dev/null -w '%{http_code}' --max-time 2 https://sqs.us-east-1.amazonaws.com/
out=$(get "$D" sqs.us-east-1.amazonaws.com queue/path)
eq "$(field "$out" service)" com.amazonaws.us-east-1.sqs "SQS answered"
eq "$(field "$out" address)" 198.18.0.65 "at its public address"
eq "$(field "$out" client)" "$PUB" "the instance's public address, translated at the gateway"
eq "$(field "$out" path)" /queue/path "the path"
out=$(get "$D" sqs.eu-west-1.amazonaws.com)
eq "$(field "$out" service)" com.amazonaws.eu-west-1.sqs "another region's service"
eq "$(field "$out" address)" 198.18.10.65 "at its address"
# S3 has its front: an unsigned request is refused in S3's words, over HTTP and HTTPS.
out=$(inside "$D" -- curl -s --max-time 2 http://s3.us-east-1.amazonaws.com/)
grep -q "<Code>AccessDenied</Code>" <<<"$out" || fail "S3's front: $out"
eq "$(inside "$D" -- curl -s -o /dev/null -w '%{http_code}' --max-time 2 https://s3.us-east-1.amazonaws.com/)" \
	403 "S3 over HTTPS, the region's certificate trusted inside vpce exec"
out=$(get "$D" 198.18.0.70)
eq "$(field "$out" service)" com.amazonaws.us-east-1.sqs "any address of a service's /28"
eq "$(inside "$D" -- curl -s -o /dev/null -w '%{http_code}' --max-time 1 https://198.18.1.250/)" 000 \
	"no service in a free slot: nothing answers"
eq "$(inside "$D" -- curl -s -o /dev/null --max-time 1 http://sqs.us-east-1.amazonaws.com/; echo $?)" 7 \
	"SQS refuses plain HTTP (only S3 and DynamoDB answer on port 80)"
eq "$(get "$A" sqs.us-east-1.amazonaws.com)" "" "no public address: no service"

# The public resolver: public names and endpoints' names, not the VPC's own.
eq "$(inside "$D" -- dig +short +time=1 @198.18.255.53 sqs.us-east-1.amazonaws.com)" 198.18.0.65 "public resolver"
out=$(inside "$D" -- dig +time=1 @198.18.255.53 ip-10-0-1-10.ec2.internal)
grep -q "status: NXDOMAIN" <<<"$out" || fail "the public resolver knows an instance name: $out"
eq "$(inside "$D" -- dig +short +tcp +time=1 @198.18.255.53 s3.us-east-1.amazonaws.com)" 198.18.0.1 "over TCP"
inside "$A" -- dig +time=1 +tries=1 @198.18.255.53 s3.us-east-1.amazonaws.com >/dev/null &&
	fail "the public resolver without a public address"

# On premises: the blocks routed to the vgw.
S0=$(sockets)
VGW=$(ec2 create-vpn-gateway --type ipsec.1 --query VpnGateway.VpnGatewayId --output text)
ec2 attach-vpn-gateway --vpn-gateway-id "$VGW" --vpc-id "$VPC" >/dev/null
ec2 create-route --route-table-id "$MAIN" --destination-cidr-block 172.16.0.0/12 --gateway-id "$VGW" >/dev/null
ec2 create-route --route-table-id "$MAIN" --destination-cidr-block 192.168.50.0/24 --gateway-id "$VGW" >/dev/null
eventually 172.16.0.1 sh -c "ip -n '$P$VGW' -4 -o addr show dev lo | awk '\$4 != \"127.0.0.1/8\" {print \$4}' | cut -d/ -f1"
ip -n "$P$VGW" route | grep -q "10.0.0.0/16 via 169.254.0.5 dev vgw0 .*src 172.16.0.1" ||
	fail "on-premises route back: $(ip -n "$P$VGW" route)"
eq "$(inside "$VGW" -- hostname)" on-premises "on-premises hostname"
eq "$(inside "$VGW" -- dig +short +time=1 sqs.us-east-1.amazonaws.com)" 198.18.0.65 "the on-premises resolver"
out=$(inside "$VGW" -- dig +time=1 ip-10-0-1-10.ec2.internal)
grep -q "status: NXDOMAIN" <<<"$out" || fail "on premises knows an instance name: $out"

# From on premises to an instance: the default group admits only itself, then 172.16/12.
SG=$(ec2 describe-security-groups --filters Name=vpc-id,Values="$VPC" Name=group-name,Values=default \
	--query 'SecurityGroups[0].GroupId' --output text)
tcp_serve "$P$A" 10.0.1.10 80
SERVER=$!
sleep 0.3
eq "$(tcp_connect "$P$VGW" 10.0.1.10 80)" blocked "the default group keeps on premises out"
ec2 authorize-security-group-ingress --group-id "$SG" --protocol tcp --port 80 --cidr 172.16.0.0/12 >/dev/null
eventually ok tcp_connect "$P$VGW" 10.0.1.10 80
eq "$(tcp_connect "$P$VGW" 10.0.1.10 80 169.254.0.6)" blocked "a source no route sends back"
kill "$SERVER" 2>/dev/null || true
# ... and back: any address of an on-premises block answers.
tcp_serve "$P$VGW" 0.0.0.0 8080
SERVER=$!
sleep 0.3
eq "$(tcp_connect "$P$A" 172.16.99.7 8080)" ok "an instance to an on-premises address"
eq "$(tcp_connect "$P$A" 192.168.50.200 8080)" ok "to the second block"
eq "$(tcp_connect "$P$A" 192.168.51.1 8080)" blocked "to a block not routed to the vgw"
kill "$SERVER" 2>/dev/null || true

# Detaching the vgw removes the network and closes its resolver's sockets.
ec2 detach-vpn-gateway --vpn-gateway-id "$VGW" --vpc-id "$VPC" >/dev/null
for _ in $(seq 40); do ip netns list | grep -q "^$P$VGW" || break; sleep 0.05; done
ip netns list | grep -q "^$P$VGW" && fail "the on-premises namespace outlived the attachment"
eventually "$S0" sockets

stop_vpced
"$VPCED" --teardown --prefix "$P" >/dev/null || fail "teardown failed"
ip netns list | grep -q "^$P" && fail "left after teardown: $(ip netns list | grep "^$P")"
[ -e "/etc/netns/$P$VGW" ] && fail "left /etc/netns/$P$VGW"
echo "ok"
