"""The dataset fingerprint recorded in calibrations and reports: same data, same fingerprint, wherever it lies."""

from __future__ import annotations

from pathlib import Path

from benchmarks.machine import dataset_fingerprint


def _dataset(root: Path) -> list[Path]:
    (root / "images" / "Ada").mkdir(parents=True)
    images = [root / "images" / "Ada" / "Ada_0001.jpg", root / "images" / "Ada" / "Ada_0002.jpg"]
    for number, path in enumerate(images):
        path.write_bytes(bytes([number]) * 64)
    return images


def test_a_pairs_file_kept_apart_from_the_images_is_fingerprinted_like_one_beside_them(tmp_path: Path) -> None:
    images = _dataset(tmp_path)
    beside = tmp_path / "pairs.txt"
    apart = tmp_path.parent / f"{tmp_path.name}-lists" / "pairs.txt"
    apart.parent.mkdir()
    for pairs in (beside, apart):
        pairs.write_text("1\t1\nAda\t1\t2\n")
    assert dataset_fingerprint([*images, apart], tmp_path) == dataset_fingerprint([*images, beside], tmp_path)


def test_an_edit_to_a_pairs_file_kept_apart_changes_the_fingerprint(tmp_path: Path) -> None:
    images = _dataset(tmp_path)
    apart = tmp_path.parent / f"{tmp_path.name}-lists" / "pairs.txt"
    apart.parent.mkdir()
    apart.write_text("1\t1\nAda\t1\t2\n")
    before = dataset_fingerprint([*images, apart], tmp_path)
    apart.write_text("1\t1\nAda\t2\t1\n")
    assert dataset_fingerprint([*images, apart], tmp_path) != before
