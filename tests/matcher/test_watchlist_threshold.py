"""The 1:N threshold comes from the policy's target FPIR at the gallery's size, read from the calibration."""

from __future__ import annotations

import json

import pytest

from matcher.calibration import Calibration, CalibrationError, IdentificationCalibration, OperatingPoint
from matcher.score_norm import CohortNormalisation
from matcher.watchlist_threshold import watchlist_operating_point

RAW = [OperatingPoint(f, t, 10**7) for f, t in ((1e-2, 0.91), (1e-3, 0.93), (1e-4, 0.94), (1e-5, 0.95))]
NORMALISED = [OperatingPoint(f, t, 10**6) for f, t in ((1e-3, 0.10), (1e-4, 0.14), (1e-5, 0.18), (5e-6, 0.20))]
BLOCK = IdentificationCalibration("max", CohortNormalisation(5, 0.5).to_dict(), 826, NORMALISED)


def _calibration(block: IdentificationCalibration | None = BLOCK) -> Calibration:
    return Calibration("model-x", "hand-made", "abc", "2026-12-04T00:00:00+00:00", RAW, identification=block)


def test_a_bigger_gallery_gets_a_stricter_threshold_for_the_same_fpir():
    small = watchlist_operating_point(_calibration(), 0.01, templates=10, subjects=10)
    big = watchlist_operating_point(_calibration(), 0.01, templates=1000, subjects=1000)
    # 10 templates at FPIR 0.01: per-comparison FMR 1.0e-3 -> 0.10; 1000 templates: 1.0e-5 -> 0.18
    assert (small.threshold, big.threshold) == (0.10, 0.18)
    assert small.normalisation == big.normalisation == CohortNormalisation(5, 0.5)
    assert small.reachable and big.reachable and big.expected_fpir <= 0.01


def test_the_threshold_is_never_looser_than_the_target():
    point = watchlist_operating_point(_calibration(), 0.01, templates=500, subjects=500)  # FMR 2.0e-5 wanted
    assert point.fmr == 1e-5 and point.threshold == 0.18 and point.expected_fpir < 0.01


def test_a_gallery_too_big_for_the_calibration_uses_its_strictest_threshold_and_says_so():
    point = watchlist_operating_point(_calibration(), 0.01, templates=100_000, subjects=100_000)
    assert point.threshold == 0.20 and not point.reachable
    assert point.expected_fpir == pytest.approx(1 - (1 - 5e-6) ** 100_000)


def test_too_few_subjects_for_a_cohort_or_an_old_calibration_use_raw_similarities():
    few = watchlist_operating_point(_calibration(), 0.01, templates=5, subjects=5)  # cohort 5 needs 6 subjects
    assert few.normalisation is None and few.threshold == 0.93  # FMR 2.0e-3 wanted -> 1e-3 (stricter)
    old = watchlist_operating_point(_calibration(block=None), 0.01, templates=1000, subjects=1000)
    assert old.normalisation is None and old.threshold == 0.95


def test_several_templates_per_subject_count_as_several_comparisons():
    per_subject = watchlist_operating_point(_calibration(), 0.01, templates=1000, subjects=200)
    assert per_subject.threshold == watchlist_operating_point(_calibration(), 0.01, 1000, 1000).threshold


def test_the_block_survives_the_file_and_old_files_still_read():
    assert Calibration.from_json(_calibration().to_json()) == _calibration()
    old = json.loads(_calibration(block=None).to_json())
    del old["identification"]
    assert Calibration.from_json(json.dumps(old)).identification is None


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda b: {**b, "normalisation": {"method": "z-norm", "cohort": 5, "weight": 0.5}}, "unknown score norm"),
        (lambda b: {**b, "fusion": "mean"}, "unknown subject fusion"),
        (lambda b: {**b, "points": []}, "operating points"),
    ],
)
def test_a_block_the_kiosk_cannot_apply_is_refused_when_the_file_is_read(edit, message):
    body = json.loads(_calibration().to_json())
    body["identification"] = edit(body["identification"])
    with pytest.raises(CalibrationError, match=message):
        Calibration.from_json(json.dumps(body))
