"""The gallery benchmark's own arithmetic: synthetic templates shaped like real ones, and recall."""

import numpy as np

from benchmarks.gallery_bench import alarm_recall, recall, synthetic_like


def test_synthetic_templates_are_unit_vectors_with_the_real_mean_direction():
    rng = np.random.default_rng(0)
    direction = rng.standard_normal(16)
    real = direction + 0.3 * rng.standard_normal((2000, 16))
    real = (real / np.linalg.norm(real, axis=1, keepdims=True)).astype(np.float32)
    fake = synthetic_like(real, 5000, np.random.default_rng(1))
    np.testing.assert_allclose(np.linalg.norm(fake, axis=1), 1.0, rtol=1e-5)
    real_mean, fake_mean = real.mean(axis=0), fake.mean(axis=0)
    assert float(real_mean @ fake_mean / np.linalg.norm(real_mean) / np.linalg.norm(fake_mean)) > 0.99
    # impostor-like similarity between two synthetic templates matches that between two real ones
    assert abs(float(np.median(fake[:1000] @ fake[1000:2000].T)) - float(np.median(real[:1000] @ real[1000:].T))) < 0.05


def test_recall_at_1_and_10():
    exact = np.array([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]])
    found = exact.copy()
    found[1, 0], found[1, 9] = 12, 99  # second probe: misses its nearest at rank 1, and one of ten
    found[1, 1] = 11
    at1, at10 = recall(found, exact)
    assert at1 == 0.5
    assert at10 == (10 / 10 + 9 / 10) / 2


def test_alarm_recall_counts_only_probes_the_exact_search_would_alarm_on():
    exact_ids = np.array([[1, 2], [3, 4], [5, 6], [7, 8]])
    exact_scores = np.array([[0.97, 0.90], [0.96, 0.95], [0.80, 0.79], [0.99, 0.50]])
    found_ids = np.array([[1, 2], [4, 3], [6, 5], [7, 8]])  # probe 2 (index 1) misses its best; probe 3 does not alarm
    found_scores = np.array([[0.97, 0.90], [0.95, 0.94], [0.79, 0.78], [0.99, 0.50]])
    share, count = alarm_recall(found_ids, found_scores, exact_ids, exact_scores, threshold=0.95)
    assert count == 3  # probes 1, 2 and 4 alarm under exact search; probe 3's miss below the threshold is ignored
    assert share == 2 / 3
    share, count = alarm_recall(found_ids, found_scores, exact_ids, exact_scores, threshold=0.999)
    assert count == 0 and np.isnan(share)
