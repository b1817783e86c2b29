"""What a supervisor sees of a watchlist candidate: the listed person as the centre holds them, beside the score."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from sqlmodel import Session, col, select

from api.schemas import Candidate
from watchlists.models import FaceTemplate, Subject, Watchlist

_SUBJECT_PREFIX = "s"  # watchlists.snapshot.subject_key: kiosks report face and name hits as "s<subject id>"


@dataclass(frozen=True)
class CandidateCard:
    """One candidate with the listed name, its list's category and a thumbnail, when the centre holds them."""

    candidate: Candidate
    name_latin: str | None
    name_original: str | None
    category: str | None
    reason: str | None
    thumbnail_jpeg_b64: str | None

    @property
    def above_threshold(self) -> bool:
        return self.candidate.score >= self.candidate.threshold


def _subject(session: Session, candidate: Candidate) -> tuple[Subject, Watchlist] | None:
    ref = candidate.entry_ref
    if candidate.kind == "document" or not ref.startswith(_SUBJECT_PREFIX) or not ref[1:].isdigit():
        return None
    subject = session.get(Subject, int(ref[1:]))
    if subject is None:  # removed since the kiosk's snapshot: the card says only what the kiosk reported
        return None
    watchlist = session.get(Watchlist, subject.watchlist_id)
    if watchlist is None or watchlist.name != candidate.watchlist_id:
        return None
    return subject, watchlist


def _thumbnail(session: Session, subject_id: int) -> str | None:
    query = (
        select(FaceTemplate.thumbnail_jpeg)
        .where(FaceTemplate.subject_id == subject_id, col(FaceTemplate.thumbnail_jpeg).is_not(None))
        .order_by(col(FaceTemplate.quality).desc())
        .limit(1)
    )
    jpeg = session.exec(query).first()
    return base64.b64encode(jpeg).decode() if jpeg else None


def candidate_cards(session: Session, candidates: list[Candidate]) -> list[CandidateCard]:
    """Each candidate of a transaction with what the centre's watchlists say about the listed person."""
    cards = []
    for candidate in candidates:
        found = _subject(session, candidate)
        if found is None:
            cards.append(CandidateCard(candidate, None, None, None, None, None))
            continue
        subject, watchlist = found
        cards.append(
            CandidateCard(
                candidate,
                subject.name_latin,
                subject.name_original or None,
                watchlist.category.value,
                subject.reason,
                _thumbnail(session, subject.id or 0),
            )
        )
    return cards
