#!/bin/bash
# DynamoDB through a gateway endpoint, with the unmodified aws CLI inside an
# instance of a private subnet (HTTPS, the region's CA): nothing without the
# endpoint; tables and items through it, kept across a restart of vpced;
# the endpoint's policy and the caller's identity policy decide, in
# DynamoDB's own error and words. Needs root and nft; exits 77 without.
. "$(dirname "$0")/dataplane.sh"
start_vpced
two_subnets

iam_user bob ddb '"dynamodb:*"'
ACCOUNT=$(aws2 sts get-caller-identity --query Account --output text)
# ddb ARGS...: the aws CLI v2 inside instance A, as bob.
ddb() {
	inside "$A" -- env AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK" \
		/usr/bin/aws --cli-connect-timeout 2 --cli-read-timeout 5 --output json dynamodb "$@" 2>&1
}

out=$(ddb list-tables)
grep -q "Could not connect\|timed out\|Connect timeout" <<<"$out" || fail "DynamoDB without an endpoint: $out"
MAIN=$(ec2 describe-route-tables --filters Name=vpc-id,Values="$VPC" Name=association.main,Values=true \
	--query 'RouteTables[0].RouteTableId' --output text)
G=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --service-name com.amazonaws.us-east-1.dynamodb \
	--route-table-ids "$MAIN" --query VpcEndpoint.VpcEndpointId --output text)
for _ in $(seq 20); do out=$(ddb list-tables) && break; sleep 0.2; done
eq "$(jq -c .TableNames <<<"$out")" "[]" "no tables yet, through the endpoint"
out=$(ddb create-table --table-name Music --attribute-definitions AttributeName=Artist,AttributeType=S \
	AttributeName=Song,AttributeType=S --key-schema AttributeName=Artist,KeyType=HASH \
	AttributeName=Song,KeyType=RANGE --billing-mode PAY_PER_REQUEST)
eq "$(jq -r .TableDescription.TableArn <<<"$out")" "arn:aws:dynamodb:us-east-1:$ACCOUNT:table/Music" "table ARN"
for song in "Call Me Today" "Happy Day" "PartiQL Rocks"; do
	ddb put-item --table-name Music --item \
		"{\"Artist\": {\"S\": \"No One You Know\"}, \"Song\": {\"S\": \"$song\"}, \"Year\": {\"N\": \"2024\"}}" \
		>/dev/null || fail "put-item $song"
done
out=$(ddb get-item --table-name Music --key '{"Artist": {"S": "No One You Know"}, "Song": {"S": "Happy Day"}}')
eq "$(jq -r .Item.Year.N <<<"$out")" 2024 "get-item"
out=$(ddb query --table-name Music --key-condition-expression "Artist = :a AND begins_with(Song, :p)" \
	--expression-attribute-values '{":a": {"S": "No One You Know"}, ":p": {"S": "P"}}')
eq "$(jq -r '.Items[0].Song.S' <<<"$out") $(jq -r .Count <<<"$out")" "PartiQL Rocks 1" "query"
eq "$(jq -r .Count <<<"$(ddb scan --table-name Music)")" 3 "scan"

# The endpoint's policy: PutItem denied there, everything else passes.
cat >"$TMP/ep.json" <<'J'
{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
               {"Effect": "Deny", "Principal": "*", "Action": "dynamodb:PutItem", "Resource": "*"}]}
J
ec2 modify-vpc-endpoint --vpc-endpoint-id "$G" --policy-document "file://$TMP/ep.json" >/dev/null
out=$(ddb put-item --table-name Music --item '{"Artist": {"S": "X"}, "Song": {"S": "Y"}}')
grep -q "(AccessDeniedException) when calling the PutItem operation" <<<"$out" &&
	grep -qF "User: arn:aws:iam::$ACCOUNT:user/bob is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:$ACCOUNT:table/Music with an explicit deny in a VPC endpoint policy" <<<"$out" ||
	fail "endpoint policy Deny: $out"
eq "$(jq -r .Count <<<"$(ddb scan --table-name Music)")" 3 "what the endpoint policy does not deny passes"
ec2 modify-vpc-endpoint --vpc-endpoint-id "$G" --reset-policy >/dev/null

# bob's own policy: reads only.
cat >"$TMP/read.json" <<'J'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"], "Resource": "*"}]}
J
iam put-user-policy --user-name bob --policy-name ddb --policy-document "file://$TMP/read.json"
out=$(ddb delete-item --table-name Music --key '{"Artist": {"S": "No One You Know"}, "Song": {"S": "Happy Day"}}')
grep -qF "because no identity-based policy allows the dynamodb:DeleteItem action" <<<"$out" ||
	fail "identity policy: $out"

# The data outlives the daemon.
stop_vpced
start_vpced
for _ in $(seq 30); do out=$(ddb scan --table-name Music) && break; sleep 0.2; done
eq "$(jq -r .Count <<<"$out")" 3 "the items after a restart"

stop_vpced
"$VPCED" --teardown --prefix "$P" >/dev/null || fail "teardown failed"
ip netns list | grep -q "^$P" && fail "left after teardown: $(ip netns list | grep "^$P")"
echo "ok"
