"""Compare the data page's visual zone with its MRZ: the document number and surname printed for the eye must
be the ones the MRZ encodes. A mismatch is what a page with an altered MRZ (or an altered visual zone) shows.

Only a near miss is reported as a mismatch (the same length, one or two characters different): text that is
nowhere near the MRZ's value is some other field, and a value not found at all gives no verdict either way.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

from checkpoint.i18n import _
from edge.document.checks import DocumentCheck
from edge.document.locate import MrzBlock, block_box, upright_rotation
from edge.document.mrz_parse import ParsedMrz

MAX_DIFFERENT = 2  # a visual-zone value this close to the MRZ's (and not equal) is the same field, altered
MIN_BOX_HEIGHT = 8  # pixels: smaller text cannot be read


def visual_zone_crops(rgb: np.ndarray, boxes: list[np.ndarray], block: MrzBlock, flip: bool) -> list[np.ndarray]:
    """The text boxes outside the MRZ, each cut out upright (the MRZ's rotation turns the whole page upright)."""
    rot, _size = upright_rotation(rgb.shape, block, flip)
    x0, y0, x1, y1 = block_box(block, rot)
    crops = []
    for box in boxes:
        pts = cv2.transform(box[None].astype(np.float64), rot)[0]
        (bx0, by0), (bx1, by1) = pts.min(axis=0), pts.max(axis=0)
        cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
        if x0 <= cx <= x1 and y0 <= cy <= y1:
            continue  # an MRZ line (or a piece of one)
        if by1 - by0 < MIN_BOX_HEIGHT or bx1 - bx0 < by1 - by0:
            continue
        shift = rot.copy()
        shift[0, 2] -= bx0
        shift[1, 2] -= by0
        size = (int(bx1 - bx0) + 1, int(by1 - by0) + 1)
        crops.append(cv2.warpAffine(rgb, shift, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
    return crops


def visual_zone_checks(parsed: ParsedMrz, texts: list[str]) -> list[DocumentCheck]:
    """A check per MRZ field found again in the visual zone `texts`: passed when equal, failed when altered."""
    tokens = {_norm(part) for text in texts for part in (text, *text.split())} - {""}
    out = []
    for name, value in (("document_number", parsed.fields.document_number), ("surname", parsed.fields.surname)):
        verdict = _compare(_norm(value), tokens)
        if verdict is None:
            continue
        ok, seen = verdict
        detail = (
            _agrees(name)
            if ok
            else _("the visual zone shows %(seen)r where the MRZ has %(mrz)r") % {"seen": seen, "mrz": _norm(value)}
        )
        out.append(DocumentCheck(f"visual_zone_{name}", ok, detail))
    return out


def _agrees(field: str) -> str:
    """What an officer reads when the visual zone shows the MRZ's value of `field`."""
    if field == "document_number":
        return _("the visual zone shows the MRZ's document number")
    return _("the visual zone shows the MRZ's surname")


def _norm(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _fold(text: str) -> str:
    """O/0 and I/1 compared as one: the visual zone's font and the OCR may print either."""
    return text.replace("O", "0").replace("I", "1")


def _compare(value: str, tokens: set[str]) -> tuple[bool, str] | None:
    """(True, value) when a token is the value; (False, token) when one is a near miss; None when neither."""
    if len(value) < 2:
        return None
    if any(_fold(t) == _fold(value) for t in tokens):
        return True, value
    for t in sorted(tokens):
        if (
            len(t) == len(value)
            and 0 < sum(a != b for a, b in zip(_fold(t), _fold(value), strict=True)) <= MAX_DIFFERENT
        ):
            return False, t
    return None
