#!/usr/bin/env bash
# The translation catalogs (checkpoint/locale), with Babel's own tool, never by code:
#   bash scripts/catalogs.sh update    extract every _() / {% trans %} string into messages.pot and merge it into
#                                      each language's messages.po (new strings arrive empty, for a translator)
#   bash scripts/catalogs.sh compile   compile each messages.po to messages.mo (scripts/setup.sh does it at install)
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYBABEL="${PYBABEL:-$REPO/.venv/bin/pybabel}"
LOCALE="$REPO/checkpoint/locale"
cd "$REPO"
mkdir -p "$LOCALE"
case "${1:-}" in
  update)
    "$PYBABEL" -q extract -F babel.cfg -k lazy_gettext -k lazy_format -k N_plural:1,2 --no-location --sort-output --project checkpoint-screening \
      -o "$LOCALE/messages.pot" api benchmarks checkpoint edge matcher watchlists
    for lang in fr; do  # English is the source language: it needs no catalog
      if [ -f "$LOCALE/$lang/LC_MESSAGES/messages.po" ]; then
        "$PYBABEL" -q update --no-fuzzy-matching --ignore-obsolete -i "$LOCALE/messages.pot" -d "$LOCALE" -l "$lang"
      else
        "$PYBABEL" -q init -i "$LOCALE/messages.pot" -d "$LOCALE" -l "$lang"
      fi
    done
    ;;
  compile)
    "$PYBABEL" -q compile -d "$LOCALE" -D messages
    ;;
  *)
    echo "usage: bash scripts/catalogs.sh update|compile" >&2
    exit 2
    ;;
esac
