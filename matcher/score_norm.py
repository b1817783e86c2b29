"""1:N score normalisation against the gallery as cohort: how far a subject stands out from the probe's next best.

Some probes score high against everyone (a common face, a blurred or low-contrast capture), others low. A raw
threshold set for the high-scoring probes misses the mates of the others. Cohort normalisation subtracts part
of the probe's own impostor level, read from the gallery itself: for each candidate subject, the mean of the
probe's `cohort` best scores against the *other* subjects,

    normalised = similarity - weight * mean(cohort best scores of other subjects)

No external cohort ships: the other listed subjects are the cohort (a gallery must hold more than `cohort`
subjects for it). The order of candidates is kept (a higher similarity stays higher). `cohort` and `weight` were
chosen by cross-validation on LFW-dev (benchmarks/identify_fusion.py, benchmarks/results/identify-fusion.json).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

METHOD = "cohort-mean-offset"


@dataclass(frozen=True)
class CohortNormalisation:
    """similarity - weight * mean of the probe's `cohort` best similarities to other subjects."""

    cohort: int
    weight: float

    def __post_init__(self) -> None:
        if self.cohort < 1 or not 0 < self.weight <= 1:
            raise ValueError(f"cohort must be >= 1 and weight in (0, 1], got {self.cohort}, {self.weight}")

    @property
    def subjects_needed(self) -> int:
        """Subjects a gallery needs for a cohort: the candidate and `cohort` others."""
        return self.cohort + 1

    def normalise(self, best_first: np.ndarray) -> np.ndarray:
        """Normalised scores for rows of subject similarities sorted best first, shape (n, >= cohort + 1).

        The candidate at rank r <= cohort has as cohort ranks 1..cohort+1 without itself; any later one ranks
        1..cohort. Works on one row (1-d) too.
        """
        scores = np.asarray(best_first, dtype=np.float64)
        row = scores.ndim == 1
        scores = np.atleast_2d(scores)
        k = self.cohort
        if scores.shape[1] < k + 1:
            raise ValueError(f"cohort normalisation needs {k + 1} subject scores per probe, got {scores.shape[1]}")
        top = scores[:, : k + 1]
        with_all = top.sum(axis=1, keepdims=True)
        cohort_sum = np.where(np.arange(scores.shape[1]) <= k, with_all - scores, with_all - top[:, k : k + 1])
        out = scores - self.weight * cohort_sum / k
        return out[0] if row else out

    def to_dict(self) -> dict:
        return {"method": METHOD, "cohort": self.cohort, "weight": self.weight}

    @classmethod
    def from_dict(cls, body: dict) -> CohortNormalisation:
        if body.get("method") != METHOD:
            raise ValueError(f"unknown score normalisation {body.get('method')!r}")
        return cls(int(body["cohort"]), float(body["weight"]))
