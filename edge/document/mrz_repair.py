"""Field-aware repair of OCR'd MRZ lines, accepted only when every check digit then holds.

OCR confuses look-alike characters (O/0, I/1, B/8, S/5, Z/2, G/6) and miscounts runs of fillers. Knowing
which field each position belongs to, a letter in a date can only be a digit and a digit in a name only a
letter: those repairs are forced. Unforced changes (resizing a filler run inside a line, swapping O/0, I/1...
in a document number) are tried only as candidates; a candidate is accepted when it passes every check digit and
no other candidate comes close. Given the OCR's probabilities, a change costs how much less likely the OCR found
the new character (log10 of the ratio); given text alone, one per change. A rival within MARGIN of the cheapest
means the read is ambiguous, and it is refused rather than "corrected" into somebody else's document.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from checkpoint.i18n import gettext
from edge.document.check_digits import MRZ_ALPHABET
from edge.document.field_names import field_label, field_list
from edge.document.mrz_formats import CharClass, MrzFormat, format_for
from edge.document.mrz_parse import ParsedMrz, normalise_lines, parse_layout

TO_DIGIT = {"O": "0", "I": "1", "B": "8", "S": "5", "Z": "2", "G": "6"}
TO_LETTER = {digit: letter for letter, digit in TO_DIGIT.items()}
# Characters OCR engines print for the MRZ filler.
FILLER_LOOKALIKES = {"«": "<", "‹": "<", "〈": "<", "く": "<", "＜": "<"}
MAX_LENGTH_FIX = 2  # at most this many fillers added or removed per line
MAX_SWAPS = 2  # look-alike swaps tried together in alphanumeric fields (each one is an unforced change)
SWAPS = {**TO_DIGIT, **TO_LETTER}
MAX_O_ZERO = 6  # O/0 positions read both ways (2**6 readings); beyond that the reading is taken as it is
# An OCR acceptance rule, not a biometric threshold: a valid reading is accepted only when every other valid
# reading costs at least MARGIN more (one more unforced change; or, with probabilities, 10x less likely). On the
# generated pages (benchmarks/mrz_bench.py) an O read as 0 has its twin at ~1e-2, a 0 read as 0 at ~1e-3.
MARGIN = 1.0
MIN_PROBABILITY = 1e-4  # the OCR's probabilities below this carry no information: a change costs at most 4
# A repair may only undo a confusion the recogniser considered: an unforced change needs the OCR to have given the
# new character at least this probability. The recogniser's own O/0 twins sit at 5e-4..1e-2 (it cannot tell
# them apart, see glyph_height); a twin the height measurement ruled out is left at 1e-4, a character the model
# never saw at 0. Below this a check digit that fails is how the document is printed, not how it was read.
MIN_CONSIDERED = 1e-3
# Every character a failing check covers read at least this sure (after the height measurement): the check
# digit fails as printed, a finding the officer must see, not an OCR doubt to rescan for.
PRINTED_CONFIDENCE = 0.9
FAILS_AS_PRINTED = "check_digit_fails_as_printed"
UNKNOWN_STATE_CODE = "unknown_state_code"
LOOKALIKE_SWAP = "look-alike in an alphanumeric field"  # the reason of an unforced swap other than O/0


@dataclass(frozen=True)
class Repair:
    """One change to the OCR text: where (line, position after length fixes, field), what to what, and why."""

    line: int
    position: int
    field: str
    read: str
    now: str
    reason: str


@dataclass(frozen=True)
class RepairOutcome:
    """What repair made of the OCR lines: the parse to report, the repairs in it, and whether to trust it."""

    parsed: ParsedMrz | None
    repairs: tuple[Repair, ...]
    accepted: bool
    candidates_valid: int  # distinct readings passing every check with the fewest unforced changes (1 if accepted)
    reason: str
    cost: float = 0.0  # unforced changes in the reading returned (log10 odds against it, with probabilities)
    lead: float | None = None  # how much costlier the next valid reading is (None: no other passes)
    # What an officer must see in a reading that is not accepted but is read as printed: FAILS_AS_PRINTED or
    # UNKNOWN_STATE_CODE (every check digit holds, a well-formed code is not on the list); "" otherwise.
    finding: str = ""

    def to_dict(self) -> dict:
        """JSON-ready summary."""
        return {
            "accepted": self.accepted,
            "reason": self.reason,
            "candidates_valid": self.candidates_valid,
            "cost": round(self.cost, 2),
            "lead": None if self.lead is None else round(self.lead, 2),
            "finding": self.finding,
            "repairs": [r.__dict__ for r in self.repairs],
        }


def repair_mrz(
    lines: Sequence[str],
    today: dt.date,
    alternatives: Sequence[Sequence[frozenset[str]]] | None = None,
    probabilities: Sequence[Sequence[Mapping[str, float]]] | None = None,
) -> RepairOutcome:
    """Repair OCR'd MRZ `lines`; accepted only when one repaired reading passes every check digit, clearly ahead.

    `alternatives` (per line, per character: other characters the OCR found plausible there) limits the
    swaps tried in alphanumeric fields to what the OCR saw; without it every look-alike pair is tried.
    `probabilities` (per line, per character: the OCR's probability of the character read and of its rivals)
    prices each unforced change by how much less likely the OCR found it; without it each costs one.
    """
    if alternatives is not None and any(len(a) != len(t) for a, t in zip(alternatives, lines, strict=True)):
        alternatives = None  # spaces or odd characters made the two disagree: fall back to look-alikes
    if probabilities is not None and any(len(a) != len(t) for a, t in zip(probabilities, lines, strict=True)):
        probabilities = None
    clean, filler_repairs = _replace_filler_lookalikes(normalise_lines(lines))
    layout = _guess_layout(clean)
    if layout is None:
        shape = " + ".join(str(len(line)) for line in clean) or "0"
        return RepairOutcome(
            None, (), False, 0, gettext("no ICAO 9303 layout has %(shape)s characters") % {"shape": shape}
        )
    clean, gap_repairs = _fill_skipped_fillers(clean, name_line=2 if layout.lines == 3 else 0)
    filler_repairs += gap_repairs
    primary: tuple[tuple[str, ...], list[Repair], dict | None] | None = None
    valid: dict[tuple[str, ...], tuple[int, ParsedMrz, list[Repair]]] = {}
    unknown_code: dict[tuple[str, ...], tuple[int, ParsedMrz, list[Repair]]] = {}
    for fixed, length_repairs, length_cost, origin in _length_variants(clean, layout):
        typed, type_repairs = _repair_types(fixed, layout)
        options = _swap_options(typed, origin, alternatives)
        odds = _swap_options(typed, origin, probabilities)
        if primary is None:
            primary = (typed, filler_repairs + length_repairs + type_repairs, odds)
        for swapped, swap_repairs, swap_cost in _alnum_variants(typed, layout, options):
            if odds is not None:
                if any(odds.get((r.line, r.position), {}).get(r.now, 0.0) < MIN_CONSIDERED for r in swap_repairs):
                    continue  # a change the recogniser never considered would rewrite what is printed
                swap_cost = sum(_change_cost(odds.get((r.line, r.position), {}), r.read, r.now) for r in swap_repairs)
            cost = length_cost + swap_cost
            parsed = parse_layout(swapped, layout, today)
            kept = valid if parsed.valid else unknown_code if parsed.only_codes_unknown else None
            if kept is not None and (swapped not in kept or cost < kept[swapped][0]):
                kept[swapped] = (cost, parsed, filler_repairs + length_repairs + type_repairs + swap_repairs)
    if primary is None:  # a line too long by characters that are not fillers: nothing to cut safely
        shape = " + ".join(str(len(line)) for line in clean)
        reason = gettext("a line is too long for %(layout)s (%(shape)s) by more than fillers") % {
            "layout": layout.name,
            "shape": shape,
        }
        return RepairOutcome(None, (), False, 0, reason)
    cheapest = min((cost for cost, _, _ in valid.values()), default=0)
    best = [(parsed, repairs) for cost, parsed, repairs in valid.values() if cost < cheapest + MARGIN]
    if len(best) == 1:
        parsed, repairs = best[0]
        reason = (
            gettext("read as printed")
            if not repairs
            else gettext("%(count)d repair(s), every check digit holds") % {"count": len(repairs)}
        )
        rivals = sorted(cost for cost, _, _ in valid.values())[1:2]
        lead = rivals[0] - cheapest if rivals else None
        return RepairOutcome(parsed, tuple(repairs), True, 1, reason, cheapest, lead)
    if not valid:
        cheapest = min((cost for cost, _, _ in unknown_code.values()), default=0)
        coded = [(cost, parsed, repairs) for cost, parsed, repairs in unknown_code.values() if cost < cheapest + MARGIN]
        if len(coded) == 1:
            cost, parsed, repairs = coded[0]
            codes = ", ".join(f"{field_label(p.field)} {p.problem}" for p in parsed.problems)
            reason = gettext("every check digit holds but a state code is unknown: %(codes)s") % {"codes": codes}
            return RepairOutcome(parsed, tuple(repairs), False, 0, reason, cost, None, UNKNOWN_STATE_CODE)
    parsed = parse_layout(primary[0], layout, today)
    if best:
        reason = gettext(
            "%(count)d different readings pass every check digit, none clearly likelier: ambiguous, refused"
        ) % {"count": len(best)}
    elif _fails_as_printed(parsed, layout, primary[2]):
        failing = field_list(c.name for c in parsed.checks if not c.ok)
        reason = gettext("check digit fails as printed: %(fields)s (every character it covers read clearly)") % {
            "fields": failing
        }
        return RepairOutcome(parsed, tuple(primary[1]), False, 0, reason, finding=FAILS_AS_PRINTED)
    else:
        failing_checks = [c.name for c in parsed.checks if not c.ok]
        reason = "; ".join(
            part
            for part in (
                gettext("check digits fail: %(fields)s") % {"fields": field_list(failing_checks)}
                if failing_checks
                else "",
                gettext("unreadable or impossible: %(fields)s")
                % {"fields": field_list(p.field for p in parsed.problems)}
                if parsed.problems
                else "",
            )
            if part
        )
    return RepairOutcome(parsed, tuple(primary[1]), False, len(best), reason)


def as_printed(outcome: RepairOutcome, undo: Sequence[Repair], today: dt.date, why: str) -> RepairOutcome | None:
    """`outcome`'s MRZ with the repairs in `undo` reverted, returned as the document prints it: not accepted, with
    the finding FAILS_AS_PRINTED. None when that MRZ passes every check (nothing to report) or holds characters
    its fields cannot (then it is an unreadable MRZ, not a finding).

    The readers' evidence decides when a reading is how the document is printed (`why` says which evidence):
    e.g. every reading saw a 'Z' where only a '2' makes the check digit hold. Such a swap is exactly the repair
    that would turn a document invalid as printed into a valid one, which must never happen.
    """
    if outcome.parsed is None:
        return None
    rows = [list(line) for line in outcome.parsed.lines]
    for r in undo:
        rows[r.line][r.position] = r.read
    lines = tuple("".join(row) for row in rows)
    layout = format_for(len(lines), len(lines[0]), lines[0][0])
    if layout is None:
        return None
    parsed = parse_layout(lines, layout, today)
    if all(c.ok for c in parsed.checks) or any(p.kind == "characters" for p in parsed.problems):
        return None
    failing = field_list(c.name for c in parsed.checks if not c.ok)
    kept = tuple(r for r in outcome.repairs if r not in undo)
    reason = gettext("check digit fails as printed: %(fields)s (%(why)s)") % {"fields": failing, "why": why}
    return RepairOutcome(parsed, kept, False, 0, reason, finding=FAILS_AS_PRINTED)


def _fails_as_printed(parsed: ParsedMrz, layout: MrzFormat, odds: dict | None) -> bool:
    """True when a check digit fails on characters the OCR read clearly (every one it covers, and the digit),
    every field holds characters it may: the document is printed so. Without the OCR's probabilities, never."""
    failing = [spec for spec, check in zip(layout.checks, parsed.checks, strict=True) if not check.ok]
    if odds is None or not failing or any(p.kind == "characters" for p in parsed.problems):
        return False
    spans = [span for spec in failing for span in (*spec.covers, layout.field(spec.digit).span)]
    return all(
        odds.get((span.line, p), {}).get(span.of(parsed.lines)[p - span.start], 0.0) >= PRINTED_CONFIDENCE
        for span in spans
        for p in range(span.start, span.end)
    )


def _replace_filler_lookalikes(lines: tuple[str, ...]) -> tuple[tuple[str, ...], list[Repair]]:
    """'«', 'く' and the like are how OCR engines print the filler; they are nothing else in an MRZ."""
    repairs = []
    out = []
    for i, line in enumerate(lines):
        chars = list(line)
        for j, ch in enumerate(chars):
            if ch in FILLER_LOOKALIKES:
                repairs.append(Repair(i, j, "filler", ch, "<", "filler look-alike"))
                chars[j] = "<"
        out.append("".join(chars))
    return tuple(out), repairs


def _fill_skipped_fillers(lines: tuple[str, ...], name_line: int) -> tuple[tuple[str, ...], list[Repair]]:
    """A skipped character ('?', see mrz_align) becomes '<' only where nothing else can stand: inside a run
    of fillers, and on the name line (which no check digit covers) only in the trailing run."""
    out, repairs = [], []
    for i, line in enumerate(lines):
        chars = list(line)
        for j, ch in enumerate(chars):
            if ch != "?":
                continue
            before = line[:j].rstrip("?")
            after = line[j + 1 :].lstrip("?")
            if i == name_line:
                ok = before.endswith("<") and set(after) <= {"<", "?"}
            else:
                ok = before.endswith("<") and (after.startswith("<") or not after)
            if ok:
                chars[j] = "<"
                repairs.append(Repair(i, j, "filler", "?", "<", "skipped character inside a filler run"))
        out.append("".join(chars))
    return tuple(out), repairs


def _guess_layout(lines: tuple[str, ...]) -> MrzFormat | None:
    """The layout whose width is nearest to the longest line (within MAX_LENGTH_FIX), by line count."""
    if not lines or not lines[0]:
        return None
    longest = max(len(line) for line in lines)
    widths = (30,) if len(lines) == 3 else (36, 44)
    width = min(widths, key=lambda w: abs(w - longest))
    if any(abs(len(line) - width) > MAX_LENGTH_FIX for line in lines):
        return None
    return format_for(len(lines), width, lines[0][0])


def _length_variants(lines: tuple[str, ...], layout: MrzFormat) -> Iterator[tuple[tuple[str, ...], list[Repair], int]]:
    """Every way to bring each line to the layout width, with its cost: 0 padding/cutting the end, 1 per run."""
    last_checked = _checked_positions(layout)
    per_line = [list(_line_variants(i, line, layout.width, last_checked[i])) for i, line in enumerate(lines)]
    for combo in itertools.product(*per_line):
        cost = sum(1 for _, reps in combo for r in reps if r.reason.startswith("filler run"))
        origin = [_origin(len(lines[i]), reps, layout.width) for i, (_, reps) in enumerate(combo)]
        yield tuple(text for text, _ in combo), [r for _, reps in combo for r in reps], cost, origin


def _origin(raw_len: int, repairs: list[Repair], width: int) -> list[int]:
    """For each position of a length-fixed line, the index of the OCR character it holds (-1: added filler)."""
    index = list(range(raw_len))
    for r in repairs:
        if r.now:  # fillers inserted at r.position
            index[r.position : r.position] = [-1] * len(r.now)
        else:  # fillers removed at r.position
            del index[r.position : r.position + len(r.read)]
    return (index + [-1] * width)[:width]


def _swap_options(
    lines: tuple[str, ...], origin: list[list[int]], alternatives: Sequence[Sequence] | None
) -> dict | None:
    """Per (line, position) of the length-fixed lines, what the OCR said of the character it holds there."""
    if alternatives is None:
        return None
    return {
        (i, j): alternatives[i][k]
        for i, line in enumerate(lines)
        for j, k in enumerate(origin[i][: len(line)])
        if k >= 0 and alternatives[i][k]
    }


def _change_cost(probs: Mapping[str, float], read: str, now: str) -> float:
    """log10 of how much likelier the OCR found the character read than the one put in its place (>= 0)."""
    own = max(probs.get(read, 0.0), MIN_PROBABILITY)
    return max(0.0, math.log10(own / max(probs.get(now, 0.0), MIN_PROBABILITY)))


def _checked_positions(layout: MrzFormat) -> list[int]:
    """Per line, the last position a check digit covers or holds (-1 if none): shifts before it can be verified."""
    last = [-1] * layout.lines
    for spec in layout.checks:
        for span in (*spec.covers, layout.field(spec.digit).span):
            last[span.line] = max(last[span.line], span.end - 1)
    return last


def _line_variants(index: int, line: str, width: int, last_checked: int) -> Iterator[tuple[str, list[Repair]]]:
    """The line padded/cut at its end, then with a filler run resized, but only where a check digit sees the shift."""
    missing = width - len(line)
    if missing == 0:
        yield line, []
        return
    if missing > 0:
        yield line + "<" * missing, [Repair(index, len(line), "filler", "", "<" * missing, "line too short: padded")]
        for run in re.finditer(r"<{2,}", line):  # OCR drops fillers inside long runs
            if run.end() == len(line) or run.end() > last_checked:
                continue
            fixed = line[: run.end()] + "<" * missing + line[run.end() :]
            yield fixed, [Repair(index, run.end(), "filler", "", "<" * missing, "filler run too short: lengthened")]
        return
    extra = -missing
    if line.endswith("<" * extra):
        yield line[:width], [Repair(index, width, "filler", line[width:], "", "line too long: fillers cut")]
    for run in re.finditer(f"<{{{extra + 1},}}", line):
        if run.end() == len(line) or run.end() - extra > last_checked:
            continue
        fixed = line[: run.end() - extra] + line[run.end() :]
        yield fixed, [Repair(index, run.end() - extra, "filler", "<" * extra, "", "filler run too long: shortened")]


def _field_at(layout: MrzFormat) -> dict[tuple[int, int], tuple[str, CharClass]]:
    return {
        (spec.span.line, pos): (spec.name, spec.chars)
        for spec in layout.fields
        for pos in range(spec.span.start, spec.span.end)
    }


def _repair_types(lines: tuple[str, ...], layout: MrzFormat) -> tuple[tuple[str, ...], list[Repair]]:
    """Map look-alikes into the class each field allows: letters to digits in dates, digits to letters in names."""
    where = _field_at(layout)
    repairs = []
    out = []
    for i, line in enumerate(lines):
        chars = list(line)
        for j, ch in enumerate(chars):
            name, cls = where[(i, j)]
            table = TO_DIGIT if cls is CharClass.NUMERIC else TO_LETTER if cls is CharClass.ALPHA else None
            if table and ch in table:
                chars[j] = table[ch]
                repairs.append(Repair(i, j, name, ch, chars[j], f"{cls.value} field"))
        out.append("".join(chars))
    return tuple(out), repairs


def _alnum_variants(
    lines: tuple[str, ...], layout: MrzFormat, options: dict[tuple[int, int], frozenset[str]] | None
) -> Iterator[tuple[tuple[str, ...], list[Repair], int]]:
    """Candidate readings of the checked alphanumeric fields, each with its cost in unforced changes.

    Document numbers mix letters and digits, so no class tells a letter from a digit there; only a check digit
    can. OCR-B's O and 0 differ by a sliver of width, so every O/0 there is read both ways at no cost: when
    both pass the check digits the reading is ambiguous and refused, never guessed. Other swaps are tried
    singly and in pairs where the OCR found the other character plausible (`options`), or, given text alone,
    for the look-alike pairs. Fields no check digit covers (a visa's optional data) are never touched.
    """
    where = _field_at(layout)
    checked = _checked_fields(layout)
    o_or_zero, spots = [], []
    for i, line in enumerate(lines):
        for j, ch in enumerate(line):
            name, cls = where[(i, j)]
            if cls is not CharClass.ALNUM or name not in checked:
                continue
            if ch in "O0":
                o_or_zero.append((i, j))
                continue
            if options is None:
                choices = {SWAPS[ch]} if ch in SWAPS else set()
            else:
                choices = options.get((i, j), frozenset()) & MRZ_ALPHABET - {ch}
            spots += [(i, j, c) for c in sorted(choices)]
    if len(o_or_zero) > MAX_O_ZERO:
        o_or_zero = []  # too many to read every way; the check digits judge the reading as it is
    max_swaps = MAX_SWAPS if len(o_or_zero) <= MAX_O_ZERO // 2 else 1
    for size in range(0, max_swaps + 1):
        for chosen in itertools.combinations(spots, size):
            if len({(i, j) for i, j, _ in chosen}) < size:
                continue  # two different swaps at one position
            for mask in range(2 ** len(o_or_zero)):
                rows = [list(line) for line in lines]
                repairs = []
                for i, j, new in chosen:
                    repairs.append(Repair(i, j, where[(i, j)][0], rows[i][j], new, LOOKALIKE_SWAP))
                    rows[i][j] = new
                for bit, (i, j) in enumerate(o_or_zero):
                    if mask >> bit & 1:
                        new = "0" if rows[i][j] == "O" else "O"
                        repairs.append(Repair(i, j, where[(i, j)][0], rows[i][j], new, "O/0 in an alphanumeric field"))
                        rows[i][j] = new
                yield tuple("".join(r) for r in rows), repairs, size


def _checked_fields(layout: MrzFormat) -> set[str]:
    """Names of the fields some check digit covers."""
    covered = {(s.line, p) for spec in layout.checks for s in spec.covers for p in range(s.start, s.end)}
    return {f.name for f in layout.fields if any((f.span.line, p) in covered for p in range(f.span.start, f.span.end))}
