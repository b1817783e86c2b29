"""The MRZ name field's shape (Doc 9303 Part 3, 4.6): PRIMARY<<SECONDARY<NAMES, padded with fillers."""

from __future__ import annotations

import pytest

from edge.document.mrz_parse import letter_may_follow, well_formed_name


@pytest.mark.parametrize(
    "name",
    [
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",  # Doc 9303 Part 4 specimen
        "TIKOBE<<NOANAN<<<<<<<<<<<<<<<<",
        "SA<YA<<NESESERA<TAEL<TIDORA<<<",  # two-part surname
        "MOHAMMED<<<<<<<<<<<<<<<<<<<<<<",  # primary identifier only
        "DE<SOUSA<<<<<<<<<<<<<<<<<<<<<<",  # a two-part primary identifier only
        "ABDULRAHMANALKHATEEBSHARIF<<MU",  # truncated: ends in a letter
    ],
)
def test_names_an_issuer_prints_are_well_formed(name):
    assert well_formed_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "ELKORIMA<<TIORBE<<<<<<<<<<<<<<K",  # a filler read as K after the names
        "SMITH<<<ANNA<<<<<<<<<<<<<<<<<<",  # three fillers between the identifiers
        "<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<",  # no primary identifier
        "SMITH<<ANNA<<MARIA<<<<<<<<<<<<",  # a second double filler
        "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<",  # nothing at all
        "AN<CYA<TAKOVAZU<MIMIRITI<<<<<<",  # 'AN<<YA...' with a filler read as C: no separator, four parts
        "ELBABEMIKSOYA<KTAELAN<ZULESORA<ORTAUMSE",  # 'ELBABEMI<SOYA<<TAELAN...' with fillers read as K
        "CANNA<CNOBE<<<<<<<<<<<<<<<<<<<",  # 'CANNA<<NOBE' with a filler read as C by every reading
        "DIALLO<KADIATOU<<<<<<<<<<<<<<<",  # 'DIALLO<<KADIATOU' with a filler read as K
    ],
)
def test_names_of_no_icao_shape_are_not(name):
    assert not well_formed_name(name)


@pytest.mark.parametrize(
    ("name_start", "may"),
    [
        ("", True),
        ("SMITH", True),
        ("SMITH<", True),  # a second part of the primary identifier
        ("SMITH<<", True),  # the secondary identifier begins
        ("SMITH<<ANNA<", True),
        ("SMITH<<<", False),  # three fillers: the name has ended
        ("SMITH<<ANNA<<", False),  # a second double filler: the name has ended
        ("NAKOZU<<<<<<", False),
    ],
)
def test_a_letter_may_follow_a_name_only_where_the_name_has_not_ended(name_start, may):
    assert letter_may_follow(name_start) is may
