#!/usr/bin/env bash
# What a fresh machine needs before the tests or the demo run: the pinned toolchain from npm and, unless
# an existing cluster is used, the Debian packages and the (cached) control plane build.
# Usage: bash scripts/setup.sh [--no-cluster]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/deno/deno ] || [ ! -f node_modules/.package-lock.json ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing the pinned toolchain from npm (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi
if [ "${1:-}" != "--no-cluster" ]; then
  bash tests/cluster/build_control_plane.sh >/dev/null
fi
