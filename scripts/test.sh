#!/usr/bin/env bash
# The README's test command (`npm test`): sets up what a fresh machine lacks, then runs every unit and
# integration test against a real local cluster (built the first time, then cached).
# Arguments are passed to `deno test` (for example: npm test -- rest/).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/deno/deno ] || [ ! -f node_modules/.package-lock.json ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing the pinned toolchain from npm (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi
if [ -z "${KUBEWEB_TEST_KUBECONFIG:-}" ]; then
  bash tests/cluster/build_apiserver.sh >/dev/null
fi
exec node_modules/deno/deno task test "$@"
