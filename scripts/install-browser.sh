#!/usr/bin/env bash
# Install the browser that the web console's browser tests drive (tests/browser/):
# Debian's Chromium, through Playwright (PyPI `playwright`, in the tooling
# environment), which cannot download its own browser builds where only package
# registries answer. Nothing is done when $CHROMIUM (default /usr/bin/chromium)
# exists. `make test` runs it first.
#
#   scripts/install-browser.sh      (as root, or with sudo, when Chromium is missing)
set -euo pipefail

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
# the fonts are what the screenshots in test-results/ are drawn with
PACKAGES=(chromium fonts-dejavu-core)

log() { printf '[install-browser] %s\n' "$*"; }
die() {
    printf '[install-browser] ERROR: %s (or point CHROMIUM= at a Chromium or Chrome)\n' "$*" >&2
    exit 1
}
# shellcheck source-path=SCRIPTDIR source=lib/apt-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-packages.sh"

[ -x "$CHROMIUM" ] && exit 0
mapfile -t missing < <(apt_missing "${PACKAGES[@]}")
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
[ -x "$CHROMIUM" ] || die "no Chromium at $CHROMIUM after installing Debian's chromium"
log "ready: $("$CHROMIUM" --version 2>/dev/null)"
