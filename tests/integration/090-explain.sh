#!/bin/bash
# vpce explain and vpce lint, run as a user would: a topology made with the aws
# CLI, one scenario per promise of the seed, explained from the state file;
# then the same account exported with scripts/export-aws-state (the aws CLI
# against vpced) and explained again from --aws-json: same verdicts, same lint.
. "$(dirname "$0")/lib.sh"
start_vpced
AMI=ami-0123456789abcdef0

id() { jq -r "$1"; }
VPC=$(ec2 create-vpc --cidr-block 10.0.0.0/16 | id .Vpc.VpcId)
ec2 modify-vpc-attribute --vpc-id "$VPC" --enable-dns-hostnames >/dev/null
subnet() { ec2 create-subnet --vpc-id "$VPC" --cidr-block "$1" --availability-zone "$2" | id .Subnet.SubnetId; }
SA=$(subnet 10.0.1.0/24 us-east-1a)	# private, zone a
SB=$(subnet 10.0.2.0/24 us-east-1b)	# private, zone b
SP=$(subnet 10.0.3.0/24 us-east-1a)	# public
SC=$(subnet 10.0.4.0/24 us-east-1b)	# private behind the NAT gateway (main table)
IGW=$(ec2 create-internet-gateway | id .InternetGateway.InternetGatewayId)
ec2 attach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$VPC" >/dev/null
RT_PUB=$(ec2 create-route-table --vpc-id "$VPC" | id .RouteTable.RouteTableId)
ec2 associate-route-table --route-table-id "$RT_PUB" --subnet-id "$SP" >/dev/null
ec2 create-route --route-table-id "$RT_PUB" --destination-cidr-block 0.0.0.0/0 --gateway-id "$IGW" >/dev/null
EIP=$(ec2 allocate-address --domain vpc | id .AllocationId)
NAT=$(ec2 create-nat-gateway --subnet-id "$SP" --allocation-id "$EIP" | id .NatGateway.NatGatewayId)
MAIN=$(ec2 describe-route-tables --filters Name=vpc-id,Values="$VPC" Name=association.main,Values=true |
	id '.RouteTables[0].RouteTableId')
ec2 create-route --route-table-id "$MAIN" --destination-cidr-block 0.0.0.0/0 --nat-gateway-id "$NAT" >/dev/null
RT_PRIV=$(ec2 create-route-table --vpc-id "$VPC" | id .RouteTable.RouteTableId)
ec2 associate-route-table --route-table-id "$RT_PRIV" --subnet-id "$SA" >/dev/null
ec2 associate-route-table --route-table-id "$RT_PRIV" --subnet-id "$SB" >/dev/null
SG_EP=$(ec2 create-security-group --vpc-id "$VPC" --group-name endpoints --description e | id .GroupId)
ec2 authorize-security-group-ingress --group-id "$SG_EP" --protocol tcp --port 443 \
	--cidr 10.0.0.0/16 >/dev/null
SG_APP=$(ec2 create-security-group --vpc-id "$VPC" --group-name app --description a | id .GroupId)
run() { ec2 run-instances --image-id "$AMI" --subnet-id "$1" --security-group-ids "$SG_APP" | id '.Instances[0].InstanceId'; }
I1=$(run "$SA")
I2=$(run "$SB")
I3=$(run "$SC")

# explain FROM TO [options]: the JSON answer (exit status 0 required).
explain() {
	local from=$1 to=$2 out
	shift 2
	out=$("$VPCE" explain --state "$STATE" --from "$from" --to "$to" --output json "$@") ||
		fail "vpce explain --from $from --to $to $*: exit $?"
	echo "$out"
}
# verdict FROM TO [options]: "reachable" or the blocking hop's name.
verdict() { explain "$@" | jq -r 'if .verdict == "reachable" then "reachable" else .blocked_at end'; }

# 1. A private subnet with no internet or NAT gateway reaches S3 only through a gateway endpoint
#    associated with its route table.
eq "$(verdict "$I1" s3://my-bucket/k)" route "S3 with no route"
GW=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --service-name com.amazonaws.us-east-1.s3 \
	--route-table-ids "$RT_PRIV" | id .VpcEndpoint.VpcEndpointId)
out=$(explain "$I1" s3://my-bucket/k)
jq_eq "$out" .verdict reachable
jq_eq "$out" '[.hops[] | select(.component == "route")][0].id' "$GW"
jq_eq "$out" '.context["aws:SourceVpce"]' "$GW"
jq_eq "$out" '.context["aws:VpcSourceIp"] | startswith("10.0.1.")' true
jq_eq "$out" '.context | has("aws:SourceIp")' false
# The gateway endpoint serves every zone: no application change, the public name, any subnet.
out=$(explain "$I2" s3.us-east-1.amazonaws.com)
jq_eq "$out" .verdict reachable
jq_eq "$out" .resolved.answer public-name
jq_eq "$out" '.context["aws:SourceVpce"]' "$GW"
ec2 modify-vpc-endpoint --vpc-endpoint-id "$GW" --remove-route-table-ids "$RT_PRIV" >/dev/null
eq "$(verdict "$I1" s3://my-bucket/k)" route "S3 once the route table is disassociated"
ec2 modify-vpc-endpoint --vpc-endpoint-id "$GW" --add-route-table-ids "$RT_PRIV" >/dev/null

# 2. The NAT path works, and carries the Elastic IP as aws:SourceIp.
out=$(explain "$I3" s3://my-bucket/k)
jq_eq "$out" .verdict reachable
jq_eq "$out" '[.hops[].component] | index("nat-gateway") != null' true
jq_eq "$out" '.context["aws:SourceIp"] | startswith("198.19.")' true

# 3. Interface endpoint: private DNS overrides the public name inside the VPC; the zonal name
#    answers with its zone's ENI only, the regional one with every zone's.
EP=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.us-east-1.sqs --subnet-ids "$SA" "$SB" --security-group-ids "$SG_EP" |
	id .VpcEndpoint.VpcEndpointId)
eps=$(ec2 describe-vpc-endpoints --vpc-endpoint-ids "$EP")
REGIONAL=$(jq -r '.VpcEndpoints[0].DnsEntries[0].DnsName' <<<"$eps")
ZONAL_A=$(jq -r '.VpcEndpoints[0].DnsEntries[] | .DnsName | select(endswith("-us-east-1a.sqs.us-east-1.vpce.amazonaws.com"))' <<<"$eps")
out=$(explain "$I2" sqs.us-east-1.amazonaws.com)
jq_eq "$out" .verdict reachable
jq_eq "$out" .resolved.answer private-dns
jq_eq "$out" .resolved.endpoint "$EP"
jq_eq "$out" '.resolved.addresses | length' 2
jq_eq "$out" '.resolved.address | startswith("10.0.2.")' true	# its own zone's ENI
jq_eq "$out" '.context["aws:SourceVpce"]' "$EP"
out=$(explain "$I2" "$ZONAL_A")
jq_eq "$out" .resolved.answer endpoint-name
jq_eq "$out" '.resolved.addresses | length' 1
jq_eq "$out" '.resolved.address | startswith("10.0.1.")' true
jq_eq "$(explain "$I1" "$REGIONAL")" '.resolved.addresses | length' 2

# 4. TCP only, and the endpoint's security group decides.
eq "$(verdict "$I1" sqs.us-east-1.amazonaws.com --protocol udp)" protocol "UDP to an endpoint"
ec2 revoke-security-group-ingress --group-id "$SG_EP" --protocol tcp --port 443 --cidr 10.0.0.0/16 >/dev/null
out=$(explain "$I1" sqs.us-east-1.amazonaws.com)
jq_eq "$out" .blocked_at security-group-ingress
jq_eq "$out" '[.hops[] | select(.blocking)][0].id' "$SG_EP"
"$VPCE" lint --state "$STATE" --output json | jq -e --arg ep "$EP" \
	'.findings[] | select(.id == "endpoint-sg-blocks-https")' >/dev/null ||
	fail "lint misses endpoint-sg-blocks-https"
ec2 authorize-security-group-ingress --group-id "$SG_EP" --protocol tcp --port 443 \
	--cidr 10.0.0.0/16 >/dev/null
eq "$(verdict "$I1" sqs.us-east-1.amazonaws.com)" reachable "once 443 is allowed again"

# 5. An endpoint policy restricts what passes; the deciding statement is named.
cat >"$TMP/deny-send.json" <<'EOF'
{"Version":"2012-10-17","Statement":[
 {"Sid":"NoSend","Effect":"Deny","Principal":"*","Action":"sqs:SendMessage","Resource":"*"},
 {"Sid":"Rest","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}
EOF
ec2 modify-vpc-endpoint --vpc-endpoint-id "$EP" --policy-document "file://$TMP/deny-send.json" >/dev/null
P=arn:aws:iam::123456789012:user/alice
out=$(explain "$I1" sqs.us-east-1.amazonaws.com --principal "$P" --action sqs:SendMessage)
jq_eq "$out" .blocked_at endpoint-policy
jq_eq "$out" '[.hops[] | select(.blocking)][0].detail | test("NoSend")' true
eq "$(verdict "$I1" sqs.us-east-1.amazonaws.com --principal "$P" --action sqs:ReceiveMessage)" reachable

# An endpoint policy never widens what identity policies allow, and can hold to an organization.
echo '{"Version":"2012-10-17","Statement":[{"Sid":"NoQueues","Effect":"Deny","Action":"sqs:*","Resource":"*"}]}' \
	>"$TMP/identity-deny.json"
out=$(explain "$I1" sqs.us-east-1.amazonaws.com --principal "$P" --action sqs:ReceiveMessage \
	--identity-policy "$TMP/identity-deny.json")
jq_eq "$out" .blocked_at identity-policy
jq_eq "$out" '[.hops[] | select(.blocking)][0].detail | test("NoQueues")' true
cat >"$TMP/org.json" <<'EOF'
{"Version":"2012-10-17","Statement":[{"Sid":"OurOrgOnly","Effect":"Allow","Principal":"*","Action":"*",
 "Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123def4"}}}]}
EOF
ec2 modify-vpc-endpoint --vpc-endpoint-id "$EP" --policy-document "file://$TMP/org.json" >/dev/null
eq "$(verdict "$I1" sqs.us-east-1.amazonaws.com --principal "$P" --action sqs:ReceiveMessage)" \
	endpoint-policy "a principal outside the organization"
eq "$(verdict "$I1" sqs.us-east-1.amazonaws.com --principal "$P" --action sqs:ReceiveMessage \
	--context aws:PrincipalOrgID=o-abc123def4)" reachable "a principal of the organization"
ec2 modify-vpc-endpoint --vpc-endpoint-id "$EP" --policy-document "file://$TMP/deny-send.json" >/dev/null

# 6. A bucket policy keyed on aws:SourceVpce: no leaky bucket. The endpoint passes, the NAT path
#    and a request that names another endpoint do not.
cat >"$TMP/bucket.json" <<EOF
{"Version":"2012-10-17","Statement":[
 {"Sid":"OnlyThroughOurEndpoint","Effect":"Deny","Principal":"*","Action":"s3:*",
  "Resource":["arn:aws:s3:::my-bucket","arn:aws:s3:::my-bucket/*"],
  "Condition":{"StringNotEquals":{"aws:SourceVpce":"$GW"}}}]}
EOF
B=(--bucket-policy "my-bucket=$TMP/bucket.json" --principal "$P" --action s3:GetObject)
eq "$(verdict "$I1" s3://my-bucket/k "${B[@]}")" reachable "bucket through the endpoint"
out=$(explain "$I3" s3://my-bucket/k "${B[@]}")
jq_eq "$out" .blocked_at resource-policy
jq_eq "$out" '[.hops[] | select(.blocking)][0].detail | test("OnlyThroughOurEndpoint")' true
out=$(explain "$I1" s3://my-bucket/k "${B[@]}" --context aws:SourceVpce=vpce-0000000000000000f)
jq_eq "$out" .blocked_at resource-policy
jq_eq "$out" '.context["aws:SourceVpce"]' vpce-0000000000000000f	# as decided

# 7. On-premises: an interface endpoint by address and by its regional name, never a gateway
#    endpoint.
VGW=$(ec2 create-vpn-gateway --type ipsec.1 | id .VpnGateway.VpnGatewayId)
ec2 attach-vpn-gateway --vpn-gateway-id "$VGW" --vpc-id "$VPC" >/dev/null
ec2 create-route --route-table-id "$RT_PRIV" --destination-cidr-block 172.16.0.0/12 --gateway-id "$VGW" >/dev/null
eq "$(verdict 172.16.5.5 "$REGIONAL")" security-group-ingress "on-premises before the group admits it"
ec2 authorize-security-group-ingress --group-id "$SG_EP" --protocol tcp --port 443 \
	--cidr 172.16.0.0/12 >/dev/null
out=$(explain 172.16.5.5 "$REGIONAL")
jq_eq "$out" .verdict reachable
jq_eq "$out" .resolved.view public
jq_eq "$out" .hops[0].id "$VGW"
out=$(explain 172.16.5.5 s3://my-bucket/k)
jq_eq "$out" .blocked_at route
jq_eq "$out" '[.hops[] | select(.blocking)][0].id' "$GW"
eq "$(explain 172.16.5.5 sqs.us-east-1.amazonaws.com | jq -r .resolved.answer)" public-name \
	"on-premises resolves the public name"
"$VPCE" explain --state "$STATE" --from 192.168.77.7 --to "$REGIONAL" >/dev/null 2>"$TMP/err" &&
	fail "an address no VPC routes to a vgw is not a source"
grep -q "virtual private gateway" "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"

# 8. Longest prefix match: a more specific route takes part of S3 away from the endpoint.
S3_IP=$(explain "$I1" s3.us-east-1.amazonaws.com | jq -r .resolved.address)
ec2 create-route --route-table-id "$RT_PRIV" --destination-cidr-block "${S3_IP%.*}.0/29" \
	--nat-gateway-id "$NAT" >/dev/null
out=$(explain "$I1" s3://my-bucket/k)
jq_eq "$out" '[.hops[] | select(.component == "route")][0].id' "$NAT"
"$VPCE" lint --state "$STATE" --output json | jq -e '.findings[] | select(.id == "route-bypasses-gateway-endpoint")' \
	>/dev/null || fail "lint misses route-bypasses-gateway-endpoint"
ec2 delete-route --route-table-id "$RT_PRIV" --destination-cidr-block "${S3_IP%.*}.0/29" >/dev/null

# A DynamoDB table ARN: the private subnets have no way there, the NAT path does; the ARN is
# the resource the policies decide on.
eq "$(verdict "$I1" arn:aws:dynamodb:us-east-1:123456789012:table/orders)" route "DynamoDB, no route"
out=$(explain "$I3" arn:aws:dynamodb:us-east-1:123456789012:table/orders --principal "$P" \
	--action dynamodb:GetItem)
jq_eq "$out" .verdict reachable
jq_eq "$out" .resolved.name dynamodb.us-east-1.amazonaws.com
jq_eq "$out" '.hops[-1].detail | test("table/orders: allowed")' true

# 9. A gateway endpoint serves its own region only.
eq "$(verdict "$I1" my-bucket.s3.eu-west-1.amazonaws.com)" region "S3 in another region"

# 10. No resolver without enableDnsSupport; bad input exits 2 with a message.
VPC2=$(ec2 create-vpc --cidr-block 10.9.0.0/16 | id .Vpc.VpcId)
ec2 modify-vpc-attribute --vpc-id "$VPC2" --no-enable-dns-support >/dev/null
S2=$(ec2 create-subnet --vpc-id "$VPC2" --cidr-block 10.9.1.0/24 --availability-zone us-east-1a | id .Subnet.SubnetId)
I9=$(ec2 run-instances --image-id "$AMI" --subnet-id "$S2" | id '.Instances[0].InstanceId')
eq "$(verdict "$I9" sqs.us-east-1.amazonaws.com)" dns "no resolver"
# A gateway endpoint serves its own VPC only.
eq "$(verdict "$I9" 198.18.0.1)" route "another VPC's gateway endpoint"
for bad in "--from i-00000000000000000 --to 10.0.1.1" "--from $I1 --to s3://" "--from $I1 --to 10.0.1.1 --port 0" \
	"--from $I1 --to 10.0.1.1 --protocol icmp" "--from $I1"; do
	# shellcheck disable=SC2086
	"$VPCE" explain --state "$STATE" $bad >/dev/null 2>"$TMP/err"
	eq "$?" 2 "exit status of explain $bad"
	[ -s "$TMP/err" ] || fail "no message for explain $bad"
done

# The text form: one line per hop, the blocking one marked, the fix.
text=$("$VPCE" explain --state "$STATE" --from "$I9" --to sqs.us-east-1.amazonaws.com)
grep -q "^BLOCKED at dns" <<<"$text" || fail "text verdict: $text"
grep -q "^  X dns" <<<"$text" || fail "text marks the hop: $text"
grep -q "^fix: aws ec2 modify-vpc-attribute" <<<"$text" || fail "text fix: $text"

# Lint: the design mistakes of this account.
EP2=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface --no-private-dns-enabled \
	--service-name com.amazonaws.us-east-1.kms --subnet-ids "$SA" | id .VpcEndpoint.VpcEndpointId)
lint=$("$VPCE" lint --state "$STATE" --output json --bucket-policy "my-bucket=$TMP/bucket.json")
has() { jq -e --arg id "$1" --arg r "$2" '.findings[] | select(.id == $id and .resource == $r)' <<<"$lint" >/dev/null ||
	fail "lint: no $1 on $2: $lint"; }
has endpoint-single-az "$EP2"
has private-dns-disabled "$EP2"
has endpoint-policy-full-access "$GW"
has gateway-endpoint-unassociated "$MAIN"
has gateway-endpoint-missing "$MAIN"	# DynamoDB through the NAT gateway
has gateway-endpoint-from-onprem "$GW"
jq -e '[.findings[] | select(.id == "bucket-not-restricted-to-endpoint")] | length == 0' <<<"$lint" >/dev/null ||
	fail "a bucket restricted to the endpoint is reported leaky"
jq -e '[.findings[] | select(.id == "endpoint-single-az" and .resource == "'"$EP"'")] | length == 0' <<<"$lint" >/dev/null ||
	fail "an endpoint in both zones is reported single-AZ"
echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::open/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}' >"$TMP/open.json"
lint=$("$VPCE" lint --state "$STATE" --output json --bucket-policy "open=$TMP/open.json")
has bucket-not-restricted-to-endpoint open
has sourceip-condition-breaks-endpoint open

# Without --state the running daemon answers, from its live state.
a=$(explain "$I3" s3://my-bucket/k --bucket-policy "my-bucket=$TMP/bucket.json" --principal "$P" \
	--action s3:GetObject --context aws:PrincipalTag/team=red)
b=$(VPCE_STATE=$STATE "$VPCE" explain --from "$I3" --to s3://my-bucket/k --output json \
	--bucket-policy "my-bucket=$TMP/bucket.json" --principal "$P" --action s3:GetObject \
	--context aws:PrincipalTag/team=red) || fail "explain through the daemon"
eq "$b" "$a" "the daemon's answer vs --state"
eq "$(VPCE_STATE=$STATE "$VPCE" lint --output json)" "$("$VPCE" lint --state "$STATE" --output json)" \
	"the daemon's lint vs --state"
# Signed like any EC2 request: no signature, or another key, gets nothing.
code=$(curl -s -o "$TMP/unsigned" -w '%{http_code}' -d "From=$I1&To=10.0.1.1" "$ENDPOINT/vpce/explain")
eq "$code" 403 "an unsigned question"
grep -q "$VPC" "$TMP/unsigned" && fail "an unsigned question was answered: $(cat "$TMP/unsigned")"
AWS_SECRET_ACCESS_KEY=wrong VPCE_STATE=$STATE "$VPCE" lint >/dev/null 2>"$TMP/err"
eq "$?" 2 "a question signed with the wrong key"
grep -q "credentials" "$TMP/err" || fail "the wrong key's message: $(cat "$TMP/err")"
VPCE_STATE=$STATE "$VPCE" explain --from nonsense --to 10.0.1.1 >/dev/null 2>"$TMP/err"
eq "$?" 2 "bad input through the daemon"
grep -q "nonsense" "$TMP/err" || fail "the daemon's message: $(cat "$TMP/err")"

# The same account as AWS would export it: the aws CLI against vpced, then --aws-json.
EXPORT=$TMP/export
"$ROOT/scripts/export-aws-state" "$EXPORT" --endpoint-url "$ENDPOINT" 2>"$TMP/export.err"
for f in describe-vpcs describe-subnets describe-route-tables describe-security-groups \
	describe-vpc-endpoints describe-network-interfaces describe-instances describe-nat-gateways; do
	[ -s "$EXPORT/$f.json" ] || fail "export lacks $f.json: $(cat "$TMP/export.err")"
done
[ -s "$EXPORT/vpc-attributes/$VPC-enableDnsHostnames.json" ] || fail "export lacks the VPC attributes"
echo "{\"Policy\": $(jq -c . "$TMP/bucket.json" | jq -R .)}" >"$EXPORT/bucket-policies/my-bucket.json"
both() {	# both FROM TO [options]: --state and --aws-json give the same verdict and path
	local a b
	a=$(explain "$@" --bucket-policy "my-bucket=$TMP/bucket.json" |
		jq -c '[.verdict, .blocked_at, .resolved.answer, .resolved.address, [.hops[].component]]')
	b=$("$VPCE" explain --aws-json "$EXPORT" --output json --from "$1" --to "$2" "${@:3}" 2>"$TMP/err" |
		jq -c '[.verdict, .blocked_at, .resolved.answer, .resolved.address, [.hops[].component]]')
	eq "$b" "$a" "--aws-json vs --state for $* ($(cat "$TMP/err"))"
}
both "$I1" s3://my-bucket/k
both "$I3" s3://my-bucket/k --principal "$P" --action s3:GetObject
both "$I2" sqs.us-east-1.amazonaws.com
both "$I2" "$ZONAL_A"
both "$I1" sqs.us-east-1.amazonaws.com --principal "$P" --action sqs:SendMessage
both "$I1" sqs.us-east-1.amazonaws.com --protocol udp
both 172.16.5.5 "$REGIONAL"
both 172.16.5.5 s3://my-bucket/k
both "$I9" sqs.us-east-1.amazonaws.com
both "$I1" my-bucket.s3.eu-west-1.amazonaws.com
a=$("$VPCE" lint --state "$STATE" --output json --bucket-policy "my-bucket=$TMP/bucket.json" | jq -c '[.findings[] | [.id, .resource]]')
b=$("$VPCE" lint --aws-json "$EXPORT" --output json | jq -c '[.findings[] | [.id, .resource]]')
eq "$b" "$a" "lint from --aws-json vs --state"
echo "ok"
