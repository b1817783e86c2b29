"""Aligned face chips: exactly the crop dlib's ResNet was trained on (150 px, padding 0.25), or the ArcFace
5-point template crop (112 px) for ArcFace-style models."""

from __future__ import annotations

import cv2
import dlib
import numpy as np

from edge.face.embedder import ChipSpec

DLIB_RESNET_CHIP = ChipSpec(kind="dlib", size=150, padding=0.25)


def dlib_chip(rgb: np.ndarray, shape5: dlib.full_object_detection, spec: ChipSpec = DLIB_RESNET_CHIP) -> np.ndarray:
    """The chip dlib's own `compute_face_descriptor(img, shape)` would extract, as (size, size, 3) uint8 RGB."""
    if spec.kind != "dlib":
        raise ValueError(f"dlib_chip cannot produce a {spec.kind!r} chip")
    return np.asarray(dlib.get_face_chip(rgb, shape5, size=spec.size, padding=spec.padding), dtype=np.uint8)


ARCFACE_CHIP = ChipSpec(kind="arcface", size=112)

# Where the ArcFace family of models expects the five points in a 112x112 chip (InsightFace's reference
# template): image-left eye centre, image-right eye centre, nose tip, image-left and image-right mouth corners.
ARCFACE_TEMPLATE_112 = np.array(
    [
        [38.2946, 51.6963],
        [73.5318, 51.5014],
        [56.0252, 71.7366],
        [41.5493, 92.3655],
        [70.7299, 92.2041],
    ],
    dtype=np.float64,
)


def arcface_points(landmarks68: np.ndarray) -> np.ndarray:
    """The five ArcFace points from dlib's 68 landmarks (dlib's 5-point model has no mouth corners)."""
    lm = np.asarray(landmarks68, dtype=np.float64)
    if lm.shape != (68, 2):
        raise ValueError(f"need (68, 2) landmarks, got {lm.shape}")
    return np.stack([lm[36:42].mean(axis=0), lm[42:48].mean(axis=0), lm[30], lm[48], lm[54]])


def similarity_transform(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """2x3 matrix of the rotation + uniform scale + translation mapping `src` points onto `dst` in the least-
    squares sense (Umeyama, 1991), without reflection."""
    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)
    src_mean, dst_mean = src.mean(axis=0), dst.mean(axis=0)
    src_c, dst_c = src - src_mean, dst - dst_mean
    covariance = dst_c.T @ src_c / len(src)
    u, s, vt = np.linalg.svd(covariance)
    d = np.diag([1.0, np.sign(np.linalg.det(u @ vt)) or 1.0])
    rotation = u @ d @ vt
    variance = (src_c**2).sum() / len(src)
    if variance == 0:
        raise ValueError("the landmarks are all at one point; cannot align")
    scale = float(np.trace(np.diag(s) @ d)) / variance
    matrix = np.zeros((2, 3))
    matrix[:, :2] = scale * rotation
    matrix[:, 2] = dst_mean - scale * rotation @ src_mean
    return matrix


def arcface_chip(rgb: np.ndarray, points5: np.ndarray, spec: ChipSpec = ARCFACE_CHIP) -> np.ndarray:
    """The (size, size, 3) uint8 chip an ArcFace-style model expects: the five points warped onto its template."""
    if spec.kind != "arcface":
        raise ValueError(f"arcface_chip cannot produce a {spec.kind!r} chip")
    template = ARCFACE_TEMPLATE_112 * (spec.size / 112.0)
    matrix = similarity_transform(points5, template)
    chip = cv2.warpAffine(rgb, matrix, (spec.size, spec.size), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    return np.ascontiguousarray(chip, dtype=np.uint8)
