"""The `real-like` level of the generated data pages: documents as a kiosk camera or a desk scanner sees them.

A TD1 identity card, a TD3 passport data page or an MRV-A/MRV-B visa lies on a desk, a hand or a scanner bed,
turned by any angle and seen in perspective. Its visual zone is set in other fonts than OCR-B (French and English
labels; on some cards one or two lines in a monospaced font at the MRZ's own line pitch just above it), with a
"SPECIMEN" overprint, a copyright line against the MRZ, guilloche, holographic glare and a laminate reflection.
Images are 350 to 4,000 px on their long side, JPEG quality 40 to 95.

Some pages are made to test judgement rather than eyesight (CASES): a well-formed state code the ICAO list lacks,
an MRZ whose check digits fail as printed (some printed so that swapping one look-alike would make them hold), and
two different cards side by side. What the reader should answer is the page's `expected_outcome` (OUTCOMES),
saved in its ground truth. On a two-card scan the reader may refuse, or read ONE of the two cards exactly and
valid; returning lines of neither, or a mix of both, is a wrong answer.

Everything is drawn from the seed: page `seed` of document `layout` is the same image on every machine.
"""

from __future__ import annotations

import colorsys
import datetime as dt
import math
import random
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from benchmarks.datapages import (
    OCRB_ADVANCE,
    OCRB_FONT,
    PITCH_MM,
    REAL_LIKE,
    REAL_LIKE_LAYOUTS,
    DataPage,
    _font,
    _guilloche,
    _portrait,
    random_identity,
)
from edge.document.codes import lookup
from edge.document.mrz_build import MrzIdentity, build_mrz
from edge.document.mrz_formats import FORMATS

# Card sizes in mm: ISO/IEC 7810 ID-1, ID-2 and ID-3, and Doc 9303 Part 7's visa stickers.
CARD_MM = {
    "TD1": (85.6, 54.0),
    "TD2": (105.0, 74.0),
    "TD3": (125.0, 88.0),
    "MRV-A": (120.0, 80.0),
    "MRV-B": (105.0, 74.0),
}
MRZ_LINE_GAP_MM = 4.23  # Doc 9303: 6 lines per inch
FONTS = Path("/usr/share/fonts/truetype/dejavu")  # fonts-dejavu-core, which scripts/setup.sh installs
SANS, SANS_BOLD = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"
SERIF, SERIF_BOLD = FONTS / "DejaVuSerif.ttf", FONTS / "DejaVuSerif-Bold.ttf"
MONO, MONO_BOLD = FONTS / "DejaVuSansMono.ttf", FONTS / "DejaVuSansMono-Bold.ttf"
LONG_SIDE_PX = (350, 4000)
JPEG_QUALITY = (40, 95)
# The MRZ stays legible to a person: at least 7 px a character (a 44-character line ~310 px long), and a small
# MRZ is not also compressed below quality 60. Below that even an officer could not read the page.
MIN_PITCH_PX = 7.0
SMALL_PITCH_PX, SMALL_PITCH_MIN_JPEG = 10.0, 60
BACKGROUNDS = ("desk", "hand", "scanner", "cloth")

OUTCOMES = {
    "read": "valid, every MRZ character as printed",
    "unknown_code": "the fields shown as printed (check digits hold) as a finding: a failed state-code check",
    "invalid_as_printed": "not valid; the fields shown as printed as a finding: the check digit fails as printed",
    "either_card": "refused, or one of the two cards read exactly and valid; never a mix",
}
# How each kind of page is made, its share of the pages, and the outcome expected of the reader.
CASES = {
    "plain": (0.58, "read"),
    "unknown_code": (0.10, "unknown_code"),
    "bad_check_digit": (0.08, "invalid_as_printed"),
    "repair_bait": (0.08, "invalid_as_printed"),
    "two_cards": (0.16, "either_card"),
}
# A look-alike printed instead of the letter the check digits were computed for (as R00F printed for ROOF):
# the printed MRZ fails, the "repaired" one would pass. G/6 is left out: G and 6 have the same check value mod 10.
BAIT_SWAPS = {"O": "0", "I": "1", "S": "5", "B": "8", "Z": "2"}
DOCUMENT_CODES = {
    "TD1": ("I", "ID", "IR", "AC"),
    "TD2": ("I", "IR", "AC"),
    "TD3": ("P", "P", "PD"),
    "MRV-A": ("V", "VN"),
    "MRV-B": ("V", "VN"),
}
STATE_CODES = ("UTO", "UTO", "NER", "MLI", "BFA", "TCD", "SEN", "CIV", "FRA", "D", "GBR", "CAN", "NLD")
STATE_NAMES = {
    "UTO": ("RÉPUBLIQUE D'UTOPIE", "REPUBLIC OF UTOPIA"),
    "NER": ("RÉPUBLIQUE DU NIGER", "REPUBLIC OF NIGER"),
    "MLI": ("RÉPUBLIQUE DU MALI", "REPUBLIC OF MALI"),
    "BFA": ("BURKINA FASO", "BURKINA FASO"),
    "TCD": ("RÉPUBLIQUE DU TCHAD", "REPUBLIC OF CHAD"),
    "SEN": ("RÉPUBLIQUE DU SÉNÉGAL", "REPUBLIC OF SENEGAL"),
    "CIV": ("RÉPUBLIQUE DE CÔTE D'IVOIRE", "REPUBLIC OF CÔTE D'IVOIRE"),
}
TITLES = {
    "TD1": ("CARTE NATIONALE D'IDENTITÉ", "NATIONAL IDENTITY CARD"),
    "TD2": ("CARTE D'IDENTITÉ", "IDENTITY CARD"),
    "TD3": ("PASSEPORT", "PASSPORT"),
    "MRV-A": ("VISA", "VISA"),
    "MRV-B": ("VISA", "VISA"),
}
PLACES = ("NIAMEY", "BAMAKO", "OUAGADOUGOU", "N'DJAMENA", "AGADEZ", "ZINDER", "TAHOUA", "GAO", "DOSSO", "MARADI")
LABELS = {
    "surname": "Nom / Surname",
    "given_names": "Prénoms / Given names",
    "nationality": "Nationalité / Nationality",
    "birth_date": "Date de naissance / Date of birth",
    "sex": "Sexe / Sex",
    "birth_place": "Lieu de naissance / Place of birth",
    "issue_date": "Date de délivrance / Date of issue",
    "expiry_date": "Date d'expiration / Date of expiry",
    "document_number": "N° du document / Document No.",
    "authority": "Autorité / Authority",
}
COPYRIGHT = (
    "© {year} IMPRIMERIE NATIONALE — SPECIMEN — REPRODUCTION INTERDITE",
    "SPECIMEN © {year} ICAO-STYLE TEST DOCUMENT — NOT VALID FOR TRAVEL",
    "© {year} Ministère de l'Intérieur — document spécimen / specimen document",
)


@dataclass(frozen=True)
class Scene:
    """How one page was drawn and photographed; every value from the seed."""

    case: str
    background: str
    long_side_px: int
    width_px: int
    height_px: int
    angle_deg: float  # counter-clockwise turn of the card(s) in the image
    perspective: float  # corner jitter as a share of the card's size
    mrz_pitch_px: float  # the MRZ's character pitch in the final image (before perspective)
    blur_sigma: float
    noise_sigma: float
    jpeg_quality: int
    hologram: float  # peak opacity of the rainbow glare on the card
    laminate: float  # peak opacity of the white reflection across the image
    lighting: float  # depth of the uneven-light gradient
    specimen: float  # opacity of the SPECIMEN overprint, 0 for none
    specimen_over_mrz: bool
    copyright_line: bool
    pitch_lines: int  # visual-zone lines in a monospaced font at the MRZ's line pitch just above it
    thumb: bool


@dataclass(frozen=True)
class Card:
    """One document to draw: its layout, its holder and the MRZ lines printed on it (not always the valid ones)."""

    layout: str
    identity: MrzIdentity
    lines: tuple[str, ...]
    valid_twin: tuple[str, ...] | None = None  # for an MRZ invalid as printed: the lines whose check digits hold


def _weighted_case(rng: random.Random) -> str:
    return rng.choices(list(CASES), weights=[w for w, _ in CASES.values()])[0]


def unknown_state_code(rng: random.Random) -> str:
    """A well-formed three-letter code that is no ICAO 9303 code (like ASU or COU)."""
    while True:
        code = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWYZ") for _ in range(3))  # X-codes are ICAO's own
        if lookup(code) is None:
            return code


def random_holder(rng: random.Random, layout: str, today: dt.date) -> MrzIdentity:
    """A fictional holder of a `layout` document issued by a real state or Utopia."""
    base = {"TD1": "TD1", "TD2": "TD2", "TD3": "TD3", "MRV-A": "TD3", "MRV-B": "TD2"}[layout]
    identity = random_identity(rng, base, today)
    optional = FORMATS[layout].field("optional_data").span
    return replace(
        identity,
        format=layout,
        document_code=rng.choice(DOCUMENT_CODES[layout]),
        issuing_state=rng.choice(STATE_CODES),
        nationality=rng.choice(STATE_CODES),
        optional_data=identity.optional_data[: optional.end - optional.start],
    )


def break_a_check_digit(rng: random.Random, layout: str, lines: tuple[str, ...]) -> tuple[str, ...]:
    """`lines` with one check digit printed wrong."""
    spec = rng.choice([c for c in FORMATS[layout].checks if not c.filler_when_empty])
    span = FORMATS[layout].field(spec.digit).span
    chars = list(lines[span.line])
    chars[span.start] = rng.choice([d for d in "0123456789" if d != chars[span.start]])
    return tuple("".join(chars) if i == span.line else line for i, line in enumerate(lines))


def repair_bait(rng: random.Random, identity: MrzIdentity) -> tuple[MrzIdentity, tuple[str, ...], tuple[str, ...]]:
    """A holder whose document number has a letter with a digit look-alike, and the MRZ printed with the digit
    while every check digit was computed for the letter: invalid as printed, valid after one 'repair'.
    Returns the holder as printed, the printed lines and their valid twin."""
    letter = rng.choice(list(BAIT_SWAPS))
    number = list(identity.document_number)
    number[rng.randrange(len(number))] = letter
    twin = replace(identity, document_number="".join(number))
    span = FORMATS[identity.format].field("document_number").span
    valid = build_mrz(twin)
    lines = list(valid)
    row = lines[span.line]
    at = span.start + number.index(letter)
    lines[span.line] = row[:at] + BAIT_SWAPS[letter] + row[at + 1 :]
    printed = replace(twin, document_number=lines[span.line][span.start : span.end].rstrip("<"))
    return printed, tuple(lines), valid


def make_card(rng: random.Random, layout: str, case: str, today: dt.date) -> Card:
    """The document of `case`: its holder and the MRZ lines as they will be printed."""
    identity = random_holder(rng, layout, today)
    if case == "unknown_code":
        code = unknown_state_code(rng)
        which = rng.choice(["issuing_state", "nationality", "both"])
        identity = replace(
            identity,
            issuing_state=code if which != "nationality" else identity.issuing_state,
            nationality=code if which != "issuing_state" else identity.nationality,
        )
    if case == "repair_bait":
        identity, lines, valid = repair_bait(rng, identity)
        return Card(layout, identity, lines, valid)
    lines = build_mrz(identity)
    if case == "bad_check_digit":
        return Card(layout, identity, break_a_check_digit(rng, layout, lines), lines)
    return Card(layout, identity, lines)


def _mm_font(path: Path, mm: float, px_per_mm: float) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return _font(path, max(6, round(mm * px_per_mm)))


def _visual_zone_values(card: Card, rng: random.Random) -> list[tuple[str, str]]:
    ident = card.identity
    issued = ident.expiry_date - dt.timedelta(days=rng.choice([5, 10]) * 365)
    date = "%d %b %Y" if rng.random() < 0.5 else "%d.%m.%Y"
    return [
        ("surname", ident.surname),
        ("given_names", ident.given_names if rng.random() < 0.7 else ident.given_names.title()),
        ("nationality", ident.nationality),
        ("birth_date", ident.birth_date.strftime(date).upper()),
        ("sex", ident.sex),
        ("birth_place", rng.choice(PLACES)),
        ("issue_date", issued.strftime(date).upper()),
        ("expiry_date", ident.expiry_date.strftime(date).upper()),
        ("document_number", ident.document_number),
        ("authority", f"PRÉFECTURE DE {rng.choice(PLACES)}"),
    ]


def _pitch_line(rng: random.Random, card: Card) -> str:
    """A visual-zone line in capitals and digits, about as long as an MRZ line (what trips a naive locator)."""
    ident = card.identity
    choices = [
        f"{ident.surname} {ident.given_names}",
        f"{ident.document_code} {ident.issuing_state} {ident.document_number} {rng.choice(PLACES)}",
        f"ADRESSE: {rng.randint(1, 250)} RUE DES {rng.choice(['PALMIERS', 'ACACIAS', 'BAOBABS'])} {rng.choice(PLACES)}",
        f"REMARQUES / REMARKS: {rng.choice(['NEANT', 'NONE', 'ENTREES MULTIPLES', 'SINGLE ENTRY'])}",
        f"NO {ident.document_number} DU {ident.expiry_date:%d%m%Y}",
    ]
    return rng.choice(choices)[: FORMATS[card.layout].width]


def _grid(width: int, height: int, side: int) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """Image coordinates (y, x) sampled on a grid at most `side` px long: smooth fields are drawn small and
    enlarged, which costs nothing in looks and saves seconds on a 4,000 px page."""
    k = min(1.0, side / max(width, height))
    small = (max(2, round(width * k)), max(2, round(height * k)))
    yy, xx = np.mgrid[0 : small[1], 0 : small[0]].astype(np.float32)
    return yy * (height / small[1]), xx * (width / small[0]), small


def _enlarge(field: np.ndarray, width: int, height: int) -> np.ndarray:
    return cv2.resize(field.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR)


def _hologram(rng: random.Random, width: int, height: int, strength: float) -> tuple[np.ndarray, np.ndarray]:
    """A rainbow band (colour, opacity) across part of the card, as an OVD foil catches the light."""
    yy, xx, _ = _grid(width, height, 512)
    theta = rng.uniform(0, math.pi)
    u = (xx * math.cos(theta) + yy * math.sin(theta)) / max(width, height)
    centre, spread = rng.uniform(0.2, 0.8), rng.uniform(0.08, 0.25)
    alpha = strength * np.exp(-(((u - centre) / spread) ** 2))
    hue = (u * rng.uniform(3, 8)) % 1.0
    palette = np.array([colorsys.hsv_to_rgb(h, 0.45, 1.0) for h in np.linspace(0, 1, 64)], dtype=np.float32) * 255
    colour = palette[(hue * 63).astype(np.int32)]
    return _enlarge(colour, width, height), _enlarge(alpha, width, height)


def render_card(card: Card, rng: random.Random, px_per_mm: float, scene: Scene, faces_dir: Path | None):
    """The flat card (RGB), its opacity mask and the MRZ block's corners on it (4 x 2, clockwise from top left)."""
    w_mm, h_mm = CARD_MM[card.layout]
    width, height = round(w_mm * px_per_mm), round(h_mm * px_per_mm)
    page = Image.fromarray(_guilloche(rng, width, height))
    _rosette(page, rng, px_per_mm)
    draw = ImageDraw.Draw(page)
    mm = px_per_mm
    lines = card.lines
    pitch = PITCH_MM * mm
    mrz_font = _font(OCRB_FONT, max(6, round(pitch / OCRB_ADVANCE)))
    gap = MRZ_LINE_GAP_MM * mm
    mrz_top = height - rng.uniform(1.0, 2.0) * mm - len(lines) * gap
    left = (width - len(lines[0]) * pitch) / 2 + rng.uniform(-0.6, 0.6) * mm
    ink = tuple(rng.randint(5, 45) for _ in range(3))
    for i, text in enumerate(lines):
        draw.text((left, mrz_top + i * gap), text, font=mrz_font, fill=ink)
    mrz_box = np.float32(
        [
            [left, mrz_top],
            [left + len(lines[0]) * pitch, mrz_top],
            [left + len(lines[0]) * pitch, mrz_top + len(lines) * gap],
            [left, mrz_top + len(lines) * gap],
        ]
    )
    # Header: state and document title, bilingual, in a serif or sans face.
    face, bold = (SERIF, SERIF_BOLD) if rng.random() < 0.5 else (SANS, SANS_BOLD)
    state = STATE_NAMES.get(card.identity.issuing_state, (f"ÉTAT {card.identity.issuing_state}",) * 2)
    title = TITLES[card.layout]
    colour = tuple(rng.randint(30, 110) for _ in range(3))
    head = _mm_font(bold, 3.0 if card.layout == "TD1" else 3.6, mm)
    draw.text((4 * mm, 2.0 * mm), f"{state[0]} / {state[1]}"[:60], font=head, fill=colour)
    draw.text((4 * mm, 6.0 * mm), f"{title[0]} / {title[1]}", font=_mm_font(face, 2.4, mm), fill=colour)
    # Visual-zone text ends above the pitch lines and the copyright line, which sit against the MRZ.
    pitch_top = mrz_top - scene.pitch_lines * gap
    copyright_h = 2.2 * mm if scene.copyright_line else 0.0
    zone_bottom = pitch_top - copyright_h - 1.0 * mm
    top = 10 * mm
    portrait_h = max(4 * mm, zone_bottom - top)
    portrait_w = portrait_h * 0.78
    box = (round(4 * mm), round(top), round(4 * mm + portrait_w), round(top + portrait_h))
    page.paste(_portrait(rng, faces_dir, (max(1, box[2] - box[0]), max(1, box[3] - box[1]))), box[:2])
    rows = _visual_zone_values(card, rng)
    columns = 2 if card.layout != "TD1" else 1
    per_column = math.ceil(len(rows) / columns)
    if card.layout == "TD1":
        rows = rows[:6] + rows[7:9]
        per_column = len(rows)
    step = (zone_bottom - top) / per_column
    label_font = _mm_font(face, min(1.6, step / mm * 0.38), mm)
    value_font = _mm_font(bold if rng.random() < 0.5 else face, min(2.6, step / mm * 0.5), mm)
    col_w = (width - box[2] - 6 * mm) / columns
    for k, (key, value) in enumerate(rows):
        x = box[2] + 3 * mm + (k // per_column) * col_w
        y = top + (k % per_column) * step
        draw.text((x, y), LABELS[key], font=label_font, fill=(80, 80, 105))
        draw.text((x, y + step * 0.42), value, font=value_font, fill=(15, 15, 25))
    if scene.pitch_lines:
        mono = _font(MONO_BOLD if rng.random() < 0.5 else MONO, max(6, round(pitch / 0.602)))  # DejaVu Mono's advance
        for i in range(scene.pitch_lines):
            draw.text((left, pitch_top + i * gap), _pitch_line(rng, card), font=mono, fill=(25, 25, 45))
    if scene.copyright_line:
        text = rng.choice(COPYRIGHT).format(year=rng.randint(2015, 2026))
        draw.text((left, mrz_top - copyright_h), text, font=_mm_font(SANS, 1.5, mm), fill=(70, 60, 80))
    if scene.thumb:
        # A thumb holding the card by its top corner, away from the MRZ.
        tx = rng.choice([0.0, width])
        skin = tuple(rng.randint(lo, hi) for lo, hi in ((120, 225), (80, 180), (60, 150)))
        draw.ellipse((tx - 14 * mm, -8 * mm, tx + 14 * mm, 16 * mm), fill=skin)
    rgb = np.asarray(page).astype(np.float32)
    if scene.specimen > 0:
        rgb = _overprint(rgb, rng, mm, scene.specimen, mrz_top if not scene.specimen_over_mrz else height)
    if scene.hologram > 0:
        colour, alpha = _hologram(rng, width, height, scene.hologram)
        rgb = rgb * (1 - alpha[..., None]) + colour * alpha[..., None]
    mask = np.zeros((height, width), dtype=np.uint8)
    radius = round((3.18 if card.layout == "TD1" else 1.5) * mm)
    cv2.rectangle(mask, (radius, 0), (width - 1 - radius, height - 1), 255, -1)
    cv2.rectangle(mask, (0, radius), (width - 1, height - 1 - radius), 255, -1)
    for cx in (radius, width - 1 - radius):
        for cy in (radius, height - 1 - radius):
            cv2.circle(mask, (cx, cy), radius, 255, -1, cv2.LINE_AA)
    return np.clip(rgb, 0, 255).astype(np.uint8), mask, mrz_box


def _rosette(page: Image.Image, rng: random.Random, px_per_mm: float) -> None:
    """A guilloche rosette in the visual zone: the security print a scanner meets first."""
    draw = ImageDraw.Draw(page)
    width, height = page.size
    cx, cy = rng.uniform(0.4, 0.8) * width, rng.uniform(0.25, 0.5) * height
    radius = rng.uniform(0.15, 0.3) * height
    colour = tuple(rng.randint(150, 215) for _ in range(3))
    lobes, turns = rng.randint(7, 15), rng.randint(12, 24)
    t = np.linspace(0, 2 * math.pi, 720)
    for k in range(turns):
        phase = 2 * math.pi * k / turns
        r = radius * (0.75 + 0.25 * np.sin(lobes * t + phase))
        pts = list(zip((cx + r * np.cos(t)).tolist(), (cy + r * np.sin(t)).tolist(), strict=True))
        draw.line(pts, fill=colour, width=max(1, round(px_per_mm * 0.08)))


def _overprint(rgb: np.ndarray, rng: random.Random, px_per_mm: float, opacity: float, bottom: float) -> np.ndarray:
    """'SPECIMEN' in large letters across the card at an angle, translucent; above `bottom` only."""
    height, width = rgb.shape[:2]
    layer = Image.new("L", (width, height), 0)
    font = _font(SANS_BOLD, max(8, round(rng.uniform(7, 12) * px_per_mm)))
    ImageDraw.Draw(layer).text(
        (width * rng.uniform(0.05, 0.3), height * rng.uniform(0.2, 0.5)), "SPECIMEN", font=font, fill=255
    )
    layer = layer.rotate(rng.uniform(-30, 30), resample=Image.Resampling.BILINEAR, center=(width / 2, height / 2))
    alpha = np.asarray(layer).astype(np.float32) / 255 * opacity
    alpha[int(bottom) :] = 0
    colour = np.float32(rng.choice([(200, 30, 40), (120, 120, 130), (30, 60, 160)]))
    return rgb * (1 - alpha[..., None]) + colour * alpha[..., None]


def _background(rng: random.Random, kind: str, width: int, height: int) -> np.ndarray:
    """A generated surface: wood grain, skin, a scanner bed or cloth (no photographs)."""
    nrng = np.random.default_rng(rng.getrandbits(32))
    yy, xx, small = _grid(width, height, 1024)
    low = cv2.resize(nrng.normal(0, 1, (8, 8)).astype(np.float32), small, interpolation=cv2.INTER_CUBIC)
    if kind == "desk":
        base = np.float32([rng.randint(90, 170), rng.randint(55, 110), rng.randint(25, 70)])
        grain = np.sin((yy / max(height, 1)) * rng.uniform(40, 120) + low * 3.0)
        shade = 1 + 0.12 * grain + 0.08 * low
    elif kind == "hand":
        base = np.float32([rng.randint(120, 230), rng.randint(80, 180), rng.randint(60, 150)])
        shade = 1 + 0.15 * low
    elif kind == "scanner":
        base = np.float32([rng.randint(215, 250)] * 3)
        shade = 1 + 0.02 * low
    else:
        base = np.float32([rng.randint(20, 120) for _ in range(3)])
        weave = np.sin(xx * rng.uniform(0.3, 0.9)) * np.sin(yy * rng.uniform(0.3, 0.9))
        shade = 1 + 0.08 * weave + 0.1 * low
    return base[None, None, :] * _enlarge(shade, width, height)[..., None]


def draw_scene(rng: random.Random, case: str, layout: str) -> Scene:
    """A random scene for a page of `case`; its size is settled later, when the card's size is known."""
    return Scene(
        case=case,
        background=rng.choice(BACKGROUNDS),
        long_side_px=round(math.exp(rng.uniform(math.log(LONG_SIDE_PX[0]), math.log(LONG_SIDE_PX[1])))),
        width_px=0,
        height_px=0,
        angle_deg=round(
            rng.uniform(0, 360) if rng.random() < 0.5 else rng.choice([0, 90, 180, 270]) + rng.uniform(-8, 8), 2
        )
        % 360,
        perspective=round(rng.uniform(0, 0.08), 4),
        mrz_pitch_px=0.0,
        blur_sigma=0.0,
        noise_sigma=round(rng.uniform(1.0, 7.0), 2),
        jpeg_quality=rng.randint(*JPEG_QUALITY),
        hologram=round(rng.uniform(0, 0.35), 2) if rng.random() < 0.6 else 0.0,
        laminate=round(rng.uniform(0, 0.45), 2) if rng.random() < 0.5 else 0.0,
        lighting=round(rng.uniform(0, 0.35), 2),
        specimen=round(rng.uniform(0.15, 0.45), 2) if rng.random() < 0.7 else 0.0,
        specimen_over_mrz=rng.random() < 0.3,
        copyright_line=rng.random() < 0.6,
        pitch_lines=rng.choice([0, 0, 1, 1, 2]) if layout != "TD1" else rng.choice([0, 1]),
        thumb=rng.random() < 0.3,
    )


def _fit(scene: Scene, rng: random.Random, cards_mm: tuple[float, float]) -> tuple[Scene, float]:
    """The image size and the card scale (px/mm): the card(s) fill 50-95 % of the frame, the MRZ stays legible."""
    portrait_frame = rng.random() < 0.35
    aspect = rng.choice([4 / 3, 3 / 2, 16 / 9, 1.0])
    long_side = scene.long_side_px
    w, h = (long_side / aspect, long_side) if portrait_frame else (long_side, long_side / aspect)
    theta = math.radians(scene.angle_deg)
    bw = abs(cards_mm[0] * math.cos(theta)) + abs(cards_mm[1] * math.sin(theta))
    bh = abs(cards_mm[0] * math.sin(theta)) + abs(cards_mm[1] * math.cos(theta))
    scale = rng.uniform(0.5, 0.9) / (1 + 2 * scene.perspective) * min(w / bw, h / bh)
    if scale * PITCH_MM < MIN_PITCH_PX:
        # Too small to read: the image grows (keeping its aspect) until the card fits at the legible scale.
        scale = MIN_PITCH_PX / PITCH_MM
        grow = max(
            1.0,
            scale * bw * 1.15 * (1 + 2 * scene.perspective) / w,
            scale * bh * 1.15 * (1 + 2 * scene.perspective) / h,
        )
        w, h = w * grow, h * grow
    pitch_px = scale * PITCH_MM
    quality = max(scene.jpeg_quality, SMALL_PITCH_MIN_JPEG) if pitch_px < SMALL_PITCH_PX else scene.jpeg_quality
    blur = round(rng.uniform(0, 0.09) * pitch_px, 2)
    fitted = replace(
        scene,
        long_side_px=round(max(w, h)),
        width_px=round(w),
        height_px=round(h),
        mrz_pitch_px=round(pitch_px, 2),
        blur_sigma=blur,
        jpeg_quality=quality,
    )
    return fitted, scale


def _place(
    card_size: tuple[int, int],
    centre: tuple[float, float],
    angle_deg: float,
    scale: float,
    jitter: float,
    rng: random.Random,
) -> np.ndarray:
    """Where the card's corners land in the image: scaled, turned about `centre`, corners jittered."""
    w, h = card_size
    corners = np.float32([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]]) * scale
    corners += np.float32([[rng.uniform(-jitter, jitter) for _ in range(2)] for _ in range(4)]) * max(w, h) * scale
    theta = math.radians(-angle_deg)  # image y points down: a counter-clockwise turn is a negative angle here
    rot = np.float32([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    return corners @ rot.T + np.float32(centre)


def generate_real_like(seed: int, layout: str, faces_dir: Path | None = None, today: dt.date | None = None) -> DataPage:
    """Page `seed` of document `layout` (TD1, TD3, MRV-A, MRV-B) at the real-like level, with its ground truth."""
    if layout not in REAL_LIKE_LAYOUTS:
        raise ValueError(f"the real-like level draws {', '.join(REAL_LIKE_LAYOUTS)}, not {layout!r}")
    today = today or dt.date(2026, 1, 1)
    rng = random.Random(f"{seed}/{layout}/{REAL_LIKE}")
    case = _weighted_case(rng)
    cards = [make_card(rng, layout, case, today)]
    if case == "two_cards":
        other = rng.choice(REAL_LIKE_LAYOUTS)
        cards.append(make_card(rng, other, "plain", today))
    scene = draw_scene(rng, case, layout)
    gap_mm = rng.uniform(4, 15)
    sizes_mm = [CARD_MM[c.layout] for c in cards]
    side_by_side = rng.random() < 0.7  # else one above the other
    if len(cards) == 1:
        extent = sizes_mm[0]
    elif side_by_side:
        extent = (sizes_mm[0][0] + sizes_mm[1][0] + gap_mm, max(s[1] for s in sizes_mm))
    else:
        extent = (max(s[0] for s in sizes_mm), sizes_mm[0][1] + sizes_mm[1][1] + gap_mm)
    scene, scale = _fit(scene, rng, extent)
    width, height = scene.width_px, scene.height_px
    image = _background(rng, scene.background, width, height)
    # Cards are drawn a little finer than they will appear, then warped down into the image.
    render_scale = max(4.0, min(scale * 1.25, 40.0))
    centre = np.float32([width / 2, height / 2]) + np.float32(
        [rng.uniform(-0.04, 0.04) * width, rng.uniform(-0.04, 0.04) * height]
    )
    theta = math.radians(-scene.angle_deg)
    flat_sizes = [(round(w * render_scale), round(h * render_scale)) for w, h in sizes_mm]
    quads = []
    for index, size in enumerate(flat_sizes):
        offset = np.float32([0.0, 0.0])
        if len(cards) == 2:
            along = 0 if side_by_side else 1
            offset[along] = (extent[along] - sizes_mm[index][along]) / 2 * (1 if index else -1) * scale
            offset = np.float32(
                [
                    offset[0] * math.cos(theta) - offset[1] * math.sin(theta),
                    offset[0] * math.sin(theta) + offset[1] * math.cos(theta),
                ]
            )
        quads.append(
            _place(size, tuple(centre + offset), scene.angle_deg, scale / render_scale, scene.perspective, rng)
        )
    # Whatever the jitter, the cards stay whole in the frame: the ground truth must be on the image.
    corners = np.concatenate(quads)
    low, high = corners.min(axis=0), corners.max(axis=0)
    frame = np.float32([width - 1, height - 1])
    shift = np.maximum(0, -low) - np.maximum(0, high - frame)
    quads = [q + shift for q in quads]
    mrz_quads = []
    _, _, small = _grid(width, height, 256)
    for card, size, dst in zip(cards, flat_sizes, quads, strict=True):
        flat, mask, mrz_box = render_card(card, rng, render_scale, scene, faces_dir)
        src = np.float32([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]])
        homography = cv2.getPerspectiveTransform(src, dst)
        warped = cv2.warpPerspective(flat, homography, (width, height), flags=cv2.INTER_AREA)
        alpha = cv2.warpPerspective(mask, homography, (width, height), flags=cv2.INTER_LINEAR).astype(np.float32) / 255
        shadow = cv2.GaussianBlur(cv2.resize(alpha, small, interpolation=cv2.INTER_AREA), (0, 0), 2.5)
        shadow = np.roll(_enlarge(shadow, width, height), (round(0.004 * height), round(0.004 * width)), axis=(0, 1))
        image *= (1 - 0.35 * shadow)[..., None]
        warped = warped.astype(np.float32)
        warped -= image
        warped *= alpha[..., None]
        image += warped
        mrz_quads.append(cv2.perspectiveTransform(mrz_box[None], homography)[0])
    image = np.clip(_light(image, rng, scene), 0, 255).astype(np.uint8)
    if scene.blur_sigma > 0.2:
        image = cv2.GaussianBlur(image, (0, 0), scene.blur_sigma)
    nrng = np.random.default_rng(rng.getrandbits(32))
    noise = nrng.standard_normal(image.shape, dtype=np.float32) * np.float32(scene.noise_sigma)
    image = np.clip(image + noise, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(
        ".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, scene.jpeg_quality]
    )
    assert ok
    expected = CASES[case][1]
    truth = {
        "seed": seed,
        "layout": layout,
        "level": REAL_LIKE,
        "reference_date": today.isoformat(),
        "case": case,
        "expected_outcome": expected,
        "expected_outcome_means": OUTCOMES[expected],
        "expected_valid": expected == "read",
        "mrz": list(cards[0].lines),
        "acceptable_mrz": [list(c.lines) for c in cards] if expected == "either_card" else [list(cards[0].lines)],
        # What a repair that changed printed characters would return: a valid MRZ that is not the document's.
        "valid_twin_mrz": list(cards[0].valid_twin) if cards[0].valid_twin else None,
        "identity": _identity_dict(cards[0].identity),
        "other_card": {"layout": cards[1].layout, "identity": _identity_dict(cards[1].identity)}
        if len(cards) == 2
        else None,
        "scene": asdict(scene),
        "mrz_quads": [[[round(float(x), 1), round(float(y), 1)] for x, y in quad] for quad in mrz_quads],
        "has_face": faces_dir is not None and faces_dir.is_dir(),
    }
    return DataPage(jpeg.tobytes(), truth)


def _identity_dict(identity: MrzIdentity) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(identity).items()}


def _light(image: np.ndarray, rng: random.Random, scene: Scene) -> np.ndarray:
    """Uneven light across the frame and a laminate's white reflection in a soft streak."""
    height, width = image.shape[:2]
    yy, xx, _ = _grid(width, height, 512)
    theta = rng.uniform(0, 2 * math.pi)
    ramp = (xx * math.cos(theta) + yy * math.sin(theta)) / max(width, height)
    ramp -= ramp.min()
    gain = 1 - scene.lighting * ramp / max(float(ramp.max()), 1e-6)
    if scene.laminate > 0:
        phi = rng.uniform(0, math.pi)
        cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
        along = (xx - cx) * math.cos(phi) + (yy - cy) * math.sin(phi)
        across = -(xx - cx) * math.sin(phi) + (yy - cy) * math.cos(phi)
        size = max(width, height)
        spot = scene.laminate * np.exp(
            -((along / (0.35 * size)) ** 2) - (across / (rng.uniform(0.02, 0.07) * size)) ** 2
        )
    else:
        spot = np.zeros_like(gain)
    gain, spot = _enlarge(gain, width, height)[..., None], _enlarge(spot, width, height)[..., None]
    return image * gain * (1 - spot) + 255 * spot
