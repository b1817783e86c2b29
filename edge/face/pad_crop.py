"""The patches the presentation-attack models were trained on: the face box widened by a scale, 80x80, BGR.

Follows the arithmetic of upstream's src/generate_patches.py (Silent-Face-Anti-Spoofing, Apache-2.0) so the
ONNX models see the same pixels they saw in training: the box is scaled about its centre, the scale is capped so
the patch fits in the image, a patch that would leave the image is shifted back inside, and the patch is
resized to the model's input with OpenCV's default (bilinear) interpolation.
"""

from __future__ import annotations

import cv2
import numpy as np


def scaled_box(image_size: tuple[int, int], box: tuple[float, float, float, float], scale: float) -> tuple[int, ...]:
    """(left, top, right, bottom), inclusive, of `box` (x, y, width, height) widened `scale` times inside the image."""
    height, width = image_size
    x, y, box_w, box_h = box
    scale = min((height - 1) / box_h, (width - 1) / box_w, scale)
    new_w, new_h = box_w * scale, box_h * scale
    centre_x, centre_y = x + box_w / 2, y + box_h / 2
    left, top = centre_x - new_w / 2, centre_y - new_h / 2
    right, bottom = centre_x + new_w / 2, centre_y + new_h / 2
    if left < 0:
        right -= left
        left = 0
    if top < 0:
        bottom -= top
        top = 0
    if right > width - 1:
        left -= right - width + 1
        right = width - 1
    if bottom > height - 1:
        top -= bottom - height + 1
        bottom = height - 1
    return int(left), int(top), int(right), int(bottom)


def patch(bgr: np.ndarray, box: tuple[float, float, float, float], scale: float, size: tuple[int, int]) -> np.ndarray:
    """The (height, width, 3) uint8 BGR patch of `box` (x, y, width, height) widened `scale` times."""
    left, top, right, bottom = scaled_box(bgr.shape[:2], box, scale)
    return cv2.resize(bgr[top : bottom + 1, left : right + 1], (size[1], size[0]))


def model_input(patches: list[np.ndarray]) -> np.ndarray:
    """(N, 3, H, W) float32 batch as upstream's predict feeds it: BGR values 0-255, neither scaled nor centred."""
    return np.stack([p.transpose(2, 0, 1) for p in patches]).astype(np.float32)
