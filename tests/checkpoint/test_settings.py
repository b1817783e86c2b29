"""Settings: environment variables with the CHECKPOINT_ prefix, an optional TOML file, safe defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from checkpoint.settings import Settings


def test_defaults_need_no_setup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CHECKPOINT_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    s = Settings()
    assert s.data_dir == tmp_path / "checkpoint"
    assert s.embedder == "onnx" and s.face_detector == "yunet" and s.target_fmr == 1e-3
    assert s.face_alignment == "dlib5" and s.fallback_detector == "cnn"
    assert s.calibration_dir == s.data_dir / "calibration"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CHECKPOINT_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("CHECKPOINT_FACE_DETECTOR", "cnn")
    s = Settings()
    assert s.data_dir == tmp_path / "d" and s.face_detector == "cnn"


@pytest.mark.parametrize("detector", ["hog", "cnn"])
def test_dlib_detectors_remain_selectable(monkeypatch: pytest.MonkeyPatch, detector: str) -> None:
    monkeypatch.setenv("CHECKPOINT_FACE_DETECTOR", detector)
    assert Settings().face_detector == detector


def test_yunet_alignment_without_yunet_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKPOINT_FACE_DETECTOR", "hog")
    monkeypatch.setenv("CHECKPOINT_FACE_ALIGNMENT", "yunet5")
    with pytest.raises(ValidationError, match="CHECKPOINT_FACE_DETECTOR=yunet") as info:
        Settings()
    assert info.value.errors()[0]["loc"] == ("face_alignment",)


def test_toml_file_is_read_and_environment_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "checkpoint.toml"
    config.write_text('target_fmr = 0.0001\nface_upsample = 2\ndata_dir = "/srv/checkpoint"\n')
    monkeypatch.setenv("CHECKPOINT_CONFIG", str(config))
    monkeypatch.setenv("CHECKPOINT_FACE_UPSAMPLE", "0")
    s = Settings()
    assert s.target_fmr == 1e-4 and s.data_dir == Path("/srv/checkpoint")
    assert s.face_upsample == 0


def test_missing_config_file_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CHECKPOINT_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(FileNotFoundError, match="not a file"):
        Settings()


def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKPOINT_TARGET_FMR", "2")
    with pytest.raises(ValidationError, match="target_fmr"):
        Settings()


def test_pending_decision_hours_default_to_a_day_and_must_be_positive(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().kiosk_pending_decision_hours == 24
    monkeypatch.setenv("CHECKPOINT_KIOSK_PENDING_DECISION_HOURS", "0")
    with pytest.raises(ValidationError, match="kiosk_pending_decision_hours"):
        Settings()


def test_cli_names_the_bad_variable_in_one_line(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "CHECKPOINT_TARGET_FMR": "2", "CHECKPOINT_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "checkpoint", "compare", "a.jpg", "b.jpg"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "checkpoint: invalid configuration (CHECKPOINT_TARGET_FMR: Input should be less than 1). "
        "Fix the variable or the TOML file"
    ]
