#!/usr/bin/env bash
# Installs the Debian packages the local test cluster needs (etcd, Go, the kubernetes source package's
# build tools) and makes sure a deb-src entry exists so `apt-get source kubernetes` works.
# Idempotent: does nothing when everything is present.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
update=false
if ! grep -rqsE '^(deb-src|Types: .*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "cluster: adding a deb-src entry for Debian's sources" >&2
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
  else
    echo "deb-src http://deb.debian.org/debian bookworm main" > /etc/apt/sources.list.d/kubeweb-src.list
  fi
  update=true
fi
need=()
command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
command -v go >/dev/null 2>&1 || need+=(golang-go)
command -v rsync >/dev/null 2>&1 || need+=(rsync)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v dpkg-source >/dev/null 2>&1 || need+=(dpkg-dev)
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
[ -d /usr/share/gocode/src/github.com/modern-go/reflect2 ] || need+=(golang-github-modern-go-reflect2-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "cluster: installing Debian packages: ${need[*]}" >&2
  update=true
fi
if $update; then apt-get update -qq; fi
if [ ${#need[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
