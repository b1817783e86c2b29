"""The MRZ benchmark's fixed sets: the development set of benchmarks/data/mrz_real/ (file, source, licence and
expected MRZ in its sources.csv) and clean renderings of well-known public example MRZ strings."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

from benchmarks.datapages import OCRB_ADVANCE, OCRB_FONT, PITCH_MM, _font
from benchmarks.mrz_outcomes import expected_outcome_of

DATA_DIR = Path(__file__).resolve().parent / "data"
REAL_SET_DIR = DATA_DIR / "mrz_real"
PUBLIC_STRINGS = DATA_DIR / "mrz_public_strings.csv"
REFERENCE_DATE = dt.date(2026, 1, 1)
SETS = ("real", "public-strings")


class SetMissing(FileNotFoundError):
    """A set's list of images is not where it should be."""


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise SetMissing(f"{path} is missing: the set's list of images and expected MRZs")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def _truth(name: str, layout: str, lines: tuple[str, ...], level: str, expected: str | None = None) -> dict:
    expected = expected or expected_outcome_of(lines, REFERENCE_DATE)
    return {
        "page": name,
        "layout": layout,
        "level": level,
        "reference_date": REFERENCE_DATE.isoformat(),
        "mrz": list(lines),
        "acceptable_mrz": [list(lines)],
        "expected_outcome": expected,
        "expected_valid": expected == "read",
    }


def real_set(directory: Path = REAL_SET_DIR) -> Iterator[tuple[str, bytes, dict]]:
    """(file name, image bytes, ground truth) for every row of the set's sources.csv."""
    for row in _rows(directory / "sources.csv"):
        lines = tuple(row["expected_mrz"].split("|"))
        truth = _truth(row["file"], row["document_type"], lines, "real", row.get("expected_outcome") or None)
        truth["source"], truth["licence"] = row["source"], row["licence"]
        yield row["file"], (directory / row["file"]).read_bytes(), truth


def render_mrz_text(lines: tuple[str, ...], px_per_mm: float = 12.0) -> bytes:
    """`lines` in OCR-B at the ICAO pitch, black on white with a margin, as PNG: a clean rendering, nothing else."""
    pitch = PITCH_MM * px_per_mm
    gap = 4.23 * px_per_mm
    margin = round(6 * px_per_mm)
    width = round(max(len(line) for line in lines) * pitch) + 2 * margin
    height = round(len(lines) * gap) + 2 * margin
    page = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    font = _font(OCRB_FONT, round(pitch / OCRB_ADVANCE))
    for i, line in enumerate(lines):
        draw.text((margin, margin + i * gap), line, font=font, fill=(0, 0, 0))
    ok, png = cv2.imencode(".png", cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR))
    assert ok
    return png.tobytes()


def public_strings(path: Path = PUBLIC_STRINGS) -> Iterator[tuple[str, bytes, dict]]:
    """A clean rendering of each public example MRZ string, with the outcome its check digits call for."""
    for row in _rows(path):
        lines = tuple(row["mrz"].split("|"))
        truth = _truth(row["name"], row["document_type"], lines, "public-strings")
        truth["source"], truth["licence"] = row["source"], row["licence"]
        yield row["name"], render_mrz_text(lines), truth


def public_specimens(path: Path = PUBLIC_STRINGS) -> list[tuple[str, tuple[str, ...], str]]:
    """(document type, lines, source) of every public example MRZ string."""
    return [(row["document_type"], tuple(row["mrz"].split("|")), row["source"]) for row in _rows(path)]


def load_set(name: str) -> Iterator[tuple[str, bytes, dict]]:
    """The images of set `name` (one of SETS)."""
    if name == "real":
        return real_set()
    if name == "public-strings":
        return public_strings()
    raise ValueError(f"no MRZ set {name!r}; the sets are {', '.join(SETS)}")
