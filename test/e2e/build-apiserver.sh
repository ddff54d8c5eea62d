#!/usr/bin/env bash
# Builds the kube-apiserver pinned in test/e2e/apiserver/go.mod into a per-version cache
# outside the repository, once; later runs find the binary and return at once.
# Prints the binary's path on stdout (progress goes to stderr).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module_dir="$here/apiserver"
version="$(sed -n -E 's/^[[:space:]]*(require[[:space:]]+)?k8s\.io\/kubernetes[[:space:]]+(v[0-9.]+).*/\2/p' "$module_dir/go.mod")"
if [[ -z "$version" ]]; then
  echo "build-apiserver: no k8s.io/kubernetes requirement in $module_dir/go.mod" >&2
  exit 1
fi
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/cluster-router-sync"
binary="$cache_dir/kube-apiserver-$version"

if [[ -x "$binary" ]]; then
  echo "$binary"
  exit 0
fi

mkdir -p "$cache_dir"
echo "build-apiserver: building kube-apiserver $version into $binary (first build takes long)" >&2
started=$(date +%s)
# One build job and niceness by default: a developer machine is shared with other work; CI,
# which has the machine to itself, sets BUILD_JOBS.
(
  cd "$module_dir"
  GOMAXPROCS="${GOMAXPROCS:-${BUILD_JOBS:-1}}" CGO_ENABLED=0 nice -n 10 \
    go build -p "${BUILD_JOBS:-1}" -trimpath -ldflags='-s -w' -o "$binary.partial" k8s.io/kubernetes/cmd/kube-apiserver
)
mv "$binary.partial" "$binary"
echo "build-apiserver: built in $(($(date +%s) - started)) s" >&2
echo "$binary"
