"""Judging a reading against a page's expected outcome: what counts as right, and the one cause of each failure."""

from __future__ import annotations

import datetime as dt

import pytest

from benchmarks.mrz_outcomes import CAUSES, Answer, expected_outcome_of, judge

TODAY = dt.date(2026, 1, 1)
ICAO_TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
OTHER_TD3 = ("P<UTOSMITH<<JOHN<<<<<<<<<<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
FAILS_AS_PRINTED = (ICAO_TD3[0], "L898902C36UTO7408122F1204159ZE184226B<<<<<<<")


def page(lines, expected="read", acceptable=None) -> dict:
    return {"mrz": list(lines), "expected_outcome": expected, "acceptable_mrz": acceptable or [list(lines)]}


def test_a_valid_exact_read_is_right_and_one_wrong_character_is_wrong_but_valid():
    assert judge(page(ICAO_TD3), Answer(True, True, ICAO_TD3, "read as printed")).ok
    misread = (ICAO_TD3[0].replace("ANNA", "ANNE"), ICAO_TD3[1])
    verdict = judge(page(ICAO_TD3), Answer(True, True, misread, "read as printed"))
    assert not verdict.ok and verdict.cause == "wrong_but_valid"


def test_an_mrz_invalid_as_printed_must_come_back_as_a_finding_with_its_lines_as_printed():
    truth = page(FAILS_AS_PRINTED, "invalid_as_printed")
    failed = frozenset({"check_digits"})
    finding = Answer(True, False, FAILS_AS_PRINTED, "check digit fails as printed", failed, "fails_as_printed")
    assert judge(truth, finding).ok
    repaired = Answer(True, True, ICAO_TD3, "2 repair(s), every check digit holds")
    assert judge(truth, repaired).cause == "wrong_but_valid"
    refused = Answer(True, False, FAILS_AS_PRINTED, "check digits fail: composite", failed)
    assert judge(truth, refused).cause == "check_digit_refusal"  # "rescan" leaves the officer without the fields
    other_lines = Answer(True, False, ICAO_TD3, "check digits fail: composite", failed, "fails_as_printed")
    assert judge(truth, other_lines).cause == "check_digit_refusal"


def test_a_two_card_scan_may_be_refused_or_read_as_either_card_but_never_as_a_mix():
    truth = page(ICAO_TD3, "either_card", [list(ICAO_TD3), list(OTHER_TD3)])
    assert judge(truth, Answer(False, False, None, "no machine readable zone found")).ok
    assert judge(truth, Answer(True, False, None, "no ICAO 9303 layout has 44 + 44 + 44")).ok
    assert judge(truth, Answer(True, True, OTHER_TD3, "read as printed")).ok
    mix = (OTHER_TD3[0], "L898902C36UTO7408122F1204159ZE184226B<<<<<11")
    assert judge(truth, Answer(True, True, mix, "read as printed")).cause == "wrong_but_valid"


def test_an_unknown_code_is_right_when_its_lines_come_back_as_printed_with_the_code_check_failed():
    lines = ("P<ASUERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", ICAO_TD3[1])
    truth = page(lines, "unknown_code")
    code = frozenset({"issuing_state_known"})
    assert judge(truth, Answer(True, False, lines, "unknown state code", code, "unknown_state_code")).ok
    assert judge(truth, Answer(True, True, lines, "read as printed", code)).ok  # valid, the failed check shown
    assert judge(truth, Answer(True, True, lines, "read as printed")).cause == "wrong_but_valid"
    refused = Answer(True, False, lines, "unreadable or impossible: issuing_state", code)
    assert judge(truth, refused).cause == "unknown_code"
    misread = (lines[0], lines[1].replace("L898", "L8B8"))
    digits = Answer(True, False, misread, "check digits fail: document_number; unreadable: issuing_state", code)
    assert judge(truth, digits).cause == "check_digit_refusal"  # refused for its misreading, not for the code


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        (Answer(False, False, None, "no machine readable zone found on the image"), "no_mrz_found"),
        (Answer(True, False, None, "no ICAO 9303 layout has 58 + 44 + 44 characters"), "layout_mismatch"),
        (Answer(True, False, ("P<UTO",) * 3, "the MRZ has 3 lines"), "layout_mismatch"),
        (
            Answer(
                True, False, ICAO_TD3, "readings at different stretches disagree where no check digit protects: name"
            ),
            "name_disagreement",
        ),
        (Answer(True, False, ICAO_TD3, "check digits fail: document_number"), "check_digit_refusal"),
        (Answer(True, False, ICAO_TD3, "time budget of 3 s spent before the readings agreed"), "timeout_budget"),
        (Answer(True, False, ICAO_TD3, "something else"), "other_refusal"),
    ],
)
def test_each_refusal_of_a_readable_page_has_one_cause(answer, cause):
    verdict = judge(page(ICAO_TD3), answer)
    assert not verdict.ok and verdict.cause == cause and cause in CAUSES


def test_the_expected_outcome_of_a_printed_mrz_follows_its_check_digits_and_codes():
    assert expected_outcome_of(ICAO_TD3, TODAY) == "read"
    assert expected_outcome_of(FAILS_AS_PRINTED, TODAY) == "invalid_as_printed"
    assert expected_outcome_of(("P<ASUERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", ICAO_TD3[1]), TODAY) == "unknown_code"
