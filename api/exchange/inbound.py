"""Checking a partner's signed request before anything is done with it: known sender, genuine signature, fresh,
not replayed; and recording a refusal in the chain (who claimed to send what, and why it was refused)."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from api.audit.chain import Actor
from api.audit.trail import AuditTrail
from api.errors import ApiError, InvalidInput
from api.exchange.envelope import envelope_of, message_hash, public_key_from_pem, verify_sealed
from api.exchange.models import ExchangePartner
from api.exchange.partners import active_partner
from api.exchange.replay import accept_once
from checkpoint.i18n import _


def partner_actor(partner_id: str) -> Actor:
    """How a partner appears in our chain."""
    return Actor(f"partner:{partner_id}"[:64], "partner")


def authenticate(session: Session, sealed: Any, window: dt.timedelta) -> tuple[dict[str, Any], ExchangePartner]:
    """The verified envelope and its sender, or the refusal (UnknownPartner, BadSignature, Stale/ReplayedRequest)."""
    envelope = envelope_of(sealed)
    partner = active_partner(session, envelope["sender"])
    verify_sealed(sealed, public_key_from_pem(partner.public_key_pem))
    accept_once(session, envelope, window, dt.datetime.now(dt.UTC))
    return envelope, partner


Body = TypeVar("Body", bound=BaseModel)


def body_as(model: type[Body], envelope: dict[str, Any]) -> Body:
    """The envelope's body as `model`, or InvalidInput naming the first problem."""
    try:
        return model.model_validate(envelope["body"])
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidInput(
            _("the signed body is not a valid %(name)s (%(where)s: %(first)s)")
            % {"name": model.__name__, "where": where, "first": first["msg"]},
            _("fix the body"),
        ) from exc


def record_refusal(session: Session, trail: AuditTrail, action: str, sealed: Any, refusal: ApiError) -> None:
    """Commit a refusal event (the nonce of a genuine request stays recorded with it, so it cannot be replayed)."""
    envelope = sealed.get("envelope") if isinstance(sealed, dict) else None
    claimed = envelope.get("sender") if isinstance(envelope, dict) else None
    sender = claimed if isinstance(claimed, str) else "unknown"
    try:
        request_hash: str | None = message_hash(sealed)
    except (KeyError, TypeError, ValueError):
        request_hash = None
    payload = {
        "claimed_sender": sender[:64],
        "code": refusal.code,
        "problem": refusal.problem,
        "request_hash": request_hash,
    }
    trail.record(session, partner_actor(sender), action, f"partner:{sender[:16]}", payload)
    session.commit()
