"""`checkpoint models prepare` and `checkpoint bench embedder`, run as a user would."""

from __future__ import annotations

import json

import pytest

from checkpoint.cli import main
from checkpoint.settings import Settings, get_settings


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKPOINT_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def test_prepare_converts_once_and_reports_the_model_id(data_dir, capsys):
    assert main(["models", "prepare"]) == 0
    out = capsys.readouterr().out
    (made,) = list((data_dir / "models").glob("*.onnx"))
    assert f"converted model: {made}" in out
    assert "model id: dlib-resnet-v1-" in out
    # With flip and the zout8 view on (the default) the templates' id, which calibrations and galleries go by, is
    # the -flip-zout8 one.
    assert "CHECKPOINT_FACE_JITTER zout8: chip, mirror and those views): dlib-resnet-v1-" in out
    assert out.strip().splitlines()[-1].endswith("-flip-zout8")
    before = made.stat().st_mtime_ns
    assert main(["models", "prepare"]) == 0
    assert made.stat().st_mtime_ns == before
    assert main(["models", "prepare", "--force"]) == 0
    assert made.stat().st_mtime_ns != before


def test_prepare_into_an_unusable_data_dir_is_one_clear_line(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("CHECKPOINT_DATA_DIR", str(blocker))
    get_settings.cache_clear()
    try:
        assert main(["models", "prepare"]) == 4
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("checkpoint: cannot write the converted model")


@pytest.mark.slow
def test_bench_embedder_prints_the_table_and_saves_json(data_dir, tmp_path, capsys):
    if not (Settings().lfw_dir / "images").is_dir():
        pytest.skip("LFW dev images absent (set CHECKPOINT_SHARED_DATA)")
    output = tmp_path / "embedder.json"
    argv = ["bench", "embedder", "--faces", "12", "--timing-faces", "4", "--threads", "1", "--output", str(output)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "cosine onnx vs dlib: min" in out and "single face, median ms" in out
    assert "single face with flip (onnx), median ms" in out  # what flip augmentation costs, in the same run
    saved = json.loads(output.read_text())
    assert saved["faces"] == 12 and saved["timing_faces"] == 4 and saved["onnx_threads"] == 1
    assert saved["cosine_min"] >= 0.9999
    assert saved["model_id_onnx"] == saved["model_id_dlib"]
    assert saved["single_ms_onnx_flip_median"] > saved["single_ms_onnx_median"] > 0
    assert "loadavg" in saved["environment"] and saved["environment"]["cpu_count"]
