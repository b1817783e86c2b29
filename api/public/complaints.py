"""Redress: a traveller (or someone on their behalf) files a complaint with the receipt's reference and code,
supervisors attach the screening's evidence and decide within the legal deadline, and the decision reaches the
traveller's status page. Every step is an audit event; an upheld complaint about a watchlist hit asks the entry's
owning authority to review it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from api.audit.chain import Actor
from api.audit.trail import AuditTrail
from api.errors import Conflict, InvalidInput, NotFound
from api.models import Complaint, Receipt, ScreeningTransaction, as_utc, utcnow
from api.public.receipts import receipt_for_holder
from checkpoint.i18n import _

TRAVELLER = Actor("traveller", "public")  # who files: no account, so no name
# Complaint numbers are read aloud and typed: no 0/O, 1/I/L.
_NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_NOT_FOUND = ("no complaint matches this number and status code", "copy both exactly from the page you got when filing")


class ComplaintDecision(StrEnum):
    """What a supervisor decides about a complaint."""

    UPHELD = "UPHELD"
    NOT_UPHELD = "NOT_UPHELD"
    WATCHLIST_REVIEW = "WATCHLIST_REVIEW"  # the entry that hit must be reviewed by its owning authority


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def file_complaint(
    session: Session, trail: AuditTrail, reference: str, salt: str, statement: str, deadline_days: int
) -> tuple[Complaint, str]:
    """Record a complaint about the receipt `reference` (its holder proves it with `salt`); returns it and the
    status token, which is shown once and never stored."""
    receipt = receipt_for_holder(session, reference, salt)
    token = secrets.token_urlsafe(24)
    now = utcnow()
    row = Complaint(
        number="R-" + "".join(secrets.choice(_NUMBER_ALPHABET) for _position in range(10)),
        token_hash=_token_hash(token),
        receipt_id=receipt.id or 0,
        statement=statement,
        filed_at=now,
        deadline=now + timedelta(days=deadline_days),
    )
    session.add(row)
    session.flush()
    payload = {
        "number": row.number,
        "receipt_reference": reference,
        "statement_sha256": hashlib.sha256(statement.encode()).hexdigest(),
        "deadline": row.deadline.isoformat(),
    }
    trail.record(session, TRAVELLER, "complaint.file", f"complaint:{row.number}", payload)
    session.commit()
    return row, token


def complaint_for_holder(session: Session, number: str, token: str) -> Complaint:
    """The complaint whose number and status token the caller holds; one refusal for both kinds of mismatch."""
    row = session.exec(select(Complaint).where(Complaint.number == number)).first()
    expected = row.token_hash if row is not None else "0" * 64
    if row is None or not hmac.compare_digest(expected, _token_hash(token)):
        raise NotFound(*_NOT_FOUND)
    return row


def complaint_queue(session: Session) -> list[tuple[Complaint, Receipt]]:
    """Open complaints by nearest deadline, then decided ones newest first."""
    rows = session.exec(select(Complaint, Receipt).join(Receipt, col(Receipt.id) == col(Complaint.receipt_id))).all()
    open_ = sorted((r for r in rows if r[0].decision is None), key=lambda r: as_utc(r[0].deadline))  # type: ignore[arg-type,return-value]
    decided = sorted((r for r in rows if r[0].decision is not None), key=lambda r: r[0].id or 0, reverse=True)
    return [*open_, *decided]


def get_complaint(session: Session, complaint_id: int) -> tuple[Complaint, Receipt]:
    """A complaint and its receipt, or 404."""
    row = session.get(Complaint, complaint_id)
    if row is None:
        raise NotFound(
            _("there is no complaint %(complaint_id)s") % {"complaint_id": complaint_id},
            _("open it from the complaints queue"),
        )
    return row, session.get(Receipt, row.receipt_id)  # type: ignore[return-value]


def read_complaint(session: Session, trail: AuditTrail, reader: Actor, complaint_id: int) -> tuple[Complaint, Receipt]:
    """A complaint with the traveller's statement (personal data): the read is an audit event."""
    row, receipt = get_complaint(session, complaint_id)
    trail.record(session, reader, "complaint.read", f"complaint:{row.number}", {})
    session.commit()
    return row, receipt


def attach_evidence(session: Session, trail: AuditTrail, supervisor: Actor, complaint_id: int) -> Complaint:
    """Link the screening's evidence (the transaction) to the complaint's file; once."""
    row, receipt = get_complaint(session, complaint_id)
    if row.evidence_attached_at is None:
        row.evidence_attached_by = supervisor.name
        row.evidence_attached_at = utcnow()
        session.add(row)
        session.flush()
        payload = {"number": row.number, "transaction_id": receipt.transaction_id}
        trail.record(session, supervisor, "complaint.evidence", f"complaint:{row.number}", payload)
        session.commit()
    return row


def decide(
    session: Session,
    trail: AuditTrail,
    supervisor: Actor,
    complaint_id: int,
    decision: ComplaintDecision,
    reason: str,
) -> Complaint:
    """Decide a complaint once, with a reason the traveller reads; upheld about a watchlist hit: flag the entries."""
    row, receipt = get_complaint(session, complaint_id)
    if row.decision is not None:
        raise Conflict(
            _("complaint %(number)s was already decided (%(decision)s)")
            % {"number": row.number, "decision": row.decision},
            _("a decision stands; file notes elsewhere"),
        )
    transaction = session.get(ScreeningTransaction, receipt.transaction_id)
    flagged = []
    if decision != ComplaintDecision.NOT_UPHELD and transaction is not None:
        flagged = _entries_that_hit(transaction)
    if decision == ComplaintDecision.WATCHLIST_REVIEW and not flagged:
        raise InvalidInput(
            _("the screening behind complaint %(number)s had no watchlist hit to review") % {"number": row.number},
            _("decide upheld or not upheld"),
        )
    row.decision = decision.value
    row.decision_reason = reason
    row.decided_by = supervisor.name
    row.decided_at = utcnow()
    row.flagged_entries = flagged
    session.add(row)
    session.flush()
    payload = {"number": row.number, "decision": decision.value, "reason": reason, "flagged_entries": flagged}
    trail.record(session, supervisor, "complaint.decide", f"complaint:{row.number}", payload)
    for entry in flagged:
        trail.record(
            session,
            supervisor,
            "watchlist.review_requested",
            f"watchlist:{entry['watchlist_id']}",
            {"entry_ref": entry["entry_ref"], "complaint": row.number},
        )
    session.commit()
    return row


def _entries_that_hit(transaction: ScreeningTransaction) -> list[dict[str, str]]:
    """The watchlist entries the screening's candidates named; only the lists once retention erased the details."""
    candidates = (transaction.personal or {}).get("candidates")
    if candidates:
        seen = {(c["watchlist_id"], c["entry_ref"]) for c in candidates}
        return [{"watchlist_id": w, "entry_ref": e} for w, e in sorted(seen)]
    return [{"watchlist_id": w, "entry_ref": "*"} for w in transaction.watchlist_ids or []]


def overdue(row: Complaint, now: datetime | None = None) -> bool:
    """An open complaint past its legal deadline."""
    return row.decision is None and as_utc(row.deadline) < (now or utcnow())  # type: ignore[operator]
