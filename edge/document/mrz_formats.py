"""The five ICAO 9303 MRZ layouts as data: where each field sits, what characters it may hold, what checks it.

Positions are 0-based [start, end) on a line. Sources: Doc 9303 Part 4 (TD3 passports), Part 5 (TD1 cards),
Part 6 (TD2), Part 7 (MRV-A / MRV-B visas).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CharClass(StrEnum):
    """What a field may contain; the OCR repair maps look-alike characters only between these classes."""

    ALPHA = "alpha"  # A-Z and '<' (codes, names)
    NUMERIC = "numeric"  # 0-9 and '<' (dates, check digits)
    ALNUM = "alnum"  # A-Z, 0-9, '<' (document numbers, optional data): never repaired, too ambiguous
    SEX = "sex"  # M, F, X or '<'


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of MRZ line `line` (all 0-based)."""

    line: int
    start: int
    end: int

    def of(self, lines: tuple[str, ...] | list[str]) -> str:
        """The text this span covers in `lines`."""
        return lines[self.line][self.start : self.end]


@dataclass(frozen=True)
class FieldSpec:
    """One MRZ field: name, place, allowed characters."""

    name: str
    span: Span
    chars: CharClass


@dataclass(frozen=True)
class CheckSpec:
    """One check digit: the field holding it and the spans it covers (several for the composite)."""

    name: str
    digit: str  # name of the FieldSpec holding the digit
    covers: tuple[Span, ...]
    filler_when_empty: bool = False  # TD3 personal number: '<' (or 0) when the field is all fillers


@dataclass(frozen=True)
class MrzFormat:
    """A layout: how many lines of what width, its fields and its check digits."""

    name: str
    lines: int
    width: int
    fields: tuple[FieldSpec, ...]
    checks: tuple[CheckSpec, ...]

    def field(self, name: str) -> FieldSpec:
        """The field called `name`; KeyError if this layout has none."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.name} has no field {name!r}")

    def unchecked_fields(self) -> tuple[FieldSpec, ...]:
        """Fields no check digit covers (names, codes, sex; a visa's optional data): OCR errors there go unseen."""
        digits = {spec.digit for spec in self.checks}
        covered = {(s.line, p) for spec in self.checks for s in spec.covers for p in range(s.start, s.end)}
        return tuple(
            f
            for f in self.fields
            if f.name not in digits and not any((f.span.line, p) in covered for p in range(f.span.start, f.span.end))
        )

    def has_field(self, name: str) -> bool:
        """True when this layout has a field called `name`."""
        return any(spec.name == name for spec in self.fields)


A, N, X, S = CharClass.ALPHA, CharClass.NUMERIC, CharClass.ALNUM, CharClass.SEX


def _f(name: str, line: int, start: int, end: int, chars: CharClass) -> FieldSpec:
    return FieldSpec(name, Span(line, start, end), chars)


def _two_line(name: str, width: int, *, visa: bool) -> MrzFormat:
    """TD2, TD3, MRV-A and MRV-B share line 2 up to the expiry check digit; only the tail differs."""
    fields = [
        _f("document_code", 0, 0, 2, A),
        _f("issuing_state", 0, 2, 5, A),
        _f("name", 0, 5, width, A),
        _f("document_number", 1, 0, 9, X),
        _f("document_number_check", 1, 9, 10, N),
        _f("nationality", 1, 10, 13, A),
        _f("birth_date", 1, 13, 19, N),
        _f("birth_date_check", 1, 19, 20, N),
        _f("sex", 1, 20, 21, S),
        _f("expiry_date", 1, 21, 27, N),
        _f("expiry_date_check", 1, 27, 28, N),
    ]
    checks = [
        CheckSpec("document_number", "document_number_check", (Span(1, 0, 9),)),
        CheckSpec("birth_date", "birth_date_check", (Span(1, 13, 19),)),
        CheckSpec("expiry_date", "expiry_date_check", (Span(1, 21, 27),)),
    ]
    if visa:
        fields.append(_f("optional_data", 1, 28, width, X))
    elif width == 44:  # TD3: personal number with its own check digit, then the composite
        fields += [
            _f("optional_data", 1, 28, 42, X),
            _f("optional_data_check", 1, 42, 43, N),
            _f("composite_check", 1, 43, 44, N),
        ]
        checks += [
            CheckSpec("optional_data", "optional_data_check", (Span(1, 28, 42),), filler_when_empty=True),
            CheckSpec("composite", "composite_check", (Span(1, 0, 10), Span(1, 13, 20), Span(1, 21, 43))),
        ]
    else:  # TD2
        fields += [_f("optional_data", 1, 28, 35, X), _f("composite_check", 1, 35, 36, N)]
        checks.append(CheckSpec("composite", "composite_check", (Span(1, 0, 10), Span(1, 13, 20), Span(1, 21, 35))))
    return MrzFormat(name, 2, width, tuple(fields), tuple(checks))


TD1 = MrzFormat(
    "TD1",
    3,
    30,
    (
        _f("document_code", 0, 0, 2, A),
        _f("issuing_state", 0, 2, 5, A),
        _f("document_number", 0, 5, 14, X),
        _f("document_number_check", 0, 14, 15, N),
        _f("optional_data", 0, 15, 30, X),
        _f("birth_date", 1, 0, 6, N),
        _f("birth_date_check", 1, 6, 7, N),
        _f("sex", 1, 7, 8, S),
        _f("expiry_date", 1, 8, 14, N),
        _f("expiry_date_check", 1, 14, 15, N),
        _f("nationality", 1, 15, 18, A),
        _f("optional_data_2", 1, 18, 29, X),
        _f("composite_check", 1, 29, 30, N),
        _f("name", 2, 0, 30, A),
    ),
    (
        CheckSpec("document_number", "document_number_check", (Span(0, 5, 14),)),
        CheckSpec("birth_date", "birth_date_check", (Span(1, 0, 6),)),
        CheckSpec("expiry_date", "expiry_date_check", (Span(1, 8, 14),)),
        CheckSpec("composite", "composite_check", (Span(0, 5, 30), Span(1, 0, 7), Span(1, 8, 15), Span(1, 18, 29))),
    ),
)
TD2 = _two_line("TD2", 36, visa=False)
TD3 = _two_line("TD3", 44, visa=False)
MRV_A = _two_line("MRV-A", 44, visa=True)
MRV_B = _two_line("MRV-B", 36, visa=True)
FORMATS = {f.name: f for f in (TD1, TD2, TD3, MRV_A, MRV_B)}


def format_for(line_count: int, width: int, first_char: str) -> MrzFormat | None:
    """The layout a block of `line_count` lines of `width` characters has; visas start with 'V'."""
    if line_count == 3 and width == 30:
        return TD1
    if line_count == 2 and width in (36, 44):
        if first_char == "V":
            return MRV_A if width == 44 else MRV_B
        return TD3 if width == 44 else TD2
    return None
