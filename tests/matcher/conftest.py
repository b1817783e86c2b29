"""Small galleries of random unit templates: each subject's templates are near-copies of one direction."""

import numpy as np
import pytest

MODEL = "test-model-v1"
DIM = 64


def unit(rng: np.random.Generator, n: int, dim: int = DIM) -> np.ndarray:
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def near(rng: np.random.Generator, base: np.ndarray, n: int, noise: float = 0.2) -> np.ndarray:
    """n templates of the same 'person': the base direction plus noise, normalised."""
    x = base[None, :] + noise * rng.standard_normal((n, base.size)).astype(np.float32) / np.sqrt(base.size)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


@pytest.fixture
def people(rng):
    """200 subjects 's000'..'s199', three templates each, ids 10*i + j; plus each subject's base direction."""
    bases = unit(rng, 200)
    subjects, ids, vectors = [], [], []
    for i, base in enumerate(bases):
        subjects += [f"s{i:03d}"] * 3
        ids += [10 * i + j for j in range(3)]
        vectors.append(near(rng, base, 3))
    return subjects, ids, np.concatenate(vectors), bases
