#!/usr/bin/env bash
# The README's test command (`npm test`): sets up what a fresh machine lacks, then runs every unit and
# integration test against a real local cluster (built the first time, then cached).
# Arguments are passed to `deno test` (for example: npm test -- rest/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh ${KUBEWEB_TEST_KUBECONFIG:+--no-cluster}
exec node_modules/deno/deno task test "$@"
