"""The screening benchmark's watchlist padding must look like faces to the matcher, or cohort normalisation reads
every stranger as a hit (45 of 50 screenings were, on random padding)."""

from __future__ import annotations

import numpy as np

from benchmarks.screening_bench import face_like


def _cone(count: int, dim: int = 128, seed: int = 1) -> np.ndarray:
    """Unit vectors in a narrow cone, as real face templates are (pairwise cosine ~0.8)."""
    centre = np.random.default_rng(0).normal(size=dim)  # one kind of face for every draw
    rng = np.random.default_rng(seed)
    vectors = centre / np.linalg.norm(centre) * 2.0 + rng.normal(size=(count, dim)) * 0.07
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _mean_cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float((a @ b.T).mean())


def test_padding_drawn_around_faces_is_as_close_to_them_as_they_are_to_each_other():
    faces = _cone(200)
    real = _cone(50, seed=2)  # other people of the same kind
    padding = face_like(1000, faces)
    between_people = _mean_cosine(real, faces)
    assert between_people > 0.7
    assert abs(_mean_cosine(padding, real) - between_people) < 0.05
    rng = np.random.default_rng(3)
    random_padding = rng.normal(size=(1000, 128))
    random_padding /= np.linalg.norm(random_padding, axis=1, keepdims=True)
    assert _mean_cosine(random_padding, real) < 0.1  # what the old padding was: nowhere near a face
