#!/usr/bin/env bash
# `make run`: the local database (unless DATABASE_URL or PG* point elsewhere), migrations,
# then the server with its scheduler, in the foreground. Ctrl-C stops the server cleanly;
# the local database stays up for the next run (`gugus db local stop` stops it).
set -euo pipefail
gugus=$1
if [[ -z ${DATABASE_URL:-} && -z ${PGHOST:-}${PGDATABASE:-}${PGSERVICE:-} ]]; then
    "$gugus" db local start
else
    "$gugus" db migrate
fi
host=${GUGUS_HOST:-127.0.0.1}
port=${GUGUS_PORT:-8080}
echo "Gugus: http://$host:$port  (Ctrl-C to stop)"
exec "$gugus" serve --host "$host" --port "$port"
