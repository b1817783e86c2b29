"""1:N identification on LFW-dev (`checkpoint bench identify`): FNIR at FPIR, rank-1 and CMC.

Protocol (closed to tuning: nothing here is fitted to these images, except the calibration's 1:N block, which
was fitted on all of LFW-dev: its held-out figures are in benchmarks/results/identify-fusion.json):
- enrolled: every identity with at least two images; its enrolment templates are its first image (in file-name
  order) in which a face is found (`first`), or up to K such images (`multi:K`), always leaving one image to
  search (identities with no usable image are counted as failures to enrol);
- mated searches: every other image of an enrolled identity; an image with no face found is a miss
  (rank 0), as ISO/IEC 19795-1 counts failures to acquire against the transaction;
- non-mated searches: every image of an identity with a single image (never enrolled); an image with no
  face returns no candidate, so it cannot be a false positive;
- each search asks the `matcher.Gallery` (exact search at this size) for its top MAX_RANK subjects; a subject
  scores as its best template, raw or cohort-normalised as the calibration's 1:N block says.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from benchmarks.identification import cmc, fnir, fnir_at_fpir, fpir, mate_outcome, rank1_identification_rate
from matcher.calibration import Calibration
from matcher.watchlist_threshold import watchlist_operating_point

if TYPE_CHECKING:
    from benchmarks.templates import PipelineConfig

FPIR_TARGETS = (0.01, 0.003)
MAX_RANK = 20
MAX_PER_SUBJECT = 10


def parse_enrolment(text: str) -> int:
    """Images enrolled per subject for an enrolment protocol: `first` -> 1, `multi:K` -> K (2..10)."""
    if text == "first":
        return 1
    name, _, count = text.partition(":")
    if name == "multi" and count.isdigit() and 2 <= int(count) <= MAX_PER_SUBJECT:
        return int(count)
    raise ValueError(f"enrolment must be 'first' or 'multi:K' with K from 2 to {MAX_PER_SUBJECT}, got {text!r}")


def enrolment_name(per_subject: int) -> str:
    """The protocol's name, as `parse_enrolment` reads it."""
    return "first" if per_subject == 1 else f"multi:{per_subject}"


TemplatesFor = Callable[[Sequence[Path]], tuple[np.ndarray, list[bool]]]


@dataclass(frozen=True)
class Protocol:
    """Which images are enrolled, searched as mated, and searched as non-mated."""

    enrol: list[tuple[str, Path]]  # (identity, image)
    mated: list[tuple[str, Path]]
    nonmated: list[Path]
    failed_to_enrol: list[str]


def lfw_identities(lfw_dir: Path) -> dict[str, list[Path]]:
    """Identity -> its images in file-name order, from `<lfw_dir>/images/<Name>/<Name>_NNNN.jpg`."""
    images = Path(lfw_dir) / "images"
    if not images.is_dir():
        raise FileNotFoundError(
            f"LFW-dev images not found at {images}: set CHECKPOINT_SHARED_DATA to the directory holding lfw-dev"
        )
    people: dict[str, list[Path]] = {}
    for path in sorted(images.glob("*/*.jpg")):
        people.setdefault(path.parent.name, []).append(path)
    return people


def make_protocol(people: dict[str, list[Path]], has_face: dict[Path, bool], per_subject: int = 1) -> Protocol:
    """Split LFW-dev into enrolment, mated and non-mated searches (see the module docstring).

    `per_subject` > 1 enrols up to that many images with a face per identity, always leaving one image to search.
    """
    enrol, mated, nonmated, failed = [], [], [], []
    for name, paths in sorted(people.items()):
        if len(paths) == 1:
            nonmated.append(paths[0])
            continue
        usable = [p for p in paths if has_face[p]]
        if not usable:
            failed.append(name)
            continue
        chosen = usable[: min(per_subject, len(paths) - 1)]
        enrol += [(name, p) for p in chosen]
        mated += [(name, p) for p in paths if p not in chosen]
    return Protocol(enrol, mated, nonmated, failed)


def lfw_templates_for(config: PipelineConfig, cache_path: Path, workers: int = 1) -> TemplatesFor:
    """Templates made by `config` (the configured pipeline, as the kiosk runs it) through the shared cache
    (benchmarks/templates.py): each image is embedded once."""
    from benchmarks.templates import extract_templates

    def templates_for(paths: Sequence[Path]) -> tuple[np.ndarray, list[bool]]:
        extraction = extract_templates(list(paths), config, Path(cache_path), workers)
        return extraction.templates, [bool(x) for x in extraction.ok]

    return templates_for


def lfw_real_templates(
    lfw_dir: Path, config: PipelineConfig, cache_path: Path, workers: int = 1
) -> tuple[np.ndarray, str]:
    """Every LFW-dev template that `config` makes with a face found, and their model id (for the gallery
    benchmark)."""
    from benchmarks.templates import pipeline_model_id

    paths = [p for ps in lfw_identities(lfw_dir).values() for p in ps]
    vectors, ok = lfw_templates_for(config, cache_path, workers)(paths)
    return vectors[np.asarray(ok, dtype=bool)], pipeline_model_id(config)


def run(
    lfw_dir: Path,
    templates_for: TemplatesFor,
    model_id: str,
    max_rank: int = MAX_RANK,
    calibration: Calibration | None = None,
    per_subject: int = 1,
    target_fpir: float | None = None,
) -> dict:
    """Run the protocol; returns counts, FNIR at each FPIR target (with its threshold), rank-1 and the CMC.

    With a 1:1 calibration, also FPIR and FNIR at each of its thresholds: what "the threshold at FMR x"
    means once every probe is compared with the whole gallery. With its 1:N block, the same figures on
    cohort-normalised scores, and (given `target_fpir`, the policy's) at the threshold the kiosk computes for
    this gallery's size.
    """
    from matcher.gallery import Gallery

    people = lfw_identities(lfw_dir)
    paths = [p for ps in people.values() for p in ps]
    vectors, ok = templates_for(paths)
    template_of = dict(zip(paths, vectors, strict=True))
    has_face = dict(zip(paths, ok, strict=True))
    protocol = make_protocol(people, has_face, per_subject)

    gallery = Gallery(model_id, vectors.shape[1])
    gallery.add_many(
        [name for name, _ in protocol.enrol],
        list(range(len(protocol.enrol))),
        np.stack([template_of[p] for _, p in protocol.enrol]),
        model_id,
    )
    normalisation = None if calibration is None or calibration.identification is None else calibration.identification
    raw = _scored(gallery, protocol, template_of, has_face, model_id, max_rank, None)
    result = {
        "dataset": str(lfw_dir),
        "model_id": model_id,
        "enrolment": enrolment_name(per_subject),
        "enrolled_subjects": gallery.subject_count,
        "enrolled_templates": len(gallery),
        "failed_to_enrol": len(protocol.failed_to_enrol),
        "mated_searches": len(protocol.mated),
        "mated_no_face": int(sum(not has_face[p] for _, p in protocol.mated)),
        "nonmated_searches": len(protocol.nonmated),
        "nonmated_no_face": int(sum(not has_face[p] for p in protocol.nonmated)),
        **raw.figures(max_rank),
        "at_calibrated_thresholds": [],
        "calibration": None if calibration is None else f"{calibration.dataset} ({calibration.created})",
    }
    if calibration is not None:
        for point in sorted(calibration.points, key=lambda p: p.fmr, reverse=True):
            result["at_calibrated_thresholds"].append(
                {"fmr": point.fmr, "threshold": point.threshold, **raw.at(point.threshold)}
            )
    if normalisation is not None and gallery.subject_count < normalisation.scoring().subjects_needed:
        # A gallery smaller than the cohort is searched on raw similarities, as the kiosk does (watchlist_threshold)
        result["normalised_skipped"] = f"{gallery.subject_count} subjects: fewer than the calibration's cohort needs"
    elif normalisation is not None:
        scoring = normalisation.scoring()
        normalised = _scored(gallery, protocol, template_of, has_face, model_id, max_rank, scoring)
        result["normalised"] = {"normalisation": scoring.to_dict(), **normalised.figures(max_rank)}
    if calibration is not None and target_fpir is not None:
        point = watchlist_operating_point(calibration, target_fpir, len(gallery), gallery.subject_count)
        chosen = normalised if point.normalisation is not None else raw
        result["at_computed_watchlist_threshold"] = {
            "target_fpir": target_fpir,
            "threshold": point.threshold,
            "normalised": point.normalisation is not None,
            "expected_fpir": point.expected_fpir,
            **chosen.at(point.threshold),
        }
    return result


@dataclass(frozen=True)
class _Outcomes:
    """Rank and score of the mate per mated search, top score per non-mated search."""

    ranks: np.ndarray
    scores: np.ndarray
    nonmated_top: np.ndarray

    def at(self, threshold: float) -> dict:
        return {"fpir": fpir(self.nonmated_top, threshold), "fnir": fnir(self.ranks, self.scores, threshold)}

    def figures(self, max_rank: int) -> dict:
        at_fpir = []
        for target in FPIR_TARGETS:
            value, threshold = fnir_at_fpir(self.ranks, self.scores, self.nonmated_top, target)
            at_fpir.append({"fpir": target, "fnir": value, "threshold": threshold})
        return {
            "rank1": rank1_identification_rate(self.ranks),
            "fnir_at_fpir": at_fpir,
            "cmc": [float(x) for x in cmc(self.ranks, max_rank)],
        }


def _scored(gallery, protocol: Protocol, template_of, has_face, model_id: str, max_rank: int, normalisation):
    def search(probe_paths: list[Path]) -> list[list]:
        usable = [p for p in probe_paths if has_face[p]]
        probes = np.stack([template_of[p] for p in usable])
        found = gallery.search_batch(probes, model_id, k=max_rank, normalisation=normalisation)
        by_path = dict(zip(usable, found, strict=True))
        return [by_path.get(p, []) for p in probe_paths]

    mated_lists = search([p for _, p in protocol.mated])
    outcomes = [
        mate_outcome([c.subject_id for c in cands], [c.score for c in cands], name)
        for (name, _), cands in zip(protocol.mated, mated_lists, strict=True)
    ]
    return _Outcomes(
        np.array([r for r, _ in outcomes]),
        np.array([s for _, s in outcomes]),
        np.array([cands[0].score if cands else -np.inf for cands in search(protocol.nonmated)]),
    )


def format_report(results: list[dict]) -> str:
    """The printed table: one block per enrolment protocol."""
    lines = []
    for result in results:
        lines += [
            f"1:N identification, LFW-dev, model {result['model_id']}, enrolment {result['enrolment']}",
            f"gallery: {result['enrolled_subjects']} subjects, {result['enrolled_templates']} templates "
            f"(failed to enrol: {result['failed_to_enrol']})",
            f"mated searches: {result['mated_searches']} (no face: {result['mated_no_face']}); "
            f"non-mated searches: {result['nonmated_searches']} (no face: {result['nonmated_no_face']})",
            "",
            f"{'metric':<24} {'raw':>8} {'threshold':>10} {'normalised':>11} {'threshold':>10}",
        ]
        normalised = result.get("normalised")
        both = [result] + ([normalised] if normalised else [])
        lines.append(f"{'rank-1 identification':<24} " + " ".join(f"{r['rank1']:>8.4f} {'-':>10}" for r in both))
        for i, row in enumerate(result["fnir_at_fpir"]):
            cells = [f"{r['fnir_at_fpir'][i]['fnir']:>8.4f} {r['fnir_at_fpir'][i]['threshold']:>10.4f}" for r in both]
            lines.append(f"{'FNIR @ FPIR ' + format(row['fpir'], 'g'):<24} " + "   ".join(cells))
        for rank in (5, 10, 20):
            if rank <= len(result["cmc"]):
                lines.append(f"{f'CMC rank {rank}':<24} {result['cmc'][rank - 1]:>8.4f} {'-':>10}")
        computed = result.get("at_computed_watchlist_threshold")
        if computed:
            lines.append(
                f"at the kiosk's computed threshold for FPIR {computed['target_fpir']:g} at this gallery size "
                f"({computed['threshold']:.4f}, {'normalised' if computed['normalised'] else 'raw'}): "
                f"FPIR {computed['fpir']:.4f}, FNIR {computed['fnir']:.4f}"
            )
        if result["at_calibrated_thresholds"]:
            lines += ["", f"raw scores at the 1:1 calibrated thresholds ({result['calibration']}):"]
            lines.append(f"{'FMR (1:1)':<12} {'threshold':>10} {'FPIR':>8} {'FNIR':>8}")
            for row in result["at_calibrated_thresholds"]:
                lines.append(f"{row['fmr']:<12g} {row['threshold']:>10.4f} {row['fpir']:>8.4f} {row['fnir']:>8.4f}")
        lines.append("")
    return "\n".join(lines).rstrip()
