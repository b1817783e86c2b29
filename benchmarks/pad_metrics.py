"""ISO/IEC 30107-3 error rates of a presentation-attack detector, as pure functions of its scores.

A score is how live a face looks (0-1); a presentation scoring below the threshold is classified as an attack.
APCER: the share of attack presentations (of one PAI species) classified as bona fide.
BPCER: the share of bona fide presentations classified as attacks.
"""

from __future__ import annotations

import math

import numpy as np

from benchmarks.uncertainty import Interval

Z95 = 1.959963984540054


def wilson(errors: int, trials: int, z: float = Z95) -> Interval:
    """`errors` of `trials` with the Wilson score interval at `z` (1.96: 95%): sound at 0 errors and small counts.

    Each presentation is one trial: the attacks are made from distinct people's photos, one per person."""
    if trials <= 0 or not 0 <= errors <= trials:
        raise ValueError(f"need 0 <= errors <= trials and trials > 0, got {errors} of {trials}")
    p = errors / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z / (1 + z * z / trials) * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half), errors, trials, "wilson")


def bpcer(bona_fide: np.ndarray, threshold: float) -> Interval:
    """Bona fide presentations scoring below `threshold` (wrongly called attacks)."""
    scores = np.asarray(bona_fide)
    return wilson(int(np.sum(scores < threshold)), len(scores))


def apcer(attacks: np.ndarray, threshold: float) -> Interval:
    """Attack presentations scoring at or above `threshold` (wrongly called bona fide)."""
    scores = np.asarray(attacks)
    return wilson(int(np.sum(scores >= threshold)), len(scores))


def threshold_at_bpcer(bona_fide: np.ndarray, target: float) -> float:
    """The highest threshold whose BPCER on `bona_fide` is at most `target` (the k-th smallest score)."""
    scores = np.sort(np.asarray(bona_fide))
    if len(scores) == 0 or not 0 <= target < 1:
        raise ValueError("need bona fide scores and a target BPCER in [0, 1)")
    return float(scores[int(math.floor(target * len(scores)))])
