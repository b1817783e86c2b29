"""The service's audit trail: appends events and issues a signed tree head every N events."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from api.audit.chain import Actor, Appended, append_event
from api.audit.tree_heads import issue_tree_head


class AuditTrail:
    """One per process: holds the signing key and the tree-head period."""

    def __init__(self, key: Ed25519PrivateKey, tree_head_every: int) -> None:
        self.key = key
        self.tree_head_every = tree_head_every

    def record(self, session: Session, actor: Actor, action: str, obj: str, payload: dict[str, Any]) -> Appended:
        """Append an event in the caller's transaction; sign a tree head when the chain reaches a multiple of N."""
        event = append_event(session, actor, action, obj, payload)
        if event.sequence % self.tree_head_every == 0:
            issue_tree_head(session, self.key)
        return event
