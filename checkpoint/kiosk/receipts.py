"""The traveller's receipt: made on the kiosk when the officer decides (network or not), printed on an 80 mm
thermal printer with a QR code holding what `checkpoint receipt verify` needs of it.

Printed after the officer's decision, so one receipt states both the machine's recommendation and the officer's
outcome, and one leaf in the centre's log commits to both. The reference is random (never a database id); the
salt makes the commitment reveal nothing to anyone without the paper, and is never sent to the centre.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

import segno
from markupsafe import Markup

from api.schemas import Outcome, ReceiptCommitment, ReceiptFields, TransactionCreate
from checkpoint.outbox.store import PrintedReceipt


def new_receipt(transaction: TransactionCreate, outcome: Outcome) -> PrintedReceipt:
    """A fresh receipt for the officer's `outcome` of `transaction`: random reference and salt."""
    fields = ReceiptFields(
        reference=secrets.token_urlsafe(16),
        post_id=transaction.post_id,
        screening_date=transaction.completed_at.astimezone(dt.UTC).date(),
        recommendation=transaction.recommendation,
        outcome=outcome,
    )
    return PrintedReceipt(fields, secrets.token_hex(16))


def commitment_of(receipt: PrintedReceipt) -> ReceiptCommitment:
    """What the disposition carries to the centre: the reference and the salted commitment, not the salt."""
    return ReceiptCommitment(reference=receipt.fields.reference, commitment=receipt.fields.commitment(receipt.salt))


def receipt_json(receipt: PrintedReceipt) -> str:
    """The receipt as `checkpoint receipt verify` reads it (the QR code's text)."""
    return json.dumps({**receipt.fields.model_dump(mode="json"), "salt": receipt.salt}, separators=(",", ":"))


def qr_svg(text: str) -> Markup:
    """`text` as an inline SVG QR code (no script, no image request: the page's CSP allows it as it is)."""
    code = segno.make(text, error="m")
    return Markup(code.svg_inline(scale=3, border=2, dark="#000", title=None))
