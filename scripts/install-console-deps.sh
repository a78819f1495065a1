#!/usr/bin/env bash
# Install what the web console needs from Debian's packages. Idempotent: a
# package already there is not installed again.
#
#   sudo scripts/install-console-deps.sh           # Graphviz (the graph layout)
#   sudo scripts/install-console-deps.sh --tests   # and Chromium, for the browser tests
#
# Graphviz's `dot` lays out the state machine's graph for the console and for
# `sfnlocal graph` (SVG and PNG). The browser tests drive Debian's Chromium
# through Playwright (PyPI `playwright`, in the tooling environment): Playwright
# cannot download its own browser builds where only package registries answer.
set -euo pipefail

log() { printf '[install-console-deps] %s\n' "$*"; }
die() { printf '[install-console-deps] ERROR: %s\n' "$*" >&2; exit 1; }

packages=(graphviz)
commands=(dot)
case "${1:-}" in
    "") ;;
    --tests) packages+=(chromium fonts-dejavu-core); commands+=(chromium) ;;
    *) die "unknown argument '$1' (use --tests or nothing)" ;;
esac

missing=()
for i in "${!packages[@]}"; do
    if [ "$i" -lt "${#commands[@]}" ] && command -v "${commands[$i]}" >/dev/null; then
        continue
    fi
    dpkg-query -W -f='${Status}' "${packages[$i]}" 2>/dev/null | grep -q "ok installed" \
        || missing+=("${packages[$i]}")
done
if [ "${#missing[@]}" -eq 0 ]; then
    log "already installed: ${packages[*]}"
else
    [ "$(id -u)" -eq 0 ] || die "run as root to install ${missing[*]} (sudo $0 $*)"
    command -v apt-get >/dev/null || die "needs a Debian-based host (apt-get not found)"
    log "apt-get update"
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    log "apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
        --no-install-recommends "${missing[@]}"
fi
for command in "${commands[@]}"; do
    command -v "$command" >/dev/null || die "'$command' not found after installing"
done
log "ready: $(dot -V 2>&1)${commands[1]:+, $(chromium --version 2>/dev/null)}"
