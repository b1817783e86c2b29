"""O and 0 told apart by height on real generated pages, where the recogniser reads both as 0."""

from __future__ import annotations

import pytest

from benchmarks.datapages import generate_page
from edge.document.glyph_height import settle_by_height
from edge.document.locate import find_mrz, upright_crops
from edge.document.ocr import MrzOcr
from edge.image import load_image


@pytest.fixture(scope="module")
def ocr() -> MrzOcr:
    return MrzOcr()


@pytest.mark.parametrize(("seed", "layout", "level"), [(28, "TD2", "clean"), (54, "TD2", "hard")])
def test_an_o_in_a_document_number_read_as_zero_is_told_by_its_height(ocr, seed, layout, level):
    page = generate_page(seed, layout, level)
    truth = page.truth["mrz"][1]
    rgb = load_image(page.jpeg)
    block = find_mrz(ocr.detect(rgb)[0])
    crops, _ = upright_crops(rgb, block, block.upside_down_votes > 0.5)
    raw = ocr.recognise(crops, chars_per_line=len(truth))
    assert len(raw[1].text) == len(truth)
    o_positions = [k for k, ch in enumerate(truth) if ch == "O"]
    assert o_positions and all(raw[1].text[k] == "0" for k in o_positions)  # the recogniser alone gets them wrong
    settled = settle_by_height(crops, raw)
    assert settled[1].text == truth  # the Os turned, every 0 (dates, digits) kept


def test_fillers_read_as_k_in_a_name_are_told_by_their_height_and_real_ks_kept(ocr):
    page = generate_page(37, "TD1", "clean")  # name line BAANZU<<NOSASAKO<TELADI<MIVASA
    truth = page.truth["mrz"]
    rgb = load_image(page.jpeg)
    block = find_mrz(ocr.detect(rgb)[0])
    crops, _ = upright_crops(rgb, block, block.upside_down_votes > 0.5)
    raw = ocr.recognise(crops, chars_per_line=30, stretch=1.25)  # stretched, the recogniser sees fillers as K
    assert len(raw[2].text) == 30
    assert any(r == "K" and t == "<" for r, t in zip(raw[2].text, truth[2], strict=True))
    settled = settle_by_height(crops, raw)
    assert settled[2].text == truth[2]
