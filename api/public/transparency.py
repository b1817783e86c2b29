"""The public log in the manner of Certificate Transparency (RFC 9162): the latest signed tree head, the key that
verifies it (with a fingerprint to compare with the poster at the post), and the history of heads, each with the
consistency proof from the one before."""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlmodel import Session, col, select

from api.audit import merkle, tree_heads
from api.audit.signing import key_id
from api.models import TreeHead


def fingerprint(public: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key in groups of four hex digits, as printed on the poster at each post."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def public_key_record(public: Ed25519PublicKey) -> dict[str, str]:
    """The key as PEM, with its id (in every tree head) and its fingerprint."""
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return {"algorithm": "Ed25519", "pem": pem.decode(), "key_id": key_id(public), "fingerprint": fingerprint(public)}


def head_history(session: Session, after: int, limit: int) -> list[dict[str, Any]]:
    """Signed tree heads larger than `after` (smallest first), each with the proof it extends the previous head."""
    heads = list(
        session.exec(
            select(TreeHead).where(col(TreeHead.tree_size) > after).order_by(col(TreeHead.tree_size)).limit(limit)
        )
    )
    if not heads:
        return []
    previous = session.exec(
        select(TreeHead).where(col(TreeHead.tree_size) <= after).order_by(col(TreeHead.tree_size).desc()).limit(1)
    ).first()
    leaves = tree_heads.event_hashes(session, heads[-1].tree_size)  # read once for every proof of the page
    history = []
    for head in heads:
        entry: dict[str, Any] = {"signed_tree_head": tree_heads.tree_head_record(head), "consistency_from": None}
        if previous is not None:
            path = merkle.consistency_proof(previous.tree_size, leaves[: head.tree_size])
            entry["consistency_from"] = {"tree_size": previous.tree_size, "path": [p.hex() for p in path]}
        history.append(entry)
        previous = head
    return history


def recent_head_history(session: Session, count: int) -> list[dict[str, Any]]:
    """The `count` latest signed tree heads with their consistency proofs (the page shows these)."""
    sizes = session.exec(select(TreeHead.tree_size).order_by(col(TreeHead.tree_size).desc()).limit(count + 1)).all()
    after = sizes[count] if len(sizes) > count else 0
    return head_history(session, after, count)
