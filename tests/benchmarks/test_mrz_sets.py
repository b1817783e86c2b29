"""The MRZ benchmark's fixed sets: every image decodes, every row names its source and licence, and the expected
outcome follows the printed MRZ's check digits."""

from __future__ import annotations

import csv
import datetime as dt

from benchmarks.mrz_outcomes import expected_outcome_of
from benchmarks.mrz_sets import REAL_SET_DIR, public_strings, real_set
from edge.document.mrz_parse import parse_mrz
from edge.image import load_image

TODAY = dt.date(2026, 1, 1)


def test_every_image_of_the_real_set_decodes_and_is_labelled_synthetic_with_source_and_licence():
    rows = list(csv.DictReader((REAL_SET_DIR / "sources.csv").open(encoding="utf-8")))
    files = {p.name for p in REAL_SET_DIR.glob("*.jpg")}
    assert {r["file"] for r in rows} == files and len(files) >= 12
    assert all(r["synthetic"] == "yes" and "SYNTHETIC" in r["source"] and r["licence"] for r in rows)
    for name, data, truth in real_set():
        image = load_image(data)
        assert min(image.shape[:2]) > 300, name
        assert parse_mrz(truth["mrz"], TODAY).format == truth["layout"]
        assert truth["expected_outcome"] == expected_outcome_of(tuple(truth["mrz"]), TODAY)


def test_the_public_strings_render_as_clean_images_and_one_is_invalid_as_printed():
    seen = list(public_strings())
    assert {t["layout"] for _, _, t in seen} >= {"TD1", "TD2", "TD3", "MRV-A", "MRV-B"}
    for name, data, truth in seen:
        image = load_image(data)
        assert image.shape[1] > image.shape[0], name
        assert truth["source"] and truth["licence"]
    outcomes = {name: truth["expected_outcome"] for name, _, truth in seen}
    assert outcomes["icao-td3-specimen"] == "read"
    assert outcomes["icao-td3-check-digits-as-fillers"] == "invalid_as_printed"
