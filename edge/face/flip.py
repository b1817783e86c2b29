"""Flip test-time augmentation: a face's template is the L2-normalised mean of the templates of its aligned chip
and of the chip's mirror image, optionally with jittered re-cuts of the chip (and their mirrors) as well.

The mirror is the same face seen as if turned the other way, so averaging the two cancels part of what pose,
light from one side and asymmetric crops add to a template. It costs a second pass through the embedder. The
templates are not those of the plain embedder, so they carry their own model id (`<id>-flip`) and are never
compared with, enrolled beside or calibrated as the plain ones.

Jitter views (`JITTER_VIEWS`) re-cut the aligned chip a few pixels off or a few per cent larger or smaller, as an
alignment error of that size would; each view and its mirror add two passes. Every distinct set of views makes
other templates, so the set is spelt into the model id (`<id>-flip-zin4-zout4`): never mixed with another set's.
"""

from __future__ import annotations

import cv2
import numpy as np

from edge.face.embedder import ChipSpec, Embedder, l2_normalise

FLIP_SUFFIX = "-flip"

# name -> (dx, dy, scale) in pixels of a 150 px chip (scaled with the chip) and zoom about the chip's centre:
# scale > 1 shows the face larger (less padding), as a tighter crop would.
JITTER_VIEWS: dict[str, tuple[float, float, float]] = {
    "zin4": (0.0, 0.0, 1.04),
    "zout4": (0.0, 0.0, 0.96),
    "zout8": (0.0, 0.0, 0.92),
    "zout12": (0.0, 0.0, 0.88),
    "left2": (-2.0, 0.0, 1.0),
    "right2": (2.0, 0.0, 1.0),
    "up2": (0.0, -2.0, 1.0),
    "down2": (0.0, 2.0, 1.0),
}


def parse_jitter(text: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """The jitter views named in `text` ("zin4,zout4"), in a canonical order; unknown names are refused."""
    names = [n.strip() for n in (text.split(",") if isinstance(text, str) else (text or ())) if n.strip()]
    unknown = sorted(set(names) - set(JITTER_VIEWS))
    if unknown:
        raise ValueError(f"unknown jitter view(s) {', '.join(unknown)}: choose from {', '.join(JITTER_VIEWS)}")
    return tuple(n for n in JITTER_VIEWS if n in names)


def flip_model_id(model_id: str, jitter: tuple[str, ...] = ()) -> str:
    """The id of templates that `model_id`'s embedder makes with flip augmentation (and these jitter views)."""
    views = parse_jitter(jitter)
    return f"{model_id}{FLIP_SUFFIX}" + "".join(f"-{v}" for v in views)


def jitter_chip(chip: np.ndarray, view: str) -> np.ndarray:
    """`chip` re-cut as the named view: shifted and/or zoomed about its centre, edges continued (replicated)."""
    dx, dy, scale = JITTER_VIEWS[view]
    size = chip.shape[0]
    unit = size / 150.0
    centre = (size - 1) / 2.0
    matrix = np.array(
        [[scale, 0.0, (1.0 - scale) * centre - dx * unit], [0.0, scale, (1.0 - scale) * centre - dy * unit]]
    )
    out = cv2.warpAffine(chip, matrix, (chip.shape[1], size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return np.ascontiguousarray(out, dtype=np.uint8)


class FlipEmbedder:
    """Wraps an embedder: each chip, its jittered views and all their horizontal mirrors go through it in one
    batch; their mean is the template."""

    def __init__(self, inner: Embedder, jitter: tuple[str, ...] | str = ()) -> None:
        self.inner = inner
        self.jitter = parse_jitter(jitter)
        self.dim: int = inner.dim
        self.chip_spec: ChipSpec = inner.chip_spec
        self.model_id = flip_model_id(inner.model_id, self.jitter)

    @property
    def passes(self) -> int:
        """How many times each face goes through the inner embedder."""
        return 2 * (1 + len(self.jitter))

    def views(self, chip: np.ndarray) -> list[np.ndarray]:
        """The chips whose templates are averaged: the chip, its jittered views, then all their mirrors."""
        upright = [chip, *(jitter_chip(chip, v) for v in self.jitter)]
        return [*upright, *(np.ascontiguousarray(c[:, ::-1]) for c in upright)]

    def embed(self, chips: list[np.ndarray]) -> np.ndarray:
        """(n, dim) float32 unit rows: each the normalised sum of the templates of a chip's views."""
        if len(chips) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        k = self.passes
        every = self.inner.embed([view for chip in chips for view in self.views(chip)])
        return l2_normalise(every.reshape(len(chips), k, self.dim).sum(axis=1))
