"""Build the configured embedder and analyzer from plain settings values (no settings import here)."""

from __future__ import annotations

from edge.face.analyzer import FaceAnalyzer
from edge.face.embedder import Embedder
from edge.face.quality import QualityGate


def make_embedder(name: str) -> Embedder:
    """The embedder backend named in the settings."""
    if name == "dlib":
        from edge.face.dlib_embedder import DlibEmbedder

        return DlibEmbedder()
    raise ValueError(f"unknown embedder {name!r}: choose 'dlib'")


def make_analyzer(
    embedder: str = "dlib", detector: str = "hog", upsample: int = 1, gate: QualityGate | None = None
) -> FaceAnalyzer:
    return FaceAnalyzer(make_embedder(embedder), detector, upsample, gate or QualityGate())
