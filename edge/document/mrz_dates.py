"""MRZ dates (YYMMDD) to calendar dates with the century rule: births in the past, expiries in a window around today."""

from __future__ import annotations

import datetime as dt

from checkpoint.i18n import gettext

# An expiry more than this many years ahead is read as last century ('96' in 2026 is 1996, not 2096).
EXPIRY_YEARS_AHEAD = 50


class NotADate(ValueError):
    """The six characters are digits but not a day of the calendar (month 13, 30 February...)."""


def _split(raw: str) -> tuple[int, int, int] | None:
    if "<" in raw:
        return None  # ICAO 9303 allows fillers for unknown parts of a birth date
    if len(raw) != 6 or not raw.isdigit():
        raise NotADate(gettext("%(raw)r is not six digits") % {"raw": raw})
    return int(raw[:2]), int(raw[2:4]), int(raw[4:])


def _make(year: int, month: int, day: int, raw: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise NotADate(gettext("%(raw)r is not a calendar date") % {"raw": raw}) from exc


def birth_date(raw: str, today: dt.date) -> dt.date | None:
    """The latest date with these YYMMDD digits that is not after `today`; None when parts are unknown ('<')."""
    parts = _split(raw)
    if parts is None:
        return None
    yy, month, day = parts
    candidate = _make(2000 + yy, month, day, raw)
    return candidate if candidate <= today else _make(1900 + yy, month, day, raw)


def expiry_date(raw: str, today: dt.date) -> dt.date | None:
    """20YY unless that lies more than EXPIRY_YEARS_AHEAD years after `today`, then 19YY; None for fillers."""
    parts = _split(raw)
    if parts is None:
        return None
    yy, month, day = parts
    year = 2000 + yy if 2000 + yy <= today.year + EXPIRY_YEARS_AHEAD else 1900 + yy
    return _make(year, month, day, raw)
