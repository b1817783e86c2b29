"""Where the first look finds no MRZ, the detector looks again at the document alone, enlarged (issue 15: on
real-like pages most failures were a document small in the frame, or a small image, where no MRZ was found)."""

from __future__ import annotations

import datetime as dt

import cv2
import numpy as np
import pytest

from benchmarks.datapages import generate_page
from edge.document.closer_look import detect_in_region, document_region
from edge.document.locate import find_mrz
from edge.document.mrz_parse import parse_mrz
from edge.document.ocr import MrzOcr
from edge.document.reader import DocumentReader
from edge.image import load_image

TODAY = dt.date(2026, 1, 1)  # the generator's reference date


@pytest.fixture(scope="module")
def reader() -> DocumentReader:
    return DocumentReader(MrzOcr())


def test_the_document_region_is_the_printed_card_not_the_smooth_desk_around_it():
    yy, xx = np.mgrid[0:600, 0:900].astype(np.float32)
    desk = np.stack([110 + 20 * np.sin(yy / 40), 70 + 10 * np.sin(yy / 40), 40 + 0 * xx], axis=2)
    card = np.full((200, 320, 3), 230, np.uint8)
    for row in range(20, 190, 14):
        cv2.putText(card, "P<UTOERIKSSON<<ANNA<MARIA<<<", (10, row), cv2.FONT_HERSHEY_PLAIN, 0.9, (20, 20, 20), 1)
    desk[300:500, 450:770] = card
    x0, y0, x1, y1 = document_region(np.clip(desk, 0, 255).astype(np.uint8))
    assert x0 <= 450 and y0 <= 300 and x1 >= 770 and y1 >= 500  # the whole card, with its margin
    assert (x1 - x0) * (y1 - y0) < 0.3 * 900 * 600  # and little of the desk


def test_boxes_found_in_an_enlarged_region_are_in_the_page_s_pixels(reader):
    page = generate_page(1013, "TD3", "real-like")
    rgb = load_image(page.jpeg)
    region = document_region(rgb)
    block = find_mrz(detect_in_region(reader.ocr, rgb, region, 800))
    assert block is not None
    truth = np.float32(page.truth["mrz_quads"][0]).reshape(-1, 1, 2)
    for line in block.lines:
        centre = line.mean(axis=0)
        assert cv2.pointPolygonTest(truth, (float(centre[0]), float(centre[1])), True) >= -3


@pytest.mark.parametrize(
    ("seed", "layout"),
    [
        (1003, "MRV-B"),  # a 272 x 484 px image: the MRZ 7 px a character
        (1013, "TD3"),  # a passport page filling half of a 1085 px photo on a scanner bed
    ],
)
def test_an_mrz_the_first_look_misses_on_a_small_image_or_a_small_document_is_read_exactly(reader, seed, layout):
    page = generate_page(seed, layout, "real-like")
    rgb = load_image(page.jpeg)
    assert find_mrz(reader.ocr.detect(rgb)[0]) is None  # NoMRZFound before the closer look
    reading = reader.read(rgb, TODAY, portrait=False)
    assert reading.valid
    assert list(reading.mrz.lines) == page.truth["mrz"]
    seen, printed = reading.mrz.fields, parse_mrz(page.truth["mrz"], TODAY).fields
    for name in ("surname", "given_names", "document_number", "nationality", "birth_date", "expiry_date"):
        assert getattr(seen, name) == getattr(printed, name)
    assert seen.surname == page.truth["identity"]["surname"]  # what the officer sees, as on the visual zone


@pytest.mark.parametrize(
    ("seed", "layout"),
    [
        (1003, "TD1"),  # the card's two heading lines are longer than the MRZ lines the detector saw
        (1000, "MRV-B"),  # the first look pairs an MRZ line with a visual-zone line; the closer look sees both
    ],
)
def test_lines_that_read_as_no_mrz_give_way_to_the_next_block_and_to_a_closer_look(reader, seed, layout):
    page = generate_page(seed, layout, "real-like")
    reading = reader.read(load_image(page.jpeg), TODAY, portrait=False)
    assert reading.valid
    assert list(reading.mrz.lines) == page.truth["mrz"]
