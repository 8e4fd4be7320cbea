#!/bin/bash
# vpced --dataplane with the aws CLI: a VPC with two subnets and three
# instances becomes namespaces, bridges, routes and rules; vpce exec runs
# inside them; real TCP obeys the security groups (same subnet and across
# subnets, replies by conntrack, a group change on an instance); routes to
# an internet gateway and a NAT gateway open and close paths; a vgw gets
# its on-premises namespace; a restart converges with nothing added;
# termination and --teardown leave nothing. Needs root and nft; exits 77
# without them.
. "$(dirname "$0")/dataplane.sh"
start_vpced

VPC=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
S1=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.1.0/24 --availability-zone us-east-1a \
	--query Subnet.SubnetId --output text)
S2=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.2.0/24 --availability-zone us-east-1b \
	--query Subnet.SubnetId --output text)
WEB=$(ec2 create-security-group --group-name web --description web --vpc-id "$VPC" \
	--query GroupId --output text)
ec2 authorize-security-group-ingress --group-id "$WEB" --protocol tcp --port 80 \
	--source-group "$WEB" >/dev/null
AMI=ami-0123456789abcdef0
launch() {
	ec2 run-instances --image-id "$AMI" --subnet-id "$1" --security-group-ids "$WEB" \
		--private-ip-address "$2" --query 'Instances[0].InstanceId' --output text
}
A=$(launch "$S1" 10.0.1.10)
B=$(launch "$S1" 10.0.1.11)
C=$(launch "$S2" 10.0.2.10)

# The namespaces appear within two seconds of the calls.
for _ in $(seq 40); do
	ip netns list | grep -q "^$P$C" && break
	sleep 0.05
done
for x in region "$VPC" "$A" "$B" "$C"; do
	ip netns list | grep -q "^$P$x\b" || fail "no namespace $P$x: $(ip netns list)"
done
ip -n "$P$A" -4 addr show dev eth0 | grep -q "inet 10.0.1.10/24" || fail "eth0 of $A: $(ip -n "$P$A" addr)"
ip -n "$P$A" route | grep -q "default via 10.0.1.1" || fail "default route of $A: $(ip -n "$P$A" route)"
ip -n "$P$VPC" rule | grep -q "lookup" || fail "no subnet rules: $(ip -n "$P$VPC" rule)"
grep -q "nameserver 10.0.0.2" "/etc/netns/$P$A/resolv.conf" || fail "resolv.conf of $A"
grep -q "ip-10-0-1-10.ec2.internal" "/etc/netns/$P$A/hostname" || fail "hostname of $A"

# vpce exec: a command inside the instance, with its resolv.conf and
# hostname, and its exit status; the host's files stay as they were.
host_resolv=$(cat /etc/resolv.conf) host_name=$(hostname)
"$VPCE" exec --prefix "$P" "$A" -- cat /etc/resolv.conf | grep -q "nameserver 10.0.0.2" ||
	fail "vpce exec: resolv.conf"
eq "$("$VPCE" exec --prefix "$P" "$A" -- hostname)" ip-10-0-1-10.ec2.internal "vpce exec: hostname"
"$VPCE" exec --prefix "$P" "$A" -- ip -4 -o addr show dev eth0 | grep -q "10.0.1.10/24" ||
	fail "vpce exec: the instance's interface"
"$VPCE" exec --prefix "$P" "$A" -- sh -c 'exit 7'
eq $? 7 "vpce exec: the command's exit status"
"$VPCE" exec --prefix "$P" i-00000000000000000 -- true 2>/dev/null
eq $? 125 "vpce exec: no such instance"
"$VPCE" exec --prefix "$P" "$A" -- /no/such/command 2>/dev/null
eq $? 127 "vpce exec: no such command"
"$VPCE" exec --prefix "$P" "$A" 2>/dev/null
eq $? 2 "vpce exec: usage"
eq "$(cat /etc/resolv.conf)" "$host_resolv" "the host's resolv.conf after vpce exec"
eq "$(hostname)" "$host_name" "the host's hostname after vpce exec"

# A server on 80 and 81 in A; "ok" or "blocked" from another instance.
. "$(dirname "$0")/tcp.sh"
serve() { tcp_serve "$P$1" "$2" 80 81; }
connect() { tcp_connect "$P$1" "$2" "$3"; }
expect() {
	local got
	got=$(connect "$1" "$2" "$3")
	[ "$got" = "$4" ] || fail "$5: from $1 to $2:$3 got $got, want $4"
}
serve "$A" 10.0.1.10
SERVER=$!
for _ in $(seq 50); do [ "$(connect "$B" 10.0.1.10 80)" = ok ] && break; sleep 0.1; done
expect "$B" 10.0.1.10 80 ok "same subnet, allowed by the group"
expect "$B" 10.0.1.10 81 blocked "same subnet, no rule for 81"
expect "$C" 10.0.1.10 80 ok "across subnets through the VPC router"
expect "$C" 10.0.1.10 81 blocked "across subnets, no rule for 81"

# Moving B to the VPC's default group (which admits only its own members)
# takes B out of web's rule: its packets no longer pass A's ingress.
DEF=$(ec2 describe-security-groups --filters Name=vpc-id,Values="$VPC" Name=group-name,Values=default \
	--query 'SecurityGroups[0].GroupId' --output text)
ec2 modify-instance-attribute --instance-id "$B" --groups "$DEF"
for _ in $(seq 40); do [ "$(connect "$B" 10.0.1.10 80)" = blocked ] && break; sleep 0.05; done
expect "$B" 10.0.1.10 80 blocked "B moved out of the group"
ec2 modify-instance-attribute --instance-id "$B" --groups "$WEB"
for _ in $(seq 40); do [ "$(connect "$B" 10.0.1.10 80)" = ok ] && break; sleep 0.05; done
expect "$B" 10.0.1.10 80 ok "B back in the group"

# A subnet moved to a table of its own keeps the VPC's local route.
RT=$(ec2 create-route-table --vpc-id "$VPC" --query RouteTable.RouteTableId --output text)
ASSOC=$(ec2 associate-route-table --route-table-id "$RT" --subnet-id "$S2" \
	--query AssociationId --output text)
expect "$C" 10.0.1.10 80 ok "the new table's local route"
ec2 disassociate-route-table --association-id "$ASSOC" >/dev/null

# The internet gateway: a route to it opens the region's network to an
# instance with a public address (translated one to one), never to one
# without; deleting the route cuts the path again.
IGW=$(ec2 create-internet-gateway --query InternetGateway.InternetGatewayId --output text)
ec2 attach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$VPC"
D=$(ec2 run-instances --image-id "$AMI" --subnet-id "$S1" --security-group-ids "$WEB" \
	--private-ip-address 10.0.1.20 --associate-public-ip-address \
	--query 'Instances[0].InstanceId' --output text)
MAIN=$(ec2 describe-route-tables --filters Name=vpc-id,Values="$VPC" Name=association.main,Values=true \
	--query 'RouteTables[0].RouteTableId' --output text)
for _ in $(seq 40); do ip netns list | grep -q "^$P$D" && break; sleep 0.05; done
# (ports 8080 and 8081 there: the region's fronts hold 80 and 443)
tcp_serve "${P}region" 169.254.0.2 8080 8081
REGION_SERVER=$!
sleep 0.3
expect "$D" 169.254.0.2 8080 blocked "no route to the internet gateway yet"
ec2 create-route --route-table-id "$MAIN" --destination-cidr-block 0.0.0.0/0 --gateway-id "$IGW" >/dev/null
for _ in $(seq 40); do [ "$(connect "$D" 169.254.0.2 8080)" = ok ] && break; sleep 0.05; done
expect "$D" 169.254.0.2 8080 ok "through the internet gateway, translated"
expect "$A" 169.254.0.2 8080 blocked "no public address: nothing through the gateway"

# A NAT gateway in the public subnet: the private subnet's table sends its
# traffic there; it leaves with the gateway's Elastic IP.
ALLOC=$(ec2 allocate-address --domain vpc --query AllocationId --output text)
NAT=$(ec2 create-nat-gateway --subnet-id "$S1" --allocation-id "$ALLOC" \
	--query NatGateway.NatGatewayId --output text)
RT2=$(ec2 create-route-table --vpc-id "$VPC" --query RouteTable.RouteTableId --output text)
ASSOC2=$(ec2 associate-route-table --route-table-id "$RT2" --subnet-id "$S2" \
	--query AssociationId --output text)
expect "$C" 169.254.0.2 8080 blocked "the private subnet without a route out"
ec2 create-route --route-table-id "$RT2" --destination-cidr-block 0.0.0.0/0 --nat-gateway-id "$NAT" >/dev/null
for _ in $(seq 40); do [ "$(connect "$C" 169.254.0.2 8080)" = ok ] && break; sleep 0.05; done
expect "$C" 169.254.0.2 8080 ok "through the NAT gateway and the internet gateway"
ip netns list | grep -q "^$P$NAT" || fail "no namespace for $NAT"
ec2 disassociate-route-table --association-id "$ASSOC2" >/dev/null
ec2 delete-route --route-table-id "$MAIN" --destination-cidr-block 0.0.0.0/0 >/dev/null
for _ in $(seq 40); do [ "$(connect "$D" 169.254.0.2 8080)" = blocked ] && break; sleep 0.05; done
expect "$D" 169.254.0.2 8080 blocked "the route deleted"
ec2 create-route --route-table-id "$MAIN" --destination-cidr-block 0.0.0.0/0 --gateway-id "$IGW" >/dev/null
for _ in $(seq 40); do [ "$(connect "$D" 169.254.0.2 8080)" = ok ] && break; sleep 0.05; done
expect "$D" 169.254.0.2 8080 ok "the route restored, within two seconds"
ec2 delete-route --route-table-id "$MAIN" --destination-cidr-block 0.0.0.0/0 >/dev/null
kill "$REGION_SERVER" 2>/dev/null || true

# A virtual private gateway: an on-premises namespace that routes the VPC's
# block back through the gateway's link.
VGW=$(ec2 create-vpn-gateway --type ipsec.1 --query VpnGateway.VpnGatewayId --output text)
ec2 attach-vpn-gateway --vpn-gateway-id "$VGW" --vpc-id "$VPC" >/dev/null
for _ in $(seq 40); do ip netns list | grep -q "^$P$VGW" && break; sleep 0.05; done
ip -n "$P$VGW" route | grep -q "10.0.0.0/16 via 169.254.0.5 dev vgw0" ||
	fail "on-premises routes: $(ip -n "$P$VGW" route 2>&1)"
ip -n "$P$VPC" -4 addr show dev vgw0 | grep -q "169.254.0.5/30" || fail "no vgw0 in the VPC's router"

# A restart finds everything in place: nothing added, nothing removed.
stop_vpced
before=$(grep -c "data plane: applied" "$TMP/vpced.log")
start_vpced
# The log goes on from the last run: wait for the new daemon's own first apply.
for _ in $(seq 100); do
	[ "$(grep -c "data plane: applied" "$TMP/vpced.log")" -gt "$before" ] && break
	sleep 0.05
done
last=$(grep "data plane: applied" "$TMP/vpced.log" | sed -n "$((before + 1))p")
grep -q "namespaces +0 -0, links +0 -0, addresses +0 -0, routes +0 -0, rules +0 -0" <<<"$last" ||
	fail "the restart changed the kernel: $last"
expect "$B" 10.0.1.10 80 ok "after the restart"

# Terminating an instance removes its namespace.
ec2 terminate-instances --instance-ids "$C" >/dev/null
for _ in $(seq 40); do ip netns list | grep -q "^$P$C" || break; sleep 0.05; done
ip netns list | grep -q "^$P$C" && fail "$C's namespace outlived it"
[ -e "/etc/netns/$P$C" ] && fail "$C's /etc/netns files outlived it"
kill "$SERVER" 2>/dev/null || true

# --teardown removes the rest.
stop_vpced
"$VPCED" --teardown --prefix "$P" >/dev/null || fail "teardown failed"
ip netns list | grep -q "^$P" && fail "left after teardown: $(ip netns list | grep "^$P")"
[ -e "/etc/netns/$P$A" ] && fail "left /etc/netns/$P$A"
echo "ok"
