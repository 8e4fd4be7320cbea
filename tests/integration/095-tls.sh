#!/bin/bash
# TLS as real clients see it (io/tls.h, io/http.h), on build/tests/tls_serve
# rather than the daemon: curl, Python's ssl (what botocore uses) and
# openssl s_client verify the local CA's certificates for the names they
# ask, by SNI or by address; keep-alive, a large body, TLS 1.2, session
# resumption; the aws CLI through AWS_CA_BUNDLE; and a client that does not
# trust the CA is refused.
. "$(dirname "$0")/lib.sh"
SERVE=$ROOT/$B/tests/tls_serve
[ -x "$SERVE" ] || fail "no $SERVE (make all)"
STEM=$TMP/vpce.db
CA=$STEM.ca.pem
SVC=sqs.us-east-1.amazonaws.com

# serve [NAME]: starts tls_serve on STEM; sets SERVE_PID and PORT.
serve() {
	# Gone first: the shell truncates the file only once the child runs.
	rm -f "$TMP/port"
	"$SERVE" "$STEM" "$@" >"$TMP/port" 2>"$TMP/serve.log" &
	SERVE_PID=$!
	for _ in $(seq 200); do
		[ -s "$TMP/port" ] && break
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.05
	done
	PORT=$(head -1 "$TMP/port")
	if [ -z "$PORT" ]; then
		kill -0 "$SERVE_PID" 2>/dev/null && fail "tls_serve is not listening after 10 s"
		wait "$SERVE_PID"
		fail "tls_serve exited ($?) at start: $(cat "$TMP/serve.log")"
	fi
}
trap 'kill "$SERVE_PID" 2>/dev/null; wait "$SERVE_PID" 2>/dev/null; cleanup' EXIT
serve "$SVC"

# The CA's files, as docs/tls.md says.
eq "$(stat -c %a "$STEM.ca.key")" 600 "the key's mode"
eq "$(stat -c %a "$CA")" 644 "the certificate's mode"
openssl x509 -in "$CA" -noout -text >"$TMP/ca.txt" || fail "the CA does not parse"
grep -q "Subject: CN = vpce local CA" "$TMP/ca.txt" || fail "the CA's subject: $(cat "$TMP/ca.txt")"
grep -A1 "Basic Constraints: critical" "$TMP/ca.txt" | grep -q "CA:TRUE" || fail "not a CA"
eq "$(grep -c 'BEGIN CERTIFICATE' "$STEM.ca-bundle.pem")" \
	"$(($(grep -c 'BEGIN CERTIFICATE' /etc/ssl/certs/ca-certificates.crt 2>/dev/null || echo 0) + 1))" \
	"the bundle: the system's CAs and this one"

# https GET NAME PATH [CURL OPTIONS...]: the body curl gets for NAME at the server.
https() {
	local name=$1 path=$2
	shift 2
	curl -sS --max-time 5 --cacert "$CA" --resolve "$name:$PORT:127.0.0.1" "$@" "https://$name:$PORT$path"
}
eq "$(https s3.us-east-1.amazonaws.com /bucket/key)" "GET s3.us-east-1.amazonaws.com:$PORT /bucket/key" \
	"a regional name"
name=vpce-0abc123def4567890-1a2b3c4d.sqs.us-east-1.vpce.amazonaws.com
eq "$(https "$name" /)" "GET $name:$PORT /" "an endpoint's name"
name=bucket.vpce-0abc123def4567890-1a2b3c4d.s3.us-east-1.vpce.amazonaws.com
eq "$(https "$name" / --cacert "$STEM.ca-bundle.pem")" "GET $name:$PORT /" "through the bundle"
eq "$(https "$name" / -X PUT -d x)" "PUT $name:$PORT /" "a PUT"

# The certificate names the server and nothing else.
out=$(openssl s_client -connect "127.0.0.1:$PORT" -servername "$SVC" -CAfile "$CA" \
	-verify_hostname "$SVC" -verify_return_error </dev/null 2>&1) || fail "s_client: $out"
grep -q "Verify return code: 0 (ok)" <<<"$out" || fail "s_client did not verify: $out"
openssl s_client -connect "127.0.0.1:$PORT" -servername "$SVC" -CAfile "$CA" \
	-verify_hostname "s3.us-east-1.amazonaws.com" -verify_return_error </dev/null >/dev/null 2>&1 &&
	fail "a certificate for $SVC passed for another name"

# Without trust in the CA, no connection (curl's 60: the peer's certificate is not trusted).
curl -s --max-time 5 --resolve "$SVC:$PORT:127.0.0.1" -o /dev/null "https://$SVC:$PORT/"
eq "$?" 60 "curl without the CA"

# No SNI: curl to an address sends none; the certificate names the address and the service.
eq "$(curl -sS --max-time 5 --cacert "$CA" "https://127.0.0.1:$PORT/ip")" "GET 127.0.0.1:$PORT /ip" \
	"by address"
out=$(openssl s_client -connect "127.0.0.1:$PORT" -noservername -CAfile "$CA" \
	-verify_hostname "$SVC" -verify_return_error </dev/null 2>&1) || fail "no SNI, by name: $out"

# Keep-alive, ALPN when HTTP/2 is offered, TLS 1.2, and a large body arriving whole.
out=$(curl -sS --max-time 5 --cacert "$CA" --resolve "$SVC:$PORT:127.0.0.1" --http2 \
	-w '%{num_connects} %{http_version}\n' -o /dev/null -o /dev/null \
	"https://$SVC:$PORT/a" "https://$SVC:$PORT/b")
eq "$(tr '\n' ' ' <<<"$out")" "1 1.1 0 1.1 " "two requests on one connection, HTTP/1.1 chosen"
eq "$(https "$SVC" /v12 --tlsv1.2 --tls-max 1.2)" "GET $SVC:$PORT /v12" "TLS 1.2"
curl -s --max-time 5 --cacert "$CA" --resolve "$SVC:$PORT:127.0.0.1" --tlsv1.1 --tls-max 1.1 \
	--ciphers DEFAULT@SECLEVEL=0 -o /dev/null "https://$SVC:$PORT/" && fail "TLS 1.1 was accepted"
https "$SVC" /bytes/3000000 -o "$TMP/big"
eq "$(stat -c %s "$TMP/big")" 3000000 "a large body's length"
eq "$(head -c 30 "$TMP/big")" "abcdefghijklmnopqrstuvwxyzabcd" "a large body's bytes"
eq "$(tail -c 4 "$TMP/big")" "mnop" "a large body's end"

# Python's ssl, as botocore (urllib3) uses it: verification and host name checks on.
out=$(python3 - "$CA" "$PORT" "$SVC" <<'PY'
import http.client, ssl, sys
ca, port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
class Conn(http.client.HTTPSConnection):
    def connect(self):
        import socket
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock = ctx.wrap_socket(sock, server_hostname=name)
c = Conn(name, port, context=ctx)
c.request("GET", "/py")
print(c.getresponse().read().decode().strip())
c.request("GET", "/py2")
print(c.getresponse().read().decode().strip())
PY
) || fail "python: $out"
eq "$(tr '\n' '|' <<<"$out")" "GET $SVC:$PORT /py|GET $SVC:$PORT /py2|" "python, kept alive"

# The aws CLI (v2, from Debian) trusts the CA through AWS_CA_BUNDLE, as it does
# inside `vpce exec`: the request is answered (the answer means nothing to
# it), where the system's CAs alone fail its verification.
out=$(AWS_CA_BUNDLE=$CA timeout 60 /usr/bin/aws --debug --endpoint-url "https://localhost:$PORT" \
	s3api list-buckets 2>&1)
grep -q '"GET / HTTP/1.1" 200' <<<"$out" || fail "aws with the CA: $(grep -i ssl <<<"$out" | head -3)"
out=$(AWS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt timeout 60 /usr/bin/aws \
	--endpoint-url "https://localhost:$PORT" s3api list-buckets 2>&1)
grep -q "SSL validation failed" <<<"$out" || fail "aws without the CA: $out"

# Resumption: a session saved by one s_client is reused by the next. (TLS 1.3's
# tickets follow the handshake: the first reads an answer to be sure to get one.)
printf 'GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$SVC" |
	timeout 5 openssl s_client -connect "127.0.0.1:$PORT" -servername "$SVC" -CAfile "$CA" \
	-ign_eof -sess_out "$TMP/sess" >/dev/null 2>&1 || fail "s_client -sess_out"
out=$(openssl s_client -connect "127.0.0.1:$PORT" -servername "$SVC" -CAfile "$CA" \
	-sess_in "$TMP/sess" </dev/null 2>&1)
grep -q "^Reused, TLSv1.3" <<<"$out" || fail "the session was not resumed: $(grep -E 'New|Reused' <<<"$out")"

# Garbage instead of a ClientHello: closed, and the server goes on.
printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' | timeout 5 curl -s telnet://127.0.0.1:"$PORT" >/dev/null
eq "$(https "$SVC" /after)" "GET $SVC:$PORT /after" "after garbage"

# A second start reads the same CA back.
before=$(openssl x509 -in "$CA" -noout -fingerprint -sha256)
kill "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
serve
eq "$(openssl x509 -in "$CA" -noout -fingerprint -sha256)" "$before" "the CA after a restart"
eq "$(https "$SVC" /again)" "GET $SVC:$PORT /again" "served after a restart"

# A damaged key: a clear refusal, and the file left as it was.
kill "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
echo damaged >"$STEM.ca.key"
if out=$(timeout 5 "$SERVE" "$STEM" 2>&1); then
	fail "tls_serve started with a damaged key"
fi
grep -q "is not a PEM private key" <<<"$out" || fail "unclear refusal: $out"
eq "$(cat "$STEM.ca.key")" damaged "the damaged key left alone"
echo "ok"
