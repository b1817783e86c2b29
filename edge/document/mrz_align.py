"""Use the MRZ's fixed pitch to find characters the OCR dropped or doubled inside a line.

OCR-B in an MRZ is monospaced: every character takes the same width. The recogniser reports where on the
line (which CTC frame) each character was read, so a gap of two pitches means a character was skipped there,
and two characters within half a pitch mean one was read twice. A skipped character becomes '?', which no
field accepts, so the repair can only fill it where the layout leaves no doubt (a filler inside a run of
fillers); anywhere else the MRZ is refused instead of being read shifted by one.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from edge.document.ocr import LineRead

MISSING = "?"
MIN_FRAMES_PER_CHAR = 1.8  # below this the positions are too coarse to count characters by
SKIP_RATIO = 1.6  # a gap of at least this many pitches hides a character
DOUBLE_RATIO = 0.45  # two characters closer than this share of a pitch are one character read twice


def mark_gaps(read: LineRead) -> LineRead:
    """`read` with '?' where a character was skipped and the weaker of two doubled characters removed."""
    if len(read.position) < 8:
        return read
    gaps = np.diff(np.array(read.position))
    pitch = float(np.median(gaps))
    if pitch < MIN_FRAMES_PER_CHAR:
        return read
    keep = [True] * len(read.text)
    for k, gap in enumerate(gaps):
        if gap < DOUBLE_RATIO * pitch and read.text[k] != read.text[k + 1]:
            weaker = k if read.char_confidence[k] < read.char_confidence[k + 1] else k + 1
            keep[weaker] = False
    text, alts, conf, probs, pos, guessed = [], [], [], [], [], []
    previous = None
    for k in range(len(read.text)):
        if not keep[k]:
            continue
        if previous is not None:
            missing = int(round((read.position[k] - previous) / pitch)) - 1
            if (read.position[k] - previous) >= SKIP_RATIO * pitch and missing > 0:
                for m in range(missing):
                    where = previous + (m + 1) * pitch
                    peak = _weak_peak(read, where, pitch)
                    if peak is not None:
                        guessed.append(len(text))
                    text.append(peak[1] if peak else MISSING)
                    alts.append(frozenset())
                    conf.append(peak[2] if peak else 0.0)
                    probs.append(())
                    pos.append(where)
        text.append(read.text[k])
        alts.append(read.alternatives[k])
        conf.append(read.char_confidence[k])
        probs.append(read.alternative_probs[k])
        pos.append(read.position[k])
        previous = read.position[k]
    return replace(
        read,
        text="".join(text),
        alternatives=tuple(alts),
        char_confidence=tuple(conf),
        alternative_probs=tuple(probs),
        position=tuple(pos),
        guessed=tuple(guessed),
    )


def _weak_peak(read: LineRead, where: float, pitch: float) -> tuple[float, str, float] | None:
    """The likeliest weak peak (see ocr.WEAK_PEAK_MIN_PROB) within half a pitch of frame `where`, if any: what the
    recogniser half saw where the pitch says a character was skipped. Its low confidence travels with it, so the
    check digits, or in a name the other readings, decide whether it stands."""
    near = [peak for peak in read.weak_peaks if abs(peak[0] - where) <= pitch / 2]
    return max(near, key=lambda peak: peak[2], default=None)


def mark_missing_starts(reads: list[LineRead], tolerance: float = 0.7) -> list[LineRead]:
    """Put '?' before lines whose first character sits a pitch or more right of the other lines' first.

    Every MRZ line starts at the same place and the lines are cut with one common extent, so a line that
    starts later lost its first character(s): read as it is, everything in it would shift by one.
    """
    starts = []
    for read in reads:
        gaps = np.diff(np.array(read.position)) if len(read.position) >= 8 else np.array([])
        pitch = float(np.median(gaps)) if gaps.size else 0.0
        starts.append(read.position[0] / pitch if pitch >= MIN_FRAMES_PER_CHAR else None)
    known = [s for s in starts if s is not None]
    if len(known) < 2:
        return reads
    earliest = min(known)
    out = []
    for read, start in zip(reads, starts, strict=True):
        missing = int(round(start - earliest)) if start is not None and start - earliest >= tolerance else 0
        if missing:
            read = replace(
                read,
                text=MISSING * missing + read.text,
                alternatives=(frozenset(),) * missing + read.alternatives,
                char_confidence=(0.0,) * missing + read.char_confidence,
                alternative_probs=((),) * missing + read.alternative_probs,
                position=tuple(read.position[0] - (missing - m) for m in range(missing)) + read.position,
                guessed=tuple(g + missing for g in read.guessed),
            )
        out.append(read)
    return out
