"""The CLI speaks the shell's language (LC_ALL, then LC_MESSAGES, then LANG, as gettext reads them), else the post's
default, French: an officer's one-line refusals read in French or English, with the same exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.run import one_line_error


def _checkpoint(*args: str, data_dir: Path, **locale: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"LC_ALL", "LC_MESSAGES", "LANG"}}
    env |= {"CHECKPOINT_DATA_DIR": str(data_dir), **locale}
    return subprocess.run(
        [sys.executable, "-m", "checkpoint", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ({"LANG": "fr_FR.UTF-8"}, "n'existe pas ou n'est pas un fichier. Vérifiez le chemin"),
        ({"LANG": "en_US.UTF-8"}, "does not exist or is not a file. Check the path"),
        ({"LANG": "C.UTF-8"}, "n'existe pas"),  # no language named: the post's default, French
        ({"LANG": "C.UTF-8", "CHECKPOINT_DEFAULT_LANGUAGE": "en"}, "does not exist"),
        ({"LC_ALL": "en_GB.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8", "LANG": "fr_FR.UTF-8"}, "does not exist"),
        ({"LC_MESSAGES": "fr_SN.UTF-8", "LANG": "en_US.UTF-8"}, "n'existe pas"),
    ],
)
def test_read_document_refuses_a_missing_page_in_the_shells_language(tmp_path, locale, expected):
    result = _checkpoint("read-document", str(tmp_path / "page.jpg"), data_dir=tmp_path, **locale)
    assert result.returncode == 3
    assert expected in one_line_error(result)


def test_compare_refuses_an_empty_photo_in_french_and_in_english(tmp_path):
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    french = _checkpoint("compare", str(empty), str(empty), data_dir=tmp_path, LANG="fr_FR.UTF-8")
    english = _checkpoint("compare", str(empty), str(empty), data_dir=tmp_path, LANG="en_US.UTF-8")
    assert french.returncode == english.returncode == 3
    assert one_line_error(french) == f"checkpoint: {empty} est vide (0 octet). Capturez ou numérisez l'image à nouveau"
    assert one_line_error(english) == f"checkpoint: {empty} is empty (0 bytes). Capture or scan the image again"


def test_a_usage_error_says_where_to_look_in_french(tmp_path):
    result = _checkpoint("read-document", data_dir=tmp_path, LANG="fr_FR.UTF-8")
    assert result.returncode == 2
    assert "Lancez 'checkpoint read-document --help' pour l'usage." in one_line_error(result)
