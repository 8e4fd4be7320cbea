#!/bin/bash
# The README's walkthrough, run as written (the lines between its
# "walkthrough" markers), against a daemon of this test's own: the seed's
# picture is built and every promise it shows holds. Needs root and nft.
. "$(dirname "$0")/dataplane.sh"
command -v dig >/dev/null || { echo "needs dig (make deps)"; exit 77; }
start_vpced
export VPCE_STATE=$STATE

# The block, with this test's daemon, state and temporary directory.
sed -n '/^<!-- walkthrough -->$/,/^<!-- \/walkthrough -->$/p' "$ROOT/README.md" |
	sed -e '1,2d' -e '$d' | sed -e '$d' \
	    -e '/^eval "$(build\/vpce env)"$/d' \
	    -e "s|^E=--endpoint-url=http://127.0.0.1:8723\$|E=--endpoint-url=$ENDPOINT|" \
	    -e "s|/tmp/|@TMP@/|g" -e "s|build/vpce exec|@EXEC@|g" -e "s|build/vpce |@VPCE@ |g" |
	sed -e "s|@EXEC@|$VPCE exec --state $STATE --prefix $P|g" -e "s|@VPCE@|$VPCE|g" \
	    -e "s|@TMP@|$TMP|g" >"$TMP/walk.sh"
grep -q "create-vpc-endpoint" "$TMP/walk.sh" || fail "no walkthrough found in README.md"
(cd "$ROOT" && bash -e "$TMP/walk.sh") >"$TMP/walk.out" 2>&1 || {
	cat "$TMP/walk.out"
	fail "the walkthrough stopped"
}
out=$(cat "$TMP/walk.out")
# expect TEXT WHAT: the walkthrough printed TEXT.
sed "s/^/    /" "$TMP/walk.out"
expect() { grep -qE -- "$1" <<<"$out" || fail "$2: no '$1' in: $out"; }
expect '^10\.0\.1\.[0-9]+$' "private DNS: the first zone's ENI"
expect '^10\.0\.2\.[0-9]+$' "private DNS: the second zone's ENI"
expect '"endpoint":"vpce-[0-9a-f]+","vpc":"vpc-[0-9a-f]+","source":"10\.0\.1\.[0-9]+"' \
	"SQS through the interface endpoint"
expect 'pl-63a5400a	vpce-' "the prefix-list route"
expect '^make_bucket: reports-demo$' "a bucket through the gateway endpoint"
expect '^q3 figures$' "the other zone reads through the endpoint"
expect '^REACHABLE' "explain: reachable"
expect 'bucket policy of reports-demo' "explain: the bucket's live policy decides"
expect "identity-policy +arn:aws:iam::000000000000:user/alice +the identity policy allows" \
	"explain: alice's live identity policies decide"
expect '^route$' "explain: blocked at the route once the endpoint left the table"
expect '^no route to S3$' "the packets agree"

stop_vpced
"$VPCED" --teardown --prefix "$P" >/dev/null || fail "teardown failed"
ip netns list | grep -q "^$P" && fail "left after teardown: $(ip netns list | grep "^$P")"
echo "ok"
