"""Lost and stolen travel documents: number normalisation, ICAO 9303 check digits, and the exact-match screen.

A document matches a list entry only on (issuing state, normalised number): no fuzzy matching, because a
one-character difference is another document. The ICAO 9303 check digit (edge/document/check_digits.py)
guards the number read from an MRZ: when a check digit is given and does not fit the number, the screen says
so instead of quietly answering "not listed", because a misread or altered number would otherwise slip past.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np

from checkpoint.i18n import _
from edge.document import check_digits

_SEPARATORS = re.compile(r"[\s\-./<]+")
_VALID = re.compile(r"^[A-Z0-9]+$")


def normalise_number(number: str) -> str:
    """Upper case, without spaces, hyphens, dots, slashes or MRZ fillers: the form lists and MRZs are compared in."""
    return _SEPARATORS.sub("", number.upper())


def normalise_state(code: str) -> str:
    """ICAO issuing-state code as printed in an MRZ (upper case, fillers and spaces removed)."""
    return normalise_number(code)


def is_plausible_number(normalised: str) -> bool:
    """Only letters and digits remain after normalisation (anything else was not a document number)."""
    return bool(_VALID.match(normalised))


def icao_check_digit(field_text: str) -> str:
    """The ICAO 9303 check digit of an MRZ field (edge.document's 7-3-1 implementation, upper-cased input)."""
    return check_digits.check_digit(field_text.upper())


def mrz_number_field(normalised: str) -> str:
    """The text the check digit covers: the 9-character MRZ field padded with '<', or, for a longer number
    (continued in the optional data of TD1/TD3), the whole number."""
    return normalised if len(normalised) > 9 else normalised.ljust(9, "<")


def check_digit_fits(normalised: str, digit: str) -> bool:
    """Whether `digit` is the ICAO 9303 check digit of the number's MRZ field."""
    return check_digits.holds(mrz_number_field(normalised), digit.strip())


@dataclass(frozen=True)
class ListedDocument:
    """One active lost/stolen entry as a kiosk holds it (from a snapshot or the database)."""

    entry_id: str
    issuing_state: str
    number_normalised: str
    doc_type: str
    reported_on: dt.date
    review_by: dt.date
    watchlist: str
    reason: str


@dataclass(frozen=True)
class DocumentScreen:
    """Outcome of screening one document: listed entries hit, and flags an officer must see."""

    issuing_state: str
    number_normalised: str
    hits: list[ListedDocument] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # e.g. the check digit does not fit

    @property
    def listed(self) -> bool:
        return bool(self.hits)

    @property
    def needs_attention(self) -> bool:
        return bool(self.hits or self.flags)


class DocumentList:
    """The lost/stolen documents a kiosk screens against, keyed for exact lookup."""

    def __init__(self, entries: list[ListedDocument]) -> None:
        self._by_key: dict[tuple[str, str], list[ListedDocument]] = {}
        for entry in entries:
            self._by_key.setdefault((entry.issuing_state, entry.number_normalised), []).append(entry)
        self.size = len(entries)
        self._review_days = np.array([e.review_by.toordinal() for e in entries], np.int64)

    def in_force(self, today: dt.date) -> int:
        """How many entries are matched on `today` (the others are past their review date)."""
        return int((self._review_days >= today.toordinal()).sum())

    def screen(
        self, issuing_state: str, number: str, check_digit: str | None = None, today: dt.date | None = None
    ) -> DocumentScreen:
        """Exact lookup of (issuing state, normalised number); a wrong check digit is flagged, entries past
        their review date are ignored."""
        today = today or dt.date.today()
        state = normalise_state(issuing_state)
        normalised = normalise_number(number)
        flags = []
        if not is_plausible_number(normalised):
            flags.append(_("document number holds characters other than letters and digits: check it by hand"))
        elif check_digit is not None and check_digit.strip() not in ("", "<"):
            if not check_digit.strip().isdigit() or not check_digit_fits(normalised, check_digit):
                flags.append(
                    _(
                        "document number check digit %(digit)r does not fit the number (expected %(expected)s): "
                        "misread or altered, check by hand"
                    )
                    % {"digit": check_digit.strip(), "expected": icao_check_digit(mrz_number_field(normalised))}
                )
        hits = [e for e in self._by_key.get((state, normalised), []) if e.review_by >= today]
        return DocumentScreen(state, normalised, hits, flags)
