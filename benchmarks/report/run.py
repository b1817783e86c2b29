"""Build a match-rate report (JSON + HTML) and re-run one to check that its figures reproduce.

A report records everything needed to recompute it — the request (dataset paths, pipeline, seed, bootstrap
iterations, target FMR), the dataset fingerprint, the model id and model file hash, the calibration file
hash, the code version and the machine — and `reproduce` recomputes it from that record alone.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from benchmarks.identify_bench import parse_enrolment
from benchmarks.lfw import read_pairs
from benchmarks.machine import dataset_fingerprint, machine_info
from benchmarks.plots import cmc_png, det_png, histogram_png, roc_png
from benchmarks.report import demographics, html
from benchmarks.report import identification_section as ident
from benchmarks.report import verification_section as verif
from benchmarks.report.dataset import load_dataset, read_groups
from benchmarks.scoring import Scorer
from benchmarks.templates import PipelineConfig, extract_templates
from benchmarks.templates import file_sha256 as image_file_sha256
from benchmarks.verification import roc
from matcher.calibration import SHIPPED_DIR, CalibrationError, calibration_filename, load_calibration

FORMAT = "checkpoint-match-rate-report/1"


@dataclass(frozen=True)
class ReportRequest:
    """What a report was asked to compute; enough to compute it again."""

    images: str
    pairs: str | None = None
    groups: str | None = None
    embedder: str = "onnx"
    detector: str = "hog"
    upsample: int = 1
    fallback_detector: str | None = "cnn"
    alignment: str = "dlib5"
    flip: bool = False  # False in reports written before flip augmentation existed
    jitter: str = ""  # jittered chip views averaged with flip (edge/face/flip.py); "" in reports before them
    target_fmr: float = 1e-3
    seed: int = 0
    iterations: int = 1000
    enrolments: tuple[str, ...] | list[str] = ("first",)  # the first one is the report's main 1:N protocol

    def command(self) -> str:
        """The CLI command that recomputes this report (pipeline settings as environment variables)."""
        env = (
            f"CHECKPOINT_EMBEDDER={self.embedder} CHECKPOINT_FACE_DETECTOR={self.detector} "
            f"CHECKPOINT_FACE_UPSAMPLE={self.upsample} "
            f"CHECKPOINT_FACE_FALLBACK_DETECTOR={self.fallback_detector or 'none'} "
            f"CHECKPOINT_FACE_ALIGNMENT={self.alignment} CHECKPOINT_FACE_FLIP={'1' if self.flip else '0'} "
            f"CHECKPOINT_FACE_JITTER={self.jitter}"
        )
        args = [f"--images {self.images}"]
        args += [f"--pairs {self.pairs}"] if self.pairs else []
        args += [f"--groups {self.groups}"] if self.groups else []
        args += [f"--fmr {self.target_fmr:g}", f"--seed {self.seed}", f"--iterations {self.iterations}"]
        args += [f"--enrolment {name}" for name in self.enrolments]
        return f"{env} checkpoint bench report " + " ".join(args)


def _calibration_file(model_id: str, search_dirs: list[Path]) -> Path | None:
    for directory in [*search_dirs, SHIPPED_DIR]:
        path = directory / calibration_filename(model_id)
        if path.is_file():
            return path
    return None


def model_file_hash(embedder: str, options: dict) -> str:
    """SHA-256 of the weights file a template depends on."""
    from edge.face.model_files import RESNET, file_sha256, model_path

    if embedder == "arcface":
        return file_sha256(Path(options["arcface_model"]))
    return file_sha256(model_path(RESNET))


def build(
    request: ReportRequest,
    cache_path: Path,
    calibration_dirs: list[Path],
    embedder_options: dict,
    workers: int = 1,
    progress: bool = True,
) -> tuple[dict, dict[str, bytes]]:
    """Compute the report and its plots."""
    dataset = load_dataset(Path(request.images))
    config = PipelineConfig(
        request.embedder,
        request.detector,
        request.upsample,
        request.fallback_detector,
        request.alignment,
        # the report's own flip and jitter, so verify-report recomputes the same
        {**{k: v for k, v in embedder_options.items() if k != "jitter"}, "flip": request.flip}
        | ({"jitter": request.jitter} if request.jitter else {}),
    )
    extraction = extract_templates(dataset.paths, config, cache_path, workers, False, progress)
    scorer = Scorer(request.embedder, extraction.templates, extraction.ok, False)
    row_of = {p: i for i, p in enumerate(dataset.paths)}

    pairs = None
    rows = np.arange(len(dataset.paths))
    if request.pairs:
        listed = [p for p in read_pairs(Path(request.pairs), Path(request.images)) if p.mated]
        pairs = [(row_of[p.a], row_of[p.b]) for p in listed]
        # Verification on the images the pairs file names; impostors = all cross-subject pairs among them.
        rows = np.array(sorted({r for pair in pairs for r in pair}))
    comparisons = verif.comparisons(scorer, rows, dataset.subjects, pairs)

    calibration_path = _calibration_file(extraction.model_id, calibration_dirs)
    try:
        deployed = load_calibration(extraction.model_id, calibration_dirs).threshold_at(request.target_fmr)
    except CalibrationError:
        deployed = None
    verification = verif.section(comparisons, deployed, request.target_fmr, request.iterations, request.seed)
    try:
        block = load_calibration(extraction.model_id, calibration_dirs).identification
    except CalibrationError:
        block = None
    by_enrolment = {}
    for enrolment in request.enrolments:
        per_subject = parse_enrolment(enrolment)
        found = ident.run_searches(
            extraction.templates, extraction.ok, dataset.subjects, extraction.model_id, per_subject
        )
        section = {"enrolment": enrolment, **ident.section(found, deployed, request.iterations, request.seed)}
        if block is not None and found.enrolled >= block.scoring().subjects_needed:
            normalised = ident.run_searches(
                extraction.templates, extraction.ok, dataset.subjects, extraction.model_id, per_subject, block.scoring()
            )
            section["normalised"] = {
                "normalisation": block.scoring().to_dict(),
                "fnir_at_fpir": ident.fnir_at_fpirs(normalised, request.iterations, request.seed),
            }
        by_enrolment[enrolment] = (found, section)
    searches, identification = by_enrolment[request.enrolments[0]]

    fingerprint_files = list(dataset.paths)
    fingerprint_files += [Path(request.pairs)] if request.pairs else []
    fingerprint_files += [Path(request.groups)] if request.groups else []
    report = {
        "format": FORMAT,
        "request": asdict(request),
        "dataset": {
            "images": request.images,
            "image_count": len(dataset.paths),
            "subjects": len(dataset.subject_names),
            "failure_to_acquire": int((~extraction.ok).sum()),
        },
        "verification": verification,
        "identification": identification,
        "identification_other_enrolments": [section for _, section in list(by_enrolment.values())[1:]],
        "reproducibility": {
            "command": request.command(),
            "dataset_fingerprint": dataset_fingerprint(fingerprint_files, Path(request.images).parent),
            "model_id": extraction.model_id,
            "model_file_sha256": model_file_hash(request.embedder, embedder_options),
            "calibration_file": str(calibration_path) if calibration_path else None,
            "calibration_sha256": image_file_sha256(calibration_path) if calibration_path else None,
            "seed": request.seed,
            "bootstrap_iterations": request.iterations,
            "machine": machine_info(),
        },
    }
    report["reproducibility"]["code_version"] = report["reproducibility"]["machine"].pop("git_commit")
    if request.groups:
        groups = read_groups(Path(request.groups), dataset.subject_names)
        report["demographics"] = demographics.section(
            groups,
            comparisons,
            searches,
            deployed if deployed is not None else verification["fnmr_at_fmr"][1]["threshold"],
            deployed,
            request.iterations,
            request.seed,
        )
    return report, _plots(report, comparisons, searches)


def _plots(report: dict, c: verif.Comparisons, s: ident.Searches) -> dict[str, bytes]:
    curves = {report["reproducibility"]["model_id"]: roc(c.genuine, c.impostor)}
    marks = {}
    thresholds = {}
    deployed = report["verification"].get("deployed")
    if deployed:
        label = f"deployed (FMR {deployed['target_fmr']:g})"
        marks[label] = (deployed["fmr"]["rate"], deployed["fnmr"]["rate"])
        thresholds[label] = deployed["threshold"]
    thresholds["EER"] = report["verification"]["eer_threshold"]
    cmc = np.array(report["identification"]["cmc"])
    return {
        "roc": roc_png(curves, marks),
        "det": det_png(curves, marks),
        "histogram": histogram_png(c.genuine, c.impostor, thresholds),
        "cmc": cmc_png(np.arange(1, cmc.size + 1), cmc),
    }


def write(report: dict, plots: dict[str, bytes], out_dir: Path, name: str) -> tuple[Path, Path]:
    """report JSON + self-contained HTML side by side."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / f"{name}.json", out_dir / f"{name}.html"
    json_path.write_text(json.dumps(report, indent=2, default=_json_default) + "\n")
    html_path.write_text(html.render(report, plots))
    return json_path, html_path


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value)}")


def headline(report: dict) -> dict[str, float | int | str | None]:
    """The figures a re-run must reproduce, flattened to name -> value."""
    v, i, r = report["verification"], report["identification"], report["reproducibility"]
    out: dict[str, float | int | str | None] = {
        "dataset_fingerprint": r["dataset_fingerprint"],
        "model_id": r["model_id"],
        "model_file_sha256": r["model_file_sha256"],
        "calibration_sha256": r["calibration_sha256"],
        "failure_to_acquire": report["dataset"]["failure_to_acquire"],
        "eer": v["eer"],
        "rank1_miss_rate": i["rank1"]["rate"],
        "failure_to_enrol": i["failure_to_enrol"],
    }
    for row in v["fnmr_at_fmr"]:
        out[f"fnmr@fmr={row['fmr']:g}"] = row["fnmr"]["rate"]
        out[f"fnmr@fmr={row['fmr']:g} high"] = row["fnmr"]["high"]
    for row in i["fnir_at_fpir"]:
        out[f"fnir@fpir={row['fpir']:g}"] = row["fnir"]["rate"]
    # The main protocol's raw figures are the keys above; the rest are named by protocol and scoring.
    for main, section in [(True, i)] + [(False, x) for x in report.get("identification_other_enrolments", [])]:
        name = section.get("enrolment", "first")
        kinds = [] if main else [("raw", section["fnir_at_fpir"])]
        kinds.append(("normalised", section.get("normalised", {}).get("fnir_at_fpir", [])))
        for kind, rows in kinds:
            for row in rows:
                out[f"fnir@fpir={row['fpir']:g} {name} {kind}"] = row["fnir"]["rate"]
    if "deployed" in v:
        out["deployed fmr"] = v["deployed"]["fmr"]["rate"]
        out["deployed fnmr"] = v["deployed"]["fnmr"]["rate"]
    for group, e in (report.get("demographics") or {}).get("groups", {}).items():
        out[f"group {group} fnmr"] = e["verification"]["fnmr"]["rate"]
    return out


def compare_headlines(old: dict, new: dict) -> list[tuple[str, object, object, bool]]:
    """(figure, recorded, recomputed, same?) for every headline figure."""
    rows = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if isinstance(a, float) and isinstance(b, float):
            same = math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        else:
            same = a == b
        rows.append((key, a, b, same))
    return rows


def load_report(path: Path) -> dict:
    from benchmarks.lfw import DatasetError

    try:
        report = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise DatasetError(
            f"{path} is not a readable report ({exc})", "Pass the .json written by bench report"
        ) from exc
    if report.get("format") != FORMAT:
        raise DatasetError(
            f"{path} is not a match-rate report (format {report.get('format')!r})",
            "Pass the .json written by `checkpoint bench report`",
        )
    return report
