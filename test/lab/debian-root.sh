#!/usr/bin/env bash
# Makes a Debian root of RELEASE holding the router daemons the lab runs chrooted in a test's
# router namespace (test/lab/router-matrix.ts), and prints its path. Built once with mmdebstrap
# from Debian's binary packages, cached outside the checkout and keyed by release and package
# versions; a later call returns at once without touching the network.
#
#   bash test/lab/debian-root.sh trixie      # FRR 10.3, BIRD 2.17 (OpenWRT 24.10's generation)
#   bash test/lab/debian-root.sh bullseye    # FRR 7.5.1 (OpenWRT 21.02's generation)
#
# Layout under ${XDG_CACHE_HOME:-$HOME/.cache}/cluster-router-sync/debian-roots/:
#   debian-<release>-frr_<version>[-bird2_<version>]/   the root (marker file .crs-root-complete)
#   <release> -> that directory                          what the tests look up
# Delete the link to build afresh (e.g. after a Debian point release).
set -euo pipefail

release=${1:?usage: debian-root.sh RELEASE (bullseye or trixie)}
case "$release" in
  # frr's own dependencies bring iproute2; the tests read the namespace's FIB with the host's ip.
  bullseye) packages=(frr) ;;
  trixie) packages=(frr bird2) ;;
  *)
    echo "debian-root.sh: unknown release '$release' (known: bullseye, trixie)" >&2
    exit 2
    ;;
esac

cache="${XDG_CACHE_HOME:-$HOME/.cache}/cluster-router-sync/debian-roots"
link="$cache/$release"
mkdir -p "$cache"
if [ -e "$link/.crs-root-complete" ]; then
  readlink -f "$link"
  exit 0
fi

# One build per release at a time: a parallel caller waits and then finds the root made.
exec 9>"$cache/$release.lock"
flock 9
if [ -e "$link/.crs-root-complete" ]; then
  readlink -f "$link"
  exit 0
fi

build="$cache/.build-$release-$$"
trap 'rm -rf "$build"' EXIT
started=$(date +%s)
# The release with its point-release updates, from the archive the host's apt sources name.
# Security updates are left out: mmdebstrap's default takes them from another host, and the
# archive's debian-security answered 404 for bullseye's FRR (7.5.1-1.1+deb11u4) on 2026-12-06;
# a lab router in a namespace needs the release's FRR, not its latest fix.
# Documentation, manual pages and translations are of no use to a daemon in a test.
archive=http://deb.debian.org
mmdebstrap --mode=root --variant=essential --include="$(IFS=,; echo "${packages[*]}")" \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --aptopt='Acquire::Retries "3"' \
  "$release" "$build" \
  "deb $archive/debian $release main" \
  "deb $archive/debian $release-updates main" >&2

key="debian-$release"
for p in "${packages[@]}"; do
  key+="-${p}_$(dpkg-query --admindir="$build/var/lib/dpkg" -W -f='${Version}' "$p")"
done
# A root of the same versions may exist (the link was deleted to rebuild): tests may be running
# in it, so it stays and the new build goes.
if [ -e "$cache/$key/.crs-root-complete" ]; then
  rm -rf "$build"
else
  rm -rf "${cache:?}/$key"
  mv "$build" "$cache/$key"
  touch "$cache/$key/.crs-root-complete"
fi
ln -sfn "$key" "$link"
echo "debian-root.sh: built $key in $(($(date +%s) - started)) s, $(du -sh "$cache/$key" | cut -f1)" >&2
readlink -f "$link"
