"""The LFW "View 2" pairs protocol: parse pairs.txt into folds of mated and non-mated image pairs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class DatasetError(Exception):
    """A dataset directory or pairs file that cannot be used."""

    code = "dataset_error"

    def __init__(self, problem: str, remedy: str) -> None:
        super().__init__(f"{problem}. {remedy}")
        self.problem = problem
        self.remedy = remedy


@dataclass(frozen=True)
class Pair:
    fold: int
    a: Path
    b: Path
    mated: bool
    identity_a: str
    identity_b: str


def image_path(images: Path, name: str, number: int) -> Path:
    return images / name / f"{name}_{number:04d}.jpg"


def read_pairs(pairs_file: Path, images: Path) -> list[Pair]:
    """All pairs with their fold; first line "folds<TAB>n", then per fold n mated then n non-mated lines."""
    if not pairs_file.is_file():
        raise DatasetError(f"pairs file {pairs_file} not found", "Pass --pairs with the LFW pairs.txt")
    if not images.is_dir():
        raise DatasetError(f"image directory {images} not found", "Pass --images with the LFW images folder")
    lines = [line.split() for line in pairs_file.read_text().splitlines() if line.strip()]
    try:
        folds, per = int(lines[0][0]), int(lines[0][1])
    except (IndexError, ValueError) as exc:
        raise DatasetError(
            f"{pairs_file} does not start with '<folds> <pairs per fold>'", "Use the LFW View 2 pairs format"
        ) from exc
    body = lines[1:]
    if len(body) != folds * per * 2:
        raise DatasetError(
            f"{pairs_file} announces {folds} folds of {per}+{per} pairs but has {len(body)} pair lines",
            "Use an unmodified pairs file",
        )
    pairs = []
    for index, parts in enumerate(body):
        fold = index // (2 * per)
        if len(parts) == 3:
            name, i, j = parts[0], int(parts[1]), int(parts[2])
            pairs.append(Pair(fold, image_path(images, name, i), image_path(images, name, j), True, name, name))
        elif len(parts) == 4:
            n1, i, n2, j = parts[0], int(parts[1]), parts[2], int(parts[3])
            pairs.append(Pair(fold, image_path(images, n1, i), image_path(images, n2, j), False, n1, n2))
        else:
            raise DatasetError(f"{pairs_file} line {index + 2} has {len(parts)} fields", "Expected 3 or 4 fields")
    missing = sorted({str(p) for pair in pairs for p in (pair.a, pair.b) if not p.is_file()})
    if missing:
        raise DatasetError(
            f"{len(missing)} images named in {pairs_file} are missing under {images} (first: {missing[0]})",
            "Point --images at the folder the pairs file describes",
        )
    return pairs


def identity_of(path: Path) -> str:
    """LFW stores each identity's images in a folder named after it."""
    return path.parent.name
