"""`checkpoint bench enrol`: watchlist import throughput on LFW-dev photos."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("enrol")
@click.option("--images", type=click.Path(path_type=Path), help="LFW images folder (default: shared LFW-dev)")
@click.option("--count", type=click.IntRange(1), default=1000, show_default=True, help="photos to import")
@click.option("--quiet", is_flag=True, help="no progress bar")
def enrol(images: Path | None, count: int, quiet: bool) -> None:
    """Import COUNT photos as a watchlist with the enrolment quality gate, then re-import; images/s as JSON."""
    from benchmarks.enrol_bench import run, table
    from checkpoint.cli.watchlist import enrolment_gate
    from checkpoint.settings import get_settings
    from edge.face.factory import make_analyzer

    s = get_settings()
    analyzer = make_analyzer(
        s.embedder,
        s.face_detector,
        s.face_upsample,
        enrolment_gate(s),
        s.fallback_detector,
        s.face_alignment,
        **s.embedder_options(),
    )
    report, path = run(images or s.lfw_dir / "images", count, analyzer, progress=not quiet)
    click.echo(table(report))
    click.echo(f"results: {path}")
