#!/usr/bin/env bash
# Install the Lambda Node.js runtimes into DIR (scripts/setup-envs: host; the
# Dockerfile: image), from the lock in requirements/lambda-runtime-nodejs/:
#
#   DIR/nodejs/              package.json, package-lock.json, node_modules/ (npm ci):
#                            aws-lambda-ric, the AWS SDK v3 clients, Node.js 20 and 22
#   DIR/nodejs20.x/bin/node  -> that Node.js 20   DIR/nodejs20.x/node_modules -> the modules
#   DIR/nodejs22.x/bin/node  -> that Node.js 22   DIR/nodejs22.x/node_modules -> the modules
#
# One node_modules serves both: aws-lambda-ric's native part is a Node-API
# addon, whose binary interface is the same for every Node.js version.
#
#   scripts/install-node-runtimes.sh DIR
#
# Needs node and npm (any recent version: they only install) and the build
# tools of scripts/install-node-build-tools.sh.
set -euo pipefail

LOCK_DIR=$(cd "$(dirname "$0")/../requirements/lambda-runtime-nodejs" && pwd)
MAJORS=(20 22)

die() { printf '[install-node-runtimes] ERROR: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 DIR"
dest=$(mkdir -p "$1" && cd "$1" && pwd)
case $(uname -m) in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "no Node.js binary in the lock for $(uname -m) (only x86_64 and aarch64)" ;;
esac

# node-gyp 9 (aws-lambda-ric's pin) runs gyp, which imports distutils: Python
# 3.12 and later have it only through setuptools. Take the first Python that can.
gyp_python=""
for candidate in ${NODE_GYP_PYTHON:-} python3 /usr/bin/python3 python3.11; do
    if command -v "$candidate" >/dev/null && "$candidate" -c "import distutils" 2>/dev/null; then
        gyp_python=$(command -v "$candidate")
        break
    fi
done
[ -n "$gyp_python" ] || die "no Python that can import distutils, which node-gyp 9 needs: \
install setuptools for python3 (Debian: python3-setuptools) or set NODE_GYP_PYTHON"
export npm_config_python=$gyp_python

# aws-lambda-ric's install scripts run make for curl, aws-lambda-cpp and its addon:
# on every core (a first install 76 -> 67 s on 2 cores), and never with the jobserver
# flags of a make that runs this script.
export MAKEFLAGS=-j$(nproc)

modules=$dest/nodejs
# The addon compiles against the headers of the locked Node.js 20 (its package
# ships them), never ones node-gyp would download or npm's own nodedir setting.
export npm_config_nodedir=$modules/node_modules/node20-linux-$arch
rm -rf "$modules"
mkdir -p "$modules"
cp "$LOCK_DIR/package.json" "$LOCK_DIR/package-lock.json" "$LOCK_DIR/.npmrc" "$modules/"
(cd "$modules" && npm ci --no-audit --no-fund --loglevel=error)

ric=$modules/node_modules/aws-lambda-ric
[ -f "$ric/dist/rapid-client.node" ] || die "aws-lambda-ric did not build its native client \
($ric/dist/rapid-client.node is missing): see npm's output above; its install scripts need \
scripts/install-node-build-tools.sh and must be allowed (package.json allowScripts)"
# Its install script means to delete the unpacked curl and aws-lambda-cpp
# sources (about 150 MB) but its glob misses them under dash: finish the job.
find "$ric/deps" -mindepth 1 -maxdepth 1 -type d ! -name patches -exec rm -rf {} +

for major in "${MAJORS[@]}"; do
    runtime=$dest/nodejs$major.x
    node=node$major-linux-$arch
    [ -x "$modules/node_modules/$node/bin/node" ] || die "$node is not in $modules/node_modules"
    rm -rf "$runtime"
    mkdir -p "$runtime/bin"
    ln -s "../../nodejs/node_modules/$node/bin/node" "$runtime/bin/node"
    ln -s ../nodejs/node_modules "$runtime/node_modules"
    printf 'nodejs%s.x: Node.js %s\n' "$major" "$("$runtime/bin/node" --version)"
done
