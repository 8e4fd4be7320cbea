#!/bin/bash
# Endpoints carry real traffic. An interface endpoint's ENIs are addresses
# on their subnets' bridges: TCP to them reaches the service's front in the
# region, which learns the endpoint, the VPC and the private source (the
# responder says them); anything but TCP is dropped; the endpoint's groups
# decide who connects; removing a subnet removes its ENI. A gateway
# endpoint carries, from the subnets of its route tables only, packets to
# its service's prefix list, with their private sources; a more specific
# route wins; another region's service is not its; on premises reaches the
# interface endpoint and never the gateway endpoint; two VPCs with the same
# block and the same private source each get their own answers, and an
# ENI's address in the region takes connections from its VPC's link only.
# Needs root and nft.
. "$(dirname "$0")/dataplane.sh"
. "$(dirname "$0")/tcp.sh"
command -v dig >/dev/null || { echo "needs dig (make deps)"; exit 77; }
start_vpced
two_subnets

field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], ""))' "$1" "$2"; }
# get ID URL: the answer to an HTTP(S) GET from ID's namespace, "" when none. An
# https://ADDRESS/ URL is sent to SQS's name at that address (its certificate's name).
SQS=sqs.us-east-1.amazonaws.com
curl_in() {
	local id=$1 url=$2 rest
	shift 2
	if [[ $url =~ ^https://([0-9.]+)(/.*)?$ ]]; then
		rest=${BASH_REMATCH[2]}
		inside "$id" -- curl -s --resolve "$SQS:443:${BASH_REMATCH[1]}" "$@" "https://$SQS${rest:-/}"
	else
		inside "$id" -- curl -s "$@" "$url"
	fi
}
get() { curl_in "$1" "$2" --max-time 2; }
status() { curl_in "$1" "$2" -o /dev/null -w '%{http_code}' --max-time 1; }

ec2 modify-vpc-attribute --vpc-id "$VPC" --enable-dns-hostnames
MAIN=$(ec2 describe-route-tables --filters Name=vpc-id,Values="$VPC" Name=association.main,Values=true \
	--query 'RouteTables[0].RouteTableId' --output text)
# The endpoint's own group: HTTPS from the second subnet only.
ESG=$(ec2 create-security-group --group-name sqs-endpoint --description "sqs endpoint" --vpc-id "$VPC" \
	--query GroupId --output text)
ec2 authorize-security-group-ingress --group-id "$ESG" --protocol tcp --port 443 --cidr 10.0.2.0/24 >/dev/null
E=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.us-east-1.sqs --subnet-ids "$S1" "$S2" --security-group-ids "$ESG" \
	--query VpcEndpoint.VpcEndpointId --output text)
ENIS=$(ec2 describe-vpc-endpoints --vpc-endpoint-ids "$E" --query 'VpcEndpoints[0].NetworkInterfaceIds' \
	--output text)
read -r IP1 IP2 <<<"$(ec2 describe-network-interfaces --network-interface-ids $ENIS \
	--query 'sort_by(NetworkInterfaces, &PrivateIpAddress)[].PrivateIpAddress' --output text)"
case "$IP1 $IP2" in 10.0.1.*" "10.0.2.*) ;; *) fail "ENI addresses: $IP1 $IP2" ;; esac

# From the second subnet, to either ENI (same subnet and across the router), by
# address and by the private DNS name: the front learns endpoint, VPC, source.
eventually 200 status "$B" "https://$IP1/"
for url in "https://$IP1/a" "https://$IP2/a" https://sqs.us-east-1.amazonaws.com/a; do
	out=$(get "$B" "$url")
	eq "$(field "$out" service)" com.amazonaws.us-east-1.sqs "$url: the service's front"
	eq "$(field "$out" endpoint)" "$E" "$url: through the endpoint"
	eq "$(field "$out" vpc)" "$VPC" "$url: from the VPC"
	eq "$(field "$out" source)" 10.0.2.10 "$url: the private source"
done
eq "$(inside "$B" -- dig +short sqs.us-east-1.amazonaws.com | sort | xargs)" "$IP1 $IP2" "private DNS"

# The endpoint's group: the first subnet is not admitted, then is.
eq "$(status "$A" "https://$IP1/")" 000 "the endpoint's group keeps the first subnet out"
ec2 authorize-security-group-ingress --group-id "$ESG" --protocol tcp --port 443 --cidr 10.0.1.0/24 >/dev/null
eventually 200 status "$A" "https://$IP2/"
eq "$(field "$(get "$A" "https://$IP2/")" source)" 10.0.1.10 "admitted once the group allows it"
# ... and the sender's own egress rules count: none left, nothing leaves.
ASG=$(ec2 describe-instances --instance-ids "$A" \
	--query 'Reservations[0].Instances[0].SecurityGroups[0].GroupId' --output text)
ec2 revoke-security-group-egress --group-id "$ASG" --protocol all --cidr 0.0.0.0/0 >/dev/null
eventually 000 status "$A" "https://$IP2/"
ec2 authorize-security-group-egress --group-id "$ASG" --protocol tcp --port 443 --cidr 10.0.0.0/16 >/dev/null
eventually 200 status "$A" "https://$IP2/"
ec2 authorize-security-group-egress --group-id "$ASG" --protocol all --cidr 0.0.0.0/0 >/dev/null

# SQS answers HTTPS only: once the group admits port 80, the connection is
# refused (curl's 7; the group's drop was a timeout, 28). S3 and DynamoDB take both.
rc() { inside "$1" -- curl -s -o /dev/null --max-time 1 "$2"; echo $?; }
eq "$(rc "$B" "http://$IP1/")" 28 "port 80 not admitted by the group"
ec2 authorize-security-group-ingress --group-id "$ESG" --protocol tcp --port 80 --cidr 10.0.2.0/24 >/dev/null
eventually 7 rc "$B" "http://$IP1/"
# TCP only: ICMP and UDP to an ENI are dropped (a UDP server in the router
# namespace would get what is not dropped).
inside "$B" -- ping -c 1 -W 1 "$IP1" >/dev/null 2>&1 && fail "an endpoint answered ping"
ip netns exec "$P$VPC" timeout 3 python3 -c '
import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 5353))
s.settimeout(2)
try: s.recvfrom(100); print("got")
except socket.timeout: print("none")' >"$TMP/udp" &
UDP=$!
sleep 0.3
inside "$B" -- python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('$IP1', 5353))"
wait "$UDP"
eq "$(cat "$TMP/udp")" none "UDP to an endpoint is dropped"

# A subnet removed: its ENI and address go, the regional name keeps the other zone.
ec2 modify-vpc-endpoint --vpc-endpoint-id "$E" --remove-subnet-ids "$S1" >/dev/null
eventually "$IP2" sh -c "$VPCE exec --state $STATE --prefix $P $B -- dig +short sqs.us-east-1.amazonaws.com"
REGIONAL=$(ec2 describe-vpc-endpoints --vpc-endpoint-ids "$E" --query 'VpcEndpoints[0].DnsEntries[0].DnsName' \
	--output text)
eventually "$IP2" sh -c "$VPCE exec --state $STATE --prefix $P $B -- dig +short $REGIONAL"
ip -n "$P$VPC" -4 -o addr | grep -q " $IP1/32" && fail "the removed subnet's ENI address stayed"
eq "$(status "$B" "https://$IP1/")" 000 "nothing answers at the removed ENI"
eq "$(field "$(get "$B" "https://$IP2/")" endpoint)" "$E" "the remaining ENI still carries"

# A gateway endpoint for S3 in the second subnet's own table only.
RT2=$(ec2 create-route-table --vpc-id "$VPC" --query RouteTable.RouteTableId --output text)
ASSOC=$(ec2 associate-route-table --route-table-id "$RT2" --subnet-id "$S2" --query AssociationId --output text)
G=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --service-name com.amazonaws.us-east-1.s3 --route-table-ids "$RT2" \
	--query VpcEndpoint.VpcEndpointId --output text)
# S3's front answers an unsigned request with its AccessDenied (403); tests/netns/117
# shows what it learns of the endpoint.
eventually 403 status "$B" http://s3.us-east-1.amazonaws.com/
eq "$(status "$A" http://s3.us-east-1.amazonaws.com/)" 000 "a subnet whose table lacks the endpoint: no route"
eq "$(status "$B" http://s3.eu-west-1.amazonaws.com/)" 000 "another region's S3 is not the endpoint's"
# Longest prefix match: a more specific route takes part of the list away.
IGW=$(ec2 create-internet-gateway --query InternetGateway.InternetGatewayId --output text)
ec2 attach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$VPC"
ec2 create-route --route-table-id "$RT2" --destination-cidr-block 198.18.0.0/30 --gateway-id "$IGW" >/dev/null
eventually 000 status "$B" http://198.18.0.1/
eq "$(status "$B" http://198.18.0.9/)" 403 "the rest of the list still goes to the endpoint"
ec2 delete-route --route-table-id "$RT2" --destination-cidr-block 198.18.0.0/30
# The association goes: so does the route.
ec2 modify-vpc-endpoint --vpc-endpoint-id "$G" --remove-route-table-ids "$RT2" >/dev/null
eventually 000 status "$B" http://s3.us-east-1.amazonaws.com/
ec2 modify-vpc-endpoint --vpc-endpoint-id "$G" --add-route-table-ids "$MAIN" >/dev/null
eventually 403 status "$A" http://s3.us-east-1.amazonaws.com/

# On premises: the interface endpoint by address and by its regional name; never the gateway endpoint.
VGW=$(ec2 create-vpn-gateway --type ipsec.1 --query VpnGateway.VpnGatewayId --output text)
ec2 attach-vpn-gateway --vpn-gateway-id "$VGW" --vpc-id "$VPC" >/dev/null
ec2 create-route --route-table-id "$MAIN" --destination-cidr-block 172.16.0.0/12 --gateway-id "$VGW" >/dev/null
ec2 create-route --route-table-id "$RT2" --destination-cidr-block 172.16.0.0/12 --gateway-id "$VGW" >/dev/null
ec2 authorize-security-group-ingress --group-id "$ESG" --protocol tcp --port 443 --cidr 172.16.0.0/12 >/dev/null
eventually 200 status "$VGW" "https://$IP2/"
out=$(get "$VGW" "https://$REGIONAL/")
eq "$(field "$out" endpoint)" "$E" "on premises through the interface endpoint, by its regional name"
eq "$(field "$out" source)" 172.16.0.1 "from the on-premises address"
eq "$(status "$VGW" http://198.18.0.1/)" 000 "on premises never reaches a gateway endpoint"

# Another VPC with the same block, an instance at B's address and its own
# SQS endpoint: each VPC's connections reach the region from the same
# private source, and each is answered in its own VPC (the region answers
# from each ENI's own address there, back over its VPC's link).
VPC2=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
S22=$(ec2 create-subnet --vpc-id "$VPC2" --cidr-block 10.0.2.0/24 --availability-zone us-east-1b \
	--query Subnet.SubnetId --output text)
B2=$(ec2 run-instances --image-id ami-0123456789abcdef0 --subnet-id "$S22" --private-ip-address 10.0.2.10 \
	--query 'Instances[0].InstanceId' --output text)
E2=$(ec2 create-vpc-endpoint --vpc-id "$VPC2" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.us-east-1.sqs --subnet-ids "$S22" --no-private-dns-enabled --query VpcEndpoint.VpcEndpointId --output text)
ENI2=$(ec2 describe-vpc-endpoints --vpc-endpoint-ids "$E2" --query 'VpcEndpoints[0].NetworkInterfaceIds[0]' \
	--output text)
IP3=$(ec2 describe-network-interfaces --network-interface-ids "$ENI2" \
	--query 'NetworkInterfaces[0].PrivateIpAddress' --output text)
eventually 200 status "$B2" "https://$IP3/"
for x in "$B2 $IP3 $E2 $VPC2" "$B $IP2 $E $VPC" "$B2 $IP3 $E2 $VPC2"; do
	read -r id ip ep vpc <<<"$x"
	out=$(get "$id" "https://$ip/")
	eq "$(field "$out" endpoint) $(field "$out" vpc) $(field "$out" source)" "$ep $vpc 10.0.2.10" \
		"the same private source through $ep"
done
# An ENI's address in the region takes connections over its VPC's link only:
# not from the region itself.
RIP=$(ip netns exec "$P$VPC2" nft list chain inet vpce endpoint_to_region | grep -o "$IP3 : 100\.[0-9.]*" |
	cut -d' ' -f3)
case "$RIP" in 100.*) ;; *) fail "no region address for $IP3: '$RIP'" ;; esac
eq "$(ip netns exec "${P}region" curl -sk -o /dev/null -w '%{http_code}' --max-time 1 "https://$RIP/")" 000 \
	"the ENI's region address from the region itself"
ec2 delete-vpc-endpoints --vpc-endpoint-ids "$E2" >/dev/null

# The endpoints go: so do the link and the addresses.
ec2 delete-vpc-endpoints --vpc-endpoint-ids "$E" "$G" >/dev/null
for _ in $(seq 40); do ip -n "$P$VPC" link show pl0 >/dev/null 2>&1 || break; sleep 0.05; done
ip -n "$P$VPC" link show pl0 >/dev/null 2>&1 && fail "pl0 outlived the VPC's last endpoint"
eq "$(status "$B" "https://$IP2/")" 000 "a deleted endpoint carries nothing"

stop_vpced
"$VPCED" --teardown --prefix "$P" >/dev/null || fail "teardown failed"
ip netns list | grep -q "^$P" && fail "left after teardown: $(ip netns list | grep "^$P")"
echo "ok"
