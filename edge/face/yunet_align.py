"""dlib-style face chips from YuNet's five landmarks, without dlib's 5-point shape predictor.

dlib's ResNet was trained on `get_face_chip` crops placed by dlib's own 5 points (eye corners, nose base).
YuNet gives other points (eye centres, nose tip, mouth corners), so this aligner warps them onto where those
points sit, on average, in dlib's chip: a similarity transform, as for ArcFace's template.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from edge.face.align import DLIB_RESNET_CHIP, similarity_transform
from edge.face.embedder import ChipSpec

# Where YuNet's five points sit in dlib's 150 px chip with padding 0.25: the median, over 395 LFW-dev faces
# (every 9th image), of YuNet's landmarks found on the chip dlib made from its own 5 points (HOG box). Order as
# YuNet gives them: image-left eye, image-right eye, nose tip, image-left and image-right mouth corners.
YUNET_POINTS_IN_DLIB_CHIP_150 = np.array(
    [
        [44.19, 44.55],
        [101.69, 45.73],
        [70.94, 73.82],
        [47.16, 99.31],
        [96.18, 100.52],
    ],
    dtype=np.float64,
)


def dlib_chip_from_points5(rgb: np.ndarray, points5: np.ndarray, spec: ChipSpec = DLIB_RESNET_CHIP) -> np.ndarray:
    """A (size, size, 3) uint8 chip like dlib's `get_face_chip`, placed by YuNet's five points."""
    if spec.kind != "dlib" or spec.padding != DLIB_RESNET_CHIP.padding:
        raise ValueError(f"YuNet points are measured for dlib chips with padding 0.25, not {spec}")
    template = YUNET_POINTS_IN_DLIB_CHIP_150 * (spec.size / DLIB_RESNET_CHIP.size)
    points = np.asarray(points5, dtype=np.float64)
    matrix = similarity_transform(points, template)
    # Like dlib, halve the image before a large shrink so the chip is not aliased (bilinear reads 4 pixels).
    shrink = math.hypot(matrix[0, 0], matrix[0, 1])
    while shrink < 0.5 and min(rgb.shape[:2]) >= 4:
        rgb = cv2.pyrDown(rgb)
        points = points / 2.0
        matrix = similarity_transform(points, template)
        shrink = math.hypot(matrix[0, 0], matrix[0, 1])
    chip = cv2.warpAffine(rgb, matrix, (spec.size, spec.size), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    return np.ascontiguousarray(chip, dtype=np.uint8)


def aligned_model_id(model_id: str, chip_kind: str, alignment: str) -> str:
    """The id of templates made from chips placed by `alignment`: dlib chips placed by YuNet's points are not the
    chips dlib's own points make, so their templates carry another id and are never compared with those."""
    return f"{model_id}-{alignment}" if chip_kind == "dlib" and alignment != "dlib5" else model_id
