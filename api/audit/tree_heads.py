"""Signed tree heads and proofs over the events stored in the database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, col, select

from api.audit import merkle
from api.audit.signing import key_id, sign_tree_head
from api.errors import InvalidInput, NotFound
from api.models import AuditEvent, TreeHead
from checkpoint.i18n import _


def event_hashes(session: Session, limit: int | None = None) -> list[bytes]:
    """The chain's event hashes in sequence order (the Merkle leaves)."""
    query = select(AuditEvent.hash).order_by(col(AuditEvent.sequence))
    if limit is not None:
        query = query.limit(limit)
    return [bytes.fromhex(h) for h in session.exec(query)]


def tree_head_record(head: TreeHead) -> dict[str, Any]:
    """A tree head as a plain dict (the signed fields plus the signature)."""
    return {
        "tree_size": head.tree_size,
        "root_hash": head.root_hash,
        "timestamp": head.timestamp,
        "key_id": head.key_id,
        "signature": head.signature,
    }


def extend(session: Session, compact: merkle.CompactRange | None) -> merkle.CompactRange:
    """A compact range over every stored event, reusing `compact` (a prefix) so only new events are read."""
    grown = compact.copy() if compact is not None else merkle.CompactRange()
    query = select(AuditEvent.hash).where(AuditEvent.sequence > grown.size).order_by(col(AuditEvent.sequence))
    for event_hash_hex in session.exec(query):
        grown.append(merkle.leaf_hash(bytes.fromhex(event_hash_hex)))
    return grown


def issue_tree_head(
    session: Session, key: Ed25519PrivateKey, compact: merkle.CompactRange | None = None
) -> tuple[TreeHead, merkle.CompactRange]:
    """Sign the Merkle root over every event so far (in the caller's transaction); idempotent per size.

    Returns the head and the compact range it was computed from, for the caller to pass back next time.
    """
    grown = extend(session, compact)
    existing = session.get(TreeHead, grown.size)
    if existing is not None:
        return existing, grown
    fields: dict[str, Any] = {
        "tree_size": grown.size,
        "root_hash": grown.root().hex(),
        "timestamp": datetime.now(UTC).isoformat(timespec="microseconds"),
        "key_id": key_id(key.public_key()),
    }
    head = TreeHead(**fields, signature=sign_tree_head(key, fields))
    session.add(head)
    session.flush()
    return head, grown


def latest_tree_head(session: Session) -> TreeHead | None:
    """The largest signed tree head, if any."""
    return session.exec(select(TreeHead).order_by(col(TreeHead.tree_size).desc()).limit(1)).first()


def all_tree_heads(session: Session) -> list[TreeHead]:
    """Every signed tree head, smallest first."""
    return list(session.exec(select(TreeHead).order_by(col(TreeHead.tree_size))))


def inclusion(session: Session, sequence: int, tree_size: int) -> tuple[bytes, list[bytes]]:
    """The leaf (event hash) for `sequence` and its audit path in the tree of `tree_size` events."""
    leaves = event_hashes(session, tree_size)
    if tree_size < 1 or len(leaves) < tree_size:
        raise NotFound(
            _("there is no tree of size %(size)s") % {"size": tree_size}, _("ask for a size no larger than the chain")
        )
    if not 1 <= sequence <= tree_size:
        raise InvalidInput(
            _("event %(sequence)s is not in a tree of size %(size)s") % {"sequence": sequence, "size": tree_size},
            _("ask for 1 <= sequence <= size"),
        )
    return leaves[sequence - 1], merkle.inclusion_proof(sequence - 1, leaves)


def consistency(session: Session, first: int, second: int) -> list[bytes]:
    """The proof that the tree of `first` events is a prefix of the tree of `second` events."""
    leaves = event_hashes(session, second)
    if len(leaves) < second:
        raise NotFound(
            _("there is no tree of size %(size)s") % {"size": second}, _("ask for a size no larger than the chain")
        )
    if not 1 <= first <= second:
        raise InvalidInput(
            _("sizes %(first)s and %(second)s are not ordered") % {"first": first, "second": second},
            _("ask for 1 <= first <= second"),
        )
    return merkle.consistency_proof(first, leaves)
