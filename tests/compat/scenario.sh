#!/bin/bash
# SPDX-License-Identifier: MIT
# One aws CLI v2 scenario of documented AWS VPC-endpoint behaviour, run
# against any EC2 endpoint: scenario.sh ENDPOINT_URL OUTFILE.
#
# Each step is one behaviour of tests/compat/expect.tsv (same id), checked
# against what AWS documents there. The outcome goes to OUTFILE as one line
#   id <TAB> pass|fail <TAB> what the target did, in brief
# with resource IDs masked, so that two runs give the same file. Steps run in
# a fixed order against one fresh account; a step whose resources could not be
# made fails with the reason. tests/compat/run.sh drives it against vpced and
# moto_server.
set -u
if [ $# -ne 2 ]; then
	echo "usage: $0 ENDPOINT_URL OUTFILE" >&2
	exit 2
fi
ENDPOINT=$1
OUT=$2
: >"$OUT"
AWS=${AWS_CLI:-/usr/bin/aws}
WORK=$(mktemp -d /tmp/vpce-compat-step.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER='' AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=standard

R=us-east-1
HZ=Z7HUB22UULQXV	# us-east-1's vpce hosted zone, docs/aws-reference.md §1
S3PL=pl-63a5400a	# us-east-1's S3 prefix list, §1
NOVPC=vpc-0123456789abcdef0
NOVPCE=vpce-0123456789abcdef0

# ---- running the CLI -------------------------------------------------------

# call ARGS...: runs 'aws ec2 ARGS' against the target. Sets R_RC, R_OUT
# (stdout, JSON) and, on failure, R_CODE and R_MSG from the CLI's
# "An error occurred (CODE) when calling the OP operation: MESSAGE" line.
# With WANT_HTTP set it runs the CLI with --debug and sets R_HTTP to the
# HTTP status of the last response.
call() {
	local debug=()
	[ -n "${WANT_HTTP:-}" ] && debug=(--debug)
	R_OUT=$("$AWS" --endpoint-url "$ENDPOINT" --output json "${debug[@]}" ec2 "$@" 2>"$WORK/err")
	R_RC=$?
	R_CODE='' R_MSG='' R_HTTP=''
	[ -n "${WANT_HTTP:-}" ] &&
		R_HTTP=$(grep -oE '"POST / HTTP/1\.1" [0-9]{3}' "$WORK/err" | tail -1 | awk '{print $NF}')
	[ "$R_RC" -eq 0 ] && return 0
	local line
	line=$(grep '^An error occurred (' "$WORK/err" | tail -1)
	if [ -n "$line" ]; then
		R_CODE=$(sed -E 's/^An error occurred \(([^)]*)\).*/\1/' <<<"$line")
		R_MSG=$(sed -E 's/^An error occurred \([^)]*\) when calling the [A-Za-z0-9]+ operation( \(reached max retries: [0-9]+\))?: ?//' <<<"$line")
	else
		R_CODE="(no error code)"
		R_MSG=$(grep -v '^[[:space:]]*$' "$WORK/err" | tail -1)
	fi
	return "$R_RC"
}

# q FILTER: jq -r FILTER over the last call's output ('' when it fails).
q() { jq -r "$1" <<<"$R_OUT" 2>/dev/null; }

# mask TEXT: one line, resource IDs replaced by their prefix and an ellipsis,
# at most 220 characters.
mask() {
	local s
	s=$(tr '\t\n\r' '   ' <<<"$1" | sed -E \
		-e 's/vpce-svc-[0-9a-f]{8,17}/vpce-svc-…/g' \
		-e 's/\bpl-[0-9a-f]{17}\b/pl-…/g' \
		-e 's/(vpce-[0-9a-f]{8,17})-[a-z0-9]{8}/vpce-…-<8>/g' \
		-e 's/\b(vpc|subnet|vpce|rtb|eni|sg|igw|acl|rtbassoc|subnet-cidr-assoc|vpc-cidr-assoc)-[0-9a-f]{8,17}\b/\1-…/g' \
		-e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uuid>/g' \
		-e 's/ +$//')
	[ ${#s} -gt 220 ] && s="${s:0:217}..."
	printf '%s' "$s"
}

# record ID pass|fail BRIEF
record() {
	printf '%s\t%s\t%s\n' "$1" "$2" "$(mask "$3")" >>"$OUT"
	printf '  %-4s %s: %s\n' "$2" "$1" "$(mask "$3")" >&2
}

got_error() { printf '%s: %s' "$R_CODE" "$R_MSG"; }

# expect_error ID CODE MODE MESSAGE ARGS...: 'aws ec2 ARGS' must fail with
# CODE; MODE exact|prefix|any says how MESSAGE must match AWS's message.
# With WANT_HTTP=NNN the response's HTTP status must be NNN too.
expect_error() {
	local id=$1 code=$2 mode=$3 msg=$4 http=
	shift 4
	if call "$@"; then
		record "$id" fail "succeeded, no error"
		return 1
	fi
	[ -n "${WANT_HTTP:-}" ] && http=" (HTTP ${R_HTTP:-?})"
	if [ "$R_CODE" != "$code" ]; then
		record "$id" fail "$(got_error)$http"
		return 1
	fi
	case $mode in
	exact) [ "$R_MSG" = "$msg" ] ;;
	prefix) [ "${R_MSG:0:${#msg}}" = "$msg" ] ;;
	*) true ;;
	esac || {
		record "$id" fail "$(got_error)$http (message differs)"
		return 1
	}
	if [ -n "${WANT_HTTP:-}" ] && [ "$R_HTTP" != "$WANT_HTTP" ]; then
		record "$id" fail "$(got_error)$http (status differs)"
		return 1
	fi
	record "$id" pass "$(got_error)$http"
}

# ---- resources the steps share ---------------------------------------------

declare -A WHY	# variable name -> why it is empty

# make VAR WHAT JQ ARGS...: VAR := JQ over the output of 'aws ec2 ARGS'.
make_() {
	local var=$1 what=$2 filter=$3 val
	shift 3
	printf -v "$var" '%s' ''
	if ! call "$@"; then
		WHY[$var]="$what: $(got_error)"
		return 1
	fi
	val=$(q "$filter")
	if [ -z "$val" ] || [ "$val" = null ]; then
		WHY[$var]="$what: no $filter in the answer"
		return 1
	fi
	printf -v "$var" '%s' "$val"
}

# need ID VAR...: true when every VAR is set; otherwise records ID as failed.
need() {
	local id=$1 v
	shift
	for v in "$@"; do
		if [ -z "${!v:-}" ]; then
			record "$id" fail "not run: ${WHY[$v]:-$v missing}"
			return 1
		fi
	done
}

subnet_free() {
	call describe-subnets --subnet-ids "$1" && q '.Subnets[0].AvailableIpAddressCount'
}

ip2int() {
	local IFS=. a b c d
	read -r a b c d <<<"$1"
	echo $(((a << 24) + (b << 16) + (c << 8) + d))
}

# in_subnet IP CIDR: IP lies in CIDR and is none of the five addresses AWS
# reserves (network, +1, +2, +3, broadcast).
in_subnet() {
	local ip net len size off
	[[ $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || return 1
	ip=$(ip2int "$1")
	net=$(ip2int "${2%/*}")
	len=${2#*/}
	size=$((1 << (32 - len)))
	off=$((ip - net))
	[ "$off" -ge 4 ] && [ "$off" -lt $((size - 1)) ]
}

# A jq expression naming a DnsEntry's hosted zone: the two values AWS uses
# here are shown, any other (a target's random ID) is masked.
HZQ='(if .HostedZoneId == "'$HZ'" or .HostedZoneId == "ZONEIDPENDING" then .HostedZoneId
	else "<other zone id>" end)'

# ---- the catalogue ---------------------------------------------------------

step_svc_s3_twice() {
	local id=svc-s3-twice types
	call describe-vpc-endpoint-services --service-names "com.amazonaws.$R.s3" ||
		{ record $id fail "$(got_error)"; return; }
	types=$(q "[.ServiceDetails[] | select(.ServiceName == \"com.amazonaws.$R.s3\")
		| .ServiceType[].ServiceType] | sort | join(\",\")")
	if [ "$types" = Gateway,Interface ]; then
		record $id pass "2 details: Gateway, Interface"
	else
		record $id fail "service types: '${types}'"
	fi
}

step_svc_sqs() {
	local id=svc-sqs d
	call describe-vpc-endpoint-services --service-names "com.amazonaws.$R.sqs" ||
		{ record $id fail "$(got_error)"; return; }
	d=$(q "[.ServiceDetails[] | select(.ServiceName == \"com.amazonaws.$R.sqs\")
		| ([.ServiceType[].ServiceType] | join(\",\")) + \" \" + (.PrivateDnsName // \"-\")
		+ \" \" + ((.BaseEndpointDnsNames // []) | join(\",\"))] | join(\"; \")")
	if [ "$d" = "Interface sqs.$R.amazonaws.com sqs.$R.vpce.amazonaws.com" ]; then
		record $id pass "$d"
	else
		record $id fail "got: '${d}'"
	fi
}

# ---- VPCs and subnets --------------------------------------------------------

step_vpc_ranges() {
	expect_error vpc-range-large InvalidVpc.Range exact "The CIDR '10.0.0.0/8' is invalid." \
		create-vpc --cidr-block 10.0.0.0/8
	expect_error vpc-range-small InvalidVpc.Range exact "The CIDR '10.0.0.0/29' is invalid." \
		create-vpc --cidr-block 10.0.0.0/29
}

setup_network() {
	make_ VPC "CreateVpc 10.0.0.0/16" .Vpc.VpcId create-vpc --cidr-block 10.0.0.0/16
	if [ -n "$VPC" ]; then
		call modify-vpc-attribute --vpc-id "$VPC" --enable-dns-hostnames ||
			WHY[VPC]="ModifyVpcAttribute enableDnsHostnames: $(got_error)"
		make_ SA "CreateSubnet 10.0.1.0/24 us-east-1a" .Subnet.SubnetId \
			create-subnet --vpc-id "$VPC" --cidr-block 10.0.1.0/24 --availability-zone ${R}a
		make_ SA2 "CreateSubnet 10.0.3.0/24 us-east-1a" .Subnet.SubnetId \
			create-subnet --vpc-id "$VPC" --cidr-block 10.0.3.0/24 --availability-zone ${R}a
		make_ SB "CreateSubnet 10.0.2.0/24 us-east-1b" .Subnet.SubnetId \
			create-subnet --vpc-id "$VPC" --cidr-block 10.0.2.0/24 --availability-zone ${R}b
	else
		SA='' SA2='' SB=''
		WHY[SA]=${WHY[VPC]} WHY[SA2]=${WHY[VPC]} WHY[SB]=${WHY[VPC]}
	fi
	# A second VPC left with AWS's defaults: DNS support on, hostnames off.
	make_ VPCN "CreateVpc 10.1.0.0/16" .Vpc.VpcId create-vpc --cidr-block 10.1.0.0/16
	if [ -n "$VPCN" ]; then
		make_ SN "CreateSubnet 10.1.1.0/24 us-east-1a" .Subnet.SubnetId \
			create-subnet --vpc-id "$VPCN" --cidr-block 10.1.1.0/24 --availability-zone ${R}a
	else
		SN=
		WHY[SN]=${WHY[VPCN]}
	fi
}

step_subnets() {
	need subnet-conflict VPC SA && expect_error subnet-conflict InvalidSubnet.Conflict exact \
		"The CIDR '10.0.1.128/25' conflicts with another subnet" \
		create-subnet --vpc-id "$VPC" --cidr-block 10.0.1.128/25 --availability-zone ${R}a
	need subnet-range VPC && expect_error subnet-range InvalidSubnet.Range exact \
		"The CIDR '10.9.0.0/24' is invalid." \
		create-subnet --vpc-id "$VPC" --cidr-block 10.9.0.0/24 --availability-zone ${R}a
	expect_error vpc-notfound InvalidVpcID.NotFound exact "The vpc ID '$NOVPC' does not exist" \
		describe-vpcs --vpc-ids $NOVPC
}

# ---- interface endpoints -----------------------------------------------------

# The arguments of an SQS interface endpoint in the main VPC.
sqs_args() {
	SQS=(--vpc-id "${VPC:-}" --vpc-endpoint-type Interface --service-name "com.amazonaws.$R.sqs")
}

step_interface_refusals() {
	sqs_args
	need svc-unknown VPC SA && expect_error svc-unknown InvalidServiceName exact \
		"The Vpc Endpoint Service 'com.amazonaws.$R.nosuchsvc' does not exist" \
		create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface \
		--service-name "com.amazonaws.$R.nosuchsvc" --subnet-ids "$SA"
	need if-dup-az VPC SA SA2 && expect_error if-dup-az DuplicateSubnetsInSameZone prefix \
		"Found another VPC endpoint subnet in the availability zone of subnet-" \
		create-vpc-endpoint "${SQS[@]}" --subnet-ids "$SA" "$SA2"
	need if-dns-attrs VPCN SN && expect_error if-dns-attrs InvalidParameter exact \
		"Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for $VPCN" \
		create-vpc-endpoint --vpc-id "$VPCN" --vpc-endpoint-type Interface \
		--service-name "com.amazonaws.$R.sqs" --subnet-ids "$SN"
	need dry-run VPC SA SB || return
	if WANT_HTTP=412 expect_error dry-run DryRunOperation exact "Request would have succeeded, but DryRun flag is set." \
		create-vpc-endpoint --dry-run "${SQS[@]}" --subnet-ids "$SA" "$SB"; then
		# ...and nothing was made.
		if call describe-vpc-endpoints --filters Name=vpc-id,Values="$VPC" &&
			[ "$(q '.VpcEndpoints | length')" != 0 ]; then
			sed -i '$d' "$OUT"
			record dry-run fail "DryRunOperation, but an endpoint was created"
		fi
	fi
}

step_interface_endpoint() {
	local id ids n bad d e z zones sub ip itype rm desc
	local ids_needed=(if-pending if-private-dns-default if-eni-count if-eni-subnet if-ip-count
		if-dns-regional if-dns-zonal if-dns-private if-default-policy)
	if [ -z "${VPC:-}" ] || [ -z "${SA:-}" ] || [ -z "${SB:-}" ]; then
		for id in "${ids_needed[@]}"; do need "$id" VPC SA SB; done
		return
	fi
	FREE_A0=$(subnet_free "$SA")
	FREE_B0=$(subnet_free "$SB")
	if ! make_ EP "CreateVpcEndpoint sqs in 1a+1b" .VpcEndpoint.VpcEndpointId \
		create-vpc-endpoint "${SQS[@]}" --subnet-ids "$SA" "$SB" --client-token compat-token-1; then
		for id in "${ids_needed[@]}"; do need "$id" EP; done
		return
	fi
	EPJSON=$R_OUT

	# State.
	d=$(q .VpcEndpoint.State)
	if [ "$d" = pending ]; then record if-pending pass "State pending"
	else record if-pending fail "State $d"; fi

	d=$(q .VpcEndpoint.PrivateDnsEnabled)
	if [ "$d" = true ]; then record if-private-dns-default pass "PrivateDnsEnabled true"
	else record if-private-dns-default fail "PrivateDnsEnabled $d"; fi

	# One ENI per subnet.
	n=$(q '.VpcEndpoint.NetworkInterfaceIds | length')
	if [ "$n" = 2 ]; then record if-eni-count pass "2 NetworkInterfaceIds"
	else record if-eni-count fail "$n NetworkInterfaceIds"; fi

	# Each ENI in its own subnet with an address of that subnet.
	mapfile -t ids < <(q '.VpcEndpoint.NetworkInterfaceIds[]')
	if [ "$n" != 2 ]; then
		record if-eni-subnet fail "not checked: $n NetworkInterfaceIds"
	elif ! call describe-network-interfaces --network-interface-ids "${ids[@]}"; then
		record if-eni-subnet fail "DescribeNetworkInterfaces: $(got_error)"
	else
		bad=
		[ "$(q '.NetworkInterfaces | length')" = 2 ] || bad+="$(q '.NetworkInterfaces | length') ENIs described; "
		[ "$(q '[.NetworkInterfaces[].SubnetId] | sort | join(" ")')" = \
			"$(printf '%s\n' "$SA" "$SB" | sort | paste -sd' ')" ] || bad+="subnets are not one each of a and b; "
		# Fields joined by US (0x1f), which unlike a tab does not merge when empty.
		while IFS=$'\x1f' read -r sub ip itype rm desc; do
			case $sub in
			"$SA") in_subnet "$ip" 10.0.1.0/24 || bad+="ENI in subnet a has an address outside it or reserved; " ;;
			"$SB") in_subnet "$ip" 10.0.2.0/24 || bad+="ENI in subnet b has an address outside it or reserved; " ;;
			esac
			[ "$itype" = vpc_endpoint ] || bad+="InterfaceType '$itype'; "
			[ "$rm" = true ] || bad+="RequesterManaged '$rm'; "
			[ "$desc" = "VPC Endpoint Interface $EP" ] || bad+="Description '$desc'; "
		done < <(q '.NetworkInterfaces[] | [.SubnetId, .PrivateIpAddress, .InterfaceType,
			(.RequesterManaged | tostring), .Description] | map(. // "" | tostring) | join("\u001f")')
		if [ -z "$bad" ]; then
			record if-eni-subnet pass "one ENI in each subnet, address inside it; vpc_endpoint, requester-managed, 'VPC Endpoint Interface vpce-…'"
		else
			record if-eni-subnet fail "${bad%; }"
		fi
	fi

	# Free addresses.
	d="a: $FREE_A0→$(subnet_free "$SA"), b: $FREE_B0→$(subnet_free "$SB")"
	if [ "$d" = "a: 251→250, b: 251→250" ]; then record if-ip-count pass "$d"
	else record if-ip-count fail "$d"; fi

	# DNS entries, as the create call answered.
	R_OUT=$EPJSON
	e=$(q ".VpcEndpoint.DnsEntries[0] | .DnsName + \" \" + $HZQ")
	if [[ $e =~ ^$EP-[a-z0-9]{8}\.sqs\.$R\.vpce\.amazonaws\.com\ $HZ$ ]]; then
		record if-dns-regional pass "$e"
	else
		record if-dns-regional fail "first entry: ${e:-none}"
	fi
	bad='' zones=''
	while read -r d z; do
		if [[ $d =~ ^$EP-[a-z0-9]{8}-(${R}[a-f])\.sqs\.$R\.vpce\.amazonaws\.com$ ]] && [ "$z" = $HZ ]; then
			zones+="${BASH_REMATCH[1]} "
		else
			bad+="$d $z; "
		fi
	done < <(q '.VpcEndpoint.DnsEntries[] | select(.DnsName | test("-[a-z]+-[a-z]+-[0-9][a-z][.]"))
		| .DnsName + " " + '"$HZQ")
	zones=$(tr ' ' '\n' <<<"$zones" | grep . | sort | paste -sd' ')
	if [ -z "$bad" ] && [ "$zones" = "${R}a ${R}b" ]; then
		record if-dns-zonal pass "$(q '[.VpcEndpoint.DnsEntries[] | .DnsName | select(test("-us-east-1[a-f][.]"))][0]') $HZ; zones: $zones"
	else
		record if-dns-zonal fail "zonal names for: '${zones}' ${bad:+bad: $bad}"
	fi
	e=$(q "[.VpcEndpoint.DnsEntries[] | select(.DnsName == \"sqs.$R.amazonaws.com\")
		| .DnsName + \" \" + $HZQ] | join(\"; \")")
	if [ "$e" = "sqs.$R.amazonaws.com ZONEIDPENDING" ]; then
		record if-dns-private pass "$e"
	else
		record if-dns-private fail "private entry: '${e:-none}'; names: $(q '[.VpcEndpoint.DnsEntries[].DnsName] | join(", ")')"
	fi

	d=$(q .VpcEndpoint.PolicyDocument)
	if [ "$d" = "$(printf '{\n  "Statement": [\n    {\n      "Action": "*", \n      "Effect": "Allow", \n      "Principal": "*", \n      "Resource": "*"\n    }\n  ]\n}')" ]; then
		record if-default-policy pass "AWS's interface default text, byte for byte"
	else
		record if-default-policy fail "policy: $d"
	fi
}

step_idempotency() {
	need idem-same EP && {
		if call create-vpc-endpoint "${SQS[@]}" --subnet-ids "$SA" "$SB" --client-token compat-token-1; then
			if [ "$(q .VpcEndpoint.VpcEndpointId)" = "$EP" ]; then
				record idem-same pass "same VpcEndpointId returned"
			else
				record idem-same fail "a different endpoint was created"
			fi
		else
			record idem-same fail "$(got_error)"
		fi
	}
	need idem-mismatch EP && expect_error idem-mismatch IdempotentParameterMismatch exact \
		"Arguments on this idempotent request are inconsistent with arguments used in previous request(s)." \
		create-vpc-endpoint "${SQS[@]}" --subnet-ids "$SA" --client-token compat-token-1
}

step_interface_rules() {
	need if-dns-conflict EP && expect_error if-dns-conflict InvalidParameter exact \
		"private-dns-enabled cannot be set because there is already a conflicting DNS domain for sqs.$R.amazonaws.com in the VPC $VPC" \
		create-vpc-endpoint "${SQS[@]}" --subnet-ids "$SA"
	need policy-no-principal VPC SA && expect_error policy-no-principal InvalidPolicyDocument any "" \
		create-vpc-endpoint "${SQS[@]}" --subnet-ids "$SA" --no-private-dns-enabled --policy-document \
		'{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
}

step_available() {
	local s
	need if-available EP || return
	for _ in $(seq 1 60); do
		call describe-vpc-endpoints --vpc-endpoint-ids "$EP" || break
		s=$(q '.VpcEndpoints[0].State')
		[ "$s" = available ] && break
		sleep 0.5
	done
	if [ "$R_RC" -ne 0 ]; then record if-available fail "$(got_error)"
	elif [ "$s" = available ]; then record if-available pass "State available within 30 s"
	else record if-available fail "State $s after 30 s"; fi
}

# ---- gateway endpoints -------------------------------------------------------

step_gateway() {
	local d
	if [ -n "${VPC:-}" ]; then
		make_ RTB "CreateRouteTable" .RouteTable.RouteTableId create-route-table --vpc-id "$VPC"
	else
		RTB=
		WHY[RTB]=${WHY[VPC]}
	fi
	if [ -n "$RTB" ]; then
		make_ GW "CreateVpcEndpoint s3 Gateway" .VpcEndpoint.VpcEndpointId \
			create-vpc-endpoint --vpc-id "$VPC" --service-name "com.amazonaws.$R.s3" --route-table-ids "$RTB"
	else
		GW=
		WHY[GW]=${WHY[RTB]}
	fi
	if need gw-create GW; then
		d=$(q '"VpcEndpointType " + (.VpcEndpoint.VpcEndpointType // "none") + ", State " + (.VpcEndpoint.State // "none")
			+ ", DnsEntries " + (.VpcEndpoint.DnsEntries | tojson)')
		if [ "$d" = "VpcEndpointType Gateway, State available, DnsEntries []" ]; then record gw-create pass "$d"
		else record gw-create fail "$d"; fi
		d=$(q .VpcEndpoint.PolicyDocument)
		if [ "$d" = '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}' ]; then
			record gw-default-policy pass "$d"
		else
			record gw-default-policy fail "$d"
		fi
		if call describe-route-tables --route-table-ids "$RTB"; then
			d=$(q "[.RouteTables[0].Routes[] | select(.DestinationPrefixListId == \"$S3PL\")
				| .DestinationPrefixListId + \" -> \" + (.GatewayId // \"-\") + \" \" + (.State // \"-\")] | join(\"; \")")
			if [ "$d" = "$S3PL -> $GW active" ]; then record gw-route pass "$d"
			else record gw-route fail "prefix-list routes: '${d}'; all: $(q '[.RouteTables[0].Routes[] | (.DestinationCidrBlock // .DestinationPrefixListId) + "->" + (.GatewayId // "-")] | join(", ")')"; fi
		else
			record gw-route fail "DescribeRouteTables: $(got_error)"
		fi
		expect_error gw-route-exists RouteAlreadyExists exact \
			"route table $RTB already has a route with destination-prefix-list-id $S3PL" \
			create-vpc-endpoint --vpc-id "$VPC" --service-name "com.amazonaws.$R.s3" --route-table-ids "$RTB"
	else
		need gw-default-policy GW
		need gw-route GW
		need gw-route-exists GW
	fi
	need gw-other-region RTB && expect_error gw-other-region InvalidServiceName exact \
		"The Vpc Endpoint Service 'com.amazonaws.eu-west-1.s3' does not exist" \
		create-vpc-endpoint --vpc-id "$VPC" --service-name com.amazonaws.eu-west-1.s3 --route-table-ids "$RTB"
	need gw-principal RTB && expect_error gw-principal InvalidPolicyDocument any "" \
		create-vpc-endpoint --vpc-id "$VPC" --service-name "com.amazonaws.$R.dynamodb" \
		--route-table-ids "$RTB" --policy-document \
		'{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"*","Resource":"*"}]}'
	need gw-subnets VPC SA && expect_error gw-subnets InvalidParameter exact \
		"Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC Endpoints." \
		create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Gateway \
		--service-name "com.amazonaws.$R.dynamodb" --subnet-ids "$SA"
	need if-route-tables RTB SA && expect_error if-route-tables InvalidParameter exact \
		"Route table IDs are only supported for Gateway type VPC Endpoint." \
		create-vpc-endpoint "${SQS[@]}" --subnet-ids "$SA" --no-private-dns-enabled --route-table-ids "$RTB"
}

# ---- deletion, lookups, authentication ---------------------------------------

step_delete() {
	need vpc-delete-deps VPC SA && expect_error vpc-delete-deps DependencyViolation exact \
		"The vpc '$VPC' has dependencies and cannot be deleted." delete-vpc --vpc-id "$VPC"
	need subnet-delete-deps EP SB && expect_error subnet-delete-deps DependencyViolation exact \
		"The subnet '$SB' has dependencies and cannot be deleted." delete-subnet --subnet-id "$SB"
	expect_error vpce-notfound InvalidVpcEndpointId.NotFound any "" \
		describe-vpc-endpoints --vpc-endpoint-ids $NOVPCE
}

step_auth() {
	AWS_SECRET_ACCESS_KEY=not-the-secret WANT_HTTP=401 expect_error auth-wrong-secret AuthFailure exact \
		"AWS was not able to validate the provided access credentials" describe-vpcs
}

step_svc_s3_twice
step_svc_sqs
step_vpc_ranges
setup_network
step_subnets
step_interface_refusals
step_interface_endpoint
step_idempotency
step_interface_rules
step_available
step_gateway
step_delete
step_auth
exit 0
