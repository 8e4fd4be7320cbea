#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Kills vpced with SIGKILL at random moments during a stream of writes, then
checks that every acknowledged write survived and nothing is half-made.

usage: crash.py VPCED STATE_FILE ROUNDS SEED
"""
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

import boto3
import botocore.config
import botocore.exceptions

VPCED, STATE, ROUNDS, SEED = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(SEED)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start():
    port = free_port()
    proc = subprocess.Popen([VPCED, "--listen", f"127.0.0.1:{port}", "--state", STATE, "--no-dataplane"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            break
        except OSError:
            if proc.poll() is not None:
                sys.exit("vpced exited: " + proc.stderr.read().decode())
            time.sleep(0.02)
    cfg = botocore.config.Config(retries={"max_attempts": 0}, connect_timeout=2, read_timeout=5)
    ec2 = boto3.client("ec2", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test", config=cfg)
    return proc, ec2


acked = {}          # id -> kind, for every write that was answered
deleted = set()     # ids whose deletion was answered
deleting = set()    # ids whose deletion was sent: it may or may not have happened
stop = threading.Event()


def writer(ec2):
    """Makes VPCs, subnets, endpoints and tags until the daemon dies."""
    try:
        while not stop.is_set():
            vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
            acked[vpc] = "vpc"
            ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
            subnets = []
            for i, az in enumerate(("us-east-1a", "us-east-1b", "us-east-1c")):
                s = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24",
                                      AvailabilityZone=az)["Subnet"]["SubnetId"]
                acked[s] = "subnet"
                subnets.append(s)
            ep = ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Interface",
                                         ServiceName="com.amazonaws.us-east-1.sqs",
                                         SubnetIds=subnets)["VpcEndpoint"]["VpcEndpointId"]
            acked[ep] = "vpce"
            ec2.create_tags(Resources=[ep], Tags=[{"Key": "round", "Value": "x"}])
            ec2.modify_vpc_endpoint(VpcEndpointId=ep, RemoveSubnetIds=[subnets[2]])
            deleting.add(ep)
            ec2.delete_vpc_endpoints(VpcEndpointIds=[ep])
            deleted.add(ep)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
        pass


def check(ec2):
    vpcs = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]}
    subnets = {s["SubnetId"]: s for s in ec2.describe_subnets()["Subnets"]}
    eps = {e["VpcEndpointId"]: e for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]}
    for rid, kind in acked.items():
        present = {"vpc": vpcs, "subnet": subnets, "vpce": eps}[kind]
        if rid in deleted:
            assert rid not in present, f"acknowledged delete of {rid} lost"
        elif rid in deleting:
            continue
        else:
            assert rid in present, f"acknowledged {kind} {rid} lost"
    # No half-made endpoint: as many ENIs as subnets, each holding an address.
    for ep in eps.values():
        assert len(ep["NetworkInterfaceIds"]) == len(ep["SubnetIds"]), f"half-made {ep}"
        assert len(ep["DnsEntries"]) == 1 + len(ep["SubnetIds"]) + 1, f"dns of {ep}"
    used = {}
    for ep in eps.values():
        for s in ep["SubnetIds"]:
            used[s] = used.get(s, 0) + 1
    for sid, s in subnets.items():
        want = 251 - used.get(sid, 0)
        assert s["AvailableIpAddressCount"] == want, \
            f"{sid}: {s['AvailableIpAddressCount']} free, want {want}: orphaned ENI"
    return len(vpcs), len(eps)


kills = 0
proc = None
try:
    for rnd in range(ROUNDS):
        proc, ec2 = start()
        if rnd:
            check(ec2)
        stop.clear()
        t = threading.Thread(target=writer, args=(ec2,))
        t.start()
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        stop.set()
        t.join()
    proc, ec2 = start()
    nv, ne = check(ec2)
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(timeout=10)
    assert rc == 0, f"vpced exited {rc} on SIGTERM"
finally:
    # Whatever failed, no daemon outlives the test.
    stop.set()
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait()
print(f"{kills} kills, {len(acked)} acknowledged creates, {len(deleted)} deletes, "
      f"{nv} vpcs and {ne} endpoints verified")
