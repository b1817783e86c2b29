"""The probe the watchlist search uses: the best live face, fused with the next best frames when they agree.

Measured on LFW-dev (images of one person standing in for frames; benchmarks/results/identify-fusion.json,
"probe_fusion"): fusing 2-3 agreeing frames lowers FNIR at a fixed FPIR compared with the best frame alone.
Agreement is the 1:1 threshold at the policy's face-vs-document FMR: a frame below it may show someone else.
The 1:1 check against the document keeps the single best frame, the case its calibration was measured on.
"""

from __future__ import annotations

import numpy as np

from checkpoint.pipeline.capture import LiveCapture
from edge.face.analyzer import FaceAnalyzer
from matcher.probe_fusion import fuse_probe

MAX_FUSED_FRAMES = 3  # the best frame and up to two more, as measured


def fused_live_probe(live: LiveCapture, analyzer: FaceAnalyzer, agree_at: float) -> np.ndarray | None:
    """The watchlist probe: None without a live face; the best face's template when it stands alone."""
    if live.face is None or live.face.embedding is None:
        return None
    others = live.runners_up[: MAX_FUSED_FRAMES - 1]
    if not others:
        return live.face.embedding
    templates = np.vstack([live.face.embedding[None, :], analyzer.embedder.embed([f.chip for f in others])])
    probe, _ = fuse_probe(templates, agree_at)
    return probe
