#!/usr/bin/env bash
# Installs everything the test suite needs and runs all of it. Exit code: pytest's, except that
# "no tests ran" (pytest exit 5) is a failure here, never a pass.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

apt_install "${APT_RUN[@]}" ${APT_TEST[@]+"${APT_TEST[@]}"}
make_venv
install_project test

cd "$REPO"
# PostgreSQL is installed above; the API tests start a private server (tests/api/postgres_server.py) and
# must fail, not skip, when it cannot start.
export CHECKPOINT_REQUIRE_POSTGRES=1
"$VENV/bin/python" -m ruff check .
set +e
"$VENV/bin/python" -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "test.sh: pytest collected no tests: that is a failure, not a pass" >&2
  exit 1
fi
exit "$rc"
