"""`bench identify`, `bench fusion` and `bench gallery` measure the configured face pipeline (the one `bench verify`
measures and the kiosk runs), and a calibration's 1:N block is neither dropped by `bench verify` nor written into
a calibration fitted on another pipeline."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from matcher.calibration import SHIPPED_DIR
from tests.cli.run import one_line_error, run_checkpoint

pytestmark = pytest.mark.lfw

FAST_VERIFY = ("--workers", "1", "--no-reference", "--timing-faces", "0", "--quiet")


def _shared(lfw_mini: dict[str, Path], tmp_path: Path) -> Path:
    """A shared-data folder whose lfw-dev is the small set, for commands that read LFW-dev from the settings."""
    root = tmp_path / "shared"
    (root / "lfw-dev").mkdir(parents=True)
    (root / "lfw-dev" / "images").symlink_to(lfw_mini["images"])
    (root / "lfw-dev" / "pairs.txt").symlink_to(lfw_mini["pairs"])
    return root


def _pipelines(data: Path) -> set[str]:
    with sqlite3.connect(data / "cache" / "templates.sqlite") as db:
        return {row[0] for row in db.execute("SELECT DISTINCT pipeline FROM templates")}


def test_bench_identify_searches_the_templates_bench_verify_measured(lfw_mini, tmp_path) -> None:
    data, env = tmp_path / "data", {"CHECKPOINT_SHARED_DATA": str(_shared(lfw_mini, tmp_path))}
    verified = run_checkpoint("bench", "verify", *FAST_VERIFY, "--out", str(tmp_path), data_dir=data, env=env)
    assert verified.returncode == 0, verified.stderr
    (verify_file,) = tmp_path.glob("verify-*.json")
    measured = json.loads(verify_file.read_text())
    identified = run_checkpoint(
        "bench", "identify", "--workers", "1", "--enrolment", "first", "--out", str(tmp_path), data_dir=data, env=env
    )
    assert identified.returncode == 0, identified.stderr
    (identify_file,) = tmp_path.glob("identify*.json")
    body = json.loads(identify_file.read_text())
    # Same images, same pipeline: identify found every template in the cache verify filled, under one key.
    assert len(_pipelines(data)) == 1, _pipelines(data)
    assert body["pipeline"] == measured["pipeline"]
    assert body["pipeline"]["detector"] == "yunet"
    assert body["protocols"][0]["model_id"] == measured["model_id"]


def test_bench_fusion_refuses_to_ship_a_1_to_n_block_into_a_calibration_of_another_pipeline(tmp_path) -> None:
    before = {path.name: path.read_bytes() for path in SHIPPED_DIR.glob("*.json")}
    # HOG templates against calibrations fitted on YuNet; no LFW-dev at all: the refusal comes before any work.
    env = {"CHECKPOINT_FACE_DETECTOR": "hog", "CHECKPOINT_SHARED_DATA": str(tmp_path / "no-data")}
    refused = run_checkpoint("bench", "fusion", "--ship", "--workers", "1", data_dir=tmp_path / "data", env=env)
    assert refused.returncode == 4, refused.stderr
    line = one_line_error(refused)
    assert "detector yunet+cnn" in line and "detector hog+cnn" in line
    assert "nothing was written" in line
    assert {path.name: path.read_bytes() for path in SHIPPED_DIR.glob("*.json")} == before


def test_bench_verify_keeps_the_1_to_n_block_of_the_calibration_it_replaces(lfw_mini, tmp_path) -> None:
    data = tmp_path / "data"
    images, pairs = str(lfw_mini["images"]), str(lfw_mini["pairs"])
    args = ("bench", "verify", "--images", images, "--pairs", pairs, *FAST_VERIFY, "--out", str(tmp_path))
    installed = run_checkpoint(*args, "--write-calibration", data_dir=data)
    assert installed.returncode == 0, installed.stderr
    (site,) = (data / "calibration").glob("*.json")
    shipped = json.loads((SHIPPED_DIR / site.name).read_text())
    body = json.loads(site.read_text())
    assert body["points"] != shipped["points"]  # thresholds of this data...
    assert body["identification"] == shipped["identification"] is not None  # ...and the shipped 1:N block
    assert "1:N block kept" in installed.stdout

    # Thresholds of another pipeline: the block (fitted on YuNet's templates) is not kept, and the command says so.
    other = run_checkpoint(*args, "--write-calibration", data_dir=data, env={"CHECKPOINT_FACE_DETECTOR": "hog"})
    assert other.returncode == 0, other.stderr
    assert json.loads(site.read_text())["identification"] is None
    assert "1:N block not kept" in other.stdout and "bench fusion --ship" in other.stdout


def test_bench_gallery_takes_the_configured_pipelines_templates_and_model_id(lfw_mini, tmp_path) -> None:
    from benchmarks.identify_bench import lfw_real_templates
    from benchmarks.templates import PipelineConfig, extract_templates

    # YuNet's own points place the chips: templates with their own model id, which the gallery must carry.
    config = PipelineConfig("onnx", "yunet", 1, "cnn", "yunet5", {"models_dir": tmp_path / "models"})
    cache = tmp_path / "templates.sqlite"
    real, model_id = lfw_real_templates(_shared(lfw_mini, tmp_path) / "lfw-dev", config, cache)
    assert model_id.endswith("-yunet5")
    direct = extract_templates(sorted(lfw_mini["images"].glob("*/*.jpg")), config, cache, progress=False)
    assert np.array_equal(real, direct.templates[direct.ok])
