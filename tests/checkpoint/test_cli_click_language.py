"""Click's own words follow the CLI's language rule too: in a French shell `checkpoint --nope` is refused, and
`checkpoint --help` reads, in French (usage line, headings, option help); in an English shell as before. And every
click message our catalog translates still is one click asks for, so a click upgrade that rewords one fails here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from babel.messages.extract import extract_from_dir

from checkpoint.cli.click_messages import CLICK_MESSAGES
from tests.cli.run import one_line_error


def _checkpoint(*args: str, data_dir: Path, **locale: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}}
    env |= {"CHECKPOINT_DATA_DIR": str(data_dir), **locale}
    return subprocess.run(
        [sys.executable, "-m", "checkpoint", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_an_unknown_option_is_refused_in_french_in_a_french_shell(tmp_path):
    french = _checkpoint("--nope", data_dir=tmp_path, LANG="fr_FR.UTF-8")
    assert french.returncode == 2
    assert one_line_error(french) == ("checkpoint: Option '--nope' inconnue. Lancez 'checkpoint --help' pour l'usage.")


def test_an_unknown_option_is_refused_in_english_in_an_english_shell(tmp_path):
    # LANGUAGE (gettext's own first choice) does not outvote the rule the CLI follows: LC_ALL, LC_MESSAGES, LANG.
    english = _checkpoint("--nope", data_dir=tmp_path, LANG="en_US.UTF-8", LANGUAGE="fr")
    assert english.returncode == 2
    assert one_line_error(english) == "checkpoint: No such option '--nope'. Run 'checkpoint --help' for usage."


def test_a_missing_argument_and_a_wrong_value_are_explained_in_french(tmp_path):
    missing = _checkpoint("read-document", data_dir=tmp_path, LANG="fr_FR.UTF-8")
    assert missing.returncode == 2
    assert "Argument manquant 'IMAGE'." in one_line_error(missing)
    wrong = _checkpoint("watchlist", "import-documents", "x.csv", "--watchlist", "w", "--review-by", "demain",
                        data_dir=tmp_path, LANG="fr_FR.UTF-8")  # fmt: skip
    assert wrong.returncode == 2
    assert "Valeur invalide pour '--review-by'" in one_line_error(wrong)
    assert "ne correspond pas au format" in one_line_error(wrong)
    extra = _checkpoint("read-document", "page.jpg", "x", "y", data_dir=tmp_path, LANG="fr_FR.UTF-8")
    assert extra.returncode == 2
    assert "Arguments supplémentaires inattendus (x y)." in one_line_error(extra)  # click's ngettext: a plural


def test_the_help_reads_in_french_in_a_french_shell_and_in_english_otherwise(tmp_path):
    french = _checkpoint("--help", data_dir=tmp_path, LC_ALL="fr_SN.UTF-8")
    english = _checkpoint("--help", data_dir=tmp_path, LC_ALL="en_GB.UTF-8")
    assert french.returncode == english.returncode == 0
    assert french.stdout.startswith("Utilisation : checkpoint [OPTIONS] COMMAND [ARGS]...")  # metavars: not marked
    assert "Commandes:" in french.stdout and "Affiche ce message et quitte." in french.stdout
    assert english.stdout.startswith("Usage: checkpoint [OPTIONS] COMMAND [ARGS]...")
    assert "Commands:" in english.stdout and "Show this message and exit." in english.stdout


def test_every_click_message_we_translate_is_one_click_asks_for():
    source = Path(click.__file__).parent
    asked = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(source)):
        asked.add(message if isinstance(message, str) else message[0])
    assert len(CLICK_MESSAGES) > 20
    stale = sorted(set(CLICK_MESSAGES) - asked)
    assert not stale, f"click {click.__version__} no longer asks for these (reword them from its source): {stale}"
