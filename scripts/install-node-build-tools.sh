#!/usr/bin/env bash
# Install the Debian packages that building AWS's Node.js runtime interface
# client (npm aws-lambda-ric) needs: its install scripts compile curl and
# aws-lambda-cpp (autotools, cmake, a C++ compiler), then a Node-API addon with
# node-gyp (make; python3 with distutils, which setuptools provides from Python
# 3.12 on). Only the missing ones are installed; nothing is done when all are.
#
#   scripts/install-node-build-tools.sh        (scripts/setup-envs runs it)
#
# Needs root (or sudo) only when something is missing.
set -euo pipefail

PACKAGES=(autoconf automake libtool cmake make g++ python3 python3-setuptools)

log() { printf '[install-node-build-tools] %s\n' "$*"; }
die() { printf '[install-node-build-tools] ERROR: %s\n' "$*" >&2; exit 1; }

missing=()
for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command -v apt-get >/dev/null \
    || die "missing ${missing[*]} and no apt-get here: install them, then run 'make envs' again"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "missing ${missing[*]}: run 'sudo $0' (needs root)"
    sudo=(sudo)
fi
log "apt-get install ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
