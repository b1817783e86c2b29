"""The fusion benchmark's folds and impostor table, on hand-made inputs."""

from pathlib import Path

import numpy as np
import pytest

from benchmarks import identify_fusion as fusion
from matcher.score_norm import CohortNormalisation


def test_identities_keep_their_pairs_fold_and_the_others_are_dealt_round_robin(tmp_path: Path):
    folds = [("A", "B"), ("C", "D"), ("E", "F"), ("G", "H"), ("I", "J")]  # per fold: one mated, one non-mated line
    lines = ["5\t1"]
    for mated, other in folds:
        lines += [f"{mated}\t1\t2", f"{mated}\t1\t{other}\t1"]
    (tmp_path / "pairs.txt").write_text("\n".join(lines) + "\n")
    names = [n for pair in folds for n in pair] + ["Zed", "Amy", "Kim"]
    assigned = fusion.identity_folds(tmp_path, names)
    assert [assigned[n] for n in "ABCDEFGHIJ"] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert (assigned["Amy"], assigned["Kim"], assigned["Zed"]) == (0, 1, 2)  # name order, then mod 5


def test_the_impostor_table_counts_every_non_mated_search_against_every_subject():
    rng = np.random.default_rng(0)
    scores = rng.random((400, 30)).astype(np.float32)  # 400 non-mated searches x 30 subjects
    searches = fusion.Searches(
        fused={"max": scores},
        ranked={},
        mate=np.full(400, -1),
        usable=np.ones(400, bool),
        fold=np.zeros(400, int),
        subjects=30,
        mated=0,
        nonmated=400,
    )
    norm = CohortNormalisation(5, 0.5)
    table = fusion.impostor_table(searches, "max", norm, np.ones(400, bool), subjects=30)
    normalised = norm.normalise(-np.sort(-scores, axis=1)).ravel()
    assert table["gallery_subjects"] == 30
    assert [row["fmr"] for row in table["points"]] == [0.02, 0.01, 0.005, 0.002, 0.001]  # 12,000: >= 10 above each
    for row in table["points"]:
        assert row["impostor_comparisons"] == 12_000
        assert np.mean(normalised >= row["threshold"]) <= row["fmr"]
        assert np.mean(normalised >= row["threshold"]) == pytest.approx(row["fmr"], abs=1 / 12_000)


def test_smaller_galleries_get_their_own_stricter_tables():
    rng = np.random.default_rng(1)
    scores = rng.random((400, 60)).astype(np.float32)
    searches = fusion.Searches(
        {"max": scores}, {}, np.full(400, -1), np.ones(400, bool), np.zeros(400, int), 60, 0, 400
    )
    tables = fusion.impostor_tables(searches, "max", CohortNormalisation(5, 0.5), np.ones(400, bool))
    assert [t["gallery_subjects"] for t in tables] == [6, 10, 20, 50, 60]
    at_1_percent = [next(p["threshold"] for p in t["points"] if p["fmr"] == 0.01) for t in tables]
    assert at_1_percent == sorted(at_1_percent, reverse=True)  # fewer subjects: a probe's best others score lower
