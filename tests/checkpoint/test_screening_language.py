"""A screening reads in the officer's language: every check's detail, every document check and every reason's
meaning in French on a French kiosk, in English on an English one; codes and numbers stay as they are."""

from __future__ import annotations

import datetime as dt

from checkpoint import i18n
from tests.checkpoint.test_fail_safe import _rgb, _snapshot

# Document checks whose detail is a code and its ICAO name ("MLI: Mali"): the same words in every language.
NAMED_CODES = {"issuing_state_known", "nationality_known"}


def _screen(screener, traveller, snapshot, lang, today=None):
    screener.snapshot = lambda: snapshot
    with i18n.language(lang):
        return screener.screen(_rgb(traveller.document_jpeg), traveller.frames, today=today)


def test_a_clear_screening_reads_in_french(screener, traveller, tmp_path):
    snapshot = _snapshot(tmp_path)
    french = _screen(screener, traveller, snapshot, "fr")
    english = _screen(screener, traveller, snapshot, "en")
    assert french.recommendation == english.recommendation  # the language changes the words, never the decision
    same = [c.check for c, e in zip(french.checks, english.checks, strict=True) if c.detail == e.detail]
    assert not same, f"left in English on a French kiosk: {same}"
    by_check = {c.check: c.detail for c in french.checks}
    assert by_check["document"] == "MRZ lue ; tous les contrôles du document sont satisfaisants"
    assert by_check["face_vs_document"].startswith("score ") and "seuil" in by_check["face_vs_document"]
    checks = [
        (f.name, f.detail, e.detail) for f, e in zip(french.document_checks, english.document_checks, strict=True)
    ]
    untranslated = [name for name, fr, en in checks if fr == en and name.lower() not in NAMED_CODES]
    assert not untranslated, f"document checks left in English: {untranslated}"


def test_a_referral_for_lists_past_review_reads_in_french(screener, traveller, tmp_path):
    three_years_on = dt.date.today() + dt.timedelta(days=3 * 365)
    result = _screen(screener, traveller, _snapshot(tmp_path), "fr", today=three_years_on)
    reason = next(r for r in result.reasons if r.code == "NO_FACE_WATCHLIST")
    assert reason.meaning.startswith("L'instantané chargé ne contient aucune entrée « visage » en vigueur")
    assert "date de réexamen" in reason.detail and "plus récent" in reason.detail
    expired = next(c for c in result.document_checks if c.name.lower() == "not_expired")
    assert expired.passed and expired.detail.startswith("expire le ")
