"""Model files committed under edge/face/models/: each is the file its note names (size, SHA-256), with its
licence beside it, and a non-editable install carries them."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from edge.errors import ModelUnavailable
from edge.face.model_files import file_sha256
from edge.face.yunet import MODELS_DIR, YUNET_MODEL, YUNET_SHA256, YuNetDetector

ROOT = Path(__file__).resolve().parents[3]
NOTES = sorted(MODELS_DIR.glob("*.md"))


def _field(note: str, name: str) -> str:
    match = re.search(rf"^\| {name} \| (.+?) \|$", note, flags=re.MULTILINE)
    assert match, f"the note has no '{name}' row"
    return match.group(1)


def test_every_model_file_has_a_note() -> None:
    models = sorted(p for p in MODELS_DIR.iterdir() if p.suffix == ".onnx")
    assert models, "no model file committed"
    assert [m.with_suffix(".md") for m in models] == NOTES


@pytest.mark.parametrize("note_path", NOTES, ids=lambda p: p.stem)
def test_note_matches_the_committed_file(note_path: Path) -> None:
    note = note_path.read_text()
    model = note_path.with_suffix(".onnx")
    assert _field(note, "SHA-256").strip("`") == file_sha256(model)
    assert int(_field(note, "size").split()[0].replace(",", "")) == model.stat().st_size
    assert note_path.with_suffix(".LICENSE").stat().st_size > 0, "the licence is committed beside the model"
    assert re.fullmatch(r"`[0-9a-f]{40}`.*", _field(note, "commit")), "the upstream commit is named"


def test_the_detector_checks_the_digest_it_ships_with() -> None:
    assert file_sha256(YUNET_MODEL) == YUNET_SHA256


def test_a_model_file_other_than_the_committed_one_is_refused(tmp_path) -> None:
    altered = tmp_path / YUNET_MODEL.name
    altered.write_bytes(YUNET_MODEL.read_bytes()[:-1] + b"\x00")
    with pytest.raises(ModelUnavailable, match="not the committed file"):
        YuNetDetector(altered)


def test_package_data_includes_the_model_files() -> None:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["edge.face"]
    for path in (p for p in MODELS_DIR.rglob("*") if p.is_file()):  # the PAD models sit in models/pad/
        relative = path.relative_to(MODELS_DIR.parent).as_posix()
        assert any(fnmatch(relative, pattern) for pattern in patterns), f"{relative} would not be installed"
