"""`checkpoint bench mrz`: MRZ reading accuracy and time on generated data pages (3 layouts x 3 distortion levels)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("mrz")
@click.option(
    "--pages-per-cell", type=click.IntRange(1), default=67, show_default=True, help="pages per layout x level (9 cells)"
)
@click.option("--seed", type=int, default=0, show_default=True, help="first page seed (pages are deterministic)")
@click.option("--faces", type=click.Path(path_type=Path), help="face images for the portraits (default: LFW-dev)")
@click.option("--portrait", is_flag=True, help="also find the portrait on each page (timed with the MRZ)")
@click.option("--out", type=click.Path(path_type=Path), help="results JSON (default: benchmarks/results/mrz.json)")
@click.option("--quiet", is_flag=True, help="no progress lines")
def mrz(pages_per_cell: int, seed: int, faces: Path | None, portrait: bool, out: Path | None, quiet: bool) -> None:
    """Read >= 600 generated pages; print exact-MRZ share, wrong-but-valid reads, field accuracy, time per page."""
    from benchmarks.mrz_bench import format_table, run
    from checkpoint.settings import get_settings
    from edge.document.ocr import MrzOcr
    from edge.document.reader import DocumentReader
    from edge.face.detect import make_detector

    settings = get_settings()
    faces = faces or settings.lfw_dir / "images"
    reader = DocumentReader(
        MrzOcr(settings.document_detect_side, settings.document_ocr_threads),
        make_detector(settings.face_detector, settings.face_upsample) if portrait else None,
        settings.document_max_validity_years,
    )
    results = run(reader, pages_per_cell, seed, faces if faces.is_dir() else None, out_file=out, progress=not quiet)
    click.echo(format_table(results))
    click.echo(f"results: {results['results_file']}")
