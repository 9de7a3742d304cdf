#!/usr/bin/env bash
# The portal in a real browser (Tests/Portal/portal_browser_test.py): a throwaway cluster,
# seeded with the CLI, a `gugus serve` on a free port, headless Chromium through Debian's
# chromedriver. Screenshots go to .build/portal-screenshots/. Everything is removed
# afterwards, also on failure; PORTAL_KEEP=1 keeps the folder (server log, cluster).
# Usage: scripts/portal-test.sh [GUGUS-BINARY]   (default .build/debug/gugus)
set -euo pipefail
cd "$(dirname "$0")/.."
gugus=$(realpath "${1:-.build/debug/gugus}")
scripts/python-env.sh
export PATH=$PWD/.build/python/bin:$PATH
for tool in chromium chromedriver; do
    command -v "$tool" >/dev/null || { echo "portal-test.sh: $tool is missing; run scripts/install-deps.sh test" >&2; exit 2; }
done

unset DATABASE_URL PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE GUGUS_SERVER GUGUS_TOKEN GUGUS_SMTP_URL
home=$(mktemp -d /tmp/gugus-portal.XXXXXX)
chmod 755 "$home"
export GUGUS_HOME=$home GUGUS_REMINDER_LOG=$home/reminders.log LANG=C.UTF-8
server_pid=
cleanup() {
    local status=$?
    [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    "$gugus" db local stop >/dev/null 2>&1 || true
    if [[ $status -ne 0 ]]; then
        echo "portal-test.sh: the server's log ends with:" >&2
        tail -n 30 "$home/server.log" >&2 2>/dev/null || true
    fi
    [[ -n ${PORTAL_KEEP:-} ]] && echo "portal-test.sh: kept $home" >&2 || rm -rf "$home"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$gugus" db local start >/dev/null
g() { "$gugus" "$@" >/dev/null; }
g taskforce create --region 82
g decree add --taskforce 82 --number "188.45/123/2026" --title "tentang Pembentukan GTD BHAM Provinsi Maluku Utara" \
    --place Sofifi --signed-on 2026-01-05 --effective-until 2028-12-31 --signer "Gubernur Maluku Utara"
g member add --taskforce 82 --name "Siti Rahma" --role sekretaris --position "Kepala Kanwil" \
    --institution "Kanwil Kementerian HAM Maluku Utara" --email siti@malut.example.go.id --phone 0811-0000-0103
g member add --taskforce 82 --name "Rahmat <b>Contoh</b>" --role ketua --position "Gubernur Maluku Utara" \
    --institution "Pemerintah Provinsi Maluku Utara"
g session schedule --taskforce 82 --title "Sosialisasi Stranas BHAM" --starts "$(date -u -d '+20 days' +%F) 09:00" \
    --duration 3h --venue "Aula Gamalama, Ternate"
g taskforce create --region 81
g decree add --taskforce 81 --number "100/MAL/2026" --title "tentang Pembentukan GTD BHAM Provinsi Maluku" \
    --signed-on 2026-02-01 --effective-until 2026-12-31 --signer "Gubernur Maluku"
g member add --taskforce 81 --name "Yohanes Maluku" --role sekretaris --position "Kepala Biro Hukum" \
    --institution "Biro Hukum Provinsi Maluku" --email yohanes@maluku.example.go.id
g reminder rule add --offset 1d --taskforce 82 --audience members --channel log
# Aksi BHAM reporting: the actions, a period open now, a session of 82's held five days ago.
printf '%s\n' 'code,title,strategy,indicator,unit,target,assigned' \
    'A1.1,Sosialisasi BHAM bagi pelaku usaha,1,Jumlah kegiatan sosialisasi,kegiatan,4,all' \
    'A2.1,Penyusunan rencana aksi daerah,2,Dokumen rencana aksi,,,all' >"$home/actions.csv"
g report action import "$home/actions.csv"
g report period add --name "Laporan Tahunan 2026" --opens "$(date -u -d '-10 days' +%F)" --closes "$(date -u -d '+20 days' +%F)"
held=$("$gugus" session schedule --taskforce 82 --title "Sosialisasi BHAM bagi UMKM" --starts "$(date -u -d '-5 days' +%F) 09:00" \
    --duration 3h --venue "Aula Kantor Gubernur, Sofifi" --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
g session complete "$held"
g user add --email peninjau@gtn.example.go.id --name "Peninjau GTN" --role reviewer
g user add --email admin@gtn.example.go.id --name "Admin GTN" --role admin
g user add --email kanwil@malut.example.go.id --name "Kanwil Maluku Utara" --role coordinator --region 82
g user add --email biro@gorontalo.example.go.id --name "Biro Hukum Gorontalo" --role coordinator --region 75

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
# A server far from Indonesia: every time on the pages must still be the province's own.
TZ=America/New_York GUGUS_PUBLIC_URL=$base "$gugus" serve --port "$port" --no-scheduler >"$home/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 150); do
    curl -fsS "$base/readyz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { echo "portal-test.sh: the server did not start" >&2; exit 1; }
    sleep 0.2
done
shots=$PWD/.build/portal-screenshots
rm -rf "$shots"
python3 Tests/Portal/portal_browser_test.py "$base" "$home/server.log" "$gugus" "$shots"
