"""Expected 1:N false alarms from the per-comparison FMR and the gallery size."""

from __future__ import annotations

import pytest

from matcher.false_alarms import expected_fpir, largest_gallery, per_comparison_fmr


def test_the_expected_rate_matches_what_lfw_dev_measured_at_its_size():
    assert expected_fpir(1e-5, 826) == pytest.approx(0.0082, abs=1e-4)  # measured FPIR ~0.008 at 826 subjects


def test_the_expected_rate_grows_with_the_gallery_towards_every_traveller():
    rates = [expected_fpir(1e-5, n) for n in (0, 1_000, 100_000, 1_000_000)]
    assert rates[0] == 0.0 and rates == sorted(rates)
    assert rates[2] == pytest.approx(0.632, abs=1e-3) and rates[3] > 0.9999


def test_the_largest_gallery_is_the_last_size_within_the_limit():
    n = largest_gallery(1e-5, 0.01)
    assert n == 1005
    assert expected_fpir(1e-5, n) <= 0.01 < expected_fpir(1e-5, n + 1)


def test_the_per_comparison_fmr_for_a_target_fpir_gives_that_fpir_back():
    fmr = per_comparison_fmr(0.01, 826)
    assert fmr == pytest.approx(1.2167e-5, rel=1e-3)  # the FMR a 826-subject gallery may use at FPIR 1 %
    assert expected_fpir(fmr, 826) == pytest.approx(0.01)
    assert per_comparison_fmr(0.01, 1) == pytest.approx(0.01)
