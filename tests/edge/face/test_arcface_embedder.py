"""The generic ArcFace-style backend, on tiny ONNX models the tests build themselves (not real face models),
and the ArcFace 5-point alignment."""

from __future__ import annotations

import hashlib

import cv2
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from checkpoint.settings import Settings
from edge.errors import ModelUnavailable
from edge.face.align import ARCFACE_TEMPLATE_112, arcface_chip, arcface_points, similarity_transform
from edge.face.analyzer import FaceAnalyzer
from edge.face.arcface_embedder import ArcFaceEmbedder, UnsupportedFaceModel
from edge.face.factory import make_embedder
from edge.image import load_image


def _projection(seed: int, channels: int = 3, dim: int = 512) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(channels * 4, dim)).astype(np.float32)


def _tiny_model(path, seed: int = 0, layout: str = "nchw", size: int = 112, channels: int = 3) -> np.ndarray:
    """Input image -> 2x2 average of each channel quadrant (12 numbers) -> fixed random 512-d projection."""
    weights = _projection(seed, channels)
    nodes = []
    x = "image"
    if layout == "nhwc":
        nodes.append(helper.make_node("Transpose", ["image"], ["nchw"], perm=[0, 3, 1, 2]))
        x = "nchw"
    half = size // 2
    nodes += [
        helper.make_node("AveragePool", [x], ["pooled"], kernel_shape=[half, half], strides=[half, half]),
        helper.make_node("Flatten", ["pooled"], ["flat"], axis=1),
        helper.make_node("MatMul", ["flat", "w"], ["embedding"]),
    ]
    shape = ["n", channels, size, size] if layout == "nchw" else ["n", size, size, channels]
    graph = helper.make_graph(
        nodes,
        "tiny_face_model",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["n", 512])],
        [numpy_helper.from_array(weights, "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    return weights


def _expected(chips: list[np.ndarray], weights: np.ndarray) -> np.ndarray:
    out = []
    for chip in chips:
        x = (chip.astype(np.float32) - 127.5) / 127.5
        quads = x.reshape(2, 56, 2, 56, 3).mean(axis=(1, 3))  # (2, 2, 3): rows, cols, channel
        out.append(quads.transpose(2, 0, 1).reshape(-1) @ weights)
    out = np.array(out)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def _chips(n: int) -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    return [rng.integers(0, 256, size=(112, 112, 3), dtype=np.uint8) for _ in range(n)]


@pytest.mark.parametrize("layout", ["nchw", "nhwc"])
def test_tiny_model_embeds_with_declared_normalisation(tmp_path, layout):
    path = tmp_path / "tiny.onnx"
    weights = _tiny_model(path, layout=layout)
    embedder = ArcFaceEmbedder(path, batch_size=2)
    chips = _chips(5)
    got = embedder.embed(chips)
    assert embedder.dim == 512 and got.shape == (5, 512)
    np.testing.assert_allclose(got, _expected(chips, weights), atol=1e-5)


def test_model_id_names_the_file_hash_and_alignment(tmp_path):
    first, second = tmp_path / "a.onnx", tmp_path / "b.onnx"
    _tiny_model(first, seed=1)
    _tiny_model(second, seed=2)
    a, b = ArcFaceEmbedder(first), ArcFaceEmbedder(second)
    assert a.model_id == f"arcface-arcface-{hashlib.sha256(first.read_bytes()).hexdigest()}"
    assert a.model_id != b.model_id, "different weights must never share a model id"
    assert ArcFaceEmbedder(first, alignment="dlib").model_id != a.model_id
    assert a.chip_spec.kind == "arcface" and a.chip_spec.size == 112


def test_factory_builds_the_configured_file_or_says_what_is_missing(tmp_path):
    path = tmp_path / "tiny.onnx"
    _tiny_model(path)
    assert isinstance(make_embedder("arcface", arcface_model=path), ArcFaceEmbedder)
    with pytest.raises(ValueError, match="CHECKPOINT_ARCFACE_MODEL"):
        make_embedder("arcface")
    with pytest.raises(ModelUnavailable, match="does not exist"):
        make_embedder("arcface", arcface_model=tmp_path / "missing.onnx")


def test_models_that_are_not_face_embedders_are_refused(tmp_path):
    grey, small = tmp_path / "grey.onnx", tmp_path / "small.onnx"
    _tiny_model(grey, channels=1)
    _tiny_model(small, size=64)
    with pytest.raises(UnsupportedFaceModel, match="expected 3 channels of 112x112"):
        ArcFaceEmbedder(grey)
    with pytest.raises(UnsupportedFaceModel, match="expected 3 channels of 112x112"):
        ArcFaceEmbedder(small)
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"not a model")
    with pytest.raises(ModelUnavailable, match="onnxruntime cannot load"):
        ArcFaceEmbedder(garbage)


def test_wrong_chip_size_is_refused(tmp_path):
    path = tmp_path / "tiny.onnx"
    _tiny_model(path)
    with pytest.raises(ValueError, match="112x112x3 uint8"):
        ArcFaceEmbedder(path).embed([np.zeros((150, 150, 3), dtype=np.uint8)])


def test_similarity_transform_recovers_a_known_pose():
    angle, scale, shift = np.deg2rad(17.0), 2.3, np.array([40.0, -12.0])
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    observed = ARCFACE_TEMPLATE_112 @ (scale * rotation).T + shift
    matrix = similarity_transform(observed, ARCFACE_TEMPLATE_112)
    mapped = observed @ matrix[:, :2].T + matrix[:, 2]
    np.testing.assert_allclose(mapped, ARCFACE_TEMPLATE_112, atol=1e-9)


def test_arcface_chip_puts_the_five_points_on_the_template():
    # Draw five dots where a rotated, scaled face would have them; after alignment they sit on the template.
    angle, scale, shift = np.deg2rad(-11.0), 2.0, np.array([90.0, 60.0])
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    points = ARCFACE_TEMPLATE_112 @ (scale * rotation).T + shift
    image = np.zeros((400, 400, 3), dtype=np.uint8)
    for x, y in points:
        cv2.circle(image, (int(round(x)), int(round(y))), 3, (255, 255, 255), -1)
    chip = arcface_chip(image, points)
    assert chip.shape == (112, 112, 3) and chip.dtype == np.uint8
    for x, y in ARCFACE_TEMPLATE_112:
        assert chip[int(round(y)), int(round(x))].min() > 200


def test_arcface_points_come_from_eyes_nose_tip_and_mouth_corners():
    lm = np.zeros((68, 2))
    lm[36:42] = [10, 20]
    lm[42:48] = [30, 20]
    lm[30], lm[48], lm[54] = [20, 30], [12, 40], [28, 40]
    np.testing.assert_array_equal(arcface_points(lm), [[10, 20], [30, 20], [20, 30], [12, 40], [28, 40]])


def test_analyzer_crops_arcface_chips_for_an_arcface_model(tmp_path):
    images = Settings().shared_data / "lfw-dev" / "images"
    if not images.is_dir():
        pytest.skip(f"LFW dev images not at {images} (set CHECKPOINT_SHARED_DATA)")
    path = tmp_path / "tiny.onnx"
    _tiny_model(path)
    analyzer = FaceAnalyzer(ArcFaceEmbedder(path))
    face = analyzer.get(load_image(sorted(images.glob("*/*.jpg"))[0]))[0]
    assert face.chip.shape == (112, 112, 3)
    assert face.embedding.shape == (512,) and face.model_id.startswith("arcface-arcface-")
    assert abs(np.linalg.norm(face.embedding) - 1.0) < 1e-5
    # The face's own eyes, nose tip and mouth corners land near the template points in the chip.
    matrix = similarity_transform(arcface_points(face.landmarks68), ARCFACE_TEMPLATE_112)
    mapped = arcface_points(face.landmarks68) @ matrix[:, :2].T + matrix[:, 2]
    assert np.abs(mapped - ARCFACE_TEMPLATE_112).max() < 8.0
