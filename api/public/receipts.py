"""Traveller receipts at the centre: the commitment a kiosk sent is appended to the chain as its own event, and
anyone holding the reference gets that event's inclusion proof against a signed tree head.

The public answer names no transaction id, officer or kiosk: the leaf is a `receipt.commit` event by "system" whose
payload is only `{reference, commitment}`, and the commitment is salted with a secret printed on the receipt.
"""

from __future__ import annotations

import hmac
from datetime import UTC
from typing import Any

from sqlmodel import Session, select

from api.audit import tree_heads
from api.audit.chain import SYSTEM, event_record
from api.audit.trail import AuditTrail
from api.errors import Conflict, NotFound
from api.models import AuditEvent, Receipt, ScreeningTransaction, as_utc
from api.public.offline_check import RECEIPT_ACTION
from api.schemas import Outcome, ReceiptCommitment, ReceiptFields, Recommendation
from checkpoint.i18n import _

RECEIPT_OBJECT = "receipt"  # never the transaction's id: the leaf is public
_NO_SUCH_RECEIPT = ("no receipt matches this reference and code", "copy both exactly from your receipt")


def receipt_payload(reference: str, commitment: str) -> dict[str, str]:
    """The payload of a `receipt.commit` event: all the public leaf says."""
    return {"reference": reference, "commitment": commitment}


def record_receipt(
    session: Session, trail: AuditTrail, transaction: ScreeningTransaction, outcome: Outcome, sent: ReceiptCommitment
) -> Receipt:
    """Keep a kiosk's receipt commitment and append its event (in the caller's transaction); the first receipt of a
    transaction stands, and a resend of it changes nothing."""
    held = session.exec(select(Receipt).where(Receipt.transaction_id == transaction.id)).first()
    if held is not None:
        return held
    if session.exec(select(Receipt.id).where(Receipt.reference == sent.reference)).first() is not None:
        # 128 random bits never collide by chance: this kiosk reused a reference, and the decision is not recorded.
        raise Conflict(
            _("receipt reference %(reference)s is already used by another screening") % {"reference": sent.reference},
            _("make a new receipt (a fresh random reference) and send the decision again"),
        )
    completed = as_utc(transaction.completed_at)
    event = trail.record(
        session, SYSTEM, RECEIPT_ACTION, RECEIPT_OBJECT, receipt_payload(sent.reference, sent.commitment)
    )
    row = Receipt(
        reference=sent.reference,
        transaction_id=transaction.id or 0,
        commitment=sent.commitment,
        post_id=transaction.post_id,
        screening_date=completed.astimezone(UTC).date().isoformat(),  # type: ignore[union-attr]
        recommendation=transaction.recommendation,
        outcome=outcome.value,
        audit_sequence=event.sequence,
    )
    session.add(row)
    session.flush()
    return row


def receipt_fields(row: Receipt) -> ReceiptFields:
    """The fields the centre committed to for a receipt, as the kiosk printed them."""
    return ReceiptFields(
        reference=row.reference,
        post_id=row.post_id,
        screening_date=row.screening_date,  # type: ignore[arg-type]
        recommendation=Recommendation(row.recommendation),
        outcome=Outcome(row.outcome),
    )


def receipt_for_holder(session: Session, reference: str, salt: str) -> Receipt:
    """The receipt whose reference and salt the caller holds; the same refusal for an unknown reference and a wrong
    salt, so the salt cannot be tried against references one by one to learn which exist."""
    row = session.exec(select(Receipt).where(Receipt.reference == reference)).first()
    expected = receipt_fields(row).commitment(salt) if row is not None else "0" * 64
    if row is None or not hmac.compare_digest(expected, row.commitment):
        raise NotFound(*_NO_SUCH_RECEIPT)
    return row


def receipt_proof(session: Session, reference: str, next_head: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The inclusion proof of a receipt's leaf against the latest signed tree head, and whether it is complete.

    Not yet covered by a head: the answer says when the next head is due (`next_head`), never "unknown".
    """
    row = session.exec(select(Receipt).where(Receipt.reference == reference)).first()
    if row is None:
        raise NotFound(
            _("no receipt with this reference has reached the centre"),
            _(
                "check the reference on your receipt; a post without network sends it when it reconnects, "
                "so try again in a day"
            ),
        )
    head = tree_heads.latest_tree_head(session)
    answer: dict[str, Any] = {"reference": reference, "recorded_at": as_utc(row.recorded_at).isoformat()}  # type: ignore[union-attr]
    if head is None or head.tree_size < row.audit_sequence:
        answer["status"] = "awaiting_tree_head"
        answer["next_tree_head"] = {
            "at_event": next_head["at_event"],
            "by_time": next_head["by_time"].isoformat() if next_head["by_time"] else None,
        }
        return answer, False
    event = session.get(AuditEvent, row.audit_sequence)
    leaf, path = tree_heads.inclusion(session, row.audit_sequence, head.tree_size)
    answer.update(
        status="included",
        event=event_record(event),  # type: ignore[arg-type]
        payload=receipt_payload(row.reference, row.commitment),
        inclusion_proof={
            "sequence": row.audit_sequence,
            "tree_size": head.tree_size,
            "leaf_hash": leaf.hex(),
            "path": [p.hex() for p in path],
        },
        signed_tree_head=tree_heads.tree_head_record(head),
    )
    return answer, True
