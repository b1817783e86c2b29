"""Parsing the LFW pairs protocol, and refusing pairs files that do not match their images."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.lfw import DatasetError, read_pairs


def _dataset(tmp_path: Path, lines: list[str]) -> tuple[Path, Path]:
    images = tmp_path / "images"
    for name, count in (("Ann_A", 2), ("Bob_B", 1)):
        (images / name).mkdir(parents=True)
        for i in range(1, count + 1):
            (images / name / f"{name}_{i:04d}.jpg").write_bytes(b"x")
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("\n".join(lines) + "\n")
    return pairs, images


def test_mated_and_non_mated_pairs_with_folds(tmp_path: Path) -> None:
    pairs_file, images = _dataset(
        tmp_path, ["2\t1", "Ann_A\t1\t2", "Ann_A\t1\tBob_B\t1", "Ann_A\t2\t1", "Bob_B\t1\tAnn_A\t2"]
    )
    pairs = read_pairs(pairs_file, images)
    assert [(p.fold, p.mated) for p in pairs] == [(0, True), (0, False), (1, True), (1, False)]
    assert pairs[1].b == images / "Bob_B" / "Bob_B_0001.jpg"


def test_count_mismatch_is_refused(tmp_path: Path) -> None:
    pairs_file, images = _dataset(tmp_path, ["2\t1", "Ann_A\t1\t2"])
    with pytest.raises(DatasetError, match="announces 2 folds"):
        read_pairs(pairs_file, images)


def test_missing_images_are_named(tmp_path: Path) -> None:
    pairs_file, images = _dataset(tmp_path, ["1\t1", "Ann_A\t1\t3", "Ann_A\t1\tBob_B\t1"])
    with pytest.raises(DatasetError, match="Ann_A_0003.jpg"):
        read_pairs(pairs_file, images)


@pytest.mark.lfw
def test_shared_lfw_dev_has_five_folds_of_600(lfw_dir: Path) -> None:
    pairs = read_pairs(lfw_dir / "pairs.txt", lfw_dir / "images")
    assert len(pairs) == 3000
    assert sum(p.mated for p in pairs) == 1500
    assert {p.fold for p in pairs} == {0, 1, 2, 3, 4}
