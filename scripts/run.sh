#!/usr/bin/env bash
# Installs the system and runs its main job on the embedded defaults.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

apt_install "${APT_RUN[@]}"
make_venv
install_project ""

cd "$REPO"
exec "$VENV/bin/checkpoint" demo "$@"
