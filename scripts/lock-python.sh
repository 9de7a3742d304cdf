#!/usr/bin/env bash
# Re-resolves Tests/Support/requirements.in into requirements.lock: exact versions and the
# hashes of every file PyPI has for them. Run it on purpose, when a tool is added or a
# version should move; review the diff and commit both files. Nothing else updates the lock.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pip-tools
"$work/venv/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras --no-header \
    --output-file Tests/Support/requirements.lock Tests/Support/requirements.in
echo "lock-python.sh: wrote Tests/Support/requirements.lock; the venv is rebuilt on the next make test"
