"""Dates of birth as watchlists know them: often only a year, or a year and a month (ISO 8601 reduced precision)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from checkpoint.i18n import _

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day; `str()` is ISO 8601 at that precision ("1978-04")."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read "YYYY", "YYYY-MM" or "YYYY-MM-DD"; raise ValueError saying what is wrong otherwise."""
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(_("date %(text)r is not YYYY, YYYY-MM or YYYY-MM-DD") % {"text": text})
        year, month, day = (int(g) if g else None for g in match.groups())
        if not 1850 <= year <= 2200:
            raise ValueError(_("year %(year)s in %(text)r is implausible") % {"year": year, "text": text})
        if month is not None and not 1 <= month <= 12:
            raise ValueError(_("month %(month)s in %(text)r does not exist") % {"month": month, "text": text})
        if day is not None:
            try:
                dt.date(year, month, day)
            except ValueError as exc:  # 31 April: Python's own words are English
                raise ValueError(
                    _("day %(day)s of %(year)04d-%(month)02d does not exist")
                    % {"day": day, "year": year, "month": month}
                ) from exc
        return cls(year, month, day)

    def __str__(self) -> str:
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
            if self.day is not None:
                out += f"-{self.day:02d}"
        return out
