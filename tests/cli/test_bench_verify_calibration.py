"""`checkpoint bench verify` on data of one's own: its calibration overrides the shipped one for every later
command, so it is installed only when asked, says which data it was fitted on, and results go where --out says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.run import one_line_error, run_checkpoint

pytestmark = pytest.mark.lfw


def _bench_verify(images: Path, pairs: Path, data: Path, *more: str):  # type: ignore[no-untyped-def]
    fast = ("--workers", "1", "--no-reference", "--timing-faces", "0", "--quiet")
    args = ("bench", "verify", "--images", str(images), "--pairs", str(pairs), *fast, *more)
    return run_checkpoint(*args, data_dir=data, timeout=900)


def test_a_calibration_is_installed_only_when_asked_and_names_the_data_it_was_fitted_on(lfw_mini, tmp_path) -> None:
    images, pairs, data = lfw_mini["images"], lfw_mini["pairs"], tmp_path / "data"
    measured = _bench_verify(images, pairs, data, "--out", str(tmp_path / "first"))
    assert measured.returncode == 0, measured.stderr
    (results,) = (tmp_path / "first").glob("verify-*.json")
    assert not (data / "calibration").exists(), "a site calibration was installed without --write-calibration"
    assert "--write-calibration" in measured.stdout

    installed = _bench_verify(images, pairs, data, "--out", str(tmp_path / "second"), "--write-calibration")
    assert installed.returncode == 0, installed.stderr
    (calibration,) = (data / "calibration").glob("*.json")
    body = json.loads(calibration.read_text())
    assert str(images) in body["dataset"] and str(pairs) in body["dataset"] and "LFW-dev" not in body["dataset"]
    assert body["dataset_fingerprint"] == json.loads(results.read_text())["dataset"]["fingerprint"]
    assert f"calibration: {calibration}" in installed.stdout


def test_too_few_impostors_to_calibrate_is_refused_rather_than_installed(lfw_mini, tmp_path) -> None:
    lines = lfw_mini["pairs"].read_text().splitlines()
    small = tmp_path / "pairs.txt"  # two folds of one mated and one non-mated pair: a handful of impostors
    small.write_text("\n".join(["2\t1", lines[1], lines[9], lines[17], lines[25]]) + "\n")
    refused = _bench_verify(lfw_mini["images"], small, tmp_path / "data", "--out", str(tmp_path), "--write-calibration")
    assert refused.returncode == 3
    assert "too few" in one_line_error(refused)
    assert not (tmp_path / "data" / "calibration").exists()
