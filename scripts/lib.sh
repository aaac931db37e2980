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

# Debian's libraries WeasyPrint loads to lay out PDF decision reports (Pango, HarfBuzz) and a
# font to lay them out with; the Dockerfile installs the same packages.
REPORT_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"

ensure_report_libs() {
  if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || ! fc-list 2>/dev/null | grep -q .; then
    echo "Installing the libraries PDF reports need (Pango, fonts)..."
    # shellcheck disable=SC2086
    apt_install $REPORT_PACKAGES fontconfig || echo "warning: could not install Pango; PDF reports will fail." >&2
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
