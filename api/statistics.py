"""Figures supervisors watch: how often each watchlist's hits turn out false once an officer decided."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from api.models import Disposition, ScreeningTransaction
from api.retention import CLEARING_OUTCOMES


@dataclass(frozen=True)
class WatchlistHitRate:
    """Referrals with a candidate from one watchlist, how many were decided, and how many were cleared (false)."""

    watchlist_id: str
    referrals: int
    decided: int
    false_hits: int

    @property
    def false_hit_rate(self) -> float | None:
        return self.false_hits / self.decided if self.decided else None


def false_hit_rates(session: Session) -> list[WatchlistHitRate]:
    """Per watchlist: an officer clearing a traveller a watchlist flagged counts as a false hit."""
    rows = session.exec(
        select(ScreeningTransaction.watchlist_ids, Disposition.outcome).join(
            Disposition, col(Disposition.transaction_id) == col(ScreeningTransaction.id), isouter=True
        )
    ).all()
    counts: dict[str, list[int]] = {}
    for watchlists, outcome in rows:
        for wl in watchlists or []:
            c = counts.setdefault(wl, [0, 0, 0])
            c[0] += 1
            if outcome is not None:
                c[1] += 1
                c[2] += outcome in CLEARING_OUTCOMES
    return [WatchlistHitRate(wl, *c) for wl, c in sorted(counts.items())]
