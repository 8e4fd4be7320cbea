#!/bin/bash
# Route tables through the aws CLI v2 and boto3: tables, associations (the
# main one included), routes to each kind of target with EC2's errors, the
# gateway endpoint's prefix-list route, filters and pagination.
. "$(dirname "$0")/lib.sh"
start_vpced

VPC=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
OTHER=$(ec2 create-vpc --cidr-block 10.1.0.0/16 --query Vpc.VpcId --output text)
S1=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.1.0/24 --query Subnet.SubnetId --output text)
S2=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.2.0/24 --query Subnet.SubnetId --output text)
SO=$(ec2 create-subnet --vpc-id "$OTHER" --cidr-block 10.1.1.0/24 --query Subnet.SubnetId --output text)

# Every VPC has its main table with the local route.
main=$(ec2 describe-route-tables --filters Name=vpc-id,Values="$VPC" Name=association.main,Values=true)
jq_eq "$main" '.RouteTables | length' 1
MAIN=$(jq -r '.RouteTables[0].RouteTableId' <<<"$main")
MAIN_ASSOC=$(jq -r '.RouteTables[0].Associations[0].RouteTableAssociationId' <<<"$main")
jq_eq "$main" '.RouteTables[0].Associations[0].Main' true
jq_eq "$main" '.RouteTables[0].Associations[0].AssociationState.State' associated
jq_eq "$main" '.RouteTables[0].Routes[0].DestinationCidrBlock' 10.0.0.0/16
jq_eq "$main" '.RouteTables[0].Routes[0].GatewayId' local
jq_eq "$main" '.RouteTables[0].Routes[0].Origin' CreateRouteTable
jq_eq "$main" '.RouteTables[0].Routes[0].State' active
jq_eq "$main" '.RouteTables[0].PropagatingVgws | length' 0
jq_eq "$main" '.RouteTables[0].OwnerId' 000000000000

# query ACTION NAME=VALUE...: a signed EC2 Query request, for parameters this
# CLI (2.9) predates, such as CreateRouteTable's ClientToken; prints the XML.
query() {
	/usr/bin/python3 - "$ENDPOINT" "$@" <<'PY'
import sys, urllib.request, urllib.parse, urllib.error
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url = sys.argv[1] + "/"
params = [("Action", sys.argv[2]), ("Version", "2016-11-15")]
params += [tuple(a.split("=", 1)) for a in sys.argv[3:]]
body = urllib.parse.urlencode(params)
req = AWSRequest("POST", url, data=body,
                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
SigV4Auth(Credentials("test", "test"), "ec2", "us-east-1").add_auth(req)
r = urllib.request.Request(url, data=body.encode(), headers=dict(req.headers), method="POST")
try:
    print(urllib.request.urlopen(r).read().decode())
except urllib.error.HTTPError as e:
    print(e.read().decode())
    sys.exit(1)
PY
}
# xml_first TAG: the text of the first <TAG> on stdin.
xml_first() { grep -o "<$1>[^<]*</$1>" | head -1 | sed -e "s/<[^>]*>//g"; }

# CreateRouteTable: tags and an idempotent client token.
rt=$(ec2 create-route-table --vpc-id "$VPC" \
	--tag-specifications 'ResourceType=route-table,Tags=[{Key=Name,Value=public}]')
RT=$(jq -r .RouteTable.RouteTableId <<<"$rt")
[[ $RT =~ ^rtb-[0-9a-f]{17}$ ]] || fail "bad route table id $RT"
jq_eq "$rt" '.RouteTable.Tags[0].Value' public
jq_eq "$rt" '.RouteTable.Associations | length' 0
jq_eq "$rt" '.RouteTable.Routes | length' 1
xml=$(query CreateRouteTable VpcId="$OTHER" ClientToken=rt-tok-1) || fail "CreateRouteTable: $xml"
RTO=$(xml_first routeTableId <<<"$xml")
eq "$(xml_first clientToken <<<"$xml")" rt-tok-1 "clientToken"
xml=$(query CreateRouteTable VpcId="$OTHER" ClientToken=rt-tok-1) || fail "replay: $xml"
eq "$(xml_first routeTableId <<<"$xml")" "$RTO" "replayed client token"
xml=$(query CreateRouteTable VpcId="$VPC" ClientToken=rt-tok-1) && fail "token reused: $xml"
eq "$(xml_first Code <<<"$xml")" IdempotentParameterMismatch "token reuse"
eq "$(ec2 describe-route-tables --filters Name=vpc-id,Values="$OTHER" --query 'length(RouteTables)')" \
	2 "tables made with one token"
ec2 delete-route-table --route-table-id "$RTO"
expect_error InvalidVpcID.NotFound ec2 create-route-table --vpc-id vpc-0123456789abcdef0
expect_error InvalidParameterValue ec2 create-route-table --vpc-id "$VPC" \
	--tag-specifications 'ResourceType=vpc,Tags=[{Key=a,Value=b}]'
RT2=$(ec2 create-route-table --vpc-id "$VPC" --query RouteTable.RouteTableId --output text)

# Associations: same VPC, one per subnet.
assoc=$(ec2 associate-route-table --route-table-id "$RT" --subnet-id "$S1")
A1=$(jq -r .AssociationId <<<"$assoc")
[[ $A1 =~ ^rtbassoc-[0-9a-f]{17}$ ]] || fail "bad association id $A1"
jq_eq "$assoc" .AssociationState.State associated
expect_error Resource.AlreadyAssociated ec2 associate-route-table --route-table-id "$RT2" --subnet-id "$S1"
expect_error InvalidParameterValue ec2 associate-route-table --route-table-id "$RT" --subnet-id "$SO"
expect_error InvalidSubnetID.NotFound ec2 associate-route-table --route-table-id "$RT" \
	--subnet-id subnet-0123456789abcdef0
expect_error InvalidRouteTableID.NotFound ec2 associate-route-table \
	--route-table-id rtb-0123456789abcdef0 --subnet-id "$S2"
out=$(ec2 describe-route-tables --filters Name=association.subnet-id,Values="$S1")
jq_eq "$out" '.RouteTables[0].RouteTableId' "$RT"
jq_eq "$out" '.RouteTables[0].Associations[0].SubnetId' "$S1"
jq_eq "$out" '.RouteTables[0].Associations[0].Main' false

# A table in use, or the main table, cannot be deleted; the main association stays.
msg=$(ec2 delete-route-table --route-table-id "$RT" 2>&1) && fail "deleted a table in use"
grep -q "(DependencyViolation).*The routeTable '$RT' has dependencies and cannot be deleted." \
	<<<"$msg" || fail "delete in use: $msg"
expect_error DependencyViolation ec2 delete-route-table --route-table-id "$MAIN"
msg=$(ec2 disassociate-route-table --association-id "$MAIN_ASSOC" 2>&1) && fail "disassociated main"
grep -q "(InvalidParameterValue).*cannot disassociate the main route table association $MAIN_ASSOC" \
	<<<"$msg" || fail "disassociate main: $msg"
expect_error InvalidAssociationID.NotFound ec2 disassociate-route-table \
	--association-id rtbassoc-0123456789abcdef0

# ReplaceRouteTableAssociation moves a subnet, and the main table.
A2=$(ec2 replace-route-table-association --association-id "$A1" --route-table-id "$RT2" \
	--query NewAssociationId --output text)
[ "$A2" != "$A1" ] || fail "replacement kept the association id"
jq_eq "$(ec2 describe-route-tables --route-table-ids "$RT")" '.RouteTables[0].Associations | length' 0
M2=$(ec2 replace-route-table-association --association-id "$MAIN_ASSOC" --route-table-id "$RT" \
	--query NewAssociationId --output text)
main=$(ec2 describe-route-tables --filters Name=vpc-id,Values="$VPC" Name=association.main,Values=true)
jq_eq "$main" '.RouteTables[0].RouteTableId' "$RT"
jq_eq "$main" '.RouteTables[0].Associations[0].RouteTableAssociationId' "$M2"
ec2 replace-route-table-association --association-id "$M2" --route-table-id "$MAIN" >/dev/null
ec2 disassociate-route-table --association-id "$A2" >/dev/null

# Routes: exactly one destination and one target that exists.
IGW=$(ec2 create-internet-gateway --query InternetGateway.InternetGatewayId --output text)
msg=$(ec2 create-route --route-table-id "$RT" --destination-cidr-block 0.0.0.0/0 --gateway-id "$IGW" 2>&1) &&
	fail "routed to a detached internet gateway"
grep -q "(InvalidParameterValue).*route table $RT and network gateway $IGW belong to different networks" \
	<<<"$msg" || fail "detached igw: $msg"
ec2 attach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$VPC"
jq_eq "$(ec2 create-route --route-table-id "$RT" --destination-cidr-block 0.0.0.0/0 \
	--gateway-id "$IGW")" .Return true
msg=$(ec2 create-route --route-table-id "$RT" --destination-cidr-block 0.0.0.0/0 --gateway-id "$IGW" 2>&1) &&
	fail "duplicate route"
grep -q "(RouteAlreadyExists).*The route identified by 0.0.0.0/0 already exists." <<<"$msg" ||
	fail "duplicate: $msg"
expect_error InvalidParameterValue ec2 create-route --route-table-id "$RT" \
	--destination-cidr-block banana --gateway-id "$IGW"
expect_error MissingParameter ec2 create-route --route-table-id "$RT" --gateway-id "$IGW"
expect_error MissingParameter ec2 create-route --route-table-id "$RT" --destination-cidr-block 1.2.3.0/24
expect_error InvalidParameterCombination ec2 create-route --route-table-id "$RT" \
	--destination-cidr-block 1.2.3.0/24 --gateway-id "$IGW" --nat-gateway-id nat-0123456789abcdef0
expect_error InvalidGatewayID.NotFound ec2 create-route --route-table-id "$RT" \
	--destination-cidr-block 1.2.3.0/24 --gateway-id igw-0123456789abcdef0
expect_error InvalidNatGatewayID.NotFound ec2 create-route --route-table-id "$RT" \
	--destination-cidr-block 1.2.3.0/24 --nat-gateway-id nat-0123456789abcdef0
expect_error InvalidNetworkInterfaceID.NotFound ec2 create-route --route-table-id "$RT" \
	--destination-cidr-block 1.2.3.0/24 --network-interface-id eni-0123456789abcdef0
expect_error InvalidInstanceID.NotFound ec2 create-route --route-table-id "$RT" \
	--destination-cidr-block 1.2.3.0/24 --instance-id i-0123456789abcdef0
expect_error InvalidVpcPeeringConnectionID.NotFound ec2 create-route --route-table-id "$RT" \
	--destination-cidr-block 1.2.3.0/24 --vpc-peering-connection-id pcx-0123456789abcdef0
expect_error InvalidRouteTableID.NotFound ec2 create-route --route-table-id rtb-0123456789abcdef0 \
	--destination-cidr-block 1.2.3.0/24 --gateway-id "$IGW"
# EC2 canonicalises the destination (CreateRoute reference: 100.68.0.18/18 -> 100.68.0.0/18).
ec2 create-route --route-table-id "$RT" --destination-cidr-block 100.68.0.18/18 --gateway-id "$IGW" >/dev/null
eq "$(ec2 describe-route-tables --route-table-ids "$RT" \
	--query 'RouteTables[0].Routes[?GatewayId==`'"$IGW"'`].DestinationCidrBlock | sort(@) | join(`,`, @)' \
	--output text)" "0.0.0.0/0,100.68.0.0/18" "canonical destinations"

# The local route stays; missing routes are reported as EC2 does.
msg=$(ec2 delete-route --route-table-id "$RT" --destination-cidr-block 10.0.0.0/16 2>&1) &&
	fail "deleted the local route"
grep -q "(InvalidParameterValue).*cannot remove local route 10.0.0.0/16 in route table $RT" <<<"$msg" ||
	fail "local route: $msg"
expect_error InvalidParameterValue ec2 replace-route --route-table-id "$RT" \
	--destination-cidr-block 10.0.0.0/16 --gateway-id "$IGW"
msg=$(ec2 delete-route --route-table-id "$RT" --destination-cidr-block 10.87.0.0/24 2>&1) &&
	fail "deleted a missing route"
grep -q "(InvalidRoute.NotFound).*no route with destination-cidr-block 10.87.0.0/24 in route table $RT" \
	<<<"$msg" || fail "missing route: $msg"
msg=$(ec2 replace-route --route-table-id "$RT" --destination-cidr-block 10.87.0.0/24 --gateway-id "$IGW" 2>&1) &&
	fail "replaced a missing route"
grep -q "There is no route defined for '10.87.0.0/24' in the route table. Use CreateRoute instead." \
	<<<"$msg" || fail "replace missing: $msg"

# A virtual private gateway route, blackholed once the gateway leaves the VPC.
VGW=$(ec2 create-vpn-gateway --type ipsec.1 --query VpnGateway.VpnGatewayId --output text)
ec2 attach-vpn-gateway --vpn-gateway-id "$VGW" --vpc-id "$VPC" >/dev/null
ec2 create-route --route-table-id "$RT" --destination-cidr-block 172.16.0.0/12 --gateway-id "$VGW" >/dev/null
ec2 detach-vpn-gateway --vpn-gateway-id "$VGW" --vpc-id "$VPC" >/dev/null
eq "$(ec2 describe-route-tables --route-table-ids "$RT" \
	--query 'RouteTables[0].Routes[?DestinationCidrBlock==`172.16.0.0/12`].State' --output text)" \
	blackhole "route to a detached vgw"
eq "$(ec2 describe-route-tables --filters Name=route.state,Values=blackhole \
	--query 'RouteTables[].RouteTableId' --output text)" "$RT" "route.state filter"
ec2 replace-route --route-table-id "$RT" --destination-cidr-block 172.16.0.0/12 --gateway-id "$IGW" >/dev/null
eq "$(ec2 describe-route-tables --route-table-ids "$RT" \
	--query 'RouteTables[0].Routes[?DestinationCidrBlock==`172.16.0.0/12`].[GatewayId,State]' \
	--output text)" "$IGW	active" "replaced route"
ec2 delete-route --route-table-id "$RT" --destination-cidr-block 172.16.0.0/12 >/dev/null

# A NAT gateway route.
ALLOC=$(ec2 allocate-address --domain vpc --query AllocationId --output text)
NAT=$(ec2 create-nat-gateway --subnet-id "$S2" --allocation-id "$ALLOC" \
	--query NatGateway.NatGatewayId --output text)
ec2 create-route --route-table-id "$RT2" --destination-cidr-block 0.0.0.0/0 --nat-gateway-id "$NAT" >/dev/null
out=$(ec2 describe-route-tables --filters Name=route.nat-gateway-id,Values="$NAT")
jq_eq "$out" '.RouteTables[0].RouteTableId' "$RT2"
jq_eq "$out" '.RouteTables[0].Routes[1].NatGatewayId' "$NAT"
jq_eq "$out" '.RouteTables[0].Routes[1].Origin' CreateRoute

# The gateway endpoint owns its prefix-list route.
EP=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --service-name com.amazonaws.us-east-1.s3 \
	--route-table-ids "$RT" --query VpcEndpoint.VpcEndpointId --output text)
route=$(ec2 describe-route-tables --route-table-ids "$RT" \
	--query 'RouteTables[0].Routes[?DestinationPrefixListId==`pl-63a5400a`] | [0]')
jq_eq "$route" .GatewayId "$EP"
jq_eq "$route" .Origin CreateRoute
jq_eq "$route" .State active
jq_eq "$route" .DestinationCidrBlock null
eq "$(ec2 describe-route-tables --filters Name=route.destination-prefix-list-id,Values=pl-63a5400a \
	--query 'RouteTables[].RouteTableId' --output text)" "$RT" "prefix list filter"
eq "$(ec2 describe-route-tables --filters Name=route.gateway-id,Values="$EP" \
	--query 'RouteTables[].RouteTableId' --output text)" "$RT" "gateway-id filter"
msg=$(ec2 create-route --route-table-id "$RT" --destination-prefix-list-id pl-63a5400a \
	--gateway-id "$IGW" 2>&1) && fail "routed the endpoint's prefix list"
grep -q "(RouteAlreadyExists).*The route identified by pl-63a5400a already exists." <<<"$msg" ||
	fail "prefix list route: $msg"
expect_error InvalidParameterValue ec2 replace-route --route-table-id "$RT" \
	--destination-prefix-list-id pl-63a5400a --gateway-id "$IGW"
expect_error InvalidParameterValue ec2 delete-route --route-table-id "$RT" \
	--destination-prefix-list-id pl-63a5400a
expect_error RouteNotSupported ec2 create-route --route-table-id "$RT" \
	--destination-cidr-block 1.2.3.0/24 --vpc-endpoint-id "$EP"
expect_error InvalidPrefixListID.NotFound ec2 create-route --route-table-id "$RT" \
	--destination-prefix-list-id pl-6da54004 --gateway-id "$IGW"

# Filters and errors of DescribeRouteTables.
eq "$(ec2 describe-route-tables --filters Name=tag:Name,Values=pub* --query 'RouteTables[].RouteTableId' \
	--output text)" "$RT" "tag filter"
eq "$(ec2 describe-route-tables --filters Name=route.destination-cidr-block,Values=100.68.0.0/18 \
	--query 'RouteTables[].RouteTableId' --output text)" "$RT" "destination filter"
eq "$(ec2 describe-route-tables --filters Name=route.origin,Values=CreateRouteTable \
	Name=vpc-id,Values="$OTHER" --query 'length(RouteTables)')" 1 "origin filter"
eq "$(ec2 describe-route-tables --filters Name=association.route-table-association-id,Values="$MAIN_ASSOC" \
	--query 'length(RouteTables)')" 0 "replaced association is gone"
expect_error InvalidRouteTableID.NotFound ec2 describe-route-tables --route-table-ids rtb-0123456789abcdef0
expect_error InvalidParameterValue ec2 describe-route-tables --filters Name=route.bogus,Values=x

# boto3 pages through the VPC's six tables five at a time (MaxResults is 5 to 100).
/usr/bin/python3 - "$ENDPOINT" "$VPC" "$RT" "$RT2" "$MAIN" <<'PY' || fail "boto3 paginator"
import sys, boto3
endpoint, vpc, *want = sys.argv[1:]
ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
extra = [ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"] for _ in range(3)]
pages = list(ec2.get_paginator("describe_route_tables").paginate(
    Filters=[{"Name": "vpc-id", "Values": [vpc]}], PaginationConfig={"PageSize": 5}))
tables = [t for p in pages for t in p["RouteTables"]]
assert [len(p["RouteTables"]) for p in pages] == [5, 1], pages
assert sorted(t["RouteTableId"] for t in tables) == sorted(want + extra), tables
assert all(t["VpcId"] == vpc for t in tables)
main = [t for t in tables if t["RouteTableId"] == want[2]][0]
assert main["Associations"][0]["Main"] is True
assert main["Routes"][0] == {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local",
                             "Origin": "CreateRouteTable", "State": "active"}, main["Routes"]
for t in extra:
    ec2.delete_route_table(RouteTableId=t)
try:
    ec2.delete_route_table(RouteTableId=extra[0])
    sys.exit(1)
except ec2.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "InvalidRouteTableID.NotFound", e.response
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
PY

# Tear down: the VPC goes once its tables, gateways and endpoint are gone.
expect_error DependencyViolation ec2 delete-vpc --vpc-id "$VPC"
ec2 delete-vpc-endpoints --vpc-endpoint-ids "$EP" >/dev/null
ec2 delete-nat-gateway --nat-gateway-id "$NAT" >/dev/null
eq "$(ec2 describe-route-tables --route-table-ids "$RT2" --query 'RouteTables[0].Routes[1].State' \
	--output text)" blackhole "route to a deleted NAT gateway"
ec2 release-address --allocation-id "$ALLOC"
ec2 delete-route-table --route-table-id "$RT"
ec2 delete-route-table --route-table-id "$RT2"
expect_error InvalidRouteTableID.NotFound ec2 describe-route-tables --route-table-ids "$RT"
ec2 detach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$VPC"
ec2 delete-internet-gateway --internet-gateway-id "$IGW"
ec2 delete-subnet --subnet-id "$S1"
ec2 delete-subnet --subnet-id "$S2"
ec2 delete-vpc --vpc-id "$VPC"
expect_error InvalidRouteTableID.NotFound ec2 describe-route-tables --route-table-ids "$MAIN"
echo ok
