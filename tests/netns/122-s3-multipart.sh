#!/bin/bash
# S3 multipart uploads through a gateway endpoint, with the unmodified aws
# CLI inside an instance: "aws s3 cp" of files past its 8 MiB threshold up
# and down, byte for byte (v2, and v1 with its default CRC32 checksums, when
# installed), an object of LIMIT_S3_MULTIPART_OBJECT_BYTES answered whole,
# the s3api calls one by one, and the IAM actions AWS decides them on: an
# endpoint policy denying s3:PutObject stops "s3 cp" at
# CreateMultipartUpload; s3:AbortMultipartUpload is an action of its own.
# Needs root and nft; exits 77 without.
. "$(dirname "$0")/dataplane.sh"
start_vpced
two_subnets	# VPC: S1 (A, 10.0.1.10) and S2 (B, 10.0.2.10)

# s3as BIN ARGS...: that aws CLI inside A as alice, over HTTPS.
s3as() {
	local bin=$1
	shift
	inside "$A" -- env AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK" \
		"$bin" --region us-east-1 --cli-connect-timeout 2 --cli-read-timeout 30 "$@" 2>&1
}
a() { s3as /usr/bin/aws "$@"; }
a1() { s3as "$AWS1" "$@"; }
denied() {
	grep -q "(AccessDenied)" <<<"$1" || fail "expected AccessDenied ($2), got: $1"
	[ -z "$2" ] || grep -qF -- "$2" <<<"$1" || fail "expected '$2' in: $1"
}

iam_user alice s3 '"s3:*"'
ACCOUNT=$(aws2 sts get-caller-identity --query Account --output text)
RT1=$(ec2 create-route-table --vpc-id "$VPC" --query RouteTable.RouteTableId --output text)
ec2 associate-route-table --route-table-id "$RT1" --subnet-id "$S1" >/dev/null
G=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --service-name com.amazonaws.us-east-1.s3 --route-table-ids "$RT1" \
	--query VpcEndpoint.VpcEndpointId --output text)
BUCKET=big-$$
for _ in $(seq 20); do out=$(a s3 mb "s3://$BUCKET") && break; sleep 0.2; done
eq "$out" "make_bucket: $BUCKET" "a bucket made through the gateway endpoint"

# 20 MiB: three parts of 8, 8 and 4 MiB; the ETag is the parts' one, "-3".
head -c $((20 * 1024 * 1024)) /dev/urandom >"$TMP/big"
a s3 cp "$TMP/big" "s3://$BUCKET/data/big.bin" >/dev/null || fail "multipart upload: $(a s3 cp "$TMP/big" "s3://$BUCKET/x")"
a s3 cp "s3://$BUCKET/data/big.bin" "$TMP/back" >/dev/null || fail "download"
eq "$(sha256sum <"$TMP/back")" "$(sha256sum <"$TMP/big")" "20 MiB up and down"
etag=$(a s3api head-object --bucket "$BUCKET" --key data/big.bin --query ETag --output text)
grep -qE '^"[0-9a-f]{32}-3"$' <<<"$etag" || fail "a three-part ETag: $etag"
eq "$(a s3api head-object --bucket "$BUCKET" --key data/big.bin --query ContentLength --output text)" \
	$((20 * 1024 * 1024)) "its size"
eq "$(a s3 ls "s3://$BUCKET/data/" | awk '{print $3, $4}')" "20971520 big.bin" "listed"

# The v1 CLI asks for CRC32 checksums: trailers on each part, a COMPOSITE checksum at the end.
if [ -n "$AWS1" ]; then
	a1 s3 cp "$TMP/big" "s3://$BUCKET/data/v1.bin" >/dev/null || fail "v1 upload: $(a1 s3 cp "$TMP/big" "s3://$BUCKET/x")"
	a1 s3 cp "s3://$BUCKET/data/v1.bin" "$TMP/back1" >/dev/null || fail "v1 download"
	eq "$(sha256sum <"$TMP/back1")" "$(sha256sum <"$TMP/big")" "20 MiB up and down with v1"
	out=$(a1 s3api head-object --bucket "$BUCKET" --key data/v1.bin --checksum-mode ENABLED \
		--query '[ChecksumType, ChecksumCRC32]' --output text)
	grep -qE '^COMPOSITE	[A-Za-z0-9+/=]+-3$' <<<"$out" || fail "v1's checksum: $out"
fi

# The largest object there is, answered whole; one byte more is refused.
head -c $((64 * 1024 * 1024)) /dev/urandom >"$TMP/max"
a s3 cp "$TMP/max" "s3://$BUCKET/max.bin" >/dev/null || fail "64 MiB upload"
a s3 cp "s3://$BUCKET/max.bin" "$TMP/maxback" >/dev/null || fail "64 MiB download"
eq "$(sha256sum <"$TMP/maxback")" "$(sha256sum <"$TMP/max")" "64 MiB up and down"
a s3api get-object --bucket "$BUCKET" --key max.bin "$TMP/maxget" >/dev/null || fail "64 MiB in one GET"
cmp -s "$TMP/max" "$TMP/maxget" || fail "64 MiB in one GET: other bytes"
echo x >>"$TMP/max"
out=$(a s3 cp "$TMP/max" "s3://$BUCKET/toomuch.bin")
grep -q "EntityTooLarge" <<<"$out" || fail "64 MiB and a byte: $out"
rm -f "$TMP/max" "$TMP/maxback" "$TMP/maxget"

# The calls one by one.
id=$(a s3api create-multipart-upload --bucket "$BUCKET" --key parts.bin --query UploadId --output text)
[ -n "$id" ] || fail "create-multipart-upload"
head -c $((5 * 1024 * 1024)) "$TMP/big" >"$TMP/p1"
echo tail >"$TMP/p2"
e1=$(a s3api upload-part --bucket "$BUCKET" --key parts.bin --upload-id "$id" --part-number 1 \
	--body "$TMP/p1" --query ETag --output text)
e2=$(a s3api upload-part --bucket "$BUCKET" --key parts.bin --upload-id "$id" --part-number 2 \
	--body "$TMP/p2" --query ETag --output text)
eq "$e2" "\"$(md5sum <"$TMP/p2" | cut -d' ' -f1)\"" "a part's ETag is its MD5"
eq "$(a s3api list-parts --bucket "$BUCKET" --key parts.bin --upload-id "$id" \
	--query 'Parts[].[PartNumber,Size]' --output text | tr '\t\n' ' ')" "1 5242880 2 5 " "list-parts"
eq "$(a s3api list-multipart-uploads --bucket "$BUCKET" --query 'Uploads[].Key' --output text)" \
	parts.bin "list-multipart-uploads"
out=$(a s3api complete-multipart-upload --bucket "$BUCKET" --key parts.bin --upload-id "$id" \
	--multipart-upload "{\"Parts\": [{\"PartNumber\": 2, \"ETag\": $e2}, {\"PartNumber\": 1, \"ETag\": $e1}]}")
grep -q "(InvalidPartOrder)" <<<"$out" || fail "parts out of order: $out"
out=$(a s3api complete-multipart-upload --bucket "$BUCKET" --key parts.bin --upload-id "$id" \
	--multipart-upload "{\"Parts\": [{\"PartNumber\": 2, \"ETag\": $e2}]}")
eq "$(jq -r .Key <<<"$out")" parts.bin "complete-multipart-upload: $out"
a s3 cp "s3://$BUCKET/parts.bin" "$TMP/partsback" >/dev/null || fail "download the parts' object"
cmp -s "$TMP/p2" "$TMP/partsback" || fail "the object is the parts listed"
out=$(a s3api list-parts --bucket "$BUCKET" --key parts.bin --upload-id "$id")
grep -q "(NoSuchUpload)" <<<"$out" || fail "completed uploads are gone: $out"

# An endpoint policy that denies s3:PutObject stops "s3 cp" at CreateMultipartUpload.
cat >"$TMP/ep.json" <<'J'
{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
               {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*"}]}
J
ec2 modify-vpc-endpoint --vpc-endpoint-id "$G" --policy-document "file://$TMP/ep.json" >/dev/null
out=$(a s3 cp "$TMP/big" "s3://$BUCKET/denied.bin")
denied "$out" "User: arn:aws:iam::$ACCOUNT:user/alice is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::$BUCKET/denied.bin\" with an explicit deny in a VPC endpoint policy"
grep -q "CreateMultipartUpload operation" <<<"$out" || fail "denied at CreateMultipartUpload: $out"
eq "$(a s3api list-multipart-uploads --bucket "$BUCKET" --query 'length(Uploads || `[]`)' --output text)" 0 \
	"nothing begun"

# s3:AbortMultipartUpload is its own action: denying PutObject does not stop it, denying it does.
ec2 modify-vpc-endpoint --vpc-endpoint-id "$G" --reset-policy >/dev/null
id=$(a s3api create-multipart-upload --bucket "$BUCKET" --key left.bin --query UploadId --output text)
sed 's/s3:PutObject/s3:AbortMultipartUpload/' "$TMP/ep.json" >"$TMP/ep2.json"
ec2 modify-vpc-endpoint --vpc-endpoint-id "$G" --policy-document "file://$TMP/ep2.json" >/dev/null
denied "$(a s3api abort-multipart-upload --bucket "$BUCKET" --key left.bin --upload-id "$id")" \
	"perform: s3:AbortMultipartUpload on resource: \"arn:aws:s3:::$BUCKET/left.bin\" with an explicit deny in a VPC endpoint policy"
ec2 modify-vpc-endpoint --vpc-endpoint-id "$G" --policy-document "file://$TMP/ep.json" >/dev/null
a s3api abort-multipart-upload --bucket "$BUCKET" --key left.bin --upload-id "$id" >/dev/null ||
	fail "abort while s3:PutObject is denied: $(a s3api abort-multipart-upload --bucket "$BUCKET" --key left.bin --upload-id "$id")"
eq "$(a s3api list-multipart-uploads --bucket "$BUCKET" --query 'length(Uploads || `[]`)' --output text)" 0 \
	"aborted"
ec2 modify-vpc-endpoint --vpc-endpoint-id "$G" --reset-policy >/dev/null

stop_vpced
"$VPCED" --teardown --prefix "$P" >/dev/null || fail "teardown failed"
ip netns list | grep -q "^$P" && fail "left after teardown: $(ip netns list | grep "^$P")"
echo "ok"
