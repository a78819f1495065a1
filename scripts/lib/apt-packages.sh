# shellcheck shell=bash
# Sourced by the scripts that install the Debian packages the project needs
# (scripts/install-node-build-tools.sh, scripts/install-browser.sh). The caller
# defines log and die (one line each, prefixed with its own name).

# The Debian packages among "$@" that are not installed, one per line.
apt_missing() {
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || printf '%s\n' "$package"
    done
}

# apt_install PACKAGE...: installs them as root, or through sudo; where neither
# can be, dies with one line naming what to run as root. Waits (with a
# deadline) for another apt or dpkg to finish rather than failing on its lock.
apt_install() {
    local as_root=()
    command -v apt-get >/dev/null \
        || die "missing Debian packages $* and no apt-get here: install them, then run this again"
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null && sudo -n true 2>/dev/null \
            || die "missing Debian packages $*: run as root: apt-get install $* (or this script with sudo)"
        as_root=(sudo)
    fi
    local lock=(-o DPkg::Lock::Timeout="${APT_LOCK_TIMEOUT:-300}")
    log "apt-get update"
    "${as_root[@]}" apt-get "${lock[@]}" update -qq
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get "${lock[@]}" install -y -qq \
        --no-install-recommends "$@" >/dev/null
}
