"""Confidence intervals for error rates that respect how biometric comparisons are correlated.

Comparisons sharing a subject are not independent, so resampling comparisons would understate the
uncertainty. We resample *subjects* with replacement (the "subjects bootstrap"): each bootstrap draw gives
every subject a count c_s, a mated comparison of subject s weighs c_s, a non-mated comparison of subjects
s and t weighs c_s * c_t, and the rate is the weighted share of errors. When no error is observed the
bootstrap interval collapses to zero, so the "rule of 3" bound (3/N at 95%) is reported instead.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    """A rate with its 95% interval; `rule_of_three` when no error was observed (upper bound 3/N)."""

    rate: float
    low: float
    high: float
    errors: int
    trials: int
    method: str

    def to_dict(self) -> dict:
        return asdict(self)


def rule_of_three(trials: int) -> float:
    """95% upper bound on a rate when 0 errors are seen in `trials` independent trials."""
    if trials <= 0:
        raise ValueError("rule of three needs at least one trial")
    return 3.0 / trials


def supports_rate(trials: int, rate: float) -> bool:
    """Whether `trials` comparisons can support a claim of `rate`: the rule of 3 needs N >= 3 / rate."""
    return trials >= 3.0 / rate


def _draws(n_subjects: int, iterations: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_subjects, np.full(n_subjects, 1.0 / n_subjects), size=iterations)


def mated_rate_interval(errors: np.ndarray, subjects: np.ndarray, iterations: int = 1000, seed: int = 0) -> Interval:
    """Interval for a rate over mated comparisons (e.g. FNMR): `errors[i]` true if comparison i erred,
    `subjects[i]` the subject it belongs to."""
    errors = np.asarray(errors, dtype=bool)
    _, index = np.unique(subjects, return_inverse=True)
    n_subjects = int(index.max()) + 1 if index.size else 0
    if errors.size == 0:
        raise ValueError("no comparisons")
    observed = float(errors.mean())
    if not errors.any():
        return Interval(0.0, 0.0, rule_of_three(errors.size), 0, int(errors.size), "rule_of_three")
    counts = _draws(n_subjects, iterations, seed)  # (iterations, subjects)
    weights = counts[:, index]  # (iterations, comparisons)
    rates = (weights * errors).sum(axis=1) / np.maximum(weights.sum(axis=1), 1)
    low, high = np.quantile(rates, [(1 - CONFIDENCE) / 2, (1 + CONFIDENCE) / 2])
    return Interval(observed, float(low), float(high), int(errors.sum()), int(errors.size), "subjects_bootstrap")


def non_mated_rate_interval(
    error_subjects_a: np.ndarray,
    error_subjects_b: np.ndarray,
    images_per_subject: np.ndarray,
    iterations: int = 1000,
    seed: int = 0,
) -> Interval:
    """Interval for FMR over *all* cross-subject image comparisons, given only the erring ones.

    `error_subjects_a/b` are subject indices (0..S-1) of each false match; `images_per_subject[s]` how many
    images subject s has. The denominator (all cross-subject comparisons) is computed in closed form, so
    millions of impostor comparisons cost nothing to resample.
    """
    n = np.asarray(images_per_subject, dtype=np.float64)
    trials = int((n.sum() ** 2 - (n * n).sum()) / 2)
    errors = len(error_subjects_a)
    if trials <= 0:
        raise ValueError("no cross-subject comparisons")
    if errors == 0:
        return Interval(0.0, 0.0, rule_of_three(trials), 0, trials, "rule_of_three")
    counts = _draws(n.size, iterations, seed).astype(np.float64)
    m = counts * n  # weighted image counts per draw
    total = (m.sum(axis=1) ** 2 - (m * m).sum(axis=1)) / 2
    a, b = np.asarray(error_subjects_a), np.asarray(error_subjects_b)
    hits = (counts[:, a] * counts[:, b]).sum(axis=1)
    rates = hits / np.maximum(total, 1)
    low, high = np.quantile(rates, [(1 - CONFIDENCE) / 2, (1 + CONFIDENCE) / 2])
    return Interval(errors / trials, float(low), float(high), errors, trials, "subjects_bootstrap")
