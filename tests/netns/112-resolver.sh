#!/bin/bash
# The VPC resolver at base+2 and 169.254.169.253, asked with dig from inside
# instances: instance names with enableDnsHostnames and not without; an
# interface endpoint's private DNS and its zonal name; public service names;
# NXDOMAIN and NODATA with the SOA; EDNS0, TCP, and truncation; nothing at all
# without enableDnsSupport; changes answered within two seconds. Needs root
# and nft; exits 77 without them.
. "$(dirname "$0")/dataplane.sh"
command -v dig >/dev/null || { echo "needs dig (make deps)"; exit 77; }
start_vpced

two_subnets

# ask INSTANCE DIG-ARGS...: dig from inside the instance, against its resolv.conf.
ask() {
	local i=$1
	shift
	"$VPCE" exec --state "$STATE" --prefix "$P" "$i" -- dig +time=1 +tries=2 "$@"
}

# The VPC's base plus two, in every instance's resolv.conf.
eventually 10.0.0.2 "$VPCE" exec --state "$STATE" --prefix "$P" "$A" -- sed -n "s/^nameserver //p" /etc/resolv.conf

# Without enableDnsHostnames, instance names do not exist; with it, they answer, in both VPCs' forms.
out=$(ask "$A" ip-10-0-2-10.ec2.internal)
grep -q "status: NXDOMAIN" <<<"$out" || fail "instance name without hostnames: $out"
grep -q "ec2.internal.*SOA" <<<"$out" || fail "no SOA in the NXDOMAIN: $out"
ec2 modify-vpc-attribute --vpc-id "$VPC" --enable-dns-hostnames >/dev/null
eventually 10.0.2.10 ask "$A" +short ip-10-0-2-10.ec2.internal
eq "$(ask "$B" +short IP-10-0-1-10.EC2.INTERNAL @169.254.169.253)" 10.0.1.10 "the link-local address, any case"
out=$(ask "$A" AAAA ip-10-0-2-10.ec2.internal)
grep -q "status: NOERROR" <<<"$out" && grep -q "ANSWER: 0" <<<"$out" && grep -q "AUTHORITY: 1" <<<"$out" ||
	fail "NODATA for AAAA: $out"
out=$(ask "$A" ip-10-0-9-9.ec2.internal)
grep -q "status: NXDOMAIN" <<<"$out" || fail "an address nobody has: $out"

# Public names, and an interface endpoint's private DNS and zonal name.
eq "$(ask "$A" +short sqs.us-east-1.amazonaws.com)" 198.18.0.65 "sqs before its endpoint"
EP=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.us-east-1.sqs --subnet-ids "$S1" "$S2" \
	--query VpcEndpoint.VpcEndpointId --output text)
ZONAL_B=$(ec2 describe-vpc-endpoints --vpc-endpoint-ids "$EP" --query \
	"VpcEndpoints[0].DnsEntries[?contains(DnsName, 'us-east-1b')].DnsName | [0]" --output text)
ENIS=$(ec2 describe-vpc-endpoints --vpc-endpoint-ids "$EP" --query 'VpcEndpoints[0].NetworkInterfaceIds[]' \
	--output text)
# shellcheck disable=SC2086
ENI_IPS=$(ec2 describe-network-interfaces --network-interface-ids $ENIS \
	--query 'NetworkInterfaces[].PrivateIpAddress' --output text | tr '\t' '\n' | sort | tr '\n' ' ')
# shellcheck disable=SC2086
IP_B=$(ec2 describe-network-interfaces --network-interface-ids $ENIS \
	--query "NetworkInterfaces[?SubnetId=='$S2'].PrivateIpAddress | [0]" --output text)
eventually "$ENI_IPS" sh -c "\"$VPCE\" exec --state \"$STATE\" --prefix \"$P\" \"$A\" -- dig +short sqs.us-east-1.amazonaws.com | sort | tr '\n' ' '"
eq "$(ask "$A" +short "$ZONAL_B")" "$IP_B" "the zonal name"
ec2 modify-vpc-endpoint --vpc-endpoint-id "$EP" --no-private-dns-enabled >/dev/null
eventually 198.18.0.65 ask "$A" +short sqs.us-east-1.amazonaws.com

# EDNS0 echoed; TCP; a UDP client's size respected.
ask "$A" +edns=0 +bufsize=1232 sqs.us-east-1.amazonaws.com | grep -q "EDNS: version: 0" || fail "no OPT in the reply"
eq "$(ask "$A" +tcp +short ip-10-0-1-10.ec2.internal)" 10.0.1.10 "over TCP"
ask "$A" +edns=1 +noednsnegotiation sqs.us-east-1.amazonaws.com | grep -q "status: BADVERS" || fail "EDNS version 1"

# Malformed queries get FORMERR or nothing, and the resolver goes on.
"$VPCE" exec --state "$STATE" --prefix "$P" "$A" -- python3 - <<'PY' || fail "malformed queries"
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
s.sendto(b"\x12\x34\x01\x00\x00\x02\x00\x00\x00\x00\x00\x00\x01a\x00\x00\x01\x00\x01", ("10.0.0.2", 53))
r = s.recv(512)
assert r[:2] == b"\x12\x34" and r[3] & 0xF == 1, r
s.sendto(b"\x00" * 5, ("10.0.0.2", 53))
PY
eq "$(ask "$A" +short ip-10-0-1-10.ec2.internal)" 10.0.1.10 "after malformed queries"

# Without enableDnsSupport there is no resolver at all.
ec2 modify-vpc-attribute --vpc-id "$VPC" --no-enable-dns-support >/dev/null
for _ in $(seq 40); do
	ask "$A" +short +time=1 +tries=1 ip-10-0-1-10.ec2.internal >/dev/null 2>&1 || break
	sleep 0.05
done
ask "$A" +time=1 +tries=1 ip-10-0-1-10.ec2.internal >/dev/null 2>&1 && fail "a resolver without enableDnsSupport"
echo "ok"
