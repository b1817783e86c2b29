"""Subject-level bootstrap intervals and the rule of three, on cases worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.uncertainty import (
    mated_rate_interval,
    non_mated_rate_interval,
    rule_of_three,
    supports_rate,
)


def test_rule_of_three() -> None:
    assert rule_of_three(300) == pytest.approx(0.01)
    assert supports_rate(3000, 1e-3) and not supports_rate(1500, 1e-3)


def test_no_error_reports_the_rule_of_three_bound() -> None:
    interval = mated_rate_interval(np.zeros(600, dtype=bool), np.repeat(np.arange(60), 10))
    assert interval.rate == 0.0 and interval.high == pytest.approx(3 / 600)
    assert interval.method == "rule_of_three"


def test_errors_spread_evenly_over_subjects_give_a_tight_interval() -> None:
    subjects = np.repeat(np.arange(10), 10)
    errors = np.zeros(100, dtype=bool)
    errors[::10] = True  # one error per subject: every resample has the same rate
    interval = mated_rate_interval(errors, subjects)
    assert interval.rate == pytest.approx(0.1)
    assert interval.low == pytest.approx(0.1) and interval.high == pytest.approx(0.1)


def test_errors_from_one_subject_give_a_wide_interval() -> None:
    subjects = np.repeat(np.arange(10), 10)
    errors = subjects == 3  # all ten errors from one person: a resample often leaves them out
    interval = mated_rate_interval(errors, subjects)
    assert interval.rate == pytest.approx(0.1)
    assert interval.low == 0.0 and interval.high >= 0.2


def test_non_mated_denominator_counts_every_cross_subject_comparison() -> None:
    # Subjects with 2, 1 and 3 images: cross-subject comparisons = 2*1 + 2*3 + 1*3 = 11.
    interval = non_mated_rate_interval(np.array([0]), np.array([2]), np.array([2, 1, 3]))
    assert interval.trials == 11 and interval.rate == pytest.approx(1 / 11)
    assert interval.low <= 1 / 11 <= interval.high


def test_non_mated_without_errors_uses_the_rule_of_three() -> None:
    interval = non_mated_rate_interval(np.array([], int), np.array([], int), np.full(100, 2))
    assert interval.method == "rule_of_three" and interval.high == pytest.approx(3 / interval.trials)
