#!/bin/bash
# IAM and STS with the real aws CLI: users, access keys, inline and managed
# policies, roles and AssumeRole; created keys and sessions act in their
# account, also for EC2; IAM's errors character for character; everything
# survives a restart and a kill -9; another account sees none of it.
. "$(dirname "$0")/lib.sh"
cat >"$TMP/ids.json" <<'J'
{"identities": [
  {"access_key": "AKIAADMINA", "secret_key": "admin-a", "account": "111122223333"},
  {"access_key": "AKIAADMINB", "secret_key": "admin-b", "account": "444455556666"}],
 "accounts": [{"account": "111122223333", "organization": "o-abc123def4"}]}
J
start_vpced --identities "$TMP/ids.json"
export AWS_ACCESS_KEY_ID=AKIAADMINA AWS_SECRET_ACCESS_KEY=admin-a
iam() { aws2 --output json iam "$@"; }
sts() { aws2 --output json sts "$@"; }
# as KEY SECRET [TOKEN] CMD...: runs CMD with those credentials.
as() {
	local k=$1 s=$2 t=$3
	shift 3
	AWS_ACCESS_KEY_ID=$k AWS_SECRET_ACCESS_KEY=$s AWS_SESSION_TOKEN=$t "$@"
}
# expect_msg CODE MESSAGE CMD...: CMD fails with exactly that code and message.
expect_msg() {
	local code=$1 msg=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		fail "expected $code from: $*; it succeeded: $out"
	fi
	grep -qF "($code) when calling" <<<"$out" || fail "expected ($code) from: $*; got: $out"
	# The CLI may put "(reached max retries: 0)" before the message.
	eq "$(sed -n 's/^An error occurred ([A-Za-z]*) when calling the [A-Za-z]* operation\( (reached max retries: [0-9]*)\)\{0,1\}: //p' \
		<<<"$out")" "$msg" "message of $*"
}

# Users: IDs and ARNs as IAM makes them, names unique whatever their case.
out=$(iam create-user --user-name bob --path /eng/) || fail "create-user: $out"
jq_eq "$out" .User.Arn "arn:aws:iam::111122223333:user/eng/bob"
jq_eq "$out" .User.Path /eng/
grep -qE '"UserId": "AIDA[A-Z0-9]{17}"' <<<"$out" || fail "user ID: $out"
bob_id=$(jq -r .User.UserId <<<"$out")
expect_msg EntityAlreadyExists "User with name Bob already exists." iam create-user --user-name Bob
jq_eq "$(iam get-user --user-name BOB)" .User.UserId "$bob_id"
expect_msg NoSuchEntity "The user with name alice cannot be found." iam get-user --user-name alice
expect_msg ValidationError "1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+" \
	iam create-user --user-name 'bad name!'
expect_msg ValidationError "1 validation error detected: Value 'x' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007F]+\u002F)" \
	iam create-user --user-name carol --path x
iam create-user --user-name carol >/dev/null || fail "create carol"
jq_eq "$(iam list-users)" '[.Users[].UserName] | join(",")' "bob,carol"
jq_eq "$(iam list-users --path-prefix /eng/)" '[.Users[].UserName] | join(",")' "bob"
out=$(aws2 --output json iam list-users --max-items 1) || fail "paged list-users"
jq_eq "$out" '.Users | length' 1
jq_eq "$out" '.NextToken != null' true

# Access keys: AKIA and 16, secrets of 40, two per user; a key acts as its user.
key=$(iam create-access-key --user-name bob) || fail "create-access-key: $key"
kid=$(jq -r .AccessKey.AccessKeyId <<<"$key")
ksec=$(jq -r .AccessKey.SecretAccessKey <<<"$key")
[[ $kid =~ ^AKIA[A-Z0-9]{16}$ ]] || fail "access key ID $kid"
[ ${#ksec} -eq 40 ] || fail "secret of ${#ksec} characters"
jq_eq "$key" .AccessKey.Status Active
key2=$(jq -r .AccessKey.AccessKeyId <<<"$(iam create-access-key --user-name bob)")
expect_msg LimitExceeded "Cannot exceed quota for AccessKeysPerUser: 2" iam create-access-key --user-name bob
jq_eq "$(iam list-access-keys --user-name bob)" '.AccessKeyMetadata | length' 2
iam delete-access-key --user-name bob --access-key-id "$key2" >/dev/null || fail "delete key2"
expect_msg NoSuchEntity "The Access Key with id $key2 cannot be found." \
	iam delete-access-key --user-name bob --access-key-id "$key2"
out=$(as "$kid" "$ksec" "" sts get-caller-identity) || fail "get-caller-identity as bob: $out"
jq_eq "$out" .Arn "arn:aws:iam::111122223333:user/eng/bob"
jq_eq "$out" .UserId "$bob_id"
jq_eq "$out" .Account 111122223333
jq_eq "$(as "$kid" "$ksec" "" iam get-user)" .User.UserName bob
vpc=$(as "$kid" "$ksec" "" ec2 create-vpc --cidr-block 10.7.0.0/16) || fail "create-vpc as bob: $vpc"
jq_eq "$vpc" .Vpc.OwnerId 111122223333
vpc_id=$(jq -r .Vpc.VpcId <<<"$vpc")
jq_eq "$(ec2 describe-vpcs --vpc-ids "$vpc_id")" '.Vpcs[0].OwnerId' 111122223333
expect_msg SignatureDoesNotMatch "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details." \
	as "$kid" wrong "" sts get-caller-identity
expect_msg InvalidClientTokenId "The security token included in the request is invalid." \
	as AKIANOSUCHKEY0000000 x "" iam list-users
expect_msg DeleteConflict "Cannot delete entity, must delete access keys first." iam delete-user --user-name bob

# Inline policies, checked by the policy engine.
cat >"$TMP/read.json" <<'J'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "sts:AssumeRole"], "Resource": "*"}]}
J
iam put-user-policy --user-name bob --policy-name read --policy-document "file://$TMP/read.json" >/dev/null ||
	fail "put-user-policy"
jq_eq "$(iam get-user-policy --user-name bob --policy-name read)" '.PolicyDocument.Statement[0].Action[0]' s3:GetObject
jq_eq "$(iam list-user-policies --user-name bob)" '.PolicyNames | join(",")' read
expect_msg NoSuchEntity "The user policy with name nope cannot be found." \
	iam get-user-policy --user-name bob --policy-name nope
expect_msg MalformedPolicyDocument "Policy document should not specify a principal." \
	iam put-user-policy --user-name bob --policy-name p --policy-document \
	'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}'
expect_msg MalformedPolicyDocument "Syntax errors in policy." \
	iam put-user-policy --user-name bob --policy-name p --policy-document '{"Version":'
expect_msg MalformedPolicyDocument "Statement[0].Condition.StringEqualz: unknown condition operator" \
	iam put-user-policy --user-name bob --policy-name p --policy-document \
	'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"aws:x":"y"}}}]}'
expect_msg DeleteConflict "Cannot delete entity, must delete access keys first." iam delete-user --user-name bob

# Customer managed policies: v1, attach, detach, no delete while attached.
out=$(iam create-policy --policy-name ec2-read --path /team/ --policy-document \
	'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}') ||
	fail "create-policy: $out"
parn=$(jq -r .Policy.Arn <<<"$out")
eq "$parn" "arn:aws:iam::111122223333:policy/team/ec2-read" "policy ARN"
jq_eq "$out" .Policy.DefaultVersionId v1
grep -qE '"PolicyId": "ANPA[A-Z0-9]{17}"' <<<"$out" || fail "policy ID: $out"
expect_msg EntityAlreadyExists "A policy called ec2-read already exists. Duplicate names are not allowed." \
	iam create-policy --policy-name ec2-read --policy-document "file://$TMP/read.json"
iam attach-user-policy --user-name bob --policy-arn "$parn" >/dev/null || fail "attach-user-policy"
jq_eq "$(iam list-attached-user-policies --user-name bob)" '.AttachedPolicies[0].PolicyArn' "$parn"
jq_eq "$(iam list-attached-user-policies --user-name bob --path-prefix /other/)" '.AttachedPolicies | length' 0
jq_eq "$(iam get-policy --policy-arn "$parn")" .Policy.AttachmentCount 1
expect_msg DeleteConflict "Cannot delete a policy attached to entities." iam delete-policy --policy-arn "$parn"
expect_msg NoSuchEntity "Policy arn:aws:iam::111122223333:policy/nope does not exist or is not attachable." \
	iam attach-user-policy --user-name bob --policy-arn arn:aws:iam::111122223333:policy/nope

# Roles: a trust policy as a resource policy for sts:AssumeRole.
trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/eng/bob"},"Action":"sts:AssumeRole"}]}'
out=$(iam create-role --role-name Reader --assume-role-policy-document "$trust") || fail "create-role: $out"
jq_eq "$out" .Role.Arn "arn:aws:iam::111122223333:role/Reader"
jq_eq "$out" .Role.AssumeRolePolicyDocument.Statement[0].Principal.AWS "arn:aws:iam::111122223333:user/eng/bob"
grep -qE '"RoleId": "AROA[A-Z0-9]{17}"' <<<"$out" || fail "role ID: $out"
role_id=$(jq -r .Role.RoleId <<<"$out")
expect_msg EntityAlreadyExists "Role with name reader already exists." \
	iam create-role --role-name reader --assume-role-policy-document "$trust"
expect_msg MalformedPolicyDocument "Has prohibited field Resource" iam create-role --role-name R2 \
	--assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole","Resource":"*"}]}'
expect_msg MalformedPolicyDocument "AssumeRole policy may only specify STS AssumeRole actions." \
	iam create-role --role-name R2 --assume-role-policy-document \
	'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject"}]}'
iam put-role-policy --role-name Reader --policy-name ec2 --policy-document \
	'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}' >/dev/null ||
	fail "put-role-policy"
iam attach-role-policy --role-name Reader --policy-arn "$parn" >/dev/null || fail "attach-role-policy"
jq_eq "$(iam list-role-policies --role-name Reader)" '.PolicyNames | join(",")' ec2
jq_eq "$(iam list-attached-role-policies --role-name Reader)" '.AttachedPolicies[0].PolicyName' ec2-read
expect_msg DeleteConflict "Cannot delete entity, must delete policies first." iam delete-role --role-name Reader

# AssumeRole: bob is trusted; the root of the account is not named, so not trusted.
creds=$(as "$kid" "$ksec" "" sts assume-role --role-arn arn:aws:iam::111122223333:role/Reader \
	--role-session-name s1 --duration-seconds 900) || fail "assume-role: $creds"
jq_eq "$creds" .AssumedRoleUser.Arn "arn:aws:sts::111122223333:assumed-role/Reader/s1"
jq_eq "$creds" .AssumedRoleUser.AssumedRoleId "$role_id:s1"
sk=$(jq -r .Credentials.AccessKeyId <<<"$creds")
ss=$(jq -r .Credentials.SecretAccessKey <<<"$creds")
st=$(jq -r .Credentials.SessionToken <<<"$creds")
[[ $sk =~ ^ASIA[A-Z0-9]{16}$ ]] || fail "session key $sk"
exp=$(jq -r .Credentials.Expiration <<<"$creds")
left=$(( $(date -d "$exp" +%s) - $(date +%s) ))
[ "$left" -gt 880 ] && [ "$left" -le 900 ] || fail "expiration $exp is $left s away, not 900"
out=$(as "$sk" "$ss" "$st" sts get-caller-identity) || fail "session identity: $out"
jq_eq "$out" .Arn "arn:aws:sts::111122223333:assumed-role/Reader/s1"
jq_eq "$out" .UserId "$role_id:s1"
jq_eq "$(as "$sk" "$ss" "$st" ec2 describe-vpcs --vpc-ids "$vpc_id")" '.Vpcs[0].VpcId' "$vpc_id"
expect_msg InvalidClientTokenId "The security token included in the request is invalid." \
	as "$sk" "$ss" wrong-token sts get-caller-identity
expect_error AuthFailure as "$sk" "$ss" "" ec2 describe-vpcs
expect_msg AccessDenied "User: arn:aws:iam::111122223333:root is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Reader" \
	sts assume-role --role-arn arn:aws:iam::111122223333:role/Reader --role-session-name s2
expect_msg ValidationError "The requested DurationSeconds exceeds the MaxSessionDuration set for this role." \
	as "$kid" "$ksec" "" sts assume-role --role-arn arn:aws:iam::111122223333:role/Reader \
	--role-session-name s3 --duration-seconds 7200
expect_msg AccessDenied "User: arn:aws:iam::111122223333:user/eng/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Nope" \
	as "$kid" "$ksec" "" sts assume-role --role-arn arn:aws:iam::111122223333:role/Nope --role-session-name s1

# IAM's error document, whole.
/usr/bin/python3 - "$ENDPOINT" <<'PY' || fail "IAM error document"
import sys, urllib.request, re
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url = sys.argv[1] + "/"
req = AWSRequest("POST", url, data="Action=GetUser&UserName=nobody&Version=2010-05-08",
                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
SigV4Auth(Credentials("AKIAADMINA", "admin-a"), "iam", "us-east-1").add_auth(req)
body = req.body if isinstance(req.body, bytes) else req.body.encode()
r = urllib.request.Request(url, data=body, headers=dict(req.headers), method="POST")
try:
    urllib.request.urlopen(r)
    sys.exit(1)
except urllib.error.HTTPError as e:
    body = e.read().decode()
    assert e.code == 404, e.code
    want = ('<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
            '<Error><Type>Sender</Type><Code>NoSuchEntity</Code>'
            '<Message>The user with name nobody cannot be found.</Message></Error>'
            '<RequestId>')
    assert body.startswith(want), body
    assert re.search(r'<RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$', body), body
PY
code=$(curl -s -o "$TMP/body" -w '%{http_code}' -d 'Action=ListUsers&Version=2010-05-08' "$ENDPOINT/")
eq "$code" 403 "status of an unsigned IAM request"
grep -qF '<Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message>' \
	"$TMP/body" || fail "unsigned IAM request: $(cat "$TMP/body")"

# Another account sees none of it, and uses the same names freely.
export AWS_ACCESS_KEY_ID=AKIAADMINB AWS_SECRET_ACCESS_KEY=admin-b
jq_eq "$(iam list-users)" '.Users | length' 0
jq_eq "$(iam list-roles)" '.Roles | length' 0
expect_msg NoSuchEntity "The user with name bob cannot be found." iam get-user --user-name bob
expect_msg NoSuchEntity "Policy $parn was not found." iam get-policy --policy-arn "$parn"
iam create-user --user-name bob >/dev/null || fail "account B's bob"
jq_eq "$(sts get-caller-identity)" .Arn "arn:aws:iam::444455556666:root"
expect_msg AccessDenied "User: arn:aws:iam::444455556666:root is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Reader" \
	sts assume-role --role-arn arn:aws:iam::111122223333:role/Reader --role-session-name xb
eve=$(iam create-user --user-name eve >/dev/null && iam create-access-key --user-name eve) || fail "eve"
ek=$(jq -r .AccessKey.AccessKeyId <<<"$eve")
es=$(jq -r .AccessKey.SecretAccessKey <<<"$eve")
export AWS_ACCESS_KEY_ID=AKIAADMINA AWS_SECRET_ACCESS_KEY=admin-a

# Across accounts the trust policy and the caller's own policy must both allow;
# aws:PrincipalOrgID is the organization of the caller's account.
iam create-role --role-name Cross --assume-role-policy-document \
	'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole"}]}' \
	>/dev/null || fail "create Cross"
iam create-role --role-name OrgOnly --assume-role-policy-document \
	'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123def4"}}}]}' \
	>/dev/null || fail "create OrgOnly"
expect_msg AccessDenied "User: arn:aws:iam::444455556666:user/eve is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Cross" \
	as "$ek" "$es" "" sts assume-role --role-arn arn:aws:iam::111122223333:role/Cross --role-session-name e1
AWS_ACCESS_KEY_ID=AKIAADMINB AWS_SECRET_ACCESS_KEY=admin-b iam put-user-policy --user-name eve \
	--policy-name assume --policy-document \
	'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/*"}]}' \
	>/dev/null || fail "eve's policy"
out=$(as "$ek" "$es" "" sts assume-role --role-arn arn:aws:iam::111122223333:role/Cross \
	--role-session-name e1) || fail "cross-account assume-role: $out"
jq_eq "$out" .AssumedRoleUser.Arn "arn:aws:sts::111122223333:assumed-role/Cross/e1"
jq_eq "$(as "$(jq -r .Credentials.AccessKeyId <<<"$out")" "$(jq -r .Credentials.SecretAccessKey <<<"$out")" \
	"$(jq -r .Credentials.SessionToken <<<"$out")" ec2 describe-vpcs --vpc-ids "$vpc_id")" '.Vpcs[0].OwnerId' 111122223333
expect_msg AccessDenied "User: arn:aws:iam::444455556666:user/eve is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/OrgOnly" \
	as "$ek" "$es" "" sts assume-role --role-arn arn:aws:iam::111122223333:role/OrgOnly --role-session-name e1
as "$kid" "$ksec" "" sts assume-role --role-arn arn:aws:iam::111122223333:role/OrgOnly \
	--role-session-name b1 >/dev/null || fail "bob, in the organization, refused by OrgOnly"
iam delete-role --role-name Cross >/dev/null && iam delete-role --role-name OrgOnly >/dev/null ||
	fail "delete Cross, OrgOnly"
if [ -n "$AWS1" ]; then
	out=$(aws1 --output json iam get-role --role-name Reader) || fail "aws v1 get-role: $out"
	jq_eq "$out" .Role.AssumeRolePolicyDocument.Statement[0].Action sts:AssumeRole
fi

# A restart keeps users, keys, roles, policies and live sessions.
stop_vpced
start_vpced --identities "$TMP/ids.json"
jq_eq "$(as "$kid" "$ksec" "" sts get-caller-identity)" .Arn "arn:aws:iam::111122223333:user/eng/bob"
jq_eq "$(as "$sk" "$ss" "$st" sts get-caller-identity)" .Arn "arn:aws:sts::111122223333:assumed-role/Reader/s1"
jq_eq "$(iam get-role --role-name Reader)" .Role.RoleId "$role_id"
jq_eq "$(iam get-policy --policy-arn "$parn")" .Policy.AttachmentCount 2
jq_eq "$(iam list-users)" '[.Users[].UserName] | join(",")' "bob,carol"

# Expired credentials: the session's end moved to the past stands for the passing of time.
stop_vpced
state_set "$sk" expires_ms "$(( ($(date +%s) - 60) * 1000 ))"
start_vpced --identities "$TMP/ids.json"
expect_msg ExpiredToken "The security token included in the request is expired" \
	as "$sk" "$ss" "$st" sts get-caller-identity
expect_msg RequestExpired "Request has expired." as "$sk" "$ss" "$st" ec2 describe-vpcs

# A deleted key stops working at once; a kill -9 after the answer loses nothing.
iam delete-access-key --user-name bob --access-key-id "$kid" >/dev/null || fail "delete key"
expect_msg InvalidClientTokenId "The security token included in the request is invalid." \
	as "$kid" "$ksec" "" sts get-caller-identity
iam create-user --user-name dave >/dev/null || fail "create dave"
{ kill -9 "$VPCED_PID"; wait "$VPCED_PID"; } 2>/dev/null
VPCED_PID=
start_vpced --identities "$TMP/ids.json"
jq_eq "$(iam get-user --user-name dave)" .User.UserName dave
expect_error InvalidClientTokenId as "$kid" "$ksec" "" sts get-caller-identity

# Taking bob apart in IAM's order, then deleting him.
expect_msg DeleteConflict "Cannot delete entity, must delete policies first." iam delete-user --user-name bob
iam delete-user-policy --user-name bob --policy-name read >/dev/null || fail "delete-user-policy"
expect_msg DeleteConflict "Cannot delete entity, must detach all policies first." iam delete-user --user-name bob
iam detach-user-policy --user-name bob --policy-arn "$parn" >/dev/null || fail "detach-user-policy"
expect_msg NoSuchEntity "Policy $parn was not found." iam detach-user-policy --user-name bob --policy-arn "$parn"
iam delete-user --user-name bob >/dev/null || fail "delete-user"
iam delete-role-policy --role-name Reader --policy-name ec2 >/dev/null || fail "delete-role-policy"
iam detach-role-policy --role-name Reader --policy-arn "$parn" >/dev/null || fail "detach-role-policy"
iam delete-policy --policy-arn "$parn" >/dev/null || fail "delete-policy"
iam delete-role --role-name Reader >/dev/null || fail "delete-role"
expect_msg NoSuchEntity "The role with name Reader cannot be found." iam get-role --role-name Reader

# --account gives test/test another account; the identities file names organizations.
stop_vpced
if out=$("$VPCED" --listen 127.0.0.1:1 --state "$TMP/x.db" --account 12345 2>&1); then
	fail "a 5-digit --account was taken"
fi
grep -q "12 digits" <<<"$out" || fail "unclear --account refusal: $out"
start_vpced --account 123456789012
jq_eq "$(AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test sts get-caller-identity)" .Account 123456789012
echo "ok"
