"""The ONNX backend: same chips as dlib, same templates, same model id (only when proven equivalent)."""

from __future__ import annotations

import dlib
import numpy as np
import onnx
import pytest

from checkpoint.settings import Settings
from edge.face.align import DLIB_RESNET_CHIP
from edge.face.analyzer import FaceAnalyzer
from edge.face.dlib_embedder import DlibEmbedder
from edge.face.factory import make_embedder
from edge.face.landmarks import LandmarkModel
from edge.face.model_files import RESNET, model_path
from edge.face.onnx_embedder import OnnxDlibEmbedder
from edge.face.onnx_model_cache import META_MIN_COSINE, ensure_converted, self_check_chips
from edge.image import load_image


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def onnx_embedder(models_dir):
    return OnnxDlibEmbedder(models_dir=models_dir, threads=1)


@pytest.fixture(scope="module")
def dlib_embedder():
    return DlibEmbedder()


def _lfw_images(count: int) -> list:
    images = Settings().shared_data / "lfw-dev" / "images"
    if not images.is_dir():
        pytest.skip(f"LFW dev images not at {images} (set CHECKPOINT_SHARED_DATA)")
    return sorted(images.glob("*/*.jpg"))[:count]


def test_factory_default_backends_both_build(models_dir):
    assert isinstance(make_embedder("onnx", models_dir=models_dir), OnnxDlibEmbedder)
    assert isinstance(make_embedder("dlib"), DlibEmbedder)
    with pytest.raises(ValueError, match="choose one of onnx, dlib, arcface"):
        make_embedder("tflite")


def test_default_settings_choose_onnx():
    assert Settings(_env_file=None).embedder == "onnx"


def test_equivalent_backends_share_dlibs_model_id(onnx_embedder, dlib_embedder):
    assert onnx_embedder.min_cosine_vs_dlib >= 0.9999
    assert onnx_embedder.model_id == dlib_embedder.model_id
    assert onnx_embedder.model_id.startswith("dlib-resnet-v1-")


def test_a_conversion_that_is_not_equivalent_gets_its_own_id(tmp_path, dlib_embedder):
    path = ensure_converted(model_path(RESNET), tmp_path)
    model = onnx.load(path)
    for prop in model.metadata_props:
        if prop.key == META_MIN_COSINE:
            prop.value = "0.97"
    onnx.save(model, path)
    embedder = OnnxDlibEmbedder(models_dir=tmp_path)
    assert embedder.model_id != dlib_embedder.model_id
    assert embedder.model_id == dlib_embedder.model_id + "-onnx"


def test_onnx_consumes_the_same_150px_padded_chip_as_dlib(onnx_embedder, dlib_embedder, models_dir):
    # One aligner for both backends: dlib.get_face_chip(size=150, padding=0.25) from edge/face/align.py.
    assert onnx_embedder.chip_spec == dlib_embedder.chip_spec == DLIB_RESNET_CHIP
    assert (DLIB_RESNET_CHIP.kind, DLIB_RESNET_CHIP.size, DLIB_RESNET_CHIP.padding) == ("dlib", 150, 0.25)
    (path,) = _lfw_images(1)
    rgb = load_image(path)
    analyzer = FaceAnalyzer(onnx_embedder, "hog")  # dlib's own detector, so dlib's own chip is the expectation
    face = analyzer.get(rgb)[0]
    det = dlib.get_frontal_face_detector()(rgb, 1)
    biggest = max(det, key=lambda r: r.area())
    expected_chip = dlib.get_face_chip(rgb, LandmarkModel(5).predict(rgb, biggest), size=150, padding=0.25)
    np.testing.assert_array_equal(face.chip, expected_chip)
    reference = dlib_embedder.embed([face.chip])[0]
    assert float(face.embedding @ reference) >= 0.9999
    assert face.model_id == dlib_embedder.model_id


def test_real_faces_embed_like_dlib(onnx_embedder, dlib_embedder):
    from benchmarks.embedder_bench import extract_chips

    chips, _ = extract_chips(_lfw_images(12), 8)
    cosines = np.sum(onnx_embedder.embed(chips) * dlib_embedder.embed(chips), axis=1)
    assert cosines.min() >= 0.9999


def test_batches_give_the_same_templates_as_one_by_one(models_dir):
    embedder = OnnxDlibEmbedder(models_dir=models_dir, batch_size=3)
    chips = self_check_chips(7)
    together = embedder.embed(chips)
    alone = np.concatenate([embedder.embed([c]) for c in chips])
    assert together.shape == (7, 128) and together.dtype == np.float32
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_bad_chips_and_settings_are_refused(onnx_embedder, models_dir):
    assert onnx_embedder.embed([]).shape == (0, 128)
    with pytest.raises(ValueError, match="150x150x3 uint8"):
        onnx_embedder.embed([np.zeros((112, 112, 3), dtype=np.uint8)])
    with pytest.raises(ValueError, match="150x150x3 uint8"):
        onnx_embedder.embed([np.zeros((150, 150, 3), dtype=np.float32)])
    with pytest.raises(ValueError, match="thread count"):
        OnnxDlibEmbedder(models_dir=models_dir, threads=-1)
