"""Every `checkpoint` command, found by walking the command tree (a new command is covered without editing this
file), run as a process: `--help` exits 0 with its usage, an unknown option exits 2 with one line on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from checkpoint.cli import cli
from tests.cli.run import one_line_error, run_checkpoint

# Libraries that take a noticeable time to import (settings: pydantic-settings), or that mean models are loaded.
HEAVY = (
    "numpy", "cv2", "dlib", "onnxruntime", "faiss", "PIL", "skimage", "matplotlib", "rapidocr_onnxruntime",
    "sqlalchemy", "sqlmodel", "fastapi", "uvicorn", "pydantic_settings", "edge", "matcher", "watchlists", "api",
)  # fmt: skip


def command_paths(command: click.Command = cli, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The words naming each command and group under `command`, itself first."""
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from command_paths(sub, (*path, name))


COMMANDS = list(command_paths())


def _name(path: tuple[str, ...]) -> str:
    return " ".join(("checkpoint", *path))


def test_the_walk_finds_the_commands_of_every_group() -> None:
    assert len(COMMANDS) > 30
    assert ("audit", "verify") in COMMANDS and ("bench", "verify-report") in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=_name)
def test_help_exits_0_with_the_usage(path: tuple[str, ...], tmp_path: Path) -> None:
    result = run_checkpoint(*path, "--help", data_dir=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Usage: {_name(path)} ")
    assert result.stderr == ""


@pytest.mark.parametrize("path", COMMANDS, ids=_name)
def test_an_unknown_option_exits_2_with_one_line(path: tuple[str, ...], tmp_path: Path) -> None:
    result = run_checkpoint(*path, "--no-such-option", data_dir=tmp_path, timeout=60)
    assert result.returncode == 2
    line = one_line_error(result)
    assert line.startswith(f"{_name(path)}: ") and "--no-such-option" in line and f"'{_name(path)} --help'" in line
    assert result.stdout == ""


def test_help_and_usage_errors_load_no_model_and_no_heavy_library(tmp_path: Path) -> None:
    script = f"""
import contextlib, io, json, sys
from checkpoint.cli import main
from tests.cli.test_every_command_exit import COMMANDS
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    for path in COMMANDS:
        main([*path, "--help"])
        main([*path, "--no-such-option"])
heavy = {HEAVY!r}
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
