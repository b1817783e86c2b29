"""Why an MRZ was refused reads in the officer's language: on a French kiosk the reason, the fields it names and
the document checks are French, on an English one English; the finding and the fields' identifiers stay codes."""

from __future__ import annotations

import datetime as dt

import pytest

from benchmarks.datapages import generate_page
from checkpoint import i18n
from edge.document.checks import document_checks
from edge.document.errors import InvalidMRZ
from edge.document.mrz_parse import parse_mrz
from edge.document.mrz_repair import FAILS_AS_PRINTED, repair_mrz
from edge.document.ocr import MrzOcr
from edge.document.reader import DocumentReader
from edge.image import load_image

TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def reader() -> DocumentReader:
    return DocumentReader(MrzOcr())


@pytest.fixture(scope="module")
def misprinted_page() -> bytes:
    """A clean TD3 page whose birth-date check digit is printed wrong."""
    good = generate_page(24, "TD3", "clean").truth["mrz"]
    digit = good[1][19]
    bad = (good[0], good[1][:19] + str((int(digit) + 1) % 10) + good[1][20:])
    return generate_page(24, "TD3", "clean", mrz_lines=bad).jpeg


def test_a_check_digit_failing_as_printed_is_told_in_french_on_a_french_kiosk(reader, misprinted_page):
    with i18n.language("fr"):
        reading = reader.read(load_image(misprinted_page), TODAY, portrait=False)
        with pytest.raises(InvalidMRZ) as caught:
            reading.require_valid()
    assert reading.repair.finding == FAILS_AS_PRINTED and reading.mrz.failing == ["birth_date", "composite"]
    assert reading.repair.reason.startswith(
        "chiffre de contrôle faux tel qu'imprimé : date de naissance, chiffre de contrôle composite ("
    )
    assert "birth" not in reading.repair.reason and "check digit" not in reading.repair.reason
    assert caught.value.problem.startswith("la MRZ a été lue mais n'est pas fiable : chiffre de contrôle faux")
    by_name = {c.name: c.detail for c in reading.checks}
    assert by_name["check_digits"] == (
        "chiffre de contrôle faux tel qu'imprimé : date de naissance, chiffre de contrôle composite"
    )


def test_the_same_page_is_told_in_english_on_an_english_kiosk(reader, misprinted_page):
    with i18n.language("en"):
        reading = reader.read(load_image(misprinted_page), TODAY, portrait=False)
    assert reading.repair.reason.startswith("check digit fails as printed: birth date, composite check digit (")


def test_a_shape_no_layout_has_is_told_in_either_language():
    lines = ("I<UTOD231458907<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
    with i18n.language("fr"):
        french = repair_mrz(lines, TODAY).reason
    with i18n.language("en"):
        english = repair_mrz(lines, TODAY).reason
    assert french == "aucun format OACI 9303 n'a 22 + 30 + 30 caractères"
    assert english == "no ICAO 9303 layout has 22 + 30 + 30 characters"


def test_a_field_holding_impossible_characters_is_named_in_french():
    lines = ("I<UTOD231458907<<<<<<<<<<<<<<<", "74O8122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
    with i18n.language("fr"):
        checks = {c.name: c.detail for c in document_checks(parse_mrz(lines, TODAY), TODAY)}
    assert checks["field_characters"] == (
        "date de naissance : contient des caractères interdits dans un champ de chiffres : '74O812'"
    )
