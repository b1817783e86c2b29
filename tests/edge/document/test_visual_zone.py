"""The visual zone read and compared with the MRZ: equal values pass, an altered document number is flagged."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from benchmarks.datapages import generate_page
from edge.document.mrz_build import MrzIdentity, build_mrz
from edge.document.ocr import MrzOcr
from edge.document.reader import DocumentReader
from edge.image import load_image

TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def reader() -> DocumentReader:
    return DocumentReader(MrzOcr())


def identity_of(page) -> MrzIdentity:
    fields = dict(page.truth["identity"])
    for name in ("birth_date", "expiry_date"):
        fields[name] = dt.date.fromisoformat(fields[name])
    return MrzIdentity(**fields)


def checks_by_name(reading) -> dict:
    return {c.name: c for c in reading.checks}


def test_a_page_whose_visual_zone_agrees_with_its_mrz_passes_both_comparisons(reader):
    page = generate_page(5, "TD3", "clean")
    reading = reader.read(load_image(page.jpeg), TODAY, portrait=False, visual_zone=True)
    checks = checks_by_name(reading)
    assert reading.valid
    assert checks["visual_zone_document_number"].ok and checks["visual_zone_surname"].ok
    assert "visual_zone" in reading.timings_ms


def test_an_mrz_with_another_document_number_than_the_visual_zone_is_flagged(reader):
    page = generate_page(5, "TD3", "clean")
    identity = identity_of(page)
    number = identity.document_number
    altered = number[:-1] + str((int(number[-1]) + 3) % 10)  # a valid MRZ, check digits recomputed
    forged = generate_page(5, "TD3", "clean", mrz_lines=build_mrz(replace(identity, document_number=altered)))
    reading = reader.read(load_image(forged.jpeg), TODAY, portrait=False, visual_zone=True)
    assert reading.valid and reading.mrz.fields.document_number == altered
    check = checks_by_name(reading)["visual_zone_document_number"]
    assert not check.ok
    assert number in check.detail and altered in check.detail


def test_without_the_visual_zone_option_no_comparison_is_made(reader):
    page = generate_page(5, "TD3", "clean")
    reading = reader.read(load_image(page.jpeg), TODAY, portrait=False)
    assert not any(c.name.startswith("visual_zone") for c in reading.checks)
