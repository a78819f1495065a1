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
# shellcheck source-path=SCRIPTDIR source=lib/apt-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-packages.sh"

mapfile -t missing < <(apt_missing "${PACKAGES[@]}")
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
