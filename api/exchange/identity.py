"""This centre's exchange identity: the id partners know it by and its own Ed25519 key (not the audit key)."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.audit.signing import load_or_create_private_key, public_key_pem
from api.exchange.errors import ExchangeOff
from checkpoint.i18n import _


@dataclass(frozen=True)
class ExchangeIdentity:
    centre_id: str
    key: Ed25519PrivateKey

    @property
    def public_pem(self) -> str:
        return public_key_pem(self.key).decode()


def exchange_identity(settings) -> ExchangeIdentity | None:  # type: ignore[no-untyped-def]
    """The identity from settings, its key made on first use; None when CHECKPOINT_EXCHANGE_CENTRE_ID is empty."""
    if not settings.exchange_centre_id:
        return None
    return ExchangeIdentity(settings.exchange_centre_id, load_or_create_private_key(settings.exchange_key_path))


def require(identity: ExchangeIdentity | None) -> ExchangeIdentity:
    """The identity, or ExchangeOff."""
    if identity is None:
        raise ExchangeOff(
            _("this centre takes no part in the exchange"),
            _("set CHECKPOINT_EXCHANGE_CENTRE_ID (e.g. MLI) and restart"),
        )
    return identity
