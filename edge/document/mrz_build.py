"""Compose MRZ lines from holder data (the inverse of parsing), computing every check digit per ICAO 9303."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from edge.document.check_digits import check_digit
from edge.document.mrz_formats import FORMATS, MrzFormat


@dataclass(frozen=True)
class MrzIdentity:
    """What goes into an MRZ; names in A-Z and spaces (transliteration is the issuer's job, not ours)."""

    format: str
    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: dt.date
    sex: str
    expiry_date: dt.date
    optional_data: str = ""
    optional_data_2: str = ""


def encode_name(surname: str, given_names: str, width: int) -> str:
    """'ERIKSSON', 'ANNA MARIA' -> 'ERIKSSON<<ANNA<MARIA<<<...' cut to `width` (truncation as Doc 9303 Part 3)."""
    text = surname.strip().replace(" ", "<").replace("-", "<")
    if given_names.strip():
        text += "<<" + given_names.strip().replace(" ", "<").replace("-", "<")
    return text[:width].ljust(width, "<")


def build_mrz(identity: MrzIdentity) -> tuple[str, ...]:
    """The MRZ lines for `identity`; ValueError when a value does not fit its field."""
    layout = FORMATS[identity.format]
    lines = [["<"] * layout.width for _ in range(layout.lines)]
    values = {
        "document_code": identity.document_code,
        "issuing_state": identity.issuing_state,
        "name": encode_name(
            identity.surname, identity.given_names, layout.field("name").span.end - layout.field("name").span.start
        ),
        "document_number": identity.document_number,
        "nationality": identity.nationality,
        "birth_date": identity.birth_date.strftime("%y%m%d"),
        "sex": "<" if identity.sex == "X" else identity.sex,
        "expiry_date": identity.expiry_date.strftime("%y%m%d"),
        "optional_data": identity.optional_data,
        "optional_data_2": identity.optional_data_2,
    }
    for name, value in values.items():
        if not layout.has_field(name):
            continue
        span = layout.field(name).span
        if len(value) > span.end - span.start:
            raise ValueError(f"{name} {value!r} is longer than the {span.end - span.start} characters of {layout.name}")
        lines[span.line][span.start : span.start + len(value)] = list(value)
    _fill_checks(layout, lines)
    return tuple("".join(line) for line in lines)


def _fill_checks(layout: MrzFormat, lines: list[list[str]]) -> None:
    for spec in layout.checks:  # the composite comes last in every layout, after the digits it covers
        data = "".join("".join(lines[s.line][s.start : s.end]) for s in spec.covers)
        digit = "<" if spec.filler_when_empty and set(data) == {"<"} else check_digit(data)
        target = layout.field(spec.digit).span
        lines[target.line][target.start] = digit
