"""Finding the MRZ among the detector's text boxes, when the detector saw only part of it."""

from __future__ import annotations

import numpy as np

from edge.document.locate import MrzBlock, find_mrz, mrz_candidates, same_block, upright_crops


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


def _bars_page() -> np.ndarray:
    """Two 'MRZ lines' of 30 black bars (12 px wide, one every 24 px, x = 60..768) on white."""
    page = np.full((200, 900, 3), 255, np.uint8)
    for top in (40, 100):
        for k in range(30):
            page[top : top + 30, 60 + 24 * k : 72 + 24 * k] = 0
    return page


def _bar_widths(crop: np.ndarray) -> list[int]:
    inked = (crop.min(axis=2) < 128).any(axis=0).astype(int)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], inked, [0]])))
    return list(edges[1::2] - edges[0::2])


def test_a_line_whose_box_ends_inside_its_last_character_is_cut_past_that_character():
    cut = MrzBlock(0.0, (box(50, 34, 762, 76), box(50, 94, 760, 136)), 0.0, 0)  # both end inside the last bar
    crops, _ = upright_crops(_bars_page(), cut, flip=False)
    for crop in crops:
        widths = _bar_widths(crop)
        assert len(widths) == 30 and set(widths) == {12}  # every bar whole, the last one too
        assert not (crop[:, -5:].min(axis=2) < 128).any()  # blank room after the last character


def test_a_line_whose_box_ends_in_blank_keeps_the_box_extent():
    clear = MrzBlock(0.0, (box(40, 34, 800, 76), box(40, 94, 800, 136)), 0.0, 0)  # 20 px of blank at each end
    crops, _ = upright_crops(_bars_page(), clear, flip=False)
    assert [c.shape[1] for c in crops] == [760, 760]
    assert all(_bar_widths(c) == [12] * 30 for c in crops)


def test_a_line_whose_box_stops_a_whole_character_short_gets_that_character_back():
    short = MrzBlock(0.0, (box(50, 34, 746, 76), box(50, 94, 746, 136)), 0.0, 0)  # the last bar starts at 756
    crops, _ = upright_crops(_bars_page(), short, flip=False)
    assert all(_bar_widths(c) == [12] * 30 for c in crops)


def test_a_box_that_catches_the_dark_backdrop_under_the_page_is_cut_to_its_own_line():
    # A box running off the page's edge holds rows that are all ink (the table under the document): the line is
    # still cut to its characters' height, not to a sliver (which made one reading take a minute).
    page = np.full((200, 900, 3), 255, np.uint8)
    for top in (40, 100):
        for k in range(30):
            page[top : top + 30, 60 + 24 * k : 64 + 24 * k] = 0  # thin strokes: under a quarter of a row is ink
    page[140:150] = 0  # the page ends 10 px under the second line
    edge = MrzBlock(0.0, (box(40, 28, 800, 76), box(40, 88, 800, 150)), 0.0, 0)
    crops, _ = upright_crops(page, edge, flip=False)
    assert [c.shape[0] >= 30 for c in crops] == [True, True]
    assert all(_bar_widths(c) == [4] * 30 for c in crops)


def test_every_block_of_long_parallel_lines_is_a_candidate_more_lines_first():
    title = box(40, 76, 500, 110)  # 'CARTE NATIONALE D'IDENTITÉ': starts where the heading starts, one pitch below
    mrz = [box(50, 400 + 46 * k, 420, 440 + 46 * k) for k in range(3)]  # shorter than the heading: fillers unseen
    candidates = mrz_candidates([HEADING, title, *mrz])
    assert [len(c.lines) for c in candidates] == [3, 2]
    assert not any(np.array_equal(line, HEADING) for line in candidates[0].lines)
    assert any(np.array_equal(line, HEADING) for line in candidates[1].lines)
    first = find_mrz([HEADING, title, *mrz])
    assert first is not None and len(first.lines) == 3


def test_the_same_lines_found_by_two_looks_are_one_block():
    lines = [box(50, 400 + 46 * k, 650, 440 + 46 * k) for k in range(2)]
    seen_closer = [line + np.float32([3, -4]) for line in lines]
    assert same_block(find_mrz(lines), find_mrz(seen_closer))
    assert not same_block(find_mrz(lines), find_mrz([line + np.float32([0, 46]) for line in lines]))
