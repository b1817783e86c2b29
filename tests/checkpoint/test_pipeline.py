"""One screening end to end on real models: a listed face is referred with its candidate, others are cleared."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from api.schemas import Recommendation, TransactionCreate
from matcher.watchlist_threshold import watchlist_operating_point
from tests.checkpoint.conftest import build_bundle, load_bundle, random_templates


def _rgb(jpeg: bytes) -> np.ndarray:
    return cv2.cvtColor(cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def test_listed_face_is_referred_with_its_candidate_and_evidence(screener, traveller, astronaut_template, tmp_path):
    faces = {"WANTED-1": astronaut_template, **random_templates(50)}
    bundle, key = build_bundle(tmp_path, faces, documents=[("MLI", "AA0012345")])
    snapshot = load_bundle(bundle, key, tmp_path / "kiosk")
    screener.snapshot = lambda: snapshot
    result = screener.screen(_rgb(traveller.document_jpeg), traveller.frames)
    assert result.recommendation == Recommendation.REFER
    assert result.reason_codes == ["WATCHLIST_FACE_HIT"]
    [candidate] = result.candidates
    assert candidate.kind == "face" and candidate.listed_name == "Listed WANTED-1" and candidate.has_thumbnail
    # 51 listed subjects: the score is normalised against the other listed faces, the threshold computed for them
    assert candidate.score >= result.watchlist_threshold
    assert "normalised against the other listed faces" in candidate.explanation
    assert "at 51 templates" in candidate.explanation
    assert result.face_match_score is not None and result.face_match_score >= result.face_match_threshold
    assert result.document["surname"] == traveller.identity.surname
    wire = result.to_transaction("kiosk-1", "post-1")
    assert isinstance(wire, TransactionCreate) and wire.policy_hash == screener.policy.sha256
    assert wire.candidates[0].entry_ref == candidate.entry and wire.face_template is None  # face data opt-in only


def test_traveller_on_no_list_is_cleared(screener, traveller, tmp_path):
    bundle, key = build_bundle(
        tmp_path, random_templates(200), names={"N1": "Mohamed Ag Traore"}, documents=[("MLI", "AA0012345")]
    )
    snapshot = load_bundle(bundle, key, tmp_path / "kiosk")
    screener.snapshot = lambda: snapshot
    result = screener.screen(_rgb(traveller.document_jpeg), traveller.frames)
    assert result.recommendation == Recommendation.CLEAR, result.to_dict()
    assert result.reasons == [] and {c.status for c in result.checks} == {"passed"}
    assert result.snapshot_version == str(snapshot.version)


def test_stolen_document_and_listed_name_are_referred(screener, traveller, tmp_path):
    number = traveller.identity.document_number
    listed_name = f"{traveller.identity.given_names} {traveller.identity.surname}".title()
    bundle, key = build_bundle(
        tmp_path,
        random_templates(10),
        names={"N1": listed_name},
        documents=[(traveller.identity.issuing_state, number)],
    )
    snapshot = load_bundle(bundle, key, tmp_path / "kiosk")
    screener.snapshot = lambda: snapshot
    result = screener.screen(_rgb(traveller.document_jpeg), traveller.frames)
    assert result.recommendation == Recommendation.REFER
    assert set(result.reason_codes) == {"DOCUMENT_LISTED", "WATCHLIST_NAME_HIT"}
    assert {c.kind for c in result.candidates} == {"document", "name"}


def test_no_face_in_any_frame_refers_with_a_reason_after_max_frames(screener, traveller):
    frames = [np.ascontiguousarray(data.coffee())] * 30  # more frames than the policy examines
    result = screener.screen(_rgb(traveller.document_jpeg), iter(frames))
    assert result.recommendation == Recommendation.REFER
    assert "NO_USABLE_FACE" in result.reason_codes
    assert result.capture["frames_seen"] == screener.policy.max_frames
    reason = next(r for r in result.reasons if r.code == "NO_USABLE_FACE")
    assert f"none of {screener.policy.max_frames} frames" in reason.detail and "no face" in reason.detail


def test_unreadable_document_refers_and_never_raises(screener, traveller):
    blank = np.full((600, 900, 3), 200, np.uint8)
    result = screener.screen(blank, traveller.frames)
    assert result.recommendation == Recommendation.REFER
    assert "DOCUMENT_UNREADABLE" in result.reason_codes and result.document is None
    wire = result.to_transaction("kiosk-1", "post-1")
    assert wire.document.document_number == "UNREADABLE"


@pytest.mark.parametrize("frames_with_face", [0, 2])
def test_frames_failing_the_gate_are_rejected_and_best_passing_one_chosen(screener, traveller, frames_with_face):
    dark = [(f * 0.15).astype(np.uint8) for f in traveller.frames[:3]]  # too dark for the gate
    frames = dark + traveller.frames[:frames_with_face]
    result = screener.screen(_rgb(traveller.document_jpeg), frames)
    if frames_with_face:
        assert result.capture["chosen_frame"] >= 3 and result.capture["frames_passed"] == frames_with_face
    else:
        assert "NO_USABLE_FACE" in result.reason_codes
    assert len(result.capture["rejections"]) == 3


def test_a_gallery_too_big_for_the_calibration_is_flagged_in_every_screening(screener, traveller, tmp_path):
    # The shipped calibration's strictest 1:N point for its largest measured gallery (826 subjects) is FMR 5e-6: at
    # the default 1 % it keeps at most 2,010 templates, so 3,000 are screened at that strictest threshold, and
    # officers are told.
    bundle, key = build_bundle(tmp_path, random_templates(3000), documents=[("MLI", "AA0012345")])
    snapshot = load_bundle(bundle, key, tmp_path / "kiosk")
    screener.snapshot = lambda: snapshot
    flagged = screener.screen(_rgb(traveller.document_jpeg), traveller.frames)
    [watch] = [c for c in flagged.checks if c.check == "watchlist_face"]
    assert (
        watch.status == "passed"
        and "cannot keep a gallery of 3,000 templates at the policy's 1.0% false" in watch.detail
    )
    assert "(it can up to 2,010 templates)" in watch.detail and "about 1.5% of travellers" in watch.detail
    assert flagged.recommendation == Recommendation.CLEAR  # a warning to the officer, not a changed decision
    small, key = build_bundle(tmp_path / "small", random_templates(200), documents=[("MLI", "AA0012345")])
    snapshot = load_bundle(small, key, tmp_path / "small" / "kiosk")
    unflagged = screener.screen(_rgb(traveller.document_jpeg), traveller.frames)  # default limit 1 %: 200 is fine
    [watch] = [c for c in unflagged.checks if c.check == "watchlist_face"]
    assert watch.status == "passed" and "alarm" not in watch.detail


def test_the_watchlist_threshold_is_computed_for_the_gallery_size_at_the_policy_fpir(screener, traveller, tmp_path):
    thresholds = {}
    for size in (10, 1000):
        bundle, key = build_bundle(tmp_path / str(size), random_templates(size), documents=[("MLI", "AA0012345")])
        snapshot = load_bundle(bundle, key, tmp_path / str(size) / "kiosk")
        screener.snapshot = lambda snapshot=snapshot: snapshot
        result = screener.screen(_rgb(traveller.document_jpeg), traveller.frames)
        [watch] = [c for c in result.checks if c.check == "watchlist_face"]
        assert watch.status == "passed" and "(FPIR 0.01)" in watch.detail and "cannot keep" not in watch.detail
        thresholds[size] = result.watchlist_threshold
    # per-comparison FMR 1e-3 for 10 templates, 1e-5 for 1,000, each read from the table of its own gallery size
    for size, threshold in thresholds.items():
        assert threshold == watchlist_operating_point(screener.calibration, 0.01, size, size).threshold
    assert thresholds[10] != thresholds[1000]
