"""Aggregate statistics for the public transparency page: per month and per post, small counts suppressed
(api/public/suppression.py), and nothing about any one person."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from api.models import Disposition, ScreeningTransaction, as_utc
from api.public.suppression import SUPPRESSED, cell, group, share
from api.reports import list_reports
from api.retention import CLEARING_OUTCOMES
from api.schemas import Outcome
from watchlists.models import Document, EntryStatus, Subject, Watchlist


class _Tally:
    """The raw counts of one (month, post) row, before suppression."""

    def __init__(self) -> None:
        self.recommendations: Counter[str] = Counter()
        self.reason_codes: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()
        self.referrals_decided = 0
        self.cleared_after_referral = 0
        self.hits_decided = 0
        self.hits_confirmed = 0
        self.erasures = 0

    def published(self) -> dict[str, Any]:
        screenings, by_recommendation = group(
            sum(self.recommendations.values()), {r: self.recommendations[r] for r in ("CLEAR", "REFER")}
        )
        decided, outcomes = group(sum(self.outcomes.values()), {o.value: self.outcomes[o.value] for o in Outcome})
        referrals_decided, referral_outcomes = group(
            self.referrals_decided,
            {
                "cleared": self.cleared_after_referral,
                "not_cleared": self.referrals_decided - self.cleared_after_referral,
            },
        )
        hits_decided, hits = group(
            self.hits_decided,
            {"confirmed": self.hits_confirmed, "not_confirmed": self.hits_decided - self.hits_confirmed},
        )
        if SUPPRESSED in outcomes.values():
            # Both pairs add up outcome cells over subsets of the decided screenings: either could give a hidden
            # outcome away by subtraction, so they are hidden with it (rule 3 across tables).
            referral_outcomes = dict.fromkeys(referral_outcomes, SUPPRESSED)
            hits = dict.fromkeys(hits, SUPPRESSED)
        return {
            "screenings": screenings,
            "recommendations": by_recommendation,
            "refer_share": share(by_recommendation["REFER"], screenings),
            "reason_codes": {code: cell(n) for code, n in sorted(self.reason_codes.items())},
            "decided": decided,
            "officer_outcomes": outcomes,
            "referrals_decided": referrals_decided,
            "referrals_cleared_false_alarms": referral_outcomes["cleared"],
            "referrals_not_cleared": referral_outcomes["not_cleared"],
            "watchlist_hits_decided": hits_decided,
            "watchlist_hits_confirmed": hits["confirmed"],
            "watchlist_hits_not_confirmed": hits["not_confirmed"],
            "retention_erasures": cell(self.erasures),
        }


def _month(value: Any) -> str:
    return as_utc(value).strftime("%Y-%m")  # type: ignore[union-attr]


def monthly_by_post(session: Session) -> list[dict[str, Any]]:
    """One row per month and post (newest month first), every count suppressed below 10."""
    rows = session.exec(
        select(
            ScreeningTransaction.completed_at,
            ScreeningTransaction.post_id,
            ScreeningTransaction.recommendation,
            ScreeningTransaction.reason_codes,
            ScreeningTransaction.watchlist_ids,
            ScreeningTransaction.erased_at,
            Disposition.outcome,
        ).join(Disposition, col(Disposition.transaction_id) == col(ScreeningTransaction.id), isouter=True)
    ).all()
    tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    for completed_at, post, recommendation, codes, watchlists, erased_at, outcome in rows:
        tally = tallies[(_month(completed_at), post)]
        tally.recommendations[recommendation] += 1
        tally.reason_codes.update(codes or [])
        if erased_at is not None:
            tallies[(_month(erased_at), post)].erasures += 1
        if outcome is None:
            continue
        tally.outcomes[outcome] += 1
        cleared = outcome in CLEARING_OUTCOMES
        if recommendation == "REFER":
            tally.referrals_decided += 1
            tally.cleared_after_referral += cleared
        if watchlists:
            tally.hits_decided += 1
            tally.hits_confirmed += not cleared
    ordered = sorted(tallies.items(), key=lambda item: (item[0][0], item[0][1]))
    ordered.sort(key=lambda item: item[0][0], reverse=True)
    return [{"month": month, "post_id": post, **tally.published()} for (month, post), tally in ordered]


def watchlist_entries(session: Session, today: date) -> list[dict[str, Any]]:
    """Entries that can produce a hit today, per watchlist category and legal basis (counts suppressed below 10)."""
    counts: Counter[tuple[str, str]] = Counter()
    for entry in (Subject, Document):
        rows = session.exec(
            select(Watchlist.category, Watchlist.legal_basis)
            .join(entry, col(entry.watchlist_id) == col(Watchlist.id))
            .where(
                Watchlist.status == EntryStatus.active,
                entry.status == EntryStatus.active,
                col(entry.review_by) >= today,
            )
        ).all()
        counts.update((str(category), basis) for category, basis in rows)
    return [
        {"category": category, "legal_basis": basis, "entries": cell(n)}
        for (category, basis), n in sorted(counts.items())
    ]


# The figures of a match-rate report that say how well the matcher does (no file paths, no per-person data).
_HEADLINES = {
    "verify": ("model_id", "ours.accuracy_mean", "ours.fnmr_at_fmr_1e-3_mean", "ours.eer_protocol_pairs"),
    "identify": ("model_id", "rank1", "fnir_at_fpir"),
}


def _pick(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def match_rate_headlines(directory: Path) -> list[dict[str, Any]]:
    """The headline figures of each published verification and identification report."""
    found = []
    for report in list_reports(directory):
        if report.kind != "json":
            continue
        try:
            data = json.loads((directory / report.name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        kind = data.get("benchmark") if isinstance(data, dict) else None
        if kind not in _HEADLINES:
            continue
        figures = {name.split(".")[-1]: _pick(data, name) for name in _HEADLINES[kind]}
        found.append({"report": report.name, "benchmark": kind, "ran_at": report.ran_at, **figures})
    return found
