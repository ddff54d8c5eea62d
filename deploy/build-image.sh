#!/usr/bin/env bash
# Builds the controller's image from deploy/Dockerfile with podman, with no image registry: the
# two base images are made here from Debian trixie's packages (Node 20 is trixie's `nodejs`;
# bookworm's is 18) with mmdebstrap and `podman import`ed. Prints the image's name on stdout
# (progress goes to stderr). test/image/image.test.ts runs the image: `run --demo --once`, and no
# compiler or dev dependency in it.
#
#   bash deploy/build-image.sh                 # builds localhost/cluster-router-sync:dev
#   IMAGE=my/name:tag bash deploy/build-image.sh
#
# The base roots are cached as tarballs outside the checkout, keyed by the nodejs version, like
# test/lab/debian-root.sh's router roots:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/cluster-router-sync/image-bases/node-{build,runtime}-trixie-<version>.tar
#   node-{build,runtime}-trixie.tar -> that file          (delete the link to build afresh)
# With docker and a registry, none of this is needed: docker build -f deploy/Dockerfile .
# (the Dockerfile's bases default to node:20-slim).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${IMAGE:-localhost/cluster-router-sync:dev}
cache="${XDG_CACHE_HOME:-$HOME/.cache}/cluster-router-sync/image-bases"
mkdir -p "$cache"

# Podman as it works on a machine like CI's (a VM with cgroup v1 and no systemd): Debian's
# default runtime crun fails there on setrlimit and on cgroups, runc with cgroupfs and no default
# ulimits works. A config file of our own (CONTAINERS_CONF) leaves the host's untouched.
export CONTAINERS_CONF="$repo/deploy/podman/containers.conf"
podman=(podman --runtime /usr/sbin/runc)

# Makes (once) the base root NAME holding PACKAGES, as a tarball; prints its path.
base_tarball() {
  local name=$1
  shift
  local link="$cache/$name-trixie.tar"
  if [ -e "$link" ]; then
    readlink -f "$link"
    return
  fi
  exec 9>"$cache/$name.lock"
  flock 9
  if [ ! -e "$link" ]; then
    local build="$cache/.build-$name-$$"
    trap 'rm -rf "$build"' EXIT
    local started
    started=$(date +%s)
    # Documentation, manual pages and translations are of no use in the image. No apt: nothing
    # is installed in the image after this. Security updates left out for the reason in
    # test/lab/debian-root.sh (mmdebstrap takes them from another host).
    mmdebstrap --mode=root --variant=essential --include="$(IFS=,; echo "$*")" \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
      --dpkgopt='path-exclude=/usr/share/locale/*' --aptopt='Acquire::Retries "3"' \
      trixie "$build" \
      "deb http://deb.debian.org/debian trixie main" \
      "deb http://deb.debian.org/debian trixie-updates main" >&2
    local version
    version=$(dpkg-query --admindir="$build/var/lib/dpkg" -W -f='${Version}' nodejs)
    # mmdebstrap leaves its apt lists and caches; the image has no apt to use them.
    rm -rf "$build"/var/lib/apt/lists/* "$build"/var/cache/apt/*
    tar -C "$build" --numeric-owner -cf "$cache/$name-trixie-$version.tar.partial" .
    mv "$cache/$name-trixie-$version.tar.partial" "$cache/$name-trixie-$version.tar"
    rm -rf "$build"
    trap - EXIT
    ln -sfn "$name-trixie-$version.tar" "$link"
    echo "build-image.sh: made base $name (nodejs $version) in $(($(date +%s) - started)) s" >&2
  fi
  exec 9>&-
  readlink -f "$link"
}

# Imports a base tarball unless podman already holds it; prints the image's name.
import_base() {
  local name=$1 tarball=$2
  local version=${tarball##*-trixie-}
  version=${version%.tar}
  # An image tag allows [A-Za-z0-9_.-]: nodejs's Debian version has + and ~.
  local ref="localhost/crs-$name:trixie-${version//[^A-Za-z0-9_.-]/_}"
  if ! "${podman[@]}" image exists "$ref"; then
    "${podman[@]}" import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      "$tarball" "$ref" >&2
  fi
  echo "$ref"
}

# The build stage needs npm (and the CA certificates to reach the npm registry); the runtime stage
# only node. Neither has a compiler: ssh2's optional native addon (cpu-features) is skipped, and
# ssh2 falls back to its JavaScript code.
build_base=$(import_base node-build "$(base_tarball node-build nodejs npm ca-certificates)")
runtime_base=$(import_base node-runtime "$(base_tarball node-runtime nodejs)")

started=$(date +%s)
# What this build leaves unnamed (its build stage, the image the tag named before) is removed
# after it; unnamed images that were there before are someone else's.
dangling() { "${podman[@]}" images -q --no-trunc --filter dangling=true | sort; }
dangling_before=$(dangling)
# Host network for the build stage's `npm ci` (the registry), and the host's CA bundle as the
# secret `ca`, for a TLS-intercepting proxy on the way to it (the Dockerfile says how it is used).
ca=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
secret=()
if [ -r "$ca" ]; then secret=(--secret "id=ca,src=$ca"); fi
"${podman[@]}" build --network host -f "$repo/deploy/Dockerfile" "${secret[@]}" \
  --ignorefile "$repo/deploy/Dockerfile.dockerignore" \
  --build-arg "BUILD_BASE=$build_base" --build-arg "RUNTIME_BASE=$runtime_base" \
  -t "$image" "$repo" >&2
echo "build-image.sh: built $image in $(($(date +%s) - started)) s" >&2
comm -13 <(echo "$dangling_before") <(dangling) | xargs -r "${podman[@]}" rmi >/dev/null

echo "build-image.sh: $image is $(("$("${podman[@]}" image inspect --format '{{.Size}}' "$image")" / 1000000)) MB" >&2
echo "$image"
