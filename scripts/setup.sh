#!/usr/bin/env bash
# Shared set-up for scripts/run.sh and scripts/test.sh: Debian packages, a virtualenv, the project.
# Idempotent: a second run installs nothing new. Needs root for apt-get (it is skipped when all is present).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CHECKPOINT_VENV:-$REPO/.venv}"
PYTHON="${PYTHON:-python3}"

# Debian packages the system needs at run time (opencv's shared libraries) and for the tests.
APT_RUN=(libgl1 libglib2.0-0 fonts-ocr-b fonts-dejavu-core)
APT_TEST=(postgresql chromium chromium-driver)

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: need these Debian packages, run as root or install them: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

make_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; "$PYTHON" -m venv "$VENV"; }
  fi
  "$VENV/bin/python" -m pip install -q --upgrade pip
}

install_project() {  # $1: extras, e.g. "test" or ""
  local spec="$REPO"
  [ -n "${1:-}" ] && spec="$REPO[$1]"
  "$VENV/bin/python" -m pip install -q -e "$spec"
  # The translation catalogs are compiled by Babel's tool at install, never edited or compiled by hand.
  PYBABEL="$VENV/bin/pybabel" bash "$REPO/scripts/catalogs.sh" compile
}
