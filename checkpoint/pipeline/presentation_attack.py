"""The presentation-attack check: is the chosen live face a photo or a screen held to the camera?

A model that cannot run is a check not done, never a pass: the policy decides whether that refers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from checkpoint.i18n import _
from checkpoint.pipeline.capture import LiveCapture
from checkpoint.pipeline.result import CheckOutcome
from checkpoint.policy import Policy
from edge.errors import ModelUnavailable
from edge.face.pad import MODELS_DIR, PresentationAttackDetector

CHECK = "presentation_attack"


@dataclass(frozen=True)
class PadUnavailable:
    """The PAD models could not be loaded; `problem` says why, for the officer and the records."""

    problem: str


def load_pad(threads: int = 1, models_dir: Path = MODELS_DIR) -> PresentationAttackDetector | PadUnavailable:
    """The detector, or why it cannot run: a kiosk without it still screens, and refers as its policy says."""
    try:
        return PresentationAttackDetector(models_dir, threads)
    except ModelUnavailable as exc:
        return PadUnavailable(exc.problem)


def presentation_attack_findings(
    pad: PresentationAttackDetector | PadUnavailable, live: LiveCapture, policy: Policy
) -> tuple[float | None, list[tuple[CheckOutcome, str]]]:
    """The live score (None when not scored) and the check's outcome with its reason code."""
    if live.face is None or live.frame is None:
        return None, [(CheckOutcome(CHECK, "not_done", live.reason), "NO_USABLE_FACE")]
    if isinstance(pad, PadUnavailable):
        return None, [(CheckOutcome(CHECK, "not_done", pad.problem), "PAD_UNAVAILABLE")]
    frames = live.passed or [(live.face, live.frame)]
    try:
        scores = [pad.score(rgb, face.bbox).live for face, rgb in frames]
    except Exception as exc:  # onnxruntime raises its own untyped errors; whatever failed, nothing was checked
        detail = _("the presentation-attack models failed on a frame (%(error)s)") % {
            "error": str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        }
        return None, [(CheckOutcome(CHECK, "not_done", detail), "PAD_UNAVAILABLE")]
    # One frame's score swings with light and compression (0.0009 to 0.10 across five frames of one photo); the
    # mean over every frame the kiosk chose from is steadier, for live faces and attacks alike.
    live_score = float(np.mean(scores))
    numbers = {"score": live_score, "threshold": policy.pad_threshold, "frames": len(scores)}
    if live_score < policy.pad_threshold:
        detail = _("live score %(score).4f < %(threshold).4f (mean of %(frames)d frames)") % numbers
        return live_score, [(CheckOutcome(CHECK, "failed", detail), "PRESENTATION_ATTACK_SUSPECTED")]
    detail = _("live score %(score).4f >= %(threshold).4f (mean of %(frames)d frames)") % numbers
    return live_score, [(CheckOutcome(CHECK, "passed", detail), "")]
