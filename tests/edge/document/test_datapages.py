"""The synthetic data-page generator: deterministic per seed, valid MRZ ground truth saved beside each image."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from benchmarks.datapages import LAYOUTS, LEVELS, draw_distortion, generate_page, write_pages
from edge.document.mrz_parse import parse_mrz
from edge.image import load_image


@pytest.mark.parametrize("layout", LAYOUTS)
def test_same_seed_gives_the_same_bytes_and_another_seed_another_page(layout):
    first = generate_page(3, layout, "moderate")
    assert generate_page(3, layout, "moderate").jpeg == first.jpeg
    other = generate_page(4, layout, "moderate")
    assert other.jpeg != first.jpeg and other.truth["mrz"] != first.truth["mrz"]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("level", LEVELS)
def test_ground_truth_is_a_valid_mrz_of_the_layout_and_the_image_decodes(layout, level):
    page = generate_page(1, layout, level)
    parsed = parse_mrz(page.truth["mrz"], dt.date.fromisoformat(page.truth["reference_date"]))
    assert parsed.valid and parsed.format == layout
    assert parsed.fields.document_number == page.truth["identity"]["document_number"]
    image = load_image(page.jpeg)
    assert image.shape[1] == page.truth["distortion"]["width_px"] or page.truth["distortion"]["rotation90"] % 2
    if level == "clean":
        assert page.truth["distortion"]["rotation90"] == 0 and page.truth["distortion"]["skew_deg"] == 0


def test_hard_pages_are_more_distorted_than_clean_ones():
    clean = [draw_distortion(random.Random(s), "clean") for s in range(40)]
    hard = [draw_distortion(random.Random(s), "hard") for s in range(40)]
    assert max(abs(d.skew_deg) for d in hard) > 5 > max(abs(d.skew_deg) for d in clean)
    assert {d.rotation90 for d in hard} == {0, 1, 2, 3}
    assert min(d.jpeg_quality for d in clean) > max(d.jpeg_quality for d in hard)


def test_pages_are_written_with_their_truth_beside_them(tmp_path):
    paths = write_pages(tmp_path, 3, seed=7)
    assert len(paths) == 3
    for path in paths:
        truth = json.loads(path.with_suffix(".json").read_text())
        assert truth["mrz"] and truth["layout"] in path.name
