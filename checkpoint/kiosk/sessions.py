"""Screenings shown on this kiosk since it started: results and their images, kept in memory only.

The durable record is the outbox; these are what the officer page displays. A restart forgets them: the page then
shows the undecided ones from the outbox, without images (checkpoint/kiosk/pending.py)."""

from __future__ import annotations

import threading
from collections import OrderedDict

import cv2
import numpy as np

from checkpoint.pipeline.result import ScreeningResult

KEEP = 50  # the last screenings an officer can go back to


class RecentScreenings:
    def __init__(self) -> None:
        self._items: OrderedDict[str, ScreeningResult] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, result: ScreeningResult) -> str:
        key = str(result.client_uuid)
        with self._lock:
            self._items[key] = result
            while len(self._items) > KEEP:
                self._items.popitem(last=False)
        return key

    def get(self, key: str) -> ScreeningResult | None:
        with self._lock:
            return self._items.get(key)


def jpeg(rgb: np.ndarray | None, longest: int = 480) -> bytes | None:
    """A JPEG of `rgb` no longer than `longest` pixels on its long side."""
    if rgb is None:
        return None
    scale = min(1.0, longest / max(rgb.shape[:2]))
    if scale < 1.0:
        rgb = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
    return data.tobytes() if ok else None
