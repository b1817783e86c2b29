"""How often a 1:N watchlist search falsely alarms for a traveller on no list, given its gallery size.

Every traveller is compared with every template. At a threshold whose false match rate per comparison is FMR,
the chance that at least one of N templates of other people passes is 1 - (1 - FMR)^N, taking comparisons as
independent. The LFW-dev figures bear this out: at FMR 1e-5 an 826-subject gallery gives 0.8 % expected and
0.8 % measured (benchmarks/results/lfw-dev-report.json). So one watchlist FMR cannot serve every list size: at
FMR 1e-5, 100,000 templates would falsely alarm for about 63 % of travellers.
"""

from __future__ import annotations

import math


def expected_fpir(fmr: float, templates: int) -> float:
    """The expected false positive identification rate: the share of travellers on no list that alarm."""
    return -math.expm1(templates * math.log1p(-fmr))


def largest_gallery(fmr: float, max_fpir: float) -> int:
    """The most templates a gallery may hold before `expected_fpir(fmr, ...)` exceeds `max_fpir`."""
    return math.floor(math.log1p(-max_fpir) / math.log1p(-fmr))


def per_comparison_fmr(fpir: float, subjects: int) -> float:
    """The false match rate per subject comparison at which a gallery of `subjects` alarms for `fpir` of travellers."""
    return -math.expm1(math.log1p(-fpir) / max(subjects, 1))
