#!/bin/bash
# The forwarder (proxy/forward.h) and deferred answers (io/http.h) end to
# end, on build/tests/proxy_serve rather than the daemon: the aws CLI and
# boto3 sign SQS and STS requests for the forwarder's port, and moto_server
# behind it answers them (Query and JSON protocols, a message of 200 KB each
# way, the queue URL made from the Host the client sent); with moto gone,
# the forwarder answers 502 and goes on. Skips without moto_server.
. "$(dirname "$0")/lib.sh"
SERVE=$ROOT/$B/tests/proxy_serve
[ -x "$SERVE" ] || fail "no $SERVE (make all)"
if ! command -v moto_server >/dev/null 2>&1; then
	echo "moto_server is not installed"
	exit 77
fi
MOTO_PID= SERVE_PID=
trap 'kill $SERVE_PID $MOTO_PID 2>/dev/null; wait $SERVE_PID $MOTO_PID 2>/dev/null; cleanup' EXIT

MOTO_PORT=$(free_port)
moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$TMP/moto.log" 2>&1 &
MOTO_PID=$!
for _ in $(seq 600); do
	(exec 3<>"/dev/tcp/127.0.0.1/$MOTO_PORT") 2>/dev/null && break
	kill -0 "$MOTO_PID" 2>/dev/null || fail "moto_server exited: $(tail -5 "$TMP/moto.log")"
	sleep 0.1
done

"$SERVE" "$MOTO_PORT" >"$TMP/port" 2>"$TMP/serve.log" &
SERVE_PID=$!
for _ in $(seq 200); do
	[ -s "$TMP/port" ] && break
	kill -0 "$SERVE_PID" 2>/dev/null || fail "proxy_serve exited: $(cat "$TMP/serve.log")"
	sleep 0.05
done
PORT=$(head -1 "$TMP/port")
[ -n "$PORT" ] || fail "proxy_serve is not listening"
ENDPOINT=http://127.0.0.1:$PORT

# The aws CLI (v2 from Debian: SQS over the Query protocol).
url=$(aws2 --output text sqs create-queue --queue-name q1 --query QueueUrl) ||
	fail "create-queue through the forwarder"
eq "$url" "http://127.0.0.1:$PORT/123456789012/q1" "the queue URL moto made from our Host"
body='a&b=c+d%20 "quoted" ünïcödé'
aws2 sqs send-message --queue-url "$url" --message-body "$body" >"$TMP/sent.json" ||
	fail "send-message"
got=$(aws2 --output text sqs receive-message --queue-url "$url" --query 'Messages[0].Body') ||
	fail "receive-message"
eq "$got" "$body" "the message received"
eq "$(aws2 --output text sqs list-queues --query 'QueueUrls[0]')" "$url" "list-queues"
eq "$(aws2 --output text sts get-caller-identity --query Account)" 123456789012 \
	"STS through the same forwarder"

# boto3, when it is there (recent botocore speaks SQS's JSON protocol).
if python3 -c 'import boto3' 2>/dev/null; then
	python3 - "$ENDPOINT" <<'PY' || fail "boto3 through the forwarder"
import sys, boto3, botocore.config
c = boto3.client("sqs", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="test", aws_secret_access_key="test",
                 config=botocore.config.Config(retries={"max_attempts": 1}))
url = c.create_queue(QueueName="big")["QueueUrl"]
big = "".join(chr(0x41 + i % 26) for i in range(200_000))
c.send_message(QueueUrl=url, MessageBody=big)
m = c.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"][0]
assert m["Body"] == big, len(m["Body"])
for i in range(50):
    c.send_message(QueueUrl=url, MessageBody=str(i))
n = int(c.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        ["Attributes"]["ApproximateNumberOfMessages"])
assert n == 50, n
PY
fi

# Without the backend: 502, and the forwarder still answers.
kill "$MOTO_PID"
wait "$MOTO_PID" 2>/dev/null
MOTO_PID=
code=$(curl -s -o "$TMP/502" -w '%{http_code}' --max-time 5 -X POST "$ENDPOINT/" \
	-d Action=ListQueues) || fail "curl through the forwarder"
eq "$code" 502 "the status without a backend"
grep -q "Connection refused" "$TMP/502" || fail "the 502's body: $(cat "$TMP/502")"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$ENDPOINT/") || fail "curl again"
eq "$code" 502 "the status again"
kill -0 "$SERVE_PID" || fail "proxy_serve died"
echo "ok"
