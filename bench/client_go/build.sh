#!/usr/bin/env bash
# Builds the client-go bench (bench/client_go/main.go) against the client-go v0.20 that Debian's
# kubernetes 1.20 source package vendors, in GOPATH mode as tests/cluster/build_apiserver.sh builds
# kube-apiserver, and caches the binary. Prints its path. `deno task bench` runs it when it exists.
#
# Cache: $KUBEWEB_CACHE (default ~/.cache/kubeweb).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${KUBEWEB_CACHE:-$HOME/.cache/kubeweb}
bin="$cache/bin/client-go-bench-v0.20"
if [ -x "$bin" ] && [ "$bin" -nt "$here/main.go" ]; then echo "$bin"; exit 0; fi
log() { printf 'client-go bench build: %s\n' "$*" >&2; }
work="$cache/client-go-build"
mkdir -p "$work" "$cache/bin"
cd "$work"
if [ ! -d src ]; then
  log "downloading Debian's kubernetes source package (apt-get source)"
  apt-get source --download-only kubernetes >/dev/null 2>&1 || {
    log "apt-get source failed; is a deb-src entry for bookworm configured?"; exit 1; }
  dsc=$(ls kubernetes_*.dsc | head -1)
  log "unpacking $dsc"
  dpkg-source --no-check -x "$dsc" src >/dev/null
  rm -rf src/vendor/github.com/modern-go/reflect2
  cp -r /usr/share/gocode/src/github.com/modern-go/reflect2 src/vendor/github.com/modern-go/reflect2
  mkdir -p .go/src/k8s.io
  ln -s "$work/src" .go/src/k8s.io/kubernetes
fi
mkdir -p src/cmd/kubeweb-client-go-bench
cp "$here/main.go" src/cmd/kubeweb-client-go-bench/main.go
cd .go/src/k8s.io/kubernetes
export GOPATH="$work/.go" GO111MODULE=off GOCACHE="$cache/gocache"
log "compiling (client-go v0.20 from the vendor tree)"
go build -o "$bin.tmp" ./cmd/kubeweb-client-go-bench
mv "$bin.tmp" "$bin"
echo "$bin"
