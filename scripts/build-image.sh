#!/usr/bin/env bash
# Build the stack's LocalStack image (docker/localstack/Dockerfile, context =
# the repository root), without any image registry.
#
#   scripts/build-image.sh
#   BASE_IMAGE=python:3.13-slim scripts/build-image.sh
#   NO_CACHE=1 scripts/build-image.sh          # cold build
#
# Environment:
#   IMAGE            tag to build (default: $SFNLOCAL_IMAGE, else sfnlocal/localstack:2026.3.0)
#   BASE_IMAGE       image to build FROM. Unset: python:3.13-slim if it is
#                    present locally, else sfnlocal/python-base:trixie, made
#                    by scripts/build-base-image.sh when missing.
#   EXTRA_CA_BUNDLE  PEM file of extra CA certificates to trust while the build
#                    downloads packages (corporate / TLS-intercepting proxy).
#                    Default: $SSL_CERT_FILE when set. Copied to
#                    docker/localstack/extra-ca.pem (gitignored); an empty
#                    value (EXTRA_CA_BUNDLE=) trusts only the base image's CAs.
#   NO_CACHE=1       build without Docker's layer cache
#   HTTP_PROXY, HTTPS_PROXY, NO_PROXY (any case): passed as build args when set
set -euo pipefail

IMAGE=${IMAGE:-${SFNLOCAL_IMAGE:-sfnlocal/localstack:2026.3.0}}
DEFAULT_BASE=python:3.13-slim
LOCAL_BASE=sfnlocal/python-base:trixie
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
ca_file="$root/docker/localstack/extra-ca.pem"

log() { printf '[build-image] %s\n' "$*"; }
die() { printf '[build-image] ERROR: %s\n' "$*" >&2; exit 1; }

command -v docker >/dev/null || die "docker CLI not found (run scripts/install-docker.sh)"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (run scripts/install-docker.sh)"

# One build at a time on this machine: the tests build from several workers at once,
# and two builds would race for apt's lock and for the tag (the second then finds the
# image built, in a second).
build_lock=${TMPDIR:-/tmp}/sfnlocal-image-build.lock
exec 8>"$build_lock"
if ! flock -n 8; then
    log "waiting for another build of the image to end (lock: $build_lock)"
    flock -w "${BUILD_LOCK_TIMEOUT:-1800}" 8 \
        || die "another build of the image did not end within ${BUILD_LOCK_TIMEOUT:-1800} s"
fi

start=$SECONDS

# --- base image --------------------------------------------------------------
if [ -n "${BASE_IMAGE:-}" ]; then
    base=$BASE_IMAGE
elif docker image inspect "$DEFAULT_BASE" >/dev/null 2>&1; then
    base=$DEFAULT_BASE
else
    log "$DEFAULT_BASE is not present locally; using $LOCAL_BASE"
    BASE_IMAGE_NAME=$LOCAL_BASE "$here/build-base-image.sh"
    base=$LOCAL_BASE
fi
log "base image: $base"

# --- extra CA certificates ---------------------------------------------------
ca_source=${EXTRA_CA_BUNDLE-${SSL_CERT_FILE:-}}
if [ -n "$ca_source" ]; then
    [ -r "$ca_source" ] || die "EXTRA_CA_BUNDLE/SSL_CERT_FILE is not a readable file: $ca_source"
    # rewrite only on change, so that Docker's cache of the install layers holds
    if ! cmp -s "$ca_source" "$ca_file"; then
        cp "$ca_source" "$ca_file"
    fi
    log "trusting extra CA certificates from $ca_source during the build"
else
    rm -f "$ca_file"
fi

# --- build -------------------------------------------------------------------
args=(--network host -f "$root/docker/localstack/Dockerfile" -t "$IMAGE" --build-arg "BASE_IMAGE=$base")
[ "${NO_CACHE:-0}" = 1 ] && args+=(--no-cache)
for v in HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do
    if [ -n "${!v:-}" ]; then args+=(--build-arg "$v"); fi
done
log "docker build ${args[*]} $root"
docker build "${args[@]}" "$root"

size=$(docker image inspect --format '{{.Size}}' "$IMAGE")
log "built $IMAGE from $base in $((SECONDS - start))s; image size $((size / 1000000)) MB"
