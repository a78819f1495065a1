#!/usr/bin/env bash
# Build a Debian trixie + Python 3.13 base image without any image registry:
# debootstrap a minimal root file system from the Debian mirror the machine's
# apt sources already use, then `docker import` it.
#
#   scripts/build-base-image.sh            # skips if the image exists
#   FORCE=1 scripts/build-base-image.sh    # rebuild
#
# Use it where `python:3.13-slim` cannot be pulled; scripts/build-image.sh
# calls it when needed. Needs root (debootstrap) and a running Docker engine
# (scripts/install-docker.sh).
#
# Environment:
#   BASE_IMAGE_NAME  image to create (default: sfnlocal/python-base:trixie)
#   SUITE            Debian suite (default: trixie, whose python3 is 3.13)
#   DEBIAN_MIRROR    Debian mirror URI (default: read from the apt sources)
#   FORCE=1          rebuild even if the image exists
set -euo pipefail

BASE_IMAGE_NAME=${BASE_IMAGE_NAME:-sfnlocal/python-base:trixie}
SUITE=${SUITE:-trixie}
FORCE=${FORCE:-0}
INCLUDE=python3,python3-venv,ca-certificates

log() { printf '[build-base-image] %s\n' "$*"; }
die() { printf '[build-base-image] ERROR: %s\n' "$*" >&2; exit 1; }

# shellcheck source-path=SCRIPTDIR source=lib/debian-mirror.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/debian-mirror.sh"

command -v docker >/dev/null || die "docker CLI not found (run scripts/install-docker.sh)"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (run scripts/install-docker.sh)"

if [ "$FORCE" != 1 ] && docker image inspect "$BASE_IMAGE_NAME" >/dev/null 2>&1; then
    log "$BASE_IMAGE_NAME exists; skipping (FORCE=1 rebuilds)"
    exit 0
fi

[ "$(id -u)" -eq 0 ] || die "debootstrap needs root"
if ! command -v debootstrap >/dev/null; then
    # shellcheck source-path=SCRIPTDIR source=lib/apt-packages.sh
    source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-packages.sh"
    apt_install debootstrap
fi

mirror=$(debian_mirror) || true
[ -n "$mirror" ] || die "no Debian mirror found in the apt sources; set DEBIAN_MIRROR"

rootfs=$(mktemp -d "${TMPDIR:-/var/tmp}/sfnlocal-rootfs.XXXXXX")
cleanup() { rm -rf --one-file-system "$rootfs"; }
trap cleanup EXIT

start=$SECONDS
log "debootstrap $SUITE ($INCLUDE) from $mirror into $rootfs"
debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$rootfs" "$mirror" \
    >"$rootfs.log" 2>&1 || {
    tail -n 30 "$rootfs.log" >&2
    rm -f "$rootfs.log"
    die "debootstrap failed"
}
rm -f "$rootfs.log"
log "debootstrap done in $((SECONDS - start))s"

# Trim what an image doesn't need: downloaded .debs, apt lists, docs (but the
# copyright files), man pages, logs.
find "$rootfs/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* "$rootfs"/tmp/* "$rootfs"/root/.cache
# The build's resolver, hostname and machine id must not be baked in.
: >"$rootfs/etc/resolv.conf"
: >"$rootfs/etc/hostname"
: >"$rootfs/etc/machine-id"

python_version=$(chroot "$rootfs" python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
log "importing as $BASE_IMAGE_NAME (Python $python_version)"
tar --numeric-owner -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["python3"]' \
    --message "debootstrap --variant=minbase --include=$INCLUDE $SUITE" \
    - "$BASE_IMAGE_NAME" >/dev/null

size=$(docker image inspect --format '{{.Size}}' "$BASE_IMAGE_NAME")
log "built $BASE_IMAGE_NAME: Python $python_version, $((size / 1000000)) MB, in $((SECONDS - start))s"
