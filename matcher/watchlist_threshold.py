"""The 1:N threshold of one gallery: computed from the policy's target FPIR at the gallery's size.

A traveller on no list is compared with every template; at a per-comparison false match rate FMR a gallery of
N templates alarms for about 1 - (1 - FMR)^N of them (matcher/false_alarms.py). So the FMR a gallery may use
is the one that gives the target FPIR at its size, and the threshold is read at that FMR from the calibration's
table of the scores the search makes: cohort-normalised subject scores (the calibration's identification block,
its table for the largest measured gallery not bigger than this one) when the gallery holds enough subjects for
a cohort and as many as the smallest table, raw similarities otherwise. Counting templates rather than
subjects errs on the strict side for subjects enrolled with several photos (a subject scores as its best one).
When the table holds no FMR that strict (a gallery too big for the data it was calibrated on), its strictest
threshold is used and `reachable` is False, so every screening can say so.
"""

from __future__ import annotations

from dataclasses import dataclass

from matcher.calibration import Calibration, OperatingPoint
from matcher.false_alarms import expected_fpir, per_comparison_fmr
from matcher.score_norm import CohortNormalisation


@dataclass(frozen=True)
class WatchlistOperatingPoint:
    """The threshold a gallery screens at, and what it is expected to do."""

    threshold: float
    normalisation: CohortNormalisation | None  # None: raw similarities
    fmr: float  # the tabulated per-comparison FMR the threshold was read at
    target_fpir: float
    expected_fpir: float  # at this gallery's size, with that FMR
    templates: int

    @property
    def reachable(self) -> bool:
        """False when the calibration cannot keep this gallery at the target FPIR."""
        return self.expected_fpir <= self.target_fpir * (1 + 1e-9)


def watchlist_operating_point(
    calibration: Calibration, target_fpir: float, templates: int, subjects: int
) -> WatchlistOperatingPoint:
    """The threshold for a gallery of `templates` templates of `subjects` subjects at `target_fpir`."""
    block = calibration.identification
    table = block.table_for(subjects) if block is not None else None
    normalisation = block.scoring() if block is not None and table is not None else None
    if normalisation is not None and table is not None and subjects >= normalisation.subjects_needed:
        points = table.points
    else:
        normalisation, points = None, calibration.points
    wanted = per_comparison_fmr(target_fpir, templates)
    point = _at_or_below(points, wanted) or min(points, key=lambda p: p.fmr)
    return WatchlistOperatingPoint(
        threshold=point.threshold,
        normalisation=normalisation,
        fmr=point.fmr,
        target_fpir=target_fpir,
        expected_fpir=expected_fpir(point.fmr, templates),
        templates=templates,
    )


def _at_or_below(points: list[OperatingPoint], fmr: float) -> OperatingPoint | None:
    """The tabulated point with the largest FMR not above `fmr` (never a looser one)."""
    usable = [p for p in points if p.fmr <= fmr * (1 + 1e-9)]
    return max(usable, key=lambda p: p.fmr) if usable else None
