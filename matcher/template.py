"""Templates entering the matcher: checked (model, dimension, finite, non-zero) and L2-normalised; 1:1 compare.

Similarity is the inner product of L2-normalised templates (cosine similarity, in [-1, 1]); every score the
matcher returns is on that scale, the scale of the calibration files.
"""

from __future__ import annotations

import numpy as np

from matcher.errors import InvalidTemplate, WrongDimension, WrongModel


def check_model(model_id: str, expected: str, what: str = "the template") -> None:
    """Refuse a template of another face model: scores across models are meaningless."""
    if model_id != expected:
        raise WrongModel(
            f"{what} was made by face model {model_id!r}, but this gallery holds {expected!r} templates",
            "Re-extract the face with the gallery's model, or search a gallery built with this model",
        )


def as_templates(vectors: np.ndarray, dim: int, what: str = "template") -> np.ndarray:
    """A C-contiguous float32 (n, dim) copy of `vectors` (one vector or a batch), each row L2-normalised.

    Raises WrongDimension, or InvalidTemplate for NaN/inf or zero rows; the message names the first bad row.
    """
    array = np.asarray(vectors)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != dim:
        raise WrongDimension(
            f"{what} has shape {tuple(np.shape(vectors))}, expected ({dim},) or (n, {dim})",
            f"Pass {dim}-dimensional templates from the gallery's face model",
        )
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        raise InvalidTemplate(f"{what} has dtype {array.dtype}, not real numbers", "Pass float32 templates")
    array = np.array(array, dtype=np.float32, order="C", copy=True)
    finite = np.isfinite(array).all(axis=1)
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0])
        raise InvalidTemplate(
            f"{what} row {row} holds NaN or infinity",
            "The face extraction failed for this image; re-extract it or leave it out",
        )
    norms = np.linalg.norm(array.astype(np.float64), axis=1)
    zero = norms < 1e-6
    if zero.any():
        row = int(np.flatnonzero(zero)[0])
        raise InvalidTemplate(
            f"{what} row {row} is a zero vector, which has no direction to compare",
            "The face extraction failed for this image; re-extract it or leave it out",
        )
    array /= norms[:, None].astype(np.float32)
    return array


def compare(probe: np.ndarray, probe_model: str, reference: np.ndarray, reference_model: str) -> float:
    """1:1 similarity of two templates of the same model (cosine, in [-1, 1])."""
    check_model(probe_model, reference_model, "the probe")
    dim = int(np.asarray(reference).shape[-1])
    a = as_templates(probe, dim, "probe")
    b = as_templates(reference, dim, "reference")
    if a.shape[0] != 1 or b.shape[0] != 1:
        raise WrongDimension("compare takes one probe and one reference template", "Use a gallery for 1:N search")
    return float(np.clip(a[0] @ b[0], -1.0, 1.0))
