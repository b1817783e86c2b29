"""Replay refusal: a signed request must be recent, and its nonce new for its sender within the window."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from api.exchange.envelope import signed_at
from api.exchange.errors import ReplayedRequest, StaleRequest
from api.exchange.models import ExchangeNonce
from checkpoint.i18n import _


def accept_once(session: Session, envelope: dict[str, Any], window: dt.timedelta, now: dt.datetime) -> None:
    """Record the envelope's nonce, refusing a timestamp outside `window` of now or a nonce already seen.

    Nonces older than twice the window are forgotten: a request that old is refused by its timestamp anyway.
    """
    when = signed_at(envelope)
    if abs(now - when) > window:
        raise StaleRequest(
            _("the request was signed at %(signed_at)s, more than %(window)s s from now")
            % {"signed_at": when.isoformat(), "window": int(window.total_seconds())},
            _("check both centres' clocks and sign a fresh request"),
        )
    session.exec(delete(ExchangeNonce).where(col(ExchangeNonce.seen_at) < now - 2 * window))  # type: ignore[call-overload]
    sender, nonce = envelope["sender"], envelope["nonce"]
    seen = session.exec(select(ExchangeNonce).where(ExchangeNonce.sender == sender, ExchangeNonce.nonce == nonce))
    if seen.first() is not None:
        raise ReplayedRequest(
            _("nonce %(nonce)s from %(sender)s was already used") % {"nonce": nonce, "sender": sender},
            _("sign a fresh request"),
        )
    try:
        with session.begin_nested():  # the same request racing itself: the loser is a replay, not a 500
            session.add(ExchangeNonce(sender=sender, nonce=nonce, seen_at=now))
    except IntegrityError as exc:
        raise ReplayedRequest(
            _("nonce %(nonce)s from %(sender)s was already used") % {"nonce": nonce, "sender": sender},
            _("sign a fresh request"),
        ) from exc
