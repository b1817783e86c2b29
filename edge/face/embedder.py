"""The embedder interface every face model backend implements, and how the pipeline picks one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class ChipSpec:
    """How a face must be aligned and cropped before this embedder sees it.

    kind "dlib": dlib.get_face_chip from the 5-point landmarks, `size` pixels, `padding` around the face.
    kind "arcface": similarity transform of the 5 points onto the ArcFace 112x112 template.
    """

    kind: str
    size: int
    padding: float = 0.0


@runtime_checkable
class Embedder(Protocol):
    """Turns aligned face chips into L2-normalised templates; `model_id` travels with every template."""

    model_id: str
    dim: int
    chip_spec: ChipSpec

    def embed(self, chips: list[np.ndarray]) -> np.ndarray:
        """(n, dim) float32, each row of unit length; chips are RGB uint8 per `chip_spec`."""
        ...


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, float32; a zero row stays zero rather than becoming NaN."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, np.float32(1e-12))
