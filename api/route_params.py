"""Bounded path and query parameters the routes share: every number fits the column it is compared with."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from api.schemas import MAX_STORED_INT

RowId = Annotated[int, Path(ge=1, le=MAX_STORED_INT, description="a stored row's id")]
# "after", "offset" and "newer_than" count from 0 (nothing yet) up to what the database can number.
Position = Annotated[int, Query(ge=0, le=MAX_STORED_INT)]
# An audit sequence number or tree size (the first event is 1).
SequenceNumber = Annotated[int, Query(ge=1, le=MAX_STORED_INT)]
# Free-text filters match stored names (kiosk and post ids, usernames, audit actions), none longer than this.
NameFilter = Annotated[str | None, Query(max_length=100)]
# A name in the path (a watchlist, a user, a report file): the longest stored one is 200 characters.
PathName = Annotated[str, Path(min_length=1, max_length=200)]
