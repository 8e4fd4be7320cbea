#!/bin/bash
# The VPC resolver against Unbound (Debian's), asked the same generated
# questions: Unbound serves, from local data, what AWS's resolver holds for
# the VPC (instance names, the endpoint's private and own names, public
# names); both run in the VPC's namespace and are asked by dig from an
# instance. Answers must agree in status, flags, records and authority;
# the intended differences are left out of the comparison: TTLs and the
# SOA's fields (vpce's are its own), and the AA flag for names outside the
# VPC's own zones (AWS answers those by recursion, without AA; Unbound holds
# them as local data, with AA).
# Needs root, nft, dig and unbound; exits 77 without them.
. "$(dirname "$0")/dataplane.sh"
command -v dig >/dev/null || { echo "needs dig (make deps)"; exit 77; }
command -v unbound >/dev/null || { echo "needs unbound (make deps)"; exit 77; }
start_vpced
UNBOUND_PID=
trap '[ -n "$UNBOUND_PID" ] && kill "$UNBOUND_PID" 2>/dev/null; dataplane_cleanup' EXIT

two_subnets
ec2 modify-vpc-attribute --vpc-id "$VPC" --enable-dns-hostnames >/dev/null
EP=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.us-east-1.sqs --subnet-ids "$S1" "$S2" \
	--query VpcEndpoint.VpcEndpointId --output text)
eps=$(ec2 describe-vpc-endpoints --vpc-endpoint-ids "$EP")
ENIS=$(jq -r '.VpcEndpoints[0].NetworkInterfaceIds[]' <<<"$eps")
# shellcheck disable=SC2086
enis=$(ec2 describe-network-interfaces --network-interface-ids $ENIS)

# What AWS's resolver holds for this VPC, as Unbound's local data.
echo "$eps" >"$TMP/eps.json"
echo "$enis" >"$TMP/enis.json"
python3 - "$TMP/unbound.conf" "$TMP/eps.json" "$TMP/enis.json" <<PY
import json, sys
eps = json.load(open(sys.argv[2]))["VpcEndpoints"][0]
enis = {e["SubnetId"]: e["PrivateIpAddress"] for e in json.load(open(sys.argv[3]))["NetworkInterfaces"]}
zone_a = {"$S1": "us-east-1a", "$S2": "us-east-1b"}
data = ["ip-10-0-1-10.ec2.internal. A 10.0.1.10", "ip-10-0-2-10.ec2.internal. A 10.0.2.10"]
for ip in enis.values():
    data.append("sqs.us-east-1.amazonaws.com. A " + ip)
for d in eps["DnsEntries"]:
    name = d["DnsName"]
    if not name.startswith("vpce-"):
        continue
    for sub, az in zone_a.items():
        if name.split(".")[0].endswith(az):
            data.append(name + ". A " + enis[sub])
            break
    else:
        data.extend(name + ". A " + ip for ip in enis.values())
# The catalogue's public addresses (docs/addressing.md): /28 number s, plus one.
for s, svc in [(0, "s3"), (1, "dynamodb"), (2, "sts"), (5, "kms")]:
    data.append("%s.us-east-1.amazonaws.com. A 198.18.0.%d" % (svc, 16 * s + 1))
conf = ["server:", "  interface: 127.0.0.1@5300", "  do-daemonize: no", "  chroot: \"\"",
        "  username: \"\"", "  pidfile: \"\"", "  use-syslog: no", "  access-control: 0.0.0.0/0 allow",
        "  module-config: \"iterator\"", "  num-threads: 1", "  edns-buffer-size: 1232",
        "  do-not-query-localhost: no", "  so-reuseport: no"]
for z in ["ec2.internal.", "vpce.amazonaws.com.", "amazonaws.com.", "."]:
    conf.append('  local-zone: "%s" static' % z)
    conf.append('  local-data: "%s 60 IN SOA ns.%s hostmaster.%s 1 7200 900 1209600 86400"' %
                (z, z.lstrip(".") or "vpce.internal.", z.lstrip(".") or "vpce.internal."))
conf += ['  local-data: "%s"' % d.replace(". A ", ". 60 IN A ") for d in data]
open(sys.argv[1], "w").write("\n".join(conf) + "\n")
PY
ip netns exec "$P$VPC" ip link set lo up
ip netns exec "$P$VPC" unbound -c "$TMP/unbound.conf" >"$TMP/unbound.log" 2>&1 &
UNBOUND_PID=$!
for _ in $(seq 50); do
	ip netns exec "$P$VPC" dig +time=1 +tries=1 -p 5300 @127.0.0.1 ip-10-0-1-10.ec2.internal \
		>/dev/null 2>&1 && break
	sleep 0.1
done

# The generated questions: every name above and some that do not exist, in both
# cases, with a final dot or not, of several types, over UDP and TCP, with and
# without EDNS0.
names=(ip-10-0-1-10.ec2.internal IP-10-0-2-10.EC2.Internal. ip-10-0-9-9.ec2.internal
	nothing.ec2.internal sqs.us-east-1.amazonaws.com SQS.us-east-1.amazonaws.com.
	s3.us-east-1.amazonaws.com sts.us-east-1.amazonaws.com kms.us-east-1.amazonaws.com
	dynamodb.us-east-1.amazonaws.com nosuchservice.us-east-1.amazonaws.com example.com
	ec2.internal amazonaws.com)
while read -r n; do names+=("$n"); done < <(jq -r '.VpcEndpoints[0].DnsEntries[].DnsName' <<<"$eps" |
	grep '^vpce-')
# normalize DIG-OUTPUT: status, flags, answer records (no TTL), authority types.
normalize() {
	python3 -c '
import re, sys
t = sys.stdin.read()
status = re.search(r"status: (\w+)", t)
flags = re.search(r"flags: ([a-z ]+);", t)
sec, ans, auth = None, [], []
for line in t.splitlines():
    if line.startswith(";; ANSWER SECTION"): sec = ans; continue
    if line.startswith(";; AUTHORITY SECTION"): sec = auth; continue
    if line.startswith(";;") or not line.strip(): sec = None if line.startswith(";; ") else sec; continue
    if sec is not None and not line.startswith(";"):
        f = line.split()
        sec.append(" ".join([f[0].lower()] + f[2:4] + ([f[4].lower()] if f[3] != "SOA" else [])))
print(status.group(1) if status else "none", " ".join(sorted((flags.group(1) if flags else "").split())),
      "|", " ; ".join(sorted(ans)), "|", " ; ".join(sorted(auth)))'
}
checked=0
for n in "${names[@]}"; do
	for t in A AAAA TXT MX; do
		for opts in "+notcp +noedns" "+tcp +noedns" "+notcp +edns=0 +bufsize=1232"; do
			# shellcheck disable=SC2086
			ours=$("$VPCE" exec --state "$STATE" --prefix "$P" "$A" -- dig +time=2 +tries=1 $opts "$n" "$t" |
				normalize)
			# shellcheck disable=SC2086
			theirs=$(ip netns exec "$P$VPC" dig +time=2 +tries=1 -p 5300 @127.0.0.1 $opts "$n" "$t" |
				normalize)
			case $n in *.internal|*.internal.|*.Internal.) ;; *)
				ours=${ours/ aa / }
				theirs=${theirs/ aa / } ;;
			esac
			[ "$ours" = "$theirs" ] ||
				fail "$n $t $opts: vpce '$ours', unbound '$theirs' ($(tail -3 "$TMP/unbound.log"))"
			checked=$((checked + 1))
		done
	done
done
echo "$checked questions, the same answers"
echo "ok"
