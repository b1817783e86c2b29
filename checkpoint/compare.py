"""One-to-one comparison of the faces in two images, decided at the calibrated threshold for a target FMR."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import numpy as np

from checkpoint.settings import Settings
from edge.face.factory import make_analyzer
from edge.face.quality import QualityGate
from edge.image import ImageLimits, load_image
from matcher.calibration import load_calibration


def quality_gate(settings: Settings, purpose: str = "screening") -> QualityGate:
    """The quality gate for screening (`CHECKPOINT_QUALITY_*`) or the stricter one for enrolment
    (`CHECKPOINT_ENROL_QUALITY_*`), each field of QualityGate read from the setting of the same name."""
    prefix = {"screening": "quality_", "enrolment": "enrol_quality_"}[purpose]
    return QualityGate(**{f.name: getattr(settings, prefix + f.name) for f in fields(QualityGate)})


def compare_images(a: Path, b: Path, settings: Settings, fmr: float | None = None) -> dict:
    """Similarity, threshold, decision and both faces' quality; raises edge errors on unusable input."""
    target = fmr if fmr is not None else settings.target_fmr
    limits = ImageLimits(max_pixels=settings.max_image_pixels, max_bytes=settings.max_image_bytes)
    # Both images first: a missing, empty or corrupt file is refused in a moment, not after the models load.
    images = [load_image(path, limits) for path in (a, b)]
    analyzer = make_analyzer(
        settings.embedder,
        settings.face_detector,
        settings.face_upsample,
        quality_gate(settings),
        settings.fallback_detector,
        settings.face_alignment,
        **settings.embedder_options(),
    )
    # Look the threshold up before the slow work so a missing calibration fails fast.
    threshold = load_calibration(analyzer.model_id, [settings.calibration_dir]).threshold_at(target)
    faces = [analyzer.primary(rgb, what=str(path)) for rgb, path in zip(images, (a, b), strict=True)]
    similarity = float(np.dot(faces[0].embedding, faces[1].embedding))
    return {
        "similarity": similarity,
        "threshold": threshold,
        "fmr": target,
        "match": similarity >= threshold,
        "model_id": analyzer.model_id,
        "face_a": {"image": str(a), **faces[0].summary()},
        "face_b": {"image": str(b), **faces[1].summary()},
    }
