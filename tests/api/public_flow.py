"""Shared steps of the public-side tests: a screening decided on a kiosk that printed a receipt."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from api.schemas import ReceiptFields
from tests.api.conftest import transaction_body


def screened_with_receipt(
    client: TestClient, kiosk: dict[str, str], outcome: str = "CLEAR_AFTER_CHECK", **overrides: Any
) -> dict[str, Any]:
    """Send a transaction and the officer's decision with a receipt as a kiosk does; the printed receipt (with salt)."""
    body = transaction_body(**overrides)
    sent = client.post("/api/transactions", json=body, headers=kiosk)
    assert sent.status_code == 201, sent.text
    tx = sent.json()
    salt = secrets.token_hex(16)
    fields = ReceiptFields(
        reference=secrets.token_urlsafe(16),
        post_id=tx["post_id"],
        screening_date=datetime.fromisoformat(tx["completed_at"]).astimezone(UTC).date(),
        recommendation=tx["recommendation"],
        outcome=outcome,
    )
    decision = {
        "outcome": outcome,
        "reason_code": None if outcome == "CLEAR" else "DOCUMENT_VERIFIED",
        "decided_at": datetime.now(UTC).isoformat(),
        "officer": "officer",
        "receipt": {"reference": fields.reference, "commitment": fields.commitment(salt)},
    }
    decided = client.post(f"/api/transactions/{tx['id']}/disposition", json=decision, headers=kiosk)
    assert decided.status_code == 201, decided.text
    return {**fields.model_dump(mode="json"), "salt": salt, "transaction_id": tx["id"]}


def printed(receipt: dict[str, Any]) -> dict[str, Any]:
    """What the paper receipt (and its QR code) holds: the fields and the salt, not the centre's ids."""
    return {k: v for k, v in receipt.items() if k != "transaction_id"}
