"""Print-and-recapture simulation: a generated card printed on an office printer and photographed with a phone.

This stands in for a set of real specimen scans (none could be had under a licence that allows it, see
benchmarks/data/mrz_real/README.md). Unlike the real-like level, the damage here is what a print and a phone camera
do: the card is halftoned in four inks with a misregistered screen and dot gain on fibrous paper, then seen through
a lens with barrel distortion, focus falling off across the frame, vignetting, a colour cast, sensor noise, the
phone's sharpening halo and its JPEG. The images are SYNTHETIC, and their CSV says so on every row.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from benchmarks.datapages import REAL_LIKE_LAYOUTS
from benchmarks.mrz_outcomes import expected_outcome_of
from benchmarks.real_like import Card, draw_scene, make_card, render_card
from edge.document.mrz_build import MrzIdentity
from edge.document.mrz_parse import parse_mrz

PRINT_PX_PER_MM = 12.0  # ~300 dpi, an office printer's addressable grid
SCREEN_ANGLES = {"cyan": 15.0, "magenta": 75.0, "yellow": 0.0, "black": 45.0}  # a conventional halftone screen
SCREEN_PITCH_PX = 4.0  # ~75 lines per inch at 300 dpi
CSV_FIELDS = ("file", "source", "licence", "document_type", "expected_mrz", "expected_outcome", "synthetic")


def _halftone(channel: np.ndarray, angle_deg: float, pitch: float, gain: float) -> np.ndarray:
    """Ink coverage 0-1 of one separation printed as round dots on a screen turned by `angle_deg`."""
    h, w = channel.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = math.radians(angle_deg)
    u = (xx * math.cos(a) + yy * math.sin(a)) / pitch
    v = (-xx * math.sin(a) + yy * math.cos(a)) / pitch
    spot = (np.cos(2 * math.pi * u) + np.cos(2 * math.pi * v)) / 4 + 0.5  # 0..1 across a cell
    dots = (channel > spot).astype(np.float32)
    return np.clip(cv2.GaussianBlur(dots, (0, 0), gain), 0, 1)


def print_on_paper(rgb: np.ndarray, rng: random.Random) -> np.ndarray:
    """`rgb` as an office printer puts it on a sheet (a margin of paper around it): CMYK halftone,
    misregistration, dot gain, paper fibre."""
    pad = round(rng.uniform(6, 14) * PRINT_PX_PER_MM)
    rgb = cv2.copyMakeBorder(rgb, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(255, 255, 255))
    img = rgb.astype(np.float32) / 255
    k = 1 - img.max(axis=2)
    denom = np.maximum(1 - k, 1e-3)
    inks = {
        "cyan": (1 - img[..., 0] - k) / denom,
        "magenta": (1 - img[..., 1] - k) / denom,
        "yellow": (1 - img[..., 2] - k) / denom,
        "black": k,
    }
    gain = rng.uniform(0.5, 0.9)
    paper = np.float32([rng.uniform(0.93, 1.0), rng.uniform(0.93, 1.0), rng.uniform(0.9, 0.98)])
    out = np.ones_like(img) * paper
    absorb = {"cyan": (1, 0.1, 0.05), "magenta": (0.1, 0.9, 0.1), "yellow": (0.02, 0.08, 0.9), "black": (0.9,) * 3}
    for name, level in inks.items():
        cover = _halftone(np.clip(level, 0, 1), SCREEN_ANGLES[name], SCREEN_PITCH_PX, gain)
        shift = np.float32([[1, 0, rng.uniform(-1.2, 1.2)], [0, 1, rng.uniform(-1.2, 1.2)]])  # misregistration
        cover = cv2.warpAffine(cover, shift, (cover.shape[1], cover.shape[0]), borderMode=cv2.BORDER_REPLICATE)
        out *= 1 - cover[..., None] * np.float32(absorb[name])
    nrng = np.random.default_rng(rng.getrandbits(32))
    fibre = cv2.GaussianBlur(nrng.normal(0, 1, out.shape[:2]).astype(np.float32), (0, 0), 1.5) * 0.02
    return np.clip((out + fibre[..., None]) * 255, 0, 255).astype(np.uint8)


def photograph_print(printed: np.ndarray, rng: random.Random) -> np.ndarray:
    """The printed sheet photographed by a phone, as RGB: perspective, lens, focus, light, noise, sharpening."""
    h, w = printed.shape[:2]
    margin = int(0.12 * max(w, h))
    canvas = (w + 2 * margin, h + 2 * margin)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jitter = 0.06 * max(w, h)
    dst = src + margin + np.float32([[rng.uniform(-jitter, jitter) for _ in range(2)] for _ in range(4)])
    turn = cv2.getRotationMatrix2D((canvas[0] / 2, canvas[1] / 2), rng.uniform(-180, 180), 1.0)
    dst = cv2.transform(dst[None], turn)[0]
    low, high = dst.min(axis=0) - margin / 2, dst.max(axis=0) + margin / 2
    dst -= low
    size = (int(high[0] - low[0]), int(high[1] - low[1]))
    table = np.float32([rng.randint(60, 140), rng.randint(50, 120), rng.randint(40, 110)])
    img = cv2.warpPerspective(
        printed, cv2.getPerspectiveTransform(src, dst), size, borderValue=tuple(map(float, table))
    )
    img = img.astype(np.float32)
    # Barrel distortion of a wide phone lens.
    k1 = rng.uniform(0.02, 0.08)
    yy, xx = np.mgrid[0 : size[1], 0 : size[0]].astype(np.float32)
    cx, cy, norm = size[0] / 2, size[1] / 2, max(size) / 2
    r2 = ((xx - cx) ** 2 + (yy - cy) ** 2) / norm**2
    img = cv2.remap(
        img,
        cx + (xx - cx) * (1 + k1 * r2),
        cy + (yy - cy) * (1 + k1 * r2),
        cv2.INTER_LINEAR,
        None,
        cv2.BORDER_REPLICATE,
    )
    # Focus set on one point; the rest of the sheet (tilted away) goes soft.
    fx, fy = rng.uniform(0.3, 0.7) * size[0], rng.uniform(0.3, 0.7) * size[1]
    far = np.sqrt((xx - fx) ** 2 + (yy - fy) ** 2) / max(size)
    soft = cv2.GaussianBlur(img, (0, 0), rng.uniform(1.5, 2.5))
    weight = np.clip(far * rng.uniform(1.0, 2.2), 0, 1)[..., None]
    img = img * (1 - weight) + soft * weight
    vignette = 1 - rng.uniform(0.15, 0.35) * r2
    cast = np.float32([rng.uniform(0.9, 1.08), 1.0, rng.uniform(0.85, 1.05)])
    img = img * vignette[..., None] * cast
    nrng = np.random.default_rng(rng.getrandbits(32))
    img += nrng.normal(0, 1, img.shape).astype(np.float32) * np.sqrt(np.clip(img, 1, 255)) * rng.uniform(0.25, 0.5)
    blurred = cv2.GaussianBlur(img, (0, 0), 1.2)
    img = img + rng.uniform(0.4, 0.9) * (img - blurred)  # the phone's unsharp mask, with its halo
    return np.clip(img, 0, 255).astype(np.uint8)


def recaptured_card(card: Card, seed: int) -> bytes:
    """The JPEG of `card` printed and photographed; the same card and seed give the same bytes."""
    rng = random.Random(f"recapture/{seed}")
    scene = replace(draw_scene(rng, "plain", card.layout), specimen=0.0, hologram=0.0, thumb=False)
    flat, _, _ = render_card(card, rng, PRINT_PX_PER_MM, scene, None)
    shot = photograph_print(print_on_paper(flat, rng), rng)
    long_side = rng.randint(1100, 1600)
    k = long_side / max(shot.shape[:2])
    shot = cv2.resize(shot, (round(shot.shape[1] * k), round(shot.shape[0] * k)), interpolation=cv2.INTER_AREA)
    ok, jpeg = cv2.imencode(
        ".jpg", cv2.cvtColor(shot, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, rng.randint(80, 90)]
    )
    assert ok
    return jpeg.tobytes()


def specimen_card(layout: str, lines: tuple[str, ...], today: dt.date) -> Card:
    """A card carrying the published specimen MRZ `lines`, its visual zone taken from them."""
    f = parse_mrz(lines, today).fields
    identity = MrzIdentity(
        format=layout,
        document_code=f.document_code or "P",
        issuing_state=f.issuing_state,
        surname=f.surname,
        given_names=f.given_names,
        document_number=f.document_number,
        nationality=f.nationality,
        birth_date=f.birth_date or today,
        sex=f.sex,
        expiry_date=f.expiry_date or today,
        optional_data=f.optional_data,
    )
    return Card(layout, identity, tuple(lines))


def write_recaptured_set(
    out_dir: Path, per_layout: int, seed: int, specimens: list[tuple[str, tuple[str, ...], str]]
) -> Path:
    """Write `per_layout` recaptured cards of each real-like layout, and one of each specimen (layout, lines,
    source), with sources.csv beside them; returns the CSV's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    today = dt.date(2026, 1, 1)
    rows = []
    jobs: list[tuple[str, Card, str]] = []
    for layout in REAL_LIKE_LAYOUTS:
        for k in range(per_layout):
            rng = random.Random(f"recaptured-card/{seed}/{layout}/{k}")
            card = make_card(rng, layout, "plain", today)
            jobs.append(
                (f"recaptured_{layout}_{k:02d}.jpg", card, "generated holder (benchmarks/real_like.py make_card)")
            )
    for k, (layout, lines, source) in enumerate(specimens):
        jobs.append((f"recaptured_specimen_{k:02d}_{layout}.jpg", specimen_card(layout, lines, today), source))
    for index, (name, card, source) in enumerate(jobs):
        (out_dir / name).write_bytes(recaptured_card(card, seed * 1000 + index))
        rows.append(
            {
                "file": name,
                "source": f"SYNTHETIC print-and-recapture (benchmarks/recapture.py, seed {seed * 1000 + index}); "
                f"MRZ: {source}",
                "licence": "the project's own work (generated); MRZ strings are facts, not copyrightable",
                "document_type": card.layout,
                "expected_mrz": "|".join(card.lines),
                "expected_outcome": expected_outcome_of(card.lines, today),
                "synthetic": "yes",
            }
        )
    path = out_dir / "sources.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return path
