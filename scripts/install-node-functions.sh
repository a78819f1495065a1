#!/usr/bin/env bash
# Install the dependencies of each Node.js function under ROOT/lambdas/ (a folder
# holding a package-lock.json) with npm ci from that lock, and stamp its
# node_modules/.lock-stamp with the SHA-256 of package.json + the lock, which
# the deploy checks (sfnlocal.deploy.packaging.check_node_modules). A function
# whose stamp matches is left as it is.
#
#   scripts/install-node-functions.sh ROOT   (scripts/setup-envs: the checkout;
#                                             the Dockerfile: the sample built in)
#   scripts/install-node-functions.sh --check ROOT   exits 0 when every one is current
set -euo pipefail

die() { printf '[install-node-functions] ERROR: %s\n' "$*" >&2; exit 1; }

check=0
[ "${1:-}" = --check ] && { check=1; shift; }
[ $# -eq 1 ] || die "usage: $0 [--check] ROOT"
root=$1

for lock in "$root"/lambdas/*/package-lock.json; do
    [ -f "$lock" ] || continue
    fn=$(dirname "$lock")
    stamp=$(cat "$fn/package.json" "$lock" | sha256sum | cut -d' ' -f1)
    if [ -f "$fn/node_modules/.lock-stamp" ] && [ "$(cat "$fn/node_modules/.lock-stamp")" = "$stamp" ]; then
        continue
    fi
    [ "$check" -eq 0 ] || exit 1
    printf '==> node_modules of %s (npm ci)\n' "${fn#"$root"/}"
    (cd "$fn" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$stamp" > "$fn/node_modules/.lock-stamp"
done
