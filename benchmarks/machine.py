"""What a benchmark ran on and with what, recorded in every result file so figures are read in context."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

_PACKAGES = ("numpy", "dlib-bin", "onnxruntime", "faiss-cpu", "opencv-python", "face_recognition_models")


def machine_info() -> dict:
    """CPU, memory, load, Python and library versions, and the code version."""
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "packages": versions,
        "git_commit": git_commit(),
        "time_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def git_commit() -> str | None:
    """The commit the code ran at, with "+dirty" if the tree had uncommitted changes."""
    repo = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + ("+dirty" if dirty else "")


def dataset_fingerprint(files: list[Path], root: Path) -> str:
    """SHA-256 over the sorted names and contents of `files`: same data, same fingerprint, wherever it lies.

    A file under `root` is named by its path relative to it; a file elsewhere (a pairs or groups list kept
    apart from the images) by its file name alone, which is what it would be called beside them.
    """
    entries = sorted((_name_in_dataset(path, root), hashlib.sha256(path.read_bytes()).digest()) for path in files)
    digest = hashlib.sha256()
    for name, content in entries:
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(content)
    return digest.hexdigest()


def _name_in_dataset(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else path.name
