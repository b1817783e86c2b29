"""`checkpoint bench detectors`: YuNet vs dlib's HOG and CNN (time, failures to acquire, threshold sweep)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("detectors")
@click.option(
    "--frames", type=click.IntRange(20), default=200, show_default=True, help="LFW-dev faces per condition (and timed)"
)
@click.option("--seed", type=int, default=0, show_default=True, help="placement, gamma and size of generated frames")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="results folder (default: benchmarks/results)"
)
@click.option(
    "--verify-only",
    is_flag=True,
    help="measure no frames: refresh the LFW-dev figures in detector-compare.json (verify results, template cache)",
)
def detectors(frames: int, seed: int, out: Path | None, verify_only: bool) -> None:
    """Compare the face detectors on LFW-dev frames; print a table and write detector-compare.json."""
    from benchmarks.detector_bench import cross_pipeline_verification, format_table, refresh_verification, run
    from benchmarks.lfw import DatasetError
    from benchmarks.result_file import RESULTS_DIR
    from checkpoint.i18n import _
    from checkpoint.settings import get_settings

    settings = get_settings()
    images = settings.lfw_dir / "images"

    def cross() -> dict:
        return cross_pipeline_verification(
            images, settings.lfw_dir / "pairs.txt", settings.cache_dir / "templates.sqlite", settings.embedder_options()
        )

    if verify_only:
        click.echo(format_table(refresh_verification(out or RESULTS_DIR, cross)))
        return
    if not images.is_dir():
        raise DatasetError(
            _("LFW-dev images not found at %(path)s") % {"path": images},
            _("Set CHECKPOINT_SHARED_DATA to the folder of the evaluation data"),
        )
    results = run(images, frames, seed, out or RESULTS_DIR, lambda line: click.echo(line, err=True), cross)
    click.echo(format_table(results))
    click.echo(f"results: {results['results_file']}")
