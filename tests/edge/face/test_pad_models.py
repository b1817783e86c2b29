"""The committed presentation-attack models are the files their NOTICE describes, with their licence, and ship."""

from __future__ import annotations

import fnmatch
import hashlib
import tomllib
from pathlib import Path

from edge.face.pad import MODELS, MODELS_DIR

ROOT = Path(__file__).resolve().parents[3]


def _notice_entries() -> dict[str, dict[str, str]]:
    """`file:` blocks of the NOTICE, each a dict of its `key: value` lines."""
    entries: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in (MODELS_DIR / "NOTICE").read_text().splitlines():
        key, _, value = line.partition(": ")
        if key == "file":
            current = entries.setdefault(value, {})
        elif current is not None and key in {"upstream", "upstream-sha256", "sha256", "size"}:
            current[key] = value
    return entries


def test_every_model_file_has_the_sha256_and_size_its_notice_records():
    entries = _notice_entries()
    assert set(entries) == set(MODELS)
    for name, entry in entries.items():
        data = (MODELS_DIR / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
        assert len(data) == int(entry["size"]), name
        assert entry["upstream"].startswith("resources/anti_spoof_models/") and len(entry["upstream-sha256"]) == 64


def test_the_notice_names_source_commit_and_the_apache_licence_beside_it():
    notice = (MODELS_DIR / "NOTICE").read_text()
    assert "github.com/minivision-ai/Silent-Face-Anti-Spoofing" in notice
    assert "b6d5f04ad78778917853b25c778acef6d5626d15" in notice
    assert "Apache License" in (MODELS_DIR / "LICENSE").read_text()[:200]


def test_a_non_editable_install_carries_the_models_licence_and_notice():
    """pyproject's package data must match every file of the folder, or a wheel ships a kiosk without PAD."""
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    patterns = package_data.get("edge.face", [])
    package = ROOT / "edge" / "face"
    for path in MODELS_DIR.iterdir():
        relative = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative
