"""`checkpoint bench names`: precision and recall of name screening on the labelled name pairs."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("names")
@click.option("--pairs", "pairs_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="labelled pairs CSV (default: benchmarks/data/name_pairs.csv)")  # fmt: skip
@click.option("--cutoff", type=click.FloatRange(0, 1, min_open=True), help="name score cut-off (default: configured)")
def names(pairs_file: Path | None, cutoff: float | None) -> None:
    """Name screening precision/recall at the configured cut-off, per variant rule; JSON under benchmarks/results/."""
    from benchmarks.names_bench import PAIRS, run, table
    from checkpoint.settings import get_settings

    report, path = run(cutoff if cutoff is not None else get_settings().watchlists_name_cutoff, pairs_file or PAIRS)
    click.echo(table(report))
    click.echo(f"results: {path}")
