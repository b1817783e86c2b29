"""Benchmark results as JSON under benchmarks/results/, each stamped with the machine's state at the time."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path


def run_context() -> dict:
    """CPU count, load average, time and code version: timings on a shared machine mean little without them."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(Path(__file__).resolve().parent), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = None
    import faiss
    import numpy

    return {
        "cpu_count": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "time_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "faiss": faiss.__version__,
        "numpy": numpy.__version__,
        "git_commit": commit,
    }


def save_result(out_dir: Path, name: str, body: dict) -> Path:
    """Write `<out_dir>/<name>.json` atomically with the run context added; returns the path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.json"
    document = {"benchmark": name, "context": run_context(), **body}
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}-", suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        json.dump(document, fh, indent=2, sort_keys=False, default=float)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path
