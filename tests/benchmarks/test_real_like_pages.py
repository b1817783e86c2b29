"""The real-like level of the page generator: deterministic, its ground truth is what it drew, and each kind of page
carries the MRZ its expected outcome says (valid, unknown code, invalid as printed, two cards)."""

from __future__ import annotations

import datetime as dt
import json
import random

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from benchmarks.datapages import (
    OCRB_ADVANCE,
    OCRB_FONT,
    REAL_LIKE,
    REAL_LIKE_LAYOUTS,
    _font,
    generate_page,
    write_pages,
)
from benchmarks.real_like import (
    JPEG_QUALITY,
    LONG_SIDE_PX,
    MIN_PITCH_PX,
    _fit,
    draw_scene,
    generate_real_like,
    make_card,
)
from edge.document.check_digits import MRZ_ALPHABET
from edge.document.codes import lookup
from edge.document.mrz_parse import parse_mrz
from edge.image import load_image

TODAY = dt.date(2026, 1, 1)
CELL_PX = 24  # a character cell of the rectified MRZ
# Small pages (fast to draw) of each kind, found once from their seeds; the tests check the kind they claim.
PLAIN = (1, "MRV-A")
INVALID_AS_PRINTED = [(1, "TD1"), (2, "MRV-A"), (5, "TD1")]
UNKNOWN_CODE = (1, "MRV-B")
TWO_CARDS = (3, "TD1")


def rectified_mrz(page, card: int = 0) -> np.ndarray:
    """The MRZ block of the final JPEG warped flat from the quad the truth gives: grey, CELL_PX a character."""
    rgb = load_image(page.jpeg)
    lines = page.truth["mrz"] if card == 0 else page.truth["acceptable_mrz"][card]
    width, height = len(lines[0]) * CELL_PX, round(len(lines) * CELL_PX * 4.23 / 2.54)
    quad = np.float32(page.truth["mrz_quads"][card])
    flat = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    warped = cv2.warpPerspective(rgb, cv2.getPerspectiveTransform(quad, flat), (width, height), flags=cv2.INTER_AREA)
    return 255 - cv2.cvtColor(warped, cv2.COLOR_RGB2GRAY).astype(np.float32)


def rendered(lines, shape: tuple[int, int]) -> np.ndarray:
    """`lines` in OCR-B where the generator puts them in the block, ink high on zero."""
    page = Image.new("L", (shape[1], shape[0]), 0)
    draw = ImageDraw.Draw(page)
    font = _font(OCRB_FONT, round(CELL_PX / OCRB_ADVANCE))
    gap = shape[0] / len(lines)
    for i, text in enumerate(lines):
        draw.text((0, i * gap), text, font=font, fill=255)
    return np.asarray(page).astype(np.float32)


def likeness(image: np.ndarray, template: np.ndarray) -> float:
    return float(np.corrcoef(image.ravel(), template.ravel())[0, 1])


def cell(array: np.ndarray, lines, line: int, position: int) -> np.ndarray:
    gap = array.shape[0] / len(lines)
    return array[round(line * gap) : round((line + 1) * gap), position * CELL_PX : (position + 1) * CELL_PX]


def cells_won(image: np.ndarray, lines, rival) -> float:
    """Of the character cells where `lines` and `rival` differ, the share whose pixels look more like `lines`."""
    ours, theirs = rendered(lines, image.shape), rendered(rival, image.shape)
    differ = [(i, p) for i, (a, b) in enumerate(zip(lines, rival, strict=True)) for p in range(len(a)) if a[p] != b[p]]
    assert differ
    won = [
        likeness(cell(image, lines, i, p), cell(ours, lines, i, p))
        > likeness(cell(image, lines, i, p), cell(theirs, lines, i, p))
        for i, p in differ
    ]
    return sum(won) / len(won)


@pytest.mark.parametrize(
    ("layout", "seed", "other_seed"), [("TD1", 1, 3), ("TD3", 3, 7), ("MRV-A", 1, 2), ("MRV-B", 3, 4)]
)
def test_the_same_seed_gives_the_same_bytes_and_another_seed_another_page(layout, seed, other_seed):
    first = generate_page(seed, layout, REAL_LIKE)
    assert generate_page(seed, layout, REAL_LIKE).jpeg == first.jpeg
    other = generate_real_like(other_seed, layout)
    assert other.jpeg != first.jpeg and other.truth["mrz"] != first.truth["mrz"]


def test_the_mrz_lines_of_the_truth_are_the_ones_on_the_page():
    page = generate_page(*PLAIN, REAL_LIKE)
    assert page.truth["case"] == "plain"
    image = rectified_mrz(page)
    assert likeness(image, rendered(page.truth["mrz"], image.shape)) > 0.5
    for seed in (4, 5, 6):
        other = make_card(random.Random(seed), PLAIN[1], "plain", TODAY).lines
        assert cells_won(image, page.truth["mrz"], other) > 0.95


@pytest.mark.parametrize(("seed", "layout"), INVALID_AS_PRINTED)
def test_an_mrz_invalid_as_printed_is_printed_so_and_its_valid_twin_is_not_on_the_page(seed, layout):
    page = generate_page(seed, layout, REAL_LIKE)
    truth = page.truth
    assert truth["expected_outcome"] == "invalid_as_printed" and truth["expected_valid"] is False
    printed, twin = parse_mrz(truth["mrz"], TODAY), parse_mrz(truth["valid_twin_mrz"], TODAY)
    assert not all(c.ok for c in printed.checks) and twin.valid
    # In every cell where the two differ, the printed character is the one drawn.
    assert cells_won(rectified_mrz(page), truth["mrz"], truth["valid_twin_mrz"]) == 1.0


def test_an_unknown_state_code_is_well_formed_unknown_and_its_check_digits_hold():
    truth = generate_page(*UNKNOWN_CODE, REAL_LIKE).truth
    parsed = parse_mrz(truth["mrz"], TODAY)
    assert truth["expected_outcome"] == "unknown_code" and truth["expected_valid"] is False
    assert all(c.ok for c in parsed.checks)
    codes = {parsed.fields.issuing_state, parsed.fields.nationality}
    assert any(len(c) == 3 and c.isalpha() and lookup(c) is None for c in codes)


def test_a_two_card_scan_shows_two_different_valid_mrzs_either_of_which_may_be_read():
    page = generate_page(*TWO_CARDS, REAL_LIKE)
    first, second = page.truth["acceptable_mrz"]
    assert page.truth["expected_outcome"] == "either_card" and first != second
    assert all(parse_mrz(lines, TODAY).valid for lines in (first, second))
    for card, lines in enumerate((first, second)):
        image = rectified_mrz(page, card)
        assert likeness(image, rendered(lines, image.shape)) > 0.5  # both cards' MRZs are where the truth says


@pytest.mark.parametrize("case", ["plain", "unknown_code", "bad_check_digit", "repair_bait", "two_cards"])
def test_every_case_gives_the_mrz_its_expected_outcome_calls_for(case):
    for seed in range(40):
        card = make_card(random.Random(seed), REAL_LIKE_LAYOUTS[seed % 4], case, TODAY)
        parsed = parse_mrz(card.lines, TODAY)
        digits_hold = all(c.ok for c in parsed.checks)
        assert set("".join(card.lines)) <= MRZ_ALPHABET
        if case in ("plain", "two_cards"):
            assert parsed.valid
        elif case == "unknown_code":
            assert digits_hold and not parsed.valid
        else:
            assert not digits_hold and parse_mrz(card.valid_twin, TODAY).valid


def test_sizes_compression_and_angles_span_the_real_like_ranges_and_the_mrz_stays_legible():
    scenes = []
    for seed in range(300):
        rng = random.Random(seed)
        layout = REAL_LIKE_LAYOUTS[seed % 4]
        scene, _ = _fit(draw_scene(rng, "plain", layout), rng, (125.0, 88.0) if layout == "TD3" else (85.6, 54.0))
        scenes.append(scene)
    sides = [s.long_side_px for s in scenes]
    assert min(sides) >= LONG_SIDE_PX[0] and max(sides) <= LONG_SIDE_PX[1]
    assert min(sides) < 500 and max(sides) > 3000
    quality = [s.jpeg_quality for s in scenes]
    assert JPEG_QUALITY[0] <= min(quality) < 45 and 90 < max(quality) <= JPEG_QUALITY[1]
    assert min(s.mrz_pitch_px for s in scenes) >= MIN_PITCH_PX
    angles = [s.angle_deg for s in scenes]
    assert all(0 <= a < 360 for a in angles) and len({round(a // 45) for a in angles}) == 8


@pytest.mark.slow
def test_the_mrz_of_every_page_lies_inside_its_image():
    for seed in range(3):
        for layout in REAL_LIKE_LAYOUTS:
            page = generate_page(seed, layout, REAL_LIKE)
            scene = page.truth["scene"]
            for quad in page.truth["mrz_quads"][:1]:
                xs, ys = [p[0] for p in quad], [p[1] for p in quad]
                assert min(xs) >= 0 and min(ys) >= 0
                assert max(xs) < scene["width_px"] and max(ys) < scene["height_px"]


def test_real_like_pages_are_written_with_their_truth_beside_them(tmp_path):
    paths = write_pages(tmp_path, 2, seed=1, level=REAL_LIKE)
    assert [p.name.split("_")[2] for p in paths] == ["TD1", "TD3"]
    for path in paths:
        truth = json.loads(path.with_suffix(".json").read_text())
        assert truth["level"] == REAL_LIKE and truth["expected_outcome"] and truth["mrz"]
        assert load_image(path.read_bytes()).shape[:2] == (truth["scene"]["height_px"], truth["scene"]["width_px"])
