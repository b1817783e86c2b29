"""The converted model: made on first use in the data directory, keyed by the source's SHA-256, safe under
concurrent first uses, and a named error (never a silent dlib fallback) when conversion fails."""

from __future__ import annotations

import multiprocessing
import os

import onnx
import pytest

from edge.errors import ModelUnavailable
from edge.face.dlib_dat import DlibDatFormatError
from edge.face.factory import make_embedder
from edge.face.model_files import RESNET, file_sha256, model_path
from edge.face.onnx_embedder import OnnxDlibEmbedder
from edge.face.onnx_model_cache import (
    META_MIN_COSINE,
    META_SOURCE_SHA256,
    ModelConversionFailed,
    converted_model_path,
    ensure_converted,
)


def _convert_into(models_dir: str) -> str:
    return str(ensure_converted(model_path(RESNET), models_dir=__import__("pathlib").Path(models_dir)))


def test_first_use_converts_into_the_models_dir_keyed_by_sha256(tmp_path):
    models_dir = tmp_path / "data" / "models"
    embedder = make_embedder("onnx", models_dir=models_dir)
    (made,) = list(models_dir.iterdir())
    assert made == embedder.onnx_path == converted_model_path(models_dir, model_path(RESNET))
    assert file_sha256(model_path(RESNET)) in made.name
    meta = {p.key: p.value for p in onnx.load(made, load_external_data=False).metadata_props}
    assert meta[META_SOURCE_SHA256] == file_sha256(model_path(RESNET))
    assert float(meta[META_MIN_COSINE]) >= 0.9999

    before = made.stat().st_mtime_ns
    make_embedder("onnx", models_dir=models_dir)
    assert made.stat().st_mtime_ns == before, "a second use must reuse the converted file"


def test_concurrent_first_uses_leave_one_complete_file(tmp_path):
    models_dir = tmp_path / "models"
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        paths = pool.map(_convert_into, [str(models_dir)] * 3)
    assert len(set(paths)) == 1
    assert [p.name for p in models_dir.iterdir()] == [os.path.basename(paths[0])], "no temp files left behind"
    onnx.checker.check_model(paths[0])
    assert OnnxDlibEmbedder(models_dir=models_dir).min_cosine_vs_dlib >= 0.9999


def test_corrupt_source_is_a_named_error_and_writes_nothing(tmp_path):
    corrupt = tmp_path / "dlib_face_recognition_resnet_model_v1.dat"
    corrupt.write_bytes(model_path(RESNET).read_bytes()[:5000])
    models_dir = tmp_path / "models"
    with pytest.raises(DlibDatFormatError) as info:
        OnnxDlibEmbedder(models_dir=models_dir, dat_path=corrupt)
    assert isinstance(info.value, ModelUnavailable)
    assert not models_dir.exists() or not any(models_dir.iterdir())


def test_unwritable_models_dir_is_a_named_error_not_a_fallback(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be")
    with pytest.raises(ModelConversionFailed, match="cannot write the converted model"):
        make_embedder("onnx", models_dir=blocker / "models")


def test_force_rebuilds(tmp_path):
    first = ensure_converted(model_path(RESNET), tmp_path)
    first.write_bytes(b"damaged")
    rebuilt = ensure_converted(model_path(RESNET), tmp_path, force=True)
    assert rebuilt == first
    onnx.checker.check_model(str(rebuilt))


def test_damaged_converted_file_says_how_to_rebuild(tmp_path):
    ensure_converted(model_path(RESNET), tmp_path).write_bytes(b"damaged")
    with pytest.raises(ModelUnavailable, match="onnxruntime cannot load") as info:
        OnnxDlibEmbedder(models_dir=tmp_path)
    assert "checkpoint models prepare --force" in info.value.remedy


def test_without_a_directory_the_data_dir_of_the_environment_is_used(tmp_path, monkeypatch):
    # Callers that cannot pass Settings (e.g. make_embedder("onnx") in a benchmark worker) still land in
    # <CHECKPOINT_DATA_DIR>/models, where `checkpoint models prepare` puts it.
    monkeypatch.setenv("CHECKPOINT_DATA_DIR", str(tmp_path / "data"))
    embedder = make_embedder("onnx")
    assert embedder.onnx_path.parent == tmp_path / "data" / "models"
