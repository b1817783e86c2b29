"""The service's audit trail: appends events and issues a signed tree head every N events."""

from __future__ import annotations

import threading
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from api.audit import merkle
from api.audit.chain import Actor, Appended, append_event
from api.audit.tree_heads import issue_tree_head
from api.models import AuditEvent, TreeHead


class AuditTrail:
    """One per process: holds the signing key and the tree-head period."""

    def __init__(self, key: Ed25519PrivateKey, tree_head_every: int) -> None:
        self.key = key
        self.tree_head_every = tree_head_every
        # The Merkle state at the last head this process signed, with the hash of its last event: the chain is
        # append-only, so while that event is still stored with that hash the state is a valid prefix and the
        # next head reads only newer events (a rolled-back transaction fails the check and we start over).
        self._cached: tuple[merkle.CompactRange, str] | None = None
        self._lock = threading.Lock()

    def sign_head(self, session: Session) -> TreeHead:
        """Issue a signed tree head over every event so far, in the caller's transaction."""
        with self._lock:
            cached = self._cached
        prefix = None
        if cached is not None:
            stored = session.get(AuditEvent, cached[0].size)
            if stored is not None and stored.hash == cached[1]:
                prefix = cached[0]
        head, grown = issue_tree_head(session, self.key, prefix)
        last = session.get(AuditEvent, grown.size) if grown.size else None
        if last is not None:
            with self._lock:
                self._cached = (grown, last.hash)
        return head

    def sign_head_at_start(self, session: Session) -> TreeHead | None:
        """At start-up, sign a head over the events stored so far (none if the chain is empty); idempotent."""
        if session.get(AuditEvent, 1) is None:
            return None
        head = self.sign_head(session)
        session.commit()
        return head

    def record(
        self,
        session: Session,
        actor: Actor,
        action: str,
        obj: str,
        payload: dict[str, Any],
        reserved: tuple[int, str] | None = None,
    ) -> Appended:
        """Append an event in the caller's transaction; sign a tree head on the first event and at every multiple
        of N (an auditor can check the chain from its first event, not only after N of them)."""
        event = append_event(session, actor, action, obj, payload, reserved)
        if event.sequence == 1 or event.sequence % self.tree_head_every == 0:
            self.sign_head(session)
        return event
