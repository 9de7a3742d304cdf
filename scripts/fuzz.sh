#!/usr/bin/env bash
# Checks the server against its own OpenAPI document with schemathesis: every operation in
# docs/openapi.yaml (as the server serves it at /openapi.yaml) gets generated valid and
# invalid requests, and every answer must be no 5xx, a documented status, the documented
# content type and a body that matches the schema.
#
# It runs a throwaway server on a free port, over a throwaway local cluster with a little
# seed data (task forces 82 and national, a decree, members, sessions, a reminder rule) so
# that paths with ids have real targets, and removes both afterwards, even on failure or
# Ctrl-C. It never touches DATABASE_URL or the PG* database: fuzzing writes a lot of junk.
#
# Usage: scripts/fuzz.sh [--quick] [GUGUS-BINARY]   (default .build/debug/gugus)
#   --quick   a few examples per operation (under a minute), for `make test`: one worker,
#             a fixed seed and schemathesis's deterministic mode, so every run of the same
#             commit sends the same cases
#   without   many examples per operation, a new random seed each run, for `make fuzz`
# FUZZ_MAX_EXAMPLES, FUZZ_SEED and FUZZ_WORKERS override the run's size, seed and workers;
# FUZZ_ARGS adds schemathesis options (such as --include-operation-id addMember).
# The schemathesis report (JUnit XML) is left in $FUZZ_REPORT_DIR when that is set, and
# FUZZ_KEEP=1 keeps the throwaway folder (server log, cluster, schemathesis config).
#
# Exit status: 0 the API matches its document; 1 schemathesis found a defect in Gugus (or
# the server logged an internal error or died); 3 schemathesis or hypothesis failed inside
# itself, which says nothing about Gugus (the message says which error, and why).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
gugus=.build/debug/gugus
for argument in "$@"; do
    case $argument in
        --quick) quick=true ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $argument (use --quick)" >&2; exit 2 ;;
        *) gugus=$argument ;;
    esac
done
if [[ ! -x $gugus ]]; then
    echo "fuzz.sh: no gugus binary at $gugus; build it first (swift build --product gugus)" >&2
    exit 2
fi
gugus=$(realpath "$gugus")
# The tools come from the locked virtual environment, never from the machine's site-packages.
scripts/python-env.sh
export PATH=$PWD/.build/python/bin:$PATH

if $quick; then
    max_examples=${FUZZ_MAX_EXAMPLES:-5}
    phases=examples,coverage,fuzzing
    # One worker: hypothesis reads lambdas' sources with Python's ast module, whose state in
    # CPython 3.11 is shared between threads (cpython#106905); two workers made it fail inside
    # itself now and then ("AST constructor recursion depth mismatch").
    workers=${FUZZ_WORKERS:-1}
    seed=${FUZZ_SEED:-20261202}
    generation=(--generation-deterministic)
else
    max_examples=${FUZZ_MAX_EXAMPLES:-200}
    phases=examples,coverage,fuzzing,stateful
    workers=${FUZZ_WORKERS:-2}
    seed=${FUZZ_SEED:-}
    generation=(--generation-database none)
fi

# A throwaway cluster and server, whatever the caller's environment points at.
unset DATABASE_URL PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE GUGUS_SERVER GUGUS_TOKEN
home=$(mktemp -d /tmp/gugus-fuzz.XXXXXX)  # short: unix socket paths are limited to ~100 bytes
chmod 755 "$home"
export GUGUS_HOME=$home GUGUS_REMINDER_LOG=$home/reminders.log LANG=C.UTF-8
server_pid=
cleanup() {
    local status=$?
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    "$gugus" db local stop >/dev/null 2>&1 || true
    if [[ $status -ne 0 && -z ${FUZZ_KEEP:-} ]]; then
        echo "fuzz.sh: the server's log ends with:" >&2
        tail -n 40 "$home/server.log" >&2 2>/dev/null || true
    fi
    [[ -n ${FUZZ_KEEP:-} ]] && echo "fuzz.sh: kept $home" >&2 || rm -rf "$home"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$gugus" db local start >/dev/null

# Seed: task forces 82 and national, a decree, members, two sessions with participants, a
# reminder rule, and a spare token for revokeToken to aim at. Their ids go into the
# schemathesis configuration below, so that generated requests often reach real records
# (and the success paths) instead of a 404.
g() { "$gugus" "$@" --json --lang en; }
ids() { python3 -c 'import json, sys; value = json.load(sys.stdin); print(",".join(str(item["id"]) for item in (value if isinstance(value, list) else [value])))'; }
taskforces=$(g taskforce create --region 82 | ids),$(g taskforce create --national | ids)
decree=$(g decree add --taskforce 82 --number "100.3.3.1/1/2024" --title "Pembentukan GTD Bisnis dan HAM" \
    --signed-on 2024-01-15 --effective-until 2030-12-31 --signer "Gubernur Maluku Utara" | ids)
members=$(g member add --taskforce 82 --name "Budi Santoso" --role ketua --position "Kepala Kanwil" \
    --institution "Kanwil Kementerian Hukum Maluku Utara" --email budi@example.id --phone 0812-3456-7890 --decree "$decree" | ids)
members+=,$(g member add --taskforce 82 --name "Siti Rahma" --role sekretaris --position "Kepala Bidang" \
    --institution "Biro Hukum Setda Maluku Utara" --email siti@example.id --decree "$decree" | ids)
members+=,$(g member add --taskforce 82 --name "Andi Wijaya" --role anggota --position Analis --institution "LBH Ternate" | ids)
sessions=$(g session schedule --taskforce 82 --title "Sosialisasi Stranas BHAM" --starts "$(date -u -d '+30 days' +%F) 09:00" \
    --duration 3h --venue "Aula Kanwil, Ternate" --capacity 50 | ids)
participants=$(g session invite "$sessions" --all-members | ids)
sessions+=,$(g session schedule --taskforce 82 --title "Rakor daring" --starts "$(date -u -d '+40 days' +%F) 10:00" --duration 2h \
    --format rakor --mode daring --url https://meet.example.id/rakor | ids)
participants+=,$(g session invite "${sessions##*,}" --name "Rina Tamu" --email rina@example.id | ids)
rules=$(g reminder rule add --offset 1d --taskforce 82 | ids)
# Aksi BHAM reporting: two actions and an open period, so that reports have something to say.
printf '%s\n' 'code,title,strategy,indicator,unit,target,assigned' 'A1.1,Sosialisasi BHAM,1,Jumlah kegiatan,kegiatan,4,all' \
    'N3.1,Pedoman nasional,3,Pedoman terbit,,,national' >"$home/actions.csv"
g report action import "$home/actions.csv" >/dev/null
g report period add --name B12-2026 --opens "$(date -u -d '-10 days' +%F)" --closes "$(date -u -d '+20 days' +%F)" --kind four-monthly >/dev/null
spare_token=$(g token issue --role viewer --name "fuzz target" | ids)
token=$(g token issue --role admin --name fuzz | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

# Half the generated ids and task-force references are drawn from the seed; now and then a
# date, length or count is an extreme one, where conversions and date arithmetic break.
cat >"$home/schemathesis.toml" <<TOML
[dictionaries]
edge_dates.values = ["0001-01-01", "1899-12-31", "2999-12-31", "9999-12-31"]
edge_durations.values = ["1m", "52w", "99999w", "999999999999w"]
edge_counts.values = [0, -1, 2147483647, 2147483648, 9223372036854775807]
taskforces.values = ["82", "national", $taskforces]
regions.values = ["11", "31", "51", "81", "82", "91", "94"]
sessions.values = [$sessions]
members.values = [$members]
participants.values = [$participants]
decrees.values = [$decree]
rules.values = [$rules]
tokens.values = [$spare_token]
periods.values = ["B12-2026"]
actions.values = ["A1.1", "N3.1"]

[parameters]
"query.taskforce" = { dictionary = "taskforces", probability = 0.5 }
"query.session" = { dictionary = "sessions", probability = 0.5 }
"query.decree_id" = { dictionary = "decrees", probability = 0.5 }
"body.task_force" = { dictionary = "taskforces", probability = 0.5 }
"body.region_code" = { dictionary = "regions", probability = 0.5 }
"body.session_id" = { dictionary = "sessions", probability = 0.5 }
"body.member_id" = { dictionary = "members", probability = 0.5 }
"body.decree_id" = { dictionary = "decrees", probability = 0.5 }
"body.amends_id" = { dictionary = "decrees", probability = 0.5 }
"body.revokes_id" = { dictionary = "decrees", probability = 0.5 }
"query.at" = { dictionary = "edge_dates", probability = 0.25 }
"query.from" = { dictionary = "edge_dates", probability = 0.25 }
"query.to" = { dictionary = "edge_dates", probability = 0.25 }
"query.since" = { dictionary = "edge_dates", probability = 0.25 }
"body.signed_on" = { dictionary = "edge_dates", probability = 0.25 }
"body.effective_from" = { dictionary = "edge_dates", probability = 0.25 }
"body.effective_until" = { dictionary = "edge_dates", probability = 0.25 }
"body.inaugurated_on" = { dictionary = "edge_dates", probability = 0.25 }
"body.from" = { dictionary = "edge_dates", probability = 0.25 }
"body.until" = { dictionary = "edge_dates", probability = 0.25 }
"body.on" = { dictionary = "edge_dates", probability = 0.25 }
"body.expires_on" = { dictionary = "edge_dates", probability = 0.25 }
"body.duration" = { dictionary = "edge_durations", probability = 0.25 }
"body.offset" = { dictionary = "edge_durations", probability = 0.25 }
"body.capacity" = { dictionary = "edge_counts", probability = 0.25 }
"body.working_group" = { dictionary = "edge_counts", probability = 0.25 }
"body.days_before" = { dictionary = "edge_counts", probability = 0.25 }
"body.repeat_days" = { dictionary = "edge_counts", probability = 0.25 }

[[operations]]
include-path-regex = '^/v1/taskforces/\{id\}/reports'
parameters = { "path.id" = { dictionary = "taskforces", probability = 0.5 }, "path.period" = { dictionary = "periods", probability = 0.7 }, "path.action" = { dictionary = "actions", probability = 0.7 } }

[[operations]]
include-path-regex = '^/v1/report-periods/\{period\}'
parameters = { "path.period" = { dictionary = "periods", probability = 0.7 } }

[[operations]]
include-path-regex = '^/v1/taskforces/\{id\}'
parameters = { "path.id" = { dictionary = "taskforces", probability = 0.5 } }

[[operations]]
include-path-regex = '^/v1/regions/\{code\}'
parameters = { "path.code" = { dictionary = "regions", probability = 0.5 } }

[[operations]]
include-path-regex = '^/v1/sessions/\{id\}'
parameters = { "path.id" = { dictionary = "sessions", probability = 0.5 }, "path.participant" = { dictionary = "participants", probability = 0.5 } }

[[operations]]
include-path-regex = '^/v1/members/\{id\}'
parameters = { "path.id" = { dictionary = "members", probability = 0.5 } }

[[operations]]
include-path-regex = '^/v1/reminder-rules/\{id\}'
parameters = { "path.id" = { dictionary = "rules", probability = 0.5 } }

[[operations]]
include-path-regex = '^/v1/tokens/\{id\}'
parameters = { "path.id" = { dictionary = "tokens", probability = 0.5 } }
TOML

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
"$gugus" serve --port "$port" >"$home/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
    curl -fsS "$base/readyz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { echo "fuzz.sh: the server did not start" >&2; exit 1; }
    sleep 0.2
done
curl -fsS "$base/readyz" >/dev/null

echo "fuzz.sh: schemathesis over $base/openapi.yaml, $max_examples examples per operation (phases: $phases)"
report=()
if [[ -n ${FUZZ_REPORT_DIR:-} ]]; then
    report=(--report junit --report-dir "$(realpath -m "$FUZZ_REPORT_DIR")")
fi
runs=0
run() {
    # Each run also writes schemathesis's JSON summary, which tells its own failures (a
    # "Runtime Error" inside schemathesis or hypothesis) from what it found in Gugus.
    runs=$((runs + 1))
    # From the throwaway home, so that schemathesis's cache lands there and not in the tree.
    (cd "$home" && schemathesis --config-file "$home/schemathesis.toml" run "$base/openapi.yaml" --url "$base" \
        -H "Authorization: Bearer $token" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,ignored_auth \
        --max-examples "$max_examples" --phases "$phases" \
        --workers "$workers" --request-timeout 30 \
        --suppress-health-check all --no-color "${generation[@]}" \
        ${seed:+--seed "$seed"} --report-json-path "$home/summary-$runs.json" "${report[@]}" ${FUZZ_ARGS:-} "$@")
}
# Revoking tokens last: an early revocation of our own token would turn the rest into 401s.
status=0
run --exclude-operation-id revokeToken || status=$?
run --include-operation-id revokeToken || status=$?
if [[ $status -ne 0 ]]; then
    python3 Tests/Support/fuzz_verdict.py "$home"/summary-*.json || status=$?
fi

# What the run reached, from the server's own request counter: answers per operation by
# status, so a run that never got past 404 or 422 shows.
curl -fsS "$base/metrics" | python3 -c '
import collections, re, sys
counts = collections.defaultdict(collections.Counter)
for line in sys.stdin:
    match = re.match(r"hb_requests\{(.*)\} ([0-9.]+)$", line.strip())
    if match:
        labels = dict(re.findall(r"(\w+)=\"([^\"]*)\"", match.group(1)))
        if labels["http_route"].startswith("/v1"):
            counts[labels["http_request_method"] + " " + labels["http_route"]][labels["http_response_status_code"]] += int(float(match.group(2)))
print("fuzz.sh: answers per operation, by status:")
for operation in sorted(counts, key=lambda key: key.split(" ")[::-1]):
    print("  %-58s %s" % (operation, "  ".join("%s:%d" % item for item in sorted(counts[operation].items()))))
' || true

# A 5xx is caught above; this catches a bug that was logged although the answer was fine,
# and a crash that schemathesis saw only as a connection error.
if grep -E '(internal error|unexpected error|Fatal error|Program crashed)' "$home/server.log" >&2; then
    echo "fuzz.sh: the server logged internal errors or crashed (above; FUZZ_KEEP=1 keeps its log)" >&2
    status=1
fi
if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "fuzz.sh: the server died during the run" >&2
    status=1
fi
if [[ $status -eq 0 ]]; then
    echo "fuzz.sh: the API matches docs/openapi.yaml"
fi
exit "$status"
