#!/bin/bash
# Security groups through the aws CLI v2 and boto3: the default group, names
# AWS refuses, rules in both directions grouped as IpPermissions, duplicates,
# revocation, filters, DescribeSecurityGroupRules and DependencyViolation.
. "$(dirname "$0")/lib.sh"
start_vpced

VPC=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
OTHER=$(ec2 create-vpc --cidr-block 10.1.0.0/16 --query Vpc.VpcId --output text)

# Every VPC has its default group: members talk to each other, all may leave.
def=$(ec2 describe-security-groups --filters Name=vpc-id,Values="$VPC" Name=group-name,Values=default)
jq_eq "$def" '.SecurityGroups | length' 1
DEF=$(jq -r '.SecurityGroups[0].GroupId' <<<"$def")
jq_eq "$def" '.SecurityGroups[0].Description' "default VPC security group"
jq_eq "$def" '.SecurityGroups[0].IpPermissions[0].IpProtocol' -1
jq_eq "$def" '.SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0].GroupId' "$DEF"
jq_eq "$def" '.SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0].UserId' 000000000000
jq_eq "$def" '.SecurityGroups[0].IpPermissions[0] | has("FromPort")' false
jq_eq "$def" '.SecurityGroups[0].IpPermissionsEgress[0].IpRanges[0].CidrIp' 0.0.0.0/0
expect_error CannotDelete ec2 delete-security-group --group-id "$DEF"
out=$(ec2 delete-security-group --group-id "$DEF" 2>&1)
grep -qF "the specified group: \"$DEF\" name: \"default\" cannot be deleted by a user" <<<"$out" ||
	fail "CannotDelete message: $out"

# Creation: AWS's default egress rule, tags, and the names AWS refuses.
web=$(ec2 create-security-group --group-name web --description "web servers" --vpc-id "$VPC" \
	--tag-specifications 'ResourceType=security-group,Tags=[{Key=Name,Value=web}]')
WEB=$(jq -r .GroupId <<<"$web")
[[ $WEB =~ ^sg-[0-9a-f]{17}$ ]] || fail "bad group id $WEB"
jq_eq "$web" .Tags[0].Value web
DB=$(ec2 create-security-group --group-name db --description "db (primary)" --vpc-id "$VPC" \
	--query GroupId --output text)
FAR=$(ec2 create-security-group --group-name web --description far --vpc-id "$OTHER" \
	--query GroupId --output text)
g=$(ec2 describe-security-groups --group-ids "$WEB")
jq_eq "$g" '.SecurityGroups[0].IpPermissions | length' 0
jq_eq "$g" '.SecurityGroups[0].IpPermissionsEgress[0].IpProtocol' -1
jq_eq "$g" '.SecurityGroups[0].IpPermissionsEgress[0].IpRanges[0].CidrIp' 0.0.0.0/0
jq_eq "$g" '.SecurityGroups[0].GroupName' web
jq_eq "$g" '.SecurityGroups[0].OwnerId' 000000000000

out=$(ec2 create-security-group --group-name web --description again --vpc-id "$VPC" 2>&1) &&
	fail "duplicate name accepted"
grep -qF "(InvalidGroup.Duplicate)" <<<"$out" || fail "duplicate: $out"
grep -qF "The security group 'web' already exists for VPC '$VPC'" <<<"$out" || fail "duplicate: $out"
expect_error InvalidParameterValue ec2 create-security-group --group-name default --description x \
	--vpc-id "$VPC"
expect_error InvalidParameterValue ec2 create-security-group --group-name sg-web --description x \
	--vpc-id "$VPC"
expect_error InvalidParameterValue ec2 create-security-group --group-name "it's" --description x \
	--vpc-id "$VPC"
expect_error InvalidParameterValue ec2 create-security-group --group-name ok --description "50%" \
	--vpc-id "$VPC"
expect_error VPCIdNotSpecified ec2 create-security-group --group-name ok --description x
expect_error InvalidVpcID.NotFound ec2 create-security-group --group-name ok --description x \
	--vpc-id vpc-0123456789abcdef0

# Ingress rules, in both the simple and the IpPermissions forms.
r=$(ec2 authorize-security-group-ingress --group-id "$WEB" --protocol tcp --port 22 \
	--cidr 10.0.0.0/8)
jq_eq "$r" .Return true
jq_eq "$r" '.SecurityGroupRules | length' 1
jq_eq "$r" .SecurityGroupRules[0].IsEgress false
jq_eq "$r" .SecurityGroupRules[0].IpProtocol tcp
jq_eq "$r" .SecurityGroupRules[0].FromPort 22
jq_eq "$r" .SecurityGroupRules[0].CidrIpv4 10.0.0.0/8
jq_eq "$r" .SecurityGroupRules[0].GroupOwnerId 000000000000
[[ $(jq -r .SecurityGroupRules[0].SecurityGroupRuleId <<<"$r") =~ ^sgr-[0-9a-f]{17}$ ]] ||
	fail "bad rule id: $r"
r=$(ec2 authorize-security-group-ingress --group-id "$WEB" --ip-permissions \
	'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=192.168.0.0/16,Description=office}]' \
	"IpProtocol=6,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=$DB,Description=from db}]" \
	'IpProtocol=icmp,FromPort=8,ToPort=-1,IpRanges=[{CidrIp=0.0.0.0/0}]' \
	'IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{PrefixListId=pl-63a5400a}]')
jq_eq "$r" '.SecurityGroupRules | length' 4
jq_eq "$r" .SecurityGroupRules[1].ReferencedGroupInfo.GroupId "$DB"
jq_eq "$r" .SecurityGroupRules[1].IpProtocol tcp
jq_eq "$r" .SecurityGroupRules[1].Description "from db"
jq_eq "$r" .SecurityGroupRules[3].PrefixListId pl-63a5400a

# DescribeSecurityGroups groups rules by protocol and ports, in AWS's shape.
g=$(ec2 describe-security-groups --group-ids "$WEB")
jq_eq "$g" '.SecurityGroups[0].IpPermissions | length' 3
jq_eq "$g" '.SecurityGroups[0].IpPermissions[0].FromPort' 22
jq_eq "$g" '.SecurityGroups[0].IpPermissions[0].IpRanges | map(.CidrIp) | join(",")' \
	10.0.0.0/8,192.168.0.0/16
jq_eq "$g" '.SecurityGroups[0].IpPermissions[0].IpRanges[1].Description' office
jq_eq "$g" '.SecurityGroups[0].IpPermissions[0].Ipv6Ranges | length' 0
jq_eq "$g" '.SecurityGroups[0].IpPermissions[1].UserIdGroupPairs[0].GroupId' "$DB"
jq_eq "$g" '.SecurityGroups[0].IpPermissions[1].UserIdGroupPairs[0].Description' "from db"
jq_eq "$g" '.SecurityGroups[0].IpPermissions[1].PrefixListIds[0].PrefixListId' pl-63a5400a
jq_eq "$g" '.SecurityGroups[0].IpPermissions[2].IpProtocol' icmp
jq_eq "$g" '.SecurityGroups[0].IpPermissions[2].FromPort' 8
jq_eq "$g" '.SecurityGroups[0].IpPermissions[2].ToPort' -1

# Duplicates, with AWS's exact message; bad protocols, ports and peers.
out=$(ec2 authorize-security-group-ingress --group-id "$WEB" --protocol tcp --port 22 \
	--cidr 10.0.0.0/8 2>&1) && fail "duplicate rule accepted"
grep -qF 'the specified rule "peer: 10.0.0.0/8, TCP, from port: 22, to port: 22, ALLOW" already exists' \
	<<<"$out" || fail "duplicate rule: $out"
expect_error InvalidPermission.Duplicate ec2 authorize-security-group-egress --group-id "$WEB" \
	--ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'
out=$(ec2 authorize-security-group-ingress --group-id "$WEB" --ip-permissions \
	'IpProtocol=all,IpRanges=[{CidrIp=10.0.0.0/8}]' 2>&1) && fail "protocol all accepted"
grep -qF "Invalid value 'all' for IP protocol. Unknown protocol." <<<"$out" || fail "all: $out"
expect_error InvalidParameterValue ec2 authorize-security-group-ingress --group-id "$WEB" \
	--ip-permissions 'IpProtocol=tcp,FromPort=22,IpRanges=[{CidrIp=10.0.0.0/8}]'
expect_error InvalidParameterValue ec2 authorize-security-group-ingress --group-id "$WEB" \
	--protocol tcp --port 70000 --cidr 10.0.0.0/8
expect_error InvalidParameterValue ec2 authorize-security-group-ingress --group-id "$WEB" \
	--protocol icmp --port 300 --cidr 10.0.0.0/8
expect_error InvalidParameterValue ec2 authorize-security-group-ingress --group-id "$WEB" \
	--protocol tcp --port 25 --cidr 10.0.0.0/33
expect_error InvalidGroup.NotFound ec2 authorize-security-group-ingress --group-id "$WEB" \
	--protocol tcp --port 25 --source-group sg-0123456789abcdef0
expect_error InvalidGroup.NotFound ec2 authorize-security-group-ingress --group-id "$WEB" \
	--ip-permissions "IpProtocol=tcp,FromPort=1,ToPort=1,UserIdGroupPairs=[{GroupId=$FAR}]"
expect_error InvalidPrefixListID.NotFound ec2 authorize-security-group-egress --group-id "$WEB" \
	--ip-permissions 'IpProtocol=tcp,FromPort=1,ToPort=1,PrefixListIds=[{PrefixListId=pl-00000000}]'
expect_error InvalidGroup.NotFound ec2 authorize-security-group-ingress \
	--group-id sg-0123456789abcdef0 --protocol tcp --port 25 --cidr 10.0.0.0/8
expect_error VPCIdNotSpecified ec2 authorize-security-group-ingress --group-name web \
	--protocol tcp --port 25 --cidr 10.0.0.0/8
expect_error InvalidParameterValue ec2 authorize-security-group-ingress --group-id "$WEB" \
	--ip-permissions '[{"IpProtocol":"tcp","FromPort":5,"ToPort":5,"IpRanges":[{"CidrIp":"1.0.0.0/8","Description":"50%"}]}]'
# A failed request adds none of its rules.
expect_error InvalidPermission.Duplicate ec2 authorize-security-group-ingress --group-id "$WEB" \
	--ip-permissions 'IpProtocol=udp,FromPort=53,ToPort=53,IpRanges=[{CidrIp=10.9.0.0/16}]' \
	'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=10.0.0.0/8}]'
eq "$(ec2 describe-security-groups --group-ids "$WEB" --query 'length(SecurityGroups[0].IpPermissions)')" \
	3 "ingress permissions after a refused request"

# Egress.
r=$(ec2 authorize-security-group-egress --group-id "$WEB" --ip-permissions \
	'IpProtocol=tcp,FromPort=5432,ToPort=5432,IpRanges=[{CidrIp=10.0.2.0/24}]')
jq_eq "$r" .SecurityGroupRules[0].IsEgress true
jq_eq "$(ec2 describe-security-groups --group-ids "$WEB")" \
	'.SecurityGroups[0].IpPermissionsEgress | length' 2

# Filters, with wildcards, on groups and on rules either way.
ids() { ec2 describe-security-groups "$@" --query 'SecurityGroups[].GroupId' --output text; }
eq "$(ids --filters Name=ip-permission.cidr,Values=192.168.*)" "$WEB" "ip-permission.cidr"
eq "$(ids --filters Name=ip-permission.from-port,Values=443 Name=vpc-id,Values="$VPC")" "$WEB" \
	"ip-permission.from-port"
eq "$(ids --filters Name=ip-permission.group-id,Values="$DB")" "$WEB" "ip-permission.group-id"
eq "$(ids --filters Name=ip-permission.prefix-list-id,Values=pl-63a5400a)" "$WEB" "prefix-list-id"
eq "$(ids --filters Name=ip-permission.protocol,Values=icmp)" "$WEB" "ip-permission.protocol"
eq "$(ids --filters Name=egress.ip-permission.to-port,Values=5432)" "$WEB" "egress to-port"
eq "$(ids --filters Name=egress.ip-permission.cidr,Values=0.0.0.0/0 Name=group-name,Values=db)" \
	"$DB" "egress cidr and name"
eq "$(ids --filters Name=description,Values='db (*')" "$DB" "description"
eq "$(ids --filters Name=tag:Name,Values=web)" "$WEB" "tag"
eq "$(ec2 describe-security-groups --filters Name=group-name,Values=web \
	--query 'length(SecurityGroups)')" 2 "names per VPC"
expect_error InvalidParameterValue ec2 describe-security-groups --filters Name=ip-permission.bogus,Values=1
expect_error InvalidGroup.NotFound ec2 describe-security-groups --group-ids sg-0123456789abcdef0
expect_error InvalidGroupId.Malformed ec2 describe-security-groups --group-ids web
expect_error VPCIdNotSpecified ec2 describe-security-groups --group-names web

# DescribeSecurityGroupRules.
rules=$(ec2 describe-security-group-rules --filters Name=group-id,Values="$WEB")
jq_eq "$rules" '.SecurityGroupRules | length' 7
jq_eq "$rules" '[.SecurityGroupRules[] | select(.IsEgress)] | length' 2
RULE=$(jq -r '.SecurityGroupRules[] | select(.CidrIpv4 == "10.0.2.0/24") | .SecurityGroupRuleId' <<<"$rules")
jq_eq "$(ec2 describe-security-group-rules --security-group-rule-ids "$RULE")" \
	'.SecurityGroupRules[0].ToPort' 5432

# Revoking: every named rule must exist, and then all of them go.
out=$(ec2 revoke-security-group-ingress --group-id "$WEB" --protocol tcp --port 23 \
	--cidr 10.0.0.0/8 2>&1) && fail "revoking a missing rule succeeded"
grep -qF "(InvalidPermission.NotFound)" <<<"$out" || fail "revoke: $out"
grep -qF "The specified rule does not exist in this security group." <<<"$out" || fail "revoke: $out"
r=$(ec2 revoke-security-group-ingress --group-id "$WEB" --protocol tcp --port 22 --cidr 10.0.0.0/8)
jq_eq "$r" .Return true
ec2 revoke-security-group-egress --group-id "$WEB" --security-group-rule-ids "$RULE" >/dev/null
g=$(ec2 describe-security-groups --group-ids "$WEB")
jq_eq "$g" '.SecurityGroups[0].IpPermissions[0].IpRanges | map(.CidrIp) | join(",")' 192.168.0.0/16
jq_eq "$g" '.SecurityGroups[0].IpPermissionsEgress | length' 1

# boto3 sees the same groups, rules and errors.
/usr/bin/python3 - "$ENDPOINT" "$WEB" "$DB" <<'PY' || fail "boto3"
import sys, boto3, botocore
endpoint, web, db = sys.argv[1:]
ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
r = ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[
    {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53,
     "IpRanges": [{"CidrIp": "10.0.0.0/16", "Description": "dns"}]}])
assert r["Return"] is True and r["SecurityGroupRules"][0]["IpProtocol"] == "udp", r
g = ec2.describe_security_groups(Filters=[{"Name": "ip-permission.to-port", "Values": ["53"]}])
assert [x["GroupId"] for x in g["SecurityGroups"]] == [db], g
perm = g["SecurityGroups"][0]["IpPermissions"][0]
assert perm == {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "UserIdGroupPairs": [],
                "IpRanges": [{"CidrIp": "10.0.0.0/16", "Description": "dns"}],
                "Ipv6Ranges": [], "PrefixListIds": []}, perm
try:
    ec2.delete_security_group(GroupId=db)
    raise SystemExit("deleted a referenced group")
except botocore.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "DependencyViolation", e.response
    assert e.response["Error"]["Message"] == "resource %s has a dependent object" % db
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
PY

# A group referenced by another group's rule, or by an ENI, cannot go.
expect_error DependencyViolation ec2 delete-security-group --group-id "$DB"
ec2 revoke-security-group-ingress --group-id "$WEB" --ip-permissions \
	"IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=$DB}]" >/dev/null
ec2 delete-security-group --group-id "$DB" >/dev/null
expect_error InvalidGroup.NotFound ec2 describe-security-groups --group-ids "$DB"
expect_error InvalidGroup.NotFound ec2 delete-security-group --group-id "$DB"

# The state survives a restart.
before=$(ec2 describe-security-groups --group-ids "$WEB")
stop_vpced
start_vpced
eq "$(ec2 describe-security-groups --group-ids "$WEB")" "$before" "groups after a restart"

ec2 delete-security-group --group-id "$WEB" >/dev/null
ec2 delete-security-group --group-id "$FAR" >/dev/null
ec2 delete-vpc --vpc-id "$VPC" >/dev/null
ec2 delete-vpc --vpc-id "$OTHER" >/dev/null
echo ok
