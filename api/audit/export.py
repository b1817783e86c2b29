"""Writing the chain and its signed tree heads as JSON lines for offline verification."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, col, select

from api.audit.chain import event_record
from api.audit.signing import key_id, public_key_pem
from api.audit.tree_heads import all_tree_heads, issue_tree_head, tree_head_record
from api.audit.verify import EXPORT_FORMAT
from api.models import AuditEvent


def export_chain(session: Session, key: Ed25519PrivateKey, out: Path, batch: int = 5000) -> tuple[int, int]:
    """Sign a fresh tree head over everything, then write header, events and tree heads; returns the counts."""
    issue_tree_head(session, key)  # the whole chain once: an export is rare
    session.commit()
    heads = all_tree_heads(session)
    signed_size = heads[-1].tree_size  # events appended while we export belong to the next export
    written = 0
    with out.open("w", encoding="utf-8") as handle:
        header = {
            "type": "header",
            "format": EXPORT_FORMAT,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "key_id": key_id(key.public_key()),
        }
        handle.write(json.dumps(header) + "\n")
        last = 0
        while True:
            rows = session.exec(
                select(AuditEvent)
                .where(AuditEvent.sequence > last, AuditEvent.sequence <= signed_size)
                .order_by(col(AuditEvent.sequence))
                .limit(batch)
            ).all()
            if not rows:
                break
            for row in rows:
                handle.write(json.dumps({"type": "event", **event_record(row)}, ensure_ascii=False) + "\n")
            written += len(rows)
            last = rows[-1].sequence
        for head in heads:
            handle.write(json.dumps({"type": "tree_head", **tree_head_record(head)}) + "\n")
    out.with_suffix(".pub.pem").write_bytes(public_key_pem(key))
    return written, len(heads)
