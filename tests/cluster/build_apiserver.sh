#!/usr/bin/env bash
# Builds kube-apiserver v1.20.2 from Debian's `kubernetes` source package, the way Debian builds it
# (GOPATH mode, vendored dependencies), and caches the binary. Prints the cached binary's path.
#
# Cache: $KUBEWEB_CACHE (default ~/.cache/kubeweb). A second run returns the cached binary at once.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${KUBEWEB_CACHE:-$HOME/.cache/kubeweb}
bin="$cache/bin/kube-apiserver-v1.20.2"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

log() { printf 'cluster build: %s\n' "$*" >&2; }
bash "$here/install_deps.sh" >&2

work="$cache/build"
rm -rf "$work"; mkdir -p "$work" "$cache/bin"
cd "$work"
log "downloading Debian's kubernetes source package (apt-get source)"
apt-get source --download-only kubernetes >/dev/null 2>&1 || {
  log "apt-get source failed; is a deb-src entry for bookworm configured?"; exit 1; }
dsc=$(ls kubernetes_*.dsc | head -1)
log "unpacking $dsc"
dpkg-source --no-check -x "$dsc" src >/dev/null
grep -q 'gitVersion.*v1.20' src/debian/rules 2>/dev/null || true
# The vendored reflect2 v1.0.1 makes a Go >= 1.18 build segfault when it serialises maps; use Debian's 1.0.2.
log "replacing vendored reflect2 with Debian's golang-github-modern-go-reflect2-dev"
rm -rf src/vendor/github.com/modern-go/reflect2
cp -r /usr/share/gocode/src/github.com/modern-go/reflect2 src/vendor/github.com/modern-go/reflect2
mkdir -p .go/src/k8s.io
ln -s "$work/src" .go/src/k8s.io/kubernetes
cd .go/src/k8s.io/kubernetes
export GOPATH="$work/.go" GO111MODULE=off GOFLAGS=-mod=vendor GOCACHE="$cache/gocache"
unset GOFLAGS
export KUBE_GIT_VERSION=v1.20.2 KUBE_GIT_TREE_STATE=clean KUBE_GIT_MAJOR=1 KUBE_GIT_MINOR=20
log "compiling kube-apiserver (about 6 minutes on 2 cores; progress below)"
start=$(date +%s)
( while sleep 30; do log "still compiling... $(( $(date +%s) - start ))s"; done ) &
ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT
make WHAT=cmd/kube-apiserver KUBE_VERBOSE=0 >"$work/make.log" 2>&1 || {
  log "make failed; last lines of $work/make.log:"; tail -30 "$work/make.log" >&2; exit 1; }
out=$(find _output -type f -name kube-apiserver -perm -u+x | head -1)
[ -n "$out" ] || { log "no kube-apiserver binary found after make"; exit 1; }
cp "$out" "$bin.tmp" && mv "$bin.tmp" "$bin"
log "built in $(( $(date +%s) - start ))s: $bin"
cd / && rm -rf "$work"
echo "$bin"
