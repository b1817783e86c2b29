"""Face detectors: dlib's HOG and MMOD CNN, and YuNet (edge/face/yunet.py), chosen by name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import dlib
import numpy as np

from edge.face.model_files import MMOD_DETECTOR, model_path


@dataclass(frozen=True)
class Detection:
    """A face box in input-image pixels and the detector's confidence (not comparable across detectors).

    `points5`: the detector's own five landmarks when it has them (YuNet: eye centres, nose tip, mouth corners,
    image-left first, as ArcFace's template orders them); None for dlib's detectors.
    """

    rect: dlib.rectangle
    score: float
    points5: np.ndarray | None = None

    @property
    def bbox(self) -> np.ndarray:
        r = self.rect
        return np.array([r.left(), r.top(), r.right(), r.bottom()], dtype=np.float32)


class Detector(Protocol):
    name: str

    def detect(self, rgb: np.ndarray) -> list[Detection]: ...


class HogDetector:
    """dlib's frontal face detector (HOG + linear SVM), built into dlib: no model file."""

    name = "hog"

    def __init__(self, upsample: int = 1) -> None:
        self.upsample = upsample
        self._detector = dlib.get_frontal_face_detector()

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        rects, scores, _ = self._detector.run(rgb, self.upsample, 0.0)
        return [Detection(r, float(s)) for r, s in zip(rects, scores, strict=True)]


class CnnDetector:
    """dlib's MMOD CNN detector from face_recognition_models; about 10-50x slower than HOG on a CPU."""

    name = "cnn"

    def __init__(self, upsample: int = 1) -> None:
        self.upsample = upsample
        self._detector = dlib.cnn_face_detection_model_v1(str(model_path(MMOD_DETECTOR)))

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        found = self._detector(rgb, self.upsample)
        return [Detection(d.rect, float(d.confidence)) for d in found]


DETECTORS = ("yunet", "hog", "cnn")


def make_detector(name: str, upsample: int = 1) -> Detector:
    """The detector named in the settings ("yunet", "hog" or "cnn"); `upsample` is for dlib's two only."""
    if name == "hog":
        return HogDetector(upsample)
    if name == "cnn":
        return CnnDetector(upsample)
    if name == "yunet":
        from edge.face.yunet import YuNetDetector

        return YuNetDetector()
    raise ValueError(f"unknown face detector {name!r}: choose one of {', '.join(DETECTORS)}")
