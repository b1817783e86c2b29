"""Decisions the centre refused because the transaction already had a different one: kept, audited, and listed
for supervisors until one reviews the transaction, so a refused officer's decision always reaches a person."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from sqlmodel import Session, col, select

from api.audit.chain import Actor
from api.audit.trail import AuditTrail
from api.models import Disposition, DispositionConflict, as_utc, utcnow
from api.schemas import DispositionCreate


def same_decision(
    row: Disposition | DispositionConflict, officer: str, kiosk_id: str | None, body: DispositionCreate
) -> bool:
    """True when `row` records exactly this decision by this officer through this kiosk (an outbox resend)."""
    return (row.officer, row.kiosk_id, row.outcome, row.reason_code, row.note, as_utc(row.decided_at)) == (
        officer,
        kiosk_id,
        body.outcome.value,
        body.reason_code,
        body.note,
        body.decided_at,
    )


def record_conflict(
    session: Session,
    trail: AuditTrail,
    officer: Actor,
    kiosk_id: str | None,
    held: Disposition,
    body: DispositionCreate,
) -> None:
    """Keep the refused decision and append a `disposition.conflict` event naming both decisions, committed here so
    the refusal that follows does not undo it. The same refused decision sent again is recorded once."""
    earlier = session.exec(select(DispositionConflict).where(DispositionConflict.transaction_id == held.transaction_id))
    if any(same_decision(row, officer.name, kiosk_id, body) for row in earlier):
        return
    session.add(
        DispositionConflict(
            transaction_id=held.transaction_id,
            officer=officer.name,
            kiosk_id=kiosk_id,
            outcome=body.outcome.value,
            reason_code=body.reason_code,
            note=body.note,
            decided_at=body.decided_at.astimezone(UTC),
        )
    )
    payload: dict[str, Any] = {
        "held": {
            "disposition_id": held.id,
            "outcome": held.outcome,
            "reason_code": held.reason_code,
            "officer": held.officer,
            "kiosk_id": held.kiosk_id,
            "decided_at": as_utc(held.decided_at).isoformat(),  # type: ignore[union-attr]
        },
        "refused": {**body.model_dump(mode="json"), "officer": officer.name, "kiosk_id": kiosk_id},
    }
    trail.record(session, officer, "disposition.conflict", f"transaction:{held.transaction_id}", payload)
    session.commit()


def mark_reviewed(session: Session, transaction_id: int) -> None:
    """A supervisor reviewed the transaction: its conflicts leave the queue (in the caller's transaction)."""
    now = utcnow()
    for row in session.exec(
        select(DispositionConflict).where(
            DispositionConflict.transaction_id == transaction_id, col(DispositionConflict.reviewed_at).is_(None)
        )
    ):
        row.reviewed_at = now
        session.add(row)


def conflicts_of(session: Session, transaction_id: int) -> list[DispositionConflict]:
    """Every decision refused on this transaction, oldest first, reviewed or not."""
    query = select(DispositionConflict).where(DispositionConflict.transaction_id == transaction_id)
    return list(session.exec(query.order_by(col(DispositionConflict.id))).all())


def open_conflicts(session: Session, limit: int = 200) -> list[tuple[DispositionConflict, Disposition]]:
    """Conflicts no supervisor has reviewed yet, newest first, each with the decision the centre holds."""
    query = (
        select(DispositionConflict, Disposition)
        .join(Disposition, col(Disposition.transaction_id) == col(DispositionConflict.transaction_id))
        .where(col(DispositionConflict.reviewed_at).is_(None))
        .order_by(col(DispositionConflict.recorded_at).desc(), col(DispositionConflict.id).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())
