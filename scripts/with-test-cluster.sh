#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster, removed afterwards even when the
# command fails. With DATABASE_URL set, that server is used instead (tests create and drop
# their own databases on it).
# Usage: scripts/with-test-cluster.sh GUGUS-BINARY COMMAND...
set -euo pipefail
gugus=$1; shift

if [[ -n ${DATABASE_URL:-} ]]; then
    export GUGUS_TEST_DATABASE_URL=$DATABASE_URL
    exec "$@"
fi

# A short path: unix socket paths are limited to about 100 bytes.
home=$(mktemp -d /tmp/gugus-test.XXXXXX)
chmod 755 "$home"
cleanup() {
    GUGUS_HOME=$home "$gugus" db local stop >/dev/null 2>&1 || true
    rm -rf "$home"
}
trap cleanup EXIT INT TERM

GUGUS_HOME=$home "$gugus" db local start --throwaway >/dev/null
GUGUS_TEST_DATABASE_URL=$(GUGUS_HOME=$home "$gugus" db local status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')
export GUGUS_TEST_DATABASE_URL
# The test server's own database is the maintenance one; tests create theirs from it.
export GUGUS_TEST_DATABASE_URL=${GUGUS_TEST_DATABASE_URL/\/gugus\?//postgres?}
"$@"
