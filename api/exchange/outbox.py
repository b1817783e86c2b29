"""The centre's exchange outbox: queries queued for partners (from screenings, or not delivered at once) are sent
again with backoff, in the background, so a partner that is down never holds up anything else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel import Session

from api.audit.chain import SYSTEM
from api.exchange.asking import deliver, due_queries

OUTBOX_SECONDS = 5.0


def deliver_due(app: Any) -> int:
    """Send every query whose next attempt is due; returns how many were tried."""
    exchange = app.state.exchange
    with Session(app.state.engine, expire_on_commit=False) as session:
        rows = due_queries(session, dt.datetime.now(dt.UTC))
        for row in rows:
            deliver(session, app.state.trail, exchange.me, exchange.client, row, SYSTEM)
    return len(rows)


async def exchange_outbox_loop(app: Any, every: Callable[[float, str, Callable[[], Any]], Awaitable[None]]) -> None:
    """Run `deliver_due` every few seconds until cancelled (a failed round is logged and retried)."""
    await every(OUTBOX_SECONDS, "exchange outbox", lambda: deliver_due(app))
