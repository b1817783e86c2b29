"""Retention: erase personal and biometric data when its policy period ends; the chain keeps verifying.

Erasing means nulling the transaction's personal fields and face data, the disposition's free-text note,
and deleting the payloads of the audit events about that transaction. Failed logins are erased the same way:
their events' payloads (the name typed, which may be a password, and the client address) are deleted while
the events themselves (action, time) stay for supervisors and auditors. Event hashes stay, so the chain
and every signed tree head still verify. Each run that erases anything appends one `retention.purge` event.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, or_
from sqlmodel import Session, col, select

from api.audit.chain import SYSTEM
from api.audit.trail import AuditTrail
from api.models import AuditEvent, AuditPayload, Disposition, ScreeningTransaction, utcnow
from api.schemas import Outcome, Recommendation
from api.security import FAILED_LOGIN_ACTIONS

CLEARING_OUTCOMES = (Outcome.CLEAR.value, Outcome.CLEAR_AFTER_CHECK.value)


@dataclass(frozen=True)
class RetentionPolicy:
    """How long each kind of record keeps its personal data (days after the screening completed)."""

    cleared_biometrics_days: int
    cleared_days: int
    referred_days: int
    failed_login_days: int  # days after the failed login itself


@dataclass
class RetentionResult:
    """What one run erased (transaction ids are not personal data)."""

    biometrics_erased: list[int] = field(default_factory=list)
    cleared_erased: list[int] = field(default_factory=list)
    referred_erased: list[int] = field(default_factory=list)
    payloads_deleted: int = 0
    failed_login_payloads_erased: int = 0
    audit_sequence: int | None = None

    @property
    def anything(self) -> bool:
        return bool(
            self.biometrics_erased or self.cleared_erased or self.referred_erased or self.failed_login_payloads_erased
        )


def _is_cleared(tx: ScreeningTransaction, disposition: Disposition | None) -> bool:
    """A traveller counts as cleared when an officer cleared them, or the machine did and nobody intervened."""
    if disposition is not None:
        return disposition.outcome in CLEARING_OUTCOMES
    return tx.recommendation == Recommendation.CLEAR.value


def _failed_login_payloads(policy: RetentionPolicy, now: datetime) -> ColumnElement[bool]:
    """The payload rows of failed-login events at least `failed_login_days` old."""
    # Event times are stored as fixed-width UTC ISO strings (see api/audit/chain.py): they sort as text.
    cutoff = (now - timedelta(days=policy.failed_login_days)).astimezone(UTC).isoformat(timespec="microseconds")
    old_failures = select(AuditEvent.sequence).where(
        col(AuditEvent.action).in_(FAILED_LOGIN_ACTIONS), col(AuditEvent.time) <= cutoff
    )
    return col(AuditPayload.sequence).in_(old_failures)


def run_retention(
    session: Session, trail: AuditTrail, policy: RetentionPolicy, now: datetime | None = None, dry_run: bool = False
) -> RetentionResult:
    """Apply `policy` as of `now`; with `dry_run`, report what would be erased and change nothing."""
    now = now or utcnow()
    result = RetentionResult()
    oldest_cutoff = now - timedelta(days=min(policy.cleared_biometrics_days, policy.cleared_days, policy.referred_days))
    candidates = session.exec(
        select(ScreeningTransaction, Disposition)
        .join(Disposition, col(Disposition.transaction_id) == col(ScreeningTransaction.id), isouter=True)
        .where(col(ScreeningTransaction.erased_at).is_(None), col(ScreeningTransaction.completed_at) <= oldest_cutoff)
        .order_by(col(ScreeningTransaction.id))
    ).all()
    erase: list[tuple[ScreeningTransaction, Disposition | None]] = []
    for tx, disposition in candidates:
        completed = tx.completed_at if tx.completed_at.tzinfo else tx.completed_at.replace(tzinfo=now.tzinfo)
        age = now - completed
        if _is_cleared(tx, disposition):
            if age >= timedelta(days=policy.cleared_days):
                result.cleared_erased.append(tx.id or 0)
                erase.append((tx, disposition))
            elif age >= timedelta(days=policy.cleared_biometrics_days) and tx.face_data is not None:
                result.biometrics_erased.append(tx.id or 0)
                if not dry_run:
                    tx.face_data = None
                    tx.biometrics_erased_at = now
                    session.add(tx)
        elif age >= timedelta(days=policy.referred_days):
            result.referred_erased.append(tx.id or 0)
            erase.append((tx, disposition))
    failed_logins = _failed_login_payloads(policy, now)
    if dry_run:
        would_erase = session.exec(select(AuditPayload.sequence).where(failed_logins)).all()
        result.failed_login_payloads_erased = len(would_erase)
        return result
    erased = session.exec(delete(AuditPayload).where(failed_logins))  # type: ignore[call-overload]
    result.failed_login_payloads_erased = erased.rowcount or 0
    if not result.anything:
        session.rollback()
        return result
    objects = [f"transaction:{tx.id}" for tx, _ in erase]
    for tx, disposition in erase:
        tx.personal = None
        tx.face_data = None
        tx.erased_at = now
        session.add(tx)
        if disposition is not None and disposition.note is not None:
            disposition.note = None
            session.add(disposition)
    if objects:
        sequences = select(AuditEvent.sequence).where(or_(*(AuditEvent.object == o for o in objects)))
        deleted = session.exec(delete(AuditPayload).where(col(AuditPayload.sequence).in_(sequences)))  # type: ignore[call-overload]
        result.payloads_deleted = deleted.rowcount or 0
    payload = {k: v for k, v in asdict(result).items() if k != "audit_sequence"}
    payload["policy"] = asdict(policy)
    event = trail.record(session, SYSTEM, "retention.purge", "retention", payload)
    result.audit_sequence = event.sequence
    session.commit()
    return result
