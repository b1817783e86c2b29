"""Officers' dispositions and supervisors' reviews, each recorded with an audit event."""

from __future__ import annotations

from sqlmodel import Session, col, select

from api.acting_officer import acting_officer
from api.audit.chain import Actor
from api.audit.trail import AuditTrail
from api.db import lock_chain
from api.errors import Conflict
from api.models import Disposition, Review, as_utc
from api.schemas import DispositionCreate, DispositionPublic, Outcome, ReviewCreate, ReviewPublic, Verdict
from api.screening import get_transaction


def record_disposition(
    session: Session, trail: AuditTrail, caller: Actor, transaction_id: int, body: DispositionCreate
) -> tuple[Disposition, bool]:
    """Store the officer's decision (one per transaction); an identical resend returns the first (created=False).

    `caller` is the officer, or a kiosk deciding on behalf of the officer `body.officer` signed in on its page;
    the row and the audit event name the officer, and the kiosk it came through.
    """
    transaction = get_transaction(session, transaction_id)
    officer, kiosk_id = acting_officer(session, caller, transaction, body.officer)
    lock_chain(session)  # two officers racing on one transaction: the second sees the first
    existing = disposition_of(session, transaction_id)
    if existing is not None:
        if _same_decision(existing, officer, kiosk_id, body):
            return existing, False  # a kiosk outbox retrying after a lost response
        raise Conflict(f"transaction {transaction_id} already has a disposition", "a supervisor review can overturn it")
    row = Disposition(
        transaction_id=transaction_id,
        officer=officer.name,
        outcome=body.outcome.value,
        reason_code=body.reason_code,
        note=body.note,
        decided_at=body.decided_at,
        kiosk_id=kiosk_id,
    )
    session.add(row)
    session.flush()
    payload = {**body.model_dump(mode="json"), "officer": officer.name, "kiosk_id": kiosk_id}
    trail.record(session, officer, "disposition.record", f"transaction:{transaction_id}", payload)
    session.commit()
    return row, True


def _same_decision(row: Disposition, officer: Actor, kiosk_id: str | None, body: DispositionCreate) -> bool:
    return (row.officer, row.kiosk_id, row.outcome, row.reason_code, row.note, as_utc(row.decided_at)) == (
        officer.name,
        kiosk_id,
        body.outcome.value,
        body.reason_code,
        body.note,
        body.decided_at,
    )


def disposition_of(session: Session, transaction_id: int) -> Disposition | None:
    """The officer's disposition of a transaction, if any."""
    return session.exec(select(Disposition).where(Disposition.transaction_id == transaction_id)).first()


def record_review(
    session: Session, trail: AuditTrail, supervisor: Actor, transaction_id: int, body: ReviewCreate
) -> Review:
    """Store a supervisor's review."""
    get_transaction(session, transaction_id)
    row = Review(
        transaction_id=transaction_id,
        supervisor=supervisor.name,
        verdict=body.verdict.value,
        reason_code=body.reason_code,
        comment=body.comment,
    )
    session.add(row)
    session.flush()
    trail.record(session, supervisor, "review.record", f"transaction:{transaction_id}", body.model_dump(mode="json"))
    session.commit()
    return row


def reviews_of(session: Session, transaction_id: int) -> list[Review]:
    """Every supervisor review of a transaction, oldest first."""
    return list(session.exec(select(Review).where(Review.transaction_id == transaction_id).order_by(col(Review.id))))


def disposition_public(row: Disposition) -> DispositionPublic:
    """A disposition in its wire form."""
    return DispositionPublic(
        id=row.id or 0,
        transaction_id=row.transaction_id,
        officer=row.officer,
        outcome=Outcome(row.outcome),
        reason_code=row.reason_code,
        note=row.note,
        decided_at=as_utc(row.decided_at),  # type: ignore[arg-type]
        recorded_at=as_utc(row.recorded_at),  # type: ignore[arg-type]
        kiosk_id=row.kiosk_id,
    )


def review_public(row: Review) -> ReviewPublic:
    """A review in its wire form."""
    return ReviewPublic(
        id=row.id or 0,
        transaction_id=row.transaction_id,
        supervisor=row.supervisor,
        verdict=Verdict(row.verdict),
        reason_code=row.reason_code,
        comment=row.comment,
        recorded_at=as_utc(row.recorded_at),  # type: ignore[arg-type]
    )
