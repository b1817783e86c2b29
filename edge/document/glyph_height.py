"""Tell look-alikes apart by height: in OCR-B the digits stand ~7 % taller than the capitals, and the filler '<'
~11 % shorter (a chevron that stops short of the baseline).

The recogniser cannot tell OCR-B's O from its 0 (it reads a document number's O as 0 at 99 %), and where two
of them sit at check-digit weights 7 and 3 the check digits cannot either; stretched, it reads fillers as 'K',
in names that no check digit covers. Heights tell them apart: measured against the characters of the same
MRZ the OCR read with confidence (digits 1-9, square capitals, fillers), a 0 stands as tall as the digits and an
O as short as the capitals, a K as tall as the capitals and a filler as short as the fillers, on clean and
blurred pages alike. Each such character read is then kept, or turned into its twin, with the measurement's
certainty in place of the recogniser's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from edge.document.ocr import LineRead

MIN_REFERENCE_CONFIDENCE = 0.8
SETTLED = 0.99  # the probability given to the twin the height points at
TWIN_LEFT = 1e-4  # and to the other
SQUARE_CAPITALS = "ABDEFHILMNPRTUVWXYZ"  # no overshoot like O, C, G, Q, S, J; K is itself in question


@dataclass(frozen=True)
class HeightPair:
    """Two look-alikes of different heights, and the characters that show how tall each kind stands.

    Measured on generated pages (benchmarks/datapages.py, 8-12 seeds a layout and level): on the scale 0 = the
    short references, 1 = the tall ones, a 0 was >= 0.78 and an O <= 0.3; a K >= 0.7 and a filler <= 0.32.
    """

    short: str
    tall: str
    short_refs: frozenset[str]
    tall_refs: frozenset[str]
    min_separation: float  # the tall references at least this share taller than the short, or no verdict
    short_below: float = 0.4
    tall_above: float = 0.6
    # Only where the recogniser itself had a doubt (its own character below this, or the twin plausible): a
    # K read at 0.99 on a 16-pixel line once measured as short as a filler, and a name has no check digit.
    doubted_below: float | None = None


PAIRS = (
    HeightPair("O", "0", frozenset(SQUARE_CAPITALS + "K"), frozenset("123456789"), 0.045, tall_above=0.7),
    HeightPair("<", "K", frozenset("<"), frozenset(SQUARE_CAPITALS), 0.06, doubted_below=0.9),
)


def settle_by_height(crops: list[np.ndarray], reads: list[LineRead]) -> list[LineRead]:
    """`reads` (one per MRZ line crop) with each O/0 and K/< replaced by what its height says it is, where clear.

    Heights are compared on the line itself when it holds enough reference characters, else across all the
    MRZ's lines (one font, one scale: a TD1 document-number line may hold only two or three letters).
    """
    heights = [_heights(crop, read) for crop, read in zip(crops, reads, strict=True)]
    all_heights = [h for hs in heights for h in hs]
    all_text = [ch for r, hs in zip(reads, heights, strict=True) if hs for ch in r.text]
    all_conf = [c for r, hs in zip(reads, heights, strict=True) if hs for c in r.char_confidence]
    out = list(reads)
    for pair in PAIRS:
        pooled = _references(pair, all_heights, all_text, all_conf)
        for i, hs in enumerate(heights):
            if not hs:
                continue
            refs = _references(pair, hs, list(out[i].text), list(out[i].char_confidence)) or pooled
            if refs is not None:
                out[i] = _settle(out[i], hs, pair, *refs)
    return out


def _heights(crop: np.ndarray, read: LineRead) -> list[float | None]:
    """The ink height of every character of `read` on `crop` (empty when it cannot be measured)."""
    if not read.frame_px or len(read.position) != len(read.text) or len(read.text) < 2:
        return []
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY).astype(np.float32)
    lo, hi = np.percentile(grey, 5), np.percentile(grey, 95)
    if hi - lo < 10:
        return []
    ink = (hi - grey) / (hi - lo)
    pitch = _pitch(read)
    return [_height(ink, (p + 0.5) * read.frame_px, pitch) for p in read.position]


def _references(pair: HeightPair, heights: list, text: list[str], conf: list[float]) -> tuple[float, float] | None:
    """(short height, tall height) from the confidently read references, None if too few or too close."""
    if len(heights) != len(text):
        return None

    def of(refs: frozenset[str]) -> list[float]:
        return [
            h
            for h, ch, c in zip(heights, text, conf, strict=True)
            if h is not None and c >= MIN_REFERENCE_CONFIDENCE and ch in refs
        ]

    short, tall = of(pair.short_refs), of(pair.tall_refs)
    if len(short) < 2 or len(tall) < 2 or len(short) + len(tall) < 5:
        return None
    low, high = float(np.median(short)), float(np.median(tall))
    return (low, high) if high - low >= pair.min_separation * high else None


def _settle(read: LineRead, heights: list[float | None], pair: HeightPair, low: float, high: float) -> LineRead:
    text = list(read.text)
    conf = list(read.char_confidence)
    probs = [dict(p) for p in read.alternative_probs]
    changed = set()
    for k, ch in enumerate(read.text):
        if ch not in (pair.short, pair.tall) or heights[k] is None:
            continue
        twin_seen = (pair.short if ch == pair.tall else pair.tall) in read.alternatives[k]
        if pair.doubted_below is not None and read.char_confidence[k] >= pair.doubted_below and not twin_seen:
            continue
        scale = (heights[k] - low) / (high - low)
        verdict = pair.tall if scale >= pair.tall_above else pair.short if scale <= pair.short_below else None
        if verdict is None:
            continue
        twin = pair.short if verdict == pair.tall else pair.tall
        text[k], conf[k] = verdict, SETTLED
        probs[k].pop(verdict, None)
        probs[k][twin] = TWIN_LEFT
        changed.add(k)
    if not changed:
        return read
    return replace(
        read,
        text="".join(text),
        char_confidence=tuple(conf),
        alternative_probs=tuple(tuple(sorted(p.items())) for p in probs),
        alternatives=tuple(
            frozenset(c for c, pr in p.items() if pr >= 0.02) if k in changed else a
            for k, (p, a) in enumerate(zip(probs, read.alternatives, strict=True))
        ),
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
