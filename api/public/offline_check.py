"""What a citizen checks offline with the centre's public key alone: that a receipt is in the chain, and that the
chain only grew between two signed tree heads. Pure functions over the public routes' JSON; each returns the first
problem as a sentence, or None when everything holds."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError

from api.audit import merkle
from api.audit.canonical import event_hash, payload_hash
from api.audit.signing import signed_by
from api.schemas import ReceiptFields

RECEIPT_ACTION = "receipt.commit"


def receipt_problem(receipt: dict[str, Any], proof: dict[str, Any], public_key: Ed25519PublicKey) -> str | None:
    """Is the receipt (its printed fields and `salt`) the leaf `proof` shows in a tree head signed by `public_key`?"""
    fields = {k: v for k, v in receipt.items() if k != "salt"}
    salt = receipt.get("salt")
    try:
        printed = ReceiptFields.model_validate(fields)
    except ValidationError as exc:
        return f"the receipt is not readable: {exc.errors()[0]['msg']} ({'.'.join(map(str, exc.errors()[0]['loc']))})"
    if not isinstance(salt, str) or not salt:
        return "the receipt has no verification code (salt)"
    if proof.get("status") != "included":
        due = proof.get("next_tree_head") or {}
        return f"the receipt is not yet covered by a signed tree head (next one at event {due.get('at_event')})"
    try:
        payload, event = proof["payload"], proof["event"]
        inclusion, head = proof["inclusion_proof"], proof["signed_tree_head"]
        if payload.get("reference") != printed.reference:
            return "the proof is for another reference than the receipt's"
        if payload.get("commitment") != printed.commitment(salt):
            return "the receipt's fields or code do not match the commitment in the chain (something was edited)"
        if event.get("action") != RECEIPT_ACTION or event.get("payload_hash") != payload_hash(payload):
            return "the proof's event is not the receipt's commitment"
        leaf = event_hash(event)
        if not signed_by(public_key, head):
            return "the tree head is not signed by this public key (forged, altered, or another centre's key)"
        if inclusion.get("tree_size") != head["tree_size"] or inclusion.get("sequence") != event["sequence"]:
            return "the inclusion proof is not for this event in this tree head"
        path = [bytes.fromhex(p) for p in inclusion["path"]]
        index = event["sequence"] - 1
        if not merkle.verify_inclusion(
            index, head["tree_size"], bytes.fromhex(leaf), path, bytes.fromhex(head["root_hash"])
        ):
            return "the inclusion proof does not lead to the signed root (the chain or the proof was altered)"
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return f"the proof is incomplete or malformed ({exc!s}): save the whole answer of /public/receipts/<reference>"
    return None


def consistency_problem(
    older: dict[str, Any], newer: dict[str, Any], path_hex: list[str], public_key: Ed25519PublicKey
) -> str | None:
    """Do two signed tree heads and the proof between them show the newer chain extends the older one unchanged?"""
    for head in (older, newer):
        if not signed_by(public_key, head):
            return f"the tree head of size {head.get('tree_size')} is not signed by this public key"
    try:
        first, second = older["tree_size"], newer["tree_size"]
        path = [bytes.fromhex(p) for p in path_hex]
        holds = merkle.verify_consistency(
            first, second, path, bytes.fromhex(older["root_hash"]), bytes.fromhex(newer["root_hash"])
        )
    except (KeyError, TypeError, ValueError) as exc:
        return f"the heads or the proof are malformed ({exc!s})"
    if not holds:
        return f"the chain of {second} events does not extend the chain of {first} events (history was rewritten)"
    return None
