"""Complete: an MRZ line read clearly whose companion lines the detector missed, and the lines a pitch beside it.

On real pages the detector often sees one MRZ line and not the other: a name line that is mostly fillers reads
to it as no text, or its box straddles that line and a visual-zone line printed tight above it, or an ID card's
first line melts into the card's edge. The block then reads as a visual-zone line plus one MRZ line ("no ICAO
9303 layout has 35 + 44 characters"). An MRZ is printed on a fixed grid (Doc 9303: 10 characters and 6 lines
to the inch), so one line read well says where its companions are: the same extent, one line pitch (4.23 mm =
1.665 character pitches) above and below. The lines cut there are read like any other; the assembling stage
(mrz_assemble) keeps the run that reads as an MRZ, and the check digits judge it as always.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from edge.document.check_digits import holds
from edge.document.locate import MrzBlock, upright_rotation
from edge.document.ocr import LineRead

LINE_PITCH_PER_CHARACTER = 4.23 / 2.54  # Doc 9303 Part 3: 6 lines per inch, 10 characters per inch
# A line read as an MRZ line: about as long as one (TD1 30, TD2 and visa B 36, TD3 and visa A 44; a character
# or two dropped or an edge glyph added), hardly a character skipped, and fillers or digits where a visual-zone
# line has words ("ADRESSE: 52 RUE DES ACACIAS" reads with '?' for its spaces and has neither).
MIN_LENGTH, MAX_LENGTH = 26, 46
MAX_SKIPPED = 0.15
MIN_FILLERS = 2
MIN_DIGITS = 0.3
THREE_LINE_MAX = 33  # a line this long or shorter is a TD1's (3 lines of 30); longer ones come in pairs
# Each line is cut this many times as high as the anchor's box, about its own centre: the anchor's box may hug
# its glyphs, a box moved one pitch hugs nothing, and the recogniser drops characters that touch the crop's top
# ('V<UTONONE<<TI<<<' read '?????K<<<'). The cut is then trimmed to the ink band through its middle as always.
CUT_HEIGHT = 1.5


def mrz_like(text: str) -> bool:
    """True when `text` reads as a line of an MRZ rather than of the visual zone."""
    if not MIN_LENGTH <= len(text) <= MAX_LENGTH or text.count("?") > MAX_SKIPPED * len(text):
        return False
    return text.count("<") >= MIN_FILLERS or sum(c.isdigit() for c in text) >= MIN_DIGITS * len(text)


# Where a line's check digits sit, per layout line that has two or more (start, end, check digit position):
# TD3/TD2/visa line 2 (document number, birth date, expiry date) and TD1 line 2 (birth date, expiry date).
CHECKED_SPANS = (((0, 9, 9), (13, 19, 19), (21, 27, 27)), ((0, 6, 6), (8, 14, 14)))
MIN_HOLDING = 2  # check digits that must hold for a line to be surely an MRZ's (by chance: about 1 in 100)


def surely_mrz(text: str) -> bool:
    """True when at least two of the check digits of an MRZ line hold in `text` as read (a character lost or
    added at its start allowed): then it is an MRZ line, not a visual-zone line that looks like one."""
    for spans in CHECKED_SPANS:
        for shift in (0, -1, 1):
            holding = 0
            for start, end, at in spans:
                a, b, c = start + shift, end + shift, at + shift
                if a >= 0 and c < len(text) and text[c].isdigit() and holds(text[a:b], text[c]):
                    holding += 1
            if holding >= MIN_HOLDING:
                return True
    return False


def anchor_line(reads: list[LineRead]) -> int | None:
    """Index (in `reads`) of the longest line that reads as an MRZ line and whose pitch the OCR measured; None when
    none does."""
    found = [k for k, r in enumerate(reads) if mrz_like(r.text) and character_pitch(r) > 0]
    return max(found, key=lambda k: len(reads[k].text)) if found else None


def character_pitch(read: LineRead) -> float:
    """The distance between neighbouring characters of `read`, in pixels of its crop (0 when too few were placed)."""
    if len(read.position) < 8 or not read.frame_px:
        return 0.0
    return (read.position[-1] - read.position[0]) / (len(read.position) - 1) * read.frame_px


def with_companions(
    shape: tuple[int, ...], block: MrzBlock, flip: bool, anchor: int, character_px: float, line_chars: int
) -> MrzBlock:
    """`block` with its lines replaced by line `anchor` (an index into block.lines) and the lines cut at one and
    two line pitches on either side of it (one for a 2-line layout, two for a TD1's 3 lines), same extent.

    `character_px` is the character pitch read on the anchor's crop (the upright page's pixels: crops are cut
    at the page's scale); `line_chars` how many characters the anchor read, which says which layout it is from.
    """
    rot, _ = upright_rotation(shape, block, flip)
    # The page-pixel vector that moves one line down the upright page: rotations keep lengths.
    down = np.linalg.solve(rot[:, :2], np.array([0.0, LINE_PITCH_PER_CHARACTER * character_px]))
    reach = 2 if line_chars <= THREE_LINE_MAX else 1
    box = block.lines[anchor].astype(np.float64)
    unit = down / np.linalg.norm(down)
    across = (box - box.mean(axis=0)) @ unit
    tall = box + np.outer(across * (CUT_HEIGHT - 1.0), unit)
    lines = tuple((tall + k * down).astype(np.float32) for k in range(-reach, reach + 1))
    return replace(block, lines=lines)
