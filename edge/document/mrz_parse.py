"""Parse MRZ lines into ICAO 9303 fields and verify every check digit; never guesses, never corrects."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from checkpoint.i18n import gettext, lazy_gettext
from edge.document.check_digits import MRZ_ALPHABET, check_digit, holds
from edge.document.codes import valid_issuer, valid_nationality
from edge.document.errors import InvalidMRZ
from edge.document.mrz_dates import NotADate, birth_date, expiry_date
from edge.document.mrz_formats import TD1, TD2, CharClass, MrzFormat, format_for

ALLOWED_CHARS = {
    CharClass.ALPHA: frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ<"),
    CharClass.NUMERIC: frozenset("0123456789<"),
    CharClass.ALNUM: MRZ_ALPHABET,
    CharClass.SEX: frozenset("MFX<"),
}

# What a field of each kind holds, for a person reading why a field was refused.
KIND_WORDS = {
    CharClass.ALPHA: lazy_gettext("letters"),
    CharClass.NUMERIC: lazy_gettext("digits"),
    CharClass.ALNUM: lazy_gettext("letters and digits"),
    CharClass.SEX: lazy_gettext("sex (M, F, X)"),
}


@dataclass(frozen=True)
class CheckResult:
    """One check digit: what the MRZ says, what the data gives (None when the data holds non-MRZ characters)."""

    name: str
    ok: bool
    found: str
    expected: str | None


@dataclass(frozen=True)
class FieldProblem:
    """A field whose characters cannot be what the layout allows, or a code the ICAO list does not have."""

    field: str
    problem: str
    kind: str = "characters"  # or "unknown_code" (well-formed, not on the list) or "date"


@dataclass(frozen=True)
class MrzFields:
    """The holder and document data the MRZ carries, fillers removed."""

    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    name_truncated: bool
    document_number: str
    nationality: str
    birth_date: dt.date | None
    sex: str  # M, F or X (unspecified: '<' or 'X' in the MRZ)
    expiry_date: dt.date | None
    optional_data: str
    optional_data_2: str = ""


@dataclass(frozen=True)
class ParsedMrz:
    """The outcome of parsing: layout, the lines as read, fields, every check and every field problem."""

    format: str
    lines: tuple[str, ...]
    fields: MrzFields
    checks: tuple[CheckResult, ...]
    problems: tuple[FieldProblem, ...] = field(default=())

    @property
    def valid(self) -> bool:
        """True when every check digit holds, every field has only allowed characters and the codes are known."""
        return all(c.ok for c in self.checks) and not self.problems

    @property
    def failing(self) -> list[str]:
        """Names of failed checks and problem fields, in MRZ order."""
        return [c.name for c in self.checks if not c.ok] + [p.field for p in self.problems]

    @property
    def only_codes_unknown(self) -> bool:
        """True when every check digit holds and the only problem is a well-formed code missing from the list."""
        return (
            all(c.ok for c in self.checks)
            and bool(self.problems)
            and all(p.kind == "unknown_code" for p in self.problems)
        )

    def to_dict(self) -> dict:
        """A JSON-ready view (dates as ISO strings)."""
        out = asdict(self)
        for key in ("birth_date", "expiry_date"):
            value = out["fields"][key]
            out["fields"][key] = value.isoformat() if value else None
        out["valid"] = self.valid
        return out


def normalise_lines(lines: Sequence[str]) -> tuple[str, ...]:
    """Upper-case, drop spaces; the only cleaning applied before parsing."""
    return tuple("".join(line.split()).upper() for line in lines)


def parse_mrz(lines: Sequence[str], today: dt.date) -> ParsedMrz:
    """Parse MRZ `lines` (any of TD1/TD2/TD3/MRV-A/MRV-B); InvalidMRZ only when no layout fits their shape."""
    clean = normalise_lines(lines)
    widths = {len(line) for line in clean}
    layout = format_for(len(clean), widths.pop() if len(widths) == 1 else -1, clean[0][:1] if clean else "")
    if layout is None:
        shape = " + ".join(str(len(line)) for line in clean) or gettext("nothing")
        raise InvalidMRZ(
            gettext("the MRZ has %(count)d line(s) of %(shape)s characters, which is no ICAO 9303 layout")
            % {"count": len(clean), "shape": shape},
            gettext("An MRZ is 3 lines of 30 (ID card), 2 of 36 or 2 of 44 characters: rescan the document"),
        )
    return parse_layout(clean, layout, today)


def parse_layout(lines: tuple[str, ...], layout: MrzFormat, today: dt.date) -> ParsedMrz:
    """Parse lines already known to fit `layout`."""
    raw = {spec.name: spec.span.of(lines) for spec in layout.fields}
    problems = [
        FieldProblem(
            spec.name,
            gettext("holds characters a field of %(kind)s cannot: %(raw)r")
            % {"kind": KIND_WORDS[spec.chars], "raw": raw[spec.name]},
        )
        for spec in layout.fields
        if not set(raw[spec.name]) <= ALLOWED_CHARS[spec.chars]
    ]
    checks = [
        _check(spec.name, raw[spec.digit], "".join(s.of(lines) for s in spec.covers), spec.filler_when_empty)
        for spec in layout.checks
    ]
    document_number, optional_data = raw["document_number"], raw["optional_data"]
    if layout in (TD1, TD2) and raw["document_number_check"] == "<" and optional_data.strip("<"):
        # Doc 9303 Part 5/6: a number longer than 9 characters overflows into the optional data, followed by
        # its check digit; the check digit position holds a filler.
        overflow, _, rest = optional_data.partition("<")
        document_number += overflow[:-1]
        checks[0] = _check("document_number", overflow[-1:], document_number, False)
        optional_data = rest
    for name, known in (("issuing_state", valid_issuer), ("nationality", valid_nationality)):
        if not known(raw[name]) and not any(p.field == name for p in problems):
            problems.append(
                FieldProblem(
                    name, gettext("%(code)r is not in the ICAO 9303 code list") % {"code": raw[name]}, "unknown_code"
                )
            )
    surname, given, truncated = _split_name(raw["name"])
    dates: dict[str, dt.date | None] = {}
    for name, convert in (("birth_date", birth_date), ("expiry_date", expiry_date)):
        try:
            dates[name] = convert(raw[name], today)
        except NotADate as exc:
            dates[name] = None
            if not any(p.field == name for p in problems):
                problems.append(FieldProblem(name, str(exc), "date"))
    fields = MrzFields(
        document_code=raw["document_code"].strip("<"),
        issuing_state=raw["issuing_state"].replace("<", ""),
        surname=surname,
        given_names=given,
        name_truncated=truncated,
        document_number=document_number.replace("<", ""),
        nationality=raw["nationality"].replace("<", ""),
        birth_date=dates["birth_date"],
        sex="X" if raw["sex"] in ("<", "X") else raw["sex"],
        expiry_date=dates["expiry_date"],
        optional_data=optional_data.strip("<"),
        optional_data_2=raw.get("optional_data_2", "").strip("<"),
    )
    return ParsedMrz(layout.name, lines, fields, tuple(checks), tuple(problems))


def _check(name: str, found: str, data: str, filler_when_empty: bool) -> CheckResult:
    if filler_when_empty and set(data) <= {"<"} and found in ("<", "0"):
        return CheckResult(name, True, found, found)
    try:
        expected: str | None = check_digit(data)
    except ValueError:
        expected = None
    return CheckResult(name, holds(data, found), found, expected)


# Doc 9303 Part 3, 4.6: the primary identifier, then two fillers and the secondary identifier when there is one;
# the components of each separated by one filler. (A truncated name may end in any letter.)
NAME_SHAPE = re.compile(r"[A-Z]+(<[A-Z]+)*(<<[A-Z]+(<[A-Z]+)*)?")


# A name with no '<<' (a primary identifier alone) of more parts than this is taken for one whose '<<' was
# misread as a letter ('AN<CYA<TAKOVAZU<MIMIRITI' for 'AN<<YA<TAKOVAZU<MIMIRITI'): a three-part surname with no
# given names is rare enough that refusing it (the officer types it in) costs less than a wrong name.
MAX_PARTS_WITHOUT_SEPARATOR = 2
# The letters the recogniser reads a filler as. A name of no '<<' that would have one were one of these letters
# beside a filler a filler ('CANNA<CNOBE' for 'CANNA<<NOBE': real-like TD3 seed 19, every reading alike) is
# taken for a misread too, for the same reason.
FILLER_MISREADS = "CK"


def well_formed_name(text: str) -> bool:
    """True when the MRZ name field `text` has the ICAO shape PRIMARY<<SECONDARY<NAMES, trailing fillers aside:
    a letter after a second double filler ('SMITH<<ANNA<<<<<<K') is no name an issuer prints, and a name of
    several parts with no '<<', or one where a 'C' or 'K' beside a filler would be one, most likely lost it to a
    misread filler."""
    name = text.rstrip("<")
    if "<<" not in name:
        if name.count("<") + 1 > MAX_PARTS_WITHOUT_SEPARATOR or _lost_separator(name):
            return False
    return NAME_SHAPE.fullmatch(name) is not None


def _lost_separator(name: str) -> bool:
    """True when `name`, of no '<<', gets one with a letter the recogniser reads fillers as, beside a filler,
    read as a filler ('CANNA<CNOBE')."""
    for q, ch in enumerate(name):
        if ch in FILLER_MISREADS and "<" in (name[q - 1 : q], name[q + 1 : q + 2]):
            if NAME_SHAPE.fullmatch(name[:q] + "<" + name[q + 1 :]) is not None:
                return True
    return False


# Issuers print a field's data from its start and pad it with fillers: a character after this many fillers in a
# row is a filler misread ('<<<<<<<K', a visa's last filler read as 'K' at the line's edge) in a field that no
# check digit covers (a visa's optional data).
STRAY_AFTER = 3


def stray_after_fillers(field_text: str) -> bool:
    """True when `field_text` has a character after a run of STRAY_AFTER fillers ('<<<<<<<K', 'AB<<<<C<')."""
    return re.search("<" * STRAY_AFTER + "[^<]", field_text) is not None


def letter_may_follow(name_start: str) -> bool:
    """True when some name an issuer prints begins with `name_start` and then a letter: not after three fillers
    in a row, nor after a second '<<' ('SMITH<<ANNA<<'), where only trailing fillers may follow."""
    return NAME_SHAPE.fullmatch(name_start + "A") is not None


def _split_name(text: str) -> tuple[str, str, bool]:
    """Primary and secondary identifiers split at the first '<<'; a field ending in a letter may be truncated."""
    truncated = not text.endswith("<")
    primary, _, secondary = text.rstrip("<").partition("<<")
    return primary.replace("<", " ").strip(), secondary.replace("<", " ").strip(), truncated
