#!/bin/bash
# The public policy corpus (tests/cases/policy/*.case) through
# `vpce policy eval --jsonl` and `vpce policy validate`, as a user runs them.
# No daemon: the policy engine is pure.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build} /usr/bin/python3 tests/policy/run_cases.py
