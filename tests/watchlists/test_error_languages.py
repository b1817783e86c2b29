"""Watchlist refusals reach administrators in their language: the CLI in the shell's, the API in the caller's. No
WatchlistError is raised with text outside the catalog, and a partial date's refusal is French in French."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from checkpoint.i18n import language
from tests.cli.run import one_line_error
from tests.untranslated_text import error_class_names, error_factory_names, untranslated_calls
from watchlists import errors
from watchlists.partial_date import PartialDate

WATCHLISTS = Path(__file__).resolve().parents[2] / "watchlists"


def test_every_watchlist_refusal_is_built_from_translated_text():
    names = error_class_names(errors, errors.WatchlistError, WATCHLISTS)
    factories = error_factory_names(WATCHLISTS, names)
    untranslated = untranslated_calls(WATCHLISTS, names | {"ValueError"}, factories)
    assert len(names) > 8 and factories  # the walk found the error classes and `snapshot._rejected`
    assert not untranslated, "watchlist refusals with English text not in the catalog:\n" + "\n".join(untranslated)


@pytest.mark.parametrize(
    ("text", "english", "french"),
    [
        ("04/1978", "date '04/1978' is not YYYY, YYYY-MM or YYYY-MM-DD", "n'est pas de la forme AAAA"),
        ("1978-13", "month 13 in '1978-13' does not exist", "le mois 13"),
        ("1978-04-31", "day 31 of 1978-04 does not exist", "le jour 31"),
    ],
)
def test_a_refused_date_of_birth_is_explained_in_the_readers_language(text, english, french):
    for lang, expected in (("en", english), ("fr", french)):
        with language(lang), pytest.raises(ValueError) as refused:
            PartialDate.parse(text)
        assert expected in str(refused.value)


def _watchlist(*args: str, data_dir: Path, lang: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"LC_ALL", "LC_MESSAGES", "LANG"}}
    env |= {"CHECKPOINT_DATA_DIR": str(data_dir), "LANG": lang}
    return subprocess.run(
        [sys.executable, "-m", "checkpoint", "watchlist", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_the_cli_refuses_an_unknown_watchlist_in_the_shells_language(tmp_path):
    documents = tmp_path / "documents.csv"
    documents.write_text("issuing_state,number,reported_on\nMLI,AA0012345,2026-10-01\n", encoding="utf-8")
    args = ("import-documents", str(documents), "--watchlist", "nope", "--review-by", "2099-01-01")
    french = _watchlist(*args, data_dir=tmp_path, lang="fr_FR.UTF-8")
    english = _watchlist(*args, data_dir=tmp_path, lang="en_US.UTF-8")
    assert french.returncode == english.returncode == 3
    assert one_line_error(english).startswith("checkpoint: no watchlist named 'nope' (known: none). Check the name")
    assert one_line_error(french).startswith("checkpoint: aucune liste de surveillance nommée 'nope'")
    assert "Vérifiez le nom" in one_line_error(french)
