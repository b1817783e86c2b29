"""Calibration files: thresholds come from data, a looser FMR is never substituted, bad files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.calibration import Calibration, CalibrationError, OperatingPoint, load_calibration, save_calibration


def _calibration(model_id: str = "model-x") -> Calibration:
    return Calibration(
        model_id=model_id,
        dataset="hand-made",
        dataset_fingerprint="abc",
        created="2026-11-22T00:00:00+00:00",
        points=[OperatingPoint(1e-2, 0.40, 10_000), OperatingPoint(1e-3, 0.50, 10_000)],
    )


def test_exact_fmr_gives_its_threshold() -> None:
    assert _calibration().threshold_at(1e-3) == 0.50


def test_untabulated_fmr_falls_back_to_the_next_stricter_one() -> None:
    assert _calibration().threshold_at(5e-3) == 0.50  # never the looser 1e-2 threshold


def test_fmr_stricter_than_any_tabulated_is_refused_with_advice() -> None:
    with pytest.raises(CalibrationError, match="no threshold at FMR 0.0001") as info:
        _calibration().threshold_at(1e-4)
    assert "recalibrate" in info.value.remedy


def test_round_trip_through_the_data_dir(tmp_path: Path) -> None:
    save_calibration(_calibration(), tmp_path)
    assert load_calibration("model-x", [tmp_path]) == _calibration()
    assert not list(tmp_path.glob(".*.tmp")), "no temp file left behind"


def test_missing_calibration_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(CalibrationError, match="no calibration for face model nobody") as info:
        load_calibration("nobody", [tmp_path])
    assert "checkpoint bench verify" in info.value.remedy


def test_corrupt_and_misnamed_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "model-x.json").write_text('{"format": "checkpoint-calibration/1", "points": [')
    with pytest.raises(CalibrationError, match="not a valid calibration"):
        load_calibration("model-x", [tmp_path])
    (tmp_path / "model-x.json").write_text(_calibration("model-y").to_json())
    with pytest.raises(CalibrationError, match="is for model model-y"):
        load_calibration("model-x", [tmp_path])


def test_data_dir_calibration_overrides_the_shipped_one(tmp_path: Path) -> None:
    from checkpoint.settings import Settings
    from edge.face.factory import configured_model_id

    settings = Settings(data_dir=tmp_path / "data")
    model_id = configured_model_id(settings.embedder, settings.face_alignment, **settings.embedder_options())
    shipped = load_calibration(model_id)
    assert shipped.points, "the release ships a calibration for the default face model"
    site = _calibration(model_id)
    save_calibration(site, tmp_path)
    assert load_calibration(model_id, [tmp_path]).threshold_at(1e-3) == 0.50


def test_the_face_pipeline_is_recorded_and_files_from_before_still_read(tmp_path: Path) -> None:
    import dataclasses
    import json

    recorded = dataclasses.replace(_calibration(), detector="yunet+cnn", alignment="dlib5")
    save_calibration(recorded, tmp_path)
    again = load_calibration("model-x", [tmp_path])
    assert (again.detector, again.alignment) == ("yunet+cnn", "dlib5")
    older = {k: v for k, v in json.loads(recorded.to_json()).items() if k not in ("detector", "alignment")}
    (tmp_path / "model-x.json").write_text(json.dumps(older))
    before = load_calibration("model-x", [tmp_path])
    assert before.threshold_at(1e-3) == 0.50 and (before.detector, before.alignment) == ("", "")
