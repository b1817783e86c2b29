"""`checkpoint bench snapshot`: signed snapshot size, build and verify time for many subjects."""

from __future__ import annotations

import click


@click.command("snapshot")
@click.option("--subjects", type=click.IntRange(1), default=100_000, show_default=True)
@click.option("--dim", type=click.IntRange(1), default=128, show_default=True, help="template dimension")
@click.option("--documents", type=click.IntRange(0), default=10_000, show_default=True)
@click.option("--repeats", type=click.IntRange(1), default=3, show_default=True)
def snapshot(subjects: int, dim: int, documents: int, repeats: int) -> None:
    """Build, sign, verify and load a bundle of synthetic subjects; medians as JSON under benchmarks/results/."""
    from benchmarks.snapshot_bench import run, table

    report, path = run(subjects, dim, documents, repeats)
    click.echo(table(report))
    click.echo(f"results: {path}")
