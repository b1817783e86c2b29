"""Similarity scores between templates of one pipeline: for listed pairs, or for every cross-identity pair."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Scorer:
    """How one pipeline turns two template rows into a similarity (higher = more alike)."""

    name: str
    templates: np.ndarray
    ok: np.ndarray
    euclidean: bool  # dlib's reference compares raw descriptors by distance; we use cosine

    def pair_scores(self, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
        a, b = self.templates[rows_a], self.templates[rows_b]
        if self.euclidean:
            scores = -np.linalg.norm(a - b, axis=1)
        else:
            scores = np.sum(a * b, axis=1)
        return np.where(self.ok[rows_a] & self.ok[rows_b], scores, -np.inf)

    def cross_identity_scores(self, rows: np.ndarray, identities: np.ndarray) -> np.ndarray:
        """Every comparison between acquired templates of different identities among `rows` (each pair once)."""
        rows = rows[self.ok[rows]]
        sims = self.similarity_matrix(rows)
        ids = identities[rows]
        upper = np.triu(np.ones((len(rows), len(rows)), dtype=bool), k=1)
        return sims[upper & (ids[:, None] != ids[None, :])]

    def similarity_matrix(self, rows: np.ndarray) -> np.ndarray:
        """Scores between all templates in `rows` (float32; rows that failed to acquire score -inf)."""
        t = self.templates[rows].astype(np.float32)
        if self.euclidean:
            sq = np.sum(t * t, axis=1)
            sims = -np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2 * t @ t.T, 0.0))
        else:
            sims = t @ t.T
        failed = ~self.ok[rows]
        sims[failed, :] = -np.inf
        sims[:, failed] = -np.inf
        return sims
