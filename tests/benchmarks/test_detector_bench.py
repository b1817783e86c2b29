"""`checkpoint bench detectors`: the generated frames hold the face where and as big as they say, a detection
elsewhere is not an acquisition, and the command's refresh refuses to invent a measurement it does not have."""

from __future__ import annotations

import subprocess
import sys

import cv2
import numpy as np
import pytest

from benchmarks.detector_bench import CONDITIONS, FRAME_SIZE, acquired, small_frame
from edge.face.detect import Detection
from edge.face.yunet import YuNetDetector


@pytest.fixture(scope="module")
def lfw_like(astronaut) -> np.ndarray:
    """Collins' head framed as LFW frames its faces: 250 px, the face about 114 px across, centred."""
    return cv2.resize(np.ascontiguousarray(astronaut[10:250, 100:340]), (250, 250), interpolation=cv2.INTER_AREA)


@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_every_condition_frames_one_findable_face_where_it_says(lfw_like, condition) -> None:
    frame = CONDITIONS[condition](lfw_like, np.random.default_rng(0), 0)
    assert frame.rgb.shape == (FRAME_SIZE[1], FRAME_SIZE[0], 3) and frame.rgb.dtype == np.uint8
    assert acquired(YuNetDetector().detect(frame.rgb), frame), f"the {condition} face is not where the frame says"


def test_small_faces_are_40_to_60_pixels(lfw_like) -> None:
    rng = np.random.default_rng(1)
    sizes = [small_frame(lfw_like, rng).face_px for _ in range(50)]
    assert 40 <= min(sizes) and max(sizes) <= 60


def test_a_detection_away_from_the_face_is_not_an_acquisition(lfw_like) -> None:
    import dlib

    frame = CONDITIONS["kiosk"](lfw_like, np.random.default_rng(0), 0)
    assert not acquired([], frame)
    assert not acquired([Detection(dlib.rectangle(0, 0, 150, 150), 0.99)], frame)


def test_refreshing_figures_never_measured_exits_4_in_one_line(tmp_path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "checkpoint", "bench", "detectors", "--verify-only", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 4, run.stderr
    [line] = run.stderr.strip().splitlines()
    assert "detector-compare.json does not exist" in line and "checkpoint bench detectors" in line
