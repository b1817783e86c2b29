"""Choose the face to screen from a sequence of camera frames: the best-quality face that passes the gate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from edge.face.analyzer import FaceAnalyzer, choose_primary
from edge.face.face import Face


@dataclass
class LiveCapture:
    """The chosen face (None when no frame passed the gate), the frame it came from, and why others lost."""

    face: Face | None
    frame: np.ndarray | None
    frame_index: int | None
    frames_seen: int
    frames_passed: int
    rejections: list[str] = field(default_factory=list)  # one line per rejected frame

    @property
    def reason(self) -> str:
        """Why no face was chosen (empty when one was)."""
        if self.face is not None:
            return ""
        if self.frames_seen == 0:
            return "no camera frame was received"
        last = "; ".join(self.rejections[-3:])
        return f"none of {self.frames_seen} frames held a face passing the quality gate ({last})"


def best_live_face(
    frames: Iterable[np.ndarray], analyzer: FaceAnalyzer, max_frames: int, enough_good: int
) -> LiveCapture:
    """Examine up to `max_frames` frames, keep the highest-quality face that passes the gate, embed only it.

    Stops early after `enough_good` passing frames: a queue of travellers should not wait for frames that
    cannot beat the good ones already seen.
    """
    best: tuple[Face, np.ndarray, int] | None = None
    seen = passed = 0
    rejections: list[str] = []
    for index, rgb in enumerate(frames):
        if index >= max_frames:
            break
        seen += 1
        faces = analyzer.get(rgb, embed=False)
        if not faces:
            rejections.append(f"frame {index}: no face")
            continue
        face = choose_primary(faces, rgb.shape[:2])
        quality = face.quality
        if quality is None or not quality.passed:
            reasons = ", ".join(quality.reasons) if quality else "quality not measured"
            rejections.append(f"frame {index}: {reasons}")
            continue
        passed += 1
        if best is None or quality.score > best[0].quality.score:  # type: ignore[union-attr]
            best = (face, rgb, index)
        if passed >= enough_good:
            break
    if best is None:
        return LiveCapture(None, None, None, seen, passed, rejections)
    face, rgb, index = best
    face.embedding = analyzer.embedder.embed([face.chip])[0]
    face.model_id = analyzer.model_id
    return LiveCapture(face, rgb, index, seen, passed, rejections)
