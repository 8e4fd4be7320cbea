#!/bin/bash
# Services that vpce does not run itself, behind real interface endpoints:
# SQS with a backend given by --service-backend (moto_server when it is
# installed, else tests/netns/sqs_backend.py), reached by the unmodified aws
# CLI inside an instance through Private DNS. The front authenticates, asks
# the endpoint's and the caller's policies (AccessDenied in SQS's words,
# nothing forwarded), and sends the rest on with where it came from; a
# backend that is down gives ServiceUnavailable; no backend, NotImplemented;
# STS goes to vpced's own. With moto, S3 too: moto in place of the built-in
# store, behind a gateway endpoint and its policy. Needs root and nft; exits 77 without.
. "$(dirname "$0")/dataplane.sh"

BPORT=$(free_port)
# BACKEND=fake picks the stand-in even where moto_server is installed.
if [ "${BACKEND:-}" != fake ] && command -v moto_server >/dev/null 2>&1; then
	BACKEND=moto
	moto_server -H 127.0.0.1 -p "$BPORT" >"$TMP/backend.log" 2>&1 &
else
	BACKEND=fake
	python3 "$(dirname "$0")/sqs_backend.py" "$BPORT" "$TMP/requests.log" 2>"$TMP/backend.log" &
fi
BACKEND_PID=$!
trap 'kill "$BACKEND_PID" 2>/dev/null; dataplane_cleanup' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$BPORT") 2>/dev/null && break; sleep 0.1; done
SQS=com.amazonaws.us-east-1.sqs
start_vpced --service-backend "$SQS=127.0.0.1:$BPORT"
two_subnets
ec2 modify-vpc-attribute --vpc-id "$VPC" --enable-dns-hostnames "{\"Value\": true}"

iam_user bob sqs '["sqs:*", "sts:*"]'
ACCOUNT=$(aws2 sts get-caller-identity --query Account --output text)
# cli V ARGS...: the aws CLI inside instance A as bob: V 2 is Debian's (SQS in
# the Query protocol), V 1 pip's (SQS in JSON), one attempt each. CLI v1
# sends SQS to the legacy queue.amazonaws.com, which no endpoint's Private
# DNS answers (as in AWS): it is given the regional name, as users do.
cli() {
	local v=$1 bin=/usr/bin/aws
	shift
	[ "$v" = 1 ] && bin="$AWS1 --endpoint-url https://sqs.us-east-1.amazonaws.com"
	inside "$A" -- env AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK" AWS_MAX_ATTEMPTS=1 \
		AWS_DEFAULT_REGION=us-east-1 $bin --cli-connect-timeout 2 --cli-read-timeout 5 \
		--output json "$@" 2>&1
}
VERSIONS="2"
[ -n "$AWS1" ] && VERSIONS="2 1"

# An interface endpoint for SQS with Private DNS: the unmodified name leads there.
E=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface --service-name "$SQS" \
	--subnet-ids "$S1" "$S2" --query VpcEndpoint.VpcEndpointId --output text)
for _ in $(seq 40); do out=$(cli 2 sqs list-queues) && break; sleep 0.1; done
for v in $VERSIONS; do
	out=$(cli "$v" sqs create-queue --queue-name "orders$v") || fail "create-queue (CLI v$v): $out"
	QURL=$(jq -r .QueueUrl <<<"$out")
	out=$(cli "$v" sqs send-message --queue-url "$QURL" --message-body "hello $v") ||
		fail "send-message (CLI v$v): $out"
	[ -n "$(jq -r .MessageId <<<"$out")" ] || fail "no MessageId (CLI v$v): $out"
done
out=$(cli 2 sqs list-queues)
grep -q "orders2" <<<"$out" || fail "list-queues through the endpoint: $out"
if [ "$BACKEND" = fake ]; then
	last=$(tail -1 "$TMP/requests.log")
	eq "$(jq -r .forwarded_for <<<"$last")" 10.0.1.10 "the backend learns the instance's address"
	eq "$(jq -r .vpce <<<"$last")" "$E" "and the endpoint it came through"
	eq "$(jq -r .host <<<"$last")" sqs.us-east-1.amazonaws.com "and the Host the CLI sent"
else
	out=$(cli 2 sqs receive-message --queue-url "$QURL" --wait-time-seconds 0)
	grep -q "hello" <<<"$out" || fail "receive-message from moto: $out"
fi

# The endpoint's policy denies SendMessage to orders2: SQS's AccessDenied, nothing forwarded.
cat >"$TMP/ep.json" <<J
{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
  {"Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage",
   "Resource": "arn:aws:sqs:us-east-1:*:orders2"}]}
J
ec2 modify-vpc-endpoint --vpc-endpoint-id "$E" --policy-document "file://$TMP/ep.json" >/dev/null
Q2=$(jq -r .QueueUrl <<<"$(cli 2 sqs get-queue-url --queue-name orders2)")
before=$([ "$BACKEND" = fake ] && wc -l <"$TMP/requests.log")
for v in $VERSIONS; do
	out=$(cli "$v" sqs send-message --queue-url "$Q2" --message-body denied)
	grep -q "(AccessDenied) when calling the SendMessage operation" <<<"$out" &&
		grep -qF "User: arn:aws:iam::$ACCOUNT:user/bob is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:" <<<"$out" &&
		grep -qF "with an explicit deny in a VPC endpoint policy" <<<"$out" ||
		fail "endpoint policy Deny (CLI v$v): $out"
done
[ "$BACKEND" = moto ] || eq "$(wc -l <"$TMP/requests.log")" "$before" "a denied request never reaches the backend"
cli 2 sqs send-message --queue-url "$QURL" --message-body fine >/dev/null ||
	fail "what the endpoint policy does not deny passes"
ec2 modify-vpc-endpoint --vpc-endpoint-id "$E" --reset-policy >/dev/null

# bob's own policy: ListQueues only.
cat >"$TMP/list.json" <<'J'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sqs:ListQueues", "sts:*"], "Resource": "*"}]}
J
iam put-user-policy --user-name bob --policy-name sqs --policy-document "file://$TMP/list.json"
out=$(cli 2 sqs send-message --queue-url "$QURL" --message-body no)
grep -qF "because no identity-based policy allows the sqs:sendmessage action" <<<"$out" ||
	fail "identity policy: $out"
cli 2 sqs list-queues >/dev/null || fail "ListQueues, which bob's policy allows"

# STS through an interface endpoint of its own: vpced answers it.
ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.us-east-1.sts --subnet-ids "$S1" >/dev/null
for _ in $(seq 40); do out=$(cli 2 sts get-caller-identity) && break; sleep 0.1; done
eq "$(jq -r .Arn <<<"$out")" "arn:aws:iam::$ACCOUNT:user/bob" "sts get-caller-identity through its endpoint"

# S3 in moto's place of the built-in store: decided here, stored there.
if [ "$BACKEND" = moto ]; then
	stop_vpced
	start_vpced --service-backend "$SQS=127.0.0.1:$BPORT" \
		--service-backend "com.amazonaws.us-east-1.s3=http://127.0.0.1:$BPORT"
	MAIN=$(ec2 describe-route-tables --filters Name=vpc-id,Values="$VPC" Name=association.main,Values=true \
		--query 'RouteTables[0].RouteTableId' --output text)
	G=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --service-name com.amazonaws.us-east-1.s3 \
		--route-table-ids "$MAIN" --query VpcEndpoint.VpcEndpointId --output text)
	echo '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sqs:*", "s3:*"], "Resource": "*"}]}' \
		>"$TMP/s3.json"
	iam put-user-policy --user-name bob --policy-name sqs --policy-document "file://$TMP/s3.json"
	s3() { cli 2 s3 "$@"; }
	for _ in $(seq 30); do out=$(s3 mb "s3://moto-$$") && break; sleep 0.2; done
	eq "$out" "make_bucket: moto-$$" "a bucket made in moto through the gateway endpoint"
	head -c 3000 /dev/urandom >"$TMP/blob"
	s3 cp "$TMP/blob" "s3://moto-$$/blob" >/dev/null || fail "upload to moto"
	s3 cp "s3://moto-$$/blob" "$TMP/blob.back" >/dev/null || fail "download from moto"
	cmp -s "$TMP/blob" "$TMP/blob.back" || fail "the object came back different"
	eq "$(cli 2 s3api head-object --bucket "moto-$$" --key blob --query ContentLength)" 3000 \
		"HEAD through the front keeps the backend's Content-Length"
	cat >"$TMP/ep3.json" <<'J'
{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
  {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*"}]}
J
	ec2 modify-vpc-endpoint --vpc-endpoint-id "$G" --policy-document "file://$TMP/ep3.json" >/dev/null
	out=$(cli 2 s3api put-object --bucket "moto-$$" --key denied --body "$TMP/blob")
	grep -q "(AccessDenied)" <<<"$out" && grep -qF "with an explicit deny in a VPC endpoint policy" <<<"$out" ||
		fail "the endpoint policy before moto: $out"
	eq "$(s3 ls "s3://moto-$$" | awk '{print $4}' | xargs)" blob "moto never saw the denied object"
fi

# The backend down: ServiceUnavailable, naming it.
kill "$BACKEND_PID"
wait "$BACKEND_PID" 2>/dev/null
out=$(cli 2 sqs list-queues)
grep -q "(ServiceUnavailable)" <<<"$out" && grep -qF "the backend of $SQS at 127.0.0.1:$BPORT did not answer" <<<"$out" ||
	fail "backend down: $out"

# No backend: NotImplemented, saying what to start vpced with.
stop_vpced
start_vpced
for _ in $(seq 40); do out=$(cli 2 sqs list-queues) && break; grep -q NotImplemented <<<"$out" && break; sleep 0.1; done
grep -q "(NotImplemented)" <<<"$out" && grep -qF -- "--service-backend $SQS=HOST:PORT" <<<"$out" ||
	fail "no backend: $out"
echo "ok (backend: $BACKEND)"
