"""1:N identification metrics as pure functions over search outcomes (ISO/IEC 19795-1, NIST FRTE 1:N).

Words as the standard and NIST's FRTE 1:N reports use them:
- a *mated search* has the searched person enrolled; its outcome is the rank (1 = top candidate) and score of
  the mate's candidate, or rank 0 / score NaN when the mate is not on the candidate list;
- a *non-mated search* has the person not enrolled; its outcome is its top candidate's score (-inf if none);
- FPIR(T): fraction of non-mated searches returning any candidate with score >= T;
- FNIR(T, R): fraction of mated searches whose mate is not returned at rank <= R with score >= T;
- CMC(r): fraction of mated searches whose mate is at rank <= r (no threshold); rank-1 identification rate
  is CMC(1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NOT_RETURNED = 0  # rank of a mate that is not on the candidate list


def _mated(ranks: Sequence[int], scores: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    r = np.asarray(ranks, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    if r.shape != s.shape or r.ndim != 1 or r.size == 0:
        raise ValueError("mated ranks and scores must be equal-length, non-empty 1-d sequences")
    if (r < 0).any():
        raise ValueError("ranks are 1-based; use 0 for a mate not returned")
    return r, s


def fpir(nonmated_top_scores: Sequence[float], threshold: float) -> float:
    """False positive identification rate: share of non-mated searches with a candidate scoring >= threshold."""
    s = np.asarray(nonmated_top_scores, dtype=np.float64)
    if s.size == 0:
        raise ValueError("no non-mated searches")
    return float(np.mean(s >= threshold))


def fnir(mated_ranks: Sequence[int], mated_scores: Sequence[float], threshold: float, max_rank: int = 1) -> float:
    """False negative identification rate: share of mated searches missing the mate at rank <= R, score >= T."""
    r, s = _mated(mated_ranks, mated_scores)
    hit = (r >= 1) & (r <= max_rank) & (np.nan_to_num(s, nan=-np.inf) >= threshold)
    return float(1.0 - np.mean(hit))


def threshold_at_fpir(nonmated_top_scores: Sequence[float], target_fpir: float) -> float:
    """The lowest threshold whose FPIR does not exceed `target_fpir` on these non-mated searches."""
    s = np.sort(np.asarray(nonmated_top_scores, dtype=np.float64))[::-1]
    if s.size == 0:
        raise ValueError("no non-mated searches")
    if not 0 <= target_fpir < 1:
        raise ValueError(f"target FPIR must be in [0, 1), got {target_fpir}")
    allowed = int(np.floor(target_fpir * s.size + 1e-9))  # false positives the target tolerates
    if allowed >= s.size:
        return float(s[-1])
    # Just above the (allowed+1)-th highest score: it and everything tied with it are rejected.
    return float(np.nextafter(s[allowed], np.inf))


def fnir_at_fpir(
    mated_ranks: Sequence[int],
    mated_scores: Sequence[float],
    nonmated_top_scores: Sequence[float],
    target_fpir: float,
    max_rank: int = 1,
) -> tuple[float, float]:
    """(FNIR, threshold) at the threshold giving `target_fpir` on the non-mated searches."""
    threshold = threshold_at_fpir(nonmated_top_scores, target_fpir)
    return fnir(mated_ranks, mated_scores, threshold, max_rank), threshold


def cmc(mated_ranks: Sequence[int], max_rank: int) -> np.ndarray:
    """Cumulative match characteristic: element r-1 is the share of mated searches with the mate at rank <= r."""
    r = np.asarray(mated_ranks, dtype=np.int64)
    if r.size == 0:
        raise ValueError("no mated searches")
    found = r[(r >= 1) & (r <= max_rank)]
    counts = np.bincount(found, minlength=max_rank + 1)[1:]
    return np.cumsum(counts) / r.size


def rank1_identification_rate(mated_ranks: Sequence[int]) -> float:
    """Share of mated searches whose mate is the top candidate (CMC at rank 1)."""
    return float(cmc(mated_ranks, 1)[0])


def mate_outcome(candidate_ids: Sequence[str], candidate_scores: Sequence[float], mate_id: str) -> tuple[int, float]:
    """(rank, score) of the mate in one candidate list (best first); (0, NaN) when absent."""
    for rank, (cid, score) in enumerate(zip(candidate_ids, candidate_scores, strict=True), start=1):
        if cid == mate_id:
            return rank, float(score)
    return NOT_RETURNED, float("nan")
