"""Benchmark results as JSON under benchmarks/results/, each stamped with the machine's state at the time."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from benchmarks.machine import machine_info

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def save_result(out_dir: Path, name: str, body: dict) -> Path:
    """Write `<out_dir>/<name>.json` atomically with the machine (load average, CPUs, versions) and command."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.json"
    command = "checkpoint " + " ".join(sys.argv[1:]) if Path(sys.argv[0]).name == "checkpoint" else " ".join(sys.argv)
    document = {"benchmark": name, "command": command, "machine": machine_info(), **body}
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}-", suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        json.dump(document, fh, indent=2, default=float)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path
