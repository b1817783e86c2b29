"""A face dataset laid out folder-per-subject (`<root>/<subject>/<image>`), as LFW and enrolment folders are."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.lfw import DatasetError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


@dataclass(frozen=True)
class Dataset:
    root: Path
    paths: list[Path]
    subjects: np.ndarray  # subject name per image

    @property
    def subject_names(self) -> list[str]:
        return sorted(set(self.subjects.tolist()))


def load_dataset(root: Path) -> Dataset:
    """Every image under `root/<subject>/`, sorted, with its subject; a clear error if there is none."""
    if not root.is_dir():
        raise DatasetError(f"dataset folder {root} not found", "Pass --images with a folder of subject folders")
    paths = sorted(p for p in root.glob("*/*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if not paths:
        raise DatasetError(
            f"no images found in subject folders under {root}",
            "Lay the dataset out as <folder>/<subject>/<image>.jpg",
        )
    return Dataset(root, paths, np.array([p.parent.name for p in paths]))


def read_groups(path: Path, subjects: list[str]) -> dict[str, str]:
    """subject -> group from a CSV `subject,group` (header optional); unknown subjects are an error."""
    import csv

    if not path.is_file():
        raise DatasetError(f"groups file {path} not found", "Pass --groups with a CSV of subject,group")
    groups: dict[str, str] = {}
    with open(path, newline="") as fh:
        for row in csv.reader(fh):
            if not row or row[0].strip().lower() == "subject":
                continue
            if len(row) < 2 or not row[1].strip():
                raise DatasetError(f"{path}: row {row} has no group", "Each row must be subject,group")
            groups[row[0].strip()] = row[1].strip()
    known = set(subjects)
    unknown = sorted(set(groups) - known)
    if unknown:
        raise DatasetError(
            f"{path} names {len(unknown)} subjects not in the dataset (first: {unknown[0]})",
            "Use the subject folder names of the dataset",
        )
    return groups
