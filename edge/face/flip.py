"""Flip test-time augmentation: a face's template is the L2-normalised mean of the templates of its aligned chip
and of the chip's mirror image.

The mirror is the same face seen as if turned the other way, so averaging the two cancels part of what pose,
light from one side and asymmetric crops add to a template. It costs a second pass through the embedder. The
templates are not those of the plain embedder, so they carry their own model id (`<id>-flip`) and are never
compared with, enrolled beside or calibrated as the plain ones.
"""

from __future__ import annotations

import numpy as np

from edge.face.embedder import ChipSpec, Embedder, l2_normalise

FLIP_SUFFIX = "-flip"


def flip_model_id(model_id: str) -> str:
    """The id of templates that `model_id`'s embedder makes with flip augmentation."""
    return f"{model_id}{FLIP_SUFFIX}"


class FlipEmbedder:
    """Wraps an embedder: each chip and its horizontal mirror go through it in one batch; their mean is the
    template."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.dim: int = inner.dim
        self.chip_spec: ChipSpec = inner.chip_spec
        self.model_id = flip_model_id(inner.model_id)

    def embed(self, chips: list[np.ndarray]) -> np.ndarray:
        """(n, dim) float32 unit rows: each the normalised sum of a chip's template and its mirror's."""
        if len(chips) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        mirrored = [np.ascontiguousarray(chip[:, ::-1]) for chip in chips]
        both = self.inner.embed([*chips, *mirrored])
        return l2_normalise(both[: len(chips)] + both[len(chips) :])
