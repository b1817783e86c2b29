"""Skipped and doubled characters are found from the MRZ's fixed pitch, and never read as a shifted MRZ."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from edge.document.mrz_align import MISSING, mark_gaps, mark_missing_starts
from edge.document.mrz_repair import repair_mrz
from edge.document.ocr import LineRead

TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
TODAY = dt.date(2026, 11, 22)


def read_at(text: str, positions: list[float]) -> LineRead:
    n = len(text)
    return LineRead(text, 0.99, (frozenset(),) * n, (0.99,) * n, ((),) * n, tuple(positions))


def test_a_character_skipped_inside_a_line_becomes_a_gap_marker():
    truth = TD3[1]
    skipped = 5
    text = truth[:skipped] + truth[skipped + 1 :]
    positions = [3.0 * k for k in range(len(truth)) if k != skipped]
    marked = mark_gaps(read_at(text, positions))
    assert marked.text == truth[:skipped] + MISSING + truth[skipped + 1 :]


def test_a_character_read_twice_keeps_the_stronger_reading():
    truth = TD3[1]
    text = truth[:8] + "Q" + truth[8:]
    positions = [3.0 * k for k in range(8)] + [3.0 * 8 - 1.0] + [3.0 * k for k in range(8, len(truth))]
    read = read_at(text, positions)
    weak = list(read.char_confidence)
    weak[8] = 0.3
    marked = mark_gaps(
        LineRead(read.text, read.confidence, read.alternatives, tuple(weak), read.alternative_probs, read.position)
    )
    assert marked.text == truth


def test_a_skipped_letter_in_a_name_refuses_the_mrz_instead_of_shifting_it():
    name_line = TD3[0][:8] + MISSING + TD3[0][9:]  # 'ERIK?SON'
    outcome = repair_mrz((name_line, TD3[1]), TODAY)
    assert not outcome.accepted


def test_a_skipped_filler_in_a_filler_run_is_filled_and_reported():
    line2 = TD3[1][:39] + MISSING + TD3[1][40:]
    name = TD3[0][:30] + MISSING + TD3[0][31:]
    outcome = repair_mrz((name, line2), TODAY)
    assert outcome.accepted and outcome.parsed.lines == TD3
    assert sum(r.reason == "skipped character inside a filler run" for r in outcome.repairs) == 2


def test_a_line_missing_its_first_character_is_marked_not_shifted():
    first = read_at(TD3[0][1:], [3.0 * k for k in range(1, 44)])  # 'P' not read: starts a pitch late
    second = read_at(TD3[1], [3.0 * k for k in range(44)])
    marked = mark_missing_starts([first, second])
    assert marked[0].text == MISSING + TD3[0][1:]
    assert marked[1].text == TD3[1]
    assert not repair_mrz([r.text for r in marked], TODAY).accepted


def test_a_skipped_character_the_recogniser_half_saw_is_filled_with_it_at_its_low_confidence():
    # 'HAPPY' read 'HAPP?': CTC's blank won over the thin 'Y', which still had 12 % there.
    name = "P<USATRAVELER<<HAPPY<<<<<<<<<<<<<<<<<<<<<<<<"
    text = name[:19] + name[20:]
    positions = [3.0 * k for k in range(len(name)) if k != 19]
    read = LineRead(
        text, 0.99, (frozenset(),) * 43, (0.99,) * 43, ((),) * 43, tuple(positions), weak_peaks=((57.0, "Y", 0.12),)
    )
    marked = mark_gaps(read)
    assert marked.text == name
    assert marked.char_confidence[19] == 0.12 and marked.guessed == (19,)
    far = replace(read, weak_peaks=((63.0, "Y", 0.12),))  # two pitches away: no evidence for this gap
    assert mark_gaps(far).text == name[:19] + MISSING + name[20:]
