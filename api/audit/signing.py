"""Ed25519 keys for signed tree heads: made once in the data directory, public half exportable for auditors."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from api.audit.canonical import canonical
from api.errors import AuditKeyUnavailable
from checkpoint.i18n import _

TREE_HEAD_FIELDS = ("tree_size", "root_hash", "timestamp", "key_id")


def load_or_create_private_key(path: Path) -> Ed25519PrivateKey:
    """The signing key at `path`, created (mode 0600) on first use."""
    if path.exists():
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError) as exc:
            raise AuditKeyUnavailable(
                _("the audit signing key %(path)s is not a PEM Ed25519 private key") % {"path": path},
                _("restore it from backup"),
            ) from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise AuditKeyUnavailable(
                _("the audit signing key %(path)s is not Ed25519") % {"path": path}, _("restore it from backup")
            )
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def public_key_pem(key: Ed25519PrivateKey) -> bytes:
    """The public half, as PEM, for auditors."""
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_public_key(path: Path) -> Ed25519PublicKey:
    """An auditor's copy of the public key."""
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise AuditKeyUnavailable(
            _("cannot read an Ed25519 public key from %(path)s") % {"path": path},
            _("pass the PEM file `checkpoint audit export` wrote"),
        ) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise AuditKeyUnavailable(
            _("%(path)s is not an Ed25519 public key") % {"path": path}, _("pass the audit public key")
        )
    return key


def key_id(public: Ed25519PublicKey) -> str:
    """First 16 hex digits of SHA-256 over the raw public key."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign_tree_head(key: Ed25519PrivateKey, head: dict[str, Any]) -> str:
    """Base64 Ed25519 signature over the canonical encoding of the tree head's fields."""
    message = canonical({name: head[name] for name in TREE_HEAD_FIELDS})
    return base64.b64encode(key.sign(message)).decode()


def tree_head_signature_valid(public: Ed25519PublicKey, head: dict[str, Any]) -> bool:
    """Whether `head["signature"]` is a valid signature by `public` over the head's fields."""
    try:
        message = canonical({name: head[name] for name in TREE_HEAD_FIELDS})
        public.verify(base64.b64decode(head["signature"], validate=True), message)
    except (InvalidSignature, KeyError, ValueError, TypeError):
        return False
    return True


def signed_by(public: Ed25519PublicKey, head: dict[str, Any]) -> bool:
    """Whether `head` is signed by `public` and names its key id (a head of another key is not accepted)."""
    return tree_head_signature_valid(public, head) and head.get("key_id") == key_id(public)
