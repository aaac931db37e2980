# Shared by scripts/demo.sh and scripts/test.sh: a project virtualenv kept in step with
# pyproject.toml. Sourced, not run.

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

ensure_venv() {
  # $1: the extras to install ("" or "dev")
  local extras=$1 spec="." stamp
  [ -n "$extras" ] && spec=".[${extras}]"
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Vitrine needs Python 3.11 or newer as '$PYTHON' (set PYTHON=...)." >&2
    exit 1
  fi
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  # Reinstall only when the dependencies changed.
  stamp="$VENV/.installed-${extras:-base}-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "Installing Vitrine${extras:+ with its $extras tools} into $VENV (first run takes a few minutes)..."
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e "$spec"
    rm -f "$VENV"/.installed-"${extras:-base}"-*
    touch "$stamp"
  fi
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else return 1
  fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  as_root apt-get update -qq >/dev/null && \
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
