"""The reader's time budget: re-reading stops once the page has cost its CPU budget, and the refusal says so
(issue 15: a 1600x1200 photo took 72-138 s, re-read again and again)."""

from __future__ import annotations

import datetime as dt

import pytest

from benchmarks.datapages import generate_page
from edge.document.ocr import MrzOcr
from edge.document.reader import DocumentReader
from edge.image import load_image

TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def spent() -> DocumentReader:
    """A reader whose budget is spent before any re-reading."""
    return DocumentReader(MrzOcr(), time_budget_s=0.0)


def test_a_page_read_as_printed_needs_no_budget(spent):
    page = generate_page(21, "TD3", "clean")
    reading = spent.read(load_image(page.jpeg), TODAY, portrait=False)
    assert reading.valid, reading.repair.reason
    assert list(reading.mrz.lines) == page.truth["mrz"]


def test_a_page_that_needs_re_reading_is_refused_once_the_budget_is_spent_and_says_so(spent):
    good = generate_page(26, "TD3", "clean").truth["mrz"]
    digit = good[1][19]
    bad = (good[0], good[1][:19] + str((int(digit) + 1) % 10) + good[1][20:])  # read again before it is refused
    page = generate_page(26, "TD3", "clean", mrz_lines=bad)
    reading = spent.read(load_image(page.jpeg), TODAY, portrait=False)
    assert not reading.valid
    assert "budget" in reading.repair.reason and "1 readings" in reading.repair.reason
