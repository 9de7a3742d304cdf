#!/usr/bin/env bash
# `make run`: the local database (unless DATABASE_URL or PG* point elsewhere), migrations, a
# first admin token, then the server with its reminder scheduler, in the foreground. Ctrl-C
# stops the server cleanly; the local database stays up for the next run
# (`gugus db local stop` stops it).
set -euo pipefail
gugus=$1
if [[ -z ${DATABASE_URL:-} && -z ${PGHOST:-}${PGDATABASE:-}${PGSERVICE:-} ]]; then
    "$gugus" db local start
else
    "$gugus" db migrate
fi

# The first admin token is issued once and kept (mode 600) beside the local data, so every
# run prints the same one while it is valid.
home=${GUGUS_HOME:-.gugus}
mkdir -p "$home"
token_file=$home/admin-token
token=
if [[ -f $token_file ]]; then
    read -r token_id token < "$token_file" || true
    if ! "$gugus" token list --json | python3 -c '
import json, sys
active = {t["id"] for t in json.load(sys.stdin) if not t.get("revoked_at")}
sys.exit(0 if int(sys.argv[1]) in active else 1)' "$token_id" 2>/dev/null; then
        token=
    fi
fi
if [[ -z $token ]]; then
    issued=$("$gugus" token issue --role admin --name "Admin ($(hostname), $(date +%Y-%m-%dT%H:%M:%S))" --json)
    token_id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$issued")
    token=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' <<<"$issued")
    (umask 077; echo "$token_id $token" > "$token_file")
fi

host=${GUGUS_HOST:-127.0.0.1}
port=${GUGUS_PORT:-8080}
portal=${GUGUS_PUBLIC_URL:-http://$host:$port}

# The first admin of the portal, and a one-time link for them (15 minutes; `gugus user link
# --email …` makes another).
admin_email=${GUGUS_ADMIN_EMAIL:-admin@gugus.local}
if ! "$gugus" user list --json | grep -Fqi "\"$admin_email\""; then
    "$gugus" user add --email "$admin_email" --name "Admin ($(hostname))" --role admin >/dev/null
fi
link=$("$gugus" user link --email "$admin_email" --base-url "$portal")

cat <<INFO

  Gugus is starting on http://$host:$port  (Ctrl-C to stop)

  The portal: $portal
  Sign in as $admin_email with this one-time link (it works once, for 15 minutes):
    $link

  Admin token $token_id (kept in $token_file, after its id):
    $token

  Try:
    export GUGUS_SERVER=http://$host:$port GUGUS_TOKEN=$token
    $gugus status
    curl -H "Authorization: Bearer \$GUGUS_TOKEN" http://$host:$port/v1/status

INFO
exec "$gugus" serve --host "$host" --port "$port"
