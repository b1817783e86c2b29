"""`checkpoint bench mrz`: MRZ reading accuracy and time on generated data pages (the old 3 layouts x 3 distortion
levels, or the real-like level) or on a fixed set of images, each level or set reported apart."""

from __future__ import annotations

from pathlib import Path

import click

from checkpoint.i18n import _

LEVEL_CHOICES = ("clean", "moderate", "hard", "real-like")  # benchmarks.datapages LEVELS + REAL_LIKE
SET_CHOICES = ("real", "public-strings")  # benchmarks.mrz_sets SETS


@click.command("mrz")
@click.option(
    "--level",
    "levels",
    type=click.Choice(LEVEL_CHOICES),
    multiple=True,
    help="generated level(s) to read, repeatable (default: clean, moderate and hard)",
)
@click.option(
    "--set", "set_name", type=click.Choice(SET_CHOICES), help="read a fixed set of images instead of generated pages"
)
@click.option(
    "--pages-per-cell",
    type=click.IntRange(1),
    help="pages per layout x level (default: 67 on the old levels, 25 on real-like)",
)
@click.option("--seed", type=int, default=0, show_default=True, help="first page seed (pages are deterministic)")
@click.option("--faces", type=click.Path(path_type=Path), help="face images for the portraits (default: LFW-dev)")
@click.option("--portrait", is_flag=True, help="also find the portrait on each page (timed with the MRZ)")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="results JSON (default: benchmarks/results/mrz.json, mrz-<level>.json or mrz-set-<set>.json)",
)
@click.option("--quiet", is_flag=True, help="no progress lines")
def mrz(
    levels: tuple[str, ...],
    set_name: str | None,
    pages_per_cell: int | None,
    seed: int,
    faces: Path | None,
    portrait: bool,
    out: Path | None,
    quiet: bool,
) -> None:
    """Read generated pages or a set; print exact share, wrong-but-valid reads, failure causes, time per page."""
    if set_name is not None and levels:
        raise click.UsageError(_("--set and --level exclude each other: a run reads generated pages or a set"))
    from benchmarks.mrz_bench import format_table, run, run_set
    from benchmarks.mrz_sets import load_set
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
    if set_name is not None:
        results = run_set(reader, set_name, load_set(set_name), out_file=out, progress=not quiet)
    else:
        results = run(
            reader,
            pages_per_cell,
            seed,
            faces if faces.is_dir() else None,
            out_file=out,
            progress=not quiet,
            levels=levels or ("clean", "moderate", "hard"),
        )
    click.echo(format_table(results))
    click.echo(f"results: {results['results_file']}")
