"""Choose the 1:N subject fusion and score normalisation by cross-validation on LFW-dev (`checkpoint bench fusion`).

Folds: LFW-dev's pairs file puts each identity in one of 5 folds; an identity in no fold goes to fold
(its position among them in name order) mod 5. The gallery is every identity with >= 2 images, enrolled with its
first image, or up to K (`multi:K`, always leaving one image to search); mated searches are its other images,
non-mated searches the images of single-image identities (as `checkpoint bench identify`).

For each test fold, every candidate (fusion rule x normalisation) is scored on the searches of the other four
folds (FNIR at FPIR 0.01, then 0.003), the best one is applied to the test fold's searches, and the figures
pooled over the five test folds are reported: no search is scored by a choice made with its own fold.

The same module measures the kiosk's probe fusion (2-3 frames of one person fused into one probe) and writes the
normalised impostor table that the calibration file keeps for 1:N thresholds at any gallery size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from benchmarks.identification import fnir, threshold_at_fpir
from benchmarks.identify_bench import enrolment_name, lfw_identities, make_protocol
from matcher.calibration import Calibration, IdentificationCalibration
from matcher.probe_fusion import fuse_probe
from matcher.score_norm import CohortNormalisation
from matcher.watchlist_threshold import watchlist_operating_point

FOLDS = 5
FPIR_TARGETS = (0.01, 0.003)
# Issue 16's targets for FNIR at FPIR 0.01 on LFW-dev, by enrolment protocol.
TARGETS = {"first": 0.30, "multi:5": 0.15}
ENROLMENTS = (1, 2, 3, 4, 5)
COHORTS = (3, 5, 10, 20)
WEIGHTS = (0.25, 0.5, 0.75, 1.0)
# Per-comparison FMRs tabulated for the calibration (1-2-5 per decade); one is kept only with >= 10 scores above.
TABLE_FMRS = tuple(float(f"{m}e{e}") for e in range(-2, -8, -1) for m in (5, 2, 1))[1:]
MIN_SCORES_ABOVE = 10
# Gallery sizes (subjects) the calibration tabulates, each from SUBSETS random subsets of the LFW-dev gallery, plus
# the whole gallery; CHECKED_SIZES are those whose thresholds are checked against held-out folds.
TABLE_SIZES = (6, 10, 20, 50, 100, 200, 400)
SUBSETS = 20
CHECKED_SIZES = (20, 100, 400)


def mean_top(k: int) -> Callable[[np.ndarray], np.ndarray]:
    """Fusion: the mean of a subject's k best template scores (all it has when fewer)."""

    def fuse(padded: np.ndarray) -> np.ndarray:
        best = -np.sort(-padded, axis=-1)[..., :k]
        present = np.isfinite(best)
        return np.where(present, best, 0).sum(-1) / present.sum(-1)

    return fuse


FUSIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "max": lambda padded: padded.max(-1),
    "mean-top-2": mean_top(2),
    "mean": mean_top(10**6),
}


def identity_folds(lfw_dir: Path, names: list[str]) -> dict[str, int]:
    """Identity -> fold 0..4 (see the module docstring)."""
    fold: dict[str, int] = {}
    lines = (Path(lfw_dir) / "pairs.txt").read_text().split("\n")[1:]
    per_fold = 2 * int((Path(lfw_dir) / "pairs.txt").read_text().split()[1])
    for i, line in enumerate(x for x in lines if x.strip()):
        parts = line.split()
        for name in (parts[0],) if len(parts) == 3 else (parts[0], parts[2]):
            fold.setdefault(name, i // per_fold)
    unplaced = [n for n in sorted(names) if n not in fold]
    fold.update({name: i % FOLDS for i, name in enumerate(unplaced)})
    return fold


@dataclass
class Searches:
    """Subject-level scores of every search against the gallery (one protocol), with what a search is."""

    fused: dict[str, np.ndarray]  # fusion rule -> (searches, subjects) similarity
    ranked: dict[str, tuple[np.ndarray, np.ndarray]]  # fusion rule -> (subject order, MAX_COHORT+1 best scores)
    mate: np.ndarray  # subject index of the mate, -1 for a non-mated search
    usable: np.ndarray  # a face was found in the search image
    fold: np.ndarray
    subjects: int
    mated: int
    nonmated: int


def protocol_searches(
    people: dict[str, list[Path]], vectors: dict[Path, np.ndarray | None], folds: dict[str, int], per_subject: int
) -> Searches:
    """Enrol up to `per_subject` images per identity and score every search against every subject."""
    protocol = make_protocol(people, {p: v is not None for p, v in vectors.items()}, per_subject)
    subjects = sorted({name for name, _ in protocol.enrol})
    number = {name: i for i, name in enumerate(subjects)}
    width = max(sum(1 for n, _ in protocol.enrol if n == name) for name in subjects)
    rows = [p for _, p in protocol.mated] + protocol.nonmated
    dim = next(v.shape[0] for v in vectors.values() if v is not None)
    probes = np.stack([vectors[p] if vectors[p] is not None else np.zeros(dim, np.float32) for p in rows])
    padded = np.full((len(rows), len(subjects), width), -np.inf, np.float32)
    filled = np.zeros(len(subjects), int)
    for name, path in protocol.enrol:
        j = number[name]
        padded[:, j, filled[j]] = probes @ vectors[path]
        filled[j] += 1
    fused = {rule: fuse(padded) for rule, fuse in FUSIONS.items()}
    return Searches(
        fused=fused,
        ranked={rule: _ranked(scores) for rule, scores in fused.items()},
        mate=np.array([number[n] for n, _ in protocol.mated] + [-1] * len(protocol.nonmated)),
        usable=np.array([vectors[p] is not None for p in rows]),
        fold=np.array([folds[p.parent.name] for p in rows]),
        subjects=len(subjects),
        mated=len(protocol.mated),
        nonmated=len(protocol.nonmated),
    )


def _ranked(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's best subject and its max(COHORTS)+1 best scores, best first (all a rank-1 decision needs)."""
    width = min(max(COHORTS) + 1, scores.shape[1])
    part = np.argpartition(-scores, width - 1, axis=1)[:, :width]
    best = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-best, axis=1)
    return np.take_along_axis(part, order, axis=1)[:, 0], np.take_along_axis(best, order, axis=1)


@dataclass(frozen=True)
class Outcomes:
    """Rank-1 outcome of each search after normalisation: mate found at rank 1, top score."""

    mated_hit: np.ndarray
    mated_score: np.ndarray
    nonmated_top: np.ndarray

    def fnir_at(self, target: float) -> tuple[float, float]:
        threshold = threshold_at_fpir(self.nonmated_top, target)
        ranks = self.mated_hit.astype(int)
        return fnir(ranks, self.mated_score, threshold), threshold


def outcomes(s: Searches, rule: str, norm: CohortNormalisation | None, keep: np.ndarray) -> Outcomes:
    """Rank-1 outcomes of the kept searches under one candidate (no face: a miss, or no alarm)."""
    first, best_first = (x[keep] for x in s.ranked[rule])
    top = best_first[:, 0] if norm is None else norm.normalise(best_first[:, : norm.cohort + 1])[:, 0]
    top = np.where(s.usable[keep], top, -np.inf)
    mate = s.mate[keep]
    mated = mate >= 0
    return Outcomes((first == mate)[mated] & s.usable[keep][mated], top[mated], top[~mated])


def candidates() -> list[tuple[str, CohortNormalisation | None]]:
    """Every (fusion rule, normalisation) pair the cross-validation chooses from."""
    norms: list[CohortNormalisation | None] = [None]
    norms += [CohortNormalisation(k, w) for k in COHORTS for w in WEIGHTS]
    return [(rule, norm) for rule in FUSIONS for norm in norms]


def label(rule: str, norm: CohortNormalisation | None) -> str:
    return f"{rule} / " + ("raw" if norm is None else f"cohort {norm.cohort}, weight {norm.weight:g}")


def _cost(o: Outcomes) -> tuple[float, float]:
    return o.fnir_at(FPIR_TARGETS[0])[0], o.fnir_at(FPIR_TARGETS[1])[0]


def cross_validate(s: Searches) -> dict:
    """Choose on four folds, score on the fifth; also raw max scores and every candidate, all on the same folds."""
    options = candidates()
    chosen = []
    for test in range(FOLDS):
        train = s.fold != test
        chosen.append(min(options, key=lambda option: _cost(outcomes(s, *option, train))))
    table = []
    for option in options:
        table.append({"candidate": label(*option), **_per_fold_rates(s, [option] * FOLDS)})
    return {
        "chosen_per_test_fold": [label(*option) for option in chosen],
        "held_out": _per_fold_rates(s, chosen),
        "raw_max": _per_fold_rates(s, [("max", None)] * FOLDS),
        "every_candidate": table,
    }


def _per_fold_rates(s: Searches, option_of_fold: list[tuple[str, CohortNormalisation | None]]) -> dict:
    """FNIR at each FPIR target with the threshold set on each fold's own non-mated searches, misses pooled.

    Scores of different candidates are on different scales, so one threshold over the pooled folds would mean
    nothing when folds use different candidates; per-fold thresholds keep each fold's FPIR at the target.
    """
    misses = {target: 0 for target in FPIR_TARGETS}
    mated = hits = 0
    for fold, option in enumerate(option_of_fold):
        o = outcomes(s, *option, s.fold == fold)
        for target in FPIR_TARGETS:
            value, _ = o.fnir_at(target)
            misses[target] += round(value * o.mated_hit.size)
        mated += o.mated_hit.size
        hits += int(o.mated_hit.sum())
    out = {"rank1": hits / mated}
    out.update({f"fnir_at_fpir_{target:g}": misses[target] / mated for target in FPIR_TARGETS})
    return out


def _rates(o: Outcomes) -> dict:
    out = {"rank1": float(o.mated_hit.mean())}
    for target in FPIR_TARGETS:
        value, threshold = o.fnir_at(target)
        out[f"fnir_at_fpir_{target:g}"] = value
        out[f"threshold_at_fpir_{target:g}"] = threshold
    return out


def impostor_table(s: Searches, rule: str, norm: CohortNormalisation, keep: np.ndarray, subjects: int) -> dict:
    """Per-comparison FMR -> threshold of normalised scores of every kept non-mated search against every subject
    of galleries of `subjects` subjects (random subsets of the gallery, SUBSETS of them, when smaller than it)."""
    scores = s.fused[rule][keep & (s.mate < 0) & s.usable]
    subsets = _subsets(s.subjects, subjects, seed=subjects)
    normalised = np.concatenate([norm.normalise(-np.sort(-scores[:, cols], axis=1)).ravel() for cols in subsets])
    normalised = np.sort(normalised)[::-1]
    points = []
    for target in TABLE_FMRS:
        above = int(np.floor(target * normalised.size))
        if above < MIN_SCORES_ABOVE:
            break
        threshold = float(np.nextafter(normalised[above], np.inf))
        points.append({"fmr": target, "threshold": threshold, "impostor_comparisons": int(normalised.size)})
    return {"gallery_subjects": min(subjects, s.subjects), "points": points}


def _subsets(enrolled: int, size: int, seed: int) -> list[np.ndarray]:
    """SUBSETS random galleries of `size` of the `enrolled` subjects; the whole gallery when it is not bigger."""
    if size >= enrolled:
        return [np.arange(enrolled)]
    rng = np.random.default_rng(seed)
    return [rng.choice(enrolled, size, replace=False) for _ in range(SUBSETS)]


def impostor_tables(s: Searches, rule: str, norm: CohortNormalisation, keep: np.ndarray) -> list[dict]:
    """One table per gallery size in TABLE_SIZES, and one for the whole gallery."""
    sizes = sorted({n for n in TABLE_SIZES if norm.subjects_needed <= n < s.subjects} | {s.subjects})
    return [impostor_table(s, rule, norm, keep, n) for n in sizes]


def predicted_vs_measured(s: Searches, rule: str, norm: CohortNormalisation, raw: Calibration) -> list[dict]:
    """The kiosk's threshold (matcher/watchlist_threshold.py) from the other folds' tables at each gallery size of
    CHECKED_SIZES (random subsets of the gallery, and the whole); FPIR and FNIR measured on each fold, pooled."""
    rows = []
    tables = {test: impostor_tables(s, rule, norm, s.fold != test) for test in range(FOLDS)}
    for size in sorted({n for n in CHECKED_SIZES if n < s.subjects} | {s.subjects}):
        galleries = [_restricted(s, cols) for cols in _subsets(s.subjects, size, seed=1000 + size)]
        for target in FPIR_TARGETS:
            alarms = searches = misses = mated = 0
            reachable = True
            for test in range(FOLDS):
                calibration = with_identification(raw, rule, norm, tables[test])
                point = watchlist_operating_point(calibration, target, size, size)
                reachable &= point.reachable
                for gallery in galleries:
                    o = outcomes(gallery, rule, norm, s.fold == test)
                    alarms += int((o.nonmated_top >= point.threshold).sum())
                    searches += o.nonmated_top.size
                    misses += int((~(o.mated_hit & (o.mated_score >= point.threshold))).sum())
                    mated += o.mated_hit.size
            rows.append(
                {
                    "gallery_subjects": size,
                    "target_fpir": target,
                    "reachable": reachable,
                    "measured_fpir": alarms / searches,
                    "false_alarms": alarms,
                    "nonmated_searches": searches,
                    "fnir": misses / mated,
                }
            )
    return rows


def _restricted(s: Searches, cols: np.ndarray) -> Searches:
    """`s` with only the subjects `cols` enrolled: searches of the others' mates become non-mated."""
    if cols.size == s.subjects:
        return s
    renumber = np.full(s.subjects, -1)
    renumber[cols] = np.arange(cols.size)
    fused = {rule: scores[:, cols] for rule, scores in s.fused.items()}
    mate = np.where(s.mate >= 0, renumber[np.maximum(s.mate, 0)], -1)
    return Searches(
        fused=fused,
        ranked={rule: _ranked(scores) for rule, scores in fused.items()},
        mate=mate,
        usable=s.usable,
        fold=s.fold,
        subjects=cols.size,
        mated=int((mate >= 0).sum()),
        nonmated=int((mate < 0).sum()),
    )


def with_identification(raw: Calibration, rule: str, norm: CohortNormalisation, tables: list[dict]) -> Calibration:
    """`raw` (the 1:1 calibration) with a 1:N block holding this fusion, normalisation and impostor tables."""
    block = IdentificationCalibration.from_dict({"fusion": rule, "normalisation": norm.to_dict(), "tables": tables})
    return replace(raw, identification=block)


def probe_fusion(
    people: dict[str, list[Path]],
    vectors: dict[Path, np.ndarray | None],
    folds: dict[str, int],
    norm: CohortNormalisation,
    agree_at: float,
    frames: int,
) -> dict:
    """Single frame vs `frames` fused frames as the probe, on a gallery of every other multi-image identity.

    Multi-image identities alternate (name order) between enrolled (first image) and not enrolled; an enrolled
    one's remaining images, and a not-enrolled one's images, are cut into sets of `frames` "frames" (images of
    the same person standing in for camera frames); single-image identities are one-frame non-mated searches.
    """
    del folds  # no choice is made here: the normalisation is the cross-validated one
    multi = [n for n in sorted(people) if sum(vectors[p] is not None for p in people[n]) >= 2]
    enrolled = multi[::2]
    gallery = np.stack([next(vectors[p] for p in people[n] if vectors[p] is not None) for n in enrolled])
    sets: list[tuple[int, list[np.ndarray]]] = []
    for j, name in enumerate(enrolled):
        rest = [vectors[p] for p in people[name] if vectors[p] is not None][1:]
        sets += [(j, rest[i : i + frames]) for i in range(0, len(rest) - frames + 1, frames)]
    for name in multi[1::2]:
        usable = [vectors[p] for p in people[name] if vectors[p] is not None]
        sets += [(-1, usable[i : i + frames]) for i in range(0, len(usable) - frames + 1, frames)]
    sets += [
        (-1, [vectors[p]]) for n in sorted(people) if len(people[n]) == 1 for p in people[n] if vectors[p] is not None
    ]

    def rates(probes: np.ndarray) -> dict:
        scores = probes @ gallery.T
        order = np.argsort(-scores, axis=1)
        best_first = np.take_along_axis(scores, order, axis=1)
        top = norm.normalise(best_first[:, : norm.cohort + 1])[:, 0]
        mate = np.array([j for j, _ in sets])
        o = Outcomes((order[:, 0] == mate)[mate >= 0], top[mate >= 0], top[mate < 0])
        return _rates(o)

    single = np.stack([f[0] for _, f in sets])
    fused = [fuse_probe(np.stack(f), agree_at) for _, f in sets]
    return {
        "frames": frames,
        "gallery_subjects": len(enrolled),
        "mated_sets": sum(1 for j, _ in sets if j >= 0),
        "nonmated_sets": sum(1 for j, _ in sets if j < 0),
        "sets_fused": sum(1 for (_, f), (_, used) in zip(sets, fused, strict=True) if used > 1 and len(f) > 1),
        "single_frame": rates(single),
        "fused": rates(np.stack([v for v, _ in fused])),
    }


def run(lfw_dir: Path, templates_for, calibration: Calibration, agree_at: float) -> dict:
    """Every enrolment protocol cross-validated, the shipped choice, its impostor table and the probe fusion."""
    people = lfw_identities(lfw_dir)
    paths = [p for ps in people.values() for p in ps]
    matrix, ok = templates_for(paths)
    vectors = {p: (matrix[i] if ok[i] else None) for i, p in enumerate(paths)}
    folds = identity_folds(lfw_dir, list(people))
    protocols, searches = {}, {}
    for k in ENROLMENTS:
        name = enrolment_name(k)
        searches[name] = protocol_searches(people, vectors, folds, k)
        s = searches[name]
        protocols[name] = {"subjects": s.subjects, "mated_searches": s.mated, "nonmated_searches": s.nonmated}
        protocols[name].update(cross_validate(s))
    votes: dict[str, int] = {}
    for body in protocols.values():
        for chosen in body["chosen_per_test_fold"]:
            votes[chosen] = votes.get(chosen, 0) + 1
    shipped_label = max(votes, key=lambda key: votes[key])
    rule, norm = next(option for option in candidates() if label(*option) == shipped_label)
    if norm is None:
        raise RuntimeError("the cross-validation chose raw scores; the calibration block below assumes a cohort")
    first = searches[enrolment_name(1)]
    tables = impostor_tables(first, rule, norm, np.ones(first.fold.size, bool))
    return {
        "dataset": str(lfw_dir),
        "model_id": calibration.model_id,
        "folds": "LFW-dev pairs folds 1-5; identities in no fold dealt round-robin in name order",
        "candidates": len(candidates()),
        "protocols": protocols,
        "votes": votes,
        "shipped": {"fusion": rule, "normalisation": norm.to_dict(), "label": shipped_label},
        "threshold_from_gallery_size": predicted_vs_measured(first, rule, norm, calibration),
        "impostor_tables": tables,
        "targets_fnir_at_fpir_0.01": {
            name: {"target": target, "held_out": protocols[name]["held_out"]["fnir_at_fpir_0.01"]}
            | {"met": protocols[name]["held_out"]["fnir_at_fpir_0.01"] <= target}
            for name, target in TARGETS.items()
        },
        "probe_fusion": [probe_fusion(people, vectors, folds, norm, agree_at, n) for n in (2, 3)],
        "probe_fusion_agreement_threshold": agree_at,
    }


def format_report(result: dict) -> str:
    """The printed table."""
    lines = [f"1:N fusion and normalisation, cross-validated over {FOLDS} folds, model {result['model_id']}"]
    lines.append(
        f"{'enrolment':<10} {'subjects':>8} {'mated':>6} {'FNIR@.01':>9} {'FNIR@.003':>10} {'rank-1':>7}  raw:"
    )
    for name, body in result["protocols"].items():
        held = body["held_out"]
        raw = body["raw_max"]
        lines.append(
            f"{name:<10} {body['subjects']:>8} {body['mated_searches']:>6} {held['fnir_at_fpir_0.01']:>9.3f} "
            f"{held['fnir_at_fpir_0.003']:>10.3f} {held['rank1']:>7.3f}  "
            f"{raw['fnir_at_fpir_0.01']:.3f} / {raw['fnir_at_fpir_0.003']:.3f}"
        )
    lines.append(f"shipped: {result['shipped']['label']} (chosen in {result['votes'][result['shipped']['label']]} "
                 f"of {sum(result['votes'].values())} test folds)")  # fmt: skip
    for row in result["threshold_from_gallery_size"]:
        lines.append(
            f"threshold from the impostor tables at {row['gallery_subjects']} subjects: "
            f"target FPIR {row['target_fpir']:g}{'' if row['reachable'] else ' (not reachable: strictest)'}, "
            f"measured {row['measured_fpir']:.4f} "
            f"({row['false_alarms']}/{row['nonmated_searches']}), FNIR {row['fnir']:.3f}"
        )
    for name, row in result["targets_fnir_at_fpir_0.01"].items():
        verdict = "met" if row["met"] else "NOT met"
        lines.append(f"target FNIR@.01 {name}: <= {row['target']:g}, held out {row['held_out']:.3f}: {verdict}")
    for row in result["probe_fusion"]:
        a, b = row["single_frame"], row["fused"]
        lines.append(
            f"probe fusion, {row['frames']} frames ({row['sets_fused']} of {row['mated_sets'] + row['nonmated_sets']}"
            f" sets fused): FNIR@.01 {a['fnir_at_fpir_0.01']:.3f} -> {b['fnir_at_fpir_0.01']:.3f}, "
            f"FNIR@.003 {a['fnir_at_fpir_0.003']:.3f} -> {b['fnir_at_fpir_0.003']:.3f}"
        )
    return "\n".join(lines)


def shipped_block(calibration: Calibration, result: dict) -> Calibration:
    """`calibration` with the 1:N block a `run` result chose: fusion, normalisation, impostor tables."""
    norm = CohortNormalisation.from_dict(result["shipped"]["normalisation"])
    return with_identification(calibration, result["shipped"]["fusion"], norm, result["impostor_tables"])
