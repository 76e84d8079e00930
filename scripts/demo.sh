#!/usr/bin/env bash
# The README's demo command (`npm run demo`): sets up what a fresh machine lacks, then runs scripts/demo.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh ${KUBEWEB_DEMO_KUBECONFIG:+--no-cluster}
exec node_modules/deno/deno run -A scripts/demo.ts "$@"
