"""The face pipeline on real faces: one Face object per face, sensible quality, stable templates."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from edge.errors import NoFaceFound
from edge.face.analyzer import FaceAnalyzer
from edge.face.dlib_embedder import MODEL_FAMILY
from matcher.calibration import load_calibration


def _rotate(img: np.ndarray, degrees: float, centre: tuple[int, int]) -> np.ndarray:
    matrix = cv2.getRotationMatrix2D(centre, degrees, 1.0)
    return cv2.warpAffine(img, matrix, img.shape[1::-1], borderMode=cv2.BORDER_REFLECT)


def test_face_object_carries_every_stage(analyzer: FaceAnalyzer, astronaut: np.ndarray) -> None:
    face = analyzer.primary(astronaut)
    left, top, right, bottom = face.bbox
    assert 150 < left < 200 and 60 < top < 100 and right - left > 60, "box around Collins' face"
    assert face.kps.shape == (5, 2) and face.landmarks68.shape == (68, 2)
    assert face.chip.shape == (150, 150, 3)
    assert face.embedding.shape == (128,) and face.embedding.dtype == np.float32
    assert abs(float(np.linalg.norm(face.embedding)) - 1.0) < 1e-5
    assert face.model_id.startswith(MODEL_FAMILY)
    assert face.quality is not None and face.quality.passed and 50 < face.quality.score <= 100


def test_same_face_under_changes_matches_at_calibrated_threshold(analyzer: FaceAnalyzer, astronaut) -> None:
    threshold = load_calibration(analyzer.model_id).threshold_at(1e-3)
    reference = analyzer.primary(astronaut).embedding
    variants = {
        "mirrored": astronaut[:, ::-1].copy(),
        "rotated": _rotate(astronaut, 15, (220, 120)),
        "smaller and darker": cv2.resize((astronaut * 0.6).astype(np.uint8), (0, 0), fx=0.7, fy=0.7),
        "jpeg q=30": cv2.imdecode(cv2.imencode(".jpg", astronaut, [cv2.IMWRITE_JPEG_QUALITY, 30])[1], 1),
    }
    for name, image in variants.items():
        score = float(analyzer.primary(image).embedding @ reference)
        assert score >= threshold, f"{name}: similarity {score:.3f} below threshold {threshold:.3f}"


def test_no_face_is_a_named_error_with_advice(analyzer: FaceAnalyzer) -> None:
    with pytest.raises(NoFaceFound, match="no face found in the coffee photo") as info:
        analyzer.primary(data.coffee(), what="the coffee photo")
    assert "visible" in info.value.remedy


def test_several_faces_screen_the_largest_central_and_say_so(analyzer: FaceAnalyzer, astronaut) -> None:
    head = astronaut[40:220, 130:310]  # Collins' head and shoulders
    canvas = np.full((600, 800, 3), 128, dtype=np.uint8)
    canvas[200:380, 310:490] = head  # the traveller, centred
    small = cv2.resize(head, (0, 0), fx=0.75, fy=0.75)
    canvas[10 : 10 + small.shape[0], 10 : 10 + small.shape[1]] = small  # a bystander in the corner
    faces = analyzer.get(canvas)
    assert len(faces) == 2
    chosen = analyzer.primary(canvas)
    centre_x = (chosen.bbox[0] + chosen.bbox[2]) / 2
    assert 310 < centre_x < 490, "the centred face is screened, not the corner one"
    assert chosen.faces_in_frame == 2 and chosen.quality.faces_in_frame == 2
    assert any("1 other face" in note for note in chosen.notes)


def test_blur_darkness_and_distance_fail_the_gate_with_reasons(analyzer: FaceAnalyzer, astronaut) -> None:
    sharp = analyzer.primary(astronaut).quality
    dark = analyzer.primary((astronaut * 0.15).astype(np.uint8)).quality
    far = analyzer.primary(cv2.resize(astronaut, (0, 0), fx=0.35, fy=0.35)).quality
    soft = analyzer.primary(cv2.GaussianBlur(astronaut, (0, 0), 1.5)).quality
    assert sharp.passed
    assert not dark.passed and any("too dark" in r for r in dark.reasons)
    assert not far.passed and any("too small" in r for r in far.reasons)
    assert soft.sharpness < sharp.sharpness / 2
    assert dark.score < sharp.score and far.score < sharp.score


def test_head_roll_is_measured(analyzer: FaceAnalyzer, astronaut) -> None:
    upright = analyzer.primary(astronaut).quality.roll_deg
    tilted = analyzer.primary(_rotate(astronaut, 20, (220, 120))).quality.roll_deg
    assert 14 < abs(tilted - upright) < 26


@pytest.mark.lfw
def test_lfw_frontal_faces_look_frontal(analyzer: FaceAnalyzer, lfw_dir) -> None:
    from edge.image import load_image

    paths = sorted((lfw_dir / "images").glob("*/*_0001.jpg"))[:30]
    poses = [analyzer.primary(load_image(p)).quality for p in paths]
    assert abs(float(np.median([q.yaw_deg for q in poses]))) < 10
    assert abs(float(np.median([q.pitch_deg for q in poses]))) < 10
    assert abs(float(np.median([q.roll_deg for q in poses]))) < 5


@pytest.mark.lfw
def test_lfw_same_people_score_higher_than_different_people(analyzer: FaceAnalyzer, lfw_dir) -> None:
    from benchmarks.lfw import read_pairs
    from edge.image import load_image

    pairs = read_pairs(lfw_dir / "pairs.txt", lfw_dir / "images")
    sample = pairs[:20] + pairs[300:320]  # 20 mated, 20 non-mated from fold 1

    def score(pair) -> float:
        a, b = (analyzer.primary(load_image(p)).embedding for p in (pair.a, pair.b))
        return float(a @ b)

    threshold = load_calibration(analyzer.model_id).threshold_at(1e-2)
    mated = [score(p) for p in sample if p.mated]
    non_mated = [score(p) for p in sample if not p.mated]
    assert np.median(mated) > np.median(non_mated) + 0.08  # dlib templates are not centred: cosines run high
    correct = sum(s >= threshold for s in mated) + sum(s < threshold for s in non_mated)
    assert correct >= 36, f"{correct}/40 decided correctly at FMR 1e-2"


def test_cnn_fallback_finds_a_face_hog_misses_and_says_so(analyzer: FaceAnalyzer, astronaut) -> None:
    hog = FaceAnalyzer(analyzer.embedder, "hog")  # HOG stays selectable, with the CNN behind it
    tilted = _rotate(astronaut, 50, (220, 120))  # HOG's frontal templates give up at this roll
    face = hog.primary(tilted)
    assert any("found by the cnn detector after hog missed" in note for note in face.notes)
    upright = analyzer.primary(astronaut).embedding
    assert float(face.embedding @ upright) >= load_calibration(analyzer.model_id).threshold_at(1e-3)


def test_without_fallback_a_hog_miss_is_no_face(astronaut, tmp_path) -> None:
    from edge.face.factory import make_analyzer

    hog_only = make_analyzer("onnx", "hog", fallback_detector=None, models_dir=tmp_path)
    with pytest.raises(NoFaceFound):
        hog_only.primary(_rotate(astronaut, 50, (220, 120)))
