"""Build the configured embedder and analyzer from plain settings values (no settings import here)."""

from __future__ import annotations

import functools
from pathlib import Path

from edge.face.analyzer import FaceAnalyzer
from edge.face.embedder import Embedder
from edge.face.quality import QualityGate
from edge.face.yunet_align import aligned_model_id

EMBEDDERS = ("onnx", "dlib", "arcface")


def make_embedder(
    name: str,
    models_dir: Path | None = None,
    threads: int = 0,
    arcface_model: Path | None = None,
    arcface_alignment: str = "arcface",
    flip: bool = False,
    jitter: str = "",
) -> Embedder:
    """The embedder backend named in the settings.

    "onnx": dlib's ResNet converted to ONNX (converted into `models_dir` on first use), the default;
    "dlib": dlib's own inference, the reference; "arcface": the ONNX model at `arcface_model`.
    `flip`: each template is the mean of the chip's and its mirror's (edge/face/flip.py), under its own model id;
    `jitter`: jittered views of the chip (and their mirrors) averaged in too, named in that id (flip only).
    """
    if jitter and not flip:
        raise ValueError("jittered chip views are averaged with flip: set CHECKPOINT_FACE_FLIP on to use them")
    if flip:
        from edge.face.flip import FlipEmbedder

        return FlipEmbedder(make_embedder(name, models_dir, threads, arcface_model, arcface_alignment), jitter)
    if name == "dlib":
        from edge.face.dlib_embedder import DlibEmbedder

        return DlibEmbedder()
    if name == "onnx":
        from edge.face.onnx_embedder import OnnxDlibEmbedder

        return OnnxDlibEmbedder(models_dir=models_dir, threads=threads)
    if name == "arcface":
        from edge.face.arcface_embedder import ArcFaceEmbedder

        if arcface_model is None:
            raise ValueError("the arcface embedder needs a model file: set CHECKPOINT_ARCFACE_MODEL")
        return ArcFaceEmbedder(arcface_model, alignment=arcface_alignment, threads=threads)
    raise ValueError(f"unknown embedder {name!r}: choose one of {', '.join(EMBEDDERS)}")


def configured_model_id(name: str, alignment: str = "dlib5", **embedder_options) -> str:
    """The model id of the templates the named embedder makes from chips placed by `alignment`: what kiosks
    configured alike compare against, and so the only templates a watchlist snapshot may carry. The model is loaded
    once per process."""
    embedder = _embedder(name, tuple(sorted(embedder_options.items())))
    return aligned_model_id(embedder.model_id, embedder.chip_spec.kind, alignment)


@functools.lru_cache(maxsize=4)
def _embedder(name: str, options: tuple) -> Embedder:
    return make_embedder(name, **dict(options))


def make_analyzer(
    embedder: str = "onnx",
    detector: str = "yunet",
    upsample: int = 1,
    gate: QualityGate | None = None,
    fallback_detector: str | None = "cnn",
    alignment: str = "dlib5",
    **embedder_options,
) -> FaceAnalyzer:
    """A FaceAnalyzer with the named embedder; `embedder_options` go to `make_embedder`."""
    return FaceAnalyzer(
        make_embedder(embedder, **embedder_options),
        detector,
        upsample,
        gate or QualityGate(),
        fallback_detector_name=fallback_detector,
        alignment=alignment,
    )
