"""A closer look for the text detector: the document cut out of the frame and enlarged.

The detector sees the whole frame shrunk to its usual side (640 px). A document that fills half of a photo, or an
image only 400 px long, leaves the MRZ a few pixels a character there: the lines melt together or vanish. Where
the first look finds no MRZ, the document is found in the frame (the part of the image with fine detail: print,
photo, guilloche and the document's own edges, against a smoother desk, hand or cloth), cut out with a margin
and scaled, up or down, so that it fills the detector's view. The boxes found there are returned in the
original image's pixels: every later stage cuts its lines from the original page.
"""

from __future__ import annotations

import cv2
import numpy as np

from edge.document.ocr import MrzOcr

REGION_SIDE = 256  # the frame is searched for the document at this size: print and photo still show as detail
DETAIL_BLUR = 9  # detail is averaged over this many pixels (of REGION_SIDE) so a document's print is one area
REGION_MARGIN = 0.06  # the cut goes this share of the document's longer side beyond it (corners, a tilted edge)


def document_region(rgb: np.ndarray) -> tuple[int, int, int, int]:
    """The (x0, y0, x1, y1) pixels of `rgb` holding the document, with a margin; the whole image if none stands out.

    The largest connected area of fine detail (colour gradients, averaged, above Otsu's threshold) is the document.
    """
    height, width = rgb.shape[:2]
    scale = REGION_SIDE / max(height, width)
    small = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    small = small.astype(np.float32)
    gradient = np.abs(cv2.Sobel(small, cv2.CV_32F, 1, 0)).max(axis=2) + np.abs(cv2.Sobel(small, cv2.CV_32F, 0, 1)).max(
        axis=2
    )
    detail = cv2.blur(gradient, (DETAIL_BLUR, DETAIL_BLUR))
    top = float(np.percentile(detail, 99))
    if top <= 0:
        return 0, 0, width, height
    level = np.clip(detail * (255.0 / top), 0, 255).astype(np.uint8)
    _, mask = cv2.threshold(level, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    if count < 2:
        return 0, 0, width, height
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h = (float(v) / scale for v in stats[largest, :4])
    margin = REGION_MARGIN * max(w, h)
    return (
        max(0, int(x - margin)),
        max(0, int(y - margin)),
        min(width, int(np.ceil(x + w + margin))),
        min(height, int(np.ceil(y + h + margin))),
    )


def detect_in_region(
    ocr: MrzOcr, rgb: np.ndarray, region: tuple[int, int, int, int], side: int, faint: bool = False
) -> list[np.ndarray]:
    """The detector's text boxes in `region` of `rgb`, the region scaled to `side` pixels on its longer side (up or
    down), faint text boxed too when `faint` (see MrzOcr.detect); the boxes in `rgb`'s pixels."""
    x0, y0, x1, y1 = region
    crop = rgb[y0:y1, x0:x1]
    scale = side / max(crop.shape[:2])
    if scale != 1.0:
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=interpolation)
    boxes, _ = ocr.detect(crop, max(crop.shape[:2]), faint)
    offset = np.float32([x0, y0])
    return [(box / np.float32(scale) + offset).astype(np.float32) for box in boxes]
