"""Fixtures for running `checkpoint` commands as processes: a small LFW-style dataset with its pairs elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.lfw import image_path


@pytest.fixture(scope="session")
def lfw_mini(lfw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two folds of 8 mated + 8 non-mated LFW-dev pairs (~60 images, enough impostors for FMR 1e-2), with the
    pairs file in a folder of its own, outside the images' parent: `bench verify` and `bench report` take it."""
    root = tmp_path_factory.mktemp("lfw-mini")
    lines = (lfw_dir / "pairs.txt").read_text().splitlines()
    per_fold = int(lines[0].split()[1])
    chosen = []
    for fold in range(2):
        start = 1 + fold * 2 * per_fold
        chosen += lines[start : start + 8] + lines[start + per_fold : start + per_fold + 8]
    images = root / "images"
    for line in chosen:
        parts = line.split()
        mated = len(parts) == 3
        names = [(parts[0], int(parts[1])), (parts[0] if mated else parts[2], int(parts[-1]))]
        for name, number in names:
            source = image_path(lfw_dir / "images", name, number)
            target = image_path(images, name, number)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                target.symlink_to(source)
    pairs = tmp_path_factory.mktemp("lfw-mini-lists") / "pairs.txt"
    pairs.write_text("2\t8\n" + "\n".join(chosen) + "\n")
    return {"images": images, "pairs": pairs}
