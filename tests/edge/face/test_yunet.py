"""YuNet, the default face detector: faces of any size in frames of any size, five landmarks, several faces, and
chips and templates the rest of the pipeline can use."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from edge.face.align import arcface_chip
from edge.face.analyzer import FaceAnalyzer
from edge.face.factory import make_analyzer
from edge.face.yunet import MODEL_INPUT_SIDE, SCORE_THRESHOLD, YuNetDetector
from matcher.calibration import load_calibration


@pytest.fixture(scope="module")
def yunet() -> YuNetDetector:
    return YuNetDetector()


def _head(astronaut: np.ndarray) -> np.ndarray:
    return astronaut[40:220, 130:310]  # Collins' head and shoulders


def _frame_with(head: np.ndarray, size: int, at: tuple[int, int]) -> np.ndarray:
    """A 640x480 grey kiosk frame with the head scaled to `size` pixels wide, its top-left corner at `at`."""
    frame = np.full((480, 640, 3), 128, dtype=np.uint8)
    scaled = cv2.resize(head, (size, size), interpolation=cv2.INTER_AREA)
    x, y = at
    frame[y : y + size, x : x + size] = scaled
    return frame


def test_finds_the_face_and_its_five_landmarks(yunet, astronaut) -> None:
    [found] = yunet.detect(astronaut)
    left, top, right, bottom = found.bbox
    assert 150 < left < 200 and 50 < top < 100 and right - left > 60, "box around Collins' face"
    assert found.score >= SCORE_THRESHOLD
    eye_l, eye_r, nose, mouth_l, mouth_r = found.points5
    assert eye_l[0] < eye_r[0] and mouth_l[0] < mouth_r[0], "image-left points first"
    assert max(eye_l[1], eye_r[1]) < nose[1] < min(mouth_l[1], mouth_r[1]), "eyes above the nose above the mouth"
    assert all(left <= x <= right and top <= y <= bottom for x, y in found.points5)


def test_a_frame_larger_than_the_model_input_is_scaled_and_mapped_back(yunet, astronaut) -> None:
    big = cv2.resize(astronaut, None, fx=4, fy=4, interpolation=cv2.INTER_LINEAR)  # 2048 px
    factor = max(big.shape[:2]) / MODEL_INPUT_SIDE
    seen = cv2.resize(big, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA)  # what the model sees
    [on_seen] = yunet.detect(seen)
    [on_big] = yunet.detect(big)
    assert np.allclose(on_big.bbox, factor * on_seen.bbox, atol=factor), (on_big.bbox, on_seen.bbox)
    assert np.allclose(on_big.points5, factor * on_seen.points5, atol=0.5)
    assert 4 * 150 < on_big.bbox[0] < 4 * 200, "in the big frame's pixels"


def test_every_face_in_the_frame_is_found(yunet, astronaut) -> None:
    head = _head(astronaut)
    frame = _frame_with(head, 200, (220, 140))
    for size, at in ((110, (20, 20)), (70, (540, 380))):
        frame[at[1] : at[1] + size, at[0] : at[0] + size] = cv2.resize(head, (size, size))
    found = yunet.detect(frame)
    assert len(found) == 3
    centres = sorted((float(d.bbox[0] + d.bbox[2]) / 2, float(d.bbox[1] + d.bbox[3]) / 2) for d in found)
    assert centres[0][0] < 140 and 280 < centres[1][0] < 420 and centres[2][0] > 540


def test_a_photo_without_a_face_gives_no_detection(yunet) -> None:
    assert yunet.detect(np.ascontiguousarray(data.coffee())) == []


@pytest.mark.parametrize("degrees", [30, -30])
def test_a_head_tilted_by_30_degrees_is_found(yunet, astronaut, degrees) -> None:
    frame = _frame_with(_head(astronaut), 240, (200, 120))
    matrix = cv2.getRotationMatrix2D((320, 240), degrees, 1.0)
    tilted = cv2.warpAffine(frame, matrix, (640, 480), borderValue=(128, 128, 128))
    [found] = yunet.detect(tilted)
    eye_l, eye_r = found.points5[:2]
    roll = np.degrees(np.arctan2(eye_r[1] - eye_l[1], eye_r[0] - eye_l[0]))
    # YuNet's points lean back towards upright (about 13 of the 30 degrees): dlib's 5 points place the chip.
    assert np.sign(roll) == -np.sign(degrees) and abs(roll) > 8, f"the eye line tilts with the head ({roll:.0f} deg)"


def test_a_face_50_pixels_wide_across_the_room_is_found(yunet, astronaut) -> None:
    # The head crop is about 1.6 faces wide: 80 px of it is a face of about 50 px.
    frame = _frame_with(_head(astronaut), 80, (480, 60))
    [found] = yunet.detect(frame)
    assert 35 < found.bbox[2] - found.bbox[0] < 70 and found.bbox[0] > 470


def test_yunet_pipeline_templates_compare_with_hog_pipeline_templates(analyzer: FaceAnalyzer, astronaut) -> None:
    """Same model id, same chips (dlib's 5 points): a face enrolled through HOG matches through YuNet."""
    hog = FaceAnalyzer(analyzer.embedder, "hog", fallback_detector_name=None)
    yunet = FaceAnalyzer(analyzer.embedder, "yunet", fallback_detector_name=None)
    assert yunet.model_id == hog.model_id
    strictest = min(p.fmr for p in load_calibration(yunet.model_id).points)
    threshold = load_calibration(yunet.model_id).threshold_at(strictest)
    score = float(yunet.primary(astronaut).embedding @ hog.primary(astronaut).embedding)
    assert score > threshold, f"{score:.4f} at FMR {strictest:g} threshold {threshold:.4f}"


def test_chips_placed_by_yunet_points_carry_their_own_model_id(analyzer: FaceAnalyzer, astronaut) -> None:
    by_dlib = FaceAnalyzer(analyzer.embedder, "yunet", fallback_detector_name=None)
    by_yunet = FaceAnalyzer(analyzer.embedder, "yunet", fallback_detector_name=None, alignment="yunet5")
    assert by_yunet.model_id == f"{by_dlib.model_id}-yunet5"
    face = by_yunet.primary(astronaut)
    assert face.model_id == by_yunet.model_id and face.chip.shape == (150, 150, 3)
    assert not np.array_equal(face.chip, by_dlib.primary(astronaut).chip)


def test_yunet5_alignment_needs_a_detector_that_gives_points(tmp_path) -> None:
    with pytest.raises(ValueError, match="unknown face alignment"):
        make_analyzer("onnx", "yunet", alignment="yunet7", models_dir=tmp_path)


def test_arcface_chips_come_from_yunet_landmarks(tmp_path, astronaut, yunet) -> None:
    from tests.edge.face.test_arcface_embedder import _tiny_model

    model = tmp_path / "tiny.onnx"
    _tiny_model(model)
    arcface = make_analyzer("arcface", "yunet", fallback_detector=None, arcface_model=model)
    face = arcface.primary(astronaut)
    [found] = yunet.detect(astronaut)
    assert np.array_equal(face.chip, arcface_chip(astronaut, found.points5))
