"""Cohort normalisation on hand-made scores: each candidate is offset by the mean of the other subjects' best."""

import numpy as np
import pytest

from matcher.score_norm import CohortNormalisation


def test_each_candidate_is_offset_by_its_cohort_of_other_subjects():
    norm = CohortNormalisation(cohort=2, weight=0.5)
    scores = np.array([0.9, 0.7, 0.5, 0.1])
    # rank 1: cohort 0.7, 0.5 -> 0.9 - 0.5 * 0.6; rank 2: 0.9, 0.5 -> 0.7 - 0.5 * 0.7;
    # rank 3: 0.9, 0.7 -> 0.5 - 0.5 * 0.8; rank 4 (outside the cohort): 0.9, 0.7 -> 0.1 - 0.5 * 0.8
    assert norm.normalise(scores) == pytest.approx([0.6, 0.35, 0.1, -0.3])


def test_a_probe_close_to_everyone_needs_a_higher_similarity_to_stand_out():
    norm = CohortNormalisation(cohort=3, weight=1.0)
    distinct = norm.normalise(np.array([0.90, 0.50, 0.50, 0.50]))[0]
    common = norm.normalise(np.array([0.95, 0.90, 0.90, 0.90]))[0]
    assert distinct > common  # a lower raw similarity that stands out beats a high one that does not


def test_rows_keep_their_order_and_are_normalised_independently():
    norm = CohortNormalisation(cohort=2, weight=0.75)
    rows = -np.sort(-np.random.default_rng(3).random((50, 6)), axis=1)
    out = norm.normalise(rows)
    assert (np.diff(out, axis=1) <= 1e-12).all()
    assert out[7] == pytest.approx(norm.normalise(rows[7]))


def test_too_few_subjects_for_a_cohort_is_refused():
    with pytest.raises(ValueError, match="needs 4 subject scores"):
        CohortNormalisation(cohort=3, weight=0.5).normalise(np.array([0.9, 0.5, 0.4]))


def test_the_calibration_form_round_trips_and_unknown_methods_are_refused():
    norm = CohortNormalisation(5, 0.5)
    assert CohortNormalisation.from_dict(norm.to_dict()) == norm
    with pytest.raises(ValueError, match="unknown score normalisation"):
        CohortNormalisation.from_dict({"method": "z-norm", "cohort": 5, "weight": 0.5})
