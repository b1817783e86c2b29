"""APCER, BPCER and their Wilson intervals on hand-made scores (ISO/IEC 30107-3 terms)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.pad_metrics import apcer, bpcer, threshold_at_bpcer, wilson


def test_wilson_interval_matches_the_textbook_figures():
    half = wilson(5, 10)
    assert (half.rate, round(half.low, 4), round(half.high, 4)) == (0.5, 0.2366, 0.7634)
    none = wilson(0, 10)  # no error seen is not a rate of zero: the interval still reaches 27.8 %
    assert (none.rate, none.low, round(none.high, 4)) == (0.0, 0.0, 0.2775)


def test_wilson_refuses_impossible_counts():
    with pytest.raises(ValueError):
        wilson(3, 2)
    with pytest.raises(ValueError):
        wilson(0, 0)


def test_bona_fide_below_the_threshold_are_bpcer_attacks_at_or_above_are_apcer():
    bona_fide = np.array([0.1, 0.5, 0.9, 0.95])
    attacks = np.array([0.0, 0.01, 0.5, 0.6])
    assert bpcer(bona_fide, 0.5).errors == 1  # 0.5 itself is called bona fide
    assert apcer(attacks, 0.5).errors == 2
    assert bpcer(bona_fide, 0.5).trials == 4 and apcer(attacks, 0.5).rate == 0.5


def test_threshold_at_bpcer_keeps_the_target():
    scores = np.linspace(0.01, 1.0, 100)
    threshold = threshold_at_bpcer(scores, 0.05)
    assert bpcer(scores, threshold).rate <= 0.05
    assert bpcer(scores, np.nextafter(threshold, 1.0)).rate > 0.05  # and is the highest such threshold
