"""`checkpoint bench names`: precision and recall of name screening on the labelled name pairs."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("names")
@click.option(
    "--pairs",
    "pairs_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="labelled pairs CSV (default: benchmarks/data/name_pairs.csv)",
)
@click.option("--cutoff", type=click.FloatRange(0, 1, min_open=True), help="name score cut-off (default: configured)")
@click.option("--results-dir", type=click.Path(file_okay=False, path_type=Path), help="default: benchmarks/results")
def names(pairs_file: Path | None, cutoff: float | None, results_dir: Path | None) -> None:
    """Name screening precision/recall at the configured cut-off, per variant rule; JSON under benchmarks/results/."""
    from benchmarks.names_bench import PAIRS, RESULTS, run, table
    from checkpoint.settings import get_settings

    chosen = cutoff if cutoff is not None else get_settings().watchlists_name_cutoff
    report, path = run(chosen, pairs_file or PAIRS, results_dir or RESULTS)
    click.echo(table(report))
    click.echo(f"results: {path}")
