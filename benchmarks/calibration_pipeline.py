"""Which face pipeline a calibration file was fitted on decides what may go into it: a 1:N block (`bench fusion
--ship`) only into a calibration of the pipeline its templates came from, and a refitted calibration (`bench verify
--write-calibration` / `--ship`) keeps the block of the one it replaces only when both came from the same pipeline.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from benchmarks.templates import PipelineConfig
from checkpoint.i18n import _
from matcher.calibration import SHIPPED_DIR, Calibration, CalibrationError, calibration_filename


class PipelineMismatch(CalibrationError):
    """A 1:N block about to go into a calibration fitted on another face pipeline than its templates'."""

    code = "pipeline_mismatch"


def check_same_pipeline(directory: Path, config: PipelineConfig, model_id: str) -> Calibration:
    """The calibration of `model_id` in `directory`, if it was fitted on the pipeline `config` describes (model id,
    detectors, alignment): only then may a 1:N block fitted on `config`'s templates go into it."""
    path = Path(directory) / calibration_filename(model_id)
    if not path.is_file():
        raise CalibrationError(
            _("no calibration file %(path)s for the configured face model %(model)s")
            % {"path": path, "model": model_id},
            _("Write its 1:1 thresholds first with `checkpoint bench verify --ship`, then run `bench fusion --ship`"),
        )
    calibration = Calibration.from_json(path.read_text(), str(path))
    theirs = (calibration.model_id, calibration.detector, calibration.alignment)
    ours = (model_id, config.detectors(), config.alignment)
    if theirs != ours:
        raise PipelineMismatch(
            _(
                "%(path)s was fitted on model %(their_model)s, detector %(their_detector)s, alignment "
                "%(their_alignment)s, but the configured pipeline makes templates with model %(model)s, detector "
                "%(detector)s, alignment %(alignment)s: its 1:N block would not fit its thresholds"
            )
            % {
                "path": path,
                "their_model": calibration.model_id,
                "their_detector": calibration.detector or "?",
                "their_alignment": calibration.alignment or "?",
                "model": model_id,
                "detector": config.detectors(),
                "alignment": config.alignment,
            },
            _(
                "Run `checkpoint bench fusion --ship` with the calibration's pipeline (CHECKPOINT_FACE_DETECTOR, "
                "CHECKPOINT_FACE_FALLBACK_DETECTOR, CHECKPOINT_FACE_ALIGNMENT), or refit it on this pipeline first "
                "with `checkpoint bench verify --ship`; nothing was written"
            ),
        )
    return calibration


def kept_identification(calibration: Calibration, search_dirs: list[Path]) -> tuple[Calibration, str]:
    """`calibration` with the 1:N block (`bench fusion --ship`) of the calibration it replaces, and a line saying
    what became of that block.

    The block comes from this model's calibration in the first of `search_dirs`, then the shipped directory, that
    holds one with a block. It is kept only if it was fitted on templates of the same pipeline (detector and
    alignment; the model id is the file's): other templates' normalised 1:N scores would make its thresholds wrong.
    Without a block the kiosk falls back to raw 1:1 thresholds, so a block is never dropped silently.
    """
    replaced = None
    for directory in [*search_dirs, SHIPPED_DIR]:
        path = Path(directory) / calibration_filename(calibration.model_id)
        if path.is_file():
            found = Calibration.from_json(path.read_text(), str(path))
            if found.model_id == calibration.model_id and found.identification is not None:
                replaced = found
                break
    if replaced is None:
        return calibration, _("no 1:N block to keep: run `checkpoint bench fusion --ship` to fit one")
    if (replaced.detector, replaced.alignment) != (calibration.detector, calibration.alignment):
        return calibration, _(
            "1:N block not kept: it was fitted on detector %(old_detector)s, alignment %(old_alignment)s, these "
            "thresholds on %(detector)s, %(alignment)s; run `checkpoint bench fusion --ship` to fit it again"
        ) % {
            "old_detector": replaced.detector or "?",
            "old_alignment": replaced.alignment or "?",
            "detector": calibration.detector,
            "alignment": calibration.alignment,
        }
    return replace(calibration, identification=replaced.identification), _(
        "1:N block kept (fitted on the same pipeline by `checkpoint bench fusion --ship`)"
    )
