"""Readings of one MRZ line at different stretches: combined where they align, trusted in fields no check digit
covers only where they agree."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from edge.document.mrz_align import MISSING
from edge.document.mrz_formats import FORMATS
from edge.document.mrz_repair import LOOKALIKE_SWAP, Repair, repair_mrz
from edge.document.mrz_vote import failing_checks_read_alike, unseen_swaps, unsettled_fields, vote_line
from edge.document.ocr import LineRead

TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
TODAY = dt.date(2026, 11, 22)


def reading(text: str, confidence: float = 0.95, rivals: dict[int, tuple[tuple[str, float], ...]] | None = None):
    n = len(text)
    conf = tuple(0.0 if ch == MISSING else confidence for ch in text)
    probs = tuple((rivals or {}).get(k, ()) for k in range(n))
    return LineRead(text, confidence, tuple(frozenset(ch for ch, _ in p) for p in probs), conf, probs)


def test_a_letter_one_reading_dropped_is_taken_from_the_others():
    dropped = "P<UTOERIK?SON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
    voted = vote_line([reading(dropped), reading(TD3[0]), reading(TD3[0])], 44)
    assert voted.text == TD3[0]
    assert repair_mrz((voted.text, TD3[1]), TODAY).accepted


def test_a_reading_of_another_length_is_left_out_of_the_vote():
    voted = vote_line([reading(TD3[1]), reading(TD3[1][:30]), reading(TD3[1])], 44)
    assert voted.text == TD3[1]


def test_names_the_readings_agree_on_are_settled():
    readings = [[reading(TD3[0]), reading("P<UTOERIK?SON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"), reading(TD3[0])]]
    readings.append([reading(TD3[1])] * 3)
    assert unsettled_fields(FORMATS["TD3"], TD3, readings) == []


def test_a_filler_one_reading_saw_as_k_leaves_the_name_unsettled_even_when_the_vote_says_filler():
    k_for_filler = "P<UTOERIKSSONK<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
    readings = [[reading(TD3[0]), reading(k_for_filler), reading(TD3[0])], [reading(TD3[1])] * 3]
    assert vote_line(readings[0], 44).text == TD3[0]
    assert unsettled_fields(FORMATS["TD3"], TD3, readings) == ["name"]


def test_a_letter_read_after_the_name_has_ended_is_no_evidence_against_the_fillers():
    # Stretched, the recogniser reads fillers as 'C'; after 'ERIKSSON<<ANNA<MARIA<<<' no name an issuer prints
    # has a letter, so two readings seeing one there (once each) leave the name settled...
    late_c = "P<UTOERIKSSON<<ANNA<MARIA<<<C<<<<<<<<<<<<<<<"
    last_c = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<C"
    readings = [[reading(TD3[0]), reading(late_c), reading(last_c)], [reading(TD3[1])] * 3]
    assert unsettled_fields(FORMATS["TD3"], TD3, readings) == []
    # ...and fillers there need no clear reading: the last character at the line's edge is often barely seen.
    edge_faint = replace(reading(TD3[0]), char_confidence=(0.95,) * 43 + (0.4,))
    faint_end = [[edge_faint, edge_faint, reading(last_c)], [reading(TD3[1])] * 3]
    assert unsettled_fields(FORMATS["TD3"], TD3, faint_end) == []
    # But where a name may go on, a letter seen twice is evidence: 'MARIA<C' could be a third given name.
    third_name = "P<UTOERIKSSON<<ANNA<MARIA<C<<<<<<<<<<<<<<<<<"
    readings = [[reading(TD3[0]), reading(third_name), reading(third_name)], [reading(TD3[1])] * 3]
    assert unsettled_fields(FORMATS["TD3"], TD3, readings) == ["name"]


def test_letters_read_after_the_name_still_count_when_the_name_holds_one_a_filler_would_fit():
    # Real-like TD3 seed 19: every reading saw the '<<' of 'CANNA<<NOBE' as '<C', and some saw 'C's after the
    # name too. Those 'C's show this line's fillers read as 'C': the name's own 'C' may be one, so they count.
    final = ("P<CANCANNA<CNOBE<<<<<<<<<<<<<<<<<<<<<<<<<<<<", TD3[1])
    late_c = "P<CANCANNA<CNOBE<<<<<<<<<<C<<<<C<<<<<<<<<<<<"
    readings = [[reading(final[0]), reading(late_c), reading(late_c)], [reading(TD3[1])] * 3]
    assert unsettled_fields(FORMATS["TD3"], final, readings) == ["name"]


def test_a_late_letter_the_ocr_did_not_favour_shows_no_confusion():
    # Real-like visa B seed 0: an 'S' at 0.41 at the line's very edge. 'ERIKSSON' could be 'ERIK<SON' had the 'S'
    # been a misread filler; only a late 'S' the OCR favoured says this line's fillers are read so.
    late_s = TD3[0][:-1] + "S"
    for confidence, unsettled in ((0.41, []), (0.95, ["name"])):
        seen = replace(reading(late_s), char_confidence=(0.95,) * 43 + (confidence,))
        readings = [[reading(TD3[0]), reading(TD3[0]), seen], [reading(TD3[1])] * 3]
        assert unsettled_fields(FORMATS["TD3"], TD3, readings) == unsettled


def test_a_letter_only_one_reading_saw_stands_only_when_the_ocr_was_sure_of_it():
    gap = "P<UTOERIK?SON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
    lines = [TD3[0], gap, gap]
    sure = [[reading(t) for t in lines], [reading(TD3[1])] * 3]
    unsure = [[reading(TD3[0], 0.6), reading(gap), reading(gap)], [reading(TD3[1])] * 3]
    assert unsettled_fields(FORMATS["TD3"], TD3, sure) == []
    assert unsettled_fields(FORMATS["TD3"], TD3, unsure) == ["name"]


def test_a_state_code_misread_as_no_code_at_all_does_not_stand_against_a_known_code():
    misread = TD3[0][:2] + "0T0" + TD3[0][5:]  # 'OTO' is on no ICAO list; 'UTO' is
    readings = [[reading(TD3[0]), reading(misread), reading(TD3[0])], [reading(TD3[1])] * 3]
    assert unsettled_fields(FORMATS["TD3"], TD3, readings) == []
    other_state = TD3[0][:2] + "NER" + TD3[0][5:]  # a real code: two readings, two states
    readings = [[reading(TD3[0]), reading(other_state), reading(TD3[0])], [reading(TD3[1])] * 3]
    assert unsettled_fields(FORMATS["TD3"], TD3, readings) == ["issuing_state"]


def test_a_state_code_read_with_a_gap_no_code_could_fill_does_not_stand_against_a_known_code():
    no_code = TD3[0][:2] + "O?O" + TD3[0][5:]  # no ICAO code is O-something-O
    readings = [[reading(TD3[0]), reading(no_code), reading(TD3[0])], [reading(TD3[1])] * 3]
    assert unsettled_fields(FORMATS["TD3"], TD3, readings) == []
    another_code = TD3[0][:2] + "N?R" + TD3[0][5:]  # could be NER or NOR: it counts against UTO
    readings = [[reading(TD3[0]), reading(another_code), reading(TD3[0])], [reading(TD3[1])] * 3]
    assert unsettled_fields(FORMATS["TD3"], TD3, readings) == ["issuing_state"]


def test_one_reading_against_three_does_not_overturn_them_but_one_against_two_does():
    k_for_filler = "P<UTOERIKSSONK<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
    three = [[reading(TD3[0]), reading(k_for_filler), reading(TD3[0]), reading(TD3[0])], [reading(TD3[1])] * 4]
    assert unsettled_fields(FORMATS["TD3"], TD3, three) == []
    two = [[reading(TD3[0]), reading(k_for_filler), reading(TD3[0])], [reading(TD3[1])] * 3]
    assert unsettled_fields(FORMATS["TD3"], TD3, two) == ["name"]


def test_a_reading_that_lost_a_run_of_characters_is_no_evidence_against_the_others_on_that_line():
    lost_its_place = "P<UTOE???SONK<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"  # and read the filler after SON as K
    readings = [[reading(TD3[0]), reading(lost_its_place), reading(TD3[0])], [reading(TD3[1])] * 3]
    assert unsettled_fields(FORMATS["TD3"], TD3, readings) == []
    only_it = [[reading(lost_its_place), reading(lost_its_place)], [reading(TD3[1])] * 2]
    nothing_stands_on_line_1 = ["document_code", "issuing_state", "name"]
    assert unsettled_fields(FORMATS["TD3"], TD3, only_it) == nothing_stands_on_line_1


def test_weak_readings_agreeing_on_a_letter_do_not_settle_a_name_without_one_clear_reading():
    # Three readings half saw the 'K' the others skipped (weak peaks, see mrz_align): agreement of guesses.
    gap = "P<UTOERIK?SON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
    faint = [reading(TD3[0], 0.2), reading(TD3[0], 0.3), reading(gap)]
    one_clear = [reading(TD3[0], 0.2), reading(TD3[0], 0.8), reading(gap)]
    assert unsettled_fields(FORMATS["TD3"], TD3, [faint, [reading(TD3[1])] * 3]) == ["name"]
    assert unsettled_fields(FORMATS["TD3"], TD3, [one_clear, [reading(TD3[1])] * 3]) == []


def test_a_look_alike_swap_is_unseen_unless_some_reading_of_the_line_read_the_new_character():
    # Printed 'Z...' where the check digit needs '2': the repair's swap is only trusted if a reading saw a '2'.
    swap = Repair(1, 0, "document_number", "Z", "2", LOOKALIKE_SWAP)
    zero = Repair(1, 3, "document_number", "O", "0", "O/0 in an alphanumeric field")
    as_z = "Z" + TD3[1][1:]
    names = [reading(TD3[0])] * 3
    never = [names, [reading(as_z)] * 3]
    once = [names, [reading(as_z), reading("2" + TD3[1][1:]), reading(as_z)]]
    other_length = [names, [reading(as_z), reading("2" + TD3[1][1:40]), reading(as_z)]]
    assert unseen_swaps((swap, zero), never, 44) == [swap]
    assert unseen_swaps((swap, zero), once, 44) == []
    assert unseen_swaps((swap,), other_length, 44) == [swap]


def test_a_failing_check_digit_is_as_printed_only_when_every_reading_saw_what_it_covers_alike():
    # The page prints birth date 740812 with check digit 3 (it should be 2): every reading sees '3'.
    printed = (TD3[0], TD3[1][:19] + "3" + TD3[1][20:])
    names = [reading(TD3[0])] * 3
    alike = [names, [reading(printed[1])] * 3]
    one_other = [names, [reading(printed[1]), reading(printed[1]), reading(TD3[1])]]  # one reading saw the '2'
    seen_once = [names, [reading(printed[1]), reading(printed[1][:19] + MISSING + printed[1][20:])] + [reading("")]]
    layout = FORMATS["TD3"]
    assert failing_checks_read_alike(layout, printed, ["birth_date", "composite"], alike)
    assert not failing_checks_read_alike(layout, printed, ["birth_date", "composite"], one_other)
    assert not failing_checks_read_alike(layout, printed, ["birth_date", "composite"], seen_once)
