# shellcheck shell=bash
# Sourced by the scripts that need Debian packages from the machine's own mirror.

# The first non-security Debian mirror URI in the machine's apt sources
# (deb822 *.sources files and one-line sources.list files); $DEBIAN_MIRROR wins.
debian_mirror() {
    if [ -n "${DEBIAN_MIRROR:-}" ]; then
        printf '%s\n' "$DEBIAN_MIRROR"
        return
    fi
    local files=() f
    for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] && files+=("$f")
    done
    [ "${#files[@]}" -gt 0 ] || return 1
    awk '
        function pick(uri, suites) {
            if (!found && uri != "" && uri !~ /security/ && suites !~ /-security/) { print uri; found = 1; exit }
        }
        # deb822 stanza (*.sources): ends at a blank line or at the end of its file
        function flush() {
            if (types ~ /(^| )deb( |$)/ && enabled != "no") pick(uri, suites)
            uri = ""; suites = ""; types = ""; enabled = ""
        }
        FNR == 1 { flush() }
        FILENAME ~ /\.sources$/ {
            if ($0 ~ /^[ \t]*$/) { flush(); next }
            key = tolower($1); $1 = ""; sub(/^ +/, "")
            if (key == "uris:") { split($0, u, " "); uri = u[1] }
            else if (key == "suites:") suites = $0
            else if (key == "types:") types = $0
            else if (key == "enabled:") enabled = tolower($0)
            next
        }
        # one-line format: deb [options] uri suite components...
        $1 == "deb" {
            i = 2
            if ($i ~ /^\[/) { while ($i !~ /\]$/ && i < NF) i++; i++ }
            pick($i, $(i + 1))
        }
        END { flush() }
    ' "${files[@]}" | head -n 1 | sed 's:/*$::'
}
