"""`checkpoint bench identify` (1:N on LFW-dev: FNIR at FPIR, rank-1, CMC) and `checkpoint bench fusion` (how
subjects are scored in 1:N, chosen by cross-validation, and the calibration's 1:N block)."""

from __future__ import annotations

import os
from pathlib import Path

import click


def enrolments_option(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    """--enrolment values, checked (`first` or `multi:K`)."""
    from benchmarks.identify_bench import enrolment_name, parse_enrolment

    try:
        return [enrolment_name(parse_enrolment(v)) for v in values]
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


# `--enrolment`, shared by `bench identify` and `bench report`.
enrolment_option = click.option(
    "--enrolment",
    "enrolments",
    multiple=True,
    default=("first", "multi:5"),
    show_default=True,
    callback=enrolments_option,
    help="1:N enrolment protocol: first (first image per subject) or multi:K (up to K images); repeat for several "
    "(a report's main one is the first)",
)


@click.command("identify")
@click.option("--out", type=click.Path(path_type=Path), help="output folder (default: benchmarks/results)")
@click.option(
    "--workers", type=click.IntRange(1), default=os.cpu_count() or 1, show_default=True, help="extraction processes"
)
@enrolment_option
def identify(out: Path | None, workers: int, enrolments: list[str]) -> None:
    """Enrol LFW-dev identities with >= 2 images, search the rest; print a table, save JSON."""
    from benchmarks.identify_bench import format_report, lfw_templates_for, parse_enrolment, run
    from benchmarks.result_file import RESULTS_DIR, save_result
    from benchmarks.templates import PipelineConfig, pipeline_model_id
    from checkpoint.policy.policy import load_policy
    from checkpoint.settings import get_settings
    from matcher.calibration import CalibrationError, load_calibration

    settings = get_settings()
    config = PipelineConfig.from_settings(settings)  # the pipeline the kiosk runs, as `bench verify` measures it
    model_id = pipeline_model_id(config)
    try:
        calibration = load_calibration(model_id, [settings.calibration_dir])
    except CalibrationError:
        calibration = None  # the 1:N figures stand alone; the calibrated comparisons are skipped
    target_fpir = load_policy(settings.kiosk_policy).watchlist_fpir
    templates = lfw_templates_for(config, settings.cache_dir / "templates.sqlite", workers)
    results = [
        run(
            settings.lfw_dir,
            templates,
            model_id,
            calibration=calibration,
            per_subject=parse_enrolment(name),
            target_fpir=target_fpir,
        )
        for name in enrolments
    ]
    path = save_result(
        out or RESULTS_DIR,
        "identify" + config.augmentation,
        {"pipeline": config.describe(), "protocols": results},
    )
    click.echo(format_report(results))
    click.echo(f"saved {path}")


@click.command("fusion")
@click.option("--out", type=click.Path(path_type=Path), help="output folder (default: benchmarks/results)")
@click.option(
    "--workers", type=click.IntRange(1), default=os.cpu_count() or 1, show_default=True, help="extraction processes"
)
@click.option("--ship", is_flag=True, help="also write the chosen 1:N block into the shipped calibration file")
def fusion(out: Path | None, workers: int, ship: bool) -> None:
    """Cross-validate subject fusion and score normalisation on LFW-dev; measure the kiosk's probe fusion."""
    from benchmarks.calibration_pipeline import check_same_pipeline
    from benchmarks.identify_bench import lfw_templates_for
    from benchmarks.identify_fusion import format_report, run, shipped_block
    from benchmarks.result_file import RESULTS_DIR, save_result
    from benchmarks.templates import PipelineConfig, pipeline_model_id
    from checkpoint.policy.policy import load_policy
    from checkpoint.settings import get_settings
    from matcher.calibration import SHIPPED_DIR, load_calibration, save_calibration

    settings = get_settings()
    config = PipelineConfig.from_settings(settings)  # the pipeline the kiosk runs, as `bench verify` measures it
    model_id = pipeline_model_id(config)
    shipped = None
    if ship:  # refused before any template is made: the block must fit the file's thresholds and pipeline
        shipped = check_same_pipeline(SHIPPED_DIR, config, model_id)
    calibration = load_calibration(model_id, [settings.calibration_dir])
    agree_at = calibration.threshold_at(load_policy(settings.kiosk_policy).face_vs_document_fmr)
    templates = lfw_templates_for(config, settings.cache_dir / "templates.sqlite", workers)
    result = {"pipeline": config.describe(), **run(settings.lfw_dir, templates, calibration, agree_at)}
    path = save_result(out or RESULTS_DIR, "identify-fusion" + config.augmentation, result)
    click.echo(format_report(result))
    click.echo(f"saved {path}")
    if shipped is not None:
        click.echo(f"shipped calibration: {save_calibration(shipped_block(shipped, result), SHIPPED_DIR)}")
