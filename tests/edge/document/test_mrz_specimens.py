"""The ICAO 9303 specimen MRZs (the fictional state of Utopia) parse to their published fields.

Sources (lines as published by ICAO, Doc 9303 8th edition, 2021; found quoted verbatim in many public MRZ
libraries' tests):
- TD3: Part 4, Appendix A, specimen passport data page (Anna Maria Eriksson).
- TD1: Part 5, Appendix A/B, specimen identity card; extended document number: Part 11, Appendix D.2 (Peter John
  Stevenson, D23145890734).
- TD2: Part 6, Appendix A, specimen card; extended document number: Part 11, Appendix D.2.
- MRV-A / MRV-B: Part 7, Appendix A, specimen visas.
"""

from __future__ import annotations

import datetime as dt

import pytest

from edge.document.check_digits import check_digit
from edge.document.errors import InvalidMRZ
from edge.document.mrz_build import MrzIdentity, build_mrz
from edge.document.mrz_formats import FORMATS
from edge.document.mrz_parse import parse_mrz

TODAY = dt.date(2026, 11, 22)

TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
TD1 = ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
TD2 = ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6")
MRV_A = ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L8988901C4XXX4009078F96121096ZE184226B<<<<<<")
MRV_B = ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<")
TD1_LONG = ("I<UTOD23145890<7349<<<<<<<<<<<", "3407127M9507122UTO<<<<<<<<<<<2", "STEVENSON<<PETER<JOHN<<<<<<<<<")
TD2_LONG = ("I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<", "D23145890<UTO3407127M95071227349<<<8")


def test_check_digits_of_the_specimen_values():
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("120415") == "9"
    assert check_digit("ZE184226B<<<<<") == "1"
    assert check_digit("D23145890734") == "9"


@pytest.mark.parametrize(
    ("lines", "layout"), [(TD3, "TD3"), (TD1, "TD1"), (TD2, "TD2"), (MRV_A, "MRV-A"), (MRV_B, "MRV-B")]
)
def test_eriksson_specimens_parse_to_the_published_fields(lines, layout):
    parsed = parse_mrz(lines, TODAY)
    assert parsed.valid, parsed.failing
    assert parsed.format == layout
    f = parsed.fields
    assert (f.issuing_state, f.surname, f.given_names, f.sex) == ("UTO", "ERIKSSON", "ANNA MARIA", "F")
    if layout.startswith("MRV"):
        assert (f.document_code, f.document_number, f.nationality) == ("V", "L8988901C", "XXX")
        assert f.birth_date == dt.date(1940, 9, 7)
        assert f.expiry_date == dt.date(1996, 12, 10)  # century rule: '96' in 2026 is 1996
    else:
        assert f.nationality == "UTO"
        assert f.birth_date == dt.date(1974, 8, 12)
        assert f.expiry_date == dt.date(2012, 4, 15)
    if layout == "TD3":
        assert (f.document_code, f.document_number, f.optional_data) == ("P", "L898902C3", "ZE184226B")
        assert [c.name for c in parsed.checks] == [
            "document_number",
            "birth_date",
            "expiry_date",
            "optional_data",
            "composite",
        ]
    if layout in ("TD1", "TD2"):
        assert (f.document_code, f.document_number) == ("I", "D23145890")


@pytest.mark.parametrize("lines", [TD1_LONG, TD2_LONG])
def test_document_numbers_longer_than_nine_characters_continue_in_the_optional_data(lines):
    parsed = parse_mrz(lines, TODAY)
    assert parsed.valid, parsed.failing
    assert parsed.fields.document_number == "D23145890734"
    assert (parsed.fields.surname, parsed.fields.given_names, parsed.fields.sex) == ("STEVENSON", "PETER JOHN", "M")
    assert parsed.fields.birth_date == dt.date(1934, 7, 12)


@pytest.mark.parametrize("lines", [TD3, TD1, TD2, MRV_A, MRV_B])
def test_building_the_specimen_identity_gives_back_the_published_lines(lines):
    parsed = parse_mrz(lines, TODAY)
    f = parsed.fields
    identity = MrzIdentity(
        parsed.format,
        f.document_code,
        f.issuing_state,
        f.surname,
        f.given_names,
        f.document_number,
        f.nationality,
        f.birth_date,
        f.sex,
        f.expiry_date,
        f.optional_data if parsed.format != "MRV-A" else "6ZE184226B",
    )
    assert build_mrz(identity) == lines


def test_one_changed_digit_fails_its_check_and_the_composite_and_is_named():
    tampered = (TD3[0], TD3[1].replace("7408122", "7408132"))
    parsed = parse_mrz(tampered, TODAY)
    assert not parsed.valid
    assert parsed.failing == ["birth_date", "composite"]
    assert parsed.fields.birth_date == dt.date(1974, 8, 13)  # the fields are still reported, marked invalid


def test_letters_in_a_date_are_a_field_problem_not_a_crash():
    parsed = parse_mrz((TD3[0], TD3[1].replace("740812", "74O8I2")), TODAY)
    assert not parsed.valid
    assert "birth_date" in parsed.failing
    assert parsed.fields.birth_date is None


def test_impossible_calendar_date_is_reported():
    lines = build_mrz(
        MrzIdentity("TD3", "P", "UTO", "A", "B", "X1", "UTO", dt.date(1990, 1, 1), "M", dt.date(2030, 1, 1))
    )
    bad = lines[1][:13] + "901301" + lines[1][19:]  # month 13
    parsed = parse_mrz((lines[0], bad), TODAY)
    assert any(p.field == "birth_date" and "calendar" in p.problem for p in parsed.problems)


def test_unknown_birth_date_parts_may_be_fillers():
    lines = build_mrz(
        MrzIdentity("TD3", "P", "UTO", "A", "B", "X1", "UTO", dt.date(1990, 1, 1), "X", dt.date(2030, 1, 1))
    )
    line2 = lines[1][:13] + "90<<<<" + lines[1][19:]
    line2 = line2[:19] + check_digit("90<<<<") + line2[20:]
    parsed = parse_mrz((lines[0], line2[:43] + check_digit(line2[0:10] + line2[13:20] + line2[21:43])), TODAY)
    assert parsed.fields.birth_date is None
    assert parsed.fields.sex == "X"
    assert parsed.valid, parsed.failing


def test_a_block_of_the_wrong_shape_is_a_named_error_with_a_remedy():
    with pytest.raises(InvalidMRZ) as caught:
        parse_mrz(("P<UTOERIKSSON", "L898902C36"), TODAY)
    assert "no ICAO 9303 layout" in caught.value.problem
    assert "rescan" in caught.value.remedy


def test_birth_is_always_in_the_past_and_expiry_in_the_window():
    lines = build_mrz(
        MrzIdentity("TD3", "P", "UTO", "A", "B", "X1", "UTO", dt.date(2026, 12, 1), "F", dt.date(2070, 1, 1))
    )
    parsed = parse_mrz(lines, TODAY)
    assert parsed.fields.birth_date == dt.date(1926, 12, 1)  # 2026-12-01 is after TODAY, so it must be 1926
    assert parsed.fields.expiry_date == dt.date(2070, 1, 1)


def test_an_unknown_state_code_makes_the_mrz_invalid_even_with_good_check_digits():
    lines = build_mrz(
        MrzIdentity("TD3", "P", "QQQ", "DOE", "JO", "X1", "OTO", dt.date(1980, 1, 1), "M", dt.date(2030, 1, 1))
    )
    parsed = parse_mrz(lines, TODAY)
    assert all(c.ok for c in parsed.checks)
    assert not parsed.valid
    assert parsed.failing == ["issuing_state", "nationality"]


@pytest.mark.parametrize(
    ("layout", "unchecked"),
    [
        ("TD3", {"document_code", "issuing_state", "name", "nationality", "sex"}),
        ("TD1", {"document_code", "issuing_state", "nationality", "sex", "name"}),
        ("MRV-A", {"document_code", "issuing_state", "name", "nationality", "sex", "optional_data"}),
    ],
)
def test_the_fields_no_check_digit_protects_are_known(layout, unchecked):
    assert {f.name for f in FORMATS[layout].unchecked_fields()} == unchecked
