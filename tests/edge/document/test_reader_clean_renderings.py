"""Clean text renderings of well-known public ICAO example MRZ strings read exactly (issue 15: their names' re-reads
disagreed and they were refused). Lines 2 are composed here, check digits computed; nothing from reserved repos."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from benchmarks.datapages import OCRB_ADVANCE, OCRB_FONT
from benchmarks.mrz_sets import public_strings
from edge.document.mrz_build import MrzIdentity, build_mrz
from edge.document.mrz_repair import FAILS_AS_PRINTED
from edge.document.ocr import MrzOcr
from edge.document.reader import DocumentReader
from edge.image import load_image

TODAY = dt.date(2026, 1, 1)
EXAMPLES = {
    "VNUSATRAVELER<<HAPPY": MrzIdentity(
        "MRV-A", "VN", "USA", "TRAVELER", "HAPPY", "123456789", "USA", dt.date(1980, 1, 1), "F", dt.date(2030, 1, 1)
    ),
    "P<INDSURNAME<<FIRST<NAME": MrzIdentity(
        "TD3", "P", "IND", "SURNAME", "FIRST NAME", "J8369854", "IND", dt.date(1959, 9, 11), "M", dt.date(2031, 11, 21)
    ),
}


@pytest.fixture(scope="module")
def reader() -> DocumentReader:
    return DocumentReader(MrzOcr())


def _rendering(lines: tuple[str, ...], size: int, margin: int = 40) -> np.ndarray:
    """Black OCR-B text on white, `size` px, lines 1.6 sizes apart: what a text-to-image test fixture looks like."""
    font = ImageFont.truetype(str(OCRB_FONT), size)
    width = int(len(lines[0]) * size * OCRB_ADVANCE) + 2 * margin
    image = Image.new("RGB", (width, int(len(lines) * size * 1.6) + 2 * margin), "white")
    for i, text in enumerate(lines):
        ImageDraw.Draw(image).text((margin, margin + i * size * 1.6), text, font=font, fill="black")
    return np.asarray(image)


@pytest.mark.parametrize("size", [16, 32])
@pytest.mark.parametrize("example", EXAMPLES)
def test_a_clean_rendering_of_a_public_example_mrz_is_read_exactly(reader, example, size):
    lines = build_mrz(EXAMPLES[example])
    assert lines[0].startswith(example)
    reading = reader.read(_rendering(lines, size), TODAY, portrait=False)
    assert reading.valid, reading.repair.reason
    assert reading.mrz.lines == lines


PUBLIC = {name: (data, truth) for name, data, truth in public_strings()}


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_example_string_rendered_as_bench_mrz_renders_it_is_judged_by_its_check_digits(reader, name):
    # Issue 15: 'HAPPY' was read 'HAPP?' (CTC's blank beat the thin 'Y') and refused; an MRZ printing fillers
    # where check digits belong was refused as unreadable instead of shown failing as printed.
    data, truth = PUBLIC[name]
    reading = reader.read(load_image(data), TODAY, portrait=False)
    assert reading.mrz is not None and reading.mrz.lines == tuple(truth["mrz"]), reading.repair.reason
    if truth["expected_outcome"] == "read":
        assert reading.valid, reading.repair.reason
    else:
        assert truth["expected_outcome"] == "invalid_as_printed"
        assert not reading.valid and reading.repair.finding == FAILS_AS_PRINTED


def test_a_visa_whose_optional_data_ends_in_a_character_after_its_fillers_is_refused_not_read(reader):
    # A visa's optional data has no check digit: its last filler read as 'K' at the line's edge would pass every
    # check. Issuers print a field's data from its start, so a character after a run of fillers is refused.
    visa = MrzIdentity(
        "MRV-B", "V", "NER", "ISSOUFOU", "AMINA", "VN4821937", "NER", dt.date(1990, 3, 4), "F", dt.date(2027, 6, 30)
    )
    lines = build_mrz(visa)
    assert lines[1][28:] == "<" * 8
    clean = reader.read(_rendering(lines, 24), TODAY, portrait=False)
    assert clean.valid and clean.mrz.lines == lines, clean.repair.reason
    stray = (lines[0], lines[1][:-1] + "K")
    refused = reader.read(_rendering(stray, 24), TODAY, portrait=False)
    assert not refused.valid
    assert "optional data" in refused.repair.reason
