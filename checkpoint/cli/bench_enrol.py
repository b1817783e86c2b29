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
    from checkpoint.settings import get_settings
    from edge.face.quality import QualityGate

    s = get_settings()
    gate = QualityGate(
        s.enrol_quality_min_inter_eye_px, s.enrol_quality_max_yaw_deg, s.enrol_quality_max_pitch_deg,
        s.enrol_quality_max_roll_deg, s.enrol_quality_min_sharpness, s.enrol_quality_min_brightness,
        s.enrol_quality_max_brightness, s.enrol_quality_min_contrast, s.enrol_quality_min_score,
    )  # fmt: skip
    report, path = run(images or s.lfw_dir / "images", count, gate, s.embedder, s.face_detector, s.face_upsample,
                       progress=not quiet)  # fmt: skip
    click.echo(table(report))
    click.echo(f"results: {path}")
