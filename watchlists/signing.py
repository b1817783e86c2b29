"""Ed25519 keys for snapshot bundles: the centre signs with the private key, kiosks verify with the public one."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from checkpoint.i18n import _, lazy_gettext
from watchlists.errors import SigningKeyError

_KEY_KINDS = {"private": lazy_gettext("private"), "public": lazy_gettext("public")}


def generate_keypair(private_path: Path, public_path: Path) -> Ed25519PublicKey:
    """Create a new key pair as PEM files (private key readable by its owner only); refuses to overwrite."""
    for path in (private_path, public_path):
        if path.exists():
            raise SigningKeyError(
                _("%(path)s exists already") % {"path": path},
                _("Keep the existing key (kiosks trust it), or move it away deliberately before making a new one"),
            )
    key = Ed25519PrivateKey.generate()
    private_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public_path.write_bytes(public_pem(key.public_key()))
    return key.public_key()


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The centre's signing key from a PEM file."""
    key = _load(path, "private", lambda data: serialization.load_pem_private_key(data, password=None))
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(
            _("%(path)s is not an Ed25519 private key") % {"path": path},
            _("Generate one with `checkpoint watchlist keygen`"),
        )
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The public key a kiosk trusts, from a PEM file."""
    key = _load(path, "public", serialization.load_pem_public_key)
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(
            _("%(path)s is not an Ed25519 public key") % {"path": path}, _("Install the centre's snapshot public key")
        )
    return key


def verify(key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    """Whether `signature` is `key`'s signature of `message`."""
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def _load(path: Path, kind: str, parse):
    path = Path(path)
    if not path.is_file():
        raise SigningKeyError(
            _("no %(kind)s snapshot key at %(path)s") % {"kind": _KEY_KINDS[kind], "path": path},
            _(
                "Generate a key pair with `checkpoint watchlist keygen` (centre) or install the centre's public key "
                "(kiosk), or point CHECKPOINT_SNAPSHOT_PRIVATE_KEY / CHECKPOINT_SNAPSHOT_PUBLIC_KEY at it"
            ),
        )
    try:
        return parse(path.read_bytes())
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(
            _("%(path)s is not a readable PEM %(kind)s key (%(reason)s)")
            % {"path": path, "kind": _KEY_KINDS[kind], "reason": exc},
            _("Replace it with the right file"),
        ) from exc
