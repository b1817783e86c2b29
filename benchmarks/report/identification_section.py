"""The identification (1:N) part of a report, searched on a real FAISS gallery (matcher.Gallery).

Protocol (as `checkpoint bench identify`): every subject with >= 2 images is enrolled with its first image
that yields a face (or up to K such images, `multi:K`, always leaving one to search); its other images are mated
searches; subjects with one image are never enrolled and
their images are non-mated searches. A subject none of whose images yields a face is a failure to enrol;
a search image with no face is a failure to acquire and counts as a miss (mated) or no alarm (non-mated).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from benchmarks import identification as im
from benchmarks.uncertainty import mated_rate_interval
from matcher.gallery import Gallery
from matcher.score_norm import CohortNormalisation

REPORT_FPIRS = (0.01, 0.003)
MAX_RANK = 20


@dataclass
class Searches:
    mated_rank: np.ndarray  # 0 = mate not on the candidate list
    mated_score: np.ndarray  # -inf when not returned
    mated_subject: np.ndarray
    nonmated_top: np.ndarray  # -inf when no face or empty list
    nonmated_subject: np.ndarray
    enrolled: int
    failed_to_enrol: int
    failed_to_acquire: int
    names: np.ndarray  # subject name per subject index


def run_searches(
    templates: np.ndarray,
    ok: np.ndarray,
    subjects: np.ndarray,
    model_id: str,
    per_subject: int = 1,
    normalisation: CohortNormalisation | None = None,
) -> Searches:
    """Enrol (up to `per_subject` images each), search every other image, and record each search's outcome;
    scores are cohort-normalised when a `normalisation` is given."""
    names, subject_index, counts = np.unique(subjects, return_inverse=True, return_counts=True)
    gallery = Gallery(model_id, templates.shape[1])
    enrolled_rows: dict[int, list[int]] = {}
    failed_to_enrol = 0
    for s in np.nonzero(counts >= 2)[0]:
        rows = np.nonzero((subject_index == s) & ok)[0]
        if rows.size == 0:
            failed_to_enrol += 1
            continue
        enrolled_rows[int(s)] = [int(r) for r in rows[: min(per_subject, int(counts[s]) - 1)]]
    enrol = [(s, r) for s in sorted(enrolled_rows) for r in enrolled_rows[s]]
    gallery.add_many(
        [str(names[s]) for s, _ in enrol], [r for _, r in enrol], templates[[r for _, r in enrol]], model_id
    )
    enrolled = {r for _, r in enrol}
    probes = [r for r in range(len(subjects)) if r not in enrolled]
    probes = [r for r in probes if counts[subject_index[r]] == 1 or int(subject_index[r]) in enrolled_rows]
    searchable = [r for r in probes if ok[r]]
    found = gallery.search_batch(templates[searchable], model_id, k=MAX_RANK, normalisation=normalisation)
    results = dict(zip(searchable, found, strict=True))
    mated_rank, mated_score, mated_subject, nonmated_top, nonmated_subject = [], [], [], [], []
    for r in probes:
        candidates = results.get(r, [])
        s = int(subject_index[r])
        if counts[s] >= 2:
            rank, score = im.mate_outcome([c.subject_id for c in candidates], [c.score for c in candidates], names[s])
            mated_rank.append(rank)
            mated_score.append(score if rank else -np.inf)
            mated_subject.append(s)
        else:
            nonmated_top.append(candidates[0].score if candidates else -np.inf)
            nonmated_subject.append(s)
    return Searches(
        np.array(mated_rank),
        np.array(mated_score, dtype=np.float64),
        np.array(mated_subject),
        np.array(nonmated_top, dtype=np.float64),
        np.array(nonmated_subject),
        enrolled=len(enrolled_rows),
        failed_to_enrol=failed_to_enrol,
        failed_to_acquire=int(sum(1 for r in probes if not ok[r])),
        names=names,
    )


def misses(s: Searches, threshold: float, keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(miss flags, subject) of mated searches at rank 1 and `threshold`, optionally for kept subjects only."""
    hit = (s.mated_rank == 1) & (s.mated_score >= threshold)
    mask = np.ones(hit.size, dtype=bool) if keep is None else keep[s.mated_subject]
    return ~hit[mask], s.mated_subject[mask]


def false_alarms(s: Searches, threshold: float, keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    mask = np.ones(s.nonmated_top.size, dtype=bool) if keep is None else keep[s.nonmated_subject]
    return s.nonmated_top[mask] >= threshold, s.nonmated_subject[mask]


def section(s: Searches, deployed_threshold: float | None, iterations: int, seed: int) -> dict:
    """FNIR at fixed FPIRs, rank-1 and CMC with intervals, and the rates at the deployed 1:1 threshold."""
    at_fpir = fnir_at_fpirs(s, iterations, seed)
    rank1_misses = s.mated_rank != 1
    result = {
        "enrolled_subjects": s.enrolled,
        "failure_to_enrol": s.failed_to_enrol,
        "failure_to_acquire": s.failed_to_acquire,
        "mated_searches": int(s.mated_rank.size),
        "nonmated_searches": int(s.nonmated_top.size),
        "fnir_at_fpir": at_fpir,
        "rank1": {
            **mated_rate_interval(rank1_misses, s.mated_subject, iterations, seed).to_dict(),
            "note": "rate here is the rank-1 MISS rate; rank-1 identification rate = 1 - rate",
        },
        "cmc": im.cmc(s.mated_rank, MAX_RANK).tolist(),
    }
    if deployed_threshold is not None:
        flags, subjects = misses(s, deployed_threshold)
        alarms, alarm_subjects = false_alarms(s, deployed_threshold)
        result["deployed"] = {
            "threshold": deployed_threshold,
            "fnir": mated_rate_interval(flags, subjects, iterations, seed).to_dict(),
            "fpir": mated_rate_interval(alarms, alarm_subjects, iterations, seed).to_dict(),
        }
    return result


def fnir_at_fpirs(s: Searches, iterations: int, seed: int) -> list[dict]:
    """FNIR (rank 1) with its interval at each reported FPIR, the threshold set on the non-mated searches."""
    rows = []
    for target in REPORT_FPIRS:
        threshold = im.threshold_at_fpir(s.nonmated_top, target)
        flags, subjects = misses(s, threshold)
        rows.append(
            {
                "fpir": target,
                "threshold": threshold,
                "fnir": mated_rate_interval(flags, subjects, iterations, seed).to_dict(),
                "supported": s.nonmated_top.size >= 3 / target,
            }
        )
    return rows
