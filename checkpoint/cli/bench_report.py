"""`checkpoint bench report` and `checkpoint bench verify-report`: match-rate reports auditors can re-run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from checkpoint.cli.bench_identify import enrolment_option


@click.command("report")
@click.option("--images", type=click.Path(path_type=Path), help="folder of subject folders (default: LFW-dev)")
@click.option("--pairs", type=click.Path(path_type=Path), help="LFW-style pairs file for genuine comparisons")
@click.option("--groups", type=click.Path(path_type=Path), help="CSV subject,group for demographic differentials")
@click.option("--fmr", "target_fmr", type=float, help="the deployed operating point (default: settings)")
@click.option("--seed", type=int, default=0, show_default=True, help="bootstrap seed")
@click.option("--iterations", type=click.IntRange(1), default=1000, show_default=True, help="bootstrap resamples")
@click.option("--workers", type=click.IntRange(1), default=os.cpu_count() or 1, show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="output folder (default: benchmarks/results)")
@click.option("--name", default="match-rate-report", show_default=True, help="file name stem")
@click.option("--quiet", is_flag=True, help="no progress bar")
@click.option(
    "--language", type=click.Choice(["fr", "en"]), help="language of the HTML report (default: the CLI's language)"
)
@enrolment_option
def report(
    images, pairs, groups, target_fmr, seed, iterations, workers, out, name, quiet, language, enrolments
) -> None:
    """Verification + identification report with intervals, curves and reproducibility record (HTML + JSON)."""
    from benchmarks.report.run import ReportRequest, build, write
    from benchmarks.verify_bench import RESULTS_DIR
    from checkpoint import i18n
    from checkpoint.settings import get_settings

    if language:
        i18n.use(language)

    settings = get_settings()
    if images is None:
        images = settings.lfw_dir / "images"
        pairs = pairs or settings.lfw_dir / "pairs.txt"
    request = ReportRequest(
        images=str(Path(images).resolve()),
        pairs=str(Path(pairs).resolve()) if pairs else None,
        groups=str(Path(groups).resolve()) if groups else None,
        embedder=settings.embedder,
        detector=settings.face_detector,
        upsample=settings.face_upsample,
        fallback_detector=settings.fallback_detector,
        alignment=settings.face_alignment,
        flip=settings.face_flip,
        jitter=settings.face_jitter if settings.face_flip else "",
        target_fmr=target_fmr if target_fmr is not None else settings.target_fmr,
        seed=seed,
        iterations=iterations,
        enrolments=tuple(enrolments),
    )
    result, plots = build(
        request,
        settings.cache_dir / "templates.sqlite",
        [settings.calibration_dir],
        settings.embedder_options(),
        workers,
        progress=not quiet,
    )
    json_path, html_path = write(result, plots, out or RESULTS_DIR, name)
    _print_summary(result)
    click.echo(f"report: {html_path}\ndata:   {json_path}")


def _print_summary(result: dict) -> None:
    v, i = result["verification"], result["identification"]
    click.echo(f"model {result['reproducibility']['model_id']}  dataset {result['dataset']['image_count']} images")
    click.echo(f"EER {100 * v['eer']:.2f}%  failure to acquire {result['dataset']['failure_to_acquire']}")
    for row in v["fnmr_at_fmr"]:
        f = row["fnmr"]
        flag = "" if row["supported"] else "  (dataset too small for this FMR)"
        click.echo(
            f"FNMR @ FMR {row['fmr']:g}: {100 * f['rate']:.2f}% [{100 * f['low']:.2f}, {100 * f['high']:.2f}]{flag}"
        )
    for section in [i, *result["identification_other_enrolments"]]:
        scorings = [("raw", section["fnir_at_fpir"])]
        scorings += [("normalised", section["normalised"]["fnir_at_fpir"])] if "normalised" in section else []
        for scoring, rows in scorings:
            for row in rows:
                f = row["fnir"]
                click.echo(
                    f"FNIR @ FPIR {row['fpir']:g} ({section['enrolment']}, {scoring}): "
                    f"{100 * f['rate']:.2f}% [{100 * f['low']:.2f}, {100 * f['high']:.2f}]"
                )
    click.echo(f"rank-1 identification rate {100 * (1 - i['rank1']['rate']):.2f}%")


@click.command("verify-report")
@click.argument("report_file", type=click.Path(path_type=Path))
@click.option("--workers", type=click.IntRange(1), default=os.cpu_count() or 1, show_default=True)
def verify_report(report_file: Path, workers: int) -> None:
    """Recompute REPORT_FILE from its own record and say whether every headline figure reproduces."""
    from benchmarks.report.run import ReportRequest, build, compare_headlines, headline, load_report
    from checkpoint.settings import get_settings

    settings = get_settings()
    recorded = load_report(report_file)
    request = ReportRequest(**recorded["request"])
    recomputed, _ = build(
        request,
        settings.cache_dir / "templates.sqlite",
        [settings.calibration_dir],
        settings.embedder_options(),
        workers,
        progress=False,
    )
    rows = compare_headlines(headline(recorded), headline(recomputed))
    for key, old, new, same in rows:
        mark = "ok " if same else "DIFFERS"
        click.echo(f"{mark:7} {key}: recorded {old} recomputed {new}" if not same else f"{mark:7} {key}: {old}")
    bad = [key for key, *_, same in rows if not same]
    if bad:
        click.echo(f"checkpoint: {len(bad)} figure(s) did not reproduce: {', '.join(bad)}", err=True)
        sys.exit(1)
    click.echo(f"all {len(rows)} figures reproduce")
