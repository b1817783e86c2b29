"""Finding the MRZ among the detector's text boxes, when the detector saw only part of it."""

from __future__ import annotations

import numpy as np

from edge.document.locate import find_mrz


def box(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


HEADING = box(40, 20, 520, 70)  # 'IDENTITY CARD / XOM': long, alone


def test_mrz_lines_seen_only_up_to_their_filler_runs_are_still_found_below_a_longer_heading():
    starts = [box(50, 400 + 46 * k, 260 - 20 * k, 440 + 46 * k) for k in range(3)]  # ratio ~5, not 8
    block = find_mrz([HEADING, *starts])
    assert block is not None and len(block.lines) == 3
    assert not any(np.array_equal(line, HEADING) for line in block.lines)


def test_a_short_name_line_one_pitch_below_two_mrz_lines_joins_them():
    lines = [box(50, 400, 650, 440), box(50, 446, 650, 486), box(50, 492, 220, 532)]  # 'TA<<YAYA' + unseen fillers
    block = find_mrz([HEADING, *lines])
    assert block is not None and len(block.lines) == 3


def test_two_lines_far_from_each_other_are_no_mrz():
    assert find_mrz([HEADING, box(50, 400, 300, 440)]) is None
