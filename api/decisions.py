"""Officers' dispositions and supervisors' reviews, each recorded with an audit event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from api.acting_officer import acting_officer
from api.audit.chain import Actor
from api.audit.trail import AuditTrail
from api.db import lock_chain
from api.disposition_conflicts import mark_reviewed, record_conflict, same_decision
from api.errors import Conflict, ConflictingDisposition, InvalidInput
from api.models import Disposition, Review, ScreeningTransaction, as_utc, utcnow
from api.public.receipts import record_receipt
from api.schemas import DispositionCreate, DispositionPublic, Outcome, ReviewCreate, ReviewPublic, Verdict
from api.screening import get_transaction
from checkpoint.i18n import _

# How far a kiosk's clock may differ from the centre's: a decision's time may lie this much before its screening
# started or after the centre's now (api/README.md).
DECIDED_AT_SKEW = timedelta(minutes=10)


def record_disposition(
    session: Session, trail: AuditTrail, caller: Actor, transaction_id: int, body: DispositionCreate
) -> tuple[Disposition, bool]:
    """Store the officer's decision (one per transaction); an identical resend returns the first (created=False).

    `caller` is the officer, or a kiosk deciding on behalf of the officer `body.officer` signed in on its page;
    the row and the audit event name the officer, and the kiosk it came through.
    """
    transaction = get_transaction(session, transaction_id)
    officer, kiosk_id = acting_officer(session, caller, transaction, body.officer)
    _check_decided_at(transaction, body.decided_at)
    lock_chain(session)  # two officers racing on one transaction: the second sees the first
    existing = disposition_of(session, transaction_id)
    if existing is not None:
        if same_decision(existing, officer.name, kiosk_id, body):
            return existing, False  # a kiosk outbox retrying after a lost response
        if body.receipt is not None:  # the traveller holds this receipt whatever the centre holds: keep its proof
            record_receipt(session, trail, transaction, body.outcome, body.receipt)
        record_conflict(session, trail, officer, kiosk_id, existing, body)
        held = disposition_public(existing)
        raise ConflictingDisposition(
            _(
                "transaction %(id)s already has a different disposition: %(outcome)s by %(officer)s, decided at "
                "%(decided_at)s; this one was not recorded"
            )
            % {
                "id": transaction_id,
                "outcome": held.outcome.value,
                "officer": held.officer,
                "decided_at": held.decided_at.isoformat(),
            },
            _("the conflict is listed for a supervisor, who reviews both decisions"),
            held.model_dump(mode="json"),
        )
    row = Disposition(
        transaction_id=transaction_id,
        officer=officer.name,
        outcome=body.outcome.value,
        reason_code=body.reason_code,
        note=body.note,
        # UTC: SQLite keeps no offset, and every time read back is taken as UTC (as_utc).
        decided_at=body.decided_at.astimezone(UTC),
        kiosk_id=kiosk_id,
    )
    session.add(row)
    session.flush()
    payload = {**body.model_dump(mode="json"), "officer": officer.name, "kiosk_id": kiosk_id}
    trail.record(session, officer, "disposition.record", f"transaction:{transaction_id}", payload)
    if body.receipt is not None:
        record_receipt(session, trail, transaction, body.outcome, body.receipt)
    session.commit()
    return row, True


def _check_decided_at(transaction: ScreeningTransaction, decided_at: datetime) -> None:
    """A decision is made between the screening's start and now, give or take the clocks' difference."""
    started: datetime = as_utc(transaction.started_at)  # type: ignore[assignment]
    if not started - DECIDED_AT_SKEW <= decided_at <= utcnow() + DECIDED_AT_SKEW:
        minutes = int(DECIDED_AT_SKEW.total_seconds() // 60)
        raise InvalidInput(
            _(
                "decided_at %(decided_at)s is outside transaction %(id)s's lifetime (from its start %(started)s "
                "until now, give or take %(minutes)s minutes of clock difference)"
            )
            % {
                "decided_at": decided_at.isoformat(),
                "id": transaction.id,
                "started": started.isoformat(),
                "minutes": minutes,
            },
            _("send the time the officer decided, from a clock within that much of UTC"),
        )


def disposition_of(session: Session, transaction_id: int) -> Disposition | None:
    """The officer's disposition of a transaction, if any."""
    return session.exec(select(Disposition).where(Disposition.transaction_id == transaction_id)).first()


def record_review(
    session: Session, trail: AuditTrail, supervisor: Actor, transaction_id: int, body: ReviewCreate
) -> Review:
    """Store a supervisor's review of the officer's disposition; the transaction's conflicts are then reviewed."""
    get_transaction(session, transaction_id)
    if disposition_of(session, transaction_id) is None:
        raise Conflict(
            _("transaction %(id)s has no disposition to review yet") % {"id": transaction_id},
            _("review it once an officer has decided"),
        )
    row = Review(
        transaction_id=transaction_id,
        supervisor=supervisor.name,
        verdict=body.verdict.value,
        reason_code=body.reason_code,
        comment=body.comment,
    )
    session.add(row)
    mark_reviewed(session, transaction_id)
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
