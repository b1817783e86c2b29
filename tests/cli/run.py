"""Run the `checkpoint` command as a user does: a separate process, its exit code and its two streams."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_checkpoint(
    *args: str, data_dir: Path, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """`python -m checkpoint ARGS` with its own data directory (and `env` settings); the test's PYTHONPATH runs
    this checkout's code."""
    env = {**os.environ, **(env or {}), "CHECKPOINT_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "checkpoint", *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The single stderr line a failing command printed; fails the test on a traceback or several lines."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{result.stderr}"
    return lines[0]
