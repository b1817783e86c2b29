"""Assemble: which of the lines read near the MRZ are the MRZ, judged by what they read as.

The locator hands over every long text line that lies with the MRZ (parallel, one pitch apart, aligned): on
real pages that can be a visual-zone line above it, a "SPECIMEN" or copyright line below it. Geometry cannot
tell an OCR-B line from a line of another font of the same size; the reading can. The MRZ is the run of
consecutive lines whose lengths fit one ICAO 9303 layout (3 x 30, 2 x 36, 2 x 44) and whose parse passes the
most check digits; the other lines are dropped before the MRZ is cut out again on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from edge.document.mrz_repair import MAX_LENGTH_FIX, RepairOutcome

LAYOUT_WIDTHS = {3: (30,), 2: (36, 44)}
DOCUMENT_CODES = "ACIPV"  # the first letter of every ICAO document code


def mrz_lines(texts: Sequence[str], repair: Callable[[Sequence[int]], RepairOutcome]) -> tuple[int, ...] | None:
    """Indices of the consecutive lines in `texts` that form the MRZ, None when no run fits a layout.

    `repair(indices)` repairs and parses those lines as read; among the runs whose lengths fit, the one accepted,
    else the one parsed with the fewest failing checks, wins (on a tie, the lower one on the page: the MRZ is
    the last block of a data page).
    """
    best: tuple[tuple, tuple[int, ...]] | None = None
    for count, widths in LAYOUT_WIDTHS.items():
        for first in range(len(texts) - count + 1):
            run = tuple(range(first, first + count))
            lengths = [len(texts[i]) for i in run]
            if not any(all(abs(n - w) <= MAX_LENGTH_FIX for n in lengths) for w in widths):
                continue
            if texts[run[0]][:1] not in DOCUMENT_CODES and count == 2:
                continue  # a TD2/TD3/visa MRZ starts with its document code (a TD1's does too, on line 1)
            outcome = repair(run)
            if outcome.parsed is None:
                continue
            key = (outcome.accepted, -len(outcome.parsed.failing), first)
            if best is None or key > best[0]:
                best = (key, run)
    return best[1] if best else None
