"""Lost/stolen documents: exact match on state + normalised number, and the ICAO 9303 check digit respected."""

from __future__ import annotations

import datetime as dt

import pytest

from watchlists.documents import DocumentList, ListedDocument, icao_check_digit, normalise_number

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("field", "digit"),
    [
        ("L898902C3", "6"),  # ICAO 9303 Part 4 specimen passport (TD3)
        ("D23145890", "7"),  # ICAO 9303 Part 5 specimen card (TD1)
        ("740812", "2"),  # specimen date of birth
        ("<<<<<<<<<", "0"),
    ],
)
def test_check_digit_matches_icao_specimens(field, digit):
    assert icao_check_digit(field) == digit


def test_numbers_are_compared_without_separators_or_case():
    assert normalise_number(" l898-902 c3<< ") == "L898902C3"


def _list(review_by: dt.date = TODAY + dt.timedelta(days=30)) -> DocumentList:
    return DocumentList(
        [
            ListedDocument("d1", "UTO", "L898902C3", "P", TODAY, review_by, "lost-stolen", "reported stolen"),
            ListedDocument("d2", "MLI", "AA0012345", "P", TODAY, review_by, "lost-stolen", "reported lost"),
        ]
    )


def test_listed_document_is_hit_on_exact_state_and_number():
    screen = _list().screen("uto", "L898 902 C3", check_digit="6", today=TODAY)
    assert screen.listed and [h.entry_id for h in screen.hits] == ["d1"]
    assert screen.flags == []


def test_same_number_from_another_state_is_not_a_hit():
    assert not _list().screen("NER", "L898902C3", today=TODAY).listed


def test_one_character_off_is_not_a_hit():
    assert not _list().screen("UTO", "L898902C4", today=TODAY).listed


def test_wrong_check_digit_is_flagged_not_silently_cleared():
    screen = _list().screen("UTO", "L898902C4", check_digit="6", today=TODAY)
    assert not screen.listed
    assert screen.needs_attention
    assert "check digit '6' does not fit" in screen.flags[0]


def test_wrong_check_digit_on_a_listed_number_is_both_hit_and_flagged():
    screen = _list().screen("UTO", "L898902C3", check_digit="1", today=TODAY)
    assert screen.listed and screen.flags


def test_entry_past_its_review_date_is_not_matched():
    stale = _list(review_by=TODAY - dt.timedelta(days=1))
    assert not stale.screen("UTO", "L898902C3", today=TODAY).listed
