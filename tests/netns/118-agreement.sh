#!/bin/bash
# The model and the packets agree, on a random topology: from SEED (random
# when unset, printed first, so that SEED=… bash tests/netns/118-agreement.sh
# replays a run), agreement.py builds VPCs, subnets, security groups with
# random rules, route tables, gateways and endpoints with the aws CLI,
# samples flows (instance to instance over TCP and UDP, by address, name and
# public address; to interface endpoints by address and name; to S3 and
# other services; to and from on premises), asks `vpce explain` about each
# and sends each for real. Every verdict must be what the packets did.
# Needs root and nft; exits 77 without.
SEED=${SEED:-$((RANDOM << 15 | RANDOM))}
echo "SEED=$SEED"
. "$(dirname "$0")/dataplane.sh"
start_vpced

export SEED ENDPOINT STATE P VPCE TMP
python3 "$(dirname "$0")/agreement.py" ||
	fail "explain and the packets disagree; replay with SEED=$SEED bash tests/netns/118-agreement.sh"

stop_vpced
"$VPCED" --teardown --prefix "$P" >/dev/null || fail "teardown failed"
ip netns list | grep -q "^$P" && fail "left after teardown: $(ip netns list | grep "^$P")"
echo "ok"
