"""Aligned face chips: exactly the crop dlib's ResNet was trained on (150 px, padding 0.25)."""

from __future__ import annotations

import dlib
import numpy as np

from edge.face.embedder import ChipSpec

DLIB_RESNET_CHIP = ChipSpec(kind="dlib", size=150, padding=0.25)


def dlib_chip(rgb: np.ndarray, shape5: dlib.full_object_detection, spec: ChipSpec = DLIB_RESNET_CHIP) -> np.ndarray:
    """The chip dlib's own `compute_face_descriptor(img, shape)` would extract, as (size, size, 3) uint8 RGB."""
    if spec.kind != "dlib":
        raise ValueError(f"dlib_chip cannot produce a {spec.kind!r} chip")
    return np.asarray(dlib.get_face_chip(rgb, shape5, size=spec.size, padding=spec.padding), dtype=np.uint8)
