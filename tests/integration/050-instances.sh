#!/bin/bash
# Instances and network interfaces through the aws CLI v2 and boto3: launch
# (counts, addresses, groups, public IPs, tags, ClientToken), describe with
# filters, the interface every instance owns, group changes, termination.
. "$(dirname "$0")/lib.sh"
start_vpced

VPC=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
OTHER=$(ec2 create-vpc --cidr-block 10.1.0.0/16 --query Vpc.VpcId --output text)
S1=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.1.0/24 --availability-zone us-east-1b \
	--query Subnet.SubnetId --output text)
SMALL=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.2.0/28 --query Subnet.SubnetId --output text)
DEF=$(ec2 describe-security-groups --filters Name=vpc-id,Values="$VPC" Name=group-name,Values=default \
	--query 'SecurityGroups[0].GroupId' --output text)
WEB=$(ec2 create-security-group --group-name web --description web --vpc-id "$VPC" \
	--query GroupId --output text)
FAR=$(ec2 create-security-group --group-name far --description far --vpc-id "$OTHER" \
	--query GroupId --output text)
AMI=ami-0123456789abcdef0

# One instance: a pending reservation with its ENI, in the default group.
run=$(ec2 run-instances --image-id "$AMI" --subnet-id "$S1" --instance-type t3.micro --key-name k1 \
	--private-ip-address 10.0.1.10 \
	--tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=one}]' \
	'ResourceType=network-interface,Tags=[{Key=role,Value=primary}]')
[[ $(jq -r .ReservationId <<<"$run") =~ ^r-[0-9a-f]{17}$ ]] || fail "bad reservation: $run"
jq_eq "$run" .OwnerId 000000000000
jq_eq "$run" '.Groups | length' 0
I1=$(jq -r .Instances[0].InstanceId <<<"$run")
[[ $I1 =~ ^i-[0-9a-f]{17}$ ]] || fail "bad instance id $I1"
jq_eq "$run" .Instances[0].State.Name pending
jq_eq "$run" .Instances[0].State.Code 0
jq_eq "$run" .Instances[0].ImageId "$AMI"
jq_eq "$run" .Instances[0].InstanceType t3.micro
jq_eq "$run" .Instances[0].KeyName k1
jq_eq "$run" .Instances[0].PrivateIpAddress 10.0.1.10
jq_eq "$run" .Instances[0].PrivateDnsName ip-10-0-1-10.ec2.internal
jq_eq "$run" .Instances[0].PublicDnsName ""
jq_eq "$run" '.Instances[0] | has("PublicIpAddress")' false
jq_eq "$run" .Instances[0].Placement.AvailabilityZone us-east-1b
jq_eq "$run" .Instances[0].Placement.Tenancy default
jq_eq "$run" .Instances[0].SubnetId "$S1"
jq_eq "$run" .Instances[0].VpcId "$VPC"
jq_eq "$run" .Instances[0].SecurityGroups[0].GroupId "$DEF"
jq_eq "$run" .Instances[0].SecurityGroups[0].GroupName default
jq_eq "$run" .Instances[0].Architecture x86_64
jq_eq "$run" .Instances[0].RootDeviceType ebs
jq_eq "$run" .Instances[0].AmiLaunchIndex 0
jq_eq "$run" .Instances[0].Tags[0].Value one
jq_eq "$run" .Instances[0].NetworkInterfaces[0].Attachment.DeviceIndex 0
jq_eq "$run" .Instances[0].NetworkInterfaces[0].Attachment.DeleteOnTermination true
jq_eq "$run" .Instances[0].NetworkInterfaces[0].InterfaceType interface
ENI1=$(jq -r .Instances[0].NetworkInterfaces[0].NetworkInterfaceId <<<"$run")

# It runs after a moment.
sleep 1.6
jq_eq "$(ec2 describe-instances --instance-ids "$I1")" .Reservations[0].Instances[0].State.Name running

# Its ENI, as DescribeNetworkInterfaces shows it.
eni=$(ec2 describe-network-interfaces --network-interface-ids "$ENI1")
jq_eq "$eni" .NetworkInterfaces[0].Status in-use
jq_eq "$eni" .NetworkInterfaces[0].InterfaceType interface
jq_eq "$eni" .NetworkInterfaces[0].AvailabilityZone us-east-1b
jq_eq "$eni" .NetworkInterfaces[0].RequesterManaged false
jq_eq "$eni" .NetworkInterfaces[0].SourceDestCheck true
jq_eq "$eni" .NetworkInterfaces[0].PrivateIpAddress 10.0.1.10
jq_eq "$eni" .NetworkInterfaces[0].PrivateDnsName ip-10-0-1-10.ec2.internal
jq_eq "$eni" .NetworkInterfaces[0].Attachment.InstanceId "$I1"
jq_eq "$eni" .NetworkInterfaces[0].Attachment.InstanceOwnerId 000000000000
jq_eq "$eni" .NetworkInterfaces[0].Attachment.Status attached
jq_eq "$eni" .NetworkInterfaces[0].Groups[0].GroupId "$DEF"
jq_eq "$eni" .NetworkInterfaces[0].PrivateIpAddresses[0].Primary true
jq_eq "$eni" .NetworkInterfaces[0].TagSet[0].Value primary
[[ $(jq -r .NetworkInterfaces[0].MacAddress <<<"$eni") =~ ^[0-9a-f]{2}(:[0-9a-f]{2}){5}$ ]] ||
	fail "bad MAC: $eni"

# Errors RunInstances makes before it makes anything.
expect_error InvalidIPAddress.InUse ec2 run-instances --image-id "$AMI" --subnet-id "$S1" \
	--private-ip-address 10.0.1.10
out=$(ec2 run-instances --image-id "$AMI" --subnet-id "$S1" --private-ip-address 10.0.2.5 2>&1) &&
	fail "address outside the subnet accepted"
grep -qF "Address 10.0.2.5 does not fall within the subnet's address range" <<<"$out" ||
	fail "outside: $out"
expect_error VPCIdNotSpecified ec2 run-instances --image-id "$AMI"
expect_error InvalidSubnetID.NotFound ec2 run-instances --image-id "$AMI" \
	--subnet-id subnet-0123456789abcdef0
expect_error InvalidAMIID.Malformed ec2 run-instances --image-id ami-nope --subnet-id "$S1"
expect_error InvalidParameter ec2 run-instances --image-id "$AMI" --subnet-id "$S1" \
	--security-group-ids "$FAR"
expect_error InvalidGroup.NotFound ec2 run-instances --image-id "$AMI" --subnet-id "$S1" \
	--security-group-ids sg-0123456789abcdef0
expect_error InsufficientFreeAddressesInSubnet ec2 run-instances --image-id "$AMI" \
	--subnet-id "$SMALL" --count 12
expect_error InvalidParameterCombination ec2 run-instances --image-id "$AMI" --subnet-id "$S1" \
	--private-ip-address 10.0.1.11 --count 2
eq "$(ec2 describe-instances --query 'length(Reservations[].Instances[])')" 1 "instances after errors"

# Several at once: as many as the subnet holds up to the maximum, all public.
run=$(ec2 run-instances --image-id "$AMI" --subnet-id "$SMALL" --count 3:20 \
	--security-group-ids "$WEB" --associate-public-ip-address)
jq_eq "$run" '.Instances | length' 11
jq_eq "$run" '[.Instances[].AmiLaunchIndex] | max' 10
jq_eq "$run" '.Instances[0].InstanceType' m1.small
jq_eq "$run" '.Instances[0].PublicIpAddress' 198.19.0.1
jq_eq "$run" '.Instances[1].PublicIpAddress' 198.19.0.2
jq_eq "$run" '.Instances[0].NetworkInterfaces[0].Association.IpOwnerId' amazon
jq_eq "$run" '.Instances[0].SecurityGroups[0].GroupId' "$WEB"
jq_eq "$run" '[.Instances[].PrivateIpAddress] | unique | length' 11
R2=$(jq -r .ReservationId <<<"$run")
I2=$(jq -r .Instances[0].InstanceId <<<"$run")
ENI2=$(jq -r .Instances[0].NetworkInterfaces[0].NetworkInterfaceId <<<"$run")
expect_error InsufficientFreeAddressesInSubnet ec2 run-instances --image-id "$AMI" \
	--subnet-id "$SMALL"

# With DNS hostnames on, public addresses get AWS's public names.
ec2 modify-vpc-attribute --vpc-id "$VPC" --enable-dns-hostnames >/dev/null
eq "$(ec2 describe-instances --instance-ids "$I2" --query 'Reservations[0].Instances[0].PublicDnsName' \
	--output text)" ec2-198-19-0-1.compute-1.amazonaws.com "public DNS name"

# DescribeInstances: reservations, filters and pagination.
d=$(ec2 describe-instances)
jq_eq "$d" '.Reservations | length' 2
jq_eq "$d" ".Reservations[] | select(.ReservationId == \"$R2\") | .Instances | length" 11
count() { ec2 describe-instances "$@" --query 'length(Reservations[].Instances[])'; }
eq "$(count --filters Name=subnet-id,Values="$SMALL")" 11 "subnet-id filter"
eq "$(count --filters Name=instance.group-id,Values="$WEB")" 11 "instance.group-id filter"
eq "$(count --filters Name=instance.group-name,Values=default)" 1 "instance.group-name filter"
eq "$(count --filters Name=private-ip-address,Values=10.0.1.10)" 1 "private-ip-address filter"
eq "$(count --filters Name=ip-address,Values=198.19.0.*)" 11 "ip-address filter"
eq "$(count --filters Name=tag:Name,Values=one)" 1 "tag filter"
eq "$(count --filters Name=reservation-id,Values="$R2" Name=vpc-id,Values="$VPC")" 11 "reservation-id"
eq "$(count --filters Name=instance-type,Values=t3.*)" 1 "instance-type filter"
eq "$(count --filters Name=availability-zone,Values=us-east-1b)" 1 "availability-zone filter"
eq "$(count --filters Name=instance-state-name,Values=stopped)" 0 "instance-state-name filter"
expect_error InvalidParameterValue ec2 describe-instances --filters Name=bogus,Values=x
expect_error InvalidInstanceID.NotFound ec2 describe-instances --instance-ids i-0123456789abcdef0
expect_error InvalidInstanceID.Malformed ec2 describe-instances --instance-ids i-zz

# Network interfaces: filters over every kind.
n=$(ec2 describe-network-interfaces --filters Name=attachment.instance-id,Values="$I1" \
	--query 'NetworkInterfaces[].NetworkInterfaceId' --output text)
eq "$n" "$ENI1" "attachment.instance-id filter"
eq "$(ec2 describe-network-interfaces --filters Name=group-id,Values="$WEB" \
	--query 'length(NetworkInterfaces)')" 11 "ENI group-id filter"
eq "$(ec2 describe-network-interfaces --filters Name=addresses.private-ip-address,Values=10.0.1.10 \
	--query 'NetworkInterfaces[0].NetworkInterfaceId' --output text)" "$ENI1" "ENI address filter"
eq "$(ec2 describe-network-interfaces --filters Name=interface-type,Values=vpc_endpoint \
	--query 'length(NetworkInterfaces)')" 0 "interface-type filter"
eq "$(ec2 describe-network-interfaces --filters Name=association.public-ip,Values=198.19.0.2 \
	--query 'length(NetworkInterfaces)')" 1 "association.public-ip filter"
expect_error InvalidNetworkInterfaceID.NotFound ec2 describe-network-interfaces \
	--network-interface-ids eni-0123456789abcdef0
expect_error InvalidParameterValue ec2 describe-network-interfaces --filters Name=bogus,Values=x

# Groups move with ModifyInstanceAttribute and ModifyNetworkInterfaceAttribute.
ec2 modify-instance-attribute --instance-id "$I1" --groups "$WEB" "$DEF" >/dev/null
eq "$(ec2 describe-instances --instance-ids "$I1" \
	--query 'Reservations[0].Instances[0].SecurityGroups[].GroupId' --output text)" \
	"$WEB	$DEF" "groups after modify-instance-attribute"
expect_error InvalidGroup.NotFound ec2 modify-instance-attribute --instance-id "$I1" --groups "$FAR"
ec2 modify-network-interface-attribute --network-interface-id "$ENI1" --groups "$DEF" >/dev/null
eq "$(ec2 describe-network-interfaces --network-interface-ids "$ENI1" \
	--query 'NetworkInterfaces[0].Groups[].GroupName' --output text)" default "groups after modify"
ec2 modify-network-interface-attribute --network-interface-id "$ENI1" --no-source-dest-check
eq "$(ec2 describe-instances --instance-ids "$I1" \
	--query 'Reservations[0].Instances[0].SourceDestCheck')" false "source/dest check"
expect_error InvalidGroup.NotFound ec2 modify-network-interface-attribute \
	--network-interface-id "$ENI1" --groups "$FAR"
out=$(ec2 delete-network-interface --network-interface-id "$ENI1" 2>&1) && fail "deleted an attached ENI"
grep -qF "(InvalidParameterValue)" <<<"$out" || fail "delete ENI: $out"
grep -qF "Network interface '$ENI1' is currently in use." <<<"$out" || fail "delete ENI: $out"
expect_error DependencyViolation ec2 delete-security-group --group-id "$WEB"

# An interface endpoint's ENIs are AWS's: visible, but not the user's to change.
EP=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.us-east-1.sqs --subnet-ids "$S1" --no-private-dns-enabled \
	--query VpcEndpoint.VpcEndpointId --output text)
epeni=$(ec2 describe-network-interfaces --filters Name=interface-type,Values=vpc_endpoint)
jq_eq "$epeni" '.NetworkInterfaces | length' 1
jq_eq "$epeni" .NetworkInterfaces[0].RequesterManaged true
jq_eq "$epeni" .NetworkInterfaces[0].Description "VPC Endpoint Interface $EP"
jq_eq "$epeni" .NetworkInterfaces[0].Attachment.InstanceOwnerId amazon-aws
jq_eq "$epeni" .NetworkInterfaces[0].Attachment.DeviceIndex 1
EPENI=$(jq -r .NetworkInterfaces[0].NetworkInterfaceId <<<"$epeni")
expect_error AuthFailure ec2 modify-network-interface-attribute --network-interface-id "$EPENI" \
	--groups "$WEB"
ec2 delete-vpc-endpoints --vpc-endpoint-ids "$EP" >/dev/null

# boto3: a launch with a ClientToken is made once; filters work the same.
/usr/bin/python3 - "$ENDPOINT" "$S1" "$WEB" "$AMI" <<'PY' || fail "boto3"
import sys, boto3, botocore
endpoint, subnet, web, ami = sys.argv[1:]
ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
kw = dict(ImageId=ami, MinCount=1, MaxCount=1, SubnetId=subnet, SecurityGroupIds=[web],
          ClientToken="launch-once", TagSpecifications=[
              {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "boto"}]}])
a = ec2.run_instances(**kw)
b = ec2.run_instances(**kw)
assert a["ReservationId"] == b["ReservationId"], (a, b)
assert a["Instances"][0]["InstanceId"] == b["Instances"][0]["InstanceId"]
assert a["Instances"][0]["ClientToken"] == "launch-once"
i = a["Instances"][0]["InstanceId"]
d = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["boto"]},
                                    {"Name": "instance-state-name", "Values": ["pending", "running"]}])
got = [x["InstanceId"] for r in d["Reservations"] for x in r["Instances"]]
assert got == [i], d
assert d["Reservations"][0]["ReservationId"] == a["ReservationId"]
inst = d["Reservations"][0]["Instances"][0]
assert inst["SecurityGroups"] == [{"GroupId": web, "GroupName": "web"}], inst
assert inst["NetworkInterfaces"][0]["Attachment"]["DeviceIndex"] == 0
try:
    ec2.run_instances(**dict(kw, MaxCount=2))
    raise SystemExit("token reused with other parameters")
except botocore.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "IdempotentParameterMismatch", e.response
pages = list(ec2.get_paginator("describe_instances").paginate(PaginationConfig={"PageSize": 5}))
ids = [x["InstanceId"] for p in pages for r in p["Reservations"] for x in r["Instances"]]
assert len(ids) == 13 and len(set(ids)) == 13 and len(pages) == 3, (len(ids), len(pages))
PY

# Termination: shutting-down, then terminated; the ENI and its addresses go.
t=$(ec2 terminate-instances --instance-ids "$I1")
jq_eq "$t" .TerminatingInstances[0].InstanceId "$I1"
jq_eq "$t" .TerminatingInstances[0].CurrentState.Name shutting-down
jq_eq "$t" .TerminatingInstances[0].CurrentState.Code 32
jq_eq "$t" .TerminatingInstances[0].PreviousState.Name running
jq_eq "$t" .TerminatingInstances[0].PreviousState.Code 16
expect_error InvalidNetworkInterfaceID.NotFound ec2 describe-network-interfaces \
	--network-interface-ids "$ENI1"
sleep 1.6
d=$(ec2 describe-instances --instance-ids "$I1")
jq_eq "$d" .Reservations[0].Instances[0].State.Name terminated
jq_eq "$d" .Reservations[0].Instances[0].State.Code 48
jq_eq "$d" .Reservations[0].Instances[0].StateReason.Code Client.UserInitiatedShutdown
jq_eq "$d" '.Reservations[0].Instances[0].NetworkInterfaces | length' 0
jq_eq "$d" '.Reservations[0].Instances[0] | has("PrivateIpAddress")' false
[[ $(jq -r .Reservations[0].Instances[0].StateTransitionReason <<<"$d") =~ ^User\ initiated\ \(.*\ GMT\)$ ]] ||
	fail "reason: $d"
t=$(ec2 terminate-instances --instance-ids "$I1")
jq_eq "$t" .TerminatingInstances[0].PreviousState.Name terminated
expect_error InvalidInstanceID.NotFound ec2 terminate-instances --instance-ids "$I1" i-0123456789abcdef0
# The address is free again.
ec2 run-instances --image-id "$AMI" --subnet-id "$S1" --private-ip-address 10.0.1.10 >/dev/null

# Two launches alike are two reservations, each holding its own instances
# (launch indices from 0) and its own ClientToken.
ra=$(ec2 run-instances --image-id "$AMI" --subnet-id "$S1" --count 2 --client-token twin-a)
rb=$(ec2 run-instances --image-id "$AMI" --subnet-id "$S1" --count 2 --client-token twin-b)
RA=$(jq -r .ReservationId <<<"$ra")
RB=$(jq -r .ReservationId <<<"$rb")
[[ $RB =~ ^r-[0-9a-f]{17}$ && $RA != "$RB" ]] || fail "reservations $RA $RB"
jq_eq "$ra" '[.Instances[].ClientToken] | join(",")' twin-a,twin-a
jq_eq "$rb" '[.Instances[].AmiLaunchIndex] | join(",")' 0,1
twins=$(ec2 describe-instances --filters Name=client-token,Values=twin-a,twin-b)
jq_eq "$twins" '[.Reservations[].ReservationId] | join(",")' "$RA,$RB"
jq_eq "$twins" '[.Reservations[] | .Instances | length] | join(",")' 2,2
jq_eq "$twins" "[.Reservations[] | select(.ReservationId == \"$RB\") | .Instances[].ClientToken] | join(\",\")" \
	twin-b,twin-b
jq_eq "$twins" "[.Reservations[] | select(.ReservationId == \"$RB\") | .Instances[].AmiLaunchIndex] | join(\",\")" \
	0,1
jq_eq "$twins" "[.Reservations[] | select(.ReservationId == \"$RA\") | .Instances[].InstanceId] | join(\",\")" \
	"$(jq -r '[.Instances[].InstanceId] | join(",")' <<<"$ra")"
eq "$(count --filters Name=reservation-id,Values="$RB")" 2 "reservation-id of the second twin"
eq "$(count --filters Name=client-token,Values=twin-*)" 4 "client-token filter"

# The state survives a restart.
before=$(ec2 describe-instances --filters Name=reservation-id,Values="$R2")
stop_vpced
start_vpced
eq "$(ec2 describe-instances --filters Name=reservation-id,Values="$R2")" "$before" \
	"instances after a restart"
summary='[.Reservations[] | [.ReservationId, (.Instances[] | .InstanceId, .AmiLaunchIndex, .ClientToken)]]'
eq "$(jq -c "$summary" <<<"$(ec2 describe-instances --filters Name=client-token,Values=twin-a,twin-b)")" \
	"$(jq -c "$summary" <<<"$twins")" "reservations and tokens after a restart"

# An hour after termination an instance is gone: NotFound, and out of the state file.
stop_vpced
state_set "$I1" state_ms "$(( $(date +%s) * 1000 - 3600 * 1000 ))"
start_vpced
expect_error InvalidInstanceID.NotFound ec2 describe-instances --instance-ids "$I1"
eq "$(count --filters Name=instance-id,Values="$I1")" 0 "an expired instance"
state_has "$I1" && fail "the expired instance is still stored"

# With --associate-public-ip-address the aws CLI describes the interface, and
# sends --private-ip-address inside it (PrivateIpAddresses.1, primary): the
# address is still the one asked for (tests/netns/118 found it ignored).
run=$(ec2 run-instances --image-id "$AMI" --subnet-id "$S1" --private-ip-address 10.0.1.77 \
	--associate-public-ip-address)
jq_eq "$run" .Instances[0].PrivateIpAddress 10.0.1.77
jq_eq "$run" '.Instances[0].PublicIpAddress | startswith("198.19.")' true
expect_error UnsupportedOperation ec2 run-instances --image-id "$AMI" --network-interfaces \
	'DeviceIndex=0,SubnetId='"$S1"',PrivateIpAddresses=[{PrivateIpAddress=10.0.1.78,Primary=true},{PrivateIpAddress=10.0.1.79,Primary=false}]'

# Tear down: a subnet with instances cannot go; once they are terminated it can.
expect_error DependencyViolation ec2 delete-subnet --subnet-id "$SMALL"
ec2 terminate-instances --instance-ids $(ec2 describe-instances \
	--filters Name=instance-state-name,Values=pending,running \
	--query 'Reservations[].Instances[].InstanceId' --output text) >/dev/null
ec2 delete-subnet --subnet-id "$SMALL"
ec2 delete-subnet --subnet-id "$S1"
ec2 delete-security-group --group-id "$WEB"
echo ok
