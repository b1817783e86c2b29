"""Appending to the chain: one event per audited action, serialised so two writers can never fork it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from api.audit.canonical import GENESIS_HASH, canonical, event_hash, payload_hash
from api.db import lock_chain
from api.models import AuditEvent, AuditPayload


@dataclass(frozen=True)
class Actor:
    """Who did it: a username or kiosk id, and the role they acted in."""

    name: str
    role: str


SYSTEM = Actor("system", "system")


def head(session: Session) -> AuditEvent | None:
    """The last event of the chain, or None if it is empty."""
    return session.exec(select(AuditEvent).order_by(col(AuditEvent.sequence).desc()).limit(1)).first()


def append_event(session: Session, actor: Actor, action: str, obj: str, payload: dict[str, Any]) -> AuditEvent:
    """Add the next event in the caller's transaction (which commits it together with the change it records)."""
    lock_chain(session)
    last = head(session)
    fields: dict[str, Any] = {
        "sequence": (last.sequence + 1) if last else 1,
        # Stored as the exact string hashed, so a database round-trip cannot change the hash input.
        "time": datetime.now(UTC).isoformat(timespec="microseconds"),
        "actor": actor.name,
        "role": actor.role,
        "action": action,
        "object": obj,
        "payload_hash": payload_hash(payload),
        "prev_hash": last.hash if last else GENESIS_HASH,
    }
    event = AuditEvent(**fields, hash=event_hash(fields))
    session.add(event)
    session.flush()
    session.add(AuditPayload(sequence=event.sequence, payload=canonical(payload).decode()))
    return event


def event_record(event: AuditEvent) -> dict[str, Any]:
    """An event as a plain dict with exactly the chained fields plus its own hash."""
    return {
        "sequence": event.sequence,
        "time": event.time,
        "actor": event.actor,
        "role": event.role,
        "action": event.action,
        "object": event.object,
        "payload_hash": event.payload_hash,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
