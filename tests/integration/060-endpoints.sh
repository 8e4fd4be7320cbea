#!/bin/bash
# VPC endpoints through the aws CLI v2: the service catalogue, interface
# endpoints (ENIs per zone, DNS names, private DNS rules), gateway endpoints
# (prefix-list routes), ModifyVpcEndpoint, ClientToken and DryRun.
. "$(dirname "$0")/lib.sh"
start_vpced

# The catalogue: S3 twice (Gateway and Interface), SQS Interface only.
svc=$(ec2 describe-vpc-endpoint-services --service-names com.amazonaws.us-east-1.s3)
eq "$(jq -r '[.ServiceDetails[].ServiceType[0].ServiceType] | sort | join(",")' <<<"$svc")" \
	Gateway,Interface "s3 service types"
svc=$(ec2 describe-vpc-endpoint-services --service-names com.amazonaws.us-east-1.sqs)
jq_eq "$svc" '.ServiceDetails[0].PrivateDnsName' sqs.us-east-1.amazonaws.com
jq_eq "$svc" '.ServiceDetails[0].BaseEndpointDnsNames[0]' sqs.us-east-1.vpce.amazonaws.com
jq_eq "$svc" '.ServiceDetails[0].AvailabilityZones | length' 6
expect_error InvalidServiceName ec2 describe-vpc-endpoint-services \
	--service-names com.amazonaws.us-east-1.nope

VPC=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
SA=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.1.0/24 --availability-zone us-east-1a \
	--query Subnet.SubnetId --output text)
SA2=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.3.0/24 --availability-zone us-east-1a \
	--query Subnet.SubnetId --output text)
SB=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.2.0/24 --availability-zone us-east-1b \
	--query Subnet.SubnetId --output text)

# Private DNS is on by default and needs DNS support and hostnames.
expect_error InvalidParameter ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.us-east-1.sqs --subnet-ids "$SA"
ec2 modify-vpc-attribute --vpc-id "$VPC" --enable-dns-hostnames >/dev/null

# One subnet per zone; unknown services and types are refused.
expect_error DuplicateSubnetsInSameZone ec2 create-vpc-endpoint --vpc-id "$VPC" \
	--vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.sqs \
	--subnet-ids "$SA" "$SA2"
expect_error InvalidServiceName ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.eu-west-1.sqs --subnet-ids "$SA"
expect_error InvalidParameter ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Gateway \
	--service-name com.amazonaws.us-east-1.sqs
expect_error InvalidSubnetID.NotFound ec2 create-vpc-endpoint --vpc-id "$VPC" \
	--vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.sqs \
	--subnet-ids subnet-0123456789abcdef0

# DryRun answers DryRunOperation and makes nothing.
expect_error DryRunOperation ec2 create-vpc-endpoint --dry-run --vpc-id "$VPC" \
	--vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.sqs --subnet-ids "$SA"
eq "$(ec2 describe-vpc-endpoints --query 'length(VpcEndpoints)')" 0 "endpoints after dry run"

ep=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.us-east-1.sqs --subnet-ids "$SA" "$SB" --client-token tok-1)
EP=$(jq -r .VpcEndpoint.VpcEndpointId <<<"$ep")
[[ $EP =~ ^vpce-[0-9a-f]{17}$ ]] || fail "bad endpoint id $EP"
jq_eq "$ep" .VpcEndpoint.State pending
jq_eq "$ep" .VpcEndpoint.PrivateDnsEnabled true
jq_eq "$ep" '.VpcEndpoint.NetworkInterfaceIds | length' 2
jq_eq "$ep" '.VpcEndpoint.Groups[0].GroupName' default
jq_eq "$ep" '.VpcEndpoint.DnsEntries | length' 4
jq -r '.VpcEndpoint.DnsEntries[0].DnsName' <<<"$ep" |
	grep -Eq "^$EP-[a-z0-9]{8}\.sqs\.us-east-1\.vpce\.amazonaws\.com$" || fail "regional name"
jq -r '.VpcEndpoint.DnsEntries[1].DnsName' <<<"$ep" |
	grep -Eq "^$EP-[a-z0-9]{8}-us-east-1a\.sqs\.us-east-1\.vpce\.amazonaws\.com$" || fail "zonal name"
jq_eq "$ep" '.VpcEndpoint.DnsEntries[0].HostedZoneId' Z7HUB22UULQXV
jq_eq "$ep" '.VpcEndpoint.DnsEntries[3].DnsName' sqs.us-east-1.amazonaws.com
jq_eq "$ep" '.VpcEndpoint.DnsEntries[3].HostedZoneId' ZONEIDPENDING

# The same token with the same parameters returns the same endpoint...
again=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.us-east-1.sqs --subnet-ids "$SA" "$SB" --client-token tok-1)
jq_eq "$again" .VpcEndpoint.VpcEndpointId "$EP"
# ...and with other parameters is refused.
expect_error IdempotentParameterMismatch ec2 create-vpc-endpoint --vpc-id "$VPC" \
	--vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.sqs \
	--subnet-ids "$SA" --client-token tok-1

# Only one endpoint per VPC may own a service's private DNS name.
expect_error InvalidParameter ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.us-east-1.sqs --subnet-ids "$SA"
ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface --no-private-dns-enabled \
	--service-name com.amazonaws.us-east-1.sqs --subnet-ids "$SA" >/dev/null

# Each ENI takes an address: 251 usable in a /24, one per endpoint ENI.
eq "$(ec2 describe-subnets --subnet-ids "$SA" --query 'Subnets[0].AvailableIpAddressCount')" 249 \
	"free addresses in subnet a"

# Pending turns available for a poller.
sleep 1.6
eq "$(ec2 describe-vpc-endpoints --vpc-endpoint-ids "$EP" --query 'VpcEndpoints[0].State' --output text)" \
	available "state after a moment"

# Modify: drop zone b, then add it back.
ec2 modify-vpc-endpoint --vpc-endpoint-id "$EP" --remove-subnet-ids "$SB" >/dev/null
d=$(ec2 describe-vpc-endpoints --vpc-endpoint-ids "$EP")
jq_eq "$d" '.VpcEndpoints[0].SubnetIds | join(",")' "$SA"
jq_eq "$d" '.VpcEndpoints[0].NetworkInterfaceIds | length' 1
jq_eq "$d" '.VpcEndpoints[0].DnsEntries | length' 3
eq "$(ec2 describe-subnets --subnet-ids "$SB" --query 'Subnets[0].AvailableIpAddressCount')" 251 \
	"subnet b freed"
expect_error DuplicateSubnetsInSameZone ec2 modify-vpc-endpoint --vpc-endpoint-id "$EP" \
	--add-subnet-ids "$SA2"
ec2 modify-vpc-endpoint --vpc-endpoint-id "$EP" --add-subnet-ids "$SB" >/dev/null
jq_eq "$(ec2 describe-vpc-endpoints --vpc-endpoint-ids "$EP")" '.VpcEndpoints[0].SubnetIds | length' 2

# Policies: validated at write time; reset restores full access.
# The error names the element, as the README says.
out=$(ec2 modify-vpc-endpoint --vpc-endpoint-id "$EP" \
	--policy-document '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' 2>&1) &&
	fail "a policy without Principal was accepted"
grep -q "(InvalidPolicyDocument)" <<<"$out" || fail "not InvalidPolicyDocument: $out"
grep -q "Statement\[0\]: endpoint policies need a Principal" <<<"$out" ||
	fail "the error does not name the element: $out"
ec2 modify-vpc-endpoint --vpc-endpoint-id "$EP" --policy-document \
	'{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}' >/dev/null
jq -r '.VpcEndpoints[0].PolicyDocument' <<<"$(ec2 describe-vpc-endpoints --vpc-endpoint-ids "$EP")" |
	grep -q sqs:SendMessage || fail "policy not stored"
ec2 modify-vpc-endpoint --vpc-endpoint-id "$EP" --reset-policy >/dev/null
jq -r '.VpcEndpoints[0].PolicyDocument' <<<"$(ec2 describe-vpc-endpoints --vpc-endpoint-ids "$EP")" |
	jq -e '.Statement[0].Action == "*"' >/dev/null || fail "reset policy"

# Gateway endpoints: a route to the prefix list in each chosen table.
RTB=$(ec2 describe-vpcs --vpc-ids "$VPC" >/dev/null; ec2 create-route-table --vpc-id "$VPC" \
	--query RouteTable.RouteTableId --output text 2>/dev/null || true)
MAIN=$(ec2 describe-route-tables --filters Name=vpc-id,Values="$VPC" Name=association.main,Values=true \
	--query 'RouteTables[0].RouteTableId' --output text 2>/dev/null || true)
if [ -n "$MAIN" ] && [ "$MAIN" != None ]; then
	gw=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --service-name com.amazonaws.us-east-1.s3 \
		--route-table-ids "$MAIN")
	GW=$(jq -r .VpcEndpoint.VpcEndpointId <<<"$gw")
	jq_eq "$gw" .VpcEndpoint.VpcEndpointType Gateway
	jq_eq "$gw" .VpcEndpoint.State available
	jq_eq "$gw" '.VpcEndpoint.DnsEntries | length' 0
	jq_eq "$gw" '.VpcEndpoint.PolicyDocument' \
		'{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}'
	expect_error RouteAlreadyExists ec2 create-vpc-endpoint --vpc-id "$VPC" \
		--service-name com.amazonaws.us-east-1.s3 --route-table-ids "$MAIN"
	expect_error InvalidPolicyDocument ec2 create-vpc-endpoint --vpc-id "$VPC" \
		--service-name com.amazonaws.us-east-1.dynamodb --route-table-ids "$MAIN" --policy-document \
		'{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"*","Resource":"*"}]}'
	expect_error InvalidServiceName ec2 create-vpc-endpoint --vpc-id "$VPC" \
		--service-name com.amazonaws.eu-west-1.s3 --route-table-ids "$MAIN"
	ec2 delete-vpc-endpoints --vpc-endpoint-ids "$GW" >/dev/null
fi

# Delete: unknown IDs come back as unsuccessful, known ones go.
del=$(ec2 delete-vpc-endpoints --vpc-endpoint-ids "$EP" vpce-0123456789abcdef0)
jq_eq "$del" '.Unsuccessful | length' 1
jq_eq "$del" '.Unsuccessful[0].Error.Code' InvalidVpcEndpointId.NotFound
expect_error InvalidVpcEndpointId.NotFound ec2 describe-vpc-endpoints --vpc-endpoint-ids "$EP"
eq "$(ec2 describe-subnets --subnet-ids "$SB" --query 'Subnets[0].AvailableIpAddressCount')" 251 \
	"ENIs released"

# The aws CLI v1 (botocore's other serializer generation) gets the same answers.
if [ -n "$AWS1" ]; then
	v1=$(aws1 --output json ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface \
		--service-name com.amazonaws.us-east-1.ssm --subnet-ids "$SA" "$SB" \
		--security-group-ids "$(ec2 describe-vpcs --vpc-ids "$VPC" >/dev/null;
			ec2 describe-vpc-endpoints --query 'VpcEndpoints[0].Groups[0].GroupId' --output text)" \
		--tag-specifications 'ResourceType=vpc-endpoint,Tags=[{Key=via,Value=v1}]')
	V1=$(jq -r .VpcEndpoint.VpcEndpointId <<<"$v1")
	jq_eq "$v1" '.VpcEndpoint.DnsEntries | length' 4
	jq_eq "$v1" '.VpcEndpoint.Tags[0].Value' v1
	eq "$(aws1 --output text ec2 describe-vpc-endpoints --filters Name=tag:via,Values=v1 \
		--query 'VpcEndpoints[0].VpcEndpointId')" "$V1" "v1 describe by tag"
	aws1 ec2 delete-vpc-endpoints --vpc-endpoint-ids "$V1" >/dev/null
else
	echo "no aws CLI v1 here; v1 checks skipped"
fi

# State survives a restart exactly.
before=$(ec2 describe-vpc-endpoints)
stop_vpced
start_vpced
eq "$(ec2 describe-vpc-endpoints)" "$before" "endpoints after restart"
echo ok
