#!/usr/bin/env bash
# Install authcontract (the revision of this action) with its suite into a venv of its own under
# RUNNER_TEMP, so the caller's Python and PATH stay as they were. Writes the command's path to the
# step's output `authcontract`.
set -euo pipefail

python="${PYTHON:-python3}"
venv="${RUNNER_TEMP:?RUNNER_TEMP is set by the runner}/authcontract-venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${ACTION_PATH:?}/../../..[suite]"
echo "authcontract=$venv/bin/authcontract" >> "${GITHUB_OUTPUT:?}"
