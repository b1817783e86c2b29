"""YuNet face detector (libfacedetection.train's `yunet_s_640_640.onnx`, committed under edge/face/models/) on
OpenCV's `cv2.FaceDetectorYN`: boxes and five landmarks for faces of any size in a frame of any size."""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import dlib
import numpy as np

from checkpoint.i18n import _
from edge.errors import ModelUnavailable
from edge.face.detect import Detection
from edge.face.model_files import file_sha256

MODELS_DIR = Path(__file__).resolve().parent / "models"
YUNET_MODEL = MODELS_DIR / "yunet_s_640_640.onnx"
# The file as committed upstream (edge/face/models/README.md says where from); a different file is refused.
YUNET_SHA256 = "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4"

# The model was trained and exported at 640x640: larger frames are scaled down so their longer side is 640
# (a 640x480 kiosk frame runs as it is), smaller ones run at their own size (OpenCV reshapes the network to
# the input), and boxes and landmarks are mapped back to the caller's pixels.
MODEL_INPUT_SIDE = 640

# Faces scored below this are not faces. Chosen on benchmarks/results/detector-compare.json (`checkpoint bench
# detectors`, 800 generated frames of LFW-dev faces, 68 face-free frames): at 0.6 YuNet missed 1 of the 800 faces;
# at 0.7, 0.8 and 0.9 it missed 4, 10 and 139 (turned heads score lower); at 0.5, 0.4 and 0.3 it missed 2 (a false
# detection was screened instead of the face), and more face-free frames gave a detection (5 of 68 at 0.5 and 0.4,
# 16 at 0.3; 4 at 0.6). A false detection costs less than a miss: its chip fails the quality gate or matches nobody,
# and the screening refers.
SCORE_THRESHOLD = 0.6
# Boxes overlapping a better one by more than this (IoU) are the same face: OpenCV model zoo's value.
NMS_THRESHOLD = 0.3
TOP_K = 5000


class YuNetDetector:
    """YuNet on OpenCV's DNN module; `detect(rgb)` gives every face with its five landmarks."""

    name = "yunet"

    def __init__(self, model_file: Path = YUNET_MODEL, score_threshold: float = SCORE_THRESHOLD) -> None:
        path = Path(model_file)
        if not path.is_file():
            raise ModelUnavailable(
                _("the YuNet face detector model %(path)s is missing") % {"path": path},
                _("Reinstall the project (the model ships inside the package), or set CHECKPOINT_FACE_DETECTOR=hog"),
            )
        if file_sha256(path) != YUNET_SHA256:
            raise ModelUnavailable(
                _("the YuNet model %(name)s is not the committed file (SHA-256 %(digest)s...)")
                % {"name": path.name, "digest": file_sha256(path)[:12]},
                _("Restore edge/face/models/ from the release, or set CHECKPOINT_FACE_DETECTOR=hog"),
            )
        self.score_threshold = score_threshold
        # OpenCV 5 warns on stderr that its new graph engine ignores the (default CPU) target: noise on a CLI whose
        # errors are one line, so its log is quietened while the network loads.
        level = cv2.utils.logging.getLogLevel()
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
        try:
            self._net = cv2.FaceDetectorYN.create(
                str(path), "", (MODEL_INPUT_SIDE, MODEL_INPUT_SIDE), score_threshold, NMS_THRESHOLD, TOP_K
            )
        finally:
            cv2.utils.logging.setLogLevel(level)
        # setInputSize then detect is one stateful call: two threads interleaving them would mix frame sizes.
        self._lock = threading.Lock()

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        height, width = rgb.shape[:2]
        scale = min(1.0, MODEL_INPUT_SIDE / max(height, width))
        frame = rgb if scale == 1.0 else cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        # YuNet was trained on OpenCV's BGR images.
        bgr = np.ascontiguousarray(frame[:, :, ::-1])
        with self._lock:
            self._net.setInputSize((bgr.shape[1], bgr.shape[0]))
            _status, rows = self._net.detect(bgr)
        if rows is None:
            return []
        return [_detection(row, scale) for row in rows]


def _detection(row: np.ndarray, scale: float) -> Detection:
    """One FaceDetectorYN row (x, y, w, h, 5 x (px, py), score) in the caller's pixels."""
    x, y, w, h = (float(v) / scale for v in row[:4])
    points = np.asarray(row[4:14], dtype=np.float32).reshape(5, 2) / np.float32(scale)
    rect = dlib.rectangle(round(x), round(y), round(x + w), round(y + h))
    return Detection(rect, float(row[14]), points)
