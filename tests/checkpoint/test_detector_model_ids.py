"""Changing the face detector never compares templates that differ. YuNet's default pipeline places chips by dlib's
5 points, as HOG's did: same model id, and a face enrolled through HOG still alarms on a YuNet kiosk. Chips placed
by YuNet's own points are other templates with another id: such a kiosk refers a snapshot of dlib-placed templates
with FACE_MODEL_MISMATCH instead of comparing them."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np

from api.schemas import Recommendation
from checkpoint.pipeline.screening import Screener
from edge.face.analyzer import FaceAnalyzer
from matcher.calibration import load_calibration
from tests.checkpoint.conftest import build_bundle, load_bundle, random_templates


def _rgb(jpeg: bytes) -> np.ndarray:
    return cv2.cvtColor(cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def _snapshot_enrolled_through_hog(screener: Screener, traveller, tmp_path):
    hog = FaceAnalyzer(screener.analyzer.embedder, "hog", fallback_detector_name=None)
    faces = {**random_templates(20), "WANTED": hog.primary(traveller.frames[0]).embedding}
    bundle, key = build_bundle(tmp_path, faces, model=hog.model_id, names={}, documents=[("MLI", "AA0012345")])
    return load_bundle(bundle, key, tmp_path / "kiosk")


def test_a_face_enrolled_through_hog_alarms_on_a_yunet_kiosk(screener, traveller, tmp_path) -> None:
    assert screener.analyzer.detector_name == "yunet", "YuNet is the kiosk's default detector"
    snapshot = _snapshot_enrolled_through_hog(screener, traveller, tmp_path)
    screener.snapshot = lambda: snapshot
    result = screener.screen(_rgb(traveller.document_jpeg), traveller.frames)
    assert "WATCHLIST_FACE_HIT" in result.reason_codes and "FACE_MODEL_MISMATCH" not in result.reason_codes
    assert result.recommendation == Recommendation.REFER


def test_a_kiosk_placing_chips_by_yunet_points_refers_a_dlib_placed_snapshot(screener, traveller, tmp_path) -> None:
    snapshot = _snapshot_enrolled_through_hog(screener, traveller, tmp_path)
    by_yunet = FaceAnalyzer(screener.analyzer.embedder, "yunet", gate=screener.analyzer.gate, alignment="yunet5")
    # Its own calibration (the dlib5 thresholds under its id, as a site would install one) so that it can start.
    calibration = dataclasses.replace(load_calibration(screener.analyzer.model_id), model_id=by_yunet.model_id)
    kiosk = Screener(by_yunet, screener.reader, screener.policy, calibration, lambda: snapshot, screener.pad)
    result = kiosk.screen(_rgb(traveller.document_jpeg), traveller.frames)
    assert result.recommendation == Recommendation.REFER
    assert "FACE_MODEL_MISMATCH" in result.reason_codes and "WATCHLIST_FACE_HIT" not in result.reason_codes
    [outcome] = [c for c in result.checks if c.check == "watchlist_face"]
    assert outcome.status == "not_done" and by_yunet.model_id in outcome.detail
