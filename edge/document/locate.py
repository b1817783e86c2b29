"""Find the MRZ lines among detected text boxes and cut each one out, upright, from the full-resolution image.

The MRZ is the set of the longest text lines on the page: 2 or 3 parallel boxes of equal length, one line
pitch apart. Their common direction gives the skew (any angle, so every 90-degree orientation too) up to a
half turn; which half is decided from where the rest of the page's text lies (above the MRZ on every ICAO
data page), and checked again by the reader when that is unclear.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

MIN_LINE_RATIO = 8.0  # an MRZ line of 30 characters is far more than 8 times as long as it is high
MIN_PIECE_RATIO = 4.0  # the start of an MRZ line up to its filler run: a dozen characters
SAME_LENGTH = 0.5  # the other MRZ lines are at least this share of the longest one (trailing fillers go unseen)
SAME_ANGLE_DEG = 4.0
# A line box this high (the detector's box: the glyphs and a margin; 22-69 px on the generated pages) holds every
# detail the recogniser (it reads lines 48 px high) can use; larger pages are shrunk to it first (fit_resolution).
MRZ_LINE_PX = 96
MAX_BLOCK_LINES = 5  # an MRZ's 3 lines and a stray line on either side (see mrz_assemble)
# The detector's box can end inside a line's first or last character (a check digit whose cut-off '4' reads as
# 'L'), or stop a whole character short of it. Where ink reaches or lies past a box's end, the end is moved to
# where the line's ink ends - followed outward across the gaps between characters (at most MAX_GAP crop heights
# of blank), up to REACH line heights past the box - plus END_PAD crop heights of blank. Other ends stay as the
# detector cut them: a few pixels more or less of margin change what the recogniser reads.
REACH = 1.0
MAX_GAP = 0.5
END_PAD = 0.25
BACKDROP_ROW = 0.9  # share of a row's pixels that are ink beyond which the row is no text (see _trim_to_ink)
INK_MARGIN = 0.2  # blank kept above and below a line's ink band, as a share of the band's height
INKED_COLUMN = 0.05  # share of a column's pixels that must be ink for the column to hold part of a character


@dataclass(frozen=True)
class MrzBlock:
    """The MRZ found on an image: its direction and its lines, each a rotated box in image pixels."""

    angle_deg: float  # rotate the image by this (counter-clockwise) to make the MRZ horizontal
    lines: tuple[np.ndarray, ...]  # 4x2 corner arrays, top line first in the upright reading
    upside_down_votes: float  # share of other text found below the MRZ (0 sure upright, 1 sure upside down)
    others: int  # how many other text boxes voted
    faint: bool = False  # found only by the detector's look at faint text: its first reading is confirmed by others


def _axis(box: np.ndarray) -> tuple[np.ndarray, float, float, np.ndarray]:
    """Unit vector along the long side, its length, the short side, the centre."""
    (cx, cy), (w, h), angle = cv2.minAreaRect(box)
    theta = np.deg2rad(angle if w >= h else angle + 90.0)
    direction = np.array([np.cos(theta), np.sin(theta)], dtype=np.float64)
    return direction, max(w, h), max(min(w, h), 1.0), np.array([cx, cy])


def merge_collinear(boxes: list[np.ndarray]) -> list[np.ndarray]:
    """Join boxes that are pieces of one text line (the detector often cuts an MRZ line at a run of fillers)."""
    geo = [_axis(b) for b in boxes]
    parent = list(range(len(boxes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (di, li, hi, ci) in enumerate(geo):
        for j in range(i + 1, len(geo)):
            dj, lj, hj, cj = geo[j]
            if abs(float(np.dot(di, dj))) < np.cos(np.deg2rad(SAME_ANGLE_DEG)):
                continue
            normal = np.array([-di[1], di[0]])
            offset = abs(float(np.dot(cj - ci, normal)))
            gap = abs(float(np.dot(cj - ci, di))) - (li + lj) / 2
            if offset < 0.5 * min(hi, hj) and gap < 2.5 * max(hi, hj) and 0.6 < hi / hj < 1.6:
                parent[root(j)] = root(i)
    groups: dict[int, list[np.ndarray]] = {}
    for i, box in enumerate(boxes):
        groups.setdefault(root(i), []).append(box)
    return [
        members[0] if len(members) == 1 else cv2.boxPoints(cv2.minAreaRect(np.concatenate(members))).astype(np.float32)
        for members in groups.values()
    ]


def find_mrz(boxes: list[np.ndarray]) -> MrzBlock | None:
    """The MRZ lines among `boxes`, or None when no 2-3 long parallel lines are there.

    When no such lines are found, shorter ones are tried (MIN_PIECE_RATIO): on a blurred page the detector
    sees only the start of each MRZ line, up to its run of fillers; the reader cuts the rest from the pitch.
    """
    candidates = mrz_candidates(boxes)
    return candidates[0] if candidates else None


def mrz_candidates(boxes: list[np.ndarray]) -> list[MrzBlock]:
    """Every block of long parallel lines among `boxes` that could be the MRZ, the likeliest first (find_mrz's).

    Blocks of more lines come first, then those of longer lines: an ID card's two heading lines (state, document
    title) can be longer than the MRZ lines the detector saw, but the MRZ has 2 or 3 lines and often a stray line
    beside it. (Of 33 held-out real-like pages with several blocks, seeds 1000-1029, the MRZ came first on 23 when
    longest first, on 29 so.) Only reading the lines tells them apart for sure: the reader reads them in turn.
    """
    geo = [(b, *_axis(b)) for b in merge_collinear(boxes)]
    blocks = _blocks(geo, MIN_LINE_RATIO) or _blocks(geo, MIN_PIECE_RATIO)
    seen: set[frozenset[int]] = set()
    distinct = []
    for block in blocks:
        key = frozenset(id(line) for line in block.lines)
        if key not in seen:
            seen.add(key)
            distinct.append(block)
    return sorted(distinct, key=lambda block: -len(block.lines))  # stable: longest first among equals


def same_block(a: MrzBlock, b: MrzBlock) -> bool:
    """True when `a` and `b` are the same lines (found by two looks): as many, each centre within half a line
    height of one of the other's."""
    if len(a.lines) != len(b.lines):
        return False
    centres = [_axis(line)[3] for line in b.lines]
    for line in a.lines:
        _, _, height, centre = _axis(line)
        if min(float(np.linalg.norm(centre - other)) for other in centres) > 0.5 * height:
            return False
    return True


def _blocks(geo: list[tuple], min_ratio: float) -> list[MrzBlock]:
    lines = sorted((g for g in geo if g[2] / g[3] >= min_ratio), key=lambda g: -g[2])
    # The longest line is the MRZ's, unless a heading in the visual zone is longer.
    blocks = (_block_around(longest, lines, geo) for longest in lines)
    return [block for block in blocks if block is not None]


def _block_around(longest: tuple, lines: list[tuple], geo: list[tuple]) -> MrzBlock | None:
    """The MRZ whose longest line is `longest`, None when no other line goes with it."""
    direction, length, height = longest[1], longest[2], longest[3]
    normal = np.array([-direction[1], direction[0]])

    def parallel(d: np.ndarray) -> bool:
        return abs(float(np.dot(d, direction))) >= np.cos(np.deg2rad(SAME_ANGLE_DEG))

    def aligned(g: tuple) -> bool:
        # MRZ lines start (and, but for unseen trailing fillers, end) at the same place along the line.
        along = float(np.dot(g[4] - longest[4], direction))
        start, end = along - g[2] / 2, along + g[2] / 2
        return min(abs(start + length / 2), abs(end - length / 2)) <= 1.5 * height

    members = [
        g
        for g in lines
        if g[2] >= SAME_LENGTH * length
        and g[2] <= length
        and parallel(g[1])
        and abs(float(np.dot(g[4] - longest[4], normal))) <= 3.2 * 2 * height
        and aligned(g)
    ]
    if len(members) < 2:
        return None
    members.sort(key=lambda g: float(np.dot(g[4], normal)))
    # Keep the lines nearest to the longest one: the MRZ's 2 or 3 and any stray line that lies with them (a
    # visual-zone line above, a "SPECIMEN" line below), which the reader tells apart by what they read as.
    if len(members) > MAX_BLOCK_LINES:
        members = sorted(members, key=lambda g: abs(float(np.dot(g[4] - longest[4], normal))))[:MAX_BLOCK_LINES]
        members.sort(key=lambda g: float(np.dot(g[4], normal)))
    if len(members) == 2:
        members = _with_short_third_line(members, geo, direction, normal)
    centre = np.mean([g[4] for g in members], axis=0)
    spread = max(abs(float(np.dot(g[4] - centre, normal))) for g in members) + height
    votes_below = votes = 0.0
    for g in geo:
        if any(g[0] is m[0] for m in members):
            continue
        offset = float(np.dot(g[4] - centre, normal))
        if abs(offset) <= spread:
            continue
        votes += g[2]  # longer text counts more; specks count little
        votes_below += g[2] if offset > 0 else 0.0
    angle = float(np.degrees(np.arctan2(direction[1], direction[0])))
    return MrzBlock(
        angle_deg=angle,
        lines=tuple(m[0] for m in members),
        upside_down_votes=votes_below / votes if votes else 0.5,
        others=len(geo) - len(members),
    )


def _with_short_third_line(members: list[tuple], geo: list[tuple], direction: np.ndarray, normal: np.ndarray) -> list:
    """Two MRZ lines, plus a third when a text box starts where they start, one line pitch beyond them.

    A TD1 name line can be a short name and 20-odd fillers, which the detector does not see as text: its box
    is too short to pass for an MRZ line on its own. A third line that is not there leaves the MRZ unreadable
    (no 3-line layout is 36 or 44 wide), never wrongly read.
    """
    first, last = members
    pitch = float(np.dot(last[4] - first[4], normal))
    height = float(np.mean([m[3] for m in members]))
    # Which end the lines start at depends on how the page is turned: the end the two lines share.
    lows = [float(np.dot(m[4], direction)) - m[2] / 2 for m in members]
    highs = [float(np.dot(m[4], direction)) + m[2] / 2 for m in members]
    low_end = abs(lows[0] - lows[1]) <= abs(highs[0] - highs[1])
    start = float(np.mean(lows if low_end else highs))
    for g in geo:
        if any(g[0] is m[0] for m in members) or abs(float(np.dot(g[1], direction))) < np.cos(
            np.deg2rad(SAME_ANGLE_DEG)
        ):
            continue
        offset = float(np.dot(g[4] - first[4], normal))
        g_start = float(np.dot(g[4], direction)) + (-g[2] / 2 if low_end else g[2] / 2)
        beyond = min(abs(offset - 2 * pitch), abs(offset + pitch))
        if beyond <= 0.3 * abs(pitch) and abs(g_start - start) <= 1.5 * height and 0.6 < g[3] / height < 1.6:
            return sorted([*members, g], key=lambda m: float(np.dot(m[4], normal)))
    return members


def fit_resolution(rgb: np.ndarray, block: MrzBlock) -> tuple[np.ndarray, MrzBlock]:
    """`rgb` shrunk so the MRZ lines' boxes stand at most MRZ_LINE_PX high, and `block` in its pixels: a 4,000 px
    photo is cut, measured and read at the resolution the recogniser needs (it reads lines 48 px high)."""
    height = float(np.median([_axis(line)[2] for line in block.lines]))
    scale = MRZ_LINE_PX / height
    if scale >= 1.0:
        return rgb, block
    small = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    lines = tuple((line * np.float32(scale)).astype(np.float32) for line in block.lines)
    return small, replace(block, lines=lines)


def upright_rotation(shape: tuple[int, ...], block: MrzBlock, flip: bool) -> tuple[np.ndarray, tuple[int, int]]:
    """The 2x3 rotation making the MRZ horizontal (a half turn more when `flip`) and the canvas (w, h) it needs."""
    h, w = shape[:2]
    angle = block.angle_deg + (180.0 if flip else 0.0)
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(rot[0, 0]), abs(rot[0, 1])
    out_w, out_h = int(h * sin + w * cos) + 1, int(h * cos + w * sin) + 1
    rot[0, 2] += out_w / 2 - w / 2
    rot[1, 2] += out_h / 2 - h / 2
    return rot, (out_w, out_h)


def block_box(block: MrzBlock, rot: np.ndarray) -> tuple[float, float, float, float]:
    """The MRZ's (x0, y0, x1, y1) after rotation `rot`."""
    pts = np.concatenate([cv2.transform(b[None].astype(np.float64), rot)[0] for b in block.lines])
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def upright_crops(
    rgb: np.ndarray, block: MrzBlock, flip: bool, extend: float = 0.0, max_band: float | None = None
) -> tuple[list[np.ndarray], np.ndarray]:
    """Each MRZ line cut out horizontally (turned a half turn more when `flip`), and the rotation used (2x3);
    `extend` pixels more at the end of every line (where the detector stops short of a long filler run). With
    `max_band`, a line's ink band is never taken taller than that many pixels (see _trim_to_ink)."""
    rot, _ = upright_rotation(rgb.shape, block, flip)
    crops = []
    placed = []
    for box in block.lines:
        pts = cv2.transform(box[None].astype(np.float64), rot)[0]
        x0, y0 = pts.min(axis=0)
        x1, y1 = pts.max(axis=0)
        placed.append((y0, x0, x1, y1))
    # Every MRZ line has the same number of characters in a monospaced font, so the same extent: the detector
    # often stops short of a trailing run of fillers, so each line is cut across the widest one.
    reach = int(round(REACH * float(np.median([y1 - y0 for y0, _, _, y1 in placed]))))
    left, right = min(p[1] for p in placed), max(p[2] for p in placed) + extend
    for y0, _, _, y1 in sorted(placed):
        # The detector's box is grown beyond the ink; keep its width (OCR needs room at both ends or it drops
        # the first and last characters) but trim its height to the ink band, with a small margin.
        shift = rot.copy()
        shift[0, 2] -= left - reach
        shift[1, 2] -= y0
        size = (max(1, int(right - left) + 2 * reach), max(1, int(y1 - y0)))
        crop = cv2.warpAffine(rgb, shift, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        crops.append(_trim_to_ink(crop, max_band))
    # All lines keep one extent: a character cut at one line's end widens every line alike.
    start = reach - max(_ink_beyond(c, reach, -1) for c in crops)
    end = crops[0].shape[1] - reach + max(_ink_beyond(c, crops[0].shape[1] - reach - 1, 1) for c in crops)
    return [c[:, start:end] for c in crops], rot


def _ink_beyond(crop: np.ndarray, edge: int, step: int) -> int:
    """Columns to add past column `edge` (the box's end, going `step` = -1 left, +1 right) so that the line's
    outermost character is whole and END_PAD of blank follows it; 0 when no ink reaches or lies past the edge."""
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    inked = ink.mean(axis=0) > INKED_COLUMN
    height, width = crop.shape[:2]
    outer = edge
    while 0 <= outer - step < width and not inked[outer] and abs(outer - edge) < width // 2:
        outer -= step  # back inside the box to the line's outermost ink
    k, gap = outer, 0
    while 0 <= k + step < width and gap <= MAX_GAP * height:
        k += step
        gap = 0 if inked[k] else gap + 1
        if inked[k]:
            outer = k
    if (outer - edge) * step < 0:
        return 0  # no ink at or past the box's end: its cut stands (the recogniser is sensitive to a few pixels)
    wanted = (outer - edge) * step + int(round(END_PAD * height))
    room = width - 1 - edge if step > 0 else edge
    return max(0, min(wanted, room))


def _trim_to_ink(crop: np.ndarray, max_band: float | None = None) -> np.ndarray:
    """The rows of `crop` holding the text line through its middle, plus 20% of its height above and below.

    With `max_band`, a band taller than that is cut down to it about the crop's middle: where a line was cut by
    geometry alone (companion_lines) and touches a line of other print, the two lines' ink runs together."""
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    rows = ink.mean(axis=1)
    # Rows almost all ink are the page's edge or the backdrop the box caught, not text: they set no scale.
    text_rows = rows[rows < BACKDROP_ROW]
    inked = rows > max(0.04, 0.25 * float(text_rows.max() if text_rows.size else rows.max()))
    mid = len(rows) // 2
    if not inked.any():
        return crop
    if not inked[mid]:  # the middle row falls between strokes: start from the nearest inked row
        mid = int(np.argmin(np.where(inked, np.abs(np.arange(len(rows)) - mid), len(rows))))
    top = mid
    while top > 0 and inked[top - 1]:
        top -= 1
    bottom = mid
    while bottom < len(rows) - 1 and inked[bottom + 1]:
        bottom += 1
    if max_band is not None and bottom - top + 1 > max_band:
        top = max(0, len(rows) // 2 - int(max_band) // 2)
        bottom = min(len(rows) - 1, top + int(max_band) - 1)
    margin = int(round(INK_MARGIN * (bottom - top + 1)))
    return crop[max(0, top - margin) : min(len(rows), bottom + 1 + margin)]
