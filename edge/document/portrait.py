"""The holder's photo on the data page: the largest face left of the MRZ's centre and above it."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from edge.face.detect import Detector

# Faces in a data page photo are small on a 700 px image; search at most this many pixels on the long side.
MAX_SEARCH_SIDE = 1200


@dataclass(frozen=True)
class Portrait:
    """The portrait crop (RGB, upright) and its box (x0, y0, x1, y1) in the upright page image."""

    crop: np.ndarray
    bbox: tuple[int, int, int, int]
    score: float


def find_portrait(
    upright: np.ndarray, mrz_box: tuple[float, float, float, float], detector: Detector
) -> Portrait | None:
    """The largest detected face whose centre is left of the MRZ centre and above the MRZ, cropped with margin."""
    x0, y0, x1, _ = mrz_box
    width = x1 - x0
    # A data page is at most ~0.75 MRZ widths tall above the MRZ (TD3 is 88 x 125 mm, the MRZ 112 mm long).
    top = int(max(0, y0 - 0.8 * width))
    region = upright[top : int(y0), int(max(0, x0 - 0.05 * width)) : int(x0 + 0.6 * width)]
    if region.size == 0:
        return None
    left = int(max(0, x0 - 0.05 * width))
    scale = min(1.0, MAX_SEARCH_SIDE / max(region.shape[:2]))
    if scale < 1.0:
        region = cv2.resize(region, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    best = None
    for det in detector.detect(np.ascontiguousarray(region)):
        bx0, by0, bx1, by1 = (float(v) / scale for v in det.bbox)
        area = (bx1 - bx0) * (by1 - by0)
        if (bx0 + bx1) / 2 + left > x0 + width / 2:
            continue
        if best is None or area > best[0]:
            best = (area, det)
    if best is None:
        return None
    bx0, by0, bx1, by1 = (float(v) / scale for v in best[1].bbox)
    w, h = bx1 - bx0, by1 - by0
    # The ICAO portrait shows head and shoulders: widen the detector's tight box to about that.
    cx0 = int(max(0, left + bx0 - 0.3 * w))
    cy0 = int(max(0, top + by0 - 0.5 * h))
    cx1 = int(min(upright.shape[1], left + bx1 + 0.3 * w))
    cy1 = int(min(upright.shape[0], top + by1 + 0.35 * h))
    return Portrait(upright[cy0:cy1, cx0:cx1].copy(), (cx0, cy0, cx1, cy1), float(best[1].score))
