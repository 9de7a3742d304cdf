#!/usr/bin/env bash
# Installs what Gugus needs from Debian/Ubuntu packages (and, for tests, PyPI), or says
# exactly what to install when it cannot. Usage: scripts/install-deps.sh [run|test|bench|leaks]
set -euo pipefail
purpose=${1:-run}
cd "$(dirname "$0")/.."

missing=()
need() { # need PACKAGE CHECK-COMMAND...
    local package=$1; shift
    if ! "$@" >/dev/null 2>&1; then missing+=("$package"); fi
}
has_server_programs() {
    local bindir
    bindir=$(pg_config --bindir 2>/dev/null || true)
    [[ -x "$bindir/initdb" && -x "$bindir/pg_ctl" ]] && return 0
    compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null
}
has_btree_gist() { compgen -G "/usr/share/postgresql/*/extension/btree_gist.control" >/dev/null; }

need pkg-config command -v pkg-config
need libpq-dev pkg-config --exists libpq
need postgresql has_server_programs
need postgresql-contrib has_btree_gist
need tzdata test -e /usr/share/zoneinfo/Asia/Jayapura
case "$purpose" in
    test) need postgresql-client command -v psql; need python3 command -v python3; need python3-venv python3 -c "import ensurepip, venv"
          need curl command -v curl
          # The portal's browser tests: headless Chromium, driven through Debian's chromedriver.
          need chromium command -v chromium; need chromium-driver test -x /usr/bin/chromedriver ;;
    bench) need python3-venv python3 -c "import ensurepip, venv"; need postgresql-contrib command -v pgbench; need wrk command -v wrk; need postgresql-client command -v psql ;;
    leaks) need valgrind command -v valgrind ;;
esac

if ((${#missing[@]})); then
    # Unique, in order.
    readarray -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
    if [[ $(id -u) -eq 0 ]]; then
        echo "Installing: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "Gugus needs these packages: ${missing[*]}" >&2
        echo "Install them with:  sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi

# The Python test tools, in a virtual environment of their own from the lock file.
if [[ $purpose == test || $purpose == bench ]]; then
    scripts/python-env.sh
fi
