# SPDX-License-Identifier: MIT
# Sourced by the tests/netns scripts that run vpced with its data plane:
# integration/lib.sh, then skips (exit 77) without root or nft, and gives
# the daemon a namespace prefix of this run's own, P, whose namespaces are
# removed on exit whatever happens.
. "$(dirname "$0")/../integration/lib.sh"
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
command -v nft >/dev/null || { echo "needs nft (make deps)"; exit 77; }

P=vt$$-
export VPCED_DP="--dataplane --prefix $P"
dataplane_cleanup() {
	[ -n "$VPCED_PID" ] && kill -9 "$VPCED_PID" 2>/dev/null
	"$VPCED" --teardown --prefix "$P" >/dev/null 2>&1 || true
	cleanup
}
trap dataplane_cleanup EXIT

# two_subnets: a VPC 10.0.0.0/16 (VPC) with subnets 10.0.1.0/24 in us-east-1a
# (S1) and 10.0.2.0/24 in us-east-1b (S2), and an instance in each at .10
# (A and B), made with the aws CLI.
two_subnets() {
	local ami=ami-0123456789abcdef0
	VPC=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
	S1=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.1.0/24 --availability-zone us-east-1a \
		--query Subnet.SubnetId --output text)
	S2=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.2.0/24 --availability-zone us-east-1b \
		--query Subnet.SubnetId --output text)
	A=$(ec2 run-instances --image-id "$ami" --subnet-id "$S1" --private-ip-address 10.0.1.10 \
		--query 'Instances[0].InstanceId' --output text)
	B=$(ec2 run-instances --image-id "$ami" --subnet-id "$S2" --private-ip-address 10.0.2.10 \
		--query 'Instances[0].InstanceId' --output text)
}

inside() { "$VPCE" exec --state "$STATE" --prefix "$P" "$@"; }
iam() { aws2 --output json iam "$@"; }

# iam_user NAME POLICY ACTIONS: an IAM user NAME whose inline policy POLICY
# allows ACTIONS (a JSON string or list) on everything; sets AK and SK to
# its access key.
iam_user() {
	local key
	iam create-user --user-name "$1" >/dev/null
	key=$(iam create-access-key --user-name "$1")
	AK=$(jq -r .AccessKey.AccessKeyId <<<"$key")
	SK=$(jq -r .AccessKey.SecretAccessKey <<<"$key")
	echo "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": $3, \"Resource\": \"*\"}]}" \
		>"$TMP/$1-$2.json"
	iam put-user-policy --user-name "$1" --policy-name "$2" --policy-document "file://$TMP/$1-$2.json"
}

# eventually WANT CMD...: CMD's output is WANT within two seconds.
eventually() {
	local want=$1 got
	shift
	for _ in $(seq 40); do
		got=$("$@" 2>/dev/null)
		[ "$got" = "$want" ] && return 0
		sleep 0.05
	done
	fail "$*: got '$got', want '$want'"
}
