#!/usr/bin/env bash
# The README's demo command (`npm run demo`): sets up what a fresh machine lacks (pinned toolchain from npm,
# Debian packages, the kube-apiserver build, cached), then runs scripts/demo.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/deno/deno ] || [ ! -f node_modules/.package-lock.json ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing the pinned toolchain from npm (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi
if [ -z "${KUBEWEB_DEMO_KUBECONFIG:-}" ]; then
  bash tests/cluster/build_apiserver.sh >/dev/null
fi
exec node_modules/deno/deno run -A scripts/demo.ts "$@"
