#!/bin/bash
# A crash in the middle of a reconcile, three times, then a restart: the
# kernel converges to exactly what an uninterrupted apply made (the same
# namespaces, links, addresses, routes, rules and rulesets), and the
# restart after that changes nothing. Needs root and nft; exits 77 without.
. "$(dirname "$0")/dataplane.sh"

# Everything the data plane made, without kernel-chosen numbers (ifindexes).
snapshot() {
	local ns
	for ns in $(ip netns list | awk '{ print $1 }' | grep "^$P" | sort); do
		echo "== $ns"
		# names and whether each is up (not the operational state, which settles later)
		ip -n "$ns" -o link | awk -F': ' '{ n = $2; sub(/@.*/, "", n);
			print n, ($3 ~ /[<,]UP[,>]/ ? "up" : "down") }' | sort
		ip -n "$ns" -4 -o addr | awk '{ print $2, $4 }' | sort
		ip -n "$ns" route show table all | grep -v "proto kernel" | grep -v "^local\|^broadcast" | sort
		ip -n "$ns" rule | sort
		ip netns exec "$ns" nft list ruleset 2>/dev/null | grep -v "^\s*$" | md5sum
	done
}
applied() { # waits for the N-th "data plane: applied" line of the log
	for _ in $(seq 200); do
		[ "$(grep -c "data plane: applied" "$TMP/vpced.log")" -ge "$1" ] && return 0
		sleep 0.05
	done
	fail "no apply number $1"
}

start_vpced
VPC=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
SG=$(ec2 create-security-group --group-name app --description app --vpc-id "$VPC" \
	--query GroupId --output text)
ec2 authorize-security-group-ingress --group-id "$SG" --protocol tcp --port 443 --source-group "$SG" >/dev/null
for i in 1 2 3 4; do
	S=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block "10.0.$i.0/24" --query Subnet.SubnetId --output text)
	ec2 run-instances --image-id ami-0123456789abcdef0 --subnet-id "$S" --security-group-ids "$SG" \
		--count 6 >/dev/null
done
sleep 0.5
stop_vpced
want=$(snapshot)
[ "$(grep -c '^== ' <<<"$want")" = 26 ] || fail "expected 26 namespaces: $(grep '^== ' <<<"$want")"

# From an empty kernel, the daemon killed (VPCED_CRASH_AFTER: it SIGKILLs
# itself after that many kernel changes) at three points of its first
# apply, each time starting from what the last one left.
"$VPCED" --teardown --prefix "$P" >/dev/null
for at in 10 25 25; do
	# shellcheck disable=SC2086
	VPCED_CRASH_AFTER=$at "$VPCED" --listen "127.0.0.1:$(free_port)" --state "$STATE" $VPCED_DP \
		>>"$TMP/vpced.log" 2>&1
	eq $? 137 "vpced killed after $at changes"
	echo "killed after $at changes: $(ip netns list | grep -c "^$P") namespaces"
done
n=$(grep -c "data plane: applied" "$TMP/vpced.log")
start_vpced
applied $((n + 1))
got=$(snapshot)
[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") | head -20; fail "did not converge"; }

# And once converged, a restart has nothing to do.
stop_vpced
start_vpced
applied $((n + 2))
grep "data plane: applied" "$TMP/vpced.log" | tail -1 |
	grep -q "namespaces +0 -0, links +0 -0, addresses +0 -0, routes +0 -0, rules +0 -0" ||
	fail "the restart changed the kernel: $(grep "data plane: applied" "$TMP/vpced.log" | tail -1)"
stop_vpced
echo "ok"
