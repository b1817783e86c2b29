"""`checkpoint bench identify`: 1:N identification on LFW-dev (FNIR at FPIR, rank-1, CMC)."""

from __future__ import annotations

import os
from pathlib import Path

import click


@click.command("identify")
@click.option("--out", type=click.Path(path_type=Path), help="output folder (default: benchmarks/results)")
@click.option(
    "--workers", type=click.IntRange(1), default=os.cpu_count() or 1, show_default=True, help="extraction processes"
)
def identify(out: Path | None, workers: int) -> None:
    """Enrol one image per LFW-dev identity with >= 2 images, search the rest; print a table, save JSON."""
    from benchmarks.identify_bench import format_report, lfw_templates_for, run
    from benchmarks.result_file import RESULTS_DIR, save_result
    from checkpoint.settings import get_settings
    from edge.face.dlib_embedder import dlib_resnet_model_id
    from matcher.calibration import CalibrationError, load_calibration

    settings = get_settings()
    model_id = dlib_resnet_model_id()
    try:
        calibration = load_calibration(model_id, [settings.calibration_dir])
    except CalibrationError:
        calibration = None  # the 1:N figures stand alone; the 1:1 comparison is skipped
    templates = lfw_templates_for(settings.cache_dir, workers)
    result = run(settings.lfw_dir, templates, model_id, calibration=calibration)
    path = save_result(out or RESULTS_DIR, "identify", result)
    click.echo(format_report(result))
    click.echo(f"saved {path}")
