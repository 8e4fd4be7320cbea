#!/bin/bash
# The daemon itself: one writer per state file, a clean stop on SIGTERM,
# loopback only with the default credentials, SigV4 on every request, limits.
. "$(dirname "$0")/lib.sh"
start_vpced

# A second daemon on the same state file is refused, clearly.
port2=$(free_port)
if out=$("$VPCED" --listen "127.0.0.1:$port2" --state "$STATE" 2>&1); then
	fail "a second vpced started on the same state file"
fi
grep -q "in use by another vpced" <<<"$out" || fail "unclear refusal: $out"

# Default credentials never leave loopback.
if out=$("$VPCED" --listen "0.0.0.0:$port2" --state "$TMP/other.db" 2>&1); then
	fail "vpced listened on 0.0.0.0 with test/test"
fi
grep -q "default credentials" <<<"$out" || fail "unclear refusal: $out"
expect_usage() { "$VPCED" "$@" >/dev/null 2>&1; [ $? -eq 2 ] || fail "vpced $* should exit 2"; }
expect_usage --region mars-1
expect_usage --listen nonsense
expect_usage --bogus

# SigV4: a wrong secret, a stale clock and no signature at all.
AWS_SECRET_ACCESS_KEY=wrong expect_error AuthFailure ec2 describe-vpcs
AWS_ACCESS_KEY_ID=nobody expect_error AuthFailure ec2 describe-vpcs
code=$(curl -s -o "$TMP/body" -w '%{http_code}' -d 'Action=DescribeVpcs&Version=2016-11-15' "$ENDPOINT/")
# EC2 answers an unsigned Query request so (test-kitchen/kitchen-ec2#440).
eq "$code" 400 "status without a signature"
grep -q '<Code>MissingParameter</Code><Message>The request must contain the parameter AWSAccessKeyId' \
	"$TMP/body" || fail "no-signature body: $(cat "$TMP/body")"
grep -q '<RequestID>' "$TMP/body" || fail "error document without RequestID"
/usr/bin/python3 - "$ENDPOINT" <<'PY' || fail "stale signature accepted"
import sys, datetime, urllib.request
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url = sys.argv[1] + "/"
req = AWSRequest("POST", url, data="Action=DescribeVpcs&Version=2016-11-15",
                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
auth = SigV4Auth(Credentials("test", "test"), "ec2", "us-east-1")
from unittest import mock
old = datetime.datetime.utcnow() - datetime.timedelta(minutes=6)
with mock.patch("botocore.auth.datetime") as dt:
    dt.datetime.utcnow.return_value = old
    auth.add_auth(req)
assert req.headers["X-Amz-Date"] == old.strftime("%Y%m%dT%H%M%SZ"), req.headers
body = req.body if isinstance(req.body, bytes) else req.body.encode()
r = urllib.request.Request(url, data=body, headers=dict(req.headers), method="POST")
try:
    urllib.request.urlopen(r)
    sys.exit(1)
except urllib.error.HTTPError as e:
    body = e.read().decode()
    assert "<Code>RequestExpired</Code>" in body, body
PY

# Unknown actions and versions.
expect_error InvalidAction aws2 ec2 describe-instance-event-windows
/usr/bin/python3 - "$ENDPOINT" <<'PY' || fail "bad Version accepted"
import sys, boto3
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
def old_version(request, **kw):
    request.data["Version"] = "2015-01-01"
ec2.meta.events.register("before-sign.ec2.*", old_version)
try:
    ec2.describe_vpcs()
    sys.exit(1)
except ec2.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "NoSuchVersion", e.response
PY

# Oversized and malformed requests get an answer, not a crash.
head -c 2000000 /dev/zero | tr '\0' a >"$TMP/big"
code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"$TMP/big" "$ENDPOINT/")
eq "$code" 413 "status of a 2 MB body"
printf 'GARBAGE\r\n\r\n' | timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; cat >&3; head -1 <&3" |
	grep -q '400' || fail "no 400 for garbage"
ec2 describe-vpcs >/dev/null || fail "daemon unwell after bad input"

# vpce status sees the daemon; SIGTERM stops it cleanly.
"$VPCE" status --state "$STATE" | grep -q "running, pid $VPCED_PID, answering" ||
	fail "vpce status: $("$VPCE" status --state "$STATE")"
kill -TERM "$VPCED_PID"
wait "$VPCED_PID"
eq "$?" 0 "exit status on SIGTERM"
VPCED_PID=
"$VPCE" status --state "$STATE" | grep -q "not running" || fail "status after stop"
echo ok
