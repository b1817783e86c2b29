"""Appending to the chain: one event per audited action, serialised so two writers can never fork it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from api.audit.canonical import GENESIS_HASH, canonical, event_hash, payload_hash
from api.db import lock_chain
from api.models import AuditEvent, AuditPayload


@dataclass(frozen=True)
class Actor:
    """Who did it: a username or kiosk id, and the role they acted in."""

    name: str
    role: str


SYSTEM = Actor("system", "system")


_EVENTS = AuditEvent.__table__  # type: ignore[attr-defined]
_PAYLOADS = AuditPayload.__table__  # type: ignore[attr-defined]
_HEAD = select(_EVENTS.c.sequence, _EVENTS.c.hash).order_by(_EVENTS.c.sequence.desc()).limit(1)


@dataclass(frozen=True)
class Appended:
    """The sequence number and own hash of an event just appended."""

    sequence: int
    hash: str


def next_sequence(session: Session) -> tuple[int, str]:
    """The sequence the next event will get and the hash it will link to (call after `lock_chain`)."""
    last = session.connection().execute(_HEAD).first()
    return (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)


def append_event(
    session: Session,
    actor: Actor,
    action: str,
    obj: str,
    payload: dict[str, Any],
    reserved: tuple[int, str] | None = None,
) -> Appended:
    """Add the next event in the caller's transaction (which commits it together with the change it records).

    `reserved` is what `next_sequence` returned to a caller that already holds the chain lock (saves two
    round trips on the ingest path).
    """
    if reserved is None:
        lock_chain(session)
        session.flush()  # pending ORM changes first, so the event never precedes the change it records
        reserved = next_sequence(session)
    sequence, prev_hash = reserved
    fields: dict[str, Any] = {
        "sequence": sequence,
        # Stored as the exact string hashed, so a database round-trip cannot change the hash input.
        "time": datetime.now(UTC).isoformat(timespec="microseconds"),
        "actor": actor.name,
        "role": actor.role,
        "action": action,
        "object": obj,
        "payload_hash": payload_hash(payload),
        "prev_hash": prev_hash,
    }
    own = event_hash(fields)
    # Core on the tables: the chain is on every request's path and the ORM layer adds nothing here.
    connection = session.connection()
    connection.execute(_EVENTS.insert(), {**fields, "hash": own})
    connection.execute(_PAYLOADS.insert(), {"sequence": sequence, "payload": canonical(payload).decode()})
    return Appended(sequence, own)


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
