#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every benchmark; 'make bench' calls it: bench/api.sh (vpced against
# moto_server; settings DUR, RUNS, CONNS, SCENARIOS, OUT: see its top) and
# bench/policy/run.sh (the policy engine against iam-simulate; settings at
# its top) and, as root, bench/dataplane/run.sh (reconcile times),
# bench/dataplane/dns.sh (the VPC resolver against Unbound and NSD) and
# bench/dataplane/traffic.sh (TCP across the VPC router against a veth pair
# and a stateful router), and bench/endpoints/tcp.sh (TCP through an
# interface endpoint against kernel forwarding and HAProxy) and
# bench/endpoints/s3.sh (S3 through a gateway endpoint with its policies
# against the same requests straight to the store);
# bench/reach/run.sh (the analyzer at account scale).
# BENCH=api, BENCH=policy, BENCH=dataplane, BENCH=endpoints or BENCH=reach
# runs one.
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
case ${BENCH:-all} in
all|api)
	make --no-print-directory "$B/vpced" "$B/vpce" "$B/bench/api_load"
	B=$B bench/api.sh ;;
esac
case ${BENCH:-all} in
all|policy) B=$B bench/policy/run.sh ;;
esac
case ${BENCH:-all} in
all|reach) B=$B bench/reach/run.sh ;;
esac
case ${BENCH:-all} in
all|dataplane)
	if [ "$(id -u)" = 0 ]; then
		B=$B bench/dataplane/run.sh
		B=$B bench/dataplane/dns.sh
		B=$B bench/dataplane/traffic.sh
	else echo "bench/dataplane: skipped (needs root)"; fi ;;
esac
case ${BENCH:-all} in
all|endpoints)
	if [ "$(id -u)" = 0 ]; then
		B=$B bench/endpoints/tcp.sh
		B=$B bench/endpoints/s3.sh
	else echo "bench/endpoints: skipped (needs root)"; fi ;;
esac
