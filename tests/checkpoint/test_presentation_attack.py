"""The kiosk's presentation-attack check: an alarm refers (never refuses), at the policy's threshold, on every
frame the kiosk chose from."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from api.schemas import Recommendation


def _rgb(jpeg: bytes) -> np.ndarray:
    return cv2.cvtColor(cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


@pytest.fixture
def screen_with_threshold(screener, traveller):
    """Screen the session's traveller under the shipped policy with another PAD threshold."""
    shipped = screener.policy

    def screen(threshold: float):
        screener.policy = dataclasses.replace(shipped, pad_threshold=threshold)
        try:
            return screener.screen(_rgb(traveller.document_jpeg), traveller.frames)
        finally:
            screener.policy = shipped

    return screen


def test_an_alarm_refers_with_its_reason_and_the_screening_goes_on(screen_with_threshold, screener):
    result = screen_with_threshold(0.999)
    assert result.recommendation == Recommendation.REFER
    reason = next(r for r in result.reasons if r.code == "PRESENTATION_ATTACK_SUSPECTED")
    assert reason.meaning == screener.policy.meaning("PRESENTATION_ATTACK_SUSPECTED")
    assert "< 0.9990" in reason.detail
    statuses = {c.check: c.status for c in result.checks}
    assert statuses["presentation_attack"] == "failed"
    assert statuses["face_vs_document"] == "passed"  # the officer still gets every other check
    assert result.face_match_score is not None


def test_the_policy_threshold_decides(screen_with_threshold):
    score = screen_with_threshold(0.999).capture["presentation_attack_live_score"]
    assert 0 <= score < 0.999
    below = screen_with_threshold(0.0)
    assert "PRESENTATION_ATTACK_SUSPECTED" not in below.reason_codes
    assert {c.check: c.status for c in below.checks}["presentation_attack"] == "passed"


def test_every_frame_that_passed_the_gate_is_checked(screen_with_threshold):
    result = screen_with_threshold(0.0)
    [outcome] = [c for c in result.checks if c.check == "presentation_attack"]
    assert result.capture["frames_passed"] >= 2
    assert f"mean of {result.capture['frames_passed']} frames" in outcome.detail
