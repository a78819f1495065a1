#!/usr/bin/env bash
# Install and start a Docker engine with Compose v2 (and buildx) on a Debian host, without
# any image registry. Idempotent: each step is skipped when already done.
#
#   sudo scripts/install-docker.sh
#
# 1. Debian's `docker.io` (engine + containerd), unless `docker info` answers
#    or `dockerd` is already installed.
# 2. Compose v2 and buildx as Docker CLI plugins in /usr/libexec/docker/cli-plugins,
#    unless `docker compose version` already reports v2 / `docker buildx version`
#    answers. Debian bookworm only ships Compose v1 and no buildx, so they are
#    taken from the `docker-compose` and `docker-buildx` packages of the suite
#    $PLUGIN_SUITE (default trixie: Compose 2.26, buildx 0.13; Go binaries that
#    need only libc), downloaded from the same Debian mirror the machine's apt
#    sources already use (nothing is added to those sources).
# 3. Starts `dockerd` in the background unless `docker info` answers, and waits
#    (with a deadline) until it does.
#
# Environment:
#   DEBIAN_MIRROR     Debian mirror URI (default: read from the apt sources)
#   PLUGIN_SUITE      suite to take Compose v2 and buildx from (default: trixie)
#   INSTALL_BUILDX=0  do not install buildx (`docker build` then uses the legacy builder)
#   DOCKERD_LOG       dockerd's log file (default: /var/log/dockerd.log)
#   DOCKERD_TIMEOUT   seconds to wait for dockerd (default: 60)
#   DOCKERD_OPTS      extra arguments for dockerd (word-split)
set -euo pipefail

PLUGIN_SUITE=${PLUGIN_SUITE:-trixie}
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
DOCKERD_TIMEOUT=${DOCKERD_TIMEOUT:-60}
PLUGIN_DIR=/usr/libexec/docker/cli-plugins

log() { printf '[install-docker] %s\n' "$*"; }
die() { printf '[install-docker] ERROR: %s\n' "$*" >&2; exit 1; }

# shellcheck source-path=SCRIPTDIR source=lib/debian-mirror.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/debian-mirror.sh"

APT_UPDATED=0
apt_install() {
    if [ "$APT_UPDATED" -eq 0 ]; then
        log "apt-get update"
        apt-get update -qq
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

docker_answers() { docker info >/dev/null 2>&1; }

[ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and starts dockerd)"
command -v apt-get >/dev/null || die "needs a Debian-based host (apt-get not found)"

# --- 1. engine ---------------------------------------------------------------
if command -v docker >/dev/null && docker_answers; then
    log "Docker engine already answers: $(docker version --format '{{.Server.Version}}' 2>/dev/null)"
elif command -v dockerd >/dev/null; then
    log "dockerd already installed: $(command -v dockerd)"
else
    apt_install docker.io
fi
command -v docker >/dev/null || die "no docker CLI after installing docker.io"

# --- 2. CLI plugins: Compose v2, buildx ------------------------------------
# Each is the static Go binary of a Debian package of $PLUGIN_SUITE, fetched
# with a private apt state (own sources.list, lists and cache in a temporary
# directory): the machine's own apt sources, lists and dpkg status are untouched.
PLUGIN_WORK=""
plugin_apt() {
    if [ -z "$PLUGIN_WORK" ]; then
        command -v dpkg-deb >/dev/null || die "dpkg-deb not found"
        local mirror keyring=/usr/share/keyrings/debian-archive-keyring.gpg signed_by=""
        mirror=$(debian_mirror) || true
        [ -n "$mirror" ] || die "no Debian mirror found in the apt sources; set DEBIAN_MIRROR"
        PLUGIN_WORK=$(mktemp -d)
        trap 'rm -rf "$PLUGIN_WORK"' EXIT
        mkdir -p "$PLUGIN_WORK/lists/partial" "$PLUGIN_WORK/cache/archives/partial" "$PLUGIN_WORK/pkg"
        # let apt's unprivileged download sandbox (user _apt) write there
        chmod 0755 "$PLUGIN_WORK"
        if id _apt >/dev/null 2>&1; then
            chown -R _apt "$PLUGIN_WORK/lists" "$PLUGIN_WORK/cache" "$PLUGIN_WORK/pkg"
        fi
        [ -f "$keyring" ] && signed_by="[signed-by=$keyring] "
        printf 'deb %s%s %s main\n' "$signed_by" "$mirror" "$PLUGIN_SUITE" >"$PLUGIN_WORK/sources.list"
        log "reading the package index of Debian $PLUGIN_SUITE ($mirror)"
        plugin_apt -qq update
        return
    fi
    apt-get \
        -o "Dir::Etc::SourceList=$PLUGIN_WORK/sources.list" \
        -o "Dir::Etc::SourceParts=$PLUGIN_WORK/none" \
        -o "Dir::State::Lists=$PLUGIN_WORK/lists" \
        -o "Dir::Cache=$PLUGIN_WORK/cache" \
        -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=" \
        -o "APT::Get::List-Cleanup=false" \
        "$@"
}

# install_plugin PACKAGE BINARY: BINARY of Debian $PLUGIN_SUITE's PACKAGE -> $PLUGIN_DIR
install_plugin() {
    local package=$1 binary=$2 deb bin
    [ -n "$PLUGIN_WORK" ] || plugin_apt
    log "fetching $package from Debian $PLUGIN_SUITE"
    (cd "$PLUGIN_WORK/pkg" && plugin_apt -qq download "$package")
    deb=$(find "$PLUGIN_WORK/pkg" -name "${package}_*.deb" | head -n 1)
    [ -n "$deb" ] || die "apt-get download $package gave no .deb"
    dpkg-deb -x "$deb" "$PLUGIN_WORK/root-$package"
    bin=$(find "$PLUGIN_WORK/root-$package" -type f -path "*/cli-plugins/$binary" | head -n 1)
    [ -n "$bin" ] || die "no cli-plugins/$binary in $(basename "$deb")"
    install -D -m 0755 "$bin" "$PLUGIN_DIR/$binary"
    log "installed $PLUGIN_DIR/$binary from $(basename "$deb")"
}

# Compose v2 (bookworm's docker-compose is the old v1).
compose_is_v2() { docker compose version --short 2>/dev/null | grep -Eq '^v?2\.'; }
if compose_is_v2; then
    log "Compose v2 already present: $(docker compose version --short)"
else
    install_plugin docker-compose docker-compose
    compose_is_v2 || die "'docker compose version' does not report v2: $(docker compose version 2>&1 | head -n 3)"
fi

# buildx: `docker build` then uses BuildKit (faster, cached like `docker compose
# build`) instead of the deprecated legacy builder. Optional: INSTALL_BUILDX=0 skips.
if [ "${INSTALL_BUILDX:-1}" = 1 ]; then
    if docker buildx version >/dev/null 2>&1; then
        log "buildx already present: $(docker buildx version | head -n 1)"
    else
        install_plugin docker-buildx docker-buildx
        docker buildx version >/dev/null 2>&1 || die "'docker buildx version' fails after installing it"
    fi
fi

# --- 3. start dockerd --------------------------------------------------------
if docker_answers; then
    log "dockerd is running"
else
    command -v dockerd >/dev/null || die "dockerd not found"
    if pgrep -x dockerd >/dev/null; then
        log "dockerd process exists (pid $(pgrep -x dockerd | head -n 1)) but does not answer yet; waiting"
    else
        mkdir -p "$(dirname "$DOCKERD_LOG")"
        log "starting dockerd in the background (log: $DOCKERD_LOG)"
        # shellcheck disable=SC2086 # DOCKERD_OPTS is meant to be word-split
        nohup setsid dockerd ${DOCKERD_OPTS:-} >>"$DOCKERD_LOG" 2>&1 </dev/null &
        dockerd_pid=$!
    fi
    started=$SECONDS
    deadline=$((SECONDS + DOCKERD_TIMEOUT))
    until docker_answers; do
        problem=""
        if [ -n "${dockerd_pid:-}" ] && ! kill -0 "$dockerd_pid" 2>/dev/null; then
            problem="dockerd exited before answering \"docker info\""
        elif [ "$SECONDS" -ge "$deadline" ]; then
            problem="dockerd did not answer \"docker info\" within ${DOCKERD_TIMEOUT}s"
        fi
        if [ -n "$problem" ]; then
            printf '[install-docker] ERROR: %s. Last lines of %s:\n' "$problem" "$DOCKERD_LOG" >&2
            tail -n 30 "$DOCKERD_LOG" >&2 || true
            exit 1
        fi
        sleep 1
    done
    log "dockerd answers after $((SECONDS - started))s"
fi
buildx=$(docker buildx version 2>/dev/null | awk '{print $2; exit}') || true
log "ready: engine $(docker version --format '{{.Server.Version}}'), client $(docker version --format '{{.Client.Version}}'), compose $(docker compose version --short), buildx ${buildx:-none}"
