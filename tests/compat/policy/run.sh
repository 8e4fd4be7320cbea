#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the policy corpus (tests/cases/policy/*.case) through
# @cloud-copilot/iam-simulate, an independent IAM evaluator used only as a
# test oracle (AGPL: installed here by `npm ci` from the pinned lock file,
# git-ignored, never shipped, vendored or linked), and writes
# docs/policy-compat.md. Needs node >= 18 and npm.
#
#   tests/compat/policy/run.sh [CORPUS_DIR] [REPORT]
#
# NO_NPM_CI=1 keeps an existing node_modules instead of reinstalling it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
corpus=${1:-$root/tests/cases/policy}
report=${2:-$root/docs/policy-compat.md}
command -v node >/dev/null && command -v npm >/dev/null ||
	{ echo "tests/compat/policy: node and npm are needed" >&2; exit 1; }
if [ "${NO_NPM_CI:-}" != 1 ] || [ ! -d "$here/node_modules/@cloud-copilot/iam-simulate" ]; then
	(cd "$here" && npm ci --no-audit --no-fund --silent)
fi
node "$here/compat.mjs" "$corpus" "$report"
echo "wrote ${report#$root/}"
