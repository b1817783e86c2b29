"""Identification metrics on hand-made search outcomes whose answers are worked out by hand."""

import math

import numpy as np
import pytest

from benchmarks.identification import (
    cmc,
    fnir,
    fnir_at_fpir,
    fpir,
    mate_outcome,
    rank1_identification_rate,
    threshold_at_fpir,
)

# Ten non-mated searches: top scores. Five mated searches: (rank of the mate, its score).
NONMATED = [0.10, 0.20, 0.30, 0.40, 0.50, 0.55, 0.60, 0.65, 0.70, 0.90]
MATED_RANKS = [1, 1, 2, 1, 0]
MATED_SCORES = [0.95, 0.60, 0.80, 0.40, math.nan]


def test_fpir_counts_nonmated_searches_at_or_above_the_threshold():
    assert fpir(NONMATED, 0.60) == pytest.approx(0.4)  # 0.60, 0.65, 0.70, 0.90
    assert fpir(NONMATED, 0.91) == 0.0
    assert fpir(NONMATED, 0.0) == 1.0


def test_fnir_needs_the_mate_at_rank_one_and_above_threshold():
    # threshold 0.5: rank-1 hits with score >= 0.5 are searches 0 and 1 -> 2/5 found, FNIR 0.6
    assert fnir(MATED_RANKS, MATED_SCORES, 0.5) == pytest.approx(0.6)
    # allowing rank <= 2 adds search 2 (rank 2, score 0.8)
    assert fnir(MATED_RANKS, MATED_SCORES, 0.5, max_rank=2) == pytest.approx(0.4)
    # a mate not returned is always a miss, even at the lowest threshold
    assert fnir(MATED_RANKS, MATED_SCORES, -1.0, max_rank=10) == pytest.approx(0.2)


def test_threshold_at_fpir_is_the_lowest_threshold_meeting_the_target():
    t = threshold_at_fpir(NONMATED, 0.1)  # one false positive allowed of ten: only 0.90 may pass
    assert 0.70 < t <= 0.70 + 1e-12
    assert fpir(NONMATED, t) == pytest.approx(0.1)
    t0 = threshold_at_fpir(NONMATED, 0.0)  # none allowed
    assert t0 > 0.90 and fpir(NONMATED, t0) == 0.0
    # a target below 1/n still allows no false positive
    assert threshold_at_fpir(NONMATED, 0.05) == t0


def test_ties_at_the_threshold_are_all_rejected_never_exceeding_the_target():
    scores = [0.5, 0.5, 0.5, 0.1]
    t = threshold_at_fpir(scores, 0.25)  # one allowed, but three tie at 0.5: none may pass
    assert fpir(scores, t) == 0.0


def test_fnir_at_fpir_combines_threshold_and_mated_outcomes():
    value, threshold = fnir_at_fpir(MATED_RANKS, MATED_SCORES, NONMATED, 0.1)
    # threshold just above 0.70: only search 0 (rank 1, 0.95) is found -> FNIR 4/5
    assert value == pytest.approx(0.8)
    assert threshold > 0.70


def test_cmc_and_rank1():
    curve = cmc(MATED_RANKS, 3)
    np.testing.assert_allclose(curve, [0.6, 0.8, 0.8])
    assert rank1_identification_rate(MATED_RANKS) == pytest.approx(0.6)


def test_mate_outcome_reports_rank_and_score_or_absence():
    assert mate_outcome(["a", "b", "c"], [0.9, 0.8, 0.7], "b") == (2, 0.8)
    rank, score = mate_outcome(["a"], [0.9], "z")
    assert rank == 0 and math.isnan(score)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        fpir([], 0.5)
    with pytest.raises(ValueError):
        fnir([1, 2], [0.5], 0.5)
    with pytest.raises(ValueError):
        threshold_at_fpir(NONMATED, 1.0)
    with pytest.raises(ValueError):
        cmc([], 5)
