#!/bin/bash
# The seed's promises for S3, kept by packets and decided where AWS decides,
# with the unmodified aws CLI inside instances (HTTPS, the region's CA):
# a private subnet reaches S3 only while a gateway endpoint is associated
# with its route table; the endpoint's policy denies what it denies while
# the same call through another endpoint works; a bucket policy keyed on
# aws:SourceVpce turns away the NAT path and the other endpoint (no leaky
# bucket); identity policies still decide; another region's bucket is not
# the gateway endpoint's; an interface endpoint for S3 with Private DNS
# carries both URL styles. Needs root and nft; exits 77 without.
. "$(dirname "$0")/dataplane.sh"
start_vpced
two_subnets	# VPC: S1 (A, 10.0.1.10) and S2 (B, 10.0.2.10)

# s3as ID KEY SECRET ARGS...: the aws CLI v2 inside ID, as that key, over HTTPS.
s3as() {
	local id=$1 k=$2 s=$3
	shift 3
	inside "$id" -- env AWS_ACCESS_KEY_ID="$k" AWS_SECRET_ACCESS_KEY="$s" \
		/usr/bin/aws --cli-connect-timeout 2 --cli-read-timeout 5 "$@" 2>&1
}
# denied OUT REASON: OUT is S3's AccessDenied with that reason.
denied() {
	grep -q "(AccessDenied)" <<<"$1" || fail "expected AccessDenied ($2), got: $1"
	[ -z "$2" ] || grep -qF -- "$2" <<<"$1" || fail "expected '$2' in: $1"
}

# alice: an IAM user whose own policy allows S3.
iam_user alice s3 '"s3:*"'
ACCOUNT=$(aws2 sts get-caller-identity --query Account --output text)
a() { s3as "$A" "$AK" "$SK" "$@"; }
b() { s3as "$B" "$AK" "$SK" "$@"; }

# The first subnet's own table; no route to S3 at all yet.
RT1=$(ec2 create-route-table --vpc-id "$VPC" --query RouteTable.RouteTableId --output text)
ec2 associate-route-table --route-table-id "$RT1" --subnet-id "$S1" >/dev/null
out=$(a s3 ls)
grep -q "Could not connect\|timed out\|Connect timeout" <<<"$out" || fail "S3 without an endpoint: $out"
G=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --service-name com.amazonaws.us-east-1.s3 --route-table-ids "$RT1" \
	--query VpcEndpoint.VpcEndpointId --output text)
BUCKET=reports-$$
for _ in $(seq 20); do out=$(a s3 mb "s3://$BUCKET") && break; sleep 0.2; done
eq "$out" "make_bucket: $BUCKET" "a bucket made through the gateway endpoint"
echo "q3 figures" >"$TMP/q3.csv"
a s3 cp "$TMP/q3.csv" "s3://$BUCKET/2026/q3.csv" >/dev/null || fail "upload through the endpoint"
eq "$(a s3 cp "s3://$BUCKET/2026/q3.csv" -)" "q3 figures" "read back through the endpoint"
eq "$(a s3 ls "s3://$BUCKET/2026/" | awk '{print $4}')" q3.csv "listed"
# The association goes: so does S3; it comes back: so does S3.
ec2 modify-vpc-endpoint --vpc-endpoint-id "$G" --remove-route-table-ids "$RT1" >/dev/null
sleep 1.2
out=$(a s3 ls "s3://$BUCKET")
grep -q "Could not connect\|timed out\|Connect timeout" <<<"$out" || fail "S3 after the association went: $out"
ec2 modify-vpc-endpoint --vpc-endpoint-id "$G" --add-route-table-ids "$RT1" >/dev/null
sleep 1.2
eq "$(a s3 cp "s3://$BUCKET/2026/q3.csv" -)" "q3 figures" "back with the association"

# The second subnet goes out through a NAT gateway: S3's public address, not the endpoint.
S3=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.3.0/24 --availability-zone us-east-1a \
	--query Subnet.SubnetId --output text)
IGW=$(ec2 create-internet-gateway --query InternetGateway.InternetGatewayId --output text)
ec2 attach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$VPC"
RTP=$(ec2 create-route-table --vpc-id "$VPC" --query RouteTable.RouteTableId --output text)
ec2 associate-route-table --route-table-id "$RTP" --subnet-id "$S3" >/dev/null
ec2 create-route --route-table-id "$RTP" --destination-cidr-block 0.0.0.0/0 --gateway-id "$IGW" >/dev/null
EIP=$(ec2 allocate-address --domain vpc --query AllocationId --output text)
NAT=$(ec2 create-nat-gateway --subnet-id "$S3" --allocation-id "$EIP" --query NatGateway.NatGatewayId --output text)
MAIN=$(ec2 describe-route-tables --filters Name=vpc-id,Values="$VPC" Name=association.main,Values=true \
	--query 'RouteTables[0].RouteTableId' --output text)
ec2 create-route --route-table-id "$MAIN" --destination-cidr-block 0.0.0.0/0 --nat-gateway-id "$NAT" >/dev/null
for _ in $(seq 30); do out=$(b s3 cp "s3://$BUCKET/2026/q3.csv" -) && break; sleep 0.3; done
eq "$out" "q3 figures" "the NAT path reaches S3 while no policy says otherwise"

# A second VPC with a gateway endpoint of its own.
VPC2=$(ec2 create-vpc --cidr-block 10.1.0.0/16 --query Vpc.VpcId --output text)
S21=$(ec2 create-subnet --vpc-id "$VPC2" --cidr-block 10.1.1.0/24 --availability-zone us-east-1a \
	--query Subnet.SubnetId --output text)
C=$(ec2 run-instances --image-id ami-0123456789abcdef0 --subnet-id "$S21" \
	--query 'Instances[0].InstanceId' --output text)
MAIN2=$(ec2 describe-route-tables --filters Name=vpc-id,Values="$VPC2" Name=association.main,Values=true \
	--query 'RouteTables[0].RouteTableId' --output text)
G2=$(ec2 create-vpc-endpoint --vpc-id "$VPC2" --service-name com.amazonaws.us-east-1.s3 \
	--route-table-ids "$MAIN2" --query VpcEndpoint.VpcEndpointId --output text)
c() { s3as "$C" "$AK" "$SK" "$@"; }
for _ in $(seq 30); do out=$(c s3 cp "s3://$BUCKET/2026/q3.csv" -) && break; sleep 0.3; done
eq "$out" "q3 figures" "through the other VPC's endpoint"

# The endpoint's policy: a Deny there stops the call; the other endpoint still carries it.
cat >"$TMP/ep.json" <<'J'
{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
               {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}
J
ec2 modify-vpc-endpoint --vpc-endpoint-id "$G" --policy-document "file://$TMP/ep.json" >/dev/null
out=$(a s3api get-object --bucket "$BUCKET" --key 2026/q3.csv "$TMP/out")
denied "$out" "User: arn:aws:iam::$ACCOUNT:user/alice is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::$BUCKET/2026/q3.csv\" with an explicit deny in a VPC endpoint policy"
eq "$(c s3 cp "s3://$BUCKET/2026/q3.csv" -)" "q3 figures" "the same call through another endpoint"
a s3 ls "s3://$BUCKET" >/dev/null || fail "what the endpoint policy does not deny still passes"
# An endpoint policy that allows only listing: nothing else passes, and it never widens.
cat >"$TMP/ep.json" <<J
{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket",
                "Resource": "arn:aws:s3:::$BUCKET"}]}
J
ec2 modify-vpc-endpoint --vpc-endpoint-id "$G" --policy-document "file://$TMP/ep.json" >/dev/null
denied "$(a s3 cp "$TMP/q3.csv" "s3://$BUCKET/x.csv")" \
	"on resource: \"arn:aws:s3:::$BUCKET/x.csv\" because no VPC endpoint policy allows the s3:PutObject action"
ec2 modify-vpc-endpoint --vpc-endpoint-id "$G" --reset-policy >/dev/null

# A bucket policy keyed on aws:SourceVpce: only our endpoint. No leaky bucket.
cat >"$TMP/bucket.json" <<J
{"Version": "2012-10-17", "Statement": [{"Sid": "OnlyThroughOurEndpoint", "Effect": "Deny",
  "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::$BUCKET", "arn:aws:s3:::$BUCKET/*"],
  "Condition": {"StringNotEquals": {"aws:SourceVpce": "$G"}}}]}
J
a s3api put-bucket-policy --bucket "$BUCKET" --policy "file://$TMP/bucket.json" >/dev/null ||
	fail "put-bucket-policy through the endpoint"
eq "$(a s3 cp "s3://$BUCKET/2026/q3.csv" -)" "q3 figures" "our endpoint still reads"
# (GET, not the HEAD that "s3 cp" starts with: an answer to HEAD has no body to say why.)
denied "$(b s3api get-object --bucket "$BUCKET" --key 2026/q3.csv "$TMP/out")" \
	"with an explicit deny in a resource-based policy"
denied "$(c s3api get-object --bucket "$BUCKET" --key 2026/q3.csv "$TMP/out")" \
	"with an explicit deny in a resource-based policy"
out=$(a s3api get-bucket-policy --bucket "$BUCKET" --query Policy --output text)
grep -q OnlyThroughOurEndpoint <<<"$out" || fail "get-bucket-policy: $out"

# Identity policies still decide: alice may list, nothing more.
cat >"$TMP/listonly.json" <<'J'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
J
iam put-user-policy --user-name alice --policy-name s3 --policy-document "file://$TMP/listonly.json"
a s3 ls "s3://$BUCKET" >/dev/null || fail "listing is still allowed"
denied "$(a s3api get-object --bucket "$BUCKET" --key 2026/q3.csv "$TMP/out")" \
	"because no identity-based policy allows the s3:GetObject action"
iam put-user-policy --user-name alice --policy-name s3 --policy-document "file://$TMP/alice-s3.json"

# Another region's bucket: made over the NAT path, never carried by the gateway endpoint.
out=$(b s3 mb "s3://west-$$" --region eu-west-1)
eq "$out" "make_bucket: west-$$" "a bucket in eu-west-1 through the NAT gateway"
out=$(a s3 ls "s3://west-$$" --region eu-west-1)
grep -q "Could not connect\|timed out\|Connect timeout" <<<"$out" ||
	fail "another region's S3 through the gateway endpoint: $out"

# An interface endpoint for S3 with Private DNS, in a third VPC without any route out:
# the regional names (path and virtual-hosted style) lead to its ENI, and the bucket
# policy names it.
VPC3=$(ec2 create-vpc --cidr-block 10.2.0.0/16 --query Vpc.VpcId --output text)
ec2 modify-vpc-attribute --vpc-id "$VPC3" --enable-dns-hostnames '{"Value": true}'
S31=$(ec2 create-subnet --vpc-id "$VPC3" --cidr-block 10.2.1.0/24 --availability-zone us-east-1a \
	--query Subnet.SubnetId --output text)
D=$(ec2 run-instances --image-id ami-0123456789abcdef0 --subnet-id "$S31" \
	--query 'Instances[0].InstanceId' --output text)
I3=$(ec2 create-vpc-endpoint --vpc-id "$VPC3" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.us-east-1.s3 --subnet-ids "$S31" --query VpcEndpoint.VpcEndpointId --output text)
# d ARGS...: alice inside D, on S3's regional name (the CLI's us-east-1 default is the global
# s3.amazonaws.com, which no endpoint's Private DNS answers, as in AWS).
d() { s3as "$D" "$AK" "$SK" --endpoint-url https://s3.us-east-1.amazonaws.com "$@"; }
for _ in $(seq 30); do out=$(d s3api list-buckets --query 'Buckets[].Name' --output text) && break; sleep 0.2; done
grep -qw "$BUCKET" <<<"$out" || fail "ListBuckets through the interface endpoint: $out"
eni=$(inside "$D" -- dig +short "$BUCKET.s3.us-east-1.amazonaws.com" | tail -1)
[[ $eni == 10.2.1.* ]] || fail "the virtual-hosted name is not the ENI's: '$eni'"
denied "$(d s3api get-object --bucket "$BUCKET" --key 2026/q3.csv "$TMP/out")" \
	"with an explicit deny in a resource-based policy"
sed -i "s/\"aws:SourceVpce\": \"$G\"/\"aws:SourceVpce\": [\"$G\", \"$I3\"]/" "$TMP/bucket.json"
a s3api put-bucket-policy --bucket "$BUCKET" --policy "file://$TMP/bucket.json" >/dev/null ||
	fail "the bucket policy with both endpoints"
d s3api get-object --bucket "$BUCKET" --key 2026/q3.csv "$TMP/out" >/dev/null ||
	fail "get-object through the interface endpoint the bucket policy names"
eq "$(cat "$TMP/out")" "q3 figures" "the object through the interface endpoint"
# S3 takes plain HTTP at its interface endpoint too (the region refuses port 80 only at
# the services that do not speak it).
s3as "$D" "$AK" "$SK" --endpoint-url http://s3.us-east-1.amazonaws.com s3api get-object --bucket "$BUCKET" \
	--key 2026/q3.csv "$TMP/out-http" >/dev/null || fail "get-object over plain HTTP through the interface endpoint"
eq "$(cat "$TMP/out-http")" "q3 figures" "the object over plain HTTP through the interface endpoint"
printf '[default]\ns3 =\n    addressing_style = virtual\n' >"$TMP/virtual.cfg"
out=$(inside "$D" -- env AWS_CONFIG_FILE="$TMP/virtual.cfg" AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK" \
	/usr/bin/aws --cli-connect-timeout 2 --endpoint-url https://s3.us-east-1.amazonaws.com --debug \
	s3api get-object --bucket "$BUCKET" --key 2026/q3.csv "$TMP/out2" 2>&1)
grep -q "https://$BUCKET.s3.us-east-1.amazonaws.com/2026/q3.csv" <<<"$out" ||
	fail "the CLI did not use the virtual-hosted name: $(grep -m3 'https://' <<<"$out")"
eq "$(cat "$TMP/out2")" "q3 figures" "by the bucket's own name, the wildcard of the private zone"

stop_vpced
"$VPCED" --teardown --prefix "$P" >/dev/null || fail "teardown failed"
ip netns list | grep -q "^$P" && fail "left after teardown: $(ip netns list | grep "^$P")"
echo "ok"
