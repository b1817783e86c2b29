"""The signed envelope every exchange message travels in: the canonical JSON of {protocol, sender, timestamp,
nonce, body[, in_reply_to]}, signed with the sender's Ed25519 key. Its SHA-256 is what both audit chains record."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from api.audit.canonical import canonical, sha256_hex
from api.exchange.errors import BadSignature
from checkpoint.i18n import _

PROTOCOL = "checkpoint-exchange/1"


def seal(key: Ed25519PrivateKey, sender: str, body: dict[str, Any], in_reply_to: str | None = None) -> dict[str, Any]:
    """`body` in a fresh envelope (now, a random nonce) with the sender's signature over its canonical bytes."""
    envelope: dict[str, Any] = {
        "protocol": PROTOCOL,
        "sender": sender,
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "nonce": secrets.token_hex(16),
        "body": body,
    }
    if in_reply_to is not None:
        envelope["in_reply_to"] = in_reply_to
    return {"envelope": envelope, "signature": base64.b64encode(key.sign(canonical(envelope))).decode()}


def message_hash(sealed: dict[str, Any]) -> str:
    """SHA-256 of the signed envelope's canonical bytes: how each side names the other's message in its chain."""
    return sha256_hex(canonical(sealed["envelope"]))


def envelope_of(sealed: Any) -> dict[str, Any]:
    """The envelope of a sealed message, or BadSignature when it has not the shape of one (nothing verified yet)."""
    if not isinstance(sealed, dict) or set(sealed) != {"envelope", "signature"}:
        raise BadSignature(_("the request is not a sealed exchange message"), _("send {envelope, signature}"))
    envelope = sealed["envelope"]
    fields = {"protocol", "sender", "timestamp", "nonce", "body"}
    if not isinstance(envelope, dict) or not fields <= set(envelope) or not set(envelope) <= fields | {"in_reply_to"}:
        raise BadSignature(
            _("the envelope lacks protocol, sender, timestamp, nonce or body"), _("seal it as documented")
        )
    if envelope["protocol"] != PROTOCOL or not isinstance(envelope["body"], dict):
        raise BadSignature(
            _("the envelope is not %(protocol)s") % {"protocol": PROTOCOL},
            _("send %(protocol)s messages") % {"protocol": PROTOCOL},
        )
    for name in ("sender", "timestamp", "nonce"):
        if not isinstance(envelope[name], str) or not 0 < len(envelope[name]) <= 64:
            raise BadSignature(
                _("the envelope's %(name)s is not a short string") % {"name": name}, _("seal it as documented")
            )
    return envelope


def verify_sealed(sealed: dict[str, Any], public_key: Ed25519PublicKey) -> None:
    """Raise BadSignature unless the signature is the sender's over the envelope's canonical bytes."""
    try:
        public_key.verify(base64.b64decode(sealed["signature"], validate=True), canonical(sealed["envelope"]))
    except (InvalidSignature, ValueError, TypeError) as exc:
        raise BadSignature(
            _("the signature does not verify with the key registered for this sender"),
            _("sign with the registered key"),
        ) from exc


def signed_at(envelope: dict[str, Any]) -> dt.datetime:
    """The envelope's timestamp as an aware UTC time (BadSignature when it is not one)."""
    try:
        when = dt.datetime.fromisoformat(envelope["timestamp"])
    except ValueError as exc:
        raise BadSignature(
            _("the envelope's timestamp is not an ISO 8601 time"), _("send UTC, e.g. 2026-05-01T10:00:00+00:00")
        ) from exc
    if when.tzinfo is None:
        raise BadSignature(
            _("the envelope's timestamp has no UTC offset"), _("send UTC, e.g. 2026-05-01T10:00:00+00:00")
        )
    return when.astimezone(dt.UTC)


def public_key_from_pem(pem: str) -> Ed25519PublicKey:
    """A partner's public key from its PEM text; ValueError when it is not an Ed25519 public key."""
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key
