#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The model against the packets (tests/netns/118-agreement.sh runs this).

From SEED, builds a random topology with the aws CLI against vpced (VPCs,
subnets, security groups with random rules, route tables, internet, NAT and
virtual private gateways, interface and gateway endpoints, static routes
over part of a prefix list, middlebox routes), samples flows between what it
made, asks `vpce explain` about each and sends each for real from inside
the source's namespace. Every flow must agree: explain's verdict with what
the packets did, and for names explain's addresses with the client's.

The environment gives SEED, ENDPOINT (the daemon), STATE, P (the namespace
prefix), VPCE (the vpce binary) and TMP. Exit status 1 on a disagreement.
"""
import concurrent.futures as cf
import ipaddress
import json
import os
import random
import subprocess
import sys
import time

ENV = os.environ
SEED = int(ENV["SEED"])
ENDPOINT, STATE, PREFIX, VPCE = ENV["ENDPOINT"], ENV["STATE"], ENV["P"], ENV["VPCE"]
LOG = os.path.join(ENV["TMP"], "vpced.log")
AMI = "ami-0123456789abcdef0"
REGION = "us-east-1"
S3_PL = "pl-63a5400a"
ONPREM_BLOCKS = ["172.16.0.0/12", "192.168.50.0/24"]
TCP_PORTS = [22, 80, 443, 3306, 5000, 5001, 8080]
UDP_PORTS = [123, 500, 5000, 5001, 9999]
PORT_RANGES = [(5000, 5001), (1024, 65535), (0, 65535), (80, 443), (8000, 8999)]
INTERFACE_SERVICES = ["sqs", "sts", "kms"]
TIMEOUT = 1.2			# seconds a probe waits for an answer
SERVER_LIFE = 240		# seconds a server lives, whatever happens to this script

# Inside a namespace: a server on TCP ports (it says "hi") and UDP ports (it echoes).
SERVER = r'''
import select, socket, sys, time
tcp = [int(p) for p in sys.argv[1].split(",") if p]
udp = [int(p) for p in sys.argv[2].split(",") if p]
socks = {}
for p in tcp:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", p))
    s.listen(128)
    socks[s] = "tcp"
for p in udp:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", p))
    socks[s] = "udp"
print("ready", flush=True)
end = time.time() + float(sys.argv[3])
while time.time() < end:
    ready, _, _ = select.select(list(socks), [], [], 0.5)
    for s in ready:
        try:
            if socks[s] == "tcp":
                c, _ = s.accept()
                c.sendall(b"hi")
                c.close()
            else:
                data, peer = s.recvfrom(2048)
                s.sendto(data, peer)
        except OSError:
            pass
'''

# Inside a namespace: one flow, as a client does it (the name through the
# namespace's resolver, then the first address it answered). One JSON line.
PROBE = r'''
import json, re, socket, sys
kind, host, port, t = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
out = {"addrs": None, "used": None, "reached": False, "detail": ""}
def done():
    print(json.dumps(out))
    sys.exit(0)
if re.fullmatch(r"[0-9.]+", host):
    addrs = [host]
else:
    try:
        infos = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM)
    except socket.gaierror as e:
        out["detail"] = "dns: %s" % e
        done()
    addrs = []
    for i in infos:
        if i[4][0] not in addrs:
            addrs.append(i[4][0])
    out["addrs"] = addrs
a = out["used"] = addrs[0]
try:
    if kind == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(t)
        s.sendto(b"ping", (a, port))
        data, _ = s.recvfrom(64)
        out["reached"] = data == b"ping"
        out["detail"] = "echo %r" % data
    else:
        s = socket.create_connection((a, port), timeout=t)
        if kind == "tcp":
            data = s.recv(8)
            out["reached"] = data == b"hi"
            out["detail"] = "answered %r" % data
        elif kind == "http":
            s.sendall(("GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % host).encode())
            s.settimeout(3)
            line = s.recv(200).split(b"\r\n")[0]
            out["reached"] = line.startswith(b"HTTP/1.")
            out["detail"] = line.decode("latin-1")
        else:
            out["reached"] = True
            out["detail"] = "connected"
except socket.timeout:
    out["detail"] = "timed out"
except OSError as e:
    out["detail"] = str(e)
done()
'''


class Fail(Exception):
    pass


def log(msg):
    print(msg, flush=True)


CALLS = []		# the aws CLI calls made, for the report


def ec2(*args):
    """One aws CLI call against the daemon; its JSON answer."""
    cmd = ["/usr/bin/aws", "--endpoint-url", ENDPOINT, "--output", "json", "ec2", *args]
    CALLS.append(" ".join(args))
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise Fail("aws ec2 %s: %s" % (" ".join(args), r.stderr.strip()))
    return json.loads(r.stdout) if r.stdout.strip() else {}


# --- the topology ---

class World:
    def __init__(self):
        self.vpcs = []
        self.instances = []	# dicts: id, ip, public, vpc, subnet
        self.endpoints = []	# interface endpoints: id, service, vpc, enis [(ip, az)], names
        self.vgw = None		# id, vpc, blocks
        self.gateway = {}	# (vpc id, service) -> its route table ids


def rand_ports(rng, proto):
    if rng.random() < 0.5:
        p = rng.choice(TCP_PORTS if proto == "tcp" else UDP_PORTS)
        return p, p
    return rng.choice(PORT_RANGES)


def rand_permission(rng, vpc, egress, other_cidrs):
    """A permission with one or two peers: CIDRs (half of them broad), groups, S3's prefix list."""
    proto = rng.choice(["tcp"] * 3 + ["udp"] * 2 + ["icmp"] + ["-1"] * 2)
    perm = {"IpProtocol": proto}
    if proto in ("tcp", "udp"):
        perm["FromPort"], perm["ToPort"] = rand_ports(rng, proto)
    elif proto == "icmp":
        perm["FromPort"], perm["ToPort"] = rng.choice([(-1, -1), (8, 0), (0, -1)])
    narrow = ONPREM_BLOCKS + other_cidrs
    for s in vpc["subnets"]:
        net = ipaddress.ip_network(s["cidr"])
        narrow += [s["cidr"], str(list(net.subnets(1))[rng.randint(0, 1)])]
    for _ in range(rng.choice([1, 1, 2])):
        peer = rng.choice(["cidr"] * 6 + ["group"] * 3 + (["pl"] if egress else []))
        if peer == "group":
            pairs = perm.setdefault("UserIdGroupPairs", [])
            g = rng.choice(vpc["groups"])
            if {"GroupId": g} not in pairs:
                pairs.append({"GroupId": g})
        elif peer == "pl":
            perm["PrefixListIds"] = [{"PrefixListId": S3_PL}]
        else:
            ranges = perm.setdefault("IpRanges", [])
            c = rng.choice(["0.0.0.0/0", vpc["cidr"]]) if rng.random() < 0.5 else rng.choice(narrow)
            if {"CidrIp": c} not in ranges:
                ranges.append({"CidrIp": c})
    return perm


def endpoint_permission(rng, vpc):
    """A rule an endpoint's group would have: HTTPS or HTTP from somewhere near."""
    port = rng.choice([443, 443, 80])
    cidr = rng.choice([vpc["cidr"], rng.choice(vpc["subnets"])["cidr"], "0.0.0.0/0"] + ONPREM_BLOCKS)
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}


def single_peers(perm):
    """The permission as one permission per peer: EC2 finds duplicates peer by peer."""
    base = {k: v for k, v in perm.items() if k not in ("IpRanges", "UserIdGroupPairs", "PrefixListIds")}
    for field in ("IpRanges", "UserIdGroupPairs", "PrefixListIds"):
        for peer in perm.get(field, []):
            yield dict(base, **{field: [peer]})


def authorize(direction, group, perms, have, vpc):
    """Authorizes the permissions 'have' (what the group holds) lacks: EC2 refuses duplicates."""
    if direction == "ingress":
        vpc["ingress"].setdefault(group, []).extend(perms)
    fresh = []
    for perm in (one for p in perms for one in single_peers(p)):
        key = (direction, group, json.dumps(perm, sort_keys=True))
        if key not in have:
            have.add(key)
            fresh.append(perm)
    if fresh:
        ec2("authorize-security-group-" + direction, "--group-id", group, "--ip-permissions", json.dumps(fresh))


def mapped_public(vpc):
    """Whether an interface of the VPC has a public address: EC2 then refuses to detach its gateway."""
    enis = ec2("describe-network-interfaces", "--filters", "Name=vpc-id,Values=" + vpc["id"])
    return any(e.get("Association", {}).get("PublicIp") for e in enis["NetworkInterfaces"])


def make_groups(rng, vpc, other_cidrs):
    vpc["default_sg"] = ec2("describe-security-groups", "--filters", "Name=vpc-id,Values=" + vpc["id"],
                            "Name=group-name,Values=default")["SecurityGroups"][0]["GroupId"]
    vpc["groups"] = [vpc["default_sg"]]
    vpc["ingress"] = {}
    for k in range(rng.randint(1, 3)):
        vpc["groups"].append(ec2("create-security-group", "--vpc-id", vpc["id"], "--group-name", "g%d" % k,
                                 "--description", "random")["GroupId"])
    everything = {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    have = vpc["have"] = {("ingress", vpc["default_sg"], json.dumps(
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": vpc["default_sg"]}]}, sort_keys=True))}
    for g in vpc["groups"]:
        custom = g != vpc["default_sg"]
        ingress = [rand_permission(rng, vpc, False, other_cidrs)
                   for _ in range(rng.randint(2, 4) if custom else rng.randint(0, 1))]
        if custom and rng.random() < 0.4:
            ingress.append(endpoint_permission(rng, vpc))
        authorize("ingress", g, ingress, have, vpc)
        if custom and rng.random() < 0.35:
            ec2("revoke-security-group-egress", "--group-id", g, "--ip-permissions", json.dumps([everything]))
            authorize("egress", g, [rand_permission(rng, vpc, True, other_cidrs)
                                    for _ in range(rng.randint(0, 3))], have, vpc)


def make_vpc(rng, w, v):
    # Sometimes a small second VPC whose one subnet is its whole block.
    whole = v == 1 and rng.random() < 0.2
    cidr = "10.%d.0.0/%d" % (v, 24 if whole else 16)
    vpc = {"cidr": cidr, "subnets": [], "tables": []}
    vpc["id"] = ec2("create-vpc", "--cidr-block", cidr)["Vpc"]["VpcId"]
    vpc["hostnames"] = rng.random() < 0.8
    vpc["dns"] = rng.random() < 0.9
    if vpc["hostnames"]:
        ec2("modify-vpc-attribute", "--vpc-id", vpc["id"], "--enable-dns-hostnames")
    if not vpc["dns"]:
        ec2("modify-vpc-attribute", "--vpc-id", vpc["id"], "--no-enable-dns-support")
    n = 1 if whole else rng.randint(2, 4) if v == 0 else rng.randint(1, 3)
    for k, az in enumerate(rng.sample("abcdef", n)):
        sc = cidr if whole else "10.%d.%d.0/24" % (v, k + 1)
        sid = ec2("create-subnet", "--vpc-id", vpc["id"], "--cidr-block", sc,
                  "--availability-zone", REGION + az)["Subnet"]["SubnetId"]
        vpc["subnets"].append({"id": sid, "cidr": sc, "az": REGION + az})
    w.vpcs.append(vpc)
    return vpc


def make_instances(rng, w, vpc):
    mine = []
    for s in vpc["subnets"]:
        for j in range(rng.choice([0, 1, 1, 2])):
            mine.append((s, "%s.%d" % (s["cidr"].rsplit(".", 1)[0], 10 + j)))
    while len(mine) < 2:
        s = vpc["subnets"][len(mine) % len(vpc["subnets"])]
        ip = "%s.%d" % (s["cidr"].rsplit(".", 1)[0], 20 + len(mine))
        mine.append((s, ip))
    for s, ip in mine:
        groups = rng.sample(vpc["groups"], rng.choice([1, 1, 2]) if len(vpc["groups"]) > 1 else 1)
        args = ["run-instances", "--image-id", AMI, "--subnet-id", s["id"], "--private-ip-address", ip,
                "--security-group-ids", *groups]
        if rng.random() < 0.5:
            args.append("--associate-public-ip-address")
        iid = ec2(*args)["Instances"][0]["InstanceId"]
        w.instances.append({"id": iid, "ip": ip, "public": None, "vpc": vpc, "subnet": s,
                            "groups": groups})


def make_routing(rng, w, vpc):
    vpc["main"] = ec2("describe-route-tables", "--filters", "Name=vpc-id,Values=" + vpc["id"],
                      "Name=association.main,Values=true")["RouteTables"][0]["RouteTableId"]
    vpc["tables"] = [vpc["main"]]
    for _ in range(rng.randint(0, 2)):
        vpc["tables"].append(ec2("create-route-table", "--vpc-id", vpc["id"])["RouteTable"]["RouteTableId"])
    for s in vpc["subnets"]:
        t = rng.choice(vpc["tables"])
        if t != vpc["main"]:
            ec2("associate-route-table", "--route-table-id", t, "--subnet-id", s["id"])
    vpc["igw"] = vpc["nat"] = None
    default = set()
    if rng.random() < 0.6:
        vpc["igw"] = ec2("create-internet-gateway")["InternetGateway"]["InternetGatewayId"]
        ec2("attach-internet-gateway", "--internet-gateway-id", vpc["igw"], "--vpc-id", vpc["id"])
        for t in vpc["tables"]:
            if rng.random() < 0.7:
                ec2("create-route", "--route-table-id", t, "--destination-cidr-block", "0.0.0.0/0",
                    "--gateway-id", vpc["igw"])
                default.add(t)
    if vpc["igw"] and rng.random() < 0.5:
        alloc = ec2("allocate-address", "--domain", "vpc")["AllocationId"]
        s = rng.choice(vpc["subnets"])
        vpc["nat"] = ec2("create-nat-gateway", "--subnet-id", s["id"],
                         "--allocation-id", alloc)["NatGateway"]["NatGatewayId"]
        for t in vpc["tables"]:
            if t not in default and rng.random() < 0.6:
                ec2("create-route", "--route-table-id", t, "--destination-cidr-block", "0.0.0.0/0",
                    "--nat-gateway-id", vpc["nat"])


def make_vgw(rng, w, vpc):
    vgw = ec2("create-vpn-gateway", "--type", "ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2("attach-vpn-gateway", "--vpn-gateway-id", vgw, "--vpc-id", vpc["id"])
    blocks = ONPREM_BLOCKS[:rng.randint(1, 2)]
    routed = set()
    for t in vpc["tables"]:
        for b in blocks:
            if rng.random() < 0.75:
                ec2("create-route", "--route-table-id", t, "--destination-cidr-block", b, "--gateway-id", vgw)
                routed.add(b)
    if not routed:
        ec2("create-route", "--route-table-id", vpc["main"], "--destination-cidr-block", blocks[0],
            "--gateway-id", vgw)
        routed.add(blocks[0])
    w.vgw = {"id": vgw, "vpc": vpc, "blocks": sorted(routed)}
    # A group that lets on premises in, most of the time.
    if rng.random() < 0.7:
        perm = {"IpProtocol": rng.choice(["-1", "tcp", "udp"]), "IpRanges": [{"CidrIp": rng.choice(blocks)}]}
        if perm["IpProtocol"] != "-1":
            perm["FromPort"], perm["ToPort"] = 0, 65535
        authorize("ingress", rng.choice(vpc["groups"]), [perm], vpc["have"], vpc)


def make_endpoints(rng, w, vpc):
    zones = {s["id"]: s["az"] for s in vpc["subnets"]}
    for svc in rng.sample(INTERFACE_SERVICES, rng.choice([0, 1, 1, 2])):
        subnets = rng.sample(vpc["subnets"], rng.randint(1, len(vpc["subnets"])))
        args = ["create-vpc-endpoint", "--vpc-id", vpc["id"], "--vpc-endpoint-type", "Interface",
                "--service-name", "com.amazonaws.%s.%s" % (REGION, svc),
                "--subnet-ids", *[s["id"] for s in subnets]]
        if rng.random() < 0.7:
            args += ["--security-group-ids", *rng.sample(vpc["groups"], rng.randint(1, min(2, len(vpc["groups"]))))]
        private = vpc["dns"] and vpc["hostnames"] and rng.random() < 0.7
        args.append("--private-dns-enabled" if private else "--no-private-dns-enabled")
        ep = ec2(*args)["VpcEndpoint"]
        enis = ec2("describe-network-interfaces", "--network-interface-ids",
                   *ep["NetworkInterfaceIds"])["NetworkInterfaces"]
        w.endpoints.append({"id": ep["VpcEndpointId"], "service": svc, "vpc": vpc, "private": private,
                            "enis": [(e["PrivateIpAddress"], zones[e["SubnetId"]]) for e in enis],
                            "names": [d["DnsName"] for d in ep["DnsEntries"]]})
    for svc, p in (("s3", 0.6), ("dynamodb", 0.2)):
        if rng.random() >= p:
            continue
        tables = rng.sample(vpc["tables"], rng.randint(1, len(vpc["tables"])))
        ec2("create-vpc-endpoint", "--vpc-id", vpc["id"], "--service-name", "com.amazonaws.%s.%s" % (REGION, svc),
            "--route-table-ids", *tables)
        w.gateway[(vpc["id"], svc)] = tables


def make_overrides(rng, w, vpc):
    """Static routes over part of S3's prefix list, and middlebox routes."""
    s3_tables = w.gateway.get((vpc["id"], "s3"), [])
    mine = [i for i in w.instances if i["vpc"] is vpc]
    if s3_tables and rng.random() < 0.4:
        targets = [("--gateway-id", vpc["igw"])] if vpc["igw"] else []
        targets += [("--nat-gateway-id", vpc["nat"])] if vpc["nat"] else []
        targets += [("--instance-id", rng.choice(mine)["id"])]
        opt, target = rng.choice(targets)
        dest = rng.choice(["198.18.0.0/30", "198.18.0.0/29", "198.18.0.8/29", "198.18.0.0/28"])
        ec2("create-route", "--route-table-id", rng.choice(s3_tables), "--destination-cidr-block", dest,
            opt, target)
    blocks = [s["cidr"] for s in vpc["subnets"] if s["cidr"] != vpc["cidr"]]
    if blocks and rng.random() < 0.2:
        # AWS's more specific routes: a subnet's block to a middlebox instance.
        ec2("create-route", "--route-table-id", rng.choice(vpc["tables"]), "--destination-cidr-block",
            rng.choice(blocks), "--instance-id", rng.choice(mine)["id"])
    if vpc["nat"] and rng.random() < 0.15:
        ec2("delete-nat-gateway", "--nat-gateway-id", vpc["nat"])	# its routes: blackholes
    if vpc["igw"] and rng.random() < 0.1 and not mapped_public(vpc):
        ec2("detach-internet-gateway", "--internet-gateway-id", vpc["igw"], "--vpc-id", vpc["id"])


def build(rng):
    w = World()
    for v in range(2 if rng.random() < 0.35 else 1):
        make_vpc(rng, w, v)
    for vpc in w.vpcs:
        others = [o["cidr"] for o in w.vpcs if o is not vpc]
        make_groups(rng, vpc, others)
        make_instances(rng, w, vpc)
        make_routing(rng, w, vpc)
    if rng.random() < 0.6:
        make_vgw(rng, w, rng.choice(w.vpcs))
    for vpc in w.vpcs:
        make_endpoints(rng, w, vpc)
        make_overrides(rng, w, vpc)
    ids = [i["id"] for i in w.instances]
    for r in ec2("describe-instances", "--instance-ids", *ids)["Reservations"]:
        for x in r["Instances"]:
            for i in w.instances:
                if i["id"] == x["InstanceId"]:
                    i["public"] = x.get("PublicIpAddress")
                    if x["PrivateIpAddress"] != i["ip"]:
                        raise Fail("%s has %s, not %s" % (i["id"], x["PrivateIpAddress"], i["ip"]))
    return w


def wait_applied():
    """Until the daemon has applied the last change: its log quiet, the last word an apply."""
    deadline = time.time() + 20
    time.sleep(1.2)
    last, quiet = None, 0
    while time.time() < deadline:
        with open(LOG) as f:
            lines = [x for x in f if "data plane" in x]
        if lines and lines == last and "applied" in lines[-1]:
            quiet += 1
            if quiet >= 4:
                return
        else:
            quiet = 0
        last = lines
        time.sleep(0.25)
    raise Fail("the data plane did not settle: %s" % (last[-1] if last else "no apply"))


# --- the flows ---

def onprem_host(w):
    """The address the on-premises hosts send from, as the data plane made it."""
    out = subprocess.run(["ip", "-n", PREFIX + w.vgw["id"], "-4", "-o", "addr", "show", "dev", "lo"],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        ip = line.split()[3].split("/")[0]
        if ip != "127.0.0.1":
            return ip
    return "169.254.0.6"


def pick_port(rng, proto, b):
    """A port for a flow to instance 'b': half the time one its groups admit."""
    pool = TCP_PORTS if proto == "tcp" else UDP_PORTS
    perms = [p for g in b["groups"] for p in b["vpc"]["ingress"].get(g, [])
             if p["IpProtocol"] in (proto, "-1")]
    if perms and rng.random() < 0.5:
        p = rng.choice(perms)
        if p["IpProtocol"] == "-1":
            return rng.choice(pool)
        inside = [x for x in pool if p["FromPort"] <= x <= p["ToPort"]]
        return rng.choice(inside) if inside else max(p["FromPort"], 1)
    return rng.choice(pool)


def sample_flows(rng, w, n):
    """
    Flows as dicts: src (the namespace's ID), frm (explain's --from), to,
    port, proto, kind (what the probe does) and server (who must listen).
    Only TCP and UDP: explain answers for those (the groups' ICMP rules are
    made all the same, and must change no verdict).
    """
    insts = w.instances
    kinds = [("inst_tcp", 30), ("inst_udp", 12), ("inst_name", 5), ("inst_public", 6),
             ("ep_addr", 14), ("ep_name", 12), ("service", 14), ("onprem_out", 5), ("onprem_in", 14)]
    flows, seen = [], set()
    tries = 0
    while len(flows) < n and tries < 20 * n:
        tries += 1
        kind = rng.choices([k for k, _ in kinds], [x for _, x in kinds])[0]
        a = rng.choice(insts)
        f = {"src": a["id"], "frm": a["id"], "proto": "tcp", "sort": kind}
        if kind in ("inst_tcp", "inst_udp"):
            b = rng.choice([i for i in insts if i is not a])
            udp = kind == "inst_udp"
            f.update(to=b["ip"], port=pick_port(rng, "udp" if udp else "tcp", b), kind="udp" if udp else "tcp",
                     proto="udp" if udp else "tcp", server=b["id"])
        elif kind == "inst_name":
            b = rng.choice([i for i in insts if i is not a and i["vpc"] is a["vpc"]] or [None])
            if not b:
                continue
            f.update(to="ip-%s.ec2.internal" % b["ip"].replace(".", "-"), port=pick_port(rng, "tcp", b),
                     kind="tcp", server=b["id"])
        elif kind == "inst_public":
            pub = [i for i in insts if i is not a and i["public"]]
            if not pub:
                continue
            # Mostly from another public address: the only senders the
            # internet gateway translates (or a NAT gateway's, below them).
            senders = [i for i in insts if i["public"] and i is not pub[0]]
            if senders and rng.random() < 0.7:
                a = rng.choice(senders)
                f.update(src=a["id"], frm=a["id"])
                pub = [i for i in pub if i is not a] or pub
            b = rng.choice(pub)
            f.update(to=b["public"], port=pick_port(rng, "tcp", b), kind="tcp", server=b["id"])
        elif kind == "ep_addr":
            if not w.endpoints:
                continue
            ep = rng.choice([e for e in w.endpoints if e["vpc"] is a["vpc"]] or w.endpoints)
            port = rng.choice([443, 443, 80, 80, 8080, 22])
            udp = rng.random() < 0.15
            f.update(to=rng.choice(ep["enis"])[0], port=port, proto="udp" if udp else "tcp",
                     kind="udp" if udp else "http" if port == 80 else "connect")
        elif kind == "ep_name":
            eps = [e for e in w.endpoints if e["vpc"] is a["vpc"]]
            if not eps:
                continue
            ep = rng.choice(eps)
            name = rng.choice(["%s.%s.amazonaws.com" % (ep["service"], REGION)] + ep["names"])
            port = rng.choice([443, 80])
            f.update(to=name, port=port, kind="http" if port == 80 else "connect")
        elif kind == "service":
            to = rng.choice(["s3.%s.amazonaws.com" % REGION, "s3.%s.amazonaws.com" % REGION,
                             "reports-%d.s3.%s.amazonaws.com" % (rng.randint(1, 99), REGION),
                             "198.18.0.9", "198.18.0.14", "s3.eu-west-1.amazonaws.com",
                             "dynamodb.%s.amazonaws.com" % REGION, "sqs.%s.amazonaws.com" % REGION])
            port = rng.choice([80, 80, 443])
            f.update(to=to, port=port, kind="http" if port == 80 else "connect")
        elif kind == "onprem_out":
            if not w.vgw:
                continue
            net = ipaddress.ip_network(rng.choice(w.vgw["blocks"]))
            f.update(to=str(net[rng.randint(2, min(net.num_addresses - 2, 4000))]), port=rng.choice(TCP_PORTS),
                     kind="tcp", server=w.vgw["id"])
        elif kind == "onprem_in":
            if not w.vgw:
                continue
            vpc = w.vgw["vpc"]
            f.update(src=w.vgw["id"], frm=w.vgw["host"])
            what = rng.choice(["inst", "inst", "udp", "ep", "ep_name", "s3"])
            mine = [i for i in insts if i["vpc"] is vpc]
            eps = [e for e in w.endpoints if e["vpc"] is vpc]
            if what in ("inst", "udp"):
                b = rng.choice(mine)
                udp = what == "udp"
                f.update(to=b["ip"], port=pick_port(rng, "udp" if udp else "tcp", b), server=b["id"],
                         kind="udp" if udp else "tcp", proto="udp" if udp else "tcp")
            elif what in ("ep", "ep_name") and eps:
                ep = rng.choice(eps)
                port = rng.choice([443, 80])
                # (Its endpoint's names, not the private DNS name: on premises
                # that is the service's public name; see "s3" below.)
                names = [x for x in ep["names"] if x.startswith("vpce-")]
                to = rng.choice(ep["enis"])[0] if what == "ep" else rng.choice(names)
                f.update(to=to, port=port, kind="http" if port == 80 else "connect")
            elif what == "s3" and (vpc["id"], "s3") in w.gateway:
                # Without a gateway endpoint explain sends on premises to S3 over
                # its own internet connection, which the emulation does not
                # have (no namespace stands for it): only the question "through
                # the VPC's gateway endpoint" is asked of both.
                f.update(to="s3.%s.amazonaws.com" % REGION, port=80, kind="http")
            else:
                continue
        key = (f["src"], f["to"], f["port"], f["proto"])
        if key in seen:
            continue
        seen.add(key)
        f["desc"] = "%s (%s) -> %s %s/%d" % (f["src"], f["frm"], f["to"], f["proto"], f["port"])
        flows.append(f)
    return flows


# --- explain and the packets ---

def explain(frm, to, port, proto, daemon=False):
    cmd = [VPCE, "explain", "--from", frm, "--to", to, "--port", str(port), "--protocol", proto,
           "--output", "json"]
    env = dict(ENV)
    if daemon:
        env["VPCE_STATE"] = STATE
    else:
        cmd[2:2] = ["--state", STATE]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise Fail("vpce explain --from %s --to %s --port %d --protocol %s: exit %d: %s"
                   % (frm, to, port, proto, r.returncode, r.stderr.strip()))
    return json.loads(r.stdout)


def probe(f, timeout=TIMEOUT):
    cmd = [VPCE, "exec", "--state", STATE, "--prefix", PREFIX, f["src"], "--", "env",
           "RES_OPTIONS=timeout:1 attempts:1", "python3", "-c", PROBE, f["kind"], f["to"],
           str(f["port"]), str(timeout)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        raise Fail("probe %s: exit %d: %s" % (f["desc"], r.returncode, r.stderr.strip()))
    return json.loads(r.stdout)


def start_servers(flows):
    """One server per namespace that some flow goes to, on every port flows use there."""
    want = {}
    for f in flows:
        if "server" in f:
            tcp, udp = want.setdefault(f["server"], (set(), set()))
            (udp if f["proto"] == "udp" else tcp).add(f["port"])
    procs = []
    for ident, (tcp, udp) in want.items():
        p = subprocess.Popen(["ip", "netns", "exec", PREFIX + ident, "python3", "-c", SERVER,
                              ",".join(map(str, sorted(tcp))), ",".join(map(str, sorted(udp))),
                              str(SERVER_LIFE)], stdout=subprocess.PIPE, text=True)
        procs.append((ident, p))
    for ident, p in procs:
        if p.stdout.readline().strip() != "ready":
            raise Fail("the server in %s did not start" % ident)
    return [p for _, p in procs]


def expected(ex, per_addr, got):
    """
    What the packets should do: explain's verdict, or for a name whose
    addresses explain judges differently, its verdict for the address the
    client took.
    """
    if per_addr and len(set(per_addr.values())) > 1 and got["used"] in per_addr:
        return per_addr[got["used"]] == "reachable", "by address"
    return ex["verdict"] == "reachable", "checked"


def check(f, ex, got, per_addr):
    """The disagreements of one flow (a list of sentences), and how it was judged."""
    bad = []
    res = ex.get("resolved") or {}
    if got["addrs"] is not None and res.get("answer") not in (None, "nxdomain", "no-resolver"):
        if sorted(got["addrs"]) != sorted(res.get("addresses") or []):
            bad.append("the client resolved %s, explain %s" % (got["addrs"], res.get("addresses")))
    want, how = expected(ex, per_addr, got)
    if want != got["reached"]:
        if how != "checked":
            where = " for %s, the address the client took" % got["used"]
        else:
            where = " at " + ex["blocked_at"] if ex.get("blocked_at") else ""
        bad.append("explain says %s%s, the packets %s (%s)" % (
            "reachable" if want else "blocked", where,
            "reached" if got["reached"] else "did not", got["detail"]))
    return bad, how


def run_flow(f, daemon):
    ex = explain(f["frm"], f["to"], f["port"], f["proto"], daemon)
    per_addr = None
    addrs = (ex.get("resolved") or {}).get("addresses") or []
    # A name with several addresses: a client may use any of them (AWS
    # answers every zone's ENI, in any order, and clients fall back from one
    # to the next), while explain follows the one in the client's own zone,
    # which it cannot know the client takes. Where the addresses' verdicts
    # differ, the packets are held to explain's verdict for the address the
    # client took.
    if ex["resolved"] and ex["resolved"].get("name") and len(addrs) > 1:
        per_addr = {a: explain(f["frm"], a, f["port"], f["proto"])["verdict"] for a in addrs}
    return ex, per_addr


def main():
    rng = random.Random(SEED)
    t0 = time.time()
    w = build(rng)
    log("topology: %d VPCs, %d subnets, %d instances, %d interface endpoints, gateway endpoints %s, vgw %s "
        "(%d API calls, %.1f s)" % (len(w.vpcs), sum(len(v["subnets"]) for v in w.vpcs), len(w.instances),
                                    len(w.endpoints), sorted(s for _, s in w.gateway) or "none",
                                    w.vgw["id"] if w.vgw else "none", len(CALLS), time.time() - t0))
    wait_applied()
    if w.vgw:
        w.vgw["host"] = onprem_host(w)
    flows = sample_flows(rng, w, rng.randint(80, 120))
    daemon = {id(f): rng.random() < 0.2 for f in flows}
    servers = start_servers(flows)
    t1 = time.time()
    try:
        with cf.ThreadPoolExecutor(4) as pool:
            explained = list(pool.map(lambda f: run_flow(f, daemon[id(f)]), flows))
        with cf.ThreadPoolExecutor(12) as pool:
            probed = list(pool.map(probe, flows))
        # A busy machine may lose a first try: what explain calls reachable
        # and did not answer is tried once more, alone and patient.
        for i, (f, (ex, per_addr)) in enumerate(zip(flows, explained)):
            if expected(ex, per_addr, probed[i])[0] and not probed[i]["reached"]:
                probed[i] = probe(f, 4 * TIMEOUT)
    finally:
        for p in servers:
            p.kill()
            p.wait()
    counts, failures = {}, []
    for f, (ex, per_addr), got in zip(flows, explained, probed):
        bad, how = check(f, ex, got, per_addr)
        c = counts.setdefault(f["sort"], [0, 0, 0])
        c[1 if got["reached"] else 2] += 1
        c[0] += how != "checked"
        if bad:
            failures.append((f, ex, got, per_addr, bad))
    log("%d flows in %.1f s: %s" % (len(flows), time.time() - t1, ", ".join(
        "%s %d reached/%d blocked%s" % (k, v[1], v[2], " (%d by address)" % v[0] if v[0] else "")
        for k, v in sorted(counts.items()))))
    stops = {}
    for f, (ex, _) in zip(flows, explained):
        stops[ex.get("blocked_at") or "reachable"] = stops.get(ex.get("blocked_at") or "reachable", 0) + 1
    log("explain's verdicts: %s" % ", ".join("%s %d" % kv for kv in sorted(stops.items())))
    if ENV.get("VERBOSE"):
        for f, (ex, _), got in zip(flows, explained, probed):
            why = [h["detail"] for h in ex["hops"] if h["blocking"]]
            log("  %-11s %s: %s %s | %s" % (f["sort"], f["desc"], ex["verdict"], ex.get("blocked_at") or "",
                                            why[0] if why else got["detail"]))
    for f, ex, got, per_addr, bad in failures:
        log("DISAGREE (SEED=%d) %s: %s" % (SEED, f["desc"], "; ".join(bad)))
        log("  explain: %s" % json.dumps(ex))
        log("  packets: %s" % json.dumps(got))
        if per_addr:
            log("  explain per address: %s" % per_addr)
    if failures:
        show_calls()
        if ENV.get("HOLD"):
            log("holding the namespaces (prefix %s) for %s s" % (PREFIX, ENV["HOLD"]))
            time.sleep(float(ENV["HOLD"]))
        return 1
    return 0


def show_calls():
    log("the API calls that made the topology:")
    for c in CALLS:
        log("  aws ec2 " + c)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Fail as e:
        show_calls()
        print("FAIL (SEED=%d): %s" % (SEED, e), file=sys.stderr)
        sys.exit(1)
