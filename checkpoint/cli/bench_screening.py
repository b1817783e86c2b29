"""`checkpoint bench screening`: end-to-end screening latency per stage on a 100k-template watchlist."""

from __future__ import annotations

import click


@click.command("screening")
@click.option("--screenings", type=click.IntRange(1), default=100, show_default=True)
@click.option("--templates", type=click.IntRange(2), default=100_000, show_default=True, help="watchlist size")
@click.option("--frames", type=click.IntRange(1), default=5, show_default=True, help="camera frames per screening")
@click.option("--people", type=click.IntRange(1), default=10, show_default=True, help="distinct travellers")
def screening(screenings: int, templates: int, frames: int, people: int) -> None:
    """Median and p95 per stage (document, capture, 1:1, 1:N, lost/stolen, names); JSON under benchmarks/results/."""
    from benchmarks.screening_bench import run, table
    from checkpoint.settings import get_settings

    report, path = run(get_settings(), screenings, templates, frames, people)
    click.echo(table(report))
    click.echo(f"results: {path}")
