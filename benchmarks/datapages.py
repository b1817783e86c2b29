"""Synthetic travel-document data pages with a known MRZ, for tests and the MRZ benchmark.

Each page is a fictional identity (random syllable names, no real person) printed as an ICAO-like data page:
guilloche background, visual zone, optional portrait taken from a face image folder, and the MRZ in OCR-B
(Debian's fonts-ocr-b). The page is then photographed badly on purpose: rotation by a multiple of 90 degrees,
skew, perspective, blur, noise, glare, low contrast and JPEG compression, by distortion level. Everything is
drawn from one seed, so page N of seed S is the same image on every machine. Ground truth (MRZ lines, fields,
distortions, the portrait's corners in the final image) is returned with the image and saved beside it as JSON.

The `real-like` level (benchmarks/real_like.py) draws ID cards, passports and visas as a camera or a desk scanner
sees them, with an expected outcome per page; it is reported apart from the three levels above, which it leaves
as they were.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from edge.document.mrz_build import MrzIdentity, build_mrz

OCRB_FONT = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")
VIZ_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LEVELS = ("clean", "moderate", "hard")
LAYOUTS = ("TD1", "TD2", "TD3")
# Documents as a camera or a desk scanner sees them (benchmarks/real_like.py): its own layouts, reported apart.
REAL_LIKE = "real-like"
REAL_LIKE_LAYOUTS = ("TD1", "TD3", "MRV-A", "MRV-B")
# Page size in mm (ISO/IEC 7810 ID-1, ID-2, ID-3) and the OCR-B pitch of Doc 9303: 2.54 mm a character.
PAGE_MM = {"TD1": (85.6, 54.0), "TD2": (105.0, 74.0), "TD3": (125.0, 88.0)}
PITCH_MM = 2.54
OCRB_ADVANCE = 0.723  # OCR-B advance width as a share of the font size (measured on OCRB.otf)
SYLLABLES = "BA BE DI DO KA KO LA LE MA MI NA NE NO RA RI SA SE SO TA TE TI VA YA ZU AN EL OR UM".split()
NATIONALITIES = ["NER", "MLI", "BFA", "TCD", "NGA", "DZA", "FRA", "D", "GBR", "UTO", "XXA", "XXB", "UNK", "EUE"]
ISSUERS = ["NER", "MLI", "BFA", "TCD", "NGA", "DZA", "FRA", "D", "GBR", "UTO", "UNO", "XOM"]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class FontMissing(RuntimeError):
    """OCR-B is not installed; the generator cannot draw an MRZ without it."""


@dataclass(frozen=True)
class Distortion:
    """How badly the page is photographed; every value drawn from the seed within the level's limits."""

    level: str
    width_px: int
    rotation90: int  # quarter turns, counter-clockwise
    skew_deg: float
    perspective: float  # corner jitter as a share of the page size
    blur_sigma: float
    noise_sigma: float
    glare: float  # peak opacity of a white elliptical reflection, 0 for none
    contrast: float  # 1 = as printed
    jpeg_quality: int


@dataclass(frozen=True)
class Limits:
    """The worst each distortion may get at one level."""

    width: tuple[int, int]
    rotate: bool
    skew: float
    perspective: float
    blur: float
    noise: float
    glare: float
    contrast: float
    jpeg: tuple[int, int]


LIMITS = {
    "clean": Limits((1000, 1500), False, 0.0, 0.0, 0.0, 1.5, 0.0, 1.0, (92, 95)),
    "moderate": Limits((800, 1400), True, 5.0, 0.02, 0.8, 4.0, 0.35, 0.8, (70, 88)),
    "hard": Limits((700, 1200), True, 15.0, 0.04, 1.3, 7.0, 0.55, 0.6, (50, 70)),
}


def draw_distortion(rng: random.Random, level: str) -> Distortion:
    """A random distortion within `level`'s limits."""
    lim = LIMITS[level]
    return Distortion(
        level=level,
        width_px=rng.randint(*lim.width),
        rotation90=rng.randrange(4) if lim.rotate else 0,
        skew_deg=round(rng.uniform(-lim.skew, lim.skew), 2),
        perspective=round(rng.uniform(0, lim.perspective), 4),
        blur_sigma=round(rng.uniform(0, lim.blur), 2),
        noise_sigma=round(rng.uniform(0.5, lim.noise), 2),
        glare=round(rng.uniform(0, lim.glare), 2),
        contrast=round(rng.uniform(lim.contrast, 1.0), 2),
        jpeg_quality=rng.randint(*lim.jpeg),
    )


def _name(rng: random.Random, parts: int) -> str:
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(parts))


def random_identity(rng: random.Random, layout: str, today: dt.date) -> MrzIdentity:
    """A fictional holder: valid MRZ characters, plausible dates (some documents expired), real state codes."""
    born = today - dt.timedelta(days=rng.randint(18 * 365, 85 * 365))
    expires = today + dt.timedelta(days=rng.randint(-400, 10 * 365))
    number = "".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 2)))
    number += "".join(rng.choice("0123456789") for _ in range(9 - len(number)))
    optional = "".join(rng.choice("0123456789") for _ in range(rng.choice([0, 0, 8, 10])))
    code = {"TD3": "P", "TD2": rng.choice(["I", "IR", "AC"]), "TD1": rng.choice(["I", "ID", "IR"])}[layout]
    return MrzIdentity(
        format=layout,
        document_code=code,
        issuing_state=rng.choice(ISSUERS),
        surname=_name(rng, rng.choice([1, 1, 2])),
        given_names=_name(rng, rng.choice([1, 2, 3])),
        document_number=number,
        nationality=rng.choice(NATIONALITIES),
        birth_date=born,
        sex=rng.choice("MMFFX"),
        expiry_date=expires,
        optional_data=optional[: 7 if layout == "TD2" else 14],
    )


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if path.is_file():
        return ImageFont.truetype(str(path), size)
    if path == OCRB_FONT:
        raise FontMissing(f"{OCRB_FONT} is missing: install Debian's fonts-ocr-b (scripts/setup.sh does)")
    return ImageFont.load_default(size)


def _guilloche(rng: random.Random, width: int, height: int) -> np.ndarray:
    base = np.array([rng.randint(215, 245), rng.randint(215, 245), rng.randint(205, 240)], dtype=np.uint8)
    page = np.empty((height, width, 3), dtype=np.uint8)
    page[:] = base
    xs = np.arange(0, width, 2, dtype=np.float64)
    colour = tuple(int(c) - rng.randint(25, 45) for c in base)
    for k in range(rng.randint(10, 18)):
        amp, freq, phase = rng.uniform(4, 20), rng.uniform(0.005, 0.03), rng.uniform(0, 6.3)
        y0 = height * k / 16
        ys = y0 + amp * np.sin(xs * freq + phase)
        pts = np.stack([xs, ys], axis=1).astype(np.int32)
        cv2.polylines(page, [pts], False, colour, 1, cv2.LINE_AA)
    return page


def _portrait(rng: random.Random, faces_dir: Path | None, size: tuple[int, int]) -> Image.Image:
    if faces_dir is not None and faces_dir.is_dir():
        people = sorted(p for p in faces_dir.iterdir() if p.is_dir())
        if people:
            person = rng.choice(people)
            shots = sorted(person.glob("*.jpg"))
            if shots:
                img = Image.open(rng.choice(shots)).convert("RGB")
                w, h = img.size  # LFW: 250x250 with the face in the middle; keep head and shoulders
                img = img.crop((int(w * 0.18), int(h * 0.1), int(w * 0.82), int(h * 0.95)))
                return img.resize(size, Image.Resampling.LANCZOS)
    sil = Image.new("RGB", size, (200, 205, 210))
    d = ImageDraw.Draw(sil)
    w, h = size
    d.ellipse((w * 0.3, h * 0.15, w * 0.7, h * 0.6), fill=(120, 125, 130))
    d.ellipse((w * 0.1, h * 0.6, w * 0.9, h * 1.3), fill=(120, 125, 130))
    return sil


def render_page(
    identity: MrzIdentity,
    rng: random.Random,
    faces_dir: Path | None,
    px_per_mm: float = 12.0,
    mrz_lines: tuple[str, ...] | None = None,
):
    """The flat, undistorted data page and the portrait box on it (x0, y0, x1, y1); `mrz_lines` prints others."""
    w_mm, h_mm = PAGE_MM[identity.format]
    width, height = int(w_mm * px_per_mm), int(h_mm * px_per_mm)
    page = Image.fromarray(_guilloche(rng, width, height))
    draw = ImageDraw.Draw(page)
    lines = mrz_lines or build_mrz(identity)
    pitch = PITCH_MM * px_per_mm
    mrz_font = _font(OCRB_FONT, round(pitch / OCRB_ADVANCE))
    line_gap = 4.2 * px_per_mm  # ~6 lines per inch
    mrz_top = height - 1.3 * px_per_mm - len(lines) * line_gap
    left = (width - len(lines[0]) * pitch) / 2
    for i, text in enumerate(lines):
        draw.text((left, mrz_top + i * line_gap), text, font=mrz_font, fill=(20, 20, 25))
    # Visual zone: header, portrait on the left above the MRZ, labelled fields to its right.
    title = _font(VIZ_FONT, round(4.0 * px_per_mm))
    small = _font(VIZ_FONT, round(1.9 * px_per_mm))
    value = _font(VIZ_FONT, round(2.6 * px_per_mm))
    kind = {"P": "PASSPORT"}.get(identity.document_code[:1], "IDENTITY CARD")
    draw.text((4 * px_per_mm, 2.5 * px_per_mm), f"{kind}  /  {identity.issuing_state}", font=title, fill=(60, 40, 90))
    top = 9 * px_per_mm
    ph = mrz_top - top - 2 * px_per_mm
    pw = ph * 0.78
    box = (int(4 * px_per_mm), int(top), int(4 * px_per_mm + pw), int(top + ph))
    page.paste(_portrait(rng, faces_dir, (box[2] - box[0], box[3] - box[1])), box[:2])
    x = box[2] + 4 * px_per_mm
    rows = [
        ("Surname", identity.surname),
        ("Given names", identity.given_names),
        ("Nationality", identity.nationality),
        ("Date of birth", identity.birth_date.strftime("%d %b %Y").upper()),
        ("Sex", identity.sex),
        ("Date of expiry", identity.expiry_date.strftime("%d %b %Y").upper()),
        ("Document no.", identity.document_number),
    ]
    step = (mrz_top - top - 2 * px_per_mm) / len(rows)
    for i, (label, text) in enumerate(rows):
        y = top + i * step
        draw.text((x, y), label, font=small, fill=(90, 90, 110))
        draw.text((x, y + 2.0 * px_per_mm), text, font=value, fill=(15, 15, 20))
    return np.asarray(page), box


def photograph(page: np.ndarray, box: tuple[int, int, int, int], d: Distortion, rng: random.Random):
    """The page as a camera or scanner would deliver it under distortion `d`; also the portrait's corners."""
    nrng = np.random.default_rng(rng.getrandbits(32))
    h, w = page.shape[:2]
    margin = int(0.08 * max(w, h))
    canvas_w, canvas_h = w + 2 * margin, h + 2 * margin
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jitter = d.perspective * max(w, h)
    dst = src + margin + np.float32([[rng.uniform(-jitter, jitter) for _ in range(2)] for _ in range(4)])
    centre = (canvas_w / 2, canvas_h / 2)
    rot = cv2.getRotationMatrix2D(centre, d.skew_deg, 1.0)
    dst = cv2.transform(dst[None], rot)[0]
    # Grow the canvas so the skewed page stays whole.
    x0, y0 = np.floor(dst.min(axis=0)) - margin / 2
    x1, y1 = np.ceil(dst.max(axis=0)) + margin / 2
    dst -= np.float32([x0, y0])
    size = (int(x1 - x0), int(y1 - y0))
    homography = cv2.getPerspectiveTransform(src, dst)
    backdrop = tuple(int(v) for v in nrng.integers(30, 90, size=3))
    img = cv2.warpPerspective(page, homography, size, flags=cv2.INTER_LINEAR, borderValue=backdrop)
    corners = np.float32([[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]])
    corners = cv2.perspectiveTransform(corners[None], homography)[0]
    scale = d.width_px / img.shape[1]
    img = cv2.resize(img, (d.width_px, max(1, round(img.shape[0] * scale))), interpolation=cv2.INTER_AREA)
    corners *= scale
    img = img.astype(np.float32)
    if d.glare > 0:
        gh, gw = img.shape[:2]
        cy, cx = rng.uniform(0.2, 0.8) * gh, rng.uniform(0.2, 0.8) * gw
        yy, xx = np.mgrid[0:gh, 0:gw]
        rad = rng.uniform(0.12, 0.3) * gw
        spot = d.glare * np.exp(-(((xx - cx) / rad) ** 2 + ((yy - cy) / (rad * 0.6)) ** 2))
        img = img * (1 - spot[..., None]) + 255 * spot[..., None]
    img = (img - 128) * d.contrast + 128
    if d.blur_sigma > 0:
        img = cv2.GaussianBlur(img, (0, 0), d.blur_sigma)
    img += nrng.normal(0, d.noise_sigma, img.shape)
    img = np.clip(img, 0, 255).astype(np.uint8)
    for _ in range(d.rotation90):
        img = np.ascontiguousarray(np.rot90(img))  # counter-clockwise: (x, y) -> (y, W - 1 - x)
        wid = img.shape[0]
        corners = np.stack([corners[:, 1], wid - 1 - corners[:, 0]], axis=1)
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, d.jpeg_quality])
    assert ok
    return jpeg.tobytes(), corners


@dataclass(frozen=True)
class DataPage:
    """One generated page: JPEG bytes and its ground truth."""

    jpeg: bytes
    truth: dict


def generate_page(
    seed: int,
    layout: str,
    level: str,
    faces_dir: Path | None = None,
    today: dt.date | None = None,
    mrz_lines: tuple[str, ...] | None = None,
) -> DataPage:
    """Page number `seed` of `layout` at distortion `level`; the same arguments always give the same bytes.

    `mrz_lines` prints those lines instead of the identity's own MRZ (to test how bad MRZs are reported); the
    real-like level chooses its own (some invalid as printed) and does not take them.
    """
    today = today or dt.date(2026, 1, 1)
    if level == REAL_LIKE:
        from benchmarks.real_like import generate_real_like  # it draws with this module's helpers

        if mrz_lines is not None:
            raise ValueError("real-like pages print MRZ lines of their own choosing")
        return generate_real_like(seed, layout, faces_dir, today)
    rng = random.Random(f"{seed}/{layout}/{level}")
    identity = random_identity(rng, layout, today)
    distortion = draw_distortion(rng, level)
    page, box = render_page(identity, rng, faces_dir, mrz_lines=mrz_lines)
    jpeg, corners = photograph(page, box, distortion, rng)
    truth = {
        "seed": seed,
        "layout": layout,
        "level": level,
        "reference_date": today.isoformat(),
        "mrz": list(mrz_lines or build_mrz(identity)),
        "identity": {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(identity).items()},
        "distortion": asdict(distortion),
        "portrait_corners": [[round(float(x), 1), round(float(y), 1)] for x, y in corners],
        "has_face": faces_dir is not None and faces_dir.is_dir(),
    }
    return DataPage(jpeg, truth)


def write_pages(
    out_dir: Path, count: int, seed: int = 0, faces_dir: Path | None = None, level: str | None = None
) -> list[Path]:
    """Write `count` pages, each NAME.jpg with NAME.json beside it: cycling through layouts and the old levels,
    or through the real-like documents when `level` is REAL_LIKE."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(count):
        if level == REAL_LIKE:
            layout, page_level = REAL_LIKE_LAYOUTS[i % len(REAL_LIKE_LAYOUTS)], REAL_LIKE
        else:
            layout, page_level = LAYOUTS[i % 3], LEVELS[(i // 3) % 3]
        page = generate_page(seed + i, layout, page_level, faces_dir)
        stem = out_dir / f"page_{seed + i:05d}_{layout}_{page_level}"
        stem.with_suffix(".jpg").write_bytes(page.jpeg)
        stem.with_suffix(".json").write_text(json.dumps(page.truth, indent=2))
        written.append(stem.with_suffix(".jpg"))
    return written
