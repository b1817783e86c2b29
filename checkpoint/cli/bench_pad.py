"""`checkpoint bench pad`: presentation-attack detection, BPCER on bona fide faces and APCER per attack species."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("pad")
@click.option("--bona-fide", type=click.IntRange(1), default=400, show_default=True, help="LFW-dev images shown as-is")
@click.option(
    "--attacks", type=click.IntRange(1), default=100, show_default=True, help="LFW-dev images made into each attack"
)
@click.option("--travellers", type=click.IntRange(0), default=10, show_default=True, help="demo travellers from LFW")
@click.option("--threshold", type=click.FloatRange(0, 1, max_open=True), help="live-score threshold (default: policy)")
@click.option("--results-dir", type=click.Path(file_okay=False, path_type=Path), help="default: benchmarks/results")
def pad(bona_fide: int, attacks: int, travellers: int, threshold: float | None, results_dir: Path | None) -> None:
    """ISO/IEC 30107-3 APCER per simulated attack species and BPCER with 95% intervals; JSON as pad.json."""
    from benchmarks.pad_bench import run, table
    from benchmarks.result_file import RESULTS_DIR
    from checkpoint.settings import get_settings

    report, path = run(get_settings(), bona_fide, attacks, travellers, threshold, results_dir or RESULTS_DIR)
    click.echo(table(report))
    click.echo(report["statement"])
    click.echo(f"results: {path}")
