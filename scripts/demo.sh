#!/usr/bin/env bash
# Installs Vitrine into .venv and runs the demo: builds the demo catalogue, loads it into an
# embedded SQLite database, trains the models and serves the dashboard on http://127.0.0.1:8050/
# Extra arguments go to `vitrine demo`, e.g. scripts/demo.sh --port 8080
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_venv train
ensure_report_libs
exec "$VENV/bin/vitrine" demo "$@"
