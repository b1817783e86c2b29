"""Issuing state and nationality codes come from the code list kept in the repo (ISO 3166-1 + ICAO specials)."""

from __future__ import annotations

import pytest

from edge.document.codes import CODES_FILE, lookup, valid_issuer, valid_nationality


def test_the_code_list_names_its_sources():
    head = CODES_FILE.read_text(encoding="utf-8")[:800]
    assert "Doc 9303" in head and "iso-codes" in head


@pytest.mark.parametrize(
    "code", ["FRA", "NER", "MLI", "D<<", "UTO", "EUE", "UNO", "UNA", "UNK", "XOM", "XPO", "XDC", "GBN", "XCC"]
)
def test_states_and_organisations_may_issue(code):
    assert valid_issuer(code)
    assert valid_nationality(code)


@pytest.mark.parametrize("code", ["XXA", "XXB", "XXC", "XXX"])
def test_stateless_and_refugee_codes_are_nationalities_not_issuers(code):
    assert valid_nationality(code)
    assert not valid_issuer(code)


@pytest.mark.parametrize("code", ["ZZZ", "QQQ", "DEX", "<<<", "U7O"])
def test_unknown_codes_are_refused(code):
    assert lookup(code) is None
    assert not valid_issuer(code) and not valid_nationality(code)


def test_germany_is_d_with_fillers():
    assert lookup("D<<").name.startswith("Germany")
