"""What the exchange needs per process, built once from settings: identity, search, partner client, replay window."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from api.exchange.client import PartnerClient
from api.exchange.identity import ExchangeIdentity, exchange_identity, require
from api.exchange.search import WatchlistSearch


@dataclass
class ExchangeContext:
    identity: ExchangeIdentity | None
    search: WatchlistSearch
    client: PartnerClient
    window: dt.timedelta

    @property
    def me(self) -> ExchangeIdentity:
        """Our identity, or ExchangeOff."""
        return require(self.identity)


def exchange_context(settings, watchlist_engine: Engine | None) -> ExchangeContext:  # type: ignore[no-untyped-def]
    """The context of `settings`; faces, names and documents are searched in `watchlist_engine`'s lists
    (None: in the central database, through each request's session)."""
    return ExchangeContext(
        identity=exchange_identity(settings),
        search=WatchlistSearch(watchlist_engine, [settings.calibration_dir], settings.watchlists_name_cutoff),
        client=PartnerClient(settings.exchange_timeout_seconds),
        window=dt.timedelta(seconds=settings.exchange_clock_skew_seconds),
    )
