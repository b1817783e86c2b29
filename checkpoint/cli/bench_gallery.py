"""`checkpoint bench gallery`: gallery build time, memory, latency and recall at 10k / 100k / 1M templates."""

from __future__ import annotations

import os
from pathlib import Path

import click


@click.command("gallery")
@click.option(
    "--sizes",
    default="10000,100000,1000000",
    show_default=True,
    help="Comma-separated gallery sizes (templates).",
)
@click.option(
    "--index",
    "indexes",
    multiple=True,
    help='Index spec to measure, repeatable (e.g. "Flat", "HNSW32 efSearch=96"). Default: exact + shipped HNSW.',
)
@click.option(
    "--probes", type=click.IntRange(1), default=1000, show_default=True, help="Real LFW templates held out as probes."
)
@click.option("--seed", default=0, show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="output folder (default: benchmarks/results)")
@click.option(
    "--huge-pages/--no-huge-pages",
    default=True,
    show_default=True,
    help="Back large indexes with huge pages as the product does; --no-huge-pages measures without.",
)
@click.option(
    "--workers", type=click.IntRange(1), default=os.cpu_count() or 1, show_default=True, help="extraction processes"
)
@click.option(
    "--alarm-fmr",
    type=click.FloatRange(0, 0.5, min_open=True),
    default=1e-5,
    show_default=True,
    help="per-comparison FMR whose raw calibrated threshold counts as an alarm for alarm_recall "
    "(1e-5: about the 1:N point of a 1,000-template gallery at the default policy's FPIR 1 %)",
)
def gallery(
    sizes: str,
    indexes: tuple[str, ...],
    probes: int,
    seed: int,
    out: Path | None,
    huge_pages: bool,
    workers: int,
    alarm_fmr: float,
) -> None:
    """Measure FAISS galleries mixing real LFW-dev templates with synthetic ones; print a table, save JSON."""
    from benchmarks.gallery_bench import check_specs, format_table, run
    from benchmarks.identify_bench import lfw_real_templates
    from benchmarks.result_file import RESULTS_DIR, save_result
    from benchmarks.templates import PipelineConfig
    from checkpoint.settings import get_settings
    from matcher.calibration import load_calibration

    try:
        size_list = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError as exc:
        raise click.BadParameter(f"sizes must be integers, got {sizes!r}", param_hint="--sizes") from exc
    check_specs(indexes)
    settings = get_settings()
    config = PipelineConfig.from_settings(settings)  # the pipeline the kiosk runs, as `bench verify` measures it
    real, model_id = lfw_real_templates(settings.lfw_dir, config, settings.cache_dir / "templates.sqlite", workers)
    # A watchlist alarm is a raw similarity at the calibrated threshold for --alarm-fmr: alarm_recall is measured there.
    alarm_threshold = load_calibration(model_id, [settings.calibration_dir]).threshold_at(alarm_fmr)
    click.echo(f"{len(real)} real LFW-dev templates ({model_id}); probes: {probes}", err=True)
    echo = lambda line: click.echo(line, err=True)  # noqa: E731
    rows = run(real, alarm_threshold, size_list, indexes, probes, seed=seed, report=echo, huge_pages=huge_pages)
    path = save_result(
        out or RESULTS_DIR,
        "gallery",
        {
            "model_id": model_id,
            "real_templates": len(real),
            "probes": probes,
            "seed": seed,
            "alarm_fmr": alarm_fmr,
            "alarm_threshold": alarm_threshold,
            "huge_pages": huge_pages,
            "rows": rows,
        },
    )
    click.echo(format_table(rows))
    click.echo(f"saved {path}")
