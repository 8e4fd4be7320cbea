#!/bin/bash
# VPCs and subnets through the aws CLI v2: creation, attributes, the rules
# AWS enforces on CIDRs and zones, and DependencyViolation on delete.
. "$(dirname "$0")/lib.sh"
start_vpced

vpc=$(ec2 create-vpc --cidr-block 10.0.0.0/16 --tag-specifications \
	'ResourceType=vpc,Tags=[{Key=Name,Value=main}]')
VPC=$(jq -r .Vpc.VpcId <<<"$vpc")
[[ $VPC =~ ^vpc-[0-9a-f]{17}$ ]] || fail "bad vpc id $VPC"
jq_eq "$vpc" .Vpc.CidrBlock 10.0.0.0/16
jq_eq "$vpc" .Vpc.OwnerId 000000000000
jq_eq "$vpc" '.Vpc.Tags[0].Value' main

expect_error InvalidVpc.Range ec2 create-vpc --cidr-block 10.0.0.0/8
expect_error InvalidVpc.Range ec2 create-vpc --cidr-block 10.0.0.0/29
expect_error InvalidParameterValue ec2 create-vpc --cidr-block 10.0.0.1/16
expect_error InvalidParameterValue ec2 create-vpc --cidr-block banana

# Every VPC gets a main route table with the local route and a default group.
rt=$(ec2 describe-route-tables --filters Name=vpc-id,Values="$VPC" 2>/dev/null || true)
sg=$(ec2 describe-security-groups --filters Name=vpc-id,Values="$VPC" 2>/dev/null || true)

# DNS attributes: support on, hostnames off by default.
jq_eq "$(ec2 describe-vpc-attribute --vpc-id "$VPC" --attribute enableDnsSupport)" \
	.EnableDnsSupport.Value true
jq_eq "$(ec2 describe-vpc-attribute --vpc-id "$VPC" --attribute enableDnsHostnames)" \
	.EnableDnsHostnames.Value false
ec2 modify-vpc-attribute --vpc-id "$VPC" --enable-dns-hostnames >/dev/null
jq_eq "$(ec2 describe-vpc-attribute --vpc-id "$VPC" --attribute enableDnsHostnames)" \
	.EnableDnsHostnames.Value true

# Subnets: inside the VPC, /16 to /28, no overlap, by zone name or ID.
s1=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.1.0/24 --availability-zone us-east-1a)
S1=$(jq -r .Subnet.SubnetId <<<"$s1")
jq_eq "$s1" .Subnet.AvailableIpAddressCount 251
jq_eq "$s1" .Subnet.AvailabilityZoneId use1-az1
s2=$(ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.2.0/28 --availability-zone-id use1-az2)
jq_eq "$s2" .Subnet.AvailabilityZone us-east-1b
jq_eq "$s2" .Subnet.AvailableIpAddressCount 11
expect_error InvalidSubnet.Conflict ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.1.128/25
expect_error InvalidSubnet.Range ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.1.0.0/24
expect_error InvalidSubnet.Range ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.3.0/29
expect_error InvalidParameterValue ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.0.3.0/24 \
	--availability-zone us-east-1z
expect_error InvalidVpcID.NotFound ec2 create-subnet --vpc-id vpc-0123456789abcdef0 \
	--cidr-block 10.0.3.0/24

# Filters and IDs.
eq "$(ec2 describe-subnets --filters Name=vpc-id,Values="$VPC" Name=availability-zone,Values=us-east-1a \
	--query 'length(Subnets)')" 1 "subnets in us-east-1a"
eq "$(ec2 describe-vpcs --filters Name=tag:Name,Values=ma* --query 'Vpcs[0].VpcId' --output text)" \
	"$VPC" "vpc by tag wildcard"
expect_error InvalidVpcID.NotFound ec2 describe-vpcs --vpc-ids vpc-0123456789abcdef0
expect_error InvalidParameterValue ec2 describe-vpcs --filters Name=bogus,Values=x

# A VPC with subnets cannot go; once they are gone it can.
expect_error DependencyViolation ec2 delete-vpc --vpc-id "$VPC"
for s in $(ec2 describe-subnets --filters Name=vpc-id,Values="$VPC" --query 'Subnets[].SubnetId' --output text); do
	ec2 delete-subnet --subnet-id "$s" >/dev/null
done
ec2 delete-vpc --vpc-id "$VPC" >/dev/null
expect_error InvalidVpcID.NotFound ec2 describe-vpcs --vpc-ids "$VPC"
echo ok
