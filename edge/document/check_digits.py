"""The ICAO 9303 Part 3 check digit: weights 7, 3, 1 repeating, digits as themselves, A-Z as 10-35, '<' as 0."""

from __future__ import annotations

WEIGHTS = (7, 3, 1)
MRZ_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")


def char_value(char: str) -> int:
    """The value ICAO 9303 gives one MRZ character; ValueError for anything outside A-Z, 0-9 and '<'."""
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise ValueError(f"{char!r} is not an MRZ character (A-Z, 0-9, '<')")


def check_digit(data: str) -> str:
    """The check digit (as a one-character string) over `data`."""
    return str(sum(char_value(c) * WEIGHTS[i % 3] for i, c in enumerate(data)) % 10)


def holds(data: str, digit: str) -> bool:
    """True when `digit` is the correct check digit for `data`; never raises on OCR garbage."""
    try:
        return check_digit(data) == digit
    except ValueError:
        return False
