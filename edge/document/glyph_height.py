"""Tell the letter O from the digit 0 by height: in OCR-B the digits stand about 7 % taller than the capitals.

The recogniser cannot tell OCR-B's O from its 0 (it reads a document number's O as 0 at 99 %), and where two
of them sit at check-digit weights 7 and 3 the check digits cannot either. Their heights can: on one line,
measured against the digits 1-9 and the square capitals the OCR read with confidence, a 0 stands as tall as
the digits and an O as short as the letters, on clean and on blurred pages alike. Each O or 0 read is then
kept, or turned into its twin, with the measurement's certainty in place of the recogniser's.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from edge.document.ocr import LineRead

# Measured on generated pages (benchmarks/datapages.py, seeds 0-11 of each layout): a 0's height on the scale
# 0 = the line's capitals, 1 = its digits was >= 0.78 (1st percentile, blurred pages) and an O's <= 0.3.
LETTER_BELOW = 0.4
DIGIT_ABOVE = 0.7
MIN_REFERENCE_CONFIDENCE = 0.8
SETTLED = 0.99  # the probability given to the twin the height points at
TWIN_LEFT = 1e-4  # and to the other
REFERENCE_DIGITS = frozenset("123456789")
REFERENCE_LETTERS = frozenset("ABDEFHIKLMNPRTUVWXYZ")  # square capitals: no overshoot like O, C, G, Q, S, J


def settle_o_and_zero(crops: list[np.ndarray], reads: list[LineRead]) -> list[LineRead]:
    """`reads` (one per MRZ line crop) with each O or 0 replaced by what its height says it is, where clear.

    Heights are compared on the line itself when it holds enough reference characters, else across all the
    MRZ's lines (one font, one scale: a TD1 document-number line may hold only two or three letters).
    """
    heights = [_heights(crop, read) for crop, read in zip(crops, reads, strict=True)]
    pooled = _references(
        [h for hs in heights for h in hs],
        [ch for r in reads for ch in r.text],
        [c for r in reads for c in r.char_confidence],
    )
    out = []
    for read, hs in zip(reads, heights, strict=True):
        own = _references(hs, list(read.text), list(read.char_confidence))
        refs = own or pooled
        out.append(read if refs is None or not hs else _settle(read, hs, *refs))
    return out


def _heights(crop: np.ndarray, read: LineRead) -> list[float | None]:
    """The ink height of every character of `read` on `crop` (None where it cannot be measured)."""
    if not read.frame_px or len(read.position) != len(read.text) or len(read.text) < 2:
        return []
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY).astype(np.float32)
    lo, hi = np.percentile(grey, 5), np.percentile(grey, 95)
    if hi - lo < 10:
        return []
    ink = (hi - grey) / (hi - lo)
    pitch = _pitch(read)
    return [_height(ink, (p + 0.5) * read.frame_px, pitch) for p in read.position]


def _references(heights: list, text: list[str], conf: list[float]) -> tuple[float, float] | None:
    """(digit height, capital height) from the confidently read reference characters, None if too few."""
    if len(heights) != len(text):
        return None
    digits = [h for h, ch, c in zip(heights, text, conf, strict=True) if _ref(h, ch, c, True)]
    letters = [h for h, ch, c in zip(heights, text, conf, strict=True) if _ref(h, ch, c, False)]
    if len(digits) < 3 or len(letters) < 2:
        return None
    digit, letter = float(np.median(digits)), float(np.median(letters))
    return (digit, letter) if digit - letter >= 0.5 else None  # too few pixels apart to tell anything


def _settle(read: LineRead, heights: list[float | None], digit: float, letter: float) -> LineRead:
    text = list(read.text)
    conf = list(read.char_confidence)
    probs = [dict(p) for p in read.alternative_probs]
    for k, ch in enumerate(read.text):
        if ch not in "O0" or heights[k] is None:
            continue
        scale = (heights[k] - letter) / (digit - letter)
        verdict = "0" if scale >= DIGIT_ABOVE else "O" if scale <= LETTER_BELOW else None
        if verdict is None:
            continue
        twin = "O" if verdict == "0" else "0"
        text[k], conf[k] = verdict, SETTLED
        probs[k].pop(verdict, None)
        probs[k][twin] = TWIN_LEFT
    return replace(
        read,
        text="".join(text),
        char_confidence=tuple(conf),
        alternative_probs=tuple(tuple(sorted(p.items())) for p in probs),
        alternatives=tuple(
            frozenset(c for c, pr in p.items() if pr >= 0.02) if ch in "O0" else a
            for ch, p, a in zip(read.text, probs, read.alternatives, strict=True)
        ),
    )


def _ref(height: float | None, ch: str, confidence: float, digit: bool) -> bool:
    return (
        height is not None
        and confidence >= MIN_REFERENCE_CONFIDENCE
        and ch in (REFERENCE_DIGITS if digit else REFERENCE_LETTERS)
    )


def _pitch(read: LineRead) -> float:
    """Pixels between two characters, from where the OCR read the first and the last."""
    n = len(read.position)
    return (read.position[-1] - read.position[0]) / (n - 1) * read.frame_px if n > 1 else 0.0


def _height(ink: np.ndarray, x: float, pitch: float) -> float | None:
    """The ink height (sub-pixel, half-darkness edges) of the glyph centred at `x`."""
    x0, x1 = int(max(0, x - 0.4 * pitch)), int(min(ink.shape[1], x + 0.4 * pitch))
    if x1 - x0 < 2:
        return None
    profile = ink[:, x0:x1].max(axis=1)
    rows = np.flatnonzero(profile > 0.5)
    if rows.size == 0:
        return None
    top, bottom = int(rows[0]), int(rows[-1])
    if top > 0:
        top_edge = top - (profile[top] - 0.5) / max(profile[top] - profile[top - 1], 1e-6)
    else:
        top_edge = float(top)
    if bottom < len(profile) - 1:
        bottom_edge = bottom + (profile[bottom] - 0.5) / max(profile[bottom] - profile[bottom + 1], 1e-6)
    else:
        bottom_edge = float(bottom)
    return float(bottom_edge - top_edge)
