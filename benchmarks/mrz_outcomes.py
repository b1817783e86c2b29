"""What one MRZ reading is worth against a page's ground truth: the expected outcome met, or the one cause it failed.

A page expects one of four outcomes (benchmarks/real_like.py OUTCOMES): read (valid, exact), unknown_code (the
lines as printed, reported as a finding with a failed state-code check), invalid_as_printed (not valid, the lines
as printed reported as a finding with the check digit failing) or either_card (two cards: refused, or one of them
read exactly). Old-level pages expect `read`. A refusal is not a finding: "cannot be trusted, rescan" leaves the
officer without the fields. A failure has exactly one cause (CAUSES), so the counts add up to the failures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from edge.document.mrz_parse import parse_mrz

CAUSES = (
    "no_mrz_found",  # nothing MRZ-shaped was located
    "layout_mismatch",  # text was grouped into no ICAO layout, or into another one (stray or lost lines)
    "check_digit_refusal",  # refused because check digits fail on what was read
    "name_disagreement",  # refused because readings disagree, or the OCR doubts, where no check digit protects
    "unknown_code",  # refused a page whose only fault is a state code the ICAO list lacks
    "timeout_budget",  # refused because the reader's time budget ran out
    "wrong_but_valid",  # returned valid, and not what the page says (or a page invalid as printed): the worst
    "other_refusal",  # refused for a reason none of the above names
)


@dataclass(frozen=True)
class Answer:
    """What the reader said about a page, as the benchmark sees it."""

    found: bool  # an MRZ was located (no NoMRZFound)
    valid: bool
    lines: tuple[str, ...] | None  # the MRZ lines returned (None when the text had no MRZ shape)
    reason: str  # the reader's own words: why it refused, or how it accepted
    failed_checks: frozenset[str] = frozenset()  # names of the document checks that failed
    finding: str = ""  # what the reader reports about the document as printed; empty when it only refused


@dataclass(frozen=True)
class Verdict:
    """The expected outcome met (`ok`), else the one cause of the failure."""

    ok: bool
    cause: str | None = None


def expected_outcome_of(lines: tuple[str, ...], today: dt.date) -> str:
    """What a reader should answer to an MRZ printed as `lines`, judged by its check digits and codes alone."""
    parsed = parse_mrz(lines, today)
    if not all(c.ok for c in parsed.checks):
        return "invalid_as_printed"
    if any(p.field in ("issuing_state", "nationality") and "code list" in p.problem for p in parsed.problems):
        return "unknown_code"
    return "read" if parsed.valid else "invalid_as_printed"


def flags_unknown_code(failed_checks: frozenset[str]) -> bool:
    """True when a failed check is about a state code (today 'issuing_state_known', 'nationality_known')."""
    return any("state" in name or "nationality" in name or "code" in name for name in failed_checks)


def flags_check_digits(failed_checks: frozenset[str]) -> bool:
    """True when a failed check is about the check digits (today 'check_digits')."""
    return any("digit" in name for name in failed_checks)


def judge(truth: dict, answer: Answer) -> Verdict:
    """The verdict on `answer` for the page whose ground truth is `truth`."""
    expected = truth.get("expected_outcome", "read")
    printed = tuple(truth["mrz"])
    acceptable = {tuple(lines) for lines in truth.get("acceptable_mrz") or [truth["mrz"]]}
    if answer.valid:
        if expected == "invalid_as_printed" or answer.lines not in acceptable:
            return Verdict(False, "wrong_but_valid")
        if expected == "unknown_code" and not flags_unknown_code(answer.failed_checks):
            return Verdict(False, "wrong_but_valid")  # valid, and the officer is not told the code is unknown
        return Verdict(True)
    if expected == "either_card":
        return Verdict(True)  # refusing a scan of two documents is a right answer
    if not answer.found:
        return Verdict(False, "no_mrz_found")
    as_printed = answer.lines == printed and bool(answer.finding)
    if expected == "invalid_as_printed" and as_printed and flags_check_digits(answer.failed_checks):
        return Verdict(True)
    if expected == "unknown_code" and as_printed and flags_unknown_code(answer.failed_checks):
        return Verdict(True)
    return Verdict(False, refusal_cause(expected, printed, answer))


def refusal_cause(expected: str, printed: tuple[str, ...], answer: Answer) -> str:
    """Why a located MRZ was refused where the page asked for another answer, from the reader's own reason."""
    reason = answer.reason.lower()
    if "budget" in reason or "time limit" in reason or "timed out" in reason:
        return "timeout_budget"
    if answer.lines is None or [len(line) for line in answer.lines] != [len(line) for line in printed]:
        return "layout_mismatch"
    if expected == "unknown_code" and answer.lines == printed:
        return "unknown_code"  # read right, refused only for the code (misread pages fall to the causes below)
    if "name" in reason:
        return "name_disagreement"
    if "check digit" in reason:
        return "check_digit_refusal"
    return "other_refusal"
