#!/usr/bin/env bash
# Builds the control plane's Go binaries v1.20.2 (kube-apiserver, kube-controller-manager, kube-scheduler)
# from Debian's `kubernetes` source package, the way Debian builds them (GOPATH mode, vendored dependencies),
# and caches them. Prints the three cached binaries' paths, one a line, in that order.
#
# Cache: $KUBEWEB_CACHE (default ~/.cache/kubeweb). Only missing binaries are built, all in one `make` so that
# they share the compiled packages; a run with everything cached returns at once. The source tree is unpacked
# afresh for every build and removed afterwards (only the binaries are kept).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${KUBEWEB_CACHE:-$HOME/.cache/kubeweb}
version=v1.20.2
names=(kube-apiserver kube-controller-manager kube-scheduler)
missing=()
for n in "${names[@]}"; do [ -x "$cache/bin/$n-$version" ] || missing+=("$n"); done
print_paths() { for n in "${names[@]}"; do echo "$cache/bin/$n-$version"; done; }
if [ ${#missing[@]} -eq 0 ]; then print_paths; exit 0; fi

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
# The vendored reflect2 v1.0.1 makes a Go >= 1.18 build segfault when it serialises maps; use Debian's 1.0.2.
log "replacing vendored reflect2 with Debian's golang-github-modern-go-reflect2-dev"
rm -rf src/vendor/github.com/modern-go/reflect2
cp -r /usr/share/gocode/src/github.com/modern-go/reflect2 src/vendor/github.com/modern-go/reflect2
mkdir -p .go/src/k8s.io
ln -s "$work/src" .go/src/k8s.io/kubernetes
cd .go/src/k8s.io/kubernetes
export GOPATH="$work/.go" GO111MODULE=off
unset GOFLAGS
export KUBE_GIT_VERSION=$version KUBE_GIT_TREE_STATE=clean KUBE_GIT_MAJOR=1 KUBE_GIT_MINOR=20
# hack/lib/golang.sh links with GOLDFLAGS, by default "-s -w -buildid=" (no symbol table or DWARF): smaller
# binaries and a shorter link; kept as it is.
what=$(printf 'cmd/%s ' "${missing[@]}")
log "compiling ${missing[*]} (all three from scratch: about 6-11 minutes on 2 cores; progress below)"
start=$(date +%s)
( while sleep 30; do log "still compiling... $(( $(date +%s) - start ))s"; done ) &
ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT
make WHAT="${what% }" KUBE_VERBOSE=0 >"$work/make.log" 2>&1 || {
  log "make failed; last lines of $work/make.log:"; tail -30 "$work/make.log" >&2; exit 1; }
for n in "${missing[@]}"; do
  out=$(find _output -type f -name "$n" -perm -u+x | head -1)
  [ -n "$out" ] || { log "no $n binary found after make"; exit 1; }
  cp "$out" "$cache/bin/$n-$version.tmp" && mv "$cache/bin/$n-$version.tmp" "$cache/bin/$n-$version"
done
log "built ${missing[*]} in $(( $(date +%s) - start ))s"
cd / && rm -rf "$work"
print_paths
