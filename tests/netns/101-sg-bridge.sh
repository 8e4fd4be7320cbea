#!/bin/bash
# The kernel mechanism the data plane's security groups rest on
# (docs/dataplane.md): in a router namespace, frames bridged between two
# ENIs of one subnet pass nftables' inet forward hook (br_netfilter), where
# connection tracking lets replies back and verdict maps send each address
# to its own chains; the bridge family drops frames whose source is not the
# port's address. Real TCP between two namespaces on one bridge. Needs root
# and nft; exits 77 without them. Its namespaces are always removed.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
command -v nft >/dev/null || { echo "needs nft (make deps)"; exit 77; }

R=vpcetest-r-$$ A=vpcetest-a-$$ C=vpcetest-c-$$
tmp=$(mktemp -d)
cleanup() { for n in $R $A $C; do ip netns del "$n" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
for n in $R $A $C; do ip netns add "$n"; ip -n "$n" link set lo up; done
ip -n $R link add br0 type bridge
ip -n $R link set br0 up
ip -n $R addr add 10.0.1.1/24 dev br0
for x in a:$A:10.0.1.5 c:$C:10.0.1.6; do
	IFS=: read -r port ns ip <<<"$x"
	ip -n $R link add "en$port" type veth peer name eth0 netns "$ns"
	ip -n $R link set "en$port" master br0 up
	ip -n "$ns" link set eth0 up
	ip -n "$ns" addr add "$ip/24" dev eth0
	ip -n "$ns" route add default via 10.0.1.1
done
ip -n $C addr add 10.0.1.99/24 dev eth0	# a second address, to spoof from

# a admits TCP 80 from c, and 82 from the subnet; c admits nothing at all:
# its replies to a's connections can only come back through conntrack.
cat > "$tmp/rules.nft" <<'N'
table inet vpce {
	chain out_a {
		return
	}
	chain in_a {
		ip saddr { 10.0.1.6 } meta l4proto tcp tcp dport 80 accept
		ip saddr { 10.0.1.0/24 } meta l4proto tcp tcp dport 82 accept
		drop
	}
	chain out_c {
		return
	}
	chain in_c {
		drop
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
		ct state invalid drop
		ip saddr vmap { 10.0.1.5 : jump out_a, 10.0.1.6 : jump out_c }
		ip daddr vmap { 10.0.1.5 : jump in_a, 10.0.1.6 : jump in_c }
	}
}
table bridge vpce {
	chain prerouting {
		type filter hook prerouting priority filter; policy accept;
		ether type ip iifname { "ena", "enc" } iifname . ip saddr != { "ena" . 10.0.1.5, "enc" . 10.0.1.6 } drop
	}
}
N
ip netns exec $R nft -f "$tmp/rules.nft"

# A server in a on ports 80, 81 and 82 that answers "hi".
. "$(dirname "$0")/tcp.sh"
tcp_serve $A 10.0.1.5 80 81 82
server=$!
connect() { tcp_connect $C 10.0.1.5 "$1" "$2"; }
for i in $(seq 50); do [ "$(connect 80 10.0.1.6)" = ok ] && break; sleep 0.1; done

fail=0
check() {
	local got
	got=$(connect "$1" "$2")
	if [ "$got" = "$3" ]; then echo "ok: port $1 from $2 $got"; else echo "FAIL: port $1 from $2: $got, want $3"; fail=1; fi
}
check 80 10.0.1.6 ok		# allowed by a's ingress; the reply passes c's drop-all by conntrack
check 81 10.0.1.6 blocked	# no rule for 81
check 82 10.0.1.6 ok
check 82 10.0.1.99 blocked	# allowed by a's rule, but not c's port's address: dropped at the bridge
kill $server 2>/dev/null || true
wait 2>/dev/null || true
exit $fail
