"""Build a Screener from the settings: models loaded once, policy validated, thresholds looked up."""

from __future__ import annotations

from collections.abc import Callable

from checkpoint.compare import quality_gate
from checkpoint.pipeline.presentation_attack import load_pad
from checkpoint.pipeline.screening import Screener
from checkpoint.policy import Policy, load_policy
from checkpoint.settings import Settings
from watchlists.snapshot import Snapshot


def make_screener(
    settings: Settings, snapshot: Callable[[], Snapshot | None], policy: Policy | None = None
) -> Screener:
    """Everything a kiosk needs to screen; fails at start-up (not mid-queue) on a bad policy or calibration."""
    import faiss

    from edge.document.ocr import MrzOcr
    from edge.document.reader import DocumentReader
    from edge.face.detect import make_detector
    from edge.face.factory import make_analyzer
    from matcher.calibration import load_calibration

    # One probe at a time: with OpenMP threads on a busy 2-core kiosk a single search was ~200x slower.
    faiss.omp_set_num_threads(1)
    policy = policy or load_policy(settings.kiosk_policy)
    analyzer = make_analyzer(
        settings.embedder,
        settings.face_detector,
        settings.face_upsample,
        quality_gate(settings),
        settings.fallback_detector,
        settings.face_alignment,
        **settings.embedder_options(),
    )
    calibration = load_calibration(analyzer.model_id, [settings.calibration_dir])
    reader = DocumentReader(
        MrzOcr(settings.document_detect_side, settings.document_ocr_threads),
        make_detector(settings.face_detector, settings.face_upsample),
        settings.document_max_validity_years,
    )
    # A kiosk whose PAD models cannot load still screens: each screening says the check was not done. One thread:
    # the two 80x80 models are too small for more to pay.
    pad = load_pad(threads=1)
    return Screener(analyzer, reader, policy, calibration, snapshot, pad)
