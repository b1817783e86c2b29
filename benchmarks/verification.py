"""Verification (1:1) metrics as pure functions over score arrays, named per ISO/IEC 19795-1.

Scores are similarities: higher means "more likely the same person"; a comparison is a match decision
when score >= threshold. A failure to acquire (no face found) enters as a score of -inf, so it is a
non-match at every threshold: it counts against FNMR for mated pairs instead of being dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _scores(values: np.ndarray | list[float]) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64).ravel()
    if np.isnan(arr).any():
        raise ValueError("scores contain NaN: encode a failure to acquire as -inf, not NaN")
    return arr


def fmr(impostor: np.ndarray, threshold: float) -> float:
    """False match rate: share of impostor (non-mated) comparisons accepted at `threshold`."""
    imp = _scores(impostor)
    if imp.size == 0:
        raise ValueError("FMR needs at least one impostor score")
    return float(np.mean(imp >= threshold))


def fnmr(genuine: np.ndarray, threshold: float) -> float:
    """False non-match rate: share of genuine (mated) comparisons rejected at `threshold`."""
    gen = _scores(genuine)
    if gen.size == 0:
        raise ValueError("FNMR needs at least one genuine score")
    return float(np.mean(gen < threshold))


def threshold_at_fmr(impostor: np.ndarray, target_fmr: float) -> float:
    """Lowest threshold whose FMR on `impostor` does not exceed `target_fmr`."""
    imp = np.sort(_scores(impostor))[::-1]
    if not 0 < target_fmr < 1:
        raise ValueError(f"target FMR must be in (0, 1), got {target_fmr}")
    allowed = int(np.floor(target_fmr * imp.size + 1e-9))  # impostors that may be accepted
    if allowed >= imp.size:
        return float(imp[-1])
    # Just above the first impostor that must be rejected; ties with it are rejected too.
    return float(np.nextafter(imp[allowed], np.inf))


def fnmr_at_fmr(genuine: np.ndarray, impostor: np.ndarray, target_fmr: float) -> tuple[float, float]:
    """(FNMR, threshold) at the threshold where FMR first drops to `target_fmr`."""
    threshold = threshold_at_fmr(impostor, target_fmr)
    return fnmr(genuine, threshold), threshold


def _rates_at(genuine: np.ndarray, impostor: np.ndarray, thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(FMR, FNMR) at each threshold, by binary search in the sorted scores: O((n + t) log n)."""
    gen, imp = np.sort(genuine), np.sort(impostor)
    fmr_values = (imp.size - np.searchsorted(imp, thresholds, side="left")) / imp.size
    fnmr_values = np.searchsorted(gen, thresholds, side="left") / gen.size
    return fmr_values, fnmr_values


def roc(genuine: np.ndarray, impostor: np.ndarray, n_points: int = 200) -> dict[str, np.ndarray]:
    """ROC/DET points: thresholds with their FMR and FNMR (DET plots FNMR against FMR on normal-deviate axes).

    Thresholds cover the genuine scores evenly and the impostor tail on a log scale of FMR, so the low-FMR
    end of the curve, where operating points sit, is drawn from real points rather than interpolated.
    """
    gen, imp = _scores(genuine), _scores(impostor)
    if gen.size == 0 or imp.size == 0:
        raise ValueError("ROC needs genuine and impostor scores")
    finite = np.concatenate([gen[np.isfinite(gen)], imp[np.isfinite(imp)]])
    if finite.size == 0:
        raise ValueError("no finite scores")
    tail = [threshold_at_fmr(imp, f) for f in np.logspace(np.log10(max(1.0 / imp.size, 1e-7)), -0.01, n_points // 2)]
    spread = np.quantile(finite, np.linspace(0.0, 1.0, n_points // 2))
    thresholds = np.unique(np.concatenate([spread, tail, [finite.min(), np.nextafter(finite.max(), np.inf)]]))
    fmr_values, fnmr_values = _rates_at(gen, imp, thresholds)
    return {"threshold": thresholds, "fmr": fmr_values, "fnmr": fnmr_values}


def eer(genuine: np.ndarray, impostor: np.ndarray) -> tuple[float, float]:
    """Equal error rate and its threshold: where FMR and FNMR cross (mean of the two at the closest point)."""
    gen, imp = _scores(genuine), _scores(impostor)
    candidates = np.unique(np.concatenate([gen[np.isfinite(gen)], imp[np.isfinite(imp)]]))
    if candidates.size == 0:
        raise ValueError("no finite scores")
    fmr_values, fnmr_values = _rates_at(gen, imp, candidates)
    best = int(np.argmin(np.abs(fmr_values - fnmr_values)))
    return float((fmr_values[best] + fnmr_values[best]) / 2), float(candidates[best])


def accuracy(genuine: np.ndarray, impostor: np.ndarray, threshold: float) -> float:
    """Share of all comparisons decided correctly at `threshold`."""
    gen, imp = _scores(genuine), _scores(impostor)
    correct = np.sum(gen >= threshold) + np.sum(imp < threshold)
    return float(correct / (gen.size + imp.size))


def best_accuracy_threshold(genuine: np.ndarray, impostor: np.ndarray) -> float:
    """Threshold maximising accuracy (the LFW protocol's choice on training folds); midpoint between scores."""
    gen, imp = _scores(genuine), _scores(impostor)
    values = np.unique(np.concatenate([gen[np.isfinite(gen)], imp[np.isfinite(imp)]]))
    if values.size == 0:
        raise ValueError("no finite scores")
    candidates = np.concatenate([[values[0] - 1e-6], (values[:-1] + values[1:]) / 2, [values[-1] + 1e-6]])
    # Vectorised: accepted genuine and rejected impostors for every candidate via sorted counts.
    gen_sorted, imp_sorted = np.sort(gen), np.sort(imp)
    gen_accepted = gen.size - np.searchsorted(gen_sorted, candidates, side="left")
    imp_rejected = np.searchsorted(imp_sorted, candidates, side="left")
    return float(candidates[int(np.argmax(gen_accepted + imp_rejected))])


@dataclass(frozen=True)
class FoldResult:
    fold: int
    threshold: float
    accuracy: float
    genuine: int
    impostor: int
