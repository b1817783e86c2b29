"""Choose the face to screen from a sequence of camera frames: the best-quality face that passes the gate."""

from __future__ import annotations

from collections.abc import Iterable, Sized
from dataclasses import dataclass, field

import numpy as np

from checkpoint.i18n import _
from edge.face.analyzer import FaceAnalyzer, choose_primary
from edge.face.face import Face


@dataclass
class LiveCapture:
    """The chosen face (None when no frame passed the gate), the frame it came from, and why others lost."""

    face: Face | None
    frame: np.ndarray | None
    frame_index: int | None  # 0-based position among the frames given (frame 1 for a person is index 0)
    frames_seen: int  # frames the kiosk was given: all the uploads, even those left unexamined after enough good ones
    frames_passed: int
    # One line per rejected frame, numbered from 1 as the officer counts; in the source language, as the screening's
    # other evidence, since the reason built from them goes to the centre's records.
    rejections: list[str] = field(default_factory=list)
    frames_examined: int | None = None  # frames looked at (fewer than given when enough passed early)
    # The other faces that passed the gate, best quality first, not embedded (checkpoint/pipeline/probe.py fuses them).
    runners_up: list[Face] = field(default_factory=list)
    # Every (face, frame) that passed the gate, the chosen one included, in frame order: the frames the kiosk chose
    # from, on each of which presentation-attack detection runs.
    passed: list[tuple[Face, np.ndarray]] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """Why no face was chosen (empty when one was)."""
        if self.face is not None:
            return ""
        if self.frames_seen == 0:
            return _("no camera frame was received")
        examined = self.frames_seen if self.frames_examined is None else self.frames_examined
        last = "; ".join(self.rejections[-3:])
        return _("none of %(count)d frames held a face passing the quality gate (%(last)s)") % {
            "count": examined,
            "last": last,
        }


def best_live_face(
    frames: Iterable[np.ndarray | None], analyzer: FaceAnalyzer, max_frames: int, enough_good: int
) -> LiveCapture:
    """Examine up to `max_frames` frames, keep the highest-quality face that passes the gate, embed only it.

    Stops early after `enough_good` passing frames: a queue of travellers should not wait for frames that
    cannot beat the good ones already seen. A None frame is one the source could not decode: it keeps its place,
    so the chosen frame's number is the one the officer knows it by.
    """
    best: tuple[Face, np.ndarray, int] | None = None
    passing: list[Face] = []
    seen = passed = 0
    chosen_from: list[tuple[Face, np.ndarray]] = []
    rejections: list[str] = []
    for index, rgb in enumerate(frames):
        if index >= max_frames:
            break
        seen += 1
        if rgb is None:
            rejections.append(_("frame %(number)d: not a readable image") % {"number": index + 1})
            continue
        faces = analyzer.get(rgb, embed=False)
        if not faces:
            rejections.append(_("frame %(number)d: no face") % {"number": index + 1})
            continue
        face = choose_primary(faces, rgb.shape[:2])
        quality = face.quality
        if quality is None or not quality.passed:
            reasons = ", ".join(quality.reasons) if quality else _("quality not measured")
            rejections.append(_("frame %(number)d: %(reasons)s") % {"number": index + 1, "reasons": reasons})
            continue
        passed += 1
        passing.append(face)
        chosen_from.append((face, rgb))
        if best is None or quality.score > best[0].quality.score:  # type: ignore[union-attr]
            best = (face, rgb, index)
        if passed >= enough_good:
            break
    # An upload or a folder knows how many frames it holds; a camera or a video gave what was read from it.
    given = max(len(frames), seen) if isinstance(frames, Sized) else seen
    if best is None:
        return LiveCapture(None, None, None, given, passed, rejections, seen)
    face, rgb, index = best
    face.embedding = analyzer.embedder.embed([face.chip])[0]
    face.model_id = analyzer.model_id
    runners_up = sorted((f for f in passing if f is not face), key=lambda f: -f.quality.score)  # type: ignore[union-attr]
    return LiveCapture(face, rgb, index, given, passed, rejections, seen, runners_up, chosen_from)
