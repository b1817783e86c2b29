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
    text, alts, conf, probs, pos = [], [], [], [], []
    previous = None
    for k in range(len(read.text)):
        if not keep[k]:
            continue
        if previous is not None:
            missing = int(round((read.position[k] - previous) / pitch)) - 1
            if (read.position[k] - previous) >= SKIP_RATIO * pitch and missing > 0:
                for m in range(missing):
                    text.append(MISSING)
                    alts.append(frozenset())
                    conf.append(0.0)
                    probs.append(())
                    pos.append(previous + (m + 1) * pitch)
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
    )
