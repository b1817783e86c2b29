"""Where the face model files are: the `face_recognition_models` registry package (CC0), never a download."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from edge.errors import ModelUnavailable

SHAPE_5 = "shape_predictor_5_face_landmarks.dat"
SHAPE_68 = "shape_predictor_68_face_landmarks.dat"
MMOD_DETECTOR = "mmod_human_face_detector.dat"
RESNET = "dlib_face_recognition_resnet_model_v1.dat"


def model_path(name: str) -> Path:
    """Path of one model file shipped by `face_recognition_models`; a named error if it is not installed."""
    try:
        import face_recognition_models
    except ImportError as exc:
        raise ModelUnavailable(
            "the face model package face_recognition_models is not installed",
            "Install the project with `pip install -e .` (it pulls face_recognition_models from PyPI)",
        ) from exc
    path = Path(face_recognition_models.__file__).parent / "models" / name
    if not path.is_file():
        raise ModelUnavailable(
            f"model file {name} is missing from {path.parent}",
            "Reinstall face_recognition_models: pip install --force-reinstall face_recognition_models",
        )
    return path


@lru_cache(maxsize=16)
def file_sha256(path: Path) -> str:
    """SHA-256 of a model file, hex; model ids and caches are keyed by it."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
