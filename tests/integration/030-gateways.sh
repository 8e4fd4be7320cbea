#!/bin/bash
# Gateways and addresses through the aws CLI v2: internet gateways, virtual
# private gateways, Elastic IPs, NAT gateways, and the AWS-managed prefix
# lists of the region, with EC2's errors and DeleteVpc's dependency rules.
. "$(dirname "$0")/lib.sh"
start_vpced

VPC=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
OTHER=$(ec2 create-vpc --cidr-block 10.1.0.0/16 --query Vpc.VpcId --output text)
S1=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.1.0/24 --availability-zone us-east-1a \
	--query Subnet.SubnetId --output text)

# --- Internet gateways ---
igw=$(ec2 create-internet-gateway --tag-specifications \
	'ResourceType=internet-gateway,Tags=[{Key=Name,Value=edge}]')
IGW=$(jq -r .InternetGateway.InternetGatewayId <<<"$igw")
[[ $IGW =~ ^igw-[0-9a-f]{17}$ ]] || fail "bad igw id $IGW"
jq_eq "$igw" '.InternetGateway.Attachments | length' 0
jq_eq "$igw" '.InternetGateway.OwnerId' 000000000000
jq_eq "$igw" '.InternetGateway.Tags[0].Value' edge
IGW2=$(ec2 create-internet-gateway --query InternetGateway.InternetGatewayId --output text)
ec2 attach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$VPC"
out=$(ec2 describe-internet-gateways --internet-gateway-ids "$IGW")
jq_eq "$out" '.InternetGateways[0].Attachments[0].VpcId' "$VPC"
jq_eq "$out" '.InternetGateways[0].Attachments[0].State' available
msg=$(ec2 attach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$OTHER" 2>&1) &&
	fail "attached an igw twice"
grep -q "(Resource.AlreadyAssociated).*resource $IGW is already attached to network $VPC" <<<"$msg" ||
	fail "igw attached twice: $msg"
msg=$(ec2 attach-internet-gateway --internet-gateway-id "$IGW2" --vpc-id "$VPC" 2>&1) &&
	fail "two igws in a VPC"
grep -q "(InvalidParameterValue).*Network $VPC already has an internet gateway attached" <<<"$msg" ||
	fail "second igw: $msg"
expect_error Gateway.NotAttached ec2 detach-internet-gateway --internet-gateway-id "$IGW2" --vpc-id "$VPC"
msg=$(ec2 delete-internet-gateway --internet-gateway-id "$IGW" 2>&1) && fail "deleted an attached igw"
grep -q "(DependencyViolation).*The internetGateway '$IGW' has dependencies and cannot be deleted." \
	<<<"$msg" || fail "delete attached igw: $msg"
expect_error InvalidInternetGatewayID.NotFound ec2 describe-internet-gateways \
	--internet-gateway-ids igw-0123456789abcdef0
expect_error InvalidInternetGatewayID.NotFound ec2 attach-internet-gateway \
	--internet-gateway-id igw-0123456789abcdef0 --vpc-id "$VPC"
expect_error InvalidVpcID.NotFound ec2 attach-internet-gateway --internet-gateway-id "$IGW2" \
	--vpc-id vpc-0123456789abcdef0
eq "$(ec2 describe-internet-gateways --filters Name=attachment.vpc-id,Values="$VPC" \
	--query 'InternetGateways[].InternetGatewayId' --output text)" "$IGW" "attachment.vpc-id filter"
eq "$(ec2 describe-internet-gateways --filters Name=attachment.state,Values=available \
	--query 'length(InternetGateways)')" 1 "attachment.state filter"
eq "$(ec2 describe-internet-gateways --filters Name=tag:Name,Values=edge \
	--query 'InternetGateways[].InternetGatewayId' --output text)" "$IGW" "tag filter"
# An attached gateway holds its VPC; a detached one does not.
ec2 attach-internet-gateway --internet-gateway-id "$IGW2" --vpc-id "$OTHER"
expect_error DependencyViolation ec2 delete-vpc --vpc-id "$OTHER"
ec2 detach-internet-gateway --internet-gateway-id "$IGW2" --vpc-id "$OTHER"
ec2 delete-vpc --vpc-id "$OTHER"
ec2 delete-internet-gateway --internet-gateway-id "$IGW2"
expect_error InvalidInternetGatewayID.NotFound ec2 delete-internet-gateway --internet-gateway-id "$IGW2"

# --- Virtual private gateways ---
vgw=$(ec2 create-vpn-gateway --type ipsec.1)
VGW=$(jq -r .VpnGateway.VpnGatewayId <<<"$vgw")
[[ $VGW =~ ^vgw-[0-9a-f]{17}$ ]] || fail "bad vgw id $VGW"
jq_eq "$vgw" .VpnGateway.AmazonSideAsn 64512
jq_eq "$vgw" .VpnGateway.State available
jq_eq "$vgw" .VpnGateway.Type ipsec.1
jq_eq "$vgw" '.VpnGateway.VpcAttachments | length' 0
vgw2=$(ec2 create-vpn-gateway --type ipsec.1 --amazon-side-asn 4200000001 --availability-zone us-east-1b)
VGW2=$(jq -r .VpnGateway.VpnGatewayId <<<"$vgw2")
jq_eq "$vgw2" .VpnGateway.AmazonSideAsn 4200000001
jq_eq "$vgw2" .VpnGateway.AvailabilityZone us-east-1b
expect_error InvalidParameterValue ec2 create-vpn-gateway --type ipsec.1 --amazon-side-asn 65535
expect_error InvalidParameterValue ec2 create-vpn-gateway --type ipsec.2
att=$(ec2 attach-vpn-gateway --vpn-gateway-id "$VGW" --vpc-id "$VPC")
jq_eq "$att" .VpcAttachment.VpcId "$VPC"
jq_eq "$att" .VpcAttachment.State attaching
jq_eq "$(ec2 describe-vpn-gateways --vpn-gateway-ids "$VGW")" '.VpnGateways[0].VpcAttachments[0].State' attached
expect_error InvalidVpcState ec2 attach-vpn-gateway --vpn-gateway-id "$VGW2" --vpc-id "$VPC"
msg=$(ec2 delete-vpn-gateway --vpn-gateway-id "$VGW" 2>&1) && fail "deleted an attached vgw"
grep -q "(IncorrectState).*The VPN gateway is in use." <<<"$msg" || fail "delete attached vgw: $msg"
expect_error InvalidVpnGatewayAttachment.NotFound ec2 detach-vpn-gateway --vpn-gateway-id "$VGW2" \
	--vpc-id "$VPC"
eq "$(ec2 describe-vpn-gateways --filters Name=attachment.vpc-id,Values="$VPC" \
	--query 'VpnGateways[].VpnGatewayId' --output text)" "$VGW" "vgw attachment filter"
eq "$(ec2 describe-vpn-gateways --filters Name=amazon-side-asn,Values=4200000001 \
	--query 'VpnGateways[].VpnGatewayId' --output text)" "$VGW2" "vgw asn filter"
ec2 detach-vpn-gateway --vpn-gateway-id "$VGW" --vpc-id "$VPC"
# EC2 goes on listing the attachment it left, as detached.
out=$(ec2 describe-vpn-gateways --vpn-gateway-ids "$VGW")
jq_eq "$out" '.VpnGateways[0].VpcAttachments | length' 1
jq_eq "$out" '.VpnGateways[0].VpcAttachments[0].VpcId' "$VPC"
jq_eq "$out" '.VpnGateways[0].VpcAttachments[0].State' detached
eq "$(ec2 describe-vpn-gateways --filters Name=attachment.state,Values=detached \
	--query 'VpnGateways[].VpnGatewayId' --output text)" "$VGW" "vgw detached filter"
expect_error InvalidVpnGatewayAttachment.NotFound ec2 detach-vpn-gateway --vpn-gateway-id "$VGW" \
	--vpc-id "$VPC"
ec2 delete-vpn-gateway --vpn-gateway-id "$VGW"
ec2 delete-vpn-gateway --vpn-gateway-id "$VGW2"
# Deleted gateways stay visible a while, as EC2 shows them.
out=$(ec2 describe-vpn-gateways --vpn-gateway-ids "$VGW")
jq_eq "$out" '.VpnGateways[0].State' deleted
jq_eq "$out" '.VpnGateways[0].VpcAttachments[0].State' detached
jq_eq "$(ec2 describe-vpn-gateways --vpn-gateway-ids "$VGW2")" '.VpnGateways[0].VpcAttachments | length' 0
eq "$(ec2 describe-vpn-gateways --filters Name=state,Values=deleted --query 'length(VpnGateways)')" \
	2 "deleted vgws"
expect_error InvalidVpnGatewayID.NotFound ec2 attach-vpn-gateway --vpn-gateway-id "$VGW" --vpc-id "$VPC"

# --- Elastic IPs ---
eip=$(ec2 allocate-address --domain vpc)
A1=$(jq -r .AllocationId <<<"$eip")
[[ $A1 =~ ^eipalloc-[0-9a-f]{17}$ ]] || fail "bad allocation id $A1"
jq_eq "$eip" .PublicIp 198.19.0.1
jq_eq "$eip" .Domain vpc
jq_eq "$eip" .PublicIpv4Pool amazon
jq_eq "$eip" .NetworkBorderGroup us-east-1
A2=$(ec2 allocate-address --tag-specifications 'ResourceType=elastic-ip,Tags=[{Key=role,Value=nat}]' \
	--query AllocationId --output text)
A3=$(ec2 allocate-address --query AllocationId --output text)
ec2 release-address --allocation-id "$A3"
jq_eq "$(ec2 allocate-address)" .PublicIp 198.19.0.3
A3=$(ec2 describe-addresses --public-ips 198.19.0.3 --query 'Addresses[0].AllocationId' --output text)
out=$(ec2 describe-addresses --allocation-ids "$A1")
jq_eq "$out" '.Addresses[0].PublicIp' 198.19.0.1
jq_eq "$out" '.Addresses[0].AssociationId' null
eq "$(ec2 describe-addresses --filters Name=tag:role,Values=nat --query 'Addresses[].AllocationId' \
	--output text)" "$A2" "address tag filter"
eq "$(ec2 describe-addresses --filters Name=public-ip,Values='198.19.0.*' --query 'length(Addresses)')" \
	3 "public-ip wildcard"
expect_error InvalidAllocationID.NotFound ec2 describe-addresses --allocation-ids eipalloc-0123456789abcdef0
expect_error InvalidAddress.NotFound ec2 describe-addresses --public-ips 203.0.113.9
expect_error InvalidParameterValue ec2 describe-addresses --filters Name=bogus,Values=x
msg=$(ec2 release-address --public-ip 198.19.0.1 2>&1) && fail "released by public IP"
grep -q "(InvalidParameterValue).*You must specify an allocation id when releasing a VPC elastic IP address" \
	<<<"$msg" || fail "release by ip: $msg"

# --- NAT gateways ---
# A public NAT gateway needs the VPC's internet gateway.
BARE=$(ec2 create-vpc --cidr-block 10.2.0.0/16 --query Vpc.VpcId --output text)
SB=$(ec2 create-subnet --vpc-id "$BARE" --cidr-block 10.2.1.0/24 --query Subnet.SubnetId --output text)
msg=$(ec2 create-nat-gateway --subnet-id "$SB" --allocation-id "$A1" 2>&1) && fail "NAT without igw"
grep -q "(Gateway.NotAttached).*Network $BARE has no Internet gateway attached" <<<"$msg" ||
	fail "nat without igw: $msg"
ec2 delete-subnet --subnet-id "$SB"
ec2 delete-vpc --vpc-id "$BARE"
nat=$(ec2 create-nat-gateway --subnet-id "$S1" --allocation-id "$A2" --private-ip-address 10.0.1.10 \
	--client-token nat-tok-1 --tag-specifications 'ResourceType=natgateway,Tags=[{Key=Name,Value=egress}]')
NAT=$(jq -r .NatGateway.NatGatewayId <<<"$nat")
[[ $NAT =~ ^nat-[0-9a-f]{17}$ ]] || fail "bad nat id $NAT"
jq_eq "$nat" .ClientToken nat-tok-1
jq_eq "$nat" .NatGateway.State pending
jq_eq "$nat" .NatGateway.ConnectivityType public
jq_eq "$nat" .NatGateway.SubnetId "$S1"
jq_eq "$nat" .NatGateway.VpcId "$VPC"
jq_eq "$nat" '.NatGateway.Tags[0].Value' egress
jq_eq "$nat" '.NatGateway.NatGatewayAddresses[0].AllocationId' "$A2"
jq_eq "$nat" '.NatGateway.NatGatewayAddresses[0].PublicIp' 198.19.0.2
jq_eq "$nat" '.NatGateway.NatGatewayAddresses[0].PrivateIp' 10.0.1.10
ENI=$(jq -r '.NatGateway.NatGatewayAddresses[0].NetworkInterfaceId' <<<"$nat")
[[ $ENI =~ ^eni-[0-9a-f]{17}$ ]] || fail "bad nat eni $ENI"
eq "$(ec2 create-nat-gateway --subnet-id "$S1" --allocation-id "$A2" --private-ip-address 10.0.1.10 \
	--client-token nat-tok-1 --tag-specifications 'ResourceType=natgateway,Tags=[{Key=Name,Value=egress}]' \
	--query NatGateway.NatGatewayId --output text)" "$NAT" "replayed nat client token"
msg=$(ec2 create-nat-gateway --subnet-id "$S1" --allocation-id "$A2" 2>&1) && fail "EIP used twice"
grep -q "(Resource.AlreadyAssociated).*Elastic IP address $A2 is already associated" <<<"$msg" ||
	fail "eip used twice: $msg"
expect_error InvalidAllocationID.NotFound ec2 create-nat-gateway --subnet-id "$S1" \
	--allocation-id eipalloc-0123456789abcdef0
expect_error InvalidSubnetID.NotFound ec2 create-nat-gateway --subnet-id subnet-0123456789abcdef0 \
	--allocation-id "$A1"
# The NAT gateway's address is associated to its interface.
out=$(ec2 describe-addresses --allocation-ids "$A2")
jq_eq "$out" '.Addresses[0].NetworkInterfaceId' "$ENI"
jq_eq "$out" '.Addresses[0].PrivateIpAddress' 10.0.1.10
ASSOC=$(jq -r '.Addresses[0].AssociationId' <<<"$out")
[[ $ASSOC =~ ^eipassoc-[0-9a-f]{17}$ ]] || fail "bad nat association $ASSOC"
eq "$(ec2 describe-addresses --filters Name=network-interface-id,Values="$ENI" \
	--query 'Addresses[].AllocationId' --output text)" "$A2" "network-interface-id filter"
msg=$(ec2 release-address --allocation-id "$A2" 2>&1) && fail "released a NAT gateway's address"
grep -q "(InvalidIPAddress.InUse).*Address 198.19.0.2 is in use." <<<"$msg" || fail "release in use: $msg"
# It becomes available, and shows in the filters.
sleep 2
out=$(ec2 describe-nat-gateways --nat-gateway-ids "$NAT")
jq_eq "$out" '.NatGateways[0].State' available
eq "$(ec2 describe-nat-gateways --filter Name=vpc-id,Values="$VPC" Name=state,Values=available \
	--query 'NatGateways[].NatGatewayId' --output text)" "$NAT" "nat filters"
msg=$(ec2 describe-nat-gateways --nat-gateway-ids nat-0123456789abcdef0 2>&1) && fail "found a missing NAT"
grep -q "(NatGatewayNotFound).*NAT gateway nat-0123456789abcdef0 was not found" <<<"$msg" ||
	fail "missing nat: $msg"
# A private NAT gateway takes no address.
PNAT=$(ec2 create-nat-gateway --subnet-id "$S1" --connectivity-type private \
	--query NatGateway.NatGatewayId --output text)
out=$(ec2 describe-nat-gateways --nat-gateway-ids "$PNAT")
jq_eq "$out" '.NatGateways[0].ConnectivityType' private
jq_eq "$out" '.NatGateways[0].NatGatewayAddresses[0].PublicIp' null
expect_error InvalidParameterCombination ec2 create-nat-gateway --subnet-id "$S1" \
	--connectivity-type private --allocation-id "$A1"
# The subnet and the internet gateway are held while the gateway lives.
expect_error DependencyViolation ec2 delete-subnet --subnet-id "$S1"
msg=$(ec2 detach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$VPC" 2>&1) &&
	fail "detached an igw with mapped addresses"
grep -q "(DependencyViolation).*Network $VPC has some mapped public address(es). Please unmap those public address(es) before detaching the gateway." \
	<<<"$msg" || fail "detach with addresses: $msg"

jq_eq "$(ec2 describe-nat-gateways --nat-gateway-ids "$NAT")" '.NatGateways[0] | has("DeleteTime")' false
t0=$(date +%s%N)
jq_eq "$(ec2 delete-nat-gateway --nat-gateway-id "$NAT")" .NatGatewayId "$NAT"
# Deleting, then deleted; it keeps its addresses and tells when it went.
out=$(ec2 describe-nat-gateways --nat-gateway-ids "$NAT")
# "deleting" lasts 1.5 s (NAT_DELETING_MS): a machine slow enough that the
# two calls took longer may see "deleted" already, and only then.
state=$(jq -r '.NatGateways[0].State' <<<"$out")
if [ "$state" != deleting ]; then
	[ "$state" = deleted ] && [ $(($(date +%s%N) - t0)) -ge 1500000000 ] ||
		fail ".NatGateways[0].State: got '$state', want 'deleting'"
fi
[[ $(jq -r '.NatGateways[0].DeleteTime' <<<"$out") =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}T ]] ||
	fail "no DeleteTime: $out"
CREATED=$(jq -r '.NatGateways[0].CreateTime' <<<"$out")
[[ $(jq -r '.NatGateways[0].DeleteTime' <<<"$out") > "$CREATED" ]] || fail "DeleteTime before CreateTime: $out"
ec2 delete-nat-gateway --nat-gateway-id "$PNAT" >/dev/null
sleep 1.6
out=$(ec2 describe-nat-gateways --nat-gateway-ids "$NAT")
jq_eq "$out" '.NatGateways[0].State' deleted
jq_eq "$out" '.NatGateways[0].NatGatewayAddresses[0].PrivateIp' 10.0.1.10
jq_eq "$out" '.NatGateways[0].NatGatewayAddresses[0].PublicIp' 198.19.0.2
jq_eq "$out" '.NatGateways[0].NatGatewayAddresses[0].NetworkInterfaceId' "$ENI"
jq_eq "$(ec2 describe-addresses --allocation-ids "$A2")" '.Addresses[0].AssociationId' null
eq "$(ec2 describe-nat-gateways --filter Name=state,Values=deleted --query 'length(NatGateways)')" \
	2 "deleted nat gateways"

# --- Elastic IPs on an instance ---
read -r I1 I2 < <(ec2 run-instances --image-id ami-0123456789abcdef0 --subnet-id "$S1" --count 2 \
	--query 'Instances[].InstanceId' --output text)
I1_ENI=$(ec2 describe-instances --instance-ids "$I1" \
	--query 'Reservations[0].Instances[0].NetworkInterfaces[0].NetworkInterfaceId' --output text)
ASSOC=$(ec2 associate-address --allocation-id "$A1" --instance-id "$I1" --query AssociationId --output text)
[[ $ASSOC =~ ^eipassoc-[0-9a-f]{17}$ ]] || fail "bad association $ASSOC"
out=$(ec2 describe-addresses --filters Name=association-id,Values="$ASSOC")
jq_eq "$out" '.Addresses[0].AllocationId' "$A1"
jq_eq "$out" '.Addresses[0].InstanceId' "$I1"
jq_eq "$out" '.Addresses[0].NetworkInterfaceId' "$I1_ENI"
jq_eq "$out" '.Addresses[0].NetworkInterfaceOwnerId' 000000000000
eq "$(ec2 describe-addresses --filters Name=instance-id,Values="$I1" --query 'Addresses[].PublicIp' \
	--output text)" 198.19.0.1 "instance-id filter"
eq "$(ec2 describe-instances --instance-ids "$I1" \
	--query 'Reservations[0].Instances[0].PublicIpAddress' --output text)" 198.19.0.1 "instance's address"
expect_error InvalidParameterCombination ec2 associate-address --allocation-id "$A3" \
	--network-interface-id "$I1_ENI" --instance-id "$I1"
msg=$(ec2 associate-address --allocation-id "$A1" --instance-id "$I2" 2>&1) &&
	fail "moved an address without AllowReassociation"
grep -q "(Resource.AlreadyAssociated).*resource $A1 is already associated with associate-id $ASSOC" \
	<<<"$msg" || fail "reassociation: $msg"
ASSOC2=$(ec2 associate-address --allocation-id "$A1" --instance-id "$I2" --allow-reassociation \
	--query AssociationId --output text)
jq_eq "$(ec2 describe-addresses --allocation-ids "$A1")" '.Addresses[0].InstanceId' "$I2"
eq "$(ec2 describe-instances --instance-ids "$I1" \
	--query 'Reservations[0].Instances[0].PublicIpAddress' --output text)" None "moved away"
ASSOC=$(ec2 associate-address --allocation-id "$A1" --instance-id "$I1" --allow-reassociation \
	--query AssociationId --output text)
[ "$ASSOC" != "$ASSOC2" ] || fail "reassociation kept its id"
expect_error InvalidNetworkInterfaceID.NotFound ec2 associate-address --allocation-id "$A3" \
	--network-interface-id eni-0123456789abcdef0
expect_error InvalidInstanceID.NotFound ec2 associate-address --allocation-id "$A3" \
	--instance-id i-0123456789abcdef0
msg=$(ec2 release-address --allocation-id "$A1" 2>&1) && fail "released an associated address"
grep -q "(InvalidIPAddress.InUse).*Address 198.19.0.1 is in use." <<<"$msg" || fail "release: $msg"
expect_error InvalidAssociationID.NotFound ec2 disassociate-address \
	--association-id eipassoc-0123456789abcdef0
# A second address for the instance replaces the first.
ASSOC3=$(ec2 associate-address --allocation-id "$A3" --instance-id "$I1" --query AssociationId --output text)
jq_eq "$(ec2 describe-addresses --allocation-ids "$A1")" '.Addresses[0].AssociationId' null
ec2 disassociate-address --association-id "$ASSOC3"
jq_eq "$(ec2 describe-addresses --allocation-ids "$A3")" '.Addresses[0].AssociationId' null
eq "$(ec2 describe-instances --instance-ids "$I1" \
	--query 'Reservations[0].Instances[0].PublicIpAddress' --output text)" None "address unmapped"
ec2 terminate-instances --instance-ids "$I1" "$I2" >/dev/null
for a in "$A1" "$A2" "$A3"; do
	ec2 release-address --allocation-id "$a"
done
eq "$(ec2 describe-addresses --query 'length(Addresses)')" 0 "addresses left"

# --- Prefix lists ---
pl=$(ec2 describe-prefix-lists)
jq_eq "$pl" '.PrefixLists | length' 2
jq_eq "$pl" '[.PrefixLists[].PrefixListId] | sort | join(",")' pl-02cd2c6b,pl-63a5400a
s3=$(ec2 describe-prefix-lists --prefix-list-ids pl-63a5400a)
jq_eq "$s3" '.PrefixLists[0].PrefixListName' com.amazonaws.us-east-1.s3
jq_eq "$s3" '.PrefixLists[0].Cidrs | length' 1
S3_CIDR=$(jq -r '.PrefixLists[0].Cidrs[0]' <<<"$s3")
[[ $S3_CIDR =~ ^198\.18\.[01]\.[0-9]+/28$ ]] || fail "bad s3 block $S3_CIDR"
eq "$(ec2 describe-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.us-east-1.dynamodb \
	--query 'PrefixLists[].PrefixListId' --output text)" pl-02cd2c6b "prefix-list-name filter"
expect_error InvalidPrefixListID.NotFound ec2 describe-prefix-lists --prefix-list-ids pl-6da54004
expect_error InvalidParameterValue ec2 describe-prefix-lists --filters Name=bogus,Values=x
mpl=$(ec2 describe-managed-prefix-lists --prefix-list-ids pl-63a5400a)
jq_eq "$mpl" '.PrefixLists[0].OwnerId' AWS
jq_eq "$mpl" '.PrefixLists[0].AddressFamily' IPv4
jq_eq "$mpl" '.PrefixLists[0].State' create-complete
jq_eq "$mpl" '.PrefixLists[0].PrefixListArn' arn:aws:ec2:us-east-1:aws:prefix-list/pl-63a5400a
jq_eq "$mpl" '.PrefixLists[0].PrefixListName' com.amazonaws.us-east-1.s3
jq_eq "$mpl" '.PrefixLists[0].Tags | length' 0
jq_eq "$mpl" '.PrefixLists[0].MaxEntries' null
eq "$(ec2 describe-managed-prefix-lists --filters Name=owner-id,Values=AWS --query 'length(PrefixLists)')" \
	2 "owner-id filter"
entries=$(ec2 get-managed-prefix-list-entries --prefix-list-id pl-63a5400a)
jq_eq "$entries" '.Entries | length' 1
jq_eq "$entries" '.Entries[0].Cidr' "$S3_CIDR"
msg=$(ec2 get-managed-prefix-list-entries --prefix-list-id pl-0721453c7ac4ec009 2>&1) &&
	fail "entries of a missing list"
grep -q "(InvalidPrefixListID.NotFound).*The prefix list (pl-0721453c7ac4ec009) does not exist." \
	<<<"$msg" || fail "missing list: $msg"

# --- An hour after deletion, gateways are gone, from the state file too ---
stop_vpced
state_set "$NAT" deleted_ms "$(( $(date +%s) * 1000 - 3600 * 1000 ))"
state_set "$VGW" deleted_ms 1
start_vpced
expect_error NatGatewayNotFound ec2 describe-nat-gateways --nat-gateway-ids "$NAT"
expect_error InvalidVpnGatewayID.NotFound ec2 describe-vpn-gateways --vpn-gateway-ids "$VGW"
eq "$(ec2 describe-nat-gateways --query 'NatGateways[].NatGatewayId' --output text)" "$PNAT" \
	"NAT gateways an hour on"
eq "$(ec2 describe-vpn-gateways --query 'VpnGateways[].VpnGatewayId' --output text)" "$VGW2" \
	"VPN gateways an hour on"
state_has "$NAT" && fail "the expired NAT gateway is still stored"
state_has "$VGW" && fail "the expired VPN gateway is still stored"

# --- DeleteVpc once everything is gone ---
expect_error DependencyViolation ec2 delete-vpc --vpc-id "$VPC"
ec2 detach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$VPC"
for _ in $(seq 1 50); do
	ec2 delete-subnet --subnet-id "$S1" 2>/dev/null && break
	sleep 0.1
done
ec2 delete-vpc --vpc-id "$VPC"
ec2 delete-internet-gateway --internet-gateway-id "$IGW"
echo ok
