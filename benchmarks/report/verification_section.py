"""The verification (1:1) part of a report: curves, EER, FNMR at fixed FMRs and at the deployed threshold,
each rate with a subject-bootstrap interval and a flag where the data cannot support the FMR claimed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from benchmarks import verification as vm
from benchmarks.scoring import Scorer
from benchmarks.uncertainty import mated_rate_interval, non_mated_rate_interval, supports_rate

REPORT_FMRS = (1e-2, 1e-3, 1e-4)


@dataclass
class Comparisons:
    """Genuine comparisons (with their subject) and the full impostor matrix of one image set."""

    genuine: np.ndarray
    genuine_subject: np.ndarray  # subject index per genuine comparison
    impostor: np.ndarray  # every cross-subject comparison once; -inf where a face was not acquired
    similarity: np.ndarray  # (n, n) over `rows`, for locating false matches
    rows: np.ndarray
    subject_index: np.ndarray  # subject index per row
    images_per_subject: np.ndarray
    names: np.ndarray  # subject name per subject index

    def false_match_subjects(self, threshold: float, keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Subject indices (a, b) of every cross-subject comparison at or above `threshold`."""
        sims = self.similarity
        i, j = np.nonzero(np.triu(sims >= threshold, k=1))
        a, b = self.subject_index[i], self.subject_index[j]
        cross = a != b
        if keep is not None:
            cross &= keep[a] & keep[b]
        return a[cross], b[cross]


def comparisons(
    scorer: Scorer, rows: np.ndarray, subjects: np.ndarray, pairs: list[tuple[int, int]] | None
) -> Comparisons:
    """Genuine = the listed mated pairs, or every same-subject pair; impostor = every cross-subject pair."""
    names, subject_index = np.unique(subjects[rows], return_inverse=True)
    sims = scorer.similarity_matrix(rows)
    position = {int(r): k for k, r in enumerate(rows)}
    if pairs is None:
        i, j = np.nonzero(np.triu(subject_index[:, None] == subject_index[None, :], k=1))
    else:
        i = np.array([position[a] for a, _ in pairs])
        j = np.array([position[b] for _, b in pairs])
    upper = np.triu(np.ones(sims.shape, dtype=bool), k=1)
    impostor = sims[upper & (subject_index[:, None] != subject_index[None, :])]
    return Comparisons(
        genuine=sims[i, j].astype(np.float64),
        genuine_subject=subject_index[i],
        impostor=impostor.astype(np.float64),
        similarity=sims,
        rows=rows,
        subject_index=subject_index,
        images_per_subject=np.bincount(subject_index, minlength=len(names)),
        names=names,
    )


def rates_at(c: Comparisons, threshold: float, iterations: int, seed: int, keep: np.ndarray | None = None) -> dict:
    """FMR and FNMR at one threshold, with intervals; `keep` restricts to a set of subjects (a group)."""
    genuine_mask = np.ones(c.genuine.size, dtype=bool) if keep is None else keep[c.genuine_subject]
    images = c.images_per_subject if keep is None else np.where(keep, c.images_per_subject, 0)
    a, b = c.false_match_subjects(threshold, keep)
    fnmr_interval = mated_rate_interval(
        c.genuine[genuine_mask] < threshold, c.genuine_subject[genuine_mask], iterations, seed
    )
    fmr_interval = non_mated_rate_interval(a, b, images, iterations, seed)
    return {"threshold": threshold, "fmr": fmr_interval.to_dict(), "fnmr": fnmr_interval.to_dict()}


def section(c: Comparisons, deployed_threshold: float | None, target_fmr: float, iterations: int, seed: int) -> dict:
    """Everything the report says about verification, as JSON-ready values (curves kept apart for plots)."""
    eer, eer_threshold = vm.eer(c.genuine, c.impostor)
    at_fmr = []
    for target in REPORT_FMRS:
        fnmr, threshold = vm.fnmr_at_fmr(c.genuine, c.impostor, target)
        interval = mated_rate_interval(c.genuine < threshold, c.genuine_subject, iterations, seed)
        at_fmr.append(
            {
                "fmr": target,
                "threshold": threshold,
                "fnmr": interval.to_dict(),
                "supported": supports_rate(c.impostor.size, target),
                "note": ""
                if supports_rate(c.impostor.size, target)
                else f"{c.impostor.size} impostor comparisons cannot support FMR {target:g}: need >= {3 / target:.0f}",
            }
        )
        assert abs(interval.rate - fnmr) < 1e-12
    result = {
        "genuine_comparisons": int(c.genuine.size),
        "impostor_comparisons": int(c.impostor.size),
        "subjects": int(c.images_per_subject.size),
        "images": int(c.rows.size),
        "eer": eer,
        "eer_threshold": eer_threshold,
        "fnmr_at_fmr": at_fmr,
    }
    if deployed_threshold is not None:
        result["deployed"] = {
            "target_fmr": target_fmr,
            **rates_at(c, deployed_threshold, iterations, seed),
        }
    return result
