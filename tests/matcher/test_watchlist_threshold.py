"""The 1:N threshold comes from the policy's target FPIR at the gallery's size, read from the calibration."""

from __future__ import annotations

import json

import pytest

from matcher.calibration import Calibration, CalibrationError, IdentificationCalibration, OperatingPoint, SizeTable
from matcher.score_norm import CohortNormalisation
from matcher.watchlist_threshold import watchlist_operating_point

RAW = [OperatingPoint(f, t, 10**7) for f, t in ((1e-2, 0.91), (1e-3, 0.93), (1e-4, 0.94), (1e-5, 0.95))]
NORMALISED = [OperatingPoint(f, t, 10**6) for f, t in ((1e-3, 0.10), (1e-4, 0.14), (1e-5, 0.18), (5e-6, 0.20))]
# Among fewer subjects a probe's best others score lower, so normalised impostor scores run higher.
SMALL = [OperatingPoint(f, t + 0.1, 10**5) for f, t in ((1e-2, 0.10), (1e-3, 0.12))]
BLOCK = IdentificationCalibration(
    "max", CohortNormalisation(5, 0.5).to_dict(), [SizeTable(6, SMALL), SizeTable(800, NORMALISED)]
)


def _calibration(block: IdentificationCalibration | None = BLOCK) -> Calibration:
    return Calibration("model-x", "hand-made", "abc", "2026-12-04T00:00:00+00:00", RAW, identification=block)


def test_each_gallery_size_gets_the_threshold_of_its_own_fpir():
    small = watchlist_operating_point(_calibration(), 0.01, templates=10, subjects=10)
    big = watchlist_operating_point(_calibration(), 0.01, templates=1000, subjects=1000)
    # 1000 subjects: the 800-subject table; per-comparison FMR 1.0e-5 -> 0.18
    assert big.threshold == 0.18
    # 10 subjects: the 6-subject table (never the 800 one, whose thresholds would be too low for so few);
    # FMR 1.005e-3 wanted -> 1e-3 -> 0.22
    assert small.threshold == pytest.approx(0.22)
    assert small.normalisation == big.normalisation == CohortNormalisation(5, 0.5)
    assert small.reachable and big.reachable and big.expected_fpir <= 0.01


def test_the_threshold_is_never_looser_than_the_target():
    point = watchlist_operating_point(_calibration(), 0.01, templates=900, subjects=900)  # FMR 1.1e-5 wanted
    assert point.fmr == 1e-5 and point.threshold == 0.18 and point.expected_fpir < 0.01


def test_a_gallery_between_two_measured_sizes_uses_the_smaller_sizes_table():
    point = watchlist_operating_point(_calibration(), 0.01, templates=500, subjects=500)  # FMR 2.0e-5 wanted
    # the 6-subject table reaches only FMR 1e-3: its strictest threshold, flagged as not reaching the target
    assert point.threshold == pytest.approx(0.22) and not point.reachable


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
    one_each = watchlist_operating_point(_calibration(), 0.01, templates=850, subjects=850)  # FMR 1.2e-5 -> 1e-5
    several = watchlist_operating_point(_calibration(), 0.01, templates=2000, subjects=850)  # FMR 5.0e-6
    assert (one_each.threshold, several.threshold) == (0.18, 0.20)


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
        (lambda b: {**b, "tables": [{"gallery_subjects": 6, "points": []}]}, "operating points"),
        (lambda b: {**b, "tables": []}, "has no table"),
    ],
)
def test_a_block_the_kiosk_cannot_apply_is_refused_when_the_file_is_read(edit, message):
    body = json.loads(_calibration().to_json())
    body["identification"] = edit(body["identification"])
    with pytest.raises(CalibrationError, match=message):
        Calibration.from_json(json.dumps(body))
