"""Read a travel document's data page: locate the MRZ, OCR it, repair and validate it, check it, find the portrait.

The stages (locate -> crop/deskew -> recognise -> assemble -> parse/repair -> vote -> checks) live in their own
modules and are drawn in README.md; this module calls them in order, decides when to read again, and keeps the
page within its CPU budget. Each MRZ line is read once; O/0 and K/< are told apart by height (glyph_height). A
reading accepted as printed, with every check digit holding and no doubted character where none protects, is
returned. Anything else (a failed check digit, a doubt, a digit forced into a name, a repair that needed unforced
changes) is read three times more, the line squeezed and stretched, and settled only where the readings agree
(mrz_vote); otherwise it is refused. A name of no ICAO shape, or a visa's optional data with a character after
its fillers, is refused however often it is read.

reader = DocumentReader(MrzOcr(), make_detector("hog"))
reading = reader.read(load_image("page.jpg"))
reading.valid, reading.mrz.fields.surname, reading.checks, reading.portrait
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from checkpoint.i18n import gettext
from edge.document.checks import MAX_VALIDITY_YEARS, DocumentCheck, document_checks
from edge.document.closer_look import detect_in_region, document_region
from edge.document.companion_lines import anchor_line, character_pitch, surely_mrz, with_companions
from edge.document.errors import InvalidMRZ, NoMRZFound
from edge.document.field_names import field_label, field_list
from edge.document.glyph_height import settle_by_height
from edge.document.locate import (
    INK_MARGIN,
    MrzBlock,
    block_box,
    fit_resolution,
    mrz_candidates,
    same_block,
    upright_crops,
    upright_rotation,
)
from edge.document.mrz_align import mark_gaps, mark_missing_starts
from edge.document.mrz_assemble import mrz_lines
from edge.document.mrz_formats import FORMATS, MrzFormat
from edge.document.mrz_parse import ALLOWED_CHARS, ParsedMrz, stray_after_fillers, well_formed_name
from edge.document.mrz_repair import (
    FAILS_AS_PRINTED,
    TO_DIGIT,
    TO_LETTER,
    UNKNOWN_STATE_CODE,
    RepairOutcome,
    as_printed,
    repair_mrz,
)
from edge.document.mrz_vote import CODE_FIELDS, failing_checks_read_alike, unseen_swaps, unsettled_fields, vote_line
from edge.document.ocr import LineRead, MrzOcr
from edge.document.portrait import Portrait, find_portrait
from edge.document.visual_zone import visual_zone_checks, visual_zone_crops
from edge.face.detect import Detector

# In fields no check digit covers, a character is doubted when a rival the field could hold has at least
# MAX_DOUBT of the probability and the character itself less than MIN_CHAR_CONFIDENCE. An OCR acceptance rule,
# not a biometric threshold: on 72 held-out generated pages (seeds 700-723) it flagged all 13 misread name
# characters and 4 of 2,421 correct ones.
MAX_DOUBT = 0.35
MIN_CHAR_CONFIDENCE = 0.5
# A line not accepted as first read is read again squeezed and stretched by these factors (see mrz_vote).
RE_READ_STRETCHES = (0.8, 1.25, 1.5)
# Re-reading stops once the page has cost this many CPU seconds (all the process's threads; the refusal says
# so): a kiosk cannot keep a traveller waiting, and a page not settled in a few seconds is rarely settled in 30.
# CPU time, not wall time: on the kiosk's 2 cores with nothing else running 4 CPU s is ~2-3 s, and a budget in
# wall time would refuse more pages whenever other work (the face camera, a sync) shares the cores.
TIME_BUDGET_S = 4.0
# Where the first look finds no MRZ (or none that reads as one), the detector looks again at the document cut out
# of the frame, scaled to these multiples of its usual side (see closer_look): an MRZ character then spans ~15-25 px
# of the detector's view on a passport page or an ID card, where a document filling half of the frame left it 5-10.
# On 40 held-out real-like pages (seeds 1000-1009) the first look found no MRZ on 18, the closer ones on 16 of them.
# The last look is at faint text too (see MrzOcr.detect): a light, blurred MRZ the detector leaves unboxed at its
# usual thresholds (real-like seed 1029: the visual zone boxed, the MRZ not, at every scale).
CLOSER_LOOKS = ((1.25, False), (1.5, False), (1.5, True))
# Blocks of long parallel lines read in turn while the one before reads as no MRZ at all: on the same 40 pages,
# 8 first blocks were an ID card's heading lines or an MRZ line paired with a visual-zone line.
MAX_CANDIDATES = 4
# At most this many blocks' companion lines are read (see companion_lines), the likeliest block's first.
MAX_COMPANION_READS = 2
# A line cut beside an anchor line keeps an ink band at most this many times as tall as the anchor's (a visual-
# zone line printed tight against the MRZ otherwise runs into it: real-like visa seed 1022 read '<<' as 'KK').
COMPANION_BAND = 1.25
UPSIDE_DOWN_CONFIDENCE = 0.8  # an MRZ read upside down comes out with a mean character confidence far below


@dataclass
class DocumentReading:
    """Everything read from one data page; `valid` only when the MRZ passed every check digit."""

    lines_read: tuple[str, ...]
    line_confidence: tuple[float, ...]
    rotation_deg: float
    repair: RepairOutcome
    checks: list[DocumentCheck]
    portrait: Portrait | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def mrz(self) -> ParsedMrz | None:
        """The parsed (and, when accepted, repaired) MRZ; None when the text had no MRZ shape at all."""
        return self.repair.parsed

    @property
    def valid(self) -> bool:
        """True when the MRZ was accepted: every check digit holds, unambiguously."""
        return self.repair.accepted

    @property
    def confidence(self) -> float:
        """The OCR's mean character confidence over the MRZ lines (0-1); 0 when nothing was read."""
        return float(np.mean(self.line_confidence)) if self.line_confidence else 0.0

    def require_valid(self) -> ParsedMrz:
        """The MRZ, or InvalidMRZ naming what failed."""
        if not self.valid or self.mrz is None:
            raise InvalidMRZ(
                gettext("the MRZ was read but cannot be trusted: %(reason)s") % {"reason": self.repair.reason},
                gettext("Rescan the data page flat, without glare, or enter the document by hand"),
            )
        return self.mrz

    def to_dict(self) -> dict:
        """A JSON-ready view; the portrait as its box only (the pixels stay in memory)."""
        return {
            "valid": self.valid,
            "format": self.mrz.format if self.mrz else None,
            "mrz": list(self.mrz.lines) if self.mrz else None,
            "fields": self.mrz.to_dict()["fields"] if self.mrz else None,
            "mrz_checks": [c.__dict__ for c in self.mrz.checks] if self.mrz else [],
            "failing": self.mrz.failing if self.mrz else [],
            "checks": [c.__dict__ for c in self.checks],
            "repair": self.repair.to_dict(),
            "ocr": {"lines": list(self.lines_read), "line_confidence": [round(c, 4) for c in self.line_confidence]},
            "confidence": round(self.confidence, 4),
            "rotation_deg": round(self.rotation_deg, 2),
            "portrait": {"bbox": list(self.portrait.bbox), "score": round(self.portrait.score, 3)}
            if self.portrait
            else None,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }


@dataclass
class _Attempt:
    flip: bool
    texts: tuple[str, ...]
    confidence: tuple[float, ...]
    repair: RepairOutcome
    # Where the block read as no MRZ but one line as an MRZ line: the page (at the block's resolution), the lines
    # to cut beside it (companion_lines), which way up, and their ink bands' limit; read if no other block reads.
    companions: tuple[np.ndarray, MrzBlock, bool, float] | None = None


class DocumentReader:
    """The document pipeline with its models loaded once; `read` is safe to call for every traveller."""

    def __init__(
        self,
        ocr: MrzOcr,
        face_detector: Detector | None = None,
        max_validity_years: int = MAX_VALIDITY_YEARS,
        max_doubt: float = MAX_DOUBT,
        min_char_confidence: float = MIN_CHAR_CONFIDENCE,
        time_budget_s: float = TIME_BUDGET_S,
    ) -> None:
        self.ocr = ocr
        self.time_budget_s = time_budget_s
        self.face_detector = face_detector
        self.max_validity_years = max_validity_years
        self.max_doubt = max_doubt
        self.min_char_confidence = min_char_confidence

    def read(
        self, rgb: np.ndarray, today: dt.date | None = None, portrait: bool = True, visual_zone: bool = False
    ) -> DocumentReading:
        """Read the data page in `rgb`; NoMRZFound when no MRZ is on it. An unreadable MRZ comes back invalid.

        With `visual_zone`, the page's other text is read too and compared with the MRZ (document number, surname).
        """
        today = today or dt.date.today()
        timings: dict[str, float] = {}
        deadline = time.process_time() + self.time_budget_s
        located = self._locate(rgb)
        start = time.perf_counter()
        boxes, block = next(located)  # NoMRZFound when no look finds any
        timings["locate"] = first_look = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        best = self._read_mrz(*fit_resolution(rgb, block), today, deadline)
        read = [block]
        beside = [(best.companions, (boxes, block))] if best.companions else []
        while best.repair.parsed is None and len(read) < MAX_CANDIDATES and time.process_time() < deadline:
            # The lines read as no MRZ at all (an ID card's two heading lines are often longer than the MRZ lines
            # the detector saw, or the detector merged two MRZ lines): the next block is read, while the budget
            # lasts; once the first look's blocks are spent, from a closer look at the document.
            looking = time.perf_counter()
            found = next(located, None)
            timings["locate"] += (time.perf_counter() - looking) * 1000
            if found is None:
                break
            if any(same_block(found[1], other) for other in read):
                continue
            read.append(found[1])
            attempt = self._read_mrz(*fit_resolution(rgb, found[1]), today, deadline)
            if attempt.repair.parsed is not None:
                best, (boxes, block) = attempt, found
            elif attempt.companions:
                beside.append((attempt.companions, found))
        for companions, found in beside[:MAX_COMPANION_READS]:
            # No block read as an MRZ, but a line of one did: the lines one pitch beside it are read, last (they
            # are cut by geometry alone; a block the detector found is likelier to be the MRZ where one reads).
            if best.repair.parsed is not None or time.process_time() >= deadline:
                break
            page, lines, flip, band = companions
            attempt = self._attempt(page, lines, flip, today, deadline, complete=False, companion_band=band)
            if attempt.repair.parsed is not None:
                best, (boxes, block) = attempt, found
        timings["ocr"] = (time.perf_counter() - start) * 1000 - (timings["locate"] - first_look)
        checks = []
        if best.repair.parsed is not None:
            checks = document_checks(
                best.repair.parsed, today, self.max_validity_years, best.repair.finding == FAILS_AS_PRINTED
            )
        if visual_zone and best.repair.parsed is not None:
            start = time.perf_counter()
            texts = self.ocr.read_text(visual_zone_crops(rgb, boxes, block, best.flip))
            checks += visual_zone_checks(best.repair.parsed, texts)
            timings["visual_zone"] = (time.perf_counter() - start) * 1000
        found = None
        if portrait and self.face_detector is not None:
            start = time.perf_counter()
            found = self._portrait(rgb, block, best.flip)
            timings["portrait"] = (time.perf_counter() - start) * 1000
        return DocumentReading(
            lines_read=best.texts,
            line_confidence=best.confidence,
            rotation_deg=(block.angle_deg + (180.0 if best.flip else 0.0)) % 360.0,
            repair=best.repair,
            checks=checks,
            portrait=found,
            timings_ms=timings,
        )

    def _locate(self, rgb: np.ndarray) -> Iterator[tuple[list[np.ndarray], MrzBlock]]:
        """Stage 1: each block of text boxes that could be the MRZ, the likeliest first, with the boxes of the look
        that found it (in the page's pixels); NoMRZFound when no look finds any.

        The detector first looks at the whole page; closer looks at the document alone (see closer_look), made
        only when the reader asks for more: a small, blurred MRZ can melt into one blob or vanish at the
        detector's usual scale."""
        boxes, _ = self.ocr.detect(rgb)
        found = 0
        for block in mrz_candidates(boxes):
            found += 1
            yield boxes, block
        region = document_region(rgb)
        for zoom, faint in CLOSER_LOOKS:
            boxes = detect_in_region(self.ocr, rgb, region, round(self.ocr.detect_side * zoom), faint)
            for block in mrz_candidates(boxes):
                found += 1
                yield boxes, replace(block, faint=faint)
        if not found:
            raise NoMRZFound(
                gettext("no machine readable zone found on the image (%(areas)d text areas, none MRZ-shaped)")
                % {"areas": len(boxes)},
                gettext("Place the whole data page in view, MRZ included, flat and in focus"),
            )

    def _read_mrz(self, page: np.ndarray, block: MrzBlock, today: dt.date, deadline: float) -> _Attempt:
        """Stages 2-7 (crop, recognise, assemble, repair, vote) the way up the page's other text says, and the
        other way too when that reading is no MRZ or barely seen (and the budget allows)."""
        first = block.upside_down_votes > 0.5
        attempts = [self._attempt(page, block, first, today, deadline)]
        if self._worth_turning(attempts[0]):
            if time.process_time() < deadline:
                attempts.append(self._attempt(page, block, not first, today, deadline))
            else:
                reason = (
                    attempts[0].repair.reason
                    + "; "
                    + gettext("not read the other way up: %(budget)s CPU s spent")
                    % {"budget": f"{self.time_budget_s:g}"}
                )
                attempts[0] = replace(attempts[0], repair=replace(attempts[0].repair, reason=reason))
        best = max(attempts, key=lambda a: (a.repair.accepted, a.repair.parsed is not None, np.mean(a.confidence)))
        if best.repair.parsed is None and best.companions is None:
            best = replace(best, companions=next((a.companions for a in attempts if a.companions), None))
        return best

    @staticmethod
    def _worth_turning(attempt: _Attempt) -> bool:
        """Read the other way up only when this way gave text that is not an MRZ, or that the OCR barely saw:
        an upside-down MRZ reads as low-confidence garbage, a refused but well-read one does not."""
        parsed = attempt.repair.parsed
        if attempt.repair.accepted or (parsed is not None and all(c.ok for c in parsed.checks)):
            return False
        return parsed is None or float(np.mean(attempt.confidence)) < UPSIDE_DOWN_CONFIDENCE

    def _attempt(
        self,
        rgb: np.ndarray,
        block: MrzBlock,
        flip: bool,
        today: dt.date,
        deadline: float,
        complete: bool = True,
        companion_band: float | None = None,
    ) -> _Attempt:
        """Stages 2-7 for one block one way up. `complete`: when the block reads as no MRZ, say which lines to cut
        beside a line that reads as an MRZ line (see companion_lines, _Attempt.companions); `companion_band`: this
        block's lines were so cut, their ink bands are no taller than this, and a first reading is never accepted
        alone (a cut by geometry can catch a line of other print)."""
        crops, _ = upright_crops(rgb, block, flip, max_band=companion_band)
        chars = _line_chars(len(crops))
        first = self._reads(crops, chars, 1.0)
        attempt = self._judge(first, flip, today)
        if attempt.repair.parsed is None and len(crops) > 2:
            # Stray lines (visual zone, "SPECIMEN", copyright) were located with the MRZ: keep the run of lines
            # that reads as an MRZ and cut it out again on its own (the common extent and heights change). Lines
            # cut beside an anchor (see companion_lines) share its extent already: their run is kept as read.
            upright = sorted(range(len(block.lines)), key=lambda i: _upright_y(rgb, block, flip, i))
            run = mrz_lines([r.text for r in first], lambda idx: self._repair([first[i] for i in idx], today))
            if run is not None and len(run) < len(crops):
                kept = replace(block, lines=tuple(block.lines[upright[i]] for i in run))
                if companion_band is None:
                    return self._attempt(rgb, kept, flip, today, deadline, complete=False)
                block, crops, first = kept, [crops[i] for i in run], [first[i] for i in run]
                chars = _line_chars(len(crops))
                attempt = self._judge(first, flip, today)
        missing = _missing_length(first, crops, chars)
        if attempt.repair.parsed is None and missing > 0:
            # The text detector does not see a long run of fillers as text: lines cut short where one starts
            # are cut again as long as the layout's line, from the pitch the OCR read them at.
            crops, _ = upright_crops(rgb, block, flip, extend=missing, max_band=companion_band)
            first = self._reads(crops, chars, 1.0)
            attempt = self._judge(first, flip, today)
        anchor = anchor_line(first) if attempt.repair.parsed is None and complete else None
        if anchor is not None:
            # One line reads as an MRZ line and the block as no MRZ: its companions may have been missed (a
            # filler-only name line, a box straddling a visual-zone line); the lines one pitch beside it are named
            # for the reader to cut and read if no block reads as an MRZ.
            upright = sorted(range(len(block.lines)), key=lambda i: _upright_y(rgb, block, flip, i))
            read = first[anchor]
            beside = with_companions(rgb.shape, block, flip, upright[anchor], character_pitch(read), len(read.text))
            band = COMPANION_BAND * crops[anchor].shape[0] / (1 + 2 * INK_MARGIN)
            if surely_mrz(read.text) and time.process_time() < deadline:
                # Its check digits hold: it is an MRZ line, so its companions are read now, before other blocks.
                completed = self._attempt(rgb, beside, flip, today, deadline, complete=False, companion_band=band)
                if completed.repair.parsed is not None:
                    return completed
            else:
                attempt = replace(attempt, companions=(rgb, beside, flip, band))
        guessed = any(r.guessed for r in first)  # a weak peak (see mrz_align) is read again before it stands
        settled_at_once = attempt.repair.accepted and attempt.repair.cost == 0 and not guessed
        # Lines cut by geometry alone, or boxed only at faint-text thresholds (seed 2002's visa: a '<' between two
        # given names read as 'K' at once), are confirmed by the squeezed and stretched readings.
        confirm = companion_band is not None or block.faint
        if attempt.repair.parsed is None or (settled_at_once and not confirm):
            return attempt
        # The recogniser drops a letter when a line is squeezed and reads fillers as 'K' when it is stretched:
        # a line not accepted as first read is read again squeezed and stretched, and the readings combined.
        # So is one accepted only after unforced changes: a coincidence of check digits is not confirmed twice.
        readings = [first]
        for stretch in RE_READ_STRETCHES:
            if time.process_time() >= deadline:
                break
            readings.append(self._reads(crops, chars, stretch))
        cut = len(readings) <= len(RE_READ_STRETCHES)
        per_line = [[reads[i] for reads in readings] for i in range(len(crops))]
        layout = FORMATS[attempt.repair.parsed.format]
        voted = [vote_line(lines, layout.width) for lines in per_line]
        agreed: dict[tuple[str, ...], list[tuple[list[LineRead], RepairOutcome]]] = {}
        unknown_code: dict[tuple[str, ...], list[tuple[list[LineRead], RepairOutcome]]] = {}
        reasons = []
        printed_invalid = attempt.repair.finding == FAILS_AS_PRINTED
        # Readings that show the MRZ as printed, a check digit failing: the repair's own finding, or a swap no
        # reading saw undone (see unseen_swaps).
        printed: list[tuple[list[LineRead], RepairOutcome]] = []
        # Whether some reading passed every check digit with only repairs the readings bear out (refused, if at
        # all, for a field no check digit covers): then no check digit "fails as printed", whatever another says.
        checks_hold = False
        for reads in (voted, *readings):
            repair = self._repair(reads, today)
            printed_invalid |= repair.finding == FAILS_AS_PRINTED
            if repair.finding == FAILS_AS_PRINTED:
                printed.append((reads, repair))
            if repair.finding == UNKNOWN_STATE_CODE and repair.parsed is not None:
                layout = FORMATS[repair.parsed.format]
                unsettled = unsettled_fields(layout, repair.parsed.lines, per_line, unknown_codes=True)
                if not unsettled and not self._unchecked_doubts(layout, repair, reads):
                    unknown_code.setdefault(repair.parsed.lines, []).append((reads, repair))
                continue
            if not repair.accepted or repair.parsed is None:
                reasons.append(repair.reason)
                continue
            layout = FORMATS[repair.parsed.format]
            unseen = unseen_swaps(repair.repairs, per_line, layout.width)
            if unseen:
                swaps = ", ".join(
                    gettext("%(read)s->%(now)s in %(field)s")
                    % {"read": r.read, "now": r.now, "field": field_label(r.field)}
                    for r in unseen
                )
                why = gettext("no reading saw what would make it hold: %(swaps)s") % {"swaps": swaps}
                shown = as_printed(repair, unseen, today, why)
                if shown is not None:
                    printed.append((reads, shown))
                reasons.append(
                    gettext("a check digit holds only after a look-alike no reading saw: %(swaps)s") % {"swaps": swaps}
                )
                continue
            checks_hold = True
            unsettled = unsettled_fields(layout, repair.parsed.lines, per_line)
            if unsettled:
                reasons.append(
                    gettext("readings at different stretches disagree where no check digit protects: %(fields)s")
                    % {"fields": field_list(unsettled)}
                )
                continue
            doubted = self._unchecked_doubts(layout, repair, reads)
            if doubted:
                reasons.append(doubted)
                continue
            agreed.setdefault(repair.parsed.lines, []).append((reads, repair))
        if len(agreed) == 1:
            supporters = next(iter(agreed.values()))
            reads, repair = min(supporters, key=lambda s: s[1].cost)
            # One reading alone never overturns characters another reading saw clearly (the check digit failing
            # as printed): a stretch that misreads a 0 as O would otherwise "confirm" a repair.
            lone_ok = repair.cost == 0 and not printed_invalid and not confirm
            if _settled(supporters, voted, cut, lone_ok=lone_ok):
                reason = _settled_by(repair.reason, len(readings))
                repair = replace(repair, accepted=True, reason=reason)
                return _Attempt(flip, tuple(r.text for r in reads), tuple(r.confidence for r in reads), repair)
            reasons = [gettext("repaired into a valid MRZ by one reading only, which no other reading confirms")]
        if len(agreed) > 1:
            reasons = [
                gettext("readings at different stretches pass every check digit as %(count)d different MRZs")
                % {"count": len(agreed)}
            ]
        if not agreed and len(unknown_code) == 1:
            # The code list cannot vouch for the code: the readings must (each of its characters seen alike by
            # every reading that saw it, see unsettled_fields), and at least two readings give this one MRZ.
            supporters = next(iter(unknown_code.values()))
            if _settled(supporters, voted, cut, lone_ok=False):
                reads, repair = min(supporters, key=lambda s: s[1].cost)
                reason = _settled_by(repair.reason, len(readings))
                repair = replace(repair, reason=reason)
                return _Attempt(flip, tuple(r.text for r in reads), tuple(r.confidence for r in reads), repair)
        if unknown_code:
            reasons = [gettext("readings at different stretches disagree on an MRZ with an unknown state code")]
        repair = self._repair(voted, today)
        if not agreed and not checks_hold:
            shown = _printed_so(printed, voted, readings, repair, today)
            if shown is not None:
                reads, repair = shown
                return _Attempt(flip, tuple(r.text for r in reads), tuple(r.confidence for r in reads), repair)
        # An unknown code needs agreement; a failing check digit, that no reading made it hold.
        finding = repair.finding if repair.finding == FAILS_AS_PRINTED and not checks_hold else ""
        reason = reasons[0] if reasons else repair.reason
        if cut:
            reason += "; " + gettext(
                "re-reading stopped after %(count)d readings: the %(budget)s CPU s budget is spent"
            ) % {
                "count": len(readings),
                "budget": f"{self.time_budget_s:g}",
            }
        refused = replace(repair, accepted=False, reason=reason, finding=finding)
        return _Attempt(flip, tuple(r.text for r in voted), tuple(r.confidence for r in voted), refused)

    def _reads(self, crops: list[np.ndarray], chars: int, stretch: float) -> list[LineRead]:
        reads = self.ocr.recognise(crops, chars_per_line=chars, stretch=stretch)
        reads = settle_by_height(crops, reads)
        return mark_missing_starts([mark_gaps(r) for r in reads])

    @staticmethod
    def _repair(reads: list[LineRead], today: dt.date) -> RepairOutcome:
        texts = tuple(r.text for r in reads)
        return repair_mrz(texts, today, [r.alternatives for r in reads], [_probabilities(r) for r in reads])

    def _judge(self, reads: list[LineRead], flip: bool, today: dt.date) -> _Attempt:
        """One reading repaired; refused when its unchecked fields hold characters the OCR doubted."""
        texts = tuple(r.text for r in reads)
        repair = self._repair(reads, today)
        if repair.accepted and repair.parsed is not None:
            layout = FORMATS[repair.parsed.format]
            doubtful = [field for _, _, field in self._doubtful(layout, repair.parsed.lines, reads)]
            # A digit in a name (a '1') is forced back to its letter, but it shows the OCR struggling there: the
            # 'O' beside it may be a 'D', and nothing checks a name. (A state code read with a digit is checked
            # against the code list instead.)
            if any(r.field == "name" and r.read in TO_LETTER for r in repair.repairs):
                doubtful.append("name")
            if doubtful or _shape_problem(layout, repair):
                reason = self._unchecked_doubts(layout, repair, reads) or _unsure_in(doubtful)
                repair = replace(repair, accepted=False, reason=reason)
        return _Attempt(flip, texts, tuple(r.confidence for r in reads), repair)

    def _unchecked_doubts(self, layout: MrzFormat, repair: RepairOutcome, reads: list[LineRead]) -> str:
        """Why the fields no check digit protects cannot be trusted in this reading ("" when they can): a name of
        no ICAO shape (fillers misread as letters, 'FAISAL<<<<<KK<<<'), a visa's optional data ending in a stray
        character, or a character the OCR doubted."""
        assert repair.parsed is not None
        shape = _shape_problem(layout, repair)
        if shape:
            return shape
        doubtful = [field for _, _, field in self._doubtful(layout, repair.parsed.lines, reads)]
        if doubtful:
            return _unsure_in(doubtful)
        return ""

    def _doubtful(self, layout: MrzFormat, final: tuple[str, ...], reads: list[LineRead]) -> list[tuple[int, int, str]]:
        """(line, position, field) of every doubted character in a field no check digit covers."""
        out = []
        for spec in layout.unchecked_fields():
            read = reads[spec.span.line]
            allowed = ALLOWED_CHARS[spec.chars]
            for p in range(spec.span.start, min(spec.span.end, len(read.text))):
                # The character the repaired MRZ has here: the OCR's own, or its forced look-alike (0 -> O in a
                # name). Only rivals the field could hold count: a '1' beside an 'I' in a name is no doubt.
                chosen = final[spec.span.line][p]
                probs = dict(read.alternative_probs[p])
                own = read.text[p] in (chosen, TO_DIGIT.get(chosen), TO_LETTER.get(chosen))
                mine = probs.get(chosen, 0.0) + (read.char_confidence[p] if own else 0.0)
                rivals = [pr for ch, pr in probs.items() if ch in allowed and ch != chosen]
                share = mine + sum(rivals)
                # A character the OCR barely saw at all (a weak peak filling a skipped one, see mrz_align) is
                # doubted too, rival or none; a state code has the code list to vouch for it instead.
                faint = share < self.min_char_confidence and spec.name not in CODE_FIELDS
                if (
                    share <= 0
                    or faint
                    or (max(rivals, default=0.0) / share >= self.max_doubt and mine < self.min_char_confidence)
                ):
                    out.append((spec.span.line, p, spec.name))
        return out

    def _portrait(self, rgb: np.ndarray, block: MrzBlock, flip: bool) -> Portrait | None:
        assert self.face_detector is not None
        rot, size = upright_rotation(rgb.shape, block, flip)
        upright = cv2.warpAffine(rgb, rot, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        return find_portrait(upright, block_box(block, rot), self.face_detector)


def _settled(
    supporters: list[tuple[list[LineRead], RepairOutcome]], voted: list[LineRead], cut: bool, lone_ok: bool
) -> bool:
    """True when the readings supporting one MRZ settle it: two of them, or one read as printed (`lone_ok`). When
    the time budget cut re-reading short, two actual readings, not counting their combination."""
    if cut:
        return sum(1 for reads, _ in supporters if reads is not voted) >= 2
    return lone_ok or len(supporters) >= 2


def _printed_so(
    printed: list[tuple[list[LineRead], RepairOutcome]],
    voted: list[LineRead],
    readings: list[list[LineRead]],
    refused: RepairOutcome,
    today: dt.date,
) -> tuple[list[LineRead], RepairOutcome] | None:
    """The MRZ as printed, check digit failing, when the readings bear it out; else None (an unreadable MRZ).

    Borne out: two readings (not their combination) show the same failing MRZ, or no repair of the combined
    reading passes the check digits and every reading that saw a character the failing ones cover saw it alike,
    each seen at least twice.
    """
    actual = [(reads, repair) for reads, repair in printed if reads is not voted and repair.parsed is not None]
    for reads, repair in actual:
        assert repair.parsed is not None
        if sum(1 for _, other in actual if other.parsed and other.parsed.lines == repair.parsed.lines) >= 2:
            return reads, repair
    parsed = refused.parsed
    if parsed is None or refused.candidates_valid or any(p.kind == "characters" for p in parsed.problems):
        return None
    failing = [c.name for c in parsed.checks if not c.ok]
    per_line = [[reads[i] for reads in readings] for i in range(len(parsed.lines))]
    if failing and failing_checks_read_alike(FORMATS[parsed.format], parsed.lines, failing, per_line):
        why = gettext("every one of %(count)d readings that saw its characters saw them so") % {"count": len(readings)}
        shown = as_printed(refused, (), today, why)
        if shown is not None:
            return voted, shown
    return None


def _upright_y(rgb: np.ndarray, block: MrzBlock, flip: bool, line: int) -> float:
    """How far down the upright page line `line` of `block` lies (upright_crops returns the lines in this order)."""
    rot, _ = upright_rotation(rgb.shape, block, flip)
    return float(cv2.transform(block.lines[line][None].astype(np.float64), rot)[0][:, 1].min())


def _shape_problem(layout: MrzFormat, repair: RepairOutcome) -> str:
    """Why the repaired MRZ's unchecked fields have no shape an issuer prints ("" when they have): a name that is
    no ICAO name, or a visa's optional data with a character standing alone after its fillers."""
    assert repair.parsed is not None
    lines = repair.parsed.lines
    name = layout.field("name").span.of(lines)
    if not well_formed_name(name):
        return gettext("the name has no ICAO 9303 shape (fillers read as letters?): %(name)s") % {
            "name": name.rstrip("<")
        }
    for spec in layout.unchecked_fields():
        if spec.name == "optional_data" and stray_after_fillers(spec.span.of(lines)):
            return gettext(
                "a character stands alone after the fillers of the optional data (a filler read as a letter?): %(data)s"
            ) % {"data": spec.span.of(lines)}
    return ""


def _settled_by(reason: str, readings: int) -> str:
    """`reason` of a repair accepted once `readings` readings agreed, saying so."""
    return reason + "; " + gettext("settled by %(count)d readings") % {"count": readings}


def _unsure_in(fields: list[str]) -> str:
    """Why a reading is refused when the OCR doubted characters of `fields`, which no check digit covers."""
    return gettext("the OCR is unsure of characters no check digit protects, in: %(fields)s") % {
        "fields": field_list(fields)
    }


def _probabilities(read: LineRead) -> list[dict[str, float]]:
    """Per character of `read`: the OCR's probability of the character and of each rival it kept."""
    return [{**dict(read.alternative_probs[k]), read.text[k]: read.char_confidence[k]} for k in range(len(read.text))]


def _line_chars(lines: int) -> int:
    """Characters a line of an MRZ of `lines` lines holds at most: a TD1's 30, else up to a TD3's 44."""
    return 30 if lines == 3 else 44


def _missing_length(reads: list[LineRead], crops: list[np.ndarray], chars: int) -> float:
    """Pixels the line crops lack to hold `chars` characters at the pitch the OCR read them at (0 if none)."""
    spans = [(r.position[0] * r.frame_px, character_pitch(r)) for r in reads if character_pitch(r) > 0]
    if not spans or not crops:
        return 0.0
    start, pitch = min(s for s, _ in spans), float(np.median([p for _, p in spans]))
    needed = start + (chars + 2) * pitch  # room beyond the last character: the OCR drops one at the very edge
    return max(0.0, needed - crops[0].shape[1])
