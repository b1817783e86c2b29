"""Combine several OCR readings of the same MRZ line (the line stretched by different amounts) into one.

The recogniser drops a character when the line is squeezed (two narrow letters run together) and reads a
filler as 'K' when it is stretched; each stretch fails on different characters. Readings of one line with the
same length are aligned position by position: where they disagree the probabilities are pooled, which the
check digits then settle. Fields no check digit covers get no such arbiter, so there a character stands only
when the readings that saw one agree, or outnumber the dissent by two (see `unsettled_fields`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache

from edge.document.codes import code_table, lookup
from edge.document.mrz_align import MISSING
from edge.document.mrz_formats import MrzFormat
from edge.document.mrz_parse import letter_may_follow, well_formed_name
from edge.document.mrz_repair import LOOKALIKE_SWAP, TO_DIGIT, TO_LETTER, Repair
from edge.document.ocr import ALTERNATIVE_MIN_PROB, LineRead

# An OCR acceptance rule, not a biometric threshold: a character of a field no check digit covers that only one
# reading saw (the others saw a gap there) stands only when the OCR gave it at least this probability; in a
# state code, which the ICAO code list checks as well, CODE_LONE_READING_CONFIDENCE.
LONE_READING_CONFIDENCE = 0.9
CODE_LONE_READING_CONFIDENCE = 0.5
# ...and, outside a state code, at least one reading must have seen it with this probability: weak peaks (see
# mrz_align) agreeing with each other are not a clear reading.
CLEAR_READING_CONFIDENCE = 0.5
CODE_FIELDS = ("issuing_state", "nationality")
MIN_CONTRADICTION = 0.5  # a reading's other character counts against the rest only if the OCR favoured it
# A reading that lost this many characters in a row on a line (a squeeze that ran letters together) has lost its
# place there: what else it reads on that line is no evidence against readings that saw every character.
LOST_RUN = 3
# A character some reading contradicts stands only when at least this many more readings saw it: one squeezed
# reading's 'O' does not overturn three readings' 'U', but one reading against two leaves the field unsettled.
MAJORITY_LEAD = 2


def aligned(reads: list[LineRead], width: int) -> list[LineRead]:
    """The readings of one line that can be compared position by position: the largest group of equal length
    (on a tie, the length nearest the layout's `width`)."""
    lengths = Counter(len(r.text) for r in reads if r.text)
    if not lengths:
        return []
    length = max(lengths, key=lambda n: (lengths[n], -abs(n - width)))
    return [r for r in reads if len(r.text) == length]


def vote_line(reads: list[LineRead], width: int) -> LineRead:
    """One reading of a line from several: per position the character with the most pooled probability."""
    group = aligned(reads, width)
    if len(group) < 2:
        return group[0] if group else reads[0]
    text, conf, alts, probs = [], [], [], []
    for p in range(len(group[0].text)):
        pooled: dict[str, float] = defaultdict(float)
        for r in group:
            if r.text[p] != MISSING:
                pooled[r.text[p]] += r.char_confidence[p]
            for ch, pr in r.alternative_probs[p]:
                pooled[ch] += pr
        pooled = {ch: pr / len(group) for ch, pr in pooled.items()}
        if not pooled:
            text.append(MISSING)
            conf.append(0.0)
            alts.append(frozenset())
            probs.append(())
            continue
        best = max(pooled, key=pooled.__getitem__)
        text.append(best)
        conf.append(pooled[best])
        rivals = {ch: pr for ch, pr in pooled.items() if ch != best}
        alts.append(frozenset(ch for ch, pr in rivals.items() if pr >= ALTERNATIVE_MIN_PROB))
        probs.append(tuple(sorted(rivals.items())))
    return LineRead(
        text="".join(text),
        confidence=sum(conf) / len(conf) if conf else 0.0,
        alternatives=tuple(alts),
        char_confidence=tuple(conf),
        alternative_probs=tuple(probs),
    )


def unsettled_fields(
    layout: MrzFormat, final: tuple[str, ...], readings: list[list[LineRead]], unknown_codes: bool = False
) -> list[str]:
    """Fields no check digit covers where the readings do not bear out the final MRZ.

    `readings[i]` are the readings of line i. A character stands when at least two readings saw it, one of them
    clearly (CLEAR_READING_CONFIDENCE), or one did with LONE_READING_CONFIDENCE while the rest saw a gap, and the
    readings that favoured another character there (other than its look-alike, which the field's class forces)
    are outnumbered by MAJORITY_LEAD or more. A state
    code not on the list is unsettled, unless `unknown_codes` and every reading that saw its characters saw it
    so, each character at least twice.
    """
    out = []
    for spec in layout.unchecked_fields():
        group = [r for r in aligned(readings[spec.span.line], layout.width) if MISSING * LOST_RUN not in r.text]
        lone, clear = LONE_READING_CONFIDENCE, CLEAR_READING_CONFIDENCE
        if spec.name in CODE_FIELDS and group and len(group[0].text) >= spec.span.end:
            if lookup(spec.span.of(final)) is None:
                if not (unknown_codes and _unanimous(group, spec.span.of(final), spec.span.start)):
                    out.append(spec.name)
                continue
            # A reading of a state code that no code on the list could be, even filling its gaps ('0T0' or
            # 'O?A'), is a misread the code list exposes: it does not count against a reading of a known code.
            group = [r for r in group if _could_be_code(r.text[spec.span.start : spec.span.end])]
            lone, clear = CODE_LONE_READING_CONFIDENCE, 0.0
        name_end = _name_end(spec.span.of(final), group, spec.span.start) if spec.name == "name" else spec.span.end
        for p in range(spec.span.start, spec.span.end):
            chosen = final[spec.span.line][p]
            if not group or p >= len(group[0].text):
                if chosen == "<" and group:
                    continue  # beyond what was read: the repair only ever pads a line's end with fillers
                out.append(spec.name)
                break
            if p >= name_end:
                # The name has ended: any name an issuer prints has only fillers from here on, however faintly
                # seen, and a letter read here is a stretched reading's filler ('NAKOZU<<<C', see _name_end).
                continue
            same = {chosen, TO_DIGIT.get(chosen), TO_LETTER.get(chosen)}
            seen = [(r.text[p], r.char_confidence[p]) for r in group if r.text[p] != MISSING]
            support = [c for ch, c in seen if ch in same]
            against = [c for ch, c in seen if ch not in same and c >= MIN_CONTRADICTION]
            outvoted = against and len(support) < len(against) + MAJORITY_LEAD
            if outvoted or not support or (len(support) == 1 and support[0] < lone) or max(support) < clear:
                out.append(spec.name)
                break
    return out


def _name_end(name: str, group: list[LineRead], start: int) -> int:
    """Where the final MRZ's `name` field (at `start` on its line) has surely ended: from its first filler after
    which no letter may follow (three in a row, or a second '<<'); the field's end when it has not.

    Letters the readings saw there are fillers misread, and those the OCR favoured show which letters this line's
    fillers are misread as. Should the name hold one of them where a filler would fit as well ('CANNA<CNOBE' for
    'CANNA<<NOBE', every reading seeing 'C' for the filler), its end is not taken as settled: the misreads there
    still count against the name.
    """
    end = next((k for k in range(len(name)) if name[k] == "<" and not letter_may_follow(name[:k])), len(name))
    late = [
        (r.text[p], r.char_confidence[p])
        for r in group
        for p in range(start + end, min(start + len(name), len(r.text)))
    ]
    confused = {ch for ch, c in late if c >= MIN_CONTRADICTION} - {"<", MISSING}
    if any(ch in confused and well_formed_name(name[:q] + "<" + name[q + 1 :]) for q, ch in enumerate(name[:end])):
        return start + len(name)
    return start + end


def unseen_swaps(repairs: tuple[Repair, ...], readings: list[list[LineRead]], width: int) -> list[Repair]:
    """The look-alike swaps among `repairs` (O/0 aside) that no reading saw: no reading of the line at the layout's
    `width` read the new character at that position. The OCR gave it a sliver of probability, enough to try, but a
    check digit that only holds by overruling every reading is a document printed so, or a misread too consistent
    to correct: either way not an MRZ to accept.

    `readings[i]` are the readings of line i. A line no reading saw at the layout's width leaves nothing to
    compare: its swaps count as unseen.
    """
    out = []
    for r in repairs:
        if r.reason != LOOKALIKE_SWAP:
            continue
        seen = [read.text[r.position] for read in readings[r.line] if len(read.text) == width]
        if r.now not in seen:
            out.append(r)
    return out


def failing_checks_read_alike(
    layout: MrzFormat, final: tuple[str, ...], failing: list[str], readings: list[list[LineRead]]
) -> bool:
    """True when every character the `failing` check digits cover, and each digit itself, was read alike (or as
    its forced look-alike) by every reading of its line at the layout's width that saw it, and by at least two:
    the check digit fails as the document prints it, not as one reading saw it.

    `readings[i]` are the readings of line i; `final` the MRZ as read (class repairs only).
    """
    for spec in layout.checks:
        if spec.name not in failing:
            continue
        for span in (*spec.covers, layout.field(spec.digit).span):
            group = [r for r in readings[span.line] if len(r.text) == layout.width]
            if not _unanimous(group, span.of(final), span.start):
                return False
    return True


def _unanimous(group: list[LineRead], code: str, start: int) -> bool:
    """True when every reading in `group` that saw a character of `code` (at `start`) saw that character (or its
    forced look-alike), and each character was seen at least twice."""
    for p, chosen in enumerate(code, start=start):
        seen = [r.text[p] for r in group if r.text[p] != MISSING]
        if len(seen) < 2 or any(ch not in (chosen, TO_DIGIT.get(chosen), TO_LETTER.get(chosen)) for ch in seen):
            return False
    return True


def _could_be_code(text: str) -> bool:
    """True when `text` (a state code as read, digits forced to their look-alike letters, '?' for a character
    not read) is a known code or becomes one with its unread characters filled in."""
    forced = "".join(TO_LETTER.get(ch, ch) for ch in text)
    return any(
        all(t in (MISSING, c) for t, c in zip(forced, code, strict=True)) for code in _codes_of_length(len(text))
    )


@lru_cache(maxsize=4)
def _codes_of_length(width: int) -> tuple[str, ...]:
    """Every known code as it stands in a `width`-character MRZ field, padded with fillers ('D<<')."""
    return tuple(code.ljust(width, "<") for code in code_table() if len(code) <= width)
