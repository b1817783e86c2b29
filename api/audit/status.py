"""Reading the stored chain for auditors: event listing and a live verification of the whole chain."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlmodel import Session, col, select

from api.audit.chain import event_record
from api.audit.tree_heads import all_tree_heads, latest_tree_head, tree_head_record
from api.audit.verify import verify_records
from api.models import AuditEvent, AuditPayload
from api.schemas import AuditEventPublic


def list_events(session: Session, after: int, limit: int, action: str | None) -> list[AuditEventPublic]:
    """Events after `after`, with whether their payload was erased."""
    query = (
        select(AuditEvent, AuditPayload.sequence)
        .join(AuditPayload, col(AuditPayload.sequence) == col(AuditEvent.sequence), isouter=True)
        .where(AuditEvent.sequence > after)
    )
    if action:
        query = query.where(AuditEvent.action == action)
    rows = session.exec(query.order_by(col(AuditEvent.sequence)).limit(limit)).all()
    return [AuditEventPublic(**event_record(e), payload_erased=p is None) for e, p in rows]


def events_total(session: Session) -> int:
    """How many events the chain holds (sequences start at 1 and have no gaps)."""
    return session.exec(select(AuditEvent.sequence).order_by(col(AuditEvent.sequence).desc()).limit(1)).first() or 0


def chain_status(session: Session, public_key: Ed25519PublicKey) -> dict[str, Any]:
    """Verify every stored event and tree head up to the latest signed size; events after it are 'unsigned'."""
    latest = latest_tree_head(session)
    signed = latest.tree_size if latest else 0
    events = session.exec(
        select(AuditEvent).where(AuditEvent.sequence <= signed).order_by(col(AuditEvent.sequence))
    ).all()
    heads = [(0, tree_head_record(h)) for h in all_tree_heads(session)]
    total = events_total(session)
    report = verify_records(((0, event_record(e)) for e in events), heads, public_key) if latest else None
    return {
        "verified": bool(report and report.ok),
        "report": asdict(report) if report else None,
        "events_total": total,
        "events_after_latest_tree_head": total - signed,
        "latest_tree_head": tree_head_record(latest) if latest else None,
    }


def next_tree_head(status: dict[str, Any], every_events: int, interval_minutes: int) -> dict[str, Any]:
    """When the next signed tree head is due: at which event count, and by which time if a timer signs them."""
    total = status["events_total"]
    at_event = (total // every_events + 1) * every_events
    latest = status["latest_tree_head"]
    by_time = None
    if interval_minutes > 0 and latest is not None:
        by_time = datetime.fromisoformat(latest["timestamp"]) + timedelta(minutes=interval_minutes)
    return {"at_event": at_event, "by_time": by_time}
