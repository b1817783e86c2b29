"""Fail-safe rule: a mandatory check with nothing to check against is never "passed"; it refers with its own
reason code and says why. Each case removes one check's input from an otherwise complete screening."""

from __future__ import annotations

import dataclasses
import datetime as dt

import cv2
import numpy as np
import pytest
from skimage import data

from api.schemas import Recommendation
from checkpoint.pipeline.presentation_attack import load_pad
from checkpoint.policy.policy import CHECKS, CheckMode
from tests.checkpoint.conftest import MODEL, build_bundle, load_bundle, random_templates

# A snapshot with every list in force: faces, a name and a lost/stolen document (none of them the traveller's).
COMPLETE = {"names": {"N1": "Mohamed Ag Traore"}, "documents": [("MLI", "AA0012345")]}


def _rgb(jpeg: bytes) -> np.ndarray:
    return cv2.cvtColor(cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def _snapshot(tmp_path, faces=None, model=MODEL, **lists):
    faces = random_templates(20) if faces is None else faces
    bundle, key = build_bundle(tmp_path, faces, model=model, **{**COMPLETE, **lists})
    return load_bundle(bundle, key, tmp_path / "kiosk")


# Each removal returns the screening's inputs with one thing taken away: (snapshot, document image, frames, day),
# and, for a model the kiosk cannot run, the stage to screen with instead.
def _no_document(tmp_path, traveller):
    return _snapshot(tmp_path), np.full((600, 900, 3), 200, np.uint8), traveller.frames, None


def _no_face(tmp_path, traveller):
    return _snapshot(tmp_path), _rgb(traveller.document_jpeg), [np.ascontiguousarray(data.coffee())] * 3, None


def _no_snapshot(tmp_path, traveller):
    return None, _rgb(traveller.document_jpeg), traveller.frames, None


def _no_face_entries(tmp_path, traveller):
    return _snapshot(tmp_path, faces={}), _rgb(traveller.document_jpeg), traveller.frames, None


def _other_face_model(tmp_path, traveller):
    snapshot = _snapshot(tmp_path, model="arcface-arcface-0123456789ab")
    return snapshot, _rgb(traveller.document_jpeg), traveller.frames, None


def _no_documents_listed(tmp_path, traveller):
    return _snapshot(tmp_path, documents=[]), _rgb(traveller.document_jpeg), traveller.frames, None


def _no_names_listed(tmp_path, traveller):
    # Every listed subject has a name, so a list with no names is a list of documents only.
    snapshot = _snapshot(tmp_path, faces={}, names={})
    return snapshot, _rgb(traveller.document_jpeg), traveller.frames, None


def _no_pad_model(tmp_path, traveller):
    # A kiosk whose presentation-attack models are missing (a damaged install): nothing says the face is live.
    pad = load_pad(models_dir=tmp_path / "no-models")
    return _snapshot(tmp_path), _rgb(traveller.document_jpeg), traveller.frames, None, pad


CASES = [
    ("document", _no_document, "DOCUMENT_UNREADABLE"),
    ("face_vs_document", _no_face, "NO_USABLE_FACE"),
    ("presentation_attack", _no_face, "NO_USABLE_FACE"),
    ("presentation_attack", _no_pad_model, "PAD_UNAVAILABLE"),
    ("watchlist_face", _no_snapshot, "NO_SNAPSHOT"),
    ("watchlist_face", _no_face_entries, "NO_FACE_WATCHLIST"),
    ("watchlist_face", _other_face_model, "FACE_MODEL_MISMATCH"),
    ("lost_stolen", _no_snapshot, "NO_SNAPSHOT"),
    ("lost_stolen", _no_documents_listed, "NO_DOCUMENT_LIST"),
    ("watchlist_names", _no_snapshot, "NO_SNAPSHOT"),
    ("watchlist_names", _no_names_listed, "NO_NAME_WATCHLIST"),
]


def test_every_check_of_the_policy_has_a_case_that_removes_its_input():
    """A check added to the pipeline without a case here fails this test: each one must be proved fail-safe."""
    assert {check for check, _, _ in CASES} == set(CHECKS)


def test_the_complete_snapshot_clears_the_traveller(screener, traveller, tmp_path):
    """The baseline the cases start from: with every input present, nothing refers this traveller."""
    snapshot = _snapshot(tmp_path)
    screener.snapshot = lambda: snapshot
    result = screener.screen(_rgb(traveller.document_jpeg), traveller.frames)
    assert result.recommendation == Recommendation.CLEAR, result.to_dict()


@pytest.mark.parametrize(("check", "remove", "code"), CASES, ids=[f"{c}-{code}" for c, _, code in CASES])
def test_a_mandatory_check_without_its_input_refers_with_its_own_reason(
    screener, traveller, tmp_path, check, remove, code
):
    snapshot, document, frames, today, *stage = remove(tmp_path, traveller)
    screener.snapshot = lambda: snapshot
    shipped_pad = screener.pad
    try:
        screener.pad = stage[0] if stage else shipped_pad
        result = screener.screen(document, frames, today=today)
    finally:
        screener.pad = shipped_pad
    assert result.recommendation == Recommendation.REFER
    [outcome] = [c for c in result.checks if c.check == check]
    assert outcome.status != "passed", outcome  # "failed" (unreadable document) or "not_done"
    assert code in result.reason_codes
    reason = next(r for r in result.reasons if r.code == code)
    assert reason.meaning == screener.policy.meaning(code) and reason.detail  # says why, in the officer's words


def test_a_snapshot_whose_entries_are_all_past_review_checks_nothing(screener, traveller, tmp_path):
    """A kiosk offline for longer than every entry's review date has no list left: it refers, never clears."""
    snapshot = _snapshot(tmp_path)
    screener.snapshot = lambda: snapshot
    three_years_on = dt.date.today() + dt.timedelta(days=3 * 365)
    result = screener.screen(_rgb(traveller.document_jpeg), traveller.frames, today=three_years_on)
    assert result.recommendation == Recommendation.REFER
    statuses = {c.check: c.status for c in result.checks}
    assert [statuses[c] for c in ("watchlist_face", "lost_stolen", "watchlist_names")] == ["not_done"] * 3
    assert {"NO_FACE_WATCHLIST", "NO_DOCUMENT_LIST", "NO_NAME_WATCHLIST"} <= set(result.reason_codes)
    detail = next(r.detail for r in result.reasons if r.code == "NO_FACE_WATCHLIST")
    assert "past its review date" in detail and "newer snapshot" in detail


def test_an_optional_check_without_its_input_is_noted_not_passed(screener, traveller, tmp_path):
    """The policy can make a list optional at a post that has none; the screening then says it was not done."""
    snapshot = _snapshot(tmp_path, documents=[])
    screener.snapshot = lambda: snapshot
    default_policy = screener.policy
    try:
        screener.policy = dataclasses.replace(
            default_policy, checks={**default_policy.checks, "lost_stolen": CheckMode.OPTIONAL}
        )
        result = screener.screen(_rgb(traveller.document_jpeg), traveller.frames)
    finally:
        screener.policy = default_policy
    assert result.recommendation == Recommendation.CLEAR
    [outcome] = [c for c in result.checks if c.check == "lost_stolen"]
    assert outcome.status == "not_done"
    assert any(n.startswith("lost_stolen not done (optional in this policy)") for n in result.notes)
