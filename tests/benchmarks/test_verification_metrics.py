"""Verification metrics on hand-made scores whose answers can be worked out on paper."""

from __future__ import annotations

import math

import numpy as np
import pytest

from benchmarks import verification as vm

GENUINE = np.array([0.9, 0.8, 0.7, 0.6, 0.3])  # one mated pair scores low
IMPOSTOR = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.65, 0.05, 0.15, 0.25, 0.35])


def test_fmr_and_fnmr_count_decisions_at_a_threshold() -> None:
    assert vm.fmr(IMPOSTOR, 0.5) == pytest.approx(2 / 10)  # 0.5 and 0.65 accepted
    assert vm.fnmr(GENUINE, 0.5) == pytest.approx(1 / 5)  # 0.3 rejected
    assert vm.fmr(IMPOSTOR, 0.66) == 0.0


def test_failure_to_acquire_counts_as_a_non_match() -> None:
    genuine = np.array([0.9, 0.8, -math.inf])
    assert vm.fnmr(genuine, 0.0) == pytest.approx(1 / 3)
    assert vm.fmr(np.array([-math.inf, 0.1]), 0.0) == pytest.approx(1 / 2)


def test_nan_scores_are_refused() -> None:
    with pytest.raises(ValueError, match="NaN"):
        vm.fmr(np.array([0.1, np.nan]), 0.5)


def test_threshold_at_fmr_admits_no_more_than_the_target() -> None:
    t = vm.threshold_at_fmr(IMPOSTOR, 0.1)  # one impostor of ten may pass: the 0.65
    assert vm.fmr(IMPOSTOR, t) == pytest.approx(0.1)
    assert 0.5 < t <= 0.65
    t0 = vm.threshold_at_fmr(IMPOSTOR, 0.05)  # none may pass
    assert vm.fmr(IMPOSTOR, t0) == 0.0 and t0 > 0.65


def test_ties_at_the_threshold_are_rejected_rather_than_exceed_the_target() -> None:
    impostor = np.array([0.5, 0.5, 0.1, 0.1])
    t = vm.threshold_at_fmr(impostor, 0.25)
    assert vm.fmr(impostor, t) == 0.0


def test_fnmr_at_fmr() -> None:
    rate, threshold = vm.fnmr_at_fmr(GENUINE, IMPOSTOR, 0.1)
    assert rate == pytest.approx(1 / 5)  # threshold just above the 0.5 impostor: only the 0.3 mated pair fails
    assert threshold == vm.threshold_at_fmr(IMPOSTOR, 0.1)


def test_eer_of_separable_scores_is_zero_and_of_identical_is_half() -> None:
    rate, _ = vm.eer(np.array([0.8, 0.9]), np.array([0.1, 0.2]))
    assert rate == 0.0
    same = np.array([0.1, 0.2, 0.3, 0.4])
    rate, _ = vm.eer(same, same)
    assert rate == pytest.approx(0.5, abs=0.15)


def test_eer_on_worked_example() -> None:
    # At t=0.5: FMR = 2/10 (0.5 and 0.65 pass) and FNMR = 1/5 (0.3 fails): the rates are equal.
    rate, threshold = vm.eer(GENUINE, IMPOSTOR)
    assert threshold == pytest.approx(0.5)
    assert rate == pytest.approx(0.2)


def test_accuracy_and_best_threshold() -> None:
    t = vm.best_accuracy_threshold(GENUINE, IMPOSTOR)
    assert vm.accuracy(GENUINE, IMPOSTOR, t) == pytest.approx(13 / 15)
    assert vm.accuracy(GENUINE, IMPOSTOR, 10.0) == pytest.approx(10 / 15)


def test_roc_runs_from_all_accepted_to_none() -> None:
    curve = vm.roc(GENUINE, IMPOSTOR, n_points=50)
    assert curve["fmr"][0] == 1.0 and curve["fnmr"][0] == 0.0
    assert np.all(np.diff(curve["fmr"]) <= 0) and np.all(np.diff(curve["fnmr"]) >= 0)
