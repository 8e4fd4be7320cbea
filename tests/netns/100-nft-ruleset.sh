#!/bin/bash
# The nftables rulesets the plan compiler renders (core/netplan_nft.c) load
# into a real namespace: the kernel accepts every table, chain, set, verdict
# map and translation, and lists them back. Needs root and nft; exits 77
# without them. The namespace is this script's own and always removed.
set -euo pipefail
cd "${VPCE_ROOT:-$(dirname "$0")/../..}"
B=${B:-build}
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
command -v nft >/dev/null || { echo "needs nft (make deps)"; exit 77; }

ns=vpcetest-nft-$$
tmp=$(mktemp -d)
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
ip netns add "$ns"

VPCE_TEST_NFT_OUT=$tmp/vpc.nft "$B/unit" core_netplan
ip netns exec "$ns" nft -f "$tmp/vpc.nft"
ip netns exec "$ns" nft list ruleset > "$tmp/listed"
for want in 'table inet vpce' 'table bridge vpce' 'table ip vpce-nat' \
	'ct state established,related accept' 'ip saddr vmap' 'ip daddr vmap' \
	'tcp dport 80 accept' 'snat to ip saddr map { 10.0.1.' 'dnat to ip daddr map { 198.19.' \
	'iifname . ip saddr != { "en' 'iifname { "en'; do
	grep -qF "$want" "$tmp/listed" || { echo "not in the kernel's ruleset: $want"; exit 1; }
done
# Loading it again replaces the tables whole (the realizer applies it on
# every change and on every start): the ruleset is the same, nothing doubled.
ip netns exec "$ns" nft -f "$tmp/vpc.nft"
ip netns exec "$ns" nft list ruleset > "$tmp/again"
cmp -s "$tmp/listed" "$tmp/again" || { echo "loading twice changed the ruleset"; diff "$tmp/listed" "$tmp/again" | head; exit 1; }
echo "ok: $(grep -c 'chain ' "$tmp/listed") chains, the same after a second load"
