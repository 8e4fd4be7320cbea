#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every benchmark; 'make bench' calls it. Today that is bench/api.sh
# (vpced against moto_server); its settings come from the environment
# (DUR, RUNS, CONNS, SCENARIOS, OUT: see the top of bench/api.sh).
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
make --no-print-directory "$B/vpced" "$B/vpce" "$B/bench/api_load"
B=$B bench/api.sh
