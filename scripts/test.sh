#!/usr/bin/env bash
# Runs Vitrine's whole test suite. Installs what the tests need first: the package with its dev
# tools, Pango (PDF reports) and poppler-utils, Chromium and chromedriver, axe-core, and running
# PostgreSQL and Redis servers.
# Extra arguments go to pytest, e.g. scripts/test.sh -k migrations
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_venv dev
ensure_report_libs
# pdftotext reads the PDF reports back in the tests.
command -v pdftotext >/dev/null 2>&1 || apt_install poppler-utils || echo "warning: could not install poppler-utils; PDF report tests will fail." >&2

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "Installing Chromium and chromedriver for the browser tests..."
  apt_install chromium chromium-driver || echo "warning: could not install Chromium; browser tests will be skipped (they fail under CI=true)." >&2
fi

if [ ! -f node_modules/axe-core/axe.min.js ]; then
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm || true
  npm ci --no-audit --no-fund --silent
fi

# PostgreSQL: start the local cluster if it is installed but down; install it if missing.
export VITRINE_TEST_POSTGRES_URL=${VITRINE_TEST_POSTGRES_URL:-postgresql+psycopg2://postgres@127.0.0.1:5432/test}
pg_up() { "$VENV/bin/python" - "$VITRINE_TEST_POSTGRES_URL" <<'PY' >/dev/null 2>&1
import sys
from sqlalchemy import create_engine, text
with create_engine(sys.argv[1], connect_args={"connect_timeout": 3}).connect() as c:
    c.execute(text("SELECT 1"))
PY
}
if ! pg_up; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1 && [ "${CI:-}" = "true" ]; then
    echo "Installing PostgreSQL..."
    apt_install postgresql || true
  fi
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    for version in $(ls /etc/postgresql 2>/dev/null); do
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
    done
    for _ in $(seq 1 20); do pg_up && break; sleep 1; done
  fi
  if ! pg_up && [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL does not answer at $VITRINE_TEST_POSTGRES_URL" >&2
    exit 1
  fi
fi

# Redis: the scale-out tests (shared cache, Celery worker) need one; start or install it.
export VITRINE_TEST_REDIS_URL=${VITRINE_TEST_REDIS_URL:-redis://127.0.0.1:6379}
redis_up() { "$VENV/bin/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()" "$VITRINE_TEST_REDIS_URL" >/dev/null 2>&1; }
if ! redis_up; then
  if ! command -v redis-server >/dev/null 2>&1 && [ "${CI:-}" = "true" ]; then
    echo "Installing Redis..."
    apt_install redis-server || true
  fi
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --port 6379 --bind 127.0.0.1 --save '' --appendonly no --daemonize yes >/dev/null || true
    for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  fi
  if ! redis_up && [ "${CI:-}" = "true" ]; then
    echo "Redis does not answer at $VITRINE_TEST_REDIS_URL" >&2
    exit 1
  fi
fi

# Browser profiles and test files stay inside the checkout, not in /tmp.
export TMPDIR="$PWD/.tmp"
mkdir -p "$TMPDIR"
export DASH_TEST_CHROMEPATH=${DASH_TEST_CHROMEPATH:-$(command -v chromium || true)}

"$VENV/bin/ruff" check .
"$VENV/bin/lint-imports" --no-cache   # the dependency rule between layers (pyproject.toml)
"$VENV/bin/mypy"                      # strict on ml and db, normal elsewhere (pyproject.toml)
exec "$VENV/bin/python" -m pytest "$@"
