"""Small-count suppression for published statistics.

The rule (api/README.md, "Small-count suppression"):
1. any count below `THRESHOLD` (10) is published as the string "<10", never as a number;
2. a share (e.g. REFER share) is published only when its numerator and denominator both are;
3. complementary suppression: where parts add up to a published total (CLEAR + REFER = screenings; officer outcomes =
   decided; confirmed + not confirmed = hits), one suppressed part could be found by subtraction, so when exactly one
   part is suppressed the next smallest part is suppressed too; when the total itself is suppressed, every part is;
   the officer-outcome breakdown and the pairs built from it (referrals cleared / not cleared, watchlist hits
   confirmed / not confirmed) are sums over the same screenings, so a hidden outcome hides both pairs too;
4. nothing is added up across posts or months (no row or column totals), so no cell can be derived from others.
Counts of zero are published as 0: "nobody" identifies no one.
"""

from __future__ import annotations

THRESHOLD = 10
SUPPRESSED = "<10"

Cell = int | str


def cell(count: int) -> Cell:
    """A count as published: itself, 0, or "<10"."""
    return count if count == 0 or count >= THRESHOLD else SUPPRESSED


def group(total: int, parts: dict[str, int]) -> tuple[Cell, dict[str, Cell]]:
    """A total and the parts that add up to it, suppressed so that no suppressed part can be derived."""
    if total != 0 and total < THRESHOLD:
        return SUPPRESSED, {name: (0 if n == 0 else SUPPRESSED) for name, n in parts.items()}
    shown: dict[str, Cell] = {name: cell(n) for name, n in parts.items()}
    hidden = [name for name, value in shown.items() if value == SUPPRESSED]
    if len(hidden) == 1:
        # Zeros are shown, so the partner must be a nonzero part; with none, the total is the one to hide.
        candidates = sorted((n, name) for name, n in parts.items() if name not in hidden and n > 0)
        if candidates:
            shown[candidates[0][1]] = SUPPRESSED
        else:
            return SUPPRESSED, shown
    return cell(total), shown


def share(numerator: Cell, denominator: Cell) -> float | str | None:
    """numerator / denominator when both are published, "<10" when either is suppressed, None when nothing to divide."""
    if numerator == SUPPRESSED or denominator == SUPPRESSED:
        return SUPPRESSED
    if not denominator:
        return None
    return round(int(numerator) / int(denominator), 3)
