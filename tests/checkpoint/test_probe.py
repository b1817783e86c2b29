"""The watchlist probe: the best live face fused with the next best frames that agree with it, on real frames."""

from __future__ import annotations

import numpy as np
import pytest

from checkpoint.pipeline.capture import LiveCapture, best_live_face
from checkpoint.pipeline.probe import fused_live_probe


def test_agreeing_frames_of_the_traveller_are_fused_into_the_probe(screener, traveller):
    analyzer = screener.analyzer
    live = best_live_face(traveller.frames, analyzer, max_frames=10, enough_good=3)
    assert live.face is not None and len(live.runners_up) == 2  # three frames passed the gate
    qualities = [live.face.quality.score] + [f.quality.score for f in live.runners_up]
    assert qualities == sorted(qualities, reverse=True)
    probe = fused_live_probe(live, analyzer, screener.thresholds.face_vs_document)
    assert np.linalg.norm(probe) == pytest.approx(1.0, abs=1e-5)
    others = analyzer.embedder.embed([f.chip for f in live.runners_up])
    expected = (live.face.embedding + others.sum(axis=0)) / 3
    assert probe == pytest.approx(expected / np.linalg.norm(expected), abs=1e-5)


def test_frames_that_do_not_agree_leave_the_best_frame_alone(screener, traveller):
    live = best_live_face(traveller.frames, screener.analyzer, max_frames=10, enough_good=3)
    alone = fused_live_probe(live, screener.analyzer, agree_at=1.01)  # no two templates can agree at 1.01
    assert alone == pytest.approx(live.face.embedding, abs=1e-6)


def test_no_live_face_gives_no_probe(screener):
    nobody = LiveCapture(None, None, None, 0, 0)
    assert fused_live_probe(nobody, screener.analyzer, 0.9) is None
