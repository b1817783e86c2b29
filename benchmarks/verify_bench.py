"""`checkpoint bench verify`: the LFW pairs protocol with cross-validated thresholds, for our pipeline and
dlib's reference pipeline in the same run, plus per-stage timing, a results JSON and a calibration fitted on
the data (installed only when the caller passes a calibration directory).

Protocol (LFW View 2, here folds 1-5): for each fold, thresholds are chosen on the other folds only and
the held fold is scored with them. Images where no face is found stay in: their comparisons score -inf,
so a mated pair with a failure to acquire is a false non-match (ISO/IEC 19795-1 "generalised" rates).
FNMR at a target FMR uses a threshold set on every cross-identity comparison among the training folds'
images (LFW folds are identity-disjoint), far more impostors than the 1,200 protocol pairs.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from benchmarks import verification as vm
from benchmarks.calibration_pipeline import kept_identification
from benchmarks.lfw import DatasetError, Pair, identity_of, read_pairs
from benchmarks.machine import dataset_fingerprint, machine_info
from benchmarks.scoring import Scorer
from benchmarks.templates import Extraction, PipelineConfig, extract_templates
from matcher.calibration import Calibration, OperatingPoint, save_calibration

CALIBRATION_FMRS = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6)
# A threshold at FMR f is only tabulated when at least this many impostor scores lie above it.
MIN_IMPOSTORS_ABOVE = 10
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def cross_validate(scorer: Scorer, pairs: list[Pair], rows: dict[Path, int], identities: np.ndarray) -> dict:
    """Per-fold accuracy (threshold maximising accuracy on the other folds) and FNMR at FMR 1e-3."""
    folds = sorted({p.fold for p in pairs})
    a = np.array([rows[p.a] for p in pairs])
    b = np.array([rows[p.b] for p in pairs])
    mated = np.array([p.mated for p in pairs])
    fold_of = np.array([p.fold for p in pairs])
    scores = scorer.pair_scores(a, b)
    per_fold = []
    for k in folds:
        train, test = fold_of != k, fold_of == k
        threshold = vm.best_accuracy_threshold(scores[train & mated], scores[train & ~mated])
        train_rows = np.unique(np.concatenate([a[train], b[train]]))
        impostors = scorer.cross_identity_scores(train_rows, identities)
        fnmr3, t3 = vm.fnmr_at_fmr(scores[test & mated], impostors, 1e-3)
        test_rows = np.unique(np.concatenate([a[test], b[test]]))
        per_fold.append(
            {
                "fold": int(k) + 1,
                "threshold": threshold,
                "accuracy": vm.accuracy(scores[test & mated], scores[test & ~mated], threshold),
                "threshold_fmr_1e-3": t3,
                "train_impostor_comparisons": int(impostors.size),
                "fnmr_at_fmr_1e-3": fnmr3,
                "observed_fmr_held_fold": vm.fmr(scorer.cross_identity_scores(test_rows, identities), t3),
            }
        )
    accuracies = [f["accuracy"] for f in per_fold]
    fnmrs = [f["fnmr_at_fmr_1e-3"] for f in per_fold]
    eer, eer_threshold = vm.eer(scores[mated], scores[~mated])
    return {
        "pipeline": scorer.name,
        "accuracy_mean": statistics.fmean(accuracies),
        "accuracy_std": statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0,
        "fnmr_at_fmr_1e-3_mean": statistics.fmean(fnmrs),
        "fnmr_at_fmr_1e-3_std": statistics.stdev(fnmrs) if len(fnmrs) > 1 else 0.0,
        "eer_protocol_pairs": eer,
        "eer_threshold": eer_threshold,
        "folds": per_fold,
    }


def calibrate(
    scorer: Scorer,
    identities: np.ndarray,
    model_id: str,
    dataset: str,
    fingerprint: str,
    config: PipelineConfig,
) -> Calibration:
    """Thresholds per FMR over every cross-identity comparison in the dataset (all folds), naming the pipeline."""
    impostors = scorer.cross_identity_scores(np.arange(len(identities)), identities)
    points = []
    for target in CALIBRATION_FMRS:
        if impostors.size * target < MIN_IMPOSTORS_ABOVE:
            continue
        points.append(OperatingPoint(target, vm.threshold_at_fmr(impostors, target), int(impostors.size)))
    return Calibration(
        model_id=model_id,
        dataset=dataset,
        dataset_fingerprint=fingerprint,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        points=points,
        source="checkpoint bench verify",
        notes=[
            "cosine similarity of L2-normalised templates; accept when score >= threshold",
            f"thresholds over all cross-identity comparisons of acquired faces ({impostors.size})",
            f"an FMR is tabulated only with >= {MIN_IMPOSTORS_ABOVE} impostor scores above its threshold",
        ],
        detector=_detectors(config),
        alignment=config.alignment,
    )


def stage_timing(paths: list[Path], config: PipelineConfig, faces: int) -> dict:
    """Median seconds per stage over `faces` detected faces, measured one at a time in this process."""
    from edge.errors import EdgeError
    from edge.image import load_image

    analyzer = config.make_analyzer()
    samples: dict[str, list[float]] = {"detect": [], "landmarks": [], "quality": [], "embed": [], "total": []}
    analyzer.primary(load_image(paths[0]))  # warm-up
    for path in paths:
        if len(samples["total"]) >= faces:
            break
        rgb = load_image(path)
        started = time.perf_counter()
        try:
            analyzer.primary(rgb)
        except EdgeError:
            continue
        samples["total"].append(time.perf_counter() - started)
        t = analyzer.last_times
        # Landmarks and quality are per face; a frame with several faces costs more, so divide.
        samples["detect"].append(t.detect)
        samples["landmarks"].append(t.landmarks / max(t.faces, 1))
        samples["quality"].append(t.quality / max(t.faces, 1))
        samples["embed"].append(t.embed)
    return {
        "faces": len(samples["total"]),
        **{f"median_{k}_ms": round(1000 * statistics.median(v), 2) for k, v in samples.items() if v},
        **{f"p95_{k}_ms": round(1000 * float(np.percentile(v, 95)), 2) for k, v in samples.items() if v},
    }


def run(
    images: Path,
    pairs_file: Path,
    config: PipelineConfig,
    cache_path: Path,
    calibration_dir: Path | None,
    workers: int = 2,
    reference: bool = True,
    timing_faces: int = 200,
    results_dir: Path = RESULTS_DIR,
    progress: bool = True,
    also: tuple[str, ...] = (),
) -> dict:
    """Run the whole benchmark; returns the result dict and writes it, and the calibration into `calibration_dir`
    when one is given, to disk."""
    started = time.perf_counter()
    pairs = read_pairs(pairs_file, images)
    paths = sorted({p for pair in pairs for p in (pair.a, pair.b)})
    rows = {p: i for i, p in enumerate(paths)}
    identities = np.array([identity_of(p) for p in paths])
    fingerprint = dataset_fingerprint([*paths, pairs_file], images.parent)
    extraction = extract_templates(paths, config, cache_path, workers, reference, progress)
    extract_seconds = time.perf_counter() - started

    ours = Scorer(f"ours ({config.embedder}, {_pipeline_name(config)})", extraction.templates, extraction.ok, False)
    results = {
        "benchmark": "verify",
        "protocol": "LFW View 2 pairs, leave-one-fold-out thresholds",
        "dataset": {
            "images_dir": str(images),
            "pairs_file": str(pairs_file),
            "fingerprint": fingerprint,
            "pairs": len(pairs),
            "folds": len({p.fold for p in pairs}),
            "images": len(paths),
        },
        "model_id": extraction.model_id,
        "pipeline": config.describe(),
        "failure_to_acquire": _fta(extraction, pairs, rows, ours=True),
        "ours": cross_validate(ours, pairs, rows, identities),
    }
    if reference:
        assert extraction.reference is not None and extraction.reference_ok is not None
        ref = Scorer("dlib reference (Euclidean)", extraction.reference, extraction.reference_ok, True)
        results["reference"] = cross_validate(ref, pairs, rows, identities)
        results["reference_failure_to_acquire"] = _fta(extraction, pairs, rows, ours=False)
        results["accuracy_points_vs_reference"] = 100 * (
            results["ours"]["accuracy_mean"] - results["reference"]["accuracy_mean"]
        )
    for name in also:
        # Another backend on the same images in the same run, e.g. dlib beside its ONNX conversion.
        other = extract_templates(paths, replace(config, embedder=name), cache_path, workers, False, progress)
        scorer = Scorer(f"also ({name}, {_pipeline_name(config)})", other.templates, other.ok, False)
        entry = cross_validate(scorer, pairs, rows, identities)
        a = np.array([rows[p.a] for p in pairs])
        b = np.array([rows[p.b] for p in pairs])
        both = np.isfinite(ours.pair_scores(a, b)) & np.isfinite(scorer.pair_scores(a, b))
        entry["model_id"] = other.model_id
        entry["failure_to_acquire"] = _fta(other, pairs, rows, ours=True)
        entry["max_abs_pair_score_difference_vs_ours"] = float(
            np.max(np.abs(ours.pair_scores(a, b)[both] - scorer.pair_scores(a, b)[both]))
        )
        results.setdefault("also", {})[name] = entry
    calibration = calibrate(
        ours, identities, extraction.model_id, f"{images} (pairs: {pairs_file})", fingerprint, config
    )
    results["calibration"] = json.loads(calibration.to_json())
    if calibration_dir is not None:
        installed, note = kept_identification(_usable(calibration, images), [calibration_dir])
        results["calibration_file"] = str(save_calibration(installed, calibration_dir))
        results["calibration_identification"] = note
    results["timing"] = stage_timing(paths, config, timing_faces) if timing_faces else None
    results["templates_from_cache"] = extraction.cached
    results["wall_seconds"] = round(time.perf_counter() - started, 1)
    results["extract_seconds"] = round(extract_seconds, 1)
    results["machine"] = machine_info()
    results_dir.mkdir(parents=True, exist_ok=True)
    out = results_dir / f"verify-{config.embedder}-{_pipeline_name(config)}.json"
    out.write_text(json.dumps(results, indent=2, default=_json_default) + "\n")
    results["results_file"] = str(out)
    return results


def _usable(calibration: Calibration, images: Path) -> Calibration:
    """The calibration, if it tabulates any FMR: an empty one installed would leave every command without one."""
    if not calibration.points:
        raise DatasetError(
            f"{images} gives too few impostor comparisons to tabulate any FMR "
            f"(at least {MIN_IMPOSTORS_ABOVE} scores above the threshold at FMR {max(CALIBRATION_FMRS):g})",
            "Calibrate on a larger dataset; nothing was installed",
        )
    return calibration


def _detectors(config: PipelineConfig) -> str:
    return config.detectors()


def _pipeline_name(config: PipelineConfig) -> str:
    """The detectors, the alignment unless it is dlib's 5 points (every result file before issue 16), and -flip
    with flip augmentation (-flip-zin4... with jitter views)."""
    name = _detectors(config) + ("" if config.alignment == "dlib5" else f"-{config.alignment}")
    return name + config.augmentation


def _fta(extraction: Extraction, pairs: list[Pair], rows: dict[Path, int], ours: bool) -> dict:
    ok = extraction.ok if ours else extraction.reference_ok
    assert ok is not None
    failed_pairs = sum(1 for p in pairs if not (ok[rows[p.a]] and ok[rows[p.b]]))
    return {"images": int((~ok).sum()), "pairs_affected": failed_pairs}


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value)}")


def format_table(results: dict) -> str:
    """One table, the same every run, so two runs compare line by line."""
    lines = [
        f"LFW verification  model={results['model_id']}  pairs={results['dataset']['pairs']}"
        f"  images={results['dataset']['images']}",
        f"{'pipeline':34} {'accuracy %':>16} {'FNMR@FMR1e-3 %':>16} {'EER %':>7} {'FTA img':>8} {'FTA pairs':>9}",
    ]
    rows = [(results["ours"], results["failure_to_acquire"])]
    rows += [(r, r["failure_to_acquire"]) for r in results.get("also", {}).values()]
    if "reference" in results:
        rows.append((results["reference"], results["reference_failure_to_acquire"]))
    for r, fta in rows:
        lines.append(
            f"{r['pipeline']:34} {100 * r['accuracy_mean']:8.2f} ± {100 * r['accuracy_std']:4.2f}"
            f" {100 * r['fnmr_at_fmr_1e-3_mean']:8.2f} ± {100 * r['fnmr_at_fmr_1e-3_std']:4.2f}"
            f" {100 * r['eer_protocol_pairs']:7.2f} {fta['images']:8d} {fta['pairs_affected']:9d}"
        )
    for name, r in results.get("also", {}).items():
        lines.append(f"{name} vs ours: largest pair-score difference {r['max_abs_pair_score_difference_vs_ours']:.2e}")
    if "accuracy_points_vs_reference" in results:
        lines.append(f"ours - reference: {results['accuracy_points_vs_reference']:+.2f} accuracy points")
    timing = results.get("timing")
    if timing:
        lines.append(
            f"per face (median of {timing['faces']}): detect {timing['median_detect_ms']} ms, landmarks"
            f" {timing['median_landmarks_ms']} ms, quality {timing['median_quality_ms']} ms,"
            f" embed {timing['median_embed_ms']} ms, total {timing['median_total_ms']} ms"
        )
    points = ", ".join(f"FMR {p['fmr']:g}: {p['threshold']:.4f}" for p in results["calibration"]["points"])
    lines.append(f"calibration thresholds: {points}")
    return "\n".join(lines)
