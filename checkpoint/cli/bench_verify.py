"""`checkpoint bench verify`: LFW pairs protocol, reference comparison, timing, calibration file."""

from __future__ import annotations

import os
from pathlib import Path

import click


@click.command("verify")
@click.option("--images", type=click.Path(path_type=Path), help="LFW images folder (default: shared LFW-dev)")
@click.option("--pairs", "pairs_file", type=click.Path(path_type=Path), help="pairs.txt (default: beside images)")
@click.option(
    "--workers", type=click.IntRange(1), default=os.cpu_count() or 1, show_default=True, help="extraction processes"
)
@click.option("--no-reference", is_flag=True, help="skip dlib's reference pipeline")
@click.option(
    "--timing-faces", type=click.IntRange(0), default=200, show_default=True, help="faces timed per stage (0: none)"
)
@click.option("--embedder", type=click.Choice(["onnx", "dlib", "arcface"]), help="override the configured embedder")
@click.option(
    "--also",
    "also",
    multiple=True,
    type=click.Choice(["onnx", "dlib", "arcface"]),
    help="cross-validate another embedder on the same images in the same run (repeatable)",
)
@click.option(
    "--write-calibration",
    is_flag=True,
    help="install the calibration fitted on this data as this site's (data directory): every command then uses it"
    " instead of the shipped one",
)
@click.option("--ship", is_flag=True, help="also write the calibration into matcher/calibrations/ (for a release)")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="results folder (default: benchmarks/results)"
)
@click.option("--quiet", is_flag=True, help="no progress bar")
def verify(
    images: Path | None,
    pairs_file: Path | None,
    workers: int,
    no_reference: bool,
    timing_faces: int,
    embedder: str | None,
    also: tuple[str, ...],
    write_calibration: bool,
    ship: bool,
    out: Path | None,
    quiet: bool,
) -> None:
    """Verification accuracy on the LFW pairs protocol; writes results JSON, and a calibration file when asked."""
    from benchmarks.calibration_pipeline import kept_identification
    from benchmarks.templates import PipelineConfig
    from benchmarks.verify_bench import RESULTS_DIR, format_table, run
    from checkpoint.settings import get_settings
    from matcher.calibration import SHIPPED_DIR, Calibration, save_calibration

    settings = get_settings()
    images = images or settings.lfw_dir / "images"
    pairs_file = pairs_file or images.parent / "pairs.txt"
    config = PipelineConfig.from_settings(settings, embedder)
    results = run(
        images,
        pairs_file,
        config,
        settings.cache_dir / "templates.sqlite",
        settings.calibration_dir if write_calibration else None,
        workers=workers,
        reference=not no_reference,
        timing_faces=timing_faces,
        progress=not quiet,
        also=also,
        results_dir=out or RESULTS_DIR,
    )
    click.echo(format_table(results))
    click.echo(f"results: {results['results_file']}")
    if write_calibration:
        click.echo(f"calibration: {results['calibration_file']} (this site's, used instead of the shipped one)")
        click.echo(f"calibration: {results['calibration_identification']}")
    else:
        click.echo("calibration: not installed (--write-calibration installs it as this site's)")
    if ship:
        import json

        fitted = Calibration.from_json(json.dumps(results["calibration"]))
        shipped, note = kept_identification(fitted, [])
        click.echo(f"shipped calibration: {save_calibration(shipped, SHIPPED_DIR)}")
        click.echo(f"shipped calibration: {note}")
