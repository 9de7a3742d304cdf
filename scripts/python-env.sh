#!/usr/bin/env bash
# Makes the virtual environment of the Python test tools under .build/python, from
# Tests/Support/requirements.lock (exact versions, checked by hash), and nothing else: the
# machine's own site-packages are not visible in it. It is made again only when the lock
# changes. Usage: scripts/python-env.sh   (prints nothing when the environment is current)
set -euo pipefail
cd "$(dirname "$0")/.."
lock=Tests/Support/requirements.lock
venv=${GUGUS_PYTHON_ENV:-.build/python}
stamp=$venv/.lock-sha256
wanted=$(sha256sum "$lock" | cut -d' ' -f1)
if [[ -x $venv/bin/python3 && -f $stamp && $(cat "$stamp") == "$wanted" ]]; then
    exit 0
fi
echo "Making the Python test environment in $venv from $lock"
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
python3 -m venv "$venv"
# Wheels only, each checked against its hash, no resolution: exactly the locked set.
"$venv/bin/python3" -m pip install --quiet --disable-pip-version-check --no-input \
    --require-hashes --no-deps --only-binary :all: -r "$lock"
"$venv/bin/python3" -m pip check >/dev/null
echo "$wanted" > "$stamp"
